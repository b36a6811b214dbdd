#include "backupnaming.h"

#include <QRandomGenerator>

namespace ragdr::core {

namespace {

const QString kDumpSuffix = QStringLiteral(".dump");
const QString kManifestSuffix = QStringLiteral(".manifest.json");
const QString kKubernetesSuffix = QStringLiteral(".k8s.yaml");
const QString kPartialMarker = QStringLiteral(".partial-");
const QString kTemporaryMarker = QStringLiteral(".tmp-");

QString expand(const QString &pattern, const QDateTime &utc)
{
    QString out;
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        const QChar c = pattern.at(i);
        if (c != QLatin1Char('%') || i + 1 >= pattern.size()) {
            out += c;
            continue;
        }
        const QChar f = pattern.at(++i);
        switch (f.toLatin1()) {
        case 'F':
            out += utc.toString(QStringLiteral("yyyy-MM-dd"));
            break;
        case 'Y':
            out += utc.toString(QStringLiteral("yyyy"));
            break;
        case 'm':
            out += utc.toString(QStringLiteral("MM"));
            break;
        case 'd':
            out += utc.toString(QStringLiteral("dd"));
            break;
        case 'H':
            out += utc.toString(QStringLiteral("HH"));
            break;
        case 'M':
            out += utc.toString(QStringLiteral("mm"));
            break;
        case 'S':
            out += utc.toString(QStringLiteral("ss"));
            break;
        case '%':
            out += QLatin1Char('%');
            break;
        default:
            out += c;
            out += f;
        }
    }
    return out;
}

QString patternRegex(const QString &pattern)
{
    QString stem = pattern;
    stem.chop(kDumpSuffix.size());
    QString rx = QStringLiteral("^");
    for (qsizetype i = 0; i < stem.size(); ++i) {
        const QChar c = stem.at(i);
        if (c != QLatin1Char('%') || i + 1 >= stem.size()) {
            rx += QRegularExpression::escape(QString(c));
            continue;
        }
        switch (stem.at(++i).toLatin1()) {
        case 'F':
            rx += QStringLiteral("\\d{4}-\\d{2}-\\d{2}");
            break;
        case 'Y':
            rx += QStringLiteral("\\d{4}");
            break;
        case 'm':
        case 'd':
        case 'H':
        case 'M':
        case 'S':
            rx += QStringLiteral("\\d{2}");
            break;
        case '%':
            rx += QStringLiteral("%");
            break;
        default:
            rx += QRegularExpression::escape(stem.mid(i - 1, 2));
        }
    }
    return rx + QStringLiteral("(?:_\\d+)?\\.dump$");
}

} // namespace

BackupNaming::BackupNaming(QString pattern, QString latestName)
    : m_pattern(std::move(pattern))
    , m_latestName(std::move(latestName))
    , m_regex(patternRegex(m_pattern))
{}

QString BackupNaming::fileNameFor(const QDateTime &utc) const
{
    return expand(m_pattern, utc.toUTC());
}

QString BackupNaming::freeFileNameFor(const QDateTime &utc, const QSet<QString> &taken) const
{
    const QString base = fileNameFor(utc);
    if (!taken.contains(base))
        return base;
    QString stem = base;
    stem.chop(kDumpSuffix.size());
    for (int n = 2;; ++n) {
        const QString candidate = QStringLiteral("%1_%2%3").arg(stem).arg(n).arg(kDumpSuffix);
        if (!taken.contains(candidate))
            return candidate;
    }
}

bool BackupNaming::isBackupFile(const QString &fileName) const
{
    return !fileName.startsWith(QLatin1Char('.')) && fileName != m_latestName
           && m_regex.match(fileName).hasMatch();
}

bool BackupNaming::isManifestFile(const QString &fileName) const
{
    return fileName.endsWith(kManifestSuffix) && isBackupFile(dumpNameOfManifest(fileName));
}

bool BackupNaming::isKubernetesFile(const QString &fileName) const
{
    return fileName.endsWith(kKubernetesSuffix) && isBackupFile(dumpNameOfKubernetes(fileName));
}

QString BackupNaming::idOf(const QString &dumpFileName)
{
    return dumpFileName.endsWith(kDumpSuffix) ? dumpFileName.chopped(kDumpSuffix.size())
                                              : dumpFileName;
}

QString BackupNaming::manifestNameOf(const QString &dumpFileName)
{
    return dumpFileName + kManifestSuffix;
}

QString BackupNaming::kubernetesNameOf(const QString &dumpFileName)
{
    return dumpFileName + kKubernetesSuffix;
}

QString BackupNaming::dumpNameOfKubernetes(const QString &kubernetesFileName)
{
    return kubernetesFileName.chopped(kKubernetesSuffix.size());
}

QString BackupNaming::dumpNameOfManifest(const QString &manifestFileName)
{
    return manifestFileName.chopped(kManifestSuffix.size());
}

QString BackupNaming::partialNameOf(const QString &dumpFileName)
{
    return QLatin1Char('.') + dumpFileName + kPartialMarker
           + QString::number(QRandomGenerator::global()->generate(), 16);
}

bool BackupNaming::isPartialName(const QString &fileName)
{
    return fileName.startsWith(QLatin1Char('.')) && fileName.contains(kPartialMarker);
}

bool BackupNaming::isTemporaryName(const QString &fileName)
{
    return isPartialName(fileName)
           || (fileName.startsWith(QLatin1Char('.')) && fileName.contains(kTemporaryMarker));
}

} // namespace ragdr::core
