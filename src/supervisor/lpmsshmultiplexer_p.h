#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <lpm/lpmlauncher.h>

#include <QtCore/qlist.h>
#include <QtCore/qstring.h>

#include <memory>

class QTemporaryDir;

// One shared ssh connection per distinct ssh launcher of a pool (ControlMaster), in a
// directory only this user can enter: the second worker on a host starts without a
// new handshake. The masters run in the background, in sessions of their own; they
// are ended when the pool stops, and end themselves 30 s after their last worker if
// the application dies first.
class LpmSshMultiplexer
{
public:
    LpmSshMultiplexer();
    ~LpmSshMultiplexer(); // endAll()

    // The ControlPath for launcher's connection; empty (no sharing) when the private
    // directory cannot be made.
    QString controlPathFor(const LpmLauncher &launcher);
    // Asks every master to exit (ssh -O exit), waiting a little for each.
    void endAll();

private:
    std::unique_ptr<QTemporaryDir> m_directory;
    QList<LpmLauncher> m_launchers; // master i serves m_launchers[i]
};
