#pragma once

#include "widgets/sceneitem.h"

#include <map>
#include <string>

namespace kubist::widgets {

class NodeItem;

// NodeSummaryLayer: the worker boxes at the tiny level of detail
// (ClusterScene::Detail::Tiny: thousands of boxes a few pixels wide). It
// draws every worker box in one paint() — the box in its health colour
// with a bar of its pods per state (NodeItem::paintTiny()) — while
// ClusterScene hides the boxes themselves, so a frame visits one item
// instead of every box and its chips. Clicking it picks the node under the
// pointer. ClusterScene sets its extent after each layout and calls
// update() when a box's state changes. `nodes` (the scene's worker boxes)
// must outlive the layer.
class NodeSummaryLayer final : public SceneItem
{
    Q_OBJECT

public:
    enum { Type = NodeSummaryLayerType };

    NodeSummaryLayer(const std::map<std::string, NodeItem *> &nodes, const SceneTheme &theme);

    int type() const override { return Type; }
    // The scene rectangle the worker boxes cover.
    void setExtent(const QRectF &extent);
    ItemRef refAt(const QPointF &local) const override;

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    const std::map<std::string, NodeItem *> &m_nodes;
    QRectF m_extent;
};

} // namespace kubist::widgets
