#include "backend/controllers/garbagecollector/garbagecollector.h"

#include "backend/api/scheme.h"
#include "backend/client/objectkey.h"
#include "backend/util/log.h"

#include "meta_v1.pb.h"

#include <google/protobuf/message.h>

#include <algorithm>
#include <chrono>

namespace kubist::controllers {

namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;

namespace {

constexpr const char kComponent[] = "garbage-collector-controller";
constexpr const char kUidIndex[] = "uid";
constexpr const char kOwnerUidIndex[] = "ownerUid";
constexpr const char kForeground[] = "foregroundDeletion";
constexpr const char kOrphan[] = "orphan";

client::WorkQueue::Options queueOptions()
{
    client::WorkQueue::Options o;
    o.name = "garbagecollector";
    return o;
}

bool hasVerb(const api::KindInfo &kind, const std::string &verb)
{
    return std::find(kind.verbs.begin(), kind.verbs.end(), verb) != kind.verbs.end();
}

bool hasFinalizer(const meta::ObjectMeta &md, const std::string &finalizer)
{
    return std::find(md.finalizers().begin(), md.finalizers().end(), finalizer) !=
           md.finalizers().end();
}

std::unique_ptr<google::protobuf::Message> copyOf(const google::protobuf::Message &object)
{
    std::unique_ptr<google::protobuf::Message> copy(object.New());
    copy->CopyFrom(object);
    return copy;
}

} // namespace

GarbageCollector::GarbageCollector(client::Client &client, const Clock &clock, Options options)
    : m_client(client)
    , m_clock(clock)
    , m_options(options)
    , m_queue(clock, queueOptions())
    , m_workers(
          m_queue, [this](const std::string &key) { return sync(key); },
          std::max(1, options.workers), kComponent)
{
    for (const api::KindInfo &kind : api::Scheme::builtin().kinds()) {
        if (kind.resource.empty() || kind.subresourceOnly || !kind.listDescriptor)
            continue;
        if (!hasVerb(kind, "list") || !hasVerb(kind, "watch") || !hasVerb(kind, "delete"))
            continue;
        if ((kind.group.empty() && kind.kind == "Event") ||
            (kind.group == "coordination.k8s.io" && kind.kind == "Lease"))
            continue;
        Monitor m;
        m.kind = &kind;
        m.informer = std::make_unique<client::Informer>(client, kind, clock);
        m.informer->addIndex(kUidIndex, [](const google::protobuf::Message &o) {
            return std::vector<std::string>{client::objectMeta(o).uid()};
        });
        m.informer->addIndex(kOwnerUidIndex, [](const google::protobuf::Message &o) {
            std::vector<std::string> out;
            for (const meta::OwnerReference &r : client::objectMeta(o).owner_references())
                out.push_back(r.uid());
            return out;
        });
        const size_t index = m_monitors.size();
        m.informer->addEventHandler(
            {[this, index](const client::ObjectPtr &o) { enqueue(index, o); },
             [this, index](const client::ObjectPtr &old, const client::ObjectPtr &o) {
                 enqueue(index, o);
                 const meta::ObjectMeta &om = client::objectMeta(*old);
                 const meta::ObjectMeta &nm = client::objectMeta(*o);
                 // Owners learn about dependents that changed; dependents
                 // about an owner whose deletion began.
                 enqueueOwners(old);
                 enqueueOwners(o);
                 if (om.has_deletion_timestamp() != nm.has_deletion_timestamp() ||
                     om.finalizers_size() != nm.finalizers_size())
                     enqueueDependents(nm.uid());
             },
             [this](const client::ObjectPtr &o) {
                 enqueueDependents(client::objectMeta(*o).uid());
                 enqueueOwners(o);
             }});
        m_monitors.push_back(std::move(m));
    }
}

GarbageCollector::~GarbageCollector()
{
    stop();
}

void GarbageCollector::start()
{
    if (m_started.exchange(true))
        return;
    for (Monitor &m : m_monitors)
        m.informer->start();
    m_workers.start();
}

void GarbageCollector::stop()
{
    if (m_stopped.exchange(true))
        return;
    for (Monitor &m : m_monitors)
        m.informer->stop();
    m_queue.shutDown();
    m_workers.stop();
}

bool GarbageCollector::waitForCaches()
{
    for (const Monitor &m : m_monitors)
        if (!m.informer->waitForSync(std::chrono::seconds(30)))
            return false;
    return true;
}

void GarbageCollector::enqueue(size_t monitor, const client::ObjectPtr &object)
{
    const meta::ObjectMeta &md = client::objectMeta(*object);
    // Only objects with owners, or owners being deleted, have anything to do.
    if (md.owner_references_size() == 0 && !md.has_deletion_timestamp())
        return;
    m_queue.add(std::to_string(monitor) + "|" + client::objectKey(*object));
}

void GarbageCollector::enqueueDependents(const std::string &uid)
{
    for (size_t i = 0; i < m_monitors.size(); ++i)
        for (const std::string &key :
             m_monitors[i].informer->indexer().indexKeys(kOwnerUidIndex, uid))
            m_queue.add(std::to_string(i) + "|" + key);
}

void GarbageCollector::enqueueOwners(const client::ObjectPtr &object)
{
    for (const meta::OwnerReference &ref : client::objectMeta(*object).owner_references())
        for (size_t i = 0; i < m_monitors.size(); ++i)
            for (const std::string &key :
                 m_monitors[i].informer->indexer().indexKeys(kUidIndex, ref.uid()))
                m_queue.add(std::to_string(i) + "|" + key);
}

std::vector<GarbageCollector::Dependent>
GarbageCollector::dependentsOf(const std::string &uid) const
{
    std::vector<Dependent> out;
    for (size_t i = 0; i < m_monitors.size(); ++i)
        for (const client::ObjectPtr &o :
             m_monitors[i].informer->indexer().byIndex(kOwnerUidIndex, uid))
            out.push_back({i, o});
    return out;
}

const GarbageCollector::Monitor *GarbageCollector::monitorFor(const api::KindInfo &kind) const
{
    for (const Monitor &m : m_monitors)
        if (m.kind == &kind)
            return &m;
    return nullptr;
}

Status GarbageCollector::sync(const std::string &key)
{
    if (!waitForCaches())
        return Status::unavailable("caches not synced");
    const size_t bar = key.find('|');
    const size_t index = std::stoul(key.substr(0, bar));
    const Monitor &monitor = m_monitors.at(index);
    const client::ObjectPtr item = monitor.informer->indexer().get(key.substr(bar + 1));
    if (!item)
        return {};
    const meta::ObjectMeta &md = client::objectMeta(*item);
    if (md.has_deletion_timestamp())
        return processDeletingOwner(monitor, item);
    return collectIfOrphaned(monitor, item);
}

Status GarbageCollector::processDeletingOwner(const Monitor &monitor,
                                              const client::ObjectPtr &owner)
{
    const meta::ObjectMeta &md = client::objectMeta(*owner);
    const std::vector<Dependent> dependents = dependentsOf(md.uid());
    if (hasFinalizer(md, kOrphan)) {
        for (const Dependent &d : dependents)
            if (Status s = removeOwnerReferences(m_monitors[d.monitor], d.object, {md.uid()}); !s)
                return s;
        return removeFinalizer(monitor, owner, kOrphan);
    }
    if (!hasFinalizer(md, kForeground))
        return {};

    bool blocked = false;
    for (const Dependent &d : dependents) {
        const meta::ObjectMeta &dm = client::objectMeta(*d.object);
        for (const meta::OwnerReference &r : dm.owner_references())
            if (r.uid() == md.uid() && r.block_owner_deletion())
                blocked = true;
        if (dm.has_deletion_timestamp())
            continue;
        client::DeleteOptions o;
        o.preconditionUid = dm.uid();
        o.propagationPolicy = dependentsOf(dm.uid()).empty() ? "Background" : "Foreground";
        const api::KindInfo &kind = *m_monitors[d.monitor].kind;
        Result<client::ObjectPtr> r = m_client.remove(kind, dm.namespace_(), dm.name(), o);
        if (!r && r.status().code() != Status::Code::NotFound &&
            r.status().code() != Status::Code::Conflict)
            return r.status();
        logInfo(kComponent, "deleting " + kind.kind + " " + client::objectKey(*d.object) +
                                " (owner " + md.name() + " is deleted in the foreground)");
    }
    if (blocked)
        return {}; // the dependents' deletions enqueue this owner again
    return removeFinalizer(monitor, owner, kForeground);
}

Result<GarbageCollector::OwnerState> GarbageCollector::ownerState(const meta::ObjectMeta &dependent,
                                                                  const meta::OwnerReference &ref)
{
    const api::KindInfo *kind = api::Scheme::builtin().byKind(ref.api_version(), ref.kind());
    if (!kind)
        return OwnerState::Solid; // a kind we cannot look up: leave the dependent alone
    const std::string ns = kind->namespaced ? dependent.namespace_() : std::string();
    client::ObjectPtr owner;
    if (const Monitor *m = monitorFor(*kind))
        owner = m->informer->indexer().get(client::objectKey(ns, ref.name()));
    if (!owner || client::objectMeta(*owner).uid() != ref.uid()) {
        // Not in the cache (or another incarnation): ask the server.
        Result<client::ObjectPtr> live = m_client.get(*kind, ns, ref.name());
        if (!live) {
            if (live.status().code() == Status::Code::NotFound)
                return OwnerState::Dangling;
            return live.status();
        }
        owner = *live;
        if (client::objectMeta(*owner).uid() != ref.uid())
            return OwnerState::Dangling;
    }
    const meta::ObjectMeta &om = client::objectMeta(*owner);
    if (om.has_deletion_timestamp() && hasFinalizer(om, kForeground))
        return OwnerState::WaitingForDependents;
    return OwnerState::Solid;
}

Status GarbageCollector::collectIfOrphaned(const Monitor &monitor, const client::ObjectPtr &item)
{
    const meta::ObjectMeta &md = client::objectMeta(*item);
    if (md.owner_references_size() == 0)
        return {};
    std::vector<std::string> solid;
    std::vector<std::string> stale; // dangling or waiting for dependents
    bool waiting = false;
    for (const meta::OwnerReference &ref : md.owner_references()) {
        Result<OwnerState> state = ownerState(md, ref);
        if (!state)
            return state.status();
        if (*state == OwnerState::Solid)
            solid.push_back(ref.uid());
        else
            stale.push_back(ref.uid());
        waiting = waiting || *state == OwnerState::WaitingForDependents;
    }
    if (!solid.empty()) {
        if (stale.empty())
            return {};
        return removeOwnerReferences(monitor, item, stale);
    }

    client::DeleteOptions o;
    o.preconditionUid = md.uid();
    // The decision was made on this copy's owner references; if the object changed since (an
    // owner orphaned it and took its reference away), the delete is refused with Conflict and
    // the newer copy arrives through the informer to be judged again.
    o.preconditionResourceVersion = md.resource_version();
    o.propagationPolicy = "Background";
    if (hasFinalizer(md, kOrphan))
        o.propagationPolicy = "Orphan";
    if (hasFinalizer(md, kForeground) || (waiting && !dependentsOf(md.uid()).empty()))
        o.propagationPolicy = "Foreground";
    logInfo(kComponent, "deleting " + monitor.kind->kind + " " + client::objectKey(*item) +
                            ": its owners are gone (propagation " + o.propagationPolicy + ")");
    Result<client::ObjectPtr> r = m_client.remove(*monitor.kind, md.namespace_(), md.name(), o);
    if (!r && r.status().code() != Status::Code::NotFound &&
        r.status().code() != Status::Code::Conflict)
        return r.status();
    return {};
}

Status GarbageCollector::removeFinalizer(const Monitor &monitor, const client::ObjectPtr &object,
                                         const std::string &finalizer)
{
    std::unique_ptr<google::protobuf::Message> copy = copyOf(*object);
    auto *finalizers = client::mutableObjectMeta(*copy)->mutable_finalizers();
    finalizers->erase(std::remove(finalizers->begin(), finalizers->end(), finalizer),
                      finalizers->end());
    const meta::ObjectMeta &md = client::objectMeta(*object);
    Result<client::ObjectPtr> r = m_client.update(*monitor.kind, md.namespace_(), *copy);
    if (!r && r.status().code() != Status::Code::NotFound)
        return r.status(); // a Conflict: the newer object comes through the informer
    return {};
}

Status GarbageCollector::removeOwnerReferences(const Monitor &monitor,
                                               const client::ObjectPtr &object,
                                               const std::vector<std::string> &uids)
{
    std::unique_ptr<google::protobuf::Message> copy = copyOf(*object);
    auto *refs = client::mutableObjectMeta(*copy)->mutable_owner_references();
    const int before = refs->size();
    refs->erase(std::remove_if(refs->begin(), refs->end(),
                               [&](const meta::OwnerReference &r) {
                                   return std::find(uids.begin(), uids.end(), r.uid()) !=
                                          uids.end();
                               }),
                refs->end());
    if (refs->size() == before)
        return {};
    const meta::ObjectMeta &md = client::objectMeta(*object);
    Result<client::ObjectPtr> r = m_client.update(*monitor.kind, md.namespace_(), *copy);
    if (!r && r.status().code() != Status::Code::NotFound)
        return r.status();
    return {};
}

} // namespace kubist::controllers
