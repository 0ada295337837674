#pragma once

#include <QtCore/qcoreapplication.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qvariant.h>

#include <functional>

// What every workload shares: the payload of the comparison and a way to wait.
namespace BenchCommon {

// The payload every peer sends: {Hello: "World"}; workers answer a small map.
inline QVariantMap payload()
{
    return { { QStringLiteral("Hello"), QStringLiteral("World") } };
}

// Runs the event loop until done() is true or timeoutMs passes.
inline bool spinUntil(const std::function<bool()> &done, int timeoutMs = 300000)
{
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    }
    return true;
}

} // namespace BenchCommon
