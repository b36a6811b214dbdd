#pragma once

#include "core/backup/backupcatalog.h"

#include <QDialog>

namespace ragdr::ui {

// A backup's manifest as recorded: the facts, every verification and the state of each copy.
class ManifestDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ManifestDialog)

public:
    ManifestDialog(const core::BackupEntry &entry, QWidget *parent = nullptr);
};

} // namespace ragdr::ui
