#pragma once

#include "keyindex.h"
#include "store.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

namespace kubist::store {

class DirLock;
class RevisionLog;
class WatchHub;

// SqliteStore: the Store, as a KeyIndex in memory over a RevisionLog on
// disk, with a WatchHub for watches.
//
// Threads:
// - callers: range() reads the index under a shared lock (and, for a past
//   revision, the log through a pooled reader connection); writes queue a
//   PendingWrite and sleep until the committer acknowledges it.
// - the committer (one thread) drains the queue: it checks each write's
//   compare in queue order against the index plus the batch's earlier
//   writes, gives the successful ones consecutive revisions, appends them to
//   the log in one SQLite transaction (one sync for the whole group), then
//   applies them to the index, publishes them to the watch hub and wakes the
//   writers. It also runs compactions (on demand and every
//   compactionIntervalMs), a chunk at a time between write groups.
// - the watch hub's delivery threads and timer thread.
class SqliteStore final : public Store
{
public:
    static Result<std::unique_ptr<Store>> open(const std::string &dataDir,
                                               const StoreOptions &options);
    // Finishes the writes already queued, ends every watch, closes the log
    // and releases the directory lock.
    ~SqliteStore() override;

    Result<RangeResult> range(const RangeRequest &request) override;
    WriteResult create(const std::string &key, std::string value) override;
    WriteResult update(const std::string &key, std::string value,
                       int64_t expectedModRevision) override;
    WriteResult put(const std::string &key, std::string value) override;
    WriteResult remove(const std::string &key, int64_t expectedModRevision) override;
    std::unique_ptr<Watch> watch(const WatchRequest &request, WatchCallback callback) override;
    int64_t currentRevision() const override;
    int64_t compactedRevision() const override;
    Status compact(int64_t revision) override;
    void stop() override;
    void start() override;
    bool isRunning() const override;

    static constexpr size_t kMaxKeyBytes = 64 * 1024;
    static constexpr size_t kMaxValueBytes = 64 * 1024 * 1024;
    static constexpr size_t kMaxBatch = 4096; // writes per transaction

private:
    struct PendingWrite;
    struct PendingCompaction;

    SqliteStore(const StoreOptions &options, std::unique_ptr<DirLock> lock,
                std::unique_ptr<RevisionLog> log);
    WriteResult submit(PendingWrite &write);
    void commitLoop();
    void commitBatch(std::vector<PendingWrite *> &batch);
    Status readHistory(const WatchRequest &request, int64_t from, int64_t to,
                       const std::function<bool(std::vector<Event> &&)> &emit,
                       int64_t *compactRevision);

    // Constant after construction.
    const StoreOptions m_options;
    const std::unique_ptr<DirLock> m_lock;
    const std::unique_ptr<RevisionLog> m_log; // writer side: committer thread only
    std::unique_ptr<WatchHub> m_hub;

    // Guarded by m_stateMutex; written only by the committer thread (which
    // therefore reads them without the lock).
    mutable std::shared_mutex m_stateMutex;
    KeyIndex m_index;
    int64_t m_currentRevision = 0;
    int64_t m_compactedRevision = 0;
    // Copies for the lock-free getters.
    std::atomic<int64_t> m_currentRevisionCopy{0};
    std::atomic<int64_t> m_compactedRevisionCopy{0};

    // Guarded by m_queueMutex.
    std::mutex m_queueMutex;
    std::condition_variable m_queueCv;
    std::vector<PendingWrite *> m_queue;
    std::vector<PendingCompaction *> m_compactions;
    bool m_shutdown = false;
    Status m_failure;                  // a failed commit: every later write fails with it
    std::atomic<bool> m_running{true}; // written under m_queueMutex

    std::thread m_committer;
};

} // namespace kubist::store
