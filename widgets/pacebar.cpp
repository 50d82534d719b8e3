#include "widgets/pacebar.h"

#include "backend/util/simclock.h"

#include <QAction>
#include <QActionGroup>
#include <QDateTime>
#include <QLabel>
#include <QTimer>

#include <chrono>
#include <cmath>

namespace kubist::widgets {

namespace {

QString speedName(double speed)
{
    return speed < 1 ? QStringLiteral("%1x").arg(speed, 0, 'g', 2)
                     : QStringLiteral("%1x").arg(speed, 0, 'g', 3);
}

} // namespace

PaceBar::PaceBar(SimClock &clock, QWidget *parent)
    : QToolBar(tr("Pace"), parent)
    , m_clock(clock)
{
    setObjectName(QStringLiteral("pace"));
    m_pause = addAction(tr("Pause"));
    m_pause->setCheckable(true);
    m_pause->setShortcut(QKeySequence(Qt::Key_Space));
    m_pause->setToolTip(tr("Pause / resume the cluster: its clock and all its work (Space)"));
    connect(m_pause, &QAction::toggled, this, &PaceBar::setPaused);
    m_step = addAction(tr("Step"));
    m_step->setShortcut(QKeySequence(Qt::Key_Period));
    m_step->setToolTip(tr("Advance the cluster one second and let every part react once (.)"));
    connect(m_step, &QAction::triggered, this, &PaceBar::step);
    addSeparator();
    m_speeds = new QActionGroup(this);
    for (double s : kSpeeds) {
        QAction *a = addAction(speedName(s));
        a->setCheckable(true);
        a->setData(s);
        a->setToolTip(tr("Run the cluster at %1 real time (faster only while it is behind)")
                          .arg(speedName(s)));
        m_speeds->addAction(a);
        connect(a, &QAction::triggered, this, [this, s] { setSpeed(s); });
    }
    addSeparator();
    m_readout = new QLabel(this);
    m_readout->setObjectName(QStringLiteral("paceReadout"));
    m_readout->setMinimumWidth(230);
    addWidget(m_readout);
    m_timer = new QTimer(this);
    connect(m_timer, &QTimer::timeout, this, &PaceBar::refresh);
    m_timer->start(200);
    refresh();
}

QAction *PaceBar::speedAction(int i) const
{
    return m_speeds->actions().value(i);
}

void PaceBar::setPaused(bool paused)
{
    if (paused)
        m_clock.pause();
    else
        m_clock.resume();
    refresh();
}

void PaceBar::step()
{
    m_clock.step(std::chrono::seconds(1));
    refresh();
}

void PaceBar::setSpeed(double speed)
{
    m_clock.setSpeed(speed);
    refresh();
}

QString PaceBar::paceText() const
{
    const double lag = std::chrono::duration<double>(m_clock.lag()).count();
    const QString behind =
        lag >= 0.05 ? QStringLiteral(", %1 s behind").arg(lag, 0, 'f', 1) : QString();
    if (m_clock.isPaused())
        return QStringLiteral("paused") + behind;
    return speedName(m_clock.speed()) + behind;
}

void PaceBar::refresh()
{
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(m_clock.now().time_since_epoch())
            .count();
    const QString time = QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss.z"));
    m_readout->setText(tr("cluster time %1 — %2").arg(time, paceText()));
    const bool paused = m_clock.isPaused();
    if (m_pause->isChecked() != paused) {
        const QSignalBlocker block(m_pause);
        m_pause->setChecked(paused);
    }
    m_pause->setText(paused ? tr("Resume") : tr("Pause"));
    m_step->setEnabled(m_clock.lag() > Clock::Duration::zero());
    for (QAction *a : m_speeds->actions())
        if (std::abs(a->data().toDouble() - m_clock.speed()) < 1e-6 && !a->isChecked())
            a->setChecked(true);
}

} // namespace kubist::widgets
