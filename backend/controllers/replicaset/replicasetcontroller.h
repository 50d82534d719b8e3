#pragma once

#include "backend/client/client.h"
#include "backend/client/eventrecorder.h"
#include "backend/client/informer.h"
#include "backend/client/workqueue.h"
#include "backend/controllers/common/workerpool.h"
#include "backend/controllers/replicaset/expectations.h"
#include "backend/util/clock.h"
#include "backend/util/status.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace k8s::io::api::apps::v1 {
class ReplicaSet;
}
namespace k8s::io::api::core::v1 {
class Pod;
}

namespace kubist::controllers {

struct ReplicaSetControllerOptions
{
    int workers = 2;         // upstream --concurrent-replicaset-syncs: 5
    int burstReplicas = 500; // upstream BurstReplicas: creations/deletions per sync
    Clock::Duration expectationsTimeout = std::chrono::minutes(5);
    int slowStartInitialBatchSize = 1; // upstream SlowStartInitialBatchSize
};

// ReplicaSetController: keeps each ReplicaSet's pods at spec.replicas, as
// upstream's pkg/controller/replicaset (kube-controller-manager 1.32).
//
// It watches ReplicaSets and Pods (informers, pods indexed by namespace
// and controller uid). A sync of one ReplicaSet, from the caches only:
// - claims pods: adopts active orphans its selector matches (adds a
//   controller ownerReference), releases owned pods that no longer match;
// - when its expectations are satisfied, creates missing pods from the
//   template (generateName "<rs>-", controller ownerReference, template
//   labels/annotations) in slow-start batches (1, 2, 4, ...: a failing batch
//   stops the rest), or deletes surplus pods in the order of
//   sortPodsForDeletion (podranking.h); at most burstReplicas per sync;
//   a placement intent on the ReplicaSet (kubist.io/place-next-pod-on, a
//   pod move; api/annotations.h) becomes the kubist.io/placement-intent of
//   the first pod created and is then removed from the ReplicaSet;
// - writes status (replicas, fullyLabeledReplicas, readyReplicas,
//   availableReplicas, observedGeneration, the ReplicaFailure condition
//   while creating or deleting fails) through the status subresource when
//   it changed; requeues after minReadySeconds while ready pods are not yet
//   available.
// Events (component "replicaset-controller"): SuccessfulCreate "Created pod:
// <name>", SuccessfulDelete "Deleted pod: <name>", FailedCreate and
// FailedDelete warnings.
//
// Writes: pods are adopted/released with an update at the cached
// resourceVersion (a Conflict requeues the key with backoff); the status
// update is retried once on a fresh read, as upstream. Workers wait for the
// first list of both informers before their first sync.
//
// Part contract: the client and clock must outlive the controller; start()
// once; stop() (also the destructor) is safe at any moment, and once it
// returns no handler, timer or worker runs. A stopped controller is not
// restarted: a new instance rebuilds everything from the API.
class ReplicaSetController final
{
public:
    using Options = ReplicaSetControllerOptions;

    ReplicaSetController(client::Client &client, const Clock &clock, Options options = {});
    ~ReplicaSetController();
    ReplicaSetController(const ReplicaSetController &) = delete;
    ReplicaSetController &operator=(const ReplicaSetController &) = delete;

    void start();
    void stop();

private:
    using ReplicaSet = k8s::io::api::apps::v1::ReplicaSet;
    using Pod = k8s::io::api::core::v1::Pod;
    using PodList = std::vector<std::shared_ptr<const Pod>>;

    Status sync(const std::string &key);
    Status syncReplicaSet(const std::string &key);
    // Adopts/releases; returns the active pods the ReplicaSet owns afterwards.
    Result<PodList> claimPods(const ReplicaSet &rs, const PodList &activePods);
    Status manageReplicas(const ReplicaSet &rs, const PodList &pods, const std::string &key);
    Status createPods(const ReplicaSet &rs, int count, const std::string &key);
    // Removes the kubist.io/place-next-pod-on annotation (handed to a pod).
    void consumePlacementIntent(const ReplicaSet &rs);
    Status deletePods(const ReplicaSet &rs, const PodList &pods, const std::string &key);
    Status updateStatus(const ReplicaSet &rs, const PodList &pods, const Status &manageError,
                        int diff);
    PodList relatedPods(const ReplicaSet &rs, const PodList &own) const;

    void enqueue(const ReplicaSet &rs);
    void onPodAdded(const client::ObjectPtr &obj);
    void onPodUpdated(const client::ObjectPtr &oldObj, const client::ObjectPtr &newObj);
    void onPodDeleted(const client::ObjectPtr &obj);
    // The ReplicaSet (in the cache) the reference names, or nullptr.
    std::shared_ptr<const ReplicaSet> resolveOwner(const Pod &pod) const;
    std::vector<std::shared_ptr<const ReplicaSet>> replicaSetsSelecting(const Pod &pod) const;

    // Constant after construction.
    client::Client &m_client;
    const Clock &m_clock;
    const Options m_options;
    client::EventRecorder m_recorder;
    ControllerExpectations m_expectations; // thread-safe
    client::WorkQueue m_queue;             // thread-safe
    std::unique_ptr<client::Informer> m_rsInformer;
    std::unique_ptr<client::Informer> m_podInformer;
    WorkerPool m_workers;

    std::atomic<bool> m_started{false};
    std::atomic<bool> m_stopping{false};
};

} // namespace kubist::controllers
