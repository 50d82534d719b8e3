#pragma once

#include "backend/client/client.h"
#include "backend/client/indexer.h"
#include "backend/util/clock.h"
#include "backend/util/idletracker.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace kubist::client {

// Informer: a live, indexed, local copy of one kind (optionally one
// namespace, label selector and field selector), kept by a reflector as
// client-go's SharedIndexInformer keeps it, with event handlers.
//
// The reflector lists (in pages of Options::pageSize), then watches from
// the list's resourceVersion with bookmarks, keeping the cache and
// lastSyncResourceVersion() current:
// - a watch that ends with 410 Gone (Code::Compacted) - on creation or as
//   an Error event - makes it relist at once; a second 410 straight after
//   that relist (before the new watch delivered anything) goes through the
//   backoff instead, so a server that keeps answering 410 is not hammered;
// - any other error, or a stream the server closed, makes it watch again
//   from the last resourceVersion it saw, after an exponential backoff
//   (Options: 0.8 s doubling to 30 s, with jitter; back to 0.8 s once two
//   minutes passed since the previous backoff); a list that fails is
//   retried the same way. Every delay is a timer of the given Clock.
// - a relist makes the cache equal the list: objects missing from it are
//   removed and reported to onDelete with their last known state, so after
//   any disconnect the cache converges to the server's state (no ghosts).
//
// Handlers run serially on the informer's own thread, after the cache has
// been updated; they must not block for long (they delay every later
// event). A relist reports adds, then updates (only objects whose
// resourceVersion changed), then deletes. A watch Deleted event is
// reported when the cache held the object, with the object as deleted.
//
// The cache holds the ObjectPtrs the client gave: shared and immutable.
// Copy before mutating.
//
// Lifetime and threads: the client and clock must outlive the informer.
// Indexes and handlers are added before start(). stop() (and the
// destructor) end the watch, cancel the retry timer and join the thread;
// once stop() returns no handler is running and none is ever called again,
// even if the client delivers late. stop() may be called from inside a
// handler (then no later handler runs); the informer must not be destroyed
// from inside its own handler. All other functions are thread-safe.
//
// Idle tracking: when the clock has an IdleTracker, the informer reports
// work from the moment an event (or a retry timer, or start()) reaches it
// until its handlers have run, and while it lists or opens a watch.
class Informer final
{
public:
    struct Options
    {
        std::string ns; // "" : every namespace
        std::string labelSelector;
        std::string fieldSelector;
        int64_t pageSize = 500; // list page size; 0: one unpaginated list
        Clock::Duration initialBackoff = std::chrono::milliseconds(800);
        Clock::Duration maxBackoff = std::chrono::seconds(30);
        Clock::Duration backoffResetAfter = std::chrono::minutes(2);
        // A delay d is drawn from [d, d * (1 + jitter)); 0 for exact delays.
        double jitter = 1.0;
        std::string name; // for idle diagnostics; default: the resource
    };

    struct Handlers
    {
        std::function<void(const ObjectPtr &object)> onAdd;
        std::function<void(const ObjectPtr &oldObject, const ObjectPtr &newObject)> onUpdate;
        std::function<void(const ObjectPtr &lastKnown)> onDelete;
    };

    Informer(Client &client, const api::KindInfo &kind, const Clock &clock);
    Informer(Client &client, const api::KindInfo &kind, const Clock &clock, Options options);
    ~Informer();
    Informer(const Informer &) = delete;
    Informer &operator=(const Informer &) = delete;

    // Before start(); see Indexer::addIndex.
    Status addIndex(const std::string &name, IndexFunc func);
    // Before start().
    void addEventHandler(Handlers handlers);

    // Starts the reflector on the informer's thread. Once only.
    void start();
    void stop();

    // True once the first list is in the cache and its adds were handled.
    bool hasSynced() const { return m_synced.load(); }
    // Waits (in real time) for hasSynced(); false on timeout or stop.
    bool waitForSync(std::chrono::milliseconds timeout) const;
    // The resourceVersion of the last list, watch event or bookmark seen.
    std::string lastSyncResourceVersion() const;

    const Indexer &indexer() const { return m_indexer; }
    const api::KindInfo &kind() const { return m_kind; }

private:
    struct Task;
    struct Channel;

    void run();
    void handle(Task &task);
    // Lists when a list is due, then opens the watch.
    void connect();
    Status list();
    void applyList(std::vector<ObjectPtr> items, const std::string &resourceVersion);
    Status watch();
    void watchEnded(const Status &why);
    void scheduleRetry();
    Clock::Duration nextBackoff();
    void setResourceVersion(const std::string &rv);
    bool stopping() const;

    void notifyAdd(const ObjectPtr &object);
    void notifyUpdate(const ObjectPtr &oldObject, const ObjectPtr &newObject);
    void notifyDelete(const ObjectPtr &object);

    // Constant after construction (handlers and indexes: after start()).
    Client &m_client;
    const api::KindInfo &m_kind;
    const Clock &m_clock;
    const Options m_options;
    const std::shared_ptr<Channel> m_channel; // shared with watch and timer callbacks
    std::unique_ptr<IdleTracker::Part> m_idle;
    std::vector<Handlers> m_handlers;
    Indexer m_indexer; // thread-safe itself

    // Owned by the informer's thread while it runs.
    std::thread m_thread;
    std::unique_ptr<WatchHandle> m_watch;
    std::unique_ptr<Timer> m_retryTimer;
    uint64_t m_generation = 0; // of the current watch; older watches' events are dropped
    bool m_needList = true;
    bool m_relistedFor410 = false; // the last relist answered a 410, and no event came since
    Clock::Duration m_backoff{};
    std::optional<Clock::Time> m_lastBackoffStart;
    std::mt19937_64 m_random;

    std::atomic<bool> m_started{false};
    std::atomic<bool> m_synced{false};
    mutable std::mutex m_stateMutex; // guards m_resourceVersion and signals sync/stop
    mutable std::condition_variable m_stateChanged;
    std::string m_resourceVersion;
};

} // namespace kubist::client
