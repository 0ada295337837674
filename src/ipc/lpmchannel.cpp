#include "lpmchannel_p.h"

#include "lpmlogging_p.h"

#include <QtCore/qcoreapplication.h>

#include <unistd.h>

using namespace LpmIpc;

LpmChannel::LpmChannel(qintptr descriptor, QObject *parent)
    : QObject(parent), m_reader(MaxFrameSize)
{
    connect(&m_socket, &QLocalSocket::readyRead, this, &LpmChannel::readFrames);
    connect(&m_socket, &QLocalSocket::disconnected, this, &LpmChannel::disconnected);
    if (!m_socket.setSocketDescriptor(descriptor, QLocalSocket::ConnectedState,
                                      QIODevice::ReadWrite)) {
        qCWarning(lcLpmIpc) << "cannot adopt channel descriptor" << descriptor << ":"
                            << m_socket.errorString();
        ::close(int(descriptor));
        return;
    }
    Message hello;
    hello.type = MessageType::Hello;
    hello.version = ProtocolVersion;
    hello.pid = QCoreApplication::applicationPid();
    send(hello);
}

LpmChannel::~LpmChannel() = default;

bool LpmChannel::isConnected() const
{
    return m_socket.state() == QLocalSocket::ConnectedState;
}

bool LpmChannel::send(const Message &message, QString *error)
{
    QString reason;
    m_outgoing.resize(0); // keeps its capacity: no allocation per frame
    if (!appendFrame(m_outgoing, message, &reason)) {
        if (error)
            *error = reason;
        return false;
    }
    if (isConnected())
        m_socket.write(m_outgoing);
    return true;
}

void LpmChannel::flush()
{
    if (isConnected())
        m_socket.flush();
}

void LpmChannel::flushBlocking(int timeoutMs)
{
    while (isConnected() && m_socket.bytesToWrite() > 0) {
        if (!m_socket.waitForBytesWritten(timeoutMs))
            return;
    }
}

void LpmChannel::close()
{
    m_failed = true; // deliver nothing more
    m_socket.abort();
}

qint64 LpmChannel::bytesToWrite() const
{
    return m_socket.bytesToWrite();
}

void LpmChannel::fail(const QString &reason)
{
    if (m_failed)
        return;
    m_failed = true;
    Q_EMIT protocolError(reason);
}

void LpmChannel::readFrames()
{
    if (m_failed) {
        m_socket.readAll(); // discard
        return;
    }
    m_reader.append(m_socket.readAll());
    quint8 type = 0;
    QByteArrayView body;
    while (!m_failed) {
        switch (m_reader.next(&type, &body)) {
        case LpmFrameReader::Status::NeedMore:
            return;
        case LpmFrameReader::Status::Malformed:
            fail(QStringLiteral("a frame announced %1 bytes (limit %2)")
                         .arg(m_reader.badLength())
                         .arg(MaxFrameSize));
            return;
        case LpmFrameReader::Status::Frame:
            break;
        }
        Message message;
        QString error;
        if (!decodeFrame(type, body, &message, &error)) {
            fail(error);
            return;
        }
        if (!m_helloReceived) {
            if (message.type != MessageType::Hello) {
                fail(QStringLiteral("the first message was %1, not hello")
                             .arg(typeName(message.type)));
                return;
            }
            if (message.version != ProtocolVersion) {
                fail(QStringLiteral("protocol version %1, expected %2")
                             .arg(message.version)
                             .arg(ProtocolVersion));
                return;
            }
            m_helloReceived = true;
            m_peerPid = message.pid;
            Q_EMIT helloReceived(m_peerPid);
            continue;
        }
        if (message.type == MessageType::Hello) {
            fail(QStringLiteral("a second hello"));
            return;
        }
        Q_EMIT messageReceived(message);
    }
}
