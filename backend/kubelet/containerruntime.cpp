#include "backend/kubelet/containerruntime.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace kubist::kubelet {

namespace {

Status containerNotFound(const std::string &id)
{
    return Status::notFound("container " + id + " not found");
}

uint64_t fnv1a(const std::string &text, uint64_t seed = 1469598103934665603ULL)
{
    uint64_t h = seed;
    for (unsigned char ch : text) {
        h ^= ch;
        h *= 1099511628211ULL;
    }
    return h;
}

std::string hex64(uint64_t a)
{
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(a));
    return buf;
}

// 64 hex digits derived from `text` (a stand-in for a content digest).
std::string digestOf(const std::string &text)
{
    std::string out;
    uint64_t h = fnv1a(text);
    for (int i = 0; i < 4; ++i) {
        h = fnv1a(text, h + static_cast<uint64_t>(i));
        out += hex64(h);
    }
    return out;
}

// "docker.io/library/nginx:1.27" -> "docker.io/library/nginx".
std::string repositoryOf(const std::string &normalized)
{
    const size_t slash = normalized.rfind('/');
    const size_t at = normalized.find('@');
    if (at != std::string::npos)
        return normalized.substr(0, at);
    const size_t colon = normalized.rfind(':');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash))
        return normalized.substr(0, colon);
    return normalized;
}

} // namespace

ContainerRuntime::ContainerRuntime(const Clock &clock, std::string node)
    : ContainerRuntime(clock, std::move(node), Options{})
{}

ContainerRuntime::ContainerRuntime(const Clock &clock, std::string node, Options options)
    : m_clock(clock)
    , m_node(std::move(node))
    , m_options(options)
    , m_random(fnv1a(m_node))
{}

std::string ContainerRuntime::normalizeImage(const std::string &image)
{
    std::string name = image;
    const size_t slash = name.find('/');
    const std::string first = slash == std::string::npos ? std::string() : name.substr(0, slash);
    const bool hasRegistry =
        !first.empty() && (first.find('.') != std::string::npos ||
                           first.find(':') != std::string::npos || first == "localhost");
    if (!hasRegistry) {
        if (slash == std::string::npos)
            name = "docker.io/library/" + name;
        else
            name = "docker.io/" + name;
    }
    const size_t lastSlash = name.rfind('/');
    const size_t colon = name.rfind(':');
    const bool hasTag = colon != std::string::npos && colon > lastSlash;
    if (!hasTag && name.find('@') == std::string::npos)
        name += ":latest";
    return name;
}

std::string ContainerRuntime::imageIdOf(const std::string &image)
{
    const std::string normalized = normalizeImage(image);
    return repositoryOf(normalized) + "@sha256:" + digestOf(normalized);
}

std::optional<std::string> ContainerRuntime::pullError(const std::string &image)
{
    // Judged on the name as written ("invalid/app") and as normalized
    // ("docker.io/invalid/app").
    const std::string bare = image.starts_with("docker.io/") ? image.substr(10) : image;
    if (bare.ends_with(":doesnotexist") || bare.starts_with("invalid/")) {
        const std::string normalized = normalizeImage(image);
        return "rpc error: code = NotFound desc = failed to pull and unpack image \"" + normalized +
               "\": failed to resolve reference \"" + normalized + "\": " + normalized +
               ": not found";
    }
    return std::nullopt;
}

std::optional<int32_t> ContainerRuntime::exitCodeOf(const std::vector<std::string> &command)
{
    if (command.size() != 3 || (command[0] != "sh" && command[0] != "/bin/sh") ||
        command[1] != "-c")
        return std::nullopt;
    const std::string &script = command[2];
    if (!script.starts_with("exit "))
        return std::nullopt;
    const std::string digits = script.substr(5);
    if (digits.empty() || digits.size() > 3 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    return static_cast<int32_t>(std::stoi(digits) & 0xff);
}

std::string ContainerRuntime::downMessage()
{
    return "rpc error: code = Unavailable desc = connection error: desc = \"transport: Error "
           "while dialing: dial unix /run/containerd/containerd.sock: connect: connection "
           "refused\"";
}

void ContainerRuntime::stop()
{
    const Clock::Time now = m_clock.now();
    std::lock_guard lock(m_mutex);
    if (!m_up)
        return;
    m_up = false;
    for (auto &[id, c] : m_containers) {
        refreshLocked(c, now);
        if (c.info.state == State::Exited)
            continue;
        if (c.info.state == State::Created)
            c.info.startedAt = now;
        exitLocked(c, now, kUnknownExitCode, kUnknownExitReason);
    }
    for (auto &[name, img] : m_images) {
        refreshImageLocked(name, img, now);
        if (img.pull.state == ImageState::Pulling)
            img.pull = ImagePull{};
    }
}

void ContainerRuntime::start()
{
    std::lock_guard lock(m_mutex);
    m_up = true;
}

bool ContainerRuntime::isUp() const
{
    std::lock_guard lock(m_mutex);
    return m_up;
}

void ContainerRuntime::refreshImageLocked(const std::string &image, Image &img, Clock::Time now)
{
    if (img.pull.state != ImageState::Pulling || now < img.pull.doneAt)
        return;
    if (std::optional<std::string> error = pullError(image)) {
        img.pull.state = ImageState::Failed;
        img.pull.error = *error;
    } else {
        img.pull.state = ImageState::Present;
        img.pull.size = static_cast<int64_t>(20'000'000 + fnv1a(image) % 180'000'000);
    }
}

ContainerRuntime::ImagePull ContainerRuntime::pullImage(const std::string &image)
{
    const std::string name = normalizeImage(image);
    const Clock::Time now = m_clock.now();
    std::lock_guard lock(m_mutex);
    if (!m_up) {
        ImagePull failed;
        failed.state = ImageState::Failed;
        failed.startedAt = now;
        failed.doneAt = now;
        failed.error = downMessage();
        return failed;
    }
    Image &img = m_images[name];
    refreshImageLocked(name, img, now);
    if (img.pull.state == ImageState::Absent || img.pull.state == ImageState::Failed) {
        img.pull = ImagePull{};
        img.pull.state = ImageState::Pulling;
        img.pull.startedAt = now;
        img.pull.doneAt = now + m_options.imagePullTime;
        refreshImageLocked(name, img, now); // a zero pull time is done at once
    }
    return img.pull;
}

ContainerRuntime::ImagePull ContainerRuntime::imageStatus(const std::string &image)
{
    const std::string name = normalizeImage(image);
    const Clock::Time now = m_clock.now();
    std::lock_guard lock(m_mutex);
    auto it = m_images.find(name);
    if (it == m_images.end())
        return {};
    refreshImageLocked(name, it->second, now);
    return it->second.pull;
}

void ContainerRuntime::preloadImage(const std::string &image)
{
    const std::string name = normalizeImage(image);
    const Clock::Time now = m_clock.now();
    std::lock_guard lock(m_mutex);
    Image &img = m_images[name];
    if (img.pull.state == ImageState::Present)
        return;
    img.pull = ImagePull{};
    img.pull.state = ImageState::Present;
    img.pull.startedAt = now;
    img.pull.doneAt = now;
    img.pull.size = static_cast<int64_t>(20'000'000 + fnv1a(name) % 180'000'000);
}

std::vector<std::string> ContainerRuntime::images()
{
    const Clock::Time now = m_clock.now();
    std::lock_guard lock(m_mutex);
    std::vector<std::string> out;
    for (auto &[name, img] : m_images) {
        refreshImageLocked(name, img, now);
        if (img.pull.state == ImageState::Present)
            out.push_back(name);
    }
    return out;
}

std::string ContainerRuntime::newIdLocked()
{
    return "containerd://" + hex64(m_random()) + hex64(m_random()) + hex64(m_random()) +
           hex64(m_random());
}

Result<std::string> ContainerRuntime::createContainer(const ContainerConfig &config)
{
    const std::string image = normalizeImage(config.image);
    const Clock::Time now = m_clock.now();
    std::lock_guard lock(m_mutex);
    if (!m_up)
        return Status::unavailable(downMessage());
    auto img = m_images.find(image);
    if (img != m_images.end())
        refreshImageLocked(image, img->second, now);
    if (img == m_images.end() || img->second.pull.state != ImageState::Present)
        return Status::notFound("image \"" + image + "\" is not present on node " + m_node);
    Container c;
    c.info.id = newIdLocked();
    c.info.podUid = config.podUid;
    c.info.podNamespace = config.podNamespace;
    c.info.podName = config.podName;
    c.info.name = config.name;
    c.info.image = image;
    c.info.imageId = imageIdOf(image);
    c.info.attempt = config.attempt;
    c.info.state = State::Created;
    c.info.createdAt = now;
    c.exitOnStart = exitCodeOf(config.command);
    c.crashOnStart = config.crashOnStart;
    const std::string id = c.info.id;
    m_containers.emplace(id, std::move(c));
    return id;
}

Status ContainerRuntime::startContainer(const std::string &id, bool immediately)
{
    const Clock::Time now = m_clock.now();
    std::lock_guard lock(m_mutex);
    if (!m_up)
        return Status::unavailable(downMessage());
    Container *found = findLocked(id, now);
    if (!found)
        return containerNotFound(id);
    Container &c = *found;
    if (c.info.state != State::Created || c.info.nextChange)
        return Status::invalid("container " + id + " is not in the created state");
    c.startDue = immediately ? now : now + m_options.containerStartTime;
    c.info.nextChange = c.startDue;
    refreshLocked(c, now);
    return {};
}

void ContainerRuntime::logLocked(Container &c, Clock::Time time, std::string text)
{
    c.log.push_back({time, std::move(text)});
    while (c.log.size() > m_options.maxLogLines)
        c.log.pop_front();
}

void ContainerRuntime::exitLocked(Container &c, Clock::Time when, int32_t exitCode,
                                  std::string reason)
{
    c.info.state = State::Exited;
    c.info.finishedAt = when;
    c.info.exitCode = exitCode;
    if (reason.empty())
        reason = exitCode == 0 ? "Completed" : "Error";
    c.info.reason = std::move(reason);
    c.info.nextChange.reset();
    c.info.stopping = false;
    logLocked(c, when, "Exited with code " + std::to_string(exitCode));
}

ContainerRuntime::Container *ContainerRuntime::findLocked(const std::string &id, Clock::Time now)
{
    auto it = m_containers.find(id);
    if (it == m_containers.end())
        return nullptr;
    refreshLocked(it->second, now);
    return &it->second;
}

void ContainerRuntime::refreshLocked(Container &c, Clock::Time now)
{
    while (c.info.nextChange && *c.info.nextChange <= now) {
        const Clock::Time due = *c.info.nextChange;
        if (c.info.state == State::Created) {
            c.info.state = State::Running;
            c.info.startedAt = due;
            c.info.nextChange.reset();
            logLocked(c, due, "Started container " + c.info.name + " (image " + c.info.image + ")");
            if (c.crashOnStart) {
                logLocked(c, due, "Fatal error, exiting");
                exitLocked(c, due, *c.crashOnStart);
            } else if (c.exitOnStart) {
                logLocked(c, due, "Running: sh -c \"exit " + std::to_string(*c.exitOnStart) + "\"");
                exitLocked(c, due, *c.exitOnStart);
            } else if (c.info.stopping) {
                // A stop was asked while it was starting: it ends right away.
                exitLocked(c, due, c.stopExitCode);
            }
        } else if (c.info.state == State::Running && c.info.stopping) {
            logLocked(c, due, "Shutdown complete");
            exitLocked(c, due, c.stopExitCode);
        } else {
            c.info.nextChange.reset();
        }
    }
}

Status ContainerRuntime::stopContainer(const std::string &id, Clock::Duration grace,
                                       int32_t exitCode)
{
    const Clock::Time now = m_clock.now();
    std::lock_guard lock(m_mutex);
    Container *found = findLocked(id, now);
    if (!found)
        return containerNotFound(id);
    Container &c = *found;
    if (c.info.state == State::Exited)
        return {};
    if (c.info.state == State::Created && !c.info.nextChange) {
        exitLocked(c, now, exitCode);
        return {};
    }
    if (c.info.state == State::Created) {
        // Starting: it ends as soon as the start is done.
        c.info.stopping = true;
        c.stopExitCode = exitCode;
        return {};
    }
    const Clock::Time due = now + std::max(grace, Clock::Duration::zero());
    if (!c.info.stopping) {
        logLocked(c, now, "Received SIGTERM, shutting down");
        c.info.stopping = true;
        c.stopExitCode = exitCode;
        c.info.nextChange = due;
    } else if (!c.info.nextChange || due < *c.info.nextChange) {
        c.info.nextChange = due;
    }
    refreshLocked(c, now);
    return {};
}

Status ContainerRuntime::crash(const std::string &id, int32_t exitCode)
{
    const Clock::Time now = m_clock.now();
    std::lock_guard lock(m_mutex);
    Container *found = findLocked(id, now);
    if (!found)
        return containerNotFound(id);
    Container &c = *found;
    if (c.info.state == State::Exited)
        return Status::invalid("container " + c.info.name + " is not running");
    if (c.info.state == State::Created) {
        c.info.startedAt = now;
        c.info.state = State::Running;
    }
    logLocked(c, now, "Fatal error, exiting");
    exitLocked(c, now, exitCode);
    return {};
}

Status ContainerRuntime::setCrashOnStart(const std::string &id, std::optional<int32_t> exitCode)
{
    const Clock::Time now = m_clock.now();
    std::lock_guard lock(m_mutex);
    Container *found = findLocked(id, now);
    if (!found)
        return containerNotFound(id);
    Container &c = *found;
    if (c.info.state == State::Created)
        c.crashOnStart = exitCode;
    return {};
}

void ContainerRuntime::restoreContainer(const ContainerInfo &info)
{
    const std::string image = normalizeImage(info.image);
    const Clock::Time now = m_clock.now();
    std::lock_guard lock(m_mutex);
    if (m_containers.contains(info.id))
        return;
    Image &img = m_images[image];
    if (img.pull.state != ImageState::Present) {
        img.pull = ImagePull{};
        img.pull.state = ImageState::Present;
        img.pull.startedAt = now;
        img.pull.doneAt = now;
        img.pull.size = static_cast<int64_t>(20'000'000 + fnv1a(image) % 180'000'000);
    }
    Container c;
    c.info = info;
    c.info.image = image;
    if (c.info.imageId.empty())
        c.info.imageId = imageIdOf(image);
    c.info.nextChange.reset();
    c.info.stopping = false;
    m_containers.emplace(info.id, std::move(c));
}

void ContainerRuntime::removeContainer(const std::string &id)
{
    std::lock_guard lock(m_mutex);
    m_containers.erase(id);
}

int ContainerRuntime::removePod(const std::string &podUid)
{
    std::lock_guard lock(m_mutex);
    int n = 0;
    for (auto it = m_containers.begin(); it != m_containers.end();) {
        if (it->second.info.podUid == podUid) {
            it = m_containers.erase(it);
            ++n;
        } else {
            ++it;
        }
    }
    return n;
}

std::optional<ContainerRuntime::ContainerInfo> ContainerRuntime::container(const std::string &id)
{
    const Clock::Time now = m_clock.now();
    std::lock_guard lock(m_mutex);
    const Container *c = findLocked(id, now);
    if (!c)
        return std::nullopt;
    return c->info;
}

std::vector<ContainerRuntime::ContainerInfo> ContainerRuntime::containers()
{
    const Clock::Time now = m_clock.now();
    std::lock_guard lock(m_mutex);
    std::vector<ContainerInfo> out;
    for (auto &[id, c] : m_containers) {
        refreshLocked(c, now);
        out.push_back(c.info);
    }
    return out;
}

std::vector<std::string> ContainerRuntime::podUids()
{
    std::lock_guard lock(m_mutex);
    std::set<std::string> uids;
    for (const auto &[id, c] : m_containers)
        uids.insert(c.info.podUid);
    return {uids.begin(), uids.end()};
}

void ContainerRuntime::appendLog(const std::string &id, const std::string &line)
{
    const Clock::Time now = m_clock.now();
    std::lock_guard lock(m_mutex);
    if (Container *c = findLocked(id, now))
        logLocked(*c, now, line);
}

Result<std::vector<ContainerRuntime::LogLine>> ContainerRuntime::logs(const std::string &id)
{
    const Clock::Time now = m_clock.now();
    std::lock_guard lock(m_mutex);
    const Container *c = findLocked(id, now);
    if (!c)
        return containerNotFound(id);
    return std::vector<LogLine>(c->log.begin(), c->log.end());
}

} // namespace kubist::kubelet
