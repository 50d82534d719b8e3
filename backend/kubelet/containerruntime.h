#pragma once

#include "backend/util/clock.h"
#include "backend/util/status.h"

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace kubist::kubelet {

// ContainerRuntime: the container engine of one simulated node (the
// "docker"/containerd box of the picture). The kubelet asks it to pull
// images and to create, start, stop and kill containers; it keeps the
// containers' states and their logs.
//
// Nothing runs on its own: every transition has a due time on the Clock
// (a pull finishes `imagePullTime` after it began, a start takes
// `containerStartTime`, a stop takes its grace period) and is applied
// lazily, with its due time as timestamp, whenever the runtime is asked
// anything at or after that time. The kubelet wakes itself up at the times
// the runtime reports (ImagePull::doneAt, ContainerInfo::nextChange).
//
// Failure simulation: pulling an image whose tag is ":doesnotexist" or
// whose name starts with "invalid/" fails once the pull time has passed.
// A container whose command is ["sh","-c","exit N"] (or "/bin/sh") exits
// with code N as soon as it runs; crash() makes a running container exit;
// setCrashOnStart() makes a container exit as soon as it runs, whatever its
// command. stop() takes the runtime itself down (containerd stopped, or the
// machine lost power): every container dies, nothing can be pulled,
// created or started until start().
//
// Thread-safe. The clock must outlive the runtime.
class ContainerRuntime final
{
public:
    struct Options
    {
        Clock::Duration imagePullTime = std::chrono::seconds(2);
        Clock::Duration containerStartTime = std::chrono::milliseconds(500);
        size_t maxLogLines = 1000; // per container instance
    };

    enum class ImageState { Absent, Pulling, Present, Failed };
    struct ImagePull
    {
        ImageState state = ImageState::Absent;
        Clock::Time startedAt{}; // Pulling / Present (when pulled) / Failed
        Clock::Time doneAt{};    // Pulling: when it will be done
        std::string error;       // Failed: why
        int64_t size = 0;        // Present: bytes
    };

    enum class State { Created, Running, Exited };
    struct LogLine
    {
        Clock::Time time;
        std::string text;
    };
    struct ContainerInfo
    {
        std::string id; // "containerd://<64 hex>"
        std::string podUid;
        std::string podNamespace;
        std::string podName;
        std::string name;
        std::string image;   // normalized, "docker.io/library/nginx:1.27"
        std::string imageId; // "docker.io/library/nginx@sha256:..."
        int32_t attempt = 0; // 0 for the first instance, +1 per restart
        State state = State::Created;
        Clock::Time createdAt{};
        Clock::Time startedAt{};  // Running / Exited
        Clock::Time finishedAt{}; // Exited
        int32_t exitCode = 0;
        std::string reason;    // Exited: "Completed", "Error", "Unknown"
        bool stopping = false; // a stop was asked; exits at nextChange
        // When the state changes next by itself (start done, stop done).
        std::optional<Clock::Time> nextChange;
    };

    struct ContainerConfig
    {
        std::string podUid;
        std::string podNamespace;
        std::string podName;
        std::string name;
        std::string image;
        std::vector<std::string> command;
        int32_t attempt = 0;
        // Set: the container exits with this code right after it starts,
        // whatever its command says (a crash-looping application).
        std::optional<int32_t> crashOnStart = std::nullopt;
    };

    // What containerd reports for a container whose task vanished with the
    // runtime (a reboot, containerd stopped): exit code 255, reason "Unknown".
    static constexpr int32_t kUnknownExitCode = 255;
    static constexpr const char kUnknownExitReason[] = "Unknown";
    // The error every call that needs the runtime gets while it is down
    // (the kubelet's CRI client failing to dial containerd's socket).
    static std::string downMessage();

    ContainerRuntime(const Clock &clock, std::string node);
    ContainerRuntime(const Clock &clock, std::string node, Options options);
    ContainerRuntime(const ContainerRuntime &) = delete;
    ContainerRuntime &operator=(const ContainerRuntime &) = delete;

    const std::string &node() const { return m_node; }
    const Options &options() const { return m_options; }

    // The runtime goes down: every container not exited yet exits now with
    // kUnknownExitCode / kUnknownExitReason, pulls in progress are dropped
    // (the image stays absent), and until start() pullImage() reports a
    // failed pull, createContainer() / startContainer() fail with
    // Unavailable. What is on disk stays: present images, the containers'
    // records and logs. No effect when already down.
    void stop();
    // The runtime is up again (its containers stay exited).
    void start();
    bool isUp() const;

    // Starts pulling `image` unless it is present or being pulled (a failed
    // pull is retried) and returns where it stands.
    ImagePull pullImage(const std::string &image);
    // Where a pull stands, without starting one.
    ImagePull imageStatus(const std::string &image);
    // Makes an image present at once (static pods' images are preloaded).
    void preloadImage(const std::string &image);
    // The images present, normalized names, sorted.
    std::vector<std::string> images();

    // Creates a container (state Created); the image must be present.
    Result<std::string> createContainer(const ContainerConfig &config);
    // Starts a created container: Running `containerStartTime` later
    // (`immediately`: now).
    Status startContainer(const std::string &id, bool immediately = false);
    // Sends SIGTERM: a running container exits with `exitCode` after
    // `grace` (a created one exits at once). Asking again with a shorter
    // grace shortens it.
    Status stopContainer(const std::string &id, Clock::Duration grace, int32_t exitCode = 0);
    // A running (or starting) container exits now with `exitCode`.
    Status crash(const std::string &id, int32_t exitCode);
    // Sets (or, nullopt, clears) the ContainerConfig::crashOnStart of a
    // container that has not run yet; no effect on one that has.
    Status setCrashOnStart(const std::string &id, std::optional<int32_t> exitCode);
    // Puts back a container a previous runtime of this node ran (as the
    // pod's status recorded it), so a restarted simulator carries on with
    // the same containers instead of starting them anew. Its image becomes
    // present. No effect if the id is known.
    void restoreContainer(const ContainerInfo &info);
    // Forgets a container (and its log).
    void removeContainer(const std::string &id);
    // Removes every container of a pod; returns how many.
    int removePod(const std::string &podUid);

    std::optional<ContainerInfo> container(const std::string &id);
    std::vector<ContainerInfo> containers();
    // The uids of pods that have containers here.
    std::vector<std::string> podUids();

    // Adds a line to a container's log (the kubelet writes probe results).
    void appendLog(const std::string &id, const std::string &line);
    // The container's log lines, oldest first; NotFound for no container.
    Result<std::vector<LogLine>> logs(const std::string &id);

    // "nginx" -> "docker.io/library/nginx:latest", "nginx:1.27" ->
    // "docker.io/library/nginx:1.27", "ghcr.io/a/b:1" unchanged.
    static std::string normalizeImage(const std::string &image);
    // "docker.io/library/nginx@sha256:<64 hex>": the image's (simulated) digest.
    static std::string imageIdOf(const std::string &image);
    // Whether a pull of `image` fails, and why.
    static std::optional<std::string> pullError(const std::string &image);
    // N when `command` is ["sh","-c","exit N"] or ["/bin/sh","-c","exit N"].
    static std::optional<int32_t> exitCodeOf(const std::vector<std::string> &command);

private:
    struct Image
    {
        ImagePull pull;
    };
    struct Container
    {
        ContainerInfo info;
        std::optional<int32_t> exitOnStart;  // from the command
        std::optional<int32_t> crashOnStart; // injected
        Clock::Time startDue{};
        int32_t stopExitCode = 0;
        std::deque<LogLine> log;
    };

    void refreshLocked(Container &c, Clock::Time now);
    // The container `id` brought up to `now`, or nullptr when unknown.
    Container *findLocked(const std::string &id, Clock::Time now);
    void refreshImageLocked(const std::string &image, Image &img, Clock::Time now);
    void logLocked(Container &c, Clock::Time time, std::string text);
    void exitLocked(Container &c, Clock::Time when, int32_t exitCode, std::string reason = {});
    std::string newIdLocked();

    // Constant after construction.
    const Clock &m_clock;
    const std::string m_node;
    const Options m_options;

    mutable std::mutex m_mutex; // guards everything below
    bool m_up = true;
    std::map<std::string, Image> m_images;         // by normalized name
    std::map<std::string, Container> m_containers; // by id
    std::mt19937_64 m_random;
};

} // namespace kubist::kubelet
