#include "notifier.h"

#include "journal.h"
#include "reporttext.h"

#include "core/health/httpclient.h"
#include "core/ops/workspace.h"
#include "core/secrets/secretstore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

namespace ragdr::core {

namespace {

Status journalNotification(Journal &journal,
                           bool sent,
                           const Report &update,
                           const QString &channel,
                           const QString &target,
                           const QString &text,
                           QJsonObject evidence)
{
    JournalRecord r;
    r.type = sent ? QStringLiteral("notification.sent") : QStringLiteral("notification.failed");
    r.text = text;
    evidence.insert(QStringLiteral("update"), ReportText::plain(update).left(4000));
    r.evidence = evidence;
    r.fields = {{QStringLiteral("channel"), channel},
                {QStringLiteral("target"), target},
                {QStringLiteral("report_kind"), Report::kindName(update.kind)}};
    return journal.append(r);
}

} // namespace

QStringList Notifier::recipients(const Profile &profile)
{
    QStringList emails;
    for (const Contact &c : profile.contacts) {
        if (!c.email.isEmpty() && !emails.contains(c.email))
            emails.append(c.email);
    }
    return emails;
}

QUrl Notifier::mailto(const Profile &profile, const Report &update)
{
    QUrl url;
    url.setScheme(QStringLiteral("mailto"));
    url.setPath(recipients(profile).join(QLatin1Char(',')));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("subject"),
                       QStringLiteral("[%1] %2").arg(update.incidentId, update.title));
    query.addQueryItem(QStringLiteral("body"), ReportText::plain(update));
    url.setQuery(query);
    return url;
}

Operation *Notifier::sendWebhooks(Workspace &ws, const Report &update, const QStringList &names)
{
    const Profile profile = ws.profile();
    Journal *journal = &ws.journal();
    return ws.runner().start(
        {QStringLiteral("notify"),
         QStringLiteral("Send the %1").arg(Report::kindTitle(update.kind).toLower()),
         {{QStringLiteral("webhooks"), QJsonArray::fromStringList(names)}},
         false},
        [profile, journal, update, names](const Progress &progress) {
            QList<Webhook> targets;
            for (const Webhook &w : profile.incident.webhooks) {
                if (names.isEmpty() || names.contains(w.name))
                    targets.append(w);
            }
            for (const QString &n : names) {
                bool known = false;
                for (const Webhook &w : profile.incident.webhooks)
                    known = known || w.name == n;
                if (!known)
                    return OperationResult::failure(Error::badInput(
                        QStringLiteral("the profile has no webhook \"%1\"").arg(n)));
            }
            if (targets.isEmpty())
                return OperationResult::failure(Error::badInput(
                    QStringLiteral("the profile names no webhook (incident.webhooks)")));
            const QByteArray payload = QJsonDocument(QJsonObject{{QStringLiteral("text"),
                                                                  ReportText::slack(update)}})
                                           .toJson(QJsonDocument::Compact);
            HttpClient http;
            QStringList sent;
            QStringList failed;
            for (qsizetype i = 0; i < targets.size(); ++i) {
                const Webhook &w = targets.at(i);
                progress.set(double(i) / targets.size(), QStringLiteral("webhook %1").arg(w.name));
                QString why;
                int status = 0;
                QByteArray answerText;
                auto url = SecretStore::read(w.url);
                if (!url) {
                    why = url.error().message;
                } else {
                    HttpCall call;
                    call.method = "POST";
                    call.url = QUrl(QString::fromUtf8(url->trimmed()));
                    call.contentType = "application/json";
                    call.body = payload;
                    call.caFile = w.ca;
                    call.timeoutMs = 15000;
                    auto answer = http.send(call, progress.cancelToken());
                    if (!answer) {
                        why = answer.error().message;
                    } else {
                        status = answer->status;
                        answerText = answer->body.left(200);
                        if (status < 200 || status >= 300)
                            why = QStringLiteral("%1 answered HTTP %2: %3")
                                      .arg(call.safeUrl())
                                      .arg(status)
                                      .arg(QString::fromUtf8(answerText).simplified());
                    }
                }
                const bool ok = why.isEmpty();
                const QString text = ok ? QStringLiteral("%1 sent to webhook %2")
                                              .arg(Report::kindTitle(update.kind), w.name)
                                        : QStringLiteral("%1 NOT sent to webhook %2: %3")
                                              .arg(Report::kindTitle(update.kind), w.name, why);
                if (Status written = journalNotification(*journal,
                                                         ok,
                                                         update,
                                                         QStringLiteral("webhook"),
                                                         w.name,
                                                         text,
                                                         {{QStringLiteral("http_status"), status},
                                                          {QStringLiteral("answer"),
                                                           QString::fromUtf8(answerText)}});
                    !written)
                    return OperationResult::failure(written.error());
                (ok ? sent : failed).append(ok ? w.name : text);
            }
            const QJsonObject evidence{{QStringLiteral("sent"), QJsonArray::fromStringList(sent)},
                                       {QStringLiteral("failed"),
                                        QJsonArray::fromStringList(failed)}};
            if (!failed.isEmpty())
                return OperationResult::failure(Error::failed(failed.join(QStringLiteral("; "))),
                                                evidence);
            return OperationResult::success(QStringLiteral("%1 sent to %2")
                                                .arg(Report::kindTitle(update.kind),
                                                     sent.join(QStringLiteral(", "))),
                                            evidence);
        });
}

Operation *Notifier::recordMail(Workspace &ws, const Report &update)
{
    const QStringList to = recipients(ws.profile());
    Journal *journal = &ws.journal();
    return ws.runner()
        .start({QStringLiteral("notify.mail"), QStringLiteral("Record the mail"), {}, false},
               [journal, update, to](const Progress &) {
                   const QString text = QStringLiteral("%1 opened in the mail client for %2")
                                            .arg(Report::kindTitle(update.kind),
                                                 to.join(QStringLiteral(", ")));
                   const Status s = journalNotification(*journal,
                                                        true,
                                                        update,
                                                        QStringLiteral("mail"),
                                                        to.join(QLatin1Char(',')),
                                                        text,
                                                        {{QStringLiteral("recipients"),
                                                          QJsonArray::fromStringList(to)}});
                   return s ? OperationResult::success(text) : OperationResult::failure(s.error());
               });
}

} // namespace ragdr::core
