#include "revisionlog.h"

#include "crc32c.h"

#include <sqlite3.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace kubist::store {

namespace {

constexpr int64_t kCompactChunk = 20000; // revisions per compaction transaction

struct StmtDeleter
{
    void operator()(sqlite3_stmt *s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

constexpr const char *kSchema = R"sql(
CREATE TABLE log(
    revision INTEGER PRIMARY KEY,
    key BLOB NOT NULL,
    create_revision INTEGER NOT NULL,
    prev_revision INTEGER NOT NULL,
    version INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    value BLOB NOT NULL,
    checksum INTEGER NOT NULL
) STRICT;
CREATE TABLE state(
    id INTEGER PRIMARY KEY CHECK (id = 1),
    current_revision INTEGER NOT NULL,
    compact_revision INTEGER NOT NULL,
    checksum INTEGER NOT NULL
) STRICT;
)sql";

constexpr const char *kRowColumns =
    "revision, key, create_revision, prev_revision, version, deleted, value, checksum";

uint32_t stateChecksum(const RevisionLog::State &s)
{
    unsigned char buf[16 + 5];
    const auto put = [&](int at, int64_t v) {
        for (int i = 0; i < 8; ++i)
            buf[at + i] = static_cast<unsigned char>(static_cast<uint64_t>(v) >> (8 * i));
    };
    put(0, s.currentRevision);
    put(8, s.compactRevision);
    std::memcpy(buf + 16, "state", 5);
    return crc32c::extend(0, buf, sizeof buf);
}

std::string blobColumn(sqlite3_stmt *s, int column)
{
    const void *p = sqlite3_column_blob(s, column);
    const int n = sqlite3_column_bytes(s, column);
    return p ? std::string(static_cast<const char *>(p), size_t(n)) : std::string();
}

Status syncPath(const std::string &path, bool directory)
{
    const int fd = ::open(path.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return Status::internal("cannot open " + path + " to sync it: " + std::strerror(errno));
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0)
        return Status::internal("cannot sync " + path + ": " + std::strerror(err));
    return {};
}

bool exists(const std::string &path)
{
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
}

} // namespace

struct RevisionLog::Connection
{
    sqlite3 *db = nullptr;
    Stmt begin, commit, rollback;
    Stmt insert, writeState, readState, byRevision, scanAll, scanRange, deletePrev,
        deleteTombstones;

    ~Connection()
    {
        begin.reset();
        commit.reset();
        rollback.reset();
        insert.reset();
        writeState.reset();
        readState.reset();
        byRevision.reset();
        scanAll.reset();
        scanRange.reset();
        deletePrev.reset();
        deleteTombstones.reset();
        if (db)
            sqlite3_close_v2(db);
    }
};

// Borrows an idle reader connection (opening one if none is idle) and gives
// it back when done, unless the read failed (then it is closed).
class RevisionLog::ReaderLease
{
public:
    explicit ReaderLease(RevisionLog *log)
        : m_log(log)
    {}
    ~ReaderLease()
    {
        if (m_connection && m_healthy) {
            std::lock_guard lock(m_log->m_readersMutex);
            m_log->m_idleReaders.push_back(std::move(m_connection));
        }
    }
    Status take()
    {
        {
            std::lock_guard lock(m_log->m_readersMutex);
            if (!m_log->m_idleReaders.empty()) {
                m_connection = std::move(m_log->m_idleReaders.back());
                m_log->m_idleReaders.pop_back();
                return {};
            }
        }
        auto opened = m_log->openReader();
        if (!opened)
            return opened.status();
        m_connection = std::move(opened).value();
        return {};
    }
    Connection &operator*() { return *m_connection; }
    void setHealthy(bool healthy) { m_healthy = healthy; }

private:
    RevisionLog *m_log;
    std::unique_ptr<Connection> m_connection;
    bool m_healthy = true;
};

RevisionLog::RevisionLog(std::string path, Options options)
    : m_path(std::move(path))
    , m_options(std::move(options))
{}

RevisionLog::~RevisionLog()
{
    {
        std::lock_guard lock(m_readersMutex);
        m_idleReaders.clear();
    }
    m_writer.reset(); // the last close checkpoints and removes the WAL
}

Status RevisionLog::error(sqlite3 *db, int rc, const std::string &what) const
{
    std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    std::string message = m_path + ": " + what + ": " + detail;
    switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return Status::dataLoss(message + " (the database file is damaged or not a Kubist store)");
    case SQLITE_FULL:
        return Status::resourceExhausted(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return Status::unavailable(message);
    default:
        return Status::internal(message);
    }
}

namespace {

// Runs `sql` (no results wanted).
int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
}

// Runs a one-value PRAGMA and returns its value as text.
int pragmaText(sqlite3 *db, const std::string &sql, std::string *out)
{
    sqlite3_stmt *raw = nullptr;
    int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr);
    Stmt s(raw);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(s.get());
    if (rc == SQLITE_ROW) {
        const auto *t = sqlite3_column_text(s.get(), 0);
        *out = t ? reinterpret_cast<const char *>(t) : "";
        return SQLITE_OK;
    }
    out->clear();
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int prepare(sqlite3 *db, const std::string &sql, Stmt *out)
{
    sqlite3_stmt *raw = nullptr;
    const int rc =
        sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    out->reset(raw);
    return rc;
}

// Resets a statement when leaving scope, so no read transaction stays open.
struct ResetGuard
{
    sqlite3_stmt *s;
    ~ResetGuard()
    {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
    }
};

Status createStore(const std::string &dataDir, const std::string &dbPath,
                   const RevisionLog::Options &options)
{
    const std::string tmp = dbPath + ".tmp";
    for (const char *suffix : {"", "-wal", "-shm", "-journal"})
        std::remove((tmp + suffix).c_str());

    sqlite3 *db = nullptr;
    int rc = sqlite3_open_v2(tmp.c_str(), &db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             options.vfs.empty() ? nullptr : options.vfs.c_str());
    const auto fail = [&](const std::string &what) {
        std::string message =
            tmp + ": " + what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close_v2(db);
        return Status::internal("cannot create the store: " + message);
    };
    if (rc != SQLITE_OK)
        return fail("open");
    const std::string init =
        std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; BEGIN;") + kSchema +
        "INSERT INTO state(id, current_revision, compact_revision, checksum) VALUES (1, 0, 0, " +
        std::to_string(stateChecksum({})) + ");" +
        "PRAGMA application_id=" + std::to_string(RevisionLog::kApplicationId) + ";" +
        "PRAGMA user_version=" + std::to_string(RevisionLog::kFormatVersion) + "; COMMIT;";
    rc = exec(db, init.c_str());
    if (rc != SQLITE_OK)
        return fail("initialize");
    rc = sqlite3_close(db);
    db = nullptr;
    if (rc != SQLITE_OK)
        return fail("close");
    if (exists(tmp + "-wal"))
        return Status::internal("cannot create the store: " + tmp + "-wal was not checkpointed");
    if (Status s = syncPath(tmp, false); !s)
        return s;
    if (::rename(tmp.c_str(), dbPath.c_str()) != 0)
        return Status::internal("cannot rename " + tmp + " to " + dbPath + ": " +
                                std::strerror(errno));
    return syncPath(dataDir, true);
}

// Checks the first bytes ourselves, so a file that is not SQLite at all gets
// a plain message rather than whatever the first query reports.
Status checkHeader(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return Status::internal("cannot open " + path + ": " + std::strerror(errno));
    char header[100] = {};
    const ssize_t n = ::pread(fd, header, sizeof header, 0);
    ::close(fd);
    if (n < 0)
        return Status::internal("cannot read " + path + ": " + std::strerror(errno));
    if (n < ssize_t(sizeof header) || std::memcmp(header, "SQLite format 3", 16) != 0) {
        return Status::dataLoss(path + " is not a Kubist store: " +
                                (n == 0 ? std::string("the file is empty")
                                        : "it does not start with the SQLite header (" +
                                              std::to_string(n) + " bytes read)") +
                                "; refusing to open or overwrite it");
    }
    return {};
}

} // namespace

Result<std::unique_ptr<RevisionLog>> RevisionLog::open(const std::string &dataDir,
                                                       const Options &options)
{
    const std::string dbPath = dataDir + "/store.db";
    // A store.db.tmp is a creation that did not finish; it never held data.
    for (const char *suffix : {"", "-wal", "-shm", "-journal"})
        std::remove((dbPath + ".tmp" + suffix).c_str());
    if (!exists(dbPath)) {
        if (exists(dbPath + "-wal")) {
            return Status::dataLoss(dbPath + " is missing but its write-ahead log " + dbPath +
                                    "-wal exists; refusing to start a new store over it");
        }
        if (Status s = createStore(dataDir, dbPath, options); !s)
            return s;
    }
    if (Status s = checkHeader(dbPath); !s)
        return s;
    std::unique_ptr<RevisionLog> log(new RevisionLog(dbPath, options));
    if (Status s = log->openWriter(); !s)
        return s;
    return log;
}

Status RevisionLog::openWriter()
{
    auto c = std::make_unique<Connection>();
    int rc = sqlite3_open_v2(m_path.c_str(), &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                             m_options.vfs.empty() ? nullptr : m_options.vfs.c_str());
    if (rc != SQLITE_OK)
        return error(c->db, rc, "cannot open");
    sqlite3_extended_result_codes(c->db, 1);

    std::string text;
    if ((rc = pragmaText(c->db, "PRAGMA application_id", &text)) != SQLITE_OK)
        return error(c->db, rc, "cannot read the header");
    if (text != std::to_string(kApplicationId)) {
        return Status::invalidArgument(m_path + " is not a Kubist store (SQLite application_id " +
                                       text + ", expected " + std::to_string(kApplicationId) +
                                       "); refusing to open or overwrite it");
    }
    if ((rc = pragmaText(c->db, "PRAGMA user_version", &text)) != SQLITE_OK)
        return error(c->db, rc, "cannot read the header");
    if (text != std::to_string(kFormatVersion)) {
        return Status::unsupported(m_path + " has store format version " + text +
                                   "; this build reads version " + std::to_string(kFormatVersion));
    }
    // quick_check reads every page: b-tree structure, record formats,
    // NOT NULL and STRICT types. Values are checked by their own checksums
    // in scan().
    if ((rc = pragmaText(c->db, "PRAGMA quick_check(1)", &text)) != SQLITE_OK)
        return error(c->db, rc, "PRAGMA quick_check");
    if (text != "ok")
        return Status::dataLoss(m_path + " is damaged (PRAGMA quick_check: " + text + ")");
    if ((rc = pragmaText(c->db, "PRAGMA journal_mode=WAL", &text)) != SQLITE_OK || text != "wal")
        return error(c->db, rc, "cannot switch to WAL (journal_mode " + text + ")");
    const std::string pragmas = std::string("PRAGMA synchronous=") +
                                (m_options.powerSafe ? "FULL" : "NORMAL") +
                                "; PRAGMA cell_size_check=ON; PRAGMA wal_autocheckpoint=4000;"
                                " PRAGMA journal_size_limit=67108864; PRAGMA cache_size=-32768;";
    if ((rc = exec(c->db, pragmas.c_str())) != SQLITE_OK)
        return error(c->db, rc, "cannot configure");

    const std::string cols = kRowColumns;
    struct
    {
        Stmt *stmt;
        std::string sql;
    } statements[] = {
        {&c->begin, "BEGIN IMMEDIATE"},
        {&c->commit, "COMMIT"},
        {&c->rollback, "ROLLBACK"},
        {&c->insert, "INSERT INTO log(" + cols + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"},
        {&c->writeState,
         "UPDATE state SET current_revision = ?, compact_revision = ?, checksum = ? WHERE id = 1"},
        {&c->readState, "SELECT current_revision, compact_revision, checksum FROM state"},
        {&c->scanAll, "SELECT " + cols + " FROM log ORDER BY revision"},
        {&c->deletePrev, "DELETE FROM log WHERE revision IN (SELECT prev_revision FROM log"
                         " WHERE revision > ?1 AND revision <= ?2 AND prev_revision > 0)"},
        {&c->deleteTombstones,
         "DELETE FROM log WHERE revision > ?1 AND revision <= ?2 AND deleted = 1"},
    };
    for (auto &s : statements) {
        if ((rc = prepare(c->db, s.sql, s.stmt)) != SQLITE_OK) {
            return Status::invalidArgument(m_path + " is not a Kubist store (" +
                                           sqlite3_errmsg(c->db) + ")");
        }
    }
    if (Status s = readState(*c, &m_state); !s)
        return s;
    m_writer = std::move(c);
    return {};
}

Result<std::unique_ptr<RevisionLog::Connection>> RevisionLog::openReader()
{
    auto c = std::make_unique<Connection>();
    int rc = sqlite3_open_v2(m_path.c_str(), &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                             m_options.vfs.empty() ? nullptr : m_options.vfs.c_str());
    if (rc != SQLITE_OK)
        return error(c->db, rc, "cannot open a reader");
    sqlite3_extended_result_codes(c->db, 1);
    if ((rc = exec(c->db, "PRAGMA query_only=1; PRAGMA cell_size_check=ON;")) != SQLITE_OK)
        return error(c->db, rc, "cannot configure a reader");
    const std::string cols = kRowColumns;
    struct
    {
        Stmt *stmt;
        std::string sql;
    } statements[] = {
        {&c->begin, "BEGIN"},
        {&c->commit, "COMMIT"},
        {&c->rollback, "ROLLBACK"},
        {&c->readState, "SELECT current_revision, compact_revision, checksum FROM state"},
        {&c->byRevision, "SELECT " + cols + " FROM log WHERE revision = ?"},
        {&c->scanRange,
         "SELECT " + cols + " FROM log WHERE revision >= ? AND revision <= ? ORDER BY revision"},
    };
    for (auto &s : statements) {
        if ((rc = prepare(c->db, s.sql, s.stmt)) != SQLITE_OK)
            return error(c->db, rc, "cannot prepare a reader");
    }
    return c;
}

Status RevisionLog::readState(Connection &c, State *state)
{
    sqlite3_stmt *s = c.readState.get();
    ResetGuard guard{s};
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        if (rc == SQLITE_DONE)
            return Status::dataLoss(m_path + " is damaged: the state row is missing");
        return error(c.db, rc, "cannot read the state row");
    }
    State read{sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1)};
    const int64_t stored = sqlite3_column_int64(s, 2);
    if (stored != int64_t(stateChecksum(read)) || read.compactRevision < 0 ||
        read.compactRevision > read.currentRevision) {
        return Status::dataLoss(m_path + " is damaged: the state row fails its checksum");
    }
    if ((rc = sqlite3_step(s)) != SQLITE_DONE)
        return Status::dataLoss(m_path + " is damaged: more than one state row");
    *state = read;
    return {};
}

namespace {

// Reads the current row of `s` into `row` and checks its checksum.
bool readRowColumns(sqlite3_stmt *s, LogRow *row)
{
    row->revision = sqlite3_column_int64(s, 0);
    row->key = blobColumn(s, 1);
    row->createRevision = sqlite3_column_int64(s, 2);
    row->prevRevision = sqlite3_column_int64(s, 3);
    row->version = sqlite3_column_int64(s, 4);
    const int64_t deleted = sqlite3_column_int64(s, 5);
    row->deleted = deleted != 0;
    row->value = blobColumn(s, 6);
    const int64_t stored = sqlite3_column_int64(s, 7);
    return (deleted == 0 || deleted == 1) && stored == int64_t(row->checksum());
}

} // namespace

Status RevisionLog::readRow(Connection &c, int64_t revision, LogRow *row)
{
    sqlite3_stmt *s = c.byRevision.get();
    ResetGuard guard{s};
    sqlite3_bind_int64(s, 1, revision);
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) {
        return Status::dataLoss(m_path + " is damaged: the row at revision " +
                                std::to_string(revision) + " is missing");
    }
    if (rc != SQLITE_ROW)
        return error(c.db, rc, "cannot read revision " + std::to_string(revision));
    if (!readRowColumns(s, row) || row->revision != revision) {
        return Status::dataLoss(m_path + " is damaged: the row at revision " +
                                std::to_string(revision) + " fails its checksum");
    }
    return {};
}

Status RevisionLog::scan(const std::function<void(LogRow &&)> &visit)
{
    sqlite3_stmt *s = m_writer->scanAll.get();
    ResetGuard guard{s};
    int64_t previous = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        LogRow row;
        const bool intact = readRowColumns(s, &row);
        const std::string where =
            m_path + " is damaged: the row at revision " + std::to_string(row.revision);
        if (!intact)
            return Status::dataLoss(where + " fails its checksum");
        if (row.revision <= previous || row.revision > m_state.currentRevision) {
            return Status::dataLoss(where + " lies outside the log (current revision " +
                                    std::to_string(m_state.currentRevision) + ")");
        }
        previous = row.revision;
        visit(std::move(row));
    }
    if (rc != SQLITE_DONE)
        return error(m_writer->db, rc, "cannot read the log");
    return {};
}

Status RevisionLog::writeState(const State &state)
{
    sqlite3_stmt *s = m_writer->writeState.get();
    ResetGuard guard{s};
    sqlite3_bind_int64(s, 1, state.currentRevision);
    sqlite3_bind_int64(s, 2, state.compactRevision);
    sqlite3_bind_int64(s, 3, int64_t(stateChecksum(state)));
    const int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        return error(m_writer->db, rc, "cannot write the state row");
    if (sqlite3_changes(m_writer->db) != 1)
        return Status::dataLoss(m_path + " is damaged: the state row is missing");
    return {};
}

namespace {

int stepOnce(sqlite3_stmt *s)
{
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc;
}

} // namespace

Status RevisionLog::append(const std::vector<const LogRow *> &rows, int64_t currentRevision)
{
    Connection &c = *m_writer;
    int rc = stepOnce(c.begin.get());
    if (rc != SQLITE_DONE)
        return error(c.db, rc, "cannot begin a write");
    const auto rollback = [&](Status s) {
        stepOnce(c.rollback.get());
        return s;
    };
    sqlite3_stmt *ins = c.insert.get();
    for (const LogRow *row : rows) {
        ResetGuard guard{ins};
        sqlite3_bind_int64(ins, 1, row->revision);
        sqlite3_bind_blob64(ins, 2, row->key.data(), row->key.size(), SQLITE_STATIC);
        sqlite3_bind_int64(ins, 3, row->createRevision);
        sqlite3_bind_int64(ins, 4, row->prevRevision);
        sqlite3_bind_int64(ins, 5, row->version);
        sqlite3_bind_int64(ins, 6, row->deleted ? 1 : 0);
        sqlite3_bind_blob64(ins, 7, row->value.data(), row->value.size(), SQLITE_STATIC);
        sqlite3_bind_int64(ins, 8, int64_t(row->checksum()));
        if ((rc = sqlite3_step(ins)) != SQLITE_DONE) {
            return rollback(
                error(c.db, rc, "cannot append revision " + std::to_string(row->revision)));
        }
    }
    State next{currentRevision, m_state.compactRevision};
    if (Status s = writeState(next); !s)
        return rollback(s);
    if ((rc = stepOnce(c.commit.get())) != SQLITE_DONE)
        return rollback(error(c.db, rc, "cannot commit"));
    m_state = next;
    return {};
}

Status RevisionLog::compactStep(int64_t upTo)
{
    Connection &c = *m_writer;
    if (m_state.compactRevision < upTo) {
        const int64_t from = m_state.compactRevision;
        const int64_t to = std::min(upTo, from + kCompactChunk);
        int rc = stepOnce(c.begin.get());
        if (rc != SQLITE_DONE)
            return error(c.db, rc, "cannot begin a compaction");
        const auto rollback = [&](Status s) {
            stepOnce(c.rollback.get());
            return s;
        };
        // Superseded rows first (a tombstone's own predecessor goes too),
        // then the tombstones themselves.
        for (sqlite3_stmt *s : {c.deletePrev.get(), c.deleteTombstones.get()}) {
            ResetGuard guard{s};
            sqlite3_bind_int64(s, 1, from);
            sqlite3_bind_int64(s, 2, to);
            if ((rc = sqlite3_step(s)) != SQLITE_DONE)
                return rollback(error(c.db, rc, "cannot compact"));
        }
        State next{m_state.currentRevision, to};
        if (Status s = writeState(next); !s)
            return rollback(s);
        if ((rc = stepOnce(c.commit.get())) != SQLITE_DONE)
            return rollback(error(c.db, rc, "cannot commit a compaction"));
        m_state = next;
    }
    return {};
}

Status RevisionLog::readRows(const std::vector<int64_t> &revisions, int64_t atRevision,
                             std::vector<LogRow> *out)
{
    ReaderLease lease(this);
    if (Status s = lease.take(); !s)
        return s;
    Connection &c = *lease;
    int rc = stepOnce(c.begin.get());
    if (rc != SQLITE_DONE) {
        lease.setHealthy(false);
        return error(c.db, rc, "cannot begin a read");
    }
    Status result;
    State state;
    if (Status s = readState(c, &state); !s) {
        result = s;
    } else if (state.compactRevision > atRevision) {
        result = Status(Status::Code::Compacted, "revision " + std::to_string(atRevision) +
                                                     " has been compacted (to " +
                                                     std::to_string(state.compactRevision) + ")");
    } else {
        out->resize(revisions.size());
        for (size_t i = 0; i < revisions.size() && result.isOk(); ++i)
            result = readRow(c, revisions[i], &(*out)[i]);
    }
    stepOnce(c.commit.get());
    if (!result && result.code() != Status::Code::Compacted)
        lease.setHealthy(false);
    return result;
}

Status
RevisionLog::readEvents(int64_t from, int64_t to,
                        const std::function<bool(const std::string &key)> &match,
                        const std::function<bool(LogRow &&row, std::optional<LogRow> &&prev)> &sink,
                        int64_t *compactRevision)
{
    ReaderLease lease(this);
    if (Status s = lease.take(); !s)
        return s;
    Connection &c = *lease;
    int rc = stepOnce(c.begin.get());
    if (rc != SQLITE_DONE) {
        lease.setHealthy(false);
        return error(c.db, rc, "cannot begin a read");
    }
    Status result;
    State state;
    if (Status s = readState(c, &state); !s) {
        result = s;
    } else if (state.compactRevision >= from) {
        *compactRevision = state.compactRevision;
        result = Status(Status::Code::Compacted, "revision " + std::to_string(from) +
                                                     " has been compacted (to " +
                                                     std::to_string(state.compactRevision) + ")");
    } else {
        sqlite3_stmt *s = c.scanRange.get();
        ResetGuard guard{s};
        sqlite3_bind_int64(s, 1, from);
        sqlite3_bind_int64(s, 2, to);
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            const std::string key = blobColumn(s, 1);
            if (!match(key))
                continue;
            LogRow row;
            if (!readRowColumns(s, &row)) {
                result = Status::dataLoss(m_path + " is damaged: the row at revision " +
                                          std::to_string(row.revision) + " fails its checksum");
                break;
            }
            std::optional<LogRow> prev;
            if (row.prevRevision > 0) {
                prev.emplace();
                if (Status p = readRow(c, row.prevRevision, &*prev); !p) {
                    result = p;
                    break;
                }
            }
            if (!sink(std::move(row), std::move(prev)))
                break;
        }
        if (result.isOk() && rc != SQLITE_DONE && rc != SQLITE_ROW)
            result = error(c.db, rc, "cannot read the log");
    }
    stepOnce(c.commit.get());
    if (!result && result.code() != Status::Code::Compacted)
        lease.setHealthy(false);
    return result;
}

} // namespace kubist::store
