#include "manifestdialog.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QHeaderView>
#include <QJsonArray>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace ragdr::ui {

ManifestDialog::ManifestDialog(const core::BackupEntry &entry, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("manifestDialog"));
    setWindowTitle(tr("Manifest of %1").arg(entry.id));
    resize(860, 640);
    auto *tabs = new QTabWidget(this);

    auto *checks = new QTableWidget(this);
    checks->setObjectName(QStringLiteral("verificationTable"));
    checks->setColumnCount(5);
    checks->setHorizontalHeaderLabels(
        {tr("When (UTC)"), tr("Level"), tr("Result"), tr("Check"), tr("Detail")});
    checks->horizontalHeader()->setStretchLastSection(true);
    checks->verticalHeader()->hide();
    checks->setEditTriggers(QAbstractItemView::NoEditTriggers);
    const core::BackupManifest &m = *entry.manifest;
    for (auto v = m.verifications.crbegin(); v != m.verifications.crend(); ++v) {
        for (const QJsonValue &c : v->checks) {
            const QJsonObject check = c.toObject();
            const int row = checks->rowCount();
            checks->insertRow(row);
            const QStringList cells{v->at.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                                    core::levelName(v->level),
                                    core::resultName(v->result),
                                    check.value(QStringLiteral("name")).toString(),
                                    QStringLiteral("%1: %2")
                                        .arg(check.value(QStringLiteral("status")).toString(),
                                             check.value(QStringLiteral("detail")).toString())};
            for (int col = 0; col < cells.size(); ++col)
                checks->setItem(row, col, new QTableWidgetItem(cells.at(col)));
        }
    }
    checks->resizeColumnsToContents();
    tabs->addTab(checks, tr("Verifications"));

    auto *json = new QPlainTextEdit(this);
    json->setObjectName(QStringLiteral("manifestJson"));
    json->setReadOnly(true);
    json->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    json->setPlainText(QString::fromUtf8(m.toJson()));
    tabs->addTab(json, tr("Manifest (JSON)"));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(tabs);
    layout->addWidget(buttons);
}

} // namespace ragdr::ui
