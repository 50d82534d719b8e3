#include "powerlossvfs.h"

#include <sqlite3.h>

#include <QFile>
#include <QRandomGenerator>

#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace {

struct Op
{
    bool truncate = false;
    int64_t offset = 0; // or the new size
    std::string data;
};

struct Tracked
{
    std::string durable;
    std::vector<Op> pending;
};

void apply(std::string &content, const Op &op)
{
    if (op.truncate) {
        content.resize(size_t(op.offset));
        return;
    }
    const size_t end = size_t(op.offset) + op.data.size();
    if (content.size() < end)
        content.resize(end);
    std::memcpy(content.data() + op.offset, op.data.data(), op.data.size());
}

struct State
{
    std::mutex mutex;
    sqlite3_vfs *real = nullptr;
    sqlite3_vfs vfs{};
    std::map<std::string, Tracked> files;
    bool armed = false;
    bool cut = false;
    int64_t opsLeft = 0;
};

State &state()
{
    static State s;
    return s;
}

struct File
{
    sqlite3_file base;
    std::string *path; // tracked file's key, or nullptr
    sqlite3_file *real;
};

sqlite3_file *realOf(sqlite3_file *f)
{
    return reinterpret_cast<File *>(f)->real;
}

Tracked &tracked(State &s, const std::string &path)
{
    auto it = s.files.find(path);
    if (it != s.files.end())
        return it->second;
    // First sight in this run: what is on disk now is durable.
    Tracked t;
    QFile existing(QString::fromStdString(path));
    if (existing.open(QIODevice::ReadOnly))
        t.durable = existing.readAll().toStdString();
    return s.files.emplace(path, std::move(t)).first->second;
}

// Counts an operation; returns false if the power is (now) off.
bool powerOn(State &s)
{
    if (!s.armed)
        return true;
    if (s.cut)
        return false;
    if (--s.opsLeft <= 0) {
        s.cut = true;
        return false;
    }
    return true;
}

int xClose(sqlite3_file *f)
{
    auto *file = reinterpret_cast<File *>(f);
    const int rc = file->real->pMethods ? file->real->pMethods->xClose(file->real) : SQLITE_OK;
    delete file->path;
    return rc;
}
int xRead(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
    return realOf(f)->pMethods->xRead(realOf(f), p, n, off);
}
int xWrite(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
    auto *file = reinterpret_cast<File *>(f);
    State &s = state();
    std::lock_guard lock(s.mutex);
    if (!powerOn(s))
        return SQLITE_IOERR_WRITE;
    if (file->path && s.armed)
        tracked(s, *file->path).pending.push_back({false, off, std::string((const char *)p, n)});
    return file->real->pMethods->xWrite(file->real, p, n, off);
}
int xTruncate(sqlite3_file *f, sqlite3_int64 size)
{
    auto *file = reinterpret_cast<File *>(f);
    State &s = state();
    std::lock_guard lock(s.mutex);
    if (!powerOn(s))
        return SQLITE_IOERR_TRUNCATE;
    if (file->path && s.armed)
        tracked(s, *file->path).pending.push_back({true, size, {}});
    return file->real->pMethods->xTruncate(file->real, size);
}
int xSync(sqlite3_file *f, int)
{
    auto *file = reinterpret_cast<File *>(f);
    State &s = state();
    std::lock_guard lock(s.mutex);
    if (!powerOn(s))
        return SQLITE_IOERR_FSYNC;
    if (file->path && s.armed) {
        Tracked &t = tracked(s, *file->path);
        for (const Op &op : t.pending)
            apply(t.durable, op);
        t.pending.clear();
    }
    return SQLITE_OK;
}
int xFileSize(sqlite3_file *f, sqlite3_int64 *size)
{
    return realOf(f)->pMethods->xFileSize(realOf(f), size);
}
int xLock(sqlite3_file *f, int l)
{
    return realOf(f)->pMethods->xLock(realOf(f), l);
}
int xUnlock(sqlite3_file *f, int l)
{
    return realOf(f)->pMethods->xUnlock(realOf(f), l);
}
int xCheckReservedLock(sqlite3_file *f, int *out)
{
    return realOf(f)->pMethods->xCheckReservedLock(realOf(f), out);
}
int xFileControl(sqlite3_file *f, int op, void *arg)
{
    if (op == SQLITE_FCNTL_SIZE_HINT || op == SQLITE_FCNTL_CHUNK_SIZE)
        return SQLITE_NOTFOUND; // keep every size change an explicit truncate
    return realOf(f)->pMethods->xFileControl(realOf(f), op, arg);
}
int xSectorSize(sqlite3_file *f)
{
    return realOf(f)->pMethods->xSectorSize(realOf(f));
}
int xDeviceCharacteristics(sqlite3_file *f)
{
    return realOf(f)->pMethods->xDeviceCharacteristics(realOf(f));
}
int xShmMap(sqlite3_file *f, int pg, int sz, int extend, void volatile **pp)
{
    return realOf(f)->pMethods->xShmMap(realOf(f), pg, sz, extend, pp);
}
int xShmLock(sqlite3_file *f, int offset, int n, int flags)
{
    return realOf(f)->pMethods->xShmLock(realOf(f), offset, n, flags);
}
void xShmBarrier(sqlite3_file *f)
{
    realOf(f)->pMethods->xShmBarrier(realOf(f));
}
int xShmUnmap(sqlite3_file *f, int deleteFlag)
{
    return realOf(f)->pMethods->xShmUnmap(realOf(f), deleteFlag);
}
int xFetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
    *pp = nullptr; // no memory-mapped reads: every read goes through xRead
    (void)f;
    (void)off;
    (void)n;
    return SQLITE_OK;
}
int xUnfetch(sqlite3_file *, sqlite3_int64, void *)
{
    return SQLITE_OK;
}

const sqlite3_io_methods kMethods = {
    3,
    xClose,
    xRead,
    xWrite,
    xTruncate,
    xSync,
    xFileSize,
    xLock,
    xUnlock,
    xCheckReservedLock,
    xFileControl,
    xSectorSize,
    xDeviceCharacteristics,
    xShmMap,
    xShmLock,
    xShmBarrier,
    xShmUnmap,
    xFetch,
    xUnfetch,
};

int vfsOpen(sqlite3_vfs *, sqlite3_filename name, sqlite3_file *f, int flags, int *outFlags)
{
    State &s = state();
    auto *file = reinterpret_cast<File *>(f);
    file->real = reinterpret_cast<sqlite3_file *>(file + 1);
    file->path = nullptr;
    file->base.pMethods = nullptr;
    const int rc = s.real->xOpen(s.real, name, file->real, flags, outFlags);
    if (rc != SQLITE_OK)
        return rc;
    if (name && (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL))) {
        file->path = new std::string(name);
        std::lock_guard lock(s.mutex);
        if (s.armed)
            tracked(s, *file->path);
    }
    file->base.pMethods = &kMethods;
    return SQLITE_OK;
}

int vfsDelete(sqlite3_vfs *, const char *name, int syncDir)
{
    State &s = state();
    {
        std::lock_guard lock(s.mutex);
        if (!powerOn(s))
            return SQLITE_IOERR_DELETE;
        s.files.erase(name); // deleting is durable here (a simplification)
    }
    return s.real->xDelete(s.real, name, syncDir);
}

} // namespace

void PowerLossVfs::install()
{
    State &s = state();
    std::lock_guard lock(s.mutex);
    if (s.real)
        return;
    s.real = sqlite3_vfs_find(nullptr);
    s.vfs = *s.real;
    s.vfs.zName = kName;
    s.vfs.szOsFile = int(sizeof(File)) + s.real->szOsFile;
    s.vfs.xOpen = vfsOpen;
    s.vfs.xDelete = vfsDelete;
    s.vfs.pNext = nullptr;
    sqlite3_vfs_register(&s.vfs, 0);
}

void PowerLossVfs::arm(int64_t cutAfter)
{
    State &s = state();
    std::lock_guard lock(s.mutex);
    s.files.clear();
    s.armed = true;
    s.cut = false;
    s.opsLeft = cutAfter;
}

void PowerLossVfs::cut()
{
    State &s = state();
    std::lock_guard lock(s.mutex);
    s.cut = true;
}

bool PowerLossVfs::hasCut()
{
    State &s = state();
    std::lock_guard lock(s.mutex);
    return s.cut;
}

void PowerLossVfs::restore(uint32_t seed, int keepPercent)
{
    State &s = state();
    std::lock_guard lock(s.mutex);
    QRandomGenerator rng(seed);
    for (auto &[path, t] : s.files) {
        std::string content = t.durable;
        for (const Op &op : t.pending) {
            if (int(rng.bounded(100)) < keepPercent)
                apply(content, op);
        }
        QFile f(QString::fromStdString(path));
        if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            f.write(content.data(), qint64(content.size()));
        if (path.ends_with("-wal"))
            QFile::remove(QString::fromStdString(path.substr(0, path.size() - 4) + "-shm"));
    }
    s.files.clear();
    s.armed = false;
    s.cut = false;
}
