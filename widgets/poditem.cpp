#include "widgets/poditem.h"

#include "widgets/scenetheme.h"

#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <QVariantAnimation>

namespace kubist::widgets {

using model::PodLook;

PodItem::PodItem(ItemRef ref, const SceneTheme &theme, QGraphicsItem *parent)
    : SceneItem(std::move(ref), theme, parent)
{
    setFlag(ItemIsSelectable);
}

void PodItem::setLook(PodLook look, int restarts, const QString &name, const QColor &color)
{
    if (look == m_look && restarts == m_restarts && name == m_name && color == m_color)
        return;
    m_look = look;
    m_restarts = restarts;
    m_name = name;
    m_color = color;
    setOpacity(look == PodLook::Terminating ? 0.4 : 1.0);
    update();
}

QString PodItem::toolTipText() const
{
    return QStringLiteral("%1 (%2)").arg(m_name, QString::fromLatin1(model::podLookName(m_look)));
}

void PodItem::vanish()
{
    if (m_vanishing)
        return;
    m_vanishing = true;
    setSelected(false);
    setFlag(ItemIsSelectable, false);
    setAcceptedMouseButtons(Qt::NoButton);
    auto *anim = new QVariantAnimation(this);
    anim->setStartValue(opacity());
    anim->setEndValue(0.0);
    anim->setDuration(300);
    connect(anim, &QVariantAnimation::valueChanged, this,
            [this](const QVariant &v) { setOpacity(v.toReal()); });
    connect(anim, &QVariantAnimation::finished, this, &QObject::deleteLater);
    anim->start(QAbstractAnimation::DeleteWhenStopped);
}

void PodItem::appear()
{
    setTransformOriginPoint(kWidth / 2, kHeight / 2);
    auto *anim = new QVariantAnimation(this);
    anim->setStartValue(0.2);
    anim->setEndValue(1.0);
    anim->setDuration(220);
    anim->setEasingCurve(QEasingCurve::OutBack);
    connect(anim, &QVariantAnimation::valueChanged, this,
            [this](const QVariant &v) { setScale(v.toReal()); });
    anim->start(QAbstractAnimation::DeleteWhenStopped);
}

void PodItem::slideTo(const QPointF &pos, const QPointF &fromScene)
{
    if (m_slide)
        m_slide->stop();
    const QPointF from = parentItem() ? parentItem()->mapFromScene(fromScene) : fromScene;
    if ((from - pos).manhattanLength() < 1) {
        setPos(pos);
        return;
    }
    setPos(from);
    m_slide = new QVariantAnimation(this);
    m_slide->setStartValue(from);
    m_slide->setEndValue(pos);
    m_slide->setDuration(350);
    m_slide->setEasingCurve(QEasingCurve::InOutCubic);
    connect(m_slide, &QVariantAnimation::valueChanged, this,
            [this](const QVariant &v) { setPos(v.toPointF()); });
    connect(m_slide, &QObject::destroyed, this, [this] { m_slide = nullptr; });
    m_slide->start(QAbstractAnimation::DeleteWhenStopped);
}

QPointF PodItem::anchor() const
{
    return mapToScene(QPointF(kWidth / 2, kHeight));
}

QRectF PodItem::boundingRect() const
{
    return QRectF(-2, -8, kWidth + 10, kHeight + 10);
}

QPainterPath PodItem::shape() const
{
    QPainterPath p;
    p.addRoundedRect(QRectF(0, 0, kWidth, kHeight), 11, 11);
    return p;
}

void PodItem::setDimmed(bool dimmed)
{
    if (dimmed == m_dimmed)
        return;
    m_dimmed = dimmed;
    update();
}

void PodItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    if (m_dimmed)
        painter->setOpacity(painter->opacity() * 0.18);
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    if (lod < 0.4)
        return; // the node paints a summary at this distance
    const SceneTheme &t = theme();
    const QRectF r(0, 0, kWidth, kHeight);
    QColor fill = m_color;
    QPen pen(m_color.darker(t.dark ? 100 : 130), 1.5);
    Qt::BrushStyle brush = Qt::SolidPattern;
    QColor textColor = Qt::white;
    switch (m_look) {
    case PodLook::Running:
    case PodLook::Terminating:
        break;
    case PodLook::RunningNotReady:
        fill = t.box;
        pen.setWidthF(2.5);
        textColor = t.text;
        break;
    case PodLook::ContainerCreating:
        brush = Qt::BDiagPattern;
        textColor = t.text;
        break;
    case PodLook::Pending:
    case PodLook::Unscheduled:
        fill = t.box;
        pen.setStyle(Qt::DashLine);
        textColor = t.subtleText;
        break;
    case PodLook::Failed:
        fill = t.failed;
        pen = QPen(t.failed.darker(140), 2);
        break;
    case PodLook::Succeeded:
        fill = t.box;
        pen.setColor(t.subtleText);
        textColor = t.subtleText;
        break;
    }
    if (isSelected())
        pen = QPen(t.pulse, 3);
    painter->setRenderHint(QPainter::Antialiasing);
    if (brush != Qt::SolidPattern) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(t.box);
        painter->drawRoundedRect(r, 11, 11);
    }
    painter->setPen(pen);
    painter->setBrush(QBrush(fill, brush));
    painter->drawRoundedRect(r, 11, 11);
    if (lod >= 0.5) {
        QFont f = painter->font();
        f.setPointSizeF(7.5);
        painter->setFont(f);
        painter->setPen(textColor);
        const QRectF tr = r.adjusted(8, 0, -6, 0);
        painter->drawText(
            tr, Qt::AlignVCenter | Qt::AlignLeft,
            painter->fontMetrics().elidedText(m_name, Qt::ElideMiddle, int(tr.width())));
    }
    if (m_restarts > 0) {
        const QRectF badge(kWidth - 8, -7, 15, 15);
        painter->setPen(QPen(Qt::white, 1));
        painter->setBrush(t.failed);
        painter->drawEllipse(badge);
        QFont f = painter->font();
        f.setPointSizeF(6.5);
        f.setBold(true);
        painter->setFont(f);
        painter->drawText(badge, Qt::AlignCenter,
                          m_restarts > 99 ? QStringLiteral("99") : QString::number(m_restarts));
    }
}

} // namespace kubist::widgets
