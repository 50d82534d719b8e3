#pragma once

#include "backend/util/clock.h"

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace kubist::controllers {

// ControllerExpectations: the pod creations and deletions a controller has
// asked for and not yet seen in its informer, per controller key, as
// upstream's UIDTrackingControllerExpectations. A controller syncs a key
// only when its expectations are satisfied, so a cache that lags behind its
// own writes does not make it create or delete twice.
//
// Deletions are tracked by pod key, so a pod seen first with a
// deletionTimestamp and then deleted is counted once. Expectations older
// than `timeout` (upstream: 5 minutes) count as satisfied, so a lost watch
// event cannot wedge a controller for ever.
//
// Thread-safe. The clock must outlive the object.
class ControllerExpectations final
{
public:
    explicit ControllerExpectations(const Clock &clock,
                                    Clock::Duration timeout = std::chrono::minutes(5));

    // True when nothing is expected for `key` (or no record exists, or the
    // record expired).
    bool satisfied(const std::string &key) const;

    // Replaces the record of `key` with `adds` creations expected.
    void expectCreations(const std::string &key, int adds);
    // Replaces the record of `key` with the deletion of `podKeys` expected.
    void expectDeletions(const std::string &key, const std::vector<std::string> &podKeys);

    // A creation seen (or one that will never come: a failed create).
    void creationObserved(const std::string &key);
    // The deletion of `podKey` seen (once per pod; unknown pods are ignored).
    void deletionObserved(const std::string &key, const std::string &podKey);

    // Forgets `key` (its controller is gone).
    void remove(const std::string &key);

private:
    struct Record
    {
        int adds = 0;
        std::set<std::string> deletions;
        Clock::Time timestamp;
    };

    const Clock &m_clock;
    const Clock::Duration m_timeout;

    mutable std::mutex m_mutex; // guards m_records
    std::map<std::string, Record> m_records;
};

} // namespace kubist::controllers
