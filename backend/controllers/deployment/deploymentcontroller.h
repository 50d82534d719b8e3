#pragma once

#include "backend/client/client.h"
#include "backend/client/eventrecorder.h"
#include "backend/client/informer.h"
#include "backend/client/workqueue.h"
#include "backend/controllers/common/workerpool.h"
#include "backend/util/clock.h"
#include "backend/util/status.h"

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace k8s::io::api::apps::v1 {
class Deployment;
class DeploymentStatus;
class ReplicaSet;
} // namespace k8s::io::api::apps::v1
namespace k8s::io::api::core::v1 {
class Pod;
}

namespace kubist::controllers {

struct DeploymentControllerOptions
{
    int workers = 2; // upstream --concurrent-deployment-syncs: 5
};

// DeploymentController: rolls a Deployment's pod template out through
// ReplicaSets, as upstream's pkg/controller/deployment
// (kube-controller-manager 1.32).
//
// It watches Deployments, ReplicaSets and Pods. A sync of one Deployment,
// from the caches only:
// - claims ReplicaSets (adopts orphans its selector matches, releases owned
//   ones that no longer match);
// - finds the new ReplicaSet (template equal ignoring pod-template-hash) or
//   creates it as "<deployment>-<hash>" with the pod-template-hash label on
//   its selector, template and labels (deploymentutil::computeHash; on a
//   name collision status.collisionCount is raised and the sync retried);
//   keeps the deployment.kubernetes.io/revision annotation on it and on the
//   Deployment (max old revision + 1; an old ReplicaSet brought back gets
//   the new maximum, its old number going to revision-history), the
//   desired-/max-replicas annotations and the Deployment's own annotations
//   (kubernetes.io/change-cause, ...);
// - paused: only scales (proportionally) and cleans up; Progressing is
//   Unknown/DeploymentPaused, then DeploymentResumed on resume;
// - a replica-count change mid-rollout scales every active ReplicaSet
//   proportionally (max-replicas annotations);
// - RollingUpdate: scales the new ReplicaSet up within replicas + maxSurge,
//   old ones down keeping replicas - maxUnavailable available (unhealthy
//   old pods first); Recreate: scales old ones to 0, waits until their pods
//   are gone, then scales the new one up;
// - once complete, deletes the oldest 0-replica old ReplicaSets beyond
//   revisionHistoryLimit;
// - writes status (observedGeneration, replicas, updated, ready, available,
//   unavailable, collisionCount, conditions Available and Progressing,
//   including ProgressDeadlineExceeded once progressDeadlineSeconds passed
//   without progress on the clock; a requeue is scheduled for that moment).
// Events (component "deployment-controller"): ScalingReplicaSet "Scaled up
// replica set <rs> from <a> to <b>" / "Scaled down ...".
//
// Writes: ReplicaSets and the Deployment are updated (PUT) with the
// resourceVersion the cache holds, so acting on a stale cache ends in a
// Conflict, and the key is requeued with backoff to sync against the newer
// object. The Deployment's revision annotation goes through a plain update
// (metadata), its status through the status subresource. Workers wait for
// the first list of all three informers before their first sync.
//
// Part contract: the client and clock must outlive the controller; start()
// once; stop() (also the destructor) is safe at any moment, and once it
// returns no handler, timer or worker runs. A stopped controller is not
// restarted: a new instance rebuilds everything from the API.
class DeploymentController final
{
public:
    using Options = DeploymentControllerOptions;

    DeploymentController(client::Client &client, const Clock &clock, Options options = {});
    ~DeploymentController();
    DeploymentController(const DeploymentController &) = delete;
    DeploymentController &operator=(const DeploymentController &) = delete;

    void start();
    void stop();

private:
    using Deployment = k8s::io::api::apps::v1::Deployment;
    using ReplicaSet = k8s::io::api::apps::v1::ReplicaSet;
    using Pod = k8s::io::api::core::v1::Pod;
    using RSPtr = std::shared_ptr<const ReplicaSet>;
    using RSList = std::vector<RSPtr>;
    using PodMap = std::map<std::string, std::vector<std::shared_ptr<const Pod>>>; // by RS uid

    Status sync(const std::string &key);
    Status syncDeployment(const std::string &key);

    Result<RSList> claimReplicaSets(const Deployment &d);
    PodMap podMap(const Deployment &d, const RSList &rsList) const;
    Status checkPausedConditions(Deployment &d);
    Status syncScaleOnly(Deployment &d, RSList &rsList); // upstream sync()
    Status syncStatusOnly(Deployment &d, RSList &rsList);
    Result<bool> isScalingEvent(Deployment &d, RSList &rsList);
    Status rolloutRolling(Deployment &d, RSList &rsList);
    Status rolloutRecreate(Deployment &d, RSList &rsList, const PodMap &pods);

    // upstream getAllReplicaSetsAndSyncRevision: the new ReplicaSet (nullptr
    // when none and !create) and every old one.
    Status allReplicaSetsAndSyncRevision(Deployment &d, RSList &rsList, bool create, RSPtr &newRS,
                                         RSList &oldRSs);
    Result<RSPtr> newReplicaSet(Deployment &d, const RSList &rsList, const RSList &oldRSs,
                                bool create);
    int32_t newRSNewReplicas(const Deployment &d, const RSList &allRSs, const ReplicaSet &newRS);

    Status scale(Deployment &d, const RSPtr &newRS, RSList oldRSs);
    // Scales to `newScale` (and refreshes the replica annotations); records
    // the ScalingReplicaSet event; `rs` becomes the updated object.
    Result<bool> scaleReplicaSet(RSPtr &rs, int32_t newScale, const Deployment &d);
    Result<bool> reconcileNewReplicaSet(const RSList &allRSs, RSPtr &newRS, const Deployment &d);
    Result<bool> reconcileOldReplicaSets(const RSList &allRSs, RSList oldRSs, const RSPtr &newRS,
                                         const Deployment &d);
    Status cleanupDeployment(const RSList &oldRSs, const Deployment &d);

    Status syncRolloutStatus(const RSList &allRSs, const RSPtr &newRS, Deployment &d);
    Status syncDeploymentStatus(const RSList &allRSs, const RSPtr &newRS, Deployment &d);
    k8s::io::api::apps::v1::DeploymentStatus
    calculateStatus(const RSList &allRSs, const RSPtr &newRS, const Deployment &d) const;
    // Writes d.status through the status subresource; d becomes the result.
    Status writeStatus(Deployment &d);
    void requeueStuckDeployment(const Deployment &d,
                                const k8s::io::api::apps::v1::DeploymentStatus &newStatus);

    void enqueue(const Deployment &d);
    void onReplicaSetAdded(const client::ObjectPtr &obj);
    void onReplicaSetUpdated(const client::ObjectPtr &oldObj, const client::ObjectPtr &newObj);
    void onReplicaSetDeleted(const client::ObjectPtr &obj);
    void onPodDeleted(const client::ObjectPtr &obj);
    std::shared_ptr<const Deployment> resolveOwner(const ReplicaSet &rs) const;
    std::vector<std::shared_ptr<const Deployment>> deploymentsSelecting(const ReplicaSet &rs) const;

    // Constant after construction.
    client::Client &m_client;
    const Clock &m_clock;
    const Options m_options;
    client::EventRecorder m_recorder;
    client::WorkQueue m_queue; // thread-safe
    std::unique_ptr<client::Informer> m_dInformer;
    std::unique_ptr<client::Informer> m_rsInformer;
    std::unique_ptr<client::Informer> m_podInformer;
    WorkerPool m_workers;

    std::atomic<bool> m_started{false};
    std::atomic<bool> m_stopping{false};
};

} // namespace kubist::controllers
