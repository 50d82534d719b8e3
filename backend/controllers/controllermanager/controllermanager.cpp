#include "backend/controllers/controllermanager/controllermanager.h"

#include "backend/client/leaderelector.h"
#include "backend/controllers/deployment/deploymentcontroller.h"
#include "backend/controllers/disruption/disruptioncontroller.h"
#include "backend/controllers/endpoints/endpointscontroller.h"
#include "backend/controllers/endpointslice/endpointslicecontroller.h"
#include "backend/controllers/garbagecollector/garbagecollector.h"
#include "backend/controllers/namespace/namespacecontroller.h"
#include "backend/controllers/nodelifecycle/nodelifecyclecontroller.h"
#include "backend/controllers/podgc/podgccontroller.h"
#include "backend/controllers/replicaset/replicasetcontroller.h"
#include "backend/controllers/serviceaccount/serviceaccountcontroller.h"

namespace kubist::controllers {

// One term's controllers, built when leading and destroyed when not.
struct ControllerManager::Running
{
    Running(client::Client &client, const Clock &clock, const Options &options)
        : deployment(client, clock)
        , replicaSet(client, clock)
        , endpoints(client, clock)
        , endpointSlice(client, clock)
        , nodeLifecycle(client, clock, nodeLifecycleOptions(options))
        , garbageCollector(client, clock)
        , namespaces(client, clock)
        , podGC(client, clock)
        , serviceAccount(client, clock)
        , disruption(client, clock)
    {}

    static NodeLifecycleController::Options nodeLifecycleOptions(const Options &options)
    {
        NodeLifecycleController::Options o;
        o.nodeMonitorPeriod = options.nodeMonitorPeriod;
        o.nodeMonitorGracePeriod = options.nodeMonitorGracePeriod;
        return o;
    }

    void start()
    {
        serviceAccount.start();
        namespaces.start();
        garbageCollector.start();
        nodeLifecycle.start();
        podGC.start();
        replicaSet.start();
        deployment.start();
        endpoints.start();
        endpointSlice.start();
        disruption.start();
    }

    void stop()
    {
        disruption.stop();
        endpointSlice.stop();
        endpoints.stop();
        deployment.stop();
        replicaSet.stop();
        podGC.stop();
        nodeLifecycle.stop();
        garbageCollector.stop();
        namespaces.stop();
        serviceAccount.stop();
    }

    DeploymentController deployment;
    ReplicaSetController replicaSet;
    EndpointsController endpoints;
    EndpointSliceController endpointSlice;
    NodeLifecycleController nodeLifecycle;
    GarbageCollector garbageCollector;
    NamespaceController namespaces;
    PodGCController podGC;
    ServiceAccountController serviceAccount;
    DisruptionController disruption;
};

ControllerManager::ControllerManager(client::Client &client, const Clock &clock, Options options)
    : m_client(client)
    , m_clock(clock)
    , m_options(std::move(options))
{}

ControllerManager::~ControllerManager()
{
    stop();
}

std::vector<std::string> ControllerManager::controllerNames()
{
    return {"deployment",       "replicaset",    "endpoints",
            "endpointslice",    "nodelifecycle", "taint-eviction-controller",
            "garbagecollector", "namespace",     "podgc",
            "serviceaccount",   "disruption"};
}

void ControllerManager::start()
{
    if (!m_options.leaderElect) {
        startControllers();
        return;
    }
    if (m_elector)
        return;
    client::LeaderElector::Options o;
    o.name = "kube-controller-manager";
    o.identity = m_options.identity;
    o.leaseDuration = m_options.leaseDuration;
    o.renewDeadline = m_options.renewDeadline;
    o.retryPeriod = m_options.retryPeriod;
    o.onStartedLeading = [this] { startControllers(); };
    o.onStoppedLeading = [this] { stopControllers(); };
    m_elector = std::make_unique<client::LeaderElector>(m_client, m_clock, o);
    m_elector->start();
}

void ControllerManager::stop()
{
    if (m_elector) {
        m_elector->stop(); // releases the lease; stops the controllers through the callback
        m_elector.reset();
    }
    stopControllers();
}

bool ControllerManager::isLeader() const
{
    if (m_elector)
        return m_elector->isLeader();
    std::lock_guard lock(m_mutex);
    return m_running != nullptr;
}

void ControllerManager::startControllers()
{
    std::lock_guard lock(m_mutex);
    if (m_running)
        return;
    m_running = std::make_unique<Running>(m_client, m_clock, m_options);
    m_running->start();
}

void ControllerManager::stopControllers()
{
    std::unique_ptr<Running> running;
    {
        std::lock_guard lock(m_mutex);
        running = std::move(m_running);
    }
    if (running)
        running->stop();
}

} // namespace kubist::controllers
