#include "backend/controllers/serviceaccount/serviceaccountcontroller.h"

#include "backend/api/scheme.h"
#include "backend/client/objectkey.h"

#include "core_v1.pb.h"

#include <algorithm>
#include <chrono>

namespace kubist::controllers {

namespace core = k8s::io::api::core::v1;

namespace {

constexpr const char kComponent[] = "service-account-controller";

const api::KindInfo &kindOf(const google::protobuf::Descriptor *d)
{
    return *api::Scheme::builtin().byDescriptor(d);
}

client::WorkQueue::Options queueOptions()
{
    client::WorkQueue::Options o;
    o.name = "serviceaccount";
    return o;
}

} // namespace

ServiceAccountController::ServiceAccountController(client::Client &client, const Clock &clock,
                                                   Options options)
    : m_client(client)
    , m_options(std::move(options))
    , m_queue(clock, queueOptions())
    , m_namespaces(
          std::make_unique<client::Informer>(client, kindOf(core::Namespace::descriptor()), clock))
    , m_serviceAccounts(std::make_unique<client::Informer>(
          client, kindOf(core::ServiceAccount::descriptor()), clock))
    , m_workers(
          m_queue, [this](const std::string &key) { return sync(key); },
          std::max(1, m_options.workers), kComponent)
{
    auto namespaceChanged = [this](const client::ObjectPtr &o) {
        m_queue.add(client::objectMeta(*o).name());
    };
    m_namespaces->addEventHandler(
        {namespaceChanged,
         [namespaceChanged](const client::ObjectPtr &, const client::ObjectPtr &o) {
             namespaceChanged(o);
         },
         nullptr});
    m_serviceAccounts->addEventHandler({nullptr, nullptr, [this](const client::ObjectPtr &o) {
                                            m_queue.add(client::objectMeta(*o).namespace_());
                                        }});
}

ServiceAccountController::~ServiceAccountController()
{
    stop();
}

void ServiceAccountController::start()
{
    if (m_started.exchange(true))
        return;
    m_namespaces->start();
    m_serviceAccounts->start();
    m_workers.start();
}

void ServiceAccountController::stop()
{
    if (m_stopped.exchange(true))
        return;
    m_namespaces->stop();
    m_serviceAccounts->stop();
    m_queue.shutDown();
    m_workers.stop();
}

Status ServiceAccountController::sync(const std::string &ns)
{
    const auto timeout = std::chrono::seconds(30);
    if (!m_namespaces->waitForSync(timeout) || !m_serviceAccounts->waitForSync(timeout))
        return Status::unavailable("caches not synced");
    const client::ObjectPtr nsObj = m_namespaces->indexer().get(ns);
    if (!nsObj)
        return {};
    const auto &namespace_ = static_cast<const core::Namespace &>(*nsObj);
    if (namespace_.metadata().has_deletion_timestamp() ||
        namespace_.status().phase() == "Terminating")
        return {};
    Status result;
    for (const std::string &name : m_options.serviceAccounts) {
        if (m_serviceAccounts->indexer().get(client::objectKey(ns, name)))
            continue;
        core::ServiceAccount sa;
        sa.mutable_metadata()->set_name(name);
        sa.mutable_metadata()->set_namespace_(ns);
        Result<client::ObjectPtr> r =
            m_client.create(kindOf(core::ServiceAccount::descriptor()), ns, sa);
        if (!r && r.status().code() != Status::Code::AlreadyExists &&
            r.status().code() != Status::Code::NotFound &&
            r.status().code() != Status::Code::PermissionDenied)
            result = r.status();
    }
    return result;
}

} // namespace kubist::controllers
