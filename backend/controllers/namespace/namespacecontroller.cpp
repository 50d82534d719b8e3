#include "backend/controllers/namespace/namespacecontroller.h"

#include "backend/api/scheme.h"
#include "backend/client/objectkey.h"

#include "core_v1.pb.h"
#include "meta_v1.pb.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <vector>

namespace kubist::controllers {

namespace core = k8s::io::api::core::v1;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;

namespace {

constexpr const char kComponent[] = "namespace-controller";
constexpr const char kFinalizer[] = "kubernetes";

const api::KindInfo &kindOf(const google::protobuf::Descriptor *d)
{
    return *api::Scheme::builtin().byDescriptor(d);
}

client::WorkQueue::Options queueOptions()
{
    client::WorkQueue::Options o;
    o.name = "namespace";
    return o;
}

bool hasVerb(const api::KindInfo &kind, const std::string &verb)
{
    return std::find(kind.verbs.begin(), kind.verbs.end(), verb) != kind.verbs.end();
}

// "pods", "deployments.apps": upstream's GroupResource string.
std::string groupResource(const api::KindInfo &kind)
{
    return kind.group.empty() ? kind.resource : kind.resource + "." + kind.group;
}

std::string joined(const std::map<std::string, int> &counts, const std::string &middle)
{
    std::string out;
    for (const auto &[what, n] : counts)
        out +=
            (out.empty() ? "" : ", ") + what + middle + std::to_string(n) + " resource instances";
    return out;
}

struct ConditionValue
{
    const char *type;
    bool failed;
    std::string reason;
    std::string message;
};

} // namespace

NamespaceController::NamespaceController(client::Client &client, const Clock &clock,
                                         Options options)
    : m_client(client)
    , m_clock(clock)
    , m_options(options)
    , m_queue(clock, queueOptions())
    , m_namespaces(
          std::make_unique<client::Informer>(client, kindOf(core::Namespace::descriptor()), clock))
    , m_workers(
          m_queue, [this](const std::string &key) { return sync(key); },
          std::max(1, options.workers), kComponent)
{
    m_namespaces->addEventHandler(
        {[this](const client::ObjectPtr &o) { enqueue(o); },
         [this](const client::ObjectPtr &, const client::ObjectPtr &o) { enqueue(o); }, nullptr});
}

NamespaceController::~NamespaceController()
{
    stop();
}

void NamespaceController::start()
{
    if (m_started.exchange(true))
        return;
    m_namespaces->start();
    m_workers.start();
}

void NamespaceController::stop()
{
    if (m_stopped.exchange(true))
        return;
    m_namespaces->stop();
    m_queue.shutDown();
    m_workers.stop();
}

void NamespaceController::enqueue(const client::ObjectPtr &object)
{
    if (client::objectMeta(*object).has_deletion_timestamp())
        m_queue.add(client::objectMeta(*object).name());
}

Status NamespaceController::sync(const std::string &name)
{
    const api::KindInfo &nsKind = kindOf(core::Namespace::descriptor());
    // The live object, not the cache: acting on a stale namespace could
    // finalize one that was just recreated.
    Result<client::ObjectPtr> live = m_client.get(nsKind, "", name);
    if (!live)
        return live.status().code() == Status::Code::NotFound ? Status() : live.status();
    const auto &ns = static_cast<const core::Namespace &>(**live);
    if (!ns.metadata().has_deletion_timestamp())
        return {};
    const auto &finalizers = ns.spec().finalizers();
    if (std::find(finalizers.begin(), finalizers.end(), kFinalizer) == finalizers.end())
        return {};

    // Delete everything, then count what is left.
    std::map<std::string, int> remaining;      // resource -> objects
    std::map<std::string, int> finalizersLeft; // finalizer -> objects
    std::vector<std::string> deleteErrors;
    const Clock::Time now = m_clock.now();
    Clock::Duration estimate{};
    for (const api::KindInfo &kind : api::Scheme::builtin().kinds()) {
        if (!kind.namespaced || kind.resource.empty() || kind.subresourceOnly ||
            !kind.listDescriptor || !hasVerb(kind, "list") || !hasVerb(kind, "delete"))
            continue;
        Result<client::ListResult> items = m_client.list(kind, name);
        if (!items) {
            deleteErrors.push_back(groupResource(kind) + ": " + items.status().message());
            continue;
        }
        for (const client::ObjectPtr &item : items->items) {
            const meta::ObjectMeta &md = client::objectMeta(*item);
            client::ObjectPtr left = item;
            if (!md.has_deletion_timestamp()) {
                client::DeleteOptions o;
                o.propagationPolicy = "Background";
                o.preconditionUid = md.uid();
                Result<client::ObjectPtr> r = m_client.remove(kind, name, md.name(), o);
                if (!r) {
                    if (r.status().code() == Status::Code::NotFound)
                        continue;
                    deleteErrors.push_back(groupResource(kind) + ": " + r.status().message());
                } else if (!client::objectMeta(**r).has_deletion_timestamp()) {
                    continue; // gone
                } else {
                    left = *r;
                }
            }
            const meta::ObjectMeta &leftMd = client::objectMeta(*left);
            ++remaining[groupResource(kind)];
            for (const std::string &f : leftMd.finalizers())
                ++finalizersLeft[f];
            if (leftMd.has_deletion_timestamp()) {
                const Clock::Time until{
                    std::chrono::seconds(leftMd.deletion_timestamp().seconds())};
                if (until > now)
                    estimate = std::max(estimate, until - now);
            }
        }
    }

    const std::vector<ConditionValue> values = {
        {"NamespaceDeletionDiscoveryFailure", false, "ResourcesDiscovered",
         "All resources successfully discovered"},
        {"NamespaceDeletionGroupVersionParsingFailure", false, "ParsedGroupVersions",
         "All legacy kube types successfully parsed"},
        deleteErrors.empty()
            ? ConditionValue{"NamespaceDeletionContentFailure", false, "ContentDeleted",
                             "All content successfully deleted, may be waiting on finalization"}
            : ConditionValue{"NamespaceDeletionContentFailure", true, "ContentDeletionFailed",
                             "Failed to delete all resource types, " +
                                 std::to_string(deleteErrors.size()) +
                                 " remaining: " + deleteErrors.front()},
        remaining.empty()
            ? ConditionValue{"NamespaceContentRemaining", false, "ContentRemoved",
                             "All content successfully removed"}
            : ConditionValue{"NamespaceContentRemaining", true, "SomeResourcesRemain",
                             "Some resources are remaining: " + joined(remaining, " has ")},
        finalizersLeft.empty()
            ? ConditionValue{"NamespaceFinalizersRemaining", false, "ContentHasNoFinalizers",
                             "All content-preserving finalizers finished"}
            : ConditionValue{"NamespaceFinalizersRemaining", true, "SomeFinalizersRemain",
                             "Some content in the namespace has finalizers remaining: " +
                                 joined(finalizersLeft, " in ")},
    };
    core::Namespace updated(ns);
    bool changed = false;
    for (const ConditionValue &v : values) {
        core::NamespaceCondition *c = nullptr;
        for (core::NamespaceCondition &existing : *updated.mutable_status()->mutable_conditions())
            if (existing.type() == v.type)
                c = &existing;
        if (!c) {
            c = updated.mutable_status()->add_conditions();
            c->set_type(v.type);
        }
        const std::string status = v.failed ? "True" : "False";
        if (c->status() == status && c->reason() == v.reason && c->message() == v.message)
            continue;
        if (c->status() != status)
            c->mutable_last_transition_time()->set_seconds(m_clock.nowSeconds());
        c->set_status(status);
        c->set_reason(v.reason);
        c->set_message(v.message);
        changed = true;
    }
    if (changed) {
        client::WriteOptions o;
        o.subresource = "status";
        Result<client::ObjectPtr> r = m_client.update(nsKind, "", updated, o);
        if (!r)
            return r.status().code() == Status::Code::NotFound ? Status() : r.status();
        updated.CopyFrom(**r);
    }

    if (!deleteErrors.empty())
        return Status::unavailable("namespace " + name + ": " + deleteErrors.front());
    if (!remaining.empty()) {
        m_queue.addAfter(name, std::max<Clock::Duration>(estimate / 2, std::chrono::seconds(1)));
        return {};
    }

    core::Namespace finalized(updated);
    auto *fs = finalized.mutable_spec()->mutable_finalizers();
    fs->erase(std::remove(fs->begin(), fs->end(), kFinalizer), fs->end());
    client::WriteOptions o;
    o.subresource = "finalize";
    Result<client::ObjectPtr> r = m_client.update(nsKind, "", finalized, o);
    if (!r)
        return r.status().code() == Status::Code::NotFound ? Status() : r.status();
    return {};
}

} // namespace kubist::controllers
