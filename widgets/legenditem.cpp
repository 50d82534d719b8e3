#include "widgets/legenditem.h"

#include "widgets/scenetheme.h"

#include <QPainter>
#include <QStyleOptionGraphicsItem>

namespace kubist::widgets {

namespace {
constexpr int kKeyRows = 4; // the chip-shape key below the owners
}

LegendItem::LegendItem(const SceneTheme &theme, QGraphicsItem *parent)
    : SceneItem(ItemRef{}, theme, parent)
{}

void LegendItem::setEntries(std::vector<Entry> entries)
{
    prepareGeometryChange();
    m_entries = std::move(entries);
    update();
}

qreal LegendItem::height() const
{
    return 26 + (std::max<size_t>(m_entries.size(), 1) + kKeyRows) * kRow + 10;
}

ItemRef LegendItem::refAt(const QPointF &local) const
{
    const int row = int((local.y() - 26) / kRow);
    if (local.y() >= 26 && row >= 0 && row < int(m_entries.size()))
        return m_entries[row].ref;
    return {};
}

QRectF LegendItem::boundingRect() const
{
    return QRectF(0, 0, kWidth, height());
}

void LegendItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    const SceneTheme &t = theme();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(t.border, 0.8));
    painter->setBrush(t.box);
    painter->drawRoundedRect(boundingRect().adjusted(0.5, 0.5, -0.5, -0.5), 8, 8);
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    if (kRow * lod < 6) {
        // Too far to read a row (hundreds of owners in a big cluster): the
        // colour swatches only.
        painter->setRenderHint(QPainter::Antialiasing, false);
        qreal y = 26;
        for (const Entry &e : m_entries) {
            painter->fillRect(QRectF(10, y + 3, kWidth - 20, 12), e.color);
            y += kRow;
        }
        return;
    }
    QFont f = painter->font();
    f.setPointSizeF(9);
    f.setBold(true);
    painter->setFont(f);
    painter->setPen(t.text);
    painter->drawText(QRectF(10, 4, kWidth - 20, 20), Qt::AlignLeft | Qt::AlignVCenter,
                      QStringLiteral("Pods by owner"));
    f.setBold(false);
    f.setPointSizeF(8);
    painter->setFont(f);
    qreal y = 26;
    if (m_entries.empty()) {
        painter->setPen(t.subtleText);
        painter->drawText(QRectF(10, y, kWidth - 20, kRow), Qt::AlignLeft | Qt::AlignVCenter,
                          QStringLiteral("(no pods yet)"));
        y += kRow;
    }
    for (const Entry &e : m_entries) {
        painter->setPen(e.color.darker(130));
        painter->setBrush(e.color);
        painter->drawRoundedRect(QRectF(10, y + 3, 24, 12), 6, 6);
        painter->setPen(t.text);
        painter->drawText(
            QRectF(40, y, kWidth - 50, kRow), Qt::AlignLeft | Qt::AlignVCenter,
            painter->fontMetrics().elidedText(e.label, Qt::ElideRight, int(kWidth - 50)));
        y += kRow;
    }
    // Key to the shapes.
    const QColor sample(110, 140, 200);
    struct Key
    {
        const char *label;
        int kind;
    };
    const Key keys[kKeyRows] = {{"running, ready", 0},
                                {"running, not ready", 1},
                                {"pending / starting", 2},
                                {"failed / crash loop", 3}};
    for (const Key &k : keys) {
        QRectF chip(10, y + 3, 24, 12);
        switch (k.kind) {
        case 0:
            painter->setPen(sample.darker(130));
            painter->setBrush(sample);
            break;
        case 1:
            painter->setPen(QPen(sample, 2));
            painter->setBrush(t.box);
            break;
        case 2:
            painter->setPen(QPen(sample, 1.2, Qt::DashLine));
            painter->setBrush(t.box);
            break;
        default:
            painter->setPen(t.failed.darker(140));
            painter->setBrush(t.failed);
            break;
        }
        painter->drawRoundedRect(chip, 6, 6);
        painter->setPen(t.subtleText);
        painter->drawText(QRectF(40, y, kWidth - 50, kRow), Qt::AlignLeft | Qt::AlignVCenter,
                          QString::fromLatin1(k.label));
        y += kRow;
    }
}

} // namespace kubist::widgets
