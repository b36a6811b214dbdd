#pragma once

#include "kubeconfig.h"

#include "core/base/error.h"

namespace ragdr::core {

// Which kubeconfig files are read, as kubectl chooses them (client-go clientcmd/loader.go).
struct KubeconfigSearch
{
    QString explicitPath;  // the profile's kube.kubeconfig: only this file, and it must exist
    QString kubeconfigEnv; // $KUBECONFIG: colon-separated, duplicates dropped, empty entries skipped
    QString homeDir;       // ~/.kube/config when $KUBECONFIG is empty

    // $KUBECONFIG and $HOME of this process.
    static KubeconfigSearch fromEnvironment(const QString &explicitPath = {});

    // The files to read, first wins.
    QStringList precedence() const;
};

// Reads kubeconfig files the way kubectl reads them. Errors are of kind BadInput: a malformed file
// gives "FILE:LINE:COLUMN: what is wrong"; a missing explicit file says so. Files of a KUBECONFIG
// list that do not exist are skipped (and listed in Kubeconfig::missing), as kubectl skips them.
// Unknown keys are ignored as kubectl ignores them, but reported in Kubeconfig::warnings.
class KubeconfigLoader final
{
public:
    static Result<Kubeconfig> load(const KubeconfigSearch &search);

    // One file's content; relative paths are resolved against path's directory.
    static Result<Kubeconfig> parse(const QByteArray &yaml, const QString &path);
};

} // namespace ragdr::core
