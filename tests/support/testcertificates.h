#pragma once

#include <QByteArray>
#include <QString>

namespace ragdr::test {

// Throwaway TLS material for the kubeconfig tests, made once per test binary with the openssl
// command; never a real secret, and gone with the process's temporary directory.
struct TestCertificates
{
    QByteArray caCertPem;     // self-signed RSA CA
    QByteArray caKeyPem;      // its key, also handy as a key that matches no client certificate
    QByteArray clientCertPem; // self-signed EC, CN=ragdr-test-admin
    QByteArray clientKeyPem;  // PKCS#8
    QByteArray serverCertPem; // signed by the CA, for 127.0.0.1 (CN and subjectAltName)
    QByteArray serverKeyPem;
    QString error; // set when openssl is missing or failed: say how to install it
};

const TestCertificates &testCertificates();

} // namespace ragdr::test
