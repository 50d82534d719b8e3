#include "widgets/sceneitem.h"

#include "widgets/edgeitem.h"

#include <algorithm>

namespace kubist::widgets {

SceneItem::SceneItem(ItemRef ref, const SceneTheme &theme, QGraphicsItem *parent)
    : QGraphicsObject(parent)
    , m_ref(std::move(ref))
    , m_theme(theme)
{
    setFlag(ItemSendsScenePositionChanges);
}

SceneItem::~SceneItem()
{
    for (EdgeItem *e : m_edges)
        e->detach(this);
}

ItemRef SceneItem::refAt(const QPointF &) const
{
    return m_ref;
}

QPointF SceneItem::anchor() const
{
    return mapToScene(boundingRect().center());
}

void SceneItem::addEdge(EdgeItem *edge)
{
    m_edges.push_back(edge);
}

void SceneItem::removeEdge(EdgeItem *edge)
{
    m_edges.erase(std::remove(m_edges.begin(), m_edges.end(), edge), m_edges.end());
}

QVariant SceneItem::itemChange(GraphicsItemChange change, const QVariant &value)
{
    if (change == ItemScenePositionHasChanged)
        for (EdgeItem *e : m_edges)
            e->adjust();
    return QGraphicsObject::itemChange(change, value);
}

} // namespace kubist::widgets
