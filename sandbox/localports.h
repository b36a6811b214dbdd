#pragma once

#include <QtGlobal>

namespace ragdr::sandbox {

// Ports on 127.0.0.1 for the drill's servers: whether one can be listened on now, and one the
// system picks. (A port found free can be taken before it is used; `up` checks again.)
class LocalPorts final
{
public:
    static bool isFree(quint16 port);
    static quint16 pick(); // 0 when none can be had
};

} // namespace ragdr::sandbox
