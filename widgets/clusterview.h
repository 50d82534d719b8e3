#pragma once

#include "widgets/sceneitem.h"

#include <QGraphicsView>

#include <string>

namespace kubist::widgets {

class ClusterScene;

// ClusterView: the window onto the picture — zoom (wheel, zoomIn/Out, fit),
// pan by dragging the background, click to pick, right-click for a
// context menu. It reports what the user pointed at as an ItemRef and
// leaves the acting to the window.
class ClusterView final : public QGraphicsView
{
    Q_OBJECT

public:
    explicit ClusterView(ClusterScene *scene, QWidget *parent = nullptr);

    void zoomIn();
    void zoomOut();
    // Shows the whole picture, and keeps doing so as the window or the
    // picture changes size, until the user zooms or the transform is set
    // otherwise (resetTransform(), setTransform(), ...).
    void fitAll();
    bool autoFit() const;
    qreal zoom() const;

    // What is under a point of the viewport (an invalid ref for nothing).
    ItemRef refAt(const QPoint &viewportPos) const;
    // The node whose box is under a point of the viewport (the master box
    // gives the control-plane node); "" for anything else.
    std::string nodeAt(const QPoint &viewportPos) const;

signals:
    // The user clicked an item (or the background: an invalid ref).
    void picked(const kubist::widgets::ItemRef &ref);
    void contextMenuRequested(const kubist::widgets::ItemRef &ref, const QPoint &globalPos);
    // The user zoomed (wheel, zoomIn(), zoomOut()): the window stops
    // fitting the picture to the view by itself.
    void userZoomed();
    // Dragging a pod chip (left button, past the start-drag distance):
    // started, then dropped at a node ("" when not over a node box). A drop
    // always follows a start.
    void podDragStarted(const QString &podKey);
    void podDropped(const QString &podKey, const QString &node);

protected:
    void resizeEvent(QResizeEvent *event) override;
    // Sets the scene's level of detail (ClusterScene::setDetail) from the
    // zoom, then paints.
    void paintEvent(QPaintEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    void scaleBy(qreal factor);

    bool m_autoFit = true;
    QTransform m_fitTransform; // what fitAll() set
    QString m_pressPod;        // the pod chip under the left button, if any
    QPoint m_pressPos;
    bool m_draggingPod = false;
    DragMode m_savedDragMode = NoDrag;
};

} // namespace kubist::widgets
