// kubeconfig loading, merging and resolution, checked against client-go's rules
// (tools/clientcmd/loader.go, client_config.go, validation.go; transport/transport.go).
#include "core/cluster/clusteraccess.h"
#include "core/cluster/kubeconfigloader.h"
#include "core/cluster/kubeproxy.h"
#include "core/cluster/tokencredentialprovider.h"

#include "testcertificates.h"

#include <QDir>
#include <QFile>
#include <QSslKey>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace ragdr::core;
using ragdr::test::testCertificates;

namespace {

class KubeconfigTest : public ::testing::Test
{
protected:
    QString path(const QString &relative) const
    {
        return m_dir.path() + QLatin1Char('/') + relative;
    }

    QString write(const QString &relative, const QByteArray &content) const
    {
        const QString p = path(relative);
        QDir().mkpath(QFileInfo(p).absolutePath());
        QFile f(p);
        EXPECT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate)) << qPrintable(p);
        f.write(content);
        return p;
    }

    Result<Kubeconfig> loadList(const QStringList &files) const
    {
        return KubeconfigLoader::load(
            KubeconfigSearch{{}, files.join(QLatin1Char(':')), m_dir.path()});
    }

    Result<ClusterAccess> resolveFile(const QString &file, const QString &context = {}) const
    {
        auto config = KubeconfigLoader::load(KubeconfigSearch{file, {}, {}});
        if (!config)
            return fail(config.error());
        return ClusterAccess::resolve(*config, context);
    }

    QTemporaryDir m_dir;
};

// One cluster, one user, one context: the user's and cluster's YAML bodies are given.
QByteArray single(const QByteArray &clusterBody,
                  const QByteArray &userBody,
                  const QByteArray &extra = {})
{
    return "apiVersion: v1\n"
           "kind: Config\n"
           "clusters:\n"
           "- name: k\n"
           "  cluster:\n"
           + clusterBody
           + "users:\n"
             "- name: u\n"
             "  user:\n"
           + userBody
           + "contexts:\n"
             "- name: c\n"
             "  context: {cluster: k, user: u, namespace: rag-prod}\n"
             "current-context: c\n"
           + extra;
}

QByteArray b64(const QByteArray &data)
{
    return data.toBase64();
}

} // namespace

TEST(KubeconfigSearch, KubeconfigListIsSplitDeduplicatedAndEmptyEntriesSkipped)
{
    const KubeconfigSearch search{{},
                                  QStringLiteral("/a/one::/b/two:/a/one:/c/three:"),
                                  QStringLiteral("/home/x")};
    EXPECT_EQ(search.precedence(),
              (QStringList{QStringLiteral("/a/one"),
                           QStringLiteral("/b/two"),
                           QStringLiteral("/c/three")}));
}

TEST(KubeconfigSearch, DefaultIsHomeKubeConfigAndExplicitPathOverridesTheList)
{
    EXPECT_EQ((KubeconfigSearch{{}, {}, QStringLiteral("/home/x")}.precedence()),
              QStringList{QStringLiteral("/home/x/.kube/config")});
    EXPECT_EQ((KubeconfigSearch{QStringLiteral("/etc/k.yaml"),
                                QStringLiteral("/a:/b"),
                                QStringLiteral("/home/x")}
                   .precedence()),
              QStringList{QStringLiteral("/etc/k.yaml")});
}

TEST_F(KubeconfigTest,
       FirstFileToDefineANameWinsEntirelyAndCurrentContextComesFromTheFirstThatSetsOne)
{
    const QString one = write(QStringLiteral("one/config"),
                              "users:\n"
                              "- name: shared\n"
                              "  user: {token: from-one}\n"
                              "clusters:\n"
                              "- name: k1\n"
                              "  cluster: {server: 'https://one.example:6443'}\n"
                              "contexts:\n"
                              "- name: c1\n"
                              "  context: {cluster: k1, user: shared}\n");
    const QString two = write(QStringLiteral("two/config"),
                              "current-context: c2\n"
                              "users:\n"
                              "- name: shared\n"
                              "  user: {token: from-two, tokenFile: /never/used}\n"
                              "clusters:\n"
                              "- name: k1\n"
                              "  cluster: {server: 'https://two.example:6443'}\n"
                              "- name: k2\n"
                              "  cluster: {server: 'https://k2.example:6443'}\n"
                              "contexts:\n"
                              "- name: c2\n"
                              "  context: {cluster: k2, user: shared, namespace: second}\n");
    const QString three = write(QStringLiteral("three/config"),
                                "current-context: c1\n"
                                "contexts:\n"
                                "- name: c2\n"
                                "  context: {cluster: k1, user: nobody}\n"
                                "- name: c3\n"
                                "  context: {cluster: k1, user: shared}\n");
    const QString absent = path(QStringLiteral("absent/config"));

    auto config = loadList({one, absent, two, three});
    ASSERT_TRUE(config.has_value()) << qPrintable(config.error().message);
    EXPECT_EQ(config->files, (QStringList{one, two, three}));
    EXPECT_EQ(config->missing, QStringList{absent});
    EXPECT_EQ(config->currentContext, QStringLiteral("c2"));
    EXPECT_EQ(config->users.value(QStringLiteral("shared")).token, QByteArray("from-one"));
    // The later file's same-named user contributes nothing, not even fields the first lacks.
    EXPECT_TRUE(config->users.value(QStringLiteral("shared")).tokenFile.isEmpty());
    EXPECT_EQ(config->clusters.value(QStringLiteral("k1")).server,
              QStringLiteral("https://one.example:6443"));
    EXPECT_EQ(config->contexts.value(QStringLiteral("c2")).origin, two);
    EXPECT_EQ(config->contexts.value(QStringLiteral("c2")).ns, QStringLiteral("second"));
    EXPECT_EQ(config->contexts.value(QStringLiteral("c3")).origin, three);

    // Swapping the order swaps the winners.
    auto swapped = loadList({three, two, one});
    ASSERT_TRUE(swapped.has_value()) << qPrintable(swapped.error().message);
    EXPECT_EQ(swapped->currentContext, QStringLiteral("c1"));
    EXPECT_EQ(swapped->users.value(QStringLiteral("shared")).token, QByteArray("from-two"));
    EXPECT_EQ(swapped->contexts.value(QStringLiteral("c2")).user, QStringLiteral("nobody"));

    auto access = ClusterAccess::resolve(*config);
    ASSERT_TRUE(access.has_value()) << qPrintable(access.error().message);
    EXPECT_EQ(access->context, QStringLiteral("c2"));
    EXPECT_EQ(access->server, QUrl(QStringLiteral("https://k2.example:6443")));
    EXPECT_EQ(access->ns, QStringLiteral("second"));
    EXPECT_EQ(access->token, QByteArray("from-one"));
}

TEST_F(KubeconfigTest, RelativePathsAreResolvedAgainstTheFileThatDefinesThem)
{
    const QString a = write(
        QStringLiteral("a/config"),
        "clusters:\n"
        "- name: k\n"
        "  cluster: {server: 'https://k:6443', certificate-authority: pki/ca.crt}\n"
        "users:\n"
        "- name: cert\n"
        "  user: {client-certificate: ../shared/c.crt, client-key: /abs/c.key}\n"
        "- name: plug\n"
        "  user:\n"
        "    exec: {apiVersion: client.authentication.k8s.io/v1, command: ./bin/plugin, "
        "interactiveMode: Never}\n"
        "- name: onpath\n"
        "  user:\n"
        "    exec: {apiVersion: client.authentication.k8s.io/v1, command: gke-gcloud-auth-plugin, "
        "interactiveMode: Never}\n");
    const QString b = write(QStringLiteral("b/deeper/config"),
                            "users:\n"
                            "- name: file\n"
                            "  user: {tokenFile: token}\n"
                            "- name: cert\n"
                            "  user: {client-certificate: never.crt}\n");
    auto config = loadList({a, b});
    ASSERT_TRUE(config.has_value()) << qPrintable(config.error().message);
    const auto abs = [&](const QString &rel) {
        return QDir::cleanPath(m_dir.path() + QLatin1Char('/') + rel);
    };
    EXPECT_EQ(config->clusters.value(QStringLiteral("k")).certificateAuthority,
              abs(QStringLiteral("a/pki/ca.crt")));
    EXPECT_EQ(config->users.value(QStringLiteral("cert")).clientCertificate,
              abs(QStringLiteral("shared/c.crt")));
    EXPECT_EQ(config->users.value(QStringLiteral("cert")).clientKey, QStringLiteral("/abs/c.key"));
    EXPECT_EQ(config->users.value(QStringLiteral("plug")).exec->command,
              abs(QStringLiteral("a/bin/plugin")));
    EXPECT_EQ(config->users.value(QStringLiteral("onpath")).exec->command,
              QStringLiteral("gke-gcloud-auth-plugin"));
    EXPECT_EQ(config->users.value(QStringLiteral("file")).tokenFile,
              abs(QStringLiteral("b/deeper/token")));
}

TEST_F(KubeconfigTest, SyntaxErrorNamesFileLineAndColumn)
{
    const QString good = write(QStringLiteral("good"),
                               single("    server: https://k:6443\n", "    token: t\n"));
    const QString bad = write(QStringLiteral("bad"),
                              "clusters:\n- name: k\n  cluster: {server: [https://k\n");
    auto config = loadList({good, bad});
    ASSERT_FALSE(config.has_value());
    EXPECT_EQ(config.error().kind, Error::Kind::BadInput);
    EXPECT_TRUE(config.error().message.startsWith(bad + QLatin1Char(':')))
        << qPrintable(config.error().message);
    EXPECT_TRUE(config.error().message.contains(QStringLiteral("YAML syntax error")))
        << qPrintable(config.error().message);
}

TEST_F(KubeconfigTest, WrongTypeNamesFileLineColumnAndField)
{
    const QString file = write(QStringLiteral("config"),
                               single("    server: https://k:6443\n"
                                      "    insecure-skip-tls-verify: \"true\"\n",
                                      "    token: t\n"));
    auto config = loadList({file});
    ASSERT_FALSE(config.has_value());
    EXPECT_EQ(config.error().message,
              file
                  + QStringLiteral(
                      ":7:31: clusters[0].cluster.insecure-skip-tls-verify: expected true or false "
                      "(without quotes), found the text \"true\""));

    const QString number = write(QStringLiteral("number"),
                                 single("    server: https://k:6443\n", "    token: 12345\n"));
    auto numeric = loadList({number});
    ASSERT_FALSE(numeric.has_value());
    EXPECT_EQ(numeric.error().message,
              number
                  + QStringLiteral(
                      ":10:12: users[0].user.token: expected text, found the number 12345 "
                      "(put it in quotes)"));
}

TEST_F(KubeconfigTest, NotAMapAndBadBase64AreReportedWithPositions)
{
    const QString list = write(QStringLiteral("list"), "- just\n- a list\n");
    auto notMap = loadList({list});
    ASSERT_FALSE(notMap.has_value());
    EXPECT_TRUE(notMap.error().message.startsWith(list + QStringLiteral(":1:1: expected a map")))
        << qPrintable(notMap.error().message);

    const QString data = write(QStringLiteral("data"),
                               single("    server: https://k:6443\n"
                                      "    certificate-authority-data: not*base64!\n",
                                      "    token: t\n"));
    auto badData = loadList({data});
    ASSERT_FALSE(badData.has_value());
    EXPECT_TRUE(badData.error().message.startsWith(
        data
        + QStringLiteral(":7:33: clusters[0].cluster."
                         "certificate-authority-data: not valid base64")))
        << qPrintable(badData.error().message);
}

TEST_F(KubeconfigTest, DuplicateNameInOneFileIsAnError)
{
    const QString file
        = write(QStringLiteral("config"),
                "users:\n- name: u\n  user: {token: a}\n- name: u\n  user: {token: b}\n");
    auto config = loadList({file});
    ASSERT_FALSE(config.has_value());
    EXPECT_TRUE(config.error().message.contains(
        QStringLiteral(":4:3: a user named \"u\" is defined twice")))
        << qPrintable(config.error().message);
}

TEST_F(KubeconfigTest, UnknownKeysAreIgnoredButReportedWithTheirPosition)
{
    const QString file = write(QStringLiteral("config"),
                               single("    server: https://k:6443\n",
                                      "    tokenfile: /run/token\n"));
    auto config = loadList({file});
    ASSERT_TRUE(config.has_value()) << qPrintable(config.error().message);
    ASSERT_EQ(config->warnings.size(), 1);
    EXPECT_TRUE(
        config->warnings.first().startsWith(file
                                            + QStringLiteral(":10:5: users[0].user: unknown key "
                                                             "\"tokenfile\" is ignored")))
        << qPrintable(config->warnings.first());
    auto access = ClusterAccess::resolve(*config);
    ASSERT_TRUE(access.has_value()) << qPrintable(access.error().message);
    EXPECT_EQ(access->warnings, config->warnings);
}

TEST_F(KubeconfigTest, UnknownContextListsTheContextsThereAre)
{
    const QString file
        = write(QStringLiteral("config"),
                single("    server: https://k:6443\n", "    token: t\n")
                    .replace("contexts:\n",
                             "contexts:\n- name: us-east\n  context: {cluster: k, user: u}\n"));
    auto access = resolveFile(file, QStringLiteral("eu-wset"));
    ASSERT_FALSE(access.has_value());
    EXPECT_EQ(access.error().kind, Error::Kind::BadInput);
    EXPECT_EQ(access.error().message,
              QStringLiteral("context \"eu-wset\" was not found in %1; contexts there are: "
                             "\"c\", \"us-east\"")
                  .arg(file));
}

TEST_F(KubeconfigTest, NoContextChosenSaysSo)
{
    const QString file = write(QStringLiteral("config"),
                               QByteArray(single("    server: https://k:6443\n", "    token: t\n"))
                                   .replace("current-context: c\n", ""));
    auto access = resolveFile(file);
    ASSERT_FALSE(access.has_value());
    EXPECT_TRUE(access.error().message.startsWith(QStringLiteral("no context chosen")))
        << qPrintable(access.error().message);
    EXPECT_TRUE(access.error().message.contains(QStringLiteral("\"c\"")))
        << qPrintable(access.error().message);
}

TEST_F(KubeconfigTest, MissingExplicitFileIsAnErrorButMissingListEntriesAreNot)
{
    auto explicitMissing = KubeconfigLoader::load(
        KubeconfigSearch{path(QStringLiteral("nope")), {}, {}});
    ASSERT_FALSE(explicitMissing.has_value());
    EXPECT_TRUE(explicitMissing.error().message.contains(path(QStringLiteral("nope"))));

    auto listMissing = loadList({path(QStringLiteral("nope"))});
    ASSERT_TRUE(listMissing.has_value());
    auto access = ClusterAccess::resolve(*listMissing, QStringLiteral("prod"));
    ASSERT_FALSE(access.has_value());
    EXPECT_TRUE(access.error().message.contains(
        QStringLiteral("no kubeconfig file (looked for %1)").arg(path(QStringLiteral("nope")))))
        << qPrintable(access.error().message);
}

TEST_F(KubeconfigTest, NamespaceDefaultsToDefaultAndTheProfileOverridesIt)
{
    const QString file = write(QStringLiteral("config"),
                               QByteArray(single("    server: https://k:6443\n", "    token: t\n"))
                                   .replace(", namespace: rag-prod", ""));
    auto access = resolveFile(file);
    ASSERT_TRUE(access.has_value()) << qPrintable(access.error().message);
    EXPECT_EQ(access->ns, QStringLiteral("default"));

    auto target = ClusterAccess::forTarget(
        KubeTarget{QStringLiteral("c"), QStringLiteral("rag-prod"), file});
    ASSERT_TRUE(target.has_value()) << qPrintable(target.error().message);
    EXPECT_EQ(target->ns, QStringLiteral("rag-prod"));
}

TEST_F(KubeconfigTest, StaticTokenGivesABearerHeaderAndIsDescribedMasked)
{
    const QString file = write(QStringLiteral("config"),
                               single("    server: https://k.example:6443/prefix?ignored=1\n",
                                      "    token: abcdefgh-secret-token-wxyz\n"));
    auto access = resolveFile(file);
    ASSERT_TRUE(access.has_value()) << qPrintable(access.error().message);
    EXPECT_EQ(access->server, QUrl(QStringLiteral("https://k.example:6443/prefix")));
    EXPECT_EQ(access->url(QStringLiteral("/api/v1/namespaces/rag-prod/pods"),
                          QUrlQuery(QStringLiteral("labelSelector=app%3Drag-api"))),
              QUrl(QStringLiteral("https://k.example:6443/prefix/api/v1/namespaces/rag-prod/pods"
                                  "?labelSelector=app%3Drag-api")));
    auto provider = access->credentialProvider();
    ASSERT_TRUE(provider.has_value()) << qPrintable(provider.error().message);
    auto header = (*provider)->authorizationHeader();
    ASSERT_TRUE(header.has_value()) << qPrintable(header.error().message);
    EXPECT_EQ(*header, QByteArray("Bearer abcdefgh-secret-token-wxyz"));
    EXPECT_FALSE(access->describe().contains(QStringLiteral("secret")))
        << qPrintable(access->describe());
    EXPECT_TRUE(access->describe().contains(QStringLiteral("…wxyz")))
        << qPrintable(access->describe());
    EXPECT_FALSE((*provider)->describe().contains(QStringLiteral("secret")));
}

TEST_F(KubeconfigTest, TokenFileIsReadTrimmedAndReadAgainAfterInvalidate)
{
    const QString tokenFile = write(QStringLiteral("secrets/token"), "first-token-0001\n");
    const QString file = write(QStringLiteral("config"),
                               single("    server: https://k:6443\n",
                                      "    tokenFile: secrets/token\n"));
    auto access = resolveFile(file);
    ASSERT_TRUE(access.has_value()) << qPrintable(access.error().message);
    EXPECT_EQ(access->tokenFile, tokenFile);
    auto provider = access->credentialProvider();
    ASSERT_TRUE(provider.has_value());
    CredentialProvider &p = **provider;

    auto first = p.credential();
    ASSERT_TRUE(first.has_value()) << qPrintable(first.error().message);
    EXPECT_EQ(first->bearerToken, QByteArray("first-token-0001"));

    write(QStringLiteral("secrets/token"), "second-token-0002");
    EXPECT_EQ(p.credential()->bearerToken, QByteArray("first-token-0001"))
        << "re-read before a minute passed";
    p.invalidate(first->serial); // a 401 with the first token
    auto second = p.credential();
    EXPECT_EQ(second->bearerToken, QByteArray("second-token-0002"));
    EXPECT_NE(second->serial, first->serial);

    // A late 401 for the first token must not force yet another read.
    write(QStringLiteral("secrets/token"), "third-token-0003");
    p.invalidate(first->serial);
    EXPECT_EQ(p.credential()->bearerToken, QByteArray("second-token-0002"));
    p.invalidate();
    EXPECT_EQ(p.credential()->bearerToken, QByteArray("third-token-0003"));

    // If the file goes away later, the last token read is still used, as client-go does.
    QFile::remove(tokenFile);
    p.invalidate();
    auto kept = p.credential();
    ASSERT_TRUE(kept.has_value()) << qPrintable(kept.error().message);
    EXPECT_EQ(kept->bearerToken, QByteArray("third-token-0003"));
}

TEST_F(KubeconfigTest, UnreadableTokenFileIsRefusedWhenTheContextIsResolved)
{
    const QString file = write(QStringLiteral("config"),
                               single("    server: https://k:6443\n",
                                      "    tokenFile: missing-token\n"));
    auto access = resolveFile(file);
    ASSERT_FALSE(access.has_value());
    EXPECT_TRUE(access.error().message.contains(
        QStringLiteral("cannot read tokenFile %1").arg(path(QStringLiteral("missing-token")))))
        << qPrintable(access.error().message);
}

TEST_F(KubeconfigTest, CaFromFileAndFromDataAreTheOnlyTrustedRoots)
{
    const auto &certs = testCertificates();
    ASSERT_TRUE(certs.error.isEmpty()) << qPrintable(certs.error);
    const QSslCertificate ca = QSslCertificate::fromData(certs.caCertPem).constFirst();
    write(QStringLiteral("pki/ca.crt"), certs.caCertPem);

    const QString fromFile = write(QStringLiteral("file-config"),
                                   single("    server: https://k:6443\n"
                                          "    certificate-authority: pki/ca.crt\n"
                                          "    tls-server-name: api.internal\n",
                                          "    token: t\n"));
    const QString fromData = write(QStringLiteral("data-config"),
                                   single("    server: https://k:6443\n"
                                          "    certificate-authority-data: "
                                              + b64(certs.caCertPem) + "\n",
                                          "    token: t\n"));
    for (const QString &file : {fromFile, fromData}) {
        auto access = resolveFile(file);
        ASSERT_TRUE(access.has_value()) << qPrintable(access.error().message);
        auto tls = access->sslConfiguration();
        ASSERT_TRUE(tls.has_value()) << qPrintable(tls.error().message);
        EXPECT_EQ(tls->caCertificates(), QList<QSslCertificate>{ca}) << qPrintable(file);
        EXPECT_EQ(tls->peerVerifyMode(), QSslSocket::VerifyPeer);
        EXPECT_EQ(tls->protocol(), QSsl::TlsV1_2OrLater);
    }
    EXPECT_EQ(resolveFile(fromFile)->tlsServerName, QStringLiteral("api.internal"));
}

TEST_F(KubeconfigTest, InsecureSkipTlsVerifyTurnsVerificationOffOnlyWithoutACa)
{
    const QString insecure
        = write(QStringLiteral("insecure"),
                single("    server: https://k:6443\n    insecure-skip-tls-verify: true\n",
                       "    token: t\n"));
    auto access = resolveFile(insecure);
    ASSERT_TRUE(access.has_value()) << qPrintable(access.error().message);
    EXPECT_EQ(access->sslConfiguration()->peerVerifyMode(), QSslSocket::VerifyNone);
    EXPECT_TRUE(access->describe().contains(QStringLiteral("NOT verified")));

    const auto &certs = testCertificates();
    ASSERT_TRUE(certs.error.isEmpty()) << qPrintable(certs.error);
    const QString both = write(QStringLiteral("both"),
                               single("    server: https://k:6443\n"
                                      "    insecure-skip-tls-verify: true\n"
                                      "    certificate-authority-data: "
                                          + b64(certs.caCertPem) + "\n",
                                      "    token: t\n"));
    auto refused = resolveFile(both);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().kind, Error::Kind::BadInput);
    EXPECT_TRUE(refused.error().message.contains(QStringLiteral(
        "specifying a root certificates file with the insecure flag is not allowed")))
        << qPrintable(refused.error().message);
}

TEST_F(KubeconfigTest, CaFileAndCaDataTogetherAreRefusedAsKubectlRefusesThem)
{
    const auto &certs = testCertificates();
    ASSERT_TRUE(certs.error.isEmpty()) << qPrintable(certs.error);
    write(QStringLiteral("ca.crt"), certs.caCertPem);
    const QString file = write(QStringLiteral("config"),
                               single("    server: https://k:6443\n"
                                      "    certificate-authority: ca.crt\n"
                                      "    certificate-authority-data: "
                                          + b64(certs.caCertPem) + "\n",
                                      "    token: t\n"));
    auto access = resolveFile(file);
    ASSERT_FALSE(access.has_value());
    EXPECT_TRUE(access.error().message.contains(
        QStringLiteral("certificate-authority-data and certificate-authority are both specified "
                       "for cluster \"k\"")))
        << qPrintable(access.error().message);
}

TEST_F(KubeconfigTest, ClientCertificateAndKeyFromFilesAndFromData)
{
    const auto &certs = testCertificates();
    ASSERT_TRUE(certs.error.isEmpty()) << qPrintable(certs.error);
    const QSslCertificate leaf = QSslCertificate::fromData(certs.clientCertPem).constFirst();
    write(QStringLiteral("pki/admin.crt"), certs.clientCertPem);
    write(QStringLiteral("pki/admin.key"), certs.clientKeyPem);

    const QString fromFiles = write(QStringLiteral("files"),
                                    single("    server: https://k:6443\n",
                                           "    client-certificate: pki/admin.crt\n"
                                           "    client-key: pki/admin.key\n"));
    const QString fromData = write(QStringLiteral("data"),
                                   single("    server: https://k:6443\n",
                                          "    client-certificate-data: " + b64(certs.clientCertPem)
                                              + "\n"
                                                "    client-key-data: "
                                              + b64(certs.clientKeyPem) + "\n"));
    for (const QString &file : {fromFiles, fromData}) {
        auto access = resolveFile(file);
        ASSERT_TRUE(access.has_value()) << qPrintable(access.error().message);
        auto tls = access->sslConfiguration();
        ASSERT_TRUE(tls.has_value()) << qPrintable(tls.error().message);
        EXPECT_EQ(tls->localCertificate(), leaf) << qPrintable(file);
        EXPECT_FALSE(tls->privateKey().isNull());
        EXPECT_EQ(tls->privateKey().algorithm(), QSsl::Ec);
        // A client certificate alone sends no Authorization header.
        auto provider = access->credentialProvider();
        ASSERT_TRUE(provider.has_value());
        EXPECT_TRUE((*provider)->authorizationHeader()->isEmpty());
    }
}

TEST_F(KubeconfigTest, ClientCertificateProblemsAreNamed)
{
    const auto &certs = testCertificates();
    ASSERT_TRUE(certs.error.isEmpty()) << qPrintable(certs.error);
    const QString noKey = write(QStringLiteral("nokey"),
                                single("    server: https://k:6443\n",
                                       "    client-certificate-data: " + b64(certs.clientCertPem)
                                           + "\n"));
    auto a = resolveFile(noKey);
    ASSERT_FALSE(a.has_value());
    EXPECT_TRUE(a.error().message.contains(
        QStringLiteral("client-key-data or client-key must be specified for user \"u\"")))
        << qPrintable(a.error().message);

    // The CA's RSA key does not belong to the EC client certificate.
    const QString wrongKey = write(QStringLiteral("wrongkey"),
                                   single("    server: https://k:6443\n",
                                          "    client-certificate-data: " + b64(certs.clientCertPem)
                                              + "\n"
                                                "    client-key-data: "
                                              + b64(certs.caKeyPem) + "\n"));
    auto b = resolveFile(wrongKey);
    ASSERT_TRUE(b.has_value()) << qPrintable(b.error().message);
    auto tls = b->sslConfiguration();
    ASSERT_FALSE(tls.has_value());
    EXPECT_TRUE(tls.error().message.contains(QStringLiteral("does not match the certificate")))
        << qPrintable(tls.error().message);

    const QString missingFile
        = write(QStringLiteral("missing"),
                single("    server: https://k:6443\n",
                       "    client-certificate: gone.crt\n    client-key: gone.key\n"));
    auto c = resolveFile(missingFile);
    ASSERT_FALSE(c.has_value());
    EXPECT_TRUE(c.error().message.contains(QStringLiteral("unable to read client-certificate %1")
                                               .arg(path(QStringLiteral("gone.crt")))))
        << qPrintable(c.error().message);
    EXPECT_TRUE(c.error().message.contains(QStringLiteral("unable to read client-key")))
        << qPrintable(c.error().message);
}

TEST_F(KubeconfigTest, ExecPluginStepsAsideForATokenAsInClientGo)
{
    const QString file = write(QStringLiteral("config"),
                               single("    server: https://k:6443\n",
                                      "    token: static-token-1234\n"
                                      "    exec:\n"
                                      "      apiVersion: client.authentication.k8s.io/v1beta1\n"
                                      "      command: some-plugin\n"));
    auto access = resolveFile(file);
    ASSERT_TRUE(access.has_value()) << qPrintable(access.error().message);
    EXPECT_FALSE(access->exec.has_value());
    ASSERT_EQ(access->warnings.size(), 1);
    EXPECT_TRUE(access->warnings.first().contains(QStringLiteral("the plugin is not used")));
    EXPECT_EQ(*(*access->credentialProvider())->authorizationHeader(),
              QByteArray("Bearer static-token-1234"));
}

TEST_F(KubeconfigTest, ExecConfigIsValidatedAsKubectlValidatesIt)
{
    const QString v1NoMode
        = write(QStringLiteral("v1"),
                single("    server: https://k:6443\n",
                       "    exec: {apiVersion: client.authentication.k8s.io/v1, command: p}\n"));
    auto a = resolveFile(v1NoMode);
    ASSERT_FALSE(a.has_value());
    EXPECT_TRUE(a.error().message.contains(
        QStringLiteral("exec.interactiveMode must be specified for user \"u\"")))
        << qPrintable(a.error().message);

    const QString beta = write(
        QStringLiteral("beta"),
        single("    server: https://k:6443\n",
               "    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: p}\n"));
    auto b = resolveFile(beta);
    ASSERT_TRUE(b.has_value()) << qPrintable(b.error().message);
    EXPECT_EQ(b->exec->interactiveMode, QStringLiteral("IfAvailable"));

    const QString alpha = write(
        QStringLiteral("alpha"),
        single("    server: https://k:6443\n",
               "    exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: p}\n"));
    auto c = resolveFile(alpha);
    ASSERT_FALSE(c.has_value());
    EXPECT_TRUE(c.error().message.contains(
        QStringLiteral("invalid apiVersion \"client.authentication.k8s.io/v1alpha1\"")))
        << qPrintable(c.error().message);
}

TEST_F(KubeconfigTest, UnsupportedAuthenticationIsRefusedByName)
{
    const QString file = write(QStringLiteral("config"),
                               single("    server: https://k:6443\n",
                                      "    auth-provider:\n      name: gcp\n      config: {}\n"));
    auto access = resolveFile(file);
    ASSERT_FALSE(access.has_value());
    EXPECT_TRUE(access.error().message.contains(QStringLiteral("auth-provider \"gcp\"")))
        << qPrintable(access.error().message);
    EXPECT_TRUE(access.error().message.contains(QStringLiteral("gke-gcloud-auth-plugin")));
}

TEST_F(KubeconfigTest, PlainHttpServerGetsNoCredentialsAsInKubectl)
{
    const QString file = write(QStringLiteral("config"),
                               single("    server: 127.0.0.1:8080\n",
                                      "    token: never-sent-token\n"));
    auto access = resolveFile(file);
    ASSERT_TRUE(access.has_value()) << qPrintable(access.error().message);
    EXPECT_EQ(access->server, QUrl(QStringLiteral("http://127.0.0.1:8080")));
    EXPECT_EQ(access->url(QStringLiteral("api")), QUrl(QStringLiteral("http://127.0.0.1:8080/api")));
    EXPECT_FALSE(access->usesTls());
    EXPECT_TRUE(access->token.isEmpty());
    EXPECT_TRUE((*access->credentialProvider())->authorizationHeader()->isEmpty());
    ASSERT_FALSE(access->warnings.isEmpty());
    EXPECT_TRUE(access->warnings.last().contains(QStringLiteral("not https")));
}

TEST_F(KubeconfigTest, ContextWithUndefinedClusterNamesIt)
{
    const QString file = write(QStringLiteral("config"),
                               QByteArray(single("    server: https://k:6443\n", "    token: t\n"))
                                   .replace("{cluster: k,", "{cluster: gone,"));
    auto access = resolveFile(file);
    ASSERT_FALSE(access.has_value());
    EXPECT_TRUE(access.error().message.contains(QStringLiteral("cluster \"gone\" is not defined")))
        << qPrintable(access.error().message);
    EXPECT_TRUE(access.error().message.contains(QStringLiteral("clusters there are: \"k\"")));
}

TEST_F(KubeconfigTest, EmptyFileIsAnEmptyConfig)
{
    const QString empty = write(QStringLiteral("empty"), "");
    const QString comment = write(QStringLiteral("comment"), "# nothing yet\n");
    auto config = loadList({empty, comment});
    ASSERT_TRUE(config.has_value()) << qPrintable(config.error().message);
    EXPECT_EQ(config->files.size(), 2);
    EXPECT_TRUE(config->contexts.isEmpty());
}

TEST(TokenCredentialProvider, StaticTokenIgnoresInvalidate)
{
    TokenCredentialProvider p(QByteArrayLiteral("inline-token"), {});
    const auto first = p.credential();
    p.invalidate();
    const auto second = p.credential();
    EXPECT_EQ(second->bearerToken, QByteArray("inline-token"));
    EXPECT_EQ(second->serial, first->serial);
}

// proxy-url as client-go reads it (clientcmd parseProxyURL) and as ragdr can use it: http and
// socks5 become the connection's proxy; https (TLS to the proxy itself, which Qt cannot speak) is
// refused by name rather than connecting some other way.
TEST_F(KubeconfigTest, ProxyUrlIsUsedOrRefusedButNeverIgnored)
{
    auto withProxy = [&](const QByteArray &url) {
        return resolveFile(
            write(QStringLiteral("proxy"),
                  single("    server: https://k.example:6443\n    proxy-url: " + url + "\n",
                         "    token: t\n")));
    };
    auto http = withProxy("http://user:p%40ss@proxy.example:3128");
    ASSERT_TRUE(http.has_value()) << qPrintable(http.error().message);
    auto proxy = KubeProxy::decide(http->server, http->proxyUrl, {});
    ASSERT_TRUE(proxy.has_value()) << qPrintable(proxy.error().message);
    EXPECT_EQ(proxy->type(), QNetworkProxy::HttpProxy);
    EXPECT_EQ(proxy->hostName(), QStringLiteral("proxy.example"));
    EXPECT_EQ(proxy->port(), 3128);
    EXPECT_EQ(proxy->user(), QStringLiteral("user"));
    EXPECT_EQ(proxy->password(), QStringLiteral("p@ss"));
    EXPECT_FALSE(http->describe().contains(QStringLiteral("p@ss"))) << qPrintable(http->describe());
    EXPECT_TRUE(
        http->describe().contains(QStringLiteral("through proxy http://user@proxy.example:3128")))
        << qPrintable(http->describe());

    auto socks = withProxy("socks5://bastion.example");
    ASSERT_TRUE(socks.has_value()) << qPrintable(socks.error().message);
    proxy = KubeProxy::decide(socks->server, socks->proxyUrl, {});
    ASSERT_TRUE(proxy.has_value());
    EXPECT_EQ(proxy->type(), QNetworkProxy::Socks5Proxy);
    EXPECT_EQ(proxy->port(), 1080) << "Go's default port for socks5";

    auto tls = withProxy("https://proxy.example:3129");
    ASSERT_FALSE(tls.has_value());
    EXPECT_EQ(tls.error().kind, Error::Kind::BadInput);
    EXPECT_TRUE(tls.error().message.contains(QStringLiteral("cannot reach a proxy over TLS")))
        << qPrintable(tls.error().message);
    EXPECT_TRUE(tls.error().message.contains(QStringLiteral("http://proxy.example:3129")))
        << qPrintable(tls.error().message);

    auto ftp = withProxy("ftp://proxy.example");
    ASSERT_FALSE(ftp.has_value());
    EXPECT_TRUE(ftp.error().message.contains(
        QStringLiteral("unsupported scheme \"ftp\", must be http, https, or socks5")))
        << qPrintable(ftp.error().message);
}

// Without proxy-url, the environment decides as Go's http.ProxyFromEnvironment does; the
// connection then says "direct" explicitly instead of leaving it to Qt's defaults.
TEST(KubeProxy, TheEnvironmentDecidesAsGoDoes)
{
    const QUrl server(QStringLiteral("https://api.prod.example:6443"));
    KubeProxy::Environment env{QStringLiteral("proxy.corp:8080"),
                               QStringLiteral("http://plain.corp:80"),
                               QStringLiteral("internal.example, .corp.example,10.0.0.0/8")};
    auto proxy = KubeProxy::decide(server, {}, env);
    ASSERT_TRUE(proxy.has_value());
    EXPECT_EQ(proxy->type(), QNetworkProxy::HttpProxy);
    EXPECT_EQ(proxy->hostName(), QStringLiteral("proxy.corp")) << "no scheme means http";
    EXPECT_EQ(proxy->port(), 8080);
    // An http server takes HTTP_PROXY.
    EXPECT_EQ(KubeProxy::decide(QUrl(QStringLiteral("http://api.prod.example")), {}, env)->hostName(),
              QStringLiteral("plain.corp"));
    // NO_PROXY and loopback go direct.
    for (const char *direct : {"https://internal.example",
                               "https://x.internal.example",
                               "https://y.corp.example",
                               "https://10.1.2.3:6443",
                               "https://127.0.0.1:6443",
                               "https://localhost:6443"}) {
        auto d = KubeProxy::decide(QUrl(QLatin1String(direct)), {}, env);
        ASSERT_TRUE(d.has_value());
        EXPECT_EQ(d->type(), QNetworkProxy::NoProxy) << direct;
    }
    EXPECT_EQ(KubeProxy::decide(server, {}, {})->type(), QNetworkProxy::NoProxy);
    // proxy-url wins over the environment, loopback included.
    auto explicitProxy = KubeProxy::decide(QUrl(QStringLiteral("https://127.0.0.1:6443")),
                                           QUrl(QStringLiteral("http://127.0.0.1:3128")),
                                           env);
    ASSERT_TRUE(explicitProxy.has_value());
    EXPECT_EQ(explicitProxy->port(), 3128);
}

TEST(KubeProxy, NoProxyEntriesMatchAsInGo)
{
    const QString rules = QStringLiteral("example.com,.sub.test,*.star.test,192.168.1.5,"
                                         "172.16.0.0/12,port.test:8443,[::2]:6443");
    struct Case
    {
        const char *host;
        int port;
        bool direct;
    } cases[] = {
        {"example.com", 443, true},
        {"api.example.com", 443, true},
        {"notexample.com", 443, false},
        {"sub.test", 443, false},
        {"a.sub.test", 443, true},
        {"a.star.test", 443, true},
        {"192.168.1.5", 6443, true},
        {"192.168.1.6", 6443, false},
        {"172.20.1.1", 443, true},
        {"172.32.0.1", 443, false},
        {"port.test", 8443, true},
        {"port.test", 443, false},
        {"::2", 6443, true},
        {"::2", 443, false},
        {"::1", 443, true},
        {"other.example.org", 443, false},
    };
    for (const Case &c : cases) {
        EXPECT_EQ(KubeProxy::bypasses(rules, QLatin1String(c.host), c.port), c.direct)
            << c.host << ":" << c.port;
    }
    EXPECT_TRUE(KubeProxy::bypasses(QStringLiteral("*"), QStringLiteral("anything"), 443));
}
