#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmmessage_p.h"

class LpmSharedRing;

// Messages to and from frames (the layout is described in lpmmessage_p.h).
namespace LpmIpc {

// Appends one whole frame for message to out. Fails (out unchanged) when the
// payload is not serializable or the frame would exceed MaxFrameSize.
bool appendFrame(QByteArray &out, const Message &message, QString *error);

// Decodes the type byte and body of one frame. Large byte arrays the peer put into
// shared memory are copied out of incoming (without it, they are a protocol error).
bool decodeFrame(quint8 type, QByteArrayView body, Message *message, QString *error,
                 LpmSharedRing *incoming = nullptr);

} // namespace LpmIpc
