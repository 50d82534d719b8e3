#include "keyindex.h"

#include <algorithm>

namespace kubist::store {

void KeyIndex::apply(LogRow &&row)
{
    Entry &e = m_keys[row.key];
    e.history.push_back({row.revision, row.createRevision, row.version, row.deleted});
    if (row.deleted)
        e.value.clear();
    else
        e.value = std::move(row.value);
}

const KeyIndex::Entry *KeyIndex::find(const std::string &key) const
{
    auto it = m_keys.find(key);
    return it == m_keys.end() ? nullptr : &it->second;
}

std::string KeyIndex::prefixEnd(const std::string &prefix)
{
    std::string end = prefix;
    while (!end.empty()) {
        auto &last = reinterpret_cast<unsigned char &>(end.back());
        if (last != 0xff) {
            ++last;
            return end;
        }
        end.pop_back();
    }
    return end;
}

KeyIndex::PastRange KeyIndex::range(const RangeRequest &request, int64_t revision,
                                    int64_t current) const
{
    PastRange out;
    out.result.revision = revision;
    const bool atCurrent = revision == current;

    auto first = m_keys.end();
    auto last = m_keys.end();
    if (request.prefix) {
        first = m_keys.lower_bound(request.key);
        const std::string end = prefixEnd(request.key);
        if (!end.empty())
            last = m_keys.lower_bound(end);
    } else {
        first = m_keys.find(request.key);
        if (first != m_keys.end())
            last = std::next(first);
    }

    for (auto it = first; it != last; ++it) {
        const Entry &e = it->second;
        // The key's latest row at `revision`.
        const Revision *at = nullptr;
        if (atCurrent) {
            at = &e.history.back();
        } else {
            auto r =
                std::upper_bound(e.history.begin(), e.history.end(), revision,
                                 [](int64_t rev, const Revision &h) { return rev < h.revision; });
            if (r != e.history.begin())
                at = &*std::prev(r);
        }
        if (!at || at->deleted)
            continue;
        ++out.result.count;
        if (request.countOnly || (!request.after.empty() && it->first <= request.after))
            continue;
        if (request.limit > 0 && int64_t(out.result.kvs.size()) >= request.limit) {
            out.result.more = true;
            continue;
        }
        KeyValue kv;
        kv.key = it->first;
        kv.createRevision = at->createRevision;
        kv.modRevision = at->revision;
        kv.version = at->version;
        if (at == &e.history.back())
            kv.value = e.value;
        else
            out.fetch.emplace_back(out.result.kvs.size(), at->revision);
        out.result.kvs.push_back(std::move(kv));
    }
    return out;
}

void KeyIndex::compact(int64_t revision)
{
    for (auto it = m_keys.begin(); it != m_keys.end();) {
        auto &h = it->second.history;
        // Rows at or below `revision`: [begin, keepEnd).
        auto keepEnd =
            std::upper_bound(h.begin(), h.end(), revision,
                             [](int64_t rev, const Revision &r) { return rev < r.revision; });
        if (keepEnd != h.begin()) {
            auto latest = std::prev(keepEnd);
            h.erase(h.begin(), latest->deleted ? keepEnd : latest);
        }
        if (h.empty())
            it = m_keys.erase(it);
        else
            ++it;
    }
}

} // namespace kubist::store
