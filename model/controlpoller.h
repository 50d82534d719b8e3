#pragma once

#include "backend/cluster/clustercontrol.h"
#include "backend/util/clock.h"

#include <QObject>
#include <QThreadPool>

#include <map>
#include <string>
#include <vector>

class QTimer;

namespace kubist::model {

// One Service's simulated traffic, as ClusterControl reports it.
struct ServiceTrafficView
{
    double rate = 0; // requests per second asked for (trafficRate)
    cluster::ClusterControl::TrafficStats total;
    // The last minute, one bucket per second of cluster time, oldest first;
    // the last bucket is still filling.
    std::vector<cluster::ClusterControl::TrafficStats> history;

    bool hasTraffic() const { return rate > 0 || total.succeeded + total.failed > 0; }
    // Requests in the last complete second (history's second-to-last bucket).
    cluster::ClusterControl::TrafficStats lastSecond() const;
};

// What an embedded cluster's ClusterControl said at one moment: its faults,
// the health of the simulated nodes asked about, the traffic of the
// Services asked about.
struct ControlSnapshot
{
    bool valid = false; // false until the first poll returned
    Clock::Time at{};   // cluster time of the poll
    std::vector<cluster::ClusterControl::FaultState> faults;
    std::map<std::string, cluster::ClusterControl::NodeHealth> nodes; // simulated nodes only
    std::map<std::string, ServiceTrafficView> services;               // by "ns/name"

    // Failed requests over every Service, since the traffic began.
    uint64_t failedRequests() const;
    bool hasTraffic() const;
};

// ControlPoller: reads ClusterControl off the GUI thread (its calls may
// block briefly) about twice a second and hands the GUI thread a fresh
// ControlSnapshot. At most one poll is in flight; a tick while one is
// running is skipped.
//
// GUI thread only (but for the poll itself, which runs on a private
// thread). The control and the clock must outlive the poller; the
// destructor waits for a poll in flight.
class ControlPoller final : public QObject
{
    Q_OBJECT

public:
    ControlPoller(cluster::ClusterControl &control, const Clock &clock, QObject *parent = nullptr);
    ~ControlPoller() override;

    // What to ask about: node names and Service keys ("ns/name").
    void setTargets(std::vector<std::string> nodes, std::vector<std::string> services);
    // Polls every `intervalMs` (wall time) until stop().
    void start(int intervalMs = 500);
    void stop();
    // Starts a poll now unless one is in flight.
    void pollNow();
    // Waits (real time) until no poll is in flight; for tests.
    bool waitForPoll(int msecs = 5000);

    const ControlSnapshot &snapshot() const { return m_snapshot; }
    cluster::ClusterControl &control() const { return m_control; }

signals:
    // GUI thread, after snapshot() took a new poll's result.
    void updated();

private:
    cluster::ClusterControl &m_control;
    const Clock &m_clock;
    QThreadPool m_pool;
    QTimer *m_timer = nullptr; // child
    bool m_inFlight = false;
    std::vector<std::string> m_nodes;
    std::vector<std::string> m_services;
    ControlSnapshot m_snapshot;
};

} // namespace kubist::model
