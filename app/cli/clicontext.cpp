#include "clicontext.h"

#include "core/ops/operationrunner.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTimer>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace ragdr::cli {

using namespace ragdr::core;

namespace {

std::atomic_bool g_interrupted{false};

void onInterrupt(int)
{
    g_interrupted = true;
}

} // namespace

namespace term {

void out(const QString &text)
{
    std::fputs(qPrintable(text + QLatin1Char('\n')), stdout);
    std::fflush(stdout);
}

void err(const QString &text)
{
    std::fputs(qPrintable(text + QLatin1Char('\n')), stderr);
    std::fflush(stderr);
}

void outJson(const QJsonValue &value)
{
    const QJsonDocument doc = value.isArray() ? QJsonDocument(value.toArray())
                                              : QJsonDocument(value.toObject());
    out(QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed());
}

void printTable(const QStringList &headers, const QList<QStringList> &rows)
{
    QList<int> widths;
    for (const QString &h : headers)
        widths.append(int(h.size()));
    for (const QStringList &row : rows) {
        for (int i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], int(row.at(i).size()));
    }
    auto line = [&](const QStringList &cells) {
        QString text;
        for (int i = 0; i < cells.size(); ++i)
            text += i + 1 < cells.size() ? cells.at(i).leftJustified(widths.at(i) + 3)
                                         : cells.at(i);
        out(text.trimmed());
    };
    QStringList upper;
    for (const QString &h : headers)
        upper.append(h.toUpper());
    line(upper);
    for (const QStringList &row : rows)
        line(row);
}

void installInterruptHandler()
{
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
}

} // namespace term

OperationResult CliContext::await(Operation *op, bool showProgress) const
{
    OperationResult result;
    QEventLoop loop;
    const bool tty = showProgress && !json && ::isatty(STDERR_FILENO);
    QObject::connect(op,
                     &Operation::progressChanged,
                     &loop,
                     [&](double fraction, const QString &step) {
                         if (!tty)
                             return;
                         const QString pct = fraction < 0
                                                 ? QStringLiteral(" ...")
                                                 : QStringLiteral("%1%").arg(int(fraction * 100), 3);
                         std::fprintf(stderr,
                                      "\r\033[K[%s] %s",
                                      qPrintable(pct),
                                      qPrintable(step.left(100)));
                         std::fflush(stderr);
                     });
    QObject::connect(op, &Operation::finished, &loop, [&](const OperationResult &r) {
        result = r;
        if (tty)
            std::fprintf(stderr, "\r\033[K");
        loop.quit();
    });
    QTimer interruptPoll;
    // The operation deletes itself once finished; a tick in the same pass must not touch it.
    const QPointer<Operation> running(op);
    QObject::connect(&interruptPoll, &QTimer::timeout, &loop, [&] {
        if (g_interrupted.exchange(false) && running) {
            term::err(
                QStringLiteral("ragdr: cancelling (the operation cleans up before it stops)"));
            running->cancel();
        }
    });
    interruptPoll.start(100);
    loop.exec();
    return result;
}

int CliContext::report(const OperationResult &r) const
{
    if (json) {
        term::outJson(r.toJson());
        return r.exitCode();
    }
    if (r.ok())
        term::out(r.message);
    else
        term::err(QStringLiteral("ragdr: %1").arg(r.message));
    if (!r.ok() && !r.untouched.isEmpty())
        term::err(QStringLiteral("untouched: %1").arg(r.untouched));
    for (const QString &w : r.warnings)
        term::err(QStringLiteral("warning: %1").arg(w));
    return r.exitCode();
}

int CliContext::usage(const QString &why) const
{
    term::err(QStringLiteral("ragdr: %1 (ragdr --help lists the commands)").arg(why));
    return 2;
}

} // namespace ragdr::cli
