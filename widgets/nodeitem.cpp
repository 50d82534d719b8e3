#include "widgets/nodeitem.h"

#include "widgets/poditem.h"
#include "widgets/scenetheme.h"

#include <QPainter>
#include <QStringList>
#include <QStyleOptionGraphicsItem>

#include <cmath>

namespace kubist::widgets {

using model::NodeHealth;
using model::PodLook;

NodeItem::NodeItem(Role role, ItemRef ref, QString title, qreal width, qreal partsHeight,
                   const SceneTheme &theme, QGraphicsItem *parent)
    : SceneItem(std::move(ref), theme, parent)
    , m_role(role)
    , m_title(std::move(title))
    , m_width(width)
    , m_partsHeight(partsHeight)
{
    setFlag(ItemIsSelectable);
    setZValue(0);
}

void NodeItem::setTitle(const QString &title)
{
    if (title != m_title) {
        m_title = title;
        update();
    }
}

void NodeItem::setHeader(const Header &header)
{
    m_header = header;
    update();
}

void NodeItem::setCounts(const std::array<int, 8> &counts)
{
    if (counts != m_counts) {
        m_counts = counts;
        update();
    }
}

QStringList NodeItem::faultWords(bool withPower) const
{
    QStringList words;
    if (m_header.poweredOff && withPower)
        words << QStringLiteral("powered off");
    if (m_header.partitioned)
        words << QStringLiteral("partitioned");
    // A powered-off node's runtime and kube-proxy are down with it: no need to say so.
    if (m_header.runtimeDown && !m_header.poweredOff)
        words << QStringLiteral("runtime down");
    if (m_header.proxyStopped && !m_header.poweredOff)
        words << QStringLiteral("kube-proxy stopped");
    return words;
}

QString NodeItem::faultText() const
{
    return faultWords(true).join(QStringLiteral(" · "));
}

int NodeItem::columns() const
{
    return std::max(1, int((m_width - 2 * kPadding + kGap) / (PodItem::kWidth + kGap)));
}

void NodeItem::setSlotCount(int count)
{
    const int oldRows = (m_slots + columns() - 1) / columns();
    const int newRows = (count + columns() - 1) / columns();
    m_slots = count;
    if (oldRows != newRows)
        prepareGeometryChange();
}

QPointF NodeItem::slotPos(int slot) const
{
    const int c = columns();
    const qreal top = kHeaderHeight + m_partsHeight + (m_partsHeight > 0 ? kGap : 0);
    return {kPadding + (slot % c) * (PodItem::kWidth + kGap),
            top + (slot / c) * (PodItem::kHeight + kGap + 4)};
}

qreal NodeItem::height() const
{
    const int rows = std::max(1, (m_slots + columns() - 1) / columns());
    const qreal top = kHeaderHeight + m_partsHeight + (m_partsHeight > 0 ? kGap : 0);
    return top + rows * (PodItem::kHeight + kGap + 4) + kPadding;
}

QRectF NodeItem::boundingRect() const
{
    return QRectF(0, 0, m_width, height()).adjusted(-2, -2, 2, 2);
}

QPainterPath NodeItem::shape() const
{
    QPainterPath p;
    p.addRoundedRect(QRectF(0, 0, m_width, height()), 10, 10);
    return p;
}

void NodeItem::paintBar(QPainter *painter, const QRectF &r, const QString &label, double used,
                        double total) const
{
    const SceneTheme &t = theme();
    const double frac = total > 0 ? std::min(1.0, used / total) : 0;
    painter->setPen(QPen(t.border, 0.8));
    painter->setBrush(t.background);
    painter->drawRect(r);
    painter->setPen(Qt::NoPen);
    painter->setBrush(frac > 0.9 ? t.notReady : frac > 0.7 ? t.unknown : t.ready);
    painter->drawRect(QRectF(r.left(), r.top(), r.width() * frac, r.height()));
    QFont f = painter->font();
    f.setPointSizeF(6.5);
    f.setBold(false);
    painter->setFont(f);
    painter->setPen(t.subtleText);
    painter->drawText(QRectF(r.left() - 34, r.top() - 3, 31, r.height() + 6),
                      Qt::AlignRight | Qt::AlignVCenter, label);
}

void NodeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    const SceneTheme &t = theme();
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    const QRectF r(0, 0, m_width, height());
    if (lod < kTinyLevelOfDetail) {
        paintTiny(painter);
        return;
    }
    painter->setRenderHint(QPainter::Antialiasing);

    QColor healthColor = m_header.health == NodeHealth::Ready      ? t.ready
                         : m_header.health == NodeHealth::NotReady ? t.notReady
                                                                   : t.unknown;
    QColor fill = m_role == Role::Master ? t.masterBox : m_role == Role::Lane ? t.lane : t.box;
    if (m_header.poweredOff)
        fill = fill.darker(t.dark ? 130 : 115);
    QPen border(m_role == Role::Lane ? t.border : healthColor, m_role == Role::Lane ? 1.2 : 2.2);
    if (m_role == Role::Lane)
        border.setStyle(Qt::DashLine);
    if (m_header.partitioned)
        border.setStyle(Qt::DashLine);
    if (isSelected())
        border = QPen(t.pulse, 3.5);
    painter->setPen(border);
    painter->setBrush(fill);
    painter->drawRoundedRect(r, 10, 10);
    if (m_role == Role::Worker && (m_header.poweredOff || m_header.partitioned)) {
        // A mark a projector shows from the back of the room: a power sign,
        // or a cut through the line to the API server (the box's top edge).
        painter->save();
        painter->setPen(QPen(t.notReady, 4, Qt::SolidLine, Qt::RoundCap));
        painter->setBrush(Qt::NoBrush);
        const QPointF c(m_width / 2, height() / 2 + 10);
        if (m_header.poweredOff) {
            const qreal rad = 22;
            painter->setOpacity(0.45);
            painter->drawArc(QRectF(c.x() - rad, c.y() - rad, 2 * rad, 2 * rad), 120 * 16,
                             300 * 16);
            painter->drawLine(c + QPointF(0, -rad - 4), c + QPointF(0, -4));
        }
        if (m_header.partitioned) {
            painter->setOpacity(0.8);
            painter->drawLine(QPointF(m_width / 2 - 14, -8), QPointF(m_width / 2 + 14, 8));
            painter->drawLine(QPointF(m_width / 2 - 4, -12), QPointF(m_width / 2 + 24, 4));
        }
        painter->restore();
    }

    // Header: name, health word, marks.
    QFont f = painter->font();
    f.setPointSizeF(lod < 0.4 ? 22 : 11);
    f.setBold(true);
    painter->setFont(f);
    painter->setPen(t.text);
    const QRectF titleRect(kPadding + 4, 6, m_width - 2 * kPadding, 20);
    if (lod < 0.4) {
        // Far: a summary per state.
        painter->drawText(r.adjusted(12, 8, -12, -8), Qt::AlignTop | Qt::AlignLeft, m_title);
        f.setPointSizeF(16);
        f.setBold(false);
        painter->setFont(f);
        const int running = m_counts[int(PodLook::Running)];
        const int pending = m_counts[int(PodLook::Pending)] + m_counts[int(PodLook::Unscheduled)] +
                            m_counts[int(PodLook::ContainerCreating)];
        const int notReady = m_counts[int(PodLook::RunningNotReady)];
        const int failed = m_counts[int(PodLook::Failed)];
        const int terminating = m_counts[int(PodLook::Terminating)];
        QString summary = QStringLiteral("%1 running").arg(running);
        if (pending)
            summary += QStringLiteral("\n%1 starting").arg(pending);
        if (notReady)
            summary += QStringLiteral("\n%1 not ready").arg(notReady);
        if (failed)
            summary += QStringLiteral("\n%1 failed").arg(failed);
        if (terminating)
            summary += QStringLiteral("\n%1 terminating").arg(terminating);
        painter->setPen(failed ? t.failed : t.text);
        painter->drawText(r.adjusted(12, 44, -12, -8), Qt::AlignTop | Qt::AlignLeft, summary);
        return;
    }
    painter->drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter, m_title);
    if (m_role == Role::Lane || !m_header.present)
        return;

    f.setPointSizeF(8.5);
    painter->setFont(f);
    QString status = QString::fromLatin1(model::nodeHealthName(m_header.health));
    if (m_header.poweredOff)
        status = QStringLiteral("powered off · ") + status;
    const QFontMetricsF fm(f);
    const qreal statusWidth = fm.horizontalAdvance(status) + 16;
    const QRectF pill(m_width - kPadding - statusWidth, 8, statusWidth, 17);
    painter->setPen(Qt::NoPen);
    painter->setBrush(healthColor);
    painter->drawRoundedRect(pill, 8, 8);
    painter->setPen(Qt::white);
    painter->drawText(pill, Qt::AlignCenter, status);

    f.setBold(false);
    f.setPointSizeF(7.5);
    painter->setFont(f);
    painter->setPen(t.subtleText);
    QStringList marks;
    if (m_header.cordoned)
        marks << QStringLiteral("CORDONED (no new pods)");
    if (m_header.taints > 0)
        marks << QStringLiteral("%1 taint%2")
                     .arg(m_header.taints)
                     .arg(m_header.taints > 1 ? "s" : "");
    const QString faults = faultWords(false).join(QStringLiteral(" · ")); // the pill says power
    if (!faults.isEmpty()) {
        // Injected faults first, in the alarm colour: the audience must see them.
        f.setBold(true);
        painter->setFont(f);
        painter->setPen(t.notReady);
        painter->drawText(QRectF(kPadding + 4, 28, m_width / 2 + 30 - kPadding, 16),
                          Qt::AlignLeft | Qt::AlignVCenter, faults.toUpper());
        f.setBold(false);
        painter->setFont(f);
    } else {
        painter->drawText(QRectF(kPadding + 4, 28, m_width / 2 - kPadding, 16),
                          Qt::AlignLeft | Qt::AlignVCenter, marks.join(QStringLiteral(" · ")));
    }
    if (m_header.cordoned) {
        painter->setPen(QPen(t.notReady, 3));
        painter->drawLine(QPointF(6, 4), QPointF(6, height() - 4));
    }

    const qreal barLeft = m_width / 2 + 40;
    const qreal barWidth = m_width - barLeft - kPadding;
    paintBar(painter, QRectF(barLeft, 30, barWidth, 5), QStringLiteral("cpu"),
             m_header.cpuRequested, m_header.cpuAllocatable);
    paintBar(painter, QRectF(barLeft, 40, barWidth, 5), QStringLiteral("mem"),
             m_header.memRequested, m_header.memAllocatable);
    if (m_dropVerdict != DropVerdict::None) {
        painter->setBrush(Qt::NoBrush);
        painter->setPen(
            QPen(m_dropVerdict == DropVerdict::Accepts ? QColor(40, 170, 70) : QColor(210, 50, 50),
                 3.5));
        painter->drawRoundedRect(r.adjusted(0.5, 0.5, -0.5, -0.5), 6, 6);
    }
}

void NodeItem::paintTiny(QPainter *painter) const
{
    // A few pixels wide (thousands of nodes in view): no text to read, so
    // the box in its health colour and a bar of its pods per state —
    // running, starting, not ready, failed, terminating — as wide as the
    // box, in the proportions of the counts.
    const SceneTheme &t = theme();
    const QRectF r(0, 0, m_width, height());
    painter->setRenderHint(QPainter::Antialiasing, false);
    const QColor health = m_header.health == NodeHealth::Ready      ? t.ready
                          : m_header.health == NodeHealth::NotReady ? t.notReady
                                                                    : t.unknown;
    QColor fill = m_role == Role::Master ? t.masterBox : m_role == Role::Lane ? t.lane : t.box;
    if (m_header.poweredOff)
        fill = fill.darker(t.dark ? 130 : 115);
    painter->fillRect(r, m_role == Role::Lane ? t.border : health);
    painter->fillRect(r.adjusted(12, 12, -12, -12), isSelected() ? t.pulse : fill);
    const int running = m_counts[int(PodLook::Running)];
    const int starting = m_counts[int(PodLook::Pending)] + m_counts[int(PodLook::Unscheduled)] +
                         m_counts[int(PodLook::ContainerCreating)];
    const int notReady = m_counts[int(PodLook::RunningNotReady)];
    const int failed = m_counts[int(PodLook::Failed)];
    const int terminating = m_counts[int(PodLook::Terminating)];
    const int total = running + starting + notReady + failed + terminating;
    if (total == 0)
        return;
    const QRectF bar = r.adjusted(24, r.height() * 0.45, -24, -24);
    qreal x = bar.left();
    const auto segment = [&](int count, const QColor &color) {
        if (count == 0)
            return;
        const qreal w = bar.width() * count / total;
        painter->fillRect(QRectF(x, bar.top(), w, bar.height()), color);
        x += w;
    };
    segment(running, t.ready);
    segment(starting, t.subtleText);
    segment(notReady, t.unknown);
    segment(failed, t.failed);
    segment(terminating, t.border);
}

void NodeItem::setDropVerdict(DropVerdict verdict, const QString &reason)
{
    if (verdict == m_dropVerdict && toolTip() == reason)
        return;
    m_dropVerdict = verdict;
    setToolTip(reason);
    update();
}

} // namespace kubist::widgets
