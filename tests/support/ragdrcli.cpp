#include "ragdrcli.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QProcess>

namespace ragdr::test {

QJsonObject CliRun::json() const
{
    return QJsonDocument::fromJson(out.toUtf8()).object();
}

CliRun runRagdr(const QStringList &args, const QByteArray &input)
{
    QProcess p;
    p.start(QCoreApplication::applicationDirPath() + QStringLiteral("/ragdr"), args);
    p.write(input);
    p.closeWriteChannel();
    p.waitForFinished(300000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

} // namespace ragdr::test
