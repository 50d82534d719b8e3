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
#include <vector>

namespace k8s::io::apimachinery::pkg::apis::meta::v1 {
class ObjectMeta;
class OwnerReference;
} // namespace k8s::io::apimachinery::pkg::apis::meta::v1

namespace kubist::controllers {

struct GarbageCollectorOptions
{
    int workers = 2; // upstream --concurrent-gc-syncs is 20
};

// GarbageCollector: upstream's garbage collector controller (component
// "garbage-collector-controller"). It watches every kind of the Scheme
// that has list, watch and delete verbs (except core Events and
// coordination Leases) and keeps the dependency graph implicitly, in two
// indexes of each informer: objects by uid and by the uids their
// ownerReferences name.
//
// - A dependent none of whose owners exists any more is deleted with
//   propagationPolicy Background (Foreground/Orphan when it carries those
//   finalizers itself), with a uid precondition. An owner missing from the
//   caches is looked up with a live GET before it counts as gone (a stale
//   cache must not delete anything), and an owner of the same name but
//   another uid is gone. References to absent owners, and to owners being
//   deleted in the foreground, are removed from a dependent that still has
//   a live owner.
// - An owner with the "foregroundDeletion" finalizer (DELETE with
//   propagationPolicy Foreground) gets every dependent deleted (Foreground
//   when that dependent has dependents of its own); the finalizer is
//   removed once no dependent with blockOwnerDeletion remains, after which
//   the API server removes the owner. A dependent being deleted in the
//   foreground itself keeps its owner waiting.
// - An owner with the "orphan" finalizer (propagationPolicy Orphan) has
//   its ownerReferences removed from every dependent, then the finalizer.
// With the API server's handling of DELETE (Background and the default:
// the owner goes at once; Foreground/Orphan: the finalizers above), this
// gives `kubectl delete --cascade=background|foreground|orphan`.
//
// Lifetime: client and clock must outlive the collector. start() once;
// stop() (also the destructor) stops informers and workers; once it
// returns nothing of the collector runs.
class GarbageCollector final
{
public:
    using Options = GarbageCollectorOptions;

    GarbageCollector(client::Client &client, const Clock &clock, Options options = {});
    ~GarbageCollector();
    GarbageCollector(const GarbageCollector &) = delete;
    GarbageCollector &operator=(const GarbageCollector &) = delete;

    void start();
    void stop();

private:
    struct Monitor
    {
        const api::KindInfo *kind = nullptr;
        std::unique_ptr<client::Informer> informer;
    };
    struct Dependent
    {
        size_t monitor = 0;
        client::ObjectPtr object;
    };
    enum class OwnerState { Solid, Dangling, WaitingForDependents };

    Status sync(const std::string &key);
    Status processDeletingOwner(const Monitor &monitor, const client::ObjectPtr &owner);
    Status collectIfOrphaned(const Monitor &monitor, const client::ObjectPtr &item);
    Result<OwnerState>
    ownerState(const k8s::io::apimachinery::pkg::apis::meta::v1::ObjectMeta &dependent,
               const k8s::io::apimachinery::pkg::apis::meta::v1::OwnerReference &ref);
    Status removeFinalizer(const Monitor &monitor, const client::ObjectPtr &object,
                           const std::string &finalizer);
    Status removeOwnerReferences(const Monitor &monitor, const client::ObjectPtr &object,
                                 const std::vector<std::string> &uids);
    std::vector<Dependent> dependentsOf(const std::string &uid) const;
    const Monitor *monitorFor(const api::KindInfo &kind) const;

    void enqueue(size_t monitor, const client::ObjectPtr &object);
    void enqueueDependents(const std::string &uid);
    void enqueueOwners(const client::ObjectPtr &object);
    bool waitForCaches();

    client::Client &m_client;
    const Clock &m_clock;
    const Options m_options;
    client::WorkQueue m_queue;
    std::vector<Monitor> m_monitors; // constant after construction
    WorkerPool m_workers;
    std::atomic<bool> m_started{false};
    std::atomic<bool> m_stopped{false};
};

} // namespace kubist::controllers
