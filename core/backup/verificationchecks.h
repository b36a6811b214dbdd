#pragma once

#include "backupmanifest.h"

namespace ragdr::core {

// Records each check of a verification in its record and keeps the worst outcome: corrupt beats
// could-not-check beats passed. The record's result must start as Passed; each check can only
// make it worse. The first Corrupt (else the first could-not-check) becomes the reason.
class VerificationChecks final
{
public:
    explicit VerificationChecks(VerificationRecord &record);

    void pass(const QString &name, const QString &detail);
    // The file is damaged.
    void corrupt(const QString &name, const QString &detail);
    // The environment stopped the check: says nothing about the backup.
    void couldNotCheck(const QString &name, const QString &detail);
    // Listed as unchecked, with why.
    void skip(const QString &name, const QString &why);

    bool isCorrupt() const { return m_record.corrupt(); }

private:
    void add(const QString &name, const QString &status, const QString &detail);

    VerificationRecord &m_record;
};

} // namespace ragdr::core
