#pragma once

#include "backend/client/workqueue.h"
#include "backend/util/status.h"

#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace kubist::controllers {

// WorkerPool: the loop every controller runs over its work queue, as
// client-go's processNextWorkItem: `workers` threads each take a key, call
// sync(key), and then
// - OK: forget the key's backoff;
// - an error: log it and add the key back rate-limited (per-item
//   exponential backoff), so a failing sync is retried, ever more slowly;
// and mark the key done. A key is never synced by two workers at once (the
// queue guarantees it), so a sync function needs no per-key locking.
//
// stop() shuts the queue down and joins the workers (a sync in progress
// finishes first). The queue must outlive the pool.
class WorkerPool final
{
public:
    using SyncFunc = std::function<Status(const std::string &key)>;

    WorkerPool(client::WorkQueue &queue, SyncFunc sync, int workers, std::string name);
    ~WorkerPool(); // stop()
    WorkerPool(const WorkerPool &) = delete;
    WorkerPool &operator=(const WorkerPool &) = delete;

    void start();
    void stop();

private:
    void work();

    client::WorkQueue &m_queue;
    const SyncFunc m_sync;
    const int m_workers;
    const std::string m_name;
    std::vector<std::thread> m_threads;
};

} // namespace kubist::controllers
