#pragma once

#include "core/base/error.h"

#include <QStringList>

namespace ragdr::core {

// Where an exec credential plugin named without a slash (gke-gcloud-auth-plugin) is looked for.
// kubectl searches PATH only; but a console started from a desktop menu does not get the PATH a
// login shell sets up, and "gke-gcloud-auth-plugin not found" is the commonest failure of GUI
// Kubernetes clients. So after PATH come the places the Google Cloud SDK installs itself.
struct ExecPluginSearch
{
    QStringList pathDirs;  // $PATH, in order
    QStringList extraDirs; // searched after PATH

    // This process's PATH, then googleCloudSdkDirs($HOME).
    static ExecPluginSearch fromEnvironment();
    static QStringList googleCloudSdkDirs(const QString &homeDir);

    struct Found
    {
        QString program;    // absolute path of the executable
        bool onPath = true; // false: found in one of extraDirs
    };

    // The executable to run. A command with a slash is taken as it is (the loader made it absolute).
    // Not found: an error naming every directory searched and ending with the plugin's installHint.
    Result<Found> locate(const QString &command, const QString &installHint) const;
};

} // namespace ragdr::core
