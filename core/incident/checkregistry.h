#pragma once

#include "checkcontext.h"
#include "checkoutcome.h"

#include <functional>

namespace ragdr::core {

// The automatic checks a checklist item can name (`check: KIND` in the profile). Adding one is
// one entry in checkregistry.cpp: its name, what it does, what it needs from the profile, and the
// function that runs it (README, "How to add a check").
class CheckRegistry final
{
public:
    struct Kind
    {
        QString name;
        QString description;
        // What the profile lacks for this check, in words ("health.endpoints"); empty: nothing.
        std::function<QString(const Profile &)> needs;
        std::function<CheckOutcome(const CheckContext &)> run;
    };

    static const QList<Kind> &kinds();
    static const Kind *find(const QString &name);
    static QStringList names();
};

} // namespace ragdr::core
