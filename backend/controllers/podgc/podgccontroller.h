#pragma once

#include "backend/client/client.h"
#include "backend/client/informer.h"
#include "backend/client/workqueue.h"
#include "backend/controllers/common/workerpool.h"
#include "backend/util/clock.h"
#include "backend/util/status.h"

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>

namespace k8s::io::api::core::v1 {
class Pod;
}

namespace kubist::controllers {

struct PodGCControllerOptions
{
    // Upstream gcCheckPeriod.
    Clock::Duration period = std::chrono::seconds(20);
    // Upstream --terminated-pod-gc-threshold; <= 0 keeps every terminated pod.
    int terminatedPodThreshold = 12500;
    // How long a node must be gone before its pods are (upstream quarantineTime).
    Clock::Duration quarantine = std::chrono::seconds(40);
};

// PodGCController: upstream's pod garbage collector (component
// "pod-garbage-collector"). Every `period` it force-deletes
// (gracePeriodSeconds 0):
// - terminated pods (Succeeded/Failed) beyond terminatedPodThreshold,
//   oldest first;
// - pods bound to a node that has not existed for `quarantine` (checked
//   with a live GET before acting), after marking them Failed with a
//   DisruptionTarget condition (reason DeletionByPodGC);
// - terminating pods that were never scheduled;
// - terminating pods on a node that is not Ready and carries the
//   node.kubernetes.io/out-of-service taint.
//
// Lifetime: client and clock must outlive the controller. start() once;
// stop() (also the destructor) stops informers, timers and workers; once
// it returns nothing of the controller runs.
class PodGCController final
{
public:
    using Options = PodGCControllerOptions;

    PodGCController(client::Client &client, const Clock &clock, Options options = {});
    ~PodGCController();
    PodGCController(const PodGCController &) = delete;
    PodGCController &operator=(const PodGCController &) = delete;

    void start();
    void stop();

private:
    Status gc();
    Status forceDelete(const k8s::io::api::core::v1::Pod &pod, const std::string &reason);

    client::Client &m_client;
    const Clock &m_clock;
    const Options m_options;
    client::WorkQueue m_queue;
    std::unique_ptr<client::Informer> m_pods;
    std::unique_ptr<client::Informer> m_nodes;
    WorkerPool m_workers;
    std::atomic<bool> m_started{false};
    std::atomic<bool> m_stopped{false};

    // Used by the single worker only: when a missing node was first missed.
    std::map<std::string, Clock::Time> m_missingSince;
};

} // namespace kubist::controllers
