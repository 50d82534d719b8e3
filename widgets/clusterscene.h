#pragma once

#include "widgets/scenetheme.h"

#include "model/clusterlayout.h"
#include "model/clustermodel.h"
#include "model/explanations.h"
#include "model/podfilter.h"

#include <QGraphicsScene>

#include <array>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

class QTimer;

namespace kubist::model {
class ActivityTracker;
class WatchActivity;
struct PlacementVerdicts;
struct Pulse;
} // namespace kubist::model

namespace kubist::widgets {

class EdgeItem;
class LegendItem;
class NodeSummaryLayer;
class NodeItem;
class PartItem;
class PodItem;
class PulseLayer;
class ServiceItem;

// ClusterScene: the live picture, and the controller that keeps it true.
// It turns each ClusterModel frame (changed()) into item changes — boxes
// added, removed, restyled, chips placed in their stable slots
// (model::ClusterLayout) — and never lets items read the cluster.
//
// The picture: the master box on top (the control-plane node, or a bare
// "control plane" box when the cluster has none) holding etcd, API server,
// controller manager and scheduler; a "you" box beside it; worker boxes in
// name order below, each with container runtime, kubelet, kube-proxy and
// its pod chips, and a line from its kubelet to the API server; the
// "waiting to be scheduled" lane below the workers; Services in a column to
// the right with lines to their endpoint pods; a legend of owner colours.
// Control-plane mirror pods are shown as the master's parts, not as chips.
//
// Pulses (setActivityTracker): each request becomes a dot travelling from
// the acting part to the API server (and on to etcd when it reached the
// store). A frame timer runs only while pulses are in flight.
//
// GUI thread only. The model must outlive the scene.
class ClusterScene final : public QGraphicsScene
{
    Q_OBJECT

public:
    explicit ClusterScene(model::ClusterModel &model, QObject *parent = nullptr);
    ~ClusterScene() override;

    // Draws the tracker's pulses (nullptr: none). The tracker must outlive
    // the scene or be unset first.
    void setActivityTracker(model::ActivityTracker *tracker);
    // The same pulses inferred from watches (a remote cluster); nullptr: none.
    void setWatchActivity(model::WatchActivity *activity);
    void setDarkTheme(bool dark);
    // Any theme (SceneTheme::highContrast() for presentations).
    void setTheme(const SceneTheme &theme);
    const SceneTheme &theme() const { return m_theme; }
    // What the GUI knows from ClusterControl (ClusterControl::nodeHealth,
    // polled): faults injected into a simulated node.
    struct NodeFaults
    {
        bool poweredOff = false;
        bool partitioned = false;
        bool runtimeDown = false;
        bool proxyStopped = false;
        bool operator==(const NodeFaults &) const = default;
    };
    void setNodeFaults(const std::string &node, const NodeFaults &faults);
    // Shorthand: only the power.
    void setNodePoweredOff(const std::string &node, bool off);

    // Lookups (tests, the window). nodeItem() also finds the master box by
    // the control-plane node's name.
    NodeItem *masterItem() const { return m_master; }
    NodeItem *laneItem() const { return m_lane; }
    NodeItem *nodeItem(const std::string &name) const;
    PodItem *podItem(const std::string &key) const;
    ServiceItem *serviceItem(const std::string &key) const;
    PartItem *masterPart(model::MasterComponent::Part part) const;
    // `part`: Subject::ContainerRuntime, Kubelet or KubeProxy.
    PartItem *nodePart(const std::string &node, model::Subject part) const;
    PartItem *youItem() const { return m_you; }
    LegendItem *legend() const { return m_legend; }
    PulseLayer *pulseLayer() const { return m_pulseLayer; }
    // Edges from the service to its endpoint pods.
    std::vector<EdgeItem *> serviceEdges(const std::string &serviceKey) const;
    // Node boxes, master included (the lane is not a node).
    int nodeBoxCount() const { return int(m_nodes.size()) + 1; }
    // Chips of pods that exist (vanishing chips not counted).
    int podChipCount() const { return int(m_pods.size()); }

    // Level of detail. Far away (a view's zoom below kFarZoom) a node box
    // paints counts of its pods per state where its parts and chips were,
    // so the chips and the worker boxes' parts are hidden: a frame does not
    // visit 150,000 items that would draw nothing. Tiny (below kTinyZoom,
    // NodeItem::kTinyLevelOfDetail: thousands of boxes a few pixels wide)
    // a box is a coloured bar of its pod counts (all drawn by one
    // NodeSummaryLayer, the boxes hidden), and the per-pod service
    // lines and the kubelets' lines to the API server are hidden too:
    // thousands of lines would only cover the picture. Views call
    // setDetail() before they paint (ClusterView::paintEvent); new items
    // follow it. A change visits every chip; it happens when a zoom crosses
    // a threshold.
    enum class Detail { Near, Far, Tiny };
    static constexpr qreal kFarZoom = 0.4;
    static constexpr qreal kTinyZoom = 0.12;
    static Detail detailFor(qreal zoom)
    {
        return zoom < kTinyZoom ? Detail::Tiny : zoom < kFarZoom ? Detail::Far : Detail::Near;
    }
    void setDetail(Detail detail);
    Detail detail() const { return m_detail; }

    // Search: chips of pods that do not match are drawn faint (PodItem::
    // dimmed()); new chips follow the filter too. An empty filter: none.
    void setFilter(const model::PodFilter &filter);
    const model::PodFilter &filter() const { return m_filter; }

    // While a pod is dragged: every worker (and the master) box shows the
    // verdict for it (green / red outline, the reason as tooltip); nullptr
    // clears the outlines.
    void showDropVerdicts(const model::PlacementVerdicts *verdicts);

    // Writes the whole picture (its items' bounding rect plus a margin) to
    // `file`: SVG when the suffix is .svg (QSvgGenerator), else a raster
    // image in the suffix's format (PNG by default) at `scale`. False when
    // the file cannot be written.
    bool exportPicture(const QString &file, qreal scale = 2.0);

signals:
    // The picture's extent changed (a node, service or row came or went).
    void layoutChanged();

protected:
    // Tooltips: an item's toolTip(), or a pod chip's toolTipText().
    void helpEvent(QGraphicsSceneHelpEvent *event) override;

private:
    struct Touched
    {
        std::set<std::string> pods;
        std::set<std::string> nodes;
        std::set<std::string> services;
        std::set<std::string> groups;
        std::vector<NodeItem *> gone; // worker boxes to delete once their chips moved
        bool nodeSet = false;
        bool master = false;
        bool owners = false;
    };

    void apply(const model::ClusterDelta &delta);
    void applyTouched(Touched &t);
    bool writePicture(const QString &file, qreal scale);
    void rebuildAll();
    void syncNodeSet(Touched &t);
    void syncPod(const std::string &key, Touched &t);
    void syncNodeHeader(const std::string &name);
    void syncMaster();
    void syncService(const std::string &key);
    void syncLegend();
    void countOwner(const std::string &podKey, const model::OwnerRef *owner);
    void relayout();
    NodeItem *boxFor(const std::string &group) const;
    std::string groupFor(const std::string &nodeName) const;
    void onPulses(const std::vector<model::Pulse> &pulses);
    void tick();

    model::ClusterModel &m_model;
    SceneTheme m_theme;
    model::ClusterLayout m_layout;

    NodeItem *m_master = nullptr;
    std::string m_masterNode; // the control-plane node's name, "" if none
    std::array<PartItem *, 4> m_masterParts{};
    PartItem *m_you = nullptr;
    NodeItem *m_lane = nullptr;
    LegendItem *m_legend = nullptr;
    PulseLayer *m_pulseLayer = nullptr;
    NodeSummaryLayer *m_summary = nullptr;     // the worker boxes at Detail::Tiny
    std::map<std::string, NodeItem *> m_nodes; // workers by name
    std::map<std::string, std::array<PartItem *, 3>> m_nodeParts; // runtime, kubelet, proxy
    std::map<std::string, EdgeItem *> m_apiEdges;                 // worker kubelet -> API server
    std::vector<EdgeItem *> m_masterEdges;
    std::map<std::string, PodItem *> m_pods;
    std::map<std::string, ServiceItem *> m_services;
    std::map<std::string, std::vector<EdgeItem *>> m_serviceEdges;
    std::map<std::string, NodeFaults> m_nodeFaults;
    model::PodFilter m_filter;
    model::ActivityTracker *m_tracker = nullptr;
    model::WatchActivity *m_watchActivity = nullptr;
    QTimer *m_frame = nullptr;
    QRectF m_lastExtent;
    Detail m_detail = Detail::Near;
    // The legend's counts, kept up to date pod by pod (syncPod): a frame
    // that touches a few pods does not walk them all.
    std::map<model::OwnerRef, int> m_ownerCounts;
    std::unordered_map<std::string, std::map<model::OwnerRef, int>::iterator> m_podOwners;
    bool m_ownersChanged = true; // m_ownerCounts differs from the legend's entries
    size_t m_laidOutServices = 0;
};

} // namespace kubist::widgets
