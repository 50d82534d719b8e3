#include "widgets/clusterview.h"

#include "widgets/clusterscene.h"

#include <QApplication>
#include <QContextMenuEvent>
#include <QMouseEvent>
#include <QResizeEvent>
#include <QWheelEvent>

#include <cmath>

namespace kubist::widgets {

ClusterView::ClusterView(ClusterScene *scene, QWidget *parent)
    : QGraphicsView(scene, parent)
{
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing |
                   QPainter::SmoothPixmapTransform);
    setDragMode(QGraphicsView::ScrollHandDrag);
    setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setResizeAnchor(QGraphicsView::AnchorViewCenter);
    setOptimizationFlag(QGraphicsView::DontAdjustForAntialiasing);
    setFrameShape(QFrame::NoFrame);
}

void ClusterView::zoomIn()
{
    scaleBy(1.25);
    m_autoFit = false;
    emit userZoomed();
}

void ClusterView::zoomOut()
{
    scaleBy(0.8);
    m_autoFit = false;
    emit userZoomed();
}

void ClusterView::fitAll()
{
    if (!scene())
        return;
    fitInView(scene()->sceneRect(), Qt::KeepAspectRatio);
    m_autoFit = true;
    m_fitTransform = transform();
}

bool ClusterView::autoFit() const
{
    return m_autoFit && transform() == m_fitTransform;
}

void ClusterView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    // The viewport's resizes come here too (scroll bars coming and going):
    // a zoom set since the fit (resetTransform(), say) is kept.
    if (autoFit())
        fitAll();
}

void ClusterView::paintEvent(QPaintEvent *event)
{
    if (auto *s = qobject_cast<ClusterScene *>(scene()))
        s->setDetail(ClusterScene::detailFor(zoom()));
    QGraphicsView::paintEvent(event);
}

qreal ClusterView::zoom() const
{
    return transform().m11();
}

void ClusterView::scaleBy(qreal factor)
{
    const qreal next = zoom() * factor;
    if (next < 0.05 || next > 8)
        return;
    scale(factor, factor);
}

ItemRef ClusterView::refAt(const QPoint &viewportPos) const
{
    for (QGraphicsItem *item : items(viewportPos)) {
        if (auto *s = dynamic_cast<SceneItem *>(item)) {
            if (s->opacity() <= 0.01)
                continue;
            ItemRef ref = s->refAt(s->mapFromScene(mapToScene(viewportPos)));
            if (ref.valid)
                return ref;
        }
    }
    return {};
}

void ClusterView::wheelEvent(QWheelEvent *event)
{
    const int delta = event->angleDelta().y();
    if (delta == 0) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    scaleBy(std::pow(1.0015, delta));
    event->accept();
    m_autoFit = false;
    emit userZoomed();
}

std::string ClusterView::nodeAt(const QPoint &viewportPos) const
{
    for (QGraphicsItem *item : items(viewportPos))
        if (item->type() == NodeItemType)
            return static_cast<SceneItem *>(static_cast<QGraphicsObject *>(item))->ref().key;
    return {};
}

void ClusterView::mousePressEvent(QMouseEvent *event)
{
    m_pressPod.clear();
    if (event->button() == Qt::LeftButton) {
        const ItemRef ref = refAt(event->position().toPoint());
        if (ref.valid && ref.subject == model::Subject::Pod) {
            // A chip is dragged, not the background panned.
            m_pressPod = QString::fromStdString(ref.key);
            m_pressPos = event->position().toPoint();
            m_savedDragMode = dragMode();
            setDragMode(NoDrag);
        }
    }
    QGraphicsView::mousePressEvent(event);
    if (event->button() == Qt::LeftButton)
        emit picked(refAt(event->position().toPoint()));
}

void ClusterView::mouseMoveEvent(QMouseEvent *event)
{
    if (!m_pressPod.isEmpty() && !m_draggingPod && (event->buttons() & Qt::LeftButton) &&
        (event->position().toPoint() - m_pressPos).manhattanLength() >=
            QApplication::startDragDistance()) {
        m_draggingPod = true;
        viewport()->setCursor(Qt::ClosedHandCursor);
        emit podDragStarted(m_pressPod);
    }
    QGraphicsView::mouseMoveEvent(event);
}

void ClusterView::mouseReleaseEvent(QMouseEvent *event)
{
    QGraphicsView::mouseReleaseEvent(event);
    if (event->button() != Qt::LeftButton || m_pressPod.isEmpty())
        return;
    const QString pod = m_pressPod;
    const bool dragged = m_draggingPod;
    m_pressPod.clear();
    m_draggingPod = false;
    setDragMode(m_savedDragMode);
    viewport()->unsetCursor();
    if (dragged)
        emit podDropped(pod, QString::fromStdString(nodeAt(event->position().toPoint())));
}

void ClusterView::contextMenuEvent(QContextMenuEvent *event)
{
    const ItemRef ref = refAt(event->pos());
    if (ref.valid)
        emit contextMenuRequested(ref, event->globalPos());
}

} // namespace kubist::widgets
