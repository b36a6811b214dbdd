#pragma once

#include <QJsonObject>
#include <QStringList>

namespace ragdr::test {

struct CliRun
{
    int exitCode = -1;
    QString out;
    QString err;
    QJsonObject json() const;
};

// The ragdr command line as a user runs it: the binary built beside the test's own, with input
// on its stdin (a session key).
CliRun runRagdr(const QStringList &args, const QByteArray &input = {});

} // namespace ragdr::test
