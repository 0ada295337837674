#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <lpm/lpmlauncher.h>

#include <QtCore/qhash.h>
#include <QtCore/qlist.h>
#include <QtCore/qpointer.h>
#include <QtCore/qstring.h>

#include <functional>
#include <memory>

class LpmWorkerHandle;
class QTemporaryDir;

// One shared ssh connection per distinct ssh launcher of a pool (ControlMaster), in a
// directory only this user can enter: the second worker on a host starts without a
// new handshake. The masters run in the background, in sessions of their own; they
// are ended when the pool stops, and end themselves 30 s after their last worker if
// the application dies first.
//
// ssh cannot share a connection that is still being made: workers started while the
// first one's ssh makes it would each connect on their own. So they wait for it, and
// start when that worker is up (or gone).
class LpmSshMultiplexer
{
public:
    LpmSshMultiplexer();
    ~LpmSshMultiplexer(); // endAll()

    // The ControlPath for launcher's connection; empty (no sharing) when the private
    // directory cannot be made.
    QString controlPathFor(const LpmLauncher &launcher);
    // Calls launch now, or once the connection at controlPath can be shared: worker
    // then starts through it.
    void whenShareable(const QString &controlPath, LpmWorkerHandle *worker, std::function<void()> launch);
    // Asks every master to exit (ssh -O exit), waiting a little for each.
    void endAll();

private:
    // The first worker is up or gone: the others go.
    void releaseWaiting(const QString &controlPath);

    struct Connection
    {
        QPointer<LpmWorkerHandle> maker; // whose ssh is making the master
        QList<std::pair<QPointer<LpmWorkerHandle>, std::function<void()>>> waiting;
    };
    std::unique_ptr<QTemporaryDir> m_directory;
    QList<LpmLauncher> m_launchers; // master i serves m_launchers[i]
    QHash<QString, Connection> m_connections;
};
