#pragma once

#include "widgets/sceneitem.h"

#include <QString>

#include <cstdint>
#include <vector>

namespace kubist::widgets {

// ServiceItem: a Service beside the workers — its name, type, cluster IP
// and ports, and how many of its endpoints are ready. The scene draws edges
// from it to its endpoint pods (solid: ready, dashed: not ready). On an
// embedded cluster with simulated traffic it also shows the live request
// rate, failures in the last second and a sparkline of the success rate
// over the last minute (red where requests failed).
class ServiceItem final : public SceneItem
{
    Q_OBJECT

public:
    enum { Type = ServiceItemType };
    static constexpr qreal kWidth = 170;
    static constexpr qreal kHeight = 90;

    struct Traffic
    {
        bool present = false; // the Service has simulated traffic
        double rate = 0;      // requests per second asked for
        uint64_t succeededLastSecond = 0;
        uint64_t failedLastSecond = 0;
        uint64_t failedTotal = 0;
        // Success rate per second of the last minute, oldest first, in
        // [0, 1]; negative: no request in that second.
        std::vector<double> successRates;
        bool operator==(const Traffic &) const = default;
    };

    ServiceItem(ItemRef ref, const SceneTheme &theme, QGraphicsItem *parent = nullptr);

    int type() const override { return Type; }
    void setInfo(const QString &name, const QString &detail, int ready, int notReady);
    QPointF anchor() const override; // the left edge's middle
    void setTraffic(const Traffic &traffic);
    const Traffic &traffic() const { return m_traffic; }
    // The traffic line as painted ("12 req/s · 3 failed/s"); empty without traffic.
    QString trafficText() const;

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    QString m_name;
    QString m_detail;
    int m_ready = 0;
    int m_notReady = 0;
    Traffic m_traffic;
};

} // namespace kubist::widgets
