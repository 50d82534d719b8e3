#pragma once

#include "backend/client/client.h"
#include "backend/client/informer.h"
#include "backend/client/workqueue.h"
#include "backend/controllers/common/workerpool.h"
#include "backend/util/clock.h"
#include "backend/util/status.h"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace kubist::controllers {

struct EndpointSliceControllerOptions
{
    int workers = 2;                // upstream --concurrent-service-endpoint-syncs is 5
    int maxEndpointsPerSlice = 100; // upstream --max-endpoints-per-slice
};

// EndpointSliceController: upstream's EndpointSlice controller (component
// "endpoint-slice-controller"). For every Service with a selector it keeps
// discovery.k8s.io/v1 EndpointSlices (addressType IPv4) named
// "<service>-<random>" (generateName), labelled kubernetes.io/service-name
// and endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io
// (plus the Service's labels and service.kubernetes.io/headless for
// clusterIP None), owned by the Service (controller ownerReference).
//
// Each pod the selector matches that has an IP (terminating ones too)
// is one endpoint: addresses [podIP], conditions ready (ready and not
// terminating, or publishNotReadyAddresses), serving (ready),
// terminating (being deleted), nodeName, hostname, targetRef. Endpoints
// with the same resolved ports (targetPort by number or container port
// name) share slices of at most maxEndpointsPerSlice, sorted by pod name;
// a Service without endpoints keeps one empty placeholder slice. Slices are
// written only when they differ; surplus slices are deleted, as are the
// slices of a Service that is gone (the garbage collector would too).
//
// Lifetime: client and clock must outlive the controller. start() once;
// stop() (also the destructor) stops informers and workers; once it
// returns nothing of the controller runs.
class EndpointSliceController final
{
public:
    using Options = EndpointSliceControllerOptions;

    EndpointSliceController(client::Client &client, const Clock &clock, Options options = {});
    ~EndpointSliceController();
    EndpointSliceController(const EndpointSliceController &) = delete;
    EndpointSliceController &operator=(const EndpointSliceController &) = delete;

    void start();
    void stop();

private:
    Status sync(const std::string &key);
    void enqueueServicesOfPod(const client::ObjectPtr &pod);
    void enqueueServiceOfSlice(const client::ObjectPtr &slice);
    bool cacheHasOurWrites(const std::string &serviceKey);
    void expectWrite(const std::string &serviceKey, const client::ObjectPtr &written);
    void expectDeletion(const std::string &serviceKey, const std::string &sliceName);

    client::Client &m_client;
    const Options m_options;
    client::WorkQueue m_queue;
    std::unique_ptr<client::Informer> m_services;
    std::unique_ptr<client::Informer> m_pods;
    std::unique_ptr<client::Informer> m_slices;
    WorkerPool m_workers;
    std::atomic<bool> m_started{false};
    std::atomic<bool> m_stopped{false};

    // Our writes the slice cache has not shown yet, per service: slice
    // name -> resourceVersion written ("" for a deletion). A sync waits
    // for them (the informer event syncs the service again), so a stale
    // cache never makes it create a slice twice.
    std::mutex m_mutex; // guards m_expected
    std::map<std::string, std::map<std::string, std::string>> m_expected;
};

} // namespace kubist::controllers
