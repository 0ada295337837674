#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <lpm/lpmrequest.h>

#include <QtCore/qpointer.h>
#include <QtNetwork/qtcpsocket.h>

class LpmWorkerPrivate;

class LpmRequestPrivate
{
public:
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
