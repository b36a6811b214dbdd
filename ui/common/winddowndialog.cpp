#include "winddowndialog.h"

#include "operationrow.h"
#include "paneltitle.h"

#include "core/ops/winddown.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace ragdr::ui {

WinddownDialog::WinddownDialog(core::Winddown *winddown,
                               const QString &what,
                               const QString &proceedText,
                               QWidget *parent)
    : QDialog(parent)
    , m_winddown(winddown)
    , m_what(what)
    , m_heading(panelTitle(QString(), this))
    , m_text(new QLabel(this))
    , m_rowBox(new QWidget(this))
    , m_summary(new QLabel(this))
    , m_cancelAll(new QPushButton(tr("Cancel them, then %1").arg(what), this))
    , m_letFinish(new QPushButton(tr("Let them finish, then %1").arg(what), this))
    , m_keep(new QPushButton(tr("Keep working"), this))
    , m_cancelRest(new QPushButton(tr("Cancel the rest now"), this))
    , m_keepOpen(new QPushButton(tr("Keep the window open"), this))
    , m_proceed(new QPushButton(proceedText, this))
{
    setObjectName(QStringLiteral("winddownDialog"));
    setWindowTitle(tr("Operations are running"));
    setMinimumWidth(720);
    winddown->setParent(this);
    m_text->setObjectName(QStringLiteral("winddownText"));
    m_text->setWordWrap(true);
    m_summary->setObjectName(QStringLiteral("winddownSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->hide();
    auto *rows = new QVBoxLayout(m_rowBox);
    rows->setContentsMargins(12, 4, 0, 4);
    for (const core::Winddown::Item &item : winddown->items()) {
        if (item.operation)
            rows->addWidget(new OperationRow(item.operation, m_rowBox));
    }

    const struct
    {
        QPushButton *button;
        const char *name;
    } buttons[] = {{m_cancelAll, "winddownCancelAll"},
                   {m_letFinish, "winddownLetFinish"},
                   {m_keep, "winddownKeep"},
                   {m_cancelRest, "winddownCancelRest"},
                   {m_keepOpen, "winddownKeepOpen"},
                   {m_proceed, "winddownProceed"}};
    auto *buttonRow = new QHBoxLayout;
    buttonRow->addStretch(1);
    for (const auto &b : buttons) {
        b.button->setObjectName(QString::fromLatin1(b.name));
        b.button->setAutoDefault(false);
        buttonRow->addWidget(b.button);
    }
    // Enter must never cancel someone's backup: the harmless answer is the default.
    m_keep->setDefault(true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_heading);
    layout->addWidget(m_text);
    layout->addWidget(m_rowBox);
    layout->addWidget(m_summary);
    layout->addStretch(1);
    layout->addLayout(buttonRow);

    connect(m_cancelAll, &QPushButton::clicked, this, [this] { decide(true); });
    connect(m_letFinish, &QPushButton::clicked, this, [this] { decide(false); });
    connect(m_keep, &QPushButton::clicked, this, &WinddownDialog::stay);
    connect(m_cancelRest, &QPushButton::clicked, m_winddown, &core::Winddown::cancelRest);
    connect(m_keepOpen, &QPushButton::clicked, this, &WinddownDialog::stay);
    connect(m_proceed, &QPushButton::clicked, this, [this] {
        accept();
        Q_EMIT proceed();
    });
    connect(m_winddown, &core::Winddown::changed, this, &WinddownDialog::updateTexts);
    connect(m_winddown, &core::Winddown::finished, this, &WinddownDialog::onFinished);
    updateTexts();
}

void WinddownDialog::reject()
{
    // Escape and the title bar's close mean the harmless answer of each phase.
    switch (m_phase) {
    case Phase::Ask:
        stay();
        break;
    case Phase::Waiting:
        if (m_winddown->mode() == core::Winddown::Mode::Finish)
            stay();
        break; // what was cancelled cleans up; the window waits for it
    case Phase::Done:
        m_proceed->click();
        break;
    }
}

void WinddownDialog::decide(bool cancel)
{
    m_phase = Phase::Waiting;
    m_winddown->start(cancel ? core::Winddown::Mode::Cancel : core::Winddown::Mode::Finish);
    updateTexts();
}

void WinddownDialog::stay()
{
    if (m_phase == Phase::Waiting) {
        m_winddown->abandon(); // answers with finished(false)
        return;
    }
    QDialog::reject();
    Q_EMIT stayed();
}

void WinddownDialog::onFinished(bool ended)
{
    if (!ended) {
        QDialog::reject();
        Q_EMIT stayed();
        return;
    }
    m_phase = Phase::Done;
    updateTexts();
}

void WinddownDialog::updateTexts()
{
    const int total = int(m_winddown->items().size());
    const int remaining = m_winddown->remaining();
    const bool cancelling = m_winddown->mode() == core::Winddown::Mode::Cancel;
    m_cancelAll->setVisible(m_phase == Phase::Ask);
    m_letFinish->setVisible(m_phase == Phase::Ask);
    m_keep->setVisible(m_phase == Phase::Ask);
    m_cancelRest->setVisible(m_phase == Phase::Waiting && !cancelling);
    m_keepOpen->setVisible(m_phase == Phase::Waiting && !cancelling);
    m_proceed->setVisible(m_phase == Phase::Done);
    m_rowBox->setVisible(m_phase != Phase::Done);
    m_summary->setVisible(m_phase == Phase::Done);
    switch (m_phase) {
    case Phase::Ask:
        m_heading->setText(remaining == 1 ? tr("An operation is running")
                                          : tr("%1 operations are running").arg(remaining));
        m_text->setText(tr("To %1, the work of this profile must end first. Cancelled operations "
                           "clean up before they stop and leave the live system as it was; "
                           "the window waits for them.")
                            .arg(m_what));
        break;
    case Phase::Waiting:
        m_heading->setText(cancelling ? tr("Cancelling; %1 still cleaning up").arg(remaining)
                                      : tr("Waiting; %1 still running").arg(remaining));
        m_text->setText(cancelling
                            ? tr("Each one cleans up before it stops; then you can %1.").arg(m_what)
                            : tr("When they have finished you can %1.").arg(m_what));
        break;
    case Phase::Done:
        m_heading->setText(tr("Nothing runs any more"));
        m_text->setText(total == 1 ? tr("How it ended (the journal records it too):")
                                   : tr("How each one ended (the journal records it too):"));
        m_summary->setText(m_winddown->outcomeLines().join(QLatin1Char('\n')));
        m_proceed->setDefault(true);
        m_proceed->setFocus();
        break;
    }
}

} // namespace ragdr::ui
