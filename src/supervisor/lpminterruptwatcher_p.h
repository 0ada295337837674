#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qobject.h>

class QSocketNotifier;

// Turns SIGINT into a Qt signal while supervisors exist. The handler only writes a
// byte to a self-pipe (async-signal-safe); a QSocketNotifier in the application's
// thread reads it and emits interrupted(). A handler that was installed before is
// still called after ours, and is put back when the last supervisor goes.
class LpmInterruptWatcher : public QObject
{
    Q_OBJECT
public:
    // Catches SIGINT from the first acquire() to the last matching release().
    // Thread-safe; needs a QCoreApplication.
    static LpmInterruptWatcher *acquire();
    static void release();

Q_SIGNALS:
    void interrupted();

private:
    LpmInterruptWatcher();
    void drain();

    QSocketNotifier *m_notifier = nullptr;
};
