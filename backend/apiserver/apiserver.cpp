#include "apiserver.h"

#include "backend/apiserver/localclient.h"

namespace kubist::apiserver {

ApiServer::ApiServer(store::Store &store, const Clock &clock, Registry::Options options)
    : m_clock(clock)
    , m_registry(store, clock, options)
{}

ApiServer::~ApiServer() = default;

std::unique_ptr<client::Client> ApiServer::localClient(const std::string &identity, Role role)
{
    return std::make_unique<LocalClient>(*this, identity, role);
}

void ApiServer::stopServing()
{
    m_serving = false;
    std::vector<std::shared_ptr<client::WatchHandle>> open;
    {
        std::lock_guard lock(m_mutex);
        for (auto &w : m_watches)
            if (auto h = w.lock())
                open.push_back(std::move(h));
        m_watches.clear();
    }
    for (auto &h : open)
        h->stop();
}

void ApiServer::startServing()
{
    m_serving = true;
}

void ApiServer::trackWatch(const std::shared_ptr<client::WatchHandle> &handle)
{
    std::lock_guard lock(m_mutex);
    std::erase_if(m_watches, [](const auto &w) { return w.expired(); });
    m_watches.push_back(handle);
}

Status ApiServer::authorize(Role role, const std::string &user, const std::string &verb,
                            const api::KindInfo &kind, const std::string &subresource,
                            const std::string &ns)
{
    if (role == Role::Admin)
        return {};
    if (verb == "get" || verb == "list" || verb == "watch")
        return {};
    std::string resource = kind.resource + (subresource.empty() ? "" : "/" + subresource);
    std::string m = resource + " is forbidden: User \"" + user + "\" cannot " + verb +
                    " resource \"" + resource + "\" in API group \"" + kind.group + "\"";
    m += kind.namespaced && !ns.empty() ? " in the namespace \"" + ns + "\""
                                        : " at the cluster scope";
    StatusDetails d;
    d.kind = kind.resource;
    d.group = kind.group;
    return Status::permissionDenied(m).withDetails(std::move(d));
}

} // namespace kubist::apiserver
