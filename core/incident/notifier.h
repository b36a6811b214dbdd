#pragma once

#include "report.h"

#include "core/ops/operationrunner.h"
#include "core/profile/profile.h"

#include <QUrl>

namespace ragdr::core {

class Workspace;

// Sends a stakeholder update: to the profile's Slack-compatible webhooks (a POST of {"text"}),
// and as a mailto: link the console opens in the user's mail client (the profile's contacts, the
// update as the body). Each notification is a timeline entry (notification.sent, or
// notification.failed with why), which is also what the update reminder counts from. Webhook
// URLs are secrets (they carry tokens): they are read when sent and never written anywhere.
class Notifier final
{
public:
    static QStringList recipients(const Profile &profile);
    static QUrl mailto(const Profile &profile, const Report &update);

    // Posts to the webhooks named (every webhook of the profile when names is empty).
    static Operation *sendWebhooks(Workspace &ws, const Report &update, const QStringList &names);
    // Records that the update was handed to the mail client.
    static Operation *recordMail(Workspace &ws, const Report &update);
};

} // namespace ragdr::core
