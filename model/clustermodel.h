#pragma once

#include "model/clusterdelta.h"
#include "model/explanations.h"

#include "backend/client/client.h"

#include <QObject>

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

class QTimer;

namespace kubist {
class Clock;
namespace client {
class Informer;
}
} // namespace kubist

namespace k8s::io::api::core::v1 {
class Pod;
}

namespace kubist::model {

// Who a pod belongs to, as the picture colours it: the Deployment when the
// pod's ReplicaSet has one, else its controller (ReplicaSet, StatefulSet,
// DaemonSet, Job, ...), else nothing (a bare pod).
struct OwnerRef
{
    std::string kind; // "Deployment", "ReplicaSet", ...; empty: no owner
    std::string ns;
    std::string name;

    bool empty() const { return kind.empty(); }
    // "Deployment/default/web"
    std::string id() const { return kind + "/" + ns + "/" + name; }
    bool operator==(const OwnerRef &) const = default;
    auto operator<=>(const OwnerRef &) const = default;
};

// One of the master's parts, read as on a real cluster: from its mirror pod
// in kube-system (labels component=<name>, tier=control-plane) and, for the
// scheduler and the controller manager, the leader Lease in kube-system.
struct MasterComponent
{
    enum class Part { Etcd, ApiServer, ControllerManager, Scheduler };
    enum class State { Unknown, Running, Stopped };

    Part part = Part::Etcd;
    State state = State::Unknown; // Unknown: no mirror pod seen
    std::string podKey;           // "kube-system/etcd-master"; empty when none
    std::string node;             // where the mirror pod runs
    std::string leader;           // the Lease's holderIdentity (scheduler, controller manager)
};
const char *masterPartComponentLabel(MasterComponent::Part part); // "etcd", "kube-apiserver", ...
const char *masterPartTitle(MasterComponent::Part part);          // "etcd", "API server", ...
// The picture's subject for a master part, and back (nullopt for a subject
// that is not a master part).
Subject masterPartSubject(MasterComponent::Part part);
std::optional<MasterComponent::Part> masterPartOf(Subject subject);

// ClusterModel: what the pictures show — a GUI-thread copy of the cluster's
// Nodes, Pods, Services, Endpoints, Deployments, ReplicaSets, Events and the
// Leases of kube-system and kube-node-lease, fed by informers over a Client
// (local or remote alike), with the views the picture needs.
//
// Threads: the informers run on their own threads; their handlers only
// record the newest state of each object in a mutex-guarded pending map and
// ask the GUI thread for a frame. At most once per frame (~16 ms, a
// single-shot QTimer that runs only while changes are pending) the GUI
// thread takes the pending map, applies it and emits changed(). The GUI
// thread never waits on the control plane. Every accessor is GUI-thread
// only and reflects the last delivered frame.
//
// Lifetime: the client and clock must outlive the model. stop() (and the
// destructor) stops the informers; nothing is delivered afterwards.
class ClusterModel final : public QObject
{
    Q_OBJECT

public:
    ClusterModel(client::Client &client, const Clock &clock, QObject *parent = nullptr);
    ~ClusterModel() override;

    // Starts the informers. Once only.
    void start();
    void stop();

    // Every informer has listed, and the first lists are delivered.
    bool hasSynced() const { return m_synced; }

    // The objects of a kind by key, as of the last frame.
    const std::map<std::string, client::ObjectPtr> &objects(ObjectKind kind) const;
    client::ObjectPtr object(ObjectKind kind, const std::string &key) const;
    template<class T> std::shared_ptr<const T> get(ObjectKind kind, const std::string &key) const
    {
        return std::static_pointer_cast<const T>(object(kind, key));
    }

    // Node names in name order (the picture's stable order).
    std::vector<std::string> nodeNames() const;
    // The control-plane node (labelled node-role.kubernetes.io/control-plane,
    // or else the node running the kube-apiserver mirror pod); "" if none.
    std::string controlPlaneNode() const;
    // Keys of the pods bound to `node`, in key order.
    std::vector<std::string> podsOnNode(const std::string &node) const;
    // Keys of the pods not bound to any node, in key order.
    std::vector<std::string> unscheduledPods() const;
    // Whether a pod is a control-plane mirror pod (drawn as a master part,
    // not as a chip).
    static bool isControlPlanePod(const k8s::io::api::core::v1::Pod &pod);

    OwnerRef ownerOf(const k8s::io::api::core::v1::Pod &pod) const;
    // Keys of the pods whose ownerOf() is `owner`.
    std::vector<std::string> podsOwnedBy(const OwnerRef &owner) const;

    // Etcd, ApiServer, ControllerManager, Scheduler, in that order.
    std::vector<MasterComponent> masterComponents() const;

    // The events about one object (involvedObject kind/namespace/name),
    // newest first, at most `limit`.
    std::vector<client::ObjectPtr> eventsAbout(const std::string &kind, const std::string &ns,
                                               const std::string &name, size_t limit = 20) const;

    // The client the model reads through (thread-safe; actions use it too).
    client::Client &client() const { return m_client; }

signals:
    // Emitted on the GUI thread after the model's state reflects `delta`;
    // at most once per frame, never with an empty delta.
    void changed(const kubist::model::ClusterDelta &delta);
    // Emitted once, in the frame in which the last informer's first list
    // was delivered (hasSynced() turns true).
    void synced();

private:
    struct PendingKey
    {
        ObjectKind kind;
        std::string key;
        auto operator<=>(const PendingKey &) const = default;
    };

    void record(ObjectKind kind, const client::ObjectPtr &object, bool deleted);
    void drain();
    void apply(ObjectChange &change);

    // Constant after construction.
    client::Client &m_client;
    const Clock &m_clock;
    std::vector<std::pair<ObjectKind, std::unique_ptr<client::Informer>>> m_informers;
    QTimer *m_frame = nullptr; // GUI thread

    std::mutex m_mutex;                                // guards m_pending and m_frameRequested
    std::map<PendingKey, client::ObjectPtr> m_pending; // nullptr: deleted
    bool m_frameRequested = false;

    // GUI thread only.
    std::array<std::map<std::string, client::ObjectPtr>, kObjectKindCount> m_objects;
    std::map<std::string, std::set<std::string>> m_podsByNode; // "" : unscheduled
    bool m_started = false;
    bool m_synced = false;
};

} // namespace kubist::model
