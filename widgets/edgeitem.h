#pragma once

#include <QGraphicsItem>
#include <QPainterPath>

namespace kubist::widgets {

struct SceneTheme;
class SceneItem;

// EdgeItem: a line between two SceneItems (worker -> API server, service ->
// endpoint pod, part -> part), following them as they move (elasticnodes'
// Edge). Registers itself with both ends; when an end is destroyed first the
// edge just stops drawing. Lives at the scene's top level, behind the boxes.
class EdgeItem final : public QGraphicsItem
{
public:
    enum { Type = UserType + 6 }; // EdgeItemType
    enum class Style { Link, Ready, NotReady };
    // Below this level of detail the line is drawn thin and aliased.
    static constexpr qreal kFarLevelOfDetail = 0.4;

    EdgeItem(SceneItem *from, SceneItem *to, Style style, const SceneTheme &theme);
    ~EdgeItem() override;

    int type() const override { return Type; }
    Style style() const { return m_style; }
    SceneItem *from() const { return m_from; }
    SceneItem *to() const { return m_to; }

    // Recomputes the line from the ends' anchors.
    void adjust();
    // Called by an end being destroyed.
    void detach(SceneItem *end);

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    SceneItem *m_from; // not owned; nullptr once destroyed
    SceneItem *m_to;
    const Style m_style;
    const SceneTheme &m_theme;
    QLineF m_line;
    QPainterPath m_path;
};

} // namespace kubist::widgets
