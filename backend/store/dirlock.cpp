#include "dirlock.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/file.h>
#include <unistd.h>

namespace kubist::store {

Result<std::unique_ptr<DirLock>> DirLock::acquire(const std::string &dataDir)
{
    const std::string path = dataDir + "/LOCK";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return Status::unavailable("cannot open lock file " + path + ": " + std::strerror(errno));
    int rc;
    do {
        rc = ::flock(fd, LOCK_EX | LOCK_NB);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        const int err = errno;
        std::string holder;
        char buf[32] = {};
        const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
        if (n > 0)
            holder = std::string(buf, size_t(n));
        while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' '))
            holder.pop_back();
        ::close(fd);
        if (err == EWOULDBLOCK) {
            return Status::unavailable("data directory " + dataDir +
                                       " is in use by another store (lock " + path + " is held" +
                                       (holder.empty() ? "" : " by pid " + holder) + ")");
        }
        return Status::unavailable("cannot lock " + path + ": " + std::strerror(err));
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    // Best effort: the pid is only for the message another opener prints.
    if (::ftruncate(fd, 0) == 0) {
        [[maybe_unused]] const ssize_t written = ::pwrite(fd, pid.data(), pid.size(), 0);
    }
    return std::unique_ptr<DirLock>(new DirLock(fd));
}

DirLock::~DirLock()
{
    if (m_fd >= 0)
        ::close(m_fd); // closing the last descriptor releases the flock
}

} // namespace kubist::store
