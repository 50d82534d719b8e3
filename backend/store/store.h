#pragma once

#include "backend/util/status.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace kubist::store {

// One key's value at one revision, as etcd v3 describes it.
struct KeyValue
{
    std::string key;
    std::string value;
    int64_t createRevision = 0; // revision of the write that created the key
    int64_t modRevision = 0;    // revision of the last write to the key
    int64_t version = 0;        // writes since creation (1 after create); reset by delete
};

struct RangeRequest
{
    // Not empty unless `prefix` is set (an empty prefix ranges over every key).
    std::string key;
    // When true, every key starting with `key` (in byte order); else `key` alone.
    bool prefix = false;
    // Read at this revision; 0 means the current one. A revision below
    // compactedRevision() fails with Code::Compacted (reading at exactly the
    // compacted revision works); one above the current revision fails with
    // Code::InvalidArgument.
    int64_t revision = 0;
    // At most this many keys; 0 means no limit.
    int64_t limit = 0;
    // Continuation: only keys strictly greater than this (empty: from the start).
    std::string after;
    // Only count (RangeResult::count), return no key-values.
    bool countOnly = false;
};

struct RangeResult
{
    std::vector<KeyValue> kvs; // ascending key order
    int64_t revision = 0;      // the revision the range was read at
    bool more = false;         // keys remain past the limit
    int64_t count = 0;         // keys in the whole range at that revision (ignoring limit/after)
};

// The outcome of a write. On success `kv` is the key as written (for a
// delete: as it was just before) and `revision` the new store revision. On
// a failed compare (Code::Conflict / AlreadyExists / NotFound) `kv` holds
// the key's current value (empty if absent) so the caller can answer 409,
// and `revision` the store revision the compare was made at. A write is
// acknowledged (returns) only once it is durable; a failed compare uses no
// revision. Other errors: Code::InvalidArgument (empty key),
// Code::ResourceExhausted (key over 64 KiB or value over 64 MiB),
// Code::Unavailable (stopped), and once a commit to disk has failed, that
// error for every later write (Code::DataLoss, Code::ResourceExhausted for a
// full disk, Code::Internal) until the store is reopened: after a failed
// sync nobody can say what is on disk, so the store stops accepting writes.
struct WriteResult
{
    Status status;
    KeyValue kv;
    int64_t revision = 0;
};

struct Event
{
    enum class Type { Put, Delete };
    Type type = Type::Put;
    // Put: the key as written. Delete: key and modRevision (the deletion's
    // revision) set, value empty.
    KeyValue kv;
    // The key just before this event (absent for a create: key empty).
    KeyValue prevKv;
};

// What a watcher receives. Events of one revision always arrive together,
// in one response; responses arrive in revision order, without gaps or
// duplicates.
struct WatchResponse
{
    std::vector<Event> events;
    // The store revision when this response was made (for a progress
    // notification: every revision up to here has been delivered).
    int64_t revision = 0;
    bool progressNotify = false;
    // Set once, in the watcher's last response: Code::Compacted (the start
    // revision is gone; compactRevision says up to where), Code::ResourceExhausted
    // (the watcher fell too far behind), Code::Unavailable (the store stopped).
    Status canceled;
    int64_t compactRevision = 0;
};

struct WatchRequest
{
    std::string key;
    bool prefix = false;
    // Deliver every event at revision >= startRevision. 0: from the next
    // write on. startRevision <= compactedRevision() ends the watch at once
    // with Code::Compacted (the events at the compacted revision itself are
    // gone); a future startRevision waits for it.
    int64_t startRevision = 0;
    // Send a progress notification when no event arrived for this long
    // (real time, milliseconds); 0: never.
    int64_t progressNotifyIntervalMs = 0;
};

// Handle of a running watch. Destroying it cancels the watch; once the
// destructor (or cancel()) returns, the callback is not running and will
// never be called again. cancel() may be called from inside the callback.
// A user cancel gets no final response. The handle may outlive the Store
// (destroying the Store ends every watch without a final response). Do not
// cancel watch A from B's callback while A's callback cancels B: cancel()
// waits for a callback running on another thread.
class Watch
{
public:
    virtual ~Watch() = default;
    virtual void cancel() = 0;
};

using WatchCallback = std::function<void(WatchResponse)>;

struct StoreOptions
{
    // SQLite synchronous=FULL (default): an acknowledged write survives a
    // power loss. false = synchronous=NORMAL in WAL mode: survives a process
    // crash, but the last writes before a power loss may be lost.
    bool powerSafe = true;
    // Per-watcher backlog of undelivered responses before the watcher is
    // cancelled with ResourceExhausted.
    size_t maxWatchBacklog = 10000;
    // Compact automatically every interval (real time, ms) to the revision
    // current at the previous tick, as kube-apiserver does every 5 minutes;
    // 0 disables.
    int64_t compactionIntervalMs = 5 * 60 * 1000;
    // Threads running watch callbacks (each watch is served by one at a time).
    int deliveryThreads = 4;
    // For tests only: the name of a registered SQLite VFS to open the
    // database through (empty: SQLite's default). tests/store uses one that
    // simulates power loss.
    std::string sqliteVfs;
    // Told +1 when a watcher gets responses to deliver and -1 once it has
    // delivered them all (or is cancelled), so a test can see events in
    // flight between a commit and its watchers (IdleTracker). Called from
    // store threads with a watch-hub lock held: it must be quick and must
    // not call the store. May be empty.
    std::function<void(int delta)> onDeliveryWork;
};

// Store: the etcd of the picture. A revisioned, watchable, durable key-value
// store of bytes (it knows nothing of Kubernetes types), kept in SQLite (WAL)
// as an append-only revision log (the way kine maps etcd onto SQLite) with
// an in-memory index for reads and watches.
//
// Thread-safe: every function may be called from any thread. Watch
// callbacks run on the store's own delivery thread(s), serially per watch;
// they must not block for long (a slow watcher is cancelled, never silently
// skipped). A callback may call the store (write, range, cancel itself).
//
// Memory: every live key's current value is held in memory (reads at the
// current revision never touch the disk), plus about 40 bytes per key and
// per history entry kept since the last compaction (values of past
// revisions stay on disk and are read from SQLite for past-revision ranges
// and watch catch-up). 150,000 keys of 3 KiB take about 500 MB.
//
// The on-disk format, the recovery rules and what open() refuses are in
// backend/store/FORMAT.md.
class Store
{
public:
    virtual ~Store() = default;

    // Opens (creating if needed) the store in `dataDir`, which it locks with
    // flock for the life of the object. Fails with a clear error naming the
    // file when the directory is locked by another process or another open
    // Store (Code::Unavailable) or the database is damaged (Code::DataLoss)
    // or foreign (Code::InvalidArgument). Opening verifies every stored
    // row's checksum, so it reads the whole database once.
    static Result<std::unique_ptr<Store>> open(const std::string &dataDir,
                                               const StoreOptions &options = {});

    virtual Result<RangeResult> range(const RangeRequest &request) = 0;

    // Create if absent (AlreadyExists otherwise).
    virtual WriteResult create(const std::string &key, std::string value) = 0;
    // Update if the key exists and, when expectedModRevision != 0, its
    // modRevision equals it (Conflict otherwise; NotFound if absent).
    virtual WriteResult update(const std::string &key, std::string value,
                               int64_t expectedModRevision) = 0;
    // Create or overwrite, unconditionally.
    virtual WriteResult put(const std::string &key, std::string value) = 0;
    // Delete if present and, when expectedModRevision != 0, its modRevision
    // equals it.
    virtual WriteResult remove(const std::string &key, int64_t expectedModRevision) = 0;

    virtual std::unique_ptr<Watch> watch(const WatchRequest &request, WatchCallback callback) = 0;

    virtual int64_t currentRevision() const = 0;
    virtual int64_t compactedRevision() const = 0;
    // Forgets history below `revision` (reads below it and watches from it
    // or below then fail with Compacted). Returns once the compaction is
    // durable. Fails with InvalidArgument if revision > currentRevision()
    // and with Compacted if revision <= compactedRevision().
    virtual Status compact(int64_t revision) = 0;

    // The "etcd is down" fault: while stopped, every call returns
    // Code::Unavailable and running watches are cancelled with it. Nothing
    // stored is lost; start() resumes.
    virtual void stop() = 0;
    virtual void start() = 0;
    virtual bool isRunning() const = 0;
};

} // namespace kubist::store
