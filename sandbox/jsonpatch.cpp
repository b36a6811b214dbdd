#include "jsonpatch.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>

namespace ragdr::sandbox::jsonpatch {

namespace {

using core::Error;
using core::fail;

// The patchMergeKey of the list fields the drill's objects have (k8s.io/api/core/v1 types.go).
QString mergeKeyFor(const QString &field)
{
    if (field == QLatin1String("containers") || field == QLatin1String("initContainers")
        || field == QLatin1String("ephemeralContainers") || field == QLatin1String("env")
        || field == QLatin1String("volumes") || field == QLatin1String("imagePullSecrets")
        || field == QLatin1String("ownerReferences")) {
        return field == QLatin1String("ownerReferences") ? QStringLiteral("uid")
                                                         : QStringLiteral("name");
    }
    if (field == QLatin1String("ports"))
        return QStringLiteral("containerPort");
    if (field == QLatin1String("volumeMounts"))
        return QStringLiteral("mountPath");
    if (field == QLatin1String("conditions"))
        return QStringLiteral("type");
    return {};
}

QJsonValue strategic(const QJsonValue &target, const QJsonValue &patch, const QString &field);

QJsonArray mergeList(const QJsonArray &target, const QJsonArray &patch, const QString &key)
{
    QJsonArray result = target;
    for (const QJsonValue &p : patch) {
        const QJsonObject element = p.toObject();
        const QJsonValue id = element.value(key);
        qsizetype found = -1;
        for (qsizetype i = 0; i < result.size(); ++i) {
            if (result.at(i).toObject().value(key) == id) {
                found = i;
                break;
            }
        }
        if (element.value(QLatin1String("$patch")).toString() == QLatin1String("delete")) {
            if (found >= 0)
                result.removeAt(found);
            continue;
        }
        if (found >= 0)
            result[found] = strategic(result.at(found), element, QString());
        else
            result.append(strategic(QJsonValue(QJsonObject()), element, QString()));
    }
    return result;
}

QJsonValue strategic(const QJsonValue &target, const QJsonValue &patch, const QString &field)
{
    if (patch.isArray()) {
        const QJsonArray list = patch.toArray();
        const QString key = mergeKeyFor(field);
        bool keyed = !key.isEmpty() && target.isArray();
        for (const QJsonValue &e : list)
            keyed = keyed && e.isObject() && e.toObject().contains(key);
        if (keyed)
            return mergeList(target.toArray(), list, key);
        return patch;
    }
    if (!patch.isObject())
        return patch;
    QJsonObject p = patch.toObject();
    const QString directive = p.take(QStringLiteral("$patch")).toString();
    if (directive == QLatin1String("replace"))
        return p;
    QJsonObject result = target.isObject() ? target.toObject() : QJsonObject();
    for (auto it = p.begin(); it != p.end(); ++it) {
        const QString k = it.key();
        if (k.startsWith(QLatin1String("$setElementOrder/")) || k == QLatin1String("$retainKeys")
            || k.startsWith(QLatin1String("$deleteFromPrimitiveList/"))) {
            continue;
        }
        if (it.value().isNull())
            result.remove(k);
        else
            result.insert(k, strategic(result.value(k), it.value(), k));
    }
    return result;
}

// RFC 6901 pointer -> tokens.
core::Result<QStringList> pointer(const QString &path)
{
    if (path.isEmpty())
        return QStringList();
    if (!path.startsWith(QLatin1Char('/')))
        return fail(Error::badInput(QStringLiteral("invalid JSON pointer \"%1\"").arg(path)));
    QStringList tokens = path.mid(1).split(QLatin1Char('/'));
    for (QString &t : tokens)
        t.replace(QStringLiteral("~1"), QStringLiteral("/"))
            .replace(QStringLiteral("~0"), QStringLiteral("~"));
    return tokens;
}

core::Result<QJsonValue> getAt(const QJsonValue &doc, const QStringList &tokens)
{
    QJsonValue v = doc;
    for (const QString &t : tokens) {
        if (v.isObject()) {
            if (!v.toObject().contains(t))
                return fail(Error::badInput(
                    QStringLiteral("path /%1 not found").arg(tokens.join(QLatin1Char('/')))));
            v = v.toObject().value(t);
        } else if (v.isArray()) {
            bool ok = false;
            const int i = t.toInt(&ok);
            if (!ok || i < 0 || i >= v.toArray().size())
                return fail(Error::badInput(QStringLiteral("index %1 out of range").arg(t)));
            v = v.toArray().at(i);
        } else {
            return fail(Error::badInput(
                QStringLiteral("path /%1 not found").arg(tokens.join(QLatin1Char('/')))));
        }
    }
    return v;
}

enum class Edit { Add, Remove, Replace };

core::Result<QJsonValue> editAt(const QJsonValue &doc,
                                QStringList tokens,
                                Edit edit,
                                const QJsonValue &value)
{
    if (tokens.isEmpty())
        return edit == Edit::Remove ? QJsonValue() : value;
    const QString head = tokens.takeFirst();
    if (doc.isObject()) {
        QJsonObject o = doc.toObject();
        if (tokens.isEmpty()) {
            if (edit != Edit::Add && !o.contains(head))
                return fail(
                    Error::badInput(QStringLiteral("unable to %1 nonexistent key: %2")
                                        .arg(edit == Edit::Remove ? QStringLiteral("remove")
                                                                  : QStringLiteral("replace"),
                                             head)));
            if (edit == Edit::Remove)
                o.remove(head);
            else
                o.insert(head, value);
            return QJsonValue(o);
        }
        if (!o.contains(head))
            return fail(Error::badInput(QStringLiteral("doc is missing path: %1").arg(head)));
        auto child = editAt(o.value(head), tokens, edit, value);
        if (!child)
            return child;
        o.insert(head, *child);
        return QJsonValue(o);
    }
    if (doc.isArray()) {
        QJsonArray a = doc.toArray();
        qsizetype index = a.size();
        if (head != QLatin1String("-")) {
            bool ok = false;
            index = head.toInt(&ok);
            if (!ok || index < 0 || index > a.size() || (edit != Edit::Add && index >= a.size()))
                return fail(Error::badInput(QStringLiteral("index %1 out of range").arg(head)));
        }
        if (tokens.isEmpty()) {
            if (edit == Edit::Add)
                a.insert(index, value);
            else if (edit == Edit::Remove)
                a.removeAt(index);
            else
                a[index] = value;
            return QJsonValue(a);
        }
        if (index >= a.size())
            return fail(Error::badInput(QStringLiteral("index %1 out of range").arg(head)));
        auto child = editAt(a.at(index), tokens, edit, value);
        if (!child)
            return child;
        a[index] = *child;
        return QJsonValue(a);
    }
    return fail(Error::badInput(QStringLiteral("doc is missing path: %1").arg(head)));
}

} // namespace

QJsonValue mergePatch(const QJsonValue &target, const QJsonValue &patch)
{
    if (!patch.isObject())
        return patch;
    QJsonObject result = target.isObject() ? target.toObject() : QJsonObject();
    const QJsonObject p = patch.toObject();
    for (auto it = p.begin(); it != p.end(); ++it) {
        if (it.value().isNull())
            result.remove(it.key());
        else
            result.insert(it.key(), mergePatch(result.value(it.key()), it.value()));
    }
    return result;
}

QJsonValue strategicMergePatch(const QJsonValue &target, const QJsonValue &patch)
{
    return strategic(target, patch, QString());
}

core::Result<QJsonValue> jsonPatch(const QJsonValue &target, const QByteArray &patch)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(patch, &error);
    if (error.error != QJsonParseError::NoError || !doc.isArray())
        return fail(
            Error::badInput(QStringLiteral("the JSON patch is not a JSON array of operations")));
    QJsonValue result = target;
    for (const QJsonValue &o : doc.array()) {
        const QJsonObject operation = o.toObject();
        const QString op = operation.value(QLatin1String("op")).toString();
        auto path = pointer(operation.value(QLatin1String("path")).toString());
        if (!path)
            return fail(path.error());
        core::Result<QJsonValue> next = result;
        if (op == QLatin1String("add")) {
            next = editAt(result, *path, Edit::Add, operation.value(QLatin1String("value")));
        } else if (op == QLatin1String("remove")) {
            next = editAt(result, *path, Edit::Remove, {});
        } else if (op == QLatin1String("replace")) {
            next = editAt(result, *path, Edit::Replace, operation.value(QLatin1String("value")));
        } else if (op == QLatin1String("move") || op == QLatin1String("copy")) {
            auto from = pointer(operation.value(QLatin1String("from")).toString());
            if (!from)
                return fail(from.error());
            auto value = getAt(result, *from);
            if (!value)
                return fail(value.error());
            QJsonValue base = result;
            if (op == QLatin1String("move")) {
                auto removed = editAt(result, *from, Edit::Remove, {});
                if (!removed)
                    return removed;
                base = *removed;
            }
            next = editAt(base, *path, Edit::Add, *value);
        } else if (op == QLatin1String("test")) {
            auto value = getAt(result, *path);
            if (!value || *value != operation.value(QLatin1String("value")))
                return fail(
                    Error::badInput(QStringLiteral("testing value %1 failed")
                                        .arg(operation.value(QLatin1String("path")).toString())));
        } else {
            return fail(Error::badInput(QStringLiteral("Unexpected kind: %1").arg(op)));
        }
        if (!next)
            return next;
        result = *next;
    }
    return result;
}

core::Result<QJsonObject> apply(const QJsonObject &target,
                                const QByteArray &contentType,
                                const QByteArray &body)
{
    const QByteArray type = contentType.split(';').first().trimmed().toLower();
    if (type == "application/json-patch+json") {
        auto patched = jsonPatch(target, body);
        if (!patched)
            return fail(patched.error());
        if (!patched->isObject())
            return fail(Error::badInput(QStringLiteral("the patched document is not an object")));
        return patched->toObject();
    }
    // A patch type the drill does not serve is refused before its body is read.
    if (type != "application/merge-patch+json" && type != "application/strategic-merge-patch+json") {
        return fail(Error::refused(QStringLiteral("the server does not support patch type \"%1\"")
                                       .arg(QString::fromLatin1(type))));
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return fail(Error::badInput(
            QStringLiteral("the patch body is not a JSON object: %1").arg(error.errorString())));
    if (type == "application/merge-patch+json")
        return mergePatch(target, doc.object()).toObject();
    return strategicMergePatch(target, doc.object()).toObject();
}

} // namespace ragdr::sandbox::jsonpatch
