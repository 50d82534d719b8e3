#pragma once

#include "backend/client/client.h"
#include "backend/util/status.h"

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

// workloadops: the operator's requests, synchronous, one Client call
// sequence each — exactly what the matching kubectl command sends. They
// block on the API server, so the GUI runs them through ClusterActions (off
// the GUI thread); tests call them directly.
namespace kubist::model::workloadops {

// The outcome of a multi-pod operation (drain).
struct DrainReport
{
    std::vector<std::string> evicted; // pod keys evicted
    std::vector<std::string> refused; // pod keys the API refused with 429 (disruption budget)
    std::vector<std::string> skipped; // mirror and DaemonSet pods, left alone
    std::vector<std::string> failed;  // other errors, "key: message" ("key: Forbidden: ..." on 403)
};

// Sets spec.replicas of a Deployment or ReplicaSet (`kind` "Deployment" or
// "ReplicaSet") to its current value plus `delta` (never below 0), by a
// merge patch (kubectl scale). Returns the new count.
Result<int> scale(client::Client &client, const std::string &kind, const std::string &ns,
                  const std::string &name, int delta);

// kubectl set image deployment/<name> <container>=<image>: a strategic
// merge patch of the pod template's container (by name). An empty
// `container` means the template's first container.
Status setImage(client::Client &client, const std::string &ns, const std::string &deployment,
                const std::string &container, const std::string &image);

// kubectl rollout undo deployment/<name>: among the ReplicaSets the
// Deployment controls, the one with the highest revision
// (deployment.kubernetes.io/revision) below the newest; its pod template,
// minus the pod-template-hash label, replaces the Deployment's (JSON patch).
// NotFound when there is no previous revision.
Status undoRollout(client::Client &client, const std::string &ns, const std::string &deployment);

// POST pods/<name>/eviction (policy/v1 Eviction). A disruption budget's
// refusal (HTTP 429) comes back as Status code ResourceExhausted or as the
// client maps it.
Status evictPod(client::Client &client, const std::string &ns, const std::string &name);

// kubectl drain: cordon the node, then evict every pod bound to it except
// mirror pods (annotation kubernetes.io/config.mirror) and DaemonSet pods.
// Fails only when the cordon fails; per-pod outcomes are in the report.
Result<DrainReport> drain(client::Client &client, const std::string &node);

// Whether the pod has a controller owner reference.
bool hasController(const google::protobuf::Message &pod);

// Moves a pod towards `node` with a placement intent (api/annotations.h):
// a pod owned by a ReplicaSet gets its ReplicaSet annotated
// kubist.io/place-next-pod-on=<node> and is then evicted, so the
// replacement the ReplicaSet controller creates carries the intent and the
// scheduler puts it on `node` if the node passes its filters (a refusal is
// a PlacementIntentRefused event on the new pod); a refused eviction takes
// the annotation back. A pod of another controller is only evicted. A bare
// pod is deleted at once (grace period 0) and recreated unbound with the
// kubist.io/placement-intent annotation (uid, resourceVersion,
// creation/deletion stamps, status and the previous scheduling decision
// stripped). Returns a sentence for the status bar.
Result<std::string> movePod(client::Client &client, const std::string &ns, const std::string &name,
                            const std::string &node);

// "Evicted web-xyz; the scheduler chooses where its replacement goes"
std::string evictedMessage(const std::string &podName);

// kubectl rollout restart deployment/<name>: a strategic merge patch setting
// spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]
// to `now` in RFC 3339 (local time with its offset, "Z" for UTC, as Go's
// time.RFC3339 writes it), so the Deployment rolls every pod. A paused
// Deployment is refused (Invalid), as kubectl refuses it.
Status restartRollout(client::Client &client, const std::string &ns, const std::string &deployment,
                      std::chrono::system_clock::time_point now);

// `t` as Go's time.RFC3339 writes it in the local time zone:
// "2026-11-28T10:32:05+01:00", or "...Z" where the offset is zero.
std::string rfc3339Local(std::chrono::system_clock::time_point t);

// How movePodRemote waits for a bare pod to be gone before recreating it.
struct RemoteMoveOptions
{
    // The bound (real time: the remote cluster's kubelet takes the pod's
    // grace period, 30 s by default); 0 checks once.
    std::chrono::milliseconds goneTimeout{90000};
    // When set and turned true (the GUI closing), the wait ends early.
    const std::atomic<bool> *cancelled = nullptr;
};

// A pod dropped on `node` of a real cluster, whose kube-scheduler knows
// nothing of Kubist's placement intents: the pod is evicted (POST
// pods/<name>/eviction, so disruption budgets are honoured; a refusal is
// ResourceExhausted with the server's reason, "cannot evict web-1: ...").
// A pod with a controller is then left to it and its scheduler: "Evicted
// web-1; on a real cluster the scheduler picks the new node". A bare pod (no
// controller) is recreated bound to `node` (spec.nodeName) once the old one
// is gone — after its graceful deletion, watched for at most
// options.goneTimeout (Timeout when it is still there: "not recreated") —
// with uid, resourceVersion, timestamps, status and Kubist's scheduling
// annotations stripped: "Evicted solo; recreated it on worker-3".
Result<std::string> movePodRemote(client::Client &client, const std::string &ns,
                                  const std::string &name, const std::string &node,
                                  const RemoteMoveOptions &options = {});

} // namespace kubist::model::workloadops
