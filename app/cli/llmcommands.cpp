// ragdr llm check | llm keys list|set|validate|delete | llm switch ENDPOINT|back
#include "clicontext.h"

#include "core/llm/endpointreport.h"
#include "core/llm/llmkeys.h"
#include "core/llm/llmoperations.h"
#include "core/ops/workspace.h"
#include "core/secrets/sessionkeys.h"

#include <QJsonArray>

#include <cstdio>
#include <termios.h>
#include <unistd.h>

namespace ragdr::cli {

using namespace ragdr::core;

namespace {

// A key from stdin: typed at a hidden prompt on a terminal, else the first line of what is piped
// in. Never from the arguments or the environment, where other users and logs could see it.
QByteArray readSecret(const QString &prompt)
{
    const bool tty = ::isatty(STDIN_FILENO);
    termios saved{};
    if (tty) {
        std::fprintf(stderr, "%s", qPrintable(prompt));
        std::fflush(stderr);
        ::tcgetattr(STDIN_FILENO, &saved);
        termios hidden = saved;
        hidden.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &hidden);
    }
    QByteArray line;
    for (int ch = std::fgetc(stdin); ch != EOF && ch != '\n'; ch = std::fgetc(stdin))
        line.append(char(ch));
    if (tty) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        std::fprintf(stderr, "\n");
    }
    return line.trimmed();
}

int check(const CliContext &c)
{
    const OperationResult r = c.await(
        LlmOperations::check(c.ws, nullptr, c.region, c.option(QStringLiteral("endpoint"))));
    if (c.json)
        return c.report(r);
    QList<QStringList> rows;
    for (const QJsonValue &v : r.evidence.value(QLatin1String("endpoints")).toArray()) {
        const EndpointReport e = EndpointReport::fromJson(v.toObject());
        rows.append(
            {e.name + (e.live ? QStringLiteral(" *") : QString()),
             EndpointReport::stateName(e.state),
             e.keyMask.isEmpty() ? QStringLiteral("-") : e.keyMask,
             e.latencyMs >= 0 ? QStringLiteral("%1 ms").arg(e.latencyMs) : QStringLiteral("-"),
             e.embeddingDimension > 0 ? QString::number(e.embeddingDimension) : QStringLiteral("-"),
             e.failure.isFailure() ? e.failure.className() : QString()});
    }
    if (!rows.isEmpty()) {
        term::printTable({QStringLiteral("endpoint"),
                          QStringLiteral("state"),
                          QStringLiteral("key"),
                          QStringLiteral("latency"),
                          QStringLiteral("dims"),
                          QStringLiteral("class")},
                         rows);
    }
    for (const QJsonValue &v : r.evidence.value(QLatin1String("endpoints")).toArray()) {
        const EndpointReport e = EndpointReport::fromJson(v.toObject());
        if (e.failure.isFailure())
            term::err(QStringLiteral("%1: %2\n  what to do: %3")
                          .arg(e.name, e.summary(), e.failure.advice()));
    }
    return c.report(r);
}

int keys(const CliContext &c)
{
    const QString sub = c.args.value(2);
    const QString name = c.args.value(3);
    if (sub == QLatin1String("list") || sub.isEmpty()) {
        const OperationResult r = c.await(LlmKeys::list(c.ws));
        if (c.json || !r.ok())
            return c.report(r);
        QList<QStringList> rows;
        for (const QJsonValue &v : r.evidence.value(QLatin1String("keys")).toArray()) {
            const QJsonObject k = v.toObject();
            QStringList endpoints;
            for (const QJsonValue &e : k.value(QLatin1String("endpoints")).toArray())
                endpoints.append(e.toString());
            rows.append({k.value(QLatin1String("name")).toString(),
                         k.value(QLatin1String("source")).toString(),
                         k.contains(QLatin1String("stored"))
                             ? (k.value(QLatin1String("stored")).toBool() ? QStringLiteral("yes")
                                                                          : QStringLiteral("no"))
                             : QStringLiteral("unknown"),
                         k.value(QLatin1String("key")).toString(QStringLiteral("-")),
                         endpoints.join(QLatin1Char(','))});
        }
        term::printTable({QStringLiteral("name"),
                          QStringLiteral("source"),
                          QStringLiteral("stored"),
                          QStringLiteral("key"),
                          QStringLiteral("endpoints")},
                         rows);
        term::err(r.message);
        return 0;
    }
    if (name.isEmpty())
        return c.usage(QStringLiteral("llm keys %1 needs a key name").arg(sub));
    if (sub == QLatin1String("set")) {
        auto resolved = LlmKeys::resolve(c.ws.profile(), name);
        if (!resolved)
            return c.report(OperationResult::failure(resolved.error()));
        const QByteArray secret = readSecret(QStringLiteral("new key for %1: ").arg(*resolved));
        if (secret.isEmpty())
            return c.usage(QStringLiteral("no key was given on stdin"));
        return c.report(c.await(LlmKeys::set(c.ws, name, secret, false)));
    }
    if (sub == QLatin1String("validate"))
        return c.report(c.await(LlmKeys::validate(c.ws, name)));
    if (sub == QLatin1String("delete"))
        return c.report(c.await(LlmKeys::remove(c.ws, name)));
    return c.usage(QStringLiteral("llm keys expects list, set, validate or delete"));
}

int switchService(const CliContext &c)
{
    const QString target = c.args.value(2);
    if (target.isEmpty())
        return c.usage(QStringLiteral("llm switch expects an endpoint's name, or back"));
    return c.report(
        c.await(LlmOperations::switchService(c.ws,
                                             c.region,
                                             target == QLatin1String("back") ? QString() : target,
                                             c.option(QStringLiteral("confirm")))));
}

} // namespace

int holdSessionKey(const CliContext &c)
{
    auto name = LlmKeys::resolve(c.ws.profile(), c.option(QStringLiteral("session-key")));
    if (!name)
        return c.usage(name.error().message);
    const QByteArray key = readSecret(QStringLiteral("key for %1 (this run only): ").arg(*name));
    if (key.isEmpty())
        return c.usage(QStringLiteral("no key was given on stdin"));
    SessionKeys::set(*name, key);
    return 0;
}

int llmCommand(const CliContext &c)
{
    const QString sub = c.args.value(1);
    if (sub == QLatin1String("check"))
        return check(c);
    if (sub == QLatin1String("keys"))
        return keys(c);
    if (sub == QLatin1String("switch"))
        return switchService(c);
    if (sub == QLatin1String("service")) {
        return c.report(c.await(LlmOperations::serviceState(c.ws, c.region)));
    }
    if (sub == QLatin1String("status"))
        return c.report(c.await(LlmOperations::providerStatus(c.ws)));
    return c.usage(QStringLiteral("llm expects check, keys, switch, service or status"));
}

} // namespace ragdr::cli
