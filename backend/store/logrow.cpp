#include "logrow.h"

#include "crc32c.h"

#include <cstring>

namespace kubist::store {

namespace {

void putInt64(unsigned char *out, int64_t v)
{
    const auto u = static_cast<uint64_t>(v);
    for (int i = 0; i < 8; ++i)
        out[i] = static_cast<unsigned char>(u >> (8 * i));
}

} // namespace

uint32_t LogRow::checksum() const
{
    // revision, create_revision, prev_revision, version, key length, value
    // length (little-endian int64 each), deleted (one byte), key, value.
    unsigned char header[6 * 8 + 1];
    putInt64(header, revision);
    putInt64(header + 8, createRevision);
    putInt64(header + 16, prevRevision);
    putInt64(header + 24, version);
    putInt64(header + 32, static_cast<int64_t>(key.size()));
    putInt64(header + 40, static_cast<int64_t>(value.size()));
    header[48] = deleted ? 1 : 0;
    uint32_t crc = crc32c::extend(0, header, sizeof header);
    crc = crc32c::extend(crc, key.data(), key.size());
    return crc32c::extend(crc, value.data(), value.size());
}

} // namespace kubist::store
