#include "widgets/partitem.h"

#include "widgets/iconcache.h"
#include "widgets/scenetheme.h"

#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <QVariantAnimation>

namespace kubist::widgets {

PartItem::PartItem(ItemRef ref, QString title, QString icon, QSizeF size, const SceneTheme &theme,
                   QGraphicsItem *parent)
    : SceneItem(std::move(ref), theme, parent)
    , m_title(std::move(title))
    , m_icon(std::move(icon))
    , m_size(size)
{
    setFlag(ItemIsSelectable);
    setToolTip(m_title);
}

void PartItem::setState(State state, const QString &detail)
{
    if (state == m_state && detail == m_detail)
        return;
    m_state = state;
    m_detail = detail;
    update();
}

void PartItem::flash()
{
    // One animation per part, restarted by each pulse: a busy part glows
    // steadily instead of piling up animations.
    if (!m_flashAnim) {
        m_flashAnim = new QVariantAnimation(this);
        m_flashAnim->setStartValue(1.0);
        m_flashAnim->setEndValue(0.0);
        m_flashAnim->setDuration(350);
        connect(m_flashAnim, &QVariantAnimation::valueChanged, this, [this](const QVariant &v) {
            m_flash = v.toReal();
            update();
        });
    }
    m_flashAnim->stop();
    m_flashAnim->start();
}

QRectF PartItem::boundingRect() const
{
    return QRectF(QPointF(0, 0), m_size).adjusted(-2, -2, 2, 2);
}

QPainterPath PartItem::shape() const
{
    QPainterPath p;
    p.addRoundedRect(QRectF(QPointF(0, 0), m_size), 6, 6);
    return p;
}

void PartItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    const SceneTheme &t = theme();
    const QRectF r(QPointF(0, 0), m_size);
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    if (lod < 0.4 && m_size.height() < 50)
        return; // far away a worker's box shows its summary where its parts were
    QColor stateColor = m_state == State::Running   ? t.ready
                        : m_state == State::Stopped ? t.notReady
                                                    : t.unknown;
    QColor fill = t.box;
    if (m_flash > 0)
        fill =
            QColor::fromRgbF(fill.redF() * (1 - m_flash * 0.5) + t.pulse.redF() * m_flash * 0.5,
                             fill.greenF() * (1 - m_flash * 0.5) + t.pulse.greenF() * m_flash * 0.5,
                             fill.blueF() * (1 - m_flash * 0.5) + t.pulse.blueF() * m_flash * 0.5);
    painter->setPen(QPen(isSelected() ? t.pulse : t.border, isSelected() ? 2.5 : 1.2));
    painter->setBrush(fill);
    painter->drawRoundedRect(r, 6, 6);
    // State stripe on the left: colour plus, when stopped, a cross.
    painter->setPen(Qt::NoPen);
    painter->setBrush(stateColor);
    painter->drawRoundedRect(QRectF(r.left(), r.top(), 5, r.height()), 2, 2);
    if (lod < 0.35)
        return;
    const qreal iconSize = std::min<qreal>(r.height() - 10, 36);
    const QPixmap pm = IconCache::pixmap(m_icon, int(iconSize * 2));
    if (!pm.isNull())
        painter->drawPixmap(
            QRectF(r.left() + 9, r.top() + (r.height() - iconSize) / 2, iconSize, iconSize), pm,
            pm.rect());
    const qreal textLeft = r.left() + 14 + iconSize;
    QRectF textRect(textLeft, r.top() + 3, r.right() - textLeft - 4, r.height() - 6);
    QFont f = painter->font();
    const bool big = m_size.height() >= 50;
    f.setPointSizeF(big ? 9.5 : 8);
    f.setBold(true);
    painter->setFont(f);
    painter->setPen(t.text);
    if (!big) {
        painter->drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft | Qt::TextWordWrap, m_title);
        if (m_state == State::Stopped) {
            painter->setPen(QPen(t.notReady, 2));
            painter->drawLine(r.topRight() + QPointF(-10, 4), r.topRight() + QPointF(-4, 10));
            painter->drawLine(r.topRight() + QPointF(-4, 4), r.topRight() + QPointF(-10, 10));
        }
        return;
    }
    painter->drawText(textRect, Qt::AlignTop | Qt::AlignLeft, m_title);
    f.setBold(false);
    f.setPointSizeF(8.5);
    painter->setFont(f);
    painter->setPen(stateColor);
    const QString stateText = m_state == State::Running   ? QStringLiteral("Running")
                              : m_state == State::Stopped ? QStringLiteral("Stopped")
                                                          : QStringLiteral("Unknown");
    painter->drawText(textRect.adjusted(0, 18, 0, 0), Qt::AlignTop | Qt::AlignLeft, stateText);
    if (!m_detail.isEmpty()) {
        painter->setPen(t.subtleText);
        painter->drawText(
            textRect.adjusted(0, 33, 0, 0), Qt::AlignTop | Qt::AlignLeft,
            painter->fontMetrics().elidedText(m_detail, Qt::ElideRight, int(textRect.width())));
    }
}

} // namespace kubist::widgets
