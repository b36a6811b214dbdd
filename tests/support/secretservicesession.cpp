#include "secretservicesession.h"

#include "testsandbox.h"

#include "core/secrets/secretstore.h"

#include <QDir>
#include <QLibrary>
#include <QStandardPaths>
#include <QTest>

namespace ragdr::test {

namespace {

const char *kInstall = "the keychain tests run a real Secret Service: gnome-keyring under "
                       "dbus-run-session, reached through libsecret. Install them with: apt-get "
                       "install gnome-keyring libsecret-1-0 dbus-daemon (./run installs them)";

// Reads the password from stdin so that it is in no argv or environment, unlocks (creates) the
// login keyring with it, says the bus address, then waits for stdin to close.
const char *kScript = "read -r pw\n"
                      "printf '%s' \"$pw\" | gnome-keyring-daemon --unlock --components=secrets "
                      ">/dev/null\n"
                      "echo \"$DBUS_SESSION_BUS_ADDRESS\"\n"
                      "cat >/dev/null\n";

} // namespace

SecretServiceSession::SecretServiceSession() = default;

SecretServiceSession::~SecretServiceSession()
{
    if (m_session.state() != QProcess::NotRunning) {
        m_session.closeWriteChannel();
        if (!m_session.waitForFinished(10000)) {
            m_session.kill();
            m_session.waitForFinished(5000);
        }
    }
}

bool SecretServiceSession::start(QString *error)
{
    for (const char *tool : {"dbus-run-session", "gnome-keyring-daemon"}) {
        if (QStandardPaths::findExecutable(QLatin1String(tool)).isEmpty()) {
            *error = QStringLiteral("%1 is missing; %2")
                         .arg(QLatin1String(tool), QLatin1String(kInstall));
            return false;
        }
    }
    QLibrary libsecret(QStringLiteral("secret-1"), 0);
    if (!libsecret.load()) {
        *error = QStringLiteral(
                     "libsecret (libsecret-1.so.0, which QtKeychain loads) is missing; %1")
                     .arg(QLatin1String(kInstall));
        return false;
    }
    m_dir = makeTempDir();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *var :
         {"XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR"}) {
        const QString dir = m_dir->path() + QLatin1Char('/') + QString::fromLatin1(var).toLower();
        QDir().mkpath(dir);
        QFile::setPermissions(dir,
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                  | QFileDevice::ExeOwner);
        env.insert(QLatin1String(var), dir);
    }
    env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
    m_session.setProcessEnvironment(env);
    m_session.start(QStringLiteral("dbus-run-session"),
                    {QStringLiteral("--"),
                     QStringLiteral("sh"),
                     QStringLiteral("-c"),
                     QLatin1String(kScript)});
    if (!m_session.waitForStarted(10000)) {
        *error = QStringLiteral("cannot start dbus-run-session: %1").arg(m_session.errorString());
        return false;
    }
    m_session.write("ragdr-test-keyring\n");
    if (!QTest::qWaitFor(
            [&] { return m_session.canReadLine() || m_session.state() == QProcess::NotRunning; },
            20000)
        || !m_session.canReadLine()) {
        *error = QStringLiteral("gnome-keyring did not start: %1")
                     .arg(QString::fromUtf8(m_session.readAllStandardError()));
        return false;
    }
    m_address = QString::fromUtf8(m_session.readLine()).trimmed();
    if (!m_address.startsWith(QLatin1String("unix:"))) {
        *error = QStringLiteral("dbus-run-session gave no bus address (%1)").arg(m_address);
        return false;
    }
    qputenv("DBUS_SESSION_BUS_ADDRESS", m_address.toUtf8());
    // The daemon registers its bus name just after it says it is up.
    core::SecretStore::KeychainStatus status;
    if (!QTest::qWaitFor([&] { return (status = core::SecretStore::keychainStatus()).available; },
                         10000)) {
        *error = QStringLiteral("the Secret Service does not answer: %1").arg(status.detail);
        return false;
    }
    return true;
}

} // namespace ragdr::test
