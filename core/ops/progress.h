#pragma once

#include "core/base/canceltoken.h"

#include <QMutex>
#include <QString>

#include <memory>

namespace ragdr::core {

// What a running operation reports: written by its worker thread, read by whoever shows it.
class ProgressState final
{
public:
    struct Snapshot
    {
        double fraction = -1.0; // < 0: not known yet
        QString step;
        quint64 version = 0;
    };

    void set(double fraction, const QString &step);
    void setStep(const QString &step);
    Snapshot snapshot() const;

private:
    mutable QMutex m_mutex;
    Snapshot m_state;
};

// A view of the progress of one part of an operation: set() takes 0..1 within the part, and the
// part maps it into its range of the whole. Cheap to copy; hand sub() to the functions doing
// each step.
class Progress final
{
public:
    Progress() = default;
    Progress(std::shared_ptr<ProgressState> state, CancelToken cancel);

    void set(double fraction, const QString &step) const;
    void setFraction(double fraction) const;
    void setStep(const QString &step) const;
    Progress sub(double from, double to) const;

    bool isCancelled() const { return m_cancel.isCancelled(); }
    const CancelToken &cancelToken() const { return m_cancel; }

private:
    std::shared_ptr<ProgressState> m_state;
    CancelToken m_cancel;
    double m_from = 0.0;
    double m_to = 1.0;
};

} // namespace ragdr::core
