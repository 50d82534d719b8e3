#include "backend/apiserver/printers/printers.h"

#include "backend/apiserver/printers/humanduration.h"

#include "backend/api/labelselector.h"
#include "backend/api/scheme.h"

#include "apps_v1.pb.h"
#include "coordination_v1.pb.h"
#include "core_v1.pb.h"
#include "discovery_v1.pb.h"
#include "intstr.pb.h"
#include "kubist_v1alpha1.pb.h"
#include "meta_v1.pb.h"
#include "policy_v1.pb.h"

#include <google/protobuf/message.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <limits>
#include <map>
#include <set>
#include <string_view>

namespace kubist::apiserver::printers {

namespace core = k8s::io::api::core::v1;
namespace kubistv1 = io::kubist::v1alpha1;
namespace apps = k8s::io::api::apps::v1;
namespace coordination = k8s::io::api::coordination::v1;
namespace policy = k8s::io::api::policy::v1;
namespace discovery = k8s::io::api::discovery::v1;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;
namespace intstr = k8s::io::apimachinery::pkg::util::intstr;

using google::protobuf::Message;

namespace {

// ---------------------------------------------------------------------------
// Time

// Go's zero time.Time (0001-01-01T00:00:00Z) in Unix seconds. An unset
// meta.v1.Time is Go's zero time, which upstream prints as "<unknown>".
constexpr std::int64_t kGoZeroSeconds = -62135596800;

// A point in time as Go's metav1.Time holds it.
struct Stamp
{
    std::int64_t seconds = kGoZeroSeconds;
    std::int32_t nanos = 0;

    bool isZero() const { return seconds == kGoZeroSeconds && nanos == 0; }
    bool before(const Stamp &o) const
    {
        return seconds < o.seconds || (seconds == o.seconds && nanos < o.nanos);
    }
};

template<class T> Stamp stamp(bool has, const T &t)
{
    return has ? Stamp{t.seconds(), t.nanos()} : Stamp{};
}

// now - t in nanoseconds, saturating like Go's Time.Sub.
std::int64_t since(const Stamp &t, PrintTime now)
{
    constexpr std::int64_t kLimit = std::numeric_limits<std::int64_t>::max() / 1'000'000'000 - 1;
    const std::int64_t secs = now.seconds - t.seconds;
    if (secs > kLimit)
        return std::numeric_limits<std::int64_t>::max();
    if (secs < -kLimit)
        return std::numeric_limits<std::int64_t>::min();
    return secs * 1'000'000'000 + (std::int64_t(now.nanos) - t.nanos);
}

std::string age(const Stamp &t, PrintTime now)
{
    return t.isZero() ? std::string("<unknown>") : humanDuration(since(t, now));
}

std::string creationAge(const meta::ObjectMeta &m, PrintTime now)
{
    return age(stamp(m.has_creation_timestamp(), m.creation_timestamp()), now);
}

// time.RFC3339 in UTC, as the default table prints "Created At".
std::string rfc3339(const Stamp &t)
{
    const std::int64_t days = t.seconds >= 0 ? t.seconds / 86400 : (t.seconds - 86399) / 86400;
    const std::int64_t secOfDay = t.seconds - days * 86400;
    // Civil date from days since 1970-01-01 (proleptic Gregorian calendar).
    const std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    char buf[160];
    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ",
                  static_cast<long long>(year), static_cast<long long>(month),
                  static_cast<long long>(day), static_cast<long long>(secOfDay / 3600),
                  static_cast<long long>(secOfDay / 60 % 60),
                  static_cast<long long>(secOfDay % 60));
    return buf;
}

// ---------------------------------------------------------------------------
// Small formatting helpers shared by several printers

std::string join(const std::vector<std::string> &parts, std::string_view sep)
{
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i > 0)
            out += sep;
        out += parts[i];
    }
    return out;
}

template<class Map> std::string formatLabels(const Map &labels)
{
    const std::map<std::string, std::string> sorted(labels.begin(), labels.end());
    std::vector<std::string> parts;
    for (const auto &[k, v] : sorted)
        parts.push_back(k + "=" + v);
    return parts.empty() ? std::string("<none>") : join(parts, ",");
}

// metav1.FormatLabelSelector: "<none>" for a selector that prints empty.
std::string formatLabelSelector(bool has, const meta::LabelSelector &selector)
{
    const Result<api::LabelSelector> s = api::LabelSelector::fromProto(has ? &selector : nullptr);
    if (!s.isOk())
        return "<error>";
    const std::string text = s.value().toString();
    return text.empty() ? std::string("<none>") : text;
}

// The CONTAINERS and IMAGES cells: every container of the template.
std::pair<std::string, std::string> containerCells(const core::PodSpec &spec)
{
    std::vector<std::string> names, images;
    for (const core::Container &c : spec.containers()) {
        names.push_back(c.name());
        images.push_back(c.image());
    }
    return {join(names, ","), join(images, ",")};
}

// intstr.IntOrString.String().
std::string intOrString(const intstr::IntOrString &v)
{
    return v.type() == 1 ? v.str_val() : std::to_string(v.int_val());
}

// net.JoinHostPort: brackets around hosts containing a colon (IPv6).
std::string joinHostPort(const std::string &host, std::int32_t port)
{
    const std::string p = std::to_string(port);
    return host.find(':') != std::string::npos ? "[" + host + "]:" + p : host + ":" + p;
}

// "a,b,c + 2 more..." for lists cut at three entries; "<unset>" when empty.
std::string listWithMore(const std::vector<std::string> &list, bool more, size_t count, size_t max)
{
    const std::string joined = join(list, ",");
    if (more)
        return joined + " + " + std::to_string(count - max) + " more...";
    return joined.empty() ? std::string("<unset>") : joined;
}

std::string orNone(const std::string &s)
{
    return s.empty() ? std::string("<none>") : s;
}

std::string orUnknown(const std::string &s)
{
    return s.empty() ? std::string("<unknown>") : s;
}

std::string lower(std::string s)
{
    for (char &c : s)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// strings.TrimSpace for the ASCII white space that appears in messages.
std::string trimSpace(const std::string &s)
{
    constexpr std::string_view kSpace = " \t\n\v\f\r";
    const size_t b = s.find_first_not_of(kSpace);
    if (b == std::string::npos)
        return {};
    const size_t e = s.find_last_not_of(kSpace);
    return s.substr(b, e - b + 1);
}

// ---------------------------------------------------------------------------
// Column definitions

const char kNameDoc[] = "Name of the object, unique within its namespace.";
const char kAgeDoc[] = "Time since the object was created (its creationTimestamp).";
const char kContainersDoc[] = "Names of the containers in the pod template.";
const char kImagesDoc[] = "Images used by the containers in the pod template.";

ColumnDefinition nameColumn()
{
    return {"Name", "string", "name", kNameDoc, 0};
}

ColumnDefinition ageColumn()
{
    return {"Age", "string", "", kAgeDoc, 0};
}

ColumnDefinition col(const char *name, const char *type, const char *doc, int priority = 0)
{
    return {name, type, "", doc, priority};
}

std::vector<ColumnDefinition> podColumns()
{
    return {
        nameColumn(),
        col("Ready", "string", "Ready containers out of all containers of the pod."),
        col("Status", "string", "Summary of the pod's phase and its containers' states."),
        col("Restarts", "string",
            "Container restarts in the pod, and how long ago the last one happened."),
        ageColumn(),
        col("IP", "string", "The pod's (first) IP address.", 1),
        col("Node", "string", "The node the pod is bound to.", 1),
        col("Nominated Node", "string", "The node preemption nominated for the pod.", 1),
        col("Readiness Gates", "string", "Readiness gates that are true, out of all gates.", 1),
    };
}

std::vector<ColumnDefinition> nodeColumns()
{
    return {
        nameColumn(),
        col("Status", "string", "Ready condition of the node, and whether it is cordoned."),
        col("Roles", "string", "Roles from the node's node-role.kubernetes.io labels."),
        ageColumn(),
        col("Version", "string", "Version of the kubelet on the node."),
        col("Internal-IP", "string", "The node's first InternalIP address.", 1),
        col("External-IP", "string", "The node's first ExternalIP address.", 1),
        col("OS-Image", "string", "Operating system image reported by the node.", 1),
        col("Kernel-Version", "string", "Kernel version reported by the node.", 1),
        col("Container-Runtime", "string", "Container runtime name and version.", 1),
    };
}

std::vector<ColumnDefinition> serviceColumns()
{
    return {
        nameColumn(),
        col("Type", "string", "How the service is exposed (ClusterIP, NodePort, ...)."),
        col("Cluster-IP", "string", "The service's (first) cluster IP."),
        col("External-IP", "string", "External addresses the service is reachable at."),
        col("Port(s)", "string", "Service ports as port[:nodePort]/protocol."),
        ageColumn(),
        col("Selector", "string", "Labels of the pods the service routes to.", 1),
    };
}

std::vector<ColumnDefinition> endpointsColumns()
{
    return {nameColumn(), col("Endpoints", "string", "Addresses and ports of the endpoints."),
            ageColumn()};
}

std::vector<ColumnDefinition> eventColumns()
{
    return {
        col("Last Seen", "string", "Time since the event was last observed."),
        col("Type", "string", "Type of the event (Normal, Warning)."),
        col("Reason", "string", "Short machine-readable reason for the event."),
        col("Object", "string", "The object the event is about, as kind/name."),
        col("Subobject", "string", "Field path within the object the event is about.", 1),
        col("Source", "string", "Component (and host) that reported the event.", 1),
        col("Message", "string", "Human-readable description of the event."),
        col("First Seen", "string", "Time since the event was first observed.", 1),
        col("Count", "string", "How many times the event has occurred.", 1),
        {"Name", "string", "name", kNameDoc, 1},
    };
}

std::vector<ColumnDefinition> namespaceColumns()
{
    return {nameColumn(), col("Status", "string", "Phase of the namespace."), ageColumn()};
}

std::vector<ColumnDefinition> configMapColumns()
{
    return {nameColumn(), col("Data", "string", "Number of data and binaryData entries."),
            ageColumn()};
}

std::vector<ColumnDefinition> secretColumns()
{
    return {nameColumn(), col("Type", "string", "Type of the secret."),
            col("Data", "string", "Number of data entries."), ageColumn()};
}

std::vector<ColumnDefinition> serviceAccountColumns()
{
    return {nameColumn(), col("Secrets", "string", "Number of secrets listed."), ageColumn()};
}

std::vector<ColumnDefinition> deploymentColumns()
{
    return {
        nameColumn(),
        col("Ready", "string", "Ready pods out of desired replicas."),
        col("Up-to-date", "string", "Pods that run the current template."),
        col("Available", "string", "Pods available to serve (ready for minReadySeconds)."),
        ageColumn(),
        col("Containers", "string", kContainersDoc, 1),
        col("Images", "string", kImagesDoc, 1),
        col("Selector", "string", "Label selector for the deployment's pods.", 1),
    };
}

std::vector<ColumnDefinition> replicaSetColumns()
{
    return {
        nameColumn(),
        col("Desired", "integer", "Desired number of pods."),
        col("Current", "integer", "Observed number of pods."),
        col("Ready", "integer", "Number of ready pods."),
        ageColumn(),
        col("Containers", "string", kContainersDoc, 1),
        col("Images", "string", kImagesDoc, 1),
        col("Selector", "string", "Label selector for the replica set's pods.", 1),
    };
}

std::vector<ColumnDefinition> leaseColumns()
{
    return {nameColumn(), col("Holder", "string", "Identity of the current holder."), ageColumn()};
}

std::vector<ColumnDefinition> faultColumns()
{
    return {nameColumn(),
            col("Target", "string", "The node, pod or component the fault hits."),
            col("Action", "string", "What happens to the target."),
            col("Duration", "string", "How long the fault lasts."),
            col("Phase", "string", "Pending, Active, Healed or Failed."),
            ageColumn()};
}

std::vector<ColumnDefinition> pdbColumns()
{
    return {
        nameColumn(),
        col("Min Available", "string", "Pods that must stay available."),
        col("Max Unavailable", "string", "Pods that may be unavailable."),
        col("Allowed Disruptions", "integer", "Pods that may be disrupted right now."),
        ageColumn(),
    };
}

std::vector<ColumnDefinition> endpointSliceColumns()
{
    return {
        nameColumn(),
        col("AddressType", "string", "Type of the addresses in the slice."),
        col("Ports", "string", "Ports of the slice."),
        col("Endpoints", "string", "Addresses of the endpoints in the slice."),
        ageColumn(),
    };
}

std::vector<ColumnDefinition> defaultColumns()
{
    return {nameColumn(),
            {"Created At", "date", "", "When the object was created (its creationTimestamp).", 0}};
}

// ---------------------------------------------------------------------------
// Printers, one per kind

bool isRestartableInitContainer(const core::Container *c)
{
    return c && c->has_restart_policy() && c->restart_policy() == "Always";
}

bool hasCondition(const core::PodStatus &status, std::string_view type)
{
    for (const core::PodCondition &c : status.conditions())
        if (c.type() == type)
            return c.status() == "True";
    return false;
}

bool hasPodReadyCondition(const core::PodStatus &status)
{
    for (const core::PodCondition &c : status.conditions())
        if (c.type() == "Ready" && c.status() == "True")
            return true;
    return false;
}

std::string terminatedReason(const core::ContainerStateTerminated &t, const char *prefix)
{
    if (!t.reason().empty())
        return prefix + t.reason();
    if (t.signal() != 0)
        return std::string(prefix) + "Signal:" + std::to_string(t.signal());
    return std::string(prefix) + "ExitCode:" + std::to_string(t.exit_code());
}

void noteRestart(const core::ContainerStatus &cs, Stamp &last)
{
    if (!cs.last_state().has_terminated())
        return;
    const core::ContainerStateTerminated &t = cs.last_state().terminated();
    const Stamp finished = stamp(t.has_finished_at(), t.finished_at());
    if (last.before(finished))
        last = finished;
}

PrintedRow printPod(const core::Pod &pod, PrintTime now)
{
    const core::PodSpec &spec = pod.spec();
    const core::PodStatus &status = pod.status();
    PrintedRow row;

    std::int64_t restarts = 0;
    std::int64_t sidecarRestarts = 0; // restartable init containers only
    std::int64_t total = spec.containers_size();
    std::int64_t ready = 0;
    Stamp lastRestart, lastSidecarRestart;

    std::string reason = status.reason().empty() ? status.phase() : status.reason();
    for (const core::PodCondition &c : status.conditions())
        if (c.type() == "PodScheduled" && c.reason() == "SchedulingGated")
            reason = "SchedulingGated";

    if (status.phase() == "Succeeded")
        row.conditions.push_back(
            {"Completed", "True", "Succeeded", "The pod has completed successfully."});
    else if (status.phase() == "Failed")
        row.conditions.push_back({"Completed", "True", "Failed", "The pod failed."});

    std::map<std::string, const core::Container *> initContainers;
    for (const core::Container &c : spec.init_containers()) {
        initContainers[c.name()] = &c;
        if (isRestartableInitContainer(&c))
            ++total;
    }
    auto initSpec = [&](const std::string &name) -> const core::Container * {
        const auto it = initContainers.find(name);
        return it == initContainers.end() ? nullptr : it->second;
    };

    // Init containers run in order; the first one that is not done decides
    // the status ("Init:1/3", "Init:CrashLoopBackOff", "Init:Error", ...).
    bool initializing = false;
    for (int i = 0; i < status.init_container_statuses_size(); ++i) {
        const core::ContainerStatus &cs = status.init_container_statuses(i);
        restarts += cs.restart_count();
        noteRestart(cs, lastRestart);
        const bool sidecar = isRestartableInitContainer(initSpec(cs.name()));
        if (sidecar) {
            sidecarRestarts += cs.restart_count();
            noteRestart(cs, lastSidecarRestart);
        }
        const core::ContainerState &state = cs.state();
        if (state.has_terminated() && state.terminated().exit_code() == 0)
            continue;
        if (sidecar && cs.has_started() && cs.started()) {
            if (cs.ready())
                ++ready;
            continue;
        }
        if (state.has_terminated()) {
            reason = terminatedReason(state.terminated(), "Init:");
        } else if (state.has_waiting() && !state.waiting().reason().empty() &&
                   state.waiting().reason() != "PodInitializing") {
            reason = "Init:" + state.waiting().reason();
        } else {
            reason =
                "Init:" + std::to_string(i) + "/" + std::to_string(spec.init_containers_size());
        }
        initializing = true;
        break;
    }

    if (!initializing || hasCondition(status, "Initialized")) {
        restarts = sidecarRestarts;
        lastRestart = lastSidecarRestart;
        bool hasRunning = false;
        // Walked backwards so that the first container's state wins.
        for (int i = status.container_statuses_size() - 1; i >= 0; --i) {
            const core::ContainerStatus &cs = status.container_statuses(i);
            restarts += cs.restart_count();
            noteRestart(cs, lastRestart);
            const core::ContainerState &state = cs.state();
            if (state.has_waiting() && !state.waiting().reason().empty()) {
                reason = state.waiting().reason();
            } else if (state.has_terminated()) {
                reason = terminatedReason(state.terminated(), "");
            } else if (cs.ready() && state.has_running()) {
                hasRunning = true;
                ++ready;
            }
        }
        // A pod whose containers partly completed but that still runs one.
        if (reason == "Completed" && hasRunning)
            reason = hasPodReadyCondition(status) ? "Running" : "NotReady";
    }

    const bool terminal = status.phase() == "Succeeded" || status.phase() == "Failed";
    if (pod.metadata().has_deletion_timestamp() && status.reason() == "NodeLost")
        reason = "Unknown";
    else if (pod.metadata().has_deletion_timestamp() && !terminal)
        reason = "Terminating";

    std::string restartsCell = std::to_string(restarts);
    if (restarts != 0 && !lastRestart.isZero())
        restartsCell += " (" + age(lastRestart, now) + " ago)";

    row.cells = {pod.metadata().name(), std::to_string(ready) + "/" + std::to_string(total), reason,
                 restartsCell, creationAge(pod.metadata(), now)};

    // Older writers set only podIP; upstream's conversion reads it as podIPs[0].
    std::string podIP = status.pod_ips_size() > 0 ? status.pod_ips(0).ip() : status.pod_ip();
    std::string readinessGates = "<none>";
    if (spec.readiness_gates_size() > 0) {
        int trueGates = 0;
        for (const core::PodReadinessGate &gate : spec.readiness_gates())
            if (hasCondition(status, gate.condition_type()))
                ++trueGates;
        readinessGates =
            std::to_string(trueGates) + "/" + std::to_string(spec.readiness_gates_size());
    }
    row.cells.insert(row.cells.end(), {orNone(podIP), orNone(spec.node_name()),
                                       orNone(status.nominated_node_name()), readinessGates});
    return row;
}

std::vector<std::string> nodeRoles(const core::Node &node)
{
    constexpr std::string_view kRolePrefix = "node-role.kubernetes.io/";
    std::set<std::string> roles;
    for (const auto &[key, value] : node.metadata().labels()) {
        if (key.starts_with(kRolePrefix)) {
            if (key.size() > kRolePrefix.size())
                roles.insert(key.substr(kRolePrefix.size()));
        } else if (key == "kubernetes.io/role" && !value.empty()) {
            roles.insert(value);
        }
    }
    return {roles.begin(), roles.end()};
}

std::string nodeAddress(const core::Node &node, std::string_view type)
{
    for (const core::NodeAddress &a : node.status().addresses())
        if (a.type() == type)
            return a.address();
    return "<none>";
}

PrintedRow printNode(const core::Node &node, PrintTime now)
{
    std::vector<std::string> status;
    // Only the Ready condition is shown; the last one of that type wins.
    const core::NodeCondition *readyCondition = nullptr;
    for (const core::NodeCondition &c : node.status().conditions())
        if (c.type() == "Ready")
            readyCondition = &c;
    if (readyCondition)
        status.push_back(readyCondition->status() == "True" ? "Ready" : "NotReady");
    else
        status.push_back("Unknown");
    if (node.spec().unschedulable())
        status.push_back("SchedulingDisabled");

    const std::vector<std::string> roles = nodeRoles(node);
    const core::NodeSystemInfo &info = node.status().node_info();
    PrintedRow row;
    row.cells = {node.metadata().name(),
                 join(status, ","),
                 roles.empty() ? std::string("<none>") : join(roles, ","),
                 creationAge(node.metadata(), now),
                 info.kubelet_version(),
                 nodeAddress(node, "InternalIP"),
                 nodeAddress(node, "ExternalIP"),
                 orUnknown(info.os_image()),
                 orUnknown(info.kernel_version()),
                 orUnknown(info.container_runtime_version())};
    return row;
}

std::string serviceType(const core::Service &svc)
{
    // An unset type reads back as ClusterIP (upstream defaults it on decode).
    return svc.spec().has_type() ? svc.spec().type() : std::string("ClusterIP");
}

std::string serviceExternalIP(const core::Service &svc)
{
    const core::ServiceSpec &spec = svc.spec();
    const std::string type = serviceType(svc);
    const std::vector<std::string> externalIPs(spec.external_ips().begin(),
                                               spec.external_ips().end());
    if (type == "ClusterIP" || type == "NodePort")
        return externalIPs.empty() ? std::string("<none>") : join(externalIPs, ",");
    if (type == "LoadBalancer") {
        std::set<std::string> lb; // sorted and de-duplicated, as upstream's string set
        for (const core::LoadBalancerIngress &in : svc.status().load_balancer().ingress()) {
            if (!in.ip().empty())
                lb.insert(in.ip());
            else if (!in.hostname().empty())
                lb.insert(in.hostname());
        }
        std::vector<std::string> all(lb.begin(), lb.end());
        all.insert(all.end(), externalIPs.begin(), externalIPs.end());
        return all.empty() ? std::string("<pending>") : join(all, ",");
    }
    if (type == "ExternalName")
        return spec.external_name();
    return "<unknown>";
}

std::string servicePorts(const core::ServiceSpec &spec)
{
    std::vector<std::string> parts;
    for (const core::ServicePort &p : spec.ports()) {
        const std::string protocol = p.has_protocol() ? p.protocol() : std::string("TCP");
        std::string s = std::to_string(p.port());
        if (p.node_port() > 0)
            s += ":" + std::to_string(p.node_port());
        parts.push_back(s + "/" + protocol);
    }
    return parts.empty() ? std::string("<none>") : join(parts, ",");
}

PrintedRow printService(const core::Service &svc, PrintTime now)
{
    const core::ServiceSpec &spec = svc.spec();
    std::string clusterIP = spec.cluster_ips_size() > 0 ? spec.cluster_ips(0) : spec.cluster_ip();
    PrintedRow row;
    row.cells = {svc.metadata().name(),        serviceType(svc),   orNone(clusterIP),
                 serviceExternalIP(svc),       servicePorts(spec), creationAge(svc.metadata(), now),
                 formatLabels(spec.selector())};
    return row;
}

std::string formatEndpoints(const core::Endpoints &ep)
{
    if (ep.subsets_size() == 0)
        return "<none>";
    constexpr size_t kMax = 3;
    std::vector<std::string> list;
    bool more = false;
    size_t count = 0;
    for (const core::EndpointSubset &ss : ep.subsets()) {
        if (ss.ports_size() == 0) { // headless services may have no ports
            count += size_t(ss.addresses_size());
            for (const core::EndpointAddress &a : ss.addresses()) {
                if (list.size() == kMax) {
                    more = true;
                    break;
                }
                list.push_back(a.ip());
            }
            continue;
        }
        for (const core::EndpointPort &port : ss.ports()) {
            count += size_t(ss.addresses_size());
            for (const core::EndpointAddress &a : ss.addresses()) {
                if (list.size() == kMax) {
                    more = true;
                    break;
                }
                list.push_back(joinHostPort(a.ip(), port.port()));
            }
        }
    }
    const std::string joined = join(list, ",");
    return more ? joined + " + " + std::to_string(count - kMax) + " more..." : joined;
}

PrintedRow printEndpoints(const core::Endpoints &ep, PrintTime now)
{
    PrintedRow row;
    row.cells = {ep.metadata().name(), formatEndpoints(ep), creationAge(ep.metadata(), now)};
    return row;
}

PrintedRow printEvent(const core::Event &ev, PrintTime now)
{
    const Stamp first = stamp(ev.has_first_timestamp(), ev.first_timestamp());
    const Stamp last = stamp(ev.has_last_timestamp(), ev.last_timestamp());
    std::string firstSeen = age(first, now);
    if (first.isZero())
        firstSeen = age(stamp(ev.has_event_time(), ev.event_time()), now);
    std::string lastSeen = last.isZero() ? firstSeen : age(last, now);
    std::int64_t count = ev.count();
    if (ev.has_series()) {
        lastSeen =
            age(stamp(ev.series().has_last_observed_time(), ev.series().last_observed_time()), now);
        count = ev.series().count();
    } else if (count == 0) {
        count = 1; // singleton events of the events.k8s.io API carry no count
    }

    const core::ObjectReference &obj = ev.involved_object();
    std::string target = lower(obj.kind());
    if (!obj.name().empty())
        target += "/" + obj.name();

    const std::string component =
        ev.source().component().empty() ? ev.reporting_component() : ev.source().component();
    const std::string host =
        ev.source().host().empty() ? ev.reporting_instance() : ev.source().host();
    const std::string source = host.empty() ? component : component + ", " + host;

    PrintedRow row;
    row.cells = {lastSeen,
                 ev.type(),
                 ev.reason(),
                 target,
                 obj.field_path(),
                 source,
                 trimSpace(ev.message()),
                 firstSeen,
                 count,
                 ev.metadata().name()};
    return row;
}

PrintedRow printNamespace(const core::Namespace &ns, PrintTime now)
{
    // An unset phase reads back as Active (upstream defaults it on decode).
    const std::string phase = ns.status().phase().empty() ? "Active" : ns.status().phase();
    PrintedRow row;
    row.cells = {ns.metadata().name(), phase, creationAge(ns.metadata(), now)};
    return row;
}

PrintedRow printConfigMap(const core::ConfigMap &cm, PrintTime now)
{
    PrintedRow row;
    row.cells = {cm.metadata().name(), std::int64_t(cm.data_size() + cm.binary_data_size()),
                 creationAge(cm.metadata(), now)};
    return row;
}

PrintedRow printSecret(const core::Secret &s, PrintTime now)
{
    // An unset type reads back as Opaque (upstream defaults it on decode).
    const std::string type = s.type().empty() ? "Opaque" : s.type();
    PrintedRow row;
    row.cells = {s.metadata().name(), type, std::int64_t(s.data_size()),
                 creationAge(s.metadata(), now)};
    return row;
}

PrintedRow printServiceAccount(const core::ServiceAccount &sa, PrintTime now)
{
    PrintedRow row;
    row.cells = {sa.metadata().name(), std::int64_t(sa.secrets_size()),
                 creationAge(sa.metadata(), now)};
    return row;
}

PrintedRow printDeployment(const apps::Deployment &d, PrintTime now)
{
    const apps::DeploymentSpec &spec = d.spec();
    // An unset replicas reads back as 1 (upstream defaults it on decode).
    const std::int64_t desired = spec.has_replicas() ? spec.replicas() : 1;
    const Result<api::LabelSelector> selector =
        api::LabelSelector::fromProto(spec.has_selector() ? &spec.selector() : nullptr);
    const auto [names, images] = containerCells(spec.template_().spec());
    PrintedRow row;
    row.cells = {d.metadata().name(),
                 std::to_string(d.status().ready_replicas()) + "/" + std::to_string(desired),
                 std::int64_t(d.status().updated_replicas()),
                 std::int64_t(d.status().available_replicas()),
                 creationAge(d.metadata(), now),
                 names,
                 images,
                 selector.isOk() ? selector.value().toString() : std::string("<invalid>")};
    return row;
}

PrintedRow printReplicaSet(const apps::ReplicaSet &rs, PrintTime now)
{
    const apps::ReplicaSetSpec &spec = rs.spec();
    const std::int64_t desired = spec.has_replicas() ? spec.replicas() : 1;
    const auto [names, images] = containerCells(spec.template_().spec());
    PrintedRow row;
    row.cells = {rs.metadata().name(),
                 desired,
                 std::int64_t(rs.status().replicas()),
                 std::int64_t(rs.status().ready_replicas()),
                 creationAge(rs.metadata(), now),
                 names,
                 images,
                 formatLabelSelector(spec.has_selector(), spec.selector())};
    return row;
}

PrintedRow printLease(const coordination::Lease &l, PrintTime now)
{
    PrintedRow row;
    row.cells = {l.metadata().name(), l.spec().holder_identity(), creationAge(l.metadata(), now)};
    return row;
}

PrintedRow printFault(const kubistv1::Fault &f, PrintTime now)
{
    const kubistv1::FaultTarget &t = f.spec().target();
    std::string target = t.kind() + "/";
    if (!t.namespace_().empty())
        target += t.namespace_() + "/";
    target += t.name();
    PrintedRow row;
    row.cells = {f.metadata().name(),
                 target,
                 f.spec().action(),
                 f.spec().has_duration() ? f.spec().duration() : std::string("<none>"),
                 f.status().phase().empty() ? std::string("Pending") : f.status().phase(),
                 creationAge(f.metadata(), now)};
    return row;
}

PrintedRow printPodDisruptionBudget(const policy::PodDisruptionBudget &pdb, PrintTime now)
{
    const policy::PodDisruptionBudgetSpec &spec = pdb.spec();
    PrintedRow row;
    row.cells = {
        pdb.metadata().name(), spec.has_min_available() ? intOrString(spec.min_available()) : "N/A",
        spec.has_max_unavailable() ? intOrString(spec.max_unavailable()) : "N/A",
        std::int64_t(pdb.status().disruptions_allowed()), creationAge(pdb.metadata(), now)};
    return row;
}

PrintedRow printEndpointSlice(const discovery::EndpointSlice &slice, PrintTime now)
{
    constexpr size_t kMax = 3;
    std::vector<std::string> ports;
    bool morePorts = false;
    size_t portCount = 0;
    for (const discovery::EndpointPort &p : slice.ports()) {
        if (ports.size() < kMax)
            ports.push_back(p.has_port()   ? std::to_string(p.port())
                            : p.has_name() ? p.name()
                                           : std::string("*"));
        else
            morePorts = true;
        ++portCount;
    }
    std::vector<std::string> addresses;
    bool moreAddresses = false;
    size_t addressCount = 0;
    for (const discovery::Endpoint &e : slice.endpoints()) {
        for (const std::string &a : e.addresses()) {
            if (addresses.size() < kMax)
                addresses.push_back(a);
            else
                moreAddresses = true;
            ++addressCount;
        }
    }
    PrintedRow row;
    row.cells = {slice.metadata().name(), slice.address_type(),
                 listWithMore(ports, morePorts, portCount, kMax),
                 listWithMore(addresses, moreAddresses, addressCount, kMax),
                 creationAge(slice.metadata(), now)};
    return row;
}

// The default table's row: name and creation time, read by reflection so any
// object with ObjectMeta at `metadata` works.
Result<PrintedRow> printDefault(const Message &object)
{
    const google::protobuf::FieldDescriptor *fd =
        object.GetDescriptor()->FindFieldByName("metadata");
    if (!fd || fd->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE ||
        fd->is_repeated() || fd->message_type() != meta::ObjectMeta::descriptor())
        return Status::invalidArgument("the object of type " + object.GetDescriptor()->full_name() +
                                       " has no metadata and cannot be shown as a Table row");
    meta::ObjectMeta m;
    m.CopyFrom(object.GetReflection()->GetMessage(object, fd));
    PrintedRow row;
    row.cells = {m.name(), rfc3339(stamp(m.has_creation_timestamp(), m.creation_timestamp()))};
    return row;
}

// ---------------------------------------------------------------------------
// Registry

struct Printer
{
    std::string_view typeName; // full protobuf name of the object's message
    std::vector<ColumnDefinition> (*columns)();
    PrintedRow (*print)(const Message &object, PrintTime now);
};

// Calls `fn` with `object` as the generated class T, converting through the
// wire format when it is another Message of the same type.
template<class T, PrintedRow (*fn)(const T &, PrintTime)>
PrintedRow typed(const Message &object, PrintTime now)
{
    if (const T *t = google::protobuf::DynamicCastToGenerated<T>(&object))
        return fn(*t, now);
    T copy;
    copy.ParseFromString(object.SerializeAsString());
    return fn(copy, now);
}

template<class T, PrintedRow (*fn)(const T &, PrintTime)>
Printer printer(std::vector<ColumnDefinition> (*columns)())
{
    return {T::descriptor()->full_name(), columns, &typed<T, fn>};
}

const std::vector<Printer> &printerTable()
{
    static const std::vector<Printer> table = {
        printer<core::Pod, printPod>(podColumns),
        printer<core::Node, printNode>(nodeColumns),
        printer<core::Service, printService>(serviceColumns),
        printer<core::Endpoints, printEndpoints>(endpointsColumns),
        printer<core::Event, printEvent>(eventColumns),
        printer<core::Namespace, printNamespace>(namespaceColumns),
        printer<core::ConfigMap, printConfigMap>(configMapColumns),
        printer<core::Secret, printSecret>(secretColumns),
        printer<core::ServiceAccount, printServiceAccount>(serviceAccountColumns),
        printer<apps::Deployment, printDeployment>(deploymentColumns),
        printer<apps::ReplicaSet, printReplicaSet>(replicaSetColumns),
        printer<coordination::Lease, printLease>(leaseColumns),
        printer<policy::PodDisruptionBudget, printPodDisruptionBudget>(pdbColumns),
        printer<discovery::EndpointSlice, printEndpointSlice>(endpointSliceColumns),
        printer<kubistv1::Fault, printFault>(faultColumns),
    };
    return table;
}

const Printer *findPrinter(const api::KindInfo &kind)
{
    if (!kind.descriptor)
        return nullptr;
    for (const Printer &p : printerTable())
        if (p.typeName == kind.descriptor->full_name())
            return &p;
    return nullptr;
}

} // namespace

bool hasPrinter(const api::KindInfo &kind)
{
    return findPrinter(kind) != nullptr;
}

std::vector<ColumnDefinition> columnDefinitions(const api::KindInfo &kind)
{
    const Printer *p = findPrinter(kind);
    return p ? p->columns() : defaultColumns();
}

Result<PrintedRow> printRow(const api::KindInfo &kind, const Message &object, PrintTime now)
{
    if (kind.descriptor && object.GetDescriptor()->full_name() != kind.descriptor->full_name())
        return Status::invalidArgument("cannot print a " + object.GetDescriptor()->full_name() +
                                       " as " + kind.kind);
    if (const Printer *p = findPrinter(kind))
        return p->print(object, now);
    return printDefault(object);
}

std::string translateTimestampSince(std::int64_t seconds, std::int32_t nanos, PrintTime now,
                                    bool isSet)
{
    return age(isSet ? Stamp{seconds, nanos} : Stamp{}, now);
}

} // namespace kubist::apiserver::printers
