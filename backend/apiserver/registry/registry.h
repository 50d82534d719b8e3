#pragma once

#include "backend/api/scheme.h"
#include "backend/apiserver/validation/fielderror.h"
#include "backend/client/client.h"
#include "backend/util/clock.h"
#include "backend/util/status.h"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace google::protobuf {
class Message;
}

namespace kubist::store {
class Store;
struct KeyValue;
} // namespace kubist::store

namespace kubist::apiserver {

class DecodeCache;

// Who is asking, and where warnings for the response go.
struct RequestContext
{
    std::string user; // "admin", "scheduler", "kubelet/worker-2", ...
    // Warnings for the client (fieldValidation=Warn, deprecated fields); may be null.
    std::vector<std::string> *warnings = nullptr;
    // The client's User-Agent ("kubectl/v1.32.0 (linux/amd64) ..."), empty
    // in-process; the default field manager is derived from it.
    std::string userAgent = {};
};

// How a registry write records metadata.managedFields: as an Update by the
// request's manager through `subresource` (nullptr: the write's own
// subresource), or not at all (`record` false: server-side apply has
// computed them). Internal to the registry.
struct ManagedFieldsRecording
{
    bool record = true;
    const char *subresource = nullptr;
};

// Supplies pods/log: the simulated kubelet registers itself here.
class PodLogSource
{
public:
    virtual ~PodLogSource() = default;
    // The log of `container` in pod ns/name; NotFound when the container
    // has no log (yet).
    virtual Result<std::string> podLog(const std::string &ns, const std::string &name,
                                       const client::LogOptions &options) = 0;
};

// Registry: Kubernetes' REST semantics over the store, for every kind of
// the Scheme with one code path: keys, resourceVersion and optimistic
// concurrency, generateName, uid, timestamps, generation, defaulting,
// admission, validation, namespaces, finalizers, graceful pod deletion,
// propagation policies, selectors, pagination, watch, and the
// subresources (status, scale, binding, eviction, log, finalize).
//
// Errors are Status values whose messages, codes and details are
// Kubernetes' own (the HTTP front turns them into Status objects).
//
// Thread-safe. The store and clock must outlive the registry. Watch
// callbacks run on the store's delivery thread (the initial ADDED events of
// a watch from "" or "0" are delivered before watch() returns, on the
// caller's thread).
class Registry final
{
public:
    struct Options
    {
        // DefaultTolerationSeconds admission (the timing profile sets them).
        int64_t notReadyTolerationSeconds = 300;
        int64_t unreachableTolerationSeconds = 300;
        // The Service ClusterIP range's base (a /12 as Kubernetes' default).
        uint32_t serviceRangeBase = (10u << 24) | (96u << 16); // 10.96.0.0
        int serviceRangeBits = 12;
        // The address the `kubernetes` Service's Endpoints and EndpointSlice
        // name (upstream's --advertise-address and secure port, kept by its
        // endpoint reconciler); empty: none are written.
        std::string advertiseAddress;
        int32_t advertisePort = 6443;
    };

    Registry(store::Store &store, const Clock &clock, Options options);
    ~Registry();

    // Creates the namespaces default, kube-system, kube-public and
    // kube-node-lease and the default/kubernetes Service when missing, and
    // (with Options::advertiseAddress) its Endpoints and EndpointSlice.
    Status bootstrap();

    Result<client::ObjectPtr> get(const api::KindInfo &kind, const std::string &ns,
                                  const std::string &name, const client::GetOptions &options = {});
    Result<client::ListResult> list(const api::KindInfo &kind, const std::string &ns,
                                    const client::ListOptions &options = {});
    Result<std::unique_ptr<client::WatchHandle>> watch(const api::KindInfo &kind,
                                                       const std::string &ns,
                                                       const client::WatchOptions &options,
                                                       client::WatchCallbacks callbacks);

    // `object` is consumed (its type must be kind.descriptor, or for
    // subresource "scale" autoscaling/v1 Scale).
    Result<client::ObjectPtr> create(const RequestContext &ctx, const api::KindInfo &kind,
                                     const std::string &ns,
                                     std::unique_ptr<google::protobuf::Message> object,
                                     const client::WriteOptions &options = {});
    Result<client::ObjectPtr> update(const RequestContext &ctx, const api::KindInfo &kind,
                                     const std::string &ns, const std::string &name,
                                     std::unique_ptr<google::protobuf::Message> object,
                                     const client::WriteOptions &options = {});
    // PatchType::Apply is server-side apply (the body YAML or JSON; options
    // must name a fieldManager; options.force takes conflicting fields): an
    // apply of a missing object creates it, and `created` (when given) says
    // so (the HTTP answer is then 201).
    Result<client::ObjectPtr> patch(const RequestContext &ctx, const api::KindInfo &kind,
                                    const std::string &ns, const std::string &name,
                                    client::PatchType type, const std::string &patch,
                                    const client::WriteOptions &options = {},
                                    bool *created = nullptr);
    Result<client::ObjectPtr> remove(const RequestContext &ctx, const api::KindInfo &kind,
                                     const std::string &ns, const std::string &name,
                                     const client::DeleteOptions &options = {});
    // Deletes every object the list options select; returns them.
    Result<client::ListResult> removeCollection(const RequestContext &ctx,
                                                const api::KindInfo &kind, const std::string &ns,
                                                const client::ListOptions &listOptions,
                                                const client::DeleteOptions &options = {});

    // GET of a subresource that is a view ("status" is the object itself,
    // "scale" an autoscaling/v1 Scale).
    Result<client::ObjectPtr> getSubresource(const api::KindInfo &kind, const std::string &ns,
                                             const std::string &name,
                                             const std::string &subresource);
    // POST pods/binding (a core/v1 Binding) or pods/eviction (a policy/v1
    // Eviction). Returns a meta/v1 Status of success.
    Result<client::ObjectPtr> createSubresource(const RequestContext &ctx,
                                                const api::KindInfo &kind, const std::string &ns,
                                                const std::string &name,
                                                const std::string &subresource,
                                                std::unique_ptr<google::protobuf::Message> body);

    Result<std::string> podLog(const std::string &ns, const std::string &name,
                               const client::LogOptions &options);
    // `source` must outlive the registry or be reset with nullptr first.
    void setPodLogSource(PodLogSource *source);

    // A validating admission check for creates of `kind` (e.g. "Fault"),
    // run after the kind's own validation, dry runs included: field errors
    // refuse the create with 422 Invalid. It runs on the request's thread
    // and must not call back into the registry for writes. An empty
    // function removes the check; the caller must remove it before
    // whatever it captures goes away.
    using CreateAdmission = std::function<FieldErrors(const google::protobuf::Message &object)>;
    void setCreateAdmission(const std::string &kind, CreateAdmission check);

    const Clock &clock() const { return m_clock; }
    store::Store &store() { return m_store; }

    // The store key of an object, and the prefix of a kind (in a namespace).
    static std::string key(const api::KindInfo &kind, const std::string &ns,
                           const std::string &name);
    static std::string prefix(const api::KindInfo &kind, const std::string &ns);

private:
    struct Stored;
    Result<Stored> read(const api::KindInfo &kind, const std::string &ns, const std::string &name,
                        int64_t revision = 0);
    client::ObjectPtr decode(const api::KindInfo &kind, const store::KeyValue &kv);
    using FieldsRecord = ManagedFieldsRecording;
    Result<client::ObjectPtr> createObject(const RequestContext &ctx, const api::KindInfo &kind,
                                           const std::string &ns,
                                           std::unique_ptr<google::protobuf::Message> object,
                                           const client::WriteOptions &options,
                                           FieldsRecord fields);
    Result<client::ObjectPtr> updateStored(const RequestContext &ctx, const api::KindInfo &kind,
                                           const std::string &ns, const std::string &name,
                                           std::unique_ptr<google::protobuf::Message> object,
                                           const client::WriteOptions &options,
                                           const Stored *current, bool validate = true,
                                           FieldsRecord fields = {});
    // Read, mutate, write with the read revision as precondition; retried on
    // conflicts. `validate` false only for the server's own changes that
    // update validation forbids to clients (binding a pod to a node).
    Result<client::ObjectPtr>
    guaranteedUpdate(const RequestContext &ctx, const api::KindInfo &kind, const std::string &ns,
                     const std::string &name, const client::WriteOptions &options,
                     const std::function<Status(google::protobuf::Message *)> &mutate,
                     bool validate = true, FieldsRecord fields = {});
    // PATCH with application/apply-patch+yaml: server-side apply.
    Result<client::ObjectPtr> applyPatch(const RequestContext &ctx, const api::KindInfo &kind,
                                         const std::string &ns, const std::string &name,
                                         const std::string &body,
                                         const client::WriteOptions &options, bool *created);
    Result<client::ObjectPtr> write(const api::KindInfo &kind, const std::string &ns,
                                    const std::string &name,
                                    const google::protobuf::Message &object,
                                    int64_t expectedModRevision, bool create);
    Result<client::ObjectPtr> deleteNow(const api::KindInfo &kind, const std::string &ns,
                                        const std::string &name, int64_t modRevision);
    Status admitCreate(const api::KindInfo &kind, const std::string &ns,
                       google::protobuf::Message *object);
    Status checkNamespace(const api::KindInfo &kind, const std::string &ns);
    Status allocateServiceAddresses(google::protobuf::Message *service);
    Result<client::ObjectPtr> evict(const RequestContext &ctx, const std::string &ns,
                                    const std::string &name, const google::protobuf::Message &body);
    Result<client::ObjectPtr> bind(const RequestContext &ctx, const std::string &ns,
                                   const std::string &name, const google::protobuf::Message &body);

    // Constant after construction.
    store::Store &m_store;
    const Clock &m_clock;
    const Options m_options;
    std::unique_ptr<DecodeCache> m_decodeCache;

    std::mutex m_mutex; // guards m_logSource and m_admission
    PodLogSource *m_logSource = nullptr;
    std::map<std::string, CreateAdmission> m_admission;
    std::mutex m_allocation; // serializes ClusterIP / NodePort allocation
};

} // namespace kubist::apiserver
