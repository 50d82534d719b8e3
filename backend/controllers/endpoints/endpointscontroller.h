#pragma once

#include "backend/client/client.h"
#include "backend/client/eventrecorder.h"
#include "backend/client/informer.h"
#include "backend/client/workqueue.h"
#include "backend/controllers/common/workerpool.h"
#include "backend/util/clock.h"
#include "backend/util/status.h"

#include <atomic>
#include <memory>
#include <string>

namespace kubist::controllers {

struct EndpointsControllerOptions
{
    int workers = 2; // upstream --concurrent-endpoint-syncs is 5
};

// EndpointsController: keeps, for every Service with a selector, a core/v1
// Endpoints of the same name listing the pods the selector matches, as
// upstream's endpoint controller (component "endpoint-controller"):
// - a pod with an IP that is not terminating (terminating pods too when
//   the Service publishes not-ready addresses) contributes an address
//   {ip, hostname, nodeName, targetRef}; ready pods (or every pod with
//   publishNotReadyAddresses) go to `addresses`, the others to
//   `notReadyAddresses`;
// - each service port resolves its targetPort on the pod (a number, or a
//   named container port of the same protocol; a pod without the name is
//   left out of that port); addresses with the same resolved ports share
//   one subset (upstream RepackSubsets), sorted;
// - the Endpoints carries the Service's labels (plus
//   service.kubernetes.io/headless for clusterIP None); it is written
//   only when its subsets or labels differ;
// - the Endpoints of a Service that is gone is deleted (at start, every
//   existing Endpoints is checked once, as upstream checkLeftoverEndpoints);
//   Services without a selector are left alone.
//
// Lifetime: client and clock must outlive the controller. start() once;
// stop() (also the destructor) stops informers and workers; once it
// returns nothing of the controller runs. A stopped controller is not
// restarted: a new instance rebuilds everything from the API.
class EndpointsController final
{
public:
    using Options = EndpointsControllerOptions;

    EndpointsController(client::Client &client, const Clock &clock, Options options = {});
    ~EndpointsController();
    EndpointsController(const EndpointsController &) = delete;
    EndpointsController &operator=(const EndpointsController &) = delete;

    void start();
    void stop();

private:
    Status sync(const std::string &key);
    void enqueueObject(const client::ObjectPtr &object);
    void enqueueServicesOfPod(const client::ObjectPtr &pod);
    bool waitForCaches();

    client::Client &m_client;
    const Clock &m_clock;
    const Options m_options;
    client::EventRecorder m_recorder;
    client::WorkQueue m_queue;
    std::unique_ptr<client::Informer> m_services;
    std::unique_ptr<client::Informer> m_pods;
    std::unique_ptr<client::Informer> m_endpoints;
    WorkerPool m_workers;
    std::atomic<bool> m_started{false};
    std::atomic<bool> m_stopped{false};
};

} // namespace kubist::controllers
