#include "watchhub.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>

namespace kubist::store {

using Clock = std::chrono::steady_clock;

struct WatchHub::Watcher
{
    Watcher(WatchRequest r, WatchCallback c)
        : request(std::move(r))
        , callback(std::move(c))
    {}

    bool matches(const std::string &key) const
    {
        return request.prefix ? key.starts_with(request.key) : key == request.key;
    }
    bool catchUpPending() const { return catchUpFrom <= catchUpTo; }

    // Constant after construction.
    const WatchRequest request;
    const WatchCallback callback;

    // Guarded by Shared::mutex.
    std::deque<WatchResponse> backlog;
    int64_t liveFrom = 0;    // published events below this are not for us
    int64_t catchUpFrom = 0; // pending catch-up [from, to] from the log
    int64_t catchUpTo = -1;
    bool catchingUp = false; // a delivery thread is reading the catch-up
    bool scheduled = false;  // in the run queue or being delivered
    bool running = false;    // a delivery thread owns it (callback may be running)
    std::thread::id runner;
    Clock::time_point lastQueued;

    // Written under Shared::mutex; read without it by the delivering thread.
    std::atomic<bool> cancelled{false}; // no callback after this is seen
    std::atomic<bool> terminal{false};  // the final response is queued
};

struct WatchHub::Shared
{
    Shared(HistorySource s, size_t backlog, std::function<void(int)> work)
        : source(std::move(s))
        , maxBacklog(backlog)
        , onWork(std::move(work))
    {}

    void schedule(const std::shared_ptr<Watcher> &w)
    {
        if (w->scheduled)
            return;
        w->scheduled = true;
        if (onWork)
            onWork(1);
        runQueue.push_back(w);
        workCv.notify_one();
    }

    // Ends `w` with `status`: drops what it has not received yet and queues
    // the final response.
    void terminate(const std::shared_ptr<Watcher> &w, Status status, int64_t compactRevision)
    {
        if (w->terminal || w->cancelled)
            return;
        w->terminal = true;
        w->backlog.clear();
        w->catchUpTo = w->catchUpFrom - 1;
        WatchResponse r;
        r.revision = published;
        r.canceled = std::move(status);
        r.compactRevision = compactRevision;
        w->backlog.push_back(std::move(r));
        schedule(w);
    }

    // Constant after construction.
    const HistorySource source;
    const size_t maxBacklog;
    const std::function<void(int)> onWork; // +1 per scheduled watcher, -1 when unscheduled

    void unschedule(const std::shared_ptr<Watcher> &w)
    {
        w->scheduled = false;
        if (onWork)
            onWork(-1);
    }

    // Guarded by mutex.
    mutable std::mutex mutex;
    std::condition_variable workCv; // run queue not empty, or shutdown
    std::condition_variable idleCv; // some watcher stopped running
    std::condition_variable timerCv;
    std::vector<std::shared_ptr<Watcher>> watchers;
    std::deque<std::shared_ptr<Watcher>> runQueue;
    int64_t published = 0;
    bool stopped = false;
    Status stopStatus;
    bool shutdown = false;
};

class WatchHub::Handle final : public Watch
{
public:
    Handle(std::shared_ptr<Shared> shared, std::shared_ptr<Watcher> watcher)
        : m_shared(std::move(shared))
        , m_watcher(std::move(watcher))
    {}
    ~Handle() override { cancel(); }

    void cancel() override
    {
        std::unique_lock lock(m_shared->mutex);
        if (!m_watcher->cancelled) {
            m_watcher->cancelled = true;
            m_watcher->backlog.clear();
            std::erase(m_shared->watchers, m_watcher);
        }
        // From inside the callback the delivery loop notices `cancelled`
        // when the callback returns; from elsewhere wait for it to return.
        if (m_watcher->running && m_watcher->runner != std::this_thread::get_id())
            m_shared->idleCv.wait(lock, [&] { return !m_watcher->running; });
    }

private:
    const std::shared_ptr<Shared> m_shared;
    const std::shared_ptr<Watcher> m_watcher;
};

WatchHub::WatchHub(HistorySource source, size_t maxBacklog, int deliveryThreads,
                   int64_t publishedRevision, std::function<void(int)> onWork)
    : m_shared(std::make_shared<Shared>(std::move(source), std::max<size_t>(maxBacklog, 1),
                                        std::move(onWork)))
{
    m_shared->published = publishedRevision;
    for (int i = 0; i < std::max(deliveryThreads, 1); ++i)
        m_threads.emplace_back([this] { deliveryLoop(); });
    m_threads.emplace_back([this] { timerLoop(); });
}

WatchHub::~WatchHub()
{
    {
        std::lock_guard lock(m_shared->mutex);
        m_shared->shutdown = true;
        for (auto &w : m_shared->watchers)
            w->cancelled = true;
        m_shared->watchers.clear();
        m_shared->runQueue.clear();
        m_shared->workCv.notify_all();
        m_shared->timerCv.notify_all();
    }
    for (auto &t : m_threads)
        t.join();
}

std::unique_ptr<Watch> WatchHub::watch(const WatchRequest &request, WatchCallback callback,
                                       int64_t compactedRevision)
{
    Shared &s = *m_shared;
    auto w = std::make_shared<Watcher>(request, std::move(callback));
    std::lock_guard lock(s.mutex);
    w->lastQueued = Clock::now();
    if (s.shutdown) {
        w->cancelled = true;
        return std::make_unique<Handle>(m_shared, w);
    }
    s.watchers.push_back(w);
    const int64_t published = s.published;
    const int64_t start = request.startRevision;
    w->liveFrom = start == 0 ? published + 1 : std::max(start, published + 1);
    if (s.stopped) {
        s.terminate(w, s.stopStatus, 0);
    } else if (start < 0) {
        s.terminate(w, Status::invalidArgument("negative start revision"), 0);
    } else if (!request.prefix && request.key.empty()) {
        s.terminate(w, Status::invalidArgument("empty key"), 0);
    } else if (start != 0 && start <= compactedRevision) {
        s.terminate(w,
                    Status(Status::Code::Compacted, "revision " + std::to_string(start) +
                                                        " has been compacted (to " +
                                                        std::to_string(compactedRevision) + ")"),
                    compactedRevision);
    } else if (start != 0 && start <= published) {
        w->catchUpFrom = start;
        w->catchUpTo = published;
        s.schedule(w);
    }
    s.timerCv.notify_one();
    return std::make_unique<Handle>(m_shared, w);
}

void WatchHub::publish(const std::vector<Event> &events, int64_t revision)
{
    Shared &s = *m_shared;
    std::lock_guard lock(s.mutex);
    s.published = revision;
    if (s.watchers.empty())
        return;
    const auto now = Clock::now();
    for (const auto &w : s.watchers) {
        if (w->terminal || w->cancelled)
            continue;
        WatchResponse r;
        for (const Event &e : events) {
            if (e.kv.modRevision >= w->liveFrom && w->matches(e.kv.key))
                r.events.push_back(e);
        }
        if (r.events.empty())
            continue;
        if (w->backlog.size() >= s.maxBacklog) {
            s.terminate(w,
                        Status::resourceExhausted(
                            "the watcher fell behind: " + std::to_string(w->backlog.size()) +
                            " responses undelivered"),
                        0);
            continue;
        }
        r.revision = revision;
        w->backlog.push_back(std::move(r));
        w->lastQueued = now;
        s.schedule(w);
    }
}

void WatchHub::stop(const Status &status)
{
    Shared &s = *m_shared;
    std::lock_guard lock(s.mutex);
    s.stopped = true;
    s.stopStatus = status;
    for (const auto &w : s.watchers)
        s.terminate(w, status, 0);
}

void WatchHub::resume()
{
    std::lock_guard lock(m_shared->mutex);
    m_shared->stopped = false;
}

size_t WatchHub::watcherCount() const
{
    std::lock_guard lock(m_shared->mutex);
    return m_shared->watchers.size();
}

void WatchHub::deliveryLoop()
{
    Shared &s = *m_shared;
    std::unique_lock lock(s.mutex);
    for (;;) {
        s.workCv.wait(lock, [&] { return s.shutdown || !s.runQueue.empty(); });
        if (s.shutdown)
            return;
        std::shared_ptr<Watcher> w = std::move(s.runQueue.front());
        s.runQueue.pop_front();
        if (w->cancelled) {
            s.unschedule(w);
            continue;
        }
        w->running = true;
        w->runner = std::this_thread::get_id();

        if (w->catchUpPending()) {
            const int64_t from = w->catchUpFrom;
            const int64_t to = w->catchUpTo;
            w->catchUpTo = from - 1;
            w->catchingUp = true;
            lock.unlock();
            int64_t compactRevision = 0;
            const auto emit = [&](std::vector<Event> &&events) {
                if (w->cancelled || w->terminal)
                    return false;
                WatchResponse r;
                r.events = std::move(events);
                r.revision = to;
                w->callback(std::move(r));
                return !(w->cancelled || w->terminal);
            };
            const Status status = s.source(w->request, from, to, emit, &compactRevision);
            lock.lock();
            w->catchingUp = false;
            w->lastQueued = Clock::now();
            if (!status)
                s.terminate(w, status, compactRevision);
        }

        std::deque<WatchResponse> batch;
        batch.swap(w->backlog);
        lock.unlock();
        for (auto &r : batch) {
            if (w->cancelled)
                break;
            const bool last = !r.canceled.isOk();
            w->callback(std::move(r));
            if (last) {
                w->cancelled = true;
                break;
            }
        }
        batch.clear();
        lock.lock();

        w->running = false;
        s.idleCv.notify_all();
        if (w->cancelled) {
            s.unschedule(w);
            w->backlog.clear();
            std::erase(s.watchers, w);
        } else if (!w->backlog.empty() || w->catchUpPending()) {
            s.runQueue.push_back(w); // still scheduled
            s.workCv.notify_one();
        } else {
            s.unschedule(w);
        }
    }
}

void WatchHub::timerLoop()
{
    Shared &s = *m_shared;
    std::unique_lock lock(s.mutex);
    while (!s.shutdown) {
        const auto now = Clock::now();
        auto next = now + std::chrono::seconds(1);
        for (const auto &w : s.watchers) {
            const int64_t ms = w->request.progressNotifyIntervalMs;
            if (ms <= 0 || w->cancelled || w->terminal)
                continue;
            const auto interval = std::chrono::milliseconds(ms);
            auto due = w->lastQueued + interval;
            if (due <= now) {
                // Only a watcher that is caught up: then every event up to
                // `published` has been queued to it, ahead of this.
                if (w->backlog.empty() && !w->catchingUp && !w->catchUpPending()) {
                    WatchResponse r;
                    r.revision = s.published;
                    r.progressNotify = true;
                    w->backlog.push_back(std::move(r));
                    s.schedule(w);
                }
                w->lastQueued = now;
                due = now + interval;
            }
            next = std::min(next, due);
        }
        s.timerCv.wait_until(lock, next);
    }
}

} // namespace kubist::store
