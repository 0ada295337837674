#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qmetaobject.h>
#include <QtCore/qobject.h>
#include <QtCore/qthread.h>

#include <utility>

namespace LpmThreadHop {

// Runs f in context's thread: at once when called there, else queued to its event
// loop. Nothing runs if context is gone by then (or already is).
template <typename F>
void run(QObject *context, F &&f)
{
    if (!context)
        return;
    if (QThread::currentThread() == context->thread()) {
        f();
        return;
    }
    QMetaObject::invokeMethod(context, std::forward<F>(f), Qt::QueuedConnection);
}

} // namespace LpmThreadHop
