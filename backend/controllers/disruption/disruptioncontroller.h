#pragma once

#include "backend/client/client.h"
#include "backend/client/eventrecorder.h"
#include "backend/client/informer.h"
#include "backend/client/workqueue.h"
#include "backend/controllers/common/workerpool.h"
#include "backend/util/clock.h"
#include "backend/util/status.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace k8s::io::api::core::v1 {
class Pod;
}
namespace k8s::io::api::policy::v1 {
class PodDisruptionBudget;
class PodDisruptionBudgetStatus;
} // namespace k8s::io::api::policy::v1
namespace k8s::io::apimachinery::pkg::apis::meta::v1 {
class OwnerReference;
}

namespace kubist::controllers {

struct DisruptionControllerOptions
{
    int workers = 1; // upstream runs one worker
    // Upstream DeletionTimeout: how long an entry of status.disruptedPods
    // (written by the eviction subresource) keeps its pod out of
    // currentHealthy while the pod is not seen being deleted.
    Clock::Duration deletionTimeout = std::chrono::minutes(2);
};

// DisruptionController: keeps every PodDisruptionBudget's status current,
// as upstream's pkg/controller/disruption (kube-controller-manager 1.32), so
// that the eviction subresource (and so `kubectl drain`) can honour budgets.
//
// It watches PodDisruptionBudgets, Pods, ReplicaSets and Deployments
// (informers). A sync of one budget, from the caches only:
// - pods: those of the budget's namespace its selector matches (a missing
//   selector matches nothing, an empty one every pod, as policy/v1);
// - expectedPods and desiredHealthy:
//   - minAvailable as an integer: desiredHealthy = minAvailable,
//     expectedPods = the number of pods;
//   - minAvailable as a percentage, or maxUnavailable (integer or
//     percentage): expectedPods = the sum of spec.replicas of the pods'
//     controllers (a ReplicaSet, or the Deployment owning it), each counted
//     once; percentages round up; desiredHealthy = the minAvailable share,
//     or expectedPods - maxUnavailable (at least 0). Pods without a
//     controller are left out (Warning event UnmanagedPods); a pod whose
//     controller is not a supported one (or not in the cache) fails the
//     sync;
// - disruptedPods: the entries of status.disruptedPods whose pod still
//   exists, is not being deleted, and was evicted less than deletionTimeout
//   ago (an expired entry gives the pod a Warning event NotDeleted); the
//   budget is synced again when the earliest entry expires (a clock timer);
// - currentHealthy: pods Ready, not being deleted and not in disruptedPods;
// - disruptionsAllowed = max(0, currentHealthy - desiredHealthy), and 0
//   while expectedPods is 0;
// - condition DisruptionAllowed: True/SufficientPods when disruptions are
//   allowed, else False/InsufficientPods (lastTransitionTime moves only
//   when the status flips); observedGeneration = metadata.generation.
// The status is written (status subresource, at the cached
// resourceVersion) only when it changed. A Conflict (e.g. an eviction just
// spent a disruption) requeues the key with backoff; the next sync reads
// the newer budget. Any other failure is "fail safe" as upstream: the
// status gets disruptionsAllowed 0 and DisruptionAllowed False/SyncFailed
// with the error as message.
//
// Events (component "controllermanager", as upstream): NoPods "No matching
// pods found", CalculateExpectedPodCountFailed, UnmanagedPods on the budget;
// NotDeleted on a pod.
//
// Syncs are triggered by budget changes, by pod changes (every budget of
// the namespace selecting the pod's old or new labels), and by ReplicaSet
// and Deployment additions, deletions and scale changes (every budget of
// their namespace). Workers wait for the first list of all informers.
//
// Part contract: the client and clock must outlive the controller; start()
// once; stop() (also the destructor) is safe at any moment, and once it
// returns no handler, timer or worker runs. A stopped controller is not
// restarted: a new instance rebuilds everything from the API.
class DisruptionController final
{
public:
    using Options = DisruptionControllerOptions;

    DisruptionController(client::Client &client, const Clock &clock, Options options = {});
    ~DisruptionController();
    DisruptionController(const DisruptionController &) = delete;
    DisruptionController &operator=(const DisruptionController &) = delete;

    void start();
    void stop();

private:
    using Pdb = k8s::io::api::policy::v1::PodDisruptionBudget;
    using PdbStatus = k8s::io::api::policy::v1::PodDisruptionBudgetStatus;
    using Pod = k8s::io::api::core::v1::Pod;
    using PodList = std::vector<std::shared_ptr<const Pod>>;

    struct Expected
    {
        int32_t expectedCount = 0;
        int32_t desiredHealthy = 0;
        std::vector<std::string> unmanagedPods;
    };
    struct ControllerScale
    {
        std::string uid;
        int32_t scale = 0;
    };

    Status sync(const std::string &key);
    Status trySync(const Pdb &pdb);
    Status failSafe(const Pdb &pdb, const Status &error);
    Status writeStatus(const Pdb &pdb, const PdbStatus &status);

    Result<PodList> podsFor(const Pdb &pdb) const;
    Result<Expected> expectedPodCount(const Pdb &pdb, const PodList &pods) const;
    Result<int32_t> expectedScale(const PodList &pods, std::vector<std::string> &unmanaged) const;
    // The scale of the controller `ref` names (a ReplicaSet, or the
    // Deployment owning it), or nullopt when it is not a supported one.
    std::optional<ControllerScale>
    findController(const k8s::io::apimachinery::pkg::apis::meta::v1::OwnerReference &ref,
                   const std::string &ns) const;
    // The still-valid entries of status.disruptedPods; `recheck` gets the
    // earliest time one of them expires.
    std::map<std::string, Clock::Time> disruptedPods(const Pdb &pdb, const PodList &pods,
                                                     Clock::Time now,
                                                     std::optional<Clock::Time> &recheck);

    void enqueuePdbsSelecting(const Pod &pod);
    void enqueuePdbsOfNamespace(const std::string &ns);
    void onControllerUpdated(const client::ObjectPtr &oldObj, const client::ObjectPtr &newObj);

    // Constant after construction.
    client::Client &m_client;
    const Clock &m_clock;
    const Options m_options;
    client::EventRecorder m_recorder;
    client::WorkQueue m_queue; // thread-safe
    std::unique_ptr<client::Informer> m_pdbInformer;
    std::unique_ptr<client::Informer> m_podInformer;
    std::unique_ptr<client::Informer> m_rsInformer;
    std::unique_ptr<client::Informer> m_deploymentInformer;
    WorkerPool m_workers;

    std::atomic<bool> m_started{false};
    std::atomic<bool> m_stopping{false};
};

} // namespace kubist::controllers
