#include "sqlitestore.h"

#include "dirlock.h"
#include "revisionlog.h"
#include "watchhub.h"

#include <chrono>
#include <filesystem>
#include <semaphore>
#include <unordered_map>

namespace kubist::store {

namespace {

Status compactedError(int64_t revision, int64_t compacted)
{
    return Status(Status::Code::Compacted, "revision " + std::to_string(revision) +
                                               " has been compacted (compacted revision " +
                                               std::to_string(compacted) + ")");
}

Status stoppedError()
{
    return Status::unavailable("the store is stopped");
}

} // namespace

struct SqliteStore::PendingWrite
{
    enum class Op { Create, Update, Put, Remove };
    Op op = Op::Put;
    const std::string &key;
    std::string value;
    int64_t expectedModRevision = 0;
    WriteResult result;
    std::binary_semaphore done{0}; // released by the committer once `result` is final
};

struct SqliteStore::PendingCompaction
{
    int64_t revision = 0;
    Status result;
    std::binary_semaphore done{0};
};

Result<std::unique_ptr<Store>> Store::open(const std::string &dataDir, const StoreOptions &options)
{
    return SqliteStore::open(dataDir, options);
}

Result<std::unique_ptr<Store>> SqliteStore::open(const std::string &dataDir,
                                                 const StoreOptions &options)
{
    if (dataDir.empty())
        return Status::invalidArgument("empty data directory");
    std::error_code ec;
    std::filesystem::create_directories(dataDir, ec);
    if (ec)
        return Status::internal("cannot create data directory " + dataDir + ": " + ec.message());
    auto lock = DirLock::acquire(dataDir);
    if (!lock)
        return lock.status();
    auto log = RevisionLog::open(dataDir, {options.powerSafe, options.sqliteVfs});
    if (!log)
        return log.status();
    std::unique_ptr<SqliteStore> store(
        new SqliteStore(options, std::move(lock).value(), std::move(log).value()));
    if (Status s = store->m_log->scan([&](LogRow &&row) { store->m_index.apply(std::move(row)); });
        !s) {
        return s;
    }
    const RevisionLog::State state = store->m_log->state();
    store->m_currentRevision = state.currentRevision;
    store->m_compactedRevision = state.compactRevision;
    store->m_currentRevisionCopy = state.currentRevision;
    store->m_compactedRevisionCopy = state.compactRevision;
    SqliteStore *self = store.get();
    store->m_hub = std::make_unique<WatchHub>(
        [self](const WatchRequest &request, int64_t from, int64_t to,
               const std::function<bool(std::vector<Event> &&)> &emit, int64_t *compactRevision) {
            return self->readHistory(request, from, to, emit, compactRevision);
        },
        options.maxWatchBacklog, options.deliveryThreads, state.currentRevision,
        options.onDeliveryWork);
    store->m_committer = std::thread([self] { self->commitLoop(); });
    return std::unique_ptr<Store>(std::move(store));
}

SqliteStore::SqliteStore(const StoreOptions &options, std::unique_ptr<DirLock> lock,
                         std::unique_ptr<RevisionLog> log)
    : m_options(options)
    , m_lock(std::move(lock))
    , m_log(std::move(log))
{}

SqliteStore::~SqliteStore()
{
    {
        std::lock_guard lock(m_queueMutex);
        m_shutdown = true;
        m_running = false;
    }
    m_queueCv.notify_all();
    if (m_committer.joinable())
        m_committer.join();
    m_hub.reset(); // after the committer: it publishes to the hub
}

Result<RangeResult> SqliteStore::range(const RangeRequest &request)
{
    if (!m_running)
        return stoppedError();
    if (request.key.empty() && !request.prefix)
        return Status::invalidArgument("empty key");
    if (request.limit < 0 || request.revision < 0)
        return Status::invalidArgument("negative limit or revision");
    KeyIndex::PastRange found;
    int64_t at = 0;
    {
        std::shared_lock lock(m_stateMutex);
        at = request.revision == 0 ? m_currentRevision : request.revision;
        if (at > m_currentRevision) {
            return Status::invalidArgument("revision " + std::to_string(at) +
                                           " is in the future (current revision " +
                                           std::to_string(m_currentRevision) + ")");
        }
        if (at < m_compactedRevision)
            return compactedError(at, m_compactedRevision);
        found = m_index.range(request, at, m_currentRevision);
    }
    if (!found.fetch.empty()) {
        std::vector<int64_t> revisions;
        revisions.reserve(found.fetch.size());
        for (const auto &f : found.fetch)
            revisions.push_back(f.second);
        std::vector<LogRow> rows;
        if (Status s = m_log->readRows(revisions, at, &rows); !s) {
            if (s.code() == Status::Code::Compacted)
                return compactedError(at, compactedRevision());
            return s;
        }
        for (size_t i = 0; i < rows.size(); ++i) {
            KeyValue &kv = found.result.kvs[found.fetch[i].first];
            if (rows[i].key != kv.key || rows[i].deleted) {
                return Status::dataLoss(m_log->path() + ": the row at revision " +
                                        std::to_string(rows[i].revision) +
                                        " does not hold the key the index expects");
            }
            kv.value = std::move(rows[i].value);
        }
    }
    return std::move(found.result);
}

WriteResult SqliteStore::submit(PendingWrite &write)
{
    WriteResult invalid;
    if (write.key.empty())
        invalid.status = Status::invalidArgument("empty key");
    else if (write.key.size() > kMaxKeyBytes)
        invalid.status = Status::resourceExhausted("key longer than 64 KiB");
    else if (write.value.size() > kMaxValueBytes)
        invalid.status = Status::resourceExhausted("value larger than 64 MiB");
    if (!invalid.status.isOk())
        return invalid;
    {
        std::lock_guard lock(m_queueMutex);
        if (!m_running || m_shutdown)
            return {stoppedError(), {}, 0};
        if (!m_failure.isOk())
            return {m_failure, {}, 0};
        m_queue.push_back(&write);
    }
    m_queueCv.notify_one();
    write.done.acquire();
    return std::move(write.result);
}

WriteResult SqliteStore::create(const std::string &key, std::string value)
{
    PendingWrite w{PendingWrite::Op::Create, key, std::move(value), 0, {}};
    return submit(w);
}

WriteResult SqliteStore::update(const std::string &key, std::string value,
                                int64_t expectedModRevision)
{
    PendingWrite w{PendingWrite::Op::Update, key, std::move(value), expectedModRevision, {}};
    return submit(w);
}

WriteResult SqliteStore::put(const std::string &key, std::string value)
{
    PendingWrite w{PendingWrite::Op::Put, key, std::move(value), 0, {}};
    return submit(w);
}

WriteResult SqliteStore::remove(const std::string &key, int64_t expectedModRevision)
{
    PendingWrite w{PendingWrite::Op::Remove, key, {}, expectedModRevision, {}};
    return submit(w);
}

void SqliteStore::commitLoop()
{
    using namespace std::chrono;
    const bool periodic = m_options.compactionIntervalMs > 0;
    const auto interval = milliseconds(std::max<int64_t>(m_options.compactionIntervalMs, 1));
    auto nextTick = steady_clock::now() + interval;
    int64_t revisionAtLastTick = m_currentRevision;
    int64_t compactTarget = 0;
    std::vector<PendingCompaction *> compactWaiters;
    std::vector<PendingWrite *> batch;
    std::vector<PendingCompaction *> requests;

    const auto finishCompactions = [&](const Status &status) {
        for (PendingCompaction *c : compactWaiters) {
            c->result = status;
            c->done.release();
        }
        compactWaiters.clear();
    };

    for (;;) {
        const bool compacting = compactTarget > m_compactedRevision;
        {
            std::unique_lock lock(m_queueMutex);
            const auto ready = [&] {
                return m_shutdown || compacting || !m_queue.empty() || !m_compactions.empty();
            };
            if (periodic)
                m_queueCv.wait_until(lock, nextTick, ready);
            else
                m_queueCv.wait(lock, ready);
            if (m_shutdown && m_queue.empty()) {
                for (PendingCompaction *c : m_compactions) {
                    c->result = stoppedError();
                    c->done.release();
                }
                m_compactions.clear();
                break;
            }
            if (m_queue.size() <= kMaxBatch) {
                batch.swap(m_queue);
            } else {
                batch.assign(m_queue.begin(), m_queue.begin() + kMaxBatch);
                m_queue.erase(m_queue.begin(), m_queue.begin() + kMaxBatch);
            }
            requests.swap(m_compactions);
        }

        if (!batch.empty())
            commitBatch(batch);
        batch.clear();

        for (PendingCompaction *c : requests) {
            if (c->revision <= std::max(m_compactedRevision, compactTarget) &&
                c->revision <= m_compactedRevision) {
                c->result = compactedError(c->revision, m_compactedRevision);
                c->done.release();
                continue;
            }
            compactTarget = std::max(compactTarget, c->revision);
            compactWaiters.push_back(c);
        }
        requests.clear();

        if (periodic && steady_clock::now() >= nextTick) {
            if (m_running && revisionAtLastTick > std::max(m_compactedRevision, compactTarget))
                compactTarget = revisionAtLastTick;
            revisionAtLastTick = m_currentRevision;
            nextTick = steady_clock::now() + interval;
        }

        if (compactTarget > m_compactedRevision) {
            // One chunk per turn, so writes queued meanwhile go in between.
            if (Status s = m_log->compactStep(compactTarget); !s) {
                compactTarget = m_compactedRevision;
                finishCompactions(s);
            } else if (m_log->state().compactRevision >= compactTarget) {
                {
                    std::unique_lock lock(m_stateMutex);
                    m_index.compact(compactTarget);
                    m_compactedRevision = compactTarget;
                    m_compactedRevisionCopy = compactTarget;
                }
                // Waiters for lower targets are done too: compaction to
                // the highest one covers them.
                finishCompactions({});
            }
        }
    }
    finishCompactions(stoppedError());
}

void SqliteStore::commitBatch(std::vector<PendingWrite *> &batch)
{
    Status failure;
    {
        std::lock_guard lock(m_queueMutex);
        failure = m_failure;
    }
    if (!failure.isOk()) {
        for (PendingWrite *w : batch) {
            w->result = {failure, {}, 0};
            w->done.release();
        }
        return;
    }

    struct Current
    {
        bool live = false;
        int64_t createRevision = 0;
        int64_t modRevision = 0;
        int64_t version = 0;
        const std::string *value = nullptr;
    };
    std::vector<LogRow> rows;
    rows.reserve(batch.size()); // never reallocates: `overlay` points into it
    std::unordered_map<std::string_view, size_t> overlay; // key -> its latest row in `rows`
    std::vector<Event> events;
    int64_t revision = m_currentRevision;

    // The committer is the index's only writer, so it reads it unlocked.
    const auto currentOf = [&](const std::string &key) -> Current {
        if (auto it = overlay.find(key); it != overlay.end()) {
            const LogRow &r = rows[it->second];
            if (r.deleted)
                return {};
            return {true, r.createRevision, r.revision, r.version, &r.value};
        }
        if (const KeyIndex::Entry *e = m_index.find(key); e && e->live()) {
            const KeyIndex::Revision &h = e->history.back();
            return {true, h.createRevision, h.revision, h.version, &e->value};
        }
        return {};
    };
    const auto keyValue = [](const std::string &key, const Current &c) {
        KeyValue kv;
        if (c.live) {
            kv.key = key;
            kv.value = *c.value;
            kv.createRevision = c.createRevision;
            kv.modRevision = c.modRevision;
            kv.version = c.version;
        }
        return kv;
    };

    for (PendingWrite *w : batch) {
        const Current cur = currentOf(w->key);
        WriteResult &result = w->result;
        result.revision = revision;
        using Op = PendingWrite::Op;
        if (w->op == Op::Create && cur.live) {
            result.status = Status::alreadyExists("key " + w->key + " already exists");
        } else if ((w->op == Op::Update || w->op == Op::Remove) && !cur.live) {
            result.status = Status::notFound("key " + w->key + " not found");
        } else if ((w->op == Op::Update || w->op == Op::Remove) && w->expectedModRevision != 0 &&
                   w->expectedModRevision != cur.modRevision) {
            result.status = Status::conflict("key " + w->key + " has mod revision " +
                                             std::to_string(cur.modRevision) + ", not " +
                                             std::to_string(w->expectedModRevision));
        }
        if (!result.status.isOk()) {
            result.kv = keyValue(w->key, cur);
            continue;
        }

        LogRow row;
        row.revision = ++revision;
        row.key = w->key;
        row.prevRevision = cur.live ? cur.modRevision : 0;
        Event event;
        if (cur.live)
            event.prevKv = keyValue(w->key, cur);
        if (w->op == Op::Remove) {
            row.deleted = true;
            event.type = Event::Type::Delete;
            event.kv.key = w->key;
            event.kv.modRevision = row.revision;
            result.kv = event.prevKv;
        } else {
            row.createRevision = cur.live ? cur.createRevision : row.revision;
            row.version = cur.live ? cur.version + 1 : 1;
            row.value = std::move(w->value);
            event.type = Event::Type::Put;
            event.kv.key = w->key;
            event.kv.value = row.value;
            event.kv.createRevision = row.createRevision;
            event.kv.modRevision = row.revision;
            event.kv.version = row.version;
            result.kv = event.kv;
        }
        result.revision = row.revision;
        rows.push_back(std::move(row));
        overlay[rows.back().key] = rows.size() - 1;
        events.push_back(std::move(event));
    }

    if (!rows.empty()) {
        std::vector<const LogRow *> pointers;
        pointers.reserve(rows.size());
        for (const LogRow &r : rows)
            pointers.push_back(&r);
        if (Status s = m_log->append(pointers, revision); !s) {
            // After a failed commit (or sync) the disk state is unknown:
            // refuse further writes; a reopen recovers what is durable.
            {
                std::lock_guard lock(m_queueMutex);
                m_failure = s;
            }
            for (PendingWrite *w : batch) {
                w->result = {s, {}, 0};
                w->done.release();
            }
            return;
        }
        overlay.clear();
        {
            std::unique_lock lock(m_stateMutex);
            for (LogRow &r : rows)
                m_index.apply(std::move(r));
            m_currentRevision = revision;
            m_currentRevisionCopy = revision;
        }
        m_hub->publish(events, revision);
    }
    for (PendingWrite *w : batch)
        w->done.release();
}

Status SqliteStore::readHistory(const WatchRequest &request, int64_t from, int64_t to,
                                const std::function<bool(std::vector<Event> &&)> &emit,
                                int64_t *compactRevision)
{
    constexpr size_t kEventsPerResponse = 256;
    std::vector<Event> events;
    bool more = true;
    const auto match = [&](const std::string &key) {
        return request.prefix ? key.starts_with(request.key) : key == request.key;
    };
    const auto toKeyValue = [](LogRow &&r) {
        KeyValue kv;
        kv.key = std::move(r.key);
        kv.value = std::move(r.value);
        kv.createRevision = r.createRevision;
        kv.modRevision = r.revision;
        kv.version = r.version;
        return kv;
    };
    const Status status = m_log->readEvents(
        from, to, match,
        [&](LogRow &&row, std::optional<LogRow> &&prev) {
            Event e;
            e.type = row.deleted ? Event::Type::Delete : Event::Type::Put;
            if (row.deleted) {
                e.kv.key = row.key;
                e.kv.modRevision = row.revision;
            } else {
                e.kv = toKeyValue(std::move(row));
            }
            if (prev)
                e.prevKv = toKeyValue(std::move(*prev));
            events.push_back(std::move(e));
            if (events.size() >= kEventsPerResponse) {
                more = emit(std::move(events));
                events = {};
            }
            return more;
        },
        compactRevision);
    if (status.isOk() && more && !events.empty())
        emit(std::move(events));
    return status;
}

std::unique_ptr<Watch> SqliteStore::watch(const WatchRequest &request, WatchCallback callback)
{
    // While stopped the hub ends the watch at once with Unavailable.
    return m_hub->watch(request, std::move(callback), compactedRevision());
}

int64_t SqliteStore::currentRevision() const
{
    return m_currentRevisionCopy.load();
}

int64_t SqliteStore::compactedRevision() const
{
    return m_compactedRevisionCopy.load();
}

Status SqliteStore::compact(int64_t revision)
{
    if (!m_running)
        return stoppedError();
    {
        std::shared_lock lock(m_stateMutex);
        if (revision > m_currentRevision) {
            return Status::invalidArgument("cannot compact to revision " +
                                           std::to_string(revision) + ": current revision is " +
                                           std::to_string(m_currentRevision));
        }
        if (revision <= m_compactedRevision)
            return compactedError(revision, m_compactedRevision);
    }
    PendingCompaction c;
    c.revision = revision;
    {
        std::lock_guard lock(m_queueMutex);
        if (!m_running || m_shutdown)
            return stoppedError();
        m_compactions.push_back(&c);
    }
    m_queueCv.notify_one();
    c.done.acquire();
    return c.result;
}

void SqliteStore::stop()
{
    {
        std::lock_guard lock(m_queueMutex);
        m_running = false;
        // Writes not yet taken by the committer fail; the group being
        // committed completes (it may already be durable).
        for (PendingWrite *w : m_queue) {
            w->result = {stoppedError(), {}, 0};
            w->done.release();
        }
        m_queue.clear();
    }
    m_hub->stop(stoppedError());
}

void SqliteStore::start()
{
    {
        std::lock_guard lock(m_queueMutex);
        m_running = true;
    }
    m_hub->resume();
}

bool SqliteStore::isRunning() const
{
    return m_running;
}

} // namespace kubist::store
