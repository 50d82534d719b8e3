#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kubist::apiserver {

// One request the API server answered, local or over HTTP.
struct ActivityRecord
{
    uint64_t sequence = 0;                      // assigned by the stream, increasing
    std::chrono::system_clock::time_point time; // real time of the answer
    std::string actor;    // "scheduler", "controller-manager", "kubelet/worker-2", "admin", ...
    std::string verb;     // get, list, watch, create, update, patch, delete, deletecollection
    std::string group;    // "" for core
    std::string resource; // "pods", or "pods/status" for a subresource
    std::string ns;
    std::string name;
    int code = 200;
    std::chrono::microseconds latency{0};
    // The request reached the store (a write, or a read that was served).
    bool touchedStore = false;
};

// ActivityStream: the bounded record of what the API server did, for the
// GUI's pulses. record() never waits on a subscriber: each subscription has
// its own bounded queue, and a subscriber that falls behind loses its
// oldest records and is told how many.
//
// Thread-safe.
class ActivityStream final
{
public:
    class Subscription
    {
    public:
        // Everything queued since the last take(); `dropped` receives how many
        // records were lost to overflow meanwhile.
        std::vector<ActivityRecord> take(uint64_t *dropped = nullptr);

    private:
        friend class ActivityStream;
        explicit Subscription(size_t capacity)
            : m_capacity(capacity)
        {}
        std::mutex m_mutex; // guards the members below
        const size_t m_capacity;
        std::deque<ActivityRecord> m_queue;
        uint64_t m_dropped = 0;
    };

    explicit ActivityStream(size_t historyCapacity = 4096)
        : m_historyCapacity(historyCapacity)
    {}

    void record(ActivityRecord record);
    // The subscription receives records from now on, until it is destroyed.
    std::shared_ptr<Subscription> subscribe(size_t capacity = 10000);
    // The most recent records, oldest first (at most historyCapacity).
    std::vector<ActivityRecord> recent(size_t n) const;

private:
    const size_t m_historyCapacity;
    mutable std::mutex m_mutex; // guards the members below
    std::deque<ActivityRecord> m_history;
    std::vector<std::weak_ptr<Subscription>> m_subscriptions;
    uint64_t m_sequence = 0;
};

} // namespace kubist::apiserver
