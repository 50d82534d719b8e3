#include "crc32c.h"

#include <array>
#include <bit>
#include <cstring>

namespace kubist::store::crc32c {

namespace {

static_assert(std::endian::native == std::endian::little,
              "the slicing-by-8 loop reads words as little-endian");

using Tables = std::array<std::array<uint32_t, 256>, 8>;

constexpr Tables makeTables()
{
    Tables t{};
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t c = i;
        for (int k = 0; k < 8; ++k)
            c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
        t[0][i] = c;
    }
    for (size_t k = 1; k < 8; ++k) {
        for (size_t i = 0; i < 256; ++i)
            t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xffu];
    }
    return t;
}

constexpr Tables kTables = makeTables();

} // namespace

uint32_t extend(uint32_t crc, const void *data, size_t size)
{
    const auto *p = static_cast<const unsigned char *>(data);
    uint32_t c = ~crc;
    while (size >= 8) {
        uint64_t w;
        std::memcpy(&w, p, 8);
        w ^= c;
        c = kTables[7][w & 0xff] ^ kTables[6][(w >> 8) & 0xff] ^ kTables[5][(w >> 16) & 0xff] ^
            kTables[4][(w >> 24) & 0xff] ^ kTables[3][(w >> 32) & 0xff] ^
            kTables[2][(w >> 40) & 0xff] ^ kTables[1][(w >> 48) & 0xff] ^ kTables[0][w >> 56];
        p += 8;
        size -= 8;
    }
    while (size-- > 0)
        c = kTables[0][(c ^ *p++) & 0xffu] ^ (c >> 8);
    return ~c;
}

} // namespace kubist::store::crc32c
