#include "backend/controllers/replicaset/replicasetcontroller.h"

#include "backend/api/annotations.h"
#include "backend/api/labelselector.h"
#include "backend/api/scheme.h"
#include "backend/client/objectkey.h"
#include "backend/controllers/common/podutil.h"
#include "backend/controllers/replicaset/podranking.h"
#include "backend/controllers/replicaset/slowstart.h"
#include "backend/util/log.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"

#include <algorithm>

namespace kubist::controllers {

namespace apps = k8s::io::api::apps::v1;
namespace core = k8s::io::api::core::v1;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;

namespace {

constexpr const char kComponent[] = "replicaset-controller";

const api::KindInfo &kindOf(const google::protobuf::Descriptor *d)
{
    return *api::Scheme::builtin().byDescriptor(d);
}

Result<api::LabelSelector> selectorOf(const apps::ReplicaSet &rs)
{
    return api::LabelSelector::fromProto(rs.spec().has_selector() ? &rs.spec().selector()
                                                                  : nullptr);
}

meta::Time timeOf(Clock::Time t)
{
    meta::Time out;
    out.set_seconds(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
    return out;
}

bool sameRef(const meta::OwnerReference *a, const meta::OwnerReference *b)
{
    if (!a || !b)
        return a == b;
    return a->uid() == b->uid() && a->name() == b->name() && a->kind() == b->kind();
}

} // namespace

ReplicaSetController::ReplicaSetController(client::Client &client, const Clock &clock,
                                           Options options)
    : m_client(client)
    , m_clock(clock)
    , m_options(options)
    , m_recorder(client, clock, kComponent)
    , m_expectations(clock, options.expectationsTimeout)
    , m_queue(clock, client::WorkQueue::Options{"replicaset", {}, nullptr})
    , m_workers(
          m_queue, [this](const std::string &key) { return sync(key); }, options.workers,
          kComponent)
{
    client::Informer::Options rsOptions;
    rsOptions.name = "replicaset-controller/replicasets";
    m_rsInformer = std::make_unique<client::Informer>(
        client, kindOf(apps::ReplicaSet::descriptor()), clock, rsOptions);
    client::Informer::Options podOptions;
    podOptions.name = "replicaset-controller/pods";
    m_podInformer = std::make_unique<client::Informer>(client, kindOf(core::Pod::descriptor()),
                                                       clock, podOptions);

    (void)m_rsInformer->addIndex(client::kNamespaceIndex, client::namespaceIndexFunc());
    (void)m_podInformer->addIndex(client::kNamespaceIndex, client::namespaceIndexFunc());
    (void)m_podInformer->addIndex(client::kControllerUidIndex, client::controllerUidIndexFunc());

    m_rsInformer->addEventHandler(client::Informer::Handlers{
        [this](const client::ObjectPtr &o) { enqueue(static_cast<const ReplicaSet &>(*o)); },
        [this](const client::ObjectPtr &, const client::ObjectPtr &o) {
            enqueue(static_cast<const ReplicaSet &>(*o));
        },
        [this](const client::ObjectPtr &o) {
            const std::string key = client::objectKey(*o);
            m_expectations.remove(key);
            m_queue.add(key);
        }});
    m_podInformer->addEventHandler(client::Informer::Handlers{
        [this](const client::ObjectPtr &o) { onPodAdded(o); },
        [this](const client::ObjectPtr &o, const client::ObjectPtr &n) { onPodUpdated(o, n); },
        [this](const client::ObjectPtr &o) { onPodDeleted(o); }});
}

ReplicaSetController::~ReplicaSetController()
{
    stop();
}

void ReplicaSetController::start()
{
    if (m_started.exchange(true) || m_stopping.load())
        return;
    m_rsInformer->start();
    m_podInformer->start();
    m_workers.start();
}

void ReplicaSetController::stop()
{
    m_stopping.store(true);
    m_rsInformer->stop();
    m_podInformer->stop();
    m_workers.stop(); // shuts the queue down and joins the workers
}

// ---- event handlers: they only enqueue keys and note expectations ----

void ReplicaSetController::enqueue(const ReplicaSet &rs)
{
    m_queue.add(client::objectKey(rs));
}

std::shared_ptr<const apps::ReplicaSet> ReplicaSetController::resolveOwner(const Pod &pod) const
{
    const meta::OwnerReference *ref = controllerOf(pod.metadata());
    if (!ref || ref->kind() != "ReplicaSet")
        return nullptr;
    client::ObjectPtr obj =
        m_rsInformer->indexer().get(client::objectKey(pod.metadata().namespace_(), ref->name()));
    if (!obj)
        return nullptr;
    auto rs = std::static_pointer_cast<const ReplicaSet>(obj);
    return rs->metadata().uid() == ref->uid() ? rs : nullptr;
}

std::vector<std::shared_ptr<const apps::ReplicaSet>>
ReplicaSetController::replicaSetsSelecting(const Pod &pod) const
{
    std::vector<std::shared_ptr<const ReplicaSet>> out;
    if (pod.metadata().labels().empty())
        return out;
    for (const client::ObjectPtr &obj :
         m_rsInformer->indexer().byIndex(client::kNamespaceIndex, pod.metadata().namespace_())) {
        auto rs = std::static_pointer_cast<const ReplicaSet>(obj);
        Result<api::LabelSelector> sel = selectorOf(*rs);
        // A nil or empty selector matches nothing here, as upstream.
        if (!sel || sel->isEmpty() || sel->isNothing() || !sel->matches(pod.metadata().labels()))
            continue;
        out.push_back(std::move(rs));
    }
    return out;
}

void ReplicaSetController::onPodAdded(const client::ObjectPtr &obj)
{
    const auto &pod = static_cast<const Pod &>(*obj);
    if (pod.metadata().has_deletion_timestamp()) {
        // Seen for the first time already being deleted (e.g. after a
        // restart): not a creation to observe.
        onPodDeleted(obj);
        return;
    }
    if (controllerOf(pod.metadata())) {
        if (auto rs = resolveOwner(pod)) {
            const std::string key = client::objectKey(*rs);
            m_expectations.creationObserved(key);
            m_queue.add(key);
        }
        return;
    }
    for (const auto &rs : replicaSetsSelecting(pod))
        enqueue(*rs);
}

void ReplicaSetController::onPodUpdated(const client::ObjectPtr &oldObj,
                                        const client::ObjectPtr &newObj)
{
    const auto &oldPod = static_cast<const Pod &>(*oldObj);
    const auto &pod = static_cast<const Pod &>(*newObj);
    if (oldPod.metadata().resource_version() == pod.metadata().resource_version())
        return;
    const bool labelsChanged = !std::equal(
        oldPod.metadata().labels().begin(), oldPod.metadata().labels().end(),
        pod.metadata().labels().begin(), pod.metadata().labels().end(),
        [](const auto &a, const auto &b) { return a.first == b.first && a.second == b.second; });
    const bool sizesDiffer = oldPod.metadata().labels().size() != pod.metadata().labels().size();
    const bool labelChanged = labelsChanged || sizesDiffer;
    if (pod.metadata().has_deletion_timestamp()) {
        onPodDeleted(newObj);
        if (labelChanged)
            onPodDeleted(oldObj);
        return;
    }
    const meta::OwnerReference *oldRef = controllerOf(oldPod.metadata());
    const meta::OwnerReference *newRef = controllerOf(pod.metadata());
    const bool refChanged = !sameRef(oldRef, newRef);
    if (refChanged && oldRef) {
        if (auto rs = resolveOwner(oldPod))
            enqueue(*rs);
    }
    if (newRef) {
        if (auto rs = resolveOwner(pod)) {
            enqueue(*rs);
            const int32_t minReady = rs->spec().min_ready_seconds();
            if (minReady > 0 && !isPodReady(oldPod) && isPodReady(pod))
                m_queue.addAfter(client::objectKey(*rs),
                                 std::chrono::seconds(minReady) + std::chrono::seconds(1));
        }
        return;
    }
    if (labelChanged || refChanged)
        for (const auto &rs : replicaSetsSelecting(pod))
            enqueue(*rs);
}

void ReplicaSetController::onPodDeleted(const client::ObjectPtr &obj)
{
    const auto &pod = static_cast<const Pod &>(*obj);
    if (auto rs = resolveOwner(pod)) {
        const std::string key = client::objectKey(*rs);
        m_expectations.deletionObserved(key, client::objectKey(pod));
        m_queue.add(key);
    }
}

// ---- sync ----

Status ReplicaSetController::sync(const std::string &key)
{
    // Never act on a half-filled cache: wait for both first lists.
    while (!m_rsInformer->hasSynced() || !m_podInformer->hasSynced()) {
        if (m_stopping.load() || m_queue.isShuttingDown())
            return Status::ok();
        m_rsInformer->waitForSync(std::chrono::milliseconds(50));
        m_podInformer->waitForSync(std::chrono::milliseconds(50));
    }
    return syncReplicaSet(key);
}

Status ReplicaSetController::syncReplicaSet(const std::string &key)
{
    client::ObjectPtr obj = m_rsInformer->indexer().get(key);
    if (!obj) {
        m_expectations.remove(key);
        return Status::ok();
    }
    const auto rs = std::static_pointer_cast<const ReplicaSet>(obj);
    const bool needsSync = m_expectations.satisfied(key);

    // The pods it controls and the orphans it may adopt; pods of other
    // controllers are not its business (claimPods would skip them).
    PodList active;
    for (const std::string &value :
         {rs->metadata().uid(), client::orphansIn(rs->metadata().namespace_())}) {
        for (const client::ObjectPtr &p :
             m_podInformer->indexer().byIndex(client::kControllerUidIndex, value)) {
            auto pod = std::static_pointer_cast<const Pod>(p);
            if (pod->metadata().namespace_() == rs->metadata().namespace_() && isPodActive(*pod))
                active.push_back(std::move(pod));
        }
    }
    Result<PodList> owned = claimPods(*rs, active);
    if (!owned)
        return owned.status();

    const int diff = static_cast<int>(owned->size()) - rs->spec().replicas();
    Status manageError;
    if (needsSync && !rs->metadata().has_deletion_timestamp())
        manageError = manageReplicas(*rs, *owned, key);

    const Status statusError = updateStatus(*rs, *owned, manageError, diff);
    if (!statusError)
        return statusError;

    if (manageError.isOk() && rs->spec().min_ready_seconds() > 0) {
        int ready = 0;
        int available = 0;
        for (const auto &pod : *owned) {
            if (isPodReady(*pod)) {
                ++ready;
                if (isPodAvailable(*pod, rs->spec().min_ready_seconds(), m_clock.now()))
                    ++available;
            }
        }
        if (ready == rs->spec().replicas() && available != rs->spec().replicas())
            m_queue.addAfter(key, std::chrono::seconds(rs->spec().min_ready_seconds()));
    }
    return manageError;
}

Result<ReplicaSetController::PodList> ReplicaSetController::claimPods(const ReplicaSet &rs,
                                                                      const PodList &activePods)
{
    Result<api::LabelSelector> sel = selectorOf(rs);
    if (!sel) {
        logWarning(kComponent, "ReplicaSet " + client::objectKey(rs) +
                                   " has an invalid selector: " + sel.status().message());
        return PodList{}; // not retried: a new spec brings a new sync
    }
    const bool rsDeleting = rs.metadata().has_deletion_timestamp();
    const api::KindInfo &podKind = kindOf(core::Pod::descriptor());
    PodList owned;
    Status firstError;
    bool adoptionChecked = false;
    Status canAdopt;
    for (const auto &pod : activePods) {
        const meta::OwnerReference *ref = controllerOf(pod->metadata());
        const bool matches = sel->matches(pod->metadata().labels());
        if (ref) {
            if (ref->uid() != rs.metadata().uid())
                continue;
            if (matches) {
                owned.push_back(pod);
                continue;
            }
            if (rsDeleting)
                continue;
            // Owned, but the selector no longer matches: release it.
            core::Pod copy(*pod);
            auto *refs = copy.mutable_metadata()->mutable_owner_references();
            refs->erase(std::remove_if(refs->begin(), refs->end(),
                                       [&](const meta::OwnerReference &r) {
                                           return r.uid() == rs.metadata().uid();
                                       }),
                        refs->end());
            Result<client::ObjectPtr> r =
                m_client.update(podKind, copy.metadata().namespace_(), copy);
            if (!r && r.status().code() != Status::Code::NotFound && firstError.isOk())
                firstError = r.status().withContext("releasing pod " + client::objectKey(*pod));
            continue;
        }
        if (rsDeleting || !matches || sel->isEmpty() || pod->metadata().has_deletion_timestamp())
            continue;
        if (!adoptionChecked) {
            // As upstream, recheck with a live read that the ReplicaSet is
            // still the one the cache shows before adopting anything.
            adoptionChecked = true;
            Result<client::ObjectPtr> fresh =
                m_client.get(kindOf(apps::ReplicaSet::descriptor()), rs.metadata().namespace_(),
                             rs.metadata().name());
            if (!fresh) {
                canAdopt = fresh.status();
            } else {
                const meta::ObjectMeta &m = client::objectMeta(**fresh);
                if (m.uid() != rs.metadata().uid())
                    canAdopt = Status::conflict("original ReplicaSet " + client::objectKey(rs) +
                                                " is gone");
                else if (m.has_deletion_timestamp())
                    canAdopt = Status::conflict(client::objectKey(rs) + " has just been deleted");
            }
        }
        if (!canAdopt) {
            if (firstError.isOk())
                firstError = canAdopt;
            continue;
        }
        core::Pod copy(*pod);
        auto *refs = copy.mutable_metadata()->mutable_owner_references();
        refs->erase(std::remove_if(refs->begin(), refs->end(),
                                   [&](const meta::OwnerReference &r) {
                                       return r.uid() == rs.metadata().uid();
                                   }),
                    refs->end());
        *refs->Add() = makeControllerRef(rs);
        Result<client::ObjectPtr> r = m_client.update(podKind, copy.metadata().namespace_(), copy);
        if (r) {
            owned.push_back(std::static_pointer_cast<const Pod>(*r));
        } else if (r.status().code() != Status::Code::NotFound && firstError.isOk()) {
            firstError = r.status().withContext("adopting pod " + client::objectKey(*pod));
        }
    }
    if (!firstError)
        return firstError;
    return owned;
}

Status ReplicaSetController::manageReplicas(const ReplicaSet &rs, const PodList &pods,
                                            const std::string &key)
{
    const int diff = static_cast<int>(pods.size()) - rs.spec().replicas();
    if (diff < 0) {
        const int count = std::min(-diff, m_options.burstReplicas);
        return createPods(rs, count, key);
    }
    if (diff > 0) {
        const int count = std::min(diff, m_options.burstReplicas);
        PodList sorted = pods;
        sortPodsForDeletion(sorted, relatedPods(rs, pods), m_clock.now());
        sorted.resize(static_cast<size_t>(count));
        return deletePods(rs, sorted, key);
    }
    return Status::ok();
}

Status ReplicaSetController::createPods(const ReplicaSet &rs, int count, const std::string &key)
{
    m_expectations.expectCreations(key, count);
    const core::PodTemplateSpec &tmpl = rs.spec().template_();
    core::Pod pod;
    meta::ObjectMeta *m = pod.mutable_metadata();
    *m->mutable_labels() = tmpl.metadata().labels();
    *m->mutable_annotations() = tmpl.metadata().annotations();
    *m->mutable_finalizers() = tmpl.metadata().finalizers();
    m->set_namespace_(rs.metadata().namespace_());
    m->set_generate_name(rs.metadata().name() + "-");
    *m->add_owner_references() = makeControllerRef(rs);
    *pod.mutable_spec() = tmpl.spec();
    const api::KindInfo &podKind = kindOf(core::Pod::descriptor());
    // A one-shot placement intent (a pod move) goes to the first new pod.
    std::string intent;
    if (const auto it = rs.metadata().annotations().find(api::kPlaceNextPodOn);
        it != rs.metadata().annotations().end())
        intent = it->second;
    std::atomic<bool> intentTaken{false};

    // Slow start: batches of 1, 2, 4, ...; a batch with a failure ends it,
    // so a quota or admission error costs a few requests, not `count`.
    const SlowStartResult result =
        slowStartBatch(count, m_options.slowStartInitialBatchSize, [&]() -> Status {
            // (Calls run in parallel: the intent goes to the first only.)
            const bool withIntent = !intent.empty() && !intentTaken.exchange(true);
            core::Pod next = pod;
            if (withIntent)
                (*next.mutable_metadata()->mutable_annotations())[api::kPlacementIntent] = intent;
            Result<client::ObjectPtr> r = m_client.create(podKind, m->namespace_(), next);
            if (r && withIntent)
                consumePlacementIntent(rs);
            if (!r) {
                m_recorder.record(rs, "Warning", "FailedCreate",
                                  "Error creating: " + r.status().message());
                return r.status();
            }
            m_recorder.record(rs, "Normal", "SuccessfulCreate",
                              "Created pod: " + client::objectMeta(**r).name());
            return Status::ok();
        });
    // Creations never attempted or failed will not be observed.
    for (int i = result.successes; i < count; ++i)
        m_expectations.creationObserved(key);
    return result.error;
}

void ReplicaSetController::consumePlacementIntent(const ReplicaSet &rs)
{
    const std::string patch =
        std::string("{\"metadata\":{\"annotations\":{\"") + api::kPlaceNextPodOn + "\":null}}}";
    Result<client::ObjectPtr> r =
        m_client.patch(kindOf(ReplicaSet::descriptor()), rs.metadata().namespace_(),
                       rs.metadata().name(), client::PatchType::Merge, patch);
    if (!r && r.status().code() != Status::Code::NotFound)
        logWarning("replicaset-controller", "removing the placement intent of " +
                                                client::objectKey(rs) + ": " +
                                                r.status().message());
}

Status ReplicaSetController::deletePods(const ReplicaSet &rs, const PodList &pods,
                                        const std::string &key)
{
    std::vector<std::string> keys;
    for (const auto &p : pods)
        keys.push_back(client::objectKey(*p));
    m_expectations.expectDeletions(key, keys);
    const api::KindInfo &podKind = kindOf(core::Pod::descriptor());
    Status error;
    for (const auto &p : pods) {
        Result<client::ObjectPtr> r =
            m_client.remove(podKind, p->metadata().namespace_(), p->metadata().name());
        if (r) {
            m_recorder.record(rs, "Normal", "SuccessfulDelete",
                              "Deleted pod: " + p->metadata().name());
            continue;
        }
        // A deletion that failed will not be observed.
        m_expectations.deletionObserved(key, client::objectKey(*p));
        if (r.status().code() == Status::Code::NotFound)
            continue;
        m_recorder.record(rs, "Warning", "FailedDelete", "Error deleting: " + r.status().message());
        if (error.isOk())
            error = r.status();
    }
    return error;
}

ReplicaSetController::PodList ReplicaSetController::relatedPods(const ReplicaSet &rs,
                                                                const PodList &own) const
{
    const meta::OwnerReference *ref = controllerOf(rs.metadata());
    if (!ref)
        return own;
    PodList out;
    for (const client::ObjectPtr &obj :
         m_rsInformer->indexer().byIndex(client::kNamespaceIndex, rs.metadata().namespace_())) {
        const meta::OwnerReference *other = controllerOf(client::objectMeta(*obj));
        if (!other || other->uid() != ref->uid())
            continue;
        for (const client::ObjectPtr &p : m_podInformer->indexer().byIndex(
                 client::kControllerUidIndex, client::objectMeta(*obj).uid()))
            out.push_back(std::static_pointer_cast<const Pod>(p));
    }
    return out;
}

Status ReplicaSetController::updateStatus(const ReplicaSet &rs, const PodList &pods,
                                          const Status &manageError, int diff)
{
    apps::ReplicaSetStatus status(rs.status());
    int32_t fullyLabeled = 0;
    int32_t ready = 0;
    int32_t available = 0;
    const auto &templateLabels = rs.spec().template_().metadata().labels();
    const Clock::Time now = m_clock.now();
    for (const auto &pod : pods) {
        const auto &labels = pod->metadata().labels();
        bool all = true;
        for (const auto &[k, v] : templateLabels) {
            const auto it = labels.find(k);
            all = all && it != labels.end() && it->second == v;
        }
        if (all)
            ++fullyLabeled;
        if (isPodReady(*pod)) {
            ++ready;
            if (isPodAvailable(*pod, rs.spec().min_ready_seconds(), now))
                ++available;
        }
    }
    status.set_replicas(static_cast<int32_t>(pods.size()));
    status.set_fully_labeled_replicas(fullyLabeled);
    status.set_ready_replicas(ready);
    status.set_available_replicas(available);

    auto *conds = status.mutable_conditions();
    const auto failure = std::find_if(conds->begin(), conds->end(),
                                      [](const auto &c) { return c.type() == "ReplicaFailure"; });
    if (!manageError.isOk() && failure == conds->end()) {
        apps::ReplicaSetCondition *c = conds->Add();
        c->set_type("ReplicaFailure");
        c->set_status("True");
        c->set_reason(diff < 0 ? "FailedCreate" : (diff > 0 ? "FailedDelete" : ""));
        c->set_message(manageError.message());
        *c->mutable_last_transition_time() = timeOf(now);
    } else if (manageError.isOk() && failure != conds->end()) {
        conds->erase(failure);
    }

    const apps::ReplicaSetStatus &old = rs.status();
    bool conditionsEqual = old.conditions_size() == status.conditions_size();
    for (int i = 0; conditionsEqual && i < old.conditions_size(); ++i)
        conditionsEqual =
            old.conditions(i).SerializeAsString() == status.conditions(i).SerializeAsString();
    if (old.replicas() == status.replicas() &&
        old.fully_labeled_replicas() == status.fully_labeled_replicas() &&
        old.ready_replicas() == status.ready_replicas() &&
        old.available_replicas() == status.available_replicas() &&
        rs.metadata().generation() == old.observed_generation() && conditionsEqual)
        return Status::ok();

    status.set_observed_generation(rs.metadata().generation());
    ReplicaSet copy(rs);
    *copy.mutable_status() = status;
    client::WriteOptions o;
    o.subresource = "status";
    const api::KindInfo &kind = kindOf(apps::ReplicaSet::descriptor());
    Result<client::ObjectPtr> r = m_client.update(kind, rs.metadata().namespace_(), copy, o);
    if (!r && r.status().code() == Status::Code::Conflict) {
        // Our cache lags behind (often our own last status write): retry
        // once on the latest version, as upstream's statusUpdateRetries.
        Result<client::ObjectPtr> fresh =
            m_client.get(kind, rs.metadata().namespace_(), rs.metadata().name());
        if (!fresh)
            return fresh.status().code() == Status::Code::NotFound ? Status::ok() : fresh.status();
        copy.CopyFrom(**fresh);
        *copy.mutable_status() = status;
        r = m_client.update(kind, rs.metadata().namespace_(), copy, o);
    }
    if (!r && r.status().code() != Status::Code::NotFound)
        return r.status();
    return Status::ok();
}

} // namespace kubist::controllers
