#pragma once

#include "backend/util/status.h"

#include <string>
#include <vector>

namespace kubist::cluster {

// ClusterControl: the narrow door from the GUI to what only an embedded
// cluster can do — stop and start the parts of the picture, power nodes
// off and on. Everything else the GUI does goes through the Client, as it
// would on a real cluster; attached to a remote cluster there is no
// ClusterControl (a null pointer) and the GUI hides these actions.
//
// (The failure-and-recovery issue extends this with pace control and the
// other faults.)
//
// Implementations are thread-safe; calls may block briefly (a stopped part
// joins its threads), so the GUI calls them off its own thread or accepts a
// short pause.
class ClusterControl
{
public:
    // The master's parts, as the picture names them.
    enum class Component { Etcd, ApiServer, Scheduler, ControllerManager };

    virtual ~ClusterControl() = default;

    virtual Status stopComponent(Component component) = 0;
    virtual Status startComponent(Component component) = 0;
    virtual bool isComponentRunning(Component component) const = 0;

    // A node's kubelet stops (no lease renewals, no status) / starts again.
    // NotFound for a node the embedded cluster does not simulate.
    virtual Status powerOffNode(const std::string &node) = 0;
    virtual Status powerOnNode(const std::string &node) = 0;
    virtual bool isNodePoweredOn(const std::string &node) const = 0;

    // One request the API server answered (for the picture's pulses).
    struct Activity
    {
        std::string
            actor; // "kube-scheduler", "kube-controller-manager", "kubelet/worker-2", "admin"
        std::string verb;     // get, list, watch, create, update, patch, delete
        std::string resource; // "pods", "pods/binding", "leases", ...
        std::string ns;
        std::string name;
        int code = 200;
        bool touchedStore = false; // the request reached etcd
    };
    // Requests answered since the previous call (one consumer: the GUI's
    // model). Bounded: a slow consumer loses the oldest and gets `dropped`.
    virtual std::vector<Activity> takeActivity(uint64_t *dropped = nullptr) = 0;
};

} // namespace kubist::cluster
