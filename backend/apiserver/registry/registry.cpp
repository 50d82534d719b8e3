#include "registry.h"

#include "backend/api/encoding.h"
#include "backend/api/fieldselector.h"
#include "backend/api/jsoncodec.h"
#include "backend/api/labelselector.h"
#include "backend/api/protocodec.h"
#include "backend/api/yamlcodec.h"
#include "backend/apiserver/apply/fieldmanager.h"
#include "backend/apiserver/patch/jsonpatch.h"
#include "backend/apiserver/patch/mergepatch.h"
#include "backend/apiserver/patch/strategicmergepatch.h"
#include "backend/apiserver/registry/apierrors.h"
#include "backend/apiserver/registry/objectaccess.h"
#include "backend/apiserver/validation/defaults.h"
#include "backend/apiserver/validation/validation.h"
#include "backend/store/store.h"

#include "apps_v1.pb.h"
#include "autoscaling_v1.pb.h"
#include "core_v1.pb.h"
#include "discovery_v1.pb.h"
#include "policy_v1.pb.h"

#include <google/protobuf/message.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <set>
#include <unordered_map>

namespace kubist::apiserver {

using google::protobuf::Message;
namespace core = k8s::io::api::core::v1;
namespace apps = k8s::io::api::apps::v1;
namespace policy = k8s::io::api::policy::v1;
namespace autoscaling = k8s::io::api::autoscaling::v1;
namespace discovery = k8s::io::api::discovery::v1;

// Decoded objects shared between readers of the same key and revision, so
// many watchers of one object cost pointers, not copies.
class DecodeCache
{
public:
    client::ObjectPtr find(const std::string &key, int64_t revision)
    {
        std::lock_guard lock(m_mutex);
        auto it = m_entries.find(cacheKey(key, revision));
        return it == m_entries.end() ? nullptr : it->second.lock();
    }
    void insert(const std::string &key, int64_t revision, const client::ObjectPtr &object)
    {
        std::lock_guard lock(m_mutex);
        if (++m_inserts % 4096 == 0)
            std::erase_if(m_entries, [](const auto &e) { return e.second.expired(); });
        m_entries[cacheKey(key, revision)] = object;
    }

private:
    static std::string cacheKey(const std::string &key, int64_t revision)
    {
        return key + '@' + std::to_string(revision);
    }
    std::mutex m_mutex; // guards everything below
    std::unordered_map<std::string, std::weak_ptr<const Message>> m_entries;
    uint64_t m_inserts = 0;
};

struct Registry::Stored
{
    client::ObjectPtr object;
    int64_t modRevision = 0;
};

namespace {

constexpr int kMaxConflictRetries = 16;
const std::string kInitialEventsEnd = "k8s.io/initial-events-end";

std::string randomSuffix(size_t n)
{
    static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::string s;
    for (size_t i = 0; i < n; ++i)
        s += kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
    return s;
}

std::string newUid()
{
    thread_local std::mt19937_64 rng{std::random_device{}()};
    const uint64_t a = rng(), b = rng();
    char buf[37];
    std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", unsigned(a >> 32),
                  unsigned((a >> 16) & 0xFFFF), unsigned(a & 0xFFF),
                  unsigned(0x8000 | ((b >> 48) & 0x3FFF)),
                  static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFULL));
    return buf;
}

void setTime(meta::Time *t, int64_t seconds)
{
    t->set_seconds(seconds);
    t->set_nanos(0);
}

std::unique_ptr<Message> copyOf(const Message &m)
{
    std::unique_ptr<Message> c(m.New());
    c->CopyFrom(m);
    return c;
}

bool usesGeneration(const api::KindInfo &kind)
{
    return kind.kind == "Deployment" || kind.kind == "ReplicaSet" ||
           kind.kind == "PodDisruptionBudget";
}

bool hasStatusSubresource(const api::KindInfo &kind)
{
    return kind.subresource("status") != nullptr;
}

const std::set<std::string, std::less<>> &supportedFields(const api::KindInfo &kind)
{
    static const std::set<std::string, std::less<>> common{"metadata.name", "metadata.namespace"};
    static const std::set<std::string, std::less<>> pods{
        "metadata.name",      "metadata.namespace",      "spec.nodeName",    "spec.restartPolicy",
        "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase",
        "status.podIP",       "status.nominatedNodeName"};
    static const std::set<std::string, std::less<>> events{"metadata.name",
                                                           "metadata.namespace",
                                                           "involvedObject.kind",
                                                           "involvedObject.namespace",
                                                           "involvedObject.name",
                                                           "involvedObject.uid",
                                                           "involvedObject.apiVersion",
                                                           "involvedObject.resourceVersion",
                                                           "involvedObject.fieldPath",
                                                           "reason",
                                                           "reportingComponent",
                                                           "source",
                                                           "type"};
    static const std::set<std::string, std::less<>> nodes{"metadata.name", "spec.unschedulable"};
    static const std::set<std::string, std::less<>> namespaces{"metadata.name", "status.phase"};
    static const std::set<std::string, std::less<>> secrets{"metadata.name", "metadata.namespace",
                                                            "type"};
    static const std::set<std::string, std::less<>> replicasets{
        "metadata.name", "metadata.namespace", "status.replicas"};
    if (kind.kind == "Pod")
        return pods;
    if (kind.kind == "Event")
        return events;
    if (kind.kind == "Node")
        return nodes;
    if (kind.kind == "Namespace")
        return namespaces;
    if (kind.kind == "Secret")
        return secrets;
    if (kind.kind == "ReplicaSet")
        return replicasets;
    return common;
}

// The selectors of a list or watch, parsed once.
struct Filter
{
    api::LabelSelector labels;
    api::FieldSelector fields;
    bool trivial = true;

    bool matches(const Message &object) const
    {
        if (trivial)
            return true;
        const meta::ObjectMeta &m = metadata(object);
        if (!labels.isEmpty() && !labels.matches(m.labels()))
            return false;
        if (fields.isEmpty())
            return true;
        return fields.matches([&object](std::string_view field) -> std::optional<std::string> {
            if (field == "source")
                return fieldValue(object, "source.component");
            return fieldValue(object, field);
        });
    }
};

Result<Filter> makeFilter(const api::KindInfo &kind, const std::string &labelSelector,
                          const std::string &fieldSelector)
{
    Filter f;
    if (!labelSelector.empty()) {
        Result<api::LabelSelector> l = api::LabelSelector::parse(labelSelector);
        if (!l)
            return apierrors::badRequest("unable to parse requirement: " + l.status().message());
        f.labels = std::move(*l);
    }
    if (!fieldSelector.empty()) {
        Result<api::FieldSelector> s = api::FieldSelector::parse(fieldSelector);
        if (!s)
            return apierrors::badRequest(s.status().message());
        if (Status st = s->checkSupported(supportedFields(kind)); !st)
            return apierrors::badRequest(st.message());
        f.fields = std::move(*s);
    }
    f.trivial = f.labels.isEmpty() && f.fields.isEmpty();
    return f;
}

// Continue tokens, as Kubernetes encodes them: base64url (no padding) of
// {"v":"meta.k8s.io/v1","rv":<revision>,"start":"<next key>"}.
std::string encodeContinue(int64_t revision, const std::string &lastKeySuffix)
{
    std::string json = R"({"v":"meta.k8s.io/v1","rv":)" + std::to_string(revision) + R"(,"start":)";
    api::JsonCodec::appendQuoted(lastKeySuffix + '\0', json);
    json += '}';
    return api::base64RawUrlEncode(json);
}

bool decodeContinue(const std::string &token, int64_t *revision, std::string *start)
{
    std::string json;
    if (!api::base64RawUrlDecode(token, json))
        return false;
    // A tiny, strict reader for the three fields we wrote.
    const size_t rv = json.find("\"rv\":");
    const size_t st = json.find("\"start\":\"");
    if (json.find("\"v\":\"meta.k8s.io/v1\"") == std::string::npos || rv == std::string::npos ||
        st == std::string::npos)
        return false;
    *revision = std::strtoll(json.c_str() + rv + 5, nullptr, 10);
    std::string s;
    for (size_t i = st + 9; i < json.size() && json[i] != '"'; ++i) {
        if (json[i] == '\\' && i + 1 < json.size()) {
            ++i;
            if (json[i] == 'u' && i + 4 < json.size()) {
                s += char(std::strtol(json.substr(i + 1, 4).c_str(), nullptr, 16));
                i += 4;
                continue;
            }
        }
        s += json[i];
    }
    if (!s.empty() && s.back() == '\0')
        s.pop_back();
    *start = s;
    return *revision > 0;
}

Status storeError(const Status &s)
{
    if (s.code() == Status::Code::Unavailable)
        return Status::unavailable("etcdserver: the store is not available (" + s.message() + ")");
    return s;
}

class RegistryWatch final : public client::WatchHandle
{
public:
    std::unique_ptr<store::Watch> storeWatch;
    void stop() override
    {
        if (storeWatch)
            storeWatch->cancel();
    }
    ~RegistryWatch() override { stop(); }
};

client::WriteOptions statusSubresource()
{
    client::WriteOptions o;
    o.subresource = "status";
    return o;
}

bool isPodTerminal(const core::Pod &pod)
{
    return pod.status().phase() == "Succeeded" || pod.status().phase() == "Failed";
}

} // namespace

Registry::Registry(store::Store &store, const Clock &clock, Options options)
    : m_store(store)
    , m_clock(clock)
    , m_options(options)
    , m_decodeCache(std::make_unique<DecodeCache>())
{}

Registry::~Registry() = default;

std::string Registry::prefix(const api::KindInfo &kind, const std::string &ns)
{
    std::string p = "/registry/" + (kind.group.empty() ? std::string("core") : kind.group) + "/" +
                    kind.resource + "/";
    if (kind.namespaced && !ns.empty())
        p += ns + "/";
    return p;
}

std::string Registry::key(const api::KindInfo &kind, const std::string &ns, const std::string &name)
{
    return prefix(kind, kind.namespaced ? ns : std::string()) + name;
}

client::ObjectPtr Registry::decode(const api::KindInfo &kind, const store::KeyValue &kv)
{
    if (client::ObjectPtr cached = m_decodeCache->find(kv.key, kv.modRevision))
        return cached;
    std::unique_ptr<Message> m = api::Scheme::newMessage(kind.descriptor);
    if (!api::ProtobufCodec::decode(kv.value, m.get()))
        return nullptr;
    if (meta::ObjectMeta *md = mutableMetadata(m.get()))
        md->set_resource_version(std::to_string(kv.modRevision));
    client::ObjectPtr shared(std::move(m));
    m_decodeCache->insert(kv.key, kv.modRevision, shared);
    return shared;
}

Result<Registry::Stored> Registry::read(const api::KindInfo &kind, const std::string &ns,
                                        const std::string &name, int64_t revision)
{
    store::RangeRequest req;
    req.key = key(kind, ns, name);
    req.revision = revision;
    Result<store::RangeResult> r = m_store.range(req);
    if (!r) {
        if (r.status().code() == Status::Code::Compacted)
            return apierrors::gone("too old resource version: " + std::to_string(revision));
        return storeError(r.status());
    }
    if (r->kvs.empty())
        return apierrors::notFound(kind, name);
    client::ObjectPtr obj = decode(kind, r->kvs.front());
    if (!obj)
        return Status::dataLoss("stored object " + req.key + " cannot be decoded");
    return Stored{std::move(obj), r->kvs.front().modRevision};
}

Result<client::ObjectPtr> Registry::get(const api::KindInfo &kind, const std::string &ns,
                                        const std::string &name, const client::GetOptions &)
{
    Result<Stored> s = read(kind, ns, name);
    if (!s)
        return s.status();
    return s->object;
}

Result<client::ListResult> Registry::list(const api::KindInfo &kind, const std::string &ns,
                                          const client::ListOptions &options)
{
    Result<Filter> filter = makeFilter(kind, options.labelSelector, options.fieldSelector);
    if (!filter)
        return filter.status();
    const std::string pfx = prefix(kind, ns);
    int64_t revision = 0;
    std::string after;
    if (!options.continueToken.empty()) {
        std::string start;
        if (!decodeContinue(options.continueToken, &revision, &start))
            return apierrors::badRequest("continue key is not valid: invalid continue token");
        after = pfx + start;
    } else if (!options.resourceVersion.empty() && options.resourceVersion != "0" &&
               options.resourceVersionMatch == "Exact") {
        revision = std::strtoll(options.resourceVersion.c_str(), nullptr, 10);
        if (revision <= 0)
            return apierrors::badRequest("invalid resource version: " + options.resourceVersion);
    }

    client::ListResult result;
    const int64_t limit = options.limit > 0 ? options.limit : 0;
    while (true) {
        store::RangeRequest req;
        req.key = pfx;
        req.prefix = true;
        req.revision = revision;
        req.after = after;
        req.limit = limit > 0 ? std::max<int64_t>(limit - int64_t(result.items.size()), 1) : 0;
        if (limit > 0 && !filter->trivial)
            req.limit = std::max<int64_t>(req.limit, 256);
        Result<store::RangeResult> r = m_store.range(req);
        if (!r) {
            if (r.status().code() == Status::Code::Compacted)
                return apierrors::gone(
                    options.continueToken.empty()
                        ? "too old resource version: " + std::to_string(revision)
                        : "The provided continue parameter is too old to display a consistent "
                          "list result. You can start a new list without the continue "
                          "parameter, or use the continue token in this response to retrieve "
                          "the remainder of the results. Continuing with the provided token "
                          "results in an inconsistent list - objects that were created, "
                          "modified, or deleted between the time the first chunk was returned "
                          "and now may show up in the list.");
            return storeError(r.status());
        }
        revision = r->revision;
        for (const store::KeyValue &kv : r->kvs) {
            after = kv.key;
            client::ObjectPtr obj = decode(kind, kv);
            if (!obj)
                return Status::dataLoss("stored object " + kv.key + " cannot be decoded");
            if (!filter->matches(*obj))
                continue;
            result.items.push_back(std::move(obj));
            if (limit > 0 && int64_t(result.items.size()) >= limit)
                break;
        }
        const bool full = limit > 0 && int64_t(result.items.size()) >= limit;
        const bool keysRemain = r->more || (full && after != r->kvs.back().key);
        if (full) {
            if (keysRemain || r->more)
                result.continueToken = encodeContinue(revision, after.substr(pfx.size()));
            if (filter->trivial && !result.continueToken.empty())
                result.remainingItemCount = r->count - int64_t(result.items.size());
            break;
        }
        if (!r->more)
            break;
    }
    result.resourceVersion = std::to_string(revision);
    if (!options.continueToken.empty())
        result.remainingItemCount.reset();
    return result;
}

Result<std::unique_ptr<client::WatchHandle>> Registry::watch(const api::KindInfo &kind,
                                                             const std::string &ns,
                                                             const client::WatchOptions &options,
                                                             client::WatchCallbacks callbacks)
{
    Result<Filter> filterResult = makeFilter(kind, options.labelSelector, options.fieldSelector);
    if (!filterResult)
        return filterResult.status();
    auto filter = std::make_shared<const Filter>(std::move(*filterResult));
    const std::string pfx = prefix(kind, ns);
    const bool initial = options.resourceVersion.empty() || options.resourceVersion == "0" ||
                         options.sendInitialEvents;
    if (options.sendInitialEvents && options.resourceVersionMatch != "NotOlderThan")
        return apierrors::badRequest(
            "resourceVersionMatch: Forbidden: sendInitialEvents requires setting "
            "resourceVersionMatch to NotOlderThan");
    if (options.sendInitialEvents && !options.allowBookmarks)
        return apierrors::badRequest("allowWatchBookmarks: Forbidden: sendInitialEvents requires "
                                     "setting allowWatchBookmarks to true");

    auto bookmark = [&kind](int64_t revision, bool initialEnd) {
        std::unique_ptr<Message> m = api::Scheme::newMessage(kind.descriptor);
        meta::ObjectMeta *md = mutableMetadata(m.get());
        md->set_resource_version(std::to_string(revision));
        if (initialEnd)
            (*md->mutable_annotations())[kInitialEventsEnd] = "true";
        client::WatchEvent e;
        e.type = client::WatchEvent::Type::Bookmark;
        e.object = client::ObjectPtr(std::move(m));
        return e;
    };

    int64_t startRevision = 0;
    if (initial) {
        // The current state as ADDED events, then every change after it.
        client::ListOptions lo;
        lo.labelSelector = options.labelSelector;
        lo.fieldSelector = options.fieldSelector;
        Result<client::ListResult> current = list(kind, ns, lo);
        if (!current)
            return current.status();
        const int64_t revision = std::strtoll(current->resourceVersion.c_str(), nullptr, 10);
        for (client::ObjectPtr &obj : current->items)
            callbacks.onEvent({client::WatchEvent::Type::Added, std::move(obj), {}});
        if (options.sendInitialEvents)
            callbacks.onEvent(bookmark(revision, true));
        startRevision = revision + 1;
    } else {
        const int64_t rv = std::strtoll(options.resourceVersion.c_str(), nullptr, 10);
        if (rv <= 0)
            return apierrors::badRequest("invalid resource version: " + options.resourceVersion);
        startRevision = rv + 1;
    }

    store::WatchRequest req;
    req.key = pfx;
    req.prefix = true;
    req.startRevision = startRevision;
    req.progressNotifyIntervalMs = options.allowBookmarks ? 5000 : 0;
    const api::KindInfo *k = &kind;
    const bool bookmarks = options.allowBookmarks;
    auto onEvent = std::make_shared<std::function<void(client::WatchEvent)>>(callbacks.onEvent);
    auto handle = std::make_unique<RegistryWatch>();
    handle->storeWatch = m_store.watch(req, [this, k, filter, onEvent, bookmarks, bookmark,
                                             startRevision](store::WatchResponse resp) {
        if (!resp.canceled.isOk()) {
            client::WatchEvent e;
            e.type = client::WatchEvent::Type::Error;
            if (resp.canceled.code() == Status::Code::Compacted)
                e.error = apierrors::gone(
                    "too old resource version: " + std::to_string(startRevision - 1) + " (" +
                    std::to_string(resp.compactRevision) + ")");
            else
                e.error = storeError(resp.canceled);
            (*onEvent)(std::move(e));
            return;
        }
        if (resp.progressNotify) {
            if (bookmarks)
                (*onEvent)(bookmark(resp.revision, false));
            return;
        }
        for (const store::Event &ev : resp.events) {
            using T = client::WatchEvent::Type;
            if (ev.type == store::Event::Type::Delete) {
                store::KeyValue prev = ev.prevKv;
                client::ObjectPtr old = decode(*k, prev);
                if (!old || !filter->matches(*old))
                    continue;
                std::unique_ptr<Message> gone = copyOf(*old);
                mutableMetadata(gone.get())
                    ->set_resource_version(std::to_string(ev.kv.modRevision));
                (*onEvent)({T::Deleted, client::ObjectPtr(std::move(gone)), {}});
                continue;
            }
            client::ObjectPtr now = decode(*k, ev.kv);
            if (!now)
                continue;
            const bool created = ev.prevKv.key.empty();
            const bool nowMatches = filter->matches(*now);
            if (created || filter->trivial) {
                if (nowMatches)
                    (*onEvent)({created ? T::Added : T::Modified, std::move(now), {}});
                continue;
            }
            client::ObjectPtr old = decode(*k, ev.prevKv);
            const bool oldMatches = old && filter->matches(*old);
            if (oldMatches && nowMatches)
                (*onEvent)({T::Modified, std::move(now), {}});
            else if (nowMatches)
                (*onEvent)({T::Added, std::move(now), {}});
            else if (oldMatches)
                (*onEvent)({T::Deleted, std::move(now), {}});
        }
    });
    return std::unique_ptr<client::WatchHandle>(std::move(handle));
}

Status Registry::checkNamespace(const api::KindInfo &kind, const std::string &ns)
{
    if (!kind.namespaced)
        return {};
    if (ns.empty())
        return apierrors::badRequest("the namespace of the object is missing");
    const api::KindInfo &nsKind = *api::Scheme::builtin().byResource("", "namespaces");
    Result<Stored> s = read(nsKind, "", ns);
    if (!s)
        return s.status();
    const auto &nsObj = static_cast<const core::Namespace &>(*s->object);
    if (nsObj.metadata().has_deletion_timestamp())
        return Status::permissionDenied("unable to create new content in namespace " + ns +
                                        " because it is being terminated");
    return {};
}

Status Registry::allocateServiceAddresses(Message *object)
{
    auto *svc = static_cast<core::Service *>(object);
    auto *spec = svc->mutable_spec();
    std::lock_guard lock(m_allocation);
    const bool needsIp = spec->type() != "ExternalName" && spec->cluster_ip().empty();
    const bool needsPorts = spec->type() == "NodePort" || spec->type() == "LoadBalancer";
    if (!needsIp && !needsPorts)
        return {};
    const api::KindInfo &kind = *api::Scheme::builtin().byResource("", "services");
    Result<client::ListResult> all = list(kind, "");
    if (!all)
        return all.status();
    std::set<std::string> usedIps;
    std::set<int32_t> usedPorts;
    for (const client::ObjectPtr &o : all->items) {
        const auto &s = static_cast<const core::Service &>(*o);
        usedIps.insert(s.spec().cluster_ip());
        for (const auto &p : s.spec().ports())
            if (p.node_port())
                usedPorts.insert(p.node_port());
    }
    if (needsIp) {
        const uint32_t size = 1u << (32 - m_options.serviceRangeBits);
        thread_local std::mt19937 rng{std::random_device{}()};
        for (int attempt = 0; attempt < 4096; ++attempt) {
            const uint32_t offset = 2 + rng() % (size - 3); // .0 network, .1 kubernetes
            const uint32_t ip = m_options.serviceRangeBase + offset;
            const std::string text =
                std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 255) + "." +
                std::to_string((ip >> 8) & 255) + "." + std::to_string(ip & 255);
            if (usedIps.count(text))
                continue;
            spec->set_cluster_ip(text);
            spec->clear_cluster_ips();
            spec->add_cluster_ips(text);
            break;
        }
        if (spec->cluster_ip().empty())
            return Status::internal("failed to allocate a serviceIP: range is full");
    } else if (spec->cluster_ips_size() == 0 && !spec->cluster_ip().empty()) {
        spec->add_cluster_ips(spec->cluster_ip());
    }
    if (needsPorts) {
        int32_t next = 30000;
        for (auto &p : *spec->mutable_ports()) {
            if (p.node_port())
                continue;
            while (usedPorts.count(next))
                ++next;
            if (next > 32767)
                return Status::internal("failed to allocate a nodePort: range is full");
            p.set_node_port(next);
            usedPorts.insert(next++);
        }
    }
    return {};
}

Status Registry::admitCreate(const api::KindInfo &kind, const std::string &ns, Message *object)
{
    meta::ObjectMeta *md = mutableMetadata(object);
    if (kind.namespaced)
        md->set_namespace_(ns);
    else
        md->clear_namespace_();
    if (md->name().empty() && !md->generate_name().empty())
        md->set_name(md->generate_name() + randomSuffix(5));
    md->set_uid(newUid());
    setTime(md->mutable_creation_timestamp(), m_clock.nowSeconds());
    md->clear_deletion_timestamp();
    md->clear_deletion_grace_period_seconds();
    md->clear_resource_version();
    md->clear_self_link();
    if (usesGeneration(kind))
        md->set_generation(1);
    else
        md->clear_generation();

    // What each kind's create strategy resets.
    if (kind.kind == "Pod") {
        auto *pod = static_cast<core::Pod *>(object);
        pod->clear_status();
        pod->mutable_status()->set_phase("Pending");
    } else if (kind.kind == "Deployment" || kind.kind == "ReplicaSet" ||
               kind.kind == "PodDisruptionBudget" || kind.kind == "Namespace" ||
               kind.kind == "Fault") {
        copyTopLevelField(*api::Scheme::newMessage(kind.descriptor), object, "status");
    } else if (kind.kind == "Service") {
        static_cast<core::Service *>(object)->clear_status();
    }

    applyDefaults(kind, object);
    if (kind.kind == "Namespace") {
        auto *n = static_cast<core::Namespace *>(object);
        const auto &fs = n->spec().finalizers();
        if (std::find(fs.begin(), fs.end(), "kubernetes") == fs.end())
            n->mutable_spec()->add_finalizers("kubernetes");
    }
    if (kind.kind == "Pod") {
        auto *pod = static_cast<core::Pod *>(object);
        addDefaultTolerations(pod, m_options.notReadyTolerationSeconds,
                              m_options.unreachableTolerationSeconds);
        pod->mutable_status()->set_qos_class(podQosClass(*pod));
    }
    if (kind.kind == "Service")
        if (Status s = allocateServiceAddresses(object); !s)
            return s;
    return {};
}

Result<client::ObjectPtr> Registry::write(const api::KindInfo &kind, const std::string &ns,
                                          const std::string &name, const Message &object,
                                          int64_t expectedModRevision, bool create)
{
    const std::string k = key(kind, ns, name);
    std::unique_ptr<Message> toStore = copyOf(object);
    mutableMetadata(toStore.get())->clear_resource_version();
    std::string bytes = api::ProtobufCodec::encode(*toStore, kind.typeMeta());
    store::WriteResult w = create ? m_store.create(k, std::move(bytes))
                                  : m_store.update(k, std::move(bytes), expectedModRevision);
    if (!w.status) {
        switch (w.status.code()) {
        case Status::Code::AlreadyExists:
            return apierrors::alreadyExists(kind, name);
        case Status::Code::NotFound:
            return apierrors::notFound(kind, name);
        case Status::Code::Conflict:
            return apierrors::conflict(kind, name,
                                       "the object has been modified; please apply your changes "
                                       "to the latest version and try again");
        default:
            return storeError(w.status);
        }
    }
    return decode(kind, w.kv);
}

Result<client::ObjectPtr> Registry::create(const RequestContext &ctx, const api::KindInfo &kind,
                                           const std::string &ns, std::unique_ptr<Message> object,
                                           const client::WriteOptions &options)
{
    return createObject(ctx, kind, ns, std::move(object), options, {});
}

Result<client::ObjectPtr> Registry::createObject(const RequestContext &ctx,
                                                 const api::KindInfo &kind, const std::string &ns,
                                                 std::unique_ptr<Message> object,
                                                 const client::WriteOptions &options,
                                                 FieldsRecord fields)
{
    if (!object || object->GetDescriptor() != kind.descriptor)
        return apierrors::badRequest("the body is not a " + kind.kind);
    if (kind.listDescriptor == nullptr)
        return Status::methodNotAllowed("the server does not allow this method on the requested "
                                        "resource");
    meta::ObjectMeta *md = mutableMetadata(object.get());
    if (kind.namespaced && !md->namespace_().empty() && !ns.empty() && md->namespace_() != ns)
        return apierrors::badRequest("the namespace of the provided object does not match the "
                                     "namespace sent on the request");
    const std::string objectNs = kind.namespaced ? (ns.empty() ? md->namespace_() : ns) : "";
    if (!md->resource_version().empty())
        return apierrors::badRequest("resourceVersion should not be set on objects to be created");
    if (kind.kind != "Namespace")
        if (Status s = checkNamespace(kind, objectNs); !s) {
            if (s.code() == Status::Code::PermissionDenied)
                return apierrors::forbidden(kind, md->name(), s.message());
            return s;
        }
    const bool generated = md->name().empty() && !md->generate_name().empty();
    for (int attempt = 0;; ++attempt) {
        if (Status s = admitCreate(kind, objectNs, object.get()); !s)
            return s;
        if (fields.record && attempt == 0)
            apply::FieldManager(kind, fields.subresource ? fields.subresource : "")
                .update(
                    nullptr, object.get(),
                    apply::FieldManager::managerFor(options.fieldManager, ctx.userAgent, ctx.user),
                    m_clock.nowSeconds());
        FieldErrors errors = validateCreate(kind, *object);
        if (errors.empty()) {
            CreateAdmission check;
            {
                std::lock_guard lock(m_mutex);
                if (auto it = m_admission.find(kind.kind); it != m_admission.end())
                    check = it->second;
            }
            if (check)
                errors = check(*object);
        }
        if (!errors.empty())
            return apierrors::invalid(kind, mutableMetadata(object.get())->name(), errors);
        const std::string name = mutableMetadata(object.get())->name();
        if (options.dryRun) {
            return client::ObjectPtr(std::move(object));
        }
        Result<client::ObjectPtr> r = write(kind, objectNs, name, *object, 0, true);
        if (!r && generated && r.status().code() == Status::Code::AlreadyExists && attempt < 8) {
            mutableMetadata(object.get())->clear_name();
            continue;
        }
        return r;
    }
}

Result<client::ObjectPtr>
Registry::updateStored(const RequestContext &ctx, const api::KindInfo &kind, const std::string &ns,
                       const std::string &name, std::unique_ptr<Message> object,
                       const client::WriteOptions &options, const Stored *current, bool validate,
                       FieldsRecord fields)
{
    const Message &old = *current->object;
    const meta::ObjectMeta &oldMd = metadata(old);
    meta::ObjectMeta *md = mutableMetadata(object.get());
    if (!md->resource_version().empty() &&
        md->resource_version() != std::to_string(current->modRevision))
        return apierrors::conflict(kind, name,
                                   "the object has been modified; please apply your changes to "
                                   "the latest version and try again");
    if (md->name().empty())
        md->set_name(name);
    if (md->name() != name)
        return apierrors::badRequest("the name of the object (" + md->name() +
                                     ") does not match the name on the URL (" + name + ")");
    if (kind.namespaced && !md->namespace_().empty() && md->namespace_() != ns)
        return apierrors::badRequest("the namespace of the provided object does not match the "
                                     "namespace sent on the request");

    // Server-side apply computed the ledger; keep it whatever part is written.
    google::protobuf::RepeatedPtrField<meta::ManagedFieldsEntry> appliedFields;
    if (!fields.record)
        appliedFields = md->managed_fields();
    const bool statusUpdate = options.subresource == "status";
    if (statusUpdate) {
        // Only status changes through the status subresource.
        std::unique_ptr<Message> merged = copyOf(old);
        copyTopLevelField(*object, merged.get(), "status");
        object = std::move(merged);
        md = mutableMetadata(object.get());
    } else {
        // pods/binding sets spec and status in one write, as upstream's.
        if (hasStatusSubresource(kind) && options.subresource != "binding")
            copyTopLevelField(old, object.get(), "status");
        // System fields the client cannot change.
        md->set_uid(oldMd.uid());
        *md->mutable_creation_timestamp() = oldMd.creation_timestamp();
        if (oldMd.has_deletion_timestamp())
            *md->mutable_deletion_timestamp() = oldMd.deletion_timestamp();
        else
            md->clear_deletion_timestamp();
        if (oldMd.has_deletion_grace_period_seconds())
            md->set_deletion_grace_period_seconds(oldMd.deletion_grace_period_seconds());
        else
            md->clear_deletion_grace_period_seconds();
        md->clear_generate_name();
        if (!oldMd.generate_name().empty())
            md->set_generate_name(oldMd.generate_name());
        if (kind.namespaced)
            md->set_namespace_(ns);
        if (usesGeneration(kind)) {
            md->set_generation(oldMd.generation());
            if (serializedField(*object, "spec") != serializedField(old, "spec"))
                md->set_generation(oldMd.generation() + 1);
        }
        applyDefaults(kind, object.get());
    }
    md->set_resource_version(oldMd.resource_version());
    if (fields.record)
        apply::FieldManager(kind, fields.subresource ? fields.subresource : options.subresource)
            .update(&old, object.get(),
                    apply::FieldManager::managerFor(options.fieldManager, ctx.userAgent, ctx.user),
                    m_clock.nowSeconds());
    else
        *md->mutable_managed_fields() = std::move(appliedFields);

    FieldErrors errors;
    if (validate)
        errors = statusUpdate ? validateStatusUpdate(kind, *object, old)
                              : validateUpdate(kind, *object, old);
    if (!errors.empty())
        return apierrors::invalid(kind, name, errors);

    // The last finalizer removed from an object being deleted: delete it.
    if (md->has_deletion_timestamp() && md->finalizers_size() == 0 &&
        !(kind.kind == "Namespace" &&
          static_cast<const core::Namespace &>(*object).spec().finalizers_size() > 0) &&
        !(kind.kind == "Pod" && oldMd.deletion_grace_period_seconds() > 0)) {
        if (options.dryRun)
            return client::ObjectPtr(std::move(object));
        return deleteNow(kind, ns, name, current->modRevision);
    }
    // A write that changes nothing is not a write (the revision stays).
    if (api::ProtobufCodec::serialize(*object) == api::ProtobufCodec::serialize(old))
        return current->object;
    if (options.dryRun)
        return client::ObjectPtr(std::move(object));
    return write(kind, ns, name, *object, current->modRevision, false);
}

Result<client::ObjectPtr> Registry::update(const RequestContext &ctx, const api::KindInfo &kind,
                                           const std::string &ns, const std::string &name,
                                           std::unique_ptr<Message> object,
                                           const client::WriteOptions &options)
{
    if (options.subresource == "scale") {
        if (!object || object->GetDescriptor() != autoscaling::Scale::descriptor())
            return apierrors::badRequest("the body is not an autoscaling/v1 Scale");
        const auto &scale = static_cast<const autoscaling::Scale &>(*object);
        const std::string rv = scale.metadata().resource_version();
        const int32_t replicas = scale.spec().replicas();
        client::WriteOptions o = options;
        o.subresource.clear();
        Result<client::ObjectPtr> r = guaranteedUpdate(
            ctx, kind, ns, name, o,
            [&](Message *obj) -> Status {
                if (!rv.empty() && rv != metadata(*obj).resource_version())
                    return apierrors::conflict(kind, name,
                                               "the object has been modified; please apply your "
                                               "changes to the latest version and try again");
                if (kind.kind == "Deployment")
                    static_cast<apps::Deployment *>(obj)->mutable_spec()->set_replicas(replicas);
                else
                    static_cast<apps::ReplicaSet *>(obj)->mutable_spec()->set_replicas(replicas);
                return {};
            },
            true, {true, "scale"});
        if (!r)
            return r.status();
        return getSubresource(kind, ns, name, "scale");
    }
    if (!object || object->GetDescriptor() != kind.descriptor)
        return apierrors::badRequest("the body is not a " + kind.kind);
    if (options.subresource == "finalize" && kind.kind == "Namespace") {
        client::WriteOptions o = options;
        o.subresource.clear();
        const auto finalizers = static_cast<const core::Namespace &>(*object).spec().finalizers();
        return guaranteedUpdate(ctx, kind, ns, name, o, [&](Message *obj) -> Status {
            auto *n = static_cast<core::Namespace *>(obj);
            *n->mutable_spec()->mutable_finalizers() = finalizers;
            return {};
        });
    }
    if (!options.subresource.empty() && options.subresource != "status")
        return Status::methodNotAllowed("the server does not allow this method on the requested "
                                        "resource");
    Result<Stored> current = read(kind, ns, name);
    if (!current) {
        // Endpoints and Leases may be created by an update, as upstream allows.
        if (current.status().code() == Status::Code::NotFound && options.subresource.empty() &&
            (kind.kind == "Endpoints" || kind.kind == "Lease"))
            return create(ctx, kind, ns, std::move(object), options);
        return current.status();
    }
    return updateStored(ctx, kind, ns, name, std::move(object), options, &*current);
}

Result<client::ObjectPtr> Registry::guaranteedUpdate(const RequestContext &ctx,
                                                     const api::KindInfo &kind,
                                                     const std::string &ns, const std::string &name,
                                                     const client::WriteOptions &options,
                                                     const std::function<Status(Message *)> &mutate,
                                                     bool validate, FieldsRecord fields)
{
    for (int attempt = 0; attempt < kMaxConflictRetries; ++attempt) {
        Result<Stored> current = read(kind, ns, name);
        if (!current)
            return current.status();
        std::unique_ptr<Message> next = copyOf(*current->object);
        if (Status s = mutate(next.get()); !s)
            return s;
        // The mutation was computed from this revision: it is the precondition.
        mutableMetadata(next.get())->set_resource_version(std::to_string(current->modRevision));
        Result<client::ObjectPtr> r = updateStored(ctx, kind, ns, name, std::move(next), options,
                                                   &*current, validate, fields);
        if (!r && r.status().code() == Status::Code::Conflict)
            continue;
        return r;
    }
    return apierrors::conflict(kind, name, "too many concurrent updates; try again");
}

Result<client::ObjectPtr> Registry::patch(const RequestContext &ctx, const api::KindInfo &kind,
                                          const std::string &ns, const std::string &name,
                                          client::PatchType type, const std::string &patchBody,
                                          const client::WriteOptions &options, bool *created)
{
    if (created)
        *created = false;
    if (type == client::PatchType::Apply)
        return applyPatch(ctx, kind, ns, name, patchBody, options, created);
    const bool scale = options.subresource == "scale";
    const api::KindInfo *scaleKind = api::Scheme::builtin().byKind("autoscaling/v1", "Scale");
    for (int attempt = 0; attempt < kMaxConflictRetries; ++attempt) {
        client::ObjectPtr current;
        if (scale) {
            Result<client::ObjectPtr> s = getSubresource(kind, ns, name, "scale");
            if (!s)
                return s.status();
            current = *s;
        } else {
            Result<Stored> s = read(kind, ns, name);
            if (!s)
                return s.status();
            current = s->object;
        }
        const api::KindInfo &bodyKind = scale ? *scaleKind : kind;
        const std::string original = api::JsonCodec::encode(*current, {bodyKind.typeMeta()});
        Result<std::string> patched = [&]() -> Result<std::string> {
            switch (type) {
            case client::PatchType::Json:
                return applyJsonPatch(original, patchBody);
            case client::PatchType::Merge:
                return applyMergePatch(original, patchBody);
            case client::PatchType::StrategicMerge:
                return applyStrategicMergePatch(original, patchBody, bodyKind.descriptor);
            case client::PatchType::Apply:
                break;
            }
            return Status::unsupported("unsupported patch type");
        }();
        if (!patched)
            return patched.status().code() == Status::Code::InvalidArgument
                       ? patched.status()
                       : apierrors::badRequest(patched.status().message());
        std::unique_ptr<Message> next = api::Scheme::newMessage(bodyKind.descriptor);
        api::JsonDecodeOptions decodeOptions;
        decodeOptions.strict = options.fieldValidation == "Strict";
        api::JsonDecodeReport report;
        api::TypeMeta tm;
        if (Status s = api::JsonCodec::decode(*patched, next.get(), decodeOptions, &tm, &report);
            !s)
            return decodeOptions.strict
                       ? apierrors::badRequest("strict decoding error: " + s.message())
                       : apierrors::badRequest(s.message());
        if (ctx.warnings && options.fieldValidation != "Ignore")
            for (const std::string &w : report.warnings)
                ctx.warnings->push_back(w);
        // The patch may not move the object: its resourceVersion, if the
        // patch set one, is a precondition; otherwise the one it was read at.
        meta::ObjectMeta *md = mutableMetadata(next.get());
        if (md->resource_version().empty())
            md->set_resource_version(metadata(*current).resource_version());
        Result<client::ObjectPtr> r = update(ctx, kind, ns, name, std::move(next), options);
        if (!r && r.status().code() == Status::Code::Conflict &&
            metadata(*current).resource_version() != "" &&
            patchBody.find("\"resourceVersion\"") == std::string::npos)
            continue;
        return r;
    }
    return apierrors::conflict(kind, name, "too many concurrent updates; try again");
}

Result<client::ObjectPtr> Registry::applyPatch(const RequestContext &ctx, const api::KindInfo &kind,
                                               const std::string &ns, const std::string &name,
                                               const std::string &body,
                                               const client::WriteOptions &options, bool *created)
{
    if (options.fieldManager.empty())
        return apierrors::badRequest("PATCH " + kind.resource + "/" + name +
                                     ": fieldManager is required for apply requests");
    if (!options.subresource.empty() && options.subresource != "status")
        return Status::methodNotAllowed("the server does not allow this method on the requested "
                                        "resource");
    Result<std::string> json = api::YamlCodec::toJson(body);
    if (!json)
        return apierrors::badRequest("error decoding YAML: " + json.status().message());
    const apply::FieldManager manager(kind, options.subresource);
    apply::FieldManager::ApplyOptions applyOptions;
    applyOptions.manager = options.fieldManager;
    applyOptions.force = options.force;
    auto applyError = [](const Status &s) {
        return s.code() == Status::Code::InvalidArgument ? apierrors::badRequest(s.message()) : s;
    };
    for (int attempt = 0; attempt < kMaxConflictRetries; ++attempt) {
        applyOptions.now = m_clock.nowSeconds();
        Result<Stored> current = read(kind, ns, name);
        if (!current && current.status().code() != Status::Code::NotFound)
            return current.status();
        if (!current && !options.subresource.empty())
            return current.status();
        Result<std::unique_ptr<Message>> applied =
            manager.apply(current ? current->object.get() : nullptr, *json, applyOptions);
        if (!applied)
            return applyError(applied.status());
        std::unique_ptr<Message> next = std::move(*applied);
        meta::ObjectMeta *md = mutableMetadata(next.get());
        if (md->name().empty())
            md->set_name(name);
        if (md->name() != name)
            return apierrors::badRequest("the name of the object (" + md->name() +
                                         ") does not match the name on the URL (" + name + ")");
        Result<client::ObjectPtr> r = [&]() -> Result<client::ObjectPtr> {
            if (!current) {
                // An apply of a missing object creates it.
                md->clear_resource_version();
                return createObject(ctx, kind, ns, std::move(next), options, {false, nullptr});
            }
            md->set_resource_version(std::to_string(current->modRevision));
            return updateStored(ctx, kind, ns, name, std::move(next), options, &*current, true,
                                {false, nullptr});
        }();
        if (r && created)
            *created = !current;
        // Someone else wrote (or created) it meanwhile: apply again over theirs.
        if (!r && (r.status().code() == Status::Code::Conflict ||
                   (!current && r.status().code() == Status::Code::AlreadyExists)))
            continue;
        return r;
    }
    return apierrors::conflict(kind, name, "too many concurrent updates; try again");
}

Result<client::ObjectPtr> Registry::deleteNow(const api::KindInfo &kind, const std::string &ns,
                                              const std::string &name, int64_t modRevision)
{
    store::WriteResult w = m_store.remove(key(kind, ns, name), modRevision);
    if (!w.status) {
        if (w.status.code() == Status::Code::NotFound)
            return apierrors::notFound(kind, name);
        if (w.status.code() == Status::Code::Conflict)
            return apierrors::conflict(kind, name,
                                       "the object has been modified; please apply your changes "
                                       "to the latest version and try again");
        return storeError(w.status);
    }
    client::ObjectPtr obj = decode(kind, w.kv);
    if (!obj)
        return Status::dataLoss("deleted object cannot be decoded");
    std::unique_ptr<Message> gone = copyOf(*obj);
    mutableMetadata(gone.get())->set_resource_version(std::to_string(w.revision));
    return client::ObjectPtr(std::move(gone));
}

Result<client::ObjectPtr> Registry::remove(const RequestContext &, const api::KindInfo &kind,
                                           const std::string &ns, const std::string &name,
                                           const client::DeleteOptions &options)
{
    if (kind.kind == "Namespace" &&
        (name == "default" || name == "kube-system" || name == "kube-public"))
        return apierrors::forbidden(kind, name, "this namespace may not be deleted");
    for (int attempt = 0; attempt < kMaxConflictRetries; ++attempt) {
        Result<Stored> current = read(kind, ns, name);
        if (!current)
            return current.status();
        const Message &obj = *current->object;
        const meta::ObjectMeta &md = metadata(obj);
        if (!options.preconditionUid.empty() && options.preconditionUid != md.uid())
            return apierrors::conflict(
                kind, name,
                "Precondition failed: UID in precondition: " + options.preconditionUid +
                    ", UID in object meta: " + md.uid());
        if (!options.preconditionResourceVersion.empty() &&
            options.preconditionResourceVersion != md.resource_version())
            return apierrors::conflict(
                kind, name,
                "Precondition failed: ResourceVersion in precondition: " +
                    options.preconditionResourceVersion +
                    ", ResourceVersion in object meta: " + md.resource_version());

        std::unique_ptr<Message> next = copyOf(obj);
        meta::ObjectMeta *nmd = mutableMetadata(next.get());
        const int64_t now = m_clock.nowSeconds();

        // Graceful pod deletion: the kubelet confirms with a zero grace period.
        int64_t grace = 0;
        if (kind.kind == "Pod") {
            const auto &pod = static_cast<const core::Pod &>(obj);
            grace = options.gracePeriodSeconds
                        ? *options.gracePeriodSeconds
                        : (pod.spec().has_termination_grace_period_seconds()
                               ? pod.spec().termination_grace_period_seconds()
                               : 30);
            if (pod.spec().node_name().empty() || isPodTerminal(pod))
                grace = 0;
            if (md.has_deletion_timestamp() && grace >= md.deletion_grace_period_seconds() &&
                md.deletion_grace_period_seconds() > 0)
                return current->object; // already terminating, no shorter grace asked
        }

        std::string policy = options.propagationPolicy;
        auto hasFinalizer = [&](const std::string &f) {
            return std::find(nmd->finalizers().begin(), nmd->finalizers().end(), f) !=
                   nmd->finalizers().end();
        };
        if (!md.has_deletion_timestamp()) {
            if (policy == "Orphan" && !hasFinalizer("orphan"))
                nmd->add_finalizers("orphan");
            if (policy == "Foreground" && !hasFinalizer("foregroundDeletion"))
                nmd->add_finalizers("foregroundDeletion");
        }
        const bool namespaceFinalizers =
            kind.kind == "Namespace" &&
            static_cast<const core::Namespace &>(obj).spec().finalizers_size() > 0;
        const bool pending = nmd->finalizers_size() > 0 || grace > 0 || namespaceFinalizers;
        if (!pending) {
            if (options.dryRun)
                return current->object;
            Result<client::ObjectPtr> r = deleteNow(kind, ns, name, current->modRevision);
            if (!r && r.status().code() == Status::Code::Conflict)
                continue;
            return r;
        }
        if (!nmd->has_deletion_timestamp() || grace > 0) {
            setTime(nmd->mutable_deletion_timestamp(), now + grace);
            nmd->set_deletion_grace_period_seconds(grace);
        }
        if (usesGeneration(kind) && !md.has_deletion_timestamp())
            nmd->set_generation(md.generation() + 1);
        if (kind.kind == "Namespace")
            static_cast<core::Namespace *>(next.get())->mutable_status()->set_phase("Terminating");
        if (options.dryRun)
            return client::ObjectPtr(std::move(next));
        Result<client::ObjectPtr> r = write(kind, ns, name, *next, current->modRevision, false);
        if (!r && r.status().code() == Status::Code::Conflict)
            continue;
        return r;
    }
    return apierrors::conflict(kind, name, "too many concurrent updates; try again");
}

Result<client::ListResult> Registry::removeCollection(const RequestContext &ctx,
                                                      const api::KindInfo &kind,
                                                      const std::string &ns,
                                                      const client::ListOptions &listOptions,
                                                      const client::DeleteOptions &options)
{
    Result<client::ListResult> items = list(kind, ns, listOptions);
    if (!items)
        return items;
    client::ListResult out;
    out.resourceVersion = items->resourceVersion;
    for (const client::ObjectPtr &o : items->items) {
        const meta::ObjectMeta &md = metadata(*o);
        Result<client::ObjectPtr> r = remove(ctx, kind, md.namespace_(), md.name(), options);
        if (r)
            out.items.push_back(*r);
        else if (r.status().code() != Status::Code::NotFound)
            return r.status();
    }
    return out;
}

Result<client::ObjectPtr> Registry::getSubresource(const api::KindInfo &kind, const std::string &ns,
                                                   const std::string &name,
                                                   const std::string &subresource)
{
    if (subresource == "status" && hasStatusSubresource(kind))
        return get(kind, ns, name);
    if (subresource == "scale" && kind.subresource("scale")) {
        Result<Stored> s = read(kind, ns, name);
        if (!s)
            return s.status();
        auto scale = std::make_shared<autoscaling::Scale>();
        const meta::ObjectMeta &md = metadata(*s->object);
        auto *smd = scale->mutable_metadata();
        smd->set_name(md.name());
        smd->set_namespace_(md.namespace_());
        smd->set_uid(md.uid());
        smd->set_resource_version(md.resource_version());
        *smd->mutable_creation_timestamp() = md.creation_timestamp();
        const meta::LabelSelector *selector = nullptr;
        if (kind.kind == "Deployment") {
            const auto &d = static_cast<const apps::Deployment &>(*s->object);
            scale->mutable_spec()->set_replicas(d.spec().replicas());
            scale->mutable_status()->set_replicas(d.status().replicas());
            selector = &d.spec().selector();
        } else {
            const auto &r = static_cast<const apps::ReplicaSet &>(*s->object);
            scale->mutable_spec()->set_replicas(r.spec().replicas());
            scale->mutable_status()->set_replicas(r.status().replicas());
            selector = &r.spec().selector();
        }
        Result<api::LabelSelector> sel = api::LabelSelector::fromProto(selector);
        if (sel)
            scale->mutable_status()->set_selector(sel->toString());
        return client::ObjectPtr(std::move(scale));
    }
    return apierrors::notFound(kind, name + "/" + subresource);
}

Result<client::ObjectPtr> Registry::bind(const RequestContext &ctx, const std::string &ns,
                                         const std::string &name, const Message &body)
{
    const auto &binding = static_cast<const core::Binding &>(body);
    const api::KindInfo &pods = *api::Scheme::builtin().byResource("", "pods");
    if (binding.target().name().empty())
        return apierrors::invalid(*api::Scheme::builtin().byKind("v1", "Binding"), name,
                                  {FieldError::required("target.name")});
    const std::string node = binding.target().name();
    // One write, as upstream's setPodHostAndAnnotations: the node, the
    // binding's annotations, and the PodScheduled condition.
    client::WriteOptions options;
    options.subresource = "binding";
    Result<client::ObjectPtr> r = guaranteedUpdate(
        ctx, pods, ns, name, options,
        [&](Message *obj) -> Status {
            auto *pod = static_cast<core::Pod *>(obj);
            if (pod->metadata().has_deletion_timestamp())
                return apierrors::conflict(pods, name,
                                           "pod " + name +
                                               " is being deleted, cannot "
                                               "be assigned to a host");
            if (!pod->spec().node_name().empty())
                return apierrors::conflict(pods, name,
                                           "pod " + name + " is already assigned to node \"" +
                                               pod->spec().node_name() + "\"");
            pod->mutable_spec()->set_node_name(node);
            for (const auto &[key, value] : binding.metadata().annotations())
                (*pod->mutable_metadata()->mutable_annotations())[key] = value;
            auto *status = pod->mutable_status();
            core::PodCondition *cond = nullptr;
            for (auto &c : *status->mutable_conditions())
                if (c.type() == "PodScheduled")
                    cond = &c;
            if (!cond)
                cond = status->add_conditions();
            cond->set_type("PodScheduled");
            cond->set_status("True");
            cond->clear_reason();
            cond->clear_message();
            setTime(cond->mutable_last_transition_time(), m_clock.nowSeconds());
            return {};
        },
        false);
    if (!r)
        return r.status();
    auto status = std::make_shared<meta::Status>(apierrors::toStatusObject({}));
    status->set_code(201);
    return client::ObjectPtr(std::move(status));
}

Result<client::ObjectPtr> Registry::evict(const RequestContext &ctx, const std::string &ns,
                                          const std::string &name, const Message &body)
{
    // As upstream's EvictionREST (pkg/registry/core/pod/storage/eviction.go).
    const auto &eviction = static_cast<const policy::Eviction &>(body);
    const api::KindInfo &pods = *api::Scheme::builtin().byResource("", "pods");
    const api::KindInfo &pdbs =
        *api::Scheme::builtin().byResource("policy", "poddisruptionbudgets");
    client::DeleteOptions d;
    if (eviction.has_delete_options()) {
        const auto &o = eviction.delete_options();
        if (o.has_grace_period_seconds())
            d.gracePeriodSeconds = o.grace_period_seconds();
        d.propagationPolicy = o.propagation_policy();
        if (o.has_preconditions()) {
            d.preconditionUid = o.preconditions().uid();
            d.preconditionResourceVersion = o.preconditions().resource_version();
        }
    }
    const bool callerSetResourceVersion = !d.preconditionResourceVersion.empty();
    const std::string kBudgetMessage =
        "Cannot evict pod as it would violate the pod's disruption budget.";
    auto stillProcessing = [&](const std::string &pdbName) {
        StatusDetails details;
        details.causes.push_back(
            {"DisruptionBudget",
             "The disruption budget " + pdbName + " is still being processed by the server.", ""});
        details.retryAfterSeconds = 10;
        return Status::resourceExhausted(kBudgetMessage).withDetails(std::move(details));
    };

    Result<Stored> pod = read(pods, ns, name);
    if (!pod)
        return pod.status();
    const auto &p = static_cast<const core::Pod &>(*pod->object);
    // As upstream's canIgnorePDB: terminal, Pending or already terminating
    // pods are evicted without a budget.
    const bool ignoreBudget = isPodTerminal(p) || p.status().phase() == "Pending" ||
                              p.metadata().has_deletion_timestamp();
    // An unready pod the budget lets go is deleted without spending a
    // disruption, provided it did not become ready meanwhile (precondition).
    bool unreadyWithinBudget = false;
    std::string pdbName;
    if (!ignoreBudget) {
        Result<client::ListResult> budgets = list(pdbs, ns);
        if (!budgets)
            return budgets.status();
        std::vector<const policy::PodDisruptionBudget *> matching;
        for (const client::ObjectPtr &o : budgets->items) {
            const auto &pdb = static_cast<const policy::PodDisruptionBudget &>(*o);
            Result<api::LabelSelector> sel = api::LabelSelector::fromProto(
                pdb.spec().has_selector() ? &pdb.spec().selector() : nullptr);
            if (sel && sel->matches(p.metadata().labels()))
                matching.push_back(&pdb);
        }
        if (matching.size() > 1)
            return Status::internal("This pod has more than one PodDisruptionBudget, which the "
                                    "eviction subresource does not support.");
        if (matching.size() == 1) {
            const policy::PodDisruptionBudget &pdb = *matching.front();
            pdbName = pdb.metadata().name();
            bool ready = false;
            for (const core::PodCondition &c : p.status().conditions())
                if (c.type() == "Ready")
                    ready = c.status() == "True";
            // Unready pods never spend a disruption: with AlwaysAllow they
            // go at once, by default (IfHealthyBudget) while the budget is met.
            if (!ready && (pdb.spec().unhealthy_pod_eviction_policy() == "AlwaysAllow" ||
                           (pdb.status().current_healthy() >= pdb.status().desired_healthy() &&
                            pdb.status().desired_healthy() > 0))) {
                unreadyWithinBudget = true;
            } else {
                // Check and spend one disruption (before deleting, as upstream);
                // a concurrent update makes it check again on the newer budget.
                Result<client::ObjectPtr> spent = guaranteedUpdate(
                    ctx, pdbs, ns, pdbName, statusSubresource(), [&](Message *obj) -> Status {
                        auto *b = static_cast<policy::PodDisruptionBudget *>(obj);
                        auto *status = b->mutable_status();
                        if (status->observed_generation() < b->metadata().generation())
                            return stillProcessing(pdbName);
                        if (status->disruptions_allowed() < 0)
                            return apierrors::forbidden(pdbs, pdbName,
                                                        "pdb disruptions allowed is negative");
                        if (status->disrupted_pods_size() > 2000)
                            return apierrors::forbidden(
                                pdbs, pdbName,
                                "DisruptedPods map too big - too many evictions not confirmed "
                                "by PDB controller");
                        if (status->disruptions_allowed() == 0) {
                            StatusDetails details;
                            details.causes.push_back(
                                {"DisruptionBudget",
                                 "The disruption budget " + pdbName + " needs " +
                                     std::to_string(status->desired_healthy()) +
                                     " healthy pods and has " +
                                     std::to_string(status->current_healthy()) + " currently",
                                 ""});
                            details.retryAfterSeconds = 0;
                            return Status::resourceExhausted(kBudgetMessage)
                                .withDetails(std::move(details));
                        }
                        status->set_disruptions_allowed(status->disruptions_allowed() - 1);
                        if (status->disruptions_allowed() == 0) {
                            meta::Condition *cond = nullptr;
                            for (auto &c : *status->mutable_conditions())
                                if (c.type() == "DisruptionAllowed")
                                    cond = &c;
                            if (!cond) {
                                cond = status->add_conditions();
                                cond->set_type("DisruptionAllowed");
                            }
                            if (cond->status() != "False" || !cond->has_last_transition_time())
                                setTime(cond->mutable_last_transition_time(), m_clock.nowSeconds());
                            cond->set_status("False");
                            cond->set_reason("InsufficientPods");
                            cond->set_message("");
                            cond->set_observed_generation(status->observed_generation());
                        }
                        setTime(&(*status->mutable_disrupted_pods())[name], m_clock.nowSeconds());
                        return {};
                    });
                if (!spent)
                    return spent.status();
            }
        }
    }
    if (unreadyWithinBudget && !callerSetResourceVersion)
        d.preconditionResourceVersion = p.metadata().resource_version();
    Result<client::ObjectPtr> r = remove(ctx, pods, ns, name, d);
    if (!r) {
        // The pod changed (maybe became ready) since the budget was read:
        // the client retries.
        if (r.status().code() == Status::Code::Conflict && unreadyWithinBudget &&
            !callerSetResourceVersion)
            return stillProcessing(pdbName);
        return r.status();
    }
    auto status = std::make_shared<meta::Status>(apierrors::toStatusObject({}));
    status->set_code(201);
    return client::ObjectPtr(std::move(status));
}

Result<client::ObjectPtr>
Registry::createSubresource(const RequestContext &ctx, const api::KindInfo &kind,
                            const std::string &ns, const std::string &name,
                            const std::string &subresource, std::unique_ptr<Message> body)
{
    if (kind.kind == "Pod" && subresource == "binding" && body &&
        body->GetDescriptor() == core::Binding::descriptor())
        return bind(ctx, ns, name, *body);
    if (kind.kind == "Pod" && subresource == "eviction" && body &&
        body->GetDescriptor() == policy::Eviction::descriptor())
        return evict(ctx, ns, name, *body);
    if (kind.kind == "Pod" &&
        (subresource == "exec" || subresource == "attach" || subresource == "portforward"))
        return apierrors::badRequest("pods/" + subresource +
                                     " is not supported: Kubist's "
                                     "containers are simulated and have no process to " +
                                     (subresource == "portforward" ? "forward to" : "attach to"));
    return Status::methodNotAllowed("the server does not allow this method on the requested "
                                    "resource");
}

Result<std::string> Registry::podLog(const std::string &ns, const std::string &name,
                                     const client::LogOptions &options)
{
    const api::KindInfo &pods = *api::Scheme::builtin().byResource("", "pods");
    Result<Stored> s = read(pods, ns, name);
    if (!s)
        return s.status();
    const auto &pod = static_cast<const core::Pod &>(*s->object);
    std::string container = options.container;
    if (container.empty()) {
        if (pod.spec().containers_size() == 1)
            container = pod.spec().containers(0).name();
        else {
            std::string names;
            for (const auto &c : pod.spec().containers())
                names += (names.empty() ? "" : " ") + c.name();
            return apierrors::badRequest("a container name must be specified for pod " + name +
                                         ", choose one of: [" + names + "]");
        }
    }
    bool known = false;
    for (const auto &c : pod.spec().containers())
        known |= c.name() == container;
    if (!known)
        return apierrors::badRequest("container " + container + " is not valid for pod " + name);
    PodLogSource *source;
    {
        std::lock_guard lock(m_mutex);
        source = m_logSource;
    }
    if (!source || pod.spec().node_name().empty())
        return apierrors::badRequest("container \"" + container + "\" in pod \"" + name +
                                     "\" is waiting to start: ContainerCreating");
    client::LogOptions o = options;
    o.container = container;
    return source->podLog(ns, name, o);
}

void Registry::setPodLogSource(PodLogSource *source)
{
    std::lock_guard lock(m_mutex);
    m_logSource = source;
}

void Registry::setCreateAdmission(const std::string &kind, CreateAdmission check)
{
    std::lock_guard lock(m_mutex);
    if (check)
        m_admission[kind] = std::move(check);
    else
        m_admission.erase(kind);
}

Status Registry::bootstrap()
{
    const api::KindInfo &nsKind = *api::Scheme::builtin().byResource("", "namespaces");
    RequestContext ctx{"system:apiserver", nullptr};
    for (const char *name : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
        auto ns = std::make_unique<core::Namespace>();
        ns->mutable_metadata()->set_name(name);
        Result<client::ObjectPtr> r = create(ctx, nsKind, "", std::move(ns));
        if (!r && r.status().code() != Status::Code::AlreadyExists)
            return r.status();
    }
    const api::KindInfo &svcKind = *api::Scheme::builtin().byResource("", "services");
    auto svc = std::make_unique<core::Service>();
    svc->mutable_metadata()->set_name("kubernetes");
    (*svc->mutable_metadata()->mutable_labels())["component"] = "apiserver";
    (*svc->mutable_metadata()->mutable_labels())["provider"] = "kubernetes";
    const uint32_t ip = m_options.serviceRangeBase + 1;
    svc->mutable_spec()->set_cluster_ip(
        std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 255) + "." +
        std::to_string((ip >> 8) & 255) + "." + std::to_string(ip & 255));
    auto *port = svc->mutable_spec()->add_ports();
    port->set_name("https");
    port->set_port(443);
    port->set_protocol("TCP");
    port->mutable_target_port()->set_type(0);
    port->mutable_target_port()->set_int_val(6443);
    Result<client::ObjectPtr> r = create(ctx, svcKind, "default", std::move(svc));
    if (!r && r.status().code() != Status::Code::AlreadyExists)
        return r.status();
    if (m_options.advertiseAddress.empty())
        return {};

    // What upstream's endpoint reconciler keeps: the API server's address
    // behind the `kubernetes` Service (an Endpoints and an EndpointSlice).
    const api::KindInfo &epKind = *api::Scheme::builtin().byResource("", "endpoints");
    auto ep = std::make_unique<core::Endpoints>();
    ep->mutable_metadata()->set_name("kubernetes");
    (*ep->mutable_metadata()->mutable_labels())["endpointslice.kubernetes.io/skip-mirror"] = "true";
    auto *subset = ep->add_subsets();
    subset->add_addresses()->set_ip(m_options.advertiseAddress);
    auto *epPort = subset->add_ports();
    epPort->set_name("https");
    epPort->set_port(m_options.advertisePort);
    epPort->set_protocol("TCP");
    r = create(ctx, epKind, "default", std::move(ep));
    if (!r && r.status().code() != Status::Code::AlreadyExists)
        return r.status();

    const api::KindInfo &sliceKind =
        *api::Scheme::builtin().byResource("discovery.k8s.io", "endpointslices");
    auto slice = std::make_unique<discovery::EndpointSlice>();
    slice->mutable_metadata()->set_name("kubernetes");
    (*slice->mutable_metadata()->mutable_labels())["kubernetes.io/service-name"] = "kubernetes";
    slice->set_address_type("IPv4");
    auto *endpoint = slice->add_endpoints();
    endpoint->add_addresses(m_options.advertiseAddress);
    endpoint->mutable_conditions()->set_ready(true);
    auto *slicePort = slice->add_ports();
    slicePort->set_name("https");
    slicePort->set_port(m_options.advertisePort);
    slicePort->set_protocol("TCP");
    r = create(ctx, sliceKind, "default", std::move(slice));
    if (!r && r.status().code() != Status::Code::AlreadyExists)
        return r.status();
    return {};
}

} // namespace kubist::apiserver
