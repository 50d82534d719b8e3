#pragma once

#include "backend/scheduler/framework/plugin.h"
#include "backend/util/clock.h"
#include "backend/util/idletracker.h"
#include "backend/util/pacegate.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace k8s::io::api::core::v1 {
class Pod;
}

namespace kubist::scheduler {

// SchedulingQueue: the pods waiting to be scheduled (upstream
// internal/queue.PriorityQueue), in three sub-queues:
//  - activeQ: ready now, handed out by pop() in the framework's QueueSort
//    order (ties: the order pods entered activeQ);
//  - backoffQ: failed recently; each waits its per-pod exponential backoff
//    (initialBackoff doubling per attempt, at most maxBackoff) and then
//    moves to activeQ by itself;
//  - unschedulablePods: turned down by a FitError; they stay until a
//    cluster event calls moveAllToActiveOrBackoff() (to activeQ, or to
//    backoffQ while still backing off), or until they have waited
//    maxInUnschedulable (upstream podMaxInUnschedulablePodsDuration).
//
// A popped pod is "in flight" until the scheduler hands it back with
// done() (bound or dropped), addUnschedulable() (FitError) or
// addBackoff() (error). A move request made while a pod is in flight sends
// it to backoffQ instead of unschedulablePods when it fails (upstream's
// moveRequestCycle), so an event during its cycle is not lost. Updates and
// deletions of an in-flight pod are remembered: it comes back with the
// newest object, or not at all.
//
// Pods are keyed "namespace/name". add() and update() of a known pod take
// the new object wherever the pod is; an update of an unschedulable pod
// that changed more than its status (or resourceVersion and managed
// fields) moves it as a move request would.
//
// Timers (backoff expiry, the unschedulable timeout) are timers of the
// Clock. Idle tracking: pods in activeQ and in flight count as work for
// the clock's IdleTracker; pods waiting for a timer do not (the timer
// does, once due).
//
// Thread-safe; pop() blocks. The clock must outlive the queue.
class SchedulingQueue final
{
public:
    using PodPtr = std::shared_ptr<const k8s::io::api::core::v1::Pod>;
    // True when a should be scheduled before b (Framework::less).
    using LessFunc = std::function<bool(const QueuedPodInfo &a, const QueuedPodInfo &b)>;

    struct Options
    {
        Clock::Duration initialBackoff = std::chrono::seconds(1);
        Clock::Duration maxBackoff = std::chrono::seconds(10);
        Clock::Duration maxInUnschedulable = std::chrono::minutes(5);
        std::string name = "scheduler/queue"; // for idle diagnostics
    };

    struct Stats
    {
        std::size_t active = 0;
        std::size_t backoff = 0;
        std::size_t unschedulable = 0;
        std::size_t inFlight = 0;
    };

    SchedulingQueue(const Clock &clock, LessFunc less);
    SchedulingQueue(const Clock &clock, LessFunc less, Options options);
    ~SchedulingQueue(); // close()
    SchedulingQueue(const SchedulingQueue &) = delete;
    SchedulingQueue &operator=(const SchedulingQueue &) = delete;

    // A pod to schedule: a new pod enters activeQ (timestamp now, 0
    // attempts); a known pod takes the new object, as update().
    void add(PodPtr pod);
    // The newest object of a pod; an unknown pod is added.
    void update(PodPtr pod);
    // Forgets the pod wherever it is (an in-flight pod is not requeued).
    void remove(const std::string &key);
    // Drops every pod (in-flight pods are then not requeued): the
    // scheduler stopped leading.
    void clear();

    // Blocks until activeQ has a pod (returns it, now in flight, attempts
    // + 1, with the cycle number it was popped in) or the queue closes
    // (nullopt).
    struct Popped
    {
        QueuedPodInfo info;
        std::uint64_t cycle = 0;
    };
    std::optional<Popped> pop();
    // Ends an in-flight pod's attempt without requeueing it (bound, or
    // no longer to be scheduled).
    void done(const std::string &key);
    // An in-flight pod the framework turned down: to unschedulablePods, or
    // to backoffQ when a move request came since `cycle`. Does nothing for
    // a pod not in flight (removed or cleared meanwhile).
    void addUnschedulable(const std::string &key, std::uint64_t cycle);
    // An in-flight pod whose attempt failed with an error: to backoffQ.
    void addBackoff(const std::string &key);

    // A cluster event that may make unschedulable pods schedulable (upstream
    // MoveAllToActiveOrBackoffQueue).
    void moveAllToActiveOrBackoff();

    // Wakes pop() for good; later adds are ignored. Cancels the timers.
    void close();

    Stats stats() const;
    // Where a pod is: "active", "backoff", "unschedulable", "inFlight" or
    // "" (unknown). For tests and the GUI.
    std::string where(const std::string &key) const;

private:
    enum class State { Active, Backoff, Unschedulable, InFlight };
    struct Entry
    {
        QueuedPodInfo info;
        State state = State::Active;
        std::uint64_t seq = 0;   // activeQ order among equals
        Clock::Time failedAt;    // when its last attempt failed
        std::uint64_t cycle = 0; // InFlight: the cycle it was popped in
        bool removed = false;    // InFlight: removed meanwhile, not to requeue
        bool changed = false;    // InFlight: updated meanwhile (a move request for it)
    };

    // activeQ's order: the framework's QueueSort, then arrival (seq).
    struct ActiveOrder
    {
        const SchedulingQueue *queue = nullptr;
        bool operator()(const Entry *a, const Entry *b) const;
    };

    Clock::Time backoffExpiry(const Entry &entry) const;
    void toActiveOrBackoffLocked(Entry &entry, Clock::Time now);
    void makeActiveLocked(Entry &entry);
    void flushLocked(Clock::Time now);
    // Arms the timer for the earliest due entry when that is earlier than
    // the armed one; returns a replaced timer, to destroy after unlocking
    // (its callback takes m_mutex).
    [[nodiscard]] std::unique_ptr<Timer> rearmLocked();
    void onTimer();
    void syncIdleLocked();

    // Constant after construction.
    const Clock &m_clock;
    const LessFunc m_less;
    const Options m_options;
    std::unique_ptr<IdleTracker::Part> m_idle; // may be null

    mutable std::mutex m_mutex; // guards everything below
    std::condition_variable m_wake;
    std::map<std::string, Entry> m_pods;
    // The Active entries of m_pods in activeQ order (pop() takes the first),
    // and how many are InFlight: O(log n) per change instead of a walk over
    // every queued pod.
    std::set<Entry *, ActiveOrder> m_active{ActiveOrder{this}};
    int m_inFlight = 0;
    std::uint64_t m_seq = 0;
    std::uint64_t m_cycle = 0;
    std::uint64_t m_moveRequestCycle = 0;
    bool m_closed = false;
    int m_reportedWork = 0;
    std::unique_ptr<Timer> m_timer;
    std::optional<Clock::Time> m_timerDue;
    std::size_t m_roundBudget = 0; // pops a granted pace step still allows while paused

    // Last: unregistered first (its wake function takes m_mutex).
    std::unique_ptr<PaceGate::Registration> m_paceRegistration;
};

} // namespace kubist::scheduler
