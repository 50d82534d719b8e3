#include "model/activitytracker.h"

#include <QTimer>

namespace kubist::model {

namespace {
constexpr int kFastPollMs = 16;
constexpr int kSlowPollMs = 100;
constexpr int kQuietAfterMs = 1000;
} // namespace

ActivityTracker::ActivityTracker(cluster::ClusterControl &control, std::string ownIdentity,
                                 QObject *parent)
    : QObject(parent)
    , m_control(control)
    , m_own(std::move(ownIdentity))
{
    m_timer = new QTimer(this);
    m_timer->setInterval(kSlowPollMs);
    connect(m_timer, &QTimer::timeout, this, [this] { poll(); });
}

void ActivityTracker::start()
{
    m_control.takeActivity(); // what happened before the picture existed is not drawn
    m_sinceActivity.start();
    m_timer->start();
}

void ActivityTracker::stop()
{
    m_timer->stop();
}

std::vector<Pulse> ActivityTracker::poll()
{
    std::vector<Pulse> out = merge(m_control.takeActivity(), m_own);
    if (!out.empty()) {
        m_sinceActivity.restart();
        if (m_timer->interval() != kFastPollMs)
            m_timer->setInterval(kFastPollMs);
        emit pulses(out);
    } else if (m_sinceActivity.isValid() && m_sinceActivity.elapsed() > kQuietAfterMs &&
               m_timer->interval() != kSlowPollMs) {
        m_timer->setInterval(kSlowPollMs);
    }
    return out;
}

Pulse ActivityTracker::classify(const std::string &actor)
{
    Pulse p;
    p.actor = actor;
    if (actor == "kube-scheduler" || actor.starts_with("system:kube-scheduler")) {
        p.source = Pulse::Source::Scheduler;
    } else if (actor == "kube-controller-manager" ||
               actor.starts_with("system:kube-controller-manager")) {
        p.source = Pulse::Source::ControllerManager;
    } else if (actor.starts_with("kubelet/")) {
        p.source = Pulse::Source::Kubelet;
        p.node = actor.substr(8);
    } else if (actor.starts_with("system:node:")) {
        p.source = Pulse::Source::Kubelet;
        p.node = actor.substr(12);
    } else {
        p.source = Pulse::Source::User;
    }
    return p;
}

std::vector<Pulse>
ActivityTracker::merge(const std::vector<cluster::ClusterControl::Activity> &activity,
                       const std::string &ownIdentity)
{
    std::vector<Pulse> out;
    for (const cluster::ClusterControl::Activity &a : activity) {
        if (!ownIdentity.empty() && a.actor == ownIdentity)
            continue;
        Pulse p = classify(a.actor);
        p.verb = a.verb;
        p.resource = a.resource;
        p.touchedStore = a.touchedStore;
        p.failed = a.code >= 400;
        bool merged = false;
        for (Pulse &q : out)
            if (q.sameEdge(p)) {
                ++q.count;
                q.touchedStore = q.touchedStore || p.touchedStore;
                q.failed = q.failed || p.failed;
                q.verb = p.verb;
                q.resource = p.resource;
                merged = true;
                break;
            }
        if (!merged)
            out.push_back(std::move(p));
    }
    return out;
}

} // namespace kubist::model
