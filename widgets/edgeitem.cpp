#include "widgets/edgeitem.h"

#include "widgets/sceneitem.h"
#include "widgets/scenetheme.h"

#include <QPainter>
#include <QPainterPathStroker>

#include <cmath>

namespace kubist::widgets {

EdgeItem::EdgeItem(SceneItem *from, SceneItem *to, Style style, const SceneTheme &theme)
    : m_from(from)
    , m_to(to)
    , m_style(style)
    , m_theme(theme)
{
    // Links between parts run behind the boxes; a service's lines to its
    // pods run above them (semi-transparent), so they reach the chips.
    setZValue(style == Style::Link ? -1 : 5);
    setAcceptedMouseButtons(Qt::NoButton);
    m_from->addEdge(this);
    m_to->addEdge(this);
    adjust();
}

EdgeItem::~EdgeItem()
{
    if (m_from)
        m_from->removeEdge(this);
    if (m_to)
        m_to->removeEdge(this);
}

void EdgeItem::detach(SceneItem *end)
{
    if (m_from == end)
        m_from = nullptr;
    if (m_to == end)
        m_to = nullptr;
    prepareGeometryChange();
    m_line = QLineF();
    m_path = QPainterPath();
}

void EdgeItem::adjust()
{
    if (!m_from || !m_to)
        return;
    const QLineF line(mapFromScene(m_from->anchor()), mapFromScene(m_to->anchor()));
    if (line == m_line)
        return;
    prepareGeometryChange();
    m_line = line;
    m_path = QPainterPath(line.p1());
    if (m_style == Style::Link) {
        m_path.lineTo(line.p2());
    } else {
        // A service's line bows below the boxes and comes up to the chip's
        // foot, so lines to pods in one row do not run over each other.
        const qreal drop = 40 + std::abs(line.dx()) * 0.08;
        m_path.cubicTo(line.p1() + QPointF(-60, drop), line.p2() + QPointF(0, drop), line.p2());
    }
}

QRectF EdgeItem::boundingRect() const
{
    if (m_line.isNull())
        return {};
    return m_path.controlPointRect().adjusted(-3, -3, 3, 3);
}

QPainterPath EdgeItem::shape() const
{
    QPainterPathStroker stroker;
    stroker.setWidth(6);
    return stroker.createStroke(m_path);
}

void EdgeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    if (m_line.isNull() || !m_from || !m_to)
        return;
    QPen pen(m_theme.edge, 1.6);
    QColor ready = m_theme.ready;
    ready.setAlphaF(0.75);
    QColor notReady = m_theme.unknown;
    notReady.setAlphaF(0.8);
    if (m_style == Style::Ready)
        pen = QPen(ready, 2);
    else if (m_style == Style::NotReady)
        pen = QPen(notReady, 2, Qt::DashLine);
    pen.setCosmetic(false);
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(m_path);
}

} // namespace kubist::widgets
