#include "widgets/nodesummarylayer.h"

#include "widgets/nodeitem.h"

#include <QPainter>

namespace kubist::widgets {

NodeSummaryLayer::NodeSummaryLayer(const std::map<std::string, NodeItem *> &nodes,
                                   const SceneTheme &theme)
    : SceneItem(ItemRef{}, theme)
    , m_nodes(nodes)
{
    setZValue(0);
}

void NodeSummaryLayer::setExtent(const QRectF &extent)
{
    if (extent == m_extent)
        return;
    prepareGeometryChange();
    m_extent = extent;
}

ItemRef NodeSummaryLayer::refAt(const QPointF &local) const
{
    const QPointF scenePoint = mapToScene(local);
    for (const auto &[name, node] : m_nodes)
        if (node->sceneBoundingRect().contains(scenePoint))
            return node->ref();
    return {};
}

QRectF NodeSummaryLayer::boundingRect() const
{
    return mapRectFromScene(m_extent);
}

void NodeSummaryLayer::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    const QTransform base = painter->transform();
    for (const auto &[name, node] : m_nodes) {
        const QPointF at = mapFromScene(node->scenePos());
        painter->setTransform(QTransform::fromTranslate(at.x(), at.y()) * base);
        node->paintTiny(painter);
    }
    painter->setTransform(base);
}

} // namespace kubist::widgets
