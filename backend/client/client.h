#pragma once

#include "backend/api/scheme.h"
#include "backend/util/status.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace google::protobuf {
class Message;
}

namespace kubist::client {

// Objects a Client hands out are shared and immutable: many readers of the
// same object share one decoded copy. Copy before mutating
// (`std::unique_ptr<T> copy(obj->New()); copy->CopyFrom(*obj)`).
using ObjectPtr = std::shared_ptr<const google::protobuf::Message>;

struct GetOptions
{
    std::string resourceVersion; // "" (latest) or "0" (any)
};

struct ListOptions
{
    std::string labelSelector;
    std::string fieldSelector;
    int64_t limit = 0;
    std::string continueToken;
    std::string resourceVersion;      // "", "0", or a revision
    std::string resourceVersionMatch; // "", "Exact", "NotOlderThan"
};

struct ListResult
{
    std::vector<ObjectPtr> items;
    std::string resourceVersion;
    std::string continueToken;
    std::optional<int64_t> remainingItemCount;
};

struct WatchOptions
{
    std::string labelSelector;
    std::string fieldSelector;
    // "" : current state as ADDED events, then changes; "0": the same;
    // a revision: every change after it (410 Gone if compacted).
    std::string resourceVersion;
    std::string resourceVersionMatch;
    bool allowBookmarks = false;
    // With resourceVersionMatch NotOlderThan: the current state as ADDED
    // events, then a BOOKMARK annotated "k8s.io/initial-events-end".
    bool sendInitialEvents = false;
    int64_t timeoutSeconds = 0; // 0: the server's default
};

struct WatchEvent
{
    enum class Type { Added, Modified, Deleted, Bookmark, Error };
    Type type = Type::Added;
    ObjectPtr object; // Bookmark: an object carrying only kind and resourceVersion
    Status error;     // Type::Error: why the watch ended (e.g. Compacted for 410)
};

// A running watch. Destroying it (or stop()) ends it; once that returns, the
// callback is not running and is never called again. stop() may be called
// from inside the callback.
class WatchHandle
{
public:
    virtual ~WatchHandle() = default;
    virtual void stop() = 0;
};

// Called for each event, serially, on a thread of the client's choosing.
// After an Error event, or when the server ends the watch (`closed`), no more
// events come: the caller watches again. Must not block for long.
struct WatchCallbacks
{
    std::function<void(WatchEvent)> onEvent;
    std::function<void()> onClosed; // the stream ended without an Error event; may be empty
};

struct WriteOptions
{
    std::string subresource; // "", "status", "scale"
    bool dryRun = false;
    std::string fieldManager;
    std::string fieldValidation; // "", "Ignore", "Warn", "Strict"
    bool force = false;          // server-side apply
};

enum class PatchType { Json, Merge, StrategicMerge, Apply };

struct DeleteOptions
{
    std::optional<int64_t> gracePeriodSeconds;
    std::string propagationPolicy; // "", "Orphan", "Background", "Foreground"
    std::string preconditionUid;
    std::string preconditionResourceVersion;
    bool dryRun = false;
};

struct LogOptions
{
    std::string container;
    bool follow = false;
    bool previous = false;
    int64_t tailLines = -1;
    bool timestamps = false;
};

// Client: the one door to the API server. Every control-plane part and the
// GUI use only this, so each works unchanged in-process (LocalClient) or
// against a real cluster (RemoteClient). Errors carry Kubernetes' meaning in
// Status::code() (NotFound, AlreadyExists, Conflict, Invalid, Compacted for
// 410 Gone, Unavailable, PermissionDenied, ...), with details when the
// server sent them.
//
// Implementations are thread-safe.
class Client
{
public:
    virtual ~Client() = default;

    // `ns` is ignored for cluster-scoped kinds; empty lists all namespaces.
    virtual Result<ObjectPtr> get(const api::KindInfo &kind, const std::string &ns,
                                  const std::string &name, const GetOptions &options = {}) = 0;
    virtual Result<ListResult> list(const api::KindInfo &kind, const std::string &ns,
                                    const ListOptions &options = {}) = 0;
    virtual Result<std::unique_ptr<WatchHandle>> watch(const api::KindInfo &kind,
                                                       const std::string &ns,
                                                       const WatchOptions &options,
                                                       WatchCallbacks callbacks) = 0;

    virtual Result<ObjectPtr> create(const api::KindInfo &kind, const std::string &ns,
                                     const google::protobuf::Message &object,
                                     const WriteOptions &options = {}) = 0;
    // PUT of the object (or its subresource); the object's resourceVersion,
    // when set, is the optimistic-concurrency precondition.
    virtual Result<ObjectPtr> update(const api::KindInfo &kind, const std::string &ns,
                                     const google::protobuf::Message &object,
                                     const WriteOptions &options = {}) = 0;
    virtual Result<ObjectPtr> patch(const api::KindInfo &kind, const std::string &ns,
                                    const std::string &name, PatchType type,
                                    const std::string &patch, const WriteOptions &options = {}) = 0;
    // Returns the object as deleted, or as it now stands while its deletion
    // is pending (graceful pod deletion, finalizers).
    virtual Result<ObjectPtr> remove(const api::KindInfo &kind, const std::string &ns,
                                     const std::string &name,
                                     const DeleteOptions &options = {}) = 0;

    // POST to a subresource that creates (pods/binding, pods/eviction); the
    // result is the server's answer (a Status object on success).
    virtual Result<ObjectPtr> createSubresource(const api::KindInfo &kind, const std::string &ns,
                                                const std::string &name,
                                                const std::string &subresource,
                                                const google::protobuf::Message &body) = 0;

    // GET pods/log: the container's log as it stands (the HTTP front also
    // streams it with follow=true).
    virtual Result<std::string> podLog(const std::string &ns, const std::string &name,
                                       const LogOptions &options) = 0;
};

// Typed conveniences over the generic interface, e.g.
//   Result<std::shared_ptr<const core::Pod>> pod = getAs<core::Pod>(client, "default", "web");
template<class T>
Result<std::shared_ptr<const T>> getAs(Client &client, const std::string &ns,
                                       const std::string &name)
{
    const api::KindInfo *kind = api::Scheme::builtin().byDescriptor(T::descriptor());
    Result<ObjectPtr> r = client.get(*kind, ns, name);
    if (!r)
        return r.status();
    return std::static_pointer_cast<const T>(*r);
}

} // namespace kubist::client
