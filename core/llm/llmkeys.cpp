#include "llmkeys.h"

#include "geminiclient.h"

#include "core/ops/workspace.h"
#include "core/secrets/secretstore.h"
#include "core/secrets/sessionkeys.h"

#include <QJsonArray>

namespace ragdr::core {

namespace {

QList<const LlmEndpoint *> endpointsUsing(const Profile &p, const QString &keyName)
{
    QList<const LlmEndpoint *> out;
    for (const LlmEndpoint &e : p.llmEndpoints) {
        if (e.key.source != SecretRef::Source::None && e.key.location == keyName)
            out.append(&e);
    }
    return out;
}

// The key against the first endpoint that uses it: the model list answers for key and reach.
GeminiResult tryKey(const Profile &p,
                    const QString &keyName,
                    const QByteArray &secret,
                    const CancelToken &cancel)
{
    const LlmEndpoint *endpoint = endpointsUsing(p, keyName).constFirst();
    const GeminiClient client(*endpoint,
                              secret,
                              RetryPolicy(p.llm, p.llm.attemptsBeforeFailover),
                              p.llm.timeoutMs);
    return client.listModels(cancel);
}

// Classes that say the key itself is no good, as opposed to "could not ask".
bool rejectsKey(const GeminiFailure &f)
{
    using C = GeminiFailure::Class;
    return f.cls == C::InvalidKey || f.cls == C::PermissionDenied || f.cls == C::ApiDisabled
           || f.cls == C::ConsumerSuspended || f.cls == C::Billing;
}

OperationSpec spec(const QString &kind, const QString &title, const QString &name, bool journalled)
{
    return {kind, title, {{QStringLiteral("key_name"), name}}, journalled};
}

} // namespace

Result<QString> LlmKeys::resolve(const Profile &profile, const QString &name)
{
    QStringList names;
    for (const LlmEndpoint &e : profile.llmEndpoints) {
        if (e.key.source == SecretRef::Source::None)
            continue;
        if (e.name == name || e.key.location == name) {
            if (e.key.source != SecretRef::Source::Keychain)
                return fail(Error::badInput(
                    QStringLiteral("the key of %1 lives in %2, not in the keychain: change that "
                                   "file instead")
                        .arg(e.name, e.key.describe())));
            return e.key.location;
        }
        names.append(e.key.location);
    }
    names.removeDuplicates();
    return fail(Error::badInput(QStringLiteral("the profile has no LLM key or endpoint \"%1\" "
                                               "(keys: %2)")
                                    .arg(name, names.join(QStringLiteral(", ")))));
}

Operation *LlmKeys::list(Workspace &ws)
{
    const Profile &profile = ws.profile();
    return ws.runner()
        .start({QStringLiteral("llm.keys"), QStringLiteral("List the LLM keys"), {}, false},
               [&profile](const Progress &) {
                   const SecretStore::KeychainStatus keychain = SecretStore::keychainStatus();
                   QJsonArray keys;
                   QStringList seen;
                   for (const LlmEndpoint &e : profile.llmEndpoints) {
                       if (e.key.source == SecretRef::Source::None || seen.contains(e.key.location))
                           continue;
                       seen.append(e.key.location);
                       QStringList endpoints;
                       for (const LlmEndpoint *user : endpointsUsing(profile, e.key.location))
                           endpoints.append(user->name);
                       QJsonObject key{{QStringLiteral("name"), e.key.location},
                                       {QStringLiteral("endpoints"),
                                        QJsonArray::fromStringList(endpoints)}};
                       if (e.key.source == SecretRef::Source::Keychain
                           && SessionKeys::has(e.key.location)) {
                           key.insert(QStringLiteral("source"), QStringLiteral("session"));
                           key.insert(QStringLiteral("stored"), true);
                           key.insert(QStringLiteral("key"),
                                      SecretStore::mask(SessionKeys::get(e.key.location)));
                       } else if (e.key.source == SecretRef::Source::Keychain) {
                           key.insert(QStringLiteral("source"), QStringLiteral("keychain"));
                           if (keychain.available) {
                               auto entry = SecretStore::readKeychain(e.key.location);
                               key.insert(QStringLiteral("stored"), entry && entry->has_value());
                               if (entry && entry->has_value())
                                   key.insert(QStringLiteral("key"), SecretStore::mask(**entry));
                           }
                       } else {
                           key.insert(QStringLiteral("source"), QStringLiteral("file"));
                           auto secret = SecretStore::read(e.key);
                           key.insert(QStringLiteral("stored"), bool(secret));
                           if (secret)
                               key.insert(QStringLiteral("key"), SecretStore::mask(*secret));
                       }
                       keys.append(key);
                   }
                   return OperationResult::success(
                       keychain.available
                           ? QStringLiteral("%1 key(s); the keychain answers").arg(keys.size())
                           : QStringLiteral("%1 key(s); %2").arg(keys.size()).arg(keychain.detail),
                       {{QStringLiteral("keychain"),
                         QJsonObject{{QStringLiteral("available"), keychain.available},
                                     {QStringLiteral("detail"), keychain.detail}}},
                        {QStringLiteral("keys"), keys}});
               });
}

Operation *LlmKeys::set(Workspace &ws,
                        const QString &name,
                        const QByteArray &secret,
                        bool sessionOnly)
{
    const Profile &profile = ws.profile();
    OperationSpec s = spec(QStringLiteral("llm.keys.set"),
                           QStringLiteral("Store the LLM key %1").arg(name),
                           name,
                           true);
    s.params.insert(QStringLiteral("session_only"), sessionOnly);
    return ws.runner().start(s, [&profile, name, secret, sessionOnly](const Progress &progress) {
        const QString untouched
            = QStringLiteral("nothing was stored; the old key of %1 is unchanged").arg(name);
        auto keyName = resolve(profile, name);
        if (!keyName)
            return OperationResult::failure(keyName.error().withUntouched(untouched));
        const QByteArray trimmed = secret.trimmed();
        if (trimmed.isEmpty())
            return OperationResult::failure(
                Error::badInput(QStringLiteral("the key is empty"), untouched));
        QJsonObject evidence{{QStringLiteral("key_name"), *keyName},
                             {QStringLiteral("key"), SecretStore::mask(trimmed)}};
        progress.set(0.1, QStringLiteral("validating the new key"));
        const GeminiResult tried = tryKey(profile, *keyName, trimmed, progress.cancelToken());
        if (tried.cancelled)
            return OperationResult::failure(Error::cancelled(untouched));
        evidence.insert(QStringLiteral("validation"), tried.toJson());
        if (!tried.ok) {
            const QString why = QStringLiteral("%1: %2").arg(tried.failure.className(),
                                                             tried.failure.message);
            return OperationResult::failure(
                rejectsKey(tried.failure)
                    ? Error::refused(QStringLiteral("the new key was refused (%1)").arg(why),
                                     untouched)
                    : Error::failed(QStringLiteral("the new key could not be validated (%1); try "
                                                   "again when the endpoint answers")
                                        .arg(why),
                                    untouched),
                evidence);
        }
        progress.set(0.7, QStringLiteral("storing the key"));
        if (sessionOnly) {
            SessionKeys::set(*keyName, trimmed);
            evidence.insert(QStringLiteral("stored_in"), QStringLiteral("session"));
            return OperationResult::success(
                QStringLiteral("the key %1 (%2) is valid and held for this session only; it is "
                               "not written anywhere")
                    .arg(*keyName, SecretStore::mask(trimmed)),
                evidence);
        }
        auto previous = SecretStore::readKeychain(*keyName);
        if (previous && previous->has_value())
            evidence.insert(QStringLiteral("previous_key"), SecretStore::mask(**previous));
        if (auto written = SecretStore::writeKeychain(*keyName, trimmed); !written)
            return OperationResult::failure(written.error().withUntouched(untouched), evidence);
        // A session key of that name would hide the stored one.
        SessionKeys::remove(*keyName);
        evidence.insert(QStringLiteral("stored_in"), QStringLiteral("keychain"));
        return OperationResult::success(
            previous && previous->has_value()
                ? QStringLiteral("replaced the key %1 (%2) with a validated one (%3)")
                      .arg(*keyName, SecretStore::mask(**previous), SecretStore::mask(trimmed))
                : QStringLiteral("stored the validated key %1 (%2) in the keychain")
                      .arg(*keyName, SecretStore::mask(trimmed)),
            evidence);
    });
}

Operation *LlmKeys::validate(Workspace &ws, const QString &name)
{
    const Profile &profile = ws.profile();
    return ws.runner().start(
        spec(QStringLiteral("llm.keys.validate"),
             QStringLiteral("Validate the LLM key %1").arg(name),
             name,
             true),
        [&profile, name](const Progress &progress) {
            auto keyName = resolve(profile, name);
            if (!keyName)
                return OperationResult::failure(keyName.error());
            auto secret = SecretStore::read({SecretRef::Source::Keychain, *keyName});
            if (!secret)
                return OperationResult::failure(secret.error());
            progress.set(0.2, QStringLiteral("asking for the model list with %1").arg(*keyName));
            const GeminiResult tried = tryKey(profile, *keyName, *secret, progress.cancelToken());
            if (tried.cancelled)
                return OperationResult::failure(Error::cancelled());
            const QJsonObject evidence{{QStringLiteral("key_name"), *keyName},
                                       {QStringLiteral("key"), SecretStore::mask(*secret)},
                                       {QStringLiteral("validation"), tried.toJson()}};
            if (!tried.ok)
                return OperationResult::failure(
                    Error::failed(QStringLiteral("the key %1 (%2) does not work: %3: %4 — %5")
                                      .arg(*keyName,
                                           SecretStore::mask(*secret),
                                           tried.failure.className(),
                                           tried.failure.message,
                                           tried.failure.advice())),
                    evidence);
            return OperationResult::success(QStringLiteral("the key %1 (%2) works")
                                                .arg(*keyName, SecretStore::mask(*secret)),
                                            evidence);
        });
}

Operation *LlmKeys::remove(Workspace &ws, const QString &name)
{
    const Profile &profile = ws.profile();
    return ws.runner()
        .start(spec(QStringLiteral("llm.keys.delete"),
                    QStringLiteral("Delete the LLM key %1").arg(name),
                    name,
                    true),
               [&profile, name](const Progress &) {
                   auto keyName = resolve(profile, name);
                   if (!keyName)
                       return OperationResult::failure(keyName.error());
                   SessionKeys::remove(*keyName);
                   if (auto removed = SecretStore::removeKeychain(*keyName); !removed)
                       return OperationResult::failure(removed.error());
                   return OperationResult::success(QStringLiteral(
                                                       "deleted the key %1 from the keychain")
                                                       .arg(*keyName),
                                                   {{QStringLiteral("key_name"), *keyName}});
               });
}

} // namespace ragdr::core
