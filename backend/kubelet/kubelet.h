#pragma once

#include "backend/client/client.h"
#include "backend/kubelet/containerruntime.h"
#include "backend/util/clock.h"
#include "backend/util/status.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace k8s::io::api::core::v1 {
class Pod;
class Node;
class Container;
class ContainerStatus;
class Probe;
} // namespace k8s::io::api::core::v1

namespace kubist::client {
class EventRecorder;
class Indexer;
class WorkQueue;
} // namespace kubist::client

namespace kubist::kubelet {

// What a simulated node is: its name, size, labels and taints, and the
// addresses the simulator gives it.
struct NodeConfig
{
    struct Taint
    {
        std::string key;
        std::string value;
        std::string effect; // NoSchedule, PreferNoSchedule, NoExecute
    };

    std::string name;
    std::string cpu = "4";
    std::string memory = "8Gi";
    std::string pods = "110";
    // Extra labels; kubernetes.io/hostname, kubernetes.io/os and
    // kubernetes.io/arch are always added.
    std::map<std::string, std::string> labels;
    std::vector<Taint> taints;
    std::string podCIDR;    // "10.244.<n>.0/24"; "" : the simulator picks one
    std::string internalIP; // "172.18.0.<n>"; "" : the simulator picks one
};

// A static pod of a node (a manifest in the kubelet's static pod
// directory), shown in the API as a mirror pod "<name>-<node>" in
// kube-system.
struct StaticPod
{
    std::string name;                          // "etcd"
    std::string image;                         // "registry.k8s.io/etcd:3.5.16-0"
    std::map<std::string, std::string> labels; // component=etcd, tier=control-plane
    bool running = true;
};

// The knobs of the simulated kubelets (upstream defaults unless said).
struct KubeletOptions
{
    Clock::Duration imagePullTime = std::chrono::seconds(2);
    Clock::Duration containerStartTime = std::chrono::milliseconds(500);
    Clock::Duration leaseRenewInterval = std::chrono::seconds(10);
    int32_t leaseDurationSeconds = 40;
    Clock::Duration nodeStatusReportFrequency = std::chrono::minutes(5);
    // Caps a terminating pod's grace period; unset: the pod's own.
    std::optional<Clock::Duration> maxTerminationTime;
    Clock::Duration crashLoopInitialBackoff = std::chrono::seconds(10);
    Clock::Duration crashLoopMaxBackoff = std::chrono::minutes(5);
    Clock::Duration imagePullInitialBackoff = std::chrono::seconds(10);
    Clock::Duration imagePullMaxBackoff = std::chrono::minutes(5);
    std::string kubeletVersion = "v1.32.0";
    size_t maxLogLines = 1000;
};

enum class ProbeKind { Readiness, Liveness };

// Kubelet: the agent of one simulated node. It registers its Node, posts
// the Node's status, renews its Lease in kube-node-lease, runs the pods
// bound to it on its ContainerRuntime (image pulls, init containers,
// probes, restarts with CrashLoopBackOff, graceful termination), writes
// their status and events, and keeps mirror pods for its static pods.
//
// It owns no thread and no timer: the NodeSimulator that hosts it calls
// syncNode() for key nodeKey(node) from its node queue and syncPod() for
// key podKey(node, ns, name) from its pod queue, and the kubelet asks those
// queues for later syncs (WorkQueue::addAfter) at the times something is due. Every
// sync is level-triggered: it compares the pod in the shared informer
// cache with the runtime's containers and moves them one step closer.
//
// Thread-safe: syncs of different keys run on different workers at once;
// the other functions may be called from any thread. The indexers, queue,
// clock and runtime options must outlive the kubelet.
class Kubelet final
{
public:
    // What the hosting simulator shares with its kubelets.
    struct Context
    {
        const client::Indexer &pods;  // every pod, with the spec.nodeName index
        const client::Indexer &nodes; // every node
        client::WorkQueue &queue;     // pod keys
        // Node keys (heartbeats: Lease and status), apart so that a backlog
        // of pod work never delays a lease past its duration.
        client::WorkQueue &nodeQueue;
    };

    Kubelet(NodeConfig config, std::unique_ptr<client::Client> client, const Clock &clock,
            KubeletOptions options, Context context);
    ~Kubelet();
    Kubelet(const Kubelet &) = delete;
    Kubelet &operator=(const Kubelet &) = delete;

    const std::string &nodeName() const { return m_config.name; }
    const NodeConfig &config() const { return m_config; }
    ContainerRuntime &runtime() { return m_runtime; }

    // The work queue keys of this kubelet's work.
    static std::string nodeKey(const std::string &node) { return node; }
    static std::string podKey(const std::string &node, const std::string &ns,
                              const std::string &name)
    {
        return node + "/" + ns + "/" + name;
    }

    // A running kubelet registers, posts status, renews its lease and runs
    // its pods; a stopped one does nothing at all (its containers stay as
    // they are). start() reconciles every pod bound to the node; it does
    // nothing while the node is powered off.
    void start();
    void stop();
    bool isRunning() const;
    // The Node was deleted through the API: stop, and register it anew
    // when started again.
    void nodeDeleted();

    Status syncNode();
    Status syncPod(const std::string &ns, const std::string &name);

    // Node faults. Power off: the kubelet stops and its runtime goes down
    // (every container dies at once, as on a power loss). Power on: the
    // runtime comes up and the kubelet forgets everything it knew about its
    // pods (a fresh process after a reboot: it rebuilds its view from the
    // pods' API status and the runtime, so containers that died restart with
    // restartCount + 1); the node's boot id changes. The caller starts the
    // kubelet afterwards (start()).
    void powerOff();
    void powerOn();
    bool isPoweredOn() const;
    // A partitioned kubelet cannot reach the API server: it makes no API
    // call at all (no lease, no node or pod status, no final delete, no
    // event) and keeps running its pods as it last saw them (it acts on no
    // pod change it could not have seen; pods it never saw do not start),
    // so their containers keep running. Healing reconciles everything.
    void setPartitioned(bool partitioned);
    bool isPartitioned() const;
    // The container runtime (containerd) stops while the kubelet runs: every
    // container exits (ContainerRuntime::stop()), nothing can be pulled or
    // started (containers wait in ContainerCreating with the sandbox error),
    // and the Node's Ready condition turns False (KubeletNotReady, "container
    // runtime is down"). Starting it again restarts containers per their
    // restartPolicy and makes the Node Ready again. stopRuntime() while
    // powered off is a no-op; startRuntime() then fails with Unavailable.
    Status stopRuntime();
    Status startRuntime();
    bool isRuntimeUp() const;
    // While on, every container of the pod exits with code 1 (reason Error)
    // right after it starts (running ones crash now), so restartPolicy and
    // the CrashLoopBackOff backoff apply; off: the next start stays up. The
    // setting belongs to the pod's name and ends when the pod leaves the node.
    Status setCrashLoop(const std::string &ns, const std::string &pod, bool on);
    // The truth, not the API's view: the node is powered on with its
    // runtime up and every regular container of the pod runs and is ready
    // by the kubelet's own probe state. Cheap: no API call, short locks.
    bool isPodServing(const std::string &ns, const std::string &pod);
    // Appends `line` to the log of the pod's first running container
    // (timestamped with the clock); false (dropped) when none runs.
    bool appendPodLog(const std::string &ns, const std::string &pod, const std::string &line);

    // Failure injection: the pod's running container exits with exitCode
    // (an empty name: every running container of the pod).
    Status crashContainer(const std::string &ns, const std::string &pod,
                          const std::string &container, int32_t exitCode);
    // Makes the simulated probe of `kind` pass (true, the default) or fail.
    Status setProbeResult(const std::string &ns, const std::string &pod,
                          const std::string &container, ProbeKind kind, bool success);
    Result<std::string> podLog(const std::string &ns, const std::string &name,
                               const client::LogOptions &options);

    void setStaticPods(std::vector<StaticPod> pods);
    // "<name>-<node>" of each static pod.
    std::vector<std::string> mirrorPodNames() const;

private:
    struct ProbeState
    {
        bool configured = false;
        Clock::Time nextAt{};
        int32_t period = 10;
        int32_t successThreshold = 1;
        int32_t failureThreshold = 3;
        int32_t successes = 0;
        int32_t failures = 0;
        bool result = false;
        std::optional<bool> override;
    };
    struct ContainerRecord
    {
        std::string name;
        bool init = false;
        std::string currentId;
        std::string previousId;
        int32_t restartCount = 0;
        // Image pull.
        bool pulling = false;
        Clock::Time pullStartedAt{};
        Clock::Time pullFailedAt{};
        bool pullFailed = false; // the last pull failed (ErrImagePull until backoff shows)
        Clock::Duration pullBackoff{};
        std::optional<Clock::Time> pullBackoffUntil;
        std::string pullError;
        // Crash-loop backoff (upstream's per-container flowcontrol.Backoff).
        Clock::Duration backoff{};
        Clock::Time backoffUpdated{};
        bool inBackoff = false;
        // Events already sent for the current instance.
        std::string startedEventFor;
        std::string exitHandledFor;
        std::string waitingReason;
        std::string waitingMessage;
        bool ready = false;
        bool started = false;
        std::string probesFor; // the instance the probe states belong to
        ProbeState readiness;
        ProbeState liveness;
        std::optional<bool> readinessOverride;
        std::optional<bool> livenessOverride;
        bool livenessKill = false;
    };
    struct PodRecord
    {
        std::string uid;
        std::string ns;
        std::string name;
        std::string podIP;
        bool ownsIP = false;
        Clock::Time startTime{};
        Clock::Time sandboxReadyAt{};
        std::vector<ContainerRecord> init;
        std::vector<ContainerRecord> containers;
        bool terminating = false;
        Clock::Time killDeadline{};
        bool deleteSent = false;
        bool terminal = false;
        bool deadlineExceeded = false; // spec.activeDeadlineSeconds passed
        std::string staticName;        // a static pod's record
        // The pod as last seen through the API (a partitioned kubelet's view).
        std::shared_ptr<const k8s::io::api::core::v1::Pod> lastSeen;
        bool sandboxFailureReported = false; // FailedCreatePodSandBox sent (runtime down)
    };
    struct StaticRecord
    {
        StaticPod pod;
        std::string uid; // the static pod's own uid (the config hash)
        std::string hash;
        PodRecord record;
    };
    struct Event
    {
        std::string type;
        std::string reason;
        std::string message;
    };
    // What one sync decided, done after the lock is released.
    struct Plan
    {
        std::vector<Event> events;
        std::shared_ptr<k8s::io::api::core::v1::Pod> status; // to write
        bool remove = false;                                 // final DELETE
        std::string removeUid;
        std::shared_ptr<k8s::io::api::core::v1::Pod> create; // a mirror pod
        std::optional<Clock::Time> wake;
    };

    Status syncRegularPod(const std::string &key,
                          const std::shared_ptr<const k8s::io::api::core::v1::Pod> &pod);
    Status syncMirrorPod(const std::string &key, StaticRecord &sr,
                         const std::shared_ptr<const k8s::io::api::core::v1::Pod> &pod,
                         std::unique_lock<std::mutex> &lock);
    Status execute(const std::string &key, const k8s::io::api::core::v1::Pod *pod, Plan &plan);
    void teardownLocked(const std::string &key);
    static bool deadlinePassed(const k8s::io::api::core::v1::Pod &pod, const PodRecord &rec,
                               Clock::Time now);
    // Sends every running container of the pod SIGTERM with `grace`.
    void stopAllLocked(PodRecord &rec, Clock::Duration grace, Clock::Time now, Plan &plan);
    // Whether every container of the pod has exited (killing those past
    // the deadline); otherwise sets plan.wake.
    bool allStoppedLocked(PodRecord &rec, Clock::Time now, Plan &plan);
    // Takes over the containers a pod's status shows (a restarted
    // simulator), so running pods keep running.
    void restoreLocked(PodRecord &rec, const k8s::io::api::core::v1::Pod &pod);

    void driveContainerLocked(PodRecord &rec, ContainerRecord &cr,
                              const k8s::io::api::core::v1::Pod &pod,
                              const k8s::io::api::core::v1::Container &spec, Clock::Time now,
                              Plan &plan);
    void processProbesLocked(PodRecord &rec, ContainerRecord &cr,
                             const k8s::io::api::core::v1::Pod &pod,
                             const k8s::io::api::core::v1::Container &spec,
                             const ContainerRuntime::ContainerInfo &info, Clock::Time now,
                             Plan &plan);
    void startInstanceLocked(PodRecord &rec, ContainerRecord &cr,
                             const k8s::io::api::core::v1::Container &spec, Plan &plan,
                             bool immediately);
    void buildStatusLocked(const PodRecord &rec, const k8s::io::api::core::v1::Pod &pod,
                           Clock::Time now, k8s::io::api::core::v1::Pod &out);
    void containerStatusLocked(const PodRecord &rec, const ContainerRecord &cr,
                               const k8s::io::api::core::v1::Container &spec, bool podInitialized,
                               k8s::io::api::core::v1::ContainerStatus &out);
    Clock::Duration terminationGrace(const k8s::io::api::core::v1::Pod &pod) const;

    std::string allocateIPLocked(const std::string &wanted);
    void releaseIPLocked(const std::string &ip);

    std::shared_ptr<const k8s::io::api::core::v1::Node> currentNode() const;
    k8s::io::api::core::v1::Node desiredNodeLocked(const k8s::io::api::core::v1::Node *current,
                                                   Clock::Time now);
    Status renewLease(Clock::Time now, const std::string &nodeUid);
    std::unique_ptr<k8s::io::api::core::v1::Pod> mirrorPodLocked(const StaticRecord &sr,
                                                                 const std::string &nodeUid) const;
    void scheduleLocked(const std::string &key, std::optional<Clock::Time> wake, Clock::Time now);
    // The work queue keys of every pod this kubelet knows or runs.
    std::vector<std::string> podKeysLocked() const;
    // The record of a pod: a regular pod's or a static pod's (by mirror name).
    PodRecord *recordLocked(const std::string &ns, const std::string &name);
    std::string bootIdLocked() const;

    // Constant after construction.
    const NodeConfig m_config;
    const std::unique_ptr<client::Client> m_client;
    const Clock &m_clock;
    const KubeletOptions m_options;
    const Context m_context;
    const std::unique_ptr<client::EventRecorder> m_events;
    ContainerRuntime m_runtime; // thread-safe itself

    mutable std::mutex m_mutex; // guards everything below
    bool m_running = false;
    bool m_poweredOn = true;
    bool m_partitioned = false;
    uint32_t m_boots = 0;              // power-ons so far (the boot id)
    std::set<std::string> m_crashLoop; // "ns/name" of crash-looping pods
    bool m_needResync = false;
    bool m_registered = false;
    bool m_registrationEvents = false;
    std::optional<Clock::Time> m_lastLease;
    client::ObjectPtr m_lease; // the lease as last written (nullptr: read it first)
    std::optional<Clock::Time> m_lastStatus;
    std::map<std::string, PodRecord> m_pods;      // by "ns/name"
    std::map<std::string, StaticRecord> m_static; // by mirror pod name
    bool m_staticSet = false;
    std::set<std::string> m_usedIPs;
    uint32_t m_nextHost = 2;
};

} // namespace kubist::kubelet
