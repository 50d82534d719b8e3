#pragma once

#include "backend/client/client.h"
#include "backend/faults/faultinjector.h"
#include "backend/faults/faultspec.h"
#include "backend/util/clock.h"
#include "backend/util/status.h"

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace kubist::client {
class EventRecorder;
class Informer;
class WorkQueue;
} // namespace kubist::client
namespace kubist::controllers {
class WorkerPool;
}

namespace kubist::faults {

struct FaultControllerOptions
{
    // Healed and failed faults remembered for faults().
    size_t historyLimit = 20;
    // How often a status the API could not take is tried again.
    Clock::Duration retryPeriod = std::chrono::seconds(1);
};

// FaultController: makes kubist.io/v1alpha1 Fault objects true, and keeps
// the ledger of every fault in force — the embedded cluster's chaos part.
//
// Two doors, one ledger:
// - the API: a new Fault (phase empty or Pending) is checked with the
//   injector (one that is impossible goes Failed), injected, and its status set to Active with
//   injectedAt. Deleting it heals it; so does its duration running out
//   (status Healed, healedAt; the object stays). A Fault found Active at
//   start (Kubist restarted) is injected again for what is left of its
//   duration. (The API server's create admission should refuse impossible
//   faults with 422 using FaultInjector::check; the embedded cluster
//   installs that.)
// - direct calls (the GUI, through ClusterControl): inject() and heal() act
//   at once, even while the API server or etcd is down, and the Fault
//   object is created / its status written as soon as the API takes it.
// Every injection and heal is logged and recorded as an Event on the Fault
// (and on the target Node or Pod).
//
// Durations are cluster time (the clock): a paused cluster does not heal.
//
// Part contract: start() starts the Fault informer and one worker; stop()
// (and the destructor) stop them and cancel timers; once it returns no
// callback runs. stop() does not heal faults in force. Thread-safe; the
// client, clock and injector must outlive the controller.
class FaultController final
{
public:
    FaultController(client::Client &client, const Clock &clock, FaultInjector &injector,
                    FaultControllerOptions options = {});
    ~FaultController();
    FaultController(const FaultController &) = delete;
    FaultController &operator=(const FaultController &) = delete;

    void start();
    void stop();

    // Injects now; returns the new Fault's name ("poweroff-worker-2-x7k2p").
    // InvalidArgument when the injector refuses it, AlreadyExists when the
    // same action is in force on the same target.
    Result<std::string> inject(const FaultSpec &spec);
    // Heals now. NotFound when no fault of that name is in force.
    Status heal(const std::string &name);
    // The name of the fault in force with this target and action, if any.
    std::optional<std::string> activeFault(const FaultSpec &spec) const;
    // In force first (oldest first), then recently healed / failed (newest first).
    std::vector<FaultState> faults() const;

private:
    struct Entry
    {
        FaultState state;
        bool active = false;
        std::optional<Clock::Time> expiresAt;
        bool objectPending = false; // made directly: the Fault object is still to create
        bool seen = false;          // the informer has had the object
        std::string statusWritten;  // the phase last written to the object
        std::unique_ptr<Timer> expiry;
    };

    Status sync(const std::string &name);
    Status injectLocked(const std::string &name, Entry &entry, Clock::Time injectedAt);
    void healLocked(Entry &entry, const std::string &why);
    Status writeObject(const std::string &name);
    void scheduleExpiryLocked(const std::string &name, Entry &entry);
    void rememberLocked(FaultState state);
    void recordEvent(const FaultState &state, const std::string &type, const std::string &reason,
                     const std::string &message, bool onTarget = true);

    client::Client &m_client;
    const Clock &m_clock;
    FaultInjector &m_injector;
    const FaultControllerOptions m_options;
    const std::unique_ptr<client::Informer> m_informer;
    const std::unique_ptr<client::WorkQueue> m_queue;
    const std::unique_ptr<client::EventRecorder> m_events;
    const std::unique_ptr<controllers::WorkerPool> m_workers;

    // Serialises injector calls and ledger changes that make them (held
    // while the injector runs; never held by the injector's callers).
    std::mutex m_actMutex;
    mutable std::mutex m_mutex;             // guards everything below
    std::map<std::string, Entry> m_entries; // in force, or with a status still to write
    std::deque<FaultState> m_history;       // newest first
    bool m_stopped = false;
};

} // namespace kubist::faults
