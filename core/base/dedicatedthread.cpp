#include "dedicatedthread.h"

#include <QCoreApplication>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QThread>

namespace ragdr::core {

namespace {

QMutex s_mutex;
QList<QObject *> s_adopted;

void stopAll()
{
    const QMutexLocker lock(&s_mutex);
    for (QObject *object : std::as_const(s_adopted)) {
        QThread *thread = object->thread();
        QMetaObject::invokeMethod(
            object, [object] { delete object; }, Qt::BlockingQueuedConnection);
        thread->quit();
        thread->wait();
        delete thread;
    }
    s_adopted.clear();
}

} // namespace

void DedicatedThread::adopt(QObject *object, const QString &threadName)
{
    auto *thread = new QThread;
    thread->setObjectName(threadName);
    object->moveToThread(thread);
    thread->start();
    const QMutexLocker lock(&s_mutex);
    if (s_adopted.isEmpty())
        qAddPostRoutine(stopAll);
    s_adopted.append(object);
}

} // namespace ragdr::core
