#include "backend/controllers/common/workerpool.h"

#include "backend/util/log.h"

namespace kubist::controllers {

WorkerPool::WorkerPool(client::WorkQueue &queue, SyncFunc sync, int workers, std::string name)
    : m_queue(queue)
    , m_sync(std::move(sync))
    , m_workers(std::max(workers, 1))
    , m_name(std::move(name))
{}

WorkerPool::~WorkerPool()
{
    stop();
}

void WorkerPool::start()
{
    if (!m_threads.empty())
        return;
    for (int i = 0; i < m_workers; ++i)
        m_threads.emplace_back([this] { work(); });
}

void WorkerPool::stop()
{
    m_queue.shutDown();
    for (std::thread &t : m_threads)
        t.join();
    m_threads.clear();
}

void WorkerPool::work()
{
    while (std::optional<std::string> key = m_queue.get()) {
        const Status status = m_sync(*key);
        if (status.isOk()) {
            m_queue.forget(*key);
        } else if (!m_queue.isShuttingDown()) {
            logWarning(m_name, "syncing " + *key + " failed (will retry): " + status.message());
            m_queue.addRateLimited(*key);
        }
        m_queue.done(*key);
    }
}

} // namespace kubist::controllers
