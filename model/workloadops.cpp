#include "model/workloadops.h"

#include "backend/api/annotations.h"
#include "backend/api/jsoncodec.h"
#include "backend/api/scheme.h"
#include "backend/client/objectkey.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"
#include "policy_v1.pb.h"

#include <QDateTime>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace kubist::model::workloadops {

namespace core = k8s::io::api::core::v1;
namespace apps = k8s::io::api::apps::v1;
namespace policy = k8s::io::api::policy::v1;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;

namespace {

// A bare pod as it can be created again: the server-set metadata and the
// last scheduling decision gone (the caller sets status and node).
core::Pod recreatable(const core::Pod &pod)
{
    core::Pod copy = pod;
    meta::ObjectMeta *m = copy.mutable_metadata();
    m->clear_uid();
    m->clear_resource_version();
    m->clear_creation_timestamp();
    m->clear_deletion_timestamp();
    m->clear_deletion_grace_period_seconds();
    m->clear_generation();
    m->clear_managed_fields();
    m->mutable_annotations()->erase(api::kSchedulingDecision);
    return copy;
}

constexpr const char kRevision[] = "deployment.kubernetes.io/revision";

const api::KindInfo &kindOf(const google::protobuf::Descriptor *d)
{
    return *api::Scheme::builtin().byDescriptor(d);
}

// A JSON string literal for `s`.
std::string quoted(const std::string &s)
{
    std::string out = "\"";
    for (char ch : s) {
        if (ch == '"' || ch == '\\')
            out += '\\';
        if (static_cast<unsigned char>(ch) < 0x20)
            continue;
        out += ch;
    }
    return out + "\"";
}

long revisionOf(const meta::ObjectMeta &m)
{
    auto it = m.annotations().find(kRevision);
    return it == m.annotations().end() ? 0 : std::strtol(it->second.c_str(), nullptr, 10);
}

const meta::OwnerReference *controllerRef(const meta::ObjectMeta &m)
{
    for (const meta::OwnerReference &r : m.owner_references())
        if (r.controller())
            return &r;
    return nullptr;
}

} // namespace

Result<int> scale(client::Client &client, const std::string &kind, const std::string &ns,
                  const std::string &name, int delta)
{
    const google::protobuf::Descriptor *d = kind == "ReplicaSet"   ? apps::ReplicaSet::descriptor()
                                            : kind == "Deployment" ? apps::Deployment::descriptor()
                                                                   : nullptr;
    if (!d)
        return Status::invalidArgument("cannot scale a " + kind);
    Result<client::ObjectPtr> current = client.get(kindOf(d), ns, name);
    if (!current)
        return current.status();
    int replicas = 1;
    if (kind == "ReplicaSet") {
        const auto &rs = static_cast<const apps::ReplicaSet &>(**current);
        replicas = rs.spec().has_replicas() ? rs.spec().replicas() : 1;
    } else {
        const auto &dep = static_cast<const apps::Deployment &>(**current);
        replicas = dep.spec().has_replicas() ? dep.spec().replicas() : 1;
    }
    const int wanted = std::max(0, replicas + delta);
    const std::string patch = "{\"spec\":{\"replicas\":" + std::to_string(wanted) + "}}";
    Result<client::ObjectPtr> r =
        client.patch(kindOf(d), ns, name, client::PatchType::Merge, patch);
    if (!r)
        return r.status();
    return wanted;
}

Status setImage(client::Client &client, const std::string &ns, const std::string &deployment,
                const std::string &container, const std::string &image)
{
    std::string name = container;
    if (name.empty()) {
        Result<std::shared_ptr<const apps::Deployment>> d =
            client::getAs<apps::Deployment>(client, ns, deployment);
        if (!d)
            return d.status();
        if ((*d)->spec().template_().spec().containers_size() == 0)
            return Status::invalid("deployment " + deployment + " has no containers");
        name = (*d)->spec().template_().spec().containers(0).name();
    }
    const std::string patch =
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":" + quoted(name) +
        ",\"image\":" + quoted(image) + "}]}}}}";
    return client
        .patch(kindOf(apps::Deployment::descriptor()), ns, deployment,
               client::PatchType::StrategicMerge, patch)
        .status();
}

Status undoRollout(client::Client &client, const std::string &ns, const std::string &deployment)
{
    Result<std::shared_ptr<const apps::Deployment>> dep =
        client::getAs<apps::Deployment>(client, ns, deployment);
    if (!dep)
        return dep.status();
    Result<client::ListResult> sets = client.list(kindOf(apps::ReplicaSet::descriptor()), ns);
    if (!sets)
        return sets.status();
    std::vector<std::pair<long, const apps::ReplicaSet *>> owned;
    for (const client::ObjectPtr &o : sets->items) {
        const auto &rs = static_cast<const apps::ReplicaSet &>(*o);
        const meta::OwnerReference *ref = controllerRef(rs.metadata());
        if (!ref || ref->kind() != "Deployment" || ref->name() != deployment)
            continue;
        if (!ref->uid().empty() && !(*dep)->metadata().uid().empty() &&
            ref->uid() != (*dep)->metadata().uid())
            continue;
        owned.emplace_back(revisionOf(rs.metadata()), &rs);
    }
    std::sort(owned.begin(), owned.end(),
              [](const auto &a, const auto &b) { return a.first > b.first; });
    if (owned.size() < 2 || owned[1].first <= 0)
        return Status::notFound("no rollout history found for deployment " + deployment);
    core::PodTemplateSpec tmpl = owned[1].second->spec().template_();
    tmpl.mutable_metadata()->mutable_labels()->erase("pod-template-hash");
    const std::string patch = "[{\"op\":\"replace\",\"path\":\"/spec/template\",\"value\":" +
                              api::JsonCodec::encode(tmpl) + "}]";
    return client
        .patch(kindOf(apps::Deployment::descriptor()), ns, deployment, client::PatchType::Json,
               patch)
        .status();
}

Status evictPod(client::Client &client, const std::string &ns, const std::string &name)
{
    policy::Eviction eviction;
    eviction.mutable_metadata()->set_name(name);
    eviction.mutable_metadata()->set_namespace_(ns);
    return client.createSubresource(kindOf(core::Pod::descriptor()), ns, name, "eviction", eviction)
        .status();
}

Result<DrainReport> drain(client::Client &client, const std::string &node)
{
    const Status cordon =
        client
            .patch(kindOf(core::Node::descriptor()), "", node, client::PatchType::Merge,
                   "{\"spec\":{\"unschedulable\":true}}")
            .status();
    if (!cordon.isOk())
        return cordon;
    client::ListOptions options;
    options.fieldSelector = "spec.nodeName=" + node;
    Result<client::ListResult> pods = client.list(kindOf(core::Pod::descriptor()), "", options);
    if (!pods)
        return pods.status();
    DrainReport report;
    for (const client::ObjectPtr &o : pods->items) {
        const auto &pod = static_cast<const core::Pod &>(*o);
        if (pod.spec().node_name() != node)
            continue;
        const std::string key = client::objectKey(pod);
        const meta::OwnerReference *ref = controllerRef(pod.metadata());
        if (pod.metadata().annotations().count("kubernetes.io/config.mirror") ||
            (ref && ref->kind() == "DaemonSet")) {
            report.skipped.push_back(key);
            continue;
        }
        const Status s = evictPod(client, pod.metadata().namespace_(), pod.metadata().name());
        if (s.isOk())
            report.evicted.push_back(key);
        else if (s.code() == Status::Code::ResourceExhausted)
            report.refused.push_back(key);
        else if (s.code() != Status::Code::NotFound)
            report.failed.push_back(
                key + ": " + (s.code() == Status::Code::PermissionDenied ? "Forbidden: " : "") +
                s.message());
    }
    return report;
}

bool hasController(const google::protobuf::Message &pod)
{
    return controllerRef(static_cast<const core::Pod &>(pod).metadata()) != nullptr;
}

std::string evictedMessage(const std::string &podName)
{
    return "Evicted " + podName + "; the scheduler chooses where its replacement goes";
}

namespace {

// Sets (or, with node empty, removes) the ReplicaSet's one-shot placement
// intent.
Status setPlaceNextPodOn(client::Client &client, const std::string &ns, const std::string &rs,
                         const std::string &node)
{
    const std::string value = node.empty() ? std::string("null") : "\"" + node + "\"";
    const std::string patch = std::string("{\"metadata\":{\"annotations\":{\"") +
                              api::kPlaceNextPodOn + "\":" + value + "}}}";
    return client
        .patch(kindOf(apps::ReplicaSet::descriptor()), ns, rs, client::PatchType::Merge, patch)
        .status();
}

} // namespace

Result<std::string> movePod(client::Client &client, const std::string &ns, const std::string &name,
                            const std::string &node)
{
    Result<std::shared_ptr<const core::Pod>> current = client::getAs<core::Pod>(client, ns, name);
    if (!current)
        return current.status();
    if (const auto *owner = controllerRef((*current)->metadata())) {
        const bool intent = owner->kind() == "ReplicaSet" && !node.empty();
        if (intent) {
            if (Status s = setPlaceNextPodOn(client, ns, owner->name(), node); !s.isOk())
                return s;
        }
        const Status s = evictPod(client, ns, name);
        if (!s.isOk()) {
            if (intent)
                (void)setPlaceNextPodOn(client, ns, owner->name(), {});
            return s;
        }
        if (!intent)
            return evictedMessage(name);
        return "Evicted " + name + "; its replacement is placed on " + node +
               " if the scheduler accepts it there";
    }
    core::Pod copy = recreatable(**current);
    meta::ObjectMeta *m = copy.mutable_metadata();
    (*m->mutable_annotations())[api::kPlacementIntent] = node;
    copy.clear_status();
    // The scheduler places it: the intended node if it passes the filters.
    copy.mutable_spec()->clear_node_name();
    client::DeleteOptions del;
    del.gracePeriodSeconds = 0;
    del.preconditionUid = (*current)->metadata().uid();
    const Status removed = client.remove(kindOf(core::Pod::descriptor()), ns, name, del).status();
    if (!removed.isOk())
        return removed;
    const Status created = client.create(kindOf(core::Pod::descriptor()), ns, copy).status();
    if (!created.isOk())
        return created;
    return "Recreated " + name + " for " + node + " (the scheduler places it there if it fits)";
}

std::string rfc3339Local(std::chrono::system_clock::time_point t)
{
    const qint64 ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(ms);
    std::string out = local.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")).toStdString();
    const int offset = local.offsetFromUtc();
    if (offset == 0)
        return out + "Z";
    const int minutes = std::abs(offset) / 60;
    char zone[16];
    std::snprintf(zone, sizeof zone, "%c%02d:%02d", offset < 0 ? '-' : '+', minutes / 60,
                  minutes % 60);
    return out + zone;
}

Status restartRollout(client::Client &client, const std::string &ns, const std::string &deployment,
                      std::chrono::system_clock::time_point now)
{
    Result<std::shared_ptr<const apps::Deployment>> dep =
        client::getAs<apps::Deployment>(client, ns, deployment);
    if (!dep)
        return dep.status();
    if ((*dep)->spec().paused())
        return Status::invalid("can't restart paused deployment (run rollout resume first)");
    const std::string patch = "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{"
                              "\"kubectl.kubernetes.io/restartedAt\":" +
                              quoted(rfc3339Local(now)) + "}}}}}";
    return client
        .patch(kindOf(apps::Deployment::descriptor()), ns, deployment,
               client::PatchType::StrategicMerge, patch)
        .status();
}

namespace {

// Waits until the pod `name` with `uid` is gone (deleted, or replaced by
// another uid): true when it is, false after `timeout` or a cancel.
Result<bool> waitUntilGone(client::Client &client, const std::string &ns, const std::string &name,
                           const std::string &uid, const RemoteMoveOptions &options)
{
    const api::KindInfo &podKind = kindOf(core::Pod::descriptor());
    Result<client::ObjectPtr> now = client.get(podKind, ns, name);
    if (!now)
        return now.status().code() == Status::Code::NotFound ? Result<bool>(true)
                                                             : Result<bool>(now.status());
    const auto &pod = static_cast<const core::Pod &>(**now);
    if (pod.metadata().uid() != uid)
        return true;
    if (options.goneTimeout <= std::chrono::milliseconds::zero())
        return false;

    // A watch from the revision just read: no deletion can slip between.
    struct Shared
    {
        std::mutex mutex;
        std::condition_variable changed;
        bool gone = false;
        bool ended = false;
    };
    auto shared = std::make_shared<Shared>();
    client::WatchOptions wo;
    wo.fieldSelector = "metadata.name=" + name;
    wo.resourceVersion = pod.metadata().resource_version();
    client::WatchCallbacks callbacks;
    callbacks.onEvent = [shared, uid](client::WatchEvent e) {
        std::lock_guard lock(shared->mutex);
        if (e.type == client::WatchEvent::Type::Deleted)
            shared->gone = true;
        else if (e.type == client::WatchEvent::Type::Error)
            shared->ended = true;
        else if (e.object && client::objectMeta(*e.object).uid() != uid)
            shared->gone = true;
        shared->changed.notify_all();
    };
    callbacks.onClosed = [shared] {
        std::lock_guard lock(shared->mutex);
        shared->ended = true;
        shared->changed.notify_all();
    };
    Result<std::unique_ptr<client::WatchHandle>> watch =
        client.watch(podKind, ns, wo, std::move(callbacks));
    if (!watch)
        return watch.status();
    // Real time on purpose: this waits on a remote cluster's kubelet, like a
    // network timeout (the cluster's clock is not ours to read there).
    const auto deadline = std::chrono::steady_clock::now() + options.goneTimeout;
    bool gone = false;
    bool ended = false;
    {
        std::unique_lock lock(shared->mutex);
        while (!shared->gone && !shared->ended) {
            if (options.cancelled && options.cancelled->load())
                break;
            const auto slice = std::min(deadline, std::chrono::steady_clock::now() +
                                                      std::chrono::milliseconds(200));
            if (shared->changed.wait_until(lock, slice) == std::cv_status::timeout &&
                std::chrono::steady_clock::now() >= deadline)
                break;
        }
        gone = shared->gone;
        ended = shared->ended;
    }
    (*watch)->stop();
    if (gone)
        return true;
    if (ended) {
        // The watch ended early (a dropped connection): look once more.
        Result<client::ObjectPtr> again = client.get(podKind, ns, name);
        if (!again)
            return again.status().code() == Status::Code::NotFound ? Result<bool>(true)
                                                                   : Result<bool>(again.status());
        return client::objectMeta(**again).uid() != uid;
    }
    return false;
}

} // namespace

Result<std::string> movePodRemote(client::Client &client, const std::string &ns,
                                  const std::string &name, const std::string &node,
                                  const RemoteMoveOptions &options)
{
    Result<std::shared_ptr<const core::Pod>> current = client::getAs<core::Pod>(client, ns, name);
    if (!current)
        return current.status();
    const Status evicted = evictPod(client, ns, name);
    if (!evicted.isOk()) {
        if (evicted.code() == Status::Code::ResourceExhausted) {
            // The budget's own words (what it needs, what it has) when given.
            std::string why = evicted.message();
            if (const StatusDetails *d = evicted.details())
                for (const StatusDetails::Cause &c : d->causes)
                    if (!c.message.empty())
                        why += " " + c.message;
            return Status(evicted.code(), "cannot evict " + name + ": " + why);
        }
        return evicted;
    }
    if (controllerRef((*current)->metadata()))
        return "Evicted " + name + "; on a real cluster the scheduler picks the new node";

    const std::string uid = (*current)->metadata().uid();
    Result<bool> gone = waitUntilGone(client, ns, name, uid, options);
    if (!gone)
        return gone.status();
    if (!*gone)
        return Status::timeout("evicted " + name + ", but it is still terminating; not recreated");

    core::Pod copy = recreatable(**current);
    meta::ObjectMeta *m = copy.mutable_metadata();
    m->mutable_annotations()->erase(api::kPlacementIntent);
    copy.clear_status();
    copy.mutable_spec()->set_node_name(node);
    const Status created = client.create(kindOf(core::Pod::descriptor()), ns, copy).status();
    if (!created.isOk())
        return created;
    return "Evicted " + name + "; recreated it on " + node;
}

} // namespace kubist::model::workloadops
