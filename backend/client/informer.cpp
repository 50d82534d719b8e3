#include "informer.h"

#include "backend/client/objectkey.h"

#include "meta_v1.pb.h"

#include <google/protobuf/message.h>

#include <deque>
#include <unordered_map>

namespace kubist::client {

struct Informer::Task
{
    enum class Kind { Connect, Event, Closed };
    Kind kind = Kind::Connect;
    uint64_t generation = 0; // Event, Closed: the watch it came from
    WatchEvent event;
};

// Where watch and timer callbacks, on threads of their own, hand work to the
// informer's thread. Shared with those callbacks, so one that arrives after
// the informer stopped finds the channel closed and does nothing.
struct Informer::Channel
{
    std::mutex mutex; // guards everything below
    std::condition_variable ready;
    std::deque<Task> tasks;
    bool closed = false;
    IdleTracker::Part *idle = nullptr; // valid while !closed

    void push(Task task)
    {
        {
            std::lock_guard lock(mutex);
            if (closed)
                return;
            if (idle)
                idle->addWork();
            tasks.push_back(std::move(task));
        }
        ready.notify_one();
    }
};

Informer::Informer(Client &client, const api::KindInfo &kind, const Clock &clock)
    : Informer(client, kind, clock, Options())
{}

Informer::Informer(Client &client, const api::KindInfo &kind, const Clock &clock, Options options)
    : m_client(client)
    , m_kind(kind)
    , m_clock(clock)
    , m_options(std::move(options))
    , m_channel(std::make_shared<Channel>())
    , m_random(std::random_device{}())
{
    if (IdleTracker *tracker = clock.idleTracker()) {
        m_idle = tracker->registerPart("informer/" +
                                       (m_options.name.empty() ? kind.resource : m_options.name));
        m_channel->idle = m_idle.get();
    }
    m_backoff = m_options.initialBackoff;
}

Informer::~Informer()
{
    stop();
}

Status Informer::addIndex(const std::string &name, IndexFunc func)
{
    if (m_started)
        return Status::invalidArgument("index " + name + ": the informer has started");
    return m_indexer.addIndex(name, std::move(func));
}

void Informer::addEventHandler(Handlers handlers)
{
    if (!m_started)
        m_handlers.push_back(std::move(handlers));
}

void Informer::start()
{
    if (m_started.exchange(true))
        return;
    m_channel->push({Task::Kind::Connect, 0, {}});
    m_thread = std::thread([this] { run(); });
}

void Informer::stop()
{
    {
        std::lock_guard lock(m_channel->mutex);
        if (!m_channel->closed) {
            m_channel->closed = true;
            if (m_channel->idle && !m_channel->tasks.empty())
                m_channel->idle->finishWork(int(m_channel->tasks.size()));
            m_channel->tasks.clear();
        }
    }
    m_channel->ready.notify_all();
    {
        std::lock_guard lock(m_stateMutex); // no lost wakeup for waitForSync()
    }
    m_stateChanged.notify_all();
    if (m_thread.joinable() && m_thread.get_id() != std::this_thread::get_id())
        m_thread.join();
}

bool Informer::stopping() const
{
    std::lock_guard lock(m_channel->mutex);
    return m_channel->closed;
}

bool Informer::waitForSync(std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(m_stateMutex);
    return m_stateChanged.wait_for(lock, timeout, [&] { return m_synced.load() || stopping(); }) &&
           m_synced.load();
}

std::string Informer::lastSyncResourceVersion() const
{
    std::lock_guard lock(m_stateMutex);
    return m_resourceVersion;
}

void Informer::setResourceVersion(const std::string &rv)
{
    if (rv.empty())
        return;
    std::lock_guard lock(m_stateMutex);
    m_resourceVersion = rv;
}

void Informer::run()
{
    while (true) {
        Task task;
        {
            std::unique_lock lock(m_channel->mutex);
            m_channel->ready.wait(lock,
                                  [&] { return m_channel->closed || !m_channel->tasks.empty(); });
            if (m_channel->closed)
                break;
            task = std::move(m_channel->tasks.front());
            m_channel->tasks.pop_front();
        }
        handle(task);
        std::lock_guard lock(m_channel->mutex);
        // stop() already settled the count of what was queued; this task
        // was taken before, so it is still counted here.
        if (m_channel->idle)
            m_channel->idle->finishWork();
    }
    // The watch's and the timer's callbacks may be running on their
    // threads: both wait for them, and both only push to the closed channel.
    m_watch.reset();
    m_retryTimer.reset();
}

void Informer::handle(Task &task)
{
    switch (task.kind) {
    case Task::Kind::Connect:
        connect();
        return;
    case Task::Kind::Closed:
        if (task.generation == m_generation && m_watch)
            watchEnded(Status::unavailable("the watch stream closed"));
        return;
    case Task::Kind::Event:
        break;
    }
    if (task.generation != m_generation || !m_watch)
        return; // a watch this informer already left behind
    WatchEvent &e = task.event;
    using T = WatchEvent::Type;
    if (e.type == T::Error) {
        watchEnded(e.error.isOk() ? Status::internal("watch error without a status") : e.error);
        return;
    }
    m_relistedFor410 = false;
    if (!e.object)
        return;
    setResourceVersion(objectMeta(*e.object).resource_version());
    switch (e.type) {
    case T::Added:
    case T::Modified:
        if (ObjectPtr old = m_indexer.upsert(e.object))
            notifyUpdate(old, e.object);
        else
            notifyAdd(e.object);
        break;
    case T::Deleted:
        if (m_indexer.remove(objectKey(*e.object)))
            notifyDelete(e.object);
        break;
    case T::Bookmark:
    case T::Error:
        break;
    }
}

void Informer::connect()
{
    if (stopping())
        return;
    if (m_needList) {
        if (Status s = list(); !s) {
            scheduleRetry();
            return;
        }
    }
    if (stopping())
        return;
    if (Status s = watch(); !s)
        watchEnded(s);
}

Status Informer::list()
{
    ListOptions options;
    options.labelSelector = m_options.labelSelector;
    options.fieldSelector = m_options.fieldSelector;
    options.limit = m_options.pageSize;
    std::vector<ObjectPtr> items;
    while (true) {
        Result<ListResult> page = m_client.list(m_kind, m_options.ns, options);
        if (!page) {
            // The snapshot a continue token points into was compacted away
            // mid-list: start over with one unpaginated list, as client-go.
            if (page.status().code() == Status::Code::Compacted && !options.continueToken.empty()) {
                items.clear();
                options.continueToken.clear();
                options.limit = 0;
                continue;
            }
            return page.status();
        }
        for (ObjectPtr &object : page->items)
            items.push_back(std::move(object));
        if (page->continueToken.empty()) {
            applyList(std::move(items), page->resourceVersion);
            return {};
        }
        options.continueToken = page->continueToken;
        if (stopping())
            return Status::unavailable("stopping");
    }
}

void Informer::applyList(std::vector<ObjectPtr> items, const std::string &resourceVersion)
{
    std::unordered_map<std::string, ObjectPtr> before;
    for (ObjectPtr &object : m_indexer.list())
        before.emplace(objectKey(*object), std::move(object));
    m_indexer.replace(items);
    m_needList = false;
    setResourceVersion(resourceVersion);

    std::vector<std::pair<ObjectPtr, ObjectPtr>> updated;
    for (const ObjectPtr &object : items) {
        auto it = before.find(objectKey(*object));
        if (it == before.end()) {
            notifyAdd(object);
            continue;
        }
        if (objectMeta(*it->second).resource_version() != objectMeta(*object).resource_version())
            updated.emplace_back(it->second, object);
        before.erase(it);
    }
    for (const auto &[oldObject, newObject] : updated)
        notifyUpdate(oldObject, newObject);
    for (const auto &[key, gone] : before)
        notifyDelete(gone);

    if (!m_synced) {
        {
            std::lock_guard lock(m_stateMutex);
            m_synced = true;
        }
        m_stateChanged.notify_all();
    }
}

Status Informer::watch()
{
    m_watch.reset();
    const uint64_t generation = ++m_generation;
    WatchOptions options;
    options.labelSelector = m_options.labelSelector;
    options.fieldSelector = m_options.fieldSelector;
    options.resourceVersion = lastSyncResourceVersion();
    options.allowBookmarks = true;
    WatchCallbacks callbacks;
    std::weak_ptr<Channel> weak = m_channel;
    callbacks.onEvent = [weak, generation](WatchEvent e) {
        if (std::shared_ptr<Channel> channel = weak.lock())
            channel->push({Task::Kind::Event, generation, std::move(e)});
    };
    callbacks.onClosed = [weak, generation] {
        if (std::shared_ptr<Channel> channel = weak.lock())
            channel->push({Task::Kind::Closed, generation, {}});
    };
    Result<std::unique_ptr<WatchHandle>> w =
        m_client.watch(m_kind, m_options.ns, options, std::move(callbacks));
    if (!w)
        return w.status();
    m_watch = std::move(*w);
    return {};
}

void Informer::watchEnded(const Status &why)
{
    m_watch.reset();
    ++m_generation; // whatever the old watch still delivers is dropped
    if (why.code() == Status::Code::Compacted) {
        m_needList = true;
        if (!m_relistedFor410) {
            m_relistedFor410 = true;
            connect();
            return;
        }
    }
    m_relistedFor410 = false;
    scheduleRetry();
}

Clock::Duration Informer::nextBackoff()
{
    const Clock::Time now = m_clock.now();
    if (m_lastBackoffStart && now - *m_lastBackoffStart > m_options.backoffResetAfter)
        m_backoff = m_options.initialBackoff;
    m_lastBackoffStart = now;
    Clock::Duration delay = m_backoff;
    m_backoff = std::min(m_backoff * 2, m_options.maxBackoff);
    if (m_options.jitter > 0) {
        std::uniform_real_distribution<double> extra(0.0, m_options.jitter);
        delay += std::chrono::duration_cast<Clock::Duration>(std::chrono::duration<double>(delay) *
                                                             extra(m_random));
    }
    return delay;
}

void Informer::scheduleRetry()
{
    if (stopping())
        return;
    std::weak_ptr<Channel> weak = m_channel;
    m_retryTimer = m_clock.schedule(nextBackoff(), [weak] {
        if (std::shared_ptr<Channel> channel = weak.lock())
            channel->push({Task::Kind::Connect, 0, {}});
    });
}

void Informer::notifyAdd(const ObjectPtr &object)
{
    for (const Handlers &h : m_handlers)
        if (h.onAdd && !stopping())
            h.onAdd(object);
}

void Informer::notifyUpdate(const ObjectPtr &oldObject, const ObjectPtr &newObject)
{
    for (const Handlers &h : m_handlers)
        if (h.onUpdate && !stopping())
            h.onUpdate(oldObject, newObject);
}

void Informer::notifyDelete(const ObjectPtr &object)
{
    for (const Handlers &h : m_handlers)
        if (h.onDelete && !stopping())
            h.onDelete(object);
}

} // namespace kubist::client
