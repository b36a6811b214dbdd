#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace ragdr::core {

// The end of the journal's hash chain: the last entry's sequence number and hash. Kept outside
// the journal (its head file, every export) so that lines cut off the end can be noticed.
struct JournalHead
{
    qint64 seq = 0;
    QString hash;
    QDateTime at;

    bool isNull() const { return seq <= 0 || hash.isEmpty(); }
    // "entry 42, sha256 3f9a…": also how exports print it, so that `ragdr journal verify --against
    // FILE` finds it in any of them.
    QString text() const;
    QJsonObject toJson() const;
    static JournalHead fromJson(const QJsonObject &json);
    // The head an export names, in any of its formats (JSON, Markdown, HTML).
    static std::optional<JournalHead> findIn(const QByteArray &exportText);
};

} // namespace ragdr::core
