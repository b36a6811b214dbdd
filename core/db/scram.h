#pragma once

#include <QByteArray>

namespace ragdr::core {

// The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802/7677, as libpq's
// PQencryptPasswordConn makes it), so that CREATE/ALTER ROLE ... PASSWORD never carries the
// password itself to the server or into its log.
QByteArray scramSha256Verifier(const QByteArray &password,
                               const QByteArray &salt = {},
                               int iterations = 4096);

} // namespace ragdr::core
