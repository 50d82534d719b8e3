#include "widgets/sceneitem.h"

#include "widgets/edgeitem.h"

#include <algorithm>

namespace kubist::widgets {

SceneItem::SceneItem(ItemRef ref, const SceneTheme &theme, QGraphicsItem *parent)
    : QGraphicsObject(parent)
    , m_ref(std::move(ref))
    , m_theme(theme)
{
    setFlag(ItemSendsGeometryChanges);
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

namespace {

// Moves along the edges of `item` and of everything below it.
void adjustEdgesBelow(QGraphicsItem *item)
{
    if (QGraphicsObject *object = item->toGraphicsObject())
        if (auto *s = qobject_cast<SceneItem *>(object))
            for (EdgeItem *e : s->edges())
                e->adjust();
    const QList<QGraphicsItem *> children = item->childItems();
    for (QGraphicsItem *child : children)
        adjustEdgesBelow(child);
}

} // namespace

QVariant SceneItem::itemChange(GraphicsItemChange change, const QVariant &value)
{
    if (change == ItemPositionHasChanged || change == ItemParentHasChanged)
        adjustEdgesBelow(this);
    return QGraphicsObject::itemChange(change, value);
}

} // namespace kubist::widgets
