#pragma once

#include <QToolBar>

class QAction;
class QActionGroup;
class QLabel;
class QTimer;

namespace kubist {
class SimClock;
}

namespace kubist::widgets {

// PaceBar: the presenter's control of cluster time (a SimClock) — pause /
// resume (Space), step (one second of cluster time plus one round of every
// work queue; works only as far as the cluster is behind the wall, which
// it is while paused), speeds 0.25x, 1x, 4x, 20x, and a readout of the
// cluster time and pace ("paused, 12.3 s behind", "4x, 3.1 s behind",
// "1x"), refreshed five times a second.
//
// GUI thread only. The clock must outlive the bar.
class PaceBar final : public QToolBar
{
    Q_OBJECT

public:
    static constexpr double kSpeeds[] = {0.25, 1.0, 4.0, 20.0};

    explicit PaceBar(SimClock &clock, QWidget *parent = nullptr);

    SimClock &clock() const { return m_clock; }
    QAction *pauseAction() const { return m_pause; }
    QAction *stepAction() const { return m_step; }
    // The action of kSpeeds[i].
    QAction *speedAction(int i) const;

    void setPaused(bool paused);
    // Steps one second of cluster time (as far as the lag allows).
    void step();
    void setSpeed(double speed);
    // The readout as shown ("paused, 12.3 s behind").
    QString paceText() const;
    // Updates the readout and the actions from the clock.
    void refresh();

private:
    SimClock &m_clock;
    QAction *m_pause = nullptr;
    QAction *m_step = nullptr;
    QActionGroup *m_speeds = nullptr;
    QLabel *m_readout = nullptr;
    QTimer *m_timer = nullptr;
};

} // namespace kubist::widgets
