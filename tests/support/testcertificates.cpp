#include "testcertificates.h"

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

namespace ragdr::test {

namespace {

QString runOpenssl(const QString &dir, const QStringList &args)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral("openssl"), args);
    if (!p.waitForStarted())
        return QStringLiteral("cannot run openssl (install it: apt-get install openssl)");
    p.waitForFinished(60000);
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return QStringLiteral("openssl %1 failed: %2")
            .arg(args.join(QLatin1Char(' ')), QString::fromLocal8Bit(p.readAllStandardError()));
    return {};
}

QByteArray slurp(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

TestCertificates make()
{
    TestCertificates certs;
    if (QStandardPaths::findExecutable(QStringLiteral("openssl")).isEmpty()) {
        certs.error = QStringLiteral(
            "the openssl command is needed to make test certificates: apt-get install openssl");
        return certs;
    }
    QTemporaryDir dir;
    const QString d = dir.path();
    certs.error = runOpenssl(d,
                             {QStringLiteral("req"),
                              QStringLiteral("-x509"),
                              QStringLiteral("-newkey"),
                              QStringLiteral("rsa:2048"),
                              QStringLiteral("-nodes"),
                              QStringLiteral("-keyout"),
                              QStringLiteral("ca.key"),
                              QStringLiteral("-out"),
                              QStringLiteral("ca.crt"),
                              QStringLiteral("-days"),
                              QStringLiteral("2"),
                              QStringLiteral("-subj"),
                              QStringLiteral("/CN=ragdr-test-ca")});
    if (certs.error.isEmpty()) {
        certs.error = runOpenssl(d,
                                 {QStringLiteral("req"),
                                  QStringLiteral("-x509"),
                                  QStringLiteral("-newkey"),
                                  QStringLiteral("ec"),
                                  QStringLiteral("-pkeyopt"),
                                  QStringLiteral("ec_paramgen_curve:prime256v1"),
                                  QStringLiteral("-nodes"),
                                  QStringLiteral("-keyout"),
                                  QStringLiteral("client.key"),
                                  QStringLiteral("-out"),
                                  QStringLiteral("client.crt"),
                                  QStringLiteral("-days"),
                                  QStringLiteral("2"),
                                  QStringLiteral("-subj"),
                                  QStringLiteral("/CN=ragdr-test-admin")});
    }
    if (certs.error.isEmpty()) {
        QFile ext(d + QStringLiteral("/server.ext"));
        if (ext.open(QIODevice::WriteOnly))
            ext.write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        ext.close();
        certs.error = runOpenssl(d,
                                 {QStringLiteral("req"),
                                  QStringLiteral("-new"),
                                  QStringLiteral("-newkey"),
                                  QStringLiteral("rsa:2048"),
                                  QStringLiteral("-nodes"),
                                  QStringLiteral("-keyout"),
                                  QStringLiteral("server.key"),
                                  QStringLiteral("-out"),
                                  QStringLiteral("server.csr"),
                                  QStringLiteral("-subj"),
                                  QStringLiteral("/CN=127.0.0.1")});
    }
    if (certs.error.isEmpty()) {
        certs.error = runOpenssl(d,
                                 {QStringLiteral("x509"),
                                  QStringLiteral("-req"),
                                  QStringLiteral("-in"),
                                  QStringLiteral("server.csr"),
                                  QStringLiteral("-CA"),
                                  QStringLiteral("ca.crt"),
                                  QStringLiteral("-CAkey"),
                                  QStringLiteral("ca.key"),
                                  QStringLiteral("-CAcreateserial"),
                                  QStringLiteral("-out"),
                                  QStringLiteral("server.crt"),
                                  QStringLiteral("-days"),
                                  QStringLiteral("2"),
                                  QStringLiteral("-extfile"),
                                  QStringLiteral("server.ext")});
    }
    certs.caCertPem = slurp(d + QStringLiteral("/ca.crt"));
    certs.serverCertPem = slurp(d + QStringLiteral("/server.crt"));
    certs.serverKeyPem = slurp(d + QStringLiteral("/server.key"));
    certs.caKeyPem = slurp(d + QStringLiteral("/ca.key"));
    certs.clientCertPem = slurp(d + QStringLiteral("/client.crt"));
    certs.clientKeyPem = slurp(d + QStringLiteral("/client.key"));
    if (certs.error.isEmpty()
        && (certs.caCertPem.isEmpty() || certs.clientKeyPem.isEmpty()
            || certs.serverKeyPem.isEmpty()))
        certs.error = QStringLiteral("openssl wrote no certificate files in %1").arg(d);
    return certs;
}

} // namespace

const TestCertificates &testCertificates()
{
    static const TestCertificates certs = make();
    return certs;
}

} // namespace ragdr::test
