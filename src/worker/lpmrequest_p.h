#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <lpm/lpmrequest.h>

#include <QtCore/qpointer.h>
#include <QtNetwork/qtcpsocket.h>

class LpmEndpoint;
class LpmStream;
class LpmWorkerPrivate;

class LpmRequestPrivate
{
    Q_DECLARE_PUBLIC(LpmRequest)
public:
    // The stream the supervisor sent along; the request owns it.
    void attachStream(LpmStream *stream);
    // The connection handed over (fd), with the bytes the supervisor had already read
    // first. The socket belongs to owner and outlives the request; endpoint hears when
    // it closes. False (fd closed) when it cannot be adopted.
    bool attachSocket(int fd, const QByteArray &prelude, LpmEndpoint *endpoint, QObject *owner);
    // The supervisor gave up on it: canceled() is emitted and it is deleted later.
    void cancel();

    LpmRequest *q_ptr = nullptr;
    LpmWorkerPrivate *worker = nullptr; // null once the worker is gone
    QUuid id;
    qint64 createdAt = 0;
    QVariant data;
    bool answered = false;
    bool canceled = false;
    QIODevice *stream = nullptr;
    QPointer<QTcpSocket> socket;
    bool hadSocket = false;
};
