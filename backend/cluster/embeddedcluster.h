#pragma once

#include "backend/cluster/clusterconfig.h"
#include "backend/cluster/clustercontrol.h"
#include "backend/cluster/timingprofile.h"
#include "backend/faults/faultinjector.h"
#include "backend/util/clock.h"
#include "backend/util/idletracker.h"
#include "backend/util/status.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace kubist {
namespace store {
class Store;
}
namespace apiserver {
class ApiServer;
class ApiHandler;
class HttpServer;
struct ServerCredentials;
enum class Role;
} // namespace apiserver
namespace client {
class Client;
}
namespace scheduler {
class Scheduler;
}
namespace controllers {
class ControllerManager;
}
namespace kubelet {
class NodeSimulator;
}
namespace proxy {
class ProxySimulator;
class TrafficGenerator;
} // namespace proxy
namespace faults {
class FaultController;
}
} // namespace kubist

namespace kubist::cluster {

// EmbeddedCluster: the whole control plane of the picture in one process,
// built and wired here and nowhere else — the store (etcd), the API server
// with its HTTPS front (what kubectl talks to), the scheduler, the
// controller manager, the node simulator hosting every kubelet, the
// kube-proxies with the simulated traffic, and the fault controller. The
// parts talk to each other only through the API server (each gets its own
// in-process Client, so the activity stream shows who said what).
//
// Data directory layout: store/ (the revision log), pki/ (CA, serving
// certificate, tokens), cluster.json (ClusterConfig). On the first start of
// an empty data directory the demo topology is created: a control-plane
// node `master` (label node-role.kubernetes.io/control-plane, NoSchedule
// taint) and workers `worker-1`..`worker-N`, all labelled
// kubist.io/simulated=true (so a later start adopts them), and — unless
// Options::demoWorkloads is false — a Deployment `web` (3 replicas of
// nginx) with a Service `web` in namespace default.
//
// Faults (kubist.io/v1alpha1 Fault objects, or ClusterControl's direct
// calls) go through the fault controller, which calls this cluster as its
// FaultInjector; overlapping faults are counted, and an effect is lifted
// when the last fault causing it heals. A Fault naming a node this cluster
// does not simulate, a missing pod or an unknown component is refused with
// 422 by the API server's create admission.
//
// Traffic: the traffic generator sends requests to Services through the
// nodes' kube-proxy tables; a request succeeds only when the pod it lands
// on really serves (NodeSimulator::isPodServing), and the pod's container
// log gets an access line. The demo's `web` Service gets
// Options::demoTrafficRate requests per second.
//
// Parts can be stopped and started one by one (demo faults): a stopped part
// is destroyed and a started one is built afresh and rebuilds its state
// from the API, as a restarted process would. The master's mirror pods in
// kube-system (etcd-master, kube-apiserver-master, kube-scheduler-master,
// kube-controller-manager-master) follow the parts' states.
//
// Threads: each part runs on threads of its own (informers, work queues,
// workers); the HTTP front has its own. All functions here are
// thread-safe (serialised by one mutex) but must not be called from a part's
// own thread.
class EmbeddedCluster final : public ClusterControl, private faults::FaultInjector
{
public:
    struct Options
    {
        std::string dataDir;
        std::string address = "127.0.0.1";
        uint16_t port = 6443; // 0: any free port
        bool insecureHttp = false;
        // For a new cluster only (then kept in cluster.json).
        int workers = 3;
        std::string profile = "demo";
        bool demoWorkloads = true;
        // nullptr: SystemClock. Must outlive the cluster.
        const Clock *clock = nullptr;
        // StoreOptions::powerSafe (synchronous=FULL).
        bool powerSafe = true;
        // Requests per second to default/web (0: none).
        double demoTrafficRate = 10;
        // StoreOptions::compactionIntervalMs: how often etcd's history is
        // compacted (kube-apiserver's --etcd-compaction-interval, 5 min);
        // 0 disables.
        std::chrono::milliseconds compactionInterval = std::chrono::minutes(5);
    };

    enum class Part { Etcd, ApiServer, Scheduler, ControllerManager, Nodes };
    static const char *partName(Part part);

    // Opens (or creates) the data directory: takes its lock, opens the
    // store, loads or creates the credentials and config, and starts the
    // API server's HTTP front. Errors name the file or address at fault
    // (a second Kubist on the same data directory gets a clear error).
    static Result<std::unique_ptr<EmbeddedCluster>> open(const Options &options);
    ~EmbeddedCluster() override; // stop()

    // Starts every part; on a new data directory creates the demo topology.
    Status start();
    // Stops every part, then the HTTP front (for good: a stopped cluster is
    // not started again). Idempotent.
    void stop();

    Status stopPart(Part part);
    Status startPart(Part part);
    bool isRunning(Part part) const;

    // "https://127.0.0.1:6443" (http:// with insecureHttp).
    const std::string &url() const { return m_url; }
    const std::string &dataDir() const { return m_options.dataDir; }
    const ClusterConfig &config() const { return m_config; }
    const TimingProfile &profile() const { return m_profile; }
    const Clock &clock() const { return *m_clock; }
    // Writes a kubeconfig for the admin (full rights) or viewer (read-only).
    Status writeKubeconfig(const std::string &file, bool viewer = false) const;

    apiserver::ApiServer &apiServer() { return *m_api; }
    // An in-process client acting as `identity` (admin rights).
    std::unique_ptr<client::Client> client(const std::string &identity);
    kubelet::NodeSimulator *nodes() { return m_nodes.get(); }
    proxy::ProxySimulator *proxies() { return m_proxies.get(); }
    proxy::TrafficGenerator *traffic() { return m_traffic.get(); }

    // ClusterControl
    Result<std::string> injectFault(const FaultSpec &spec) override;
    Status healFault(const std::string &name) override;
    std::vector<FaultState> faults() const override;
    Result<NodeHealth> nodeHealth(const std::string &node) const override;
    Status crashContainer(const std::string &ns, const std::string &pod,
                          const std::string &container = {}) override;
    Result<std::string> addNode(const std::string &name = {}) override;
    Status removeNode(const std::string &node) override;
    Status setTrafficRate(const std::string &ns, const std::string &service, double rps) override;
    double trafficRate(const std::string &ns, const std::string &service) const override;
    TrafficStats serviceTraffic(const std::string &ns, const std::string &service) const override;
    TrafficStats podTraffic(const std::string &ns, const std::string &pod) const override;
    std::vector<TrafficStats> trafficHistory(const std::string &ns,
                                             const std::string &service) const override;
    Status stopComponent(Component component) override;
    Status startComponent(Component component) override;
    bool isComponentRunning(Component component) const override;
    Status powerOffNode(const std::string &node) override;
    Status powerOnNode(const std::string &node) override;
    bool isNodePoweredOn(const std::string &node) const override;
    std::vector<Activity> takeActivity(uint64_t *dropped = nullptr) override;

private:
    class LogSource;
    explicit EmbeddedCluster(const Options &options);
    Status createTopology();
    Status startScheduler();
    Status startControllerManager();
    Status startNodes();
    void updateMasterStaticPods();
    Status startTraffic();
    // FaultInjector
    Status check(const FaultSpec &spec) const override;
    Status inject(const FaultSpec &spec) override;
    Status heal(const FaultSpec &spec) override;
    Status applyFault(const FaultSpec &spec, bool on);
    int faultCountLocked(const std::string &kind, const std::string &ns, const std::string &name,
                         const std::string &action) const;
    void applyProxyLocked(const std::string &node);
    Status healAll(const FaultSpec &spec);

    const Options m_options;
    const Clock *m_clock = nullptr;
    ClusterConfig m_config;
    TimingProfile m_profile;
    bool m_newCluster = false;
    std::string m_url;

    std::unique_ptr<IdleTracker::Part> m_storeIdle; // with a FakeClock: outlives the store

    mutable std::recursive_mutex m_mutex; // guards everything below
    std::unique_ptr<store::Store> m_store;
    std::unique_ptr<apiserver::ServerCredentials> m_credentials;
    std::unique_ptr<apiserver::ApiServer> m_api;
    std::unique_ptr<apiserver::ApiHandler> m_handler;
    std::unique_ptr<apiserver::HttpServer> m_http;
    std::unique_ptr<LogSource> m_logSource;
    std::vector<std::unique_ptr<client::Client>> m_clients; // owned for the parts
    std::unique_ptr<client::Client> m_schedulerClient;
    std::unique_ptr<scheduler::Scheduler> m_scheduler;
    std::unique_ptr<client::Client> m_controllerClient;
    std::unique_ptr<controllers::ControllerManager> m_controllers;
    std::unique_ptr<kubelet::NodeSimulator> m_nodes;
    std::unique_ptr<client::Client> m_proxyClient;
    std::unique_ptr<proxy::ProxySimulator> m_proxies;
    std::unique_ptr<proxy::TrafficGenerator> m_traffic;
    std::map<std::string, double> m_trafficRates; // kept across a restart of the nodes
    // Faults in force by "kind/ns/name/action" (overlapping faults counted).
    std::map<std::string, int> m_faultCounts;
    std::shared_ptr<void> m_activity; // the ActivityStream subscription of takeActivity()
    // Built in open(); started by start(), stopped by stop() before the lock
    // is taken (it calls back into this cluster as its FaultInjector).
    std::unique_ptr<client::Client> m_faultClient;
    std::unique_ptr<faults::FaultController> m_faultController;
    bool m_started = false;
    bool m_stopped = false; // stop() ran: the HTTP front is down for good
};

} // namespace kubist::cluster
