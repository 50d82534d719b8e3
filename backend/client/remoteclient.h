#pragma once

#include "backend/client/client.h"
#include "backend/client/connectionstate.h"
#include "backend/client/kubeconfig.h"

#include <chrono>
#include <memory>
#include <string>

namespace kubist::client {

// RemoteClient: the Client interface over HTTP(S) to a remote API server (a
// real cluster, or `kubist serve`), with Qt Network.
//
// - Credentials from the resolved kubeconfig context: bearer token or
//   tokenFile (re-read after a 401), client certificate and key, basic auth,
//   exec plugins (ExecCredentialProvider: cached, re-run after a 401 and the
//   request retried once); the CA from the context, or the system roots when
//   none is given; insecure-skip-tls-verify; tls-server-name; proxy-url
//   (http, https CONNECT, socks5).
// - Content: lists and watches of built-in kinds ask for
//   application/vnd.kubernetes.protobuf (with JSON as the fallback the
//   server may choose); everything else is JSON. Options::protobuf = false
//   keeps to JSON.
// - Connections: ordinary requests share one connection pool (Qt's 6 per
//   host); every watch has a connection of its own, so any number of
//   long-running watches never starves requests.
// - Errors carry Kubernetes' meaning in Status::code() (from the HTTP code
//   and the server's Status object: NotFound, Conflict, Compacted for 410,
//   PermissionDenied for 403 with the server's message naming verb and
//   resource, ...); a server that cannot be reached is Unavailable with the
//   reason (refused, TLS: certificate not trusted, timed out ...). No token,
//   key or exec output ever appears in an error or log.
//
// Threads: thread-safe; calls block the calling thread until the answer
// (bounded by Options::requestTimeout) and run their network work on the
// client's own network thread. Watch callbacks run on that network thread:
// they must be quick; a call of this client made from a callback waits in a
// local event loop (stop() of a watch is fine). Watches must be stopped
// before the client is destroyed.
class RemoteClient final : public Client
{
public:
    struct Options
    {
        std::string userAgent = "kubist";
        bool protobuf = true;
        std::chrono::milliseconds requestTimeout{30000};
        std::chrono::milliseconds connectTimeout{10000};
        // A watch with bookmarks that delivers nothing (no event, no
        // bookmark) for this long is treated as lost: it ends with an Error
        // event (Unavailable) and the caller watches again. Servers bookmark
        // about once a minute.
        std::chrono::milliseconds watchSilence{150000};
        // Objects from lists and watches come without metadata.managedFields
        // (as a client-go transform drops them): a reader that never shows
        // them (the GUI) keeps a fifth less memory. get() and writes return
        // whole objects, so a read-modify-write keeps them.
        bool stripManagedFields = false;
    };

    // Fails on credentials that cannot be used (a PEM that does not parse,
    // a key that does not match) with a clear message; does not contact the
    // server.
    static Result<std::unique_ptr<RemoteClient>> create(const ResolvedContext &context,
                                                        Options options);
    static Result<std::unique_ptr<RemoteClient>> create(const ResolvedContext &context)
    {
        return create(context, Options());
    }
    ~RemoteClient() override;

    Result<ObjectPtr> get(const api::KindInfo &kind, const std::string &ns, const std::string &name,
                          const GetOptions &options = {}) override;
    Result<ListResult> list(const api::KindInfo &kind, const std::string &ns,
                            const ListOptions &options = {}) override;
    Result<std::unique_ptr<WatchHandle>> watch(const api::KindInfo &kind, const std::string &ns,
                                               const WatchOptions &options,
                                               WatchCallbacks callbacks) override;
    Result<ObjectPtr> create(const api::KindInfo &kind, const std::string &ns,
                             const google::protobuf::Message &object,
                             const WriteOptions &options = {}) override;
    Result<ObjectPtr> update(const api::KindInfo &kind, const std::string &ns,
                             const google::protobuf::Message &object,
                             const WriteOptions &options = {}) override;
    Result<ObjectPtr> patch(const api::KindInfo &kind, const std::string &ns,
                            const std::string &name, PatchType type, const std::string &patch,
                            const WriteOptions &options = {}) override;
    Result<ObjectPtr> remove(const api::KindInfo &kind, const std::string &ns,
                             const std::string &name, const DeleteOptions &options = {}) override;
    Result<ObjectPtr> createSubresource(const api::KindInfo &kind, const std::string &ns,
                                        const std::string &name, const std::string &subresource,
                                        const google::protobuf::Message &body) override;
    Result<std::string> podLog(const std::string &ns, const std::string &name,
                               const LogOptions &options) override;

    // GET of any path on the server ("/readyz?verbose", "/version"): the
    // body on 2xx, else an error as above (the body of a failed /readyz is
    // in the message).
    Result<std::string> getPath(const std::string &path);

    ConnectionState connectionState() const;
    std::string server() const;         // the context's server URL
    bool insecureSkipTlsVerify() const; // the GUI warns while it is true
    const ResolvedContext &context() const;

private:
    struct Impl;
    friend class RemoteWatch;
    explicit RemoteClient(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace kubist::client
