#include "backupmanifest.h"

#include <QJsonDocument>

namespace ragdr::core {

namespace {

QString isoTime(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QDateTime fromIso(const QJsonValue &v)
{
    QDateTime t = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(v.toString(), Qt::ISODate);
    return t.toUTC();
}

} // namespace

QString levelName(VerifyLevel level)
{
    switch (level) {
    case VerifyLevel::Quick:
        return QStringLiteral("quick");
    case VerifyLevel::Full:
        return QStringLiteral("full");
    case VerifyLevel::Deep:
        return QStringLiteral("deep");
    }
    return {};
}

std::optional<VerifyLevel> levelFromName(const QString &name)
{
    for (VerifyLevel l : {VerifyLevel::Quick, VerifyLevel::Full, VerifyLevel::Deep}) {
        if (levelName(l) == name)
            return l;
    }
    return std::nullopt;
}

QString resultName(VerificationResult result)
{
    switch (result) {
    case VerificationResult::Passed:
        return QStringLiteral("passed");
    case VerificationResult::Corrupt:
        return QStringLiteral("corrupt");
    case VerificationResult::CouldNotCheck:
        return QStringLiteral("could-not-check");
    }
    return QStringLiteral("could-not-check");
}

VerificationResult resultFromName(const QString &name)
{
    for (VerificationResult r : {VerificationResult::Passed, VerificationResult::Corrupt}) {
        if (resultName(r) == name)
            return r;
    }
    return VerificationResult::CouldNotCheck;
}

QString copyStatusName(CopyStatus status)
{
    switch (status) {
    case CopyStatus::Ok:
        return QStringLiteral("ok");
    case CopyStatus::Unverified:
        return QStringLiteral("unverified");
    case CopyStatus::Missing:
        return QStringLiteral("missing");
    case CopyStatus::Mismatch:
        return QStringLiteral("mismatch");
    case CopyStatus::Error:
        return QStringLiteral("error");
    case CopyStatus::Unreachable:
        return QStringLiteral("unreachable");
    }
    return QStringLiteral("unverified");
}

CopyStatus copyStatusFromName(const QString &name)
{
    for (CopyStatus s : {CopyStatus::Ok,
                         CopyStatus::Missing,
                         CopyStatus::Mismatch,
                         CopyStatus::Error,
                         CopyStatus::Unreachable}) {
        if (copyStatusName(s) == name)
            return s;
    }
    return CopyStatus::Unverified;
}

QJsonObject VerificationRecord::toJson() const
{
    QJsonObject json{{QStringLiteral("level"), levelName(level)},
                     {QStringLiteral("result"), resultName(result)},
                     {QStringLiteral("at"), isoTime(at)},
                     {QStringLiteral("by"), by},
                     {QStringLiteral("duration_ms"), durationMs},
                     {QStringLiteral("checks"), checks}};
    if (!reason.isEmpty())
        json.insert(QStringLiteral("reason"), reason);
    if (!unchecked.isEmpty())
        json.insert(QStringLiteral("unchecked"), QJsonArray::fromStringList(unchecked));
    return json;
}

VerificationRecord VerificationRecord::fromJson(const QJsonObject &json)
{
    VerificationRecord r;
    r.level
        = levelFromName(json.value(QStringLiteral("level")).toString()).value_or(VerifyLevel::Quick);
    r.result = resultFromName(json.value(QStringLiteral("result")).toString());
    r.at = fromIso(json.value(QStringLiteral("at")));
    r.by = json.value(QStringLiteral("by")).toString();
    r.durationMs = json.value(QStringLiteral("duration_ms")).toInteger();
    r.reason = json.value(QStringLiteral("reason")).toString();
    for (const QJsonValue &v : json.value(QStringLiteral("unchecked")).toArray())
        r.unchecked.append(v.toString());
    r.checks = json.value(QStringLiteral("checks")).toArray();
    return r;
}

void CopyRecord::setHashed(const Result<QByteArray> &hash, const QString &expected, qint64 copySize)
{
    if (!hash) {
        state = CopyStatus::Error;
        detail = hash.error().message;
        return;
    }
    sha256 = QString::fromLatin1(*hash);
    size = copySize;
    state = expected.isEmpty() || expected == sha256 ? CopyStatus::Ok : CopyStatus::Mismatch;
    detail = state == CopyStatus::Ok ? QString()
                                     : QStringLiteral("sha256 %1 here, %2 expected")
                                           .arg(sha256.left(12), expected.left(12));
}

QJsonObject CopyRecord::toJson() const
{
    QJsonObject json{{QStringLiteral("repository"), repository},
                     {QStringLiteral("location"), location},
                     {QStringLiteral("state"), copyStatusName(state)},
                     {QStringLiteral("sha256"), sha256},
                     {QStringLiteral("size"), size},
                     {QStringLiteral("checked_at"), isoTime(checkedAt)}};
    if (!detail.isEmpty())
        json.insert(QStringLiteral("detail"), detail);
    return json;
}

CopyRecord CopyRecord::fromJson(const QJsonObject &json)
{
    CopyRecord c;
    c.repository = json.value(QStringLiteral("repository")).toString();
    c.location = json.value(QStringLiteral("location")).toString();
    c.state = copyStatusFromName(json.value(QStringLiteral("state")).toString());
    c.sha256 = json.value(QStringLiteral("sha256")).toString();
    c.size = json.value(QStringLiteral("size")).toInteger(-1);
    c.checkedAt = fromIso(json.value(QStringLiteral("checked_at")));
    c.detail = json.value(QStringLiteral("detail")).toString();
    return c;
}

const VerificationRecord *BackupManifest::lastVerification() const
{
    return verifications.isEmpty() ? nullptr : &verifications.constLast();
}

const VerificationRecord *BackupManifest::standingVerification() const
{
    const VerificationRecord *pass = nullptr;
    const VerificationRecord *corrupt = nullptr; // the deepest Corrupt verdict not cleared since
    for (const VerificationRecord &v : verifications) {
        if (v.corrupt()) {
            if (!corrupt || v.level >= corrupt->level)
                corrupt = &v;
        } else if (v.passed()) {
            // A pass clears a Corrupt verdict only if it looked at least as closely.
            if (corrupt && v.level >= corrupt->level)
                corrupt = nullptr;
            pass = &v;
        }
    }
    return corrupt ? corrupt : pass;
}

const CopyRecord *BackupManifest::copy(const QString &repository) const
{
    for (const CopyRecord &c : copies) {
        if (c.repository == repository)
            return &c;
    }
    return nullptr;
}

void BackupManifest::setCopy(const CopyRecord &record)
{
    for (CopyRecord &c : copies) {
        if (c.repository == record.repository) {
            c = record;
            return;
        }
    }
    copies.append(record);
}

QByteArray BackupManifest::toJson() const
{
    QJsonArray ver;
    for (const VerificationRecord &v : verifications)
        ver.append(v.toJson());
    QJsonArray cop;
    for (const CopyRecord &c : copies)
        cop.append(c.toJson());
    const QJsonObject json{
        {QStringLiteral("format"), QStringLiteral("ragdr-backup-manifest/%1").arg(kFormat)},
        {QStringLiteral("origin"), origin},
        {QStringLiteral("id"), id},
        {QStringLiteral("file"), fileName},
        {QStringLiteral("sha256"), sha256},
        {QStringLiteral("size"), size},
        {QStringLiteral("toc"),
         QJsonObject{{QStringLiteral("entries"), tocEntries},
                     {QStringLiteral("listed"), tocListed},
                     {QStringLiteral("table_data"), tocTableData}}},
        {QStringLiteral("archive_version"), archiveVersion},
        {QStringLiteral("compression"), compression},
        {QStringLiteral("pg_dump_version"), pgDumpVersion},
        {QStringLiteral("service"), service},
        {QStringLiteral("profile"), profilePath},
        {QStringLiteral("region"), region},
        {QStringLiteral("database"), database},
        {QStringLiteral("snapshot"), snapshot},
        {QStringLiteral("started_at"), isoTime(startedAt)},
        {QStringLiteral("finished_at"), isoTime(finishedAt)},
        {QStringLiteral("created_by"), createdBy},
        {QStringLiteral("ragdr_version"), ragdrVersion},
        {QStringLiteral("facts"), facts.toJson()},
        {QStringLiteral("kubernetes"), kubernetes},
        {QStringLiteral("verifications"), ver},
        {QStringLiteral("copies"), cop},
    };
    return QJsonDocument(json).toJson(QJsonDocument::Indented);
}

Result<BackupManifest> BackupManifest::fromJson(const QByteArray &json, const QString &source)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        return fail(
            Error::failed(QStringLiteral("the manifest %1 is not valid JSON (%2 at byte %3)")
                              .arg(source, error.errorString())
                              .arg(error.offset)));
    }
    const QJsonObject o = doc.object();
    const QString format = o.value(QStringLiteral("format")).toString();
    if (!format.startsWith(QLatin1String("ragdr-backup-manifest/"))) {
        return fail(Error::failed(
            QStringLiteral("%1 is not a ragdr backup manifest (format \"%2\")").arg(source, format)));
    }
    BackupManifest m;
    m.origin = o.value(QStringLiteral("origin")).toString(QStringLiteral("ragdr"));
    m.id = o.value(QStringLiteral("id")).toString();
    m.fileName = o.value(QStringLiteral("file")).toString();
    m.sha256 = o.value(QStringLiteral("sha256")).toString();
    m.size = o.value(QStringLiteral("size")).toInteger(-1);
    const QJsonObject toc = o.value(QStringLiteral("toc")).toObject();
    m.tocEntries = toc.value(QStringLiteral("entries")).toInt(-1);
    m.tocListed = toc.value(QStringLiteral("listed")).toInt(-1);
    m.tocTableData = toc.value(QStringLiteral("table_data")).toInt(-1);
    m.archiveVersion = o.value(QStringLiteral("archive_version")).toString();
    m.compression = o.value(QStringLiteral("compression")).toInt(-1);
    m.pgDumpVersion = o.value(QStringLiteral("pg_dump_version")).toString();
    m.service = o.value(QStringLiteral("service")).toString();
    m.profilePath = o.value(QStringLiteral("profile")).toString();
    m.region = o.value(QStringLiteral("region")).toString();
    m.database = o.value(QStringLiteral("database")).toString();
    m.snapshot = o.value(QStringLiteral("snapshot")).toString();
    m.startedAt = fromIso(o.value(QStringLiteral("started_at")));
    m.finishedAt = fromIso(o.value(QStringLiteral("finished_at")));
    m.createdBy = o.value(QStringLiteral("created_by")).toString();
    m.ragdrVersion = o.value(QStringLiteral("ragdr_version")).toString();
    m.facts = DatabaseFacts::fromJson(o.value(QStringLiteral("facts")).toObject());
    m.kubernetes = o.value(QStringLiteral("kubernetes")).toObject();
    for (const QJsonValue &v : o.value(QStringLiteral("verifications")).toArray())
        m.verifications.append(VerificationRecord::fromJson(v.toObject()));
    for (const QJsonValue &v : o.value(QStringLiteral("copies")).toArray())
        m.copies.append(CopyRecord::fromJson(v.toObject()));
    return m;
}

} // namespace ragdr::core
