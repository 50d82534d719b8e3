#include "model/clustermodel.h"

#include "model/podstatus.h"

#include "backend/api/scheme.h"
#include "backend/client/informer.h"
#include "backend/client/objectkey.h"

#include "apps_v1.pb.h"
#include "coordination_v1.pb.h"
#include "core_v1.pb.h"
#include "meta_v1.pb.h"

#include <QMetaObject>
#include <QTimer>

#include <algorithm>

namespace kubist::model {

namespace core = k8s::io::api::core::v1;
namespace apps = k8s::io::api::apps::v1;
namespace coordination = k8s::io::api::coordination::v1;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;

namespace {

constexpr int kFrameMs = 16;

const api::KindInfo &kindInfo(ObjectKind kind)
{
    const api::Scheme &s = api::Scheme::builtin();
    switch (kind) {
    case ObjectKind::Node:
        return *s.byDescriptor(core::Node::descriptor());
    case ObjectKind::Pod:
        return *s.byDescriptor(core::Pod::descriptor());
    case ObjectKind::Service:
        return *s.byDescriptor(core::Service::descriptor());
    case ObjectKind::Endpoints:
        return *s.byDescriptor(core::Endpoints::descriptor());
    case ObjectKind::Deployment:
        return *s.byDescriptor(apps::Deployment::descriptor());
    case ObjectKind::ReplicaSet:
        return *s.byDescriptor(apps::ReplicaSet::descriptor());
    case ObjectKind::Event:
        return *s.byDescriptor(core::Event::descriptor());
    case ObjectKind::Lease:
        return *s.byDescriptor(coordination::Lease::descriptor());
    }
    return *s.byDescriptor(core::Pod::descriptor());
}

const meta::OwnerReference *controllerRef(const meta::ObjectMeta &m)
{
    for (const meta::OwnerReference &r : m.owner_references())
        if (r.controller())
            return &r;
    return nullptr;
}

std::string nodeOf(const client::ObjectPtr &pod)
{
    return static_cast<const core::Pod &>(*pod).spec().node_name();
}

int64_t eventTime(const core::Event &e)
{
    if (e.has_last_timestamp() && e.last_timestamp().seconds() > 0)
        return e.last_timestamp().seconds();
    if (e.has_event_time())
        return e.event_time().seconds();
    return e.metadata().creation_timestamp().seconds();
}

} // namespace

const char *masterPartComponentLabel(MasterComponent::Part part)
{
    switch (part) {
    case MasterComponent::Part::Etcd:
        return "etcd";
    case MasterComponent::Part::ApiServer:
        return "kube-apiserver";
    case MasterComponent::Part::ControllerManager:
        return "kube-controller-manager";
    case MasterComponent::Part::Scheduler:
        return "kube-scheduler";
    }
    return "";
}

const char *masterPartTitle(MasterComponent::Part part)
{
    switch (part) {
    case MasterComponent::Part::Etcd:
        return "etcd";
    case MasterComponent::Part::ApiServer:
        return "API server";
    case MasterComponent::Part::ControllerManager:
        return "controller manager";
    case MasterComponent::Part::Scheduler:
        return "scheduler";
    }
    return "";
}

Subject masterPartSubject(MasterComponent::Part part)
{
    switch (part) {
    case MasterComponent::Part::Etcd:
        return Subject::Etcd;
    case MasterComponent::Part::ApiServer:
        return Subject::ApiServer;
    case MasterComponent::Part::ControllerManager:
        return Subject::ControllerManager;
    case MasterComponent::Part::Scheduler:
        return Subject::Scheduler;
    }
    return Subject::ApiServer;
}

std::optional<MasterComponent::Part> masterPartOf(Subject subject)
{
    switch (subject) {
    case Subject::Etcd:
        return MasterComponent::Part::Etcd;
    case Subject::ApiServer:
        return MasterComponent::Part::ApiServer;
    case Subject::ControllerManager:
        return MasterComponent::Part::ControllerManager;
    case Subject::Scheduler:
        return MasterComponent::Part::Scheduler;
    default:
        return std::nullopt;
    }
}

ClusterModel::ClusterModel(client::Client &client, const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_clock(clock)
{
    m_frame = new QTimer(this);
    m_frame->setSingleShot(true);
    m_frame->setInterval(kFrameMs);
    connect(m_frame, &QTimer::timeout, this, &ClusterModel::drain);

    const auto add = [this](ObjectKind kind, const std::string &ns) {
        client::Informer::Options o;
        o.ns = ns;
        o.name = "gui/" + kindInfo(kind).resource + (ns.empty() ? "" : "/" + ns);
        auto informer = std::make_unique<client::Informer>(m_client, kindInfo(kind), m_clock, o);
        client::Informer::Handlers h;
        h.onAdd = [this, kind](const client::ObjectPtr &obj) { record(kind, obj, false); };
        h.onUpdate = [this, kind](const client::ObjectPtr &, const client::ObjectPtr &obj) {
            record(kind, obj, false);
        };
        h.onDelete = [this, kind](const client::ObjectPtr &obj) { record(kind, obj, true); };
        informer->addEventHandler(std::move(h));
        m_informers.emplace_back(kind, std::move(informer));
    };
    add(ObjectKind::Node, "");
    add(ObjectKind::Pod, "");
    add(ObjectKind::Service, "");
    add(ObjectKind::Endpoints, "");
    add(ObjectKind::Deployment, "");
    add(ObjectKind::ReplicaSet, "");
    add(ObjectKind::Event, "");
    add(ObjectKind::Lease, "kube-system");
    add(ObjectKind::Lease, "kube-node-lease");
}

ClusterModel::~ClusterModel()
{
    stop();
}

void ClusterModel::start()
{
    if (m_started)
        return;
    m_started = true;
    for (auto &[kind, informer] : m_informers)
        informer->start();
    // Until every informer has listed, frames run so that synced() comes
    // even when the lists are empty.
    m_frame->start();
}

void ClusterModel::stop()
{
    for (auto &[kind, informer] : m_informers)
        informer->stop();
    m_frame->stop();
}

void ClusterModel::record(ObjectKind kind, const client::ObjectPtr &object, bool deleted)
{
    bool request = false;
    {
        std::lock_guard lock(m_mutex);
        m_pending[PendingKey{kind, client::objectKey(*object)}] = deleted ? nullptr : object;
        request = !m_frameRequested;
        m_frameRequested = true;
    }
    if (request)
        QMetaObject::invokeMethod(
            this,
            [this] {
                if (!m_frame->isActive())
                    m_frame->start();
            },
            Qt::QueuedConnection);
}

void ClusterModel::drain()
{
    std::map<PendingKey, client::ObjectPtr> pending;
    {
        std::lock_guard lock(m_mutex);
        pending.swap(m_pending);
        m_frameRequested = false;
    }
    // Read before applying: every add of a synced informer is in `pending`
    // (handlers run before hasSynced() turns true).
    bool allSynced = true;
    for (auto &[kind, informer] : m_informers)
        allSynced = allSynced && informer->hasSynced();

    ClusterDelta delta;
    delta.changes.reserve(pending.size());
    for (auto &[k, object] : pending) {
        ObjectChange change;
        change.kind = k.kind;
        change.key = k.key;
        change.after = object;
        apply(change);
        if (change.before || change.after)
            delta.changes.push_back(std::move(change));
    }
    const bool becameSynced = allSynced && !m_synced;
    m_synced = m_synced || allSynced;
    if (!m_synced && m_started)
        m_frame->start();
    if (!delta.changes.empty())
        emit changed(delta);
    if (becameSynced)
        emit synced();
}

void ClusterModel::apply(ObjectChange &change)
{
    auto &map = m_objects[static_cast<int>(change.kind)];
    auto it = map.find(change.key);
    change.before = it == map.end() ? nullptr : it->second;
    if (change.before == change.after) {
        change.before = change.after = nullptr; // nothing new
        return;
    }
    if (change.kind == ObjectKind::Pod) {
        if (change.before) {
            auto n = m_podsByNode.find(nodeOf(change.before));
            if (n != m_podsByNode.end()) {
                n->second.erase(change.key);
                if (n->second.empty())
                    m_podsByNode.erase(n);
            }
        }
        if (change.after)
            m_podsByNode[nodeOf(change.after)].insert(change.key);
    }
    if (change.after)
        map[change.key] = change.after;
    else if (it != map.end())
        map.erase(it);
}

const std::map<std::string, client::ObjectPtr> &ClusterModel::objects(ObjectKind kind) const
{
    return m_objects[static_cast<int>(kind)];
}

client::ObjectPtr ClusterModel::object(ObjectKind kind, const std::string &key) const
{
    const auto &map = objects(kind);
    auto it = map.find(key);
    return it == map.end() ? nullptr : it->second;
}

std::vector<std::string> ClusterModel::nodeNames() const
{
    std::vector<std::string> out;
    for (const auto &[key, obj] : objects(ObjectKind::Node))
        out.push_back(key);
    return out;
}

std::string ClusterModel::controlPlaneNode() const
{
    for (const auto &[key, obj] : objects(ObjectKind::Node))
        if (nodeIsControlPlane(static_cast<const core::Node &>(*obj)))
            return key;
    for (const MasterComponent &c : masterComponents())
        if (c.part == MasterComponent::Part::ApiServer && !c.node.empty())
            return c.node;
    return {};
}

std::vector<std::string> ClusterModel::podsOnNode(const std::string &node) const
{
    if (node.empty())
        return {};
    auto it = m_podsByNode.find(node);
    if (it == m_podsByNode.end())
        return {};
    return {it->second.begin(), it->second.end()};
}

std::vector<std::string> ClusterModel::unscheduledPods() const
{
    auto it = m_podsByNode.find("");
    if (it == m_podsByNode.end())
        return {};
    return {it->second.begin(), it->second.end()};
}

bool ClusterModel::isControlPlanePod(const core::Pod &pod)
{
    const auto &labels = pod.metadata().labels();
    auto tier = labels.find("tier");
    return pod.metadata().namespace_() == "kube-system" && tier != labels.end() &&
           tier->second == "control-plane" && labels.count("component") > 0;
}

OwnerRef ClusterModel::ownerOf(const core::Pod &pod) const
{
    const meta::OwnerReference *ref = controllerRef(pod.metadata());
    if (!ref)
        return {};
    const std::string &ns = pod.metadata().namespace_();
    if (ref->kind() == "ReplicaSet") {
        auto rs = get<apps::ReplicaSet>(ObjectKind::ReplicaSet, client::objectKey(ns, ref->name()));
        if (rs) {
            const meta::OwnerReference *up = controllerRef(rs->metadata());
            if (up && up->kind() == "Deployment")
                return OwnerRef{"Deployment", ns, up->name()};
        }
    }
    return OwnerRef{ref->kind(), ns, ref->name()};
}

std::vector<std::string> ClusterModel::podsOwnedBy(const OwnerRef &owner) const
{
    std::vector<std::string> out;
    for (const auto &[key, obj] : objects(ObjectKind::Pod)) {
        const auto &pod = static_cast<const core::Pod &>(*obj);
        if (pod.metadata().namespace_() == owner.ns && ownerOf(pod) == owner)
            out.push_back(key);
    }
    return out;
}

std::vector<MasterComponent> ClusterModel::masterComponents() const
{
    std::vector<MasterComponent> out;
    for (auto part : {MasterComponent::Part::Etcd, MasterComponent::Part::ApiServer,
                      MasterComponent::Part::ControllerManager, MasterComponent::Part::Scheduler}) {
        MasterComponent c;
        c.part = part;
        out.push_back(c);
    }
    const auto &pods = objects(ObjectKind::Pod);
    for (auto it = pods.lower_bound("kube-system/");
         it != pods.end() && it->first.starts_with("kube-system/"); ++it) {
        const auto &pod = static_cast<const core::Pod &>(*it->second);
        if (!isControlPlanePod(pod))
            continue;
        const std::string &component = pod.metadata().labels().at("component");
        for (MasterComponent &c : out) {
            if (component != masterPartComponentLabel(c.part))
                continue;
            // Several masters (HA): one Running replica is enough to show
            // the part Running.
            const bool running = pod.status().phase() == "Running" && podIsReady(pod) &&
                                 !pod.metadata().has_deletion_timestamp();
            if (c.podKey.empty() || (running && c.state != MasterComponent::State::Running)) {
                c.podKey = it->first;
                c.node = pod.spec().node_name();
                c.state =
                    running ? MasterComponent::State::Running : MasterComponent::State::Stopped;
            }
        }
    }
    for (MasterComponent &c : out) {
        if (c.part != MasterComponent::Part::Scheduler &&
            c.part != MasterComponent::Part::ControllerManager)
            continue;
        auto lease = get<coordination::Lease>(
            ObjectKind::Lease, client::objectKey("kube-system", masterPartComponentLabel(c.part)));
        if (lease)
            c.leader = lease->spec().holder_identity();
    }
    return out;
}

std::vector<client::ObjectPtr> ClusterModel::eventsAbout(const std::string &kind,
                                                         const std::string &ns,
                                                         const std::string &name,
                                                         size_t limit) const
{
    std::vector<std::pair<int64_t, client::ObjectPtr>> found;
    for (const auto &[key, obj] : objects(ObjectKind::Event)) {
        const auto &e = static_cast<const core::Event &>(*obj);
        const core::ObjectReference &o = e.involved_object();
        if (o.kind() == kind && o.name() == name && o.namespace_() == ns)
            found.emplace_back(eventTime(e), obj);
    }
    std::stable_sort(found.begin(), found.end(),
                     [](const auto &a, const auto &b) { return a.first > b.first; });
    std::vector<client::ObjectPtr> out;
    for (size_t i = 0; i < found.size() && i < limit; ++i)
        out.push_back(found[i].second);
    return out;
}

} // namespace kubist::model
