#pragma once

// Real ssh for the tests and benchmarks of remote workers: an sshd started and
// stopped here, on 127.0.0.1 or in a network namespace of its own (a second "host",
// reached over a veth pair), with a generated host key and a key-only login for the
// current user. Nothing of the user's ~/.ssh is read or written, and traffic goes only
// to loopback and to the namespace's address.

#include <lpm/lpmlauncher.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtCore/qprocess.h>
#include <QtCore/qstandardpaths.h>
#include <QtCore/qtemporarydir.h>
#include <QtCore/qthread.h>
#include <QtNetwork/qtcpserver.h>
#include <QtNetwork/qtcpsocket.h>

#include <pwd.h>
#include <unistd.h>

namespace LpmTest {

class SshFixture
{
public:
    SshFixture() = default;
    SshFixture(const SshFixture &) = delete;
    SshFixture &operator=(const SshFixture &) = delete;
    ~SshFixture() { stop(); }

    // Starts sshd on 127.0.0.1, or in a new network namespace when isolated. False, with
    // why, when this machine cannot (no sshd, not root).
    bool start(bool isolated, QString *why)
    {
        const QString sshd = QStringLiteral("/usr/sbin/sshd");
        if (!QFile::exists(sshd) || QStandardPaths::findExecutable(QStringLiteral("ssh")).isEmpty()) {
            *why = QStringLiteral("sshd or ssh is not installed (openssh-server, openssh-client)");
            return false;
        }
        if (::geteuid() != 0) {
            *why = QStringLiteral("sshd for the tests needs root");
            return false;
        }
        if (!m_dir.isValid()) {
            *why = m_dir.errorString();
            return false;
        }
        QDir().mkpath(QStringLiteral("/run/sshd")); // its privilege separation directory
        if (!keygen(QStringLiteral("host")) || !keygen(QStringLiteral("client"))) {
            *why = QStringLiteral("ssh-keygen failed");
            return false;
        }
        QFile::copy(path(QStringLiteral("client.pub")), path(QStringLiteral("authorized_keys")));
        if (isolated && !makeNamespace(why))
            return false;
        m_address = isolated ? m_peerAddress : QStringLiteral("127.0.0.1");
        m_port = isolated ? 22 : freePort();
        writeConfig();
        writeKnownHosts();
        QStringList command{ sshd, QStringLiteral("-D"), QStringLiteral("-e"), QStringLiteral("-f"),
                             path(QStringLiteral("sshd_config")) };
        if (isolated)
            command = QStringList{ QStringLiteral("ip"), QStringLiteral("netns"), QStringLiteral("exec"),
                                   m_namespace } + command;
        m_sshd.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_sshd.start(command.takeFirst(), command);
        if (!m_sshd.waitForStarted(10000)) {
            *why = QStringLiteral("sshd did not start: %1").arg(m_sshd.errorString());
            return false;
        }
        if (!waitUntilServing()) {
            *why = QStringLiteral("sshd does not answer on %1:%2").arg(m_address).arg(m_port);
            return false;
        }
        return true;
    }

    void stop()
    {
        if (m_sshd.state() != QProcess::NotRunning) {
            m_sshd.terminate();
            if (!m_sshd.waitForFinished(5000)) {
                m_sshd.kill();
                m_sshd.waitForFinished(5000);
            }
        }
        if (!m_namespace.isEmpty()) {
            run({ QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("del"), m_hostLink });
            run({ QStringLiteral("ip"), QStringLiteral("netns"), QStringLiteral("del"), m_namespace });
            m_namespace.clear();
        }
    }

    QString host() const { return m_address; }
    int port() const { return m_port; }
    // Everything ssh needs to reach this sshd and nothing else: no user config, our key,
    // our known_hosts (strict).
    QStringList options() const
    {
        return { QStringLiteral("-F"), QStringLiteral("/dev/null"),
                 QStringLiteral("-p"), QString::number(m_port),
                 QStringLiteral("-i"), path(QStringLiteral("client")),
                 QStringLiteral("-o"), QStringLiteral("IdentitiesOnly=yes"),
                 QStringLiteral("-o"), QStringLiteral("UserKnownHostsFile=") + path(QStringLiteral("known_hosts")),
                 QStringLiteral("-o"), QStringLiteral("StrictHostKeyChecking=yes"),
                 QStringLiteral("-o"), QStringLiteral("LogLevel=ERROR"),
                 QStringLiteral("-o"), QStringLiteral("ConnectTimeout=20") };
    }
    LpmLauncher launcher(const QString &remoteProgram = {}) const
    {
        return LpmLauncher::ssh(m_address, options(), remoteProgram);
    }

private:
    QString path(const QString &name) const { return QDir(m_dir.path()).filePath(name); }

    static bool run(const QStringList &command)
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QStringList arguments = command;
        process.start(arguments.takeFirst(), arguments);
        return process.waitForFinished(20000) && process.exitStatus() == QProcess::NormalExit
                && process.exitCode() == 0;
    }

    bool keygen(const QString &name) const
    {
        return run({ QStringLiteral("ssh-keygen"), QStringLiteral("-q"), QStringLiteral("-t"),
                     QStringLiteral("ed25519"), QStringLiteral("-N"), QString(), QStringLiteral("-f"),
                     path(name) });
    }

    static int freePort()
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        return probe.serverPort();
    }

    // A namespace named after this process, with a /30 on a veth pair: the host side
    // is .1, the namespace's sshd listens on .2.
    bool makeNamespace(QString *why)
    {
        const QString tag = QString::number(QCoreApplication::applicationPid() % 100000);
        m_namespace = QStringLiteral("lpmtest%1").arg(tag);
        m_hostLink = QStringLiteral("lpmh%1").arg(tag);
        const QString peerLink = QStringLiteral("lpmp%1").arg(tag);
        const int subnet = int(QCoreApplication::applicationPid() % 64) * 4;
        const QString prefix = QStringLiteral("10.213.%1.").arg(QCoreApplication::applicationPid() % 250);
        const QString hostAddress = prefix + QString::number(subnet + 1);
        m_peerAddress = prefix + QString::number(subnet + 2);
        const QString ip = QStringLiteral("ip");
        const QStringList inNamespace{ ip, QStringLiteral("netns"), QStringLiteral("exec"), m_namespace, ip };
        const bool made = run({ ip, QStringLiteral("netns"), QStringLiteral("add"), m_namespace })
                && run({ ip, QStringLiteral("link"), QStringLiteral("add"), m_hostLink, QStringLiteral("type"),
                         QStringLiteral("veth"), QStringLiteral("peer"), QStringLiteral("name"), peerLink })
                && run({ ip, QStringLiteral("link"), QStringLiteral("set"), peerLink, QStringLiteral("netns"),
                         m_namespace })
                && run({ ip, QStringLiteral("addr"), QStringLiteral("add"), hostAddress + QStringLiteral("/30"),
                         QStringLiteral("dev"), m_hostLink })
                && run({ ip, QStringLiteral("link"), QStringLiteral("set"), m_hostLink, QStringLiteral("up") })
                && run(inNamespace + QStringList{ QStringLiteral("addr"), QStringLiteral("add"),
                                                  m_peerAddress + QStringLiteral("/30"), QStringLiteral("dev"),
                                                  peerLink })
                && run(inNamespace + QStringList{ QStringLiteral("link"), QStringLiteral("set"), peerLink,
                                                  QStringLiteral("up") })
                && run(inNamespace + QStringList{ QStringLiteral("link"), QStringLiteral("set"),
                                                  QStringLiteral("lo"), QStringLiteral("up") });
        if (!made)
            *why = QStringLiteral("cannot make network namespace %1 (ip netns needs root)").arg(m_namespace);
        return made;
    }

    void writeConfig() const
    {
        const passwd *user = ::getpwuid(::geteuid());
        QFile config(path(QStringLiteral("sshd_config")));
        config.open(QIODevice::WriteOnly);
        config.write(QStringLiteral("ListenAddress %1\n"
                                    "Port %2\n"
                                    "HostKey %3\n"
                                    "AuthorizedKeysFile %4\n"
                                    "PidFile none\n"
                                    "AllowUsers %5\n"
                                    "PubkeyAuthentication yes\n"
                                    "PasswordAuthentication no\n"
                                    "KbdInteractiveAuthentication no\n"
                                    "PermitRootLogin prohibit-password\n"
                                    "StrictModes no\n"
                                    "UsePAM no\n"
                                    "MaxStartups 100\n"
                                    "MaxSessions 100\n"
                                    "LogLevel ERROR\n")
                             .arg(m_address)
                             .arg(m_port)
                             .arg(path(QStringLiteral("host")), path(QStringLiteral("authorized_keys")),
                                  QString::fromLocal8Bit(user ? user->pw_name : "root"))
                             .toUtf8());
    }

    void writeKnownHosts() const
    {
        QFile key(path(QStringLiteral("host.pub")));
        key.open(QIODevice::ReadOnly);
        const QList<QByteArray> fields = key.readAll().split(' ');
        QFile known(path(QStringLiteral("known_hosts")));
        known.open(QIODevice::WriteOnly);
        // ssh names a host on the standard port without brackets
        const QString name = m_port == 22 ? m_address : QStringLiteral("[%1]:%2").arg(m_address).arg(m_port);
        known.write(name.toUtf8() + ' ' + fields.value(0) + ' ' + fields.value(1).trimmed() + '\n');
    }

    bool waitUntilServing()
    {
        const QDeadlineTimer deadline(20000);
        while (!deadline.hasExpired() && m_sshd.state() == QProcess::Running) {
            QTcpSocket probe;
            probe.connectToHost(m_address, quint16(m_port));
            if (probe.waitForConnected(1000) && probe.waitForReadyRead(2000)
                && probe.readAll().startsWith("SSH-"))
                return true;
            QThread::msleep(50);
        }
        return false;
    }

    QTemporaryDir m_dir;
    QProcess m_sshd;
    QString m_address;
    QString m_peerAddress;
    QString m_namespace;
    QString m_hostLink;
    int m_port = 0;
};

} // namespace LpmTest
