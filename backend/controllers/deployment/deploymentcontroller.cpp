#include "backend/controllers/deployment/deploymentcontroller.h"

#include "backend/api/labelselector.h"
#include "backend/api/scheme.h"
#include "backend/client/objectkey.h"
#include "backend/controllers/common/podutil.h"
#include "backend/controllers/deployment/deploymentutil.h"
#include "backend/util/log.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"

#include <algorithm>
#include <cmath>

namespace kubist::controllers {

namespace apps = k8s::io::api::apps::v1;
namespace core = k8s::io::api::core::v1;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;
namespace du = deploymentutil;

namespace {

constexpr const char kComponent[] = "deployment-controller";

const api::KindInfo &kindOf(const google::protobuf::Descriptor *d)
{
    return *api::Scheme::builtin().byDescriptor(d);
}

const api::KindInfo &rsKind()
{
    return kindOf(apps::ReplicaSet::descriptor());
}

const api::KindInfo &deploymentKind()
{
    return kindOf(apps::Deployment::descriptor());
}

Result<api::LabelSelector> selectorOf(const apps::Deployment &d)
{
    return api::LabelSelector::fromProto(d.spec().has_selector() ? &d.spec().selector() : nullptr);
}

bool sameRef(const meta::OwnerReference *a, const meta::OwnerReference *b)
{
    if (!a || !b)
        return a == b;
    return a->uid() == b->uid() && a->name() == b->name() && a->kind() == b->kind();
}

// The ReplicaSet of `rsList` whose template matches the Deployment's
// (upstream FindNewReplicaSet: the oldest when several match).
std::shared_ptr<const apps::ReplicaSet>
findNewReplicaSet(const apps::Deployment &d,
                  const std::vector<std::shared_ptr<const apps::ReplicaSet>> &rsList)
{
    std::vector<std::shared_ptr<const apps::ReplicaSet>> sorted = rsList;
    std::sort(sorted.begin(), sorted.end(),
              [](const auto &a, const auto &b) { return du::olderThan(*a, *b); });
    for (const auto &rs : sorted)
        if (du::equalIgnoreHash(rs->spec().template_(), d.spec().template_()))
            return rs;
    return nullptr;
}

void replaceInList(std::vector<std::shared_ptr<const apps::ReplicaSet>> &list,
                   const std::shared_ptr<const apps::ReplicaSet> &updated)
{
    for (auto &rs : list)
        if (rs && rs->metadata().uid() == updated->metadata().uid())
            rs = updated;
}

std::string quoted(const std::string &s)
{
    return "\"" + s + "\"";
}

} // namespace

DeploymentController::DeploymentController(client::Client &client, const Clock &clock,
                                           Options options)
    : m_client(client)
    , m_clock(clock)
    , m_options(options)
    , m_recorder(client, clock, kComponent)
    , m_queue(clock, client::WorkQueue::Options{"deployment", {}, nullptr})
    , m_workers(
          m_queue, [this](const std::string &key) { return sync(key); }, options.workers,
          kComponent)
{
    client::Informer::Options o;
    o.name = "deployment-controller/deployments";
    m_dInformer = std::make_unique<client::Informer>(client, deploymentKind(), clock, o);
    o.name = "deployment-controller/replicasets";
    m_rsInformer = std::make_unique<client::Informer>(client, rsKind(), clock, o);
    o.name = "deployment-controller/pods";
    m_podInformer =
        std::make_unique<client::Informer>(client, kindOf(core::Pod::descriptor()), clock, o);

    (void)m_dInformer->addIndex(client::kNamespaceIndex, client::namespaceIndexFunc());
    (void)m_rsInformer->addIndex(client::kNamespaceIndex, client::namespaceIndexFunc());
    (void)m_podInformer->addIndex(client::kControllerUidIndex, client::controllerUidIndexFunc());

    m_dInformer->addEventHandler(client::Informer::Handlers{
        [this](const client::ObjectPtr &o) { m_queue.add(client::objectKey(*o)); },
        [this](const client::ObjectPtr &, const client::ObjectPtr &o) {
            m_queue.add(client::objectKey(*o));
        },
        [this](const client::ObjectPtr &o) { m_queue.add(client::objectKey(*o)); }});
    m_rsInformer->addEventHandler(
        client::Informer::Handlers{[this](const client::ObjectPtr &o) { onReplicaSetAdded(o); },
                                   [this](const client::ObjectPtr &o, const client::ObjectPtr &n) {
                                       onReplicaSetUpdated(o, n);
                                   },
                                   [this](const client::ObjectPtr &o) { onReplicaSetDeleted(o); }});
    m_podInformer->addEventHandler(client::Informer::Handlers{
        nullptr, nullptr, [this](const client::ObjectPtr &o) { onPodDeleted(o); }});
}

DeploymentController::~DeploymentController()
{
    stop();
}

void DeploymentController::start()
{
    if (m_started.exchange(true) || m_stopping.load())
        return;
    m_dInformer->start();
    m_rsInformer->start();
    m_podInformer->start();
    m_workers.start();
}

void DeploymentController::stop()
{
    m_stopping.store(true);
    m_dInformer->stop();
    m_rsInformer->stop();
    m_podInformer->stop();
    m_workers.stop();
}

// ---- event handlers ----

void DeploymentController::enqueue(const Deployment &d)
{
    m_queue.add(client::objectKey(d));
}

std::shared_ptr<const apps::Deployment>
DeploymentController::resolveOwner(const ReplicaSet &rs) const
{
    const meta::OwnerReference *ref = controllerOf(rs.metadata());
    if (!ref || ref->kind() != "Deployment")
        return nullptr;
    client::ObjectPtr obj =
        m_dInformer->indexer().get(client::objectKey(rs.metadata().namespace_(), ref->name()));
    if (!obj)
        return nullptr;
    auto d = std::static_pointer_cast<const Deployment>(obj);
    return d->metadata().uid() == ref->uid() ? d : nullptr;
}

std::vector<std::shared_ptr<const apps::Deployment>>
DeploymentController::deploymentsSelecting(const ReplicaSet &rs) const
{
    std::vector<std::shared_ptr<const Deployment>> out;
    if (rs.metadata().labels().empty())
        return out;
    for (const client::ObjectPtr &obj :
         m_dInformer->indexer().byIndex(client::kNamespaceIndex, rs.metadata().namespace_())) {
        auto d = std::static_pointer_cast<const Deployment>(obj);
        Result<api::LabelSelector> sel = selectorOf(*d);
        if (!sel || sel->isEmpty() || sel->isNothing() || !sel->matches(rs.metadata().labels()))
            continue;
        out.push_back(std::move(d));
    }
    return out;
}

void DeploymentController::onReplicaSetAdded(const client::ObjectPtr &obj)
{
    const auto &rs = static_cast<const ReplicaSet &>(*obj);
    if (rs.metadata().has_deletion_timestamp()) {
        onReplicaSetDeleted(obj);
        return;
    }
    if (controllerOf(rs.metadata())) {
        if (auto d = resolveOwner(rs))
            enqueue(*d);
        return;
    }
    for (const auto &d : deploymentsSelecting(rs))
        enqueue(*d);
}

void DeploymentController::onReplicaSetUpdated(const client::ObjectPtr &oldObj,
                                               const client::ObjectPtr &newObj)
{
    const auto &oldRS = static_cast<const ReplicaSet &>(*oldObj);
    const auto &rs = static_cast<const ReplicaSet &>(*newObj);
    if (oldRS.metadata().resource_version() == rs.metadata().resource_version())
        return;
    const meta::OwnerReference *oldRef = controllerOf(oldRS.metadata());
    const meta::OwnerReference *newRef = controllerOf(rs.metadata());
    const bool refChanged = !sameRef(oldRef, newRef);
    if (refChanged && oldRef)
        if (auto d = resolveOwner(oldRS))
            enqueue(*d);
    if (newRef) {
        if (auto d = resolveOwner(rs))
            enqueue(*d);
        return;
    }
    if (refChanged || !api::labelsEqual(oldRS.metadata().labels(), rs.metadata().labels()))
        for (const auto &d : deploymentsSelecting(rs))
            enqueue(*d);
}

void DeploymentController::onReplicaSetDeleted(const client::ObjectPtr &obj)
{
    if (auto d = resolveOwner(static_cast<const ReplicaSet &>(*obj)))
        enqueue(*d);
}

void DeploymentController::onPodDeleted(const client::ObjectPtr &obj)
{
    // Only Recreate waits for old pods to be gone (upstream deletePod).
    const auto &pod = static_cast<const Pod &>(*obj);
    const meta::OwnerReference *ref = controllerOf(pod.metadata());
    if (!ref || ref->kind() != "ReplicaSet")
        return;
    client::ObjectPtr rsObj =
        m_rsInformer->indexer().get(client::objectKey(pod.metadata().namespace_(), ref->name()));
    if (!rsObj || client::objectMeta(*rsObj).uid() != ref->uid())
        return;
    auto d = resolveOwner(static_cast<const ReplicaSet &>(*rsObj));
    if (d && d->spec().strategy().type() == "Recreate")
        enqueue(*d);
}

// ---- sync ----

Status DeploymentController::sync(const std::string &key)
{
    while (!m_dInformer->hasSynced() || !m_rsInformer->hasSynced() || !m_podInformer->hasSynced()) {
        if (m_stopping.load() || m_queue.isShuttingDown())
            return Status::ok();
        m_dInformer->waitForSync(std::chrono::milliseconds(50));
        m_rsInformer->waitForSync(std::chrono::milliseconds(50));
        m_podInformer->waitForSync(std::chrono::milliseconds(50));
    }
    return syncDeployment(key);
}

Status DeploymentController::syncDeployment(const std::string &key)
{
    client::ObjectPtr obj = m_dInformer->indexer().get(key);
    if (!obj)
        return Status::ok();
    Deployment d(static_cast<const Deployment &>(*obj));

    const meta::LabelSelector &sel = d.spec().selector();
    if (d.spec().has_selector() && sel.match_labels().empty() && sel.match_expressions().empty()) {
        m_recorder.record(d, "Warning", "SelectingAll",
                          "This deployment is selecting all pods. A non-empty selector is "
                          "required.");
        if (d.status().observed_generation() < d.metadata().generation()) {
            d.mutable_status()->set_observed_generation(d.metadata().generation());
            return writeStatus(d);
        }
        return Status::ok();
    }

    Result<RSList> claimed = claimReplicaSets(d);
    if (!claimed)
        return claimed.status();
    RSList &rsList = *claimed;
    const PodMap pods = podMap(d, rsList);

    if (d.metadata().has_deletion_timestamp())
        return syncStatusOnly(d, rsList);

    if (Status s = checkPausedConditions(d); !s)
        return s;
    if (d.spec().paused())
        return syncScaleOnly(d, rsList);

    Result<bool> scaling = isScalingEvent(d, rsList);
    if (!scaling)
        return scaling.status();
    if (*scaling)
        return syncScaleOnly(d, rsList);

    if (d.spec().strategy().type() == "Recreate")
        return rolloutRecreate(d, rsList, pods);
    return rolloutRolling(d, rsList);
}

Result<DeploymentController::RSList> DeploymentController::claimReplicaSets(const Deployment &d)
{
    Result<api::LabelSelector> sel = selectorOf(d);
    if (!sel) {
        logWarning(kComponent, "Deployment " + client::objectKey(d) +
                                   " has an invalid selector: " + sel.status().message());
        return RSList{};
    }
    const bool deleting = d.metadata().has_deletion_timestamp();
    RSList owned;
    Status firstError;
    bool adoptionChecked = false;
    Status canAdopt;
    for (const client::ObjectPtr &obj :
         m_rsInformer->indexer().byIndex(client::kNamespaceIndex, d.metadata().namespace_())) {
        auto rs = std::static_pointer_cast<const ReplicaSet>(obj);
        const meta::OwnerReference *ref = controllerOf(rs->metadata());
        const bool matches = sel->matches(rs->metadata().labels());
        if (ref) {
            if (ref->uid() != d.metadata().uid())
                continue;
            if (matches) {
                owned.push_back(rs);
                continue;
            }
            if (deleting)
                continue;
            ReplicaSet copy(*rs);
            auto *refs = copy.mutable_metadata()->mutable_owner_references();
            refs->erase(std::remove_if(refs->begin(), refs->end(),
                                       [&](const meta::OwnerReference &r) {
                                           return r.uid() == d.metadata().uid();
                                       }),
                        refs->end());
            Result<client::ObjectPtr> r =
                m_client.update(rsKind(), copy.metadata().namespace_(), copy);
            if (!r && r.status().code() != Status::Code::NotFound && firstError.isOk())
                firstError = r.status();
            continue;
        }
        if (deleting || !matches || sel->isEmpty() || rs->metadata().has_deletion_timestamp())
            continue;
        if (!adoptionChecked) {
            adoptionChecked = true;
            Result<client::ObjectPtr> fresh =
                m_client.get(deploymentKind(), d.metadata().namespace_(), d.metadata().name());
            if (!fresh)
                canAdopt = fresh.status();
            else if (client::objectMeta(**fresh).uid() != d.metadata().uid())
                canAdopt =
                    Status::conflict("original Deployment " + client::objectKey(d) + " is gone");
            else if (client::objectMeta(**fresh).has_deletion_timestamp())
                canAdopt = Status::conflict(client::objectKey(d) + " has just been deleted");
        }
        if (!canAdopt) {
            if (firstError.isOk())
                firstError = canAdopt;
            continue;
        }
        ReplicaSet copy(*rs);
        *copy.mutable_metadata()->add_owner_references() = makeControllerRef(d);
        Result<client::ObjectPtr> r = m_client.update(rsKind(), copy.metadata().namespace_(), copy);
        if (r)
            owned.push_back(std::static_pointer_cast<const ReplicaSet>(*r));
        else if (r.status().code() != Status::Code::NotFound && firstError.isOk())
            firstError = r.status();
    }
    if (!firstError)
        return firstError;
    return owned;
}

DeploymentController::PodMap DeploymentController::podMap(const Deployment &d,
                                                          const RSList &rsList) const
{
    PodMap out;
    for (const RSPtr &rs : rsList)
        out[rs->metadata().uid()];
    Result<api::LabelSelector> sel = selectorOf(d);
    if (!sel)
        return out;
    // Each ReplicaSet's pods from the controller index (not a walk over the
    // namespace: with 150,000 pods that was most of a sync).
    for (auto &[uid, pods] : out) {
        for (const client::ObjectPtr &obj :
             m_podInformer->indexer().byIndex(client::kControllerUidIndex, uid)) {
            auto pod = std::static_pointer_cast<const Pod>(obj);
            if (pod->metadata().namespace_() == d.metadata().namespace_() &&
                sel->matches(pod->metadata().labels()))
                pods.push_back(std::move(pod));
        }
    }
    return out;
}

Status DeploymentController::writeStatus(Deployment &d)
{
    client::WriteOptions o;
    o.subresource = "status";
    Result<client::ObjectPtr> r =
        m_client.update(deploymentKind(), d.metadata().namespace_(), d, o);
    if (!r)
        return r.status();
    d.CopyFrom(**r);
    return Status::ok();
}

Status DeploymentController::checkPausedConditions(Deployment &d)
{
    if (!du::hasProgressDeadline(d))
        return Status::ok();
    const apps::DeploymentCondition *cond = du::getCondition(d.status(), du::kProgressing);
    if (cond && cond->reason() == du::kTimedOutReason)
        return Status::ok(); // a reported lack of progress is not overwritten
    const bool pausedCondExists = cond && cond->reason() == du::kPausedReason;
    if (d.spec().paused() && !pausedCondExists) {
        du::setCondition(*d.mutable_status(),
                         du::newCondition(du::kProgressing, "Unknown", du::kPausedReason,
                                          "Deployment is paused", m_clock.now()));
    } else if (!d.spec().paused() && pausedCondExists) {
        du::setCondition(*d.mutable_status(),
                         du::newCondition(du::kProgressing, "Unknown", du::kResumedReason,
                                          "Deployment is resumed", m_clock.now()));
    } else {
        return Status::ok();
    }
    return writeStatus(d);
}

Status DeploymentController::syncScaleOnly(Deployment &d, RSList &rsList)
{
    RSPtr newRS;
    RSList oldRSs;
    if (Status s = allReplicaSetsAndSyncRevision(d, rsList, false, newRS, oldRSs); !s)
        return s;
    if (Status s = scale(d, newRS, oldRSs); !s)
        return s;
    if (d.spec().paused())
        if (Status s = cleanupDeployment(oldRSs, d); !s)
            return s;
    RSList all = oldRSs;
    all.push_back(newRS);
    return syncDeploymentStatus(all, newRS, d);
}

Status DeploymentController::syncStatusOnly(Deployment &d, RSList &rsList)
{
    RSPtr newRS;
    RSList oldRSs;
    if (Status s = allReplicaSetsAndSyncRevision(d, rsList, false, newRS, oldRSs); !s)
        return s;
    RSList all = oldRSs;
    all.push_back(newRS);
    return syncDeploymentStatus(all, newRS, d);
}

Result<bool> DeploymentController::isScalingEvent(Deployment &d, RSList &rsList)
{
    RSPtr newRS;
    RSList oldRSs;
    if (Status s = allReplicaSetsAndSyncRevision(d, rsList, false, newRS, oldRSs); !s)
        return s;
    RSList all = oldRSs;
    all.push_back(newRS);
    for (const RSPtr &rs : du::filterActive(all)) {
        const std::optional<int32_t> desired = du::desiredReplicasAnnotation(*rs);
        if (desired && *desired != d.spec().replicas())
            return true;
    }
    return false;
}

Status DeploymentController::allReplicaSetsAndSyncRevision(Deployment &d, RSList &rsList,
                                                           bool create, RSPtr &newRS,
                                                           RSList &oldRSs)
{
    const RSPtr found = findNewReplicaSet(d, rsList);
    oldRSs.clear();
    for (const RSPtr &rs : rsList)
        if (!found || rs->metadata().uid() != found->metadata().uid())
            oldRSs.push_back(rs);
    Result<RSPtr> r = newReplicaSet(d, rsList, oldRSs, create);
    if (!r)
        return r.status();
    newRS = *r;
    if (newRS)
        replaceInList(rsList, newRS); // later steps of this sync see our own write
    return Status::ok();
}

Result<DeploymentController::RSPtr> DeploymentController::newReplicaSet(Deployment &d,
                                                                        const RSList &rsList,
                                                                        const RSList &oldRSs,
                                                                        bool create)
{
    const RSPtr existing = findNewReplicaSet(d, rsList);
    const int64_t newRevision = du::maxRevision(oldRSs) + 1;

    if (existing) {
        ReplicaSet copy(*existing);
        const bool annotationsUpdated = du::setNewReplicaSetAnnotations(d, copy, newRevision, true);
        const bool minReadyNeedsUpdate =
            copy.spec().min_ready_seconds() != d.spec().min_ready_seconds();
        if (annotationsUpdated || minReadyNeedsUpdate) {
            copy.mutable_spec()->set_min_ready_seconds(d.spec().min_ready_seconds());
            Result<client::ObjectPtr> r =
                m_client.update(rsKind(), copy.metadata().namespace_(), copy);
            if (!r)
                return r.status();
            return std::static_pointer_cast<const ReplicaSet>(*r);
        }
        // The revision the ReplicaSet already carries is the Deployment's.
        const auto &ann = copy.metadata().annotations();
        const auto revIt = ann.find(du::kRevisionAnnotation);
        const bool metaChanged =
            du::setDeploymentRevision(d, revIt == ann.end() ? std::string() : revIt->second);
        bool statusChanged = false;
        if (du::hasProgressDeadline(d) && !du::getCondition(d.status(), du::kProgressing)) {
            du::setCondition(
                *d.mutable_status(),
                du::newCondition(du::kProgressing, "True", du::kFoundNewRSReason,
                                 "Found new replica set " + quoted(copy.metadata().name()),
                                 m_clock.now()));
            statusChanged = true;
        }
        if (metaChanged) {
            const apps::DeploymentStatus wanted = d.status();
            Result<client::ObjectPtr> r =
                m_client.update(deploymentKind(), d.metadata().namespace_(), d);
            if (!r)
                return r.status();
            d.CopyFrom(**r);
            *d.mutable_status() = wanted;
        }
        if (statusChanged)
            if (Status s = writeStatus(d); !s)
                return s;
        return existing;
    }
    if (!create)
        return RSPtr();

    // A new ReplicaSet for the current template.
    core::PodTemplateSpec tmpl = d.spec().template_();
    const std::optional<int32_t> collisions =
        d.status().has_collision_count() ? std::optional<int32_t>(d.status().collision_count())
                                         : std::nullopt;
    const std::string hash = du::computeHash(tmpl, collisions);
    (*tmpl.mutable_metadata()->mutable_labels())[du::kPodTemplateHashLabel] = hash;

    auto rs = std::make_shared<ReplicaSet>();
    meta::ObjectMeta *m = rs->mutable_metadata();
    m->set_name(d.metadata().name() + "-" + hash);
    m->set_namespace_(d.metadata().namespace_());
    *m->add_owner_references() = makeControllerRef(d);
    *m->mutable_labels() = tmpl.metadata().labels();
    apps::ReplicaSetSpec *spec = rs->mutable_spec();
    spec->set_replicas(0);
    spec->set_min_ready_seconds(d.spec().min_ready_seconds());
    *spec->mutable_selector() = d.spec().selector();
    (*spec->mutable_selector()->mutable_match_labels())[du::kPodTemplateHashLabel] = hash;
    *spec->mutable_template_() = tmpl;

    RSList all = oldRSs;
    all.push_back(rs);
    const int32_t replicas = newRSNewReplicas(d, all, *rs);
    spec->set_replicas(replicas);
    du::setNewReplicaSetAnnotations(d, *rs, newRevision, false);

    RSPtr created;
    bool alreadyExists = false;
    Result<client::ObjectPtr> r = m_client.create(rsKind(), m->namespace_(), *rs);
    if (r) {
        created = std::static_pointer_cast<const ReplicaSet>(*r);
    } else if (r.status().code() == Status::Code::AlreadyExists) {
        alreadyExists = true;
        client::ObjectPtr cached =
            m_rsInformer->indexer().get(client::objectKey(m->namespace_(), m->name()));
        if (!cached)
            return r.status(); // our cache is behind: retry later
        auto other = std::static_pointer_cast<const ReplicaSet>(cached);
        const meta::OwnerReference *ref = controllerOf(other->metadata());
        if (ref && ref->uid() == d.metadata().uid() &&
            du::equalIgnoreHash(d.spec().template_(), other->spec().template_())) {
            created = other;
        } else {
            // A hash collision: another template has this name. Bump
            // collisionCount so the next sync computes another hash.
            d.mutable_status()->set_collision_count(d.status().collision_count() + 1);
            if (Status s = writeStatus(d); !s)
                return s;
            return r.status();
        }
    } else {
        const std::string msg =
            "Failed to create new replica set " + quoted(m->name()) + ": " + r.status().message();
        if (du::hasProgressDeadline(d)) {
            du::setCondition(*d.mutable_status(),
                             du::newCondition(du::kProgressing, "False", du::kFailedRSCreateReason,
                                              msg, m_clock.now()));
            (void)writeStatus(d);
        }
        m_recorder.record(d, "Warning", du::kFailedRSCreateReason, msg);
        return r.status();
    }
    if (!alreadyExists && replicas > 0)
        m_recorder.record(d, "Normal", "ScalingReplicaSet",
                          "Scaled up replica set " + created->metadata().name() + " from 0 to " +
                              std::to_string(replicas));

    const bool metaChanged = du::setDeploymentRevision(d, std::to_string(newRevision));
    bool statusChanged = false;
    if (!alreadyExists && du::hasProgressDeadline(d)) {
        du::setCondition(
            *d.mutable_status(),
            du::newCondition(du::kProgressing, "True", du::kNewRSReason,
                             "Created new replica set " + quoted(created->metadata().name()),
                             m_clock.now()));
        statusChanged = true;
    }
    if (metaChanged) {
        const apps::DeploymentStatus wanted = d.status();
        Result<client::ObjectPtr> u =
            m_client.update(deploymentKind(), d.metadata().namespace_(), d);
        if (!u)
            return u.status();
        d.CopyFrom(**u);
        statusChanged =
            statusChanged || wanted.SerializeAsString() != d.status().SerializeAsString();
        *d.mutable_status() = wanted;
    }
    if (statusChanged)
        if (Status s = writeStatus(d); !s)
            return s;
    return created;
}

int32_t DeploymentController::newRSNewReplicas(const Deployment &d, const RSList &allRSs,
                                               const ReplicaSet &newRS)
{
    if (!du::isRollingUpdate(d))
        return d.spec().replicas(); // Recreate
    const int32_t surge = du::maxSurge(d);
    const int32_t current = du::specReplicas(allRSs);
    const int32_t maxTotal = d.spec().replicas() + surge;
    if (current >= maxTotal)
        return newRS.spec().replicas();
    const int32_t scaleUp =
        std::min(maxTotal - current, d.spec().replicas() - newRS.spec().replicas());
    return newRS.spec().replicas() + scaleUp;
}

Result<bool> DeploymentController::scaleReplicaSet(RSPtr &rs, int32_t newScale, const Deployment &d)
{
    const int32_t oldScale = rs->spec().replicas();
    const int32_t desired = d.spec().replicas();
    const int32_t max = desired + du::maxSurge(d);
    const bool sizeNeedsUpdate = oldScale != newScale;
    if (!sizeNeedsUpdate && !du::replicasAnnotationsNeedUpdate(*rs, desired, max))
        return false;
    ReplicaSet copy(*rs);
    copy.mutable_spec()->set_replicas(newScale);
    du::setReplicasAnnotations(copy, desired, max);
    Result<client::ObjectPtr> r = m_client.update(rsKind(), copy.metadata().namespace_(), copy);
    if (!r)
        return r.status();
    rs = std::static_pointer_cast<const ReplicaSet>(*r);
    if (sizeNeedsUpdate)
        m_recorder.record(d, "Normal", "ScalingReplicaSet",
                          std::string("Scaled ") + (oldScale < newScale ? "up" : "down") +
                              " replica set " + rs->metadata().name() + " from " +
                              std::to_string(oldScale) + " to " + std::to_string(newScale));
    return sizeNeedsUpdate;
}

Status DeploymentController::scale(Deployment &d, const RSPtr &newRS, RSList oldRSs)
{
    const int32_t desired = d.spec().replicas();
    // One active ReplicaSet (or none: the newest) takes the whole count.
    std::sort(oldRSs.begin(), oldRSs.end(),
              [](const RSPtr &a, const RSPtr &b) { return du::olderThan(*b, *a); });
    RSList all = oldRSs;
    all.push_back(newRS);
    const RSList active = du::filterActive(all);
    RSPtr activeOrLatest;
    if (active.size() == 1)
        activeOrLatest = active.front();
    else if (active.empty())
        activeOrLatest = newRS ? newRS : (oldRSs.empty() ? nullptr : oldRSs.front());
    if (active.size() <= 1) {
        if (!activeOrLatest || activeOrLatest->spec().replicas() == desired)
            return Status::ok();
        RSPtr rs = activeOrLatest;
        Result<bool> r = scaleReplicaSet(rs, desired, d);
        return r ? Status::ok() : r.status();
    }

    // A saturated new ReplicaSet: every old one goes to 0.
    if (newRS && du::desiredReplicasAnnotation(*newRS) == desired &&
        newRS->status().available_replicas() == desired && newRS->spec().replicas() == desired) {
        for (RSPtr rs : du::filterActive(oldRSs)) {
            Result<bool> r = scaleReplicaSet(rs, 0, d);
            if (!r)
                return r.status();
        }
        return Status::ok();
    }

    if (!du::isRollingUpdate(d))
        return Status::ok();

    // Proportional scaling: share the change among the active ReplicaSets by
    // their size relative to the max-replicas they were sized for.
    RSList rss = active;
    const int32_t allReplicas = du::specReplicas(rss);
    const int32_t allowed = desired > 0 ? desired + du::maxSurge(d) : 0;
    const int32_t toAdd = allowed - allReplicas;
    if (toAdd > 0)
        std::sort(rss.begin(), rss.end(), [](const RSPtr &a, const RSPtr &b) {
            if (a->spec().replicas() != b->spec().replicas())
                return a->spec().replicas() > b->spec().replicas();
            return du::olderThan(*b, *a); // newer first
        });
    else if (toAdd < 0)
        std::sort(rss.begin(), rss.end(), [](const RSPtr &a, const RSPtr &b) {
            if (a->spec().replicas() != b->spec().replicas())
                return a->spec().replicas() > b->spec().replicas();
            return du::olderThan(*a, *b); // older first
        });
    int32_t added = 0;
    std::vector<int32_t> sizes;
    for (const RSPtr &rs : rss) {
        int32_t proportion = 0;
        if (toAdd != 0 && rs->spec().replicas() != 0 && toAdd != added) {
            int32_t fraction = 0;
            if (desired == 0) {
                fraction = -rs->spec().replicas();
            } else {
                const int32_t deploymentReplicas = desired + du::maxSurge(d);
                const int32_t annotated =
                    du::maxReplicasAnnotation(*rs).value_or(d.status().replicas());
                const double size = annotated == 0 ? static_cast<double>(rs->spec().replicas())
                                                   : static_cast<double>(rs->spec().replicas()) *
                                                         deploymentReplicas / annotated;
                fraction = static_cast<int32_t>(std::round(size)) - rs->spec().replicas();
            }
            const int32_t left = toAdd - added;
            proportion = toAdd > 0 ? std::min(fraction, left) : std::max(fraction, left);
        }
        sizes.push_back(rs->spec().replicas() + proportion);
        added += proportion;
    }
    for (size_t i = 0; i < rss.size(); ++i) {
        if (i == 0 && toAdd != 0)
            sizes[0] = std::max(0, sizes[0] + (toAdd - added)); // leftovers to the largest
        RSPtr rs = rss[i];
        Result<bool> r = scaleReplicaSet(rs, sizes[i], d);
        if (!r)
            return r.status();
    }
    return Status::ok();
}

Result<bool> DeploymentController::reconcileNewReplicaSet(const RSList &allRSs, RSPtr &newRS,
                                                          const Deployment &d)
{
    const int32_t desired = d.spec().replicas();
    if (newRS->spec().replicas() == desired)
        return false;
    if (newRS->spec().replicas() > desired)
        return scaleReplicaSet(newRS, desired, d);
    const int32_t count = newRSNewReplicas(d, allRSs, *newRS);
    if (count == newRS->spec().replicas())
        return false;
    return scaleReplicaSet(newRS, count, d);
}

Result<bool> DeploymentController::reconcileOldReplicaSets(const RSList &allRSs, RSList oldRSs,
                                                           const RSPtr &newRS, const Deployment &d)
{
    if (du::specReplicas(oldRSs) == 0)
        return false; // nothing to scale down
    const int32_t allPods = du::specReplicas(allRSs);
    const int32_t minAvailable = d.spec().replicas() - du::maxUnavailable(d);
    const int32_t newUnavailable =
        newRS ? newRS->spec().replicas() - newRS->status().available_replicas() : 0;
    const int32_t maxScaledDown = allPods - minAvailable - newUnavailable;
    if (maxScaledDown <= 0)
        return false;

    // Unhealthy old replicas first: they would block the rollout otherwise.
    std::sort(oldRSs.begin(), oldRSs.end(),
              [](const RSPtr &a, const RSPtr &b) { return du::olderThan(*a, *b); });
    int32_t cleaned = 0;
    for (RSPtr &rs : oldRSs) {
        if (cleaned >= maxScaledDown)
            break;
        const int32_t replicas = rs->spec().replicas();
        const int32_t available = rs->status().available_replicas();
        if (replicas == 0 || replicas == available)
            continue;
        const int32_t down = std::min(maxScaledDown - cleaned, replicas - available);
        if (down <= 0)
            continue;
        Result<bool> r = scaleReplicaSet(rs, replicas - down, d);
        if (!r)
            return r.status();
        cleaned += down;
    }

    // Then healthy ones, keeping minAvailable pods available.
    RSList all = oldRSs;
    all.push_back(newRS);
    int32_t scaledDown = 0;
    const int32_t availablePods = du::availableReplicas(all);
    if (availablePods > minAvailable) {
        const int32_t total = availablePods - minAvailable;
        for (RSPtr &rs : oldRSs) {
            if (scaledDown >= total)
                break;
            if (rs->spec().replicas() == 0)
                continue;
            const int32_t down = std::min(rs->spec().replicas(), total - scaledDown);
            Result<bool> r = scaleReplicaSet(rs, rs->spec().replicas() - down, d);
            if (!r)
                return r.status();
            scaledDown += down;
        }
    }
    return cleaned + scaledDown > 0;
}

Status DeploymentController::rolloutRolling(Deployment &d, RSList &rsList)
{
    RSPtr newRS;
    RSList oldRSs;
    if (Status s = allReplicaSetsAndSyncRevision(d, rsList, true, newRS, oldRSs); !s)
        return s;
    RSList all = oldRSs;
    all.push_back(newRS);
    if (!newRS)
        return syncRolloutStatus(all, newRS, d);

    RSPtr updatedNew = newRS;
    Result<bool> up = reconcileNewReplicaSet(all, updatedNew, d);
    if (!up)
        return up.status();
    if (*up)
        return syncRolloutStatus(all, newRS, d);

    Result<bool> down = reconcileOldReplicaSets(all, du::filterActive(oldRSs), newRS, d);
    if (!down)
        return down.status();
    if (*down)
        return syncRolloutStatus(all, newRS, d);

    if (du::deploymentComplete(d, d.status()))
        if (Status s = cleanupDeployment(oldRSs, d); !s)
            return s;
    return syncRolloutStatus(all, newRS, d);
}

Status DeploymentController::rolloutRecreate(Deployment &d, RSList &rsList, const PodMap &pods)
{
    RSPtr newRS;
    RSList oldRSs;
    if (Status s = allReplicaSetsAndSyncRevision(d, rsList, false, newRS, oldRSs); !s)
        return s;
    RSList all = oldRSs;
    all.push_back(newRS);

    // First every old ReplicaSet to 0.
    bool scaledDown = false;
    for (RSPtr rs : du::filterActive(oldRSs)) {
        Result<bool> r = scaleReplicaSet(rs, 0, d);
        if (!r)
            return r.status();
        scaledDown = scaledDown || *r;
    }
    if (scaledDown)
        return syncRolloutStatus(all, newRS, d);

    // Then wait until their pods are gone.
    bool oldPodsRunning = du::actualReplicas(oldRSs) > 0;
    for (const auto &[uid, list] : pods) {
        if (oldPodsRunning)
            break;
        if (newRS && newRS->metadata().uid() == uid)
            continue;
        for (const auto &pod : list) {
            const std::string &phase = pod->status().phase();
            if (phase != "Failed" && phase != "Succeeded") {
                oldPodsRunning = true;
                break;
            }
        }
    }
    if (oldPodsRunning)
        return syncRolloutStatus(all, newRS, d);

    if (!newRS) {
        if (Status s = allReplicaSetsAndSyncRevision(d, rsList, true, newRS, oldRSs); !s)
            return s;
        all = oldRSs;
        all.push_back(newRS);
    }
    if (newRS && newRS->spec().replicas() != d.spec().replicas()) {
        RSPtr rs = newRS;
        Result<bool> r = scaleReplicaSet(rs, d.spec().replicas(), d);
        if (!r)
            return r.status();
    }
    if (du::deploymentComplete(d, d.status()))
        if (Status s = cleanupDeployment(oldRSs, d); !s)
            return s;
    return syncRolloutStatus(all, newRS, d);
}

Status DeploymentController::cleanupDeployment(const RSList &oldRSs, const Deployment &d)
{
    if (!du::hasRevisionHistoryLimit(d))
        return Status::ok();
    RSList cleanable;
    for (const RSPtr &rs : oldRSs)
        if (rs && !rs->metadata().has_deletion_timestamp())
            cleanable.push_back(rs);
    const int diff = static_cast<int>(cleanable.size()) - d.spec().revision_history_limit();
    if (diff <= 0)
        return Status::ok();
    std::sort(cleanable.begin(), cleanable.end(), [](const RSPtr &a, const RSPtr &b) {
        const int64_t ra = du::revisionOf(*a);
        const int64_t rb = du::revisionOf(*b);
        if (ra != rb)
            return ra < rb;
        return du::olderThan(*a, *b);
    });
    for (int i = 0; i < diff; ++i) {
        const RSPtr &rs = cleanable[static_cast<size_t>(i)];
        if (rs->status().replicas() != 0 || rs->spec().replicas() != 0 ||
            rs->metadata().generation() > rs->status().observed_generation())
            continue;
        Result<client::ObjectPtr> r =
            m_client.remove(rsKind(), rs->metadata().namespace_(), rs->metadata().name());
        if (!r && r.status().code() != Status::Code::NotFound)
            return r.status();
    }
    return Status::ok();
}

apps::DeploymentStatus DeploymentController::calculateStatus(const RSList &allRSs,
                                                             const RSPtr &newRS,
                                                             const Deployment &d) const
{
    const int32_t available = du::availableReplicas(allRSs);
    const int32_t total = du::specReplicas(allRSs);
    apps::DeploymentStatus status;
    status.set_observed_generation(d.metadata().generation());
    status.set_replicas(du::actualReplicas(allRSs));
    status.set_updated_replicas(newRS ? newRS->status().replicas() : 0);
    status.set_ready_replicas(du::readyReplicas(allRSs));
    status.set_available_replicas(available);
    status.set_unavailable_replicas(std::max(0, total - available));
    if (d.status().has_collision_count())
        status.set_collision_count(d.status().collision_count());
    *status.mutable_conditions() = d.status().conditions();
    if (available >= d.spec().replicas() - du::maxUnavailable(d))
        du::setCondition(status,
                         du::newCondition(du::kAvailable, "True", du::kMinimumReplicasAvailable,
                                          "Deployment has minimum availability.", m_clock.now()));
    else
        du::setCondition(status,
                         du::newCondition(du::kAvailable, "False", du::kMinimumReplicasUnavailable,
                                          "Deployment does not have minimum "
                                          "availability.",
                                          m_clock.now()));
    return status;
}

Status DeploymentController::syncDeploymentStatus(const RSList &allRSs, const RSPtr &newRS,
                                                  Deployment &d)
{
    const apps::DeploymentStatus status = calculateStatus(allRSs, newRS, d);
    if (status.SerializeAsString() == d.status().SerializeAsString())
        return Status::ok();
    *d.mutable_status() = status;
    return writeStatus(d);
}

Status DeploymentController::syncRolloutStatus(const RSList &allRSs, const RSPtr &newRS,
                                               Deployment &d)
{
    apps::DeploymentStatus status = calculateStatus(allRSs, newRS, d);
    const Clock::Time now = m_clock.now();
    if (!du::hasProgressDeadline(d))
        du::removeCondition(status, du::kProgressing);

    const apps::DeploymentCondition *current = du::getCondition(d.status(), du::kProgressing);
    const bool complete = status.replicas() == status.updated_replicas() && current &&
                          current->reason() == du::kNewRSAvailableReason;
    if (du::hasProgressDeadline(d) && !complete) {
        const std::string subject = newRS ? "ReplicaSet " + quoted(newRS->metadata().name())
                                          : "Deployment " + quoted(d.metadata().name());
        if (du::deploymentComplete(d, status)) {
            du::setCondition(status,
                             du::newCondition(du::kProgressing, "True", du::kNewRSAvailableReason,
                                              subject + " has successfully progressed.", now));
        } else if (du::deploymentProgressing(d, status)) {
            apps::DeploymentCondition c = du::newCondition(
                du::kProgressing, "True", du::kRSUpdatedReason, subject + " is progressing.", now);
            // Progress refreshes lastUpdateTime even with the same reason.
            if (current) {
                if (current->status() == "True")
                    *c.mutable_last_transition_time() = current->last_transition_time();
                du::removeCondition(status, du::kProgressing);
            }
            du::setCondition(status, std::move(c));
        } else if (du::deploymentTimedOut(d, status, now)) {
            du::setCondition(status,
                             du::newCondition(du::kProgressing, "False", du::kTimedOutReason,
                                              subject + " has timed out progressing.", now));
        }
    }

    // The ReplicaSets' ReplicaFailure condition (the new one's first).
    const apps::ReplicaSetCondition *failure = nullptr;
    RSList order;
    if (newRS)
        order.push_back(newRS);
    for (const RSPtr &rs : allRSs)
        if (rs && rs != newRS)
            order.push_back(rs);
    for (const RSPtr &rs : order) {
        for (const apps::ReplicaSetCondition &c : rs->status().conditions())
            if (c.type() == du::kReplicaFailure) {
                failure = &c;
                break;
            }
        if (failure)
            break;
    }
    if (failure) {
        apps::DeploymentCondition c;
        c.set_type(failure->type());
        c.set_status(failure->status());
        c.set_reason(failure->reason());
        c.set_message(failure->message());
        *c.mutable_last_transition_time() = failure->last_transition_time();
        *c.mutable_last_update_time() = failure->last_transition_time();
        du::setCondition(status, std::move(c));
    } else {
        du::removeCondition(status, du::kReplicaFailure);
    }

    if (status.SerializeAsString() == d.status().SerializeAsString()) {
        requeueStuckDeployment(d, status);
        return Status::ok();
    }
    *d.mutable_status() = status;
    return writeStatus(d);
}

void DeploymentController::requeueStuckDeployment(const Deployment &d,
                                                  const apps::DeploymentStatus &newStatus)
{
    const apps::DeploymentCondition *current = du::getCondition(d.status(), du::kProgressing);
    if (!du::hasProgressDeadline(d) || !current)
        return;
    if (du::deploymentComplete(d, newStatus) || current->reason() == du::kTimedOutReason)
        return;
    // Not complete and no progress: look again when the deadline passes.
    const Clock::Time due = du::fromMetaTime(current->last_update_time()) +
                            std::chrono::seconds(d.spec().progress_deadline_seconds());
    const Clock::Duration after = due - m_clock.now();
    // Upstream requeues rate-limited when under a second is left; a plain
    // second here keeps the timing exact on a FakeClock (the deadline check
    // is strict, so one second later it has passed).
    if (after < std::chrono::seconds(1))
        m_queue.addAfter(client::objectKey(d), std::chrono::seconds(1));
    else
        m_queue.addAfter(client::objectKey(d), after);
}

} // namespace kubist::controllers
