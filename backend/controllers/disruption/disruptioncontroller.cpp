#include "backend/controllers/disruption/disruptioncontroller.h"

#include "backend/api/labelselector.h"
#include "backend/api/scheme.h"
#include "backend/client/objectkey.h"
#include "backend/controllers/common/podutil.h"
#include "backend/util/log.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"
#include "intstr.pb.h"
#include "meta_v1.pb.h"
#include "policy_v1.pb.h"

#include <algorithm>
#include <charconv>
#include <unordered_map>
#include <unordered_set>

namespace kubist::controllers {

namespace apps = k8s::io::api::apps::v1;
namespace core = k8s::io::api::core::v1;
namespace policy = k8s::io::api::policy::v1;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;
namespace intstr = k8s::io::apimachinery::pkg::util::intstr;

namespace {

// Upstream's recorder for this controller reports as "controllermanager".
constexpr const char kComponent[] = "controllermanager";
constexpr const char kLogComponent[] = "disruption-controller";
constexpr const char kDisruptionAllowed[] = "DisruptionAllowed";

const api::KindInfo &kindOf(const google::protobuf::Descriptor *d)
{
    return *api::Scheme::builtin().byDescriptor(d);
}

Result<api::LabelSelector> selectorOf(const policy::PodDisruptionBudget &pdb)
{
    return api::LabelSelector::fromProto(pdb.spec().has_selector() ? &pdb.spec().selector()
                                                                   : nullptr);
}

Clock::Time toClockTime(const meta::Time &t)
{
    return Clock::Time(std::chrono::duration_cast<Clock::Duration>(
        std::chrono::seconds(t.seconds()) + std::chrono::nanoseconds(t.nanos())));
}

meta::Time toMetaTime(Clock::Time t)
{
    const auto since = t.time_since_epoch();
    const auto seconds = std::chrono::floor<std::chrono::seconds>(since);
    meta::Time out;
    out.set_seconds(seconds.count());
    const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(since - seconds);
    if (nanos.count() != 0)
        out.set_nanos(static_cast<int32_t>(nanos.count()));
    return out;
}

std::string groupOf(const std::string &apiVersion)
{
    const size_t slash = apiVersion.find('/');
    return slash == std::string::npos ? std::string() : apiVersion.substr(0, slash);
}

bool isKindOf(const meta::OwnerReference &ref, const char *kind)
{
    const std::string group = groupOf(ref.api_version());
    return ref.kind() == kind && (group == "apps" || group == "extensions");
}

// upstream intstr.GetScaledValueFromIntOrPercent.
Result<int> scaledValue(const intstr::IntOrString &v, int total, bool roundUp)
{
    if (v.type() == 0)
        return static_cast<int>(v.int_val());
    const std::string &s = v.str_val();
    if (s.empty() || s.back() != '%')
        return Status::invalidArgument("invalid value for IntOrString: invalid type: string is "
                                       "not a percentage");
    int percent = 0;
    const char *begin = s.data();
    const char *end = s.data() + s.size() - 1;
    const auto [ptr, ec] = std::from_chars(begin, end, percent);
    if (ec != std::errc() || ptr != end || begin == end)
        return Status::invalidArgument("invalid value \"" + s + "\": not an integer percentage");
    const long long product = static_cast<long long>(percent) * total;
    if (roundUp)
        return static_cast<int>(product >= 0 ? (product + 99) / 100 : product / 100);
    return static_cast<int>(product / 100);
}

meta::Condition *findCondition(policy::PodDisruptionBudgetStatus &status, const std::string &type)
{
    for (meta::Condition &c : *status.mutable_conditions())
        if (c.type() == type)
            return &c;
    return nullptr;
}

const meta::Condition *findCondition(const policy::PodDisruptionBudgetStatus &status,
                                     const std::string &type)
{
    for (const meta::Condition &c : status.conditions())
        if (c.type() == type)
            return &c;
    return nullptr;
}

// upstream apimeta.SetStatusCondition: the transition time moves only when
// the condition's status changes.
void setCondition(policy::PodDisruptionBudgetStatus &status, const std::string &type,
                  const std::string &value, const std::string &reason, const std::string &message,
                  int64_t observedGeneration, Clock::Time now)
{
    meta::Condition *c = findCondition(status, type);
    if (!c) {
        c = status.add_conditions();
        c->set_type(type);
        c->set_status(value);
        *c->mutable_last_transition_time() =
            toMetaTime(std::chrono::floor<std::chrono::seconds>(now));
    } else if (c->status() != value) {
        c->set_status(value);
        *c->mutable_last_transition_time() =
            toMetaTime(std::chrono::floor<std::chrono::seconds>(now));
    }
    c->set_reason(reason);
    c->set_message(message);
    c->set_observed_generation(observedGeneration);
}

// upstream pdbhelper.UpdateDisruptionAllowedCondition.
void updateDisruptionAllowedCondition(policy::PodDisruptionBudgetStatus &status, Clock::Time now)
{
    if (status.disruptions_allowed() > 0)
        setCondition(status, kDisruptionAllowed, "True", "SufficientPods", "",
                     status.observed_generation(), now);
    else
        setCondition(status, kDisruptionAllowed, "False", "InsufficientPods", "",
                     status.observed_generation(), now);
}

// upstream pdbhelper.ConditionsAreUpToDate.
bool conditionsAreUpToDate(const policy::PodDisruptionBudget &pdb)
{
    const meta::Condition *c = findCondition(pdb.status(), kDisruptionAllowed);
    if (!c || pdb.status().observed_generation() != pdb.metadata().generation())
        return false;
    if (pdb.status().disruptions_allowed() > 0)
        return c->status() == "True" && c->reason() == "SufficientPods";
    return c->status() == "False" && c->reason() == "InsufficientPods";
}

bool sameTime(const meta::Time &a, const meta::Time &b)
{
    return a.seconds() == b.seconds() && a.nanos() == b.nanos();
}

int32_t replicasOf(const apps::ReplicaSet &rs)
{
    return rs.spec().has_replicas() ? rs.spec().replicas() : 1;
}

int32_t replicasOf(const apps::Deployment &d)
{
    return d.spec().has_replicas() ? d.spec().replicas() : 1;
}

bool sameLabels(const meta::ObjectMeta &a, const meta::ObjectMeta &b)
{
    if (a.labels().size() != b.labels().size())
        return false;
    for (const auto &[k, v] : a.labels()) {
        const auto it = b.labels().find(k);
        if (it == b.labels().end() || it->second != v)
            return false;
    }
    return true;
}

bool sameControllerRef(const meta::ObjectMeta &a, const meta::ObjectMeta &b)
{
    const meta::OwnerReference *x = controllerOf(a);
    const meta::OwnerReference *y = controllerOf(b);
    if (!x || !y)
        return x == y;
    return x->uid() == y->uid() && x->name() == y->name() && x->kind() == y->kind();
}

} // namespace

DisruptionController::DisruptionController(client::Client &client, const Clock &clock,
                                           Options options)
    : m_client(client)
    , m_clock(clock)
    , m_options(options)
    , m_recorder(client, clock, kComponent)
    , m_queue(clock, client::WorkQueue::Options{"disruption", {}, nullptr})
    , m_workers(
          m_queue, [this](const std::string &key) { return sync(key); }, options.workers,
          kLogComponent)
{
    auto makeInformer = [&](const google::protobuf::Descriptor *d, const char *name) {
        client::Informer::Options o;
        o.name = name;
        auto informer = std::make_unique<client::Informer>(client, kindOf(d), clock, o);
        (void)informer->addIndex(client::kNamespaceIndex, client::namespaceIndexFunc());
        return informer;
    };
    m_pdbInformer = makeInformer(policy::PodDisruptionBudget::descriptor(),
                                 "disruption-controller/poddisruptionbudgets");
    m_podInformer = makeInformer(core::Pod::descriptor(), "disruption-controller/pods");
    m_rsInformer =
        makeInformer(apps::ReplicaSet::descriptor(), "disruption-controller/replicasets");
    m_deploymentInformer =
        makeInformer(apps::Deployment::descriptor(), "disruption-controller/deployments");

    auto enqueuePdb = [this](const client::ObjectPtr &o) { m_queue.add(client::objectKey(*o)); };
    m_pdbInformer->addEventHandler(client::Informer::Handlers{
        enqueuePdb,
        [enqueuePdb](const client::ObjectPtr &, const client::ObjectPtr &n) { enqueuePdb(n); },
        enqueuePdb});

    m_podInformer->addEventHandler(client::Informer::Handlers{
        [this](const client::ObjectPtr &o) { enqueuePdbsSelecting(static_cast<const Pod &>(*o)); },
        [this](const client::ObjectPtr &o, const client::ObjectPtr &n) {
            const auto &oldPod = static_cast<const Pod &>(*o);
            const auto &pod = static_cast<const Pod &>(*n);
            if (oldPod.metadata().resource_version() == pod.metadata().resource_version())
                return;
            enqueuePdbsSelecting(pod);
            if (!sameLabels(oldPod.metadata(), pod.metadata()))
                enqueuePdbsSelecting(oldPod);
        },
        [this](const client::ObjectPtr &o) {
            enqueuePdbsSelecting(static_cast<const Pod &>(*o));
        }});

    auto controllerAddedOrDeleted = [this](const client::ObjectPtr &o) {
        enqueuePdbsOfNamespace(client::objectMeta(*o).namespace_());
    };
    for (client::Informer *informer : {m_rsInformer.get(), m_deploymentInformer.get()})
        informer->addEventHandler(client::Informer::Handlers{
            controllerAddedOrDeleted,
            [this](const client::ObjectPtr &o, const client::ObjectPtr &n) {
                onControllerUpdated(o, n);
            },
            controllerAddedOrDeleted});
}

DisruptionController::~DisruptionController()
{
    stop();
}

void DisruptionController::start()
{
    if (m_started.exchange(true) || m_stopping.load())
        return;
    m_pdbInformer->start();
    m_podInformer->start();
    m_rsInformer->start();
    m_deploymentInformer->start();
    m_workers.start();
}

void DisruptionController::stop()
{
    m_stopping.store(true);
    m_pdbInformer->stop();
    m_podInformer->stop();
    m_rsInformer->stop();
    m_deploymentInformer->stop();
    m_workers.stop(); // shuts the queue down (cancelling rechecks) and joins the workers
}

// ---- event handlers: they only enqueue keys ----

void DisruptionController::enqueuePdbsSelecting(const Pod &pod)
{
    for (const client::ObjectPtr &obj :
         m_pdbInformer->indexer().byIndex(client::kNamespaceIndex, pod.metadata().namespace_())) {
        Result<api::LabelSelector> sel = selectorOf(static_cast<const Pdb &>(*obj));
        if (sel && sel->matches(pod.metadata().labels()))
            m_queue.add(client::objectKey(*obj));
    }
}

void DisruptionController::enqueuePdbsOfNamespace(const std::string &ns)
{
    for (const client::ObjectPtr &obj :
         m_pdbInformer->indexer().byIndex(client::kNamespaceIndex, ns))
        m_queue.add(client::objectKey(*obj));
}

void DisruptionController::onControllerUpdated(const client::ObjectPtr &oldObj,
                                               const client::ObjectPtr &newObj)
{
    // Only the scale and the ownership matter to a budget.
    int32_t oldScale = 0;
    int32_t newScale = 0;
    if (newObj->GetDescriptor() == apps::ReplicaSet::descriptor()) {
        oldScale = replicasOf(static_cast<const apps::ReplicaSet &>(*oldObj));
        newScale = replicasOf(static_cast<const apps::ReplicaSet &>(*newObj));
    } else {
        oldScale = replicasOf(static_cast<const apps::Deployment &>(*oldObj));
        newScale = replicasOf(static_cast<const apps::Deployment &>(*newObj));
    }
    const meta::ObjectMeta &oldMeta = client::objectMeta(*oldObj);
    const meta::ObjectMeta &newMeta = client::objectMeta(*newObj);
    if (oldScale != newScale || oldMeta.uid() != newMeta.uid() ||
        !sameControllerRef(oldMeta, newMeta))
        enqueuePdbsOfNamespace(newMeta.namespace_());
}

// ---- sync ----

Status DisruptionController::sync(const std::string &key)
{
    // Never act on a half-filled cache: wait for every first list.
    const client::Informer *informers[] = {m_pdbInformer.get(), m_podInformer.get(),
                                           m_rsInformer.get(), m_deploymentInformer.get()};
    for (const client::Informer *informer : informers) {
        while (!informer->hasSynced()) {
            if (m_stopping.load() || m_queue.isShuttingDown())
                return Status::ok();
            informer->waitForSync(std::chrono::milliseconds(50));
        }
    }
    client::ObjectPtr obj = m_pdbInformer->indexer().get(key);
    if (!obj)
        return Status::ok(); // deleted: nothing to keep
    const auto pdb = std::static_pointer_cast<const Pdb>(obj);
    const Status s = trySync(*pdb);
    if (s.isOk() || s.code() == Status::Code::Conflict)
        return s; // a Conflict requeues the key; the next sync reads the newer budget
    logWarning(kLogComponent, "failed to sync PodDisruptionBudget " + key + ": " + s.message());
    return failSafe(*pdb, s);
}

Status DisruptionController::trySync(const Pdb &pdb)
{
    Result<PodList> pods = podsFor(pdb);
    if (!pods) {
        m_recorder.record(pdb, "Warning", "NoPods",
                          "Failed to get pods: " + pods.status().message());
        return pods.status();
    }
    if (pods->empty())
        m_recorder.record(pdb, "Normal", "NoPods", "No matching pods found");

    Result<Expected> expected = expectedPodCount(pdb, *pods);
    if (!expected) {
        m_recorder.record(pdb, "Warning", "CalculateExpectedPodCountFailed",
                          "Failed to calculate the number of expected pods: " +
                              expected.status().message());
        return expected.status();
    }
    if (!expected->unmanagedPods.empty()) {
        Result<api::LabelSelector> sel = selectorOf(pdb);
        m_recorder.record(
            pdb, "Warning", "UnmanagedPods",
            "Pods selected by this PodDisruptionBudget (selector: " +
                (sel ? sel->toString() : std::string()) +
                ") were found to be unmanaged. As a result, the status of the PDB cannot be "
                "calculated correctly, which may result in undefined behavior. To account for "
                "these pods please set \".spec.minAvailable\" field of the PDB to an integer "
                "value.");
    }

    const Clock::Time now = m_clock.now();
    std::optional<Clock::Time> recheck;
    const std::map<std::string, Clock::Time> disrupted = disruptedPods(pdb, *pods, now, recheck);
    int32_t currentHealthy = 0;
    for (const auto &pod : *pods) {
        if (pod->metadata().has_deletion_timestamp())
            continue;
        if (disrupted.count(pod->metadata().name()))
            continue; // expected to be deleted soon
        if (isPodReady(*pod))
            ++currentHealthy;
    }

    // A budget that expects no pods allows nothing: its first pods may
    // appear before this controller has seen them.
    int32_t allowed = currentHealthy - expected->desiredHealthy;
    if (expected->expectedCount <= 0 || allowed <= 0)
        allowed = 0;

    const PdbStatus &old = pdb.status();
    bool disruptedSame = static_cast<size_t>(old.disrupted_pods().size()) == disrupted.size();
    for (const auto &[name, when] : disrupted) {
        if (!disruptedSame)
            break;
        const auto it = old.disrupted_pods().find(name);
        disruptedSame = it != old.disrupted_pods().end() && sameTime(it->second, toMetaTime(when));
    }
    Status written;
    if (!(old.current_healthy() == currentHealthy &&
          old.desired_healthy() == expected->desiredHealthy &&
          old.expected_pods() == expected->expectedCount && old.disruptions_allowed() == allowed &&
          disruptedSame && old.observed_generation() == pdb.metadata().generation() &&
          conditionsAreUpToDate(pdb))) {
        PdbStatus status;
        status.set_current_healthy(currentHealthy);
        status.set_desired_healthy(expected->desiredHealthy);
        status.set_expected_pods(expected->expectedCount);
        status.set_disruptions_allowed(allowed);
        for (const auto &[name, when] : disrupted)
            (*status.mutable_disrupted_pods())[name] = toMetaTime(when);
        status.set_observed_generation(pdb.metadata().generation());
        *status.mutable_conditions() = old.conditions();
        updateDisruptionAllowedCondition(status, now);
        written = writeStatus(pdb, status);
    }
    if (written.isOk() && recheck)
        m_queue.addAfter(client::objectKey(pdb), *recheck - now);
    return written;
}

Status DisruptionController::failSafe(const Pdb &pdb, const Status &error)
{
    PdbStatus status(pdb.status());
    status.set_disruptions_allowed(0);
    setCondition(status, kDisruptionAllowed, "False", "SyncFailed", error.message(),
                 status.observed_generation(), m_clock.now());
    if (status.SerializeAsString() == pdb.status().SerializeAsString())
        return Status::ok();
    return writeStatus(pdb, status);
}

Status DisruptionController::writeStatus(const Pdb &pdb, const PdbStatus &status)
{
    Pdb copy(pdb);
    *copy.mutable_status() = status;
    client::WriteOptions o;
    o.subresource = "status";
    Result<client::ObjectPtr> r =
        m_client.update(kindOf(Pdb::descriptor()), pdb.metadata().namespace_(), copy, o);
    if (!r && r.status().code() != Status::Code::NotFound)
        return r.status();
    return Status::ok();
}

Result<DisruptionController::PodList> DisruptionController::podsFor(const Pdb &pdb) const
{
    Result<api::LabelSelector> sel = selectorOf(pdb);
    if (!sel)
        return sel.status();
    PodList out;
    for (const client::ObjectPtr &obj :
         m_podInformer->indexer().byIndex(client::kNamespaceIndex, pdb.metadata().namespace_())) {
        auto pod = std::static_pointer_cast<const Pod>(obj);
        if (sel->matches(pod->metadata().labels()))
            out.push_back(std::move(pod));
    }
    std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) {
        return a->metadata().name() < b->metadata().name();
    });
    return out;
}

Result<DisruptionController::Expected>
DisruptionController::expectedPodCount(const Pdb &pdb, const PodList &pods) const
{
    Expected e;
    const auto &spec = pdb.spec();
    if (spec.has_max_unavailable()) {
        Result<int32_t> scale = expectedScale(pods, e.unmanagedPods);
        if (!scale)
            return scale.status();
        e.expectedCount = *scale;
        Result<int> maxUnavailable = scaledValue(spec.max_unavailable(), e.expectedCount, true);
        if (!maxUnavailable)
            return maxUnavailable.status();
        e.desiredHealthy = std::max(0, e.expectedCount - *maxUnavailable);
    } else if (spec.has_min_available()) {
        if (spec.min_available().type() == 0) {
            e.desiredHealthy = spec.min_available().int_val();
            e.expectedCount = static_cast<int32_t>(pods.size());
        } else {
            Result<int32_t> scale = expectedScale(pods, e.unmanagedPods);
            if (!scale)
                return scale.status();
            e.expectedCount = *scale;
            Result<int> minAvailable = scaledValue(spec.min_available(), e.expectedCount, true);
            if (!minAvailable)
                return minAvailable.status();
            e.desiredHealthy = *minAvailable;
        }
    }
    return e;
}

Result<int32_t> DisruptionController::expectedScale(const PodList &pods,
                                                    std::vector<std::string> &unmanaged) const
{
    // The denominator is the sum of the scales of the pods' controllers,
    // each controller counted once.
    std::unordered_map<std::string, int32_t> controllers; // controller uid -> scale
    std::unordered_set<std::string> resolved;             // pods' controllerRef uids
    for (const auto &pod : pods) {
        const meta::OwnerReference *ref = controllerOf(pod->metadata());
        if (!ref) {
            unmanaged.push_back(pod->metadata().name());
            continue;
        }
        if (!resolved.insert(ref->uid()).second)
            continue;
        std::optional<ControllerScale> found = findController(*ref, pod->metadata().namespace_());
        if (!found)
            return Status::invalidArgument("found no controllers for pod \"" +
                                           pod->metadata().name() + "\"");
        controllers[found->uid] = found->scale;
    }
    int32_t total = 0;
    for (const auto &[uid, scale] : controllers)
        total += scale;
    return total;
}

std::optional<DisruptionController::ControllerScale>
DisruptionController::findController(const meta::OwnerReference &ref, const std::string &ns) const
{
    if (!isKindOf(ref, "ReplicaSet"))
        return std::nullopt;
    client::ObjectPtr obj = m_rsInformer->indexer().get(client::objectKey(ns, ref.name()));
    if (!obj)
        return std::nullopt;
    const auto &rs = static_cast<const apps::ReplicaSet &>(*obj);
    if (rs.metadata().uid() != ref.uid())
        return std::nullopt;
    const meta::OwnerReference *owner = controllerOf(rs.metadata());
    if (owner && isKindOf(*owner, "Deployment")) {
        client::ObjectPtr d =
            m_deploymentInformer->indexer().get(client::objectKey(ns, owner->name()));
        if (d && client::objectMeta(*d).uid() == owner->uid())
            return ControllerScale{owner->uid(),
                                   replicasOf(static_cast<const apps::Deployment &>(*d))};
        // Upstream then reads the ReplicaSet's scale subresource: its replicas.
    }
    return ControllerScale{rs.metadata().uid(), replicasOf(rs)};
}

std::map<std::string, Clock::Time>
DisruptionController::disruptedPods(const Pdb &pdb, const PodList &pods, Clock::Time now,
                                    std::optional<Clock::Time> &recheck)
{
    std::map<std::string, Clock::Time> out;
    const auto &entries = pdb.status().disrupted_pods();
    if (entries.empty())
        return out;
    for (const auto &pod : pods) {
        if (pod->metadata().has_deletion_timestamp())
            continue; // being deleted: the eviction went through
        const auto it = entries.find(pod->metadata().name());
        if (it == entries.end())
            continue;
        const Clock::Time evicted = toClockTime(it->second);
        const Clock::Time expires = evicted + m_options.deletionTimeout;
        // Expired at the timeout itself (upstream: strictly after), so a
        // recheck due now never finds the entry still pending.
        if (expires <= now) {
            logInfo(kLogComponent,
                    "pod " + client::objectKey(*pod) + " was expected to be deleted but it wasn't");
            m_recorder.record(*pod, "Warning", "NotDeleted",
                              "Pod was expected by PDB " + client::objectKey(pdb) +
                                  " to be deleted but it wasn't");
            continue;
        }
        out.emplace(pod->metadata().name(), evicted);
        if (!recheck || expires < *recheck)
            recheck = expires;
    }
    return out;
}

} // namespace kubist::controllers
