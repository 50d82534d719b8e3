#pragma once

// A validator for watch streams over a recorded write history: checks
// etcd's watch guarantees (ordered, unique, gap-free, one revision never
// split, right values and previous values, honest progress notifications).

#include "backend/store/store.h"

#include <QString>

#include <map>
#include <mutex>
#include <optional>
#include <vector>

namespace kubist::store::testing {

// Every successful write, as the writers saw it acknowledged.
class WriteHistory
{
public:
    void record(const WriteResult &r, bool deleted, const std::string &key)
    {
        std::lock_guard lock(m_mutex);
        m_writes[r.revision] = {key, deleted, deleted ? std::string() : r.kv.value};
    }

    // Checks the recorded revisions are exactly 1..n and builds the event
    // each revision must produce. Returns an error message or empty.
    QString finish()
    {
        std::lock_guard lock(m_mutex);
        m_events.clear();
        std::map<std::string, KeyValue> live;
        int64_t expected = 1;
        for (const auto &[revision, w] : m_writes) {
            if (revision != expected)
                return QStringLiteral("revision %1 is missing from the history").arg(expected);
            ++expected;
            Event e;
            auto it = live.find(w.key);
            if (it != live.end())
                e.prevKv = it->second;
            if (w.deleted) {
                e.type = Event::Type::Delete;
                e.kv.key = w.key;
                e.kv.modRevision = revision;
                live.erase(w.key);
            } else {
                e.type = Event::Type::Put;
                e.kv.key = w.key;
                e.kv.value = w.value;
                e.kv.modRevision = revision;
                e.kv.createRevision = it != live.end() ? it->second.createRevision : revision;
                e.kv.version = it != live.end() ? it->second.version + 1 : 1;
                live[w.key] = e.kv;
            }
            m_events.push_back(std::move(e));
        }
        return {};
    }

    int64_t lastRevision() const { return int64_t(m_events.size()); }
    const Event &eventAt(int64_t revision) const { return m_events.at(size_t(revision - 1)); }

private:
    struct Write
    {
        std::string key;
        bool deleted = false;
        std::string value;
    };
    std::mutex m_mutex;
    std::map<int64_t, Write> m_writes;
    std::vector<Event> m_events;
};

inline bool matches(const WatchRequest &request, const std::string &key)
{
    return request.prefix ? key.starts_with(request.key) : key == request.key;
}

inline bool sameKv(const KeyValue &a, const KeyValue &b)
{
    return a.key == b.key && a.value == b.value && a.createRevision == b.createRevision &&
           a.modRevision == b.modRevision && a.version == b.version;
}

// What one watch covered: every revision in [start, covered] was checked.
struct Coverage
{
    int64_t covered = 0;
    std::optional<Status> canceled;
    int64_t compactRevision = 0;
};

// Validates one watch's responses against `history` for the watch's
// request with effective start revision `start`. Returns an error message
// or empty; fills `coverage`.
inline QString validateWatch(const WatchRequest &request, int64_t start,
                             const std::vector<WatchResponse> &responses,
                             const WriteHistory &history, Coverage *coverage)
{
    int64_t covered = start - 1; // every matching revision up to here delivered
    const auto nextMatching = [&](int64_t after) {
        for (int64_t r = after + 1; r <= history.lastRevision(); ++r) {
            if (matches(request, history.eventAt(r).kv.key))
                return r;
        }
        return int64_t(-1);
    };
    for (size_t i = 0; i < responses.size(); ++i) {
        const WatchResponse &resp = responses[i];
        if (coverage->canceled)
            return QStringLiteral("response %1 arrived after the watch was canceled").arg(i);
        if (!resp.canceled.isOk()) {
            if (!resp.events.empty())
                return QStringLiteral("the canceling response carries events");
            coverage->canceled = resp.canceled;
            coverage->compactRevision = resp.compactRevision;
            continue;
        }
        if (resp.progressNotify) {
            if (!resp.events.empty())
                return QStringLiteral("a progress notification carries events");
            // Everything matching up to resp.revision must be in already.
            const int64_t next = nextMatching(covered);
            if (next != -1 && next <= resp.revision) {
                return QStringLiteral("progress notification at %1 but revision %2 was not "
                                      "delivered")
                    .arg(resp.revision)
                    .arg(next);
            }
            covered = std::max(covered, resp.revision);
            continue;
        }
        if (resp.events.empty())
            return QStringLiteral("an empty response that is neither progress nor cancel");
        for (const Event &e : resp.events) {
            const int64_t rev = e.kv.modRevision;
            const int64_t want = nextMatching(covered);
            if (rev <= covered)
                return QStringLiteral("revision %1 delivered twice or out of order").arg(rev);
            if (want == -1 || rev != want) {
                return QStringLiteral("gap: got revision %1, expected %2 (start %3)")
                    .arg(rev)
                    .arg(want)
                    .arg(start);
            }
            const Event &truth = history.eventAt(rev);
            if (e.type != truth.type || !sameKv(e.kv, truth.kv) ||
                !sameKv(e.prevKv, truth.prevKv)) {
                return QStringLiteral("revision %1 (%2) differs from what was written")
                    .arg(rev)
                    .arg(QString::fromStdString(e.kv.key));
            }
            covered = rev;
        }
        if (resp.revision < covered)
            return QStringLiteral("response revision %1 below its events").arg(resp.revision);
    }
    coverage->covered = covered;
    return {};
}

} // namespace kubist::store::testing
