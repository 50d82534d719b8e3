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
}

} // namespace kubist::widgets
