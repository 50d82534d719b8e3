#include "backend/scheduler/scheduler/informerlister.h"

#include "backend/api/scheme.h"
#include "backend/client/indexer.h"
#include "backend/client/informer.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"
#include "policy_v1.pb.h"

namespace kubist::scheduler {

namespace core = k8s::io::api::core::v1;
namespace apps = k8s::io::api::apps::v1;
namespace policy = k8s::io::api::policy::v1;

namespace {

template<class T>
std::unique_ptr<client::Informer> makeInformer(client::Client &client, const Clock &clock,
                                               const char *name, bool namespaced)
{
    client::Informer::Options options;
    options.name = name;
    auto informer = std::make_unique<client::Informer>(
        client, *api::Scheme::builtin().byDescriptor(T::descriptor()), clock, options);
    if (namespaced)
        (void)informer->addIndex(client::kNamespaceIndex, client::namespaceIndexFunc());
    return informer;
}

template<class T>
std::vector<std::shared_ptr<const T>> inNamespace(const client::Informer &informer,
                                                  std::string_view ns)
{
    std::vector<std::shared_ptr<const T>> out;
    for (const client::ObjectPtr &o :
         informer.indexer().byIndex(client::kNamespaceIndex, std::string(ns)))
        out.push_back(std::static_pointer_cast<const T>(o));
    return out;
}

} // namespace

InformerLister::InformerLister(client::Client &client, const Clock &clock)
    : m_namespaces(makeInformer<core::Namespace>(client, clock, "scheduler/namespaces", false))
    , m_services(makeInformer<core::Service>(client, clock, "scheduler/services", true))
    , m_replicaSets(makeInformer<apps::ReplicaSet>(client, clock, "scheduler/replicasets", true))
    , m_budgets(makeInformer<policy::PodDisruptionBudget>(client, clock,
                                                          "scheduler/poddisruptionbudgets", true))
{}

InformerLister::~InformerLister()
{
    stop();
}

void InformerLister::start()
{
    m_namespaces->start();
    m_services->start();
    m_replicaSets->start();
    m_budgets->start();
}

void InformerLister::stop()
{
    m_budgets->stop();
    m_replicaSets->stop();
    m_services->stop();
    m_namespaces->stop();
}

bool InformerLister::hasSynced() const
{
    return m_namespaces->hasSynced() && m_services->hasSynced() && m_replicaSets->hasSynced() &&
           m_budgets->hasSynced();
}

std::shared_ptr<const core::Namespace> InformerLister::getNamespace(std::string_view name) const
{
    return std::static_pointer_cast<const core::Namespace>(
        m_namespaces->indexer().get(std::string(name)));
}

std::vector<std::shared_ptr<const core::Namespace>> InformerLister::namespaces() const
{
    std::vector<std::shared_ptr<const core::Namespace>> out;
    for (const client::ObjectPtr &o : m_namespaces->indexer().list())
        out.push_back(std::static_pointer_cast<const core::Namespace>(o));
    return out;
}

std::vector<std::shared_ptr<const core::Service>>
InformerLister::services(std::string_view ns) const
{
    return inNamespace<core::Service>(*m_services, ns);
}

std::vector<std::shared_ptr<const apps::ReplicaSet>>
InformerLister::replicaSets(std::string_view ns) const
{
    return inNamespace<apps::ReplicaSet>(*m_replicaSets, ns);
}

std::vector<std::shared_ptr<const policy::PodDisruptionBudget>>
InformerLister::podDisruptionBudgets(std::string_view ns) const
{
    return inNamespace<policy::PodDisruptionBudget>(*m_budgets, ns);
}

} // namespace kubist::scheduler
