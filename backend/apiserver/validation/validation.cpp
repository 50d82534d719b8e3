#include "validation.h"

#include "podvalidation.h"
#include "validationutil.h"

#include "backend/api/goduration.h"
#include "backend/api/labelselector.h"
#include "backend/api/quantity.h"
#include "backend/api/scheme.h"

#include "apps_v1.pb.h"
#include "autoscaling_v1.pb.h"
#include "coordination_v1.pb.h"
#include "core_v1.pb.h"
#include "discovery_v1.pb.h"
#include "kubist_v1alpha1.pb.h"
#include "policy_v1.pb.h"

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <set>

namespace kubist::apiserver {

namespace core = k8s::io::api::core::v1;
namespace apps = k8s::io::api::apps::v1;
namespace policy = k8s::io::api::policy::v1;
namespace coordination = k8s::io::api::coordination::v1;
namespace discovery = k8s::io::api::discovery::v1;
namespace autoscaling = k8s::io::api::autoscaling::v1;
namespace metav1 = k8s::io::apimachinery::pkg::apis::meta::v1;
namespace kubistv1 = io::kubist::v1alpha1;
using namespace vutil;
using names::NameRule;

namespace {

bool contains(std::initializer_list<const char *> list, const std::string &v)
{
    for (const char *s : list)
        if (v == s)
            return true;
    return false;
}

template<class T> std::vector<std::string> sortedKeys(const T &map)
{
    std::vector<std::string> keys;
    for (const auto &entry : map)
        keys.push_back(entry.first);
    std::sort(keys.begin(), keys.end());
    return keys;
}

bool equal(const google::protobuf::Message &a, const google::protobuf::Message &b)
{
    return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

// ---- Namespace ------------------------------------------------------------

void namespaceFinalizers(const core::Namespace &ns, FieldErrors &errs)
{
    for (const std::string &f : ns.spec().finalizers()) {
        qualifiedName(f, "spec.finalizers", errs);
        kubeFinalizerName(f, "spec.finalizers", errs);
    }
}

FieldErrors namespaceCreate(const core::Namespace &ns)
{
    FieldErrors errs;
    objectMeta(ns.metadata(), false, NameRule::Dns1123Label, errs);
    namespaceFinalizers(ns, errs);
    return errs;
}

FieldErrors namespaceStatus(const core::Namespace &ns, const core::Namespace &old)
{
    FieldErrors errs;
    objectMetaUpdate(ns.metadata(), old.metadata(), errs);
    const std::string &phase = ns.status().phase();
    if (!ns.metadata().has_deletion_timestamp()) {
        if (phase != "Active")
            errs.push_back(FieldError::invalid("status.Phase", q(phase),
                                               "may only be 'Active' if `deletionTimestamp` is "
                                               "empty"));
    } else if (phase != "Terminating") {
        errs.push_back(FieldError::invalid("status.Phase", q(phase),
                                           "may only be 'Terminating' if `deletionTimestamp` is "
                                           "not empty"));
    }
    return errs;
}

// ---- Node -------------------------------------------------------------------

std::string goTaint(const core::Taint &t)
{
    return "core.Taint{Key:" + q(t.key()) + ", Value:" + q(t.value()) +
           ", Effect:" + q(t.effect()) +
           ", TimeAdded:" + (t.has_time_added() ? "<time>" : "(*v1.Time)(nil)") + "}";
}

void nodeTaints(const core::Node &node, FieldErrors &errs)
{
    std::set<std::pair<std::string, std::string>> unique;
    for (int i = 0; i < node.spec().taints_size(); ++i) {
        const core::Taint &t = node.spec().taints(i);
        // Upstream reports node taints under metadata.taints.
        const std::string p = index("metadata.taints", i);
        qualifiedName(t.key(), child(p, "key"), errs);
        const auto msgs = names::isLabelValue(t.value());
        if (!msgs.empty()) {
            std::string joined;
            for (const std::string &m : msgs)
                joined += (joined.empty() ? "" : ";") + m;
            errs.push_back(FieldError::invalid(child(p, "value"), q(t.value()), joined));
        }
        if (t.effect().empty())
            errs.push_back(FieldError::required(child(p, "effect")));
        else if (!contains({"NoSchedule", "PreferNoSchedule", "NoExecute"}, t.effect()))
            errs.push_back(
                FieldError::notSupported(child(p, "effect"), q(t.effect()),
                                         {"NoSchedule", "PreferNoSchedule", "NoExecute"}));
        if (!unique.insert({t.effect(), t.key()}).second) {
            FieldError dup = FieldError::duplicate(p, goTaint(t));
            dup.detail = "taints must be unique by key and effect pair";
            errs.push_back(std::move(dup));
        }
    }
}

void nodeResources(const core::Node &node, FieldErrors &errs)
{
    auto check = [&](const auto &list, const char *which) {
        for (const std::string &name : sortedKeys(list)) {
            const std::string p = std::string("status.") + which + "." + name;
            auto qty = api::Quantity::parse(list.at(name).value());
            if (!qty)
                errs.push_back(
                    FieldError::invalid(p, q(list.at(name).value()), qty.status().message()));
            else if (qty->sign() < 0)
                errs.push_back(FieldError::invalid(p, q(qty->toString()), kIsNegative));
        }
    };
    check(node.status().capacity(), "capacity");
    check(node.status().allocatable(), "allocatable");
}

std::vector<std::string> podCidrs(const core::Node &node)
{
    std::vector<std::string> out(node.spec().pod_cidrs().begin(), node.spec().pod_cidrs().end());
    if (out.empty() && !node.spec().pod_cidr().empty())
        out.push_back(node.spec().pod_cidr());
    return out;
}

FieldErrors nodeCreate(const core::Node &node)
{
    FieldErrors errs;
    objectMeta(node.metadata(), false, NameRule::Dns1123Subdomain, errs);
    nodeTaints(node, errs);
    nodeResources(node, errs);
    const auto cidrs = podCidrs(node);
    for (size_t i = 0; i < cidrs.size(); ++i)
        for (std::string &m : names::isValidCidr(cidrs[i]))
            errs.push_back(FieldError::invalid(index("spec.podCIDRs", static_cast<long long>(i)),
                                               q(cidrs[i]), std::move(m)));
    if (cidrs.size() > 2)
        errs.push_back(FieldError::invalid("spec.podCIDRs", goStringList(cidrs),
                                           "may specify no more than one CIDR for each IP "
                                           "family"));
    for (size_t i = 1; i < cidrs.size(); ++i)
        if (std::find(cidrs.begin(), cidrs.begin() + static_cast<long>(i), cidrs[i]) !=
            cidrs.begin() + static_cast<long>(i))
            errs.push_back(FieldError::duplicate(index("spec.podCIDRs", static_cast<long long>(i)),
                                                 q(cidrs[i])));
    return errs;
}

FieldErrors nodeUpdate(const core::Node &node, const core::Node &old)
{
    FieldErrors errs;
    objectMetaUpdate(node.metadata(), old.metadata(), errs);
    nodeResources(node, errs);
    std::set<std::pair<std::string, std::string>> addresses;
    for (int i = 0; i < node.status().addresses_size(); ++i) {
        const core::NodeAddress &a = node.status().addresses(i);
        if (!addresses.insert({a.type(), a.address()}).second)
            errs.push_back(FieldError::duplicate(index("status.addresses", i),
                                                 "core.NodeAddress{Type:" + q(a.type()) +
                                                     ", Address:" + q(a.address()) + "}"));
    }
    const auto before = podCidrs(old);
    if (!before.empty() && before != podCidrs(node))
        errs.push_back(FieldError::forbidden("spec.podCIDRs",
                                             "node updates may not change podCIDR except from "
                                             "\"\" to valid"));
    if (!old.spec().provider_id().empty() && old.spec().provider_id() != node.spec().provider_id())
        errs.push_back(FieldError::forbidden("spec.providerID",
                                             "node updates may not change providerID except from "
                                             "\"\" to valid"));
    nodeTaints(node, errs);
    if (node.spec().external_id() != old.spec().external_id())
        errs.push_back(FieldError::forbidden("spec.externalID", "may not be updated"));
    return errs;
}

// ---- Service ----------------------------------------------------------------

std::vector<std::string> clusterIps(const core::ServiceSpec &spec)
{
    std::vector<std::string> out(spec.cluster_ips().begin(), spec.cluster_ips().end());
    if (out.empty() && !spec.cluster_ip().empty())
        out.push_back(spec.cluster_ip());
    return out;
}

bool isHeadless(const core::ServiceSpec &spec)
{
    const auto ips = clusterIps(spec);
    return ips.size() == 1 && ips[0] == "None";
}

bool externallyAccessible(const core::ServiceSpec &spec)
{
    return spec.type() == "LoadBalancer" || spec.type() == "NodePort" ||
           (spec.type() == "ClusterIP" && !spec.external_ips().empty());
}

std::string goServicePortKey(const core::ServicePort &p)
{
    return "core.ServicePort{Name:\"\", Protocol:" + q(p.protocol()) +
           ", AppProtocol:(*string)(nil), Port:" + num(p.port()) +
           ", TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}";
}

FieldErrors serviceValidate(const core::Service &svc)
{
    FieldErrors errs;
    objectMeta(svc.metadata(), true, NameRule::Dns1035Label, errs);
    const core::ServiceSpec &spec = svc.spec();
    const std::string &type = spec.type();
    if (spec.ports().empty() && !isHeadless(spec) && type != "ExternalName")
        errs.push_back(FieldError::required("spec.ports"));
    const auto ips = clusterIps(spec);
    if (type == "LoadBalancer" && isHeadless(spec))
        errs.push_back(FieldError::invalid("spec.clusterIPs[0]", q(ips[0]),
                                           "may not be set to 'None' for LoadBalancer services"));
    if (type == "NodePort" && isHeadless(spec))
        errs.push_back(FieldError::invalid("spec.clusterIPs[0]", q(ips[0]),
                                           "may not be set to 'None' for NodePort services"));
    if (type == "ExternalName") {
        if (!ips.empty())
            errs.push_back(FieldError::forbidden("spec.clusterIPs",
                                                 "may not be set for ExternalName services"));
        if (!spec.ip_families().empty())
            errs.push_back(FieldError::forbidden("spec.ipFamilies",
                                                 "may not be set for ExternalName services"));
        if (spec.has_ip_family_policy())
            errs.push_back(FieldError::forbidden("spec.ipFamilyPolicy",
                                                 "may not be set for ExternalName services"));
        std::string cname = spec.external_name();
        if (!cname.empty() && cname.back() == '.')
            cname.pop_back();
        if (cname.empty())
            errs.push_back(FieldError::required("spec.externalName"));
        else
            dns1123Subdomain(cname, "spec.externalName", errs);
    }
    std::set<std::string> portNames;
    for (int i = 0; i < spec.ports_size(); ++i) {
        const core::ServicePort &sp = spec.ports(i);
        const std::string p = index("spec.ports", i);
        if (spec.ports_size() > 1 && sp.name().empty()) {
            errs.push_back(FieldError::required(child(p, "name")));
        } else if (!sp.name().empty()) {
            dns1123Label(sp.name(), child(p, "name"), errs);
            if (!portNames.insert(sp.name()).second)
                errs.push_back(FieldError::duplicate(child(p, "name"), q(sp.name())));
        }
        for (std::string &m : names::isValidPortNum(sp.port()))
            errs.push_back(FieldError::invalid(child(p, "port"), num(sp.port()), std::move(m)));
        if (sp.protocol().empty())
            errs.push_back(FieldError::required(child(p, "protocol")));
        else if (!contains({"TCP", "UDP", "SCTP"}, sp.protocol()))
            errs.push_back(FieldError::notSupported(child(p, "protocol"), q(sp.protocol()),
                                                    {"SCTP", "TCP", "UDP"}));
        const auto &tp = sp.target_port();
        if (tp.type() == 1) {
            for (std::string &m : names::isValidPortName(tp.str_val()))
                errs.push_back(
                    FieldError::invalid(child(p, "targetPort"), q(tp.str_val()), std::move(m)));
        } else {
            for (std::string &m : names::isValidPortNum(tp.int_val()))
                errs.push_back(
                    FieldError::invalid(child(p, "targetPort"), num(tp.int_val()), std::move(m)));
        }
        if (sp.has_app_protocol())
            qualifiedName(sp.app_protocol(), child(p, "appProtocol"), errs);
    }
    labels(spec.selector(), "spec.selector", errs);
    const std::string &affinity = spec.session_affinity();
    if (affinity.empty())
        errs.push_back(FieldError::required("spec.sessionAffinity"));
    else if (affinity != "ClientIP" && affinity != "None")
        errs.push_back(
            FieldError::notSupported("spec.sessionAffinity", q(affinity), {"ClientIP", "None"}));
    if (affinity == "ClientIP") {
        const std::string p = "spec.sessionAffinityConfig";
        const char *when = "when session affinity type is ClientIP";
        if (!spec.has_session_affinity_config())
            errs.push_back(FieldError::required(p, when));
        else if (!spec.session_affinity_config().has_client_ip())
            errs.push_back(FieldError::required(child(p, "clientIP"), when));
        else if (!spec.session_affinity_config().client_ip().has_timeout_seconds())
            errs.push_back(
                FieldError::required(child(child(p, "clientIP"), "timeoutSeconds"), when));
        else {
            const int t = spec.session_affinity_config().client_ip().timeout_seconds();
            if (t <= 0 || t > 86400)
                errs.push_back(FieldError::invalid(child(child(p, "clientIP"), "timeoutSeconds"),
                                                   num(t),
                                                   "must be greater than 0 and less than 86400"));
        }
    } else if (affinity == "None" && spec.has_session_affinity_config()) {
        errs.push_back(FieldError::forbidden("spec.sessionAffinityConfig",
                                             "must not be set when session affinity is None"));
    }
    for (size_t i = 0; i < ips.size(); ++i) {
        if (i == 0 && ips[i] == "None")
            continue;
        for (std::string &m : names::isValidIp(ips[i]))
            errs.push_back(FieldError::invalid(index("spec.clusterIPs", static_cast<long long>(i)),
                                               q(ips[i]), std::move(m)));
    }
    if (spec.has_ip_family_policy() &&
        !contains({"SingleStack", "PreferDualStack", "RequireDualStack"}, spec.ip_family_policy()))
        errs.push_back(
            FieldError::notSupported("spec.ipFamilyPolicy", q(spec.ip_family_policy()),
                                     {"SingleStack", "PreferDualStack", "RequireDualStack"}));
    for (int i = 0; i < spec.ip_families_size(); ++i)
        if (!contains({"IPv4", "IPv6"}, spec.ip_families(i)))
            errs.push_back(FieldError::notSupported(index("spec.ipFamilies", i),
                                                    q(spec.ip_families(i)), {"IPv4", "IPv6"}));
    for (int i = 0; i < spec.external_ips_size(); ++i) {
        const std::string p = index("spec.externalIPs", i);
        auto bad = names::isValidIp(spec.external_ips(i));
        if (bad.empty())
            bad = names::isNonSpecialIp(spec.external_ips(i));
        for (std::string &m : bad)
            errs.push_back(FieldError::invalid(p, q(spec.external_ips(i)), std::move(m)));
    }
    if (type.empty())
        errs.push_back(FieldError::required("spec.type"));
    else if (!contains({"ClusterIP", "ExternalName", "LoadBalancer", "NodePort"}, type))
        errs.push_back(FieldError::notSupported(
            "spec.type", q(type), {"ClusterIP", "ExternalName", "LoadBalancer", "NodePort"}));
    if (type == "ClusterIP")
        for (int i = 0; i < spec.ports_size(); ++i)
            if (spec.ports(i).node_port() != 0)
                errs.push_back(FieldError::forbidden(child(index("spec.ports", i), "nodePort"),
                                                     "may not be used when `type` is 'ClusterIP'"));
    std::set<std::pair<std::string, int>> nodePorts;
    for (int i = 0; i < spec.ports_size(); ++i) {
        const core::ServicePort &sp = spec.ports(i);
        if (sp.node_port() == 0)
            continue;
        if (!nodePorts.insert({sp.protocol(), sp.node_port()}).second)
            errs.push_back(FieldError::duplicate(child(index("spec.ports", i), "nodePort"),
                                                 num(sp.node_port())));
    }
    std::set<std::pair<std::string, int>> ports;
    for (int i = 0; i < spec.ports_size(); ++i) {
        const core::ServicePort &sp = spec.ports(i);
        if (!ports.insert({sp.protocol(), sp.port()}).second)
            errs.push_back(FieldError::duplicate(index("spec.ports", i), goServicePortKey(sp)));
    }
    if (!spec.load_balancer_source_ranges().empty()) {
        if (type != "LoadBalancer")
            errs.push_back(FieldError::forbidden("spec.LoadBalancerSourceRanges",
                                                 "may only be used when `type` is "
                                                 "'LoadBalancer'"));
        for (int i = 0; i < spec.load_balancer_source_ranges_size(); ++i) {
            std::string v = spec.load_balancer_source_ranges(i);
            v.erase(0, v.find_first_not_of(' '));
            v.erase(v.find_last_not_of(' ') + 1);
            for (std::string &m : names::isValidCidr(v))
                errs.push_back(FieldError::invalid(index("spec.LoadBalancerSourceRanges", i), q(v),
                                                   std::move(m)));
        }
    }
    if (spec.has_allocate_load_balancer_node_ports() && type != "LoadBalancer")
        errs.push_back(FieldError::forbidden("spec.allocateLoadBalancerNodePorts",
                                             "may only be used when `type` is 'LoadBalancer'"));
    if (type == "LoadBalancer" && !spec.has_allocate_load_balancer_node_ports())
        errs.push_back(FieldError::required("allocateLoadBalancerNodePorts"));
    const std::string &etp = spec.external_traffic_policy();
    if (!externallyAccessible(spec)) {
        if (!etp.empty())
            errs.push_back(FieldError::invalid("spec.externalTrafficPolicy", q(etp),
                                               "may only be set for externally-accessible "
                                               "services"));
    } else if (etp.empty()) {
        errs.push_back(FieldError::required("spec.externalTrafficPolicy"));
    } else if (etp != "Cluster" && etp != "Local") {
        errs.push_back(
            FieldError::notSupported("spec.externalTrafficPolicy", q(etp), {"Cluster", "Local"}));
    }
    const bool needsHealthCheck = type == "LoadBalancer" && etp == "Local";
    if (!needsHealthCheck && spec.health_check_node_port() != 0)
        errs.push_back(FieldError::invalid("spec.healthCheckNodePort",
                                           num(spec.health_check_node_port()),
                                           "may only be set when `type` is 'LoadBalancer' and "
                                           "`externalTrafficPolicy` is 'Local'"));
    if (needsHealthCheck && spec.health_check_node_port() == 0)
        errs.push_back(FieldError::required("spec.healthCheckNodePort"));
    if (!spec.has_internal_traffic_policy()) {
        if (contains({"NodePort", "LoadBalancer", "ClusterIP"}, type))
            errs.push_back(FieldError::required("spec.internalTrafficPolicy"));
    } else if (!contains({"Cluster", "Local"}, spec.internal_traffic_policy())) {
        errs.push_back(FieldError::notSupported(
            "spec.internalTrafficPolicy", q(spec.internal_traffic_policy()), {"Cluster", "Local"}));
    }
    if (spec.has_traffic_distribution() && spec.traffic_distribution() != "PreferClose")
        errs.push_back(FieldError::notSupported("spec.trafficDistribution",
                                                q(spec.traffic_distribution()), {"PreferClose"}));
    return errs;
}

FieldErrors serviceUpdate(const core::Service &svc, const core::Service &old)
{
    FieldErrors errs;
    objectMetaUpdate(svc.metadata(), old.metadata(), errs);
    if (svc.spec().type() != "ExternalName" && old.spec().type() != "ExternalName") {
        const auto now = clusterIps(svc.spec());
        const auto before = clusterIps(old.spec());
        if (!now.empty() && !before.empty() && now[0] != before[0])
            errs.push_back(FieldError::invalid("spec.clusterIPs[0]", goStringList(now),
                                               "may not change once set"));
    }
    if (old.spec().type() == "LoadBalancer" && old.spec().external_traffic_policy() == "Local" &&
        svc.spec().type() == "LoadBalancer" && svc.spec().external_traffic_policy() == "Local" &&
        svc.spec().health_check_node_port() != old.spec().health_check_node_port())
        errs.push_back(FieldError::forbidden("spec.healthCheckNodePort", kImmutable));
    FieldErrors rest = serviceValidate(svc);
    for (FieldError &e : rest)
        if (e.field.rfind("metadata.", 0) != 0 || e.field == "metadata.name" ||
            e.field == "metadata.namespace")
            errs.push_back(std::move(e));
    return errs;
}

// ---- Endpoints, EndpointSlice ----------------------------------------------

FieldErrors endpointsValidate(const core::Endpoints &ep)
{
    FieldErrors errs;
    objectMeta(ep.metadata(), true, NameRule::Dns1123Subdomain, errs);
    for (int i = 0; i < ep.subsets_size(); ++i) {
        const core::EndpointSubset &ss = ep.subsets(i);
        const std::string p = index("subsets", i);
        if (ss.addresses().empty() && ss.not_ready_addresses().empty())
            errs.push_back(
                FieldError::required(p, "must specify `addresses` or `notReadyAddresses`"));
        auto address = [&](const core::EndpointAddress &a, const std::string &ap) {
            for (std::string &m : names::isValidIp(a.ip()))
                errs.push_back(FieldError::invalid(child(ap, "ip"), q(a.ip()), std::move(m)));
            if (!a.hostname().empty())
                dns1123Label(a.hostname(), child(ap, "hostname"), errs);
            if (a.has_node_name())
                nameRule(NameRule::Dns1123Subdomain, a.node_name(), child(ap, "nodeName"), errs);
            if (names::isValidIp(a.ip()).empty())
                for (std::string &m : names::isNonSpecialIp(a.ip()))
                    errs.push_back(FieldError::invalid(child(ap, "ip"), q(a.ip()), std::move(m)));
        };
        for (int j = 0; j < ss.addresses_size(); ++j)
            address(ss.addresses(j), index(child(p, "addresses"), j));
        for (int j = 0; j < ss.not_ready_addresses_size(); ++j)
            address(ss.not_ready_addresses(j), index(child(p, "notReadyAddresses"), j));
        for (int j = 0; j < ss.ports_size(); ++j) {
            const core::EndpointPort &port = ss.ports(j);
            const std::string pp = index(child(p, "ports"), j);
            if (ss.ports_size() > 1 && port.name().empty())
                errs.push_back(FieldError::required(child(pp, "name")));
            else if (!port.name().empty())
                dns1123Label(port.name(), child(pp, "name"), errs);
            for (std::string &m : names::isValidPortNum(port.port()))
                errs.push_back(
                    FieldError::invalid(child(pp, "port"), num(port.port()), std::move(m)));
            if (port.protocol().empty())
                errs.push_back(FieldError::required(child(pp, "protocol")));
            else if (!contains({"TCP", "UDP", "SCTP"}, port.protocol()))
                errs.push_back(FieldError::notSupported(child(pp, "protocol"), q(port.protocol()),
                                                        {"SCTP", "TCP", "UDP"}));
            if (port.has_app_protocol())
                qualifiedName(port.app_protocol(), child(pp, "appProtocol"), errs);
        }
    }
    return errs;
}

FieldErrors endpointSliceValidate(const discovery::EndpointSlice &slice)
{
    FieldErrors errs;
    objectMeta(slice.metadata(), true, NameRule::Dns1123Subdomain, errs);
    const std::string &type = slice.address_type();
    if (type.empty())
        errs.push_back(FieldError::required("addressType"));
    else if (!contains({"IPv4", "IPv6", "FQDN"}, type))
        errs.push_back(FieldError::notSupported("addressType", q(type), {"FQDN", "IPv4", "IPv6"}));
    if (slice.endpoints_size() > 1000)
        errs.push_back(FieldError::tooMany("endpoints", slice.endpoints_size(), 1000));
    for (int i = 0; i < slice.endpoints_size(); ++i) {
        const discovery::Endpoint &ep = slice.endpoints(i);
        const std::string p = index("endpoints", i);
        const std::string ap = child(p, "addresses");
        if (ep.addresses().empty())
            errs.push_back(FieldError::required(ap, "must contain at least 1 address"));
        else if (ep.addresses_size() > 100)
            errs.push_back(FieldError::tooMany(ap, ep.addresses_size(), 100));
        for (int j = 0; j < ep.addresses_size(); ++j) {
            const std::string &a = ep.addresses(j);
            std::vector<std::string> bad;
            if (type == "IPv4" || type == "IPv6") {
                bad = type == "IPv4" ? names::isValidIpv4(a) : names::isValidIpv6(a);
                if (bad.empty())
                    bad = names::isNonSpecialIp(a);
            } else if (type == "FQDN") {
                std::string name = a;
                if (!name.empty() && name.back() == '.')
                    name.pop_back();
                if (name.empty())
                    errs.push_back(FieldError::required(index(ap, j)));
                else
                    bad = names::isDns1123Subdomain(name);
                if (bad.empty() && !name.empty() && name.find('.') == std::string::npos)
                    bad.emplace_back("should be a domain with at least two segments separated by "
                                     "dots");
            }
            for (std::string &m : bad)
                errs.push_back(FieldError::invalid(index(ap, j), q(a), std::move(m)));
        }
        if (ep.has_node_name())
            nameRule(NameRule::Dns1123Subdomain, ep.node_name(), child(p, "nodeName"), errs);
        if (ep.has_hostname())
            dns1123Label(ep.hostname(), child(p, "hostname"), errs);
    }
    std::set<std::string> portNames;
    for (int i = 0; i < slice.ports_size(); ++i) {
        const discovery::EndpointPort &port = slice.ports(i);
        const std::string p = index("ports", i);
        if (!port.name().empty())
            dns1123Label(port.name(), child(p, "name"), errs);
        if (!portNames.insert(port.name()).second)
            errs.push_back(FieldError::duplicate(child(p, "name"), q(port.name())));
        if (!port.has_protocol())
            errs.push_back(FieldError::required(child(p, "protocol")));
        else if (!contains({"TCP", "UDP", "SCTP"}, port.protocol()))
            errs.push_back(FieldError::notSupported(child(p, "protocol"), q(port.protocol()),
                                                    {"SCTP", "TCP", "UDP"}));
        if (port.has_app_protocol())
            qualifiedName(port.app_protocol(), child(p, "appProtocol"), errs);
    }
    return errs;
}

// ---- ConfigMap, Secret -----------------------------------------------------

constexpr int kMaxSecretSize = 1024 * 1024;

FieldErrors configMapValidate(const core::ConfigMap &cm)
{
    FieldErrors errs;
    objectMeta(cm.metadata(), true, NameRule::Dns1123Subdomain, errs);
    size_t total = 0;
    for (const std::string &k : sortedKeys(cm.data())) {
        for (std::string &m : names::isConfigMapKey(k))
            errs.push_back(FieldError::invalid(key("data", k), q(k), std::move(m)));
        if (cm.binary_data().count(k))
            errs.push_back(FieldError::invalid(key("data", k), q(k),
                                               "duplicate of key present in binaryData"));
        total += cm.data().at(k).size();
    }
    for (const std::string &k : sortedKeys(cm.binary_data())) {
        for (std::string &m : names::isConfigMapKey(k))
            errs.push_back(FieldError::invalid(key("binaryData", k), q(k), std::move(m)));
        if (cm.data().count(k))
            errs.push_back(FieldError::invalid(key("binaryData", k), q(k),
                                               "duplicate of key present in data"));
        total += cm.binary_data().at(k).size();
    }
    if (total > static_cast<size_t>(kMaxSecretSize))
        errs.push_back(FieldError::tooLong("", {}, kMaxSecretSize));
    return errs;
}

FieldErrors secretValidate(const core::Secret &secret)
{
    FieldErrors errs;
    objectMeta(secret.metadata(), true, NameRule::Dns1123Subdomain, errs);
    size_t total = 0;
    std::set<std::string> keys;
    for (const std::string &k : sortedKeys(secret.data())) {
        keys.insert(k);
        total += secret.data().at(k).size();
    }
    // stringData is write-only sugar for data (applyDefaults merges it).
    for (const std::string &k : sortedKeys(secret.string_data()))
        if (keys.insert(k).second)
            total += secret.string_data().at(k).size();
    for (const std::string &k : keys)
        for (std::string &m : names::isConfigMapKey(k))
            errs.push_back(FieldError::invalid(key("data", k), q(k), std::move(m)));
    if (total > static_cast<size_t>(kMaxSecretSize))
        errs.push_back(FieldError::tooLong("data", {}, kMaxSecretSize));
    const std::string &type = secret.type();
    auto require = [&](const char *k) {
        if (!keys.count(k))
            errs.push_back(FieldError::required(key("data", k)));
    };
    if (type == "kubernetes.io/service-account-token") {
        auto it = secret.metadata().annotations().find("kubernetes.io/service-account.name");
        if (it == secret.metadata().annotations().end() || it->second.empty())
            errs.push_back(
                FieldError::required("metadata.annotations[kubernetes.io/service-account.name]"));
    } else if (type == "kubernetes.io/dockercfg") {
        require(".dockercfg");
    } else if (type == "kubernetes.io/dockerconfigjson") {
        require(".dockerconfigjson");
    } else if (type == "kubernetes.io/basic-auth") {
        if (!keys.count("username") && !keys.count("password")) {
            require("username");
            require("password");
        }
    } else if (type == "kubernetes.io/ssh-auth") {
        auto it = secret.data().find("ssh-privatekey");
        if (it == secret.data().end() || it->second.empty())
            errs.push_back(FieldError::required("data[ssh-privatekey]"));
    } else if (type == "kubernetes.io/tls") {
        require("tls.crt");
        require("tls.key");
    }
    return errs;
}

template<class Obj> void immutableData(const Obj &now, const Obj &old, FieldErrors &errs)
{
    if (!old.immutable())
        return;
    const char *why = "field is immutable when `immutable` is set";
    if (!now.immutable())
        errs.push_back(FieldError::forbidden("immutable", why));
    auto sameMap = [](const auto &a, const auto &b) {
        if (a.size() != b.size())
            return false;
        for (const auto &[k, v] : a) {
            auto it = b.find(k);
            if (it == b.end() || it->second != v)
                return false;
        }
        return true;
    };
    if (!sameMap(now.data(), old.data()))
        errs.push_back(FieldError::forbidden("data", why));
    if constexpr (std::is_same_v<Obj, core::ConfigMap>)
        if (!sameMap(now.binary_data(), old.binary_data()))
            errs.push_back(FieldError::forbidden("binaryData", why));
}

// ---- Event, Binding, Eviction ---------------------------------------------

FieldErrors eventValidate(const core::Event &ev)
{
    FieldErrors errs;
    objectMeta(ev.metadata(), true, NameRule::PathSegment, errs, false);
    const std::string &ns = ev.metadata().namespace_();
    const std::string &involvedNs = ev.involved_object().namespace_();
    const bool newStyle =
        ev.has_event_time() && (ev.event_time().seconds() != 0 || ev.event_time().nanos() != 0);
    if (!newStyle) {
        const bool ok = involvedNs.empty() ? (ns.empty() || ns == "default") : ns == involvedNs;
        if (!ok)
            errs.push_back(FieldError::invalid("involvedObject.namespace", q(involvedNs),
                                               "does not match event.namespace"));
    } else {
        if (involvedNs.empty() && ns != "default" && ns != "kube-system")
            errs.push_back(FieldError::invalid("involvedObject.namespace", q(involvedNs),
                                               "does not match event.namespace"));
        if (ev.reporting_component().empty())
            errs.push_back(FieldError::required("reportingComponent"));
        qualifiedName(ev.reporting_component(), "reportingComponent", errs);
        if (ev.reporting_instance().empty())
            errs.push_back(FieldError::required("reportingInstance"));
        if (ev.reporting_instance().size() > 128)
            errs.push_back(
                FieldError::invalid("reportingInstance", q(""), "can have at most 128 characters"));
        if (ev.action().empty())
            errs.push_back(FieldError::required("action"));
        if (ev.action().size() > 128)
            errs.push_back(FieldError::invalid("action", q(""), "can have at most 128 characters"));
        if (ev.reason().empty())
            errs.push_back(FieldError::required("reason"));
        if (ev.reason().size() > 128)
            errs.push_back(FieldError::invalid("reason", q(""), "can have at most 128 characters"));
        if (ev.message().size() > 1024)
            errs.push_back(
                FieldError::invalid("message", q(""), "can have at most 1024 characters"));
    }
    for (std::string &m : names::isDns1123Subdomain(ns))
        errs.push_back(FieldError::invalid("namespace", q(ns), std::move(m)));
    return errs;
}

FieldErrors bindingValidate(const core::Binding &b)
{
    FieldErrors errs;
    if (!b.target().kind().empty() && b.target().kind() != "Node")
        errs.push_back(
            FieldError::notSupported("target.kind", q(b.target().kind()), {"Node", "<empty>"}));
    if (b.target().name().empty())
        errs.push_back(FieldError::required("target.name"));
    return errs;
}

FieldErrors evictionValidate(const policy::Eviction &ev)
{
    FieldErrors errs;
    if (!ev.has_delete_options())
        return errs;
    const metav1::DeleteOptions &o = ev.delete_options();
    if (o.has_orphan_dependents() && o.has_propagation_policy())
        errs.push_back(FieldError::invalid("propagationPolicy", q(o.propagation_policy()),
                                           "orphanDependents and deletionPropagation cannot be "
                                           "both set"));
    if (o.has_propagation_policy() &&
        !contains({"Foreground", "Background", "Orphan"}, o.propagation_policy()))
        errs.push_back(FieldError::notSupported("propagationPolicy", q(o.propagation_policy()),
                                                {"Foreground", "Background", "Orphan", "nil"}));
    for (const std::string &d : o.dry_run())
        if (d != "All") {
            errs.push_back(FieldError::notSupported(
                "dryRun", goStringList({o.dry_run().begin(), o.dry_run().end()}), {"All"}));
            break;
        }
    return errs;
}

// ---- Deployment, ReplicaSet -------------------------------------------------

// The selector and template rules Deployments and ReplicaSets share.
void selectorAndTemplate(const metav1::LabelSelector *selector, const core::PodTemplateSpec &tmpl,
                         FieldErrors &errs)
{
    if (!selector) {
        errs.push_back(FieldError::required("spec.selector"));
    } else {
        labelSelector(selector, "spec.selector", errs);
        if (selector->match_labels().empty() && selector->match_expressions().empty())
            errs.push_back(FieldError::invalid("spec.selector", goLabelSelector(*selector),
                                               "empty selector is invalid for deployment"));
    }
    auto parsed = api::LabelSelector::fromProto(selector);
    if (!parsed) {
        errs.push_back(FieldError::invalid(
            "spec.selector", selector ? goLabelSelector(*selector) : std::string("null"),
            "invalid label selector"));
        return;
    }
    if (!parsed->isEmpty() && !parsed->matches(tmpl.metadata().labels()))
        errs.push_back(FieldError::invalid(
            "spec.template.metadata.labels",
            goStringMap(tmpl.metadata().labels(), tmpl.metadata().labels().empty()),
            "`selector` does not match template `labels`"));
    podvalidation::podTemplateSpec(tmpl, "spec.template", errs);
    if (tmpl.spec().restart_policy() != "Always")
        errs.push_back(FieldError::notSupported("spec.template.spec.restartPolicy",
                                                q(tmpl.spec().restart_policy()), {"Always"}));
    if (tmpl.spec().has_active_deadline_seconds())
        errs.push_back(FieldError::invalid("spec.template.spec.activeDeadlineSeconds",
                                           num(tmpl.spec().active_deadline_seconds()),
                                           "activeDeadlineSeconds in ReplicaSet is not Supported"));
}

void deploymentSpec(const apps::DeploymentSpec &spec, FieldErrors &errs)
{
    nonNegative(spec.replicas(), "spec.replicas", errs);
    selectorAndTemplate(spec.has_selector() ? &spec.selector() : nullptr, spec.template_(), errs);
    const apps::DeploymentStrategy &s = spec.strategy();
    if (s.type() == "Recreate") {
        if (s.has_rolling_update())
            errs.push_back(FieldError::forbidden("spec.strategy.rollingUpdate",
                                                 "may not be specified when strategy `type` is "
                                                 "'Recreate'"));
    } else if (s.type() == "RollingUpdate") {
        if (!s.has_rolling_update()) {
            errs.push_back(FieldError::required("spec.strategy.rollingUpdate",
                                                "this should be defaulted and never be nil"));
        } else {
            const apps::RollingUpdateDeployment &ru = s.rolling_update();
            positiveIntOrPercent(ru.max_unavailable(), "spec.strategy.rollingUpdate.maxUnavailable",
                                 errs);
            positiveIntOrPercent(ru.max_surge(), "spec.strategy.rollingUpdate.maxSurge", errs);
            if (intOrPercentValue(ru.max_unavailable()) == 0 &&
                intOrPercentValue(ru.max_surge()) == 0)
                errs.push_back(FieldError::invalid("spec.strategy.rollingUpdate.maxUnavailable",
                                                   intOrString(ru.max_unavailable()),
                                                   "may not be 0 when `maxSurge` is 0"));
            notMoreThan100Percent(ru.max_unavailable(),
                                  "spec.strategy.rollingUpdate.maxUnavailable", errs);
        }
    } else {
        errs.push_back(
            FieldError::notSupported("spec.strategy", q(s.type()), {"Recreate", "RollingUpdate"}));
    }
    nonNegative(spec.min_ready_seconds(), "spec.minReadySeconds", errs);
    if (spec.has_revision_history_limit())
        nonNegative(spec.revision_history_limit(), "spec.revisionHistoryLimit", errs);
    if (spec.has_progress_deadline_seconds()) {
        if (spec.progress_deadline_seconds() <= 0)
            errs.push_back(FieldError::invalid("spec.progressDeadlineSeconds",
                                               num(spec.progress_deadline_seconds()),
                                               kNotPositive));
        if (spec.progress_deadline_seconds() <= spec.min_ready_seconds())
            errs.push_back(FieldError::invalid("spec.progressDeadlineSeconds",
                                               num(spec.progress_deadline_seconds()),
                                               "must be greater than minReadySeconds"));
    }
}

void replicaSetSpec(const apps::ReplicaSetSpec &spec, FieldErrors &errs)
{
    nonNegative(spec.replicas(), "spec.replicas", errs);
    nonNegative(spec.min_ready_seconds(), "spec.minReadySeconds", errs);
    selectorAndTemplate(spec.has_selector() ? &spec.selector() : nullptr, spec.template_(), errs);
}

void selectorImmutable(bool has, const metav1::LabelSelector &now, bool hadOld,
                       const metav1::LabelSelector &old, FieldErrors &errs)
{
    if (has != hadOld || (has && !equal(now, old)))
        errs.push_back(FieldError::invalid(
            "spec.selector", has ? goLabelSelector(now) : std::string("null"), kImmutable));
}

void replicaCounts(long long replicas,
                   std::initializer_list<std::pair<const char *, long long>> rest, long long ready,
                   long long available, FieldErrors &errs)
{
    nonNegative(replicas, "status.replicas", errs);
    for (const auto &[name, value] : rest) {
        nonNegative(value, std::string("status.") + name, errs);
        if (std::string(name) != "observedGeneration" && std::string(name) != "collisionCount" &&
            std::string(name) != "unavailableReplicas" &&
            std::string(name) != "terminatingReplicas" && value > replicas)
            errs.push_back(FieldError::invalid(std::string("status.") + name, num(value),
                                               "cannot be greater than status.replicas"));
    }
    if (available > ready)
        errs.push_back(FieldError::invalid("status.availableReplicas", num(available),
                                           "cannot be greater than readyReplicas"));
}

// ---- PodDisruptionBudget, Lease, Scale -------------------------------------

void pdbSpec(const policy::PodDisruptionBudgetSpec &spec, FieldErrors &errs)
{
    if (spec.has_min_available() && spec.has_max_unavailable())
        errs.push_back(
            FieldError::invalid("spec", {}, "minAvailable and maxUnavailable cannot be both set"));
    if (spec.has_min_available()) {
        positiveIntOrPercent(spec.min_available(), "spec.minAvailable", errs);
        notMoreThan100Percent(spec.min_available(), "spec.minAvailable", errs);
    }
    if (spec.has_max_unavailable()) {
        positiveIntOrPercent(spec.max_unavailable(), "spec.maxUnavailable", errs);
        notMoreThan100Percent(spec.max_unavailable(), "spec.maxUnavailable", errs);
    }
    labelSelector(spec.has_selector() ? &spec.selector() : nullptr, "spec.selector", errs);
    if (spec.has_unhealthy_pod_eviction_policy() &&
        !contains({"IfHealthyBudget", "AlwaysAllow"}, spec.unhealthy_pod_eviction_policy()))
        errs.push_back(FieldError::notSupported("spec.unhealthyPodEvictionPolicy",
                                                q(spec.unhealthy_pod_eviction_policy()),
                                                {"AlwaysAllow", "IfHealthyBudget"}));
}

void leaseSpec(const coordination::LeaseSpec &spec, FieldErrors &errs)
{
    if (spec.has_lease_duration_seconds() && spec.lease_duration_seconds() <= 0)
        errs.push_back(FieldError::invalid("spec.leaseDurationSeconds",
                                           num(spec.lease_duration_seconds()),
                                           "must be greater than 0"));
    if (spec.has_lease_transitions() && spec.lease_transitions() < 0)
        errs.push_back(FieldError::invalid("spec.leaseTransitions", num(spec.lease_transitions()),
                                           "must be greater than or equal to 0"));
    if (spec.has_strategy() && spec.strategy() != "OldestEmulationVersion")
        errs.push_back(FieldError::notSupported("spec.strategy", q(spec.strategy()),
                                                {"OldestEmulationVersion"}));
    if (!spec.preferred_holder().empty() && spec.strategy().empty())
        errs.push_back(FieldError::forbidden("spec.preferredHolder",
                                             "may only be specified if `strategy` is defined"));
}

// ---- kubist.io Fault --------------------------------------------------------

void faultSpec(const kubistv1::FaultSpec &spec, FieldErrors &errs)
{
    const kubistv1::FaultTarget &t = spec.target();
    static const std::vector<std::string> kinds{"Component", "Node", "Pod"};
    static const std::vector<std::string> components{"apiserver", "controller-manager", "etcd",
                                                     "scheduler"};
    std::vector<std::string> actions;
    if (t.kind().empty()) {
        errs.push_back(FieldError::required("spec.target.kind"));
    } else if (t.kind() == "Node") {
        actions = {"Partition", "PowerOff", "StopProxy", "StopRuntime"};
    } else if (t.kind() == "Pod") {
        actions = {"CrashContainer"};
    } else if (t.kind() == "Component") {
        actions = {"Stop"};
    } else {
        errs.push_back(FieldError::notSupported("spec.target.kind", q(t.kind()), kinds));
    }
    if (t.name().empty())
        errs.push_back(FieldError::required("spec.target.name"));
    else if (t.kind() == "Component" &&
             std::find(components.begin(), components.end(), t.name()) == components.end())
        errs.push_back(FieldError::notSupported("spec.target.name", q(t.name()), components));
    if (t.kind() == "Pod" && t.namespace_().empty())
        errs.push_back(FieldError::required("spec.target.namespace", "a Pod target needs one"));
    if (t.kind() != "Pod" && !t.namespace_().empty())
        errs.push_back(
            FieldError::forbidden("spec.target.namespace", "only a Pod target has a namespace"));
    if (spec.action().empty())
        errs.push_back(FieldError::required("spec.action"));
    else if (!actions.empty() &&
             std::find(actions.begin(), actions.end(), spec.action()) == actions.end())
        errs.push_back(FieldError::notSupported("spec.action", q(spec.action()), actions));
    if (spec.has_duration()) {
        Result<std::chrono::nanoseconds> d = api::parseGoDuration(spec.duration());
        if (!d)
            errs.push_back(
                FieldError::invalid("spec.duration", q(spec.duration()), d.status().message()));
        else if (d->count() <= 0)
            errs.push_back(
                FieldError::invalid("spec.duration", q(spec.duration()), "must be positive"));
    } else if (t.kind() == "Component" && (t.name() == "etcd" || t.name() == "apiserver")) {
        errs.push_back(FieldError::required(
            "spec.duration", "stopping " + t.name() +
                                 " takes the API down, so the fault must heal itself: give a "
                                 "duration such as \"30s\""));
    }
}

void faultStatus(const kubistv1::FaultStatus &status, FieldErrors &errs)
{
    static const std::vector<std::string> phases{"Active", "Failed", "Healed", "Pending"};
    if (!status.phase().empty() &&
        std::find(phases.begin(), phases.end(), status.phase()) == phases.end())
        errs.push_back(FieldError::notSupported("status.phase", q(status.phase()), phases));
}

FieldErrors internalError(const api::KindInfo &kind, const char *what)
{
    return {FieldError{"FieldValueInternal", "", std::string(what) + " for kind " + kind.kind, {}}};
}

enum class Op { Create, Update, Status };

template<class T> const T *as(const google::protobuf::Message &m)
{
    return m.GetDescriptor() == T::descriptor() ? static_cast<const T *>(&m) : nullptr;
}

// Runs `fn(obj, old)` for messages of type T; old is nullptr on create.
template<class T, class Fn>
bool with(const google::protobuf::Message &object, const google::protobuf::Message *old,
          FieldErrors &out, Fn fn)
{
    const T *o = as<T>(object);
    if (!o)
        return false;
    const T *p = old ? as<T>(*old) : nullptr;
    if (old && !p)
        return false;
    out = fn(*o, p);
    return true;
}

FieldErrors run(Op op, const api::KindInfo &kind, const google::protobuf::Message &object,
                const google::protobuf::Message *old)
{
    FieldErrors errs;
    const std::string &k = kind.kind;
    bool handled = false;
    auto metaUpdate = [&](const metav1::ObjectMeta &now, const metav1::ObjectMeta *before,
                          FieldErrors &e) {
        if (before)
            objectMetaUpdate(now, *before, e);
    };
    if (k == "Pod") {
        handled = with<core::Pod>(object, old, errs, [&](const auto &p, const auto *o) {
            if (op == Op::Create)
                return podvalidation::podCreate(p);
            if (op == Op::Update)
                return podvalidation::podUpdate(p, *o);
            return podvalidation::podStatusUpdate(p, *o);
        });
    } else if (k == "Namespace") {
        handled = with<core::Namespace>(object, old, errs, [&](const auto &n, const auto *o) {
            if (op == Op::Status)
                return namespaceStatus(n, *o);
            FieldErrors e;
            metaUpdate(n.metadata(), o ? &o->metadata() : nullptr, e);
            if (op == Op::Create)
                e = namespaceCreate(n);
            return e;
        });
    } else if (k == "Node") {
        handled = with<core::Node>(object, old, errs, [&](const auto &n, const auto *o) {
            return op == Op::Create ? nodeCreate(n) : nodeUpdate(n, *o);
        });
    } else if (k == "Service") {
        handled = with<core::Service>(object, old, errs, [&](const auto &s, const auto *o) {
            if (op == Op::Create)
                return serviceValidate(s);
            if (op == Op::Update)
                return serviceUpdate(s, *o);
            FieldErrors e;
            metaUpdate(s.metadata(), &o->metadata(), e);
            const auto &ingress = s.status().load_balancer().ingress();
            for (int i = 0; i < ingress.size(); ++i) {
                const std::string p = index("status.loadBalancer.ingress", i);
                if (!ingress.Get(i).ip().empty())
                    for (std::string &m : names::isValidIp(ingress.Get(i).ip()))
                        e.push_back(FieldError::invalid(child(p, "ip"), q(ingress.Get(i).ip()),
                                                        std::move(m)));
                if (!ingress.Get(i).hostname().empty())
                    dns1123Subdomain(ingress.Get(i).hostname(), child(p, "hostname"), e);
            }
            return e;
        });
    } else if (k == "Endpoints") {
        handled = with<core::Endpoints>(object, old, errs, [&](const auto &ep, const auto *o) {
            FieldErrors e;
            metaUpdate(ep.metadata(), o ? &o->metadata() : nullptr, e);
            for (FieldError &x : endpointsValidate(ep))
                if (!o || x.field.rfind("metadata.", 0) != 0)
                    e.push_back(std::move(x));
            return e;
        });
    } else if (k == "EndpointSlice") {
        handled =
            with<discovery::EndpointSlice>(object, old, errs, [&](const auto &s, const auto *o) {
                FieldErrors e;
                metaUpdate(s.metadata(), o ? &o->metadata() : nullptr, e);
                for (FieldError &x : endpointSliceValidate(s))
                    if (!o || x.field.rfind("metadata.", 0) != 0)
                        e.push_back(std::move(x));
                if (o && s.address_type() != o->address_type())
                    e.push_back(
                        FieldError::invalid("addressType", q(s.address_type()), kImmutable));
                return e;
            });
    } else if (k == "ConfigMap") {
        handled = with<core::ConfigMap>(object, old, errs, [&](const auto &c, const auto *o) {
            FieldErrors e;
            metaUpdate(c.metadata(), o ? &o->metadata() : nullptr, e);
            for (FieldError &x : configMapValidate(c))
                if (!o || x.field.rfind("metadata.", 0) != 0)
                    e.push_back(std::move(x));
            if (o)
                immutableData(c, *o, e);
            return e;
        });
    } else if (k == "Secret") {
        handled = with<core::Secret>(object, old, errs, [&](const auto &s, const auto *o) {
            FieldErrors e;
            metaUpdate(s.metadata(), o ? &o->metadata() : nullptr, e);
            for (FieldError &x : secretValidate(s))
                if (!o || x.field.rfind("metadata.", 0) != 0 ||
                    x.field.rfind("metadata.annotations[", 0) == 0)
                    e.push_back(std::move(x));
            if (o) {
                if (s.type() != o->type())
                    e.push_back(FieldError::invalid("type", q(s.type()), kImmutable));
                immutableData(s, *o, e);
            }
            return e;
        });
    } else if (k == "ServiceAccount") {
        handled = with<core::ServiceAccount>(object, old, errs, [&](const auto &s, const auto *o) {
            FieldErrors e;
            if (o)
                objectMetaUpdate(s.metadata(), o->metadata(), e);
            else
                objectMeta(s.metadata(), true, NameRule::Dns1123Subdomain, e);
            return e;
        });
    } else if (k == "Event") {
        handled = with<core::Event>(object, old, errs, [&](const auto &ev, const auto *o) {
            FieldErrors e;
            metaUpdate(ev.metadata(), o ? &o->metadata() : nullptr, e);
            for (FieldError &x : eventValidate(ev))
                if (!o || x.field.rfind("metadata.", 0) != 0)
                    e.push_back(std::move(x));
            return e;
        });
    } else if (k == "Binding") {
        handled = with<core::Binding>(
            object, old, errs, [&](const auto &b, const auto *) { return bindingValidate(b); });
    } else if (k == "Eviction") {
        handled = with<policy::Eviction>(
            object, old, errs, [&](const auto &ev, const auto *) { return evictionValidate(ev); });
    } else if (k == "Scale") {
        handled = with<autoscaling::Scale>(object, old, errs, [&](const auto &s, const auto *o) {
            FieldErrors e;
            if (o)
                objectMetaUpdate(s.metadata(), o->metadata(), e);
            else
                objectMeta(s.metadata(), true, NameRule::Dns1123Subdomain, e);
            nonNegative(s.spec().replicas(), "spec.replicas", e);
            return e;
        });
    } else if (k == "Deployment") {
        handled = with<apps::Deployment>(object, old, errs, [&](const auto &d, const auto *o) {
            FieldErrors e;
            if (op == Op::Status) {
                objectMetaUpdate(d.metadata(), o->metadata(), e);
                const apps::DeploymentStatus &s = d.status();
                replicaCounts(s.replicas(),
                              {{"updatedReplicas", s.updated_replicas()},
                               {"readyReplicas", s.ready_replicas()},
                               {"availableReplicas", s.available_replicas()},
                               {"unavailableReplicas", s.unavailable_replicas()},
                               {"observedGeneration", s.observed_generation()},
                               {"collisionCount", s.collision_count()}},
                              s.ready_replicas(), s.available_replicas(), e);
                return e;
            }
            if (o)
                objectMetaUpdate(d.metadata(), o->metadata(), e);
            else
                objectMeta(d.metadata(), true, NameRule::Dns1123Subdomain, e);
            deploymentSpec(d.spec(), e);
            if (o)
                selectorImmutable(d.spec().has_selector(), d.spec().selector(),
                                  o->spec().has_selector(), o->spec().selector(), e);
            return e;
        });
    } else if (k == "ReplicaSet") {
        handled = with<apps::ReplicaSet>(object, old, errs, [&](const auto &r, const auto *o) {
            FieldErrors e;
            if (op == Op::Status) {
                objectMetaUpdate(r.metadata(), o->metadata(), e);
                const apps::ReplicaSetStatus &s = r.status();
                replicaCounts(s.replicas(),
                              {{"fullyLabeledReplicas", s.fully_labeled_replicas()},
                               {"readyReplicas", s.ready_replicas()},
                               {"availableReplicas", s.available_replicas()},
                               {"observedGeneration", s.observed_generation()}},
                              s.ready_replicas(), s.available_replicas(), e);
                return e;
            }
            if (o)
                objectMetaUpdate(r.metadata(), o->metadata(), e);
            else
                objectMeta(r.metadata(), true, NameRule::Dns1123Subdomain, e);
            replicaSetSpec(r.spec(), e);
            if (o)
                selectorImmutable(r.spec().has_selector(), r.spec().selector(),
                                  o->spec().has_selector(), o->spec().selector(), e);
            return e;
        });
    } else if (k == "PodDisruptionBudget") {
        handled =
            with<policy::PodDisruptionBudget>(object, old, errs, [&](const auto &p, const auto *o) {
                FieldErrors e;
                if (o)
                    objectMetaUpdate(p.metadata(), o->metadata(), e);
                else
                    objectMeta(p.metadata(), true, NameRule::Dns1123Subdomain, e);
                if (op == Op::Status) {
                    const policy::PodDisruptionBudgetStatus &s = p.status();
                    nonNegative(s.disruptions_allowed(), "status.disruptionsAllowed", e);
                    nonNegative(s.current_healthy(), "status.currentHealthy", e);
                    nonNegative(s.desired_healthy(), "status.desiredHealthy", e);
                    nonNegative(s.expected_pods(), "status.expectedPods", e);
                    return e;
                }
                pdbSpec(p.spec(), e);
                return e;
            });
    } else if (k == "Lease") {
        handled = with<coordination::Lease>(object, old, errs, [&](const auto &l, const auto *o) {
            FieldErrors e;
            if (o)
                objectMetaUpdate(l.metadata(), o->metadata(), e);
            else
                objectMeta(l.metadata(), true, NameRule::Dns1123Subdomain, e);
            leaseSpec(l.spec(), e);
            return e;
        });
    } else if (k == "Fault") {
        handled = with<kubistv1::Fault>(object, old, errs, [&](const auto &f, const auto *o) {
            FieldErrors e;
            if (o)
                objectMetaUpdate(f.metadata(), o->metadata(), e);
            else
                objectMeta(f.metadata(), false, NameRule::Dns1123Subdomain, e);
            if (op == Op::Status) {
                faultStatus(f.status(), e);
                return e;
            }
            if (o && !equal(f.spec(), o->spec()))
                e.push_back(FieldError::invalid("spec", "", kImmutable));
            else
                faultSpec(f.spec(), e);
            return e;
        });
    } else {
        return internalError(kind, "no validation rules");
    }
    if (!handled)
        return internalError(kind, "unexpected message type");
    return errs;
}

} // namespace

FieldErrors validateCreate(const api::KindInfo &kind, const google::protobuf::Message &object)
{
    return run(Op::Create, kind, object, nullptr);
}

FieldErrors validateUpdate(const api::KindInfo &kind, const google::protobuf::Message &object,
                           const google::protobuf::Message &old)
{
    return run(Op::Update, kind, object, &old);
}

FieldErrors validateStatusUpdate(const api::KindInfo &kind, const google::protobuf::Message &object,
                                 const google::protobuf::Message &old)
{
    return run(Op::Status, kind, object, &old);
}

} // namespace kubist::apiserver
