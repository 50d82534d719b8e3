#pragma once

#include "backend/util/status.h"

#include <memory>
#include <string>

namespace kubist::store {

// An exclusive flock(2) on `<dataDir>/LOCK`, held for the life of the object.
// flock, not POSIX record locks: record locks belong to the process (a second
// open in the same process would silently share them, and closing any
// descriptor of the file drops them); flock belongs to the open file
// description, so a second DirLock on the same directory fails in this
// process too. The holder's pid is written into the file for the error
// message only; the lock itself is what counts (it dies with the process).
class DirLock final
{
public:
    // Fails with Code::Unavailable, naming the directory, the lock file and
    // (when known) the holder's pid, if another holder has it.
    static Result<std::unique_ptr<DirLock>> acquire(const std::string &dataDir);
    ~DirLock();

    DirLock(const DirLock &) = delete;
    DirLock &operator=(const DirLock &) = delete;

private:
    explicit DirLock(int fd)
        : m_fd(fd)
    {}
    int m_fd = -1;
};

} // namespace kubist::store
