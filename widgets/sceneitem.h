#pragma once

#include "model/explanations.h"

#include <QGraphicsObject>

#include <string>
#include <vector>

namespace kubist::widgets {

struct SceneTheme;
class EdgeItem;

// The item types of the picture (QGraphicsItem::type()).
enum ItemType {
    NodeItemType = QGraphicsItem::UserType + 1,
    LaneItemType,
    PartItemType,
    PodItemType,
    ServiceItemType,
    EdgeItemType,
    PulseLayerType,
    LegendItemType,
    NodeSummaryLayerType,
};

// What an item stands for, for the inspector and context menus: the
// subject (what kind of thing) and its key — "ns/name" for pods, services,
// deployments and replica sets, the node's name for nodes and a node's
// parts (kubelet of "worker-1"), the mirror pod's key for master parts.
struct ItemRef
{
    model::Subject subject = model::Subject::Pod;
    std::string key;
    bool valid = false;

    bool operator==(const ItemRef &) const = default;
};

// SceneItem: the base of the picture's boxes. Knows what it stands for and
// which edges end at it, and moves those edges along whenever its scene
// position changes (its own move, a parent's or a new parent). Items never
// query the cluster: ClusterScene sets their state.
//
// Cost: an item reacts to its own moves only (ItemSendsGeometryChanges)
// and then walks its own subtree for edges. Qt's scene-wide
// ItemSendsScenePositionChanges is not used: with it, every move of any
// box made Qt visit every flagged item (boxes x items per relayout).
class SceneItem : public QGraphicsObject
{
    Q_OBJECT

public:
    SceneItem(ItemRef ref, const SceneTheme &theme, QGraphicsItem *parent = nullptr);
    ~SceneItem() override;

    const ItemRef &ref() const { return m_ref; }
    void setRef(ItemRef ref) { m_ref = std::move(ref); }
    // What is under `local` (a legend entry, say); the item's ref by default.
    virtual ItemRef refAt(const QPointF &local) const;

    // Where edges attach, in scene coordinates (the centre by default).
    virtual QPointF anchor() const;
    void addEdge(EdgeItem *edge);
    void removeEdge(EdgeItem *edge);
    const std::vector<EdgeItem *> &edges() const { return m_edges; }

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant &value) override;
    const SceneTheme &theme() const { return m_theme; }

private:
    ItemRef m_ref;
    const SceneTheme &m_theme;
    std::vector<EdgeItem *> m_edges; // not owned
};

} // namespace kubist::widgets
