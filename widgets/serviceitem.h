#pragma once

#include "widgets/sceneitem.h"

#include <QString>

namespace kubist::widgets {

// ServiceItem: a Service beside the workers — its name, type, cluster IP
// and ports, and how many of its endpoints are ready. The scene draws edges
// from it to its endpoint pods (solid: ready, dashed: not ready).
class ServiceItem final : public SceneItem
{
    Q_OBJECT

public:
    enum { Type = ServiceItemType };
    static constexpr qreal kWidth = 170;
    static constexpr qreal kHeight = 58;

    ServiceItem(ItemRef ref, const SceneTheme &theme, QGraphicsItem *parent = nullptr);

    int type() const override { return Type; }
    void setInfo(const QString &name, const QString &detail, int ready, int notReady);
    QPointF anchor() const override; // the left edge's middle

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    QString m_name;
    QString m_detail;
    int m_ready = 0;
    int m_notReady = 0;
};

} // namespace kubist::widgets
