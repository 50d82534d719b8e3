#pragma once

#include "logrow.h"
#include "store.h"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace kubist::store {

// KeyIndex: the in-memory half of the store. For every key it holds the
// revisions of its rows still in the log (since the last compaction) and,
// when the key is live, its current value. Reads at the current revision
// are answered from here alone; a read at a past revision finds here which
// row holds each key's value then, and fetches the values from the log.
//
// Memory: the current value and key of each live key, plus about 40 bytes
// per key (map node) and 32 bytes per history entry.
//
// Not thread-safe: the store guards it (see SqliteStore::m_stateMutex).
class KeyIndex final
{
public:
    struct Revision
    {
        int64_t revision = 0;
        int64_t createRevision = 0;
        int64_t version = 0;
        bool deleted = false;
    };
    struct Entry
    {
        std::vector<Revision> history; // ascending; back() is the latest row
        std::string value;             // the latest row's value when live
        bool live() const { return !history.empty() && !history.back().deleted; }
    };

    // A past-revision read: the key-values found, with empty values, and
    // for each one that still needs its value, (index in kvs, revision of
    // the row holding it).
    struct PastRange
    {
        RangeResult result;
        std::vector<std::pair<size_t, int64_t>> fetch;
    };

    // Applies the row of the next revision (the key's new latest row).
    void apply(LogRow &&row);
    const Entry *find(const std::string &key) const;

    // Range at `revision` (the current revision when it equals `current`).
    // Values not held in memory are left to fetch.
    PastRange range(const RangeRequest &request, int64_t revision, int64_t current) const;

    // Drops every row compaction to `revision` makes obsolete: for each key,
    // all rows at or below `revision` but the latest, and that one too if it
    // is a tombstone. Keys left with no rows are forgotten.
    void compact(int64_t revision);

    size_t keyCount() const { return m_keys.size(); }

    // The first key past every key starting with `prefix` (empty: none).
    static std::string prefixEnd(const std::string &prefix);

private:
    std::map<std::string, Entry, std::less<>> m_keys;
};

} // namespace kubist::store
