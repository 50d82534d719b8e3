#include "model/controlpoller.h"

#include "backend/client/objectkey.h"

#include <QMetaObject>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <memory>

namespace kubist::model {

cluster::ClusterControl::TrafficStats ServiceTrafficView::lastSecond() const
{
    if (history.size() < 2)
        return {};
    return history[history.size() - 2];
}

uint64_t ControlSnapshot::failedRequests() const
{
    uint64_t n = 0;
    for (const auto &[key, s] : services)
        n += s.total.failed;
    return n;
}

bool ControlSnapshot::hasTraffic() const
{
    for (const auto &[key, s] : services)
        if (s.hasTraffic())
            return true;
    return false;
}

ControlPoller::ControlPoller(cluster::ClusterControl &control, const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_control(control)
    , m_clock(clock)
    , m_timer(new QTimer(this))
{
    m_pool.setMaxThreadCount(1);
    connect(m_timer, &QTimer::timeout, this, &ControlPoller::pollNow);
}

ControlPoller::~ControlPoller()
{
    m_timer->stop();
    m_pool.waitForDone();
}

void ControlPoller::setTargets(std::vector<std::string> nodes, std::vector<std::string> services)
{
    m_nodes = std::move(nodes);
    m_services = std::move(services);
}

void ControlPoller::start(int intervalMs)
{
    m_timer->start(intervalMs);
    pollNow();
}

void ControlPoller::stop()
{
    m_timer->stop();
}

bool ControlPoller::waitForPoll(int msecs)
{
    return m_pool.waitForDone(msecs);
}

void ControlPoller::pollNow()
{
    if (m_inFlight)
        return;
    m_inFlight = true;
    (void)QtConcurrent::run(&m_pool, [this, nodes = m_nodes, services = m_services] {
        auto snap = std::make_shared<ControlSnapshot>();
        snap->valid = true;
        snap->at = m_clock.now();
        snap->faults = m_control.faults();
        for (const std::string &n : nodes)
            if (Result<cluster::ClusterControl::NodeHealth> h = m_control.nodeHealth(n))
                snap->nodes[n] = *h;
        for (const std::string &key : services) {
            const auto [ns, name] = client::splitObjectKey(key);
            ServiceTrafficView v;
            v.rate = m_control.trafficRate(ns, name);
            v.total = m_control.serviceTraffic(ns, name);
            v.history = m_control.trafficHistory(ns, name);
            snap->services[key] = std::move(v);
        }
        QMetaObject::invokeMethod(
            this,
            [this, snap] {
                m_snapshot = std::move(*snap);
                m_inFlight = false;
                emit updated();
            },
            Qt::QueuedConnection);
    });
}

} // namespace kubist::model
