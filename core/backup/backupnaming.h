#pragma once

#include <QDateTime>
#include <QRegularExpression>
#include <QSet>
#include <QString>

namespace ragdr::core {

// Backup file names as the runbook makes them: a pattern such as rag_backup_%F.dump (strftime's
// %F %Y %m %d %H %M %S in UTC). A second backup on a day whose name is taken gets _2, _3 ...
// before .dump, so that no backup ever overwrites another. A backup's id is its file name
// without .dump.
class BackupNaming final
{
public:
    explicit BackupNaming(QString pattern, QString latestName = {});

    QString fileNameFor(const QDateTime &utc) const;
    // fileNameFor(utc), or the first free _N variant of it.
    QString freeFileNameFor(const QDateTime &utc, const QSet<QString> &taken) const;

    // A backup's dump file: matches the pattern, is not the "latest" link, is not hidden.
    bool isBackupFile(const QString &fileName) const;
    bool isManifestFile(const QString &fileName) const;
    bool isKubernetesFile(const QString &fileName) const;

    static QString idOf(const QString &dumpFileName);
    static QString manifestNameOf(const QString &dumpFileName);
    // The Kubernetes objects saved with the backup.
    static QString kubernetesNameOf(const QString &dumpFileName);
    static QString dumpNameOfManifest(const QString &manifestFileName);
    static QString dumpNameOfKubernetes(const QString &kubernetesFileName);
    // Hidden while written: a listing never takes it for a backup.
    static QString partialNameOf(const QString &dumpFileName);
    static bool isPartialName(const QString &fileName);
    // Any hidden name ragdr writes before renaming into place: a dump being made, or a manifest,
    // copy or link written atomically (".NAME.tmp-…").
    static bool isTemporaryName(const QString &fileName);

    QString latestName() const { return m_latestName; }

private:
    QString m_pattern;
    QString m_latestName;
    QRegularExpression m_regex;
};

} // namespace ragdr::core
