#include "localclient.h"

#include "backend/apiserver/registry/apierrors.h"
#include "backend/apiserver/registry/objectaccess.h"

#include "meta_v1.pb.h"

#include <google/protobuf/message.h>

#include <chrono>

namespace kubist::apiserver {

using google::protobuf::Message;

namespace {

Status notServing()
{
    return Status::unavailable(
        "Get \"https://127.0.0.1:6443\": dial tcp 127.0.0.1:6443: connect: connection refused "
        "(the API server is stopped)");
}

std::unique_ptr<Message> copyOf(const Message &m)
{
    std::unique_ptr<Message> c(m.New());
    c->CopyFrom(m);
    return c;
}

template<class T> int codeOf(const T &result)
{
    return result.isOk() ? 200 : apierrors::httpCode(result.status());
}

// A local watch the API server can end when it stops serving.
class LocalWatch final : public client::WatchHandle
{
public:
    struct Inner final : client::WatchHandle
    {
        // Held while onClosed runs, so stopQuietly() returns only after it
        // (recursive: onClosed may itself destroy the handle).
        std::recursive_mutex callbackMutex;
        std::mutex mutex; // guards everything below
        std::unique_ptr<client::WatchHandle> registryWatch;
        std::function<void()> onClosed;
        bool stopped = false;

        // Stopped by the server: the watcher learns the stream closed.
        void stop() override
        {
            std::lock_guard callbackLock(callbackMutex);
            std::function<void()> closed;
            {
                std::lock_guard lock(mutex);
                if (stopped)
                    return;
                stopped = true;
                if (registryWatch)
                    registryWatch->stop();
                closed = std::move(onClosed);
            }
            if (closed)
                closed();
        }
        // Stopped by its owner: no callback at all, now or later.
        void stopQuietly()
        {
            std::lock_guard callbackLock(callbackMutex);
            std::lock_guard lock(mutex);
            stopped = true;
            if (registryWatch)
                registryWatch->stop();
            onClosed = nullptr;
        }
    };

    explicit LocalWatch(std::shared_ptr<Inner> inner)
        : m_inner(std::move(inner))
    {}
    ~LocalWatch() override { stop(); }
    void stop() override { m_inner->stopQuietly(); }

private:
    std::shared_ptr<Inner> m_inner;
};

} // namespace

LocalClient::LocalClient(ApiServer &server, std::string identity, Role role)
    : m_server(server)
    , m_identity(std::move(identity))
    , m_role(role)
{}

template<class F>
auto LocalClient::call(const char *verb, const api::KindInfo &kind, const std::string &subresource,
                       const std::string &ns, const std::string &name, bool write, F &&f)
{
    using R = decltype(f());
    const auto start = std::chrono::steady_clock::now();
    R result = [&]() -> R {
        if (!m_server.isServing())
            return notServing();
        if (Status s = ApiServer::authorize(m_role, m_identity, verb, kind, subresource, ns); !s)
            return s;
        return f();
    }();
    if (!m_server.isServing() && !result.isOk() &&
        result.status().code() == Status::Code::Unavailable)
        return result; // refused connections leave no trace on the server
    ActivityRecord rec;
    rec.time = std::chrono::system_clock::now();
    rec.actor = m_identity;
    rec.verb = verb;
    rec.group = kind.group;
    rec.resource = kind.resource + (subresource.empty() ? "" : "/" + subresource);
    rec.ns = kind.namespaced ? ns : "";
    rec.name = name;
    rec.code = codeOf(result);
    rec.latency = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - start);
    rec.touchedStore = write ? result.isOk() : true;
    m_server.activity().record(std::move(rec));
    return result;
}

Result<client::ObjectPtr> LocalClient::get(const api::KindInfo &kind, const std::string &ns,
                                           const std::string &name,
                                           const client::GetOptions &options)
{
    return call("get", kind, "", ns, name, false,
                [&] { return m_server.registry().get(kind, ns, name, options); });
}

Result<client::ListResult> LocalClient::list(const api::KindInfo &kind, const std::string &ns,
                                             const client::ListOptions &options)
{
    return call("list", kind, "", ns, "", false,
                [&] { return m_server.registry().list(kind, ns, options); });
}

Result<std::unique_ptr<client::WatchHandle>> LocalClient::watch(const api::KindInfo &kind,
                                                                const std::string &ns,
                                                                const client::WatchOptions &options,
                                                                client::WatchCallbacks callbacks)
{
    return call(
        "watch", kind, "", ns, "", false, [&]() -> Result<std::unique_ptr<client::WatchHandle>> {
            auto inner = std::make_shared<LocalWatch::Inner>();
            inner->onClosed = callbacks.onClosed;
            // Hold the lock while the registry may deliver the initial
            // events, so a concurrent server stop waits for them.
            std::lock_guard lock(inner->mutex);
            Result<std::unique_ptr<client::WatchHandle>> w =
                m_server.registry().watch(kind, ns, options, std::move(callbacks));
            if (!w)
                return w.status();
            inner->registryWatch = std::move(*w);
            m_server.trackWatch(inner);
            return std::unique_ptr<client::WatchHandle>(std::make_unique<LocalWatch>(inner));
        });
}

Result<client::ObjectPtr> LocalClient::create(const api::KindInfo &kind, const std::string &ns,
                                              const Message &object,
                                              const client::WriteOptions &options)
{
    const std::string name = metadata(object).name();
    return call("create", kind, options.subresource, ns, name, true, [&] {
        RequestContext ctx{m_identity, nullptr};
        return m_server.registry().create(ctx, kind, ns, copyOf(object), options);
    });
}

Result<client::ObjectPtr> LocalClient::update(const api::KindInfo &kind, const std::string &ns,
                                              const Message &object,
                                              const client::WriteOptions &options)
{
    const std::string name = metadata(object).name();
    return call("update", kind, options.subresource, ns, name, true, [&] {
        RequestContext ctx{m_identity, nullptr};
        return m_server.registry().update(ctx, kind, ns, name, copyOf(object), options);
    });
}

Result<client::ObjectPtr> LocalClient::patch(const api::KindInfo &kind, const std::string &ns,
                                             const std::string &name, client::PatchType type,
                                             const std::string &patch,
                                             const client::WriteOptions &options)
{
    return call("patch", kind, options.subresource, ns, name, true, [&] {
        RequestContext ctx{m_identity, nullptr};
        return m_server.registry().patch(ctx, kind, ns, name, type, patch, options);
    });
}

Result<client::ObjectPtr> LocalClient::remove(const api::KindInfo &kind, const std::string &ns,
                                              const std::string &name,
                                              const client::DeleteOptions &options)
{
    return call("delete", kind, "", ns, name, true, [&] {
        RequestContext ctx{m_identity, nullptr};
        return m_server.registry().remove(ctx, kind, ns, name, options);
    });
}

Result<client::ObjectPtr> LocalClient::createSubresource(const api::KindInfo &kind,
                                                         const std::string &ns,
                                                         const std::string &name,
                                                         const std::string &subresource,
                                                         const Message &body)
{
    return call("create", kind, subresource, ns, name, true, [&] {
        RequestContext ctx{m_identity, nullptr};
        return m_server.registry().createSubresource(ctx, kind, ns, name, subresource,
                                                     copyOf(body));
    });
}

Result<std::string> LocalClient::podLog(const std::string &ns, const std::string &name,
                                        const client::LogOptions &options)
{
    const api::KindInfo &pods = *api::Scheme::builtin().byResource("", "pods");
    return call("get", pods, "log", ns, name, false,
                [&] { return m_server.registry().podLog(ns, name, options); });
}

} // namespace kubist::apiserver
