#pragma once

#include "backend/scheduler/framework/clusterlister.h"
#include "backend/util/clock.h"

#include <memory>

namespace kubist::client {
class Client;
class Informer;
} // namespace kubist::client

namespace kubist::scheduler {

// InformerLister: the scheduler part's ClusterLister, backed by informers on
// namespaces, Services, ReplicaSets and PodDisruptionBudgets (upstream's
// shared informer factory). Lists by namespace use the namespace index.
//
// start() / stop() run the informers (stop() returns once no informer
// thread runs); hasSynced() when all four have listed once. Lookups are
// thread-safe and answer from the caches as they are.
class InformerLister final : public ClusterLister
{
public:
    InformerLister(client::Client &client, const Clock &clock);
    ~InformerLister() override;

    void start();
    void stop();
    bool hasSynced() const;

    std::shared_ptr<const k8s::io::api::core::v1::Namespace>
    getNamespace(std::string_view name) const override;
    std::vector<std::shared_ptr<const k8s::io::api::core::v1::Namespace>>
    namespaces() const override;
    std::vector<std::shared_ptr<const k8s::io::api::core::v1::Service>>
    services(std::string_view ns) const override;
    std::vector<std::shared_ptr<const k8s::io::api::apps::v1::ReplicaSet>>
    replicaSets(std::string_view ns) const override;
    std::vector<std::shared_ptr<const k8s::io::api::policy::v1::PodDisruptionBudget>>
    podDisruptionBudgets(std::string_view ns) const override;

private:
    std::unique_ptr<client::Informer> m_namespaces;
    std::unique_ptr<client::Informer> m_services;
    std::unique_ptr<client::Informer> m_replicaSets;
    std::unique_ptr<client::Informer> m_budgets;
};

} // namespace kubist::scheduler
