// libFuzzer target: any bytes a peer may send on the message channel go through the
// frame reader and the frame decoder. Nothing may crash, hang or grow without bound.

#include "lpmframecodec_p.h"
#include "lpmframereader_p.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // Frames may be split anywhere: the first byte says where the input is cut.
    const size_t cut = size > 0 ? size_t(data[0]) * size / 256 : 0;
    LpmFrameReader reader(LpmIpc::MaxFrameSize);
    for (const auto &part : { QByteArray(reinterpret_cast<const char *>(data), qsizetype(cut)),
                              QByteArray(reinterpret_cast<const char *>(data) + cut, qsizetype(size - cut)) }) {
        reader.append(part);
        quint8 type = 0;
        QByteArrayView body;
        LpmFrameReader::Status status;
        while ((status = reader.next(&type, &body)) == LpmFrameReader::Status::Frame) {
            LpmIpc::Message message;
            QString error;
            if (LpmIpc::decodeFrame(type, body, &message, &error)) {
                // What decodes must encode again.
                QByteArray again;
                message.encodedPayload.clear();
                LpmIpc::appendFrame(again, message, &error);
            }
        }
        if (status == LpmFrameReader::Status::Malformed)
            break;
    }
    return 0;
}
