#pragma once

#include "widgets/sceneitem.h"

#include "model/podstatus.h"

#include <QString>
#include <QStringList>

#include <array>

namespace kubist::widgets {

class PodItem;

// NodeItem: a node's box — the master (control-plane node, holding the four
// master parts), a worker (holding container runtime, kubelet, kube-proxy)
// or the "waiting to be scheduled" lane (type() LaneItemType). The header
// shows the name, Ready / NotReady / Unknown (colour and word), a cordon
// mark, the taint count and CPU / memory requested against allocatable.
// Injected faults show as words in the pill and as marks on the box: a
// powered-off node is dimmed with a power sign, a partitioned one has a
// dashed outline with a cut line, a stopped runtime or kube-proxy is named.
// Pod chips are children placed in a grid of slots below the parts
// (slotPos()). Far away (level of detail < 0.4) the box shows counts of
// its pods per state instead of the chips (ClusterScene hides them); tiny
// (< kTinyLevelOfDetail) a bar of those counts in the state colours.
class NodeItem final : public SceneItem
{
    Q_OBJECT

public:
    enum class Role { Worker, Master, Lane };
    static constexpr qreal kHeaderHeight = 50;
    static constexpr qreal kPadding = 10;
    static constexpr qreal kGap = 6;
    // Far away (< 0.4) the box shows its counts per state as words; tiny
    // (< kTinyLevelOfDetail, too small to read) as a coloured bar.
    static constexpr qreal kTinyLevelOfDetail = 0.12; // ClusterScene::kTinyZoom

    struct Header
    {
        model::NodeHealth health = model::NodeHealth::Unknown;
        bool cordoned = false;
        int taints = 0;
        // What ClusterControl says is wrong with a simulated node.
        bool poweredOff = false;
        bool partitioned = false;
        bool runtimeDown = false;
        bool proxyStopped = false;
        double cpuRequested = 0, cpuAllocatable = 0; // cores
        double memRequested = 0, memAllocatable = 0; // bytes
        bool present = true; // a node object exists (the master box may stand alone)
    };

    NodeItem(Role role, ItemRef ref, QString title, qreal width, qreal partsHeight,
             const SceneTheme &theme, QGraphicsItem *parent = nullptr);

    int type() const override { return m_role == Role::Lane ? LaneItemType : NodeItemType; }
    Role role() const { return m_role; }
    const QString &title() const { return m_title; }
    void setTitle(const QString &title);
    const Header &header() const { return m_header; }
    // The fault words of the header pill ("powered off · partitioned"); empty
    // when nothing is injected.
    QString faultText() const;
    void setHeader(const Header &header);
    // Pod counts per look, for the far summary.
    void setCounts(const std::array<int, 8> &counts);

    // Number of pod slots to make room for (rows grow, never below one row).
    void setSlotCount(int count);
    int columns() const;
    // Where slot `slot`'s chip sits, in this item's coordinates.
    QPointF slotPos(int slot) const;
    // Where the parts row starts, in this item's coordinates.
    QPointF partsOrigin() const { return {kPadding, kHeaderHeight}; }
    qreal width() const { return m_width; }
    qreal height() const;

    // While a pod is dragged: whether the scheduler would accept it here
    // (green outline) or not (red outline, `reason` as the tooltip).
    enum class DropVerdict { None, Accepts, Refuses };
    void setDropVerdict(DropVerdict verdict, const QString &reason = {});
    DropVerdict dropVerdict() const { return m_dropVerdict; }

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;
    // The tiny drawing, in this item's coordinates (NodeSummaryLayer draws
    // every worker box this way).
    void paintTiny(QPainter *painter) const;

private:
    QStringList faultWords(bool withPower) const;
    DropVerdict m_dropVerdict = DropVerdict::None;
    void paintBar(QPainter *painter, const QRectF &r, const QString &label, double used,
                  double total) const;

    const Role m_role;
    QString m_title;
    const qreal m_width;
    const qreal m_partsHeight;
    int m_slots = 0;
    Header m_header;
    std::array<int, 8> m_counts{};
};

} // namespace kubist::widgets
