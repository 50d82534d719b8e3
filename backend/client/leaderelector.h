#pragma once

#include "backend/client/client.h"
#include "backend/util/clock.h"
#include "backend/util/idletracker.h"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace kubist::client {

// LeaderElector: leader election over a coordination.k8s.io/v1 Lease, as
// client-go's leaderelection with a LeaseLock: the scheduler and the
// controller manager hold "kube-scheduler" / "kube-controller-manager" in
// kube-system, and the GUI's master box reads who holds them.
//
// Every retryPeriod (and at start) it tries to acquire or renew:
// - no Lease: create it holding it (leaseTransitions 0);
// - held by us: renew (renewTime = now);
// - held by another whose renewTime + leaseDurationSeconds has passed (or
//   with no holder): take it over (leaseTransitions + 1);
// - otherwise: wait.
// When it becomes leader, onStartedLeading runs; when it cannot renew for
// renewDeadline (the server refuses or is unreachable, or another took the
// lease), onStoppedLeading runs and it goes back to trying to acquire.
// stop() releases the lease (clears holderIdentity, as
// ReleaseOnCancel) when it holds it, then runs onStoppedLeading.
//
// Callbacks run on the elector's own thread, never concurrently, and must
// not call stop(). All writes use the Lease's resourceVersion, so two
// electors never both believe they lead for longer than the timings allow.
//
// Thread-safe. Client and clock must outlive it.
class LeaderElector final
{
public:
    struct Options
    {
        std::string ns = "kube-system";
        std::string name;     // "kube-scheduler"
        std::string identity; // "master_<random>" upstream; "kube-scheduler-master" here
        Clock::Duration leaseDuration = std::chrono::seconds(15);
        Clock::Duration renewDeadline = std::chrono::seconds(10);
        Clock::Duration retryPeriod = std::chrono::seconds(2);
        std::function<void()> onStartedLeading;
        std::function<void()> onStoppedLeading;
    };

    LeaderElector(Client &client, const Clock &clock, Options options);
    ~LeaderElector(); // stop()
    LeaderElector(const LeaderElector &) = delete;
    LeaderElector &operator=(const LeaderElector &) = delete;

    void start();
    void stop();
    bool isLeader() const { return m_leader.load(); }

private:
    void run();
    void attempt();
    bool tryAcquireOrRenew();
    void armTimer();

    Client &m_client;
    const Clock &m_clock;
    const Options m_options;
    std::unique_ptr<IdleTracker::Part> m_idle; // may be null

    std::mutex m_mutex; // guards the flags below
    std::condition_variable m_wake;
    bool m_due = false;
    bool m_stopping = false;
    std::unique_ptr<Timer> m_timer;
    std::thread m_thread;

    // Elector thread only.
    std::optional<Clock::Time> m_lastRenew;
    std::atomic<bool> m_leader{false};
};

} // namespace kubist::client
