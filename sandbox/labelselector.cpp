#include "labelselector.h"

#include <QJsonArray>

namespace ragdr::sandbox {

namespace {

// Splits at the commas that separate requirements, not those inside "in (a,b)".
QStringList splitTopLevel(const QString &text)
{
    QStringList parts;
    int depth = 0;
    QString current;
    for (const QChar c : text) {
        if (c == QLatin1Char('('))
            ++depth;
        else if (c == QLatin1Char(')'))
            --depth;
        if (c == QLatin1Char(',') && depth == 0) {
            parts.append(current);
            current.clear();
        } else {
            current.append(c);
        }
    }
    parts.append(current);
    return parts;
}

QStringList setValues(const QString &text)
{
    QStringList values;
    for (const QString &v : text.split(QLatin1Char(',')))
        values.append(v.trimmed());
    return values;
}

} // namespace

core::Result<LabelSelector> LabelSelector::parse(const QString &text)
{
    LabelSelector selector;
    if (text.trimmed().isEmpty())
        return selector;
    for (const QString &rawPart : splitTopLevel(text)) {
        const QString part = rawPart.trimmed();
        if (part.isEmpty())
            return core::fail(core::Error::badInput(
                QStringLiteral("unable to parse requirement: empty requirement")));
        Requirement r;
        const qsizetype open = part.indexOf(QLatin1Char('('));
        if (open > 0) {
            const QString head = part.left(open).trimmed();
            const QStringList words = head.split(QLatin1Char(' '), Qt::SkipEmptyParts);
            if (words.size() != 2 || !part.endsWith(QLatin1Char(')')))
                return core::fail(core::Error::badInput(
                    QStringLiteral("unable to parse requirement: %1").arg(part)));
            r.key = words.at(0);
            if (words.at(1) == QLatin1String("in"))
                r.op = Op::In;
            else if (words.at(1) == QLatin1String("notin"))
                r.op = Op::NotIn;
            else
                return core::fail(core::Error::badInput(
                    QStringLiteral("unable to parse requirement: %1").arg(part)));
            r.values = setValues(part.mid(open + 1, part.size() - open - 2));
        } else if (const qsizetype ne = part.indexOf(QStringLiteral("!=")); ne > 0) {
            r.key = part.left(ne).trimmed();
            r.op = Op::NotEquals;
            r.values = {part.mid(ne + 2).trimmed()};
        } else if (const qsizetype eq = part.indexOf(QLatin1Char('=')); eq > 0) {
            r.key = part.left(eq).trimmed();
            r.op = Op::Equals;
            const qsizetype valueStart = part.mid(eq + 1).startsWith(QLatin1Char('=')) ? eq + 2
                                                                                       : eq + 1;
            r.values = {part.mid(valueStart).trimmed()};
        } else if (part.startsWith(QLatin1Char('!'))) {
            r.key = part.mid(1).trimmed();
            r.op = Op::DoesNotExist;
        } else {
            r.key = part;
            r.op = Op::Exists;
        }
        if (r.key.isEmpty() || r.key.contains(QLatin1Char(' ')))
            return core::fail(
                core::Error::badInput(QStringLiteral("unable to parse requirement: %1").arg(part)));
        selector.m_requirements.append(r);
    }
    return selector;
}

LabelSelector LabelSelector::fromJson(const QJsonObject &json)
{
    LabelSelector selector;
    const QJsonObject matchLabels = json.value(QLatin1String("matchLabels")).toObject();
    for (auto it = matchLabels.begin(); it != matchLabels.end(); ++it)
        selector.m_requirements.append({it.key(), Op::Equals, {it.value().toString()}});
    for (const QJsonValue &e : json.value(QLatin1String("matchExpressions")).toArray()) {
        const QJsonObject expr = e.toObject();
        Requirement r;
        r.key = expr.value(QLatin1String("key")).toString();
        const QString op = expr.value(QLatin1String("operator")).toString();
        r.op = op == QLatin1String("In")             ? Op::In
               : op == QLatin1String("NotIn")        ? Op::NotIn
               : op == QLatin1String("DoesNotExist") ? Op::DoesNotExist
                                                     : Op::Exists;
        for (const QJsonValue &v : expr.value(QLatin1String("values")).toArray())
            r.values.append(v.toString());
        selector.m_requirements.append(r);
    }
    return selector;
}

bool LabelSelector::matches(const QJsonObject &labels) const
{
    for (const Requirement &r : m_requirements) {
        const bool present = labels.contains(r.key);
        const QString value = labels.value(r.key).toString();
        switch (r.op) {
        case Op::Equals:
            if (!present || value != r.values.value(0))
                return false;
            break;
        case Op::NotEquals:
            if (present && value == r.values.value(0))
                return false;
            break;
        case Op::In:
            if (!present || !r.values.contains(value))
                return false;
            break;
        case Op::NotIn:
            if (present && r.values.contains(value))
                return false;
            break;
        case Op::Exists:
            if (!present)
                return false;
            break;
        case Op::DoesNotExist:
            if (present)
                return false;
            break;
        }
    }
    return true;
}

} // namespace ragdr::sandbox
