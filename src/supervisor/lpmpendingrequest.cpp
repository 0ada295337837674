#include "lpmpendingrequest_p.h"

#include <unistd.h>

LpmPendingRequest::~LpmPendingRequest()
{
    if (!finished)
        reject(LpmError(LpmError::Code::ShuttingDown));
    if (socketFd >= 0)
        ::close(socketFd); // never handed over
    // A stream still being sent goes on: the worker may answer before reading it all.
}
