#pragma once

#include "store.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace kubist::store {

// WatchHub: fans committed events out to watchers, each with a bounded
// backlog, on a few delivery threads, and sends progress notifications.
//
// A new watch starting at or below the last published revision first
// catches up from the history source (the log on disk) on a delivery
// thread, while newer events queue in its backlog; so every watcher sees
// each revision once, in order, with no gap. The store publishes a commit
// only after it is durable, and in revision order.
//
// A watcher whose backlog already holds `maxBacklog` undelivered responses
// when another arrives is ended with ResourceExhausted: its backlog is
// dropped and the final response is the next one it gets, so the stream
// ends right after the last revision delivered (resume from there + 1).
//
// Thread-safe. Callbacks run on the delivery threads, never two at once
// for one watch, never while a hub lock is held.
class WatchHub final
{
public:
    // Reads the events in [from, to] that `request` matches, in revision
    // order, passing them to `emit` in batches of whole revisions until it
    // returns false. On Code::Compacted sets *compactRevision.
    using HistorySource = std::function<Status(
        const WatchRequest &request, int64_t from, int64_t to,
        const std::function<bool(std::vector<Event> &&)> &emit, int64_t *compactRevision)>;

    // `onWork` (may be empty): see StoreOptions::onDeliveryWork.
    WatchHub(HistorySource source, size_t maxBacklog, int deliveryThreads,
             int64_t publishedRevision, std::function<void(int)> onWork = {});
    // Ends every watch (no final response) and joins the threads.
    ~WatchHub();

    WatchHub(const WatchHub &) = delete;
    WatchHub &operator=(const WatchHub &) = delete;

    // `compactedRevision` is the store's at the time of the call; a start at
    // or below it ends the watch with Compacted.
    std::unique_ptr<Watch> watch(const WatchRequest &request, WatchCallback callback,
                                 int64_t compactedRevision);

    // Queues the events of one commit (ascending revisions, all above the
    // last published revision) to every matching watcher; `revision` is the
    // store revision after the commit.
    void publish(const std::vector<Event> &events, int64_t revision);

    // Ends every watch with `status` (Unavailable) and ends new ones the same
    // way at once, until resume().
    void stop(const Status &status);
    void resume();

    size_t watcherCount() const;

private:
    struct Watcher;
    struct Shared;
    class Handle;

    void deliveryLoop();
    void timerLoop();

    std::shared_ptr<Shared> m_shared;
    std::vector<std::thread> m_threads;
};

} // namespace kubist::store
