#pragma once

#include "backend/client/client.h"
#include "backend/client/informer.h"
#include "backend/client/workqueue.h"
#include "backend/controllers/common/workerpool.h"
#include "backend/util/clock.h"
#include "backend/util/status.h"

#include <atomic>
#include <memory>
#include <string>

namespace kubist::controllers {

struct NamespaceControllerOptions
{
    int workers = 2; // upstream --concurrent-namespace-syncs is 10
};

// NamespaceController: deletes what a terminating namespace holds, as
// upstream's namespace controller (component "namespace-controller").
//
// For a Namespace with a deletionTimestamp whose spec.finalizers still
// hold "kubernetes": every namespaced kind the Scheme serves with list and
// delete verbs is listed in it and each object not yet being deleted is
// deleted (propagationPolicy Background). The namespace's status
// conditions say how that went, with upstream's types, reasons and
// messages (NamespaceDeletionDiscoveryFailure,
// NamespaceDeletionGroupVersionParsingFailure,
// NamespaceDeletionContentFailure, NamespaceContentRemaining "Some
// resources are remaining: pods has 2 resource instances",
// NamespaceFinalizersRemaining "Some content in the namespace has
// finalizers remaining: orphan in 1 resource instances"). While anything
// remains (pods gracefully terminating, objects with finalizers) the
// namespace is checked again after an estimate (half the longest pod
// grace period left, at least 1 s). Once nothing remains the "kubernetes"
// finalizer is removed through namespaces/<name>/finalize, after which the
// API server removes the namespace.
//
// Lifetime: client and clock must outlive the controller. start() once;
// stop() (also the destructor) stops the informer and workers; once it
// returns nothing of the controller runs.
class NamespaceController final
{
public:
    using Options = NamespaceControllerOptions;

    NamespaceController(client::Client &client, const Clock &clock, Options options = {});
    ~NamespaceController();
    NamespaceController(const NamespaceController &) = delete;
    NamespaceController &operator=(const NamespaceController &) = delete;

    void start();
    void stop();

private:
    Status sync(const std::string &name);
    void enqueue(const client::ObjectPtr &object);

    client::Client &m_client;
    const Clock &m_clock;
    const Options m_options;
    client::WorkQueue m_queue;
    std::unique_ptr<client::Informer> m_namespaces;
    WorkerPool m_workers;
    std::atomic<bool> m_started{false};
    std::atomic<bool> m_stopped{false};
};

} // namespace kubist::controllers
