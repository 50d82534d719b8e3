#pragma once

#include "model/clusterdelta.h"
#include "model/pulse.h"

#include "backend/util/clock.h"

#include <QObject>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kubist::model {

class ClusterModel;

// WatchActivity: the pulses a picture can honestly draw when it has no
// request log (attached to a remote API server, no ClusterControl): it
// reads each frame's ClusterDelta and infers, from an object's state before
// and after, which part of the cluster must have written it. Nothing is
// invented: a change that no part is known to make draws nothing.
//
// What it recognises (every inferred write reached the store, so every
// pulse has touchedStore; none has failed):
//   - scheduler: a pod's spec.nodeName set ("create pods/binding", also
//     when the pod was created and bound within one frame: first seen bound,
//     PodScheduled=True, no container status yet); a pending pod marked
//     unschedulable or nominated ("patch pods/status");
//     its leader Lease kube-system/kube-scheduler renewed ("update leases");
//     an Event from "default-scheduler" ("create events").
//   - controller manager: a new pod controlled by a ReplicaSet, Job,
//     DaemonSet, StatefulSet or ReplicationController ("create pods"); a new
//     ReplicaSet controlled by a Deployment ("create replicasets"); a
//     Deployment's ReplicaSet rescaled ("update replicasets"); Deployment /
//     ReplicaSet status ("update <kind>/status"); a ReplicaSet pod deleted
//     while its ReplicaSet was scaled down within the last 30 s and still has
//     at least spec.replicas live pods, or after its ReplicaSet is gone (the
//     garbage collector) ("delete pods"); Endpoints of a Service with a
//     selector ("update endpoints"); a node's Ready turning Unknown or its
//     unreachable / not-ready taints changing ("update nodes/status",
//     "update nodes"); a pod's status changing while its node is Unknown
//     (the node lifecycle controller marks it not ready); its leader Lease;
//     Events from "*-controller" / "kube-controller-manager".
//   - kubelet of a node: a pod's status on that node ("patch pods/status");
//     a mirror pod created ("create pods"); a terminating pod's final
//     removal ("delete pods"); a node registered ("create nodes"); the
//     node's heartbeats (its status, its Lease in kube-node-lease: "patch
//     nodes/status", "update leases"), at most one heartbeat pulse per node
//     per heartbeatInterval, so many nodes renewing do not make a storm;
//     Events from "kubelet" (node: source.host).
// Nothing is inferred from the frames before the model has synced (the
// initial list is not activity): the model's synced() frame is skipped.
//
// GUI thread. The model and the clock must outlive this object.
class WatchActivity final : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        // At most one heartbeat pulse per node per interval.
        Clock::Duration heartbeatInterval = std::chrono::seconds(1);
        // How long after a ReplicaSet's scale-down its pod deletions are
        // read as the controller manager's.
        Clock::Duration scaleDownWindow = std::chrono::seconds(30);
    };

    // Connects itself to model.changed() and model.synced(); active at once
    // when the model has already synced. `clock` times the coalescing of
    // heartbeats (the cluster's clock; SystemClock on a remote cluster).
    WatchActivity(const ClusterModel &model, const Clock &clock, QObject *parent = nullptr);
    WatchActivity(const ClusterModel &model, const Clock &clock, Options options,
                  QObject *parent = nullptr);

    // Whether deltas are read (the model had synced).
    bool isActive() const { return m_active; }

    // What one delta shows, merged per edge in first-seen order (what a
    // changed() emits; empty while not active). Updates the heartbeat and
    // scale-down memory, so call it once per delta. The model must already
    // reflect the delta (as it does when it emits changed()).
    std::vector<Pulse> infer(const ClusterDelta &delta);

    // The edge of an Event's reporting component (source.component or
    // reportingController): "default-scheduler" -> Scheduler, "kubelet" ->
    // Kubelet of `host` (none without a host), "*-controller" and
    // "kube-controller-manager" -> ControllerManager; anything else none.
    static std::optional<Pulse> componentPulse(const std::string &component,
                                               const std::string &host);

signals:
    // Emitted at most once per ClusterModel::changed(), never empty.
    void pulses(const std::vector<kubist::model::Pulse> &pulses);

private:
    void onChanged(const ClusterDelta &delta);
    void inferPod(const ObjectChange &change, std::vector<Pulse> &out);
    void inferReplicaSet(const ObjectChange &change, std::vector<Pulse> &out);
    void inferNode(const ObjectChange &change, std::vector<Pulse> &out);
    void inferLease(const ObjectChange &change, std::vector<Pulse> &out);
    void inferEvent(const ObjectChange &change, std::vector<Pulse> &out);
    void inferEndpoints(const ObjectChange &change, std::vector<Pulse> &out);
    void heartbeat(const std::string &node, const char *verb, const char *resource,
                   std::vector<Pulse> &out);
    bool deletedByControllerManager(const client::ObjectPtr &pod) const;

    // Constant after construction.
    const ClusterModel &m_model;
    const Clock &m_clock;
    const Options m_options;

    bool m_active = false;
    std::map<std::string, Clock::Time> m_lastHeartbeat; // node -> last heartbeat pulse
    std::map<std::string, Clock::Time> m_scaledDown;    // ReplicaSet key -> last scale-down
};

} // namespace kubist::model
