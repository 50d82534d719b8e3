#pragma once

#include <cstdint>
#include <string>

namespace kubist::store {

// One row of the revision log: one successful write, at one revision.
// See FORMAT.md for how it is stored and checksummed.
struct LogRow
{
    int64_t revision = 0;
    std::string key;
    // Put: the key's create revision. Delete (tombstone): 0.
    int64_t createRevision = 0;
    // Revision of this key's previous row when the key was live just before
    // this write (an update or a delete); 0 for a create.
    int64_t prevRevision = 0;
    // Put: writes since creation (1 for a create). Delete: 0.
    int64_t version = 0;
    bool deleted = false;
    std::string value; // empty for a delete

    // CRC-32C over every field, in the layout FORMAT.md gives.
    uint32_t checksum() const;
};

} // namespace kubist::store
