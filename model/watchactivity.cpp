#include "model/watchactivity.h"

#include "model/clustermodel.h"

#include "backend/client/objectkey.h"

#include "apps_v1.pb.h"
#include "coordination_v1.pb.h"
#include "core_v1.pb.h"
#include "meta_v1.pb.h"

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <set>
#include <utility>

namespace kubist::model {

namespace core = k8s::io::api::core::v1;
namespace apps = k8s::io::api::apps::v1;
namespace coordination = k8s::io::api::coordination::v1;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;

using google::protobuf::util::MessageDifferencer;

namespace {

constexpr const char *kMirrorAnnotation = "kubernetes.io/config.mirror";

Pulse makePulse(Pulse::Source source, const std::string &node, const char *verb,
                const char *resource)
{
    Pulse p;
    p.source = source;
    switch (source) {
    case Pulse::Source::Scheduler:
        p.actor = "kube-scheduler";
        break;
    case Pulse::Source::ControllerManager:
        p.actor = "kube-controller-manager";
        break;
    case Pulse::Source::Kubelet:
        p.node = node;
        p.actor = "system:node:" + node;
        break;
    case Pulse::Source::User:
        break;
    }
    p.verb = verb;
    p.resource = resource;
    p.touchedStore = true; // seen by a watch, so it was stored
    return p;
}

Pulse scheduler(const char *verb, const char *resource)
{
    return makePulse(Pulse::Source::Scheduler, {}, verb, resource);
}

Pulse controllerManager(const char *verb, const char *resource)
{
    return makePulse(Pulse::Source::ControllerManager, {}, verb, resource);
}

Pulse kubelet(const std::string &node, const char *verb, const char *resource)
{
    return makePulse(Pulse::Source::Kubelet, node, verb, resource);
}

// Merges `p` into the pulse of its edge, or appends it.
void add(std::vector<Pulse> &out, Pulse p)
{
    for (Pulse &q : out)
        if (q.sameEdge(p)) {
            q.count += p.count;
            q.verb = std::move(p.verb);
            q.resource = std::move(p.resource);
            q.touchedStore = q.touchedStore || p.touchedStore;
            q.failed = q.failed || p.failed;
            return;
        }
    out.push_back(std::move(p));
}

const meta::OwnerReference *controllerRef(const meta::ObjectMeta &m)
{
    for (const meta::OwnerReference &r : m.owner_references())
        if (r.controller())
            return &r;
    return nullptr;
}

const core::PodCondition *podCondition(const core::Pod &pod, const std::string &type)
{
    for (const core::PodCondition &c : pod.status().conditions())
        if (c.type() == type)
            return &c;
    return nullptr;
}

std::string nodeReadyStatus(const core::Node &node)
{
    for (const core::NodeCondition &c : node.status().conditions())
        if (c.type() == "Ready")
            return c.status();
    return "Unknown";
}

// The pod's status as its kubelet writes it: without the conditions the
// API server (binding), the scheduler and the disruption machinery set.
core::PodStatus kubeletStatus(const core::Pod &pod)
{
    core::PodStatus s = pod.status();
    s.clear_nominated_node_name();
    auto *conditions = s.mutable_conditions();
    conditions->erase(std::remove_if(conditions->begin(), conditions->end(),
                                     [](const core::PodCondition &c) {
                                         return c.type() == "PodScheduled" ||
                                                c.type() == "DisruptionTarget";
                                     }),
                      conditions->end());
    return s;
}

// What the scheduler writes into a pod's status while it cannot place it.
bool schedulerStatusChanged(const core::Pod &before, const core::Pod &after)
{
    if (before.status().nominated_node_name() != after.status().nominated_node_name())
        return true;
    const core::PodCondition *b = podCondition(before, "PodScheduled");
    const core::PodCondition *a = podCondition(after, "PodScheduled");
    if (!a)
        return false;
    if (!b)
        return true;
    return a->status() != b->status() || a->reason() != b->reason() || a->message() != b->message();
}

// The taints the node lifecycle controller manages.
std::set<std::string> lifecycleTaints(const core::Node &node)
{
    std::set<std::string> out;
    for (const core::Taint &t : node.spec().taints())
        if (t.key() == "node.kubernetes.io/unreachable" ||
            t.key() == "node.kubernetes.io/not-ready")
            out.insert(t.key() + ":" + t.effect());
    return out;
}

int32_t eventCount(const core::Event &e)
{
    return std::max(e.count(), e.has_series() ? e.series().count() : 0);
}

bool isControllerManagerComponent(const std::string &c)
{
    return c == "kube-controller-manager" || c == "controllermanager" || c.ends_with("-controller");
}

} // namespace

WatchActivity::WatchActivity(const ClusterModel &model, const Clock &clock, QObject *parent)
    : WatchActivity(model, clock, Options{}, parent)
{}

WatchActivity::WatchActivity(const ClusterModel &model, const Clock &clock, Options options,
                             QObject *parent)
    : QObject(parent)
    , m_model(model)
    , m_clock(clock)
    , m_options(options)
    , m_active(model.hasSynced())
{
    // changed() of the frame that completes the first lists comes before
    // synced(), so that frame (the initial list) is not read.
    connect(&model, &ClusterModel::synced, this, [this] { m_active = true; });
    connect(&model, &ClusterModel::changed, this, &WatchActivity::onChanged);
}

void WatchActivity::onChanged(const ClusterDelta &delta)
{
    std::vector<Pulse> out = infer(delta);
    if (!out.empty())
        emit pulses(out);
}

std::vector<Pulse> WatchActivity::infer(const ClusterDelta &delta)
{
    std::vector<Pulse> out;
    if (!m_active)
        return out;
    // ReplicaSets first: a scale-down explains pod deletions of the same frame.
    for (const ObjectChange &c : delta.changes)
        if (c.kind == ObjectKind::ReplicaSet)
            inferReplicaSet(c, out);
    for (const ObjectChange &c : delta.changes) {
        switch (c.kind) {
        case ObjectKind::Pod:
            inferPod(c, out);
            break;
        case ObjectKind::Node:
            inferNode(c, out);
            break;
        case ObjectKind::Lease:
            inferLease(c, out);
            break;
        case ObjectKind::Event:
            inferEvent(c, out);
            break;
        case ObjectKind::Endpoints:
            inferEndpoints(c, out);
            break;
        case ObjectKind::Deployment:
            if (c.before && c.after &&
                !MessageDifferencer::Equals(
                    static_cast<const apps::Deployment &>(*c.before).status(),
                    static_cast<const apps::Deployment &>(*c.after).status()))
                add(out, controllerManager("update", "deployments/status"));
            break;
        case ObjectKind::ReplicaSet:
        case ObjectKind::Service:
            break;
        }
    }
    return out;
}

void WatchActivity::inferPod(const ObjectChange &change, std::vector<Pulse> &out)
{
    if (change.added()) {
        const auto &pod = static_cast<const core::Pod &>(*change.after);
        const std::string &node = pod.spec().node_name();
        const bool mirror = pod.metadata().annotations().count(kMirrorAnnotation) > 0;
        if (mirror) {
            if (!node.empty())
                add(out, kubelet(node, "create", "pods"));
            return;
        }
        if (const meta::OwnerReference *ref = controllerRef(pod.metadata())) {
            static const std::set<std::string> kControllers = {
                "ReplicaSet", "Job", "DaemonSet", "StatefulSet", "ReplicationController"};
            if (kControllers.count(ref->kind()))
                add(out, controllerManager("create", "pods"));
        }
        // Created and bound within one frame: the binding set PodScheduled,
        // and no kubelet has reported yet.
        const core::PodCondition *scheduled = podCondition(pod, "PodScheduled");
        if (!node.empty() && scheduled && scheduled->status() == "True" &&
            pod.status().container_statuses_size() == 0)
            add(out, scheduler("create", "pods/binding"));
        return;
    }
    if (change.removed()) {
        const auto &pod = static_cast<const core::Pod &>(*change.before);
        const std::string &node = pod.spec().node_name();
        if (pod.metadata().has_deletion_timestamp() && !node.empty()) {
            auto n = m_model.get<core::Node>(ObjectKind::Node, node);
            if (!n)
                add(out, controllerManager("delete", "pods")); // pod GC: node gone
            else if (nodeReadyStatus(*n) != "Unknown")
                add(out, kubelet(node, "delete", "pods")); // its final DELETE
        } else if (!pod.metadata().has_deletion_timestamp() &&
                   deletedByControllerManager(change.before)) {
            add(out, controllerManager("delete", "pods"));
        }
        return;
    }
    const auto &before = static_cast<const core::Pod &>(*change.before);
    const auto &after = static_cast<const core::Pod &>(*change.after);
    const std::string &node = after.spec().node_name();
    if (before.spec().node_name().empty() && !node.empty())
        add(out, scheduler("create", "pods/binding"));
    else if (node.empty() && schedulerStatusChanged(before, after))
        add(out, scheduler("patch", "pods/status"));

    if (!node.empty() && !MessageDifferencer::Equals(kubeletStatus(before), kubeletStatus(after))) {
        auto n = m_model.get<core::Node>(ObjectKind::Node, node);
        if (n && nodeReadyStatus(*n) == "Unknown")
            add(out, controllerManager("update", "pods/status")); // marked not ready
        else
            add(out, kubelet(node, "patch", "pods/status"));
    }
    if (!before.metadata().has_deletion_timestamp() && after.metadata().has_deletion_timestamp() &&
        deletedByControllerManager(change.after))
        add(out, controllerManager("delete", "pods"));
}

bool WatchActivity::deletedByControllerManager(const client::ObjectPtr &object) const
{
    const auto &pod = static_cast<const core::Pod &>(*object);
    const meta::OwnerReference *ref = controllerRef(pod.metadata());
    if (!ref || ref->kind() != "ReplicaSet")
        return false;
    const std::string &ns = pod.metadata().namespace_();
    const std::string rsKey = client::objectKey(ns, ref->name());
    auto rs = m_model.get<apps::ReplicaSet>(ObjectKind::ReplicaSet, rsKey);
    if (!rs)
        return true; // its owner is gone: the garbage collector deletes it
    auto scaled = m_scaledDown.find(rsKey);
    if (scaled == m_scaledDown.end() || m_clock.now() - scaled->second > m_options.scaleDownWindow)
        return false;
    // The ReplicaSet still has what it wants without this pod: it was not
    // a loss the controller must replace but its own removal.
    const int32_t want = rs->spec().has_replicas() ? rs->spec().replicas() : 1;
    int32_t live = 0;
    const auto &pods = m_model.objects(ObjectKind::Pod);
    const std::string prefix = ns + "/";
    for (auto it = pods.lower_bound(prefix); it != pods.end() && it->first.starts_with(prefix);
         ++it) {
        const auto &p = static_cast<const core::Pod &>(*it->second);
        const meta::OwnerReference *r = controllerRef(p.metadata());
        if (r && r->kind() == "ReplicaSet" && r->name() == ref->name() &&
            !p.metadata().has_deletion_timestamp())
            ++live;
    }
    return live >= want;
}

void WatchActivity::inferReplicaSet(const ObjectChange &change, std::vector<Pulse> &out)
{
    if (change.removed()) {
        m_scaledDown.erase(change.key);
        return;
    }
    const auto &after = static_cast<const apps::ReplicaSet &>(*change.after);
    const meta::OwnerReference *ref = controllerRef(after.metadata());
    const bool ofDeployment = ref && ref->kind() == "Deployment";
    if (change.added()) {
        if (ofDeployment)
            add(out, controllerManager("create", "replicasets"));
        return;
    }
    const auto &before = static_cast<const apps::ReplicaSet &>(*change.before);
    const int32_t was = before.spec().has_replicas() ? before.spec().replicas() : 1;
    const int32_t is = after.spec().has_replicas() ? after.spec().replicas() : 1;
    if (is < was)
        m_scaledDown[change.key] = m_clock.now();
    if (is != was && ofDeployment)
        add(out, controllerManager("update", "replicasets"));
    if (!MessageDifferencer::Equals(before.status(), after.status()))
        add(out, controllerManager("update", "replicasets/status"));
}

void WatchActivity::inferNode(const ObjectChange &change, std::vector<Pulse> &out)
{
    if (change.removed()) {
        m_lastHeartbeat.erase(change.key);
        return;
    }
    if (change.added()) {
        add(out, kubelet(change.key, "create", "nodes")); // a kubelet registers its node
        return;
    }
    const auto &before = static_cast<const core::Node &>(*change.before);
    const auto &after = static_cast<const core::Node &>(*change.after);
    if (lifecycleTaints(before) != lifecycleTaints(after))
        add(out, controllerManager("update", "nodes"));
    if (nodeReadyStatus(before) != "Unknown" && nodeReadyStatus(after) == "Unknown")
        add(out, controllerManager("update", "nodes/status")); // kubelet stopped posting
    else if (!MessageDifferencer::Equals(before.status(), after.status()))
        heartbeat(change.key, "patch", "nodes/status", out);
}

void WatchActivity::inferLease(const ObjectChange &change, std::vector<Pulse> &out)
{
    if (change.removed())
        return;
    const auto &after = static_cast<const coordination::Lease &>(*change.after);
    if (change.before &&
        MessageDifferencer::Equals(static_cast<const coordination::Lease &>(*change.before).spec(),
                                   after.spec()))
        return; // not renewed (metadata only)
    const char *verb = change.added() ? "create" : "update";
    const std::string &ns = after.metadata().namespace_();
    const std::string &name = after.metadata().name();
    if (ns == "kube-node-lease")
        heartbeat(name, verb, "leases", out);
    else if (ns == "kube-system" && name == "kube-scheduler")
        add(out, scheduler(verb, "leases"));
    else if (ns == "kube-system" && name == "kube-controller-manager")
        add(out, controllerManager(verb, "leases"));
}

void WatchActivity::inferEvent(const ObjectChange &change, std::vector<Pulse> &out)
{
    if (change.removed())
        return;
    const auto &after = static_cast<const core::Event &>(*change.after);
    const char *verb = "create";
    if (change.before) {
        if (eventCount(after) <= eventCount(static_cast<const core::Event &>(*change.before)))
            return; // not a repeat (e.g. metadata only)
        verb = "patch";
    }
    const std::string &component = after.source().component().empty() ? after.reporting_component()
                                                                      : after.source().component();
    const std::string &host =
        after.source().host().empty() ? after.reporting_instance() : after.source().host();
    std::optional<Pulse> p = componentPulse(component, host);
    if (!p)
        return;
    p->verb = verb;
    p->resource = "events";
    add(out, std::move(*p));
}

void WatchActivity::inferEndpoints(const ObjectChange &change, std::vector<Pulse> &out)
{
    if (change.removed())
        return;
    const auto &after = static_cast<const core::Endpoints &>(*change.after);
    if (change.before &&
        std::equal(after.subsets().begin(), after.subsets().end(),
                   static_cast<const core::Endpoints &>(*change.before).subsets().begin(),
                   static_cast<const core::Endpoints &>(*change.before).subsets().end(),
                   [](const core::EndpointSubset &a, const core::EndpointSubset &b) {
                       return MessageDifferencer::Equals(a, b);
                   }))
        return;
    // Only a Service with a selector has its Endpoints kept by the
    // endpoints controller; others are written by whoever owns them.
    auto service = m_model.get<core::Service>(ObjectKind::Service, change.key);
    if (!service || service->spec().selector().empty())
        return;
    add(out, controllerManager(change.added() ? "create" : "update", "endpoints"));
}

void WatchActivity::heartbeat(const std::string &node, const char *verb, const char *resource,
                              std::vector<Pulse> &out)
{
    if (node.empty())
        return;
    const Clock::Time now = m_clock.now();
    auto it = m_lastHeartbeat.find(node);
    if (it != m_lastHeartbeat.end() && now - it->second < m_options.heartbeatInterval)
        return;
    m_lastHeartbeat[node] = now;
    add(out, kubelet(node, verb, resource));
}

std::optional<Pulse> WatchActivity::componentPulse(const std::string &component,
                                                   const std::string &host)
{
    if (component == "default-scheduler" || component == "kube-scheduler")
        return scheduler("create", "events");
    if (component == "kubelet") {
        if (host.empty())
            return std::nullopt;
        return kubelet(host, "create", "events");
    }
    if (isControllerManagerComponent(component))
        return controllerManager("create", "events");
    return std::nullopt;
}

} // namespace kubist::model
