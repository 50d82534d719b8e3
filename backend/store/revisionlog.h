#pragma once

#include "logrow.h"

#include "backend/util/status.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace kubist::store {

// RevisionLog: the durable half of the store, `<dataDir>/store.db` in SQLite
// (WAL journal), an append-only log of LogRows plus one state row holding the
// current and the compacted revision. FORMAT.md describes the schema, the
// checksums, what open() refuses and how a crash is recovered.
//
// Threads: the writer side (scan, append, compact) is called by one thread
// at a time (the store's committer). The reader side may be called from any
// thread; each call takes a pooled connection of its own and reads one
// consistent snapshot (WAL readers never block the writer).
class RevisionLog final
{
public:
    struct Options
    {
        bool powerSafe = true; // synchronous=FULL, else NORMAL
        std::string vfs;       // SQLite VFS name; empty: the default
    };
    struct State
    {
        int64_t currentRevision = 0;
        int64_t compactRevision = 0;
    };

    static constexpr int32_t kApplicationId = 0x4B425354; // "KBST"
    static constexpr int32_t kFormatVersion = 1;

    // Opens `<dataDir>/store.db`, creating it when absent (built complete as
    // store.db.tmp, then renamed, so a store.db always holds the schema).
    // Refuses a damaged or foreign file with an error naming it. The caller
    // holds the directory lock.
    static Result<std::unique_ptr<RevisionLog>> open(const std::string &dataDir,
                                                     const Options &options);
    ~RevisionLog();

    RevisionLog(const RevisionLog &) = delete;
    RevisionLog &operator=(const RevisionLog &) = delete;

    const std::string &path() const { return m_path; }
    // The state row as last written by this object (or as opened).
    State state() const { return m_state; }

    // --- Writer side ---

    // Calls `visit` for every row in revision order, each checked first
    // (checksum, ascending revisions, none above the current revision).
    Status scan(const std::function<void(LogRow &&)> &visit);
    // Appends `rows` (ascending, consecutive revisions) and records
    // `currentRevision`, in one transaction; returns once it is durable (as
    // durable as Options::powerSafe says). On error nothing was applied.
    Status append(const std::vector<const LogRow *> &rows, int64_t currentRevision);
    // One step of compaction towards `upTo`: deletes the rows that
    // compaction makes obsolete among the rows in (state().compactRevision,
    // c] (and the rows they supersede) and records compactRevision = c, in
    // one transaction, where c = min(upTo, state().compactRevision + 20000).
    // Call until state().compactRevision reaches upTo; the steps let writes
    // go between them.
    Status compactStep(int64_t upTo);

    // --- Reader side ---

    // Reads the rows at `revisions` (in that order) into `out`. Fails with
    // Compacted if the snapshot's compact revision is above `atRevision`
    // (the rows may be gone) and with DataLoss if a row is missing or fails
    // its checksum.
    Status readRows(const std::vector<int64_t> &revisions, int64_t atRevision,
                    std::vector<LogRow> *out);
    // Calls `sink` with each row in [from, to] whose key `match`es, and the
    // row it superseded (when prevRevision != 0), in revision order, until
    // `sink` returns false. Fails with Compacted (and sets *compactRevision)
    // if the snapshot's compact revision is >= from.
    Status readEvents(int64_t from, int64_t to,
                      const std::function<bool(const std::string &key)> &match,
                      const std::function<bool(LogRow &&row, std::optional<LogRow> &&prev)> &sink,
                      int64_t *compactRevision);

private:
    struct Connection;
    class ReaderLease;

    RevisionLog(std::string path, Options options);
    Status openWriter();
    Result<std::unique_ptr<Connection>> openReader();
    Status writeState(const State &state);
    Status readState(Connection &c, State *state);
    Status readRow(Connection &c, int64_t revision, LogRow *row);
    Status error(sqlite3 *db, int rc, const std::string &what) const;

    // Constant after construction.
    const std::string m_path;
    const Options m_options;

    // Used by the writer side only (one thread at a time).
    std::unique_ptr<Connection> m_writer;
    State m_state;

    // Guarded by m_readersMutex: idle reader connections.
    std::mutex m_readersMutex;
    std::vector<std::unique_ptr<Connection>> m_idleReaders;
};

} // namespace kubist::store
