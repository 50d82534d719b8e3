#include "widgets/clusterscene.h"

#include "widgets/edgeitem.h"
#include "widgets/legenditem.h"
#include "widgets/nodeitem.h"
#include "widgets/nodesummarylayer.h"
#include "widgets/partitem.h"
#include "widgets/poditem.h"
#include "widgets/pulselayer.h"
#include "widgets/serviceitem.h"

#include "model/activitytracker.h"
#include "model/ownercolors.h"
#include "model/placementverdicts.h"
#include "model/podstatus.h"
#include "model/watchactivity.h"

#include "backend/api/quantity.h"
#include "backend/client/objectkey.h"
#include "backend/scheduler/framework/podresources.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"

#include <QFileInfo>
#include <QGraphicsSceneHelpEvent>
#include <QGraphicsView>
#include <QImage>
#include <QPainter>
#include <QSvgGenerator>
#include <QTimer>
#include <QToolTip>

#include <cmath>

namespace kubist::widgets {

namespace core = k8s::io::api::core::v1;
using model::MasterComponent;
using model::ObjectKind;
using model::Subject;

namespace {

constexpr qreal kMasterPartWidth = 180;
constexpr qreal kMasterPartHeight = 64;
constexpr qreal kWorkerWidth = 330;
constexpr qreal kNodePartHeight = 34;
constexpr qreal kColumnGap = 40;
constexpr qreal kRowGap = 34;
constexpr size_t kAnimatedPodsPerFrame = 256;

double quantityOf(
    const google::protobuf::Map<std::string, k8s::io::apimachinery::pkg::api::resource::Quantity>
        &list,
    const char *name, bool milli)
{
    auto it = list.find(name);
    if (it == list.end())
        return 0;
    Result<api::Quantity> q = api::Quantity::parse(it->second.value());
    if (!q)
        return 0;
    return milli ? double(q->milliValue()) / 1000.0 : q->toDouble();
}

ItemRef makeRef(Subject subject, std::string key)
{
    return ItemRef{subject, std::move(key), true};
}

Subject nodePartSubject(int i)
{
    return i == 0 ? Subject::ContainerRuntime : i == 1 ? Subject::Kubelet : Subject::KubeProxy;
}

const char *masterPartIcon(MasterComponent::Part p)
{
    switch (p) {
    case MasterComponent::Part::Etcd:
        return "etcd";
    case MasterComponent::Part::ApiServer:
        return "apiserver";
    case MasterComponent::Part::ControllerManager:
        return "controllermanager";
    case MasterComponent::Part::Scheduler:
        return "scheduler";
    }
    return "";
}

} // namespace

ClusterScene::ClusterScene(model::ClusterModel &model, QObject *parent)
    : QGraphicsScene(parent)
    , m_model(model)
    , m_theme(SceneTheme::light())
{
    setItemIndexMethod(QGraphicsScene::NoIndex); // items move often; few hundred boxes
    setBackgroundBrush(m_theme.background);

    const qreal masterWidth = 4 * kMasterPartWidth + 3 * NodeItem::kGap + 2 * NodeItem::kPadding;
    m_master =
        new NodeItem(NodeItem::Role::Master, makeRef(Subject::ControlPlaneNode, {}),
                     QStringLiteral("control plane"), masterWidth, kMasterPartHeight, m_theme);
    addItem(m_master);
    for (int i = 0; i < 4; ++i) {
        const auto part = static_cast<MasterComponent::Part>(i);
        auto *item = new PartItem(makeRef(model::masterPartSubject(part), {}),
                                  QString::fromLatin1(model::masterPartTitle(part)),
                                  QString::fromLatin1(masterPartIcon(part)),
                                  QSizeF(kMasterPartWidth, kMasterPartHeight), m_theme, m_master);
        item->setPos(m_master->partsOrigin() + QPointF(i * (kMasterPartWidth + NodeItem::kGap), 0));
        m_masterParts[i] = item;
    }
    m_you =
        new PartItem(makeRef(Subject::You, {}), QStringLiteral("you (kubectl)"),
                     QStringLiteral("you"), QSizeF(kMasterPartWidth, kMasterPartHeight), m_theme);
    m_you->setState(PartItem::State::Running);
    addItem(m_you);
    PartItem *api = m_masterParts[int(MasterComponent::Part::ApiServer)];
    for (PartItem *from : {m_masterParts[int(MasterComponent::Part::Etcd)],
                           m_masterParts[int(MasterComponent::Part::ControllerManager)],
                           m_masterParts[int(MasterComponent::Part::Scheduler)], m_you}) {
        auto *edge = new EdgeItem(from, api, EdgeItem::Style::Link, m_theme);
        addItem(edge);
        m_masterEdges.push_back(edge);
    }

    m_lane = new NodeItem(NodeItem::Role::Lane, makeRef(Subject::SchedulingLane, {}),
                          QStringLiteral("waiting to be scheduled"),
                          3 * kWorkerWidth + 2 * kColumnGap, 0, m_theme);
    addItem(m_lane);
    m_legend = new LegendItem(m_theme);
    addItem(m_legend);
    m_pulseLayer = new PulseLayer(m_theme);
    addItem(m_pulseLayer);
    m_summary = new NodeSummaryLayer(m_nodes, m_theme);
    m_summary->setVisible(false);
    addItem(m_summary);

    m_frame = new QTimer(this);
    m_frame->setInterval(16);
    connect(m_frame, &QTimer::timeout, this, &ClusterScene::tick);

    connect(&m_model, &model::ClusterModel::changed, this, &ClusterScene::apply);
    rebuildAll();
}

ClusterScene::~ClusterScene()
{
    m_frame->stop();
    clear(); // items hold a reference to m_theme
}

void ClusterScene::setActivityTracker(model::ActivityTracker *tracker)
{
    if (m_tracker)
        disconnect(m_tracker, nullptr, this, nullptr);
    m_tracker = tracker;
    if (m_tracker)
        connect(m_tracker, &model::ActivityTracker::pulses, this, &ClusterScene::onPulses);
}

void ClusterScene::setWatchActivity(model::WatchActivity *activity)
{
    if (m_watchActivity)
        disconnect(m_watchActivity, nullptr, this, nullptr);
    m_watchActivity = activity;
    if (m_watchActivity)
        connect(m_watchActivity, &model::WatchActivity::pulses, this, &ClusterScene::onPulses);
}

void ClusterScene::setDarkTheme(bool dark)
{
    setTheme(dark ? SceneTheme::darkTheme() : SceneTheme::light());
}

void ClusterScene::setTheme(const SceneTheme &theme)
{
    m_theme = theme;
    setBackgroundBrush(m_theme.background);
    Touched t;
    t.owners = true;
    applyTouched(t);
    update();
}

void ClusterScene::setNodeFaults(const std::string &node, const NodeFaults &faults)
{
    auto it = m_nodeFaults.find(node);
    const NodeFaults before = it == m_nodeFaults.end() ? NodeFaults{} : it->second;
    if (faults == NodeFaults{})
        m_nodeFaults.erase(node);
    else
        m_nodeFaults[node] = faults;
    if (!(before == faults))
        syncNodeHeader(node);
}

void ClusterScene::setNodePoweredOff(const std::string &node, bool off)
{
    auto it = m_nodeFaults.find(node);
    NodeFaults f = it == m_nodeFaults.end() ? NodeFaults{} : it->second;
    f.poweredOff = off;
    setNodeFaults(node, f);
}

NodeItem *ClusterScene::nodeItem(const std::string &name) const
{
    if (!m_masterNode.empty() && name == m_masterNode)
        return m_master;
    auto it = m_nodes.find(name);
    return it == m_nodes.end() ? nullptr : it->second;
}

PodItem *ClusterScene::podItem(const std::string &key) const
{
    auto it = m_pods.find(key);
    return it == m_pods.end() ? nullptr : it->second;
}

ServiceItem *ClusterScene::serviceItem(const std::string &key) const
{
    auto it = m_services.find(key);
    return it == m_services.end() ? nullptr : it->second;
}

PartItem *ClusterScene::masterPart(MasterComponent::Part part) const
{
    return m_masterParts[int(part)];
}

PartItem *ClusterScene::nodePart(const std::string &node, Subject part) const
{
    auto it = m_nodeParts.find(node);
    if (it == m_nodeParts.end())
        return nullptr;
    const int i = part == Subject::ContainerRuntime ? 0 : part == Subject::Kubelet ? 1 : 2;
    return it->second[i];
}

std::vector<EdgeItem *> ClusterScene::serviceEdges(const std::string &serviceKey) const
{
    auto it = m_serviceEdges.find(serviceKey);
    return it == m_serviceEdges.end() ? std::vector<EdgeItem *>() : it->second;
}

void ClusterScene::rebuildAll()
{
    Touched t;
    t.nodeSet = true;
    t.master = true;
    t.owners = true;
    for (const auto &[key, obj] : m_model.objects(ObjectKind::Service))
        t.services.insert(key);
    applyTouched(t);
}

void ClusterScene::apply(const model::ClusterDelta &delta)
{
    Touched t;
    for (const model::ObjectChange &c : delta.changes) {
        switch (c.kind) {
        case ObjectKind::Node:
            if (c.added() || c.removed())
                t.nodeSet = true;
            else if (model::nodeIsControlPlane(static_cast<const core::Node &>(*c.before)) !=
                     model::nodeIsControlPlane(static_cast<const core::Node &>(*c.after)))
                t.nodeSet = true;
            t.nodes.insert(c.key);
            break;
        case ObjectKind::Pod: {
            bool controlPlane = false;
            for (const client::ObjectPtr &p : {c.before, c.after}) {
                if (!p)
                    continue;
                const auto &pod = static_cast<const core::Pod &>(*p);
                controlPlane = controlPlane || model::ClusterModel::isControlPlanePod(pod);
                t.nodes.insert(pod.spec().node_name());
            }
            if (controlPlane)
                t.master = true;
            t.pods.insert(c.key);
            break;
        }
        case ObjectKind::Lease:
            if (c.key.starts_with("kube-system/"))
                t.master = true;
            break;
        case ObjectKind::Service:
        case ObjectKind::Endpoints:
            t.services.insert(c.key);
            break;
        case ObjectKind::Deployment:
        case ObjectKind::ReplicaSet:
            t.owners = true;
            break;
        case ObjectKind::Event:
            break;
        }
    }
    applyTouched(t);
}

void ClusterScene::applyTouched(Touched &t)
{
    if (t.nodeSet)
        syncNodeSet(t);
    if (t.owners) {
        for (const auto &[key, obj] : m_model.objects(ObjectKind::Pod))
            t.pods.insert(key);
        m_ownersChanged = true; // colours or owners may differ
    }
    bool created = false;
    for (const std::string &key : t.pods) {
        const bool had = m_pods.count(key) > 0;
        syncPod(key, t);
        created = created || (!had && m_pods.count(key) > 0);
    }
    for (NodeItem *node : t.gone)
        delete node; // only vanishing chips are left in it
    t.gone.clear();
    if (created)
        for (const auto &[key, obj] : m_model.objects(ObjectKind::Service))
            t.services.insert(key);
    for (const std::string &group : t.groups)
        if (NodeItem *box = boxFor(group))
            box->setSlotCount(m_layout.extent(group));
    if (t.nodeSet || !t.groups.empty())
        for (const auto &[name, item] : m_nodes)
            t.nodes.insert(name);
    if (!m_masterNode.empty())
        t.nodes.insert(m_masterNode);
    for (const std::string &name : t.nodes)
        syncNodeHeader(name);
    if (t.master || t.nodeSet)
        syncMaster();
    for (const std::string &key : t.services)
        syncService(key);
    const size_t legendRows = m_legend->entries().size();
    if (t.owners || !t.pods.empty())
        syncLegend();
    if (m_legend->entries().size() != legendRows)
        t.nodeSet = true; // the legend grew or shrank: the extent changes
    // Boxes move only when a box, a row of chips or a service came or went.
    if (t.nodeSet || !t.groups.empty() || m_services.size() != m_laidOutServices)
        relayout();
}

std::string ClusterScene::groupFor(const std::string &nodeName) const
{
    if (nodeName.empty())
        return {};
    if (nodeName == m_masterNode || m_nodes.count(nodeName))
        return nodeName;
    return {}; // bound to a node the picture does not know (yet): the lane
}

NodeItem *ClusterScene::boxFor(const std::string &group) const
{
    if (group.empty())
        return m_lane;
    return nodeItem(group);
}

void ClusterScene::syncNodeSet(Touched &t)
{
    const std::string masterNode = m_model.controlPlaneNode();
    std::set<std::string> workers;
    for (const std::string &name : m_model.nodeNames())
        if (name != masterNode)
            workers.insert(name);
    m_masterNode = masterNode;
    m_master->setRef(makeRef(Subject::ControlPlaneNode, masterNode));
    m_master->setTitle(
        masterNode.empty()
            ? QStringLiteral("control plane")
            : QStringLiteral("%1 · control plane").arg(QString::fromStdString(masterNode)));
    PartItem *api = m_masterParts[int(MasterComponent::Part::ApiServer)];
    for (const std::string &name : workers) {
        if (m_nodes.count(name))
            continue;
        auto *node =
            new NodeItem(NodeItem::Role::Worker, makeRef(Subject::Node, name),
                         QString::fromStdString(name), kWorkerWidth, kNodePartHeight, m_theme);
        node->setVisible(m_detail != Detail::Tiny);
        addItem(node);
        static const char *const titles[3] = {"container runtime", "kubelet", "kube-proxy"};
        static const char *const icons[3] = {"containerruntime", "kubelet", "kubeproxy"};
        std::array<PartItem *, 3> parts{};
        const qreal w = (kWorkerWidth - 2 * NodeItem::kPadding - 2 * NodeItem::kGap) / 3;
        for (int i = 0; i < 3; ++i) {
            parts[i] = new PartItem(makeRef(nodePartSubject(i), name),
                                    QString::fromLatin1(titles[i]), QString::fromLatin1(icons[i]),
                                    QSizeF(w, kNodePartHeight), m_theme, node);
            parts[i]->setPos(node->partsOrigin() + QPointF(i * (w + NodeItem::kGap), 0));
            parts[i]->setVisible(m_detail == Detail::Near);
        }
        m_nodes[name] = node;
        m_nodeParts[name] = parts;
        auto *edge = new EdgeItem(parts[1], api, EdgeItem::Style::Link, m_theme);
        edge->setVisible(m_detail != Detail::Tiny);
        addItem(edge);
        m_apiEdges[name] = edge;
    }
    std::vector<NodeItem *> gone;
    for (auto it = m_nodes.begin(); it != m_nodes.end();) {
        if (workers.count(it->first)) {
            ++it;
            continue;
        }
        delete m_apiEdges[it->first];
        m_apiEdges.erase(it->first);
        m_nodeParts.erase(it->first);
        gone.push_back(it->second);
        it = m_nodes.erase(it);
    }
    // Every pod may now belong elsewhere; applyTouched() moves the chips
    // out of leaving boxes before those go.
    for (const auto &[key, obj] : m_model.objects(ObjectKind::Pod))
        t.pods.insert(key);
    for (const auto &[key, chip] : m_pods)
        t.pods.insert(key);
    t.gone = std::move(gone);
}

void ClusterScene::syncPod(const std::string &key, Touched &t)
{
    const auto pod = m_model.get<core::Pod>(ObjectKind::Pod, key);
    auto it = m_pods.find(key);
    if (!pod || model::ClusterModel::isControlPlanePod(*pod)) {
        if (it != m_pods.end()) {
            t.groups.insert(m_layout.groupOf(key));
            m_layout.remove(key);
            it->second->vanish();
            m_pods.erase(it);
        }
        countOwner(key, nullptr);
        return;
    }
    const std::string group = groupFor(pod->spec().node_name());
    NodeItem *box = boxFor(group);
    const std::string oldGroup = m_layout.groupOf(key);
    const int oldSlot = m_layout.slotOf(key);
    const int slot = m_layout.place(group, key);
    if (oldSlot < 0 || oldGroup != group) {
        t.groups.insert(group);
        if (oldSlot >= 0)
            t.groups.insert(oldGroup);
    }
    PodItem *chip = nullptr;
    if (it == m_pods.end()) {
        chip = new PodItem(makeRef(Subject::Pod, key), m_theme, box);
        chip->setVisible(m_detail == Detail::Near);
        chip->setPos(box->slotPos(slot));
        // A frame that brings hundreds of pods (the first list, a
        // reconnect) shows them at once: thousands of grow animations
        // would only hold up the picture.
        if (t.pods.size() <= kAnimatedPodsPerFrame)
            chip->appear();
        m_pods[key] = chip;
    } else {
        chip = it->second;
        if (chip->parentItem() != box || oldSlot != slot) {
            const QPointF from = chip->scenePos();
            chip->setParentItem(box);
            chip->slideTo(box->slotPos(slot), from);
        }
    }
    chip->setDimmed(!m_filter.isEmpty() && !m_filter.matches(*pod));
    const model::OwnerRef owner = m_model.ownerOf(*pod);
    countOwner(key, &owner);
    chip->setLook(model::podLook(*pod), model::podRestarts(*pod),
                  QString::fromStdString(pod->metadata().name()),
                  model::ownerColor(owner.empty() ? std::string() : owner.id(), m_theme.dark));
}

void ClusterScene::syncNodeHeader(const std::string &name)
{
    NodeItem *item = nodeItem(name);
    if (!item)
        return;
    NodeItem::Header h;
    const auto node = m_model.get<core::Node>(ObjectKind::Node, name);
    h.present = node != nullptr;
    if (auto f = m_nodeFaults.find(name); f != m_nodeFaults.end()) {
        h.poweredOff = f->second.poweredOff;
        h.partitioned = f->second.partitioned;
        h.runtimeDown = f->second.runtimeDown;
        h.proxyStopped = f->second.proxyStopped;
    }
    if (node) {
        h.health = model::nodeHealth(*node);
        h.cordoned = node->spec().unschedulable();
        h.taints = node->spec().taints_size();
        h.cpuAllocatable = quantityOf(node->status().allocatable(), "cpu", true);
        h.memAllocatable = quantityOf(node->status().allocatable(), "memory", false);
    }
    std::array<int, 8> counts{};
    for (const std::string &key : m_model.podsOnNode(name)) {
        const auto pod = m_model.get<core::Pod>(ObjectKind::Pod, key);
        if (!pod)
            continue;
        const model::PodLook look = model::podLook(*pod);
        if (!model::ClusterModel::isControlPlanePod(*pod))
            ++counts[int(look)];
        if (look == model::PodLook::Failed || look == model::PodLook::Succeeded)
            continue;
        const scheduler::Resource r = scheduler::podRequests(*pod);
        h.cpuRequested += double(r.milliCpu) / 1000.0;
        h.memRequested += double(r.memory);
    }
    item->setHeader(h);
    item->setCounts(counts);
    if (m_detail == Detail::Tiny)
        m_summary->update();
    auto parts = m_nodeParts.find(name);
    if (parts == m_nodeParts.end())
        return;
    // The kubelet and the runtime are alive as far as the cluster can tell
    // when the node reports Ready; kube-proxy shows as running only where a
    // kube-proxy pod (k8s-app=kube-proxy) runs, as on a real cluster.
    const PartItem::State nodeState =
        h.poweredOff                              ? PartItem::State::Stopped
        : h.health == model::NodeHealth::Ready    ? PartItem::State::Running
        : h.health == model::NodeHealth::NotReady ? PartItem::State::Stopped
                                                  : PartItem::State::Unknown;
    // What ClusterControl says overrides what the API can tell.
    parts->second[0]->setState(h.runtimeDown ? PartItem::State::Stopped : nodeState,
                               h.runtimeDown ? QStringLiteral("stopped") : QString());
    parts->second[1]->setState(nodeState,
                               h.partitioned ? QStringLiteral("partitioned") : QString());
    PartItem::State proxy = PartItem::State::Unknown;
    for (const std::string &key : m_model.podsOnNode(name)) {
        const auto pod = m_model.get<core::Pod>(ObjectKind::Pod, key);
        auto label = pod->metadata().labels().find("k8s-app");
        if (label != pod->metadata().labels().end() && label->second == "kube-proxy")
            proxy = model::podIsReady(*pod) ? PartItem::State::Running : PartItem::State::Stopped;
    }
    if (h.proxyStopped || h.poweredOff)
        proxy = PartItem::State::Stopped;
    parts->second[2]->setState(proxy, h.proxyStopped ? QStringLiteral("stopped") : QString());
}

void ClusterScene::syncMaster()
{
    for (const MasterComponent &c : m_model.masterComponents()) {
        PartItem *item = m_masterParts[int(c.part)];
        item->setRef(makeRef(model::masterPartSubject(c.part), c.podKey));
        const PartItem::State state =
            c.state == MasterComponent::State::Running   ? PartItem::State::Running
            : c.state == MasterComponent::State::Stopped ? PartItem::State::Stopped
                                                         : PartItem::State::Unknown;
        QString detail;
        if (!c.leader.empty())
            detail = QStringLiteral("leader: %1").arg(QString::fromStdString(c.leader));
        else if (!c.node.empty())
            detail = QStringLiteral("on %1").arg(QString::fromStdString(c.node));
        else if (c.state == MasterComponent::State::Unknown && m_model.hasSynced())
            // A client cannot see it: say so rather than guess (the
            // inspector explains, model/mastervisibility.h).
            detail = m_model.controlPlaneNode().empty()
                         ? QStringLiteral("not visible: managed control plane")
                         : QStringLiteral("not visible: no pod in kube-system");
        item->setState(state, detail);
    }
}

void ClusterScene::syncService(const std::string &key)
{
    const auto svc = m_model.get<core::Service>(ObjectKind::Service, key);
    auto &edges = m_serviceEdges[key];
    for (EdgeItem *e : edges)
        delete e;
    edges.clear();
    auto it = m_services.find(key);
    if (!svc) {
        if (it != m_services.end()) {
            delete it->second;
            m_services.erase(it);
        }
        m_serviceEdges.erase(key);
        return;
    }
    ServiceItem *item = nullptr;
    if (it == m_services.end()) {
        item = new ServiceItem(makeRef(Subject::Service, key), m_theme);
        addItem(item);
        m_services[key] = item;
    } else {
        item = it->second;
    }
    int ready = 0;
    int notReady = 0;
    if (const auto ep = m_model.get<core::Endpoints>(ObjectKind::Endpoints, key)) {
        const auto link = [&](const core::EndpointAddress &a, EdgeItem::Style style) {
            if (a.target_ref().kind() != "Pod")
                return;
            const std::string ns = a.target_ref().namespace_().empty()
                                       ? svc->metadata().namespace_()
                                       : a.target_ref().namespace_();
            PodItem *chip = podItem(client::objectKey(ns, a.target_ref().name()));
            if (!chip)
                return;
            auto *edge = new EdgeItem(item, chip, style, m_theme);
            edge->setVisible(m_detail != Detail::Tiny);
            addItem(edge);
            edges.push_back(edge);
        };
        for (const core::EndpointSubset &s : ep->subsets()) {
            ready += s.addresses_size();
            notReady += s.not_ready_addresses_size();
            for (const core::EndpointAddress &a : s.addresses())
                link(a, EdgeItem::Style::Ready);
            for (const core::EndpointAddress &a : s.not_ready_addresses())
                link(a, EdgeItem::Style::NotReady);
        }
    }
    QStringList ports;
    for (const core::ServicePort &p : svc->spec().ports())
        ports << QStringLiteral("%1/%2").arg(p.port()).arg(
            QString::fromStdString(p.protocol().empty() ? "TCP" : p.protocol()));
    const std::string type = svc->spec().type().empty() ? "ClusterIP" : svc->spec().type();
    item->setInfo(QString::fromStdString(svc->metadata().name()),
                  QStringLiteral("%1 %2 · %3")
                      .arg(QString::fromStdString(type),
                           QString::fromStdString(svc->spec().cluster_ip()), ports.join(',')),
                  ready, notReady);
}

void ClusterScene::countOwner(const std::string &podKey, const model::OwnerRef *owner)
{
    auto it = m_podOwners.find(podKey);
    if (it != m_podOwners.end()) {
        if (owner && it->second->first == *owner)
            return;
        if (--it->second->second == 0)
            m_ownerCounts.erase(it->second);
        m_podOwners.erase(it);
        m_ownersChanged = true;
    }
    if (!owner)
        return;
    auto counted = m_ownerCounts.try_emplace(*owner, 0).first;
    ++counted->second;
    m_podOwners.emplace(podKey, counted);
    m_ownersChanged = true;
}

void ClusterScene::syncLegend()
{
    if (!m_ownersChanged)
        return;
    m_ownersChanged = false;
    std::vector<LegendItem::Entry> entries;
    entries.reserve(m_ownerCounts.size());
    for (const auto &[owner, count] : m_ownerCounts) {
        LegendItem::Entry e;
        if (owner.empty()) {
            e.label = QStringLiteral("no owner (%1)").arg(count);
        } else {
            e.label =
                QStringLiteral("%1 %2 (%3)")
                    .arg(QString::fromStdString(owner.kind), QString::fromStdString(owner.name))
                    .arg(count);
            if (owner.kind == "Deployment")
                e.ref = makeRef(Subject::Deployment, client::objectKey(owner.ns, owner.name));
            else if (owner.kind == "ReplicaSet")
                e.ref = makeRef(Subject::ReplicaSet, client::objectKey(owner.ns, owner.name));
        }
        e.color = model::ownerColor(owner.empty() ? std::string() : owner.id(), m_theme.dark);
        entries.push_back(std::move(e));
    }
    m_legend->setEntries(std::move(entries));
}

void ClusterScene::helpEvent(QGraphicsSceneHelpEvent *event)
{
    QString text;
    QTransform deviceTransform;
    if (event->widget())
        if (auto *view = qobject_cast<QGraphicsView *>(event->widget()->parentWidget()))
            deviceTransform = view->viewportTransform();
    for (QGraphicsItem *item :
         items(event->scenePos(), Qt::IntersectsItemShape, Qt::DescendingOrder, deviceTransform)) {
        text = item->type() == PodItemType
                   ? static_cast<PodItem *>(item->toGraphicsObject())->toolTipText()
                   : item->toolTip();
        if (!text.isEmpty() || item->isPanel())
            break;
    }
    QToolTip::showText(text.isEmpty() ? QPoint() : event->screenPos(), text, event->widget());
    event->setAccepted(!text.isEmpty());
}

void ClusterScene::setDetail(Detail detail)
{
    if (detail == m_detail)
        return;
    const bool near = detail == Detail::Near;
    const bool lines = detail != Detail::Tiny;
    if (near != (m_detail == Detail::Near)) {
        for (const auto &[key, chip] : m_pods)
            chip->setVisible(near);
        for (const auto &[name, parts] : m_nodeParts)
            for (PartItem *part : parts)
                part->setVisible(near);
    }
    if (lines != (m_detail != Detail::Tiny)) {
        for (const auto &[name, node] : m_nodes)
            node->setVisible(lines);
        m_summary->setVisible(!lines);
        for (const auto &[key, edges] : m_serviceEdges)
            for (EdgeItem *e : edges)
                e->setVisible(lines);
        for (const auto &[name, edge] : m_apiEdges)
            edge->setVisible(lines);
    }
    m_detail = detail;
}

void ClusterScene::relayout()
{
    const int n = int(m_nodes.size());
    const int cols = std::max(3, int(std::ceil(std::sqrt(double(std::max(n, 1))))));
    const qreal gridWidth = cols * kWorkerWidth + (cols - 1) * kColumnGap;
    m_master->setPos(std::max<qreal>(0, (gridWidth - m_master->width()) / 2), 0);
    m_you->setPos(m_master->pos() + QPointF(-kMasterPartWidth - 70, NodeItem::kHeaderHeight));
    m_legend->setPos(gridWidth + 80, 0);
    qreal y = m_master->height() + 110;
    int i = 0;
    qreal rowHeight = 0;
    QRectF workers;
    for (const auto &[name, node] : m_nodes) {
        const int col = i % cols;
        if (col == 0 && i > 0) {
            y += rowHeight + kRowGap;
            rowHeight = 0;
        }
        node->setPos(col * (kWorkerWidth + kColumnGap), y);
        workers |= QRectF(node->pos(), QSizeF(node->width(), node->height()));
        rowHeight = std::max(rowHeight, node->height());
        ++i;
    }
    y += rowHeight + kRowGap + 10;
    m_lane->setPos(0, y);
    m_lane->setVisible(m_layout.extent({}) > 0);
    qreal sy = m_master->height() + 110;
    for (const auto &[key, svc] : m_services) {
        svc->setPos(gridWidth + 80, sy);
        sy += ServiceItem::kHeight + 18;
    }
    m_laidOutServices = m_services.size();
    m_summary->setExtent(workers);
    const QRectF extent = itemsBoundingRect();
    if (extent != m_lastExtent) {
        m_lastExtent = extent;
        setSceneRect(extent.adjusted(-40, -40, 40, 40));
        emit layoutChanged();
    }
}

void ClusterScene::onPulses(const std::vector<model::Pulse> &pulses)
{
    PartItem *api = m_masterParts[int(MasterComponent::Part::ApiServer)];
    PartItem *etcd = m_masterParts[int(MasterComponent::Part::Etcd)];
    for (const model::Pulse &p : pulses) {
        SceneItem *from = nullptr;
        switch (p.source) {
        case model::Pulse::Source::Scheduler:
            from = m_masterParts[int(MasterComponent::Part::Scheduler)];
            break;
        case model::Pulse::Source::ControllerManager:
            from = m_masterParts[int(MasterComponent::Part::ControllerManager)];
            break;
        case model::Pulse::Source::Kubelet:
            from = nodePart(p.node, Subject::Kubelet);
            if (!from)
                from = nodeItem(p.node);
            break;
        case model::Pulse::Source::User:
            from = m_you;
            break;
        }
        if (!from)
            continue;
        QPolygonF path;
        path << from->anchor() << api->anchor();
        int storeFrom = -1;
        if (p.touchedStore) {
            storeFrom = 1;
            path << etcd->anchor();
        }
        m_pulseLayer->add(path, storeFrom, p.count, p.failed);
        if (auto *part = qobject_cast<PartItem *>(from))
            part->flash();
    }
    if (m_pulseLayer->alive() > 0 && !m_frame->isActive())
        m_frame->start();
}

void ClusterScene::tick()
{
    if (!m_pulseLayer->tick())
        m_frame->stop();
}

void ClusterScene::setFilter(const model::PodFilter &filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    for (const auto &[key, chip] : m_pods) {
        const auto pod = m_model.get<core::Pod>(ObjectKind::Pod, key);
        chip->setDimmed(pod && !m_filter.isEmpty() && !m_filter.matches(*pod));
    }
}

void ClusterScene::showDropVerdicts(const model::PlacementVerdicts *verdicts)
{
    auto show = [&](NodeItem *box, const std::string &node) {
        if (!box)
            return;
        if (!verdicts || node.empty()) {
            box->setDropVerdict(NodeItem::DropVerdict::None);
            return;
        }
        const model::NodeVerdict *v = verdicts->find(node);
        if (!v) {
            box->setDropVerdict(
                NodeItem::DropVerdict::Refuses,
                tr("%1 is not a node the scheduler knows").arg(QString::fromStdString(node)));
        } else if (v->feasible) {
            box->setDropVerdict(NodeItem::DropVerdict::Accepts,
                                tr("The scheduler accepts %1 here (score %2)")
                                    .arg(QString::fromStdString(node))
                                    .arg(v->total));
        } else {
            box->setDropVerdict(NodeItem::DropVerdict::Refuses,
                                QStringLiteral("%1: %2").arg(QString::fromStdString(v->plugin),
                                                             QString::fromStdString(v->reason)));
        }
    };
    show(m_master, m_masterNode);
    for (const auto &[name, box] : m_nodes)
        show(box, name);
}

bool ClusterScene::exportPicture(const QString &file, qreal scale)
{
    // The exported picture is drawn close up (scale 1 or more): every chip.
    const Detail was = m_detail;
    setDetail(Detail::Near);
    const bool written = writePicture(file, scale);
    setDetail(was);
    return written;
}

bool ClusterScene::writePicture(const QString &file, qreal scale)
{
    const QRectF source = itemsBoundingRect().adjusted(-16, -16, 16, 16);
    if (source.isEmpty())
        return false;
    if (QFileInfo(file).suffix().compare(QStringLiteral("svg"), Qt::CaseInsensitive) == 0) {
        QSvgGenerator svg;
        svg.setFileName(file);
        svg.setSize(source.size().toSize());
        svg.setViewBox(QRectF(QPointF(0, 0), source.size()));
        svg.setTitle(QStringLiteral("Kubist"));
        svg.setDescription(QStringLiteral("The cluster, drawn by Kubist"));
        QPainter painter;
        if (!painter.begin(&svg))
            return false;
        render(&painter, QRectF(QPointF(0, 0), source.size()), source);
        return painter.end();
    }
    QImage image((source.size() * scale).toSize(), QImage::Format_ARGB32_Premultiplied);
    if (image.isNull())
        return false;
    image.fill(m_theme.background);
    {
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setRenderHint(QPainter::TextAntialiasing);
        render(&painter, QRectF(QPointF(0, 0), QSizeF(image.size())), source);
    }
    return image.save(file);
}

} // namespace kubist::widgets
