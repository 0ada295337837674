// libFuzzer target: any CBOR a peer may send as a payload, decoded within the
// budget; what decodes encodes again and decodes to the same value.

#include "lpmpayloadcodec_p.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray cbor(reinterpret_cast<const char *>(data), qsizetype(size));
    QVariant value;
    QString error;
    if (!LpmPayloadCodec::decode(cbor, &value, &error))
        return 0;
    QByteArray again;
    if (!LpmPayloadCodec::encode(value, &again, &error))
        std::abort(); // decoded, yet not encodable: the two directions disagree
    QVariant twice;
    if (!LpmPayloadCodec::decode(again, &twice, &error))
        std::abort();
    return 0;
}
