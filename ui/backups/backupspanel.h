#pragma once

#include "core/backup/backupoperations.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QToolButton;

namespace ragdr::core {
class Workspace;
}

namespace ragdr::ui {

class BackupTableModel;

// Backups: every backup in every repository of the regions shown, its age against the RPO
// target and its verification; Back up now, Verify (quick/full/deep), Show manifest, Retention.
// Everything runs as core operations; this panel only shows and asks.
class BackupsPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BackupsPanel)

public:
    explicit BackupsPanel(core::Workspace *workspace, QWidget *parent = nullptr);

    // Regions to show; empty: all of the profile's.
    void setRegions(const QStringList &regions);
    void refresh();

    BackupTableModel *model() const { return m_model; }

Q_SIGNALS:
    // "Restore…": the selected backup, or "latest" (the newest verified) when none is selected.
    void restoreRequested(const QString &region, const QString &backupKey);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void backUpNow();
    void verifySelected(core::VerifyLevel level);
    void startVerify(const QString &region, const QString &id, core::VerifyLevel level);
    void showManifest();
    void openRetention();
    void onListed(const core::OperationResult &result,
                  const std::shared_ptr<core::CatalogView> &view);
    void updateSelectionDetails();
    void updateButtons();
    void updateEmptyHint();
    const core::BackupEntry *selected() const;
    QString targetRegion() const;

    core::Workspace *m_workspace;
    QStringList m_regions;
    BackupTableModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
    QLabel *m_rpo;
    QLabel *m_problems;
    QLabel *m_details;
    QLabel *m_empty;
    QPushButton *m_backupButton;
    QToolButton *m_verifyButton;
    QPushButton *m_manifestButton;
    QPushButton *m_retentionButton;
    QPushButton *m_restoreButton;
    QPointer<core::Operation> m_backup;
    QPointer<core::Operation> m_listing;
    bool m_listAgain = false;
    QTimer m_ageTimer;
};

} // namespace ragdr::ui
