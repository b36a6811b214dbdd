#include "keysdialog.h"

#include "../common/palette.h"

#include "core/llm/llmkeys.h"
#include "core/ops/workspace.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace ragdr::ui {

KeysDialog::KeysDialog(core::Workspace *workspace, QWidget *parent)
    : QDialog(parent)
    , m_workspace(workspace)
    , m_keychain(new QLabel(tr("Asking the keychain…"), this))
    , m_table(new QTableWidget(0, 4, this))
    , m_sessionOnly(
          new QCheckBox(tr("For this session only (kept in memory, never written to disk)"), this))
    , m_set(new QPushButton(tr("Set / replace…"), this))
    , m_validate(new QPushButton(tr("Validate"), this))
    , m_delete(new QPushButton(tr("Delete"), this))
    , m_result(new QLabel(this))
{
    setObjectName(QStringLiteral("keysDialog"));
    setWindowTitle(tr("LLM keys"));
    resize(760, 360);
    m_keychain->setObjectName(QStringLiteral("keychainLabel"));
    m_keychain->setWordWrap(true);
    m_table->setObjectName(QStringLiteral("keysTable"));
    m_table->setHorizontalHeaderLabels({tr("Key name"), tr("Where"), tr("Key"), tr("Used by")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_sessionOnly->setObjectName(QStringLiteral("sessionOnlyCheck"));
    m_set->setObjectName(QStringLiteral("setKeyButton"));
    m_validate->setObjectName(QStringLiteral("validateKeyButton"));
    m_delete->setObjectName(QStringLiteral("deleteKeyButton"));
    m_result->setObjectName(QStringLiteral("keyResultLabel"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_prompt = [this](const QString &name) {
        bool ok = false;
        const QString key = QInputDialog::getText(this,
                                                  tr("Key for %1").arg(name),
                                                  tr("Paste the new key (it is validated before it "
                                                     "replaces the old one):"),
                                                  QLineEdit::Password,
                                                  {},
                                                  &ok);
        return ok ? key.trimmed().toUtf8() : QByteArray();
    };

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_set);
    buttons->addWidget(m_validate);
    buttons->addWidget(m_delete);
    buttons->addStretch(1);
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_keychain);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_sessionOnly);
    layout->addLayout(buttons);
    layout->addWidget(m_result);
    layout->addWidget(close);

    connect(m_set, &QPushButton::clicked, this, &KeysDialog::setKey);
    connect(m_validate, &QPushButton::clicked, this, [this] {
        run(m_validate, [this] {
            connect(core::LlmKeys::validate(*m_workspace, selectedName()),
                    &core::Operation::finished,
                    this,
                    &KeysDialog::showResult);
        });
    });
    connect(m_delete, &QPushButton::clicked, this, [this] {
        run(m_delete, [this] {
            connect(core::LlmKeys::remove(*m_workspace, selectedName()),
                    &core::Operation::finished,
                    this,
                    &KeysDialog::showResult);
        });
    });
    reload();
}

void KeysDialog::setKeyPrompt(std::function<QByteArray(const QString &)> prompt)
{
    m_prompt = std::move(prompt);
}

QString KeysDialog::selectedName() const
{
    const int row = m_table->currentRow() >= 0 ? m_table->currentRow() : 0;
    const QTableWidgetItem *item = m_table->item(row, 0);
    return item ? item->text() : QString();
}

void KeysDialog::run(QPushButton *button, const std::function<void()> &start)
{
    if (selectedName().isEmpty())
        return;
    for (QPushButton *b : {m_set, m_validate, m_delete})
        b->setEnabled(false);
    m_result->setText(button == m_validate ? tr("Validating…") : tr("Working…"));
    m_result->setStyleSheet({});
    start();
}

void KeysDialog::reload()
{
    connect(core::LlmKeys::list(*m_workspace),
            &core::Operation::finished,
            this,
            &KeysDialog::showList);
}

void KeysDialog::showList(const core::OperationResult &result)
{
    const QJsonObject keychain = result.evidence.value(QLatin1String("keychain")).toObject();
    const bool available = keychain.value(QLatin1String("available")).toBool();
    if (available) {
        m_keychain->setText(tr("Keys live in the OS keychain (service \"ragdr\"); only their last "
                               "four characters are ever shown."));
        m_keychain->setStyleSheet({});
    } else {
        m_keychain->setText(
            tr("<b>No keychain service.</b> %1<br>Keys you set now are kept for "
               "this session only.")
                .arg(keychain.value(QLatin1String("detail")).toString().toHtmlEscaped()));
        m_keychain->setStyleSheet(QStringLiteral("color: %1").arg(Palette::warning().name()));
    }
    m_sessionOnly->setChecked(!available);
    m_sessionOnly->setEnabled(available);
    const QString selected = selectedName();
    const QJsonArray keys = result.evidence.value(QLatin1String("keys")).toArray();
    m_table->setRowCount(int(keys.size()));
    for (int row = 0; row < keys.size(); ++row) {
        const QJsonObject k = keys.at(row).toObject();
        QStringList users;
        for (const QJsonValue &e : k.value(QLatin1String("endpoints")).toArray())
            users.append(e.toString());
        const bool stored = k.value(QLatin1String("stored")).toBool();
        const QStringList cells{k.value(QLatin1String("name")).toString(),
                                k.value(QLatin1String("source")).toString(),
                                stored ? k.value(QLatin1String("key")).toString() : tr("not stored"),
                                users.join(QStringLiteral(", "))};
        for (int col = 0; col < cells.size(); ++col)
            m_table->setItem(row, col, new QTableWidgetItem(cells.at(col)));
        if (cells.first() == selected || (selected.isEmpty() && row == 0))
            m_table->selectRow(row);
    }
    m_table->resizeColumnsToContents();
    for (QPushButton *b : {m_set, m_validate, m_delete})
        b->setEnabled(!keys.isEmpty());
}

void KeysDialog::setKey()
{
    const QString name = selectedName();
    if (name.isEmpty())
        return;
    const QByteArray secret = m_prompt(name);
    if (secret.isEmpty())
        return;
    const bool sessionOnly = m_sessionOnly->isChecked();
    run(m_set, [this, name, secret, sessionOnly] {
        connect(core::LlmKeys::set(*m_workspace, name, secret, sessionOnly),
                &core::Operation::finished,
                this,
                &KeysDialog::showResult);
    });
}

void KeysDialog::showResult(const core::OperationResult &result)
{
    m_result->setText(result.ok() ? result.message
                                  : tr("%1\n%2").arg(result.message, result.untouched));
    m_result->setStyleSheet(
        QStringLiteral("color: %1").arg((result.ok() ? Palette::good() : Palette::bad()).name()));
    Q_EMIT keysChanged();
    reload();
}

} // namespace ragdr::ui
