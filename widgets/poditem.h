#pragma once

#include "widgets/sceneitem.h"

#include "model/podstatus.h"

#include <QColor>
#include <QString>

class QVariantAnimation;

namespace kubist::widgets {

// PodItem: a pod chip. Its fill is its owner's hue; its look says its
// state at a glance — solid (Running and Ready), hollow (Running, not
// ready), striped (ContainerCreating), dashed outline (Pending /
// unscheduled), faded (Terminating), red (Failed, CrashLoopBackOff) — and a
// badge counts restarts. Close up it shows the pod's name; far away it
// paints nothing (the node shows a summary instead; ClusterScene hides
// the chips then, so a frame does not even visit them).
//
// Animations are cosmetic and never delay the truth: the item's state and
// parent change at once; only the drawing eases (appear: grow; move: slide
// from where it was; vanish: fade, then the item deletes itself).
class PodItem final : public SceneItem
{
    Q_OBJECT

public:
    enum { Type = PodItemType };
    static constexpr qreal kWidth = 96;
    static constexpr qreal kHeight = 24;

    PodItem(ItemRef ref, const SceneTheme &theme, QGraphicsItem *parent = nullptr);

    int type() const override { return Type; }

    void setLook(model::PodLook look, int restarts, const QString &name, const QColor &color);
    model::PodLook look() const { return m_look; }
    // "name (look)". Not stored as the item's toolTip() (a string per chip,
    // rebuilt on every change): ClusterScene::helpEvent() asks for it.
    QString toolTipText() const;
    int restarts() const { return m_restarts; }
    QColor color() const { return m_color; }
    // Drawn faint: the pod does not match the search.
    void setDimmed(bool dimmed);
    bool dimmed() const { return m_dimmed; }
    // The pod is gone: fades out and deletes itself; not selectable meanwhile.
    bool vanishing() const { return m_vanishing; }
    void vanish();
    // Grows in from nothing.
    void appear();
    // Moves to `pos` (parent coordinates) with a short slide; `fromScene`:
    // where it was drawn before (scene coordinates), e.g. in another node.
    void slideTo(const QPointF &pos, const QPointF &fromScene);

    QPointF anchor() const override; // the chip's foot, where service lines end

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    model::PodLook m_look = model::PodLook::Pending;
    bool m_dimmed = false;
    int m_restarts = 0;
    QString m_name;
    QColor m_color;
    bool m_vanishing = false;
    QVariantAnimation *m_slide = nullptr;
};

} // namespace kubist::widgets
