#include "backend/scheduler/framework/clusterlister.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"
#include "policy_v1.pb.h"

namespace kubist::scheduler {

namespace {

class EmptyLister final : public ClusterLister
{
public:
    std::shared_ptr<const k8s::io::api::core::v1::Namespace>
    getNamespace(std::string_view) const override
    {
        return nullptr;
    }
    std::vector<std::shared_ptr<const k8s::io::api::core::v1::Namespace>>
    namespaces() const override
    {
        return {};
    }
    std::vector<std::shared_ptr<const k8s::io::api::core::v1::Service>>
    services(std::string_view) const override
    {
        return {};
    }
    std::vector<std::shared_ptr<const k8s::io::api::apps::v1::ReplicaSet>>
    replicaSets(std::string_view) const override
    {
        return {};
    }
    std::vector<std::shared_ptr<const k8s::io::api::policy::v1::PodDisruptionBudget>>
    podDisruptionBudgets(std::string_view) const override
    {
        return {};
    }
};

} // namespace

std::shared_ptr<const ClusterLister> ClusterLister::empty()
{
    static const std::shared_ptr<const ClusterLister> lister = std::make_shared<EmptyLister>();
    return lister;
}

} // namespace kubist::scheduler
