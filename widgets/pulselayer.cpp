#include "widgets/pulselayer.h"

#include "widgets/scenetheme.h"

#include <QPainter>

#include <cmath>

namespace kubist::widgets {

PulseLayer::PulseLayer(const SceneTheme &theme)
    : m_theme(theme)
{
    setZValue(50);
    setAcceptedMouseButtons(Qt::NoButton);
    m_clock.start();
}

void PulseLayer::add(const QPolygonF &path, int storeFrom, int weight, bool failed)
{
    if (path.size() < 2)
        return;
    if (int(m_pulses.size()) >= kMaxAlive)
        m_pulses.erase(m_pulses.begin());
    Live p;
    p.path = path;
    p.storeFrom = storeFrom;
    p.weight = weight;
    p.failed = failed;
    p.born = m_clock.elapsed();
    for (int i = 1; i < path.size(); ++i)
        p.length += QLineF(path[i - 1], path[i]).length();
    const QRectF b = path.boundingRect().adjusted(-12, -12, 12, 12);
    if (!m_bounds.contains(b)) {
        prepareGeometryChange();
        m_bounds = m_bounds.united(b);
    }
    m_pulses.push_back(std::move(p));
    update();
}

bool PulseLayer::tick()
{
    const qint64 now = m_clock.elapsed();
    std::erase_if(m_pulses, [&](const Live &p) { return now - p.born > kDurationMs; });
    update();
    return !m_pulses.empty();
}

QRectF PulseLayer::boundingRect() const
{
    return m_bounds;
}

QPointF PulseLayer::pointAt(const Live &p, qreal distance, int *segment) const
{
    for (int i = 1; i < p.path.size(); ++i) {
        const QLineF seg(p.path[i - 1], p.path[i]);
        if (distance <= seg.length() || i == p.path.size() - 1) {
            *segment = i - 1;
            return seg.pointAt(seg.length() > 0 ? std::min(1.0, distance / seg.length()) : 1.0);
        }
        distance -= seg.length();
    }
    *segment = 0;
    return p.path.back();
}

void PulseLayer::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    const qint64 now = m_clock.elapsed();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    for (const Live &p : m_pulses) {
        const qreal t = std::clamp(qreal(now - p.born) / kDurationMs, 0.0, 1.0);
        int segment = 0;
        const QPointF at = pointAt(p, p.length * t, &segment);
        QColor c = p.failed                                       ? m_theme.failed
                   : (p.storeFrom >= 0 && segment >= p.storeFrom) ? m_theme.pulseStore
                                                                  : m_theme.pulse;
        const qreal radius = 4 + std::min(6.0, std::log2(qreal(p.weight)) * 1.5);
        c.setAlphaF(0.25);
        painter->setBrush(c);
        painter->drawEllipse(at, radius * 1.9, radius * 1.9);
        c.setAlphaF(1.0);
        painter->setBrush(c);
        painter->drawEllipse(at, radius, radius);
    }
}

} // namespace kubist::widgets
