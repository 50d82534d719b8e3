#include "backend/scheduler/framework/clusterlister.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"
#include "policy_v1.pb.h"

namespace kubist::scheduler {

namespace core = k8s::io::api::core::v1;
namespace apps = k8s::io::api::apps::v1;
namespace policy = k8s::io::api::policy::v1;

namespace {

template<class T>
std::vector<std::shared_ptr<const T>> inNamespace(const std::vector<std::shared_ptr<const T>> &all,
                                                  std::string_view ns)
{
    std::vector<std::shared_ptr<const T>> out;
    out.reserve(all.size()); // one allocation (objects are mostly in few namespaces)
    for (const auto &o : all) {
        if (o && o->metadata().namespace_() == ns)
            out.push_back(o);
    }
    return out;
}

} // namespace

std::shared_ptr<const ClusterLister> ClusterLister::empty()
{
    static const std::shared_ptr<const ClusterLister> lister = std::make_shared<ObjectLister>();
    return lister;
}

std::shared_ptr<const core::Namespace> ObjectLister::getNamespace(std::string_view name) const
{
    for (const auto &ns : namespaceList) {
        if (ns && ns->metadata().name() == name)
            return ns;
    }
    return nullptr;
}

std::vector<std::shared_ptr<const core::Namespace>> ObjectLister::namespaces() const
{
    return namespaceList;
}

std::vector<std::shared_ptr<const core::Service>> ObjectLister::services(std::string_view ns) const
{
    return inNamespace(serviceList, ns);
}

std::vector<std::shared_ptr<const apps::ReplicaSet>>
ObjectLister::replicaSets(std::string_view ns) const
{
    return inNamespace(replicaSetList, ns);
}

std::vector<std::shared_ptr<const policy::PodDisruptionBudget>>
ObjectLister::podDisruptionBudgets(std::string_view ns) const
{
    return inNamespace(budgetList, ns);
}

} // namespace kubist::scheduler
