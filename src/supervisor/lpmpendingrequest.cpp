#include "lpmpendingrequest_p.h"

#include <unistd.h>

LpmPendingRequest::~LpmPendingRequest()
{
    if (!finished)
        reject(LpmError(LpmError::Code::ShuttingDown));
    if (socketFd >= 0)
        ::close(socketFd); // never handed over
}

void LpmPendingRequest::resolve(const QVariant &data, const QSharedPointer<QIODevice> &stream)
{
    if (finished)
        return;
    finished = true;
    promise.addResult(LpmResponse(id, createdAt, data, stream));
    promise.finish();
}

void LpmPendingRequest::reject(const LpmError &error)
{
    if (finished)
        return;
    finished = true;
    promise.setException(error);
    promise.finish();
}

void LpmPendingRequest::finishCanceled()
{
    if (finished)
        return;
    finished = true;
    promise.finish();
}
