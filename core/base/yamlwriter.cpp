#include "yamlwriter.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

namespace ragdr::core {

namespace {

bool needsQuotes(const QString &s)
{
    static const QRegularExpression ambiguous(QStringLiteral(
                                                  "^(?:|~|null|true|false|yes|no|on|off|y|n|[-+]?(?"
                                                  ":\\d[\\d_]*)?(?:\\.\\d*)?(?:[eE][-+]?\\d+)?|"
                                                  "[-+]?\\.(?:inf|nan)|0x[0-9a-fA-F]+|0o[0-7]+)$"),
                                              QRegularExpression::CaseInsensitiveOption);
    return ambiguous.match(s).hasMatch() || s.front().isSpace() || s.back().isSpace();
}

void emit(YAML::Emitter &out, const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Object: {
        const QJsonObject o = v.toObject();
        out << YAML::BeginMap;
        for (auto it = o.begin(); it != o.end(); ++it) {
            out << YAML::Key << it.key().toStdString() << YAML::Value;
            emit(out, it.value());
        }
        out << YAML::EndMap;
        break;
    }
    case QJsonValue::Array:
        out << YAML::BeginSeq;
        for (const QJsonValue &item : v.toArray())
            emit(out, item);
        out << YAML::EndSeq;
        break;
    case QJsonValue::String: {
        const QString s = v.toString();
        if (s.isEmpty() || needsQuotes(s))
            out << YAML::DoubleQuoted;
        else if (s.contains(QLatin1Char('\n')))
            out << YAML::Literal;
        out << s.toStdString();
        break;
    }
    case QJsonValue::Double: {
        const double d = v.toDouble();
        if (d == double(qint64(d)))
            out << qint64(d);
        else
            out << d;
        break;
    }
    case QJsonValue::Bool:
        out << v.toBool();
        break;
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        out << YAML::Null;
        break;
    }
}

} // namespace

QByteArray toYaml(const QJsonValue &value)
{
    YAML::Emitter out;
    out.SetIndent(2);
    out.SetSeqFormat(YAML::Block);
    out.SetMapFormat(YAML::Block);
    emit(out, value);
    return QByteArray(out.c_str()) + '\n';
}

} // namespace ragdr::core
