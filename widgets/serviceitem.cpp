#include "widgets/serviceitem.h"

#include "widgets/iconcache.h"
#include "widgets/scenetheme.h"

#include <QPainter>
#include <QStyleOptionGraphicsItem>

namespace kubist::widgets {

ServiceItem::ServiceItem(ItemRef ref, const SceneTheme &theme, QGraphicsItem *parent)
    : SceneItem(std::move(ref), theme, parent)
{
    setFlag(ItemIsSelectable);
}

void ServiceItem::setInfo(const QString &name, const QString &detail, int ready, int notReady)
{
    m_name = name;
    m_detail = detail;
    m_ready = ready;
    m_notReady = notReady;
    setToolTip(QStringLiteral("Service %1").arg(name));
    update();
}

void ServiceItem::setTraffic(const Traffic &traffic)
{
    if (traffic == m_traffic)
        return;
    m_traffic = traffic;
    update();
}

QString ServiceItem::trafficText() const
{
    if (!m_traffic.present)
        return {};
    const uint64_t total = m_traffic.succeededLastSecond + m_traffic.failedLastSecond;
    QString s = QStringLiteral("%1 req/s").arg(total);
    if (m_traffic.failedLastSecond > 0)
        s += QStringLiteral(" · %1 failed/s").arg(m_traffic.failedLastSecond);
    else if (total > 0)
        s += QStringLiteral(" · all OK");
    return s;
}

QPointF ServiceItem::anchor() const
{
    return mapToScene(QPointF(0, kHeight / 2));
}

QRectF ServiceItem::boundingRect() const
{
    return QRectF(-2, -2, kWidth + 4, kHeight + 4);
}

QPainterPath ServiceItem::shape() const
{
    QPainterPath p;
    p.addRoundedRect(QRectF(0, 0, kWidth, kHeight), 14, 14);
    return p;
}

void ServiceItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    const SceneTheme &t = theme();
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    const QRectF r(0, 0, kWidth, kHeight);
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(isSelected() ? t.pulse : QColor(122, 81, 149), isSelected() ? 3 : 2));
    painter->setBrush(t.box);
    painter->drawRoundedRect(r, 14, 14);
    if (lod < 0.35)
        return;
    const QPixmap pm = IconCache::pixmap(QStringLiteral("service"), 56);
    painter->drawPixmap(QRectF(8, 15, 28, 28), pm, pm.rect());
    QFont f = painter->font();
    f.setPointSizeF(9.5);
    f.setBold(true);
    painter->setFont(f);
    painter->setPen(t.text);
    painter->drawText(QRectF(42, 4, kWidth - 48, 18), Qt::AlignLeft | Qt::AlignVCenter,
                      painter->fontMetrics().elidedText(m_name, Qt::ElideRight, int(kWidth - 48)));
    f.setBold(false);
    f.setPointSizeF(7.5);
    painter->setFont(f);
    painter->setPen(t.subtleText);
    painter->drawText(
        QRectF(42, 21, kWidth - 48, 16), Qt::AlignLeft | Qt::AlignVCenter,
        painter->fontMetrics().elidedText(m_detail, Qt::ElideRight, int(kWidth - 48)));
    painter->setPen(m_ready > 0 ? t.ready : t.notReady);
    QString eps = QStringLiteral("%1 ready").arg(m_ready);
    if (m_notReady)
        eps += QStringLiteral(", %1 not ready").arg(m_notReady);
    painter->drawText(QRectF(42, 37, kWidth - 48, 16), Qt::AlignLeft | Qt::AlignVCenter, eps);
    if (!m_traffic.present) {
        painter->setPen(t.subtleText);
        painter->drawText(QRectF(10, 56, kWidth - 20, 16), Qt::AlignLeft | Qt::AlignVCenter,
                          QStringLiteral("no traffic"));
        return;
    }
    painter->setPen(m_traffic.failedLastSecond > 0 ? t.failed : t.text);
    painter->drawText(QRectF(10, 54, kWidth - 20, 14), Qt::AlignLeft | Qt::AlignVCenter,
                      trafficText());
    // Sparkline: the success rate per second, the last minute.
    const QRectF spark(10, 70, kWidth - 20, 14);
    painter->setPen(QPen(t.border, 0.6));
    painter->setBrush(Qt::NoBrush);
    painter->drawRect(spark);
    const auto &rates = m_traffic.successRates;
    if (rates.empty())
        return;
    const qreal step = spark.width() / 60.0;
    qreal x = spark.right() - step * qreal(rates.size());
    QPolygonF line;
    for (double r : rates) {
        if (r >= 0) {
            const qreal y = spark.bottom() - 1 - r * (spark.height() - 2);
            line << QPointF(x + step / 2, y);
            if (r < 1.0) { // failures: a red bar for the missing share
                painter->fillRect(QRectF(x, spark.top() + 1, step, (1 - r) * (spark.height() - 2)),
                                  t.failed);
            }
        }
        x += step;
    }
    painter->setPen(QPen(t.ready, 1.4));
    painter->drawPolyline(line);
}

} // namespace kubist::widgets
