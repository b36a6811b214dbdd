#include "execpluginsearch.h"

#include <QDir>
#include <QFileInfo>

namespace ragdr::core {

namespace {

bool isExecutableFile(const QString &path)
{
    const QFileInfo info(path);
    return info.isFile() && info.isExecutable();
}

QString notFound(const QString &what, const QString &installHint)
{
    // client-go's wording, then the hint the kubeconfig's author left for this very case.
    QString message = what
                      + QStringLiteral(
                          ". It looks like you are trying to use a client-go credential plugin "
                          "that is not installed.");
    if (!installHint.trimmed().isEmpty())
        message += QStringLiteral("\n\n") + installHint.trimmed();
    return message;
}

} // namespace

ExecPluginSearch ExecPluginSearch::fromEnvironment()
{
    ExecPluginSearch search;
    for (const QString &dir :
         qEnvironmentVariable("PATH").split(QLatin1Char(':'), Qt::SkipEmptyParts)) {
        // A relative PATH entry would make the result depend on our working directory; Go's
        // exec.LookPath refuses such results too.
        if (QDir::isAbsolutePath(dir) && !search.pathDirs.contains(dir))
            search.pathDirs.append(dir);
    }
    QString home = qEnvironmentVariable("HOME");
    if (home.isEmpty())
        home = QDir::homePath();
    search.extraDirs = googleCloudSdkDirs(home);
    return search;
}

QStringList ExecPluginSearch::googleCloudSdkDirs(const QString &homeDir)
{
    QStringList dirs;
    if (!homeDir.isEmpty())
        dirs.append(homeDir + QStringLiteral("/google-cloud-sdk/bin"));
    dirs += {QStringLiteral("/usr/lib/google-cloud-sdk/bin"),
             QStringLiteral("/usr/share/google-cloud-sdk/bin"),
             QStringLiteral("/opt/google-cloud-sdk/bin"),
             QStringLiteral("/snap/google-cloud-sdk/current/bin"),
             QStringLiteral("/opt/homebrew/share/google-cloud-sdk/bin"),
             QStringLiteral("/usr/local/share/google-cloud-sdk/bin")};
    return dirs;
}

Result<ExecPluginSearch::Found> ExecPluginSearch::locate(const QString &command,
                                                         const QString &installHint) const
{
    if (command.contains(QLatin1Char('/'))) {
        if (isExecutableFile(command))
            return Found{command, true};
        const QString why = QFileInfo::exists(command) ? QStringLiteral("is not an executable file")
                                                       : QStringLiteral("does not exist");
        return fail(
            Error::failed(notFound(QStringLiteral("exec: executable %1 not found (the file %2)")
                                       .arg(command, why),
                                   installHint),
                          QStringLiteral("nothing was sent to the cluster")));
    }
    for (const QString &dir : pathDirs) {
        const QString candidate = dir + QLatin1Char('/') + command;
        if (isExecutableFile(candidate))
            return Found{candidate, true};
    }
    for (const QString &dir : extraDirs) {
        const QString candidate = dir + QLatin1Char('/') + command;
        if (isExecutableFile(candidate))
            return Found{candidate, false};
    }
    const QString searched = QStringLiteral("looked in PATH (%1) and in %2")
                                 .arg(pathDirs.isEmpty() ? QStringLiteral("empty")
                                                         : pathDirs.join(QLatin1Char(':')),
                                      extraDirs.join(QStringLiteral(", ")));
    return fail(Error::failed(notFound(QStringLiteral("exec: executable %1 not found; %2")
                                           .arg(command, searched),
                                       installHint),
                              QStringLiteral("nothing was sent to the cluster")));
}

} // namespace ragdr::core
