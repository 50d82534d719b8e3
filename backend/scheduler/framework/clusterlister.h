#pragma once

#include <memory>
#include <string_view>
#include <vector>

namespace k8s::io::api::core::v1 {
class Namespace;
class Service;
} // namespace k8s::io::api::core::v1
namespace k8s::io::api::apps::v1 {
class ReplicaSet;
}
namespace k8s::io::api::policy::v1 {
class PodDisruptionBudget;
}

namespace kubist::scheduler {

// Read access to the cluster objects beyond nodes and pods that some
// plugins need (upstream: the informer factory's listers): namespaces (for
// namespaceSelector in pod affinity), Services and ReplicaSets (the
// default selector of PodTopologySpread's system defaults) and
// PodDisruptionBudgets (preemption prefers victims whose budget allows it).
//
// A Snapshot carries one; ClusterLister::empty() knows no objects. The
// scheduler part backs it with its informers, the GUI with its model.
// Implementations must be thread-safe; returned objects are immutable.
class ClusterLister
{
public:
    virtual ~ClusterLister() = default;

    // nullptr when the namespace is unknown.
    virtual std::shared_ptr<const k8s::io::api::core::v1::Namespace>
    getNamespace(std::string_view name) const = 0;
    // Every namespace (for namespaceSelector).
    virtual std::vector<std::shared_ptr<const k8s::io::api::core::v1::Namespace>>
    namespaces() const = 0;
    virtual std::vector<std::shared_ptr<const k8s::io::api::core::v1::Service>>
    services(std::string_view ns) const = 0;
    virtual std::vector<std::shared_ptr<const k8s::io::api::apps::v1::ReplicaSet>>
    replicaSets(std::string_view ns) const = 0;
    virtual std::vector<std::shared_ptr<const k8s::io::api::policy::v1::PodDisruptionBudget>>
    podDisruptionBudgets(std::string_view ns) const = 0;

    // A lister with no objects (shared, immutable).
    static std::shared_ptr<const ClusterLister> empty();
};

// ObjectLister: a ClusterLister over objects held in memory (the GUI's
// copy of its model, tests, benchmarks). Fill the public lists, then share
// it; lookups filter by namespace on every call. Immutable once shared.
class ObjectLister final : public ClusterLister
{
public:
    std::vector<std::shared_ptr<const k8s::io::api::core::v1::Namespace>> namespaceList;
    std::vector<std::shared_ptr<const k8s::io::api::core::v1::Service>> serviceList;
    std::vector<std::shared_ptr<const k8s::io::api::apps::v1::ReplicaSet>> replicaSetList;
    std::vector<std::shared_ptr<const k8s::io::api::policy::v1::PodDisruptionBudget>> budgetList;

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
};

} // namespace kubist::scheduler
