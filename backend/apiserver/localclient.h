#pragma once

#include "backend/apiserver/apiserver.h"
#include "backend/client/client.h"

namespace kubist::apiserver {

// LocalClient: the API server's in-process door. Calls the registry
// directly (no HTTP, no encoding), with the same semantics, validation,
// authorization and activity recording as a request over HTTP, on behalf of
// one identity. When the API server is stopped, calls fail with
// Code::Unavailable as a refused connection would.
//
// Thread-safe. The ApiServer must outlive it.
class LocalClient final : public client::Client
{
public:
    LocalClient(ApiServer &server, std::string identity, Role role);

    Result<client::ObjectPtr> get(const api::KindInfo &kind, const std::string &ns,
                                  const std::string &name,
                                  const client::GetOptions &options) override;
    Result<client::ListResult> list(const api::KindInfo &kind, const std::string &ns,
                                    const client::ListOptions &options) override;
    Result<std::unique_ptr<client::WatchHandle>> watch(const api::KindInfo &kind,
                                                       const std::string &ns,
                                                       const client::WatchOptions &options,
                                                       client::WatchCallbacks callbacks) override;
    Result<client::ObjectPtr> create(const api::KindInfo &kind, const std::string &ns,
                                     const google::protobuf::Message &object,
                                     const client::WriteOptions &options) override;
    Result<client::ObjectPtr> update(const api::KindInfo &kind, const std::string &ns,
                                     const google::protobuf::Message &object,
                                     const client::WriteOptions &options) override;
    Result<client::ObjectPtr> patch(const api::KindInfo &kind, const std::string &ns,
                                    const std::string &name, client::PatchType type,
                                    const std::string &patch,
                                    const client::WriteOptions &options) override;
    Result<client::ObjectPtr> remove(const api::KindInfo &kind, const std::string &ns,
                                     const std::string &name,
                                     const client::DeleteOptions &options) override;
    Result<client::ObjectPtr> createSubresource(const api::KindInfo &kind, const std::string &ns,
                                                const std::string &name,
                                                const std::string &subresource,
                                                const google::protobuf::Message &body) override;
    Result<std::string> podLog(const std::string &ns, const std::string &name,
                               const client::LogOptions &options) override;

private:
    template<class F>
    auto call(const char *verb, const api::KindInfo &kind, const std::string &subresource,
              const std::string &ns, const std::string &name, bool write, F &&f);

    ApiServer &m_server;
    const std::string m_identity;
    const Role m_role;
};

} // namespace kubist::apiserver
