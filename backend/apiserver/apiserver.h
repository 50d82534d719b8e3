#pragma once

#include "backend/api/scheme.h"
#include "backend/apiserver/activitystream.h"
#include "backend/apiserver/registry/registry.h"
#include "backend/client/client.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kubist::store {
class Store;
}

namespace kubist::apiserver {

// What an identity may do. Kubist's own parts and the admin may do
// everything; a viewer may only read (get, list, watch).
enum class Role { Admin, Viewer };

// ApiServer: the API server's core, shared by its two doors — the HTTP
// front (http/) and LocalClient, the in-process door Kubist's own parts use.
// Owns the registry and the activity stream; knows whether it is serving
// (stopping it is a demo fault: every client, in-process ones too, then
// fails to connect and every watch ends).
//
// Thread-safe. The store and clock must outlive it.
class ApiServer final
{
public:
    ApiServer(store::Store &store, const Clock &clock, Registry::Options options = {});
    ~ApiServer();

    Registry &registry() { return m_registry; }
    ActivityStream &activity() { return m_activity; }
    const Clock &clock() const { return m_clock; }

    // The in-process door, acting as `identity` ("scheduler", "kubelet/worker-1").
    std::unique_ptr<client::Client> localClient(const std::string &identity,
                                                Role role = Role::Admin);

    void stopServing();
    void startServing();
    bool isServing() const { return m_serving.load(); }

    // 403 Forbidden, as RBAC words it, when `role` may not do `verb`.
    static Status authorize(Role role, const std::string &user, const std::string &verb,
                            const api::KindInfo &kind, const std::string &subresource,
                            const std::string &ns);

    // Called by both doors: closes `handle` when serving stops.
    void trackWatch(const std::shared_ptr<client::WatchHandle> &handle);

private:
    const Clock &m_clock;
    Registry m_registry;
    ActivityStream m_activity;
    std::atomic<bool> m_serving{true};
    std::mutex m_mutex; // guards m_watches
    std::vector<std::weak_ptr<client::WatchHandle>> m_watches;
};

} // namespace kubist::apiserver
