#include "lpmsshmultiplexer_p.h"

#include "lpmlogging_p.h"
#include "lpmworkerhandle_p.h"

#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtCore/qprocess.h>
#include <QtCore/qtemporarydir.h>

namespace {
// How long one master may take to hear "exit".
constexpr int ExitRequestMs = 3000;
} // namespace

LpmSshMultiplexer::LpmSshMultiplexer() = default;

LpmSshMultiplexer::~LpmSshMultiplexer()
{
    endAll();
}

QString LpmSshMultiplexer::controlPathFor(const LpmLauncher &launcher)
{
    if (!m_directory) {
        // Short, under /tmp: a unix socket's path is limited to 107 bytes, and ssh
        // appends a random suffix while it creates the socket.
        m_directory = std::make_unique<QTemporaryDir>(QStringLiteral("/tmp/lpm-ssh-XXXXXX"));
        if (!m_directory->isValid()) {
            qCWarning(lcLpmSupervisor) << "cannot make a directory for shared ssh connections:"
                                       << m_directory->errorString() << "- each worker connects alone";
            return {};
        }
        QFile::setPermissions(m_directory->path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }
    if (!m_directory->isValid())
        return {};
    qsizetype index = m_launchers.indexOf(launcher);
    if (index < 0) {
        index = m_launchers.size();
        m_launchers.append(launcher);
    }
    return QDir(m_directory->path()).filePath(QStringLiteral("m%1").arg(index));
}

void LpmSshMultiplexer::whenShareable(const QString &controlPath, LpmWorkerHandle *worker,
                                      std::function<void()> launch)
{
    if (controlPath.isEmpty() || QFile::exists(controlPath)) { // no sharing, or a master is up
        launch();
        return;
    }
    Connection &connection = m_connections[controlPath];
    if (connection.maker) { // being made: wait for it
        connection.waiting.append({ worker, std::move(launch) });
        return;
    }
    connection.maker = worker; // this one's ssh becomes the master
    QObject::connect(worker, &LpmWorkerHandle::stateChanged, worker,
                     [this, controlPath](LpmWorkerHandle::State state) {
                         if (state == LpmWorkerHandle::State::Ready || state == LpmWorkerHandle::State::Exited)
                             releaseWaiting(controlPath);
                     });
    launch();
}

void LpmSshMultiplexer::releaseWaiting(const QString &controlPath)
{
    const auto found = m_connections.find(controlPath);
    if (found == m_connections.end())
        return;
    const auto waiting = std::exchange(found->waiting, {});
    m_connections.erase(found);
    // Through the master now; if it never came up, each connects (and may make one).
    for (const auto &[worker, launch] : waiting) {
        if (worker)
            launch();
    }
}

void LpmSshMultiplexer::endAll()
{
    if (!m_directory || !m_directory->isValid())
        return;
    for (qsizetype i = 0; i < m_launchers.size(); ++i) {
        const QString path = QDir(m_directory->path()).filePath(QStringLiteral("m%1").arg(i));
        if (!QFile::exists(path))
            continue; // no master was started, or it ended by itself
        QProcess ssh;
        QStringList arguments{ QStringLiteral("-o"), QStringLiteral("ControlPath=") + path };
        arguments += m_launchers.at(i).options();
        arguments += { QStringLiteral("-O"), QStringLiteral("exit"), QStringLiteral("--"),
                       m_launchers.at(i).host() };
        ssh.setProcessChannelMode(QProcess::MergedChannels);
        ssh.start(QStringLiteral("ssh"), arguments);
        if (!ssh.waitForFinished(ExitRequestMs)) {
            ssh.kill();
            ssh.waitForFinished(ExitRequestMs);
        }
    }
    m_launchers.clear();
    m_connections.clear();
    m_directory.reset();
}
