#pragma once

#include "model/pulse.h"

#include "backend/cluster/clustercontrol.h"

#include <QElapsedTimer>
#include <QObject>

#include <string>
#include <vector>

class QTimer;

namespace kubist::model {

// ActivityTracker: turns ClusterControl::takeActivity() into pulses for the
// picture. It polls every frame (16 ms) while requests keep coming, and
// slows to a 100 ms poll after a second of silence; it never waits on the
// control plane (takeActivity() only swaps a bounded buffer). Requests of
// the picture's own identity (`ownIdentity`: its informers' lists and
// watches) are not shown.
//
// GUI thread. The control must outlive the tracker.
class ActivityTracker final : public QObject
{
    Q_OBJECT

public:
    ActivityTracker(cluster::ClusterControl &control, std::string ownIdentity,
                    QObject *parent = nullptr);

    void start();
    void stop();
    // Polls now (what the timer does); returns what it emitted.
    std::vector<Pulse> poll();

    // Which edge an actor's requests travel ("kube-scheduler" -> Scheduler,
    // "kubelet/worker-2" or "system:node:worker-2" -> Kubelet of worker-2,
    // anything else -> User).
    static Pulse classify(const std::string &actor);
    // Merges requests into one pulse per edge (in first-seen order).
    static std::vector<Pulse> merge(const std::vector<cluster::ClusterControl::Activity> &activity,
                                    const std::string &ownIdentity);

signals:
    // Emitted at most once per poll, never empty.
    void pulses(const std::vector<kubist::model::Pulse> &pulses);

private:
    cluster::ClusterControl &m_control;
    const std::string m_own;
    QTimer *m_timer = nullptr;
    QElapsedTimer m_sinceActivity;
};

} // namespace kubist::model
