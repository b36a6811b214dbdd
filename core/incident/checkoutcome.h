#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace ragdr::core {

// What an automatic checklist check found: a verdict, one line for the list, and the evidence
// behind it (lines a person reads, and the facts as JSON).
struct CheckOutcome
{
    enum class Verdict {
        Passed,
        Failed,        // the check ran and what it checks is not right
        CouldNotCheck, // the check could not run (configuration, access): never a verdict
    };

    Verdict verdict = Verdict::Passed;
    QString summary;
    QStringList lines;
    QJsonObject data;

    QJsonObject evidence() const; // data, with "lines"
    // Adds a part's lines and data (under key) and keeps the worse verdict.
    void merge(const QString &key, const CheckOutcome &part);

    static QString verdictName(Verdict verdict); // "passed", "failed", "could-not-check"
    static CheckOutcome passed(QString summary, QStringList lines = {});
    static CheckOutcome failed(QString summary, QStringList lines = {});
    static CheckOutcome couldNotCheck(QString summary, QStringList lines = {});
};

} // namespace ragdr::core
