#pragma once

#include "widgets/sceneitem.h"

#include <QColor>
#include <QString>

#include <vector>

namespace kubist::widgets {

// LegendItem: which colour is which owner (Deployment, ReplicaSet, ...),
// and a key to the chip shapes. Clicking an entry stands for its owner.
class LegendItem final : public SceneItem
{
    Q_OBJECT

public:
    enum { Type = LegendItemType };
    struct Entry
    {
        QString label; // "Deployment web"
        QColor color;
        ItemRef ref;
    };

    explicit LegendItem(const SceneTheme &theme, QGraphicsItem *parent = nullptr);

    int type() const override { return Type; }
    void setEntries(std::vector<Entry> entries);
    const std::vector<Entry> &entries() const { return m_entries; }
    ItemRef refAt(const QPointF &local) const override;

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    static constexpr qreal kWidth = 210;
    static constexpr qreal kRow = 18;
    qreal height() const;

    std::vector<Entry> m_entries;
};

} // namespace kubist::widgets
