#pragma once

#include <QtCore/qabstracteventdispatcher.h>
#include <QtCore/qcoreapplication.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qtimer.h>
#include <QtCore/qvariant.h>

#include <functional>

// What every workload shares: the payload of the comparison and a way to wait.
namespace BenchCommon {

// The payload every peer sends: {Hello: "World"}; workers answer a small map.
inline QVariantMap payload()
{
    return { { QStringLiteral("Hello"), QStringLiteral("World") } };
}

// Runs the event loop until done() is true or timeoutMs passes. The loop blocks
// between events, as an application's does: QCoreApplication::processEvents() with a
// time limit never waits (it drops WaitForMoreEvents), so the benchmark's own process
// spun at full speed and took a core from the workers. done() is looked at after
// every pass (before the loop would block), and a timer wakes the loop for the
// timeout.
inline bool spinUntil(const std::function<bool()> &done, int timeoutMs = 300000)
{
    if (done())
        return true;
    QEventLoop loop;
    bool finished = false;
    QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance();
    const QMetaObject::Connection check =
            QObject::connect(dispatcher, &QAbstractEventDispatcher::aboutToBlock, &loop, [&] {
                if (done()) {
                    finished = true;
                    loop.quit();
                }
            });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    QObject::disconnect(check);
    return finished || done();
}

} // namespace BenchCommon
