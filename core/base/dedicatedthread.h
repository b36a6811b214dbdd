#pragma once

#include <QString>

class QObject;

namespace ragdr::core {

// A long-lived object on a thread of its own (the LLM transport, the keychain's jobs): the thread
// starts now; as the application object goes, the object is deleted on its thread and the thread
// is stopped, so that nothing outlives the event loops it needs.
class DedicatedThread final
{
public:
    static void adopt(QObject *object, const QString &threadName);
};

} // namespace ragdr::core
