#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

// CRC-32C (Castagnoli polynomial), the checksum leveldb and ext4 use.
// Software slicing-by-8; about 1.5 GB/s, well above what SQLite reads.
namespace kubist::store::crc32c {

// Returns the CRC of the bytes seen so far (`crc`) extended by `data`;
// extend(0, d, n) is the CRC of d.
uint32_t extend(uint32_t crc, const void *data, size_t size);

inline uint32_t value(std::string_view data)
{
    return extend(0, data.data(), data.size());
}

} // namespace kubist::store::crc32c
