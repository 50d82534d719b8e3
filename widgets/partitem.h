#pragma once

#include "widgets/sceneitem.h"

#include <QString>

class QVariantAnimation;

namespace kubist::widgets {

// PartItem: one part of the picture's machinery — a master part (etcd, API
// server, controller manager, scheduler), a node's part (container runtime,
// kubelet, kube-proxy) or the "you" box — with its icon, its name and what
// the cluster says about it (Running / Stopped / Unknown, the leader).
class PartItem final : public SceneItem
{
    Q_OBJECT

public:
    enum { Type = PartItemType };
    enum class State { Unknown, Running, Stopped };

    // `icon`: a name under resources/icons; `size`: the box.
    PartItem(ItemRef ref, QString title, QString icon, QSizeF size, const SceneTheme &theme,
             QGraphicsItem *parent = nullptr);

    int type() const override { return Type; }
    State state() const { return m_state; }
    const QString &detail() const { return m_detail; }
    const QString &title() const { return m_title; }
    // `detail`: a second line ("leader: kube-scheduler-master").
    void setState(State state, const QString &detail = {});
    // A short highlight when a pulse leaves or reaches the part.
    void flash();

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    const QString m_title;
    const QString m_icon;
    const QSizeF m_size;
    State m_state = State::Unknown;
    QString m_detail;
    qreal m_flash = 0;                        // 0..1, fades
    QVariantAnimation *m_flashAnim = nullptr; // child QObject
};

} // namespace kubist::widgets
