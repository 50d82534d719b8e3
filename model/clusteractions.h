#pragma once

#include "model/clustermodel.h"
#include "model/manifestapply.h"

#include "backend/cluster/clustercontrol.h"

#include <QObject>
#include <QString>
#include <QThreadPool>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace kubist {
class Clock;
class Status;
} // namespace kubist

namespace kubist::model {

// ClusterActions: what the user can do from the picture. Each action runs
// off the GUI thread (a private thread pool) through the Client — exactly
// the request kubectl would send — or, for the faults only an embedded
// cluster has, through ClusterControl; finished() reports the outcome on
// the GUI thread. Nothing here waits on the control plane on the GUI thread.
//
// Lifetime: the client and the control (when given) must outlive this
// object; the destructor waits for actions still running (a remote move
// waiting for its pod to go is cut short).
//
// A failed action's `error` is the server's message; a 403 (RBAC refused
// it, Status::Code::PermissionDenied) is prefixed "Forbidden: ", so the
// status bar says which verb on which resource was refused.
class ClusterActions final : public QObject
{
    Q_OBJECT

public:
    ClusterActions(client::Client &client, cluster::ClusterControl *control,
                   QObject *parent = nullptr);
    ~ClusterActions() override;

    bool hasControl() const { return m_control != nullptr; }
    // The clock whose now() stamps a rollout restart (the cluster's); nullptr
    // (the default): the system clock. Must outlive this object.
    void setClock(const Clock *clock) { m_clock = clock; }

    // DELETE the pod (graceful, as kubectl delete pod).
    void deletePod(const std::string &ns, const std::string &name);
    // Merge-patches spec.unschedulable (kubectl cordon / uncordon).
    void setCordoned(const std::string &node, bool cordoned);
    // The workload operations of model/workloadops.h, off the GUI thread.
    // kind: "Deployment" or "ReplicaSet".
    void scale(const std::string &kind, const std::string &ns, const std::string &name, int delta);
    void setImage(const std::string &ns, const std::string &deployment,
                  const std::string &container, const std::string &image);
    void undoRollout(const std::string &ns, const std::string &deployment);
    // workloadops::restartRollout at the clock's now (kubectl rollout restart).
    void restartRollout(const std::string &ns, const std::string &deployment);
    void evictPod(const std::string &ns, const std::string &name);
    // Cordon, then evict; the report's refusals (429) and failures make the
    // action fail with a sentence naming them.
    void drain(const std::string &node);
    // workloadops::movePod; the sentence it returns arrives as message().
    void movePod(const std::string &ns, const std::string &name, const std::string &node);
    // workloadops::movePodRemote (a real cluster: evict, and recreate a bare
    // pod on `node`); its sentence arrives as message().
    void movePodRemote(const std::string &ns, const std::string &name, const std::string &node);

    // ClusterControl: power a node's kubelet off / on. Fails without control.
    void setNodePower(const std::string &node, bool on);
    // ClusterControl: stop / start a master part. Fails without control.
    void setComponentRunning(MasterComponent::Part part, bool running);

    // ClusterControl faults (each fails without control). injectFault
    // reports faultInjected() and the Fault's `kubectl apply`; healFault
    // its `kubectl delete fault`.
    void injectFault(const cluster::ClusterControl::FaultSpec &spec);
    void healFault(const std::string &name);
    // Heals the active fault of `action` on node `node` (a Node fault).
    void healNodeFault(const std::string &node, const std::string &action);
    // One crash of every container of the pod (not a Fault).
    void crashContainer(const std::string &ns, const std::string &pod);
    // A new simulated worker (the next free worker-N) / stop simulating one.
    void addNode();
    void removeNode(const std::string &node);
    // Requests per second to a Service (<= 0 stops its traffic).
    void setTrafficRate(const std::string &ns, const std::string &service, double rps);

    // manifests::apply off the GUI thread; the results arrive as applied().
    void applyManifest(const QString &yaml, bool dryRunOnly = false);

    // Waits (real time) until no action is running; for tests.
    bool waitForDone(int msecs = 10000);

signals:
    // GUI thread, once per action: `what` in plain words ("cordon worker-1"),
    // `error` empty on success.
    void finished(const QString &what, bool ok, const QString &error);
    // GUI thread: a sentence for the status bar from an action that has more
    // to say than ok / failed (movePod, drain).
    void message(const QString &text);
    // GUI thread, before finished(): what kubectl would have done.
    void kubectlEquivalent(const QString &command);
    // GUI thread, before finished(), when a fault took effect: in plain
    // words, and the Fault's name (empty for a single container crash).
    void faultInjected(const QString &what, const QString &faultName);
    // GUI thread: the outcome of applyManifest(), one result per document.
    void applied(const std::vector<kubist::model::manifests::DocumentResult> &results);

private:
    void run(QString what, std::function<Status()> action);
    // Any thread: emits message(text) on the GUI thread.
    void say(const QString &text);
    // Any thread: emits kubectlEquivalent(command) on the GUI thread.
    void sayKubectl(const QString &command);

    client::Client &m_client;
    cluster::ClusterControl *const m_control;
    const Clock *m_clock = nullptr;
    std::atomic<bool> m_closing{false}; // set by the destructor: long waits end
    QThreadPool m_pool;
};

} // namespace kubist::model

Q_DECLARE_METATYPE(std::vector<kubist::model::manifests::DocumentResult>)
