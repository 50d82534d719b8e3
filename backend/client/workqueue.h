#pragma once

#include "backend/client/ratelimiter.h"
#include "backend/util/clock.h"
#include "backend/util/idletracker.h"
#include "backend/util/pacegate.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>

namespace kubist::client {

// WorkQueue: the keys ("ns/name") a controller has to sync, as client-go's
// rate-limited work queue.
//
// - add() de-duplicates: a key waiting in the queue is queued once, however
//   often it is added.
// - get() blocks until a key is ready and hands it to one worker; the key
//   is then "processing" until that worker calls done(key). A key being
//   processed is never handed to another worker: if it is added meanwhile,
//   it is queued again when done() is called.
// - addAfter() adds a key once a delay of the clock has passed (a key
//   already waiting keeps the earlier of its two due times);
//   addRateLimited() adds it after the rate limiter's delay (per-item
//   exponential backoff, overall token bucket); forget() resets its
//   backoff, numRequeues() tells how often it was rate-limited since.
// - shutDown() wakes every get(), which then returns nullopt at once (keys
//   still queued or waiting are dropped: a part that stops rebuilds its
//   work from the API when it starts again). Adds after shutDown() are
//   ignored; done() still works.
//
// Pace: when the clock has a PaceGate (SimClock), get() hands out nothing
// while the gate is closed (the cluster is paused), except that each step
// of the gate lets it hand out the keys queued at that moment once.
//
// Idle tracking: when the clock has an IdleTracker, the queue reports work
// while a key is queued or processing (keys waiting for a delay are the
// clock's timers, which the tracker counts once due).
//
// Thread-safe. The clock (and its tracker) must outlive the queue. Delayed
// adds fire on the clock's timer thread.
class WorkQueue final
{
public:
    struct Options
    {
        std::string name = "workqueue"; // for idle diagnostics
        // The default rate limiter's numbers (client-go's
        // DefaultControllerRateLimiter) ...
        ControllerRateLimiterOptions limits;
        // ... or a limiter of one's own (then `limits` is ignored).
        std::unique_ptr<RateLimiter> rateLimiter;
    };

    explicit WorkQueue(const Clock &clock);
    WorkQueue(const Clock &clock, Options options);
    ~WorkQueue(); // shuts down; no delayed add runs after it returns
    WorkQueue(const WorkQueue &) = delete;
    WorkQueue &operator=(const WorkQueue &) = delete;

    void add(const std::string &key);
    // Blocks until a key is ready (returns it, now processing) or the
    // queue shuts down (returns nullopt).
    std::optional<std::string> get();
    // Ends the processing of `key` (from get()); queues it again if it was
    // added meanwhile.
    void done(const std::string &key);

    void addAfter(const std::string &key, Clock::Duration delay);
    void addRateLimited(const std::string &key);
    void forget(const std::string &key);
    int numRequeues(const std::string &key);

    void shutDown();
    bool isShuttingDown() const;
    // Keys queued and ready for get() (not processing, not waiting).
    size_t len() const;
    // Keys waiting for addAfter()/addRateLimited() delays.
    size_t waiting() const;

private:
    struct Waiting
    {
        Clock::Time due;
        uint64_t id = 0;
        std::unique_ptr<Timer> timer;
    };

    void addLocked(const std::string &key);
    void updateIdleLocked();
    void delayedAdd(const std::string &key, uint64_t id);
    bool mayHandOutLocked() const;

    // Constant after construction.
    const Clock &m_clock;
    const std::unique_ptr<RateLimiter> m_limiter;
    const std::unique_ptr<IdleTracker::Part> m_idle; // may be null

    mutable std::mutex m_mutex; // guards everything below
    std::condition_variable m_ready;
    std::deque<std::string> m_queue;
    std::unordered_set<std::string> m_dirty;      // queued, or to requeue on done()
    std::unordered_set<std::string> m_processing; // handed out, done() not yet called
    std::map<std::string, Waiting> m_waiting;
    uint64_t m_nextWaitingId = 0;
    bool m_shuttingDown = false;
    bool m_reportedBusy = false;
    size_t m_roundBudget = 0; // keys a granted pace step still lets out while paused

    // Last: unregistered first, before the members its wake function uses.
    std::unique_ptr<PaceGate::Registration> m_paceRegistration;
};

} // namespace kubist::client
