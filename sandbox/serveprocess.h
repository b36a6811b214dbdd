#pragma once

#include "core/base/error.h"

#include <QString>

#include <functional>

namespace ragdr::sandbox {

// What a detached drill server process (`ragdr-drill serve`, `serve-llm`) does around its work:
// a session of its own (a closing terminal does not stop it), SIGTERM and SIGINT turned into a
// clean quit of the event loop, SIGHUP and SIGPIPE ignored. Returns the process's exit code.
class ServeProcess final
{
public:
    static int run(const QString &name,
                   const std::function<core::Status()> &start,
                   const std::function<void()> &stop);

    // Whether pid is `ragdr-drill COMMAND --dir DIR` (and not a pid reused by something else).
    static bool isServing(qint64 pid, const char *command, const QString &dir);
};

} // namespace ragdr::sandbox
