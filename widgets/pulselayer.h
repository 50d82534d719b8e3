#pragma once

#include <QColor>
#include <QElapsedTimer>
#include <QGraphicsItem>
#include <QPolygonF>

#include <vector>

namespace kubist::widgets {

struct SceneTheme;

// PulseLayer: every request in flight drawn as a dot travelling along its
// path (acting part -> API server, then -> etcd when it reached the store),
// one item for all pulses so thousands stay cheap. Pulses are born by
// add(), moved by tick() (the scene's frame timer, which runs only while
// pulses live) and forgotten when they arrive.
class PulseLayer final : public QGraphicsItem
{
public:
    enum { Type = UserType + 7 }; // PulseLayerType

    explicit PulseLayer(const SceneTheme &theme);

    int type() const override { return Type; }
    // `path`: scene points; `storeFrom`: index of the point where the leg to
    // etcd starts (drawn in the store colour), -1 for none; `weight`: the
    // number of requests merged into this pulse (a bigger dot).
    void add(const QPolygonF &path, int storeFrom, int weight, bool failed);
    // Advances every pulse; returns whether any is still alive.
    bool tick();
    int alive() const { return int(m_pulses.size()); }

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    struct Live
    {
        QPolygonF path;
        int storeFrom = -1;
        int weight = 1;
        bool failed = false;
        qint64 born = 0;
        qreal length = 0;
    };
    static constexpr int kDurationMs = 650;
    static constexpr int kMaxAlive = 400;

    QPointF pointAt(const Live &p, qreal distance, int *segment) const;

    const SceneTheme &m_theme;
    QElapsedTimer m_clock;
    std::vector<Live> m_pulses;
    QRectF m_bounds;
};

} // namespace kubist::widgets
