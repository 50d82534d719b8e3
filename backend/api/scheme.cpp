#include "scheme.h"

#include "apps_v1.pb.h"
#include "autoscaling_v1.pb.h"
#include "coordination_v1.pb.h"
#include "core_v1.pb.h"
#include "discovery_v1.pb.h"
#include "kubist_v1alpha1.pb.h"
#include "policy_v1.pb.h"

#include <google/protobuf/message.h>

namespace kubist::api {

namespace core = k8s::io::api::core::v1;
namespace apps = k8s::io::api::apps::v1;
namespace coordination = k8s::io::api::coordination::v1;
namespace policy = k8s::io::api::policy::v1;
namespace autoscaling = k8s::io::api::autoscaling::v1;
namespace discovery = k8s::io::api::discovery::v1;
namespace kubistv1alpha1 = io::kubist::v1alpha1;

namespace {

template<class T, class L = void>
KindInfo kind(std::string group, std::string kindName, std::string resource, bool namespaced,
              std::vector<std::string> shortNames = {}, std::vector<std::string> categories = {})
{
    KindInfo k;
    k.group = std::move(group);
    k.version = "v1";
    k.kind = std::move(kindName);
    k.resource = std::move(resource);
    k.singular = k.kind;
    for (char &c : k.singular)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    k.namespaced = namespaced;
    k.shortNames = std::move(shortNames);
    k.categories = std::move(categories);
    k.descriptor = T::descriptor();
    if constexpr (!std::is_void_v<L>) {
        k.listDescriptor = L::descriptor();
        k.verbs = {"create", "delete", "deletecollection", "get",
                   "list",   "patch",  "update",           "watch"};
    } else {
        k.subresourceOnly = true;
        k.verbs = {"create"};
    }
    return k;
}

SubresourceInfo sub(std::string name, std::string group, std::string kindName,
                    std::vector<std::string> verbs)
{
    return {std::move(name), std::move(group), "v1", std::move(kindName), std::move(verbs)};
}

const std::vector<std::string> kStatusVerbs{"get", "patch", "update"};

} // namespace

Scheme::Scheme()
{
    const std::vector<std::string> all{"all"};
    m_kinds = {
        kind<core::Namespace, core::NamespaceList>("", "Namespace", "namespaces", false, {"ns"}),
        kind<core::Pod, core::PodList>("", "Pod", "pods", true, {"po"}, all),
        kind<core::Node, core::NodeList>("", "Node", "nodes", false, {"no"}),
        kind<core::Service, core::ServiceList>("", "Service", "services", true, {"svc"}, all),
        kind<core::Endpoints, core::EndpointsList>("", "Endpoints", "endpoints", true, {"ep"}),
        kind<core::Event, core::EventList>("", "Event", "events", true, {"ev"}),
        kind<core::ConfigMap, core::ConfigMapList>("", "ConfigMap", "configmaps", true, {"cm"}),
        kind<core::Secret, core::SecretList>("", "Secret", "secrets", true),
        kind<core::ServiceAccount, core::ServiceAccountList>("", "ServiceAccount",
                                                             "serviceaccounts", true, {"sa"}),
        kind<core::Binding>("", "Binding", "bindings", true),
        kind<apps::Deployment, apps::DeploymentList>("apps", "Deployment", "deployments", true,
                                                     {"deploy"}, all),
        kind<apps::ReplicaSet, apps::ReplicaSetList>("apps", "ReplicaSet", "replicasets", true,
                                                     {"rs"}, all),
        kind<coordination::Lease, coordination::LeaseList>("coordination.k8s.io", "Lease", "leases",
                                                           true),
        kind<policy::PodDisruptionBudget, policy::PodDisruptionBudgetList>(
            "policy", "PodDisruptionBudget", "poddisruptionbudgets", true, {"pdb"}),
        kind<policy::Eviction>("policy", "Eviction", "", true),
        kind<autoscaling::Scale>("autoscaling", "Scale", "", true),
        kind<discovery::EndpointSlice, discovery::EndpointSliceList>(
            "discovery.k8s.io", "EndpointSlice", "endpointslices", true),
        kind<kubistv1alpha1::Fault, kubistv1alpha1::FaultList>("kubist.io", "Fault", "faults",
                                                               false),
    };
    auto at = [this](std::string_view resource) -> KindInfo & {
        for (KindInfo &k : m_kinds)
            if (k.resource == resource)
                return k;
        std::abort();
    };
    at("namespaces").subresources = {sub("status", "", "Namespace", kStatusVerbs),
                                     sub("finalize", "", "Namespace", {"update"})};
    at("namespaces").verbs = {"create", "delete", "get", "list", "patch", "update", "watch"};
    at("pods").subresources = {sub("status", "", "Pod", kStatusVerbs),
                               sub("binding", "", "Binding", {"create"}),
                               sub("eviction", "policy", "Eviction", {"create"}),
                               sub("log", "", "Pod", {"get"}),
                               sub("exec", "", "PodExecOptions", {"create", "get"}),
                               sub("attach", "", "PodAttachOptions", {"create", "get"}),
                               sub("portforward", "", "PodPortForwardOptions", {"create", "get"})};
    at("nodes").subresources = {sub("status", "", "Node", kStatusVerbs)};
    at("services").subresources = {sub("status", "", "Service", kStatusVerbs)};
    at("deployments").subresources = {sub("status", "apps", "Deployment", kStatusVerbs),
                                      sub("scale", "autoscaling", "Scale", kStatusVerbs)};
    at("replicasets").subresources = {sub("status", "apps", "ReplicaSet", kStatusVerbs),
                                      sub("scale", "autoscaling", "Scale", kStatusVerbs)};
    at("poddisruptionbudgets").subresources = {
        sub("status", "policy", "PodDisruptionBudget", kStatusVerbs)};
    // Kubist's own group (served in JSON only, as custom resources are).
    at("faults").version = "v1alpha1";
    at("faults").subresources = {sub("status", "kubist.io", "Fault", kStatusVerbs)};
    at("faults").subresources.back().version = "v1alpha1";
}

const Scheme &Scheme::builtin()
{
    static const Scheme scheme;
    return scheme;
}

const KindInfo *Scheme::byKind(std::string_view apiVersion, std::string_view kindName) const
{
    for (const KindInfo &k : m_kinds)
        if (k.kind == kindName && k.apiVersion() == apiVersion)
            return &k;
    return nullptr;
}

const KindInfo *Scheme::byResource(std::string_view group, std::string_view resource) const
{
    for (const KindInfo &k : m_kinds)
        if (k.resource == resource && k.group == group)
            return &k;
    return nullptr;
}

const KindInfo *Scheme::byDescriptor(const google::protobuf::Descriptor *d) const
{
    for (const KindInfo &k : m_kinds)
        if (k.descriptor == d)
            return &k;
    return nullptr;
}

const KindInfo *Scheme::byListDescriptor(const google::protobuf::Descriptor *d) const
{
    for (const KindInfo &k : m_kinds)
        if (k.listDescriptor && k.listDescriptor == d)
            return &k;
    return nullptr;
}

std::unique_ptr<google::protobuf::Message> Scheme::newMessage(const google::protobuf::Descriptor *d)
{
    const google::protobuf::Message *prototype =
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(d);
    return std::unique_ptr<google::protobuf::Message>(prototype ? prototype->New() : nullptr);
}

JsonCodec::Resolver Scheme::resolver() const
{
    return [this](const TypeMeta &tm) -> google::protobuf::Message * {
        const KindInfo *k = byKind(tm.apiVersion, tm.kind);
        if (!k)
            return nullptr;
        return newMessage(k->descriptor).release();
    };
}

} // namespace kubist::api
