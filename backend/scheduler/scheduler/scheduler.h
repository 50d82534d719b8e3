#pragma once

#include "backend/scheduler/framework/cyclestate.h"
#include "backend/scheduler/framework/plugin.h"
#include "backend/scheduler/framework/profile.h"
#include "backend/scheduler/plugins/defaultplugins.h"
#include "backend/util/clock.h"
#include "backend/util/status.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace google::protobuf {
class Message;
}
namespace k8s::io::api::core::v1 {
class Pod;
}

namespace kubist::client {
class Client;
class EventRecorder;
class Informer;
class LeaderElector;
} // namespace kubist::client

namespace kubist::scheduler {

class CycleState;
class Snapshot;
struct ScheduleOptions;
class Framework;
class InformerLister;
class SchedulerCache;
class SchedulingQueue;
struct QueuedPodInfo;
struct ScheduleResult;

// Scheduler: the kube-scheduler part. It runs the scheduling framework
// (one profile) against the API, as upstream's Scheduler.Run/scheduleOne.
//
// - Informers on nodes and on every pod. Pods it is responsible for
//   (spec.nodeName empty, spec.schedulerName == Options::schedulerName -
//   empty counts as "default-scheduler" -, not being deleted, phase not
//   Succeeded/Failed) go into a SchedulingQueue; pods on a node make up
//   the cache the snapshot is built from.
// - Informers on namespaces, Services, ReplicaSets and PodDisruptionBudgets
//   back the snapshot's ClusterLister (InformerLister).
// - One scheduling cycle at a time, on the scheduler's own thread: pop,
//   bring the SchedulerCache's snapshot up to date (informer changes plus
//   "assumed" pods: bound by us, not yet seen bound through the watch), add
//   the pods nominated to nodes by preemption that have at least this pod's
//   priority (upstream's "nominated pods" rule), Framework::schedulePod on
//   every node, then
//   - a node: assume and Reserve on the scheduling thread, then the binding
//     cycle on one of Options::bindWorkers binder threads (the scheduling
//     thread goes on with the next pod): bind (DefaultBinder: POST pods/<name>/binding
//     with a core/v1 Binding carrying the kubist.io/scheduling-decision
//     annotation, see api/annotations.h), Event Normal "Scheduled"
//     "Successfully assigned <ns>/<pod> to <node>". The API server's binding
//     sets PodScheduled=True and copies the annotation onto the pod. A failed Reserve or bind
//     forgets the assumed pod, unreserves, records Warning "FailedScheduling" (and PodScheduled
//     False, reason SchedulerError) and requeues the pod with backoff;
//   - a FitError: the message gets the preemption suffix kube-scheduler
//     1.32 prints (see preemptionmessage.h), e.g. "0/2 nodes are available:
//     2 Insufficient cpu. preemption: 0/2 nodes are available: 2 Preemption
//     is not helpful for scheduling."; the pod's status gets PodScheduled
//     False, reason Unschedulable, that message (a strategic merge patch of
//     pods/status), an Event Warning "FailedScheduling" says it, and the
//     pod waits in the queue's unschedulable pods;
//   - an error of a plugin: as a failed bind.
// - Placement intent (kubist.io/placement-intent on the pod, a pod move):
//   the first attempt considers only that node, without preemption; when the
//   node refuses, a Warning "PlacementIntentRefused" event on the pod says
//   why ("worker-2: Insufficient cpu"), the annotation is removed and the
//   pod is scheduled as any other in the same cycle.
// - Preemption (DefaultPreemption, when the profile has it): victims get the
//   DisruptionTarget condition (reason PreemptionByScheduler), an Event
//   "Preempted" and a graceful DELETE; the preemptor's
//   status.nominatedNodeName is set.
// - Cluster events that may make unschedulable pods fit move them all back
//   (upstream MoveAllToActiveOrBackoffQueue): a node added, a node's labels,
//   spec (taints, unschedulable) or allocatable changed, a pod on a node
//   deleted or turned terminal, or its requests changed.
// - With leaderElect, a LeaderElector on Lease kube-system/kube-scheduler
//   gates the work: informers always run, the queue is filled (from the
//   informer cache) and pods are scheduled only while leading; losing the
//   lease empties the queue. stop() releases the lease.
//
// Lifetime and threads: the client and clock must outlive the scheduler.
// start() once; stop() is safe at any time (also before start) and, once
// it returns, no informer handler, timer, elector callback, scheduling
// cycle or binding cycle of this scheduler runs any more (binds already
// handed to the binders finish first). A stopped scheduler is not
// restarted (build a new one). queueStats() and isLeader() are
// thread-safe.
class Scheduler final
{
public:
    struct Options
    {
        std::string schedulerName = "default-scheduler";
        // Its schedulerName is replaced by `schedulerName`.
        Profile profile = plugins::defaultProfile();
        bool leaderElect = true;
        std::string identity = "kube-scheduler-master";
        Clock::Duration leaseDuration = std::chrono::seconds(15);
        Clock::Duration renewDeadline = std::chrono::seconds(10);
        Clock::Duration retryPeriod = std::chrono::seconds(2);
        // See ScheduleOptions::tieBreakSeed; with a seed, cycle n uses seed + n.
        std::optional<std::uint64_t> tieBreakSeed;
        // Threads running binding cycles (the POST of the Binding and the
        // Scheduled event) while the scheduling thread goes on.
        int bindWorkers = 16;
    };

    struct QueueStats
    {
        std::size_t active = 0;
        std::size_t backoff = 0;
        std::size_t unschedulable = 0;
    };

    Scheduler(client::Client &client, const Clock &clock);
    Scheduler(client::Client &client, const Clock &clock, Options options);
    ~Scheduler(); // stop()
    Scheduler(const Scheduler &) = delete;
    Scheduler &operator=(const Scheduler &) = delete;

    void start();
    void stop();

    QueueStats queueStats() const;
    // Always true without leader election once started.
    bool isLeader() const { return m_leading.load(); }
    // Whether the profile could be instantiated; when not, start() does
    // nothing but log it.
    bool isValid() const { return m_framework != nullptr; }

private:
    using PodPtr = std::shared_ptr<const k8s::io::api::core::v1::Pod>;

    void run();
    void scheduleOne();
    void handleFitError(const QueuedPodInfo &info, std::uint64_t cycle, const std::string &message);
    void handleError(const QueuedPodInfo &info, const std::string &message);
    void updatePodScheduledCondition(const k8s::io::api::core::v1::Pod &pod,
                                     const std::string &reason, const std::string &message);
    bool responsibleFor(const k8s::io::api::core::v1::Pod &pod) const;
    void startedLeading();
    void stoppedLeading();

    void onPodAdd(const PodPtr &pod);
    void onPodUpdate(const PodPtr &oldPod, const PodPtr &newPod);
    void onPodDelete(const PodPtr &pod);
    void onNodeAdd();
    void onNodeUpdate(const google::protobuf::Message &oldNode,
                      const google::protobuf::Message &newNode);
    void forgetAssumed(const std::string &key);
    struct BindTask
    {
        QueuedPodInfo info;
        CycleState state;
        PodPtr pod;
        std::string node;
        std::string decision;
    };
    void bindLoop();
    void bind(BindTask &task);
    Status preemptVictim(const k8s::io::api::core::v1::Pod &victim,
                         const k8s::io::api::core::v1::Pod &preemptor);
    Status nominateNode(const k8s::io::api::core::v1::Pod &pod, const std::string &nodeName);
    void trackNominated(const PodPtr &pod);
    // Adds (add = true) or takes away the nominated pods of at least `pod`'s
    // priority (other than `pod`) on their nominated nodes of `snapshot`.
    std::vector<std::pair<std::string, PodPtr>>
    addNominatedPods(Snapshot &snapshot, const k8s::io::api::core::v1::Pod &pod);
    Result<ScheduleResult> scheduleWithIntent(CycleState &state,
                                              const k8s::io::api::core::v1::Pod &pod,
                                              const Snapshot &snapshot,
                                              const ScheduleOptions &options);

    // Constant after construction.
    client::Client &m_client;
    const Clock &m_clock;
    const Options m_options;
    std::unique_ptr<Framework> m_framework; // null when the profile is invalid
    std::unique_ptr<SchedulingQueue> m_queue;
    std::unique_ptr<client::EventRecorder> m_recorder;
    std::unique_ptr<client::Informer> m_nodes;
    std::unique_ptr<client::Informer> m_pods;
    std::shared_ptr<InformerLister> m_lister;
    std::unique_ptr<SchedulerCache> m_cache;
    std::unique_ptr<client::LeaderElector> m_elector;
    // Binding cycles handed to the binder threads.
    std::vector<std::thread> m_binders;
    std::mutex m_bindMutex; // guards m_bindQueue, m_bindStop
    std::condition_variable m_bindCv;
    std::deque<BindTask> m_bindQueue;
    bool m_bindStop = false;

    std::thread m_thread;
    std::atomic<bool> m_started{false};
    std::atomic<bool> m_stopping{false};
    std::atomic<bool> m_leading{false};
    std::uint64_t m_cycles = 0; // scheduler thread only

    // Serializes "is leading" with filling the queue, so a pod is never
    // missed between the leadership switch and the informer's handlers.
    std::mutex m_leadMutex;

    mutable std::mutex m_assumedMutex; // guards m_assumed
    // Pods bound (or being bound) by us that the informer does not show
    // bound yet, by key; each carries spec.nodeName.
    std::map<std::string, PodPtr> m_assumed;
    // Unbound pods with status.nominatedNodeName, by key.
    std::map<std::string, PodPtr> m_nominated;
};

} // namespace kubist::scheduler
