#include "lpminterruptwatcher_p.h"

#include "lpmlogging_p.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qmutex.h>
#include <QtCore/qpointer.h>
#include <QtCore/qsocketnotifier.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace {

int g_pipe[2] = { -1, -1 };
struct sigaction g_previous;

QMutex g_mutex;
int g_users = 0;
QPointer<LpmInterruptWatcher> g_watcher;

void onSigint(int signal, siginfo_t *info, void *context)
{
    const int savedErrno = errno;
    const char byte = 1;
    (void)!::write(g_pipe[1], &byte, 1);
    errno = savedErrno;
    if (g_previous.sa_flags & SA_SIGINFO) {
        if (g_previous.sa_sigaction)
            g_previous.sa_sigaction(signal, info, context);
    } else if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN) {
        g_previous.sa_handler(signal);
    }
}

void installHandler()
{
    struct sigaction action;
    std::memset(&action, 0, sizeof(action));
    action.sa_sigaction = &onSigint;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &g_previous);
}

} // namespace

LpmInterruptWatcher *LpmInterruptWatcher::acquire()
{
    QMutexLocker lock(&g_mutex);
    if (!g_watcher) {
        auto *watcher = new LpmInterruptWatcher;
        if (QCoreApplication *app = QCoreApplication::instance()) {
            // Lives with the application, whichever thread a supervisor is in.
            watcher->moveToThread(app->thread());
            watcher->setParent(app);
        }
        g_watcher = watcher;
    }
    if (g_users++ == 0 && g_pipe[1] >= 0)
        installHandler();
    return g_watcher;
}

void LpmInterruptWatcher::release()
{
    QMutexLocker lock(&g_mutex);
    if (g_users == 0 || --g_users > 0 || g_pipe[1] < 0)
        return;
    ::sigaction(SIGINT, &g_previous, nullptr); // whoever had SIGINT before has it back
}

LpmInterruptWatcher::LpmInterruptWatcher()
{
    if (g_pipe[0] < 0 && ::pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        qCWarning(lcLpmSupervisor) << "cannot watch for SIGINT:" << std::strerror(errno);
        g_pipe[0] = g_pipe[1] = -1;
        return;
    }
    m_notifier = new QSocketNotifier(g_pipe[0], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &LpmInterruptWatcher::drain);
}

void LpmInterruptWatcher::drain()
{
    char buffer[64];
    bool any = false;
    while (::read(g_pipe[0], buffer, sizeof(buffer)) > 0)
        any = true;
    if (any) {
        qCDebug(lcLpmSupervisor) << "SIGINT received";
        Q_EMIT interrupted();
    }
}
