#pragma once

#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>

#include <memory>

namespace ragdr::test {

// A real Secret Service for the keychain tests: gnome-keyring-daemon on a private session bus
// under dbus-run-session, its login keyring created and unlocked with a throwaway password read
// from stdin, its files in a temporary directory. start() points this process (and the children
// it starts) at that bus; the bus and the daemon go when the object does.
class SecretServiceSession final
{
public:
    SecretServiceSession();
    ~SecretServiceSession();
    SecretServiceSession(const SecretServiceSession &) = delete;
    SecretServiceSession &operator=(const SecretServiceSession &) = delete;

    // False, with why in *error (how to install what is missing), when it cannot run.
    bool start(QString *error);
    QString address() const { return m_address; }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QProcess m_session;
    QString m_address;
};

} // namespace ragdr::test
