#include "report.h"

namespace ragdr::core {

ReportSection *Report::section(const QString &key)
{
    for (ReportSection &s : sections) {
        if (s.key == key)
            return &s;
    }
    return nullptr;
}

QString Report::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Tactical:
        return QStringLiteral("tactical");
    case Kind::Executive:
        return QStringLiteral("executive");
    case Kind::Postmortem:
        return QStringLiteral("postmortem");
    }
    return QStringLiteral("tactical");
}

QString Report::kindTitle(Kind kind)
{
    switch (kind) {
    case Kind::Tactical:
        return QStringLiteral("Tactical update");
    case Kind::Executive:
        return QStringLiteral("Executive update");
    case Kind::Postmortem:
        return QStringLiteral("Post-incident report");
    }
    return {};
}

std::optional<Report::Kind> Report::kindFromName(const QString &name)
{
    for (Kind k : {Kind::Tactical, Kind::Executive, Kind::Postmortem}) {
        if (kindName(k) == name)
            return k;
    }
    return std::nullopt;
}

} // namespace ragdr::core
