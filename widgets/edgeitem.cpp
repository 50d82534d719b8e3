#include "widgets/edgeitem.h"

#include "widgets/sceneitem.h"
#include "widgets/scenetheme.h"

#include <QPainter>
#include <QPainterPathStroker>
#include <QStyleOptionGraphicsItem>

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

namespace {

// `color` at `alpha` over the picture's background, as an opaque colour:
// the raster engine fills opaque spans inline, while translucent ones go
// through its thread pool for every long line (most of a frame's cost
// with hundreds of service lines).
QColor over(const QColor &color, qreal alpha, const QColor &background)
{
    return QColor::fromRgbF(float(color.redF() * alpha + background.redF() * (1 - alpha)),
                            float(color.greenF() * alpha + background.greenF() * (1 - alpha)),
                            float(color.blueF() * alpha + background.blueF() * (1 - alpha)));
}

} // namespace

void EdgeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    if (m_line.isNull() || !m_from || !m_to)
        return;
    // One-pixel cosmetic pens (a width in pixels, not scene units): the
    // raster engine draws them directly, clipped to what is exposed, where
    // a wider pen makes it outline and fill the whole curve, offscreen
    // parts included (most of a frame at 100% with hundreds of lines).
    // Far away (the boxes show their summaries) lines are straight and
    // aliased.
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    const bool far = lod < kFarLevelOfDetail;
    QPen pen(m_theme.edge, 1);
    if (m_style == Style::Ready)
        pen = QPen(over(m_theme.ready, far ? 0.75 : 0.9, m_theme.background), 1);
    else if (m_style == Style::NotReady)
        pen = QPen(over(m_theme.unknown, 0.9, m_theme.background), 1, Qt::DashLine);
    pen.setCosmetic(true);
    painter->setRenderHint(QPainter::Antialiasing, !far);
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    if (far)
        painter->drawLine(m_line); // a curve costs its flattening; too small to see here
    else
        painter->drawPath(m_path);
}

} // namespace kubist::widgets
