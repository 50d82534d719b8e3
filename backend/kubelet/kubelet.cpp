#include "backend/kubelet/kubelet.h"

#include "backend/api/scheme.h"
#include "backend/client/eventrecorder.h"
#include "backend/client/indexer.h"
#include "backend/client/objectkey.h"
#include "backend/client/workqueue.h"
#include "backend/util/log.h"

#include "coordination_v1.pb.h"
#include "core_v1.pb.h"
#include "meta_v1.pb.h"

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace kubist::kubelet {

namespace core = k8s::io::api::core::v1;
namespace coord = k8s::io::api::coordination::v1;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;
using std::chrono::duration_cast;

namespace {

constexpr const char kMirrorAnnotation[] = "kubernetes.io/config.mirror";

const api::KindInfo &podKind()
{
    return *api::Scheme::builtin().byDescriptor(core::Pod::descriptor());
}
const api::KindInfo &nodeKind()
{
    return *api::Scheme::builtin().byDescriptor(core::Node::descriptor());
}
const api::KindInfo &leaseKind()
{
    return *api::Scheme::builtin().byDescriptor(coord::Lease::descriptor());
}

client::WriteOptions statusWrite()
{
    client::WriteOptions o;
    o.subresource = "status";
    return o;
}

void setTime(meta::Time *t, Clock::Time time)
{
    t->set_seconds(duration_cast<std::chrono::seconds>(time.time_since_epoch()).count());
}

Clock::Time fromTime(const meta::Time &t)
{
    return Clock::Time(std::chrono::seconds(t.seconds()));
}

int64_t secondsOf(Clock::Duration d)
{
    return duration_cast<std::chrono::seconds>(d).count();
}

// Go's time.Duration.String() for whole seconds: "10s", "1m20s", "5m0s".
std::string goSeconds(Clock::Duration d)
{
    int64_t s = secondsOf(d);
    if (s < 60)
        return std::to_string(s) + "s";
    std::string out;
    if (s >= 3600) {
        out += std::to_string(s / 3600) + "h";
        s %= 3600;
        out += std::to_string(s / 60) + "m";
    } else {
        out += std::to_string(s / 60) + "m";
    }
    return out + std::to_string(s % 60) + "s";
}

// Go's time.Duration.String() of a duration truncated to milliseconds.
std::string goMillis(Clock::Duration d)
{
    const int64_t ms = duration_cast<std::chrono::milliseconds>(d).count();
    if (ms == 0)
        return "0s";
    if (ms < 1000)
        return std::to_string(ms) + "ms";
    if (ms % 1000 == 0)
        return goSeconds(std::chrono::milliseconds(ms));
    if (ms < 60000) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(ms / 1000),
                      static_cast<long long>(ms % 1000));
        std::string s = buf;
        while (s.back() == '0')
            s.pop_back();
        return s + "s";
    }
    return goSeconds(duration_cast<std::chrono::seconds>(d));
}

// Go's RFC3339Nano: trailing zeros of the fraction trimmed.
std::string rfc3339Nano(Clock::Time t)
{
    const auto ns = duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
    const time_t secs = static_cast<time_t>(ns / 1000000000);
    const long frac = static_cast<long>(ns % 1000000000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::string out = buf;
    if (frac != 0) {
        char f[16];
        std::snprintf(f, sizeof f, ".%09ld", frac);
        std::string fs = f;
        while (fs.back() == '0')
            fs.pop_back();
        out += fs;
    }
    return out + "Z";
}

std::string podDescription(const core::Pod &pod)
{
    return pod.metadata().name() + "_" + pod.metadata().namespace_() + "(" + pod.metadata().uid() +
           ")";
}

std::vector<std::string> commandOf(const core::Container &c)
{
    std::vector<std::string> cmd(c.command().begin(), c.command().end());
    if (cmd.empty())
        cmd.assign(c.args().begin(), c.args().end());
    return cmd;
}

bool isTerminalPhase(const std::string &phase)
{
    return phase == "Succeeded" || phase == "Failed";
}

std::string probeFailure(const core::Probe &probe, const std::string &podIP)
{
    if (probe.handler().has_http_get())
        return "HTTP probe failed with statuscode: 500";
    if (probe.handler().has_tcp_socket()) {
        const auto &port = probe.handler().tcp_socket().port();
        const std::string p = port.type() == 1 ? port.str_val() : std::to_string(port.int_val());
        return "dial tcp " + podIP + ":" + p + ": connect: connection refused";
    }
    if (probe.handler().has_grpc())
        return "service unhealthy (responded with \"NOT_SERVING\")";
    return "command failed with exit code 1";
}

void setPodCondition(core::PodStatus &st, const std::string &type, bool status,
                     const std::string &reason, const std::string &message, Clock::Time now)
{
    core::PodCondition *c = nullptr;
    for (core::PodCondition &existing : *st.mutable_conditions())
        if (existing.type() == type)
            c = &existing;
    const std::string value = status ? "True" : "False";
    if (!c) {
        c = st.add_conditions();
        c->set_type(type);
    }
    if (c->status() != value || !c->has_last_transition_time()) {
        c->set_status(value);
        setTime(c->mutable_last_transition_time(), now);
    }
    if (reason.empty())
        c->clear_reason();
    else
        c->set_reason(reason);
    if (message.empty())
        c->clear_message();
    else
        c->set_message(message);
}

std::string joinNames(const std::vector<std::string> &names)
{
    std::string out = "[";
    for (size_t i = 0; i < names.size(); ++i)
        out += (i ? " " : "") + names[i];
    return out + "]";
}

void setTerminated(core::ContainerStateTerminated *t, const ContainerRuntime::ContainerInfo &info)
{
    t->set_exit_code(info.exitCode);
    t->set_reason(info.reason);
    setTime(t->mutable_started_at(), info.startedAt);
    setTime(t->mutable_finished_at(), info.finishedAt);
    t->set_container_id(info.id);
}

void setNodeCondition(core::NodeStatus &st, const core::NodeStatus *current,
                      const std::string &type, const std::string &status, const std::string &reason,
                      const std::string &message, Clock::Time now)
{
    core::NodeCondition *c = st.add_conditions();
    c->set_type(type);
    c->set_status(status);
    c->set_reason(reason);
    c->set_message(message);
    const core::NodeCondition *old = nullptr;
    if (current)
        for (const core::NodeCondition &e : current->conditions())
            if (e.type() == type)
                old = &e;
    if (old && old->status() == status) {
        *c->mutable_last_transition_time() = old->last_transition_time();
        *c->mutable_last_heartbeat_time() = old->last_heartbeat_time();
    } else {
        setTime(c->mutable_last_transition_time(), now);
        setTime(c->mutable_last_heartbeat_time(), now);
    }
}

} // namespace

Kubelet::Kubelet(NodeConfig config, std::unique_ptr<client::Client> client, const Clock &clock,
                 KubeletOptions options, Context context)
    : m_config(std::move(config))
    , m_client(std::move(client))
    , m_clock(clock)
    , m_options(std::move(options))
    , m_context(context)
    , m_events(std::make_unique<client::EventRecorder>(*m_client, clock, "kubelet", m_config.name))
    , m_runtime(clock, m_config.name,
                ContainerRuntime::Options{m_options.imagePullTime, m_options.containerStartTime,
                                          m_options.maxLogLines})
{}

Kubelet::~Kubelet() = default;

void Kubelet::start()
{
    std::vector<std::string> statics;
    {
        std::lock_guard lock(m_mutex);
        if (m_running || !m_poweredOn)
            return;
        m_running = true;
        m_needResync = true;
        m_lastLease.reset();
        m_lease.reset();
        m_lastStatus.reset();
        m_registrationEvents = false;
        // Static pods need no API server (a partitioned node runs them too).
        for (const auto &[name, sr] : m_static)
            statics.push_back(name);
    }
    m_context.nodeQueue.add(nodeKey(nodeName()));
    for (const std::string &name : statics)
        m_context.queue.add(podKey(nodeName(), "kube-system", name));
}

void Kubelet::stop()
{
    std::lock_guard lock(m_mutex);
    m_running = false;
}

bool Kubelet::isRunning() const
{
    std::lock_guard lock(m_mutex);
    return m_running;
}

void Kubelet::nodeDeleted()
{
    std::lock_guard lock(m_mutex);
    m_running = false;
    m_registered = false;
}

void Kubelet::scheduleLocked(const std::string &key, std::optional<Clock::Time> wake,
                             Clock::Time now)
{
    if (!wake)
        return;
    client::WorkQueue &queue = key == nodeKey(nodeName()) ? m_context.nodeQueue : m_context.queue;
    queue.addAfter(key, std::max(*wake - now, Clock::Duration(1)));
}

std::vector<std::string> Kubelet::podKeysLocked() const
{
    std::vector<std::string> keys;
    for (const auto &[k, rec] : m_pods)
        keys.push_back(k);
    for (const auto &[name, sr] : m_static)
        keys.push_back(client::objectKey("kube-system", name));
    return keys;
}

Kubelet::PodRecord *Kubelet::recordLocked(const std::string &ns, const std::string &name)
{
    if (auto it = m_pods.find(client::objectKey(ns, name)); it != m_pods.end())
        return &it->second;
    if (ns == "kube-system")
        if (auto st = m_static.find(name); st != m_static.end())
            return &st->second.record;
    return nullptr;
}

// ---------------------------------------------------------------- node faults

void Kubelet::powerOff()
{
    std::lock_guard lock(m_mutex);
    if (!m_poweredOn)
        return;
    m_poweredOn = false;
    m_running = false;
    m_runtime.stop();
}

void Kubelet::powerOn()
{
    std::lock_guard lock(m_mutex);
    if (m_poweredOn)
        return;
    m_poweredOn = true;
    ++m_boots;
    m_runtime.start();
    // A fresh kubelet process: it knows its pods only from the API and the
    // runtime's records. Containers of pods gone meanwhile are removed now
    // (their keys are no longer bound here, so no sync would see them).
    for (const auto &[key, rec] : m_pods) {
        auto pod = std::static_pointer_cast<const core::Pod>(m_context.pods.get(key));
        const bool stillHere =
            pod && pod->spec().node_name() == nodeName() && pod->metadata().uid() == rec.uid;
        if (!stillHere) {
            m_runtime.removePod(rec.uid);
            m_crashLoop.erase(key);
        }
        if (rec.ownsIP)
            releaseIPLocked(rec.podIP);
    }
    m_pods.clear();
}

bool Kubelet::isPoweredOn() const
{
    std::lock_guard lock(m_mutex);
    return m_poweredOn;
}

void Kubelet::setPartitioned(bool partitioned)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_partitioned == partitioned)
            return;
        m_partitioned = partitioned;
        if (partitioned)
            return;
        // Healed: everything is reconciled against what the API says now.
        m_needResync = true;
        m_lastStatus.reset();
    }
    m_context.nodeQueue.add(nodeKey(nodeName()));
}

bool Kubelet::isPartitioned() const
{
    std::lock_guard lock(m_mutex);
    return m_partitioned;
}

Status Kubelet::stopRuntime()
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_poweredOn)
            return {};
        m_runtime.stop();
        m_needResync = true; // the node sync requeues every pod
    }
    m_context.nodeQueue.add(nodeKey(nodeName()));
    return {};
}

Status Kubelet::startRuntime()
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_poweredOn)
            return Status::unavailable("node \"" + nodeName() + "\" is powered off");
        m_runtime.start();
        m_needResync = true; // the node sync requeues every pod
    }
    m_context.nodeQueue.add(nodeKey(nodeName()));
    return {};
}

bool Kubelet::isRuntimeUp() const
{
    return m_runtime.isUp();
}

Status Kubelet::setCrashLoop(const std::string &ns, const std::string &pod, bool on)
{
    const std::string key = client::objectKey(ns, pod);
    {
        std::lock_guard lock(m_mutex);
        if (ns == "kube-system" && m_static.contains(pod))
            return Status::unsupported("static pod \"" + pod + "\" cannot crash-loop");
        if (on)
            m_crashLoop.insert(key);
        else
            m_crashLoop.erase(key);
        if (PodRecord *rec = recordLocked(ns, pod))
            for (std::vector<ContainerRecord> *list : {&rec->init, &rec->containers})
                for (const ContainerRecord &cr : *list) {
                    if (cr.currentId.empty())
                        continue;
                    std::optional<ContainerRuntime::ContainerInfo> info =
                        m_runtime.container(cr.currentId);
                    if (!info || info->state == ContainerRuntime::State::Exited)
                        continue;
                    if (info->state == ContainerRuntime::State::Created)
                        (void)m_runtime.setCrashOnStart(cr.currentId, on ? std::optional<int32_t>(1)
                                                                         : std::nullopt);
                    else if (on)
                        (void)m_runtime.crash(cr.currentId, 1);
                }
    }
    m_context.queue.add(podKey(nodeName(), ns, pod));
    return {};
}

bool Kubelet::isPodServing(const std::string &ns, const std::string &pod)
{
    std::lock_guard lock(m_mutex);
    if (!m_poweredOn)
        return false;
    const PodRecord *rec = recordLocked(ns, pod);
    if (!rec || rec->containers.empty() || rec->terminal)
        return false;
    for (const ContainerRecord &cr : rec->containers) {
        if (cr.currentId.empty() || !cr.ready)
            return false;
        std::optional<ContainerRuntime::ContainerInfo> info = m_runtime.container(cr.currentId);
        if (!info || info->state != ContainerRuntime::State::Running)
            return false;
    }
    return true;
}

bool Kubelet::appendPodLog(const std::string &ns, const std::string &pod, const std::string &line)
{
    std::lock_guard lock(m_mutex);
    const PodRecord *rec = recordLocked(ns, pod);
    if (!rec)
        return false;
    for (const ContainerRecord &cr : rec->containers) {
        if (cr.currentId.empty())
            continue;
        std::optional<ContainerRuntime::ContainerInfo> info = m_runtime.container(cr.currentId);
        if (info && info->state == ContainerRuntime::State::Running) {
            m_runtime.appendLog(cr.currentId, line);
            return true;
        }
    }
    return false;
}

// ---------------------------------------------------------------- node

std::shared_ptr<const core::Node> Kubelet::currentNode() const
{
    client::ObjectPtr obj = m_context.nodes.get(nodeName());
    return std::static_pointer_cast<const core::Node>(obj);
}

core::Node Kubelet::desiredNodeLocked(const core::Node *current, Clock::Time now)
{
    core::Node node;
    meta::ObjectMeta *md = node.mutable_metadata();
    md->set_name(nodeName());
    auto &labels = *md->mutable_labels();
    labels["beta.kubernetes.io/arch"] = "amd64";
    labels["beta.kubernetes.io/os"] = "linux";
    labels["kubernetes.io/arch"] = "amd64";
    labels["kubernetes.io/hostname"] = nodeName();
    labels["kubernetes.io/os"] = "linux";
    for (const auto &[k, v] : m_config.labels)
        labels[k] = v;
    core::NodeSpec *spec = node.mutable_spec();
    if (!m_config.podCIDR.empty()) {
        spec->set_pod_cidr(m_config.podCIDR);
        spec->add_pod_cidrs(m_config.podCIDR);
    }
    for (const NodeConfig::Taint &t : m_config.taints) {
        core::Taint *taint = spec->add_taints();
        taint->set_key(t.key);
        if (!t.value.empty())
            taint->set_value(t.value);
        taint->set_effect(t.effect);
    }

    core::NodeStatus *st = node.mutable_status();
    const core::NodeStatus *cur = current ? &current->status() : nullptr;
    auto setQuantity = [](auto &map, const std::string &k, const std::string &v) {
        map[k].set_value(v);
    };
    for (auto *map : {st->mutable_capacity(), st->mutable_allocatable()}) {
        setQuantity(*map, "cpu", m_config.cpu);
        setQuantity(*map, "memory", m_config.memory);
        setQuantity(*map, "pods", m_config.pods);
        setQuantity(*map, "ephemeral-storage", "100Gi");
        setQuantity(*map, "hugepages-1Gi", "0");
        setQuantity(*map, "hugepages-2Mi", "0");
    }
    // Conditions others own (NetworkUnavailable, ...) stay as they are.
    if (cur)
        for (const core::NodeCondition &c : cur->conditions())
            if (c.type() != "MemoryPressure" && c.type() != "DiskPressure" &&
                c.type() != "PIDPressure" && c.type() != "Ready")
                *st->add_conditions() = c;
    setNodeCondition(*st, cur, "MemoryPressure", "False", "KubeletHasSufficientMemory",
                     "kubelet has sufficient memory available", now);
    setNodeCondition(*st, cur, "DiskPressure", "False", "KubeletHasNoDiskPressure",
                     "kubelet has no disk pressure", now);
    setNodeCondition(*st, cur, "PIDPressure", "False", "KubeletHasSufficientPID",
                     "kubelet has sufficient PID available", now);
    // Upstream's runtime state check: an unreachable runtime makes the node
    // NotReady with the aggregated runtime errors as the message.
    if (m_runtime.isUp())
        setNodeCondition(*st, cur, "Ready", "True", "KubeletReady",
                         "kubelet is posting ready status", now);
    else
        setNodeCondition(*st, cur, "Ready", "False", "KubeletNotReady", "container runtime is down",
                         now);
    core::NodeAddress *ip = st->add_addresses();
    ip->set_type("InternalIP");
    ip->set_address(m_config.internalIP);
    core::NodeAddress *host = st->add_addresses();
    host->set_type("Hostname");
    host->set_address(nodeName());
    st->mutable_daemon_endpoints()->mutable_kubelet_endpoint()->set_port(10250);
    core::NodeSystemInfo *info = st->mutable_node_info();
    const std::string id = ContainerRuntime::imageIdOf("node/" + nodeName());
    const std::string hex = id.substr(id.find(':') + 1);
    info->set_machine_id(hex.substr(0, 32));
    info->set_system_uuid(hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) +
                          "-" + hex.substr(16, 4) + "-" + hex.substr(20, 12));
    info->set_boot_id(bootIdLocked());
    info->set_kernel_version("6.8.0-kubist");
    info->set_os_image("Kubist simulated Linux");
    info->set_container_runtime_version("kubist://1.0");
    info->set_kubelet_version(m_options.kubeletVersion);
    info->set_kube_proxy_version(m_options.kubeletVersion);
    info->set_operating_system("linux");
    info->set_architecture("amd64");
    for (const std::string &image : m_runtime.images()) {
        core::ContainerImage *ci = st->add_images();
        ci->add_names(ContainerRuntime::imageIdOf(image));
        ci->add_names(image);
        ci->set_size_bytes(m_runtime.imageStatus(image).size);
    }
    return node;
}

std::string Kubelet::bootIdLocked() const
{
    // A new one after every power-on (upstream's boot id changes on reboot).
    const std::string seed = m_boots == 0
                                 ? "node/" + nodeName()
                                 : "node/" + nodeName() + "/boot/" + std::to_string(m_boots);
    const std::string id = ContainerRuntime::imageIdOf(seed);
    const std::string hex = id.substr(id.find(':') + 1);
    return hex.substr(32, 8) + "-" + hex.substr(40, 4) + "-" + hex.substr(44, 4) + "-" +
           hex.substr(48, 4) + "-" + hex.substr(52, 12);
}

Status Kubelet::renewLease(Clock::Time now, const std::string &nodeUid)
{
    const auto micros = duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
    auto fill = [&](coord::Lease &lease) {
        lease.mutable_spec()->set_holder_identity(nodeName());
        lease.mutable_spec()->set_lease_duration_seconds(m_options.leaseDurationSeconds);
        lease.mutable_spec()->mutable_renew_time()->set_seconds(micros / 1000000);
        lease.mutable_spec()->mutable_renew_time()->set_nanos(
            static_cast<int32_t>((micros % 1000000) * 1000));
        if (!nodeUid.empty() && lease.metadata().owner_references_size() == 0) {
            meta::OwnerReference *ref = lease.mutable_metadata()->add_owner_references();
            ref->set_api_version("v1");
            ref->set_kind("Node");
            ref->set_name(nodeName());
            ref->set_uid(nodeUid);
        }
    };
    // Renew from the lease this kubelet wrote last (a GET only the first
    // time and after a conflict), as the real kubelet's lease controller.
    client::ObjectPtr last;
    {
        std::lock_guard lock(m_mutex);
        last = m_lease;
    }
    if (!last) {
        Result<client::ObjectPtr> got = m_client->get(leaseKind(), "kube-node-lease", nodeName());
        if (!got) {
            if (got.status().code() != Status::Code::NotFound)
                return got.status();
            coord::Lease lease;
            lease.mutable_metadata()->set_name(nodeName());
            lease.mutable_metadata()->set_namespace_("kube-node-lease");
            fill(lease);
            Result<client::ObjectPtr> r = m_client->create(leaseKind(), "kube-node-lease", lease);
            if (!r)
                return r.status();
            std::lock_guard lock(m_mutex);
            m_lease = *r;
            return {};
        }
        last = *got;
    }
    coord::Lease lease;
    lease.CopyFrom(*last);
    fill(lease);
    Result<client::ObjectPtr> r = m_client->update(leaseKind(), "kube-node-lease", lease);
    std::lock_guard lock(m_mutex);
    m_lease = r ? *r : nullptr; // a failure (e.g. a conflict) reads it afresh next time
    return r ? Status() : r.status();
}

Status Kubelet::syncNode()
{
    const std::string key = nodeKey(nodeName());
    Clock::Time now = m_clock.now();
    std::vector<std::string> resync;
    bool registered = false;
    bool leaseDue = false;
    bool statusForced = false;
    {
        std::lock_guard lock(m_mutex);
        if (!m_running || m_partitioned)
            return {};
        if (m_needResync) {
            m_needResync = false;
            for (const client::ObjectPtr &p :
                 m_context.pods.byIndex(client::kNodeNameIndex, nodeName()))
                resync.push_back(client::objectKey(*p));
            for (std::string &k : podKeysLocked())
                resync.push_back(std::move(k));
        }
        registered = m_registered;
        leaseDue = !m_lastLease || now >= *m_lastLease + m_options.leaseRenewInterval;
        statusForced = !m_lastStatus || now >= *m_lastStatus + m_options.nodeStatusReportFrequency;
    }
    for (const std::string &k : resync) {
        auto [ns, name] = client::splitObjectKey(k);
        m_context.queue.add(podKey(nodeName(), ns, name));
    }

    std::shared_ptr<const core::Node> node = currentNode();
    if (!node && !registered) {
        core::Node desired;
        {
            std::lock_guard lock(m_mutex);
            desired = desiredNodeLocked(nullptr, now);
        }
        Result<client::ObjectPtr> r = m_client->create(nodeKind(), "", desired);
        if (!r && r.status().code() != Status::Code::AlreadyExists)
            return r.status().withContext("registering node " + nodeName());
        if (r) {
            node = std::static_pointer_cast<const core::Node>(*r);
            logInfo("kubelet/" + nodeName(), "Successfully registered node");
        }
        std::lock_guard lock(m_mutex);
        m_registered = true;
    } else if (node) {
        std::lock_guard lock(m_mutex);
        m_registered = true;
    }
    if (!node) {
        // Registered, but the cache does not show the Node yet (or it was
        // deleted and the deletion is on its way): wait for the informer.
        m_context.nodeQueue.addAfter(key, m_options.leaseRenewInterval);
        return {};
    }

    // Node status: when it changed, and at least every report period.
    bool wasReady = false;
    for (const core::NodeCondition &c : node->status().conditions())
        if (c.type() == "Ready" && c.status() == "True")
            wasReady = true;
    core::Node desired;
    {
        std::lock_guard lock(m_mutex);
        desired = desiredNodeLocked(node.get(), now);
    }
    google::protobuf::util::MessageDifferencer differ;
    const bool changed = !differ.Compare(desired.status(), node->status());
    bool registrationEvents = false;
    if (changed || statusForced) {
        core::Node update;
        update.CopyFrom(*node);
        *update.mutable_status() = desired.status();
        for (core::NodeCondition &c : *update.mutable_status()->mutable_conditions())
            if (c.type() == "MemoryPressure" || c.type() == "DiskPressure" ||
                c.type() == "PIDPressure" || c.type() == "Ready")
                setTime(c.mutable_last_heartbeat_time(), now);
        Result<client::ObjectPtr> r = m_client->update(nodeKind(), "", update, statusWrite());
        if (!r) {
            if (r.status().code() == Status::Code::Conflict)
                return {}; // the newer Node's event syncs again
            if (r.status().code() == Status::Code::NotFound)
                return {};
            return r.status().withContext("updating node status");
        }
        std::lock_guard lock(m_mutex);
        m_lastStatus = now;
        registrationEvents = !m_registrationEvents;
        m_registrationEvents = true;
    }
    if (registrationEvents) {
        m_events->record(*node, "Normal", "Starting", "Starting kubelet.");
        for (const char *s :
             {"NodeHasSufficientMemory", "NodeHasNoDiskPressure", "NodeHasSufficientPID"})
            m_events->record(*node, "Normal", s, "Node " + nodeName() + " status is now: " + s);
    }
    bool nowReady = false;
    for (const core::NodeCondition &c : desired.status().conditions())
        if (c.type() == "Ready" && c.status() == "True")
            nowReady = true;
    if (changed || statusForced) {
        const std::string &oldBoot = node->status().node_info().boot_id();
        const std::string &newBoot = desired.status().node_info().boot_id();
        if (!oldBoot.empty() && oldBoot != newBoot)
            m_events->record(*node, "Warning", "Rebooted",
                             "Node " + nodeName() + " has been rebooted, boot id: " + newBoot);
        if (!wasReady && nowReady)
            m_events->record(*node, "Normal", "NodeReady",
                             "Node " + nodeName() + " status is now: NodeReady");
        else if (wasReady && !nowReady)
            m_events->record(*node, "Normal", "NodeNotReady",
                             "Node " + nodeName() + " status is now: NodeNotReady");
    }

    if (leaseDue) {
        const Status s = renewLease(now, node->metadata().uid());
        if (!s && s.code() != Status::Code::Conflict)
            return s.withContext("renewing lease");
        if (s) {
            std::lock_guard lock(m_mutex);
            m_lastLease = now;
        }
    }

    std::lock_guard lock(m_mutex);
    if (!m_running)
        return {};
    std::optional<Clock::Time> wake;
    if (m_lastLease)
        wake = *m_lastLease + m_options.leaseRenewInterval;
    if (m_lastStatus) {
        const Clock::Time due = *m_lastStatus + m_options.nodeStatusReportFrequency;
        wake = wake ? std::min(*wake, due) : due;
    }
    if (!wake)
        wake = now + std::chrono::seconds(1);
    scheduleLocked(key, wake, now);
    // Mirror pods need the Node (their owner): make sure they exist.
    for (const auto &[name, sr] : m_static)
        if (!m_context.pods.get(client::objectKey("kube-system", name)))
            m_context.queue.add(podKey(nodeName(), "kube-system", name));
    return {};
}

// ---------------------------------------------------------------- IPs

std::string Kubelet::allocateIPLocked(const std::string &wanted)
{
    std::string prefix = m_config.podCIDR.substr(0, m_config.podCIDR.find('/'));
    const size_t dot = prefix.rfind('.');
    if (dot == std::string::npos)
        return {};
    prefix = prefix.substr(0, dot + 1);
    if (!wanted.empty() && wanted.starts_with(prefix) && !m_usedIPs.contains(wanted)) {
        m_usedIPs.insert(wanted);
        return wanted;
    }
    for (int tries = 0; tries < 253; ++tries) {
        const uint32_t host = m_nextHost;
        m_nextHost = m_nextHost >= 254 ? 2 : m_nextHost + 1;
        const std::string ip = prefix + std::to_string(host);
        if (!m_usedIPs.contains(ip)) {
            m_usedIPs.insert(ip);
            return ip;
        }
    }
    return {};
}

void Kubelet::releaseIPLocked(const std::string &ip)
{
    m_usedIPs.erase(ip);
}

// ---------------------------------------------------------------- pods

Clock::Duration Kubelet::terminationGrace(const core::Pod &pod) const
{
    int64_t seconds = pod.metadata().has_deletion_grace_period_seconds()
                          ? pod.metadata().deletion_grace_period_seconds()
                          : pod.spec().termination_grace_period_seconds();
    Clock::Duration grace = std::chrono::seconds(std::max<int64_t>(seconds, 0));
    if (m_options.maxTerminationTime)
        grace = std::min(grace, *m_options.maxTerminationTime);
    return grace;
}

void Kubelet::teardownLocked(const std::string &key)
{
    auto it = m_pods.find(key);
    if (it == m_pods.end())
        return;
    m_runtime.removePod(it->second.uid);
    if (it->second.ownsIP)
        releaseIPLocked(it->second.podIP);
    m_pods.erase(it);
    m_crashLoop.erase(key);
}

void Kubelet::restoreLocked(PodRecord &rec, const core::Pod &pod)
{
    auto restore = [&](std::vector<ContainerRecord> &records,
                       const google::protobuf::RepeatedPtrField<core::ContainerStatus> &statuses) {
        for (const core::ContainerStatus &cs : statuses) {
            auto cr = std::find_if(records.begin(), records.end(),
                                   [&](const ContainerRecord &r) { return r.name == cs.name(); });
            if (cr == records.end() || cs.container_id().empty())
                continue;
            auto instance = [&](const std::string &id, const core::ContainerState &state,
                                int32_t attempt) {
                ContainerRuntime::ContainerInfo info;
                info.id = id;
                info.podUid = rec.uid;
                info.podNamespace = rec.ns;
                info.podName = rec.name;
                info.name = cs.name();
                info.image = cs.image();
                info.imageId = cs.image_id();
                info.attempt = attempt;
                if (state.has_running()) {
                    info.state = ContainerRuntime::State::Running;
                    info.startedAt = fromTime(state.running().started_at());
                } else {
                    const core::ContainerStateTerminated &t = state.terminated();
                    info.state = ContainerRuntime::State::Exited;
                    info.startedAt = fromTime(t.started_at());
                    info.finishedAt = fromTime(t.finished_at());
                    info.exitCode = t.exit_code();
                    info.reason = t.reason();
                }
                info.createdAt = info.startedAt;
                m_runtime.restoreContainer(info);
            };
            const core::ContainerState &state = cs.state();
            const core::ContainerStateTerminated &last = cs.last_state().terminated();
            if (state.has_running() || state.has_terminated()) {
                if (cs.last_state().has_terminated() && !last.container_id().empty() &&
                    last.container_id() != cs.container_id()) {
                    instance(last.container_id(), cs.last_state(),
                             std::max(0, cs.restart_count() - 1));
                    cr->previousId = last.container_id();
                }
                instance(cs.container_id(), state, cs.restart_count());
                cr->currentId = cs.container_id();
            } else if (cs.last_state().has_terminated() && !last.container_id().empty()) {
                // Waiting to restart (CrashLoopBackOff): the last instance.
                instance(last.container_id(), cs.last_state(), cs.restart_count());
                cr->currentId = last.container_id();
            } else {
                continue;
            }
            cr->restartCount = cs.restart_count();
            cr->startedEventFor = cr->currentId;
        }
    };
    restore(rec.init, pod.status().init_container_statuses());
    restore(rec.containers, pod.status().container_statuses());
}

Status Kubelet::syncPod(const std::string &ns, const std::string &name)
{
    const std::string key = client::objectKey(ns, name);
    std::shared_ptr<const core::Pod> pod =
        std::static_pointer_cast<const core::Pod>(m_context.pods.get(key));
    if (pod && pod->spec().node_name() != nodeName())
        pod = nullptr;

    std::unique_lock lock(m_mutex);
    if (!m_running)
        return {};
    if (ns == "kube-system") {
        auto st = m_static.find(name);
        if (st != m_static.end())
            return syncMirrorPod(key, st->second, pod, lock);
    }
    if (pod && m_staticSet && pod->metadata().annotations().contains(kMirrorAnnotation)) {
        // A mirror pod of a static pod this node no longer has.
        lock.unlock();
        Plan plan;
        plan.remove = true;
        plan.removeUid = pod->metadata().uid();
        return execute(key, pod.get(), plan);
    }
    if (pod && pod->metadata().annotations().contains(kMirrorAnnotation))
        return {};
    lock.unlock();
    return syncRegularPod(key, pod);
}

Status Kubelet::syncRegularPod(const std::string &key, const std::shared_ptr<const core::Pod> &seen)
{
    std::unique_lock lock(m_mutex);
    if (!m_running)
        return {};
    const Clock::Time now = m_clock.now();
    auto it = m_pods.find(key);
    std::shared_ptr<const core::Pod> pod = seen;
    if (m_partitioned) {
        // Cut off from the API server: the pod as it was last seen (what
        // the informer shows now could not have reached this kubelet).
        if (it == m_pods.end() || !it->second.lastSeen)
            return {};
        pod = it->second.lastSeen;
    }
    if (!pod) {
        teardownLocked(key);
        return {};
    }
    if (it != m_pods.end() && it->second.uid != pod->metadata().uid()) {
        teardownLocked(key);
        it = m_pods.end();
    }
    Plan plan;
    if (it == m_pods.end()) {
        if (isTerminalPhase(pod->status().phase())) {
            if (!pod->metadata().has_deletion_timestamp())
                return {};
            lock.unlock();
            plan.remove = true;
            plan.removeUid = pod->metadata().uid();
            return execute(key, pod.get(), plan);
        }
        PodRecord rec;
        rec.uid = pod->metadata().uid();
        rec.ns = pod->metadata().namespace_();
        rec.name = pod->metadata().name();
        if (pod->spec().host_network()) {
            rec.podIP = m_config.internalIP;
        } else {
            rec.podIP = allocateIPLocked(pod->status().pod_ip());
            rec.ownsIP = !rec.podIP.empty();
        }
        rec.startTime = pod->status().has_start_time() ? fromTime(pod->status().start_time()) : now;
        rec.sandboxReadyAt = now;
        for (const core::Container &c : pod->spec().init_containers()) {
            ContainerRecord cr;
            cr.name = c.name();
            cr.init = true;
            rec.init.push_back(std::move(cr));
        }
        for (const core::Container &c : pod->spec().containers()) {
            ContainerRecord cr;
            cr.name = c.name();
            rec.containers.push_back(std::move(cr));
        }
        restoreLocked(rec, *pod);
        it = m_pods.emplace(key, std::move(rec)).first;
    }
    PodRecord &rec = it->second;
    rec.lastSeen = pod;
    const core::Pod &p = *pod;
    if (m_runtime.isUp())
        rec.sandboxFailureReported = false;

    if (p.metadata().has_deletion_timestamp()) {
        if (!rec.terminating) {
            rec.terminating = true;
            stopAllLocked(rec, terminationGrace(p), now, plan);
        }
        if (allStoppedLocked(rec, now, plan)) {
            rec.terminal = true;
            if (!rec.deleteSent) {
                plan.remove = true;
                plan.removeUid = rec.uid;
                rec.deleteSent = true;
            }
        }
    } else if (!rec.terminal && (rec.deadlineExceeded || deadlinePassed(p, rec, now))) {
        // spec.activeDeadlineSeconds: the pod fails, its containers stop.
        if (!rec.deadlineExceeded) {
            rec.deadlineExceeded = true;
            plan.events.push_back({"Normal", "DeadlineExceeded",
                                   "Pod was active on the node longer than the specified "
                                   "deadline"});
            stopAllLocked(rec, terminationGrace(p), now, plan);
        }
        if (allStoppedLocked(rec, now, plan))
            rec.terminal = true;
    } else if (!rec.terminal) {
        if (p.spec().has_active_deadline_seconds())
            plan.wake = rec.startTime + std::chrono::seconds(p.spec().active_deadline_seconds());
        bool initDone = true;
        for (int i = 0; i < p.spec().init_containers_size() && i < int(rec.init.size()); ++i) {
            ContainerRecord &cr = rec.init[i];
            const core::Container &spec = p.spec().init_containers(i);
            auto done = [&] {
                if (cr.currentId.empty())
                    return false;
                std::optional<ContainerRuntime::ContainerInfo> info =
                    m_runtime.container(cr.currentId);
                return info && info->state == ContainerRuntime::State::Exited &&
                       info->exitCode == 0;
            };
            if (done())
                continue;
            driveContainerLocked(rec, cr, p, spec, now, plan);
            if (done()) {
                // Completed within this sync (a start due now): go on.
                continue;
            }
            initDone = false;
            break;
        }
        if (initDone)
            for (int i = 0; i < p.spec().containers_size() && i < int(rec.containers.size()); ++i)
                driveContainerLocked(rec, rec.containers[i], p, p.spec().containers(i), now, plan);
    }

    auto status = std::make_shared<core::Pod>();
    status->CopyFrom(p);
    buildStatusLocked(rec, p, now, *status);
    if (isTerminalPhase(status->status().phase()))
        rec.terminal = true;
    google::protobuf::util::MessageDifferencer differ;
    if (!differ.Compare(status->status(), p.status()))
        plan.status = status;
    scheduleLocked(podKey(nodeName(), rec.ns, rec.name), plan.wake, now);
    lock.unlock();
    return execute(key, pod.get(), plan);
}

bool Kubelet::deadlinePassed(const core::Pod &pod, const PodRecord &rec, Clock::Time now)
{
    return pod.spec().has_active_deadline_seconds() &&
           now >= rec.startTime + std::chrono::seconds(pod.spec().active_deadline_seconds());
}

void Kubelet::stopAllLocked(PodRecord &rec, Clock::Duration grace, Clock::Time now, Plan &plan)
{
    rec.killDeadline = now + grace;
    for (std::vector<ContainerRecord> *list : {&rec.init, &rec.containers})
        for (ContainerRecord &cr : *list) {
            if (cr.currentId.empty())
                continue;
            std::optional<ContainerRuntime::ContainerInfo> info = m_runtime.container(cr.currentId);
            if (!info || info->state == ContainerRuntime::State::Exited)
                continue;
            plan.events.push_back({"Normal", "Killing", "Stopping container " + cr.name});
            m_runtime.stopContainer(cr.currentId, grace, 0);
        }
}

bool Kubelet::allStoppedLocked(PodRecord &rec, Clock::Time now, Plan &plan)
{
    bool allStopped = true;
    for (std::vector<ContainerRecord> *list : {&rec.init, &rec.containers})
        for (ContainerRecord &cr : *list) {
            cr.ready = false;
            // Nothing restarts any more.
            if (cr.waitingReason == "CrashLoopBackOff" ||
                (cr.waitingReason == "ContainerCreating" && !cr.currentId.empty())) {
                cr.waitingReason.clear();
                cr.waitingMessage.clear();
            }
            if (cr.currentId.empty())
                continue;
            std::optional<ContainerRuntime::ContainerInfo> info = m_runtime.container(cr.currentId);
            if (!info || info->state == ContainerRuntime::State::Exited)
                continue;
            if (now >= rec.killDeadline) {
                m_runtime.crash(cr.currentId, 137);
                continue;
            }
            allStopped = false;
            if (info->nextChange)
                plan.wake = plan.wake ? std::min(*plan.wake, *info->nextChange) : *info->nextChange;
        }
    if (!allStopped && !plan.wake)
        plan.wake = rec.killDeadline;
    return allStopped;
}

void Kubelet::startInstanceLocked(PodRecord &rec, ContainerRecord &cr, const core::Container &spec,
                                  Plan &plan, bool immediately)
{
    ContainerRuntime::ContainerConfig config;
    config.podUid = rec.uid;
    config.podNamespace = rec.ns;
    config.podName = rec.name;
    config.name = cr.name;
    config.image = spec.image();
    config.command = commandOf(spec);
    // An init container does its job and exits (unless its command says
    // how it ends).
    if (cr.init && !ContainerRuntime::exitCodeOf(config.command))
        config.command = {"sh", "-c", "exit 0"};
    config.attempt = cr.currentId.empty() ? cr.restartCount : cr.restartCount + 1;
    if (rec.staticName.empty() && m_crashLoop.contains(client::objectKey(rec.ns, rec.name)))
        config.crashOnStart = 1;
    Result<std::string> id = m_runtime.createContainer(config);
    if (!id) {
        cr.waitingReason = "CreateContainerError";
        cr.waitingMessage = id.status().message();
        return;
    }
    if (!cr.currentId.empty()) {
        if (!cr.previousId.empty())
            m_runtime.removeContainer(cr.previousId);
        cr.previousId = cr.currentId;
        ++cr.restartCount;
    }
    cr.currentId = *id;
    cr.waitingReason.clear();
    cr.waitingMessage.clear();
    cr.ready = false;
    cr.started = false;
    plan.events.push_back({"Normal", "Created", "Created container: " + cr.name});
    m_runtime.startContainer(*id, immediately);
    if (std::optional<ContainerRuntime::ContainerInfo> info = m_runtime.container(*id)) {
        if (info->nextChange)
            plan.wake = plan.wake ? std::min(*plan.wake, *info->nextChange) : *info->nextChange;
        else if (info->state != ContainerRuntime::State::Created)
            plan.wake = plan.wake ? std::min(*plan.wake, m_clock.now()) : m_clock.now();
    }
}

void Kubelet::driveContainerLocked(PodRecord &rec, ContainerRecord &cr, const core::Pod &pod,
                                   const core::Container &spec, Clock::Time now, Plan &plan)
{
    auto wakeAt = [&](Clock::Time t) { plan.wake = plan.wake ? std::min(*plan.wake, t) : t; };
    std::string policy = pod.spec().restart_policy();
    if (policy.empty())
        policy = "Always";
    if (cr.init)
        policy = policy == "Never" ? "Never" : "OnFailure";
    // The runtime is down: no sandbox, no pull, no start (startRuntime()
    // requeues every pod). Crash-loop backoff is not charged for it.
    auto waitForRuntime = [&] {
        cr.pulling = false;
        cr.waitingReason = "ContainerCreating";
        cr.waitingMessage = "Failed to create pod sandbox: " + ContainerRuntime::downMessage();
        if (!rec.sandboxFailureReported) {
            rec.sandboxFailureReported = true;
            plan.events.push_back({"Warning", "FailedCreatePodSandBox", cr.waitingMessage});
        }
    };

    std::optional<ContainerRuntime::ContainerInfo> info;
    if (!cr.currentId.empty())
        info = m_runtime.container(cr.currentId);
    if (info) {
        if (info->nextChange)
            wakeAt(*info->nextChange);
        if (info->state == ContainerRuntime::State::Created)
            return;
        if (cr.startedEventFor != info->id) {
            cr.startedEventFor = info->id;
            plan.events.push_back({"Normal", "Started", "Started container " + cr.name});
        }
        if (info->state == ContainerRuntime::State::Running) {
            cr.waitingReason.clear();
            cr.waitingMessage.clear();
            if (!cr.init)
                processProbesLocked(rec, cr, pod, spec, *info, now, plan);
            return;
        }
        // Exited.
        cr.ready = false;
        cr.started = false;
        const bool restart = policy == "Always" || (policy == "OnFailure" && info->exitCode != 0);
        if (!restart) {
            cr.waitingReason.clear();
            cr.waitingMessage.clear();
            return;
        }
        if (!m_runtime.isUp()) {
            waitForRuntime();
            return;
        }
        if (cr.backoff > Clock::Duration::zero() &&
            info->finishedAt - cr.backoffUpdated > 2 * m_options.crashLoopMaxBackoff)
            cr.backoff = Clock::Duration::zero();
        if (cr.backoff > Clock::Duration::zero() && now - info->finishedAt < cr.backoff) {
            wakeAt(info->finishedAt + cr.backoff);
            if (cr.exitHandledFor != info->id) {
                cr.exitHandledFor = info->id;
                plan.events.push_back({"Warning", "BackOff",
                                       "Back-off restarting failed container " + cr.name +
                                           " in pod " + podDescription(pod)});
            }
            cr.waitingReason = "CrashLoopBackOff";
            cr.waitingMessage = "back-off " + goSeconds(cr.backoff) +
                                " restarting failed container=" + cr.name +
                                " pod=" + podDescription(pod);
            return;
        }
        cr.backoff = cr.backoff == Clock::Duration::zero()
                         ? m_options.crashLoopInitialBackoff
                         : std::min(cr.backoff * 2, m_options.crashLoopMaxBackoff);
        cr.backoffUpdated = now;
    }

    // A (new) instance is needed: the image first.
    if (!m_runtime.isUp()) {
        waitForRuntime();
        return;
    }
    const std::string &image = spec.image();
    if (cr.pullBackoffUntil && now < *cr.pullBackoffUntil) {
        wakeAt(*cr.pullBackoffUntil);
        if (cr.pullFailed) {
            const Clock::Time showBackoff = cr.pullFailedAt + std::chrono::seconds(1);
            if (now < showBackoff) {
                wakeAt(showBackoff);
                return;
            }
            cr.pullFailed = false;
            plan.events.push_back(
                {"Normal", "BackOff", "Back-off pulling image \"" + image + "\""});
            plan.events.push_back({"Warning", "Failed", "Error: ImagePullBackOff"});
        }
        cr.waitingReason = "ImagePullBackOff";
        cr.waitingMessage =
            "Back-off pulling image \"" + image + "\": ErrImagePull: " + cr.pullError;
        return;
    }
    ContainerRuntime::ImagePull pull = m_runtime.imageStatus(image);
    if (pull.state != ContainerRuntime::ImageState::Present) {
        if (spec.image_pull_policy() == "Never") {
            cr.waitingReason = "ErrImageNeverPull";
            cr.waitingMessage =
                "Container image \"" + image + "\" is not present with pull policy of Never";
            if (cr.exitHandledFor != "never-pull") {
                cr.exitHandledFor = "never-pull";
                plan.events.push_back({"Warning", "ErrImageNeverPull", cr.waitingMessage});
            }
            return;
        }
        if (!cr.pulling) {
            pull = m_runtime.pullImage(image);
            cr.pulling = true;
            cr.pullStartedAt = now;
            plan.events.push_back({"Normal", "Pulling", "Pulling image \"" + image + "\""});
        }
        if (pull.state == ContainerRuntime::ImageState::Pulling) {
            wakeAt(pull.doneAt);
            if (cr.waitingReason != "ErrImagePull" && cr.waitingReason != "ImagePullBackOff") {
                cr.waitingReason = "ContainerCreating";
                cr.waitingMessage.clear();
            }
            return;
        }
        if (pull.state == ContainerRuntime::ImageState::Failed ||
            pull.state == ContainerRuntime::ImageState::Absent) {
            cr.pulling = false;
            cr.pullBackoff = cr.pullBackoff == Clock::Duration::zero()
                                 ? m_options.imagePullInitialBackoff
                                 : std::min(cr.pullBackoff * 2, m_options.imagePullMaxBackoff);
            cr.pullBackoffUntil = now + cr.pullBackoff;
            cr.pullFailed = true;
            cr.pullFailedAt = now;
            cr.pullError = pull.error;
            cr.waitingReason = "ErrImagePull";
            cr.waitingMessage = pull.error;
            plan.events.push_back(
                {"Warning", "Failed", "Failed to pull image \"" + image + "\": " + pull.error});
            plan.events.push_back({"Warning", "Failed", "Error: ErrImagePull"});
            wakeAt(now + std::chrono::seconds(1));
            return;
        }
    }
    if (cr.pulling) {
        cr.pulling = false;
        m_context.nodeQueue.add(nodeKey(nodeName())); // the Node's image list changed
        const std::string took = goMillis(pull.doneAt - pull.startedAt);
        const std::string waited = goMillis(now - cr.pullStartedAt);
        plan.events.push_back(
            {"Normal", "Pulled",
             "Successfully pulled image \"" + image + "\" in " + took + " (" + waited +
                 " including waiting). Image size: " + std::to_string(pull.size) + " bytes."});
    } else {
        plan.events.push_back(
            {"Normal", "Pulled", "Container image \"" + image + "\" already present on machine"});
    }
    cr.pullBackoff = Clock::Duration::zero();
    cr.pullBackoffUntil.reset();
    cr.pullFailed = false;
    startInstanceLocked(rec, cr, spec, plan, false);
}

void Kubelet::processProbesLocked(PodRecord &rec, ContainerRecord &cr, const core::Pod &pod,
                                  const core::Container &spec,
                                  const ContainerRuntime::ContainerInfo &info, Clock::Time now,
                                  Plan &plan)
{
    auto wakeAt = [&](Clock::Time t) { plan.wake = plan.wake ? std::min(*plan.wake, t) : t; };
    auto setup = [&](ProbeState &ps, const core::Probe &probe, bool initial) {
        ps = ProbeState{};
        ps.configured = true;
        ps.period = probe.period_seconds() > 0 ? probe.period_seconds() : 10;
        ps.successThreshold = probe.success_threshold() > 0 ? probe.success_threshold() : 1;
        ps.failureThreshold = probe.failure_threshold() > 0 ? probe.failure_threshold() : 3;
        ps.nextAt = info.startedAt + std::chrono::seconds(probe.initial_delay_seconds());
        ps.result = initial;
    };
    if (cr.probesFor != info.id) {
        cr.probesFor = info.id;
        cr.readiness = ProbeState{};
        cr.liveness = ProbeState{};
        cr.livenessKill = false;
        if (spec.has_readiness_probe())
            setup(cr.readiness, spec.readiness_probe(), false);
        if (spec.has_liveness_probe())
            setup(cr.liveness, spec.liveness_probe(), true);
    }
    if (spec.has_startup_probe()) {
        const Clock::Time startupAt =
            info.startedAt + std::chrono::seconds(spec.startup_probe().initial_delay_seconds());
        if (now < startupAt) {
            cr.started = false;
            cr.ready = false;
            wakeAt(startupAt);
            return;
        }
    }
    cr.started = true;

    auto run = [&](ProbeState &ps, std::optional<bool> override, const core::Probe &probe,
                   const std::string &what) {
        int n = 0;
        while (ps.nextAt <= now && n < 64) {
            ++n;
            const bool ok = override.value_or(true);
            if (ok) {
                ps.failures = 0;
                if (++ps.successes >= ps.successThreshold && !ps.result) {
                    ps.result = true;
                    m_runtime.appendLog(info.id, what + " probe succeeded");
                }
            } else {
                ps.successes = 0;
                ++ps.failures;
                const std::string msg = what + " probe failed: " + probeFailure(probe, rec.podIP);
                m_runtime.appendLog(info.id, msg);
                if (n <= 3)
                    plan.events.push_back({"Warning", "Unhealthy", msg});
                if (ps.failures >= ps.failureThreshold)
                    ps.result = false;
            }
            ps.nextAt += std::chrono::seconds(ps.period);
        }
        if (ps.nextAt <= now) {
            const auto period = std::chrono::seconds(ps.period);
            ps.nextAt += ((now - ps.nextAt) / period + 1) * period;
        }
        wakeAt(ps.nextAt);
    };
    if (cr.readiness.configured)
        run(cr.readiness, cr.readinessOverride, spec.readiness_probe(), "Readiness");
    cr.ready = cr.readiness.configured ? cr.readiness.result : true;
    if (cr.liveness.configured) {
        run(cr.liveness, cr.livenessOverride, spec.liveness_probe(), "Liveness");
        if (!cr.liveness.result && !cr.livenessKill) {
            cr.livenessKill = true;
            plan.events.push_back(
                {"Normal", "Killing",
                 "Container " + cr.name + " failed liveness probe, will be restarted"});
            m_runtime.stopContainer(info.id, terminationGrace(pod), 137);
            if (std::optional<ContainerRuntime::ContainerInfo> now2 = m_runtime.container(info.id))
                if (now2->nextChange)
                    wakeAt(*now2->nextChange);
        }
    }
}

void Kubelet::containerStatusLocked(const PodRecord &, const ContainerRecord &cr,
                                    const core::Container &spec, bool podInitialized,
                                    core::ContainerStatus &out)
{
    out.set_name(cr.name);
    out.set_restart_count(cr.restartCount);
    std::optional<ContainerRuntime::ContainerInfo> info;
    if (!cr.currentId.empty())
        info = m_runtime.container(cr.currentId);
    std::optional<ContainerRuntime::ContainerInfo> prev;
    if (!cr.previousId.empty())
        prev = m_runtime.container(cr.previousId);
    core::ContainerState *state = out.mutable_state();
    auto waiting = [&](const std::string &reason, const std::string &message) {
        core::ContainerStateWaiting *w = state->mutable_waiting();
        w->set_reason(reason);
        if (!message.empty())
            w->set_message(message);
    };
    if (!info) {
        out.set_image(spec.image());
        out.set_image_id("");
        const std::string reason = !cr.waitingReason.empty() ? cr.waitingReason
                                   : podInitialized          ? "ContainerCreating"
                                                             : "PodInitializing";
        waiting(reason, cr.waitingReason.empty() ? "" : cr.waitingMessage);
        out.set_ready(false);
        out.set_started(false);
        return;
    }
    out.set_image(info->image);
    out.set_image_id(info->imageId);
    out.set_container_id(info->id);
    bool lastFromCurrent = false;
    switch (info->state) {
    case ContainerRuntime::State::Created:
        waiting("ContainerCreating", "");
        break;
    case ContainerRuntime::State::Running:
        setTime(state->mutable_running()->mutable_started_at(), info->startedAt);
        break;
    case ContainerRuntime::State::Exited:
        if (!cr.waitingReason.empty()) {
            waiting(cr.waitingReason, cr.waitingMessage);
            setTerminated(out.mutable_last_state()->mutable_terminated(), *info);
            lastFromCurrent = true;
        } else {
            setTerminated(state->mutable_terminated(), *info);
        }
        break;
    }
    if (!lastFromCurrent && prev && prev->state == ContainerRuntime::State::Exited)
        setTerminated(out.mutable_last_state()->mutable_terminated(), *prev);
    const bool running = info->state == ContainerRuntime::State::Running;
    if (cr.init) {
        out.set_ready(info->state == ContainerRuntime::State::Exited && info->exitCode == 0);
        out.set_started(running);
    } else {
        out.set_ready(running && cr.ready);
        out.set_started(running && cr.started);
    }
}

void Kubelet::buildStatusLocked(const PodRecord &rec, const core::Pod &pod, Clock::Time now,
                                core::Pod &out)
{
    core::PodStatus &st = *out.mutable_status();
    st.clear_container_statuses();
    st.clear_init_container_statuses();
    st.clear_reason();
    st.clear_message();

    std::string policy = pod.spec().restart_policy();
    if (policy.empty())
        policy = "Always";
    bool initDone = true;
    bool initFailed = false;
    std::vector<std::string> incomplete;
    for (size_t i = 0; i < rec.init.size() && int(i) < pod.spec().init_containers_size(); ++i) {
        const ContainerRecord &cr = rec.init[i];
        core::ContainerStatus &cs = *st.add_init_container_statuses();
        containerStatusLocked(rec, cr, pod.spec().init_containers(int(i)), false, cs);
        const bool ok = cs.state().has_terminated() && cs.state().terminated().exit_code() == 0;
        if (!ok) {
            initDone = false;
            incomplete.push_back(cr.name);
            if (cs.state().has_terminated() && policy == "Never")
                initFailed = true;
        }
    }
    int running = 0, waiting = 0, stopped = 0, succeeded = 0;
    std::vector<std::string> unready;
    for (size_t i = 0; i < rec.containers.size() && int(i) < pod.spec().containers_size(); ++i) {
        const ContainerRecord &cr = rec.containers[i];
        core::ContainerStatus &cs = *st.add_container_statuses();
        containerStatusLocked(rec, cr, pod.spec().containers(int(i)), initDone, cs);
        if (!cs.ready())
            unready.push_back(cr.name);
        if (cs.state().has_running()) {
            ++running;
        } else if (cs.state().has_terminated()) {
            ++stopped;
            if (cs.state().terminated().exit_code() == 0)
                ++succeeded;
        } else if (cs.last_state().has_terminated()) {
            ++stopped;
            if (cs.last_state().terminated().exit_code() == 0)
                ++succeeded;
        } else {
            ++waiting;
        }
    }

    std::string phase = pod.status().phase();
    if (!isTerminalPhase(phase)) {
        if (rec.deadlineExceeded && rec.terminal) {
            phase = "Failed";
        } else if (rec.terminating && rec.terminal) {
            phase = (stopped == succeeded && waiting == 0 && running == 0 && initDone) ? "Succeeded"
                                                                                       : "Failed";
        } else if (initFailed) {
            phase = "Failed";
        } else if (!initDone) {
            phase = "Pending";
        } else if (waiting > 0) {
            phase = "Pending";
        } else if (running > 0) {
            phase = "Running";
        } else if (stopped > 0) {
            if (policy == "Always")
                phase = "Running";
            else if (stopped == succeeded)
                phase = "Succeeded";
            else if (policy == "Never")
                phase = "Failed";
            else
                phase = "Running";
        } else {
            phase = "Pending";
        }
    }
    st.set_phase(phase);
    if (rec.deadlineExceeded) {
        st.set_reason("DeadlineExceeded");
        st.set_message("Pod was active on the node longer than the specified deadline");
    }

    setPodCondition(st, "PodReadyToStartContainers", true, "", "", rec.sandboxReadyAt);
    if (initDone)
        setPodCondition(st, "Initialized", true, "", "", now);
    else
        setPodCondition(st, "Initialized", false, "ContainersNotInitialized",
                        "containers with incomplete status: " + joinNames(incomplete), now);
    bool gatesOk = true;
    std::vector<std::string> missingGates;
    for (const core::PodReadinessGate &g : pod.spec().readiness_gates()) {
        bool ok = false;
        for (const core::PodCondition &c : pod.status().conditions())
            if (c.type() == g.condition_type() && c.status() == "True")
                ok = true;
        if (!ok) {
            gatesOk = false;
            missingGates.push_back(g.condition_type());
        }
    }
    const bool allReady = unready.empty() && !rec.containers.empty();
    std::string notReadyReason = "ContainersNotReady";
    std::string notReadyMessage = "containers with unready status: " + joinNames(unready);
    if (phase == "Succeeded") {
        notReadyReason = "PodCompleted";
        notReadyMessage.clear();
    }
    if (allReady)
        setPodCondition(st, "ContainersReady", true, "", "", now);
    else
        setPodCondition(st, "ContainersReady", false, notReadyReason, notReadyMessage, now);
    if (allReady && gatesOk)
        setPodCondition(st, "Ready", true, "", "", now);
    else if (!allReady)
        setPodCondition(st, "Ready", false, notReadyReason, notReadyMessage, now);
    else
        setPodCondition(st, "Ready", false, "ReadinessGatesNotReady",
                        "corresponding condition of pod readiness gate " + joinNames(missingGates) +
                            " does not exist.",
                        now);
    // Upstream's order: PodReadyToStartContainers, Initialized, Ready,
    // ContainersReady, PodScheduled, then anything else.
    auto rank = [](const std::string &type) {
        static const char *order[] = {"PodReadyToStartContainers", "Initialized", "Ready",
                                      "ContainersReady", "PodScheduled"};
        for (int i = 0; i < 5; ++i)
            if (type == order[i])
                return i;
        return 5;
    };
    std::stable_sort(st.mutable_conditions()->begin(), st.mutable_conditions()->end(),
                     [&](const core::PodCondition &a, const core::PodCondition &b) {
                         return rank(a.type()) < rank(b.type());
                     });

    st.set_host_ip(m_config.internalIP);
    st.clear_host_ips();
    st.add_host_ips()->set_ip(m_config.internalIP);
    st.clear_pod_ips();
    if (!rec.podIP.empty()) {
        st.set_pod_ip(rec.podIP);
        st.add_pod_ips()->set_ip(rec.podIP);
    } else {
        st.clear_pod_ip();
    }
    setTime(st.mutable_start_time(), rec.startTime);
}

Status Kubelet::execute(const std::string &key, const core::Pod *pod, Plan &plan)
{
    const auto [ns, name] = client::splitObjectKey(key);
    {
        std::lock_guard lock(m_mutex);
        if (m_partitioned) {
            // Nothing reaches the API server; a final DELETE is sent after
            // the heal (its resync decides again).
            if (plan.remove)
                if (auto it = m_pods.find(key); it != m_pods.end())
                    it->second.deleteSent = false;
            return {};
        }
    }
    client::ObjectPtr created; // keeps `pod` alive when it points at it
    if (plan.create) {
        Result<client::ObjectPtr> r = m_client->create(podKind(), ns, *plan.create);
        if (!r && r.status().code() != Status::Code::AlreadyExists)
            return r.status().withContext("creating mirror pod");
        if (r) {
            created = *r;
            pod = static_cast<const core::Pod *>(created.get());
        }
    }
    if (pod)
        for (const Event &e : plan.events)
            m_events->record(*pod, e.type, e.reason, e.message);
    if (plan.status) {
        Result<client::ObjectPtr> r = m_client->update(podKind(), ns, *plan.status, statusWrite());
        if (!r && r.status().code() != Status::Code::Conflict &&
            r.status().code() != Status::Code::NotFound)
            return r.status().withContext("updating pod status");
    }
    if (plan.remove) {
        client::DeleteOptions o;
        o.gracePeriodSeconds = 0;
        o.preconditionUid = plan.removeUid;
        Result<client::ObjectPtr> r = m_client->remove(podKind(), ns, name, o);
        if (!r && r.status().code() != Status::Code::Conflict &&
            r.status().code() != Status::Code::NotFound) {
            std::lock_guard lock(m_mutex);
            auto it = m_pods.find(key);
            if (it != m_pods.end())
                it->second.deleteSent = false;
            return r.status().withContext("deleting pod");
        }
    }
    return {};
}

// ---------------------------------------------------------------- failure injection

Status Kubelet::crashContainer(const std::string &ns, const std::string &pod,
                               const std::string &container, int32_t exitCode)
{
    std::string id;
    std::vector<std::string> all; // container.empty(): every instance
    {
        std::lock_guard lock(m_mutex);
        const PodRecord *rec = recordLocked(ns, pod);
        if (!rec)
            return Status::notFound("pods \"" + pod + "\" not found on node " + nodeName());
        for (const std::vector<ContainerRecord> *list : {&rec->init, &rec->containers})
            for (const ContainerRecord &cr : *list) {
                if (cr.name == container)
                    id = cr.currentId;
                if (container.empty() && !cr.currentId.empty())
                    all.push_back(cr.currentId);
            }
        if (id.empty() && !container.empty())
            return Status::notFound("container \"" + container + "\" of pod \"" + pod +
                                    "\" is not running");
    }
    Status s;
    if (container.empty()) {
        int crashed = 0;
        for (const std::string &each : all) {
            std::optional<ContainerRuntime::ContainerInfo> info = m_runtime.container(each);
            if (info && info->state != ContainerRuntime::State::Exited &&
                m_runtime.crash(each, exitCode))
                ++crashed;
        }
        if (crashed == 0)
            s = Status::invalid("pod \"" + pod + "\" has no running container");
    } else {
        s = m_runtime.crash(id, exitCode);
    }
    if (s)
        m_context.queue.add(podKey(nodeName(), ns, pod));
    return s;
}

Status Kubelet::setProbeResult(const std::string &ns, const std::string &pod,
                               const std::string &container, ProbeKind kind, bool success)
{
    {
        std::lock_guard lock(m_mutex);
        auto it = m_pods.find(client::objectKey(ns, pod));
        if (it == m_pods.end())
            return Status::notFound("pods \"" + pod + "\" not found on node " + nodeName());
        ContainerRecord *found = nullptr;
        for (ContainerRecord &cr : it->second.containers)
            if (cr.name == container)
                found = &cr;
        if (!found)
            return Status::notFound("container \"" + container + "\" not found in pod \"" + pod +
                                    "\"");
        (kind == ProbeKind::Readiness ? found->readinessOverride : found->livenessOverride) =
            success ? std::optional<bool>() : std::optional<bool>(false);
    }
    m_context.queue.add(podKey(nodeName(), ns, pod));
    return {};
}

Result<std::string> Kubelet::podLog(const std::string &ns, const std::string &name,
                                    const client::LogOptions &options)
{
    std::shared_ptr<const core::Pod> pod =
        std::static_pointer_cast<const core::Pod>(m_context.pods.get(client::objectKey(ns, name)));
    std::string id;
    {
        std::lock_guard lock(m_mutex);
        const PodRecord *rec = nullptr;
        auto it = m_pods.find(client::objectKey(ns, name));
        if (it != m_pods.end())
            rec = &it->second;
        if (!rec && ns == "kube-system")
            if (auto st = m_static.find(name); st != m_static.end())
                rec = &st->second.record;
        std::vector<std::string> names;
        std::vector<std::string> initNames;
        if (pod) {
            for (const core::Container &c : pod->spec().containers())
                names.push_back(c.name());
            for (const core::Container &c : pod->spec().init_containers())
                initNames.push_back(c.name());
        } else if (rec) {
            for (const ContainerRecord &cr : rec->containers)
                names.push_back(cr.name);
        } else {
            return Status::notFound("pods \"" + name + "\" not found");
        }
        std::string container = options.container;
        if (container.empty()) {
            if (names.size() != 1) {
                std::string msg = "a container name must be specified for pod " + name +
                                  ", choose one of: " + joinNames(names);
                if (!initNames.empty())
                    msg += " or one of the init containers: " + joinNames(initNames);
                return Status::invalidArgument(msg);
            }
            container = names.front();
        }
        const ContainerRecord *found = nullptr;
        if (rec)
            for (const std::vector<ContainerRecord> *list : {&rec->init, &rec->containers})
                for (const ContainerRecord &cr : *list)
                    if (cr.name == container)
                        found = &cr;
        const bool known =
            std::find(names.begin(), names.end(), container) != names.end() ||
            std::find(initNames.begin(), initNames.end(), container) != initNames.end();
        if (!known)
            return Status::invalidArgument("container " + container + " is not valid for pod " +
                                           name);
        if (options.previous) {
            if (!found)
                return Status::invalidArgument("previous terminated container \"" + container +
                                               "\" in pod \"" + name + "\" not found");
            // After a restart the previous instance is previousId; while
            // crash-looping (no new instance yet) it is the current one.
            id = found->previousId;
            if (!found->waitingReason.empty() && !found->currentId.empty())
                id = found->currentId;
            if (id.empty())
                return Status::invalidArgument("previous terminated container \"" + container +
                                               "\" in pod \"" + name + "\" not found");
        } else {
            if (!found || found->currentId.empty()) {
                std::string reason = found && !found->waitingReason.empty() ? found->waitingReason
                                                                            : "ContainerCreating";
                return Status::invalidArgument("container \"" + container + "\" in pod \"" + name +
                                               "\" is waiting to start: " + reason);
            }
            id = found->currentId;
        }
    }
    Result<std::vector<ContainerRuntime::LogLine>> lines = m_runtime.logs(id);
    if (!lines)
        return lines.status();
    size_t first = 0;
    if (options.tailLines >= 0 && static_cast<size_t>(options.tailLines) < lines->size())
        first = lines->size() - static_cast<size_t>(options.tailLines);
    std::string out;
    for (size_t i = first; i < lines->size(); ++i) {
        if (options.timestamps)
            out += rfc3339Nano((*lines)[i].time) + " ";
        out += (*lines)[i].text + "\n";
    }
    return out;
}

// ---------------------------------------------------------------- static pods

void Kubelet::setStaticPods(std::vector<StaticPod> pods)
{
    std::vector<std::string> keys;
    {
        std::lock_guard lock(m_mutex);
        m_staticSet = true;
        std::map<std::string, StaticRecord> next;
        for (StaticPod &sp : pods) {
            const std::string mirror = sp.name + "-" + nodeName();
            auto old = m_static.find(mirror);
            StaticRecord sr;
            if (old != m_static.end() && old->second.pod.image == sp.image) {
                sr = std::move(old->second);
                m_static.erase(old);
            } else {
                const std::string digest = ContainerRuntime::imageIdOf(
                    "static/" + nodeName() + "/" + sp.name + "/" + sp.image);
                sr.hash = digest.substr(digest.size() - 32);
                sr.uid = sr.hash;
                sr.record.uid = sr.uid;
                sr.record.ns = "kube-system";
                sr.record.name = mirror;
                sr.record.staticName = sp.name;
                sr.record.podIP = m_config.internalIP;
                sr.record.startTime = m_clock.now();
                sr.record.sandboxReadyAt = m_clock.now();
                ContainerRecord cr;
                cr.name = sp.name;
                sr.record.containers.push_back(std::move(cr));
            }
            sr.pod = std::move(sp);
            keys.push_back(mirror);
            next.emplace(mirror, std::move(sr));
        }
        // Static pods that are gone: their containers stop, their mirror
        // pods are deleted (by the orphan rule of syncPod).
        for (auto &[mirror, sr] : m_static) {
            m_runtime.removePod(sr.uid);
            keys.push_back(mirror);
        }
        m_static = std::move(next);
    }
    for (const std::string &name : keys)
        m_context.queue.add(podKey(nodeName(), "kube-system", name));
}

std::vector<std::string> Kubelet::mirrorPodNames() const
{
    std::lock_guard lock(m_mutex);
    std::vector<std::string> out;
    for (const auto &[name, sr] : m_static)
        out.push_back(name);
    return out;
}

std::unique_ptr<core::Pod> Kubelet::mirrorPodLocked(const StaticRecord &sr,
                                                    const std::string &nodeUid) const
{
    auto pod = std::make_unique<core::Pod>();
    meta::ObjectMeta *md = pod->mutable_metadata();
    md->set_name(sr.record.name);
    md->set_namespace_("kube-system");
    for (const auto &[k, v] : sr.pod.labels)
        (*md->mutable_labels())[k] = v;
    (*md->mutable_annotations())["kubernetes.io/config.hash"] = sr.hash;
    (*md->mutable_annotations())[kMirrorAnnotation] = sr.hash;
    (*md->mutable_annotations())["kubernetes.io/config.seen"] = rfc3339Nano(sr.record.startTime);
    (*md->mutable_annotations())["kubernetes.io/config.source"] = "file";
    meta::OwnerReference *ref = md->add_owner_references();
    ref->set_api_version("v1");
    ref->set_kind("Node");
    ref->set_name(nodeName());
    ref->set_uid(nodeUid);
    ref->set_controller(true);
    core::PodSpec *spec = pod->mutable_spec();
    core::Container *c = spec->add_containers();
    c->set_name(sr.pod.name);
    c->set_image(sr.pod.image);
    c->set_image_pull_policy("IfNotPresent");
    spec->set_node_name(nodeName());
    spec->set_host_network(true);
    spec->set_restart_policy("Always");
    spec->set_priority_class_name("system-node-critical");
    spec->set_priority(2000001000);
    spec->add_tolerations()->set_operator_("Exists");
    return pod;
}

Status Kubelet::syncMirrorPod(const std::string &key, StaticRecord &sr,
                              const std::shared_ptr<const core::Pod> &pod,
                              std::unique_lock<std::mutex> &lock)
{
    const Clock::Time now = m_clock.now();
    Plan plan;
    // The static pod itself runs whether or not its mirror exists.
    ContainerRecord &cr = sr.record.containers.front();
    std::optional<ContainerRuntime::ContainerInfo> info;
    if (!cr.currentId.empty())
        info = m_runtime.container(cr.currentId);
    core::Container spec;
    spec.set_name(sr.pod.name);
    spec.set_image(sr.pod.image);
    const bool waitForRuntime = sr.pod.running &&
                                (!info || info->state == ContainerRuntime::State::Exited) &&
                                !m_runtime.isUp();
    if (waitForRuntime) {
        cr.ready = false;
        cr.started = false;
    } else if (sr.pod.running) {
        if (!info || info->state == ContainerRuntime::State::Exited) {
            m_runtime.preloadImage(sr.pod.image);
            startInstanceLocked(sr.record, cr, spec, plan, true);
            plan.events.clear(); // events go to the mirror pod below when it exists
            if (pod) {
                plan.events.push_back(
                    {"Normal", "Pulled",
                     "Container image \"" + sr.pod.image + "\" already present on machine"});
                plan.events.push_back({"Normal", "Created", "Created container: " + cr.name});
                plan.events.push_back({"Normal", "Started", "Started container " + cr.name});
            }
            cr.startedEventFor = cr.currentId;
        }
        cr.ready = true;
        cr.started = true;
    } else if (info && info->state != ContainerRuntime::State::Exited) {
        if (pod)
            plan.events.push_back({"Normal", "Killing", "Stopping container " + cr.name});
        m_runtime.stopContainer(cr.currentId, Clock::Duration::zero(), 0);
        cr.ready = false;
    }
    if (waitForRuntime) {
        cr.waitingReason = "ContainerCreating";
        cr.waitingMessage = "Failed to create pod sandbox: " + ContainerRuntime::downMessage();
    } else {
        cr.waitingReason.clear();
        cr.waitingMessage.clear();
    }

    const std::shared_ptr<const core::Node> node = currentNode();
    if (!pod) {
        if (!node)
            return {}; // created once the Node is known (syncNode requeues)
        plan.create = mirrorPodLocked(sr, node->metadata().uid());
        plan.events.clear();
        lock.unlock();
        return execute(key, nullptr, plan);
    }
    if (pod->metadata().has_deletion_timestamp() ||
        pod->metadata().annotations().count(kMirrorAnnotation) == 0 ||
        pod->metadata().annotations().at(kMirrorAnnotation) != sr.hash) {
        // Deleted (or not ours): delete for good, the deletion event
        // brings us back to create it anew.
        plan.remove = true;
        plan.removeUid = pod->metadata().uid();
        plan.events.clear();
        lock.unlock();
        return execute(key, pod.get(), plan);
    }
    auto status = std::make_shared<core::Pod>();
    status->CopyFrom(*pod);
    buildStatusLocked(sr.record, *pod, now, *status);
    status->mutable_status()->set_phase("Running");
    google::protobuf::util::MessageDifferencer differ;
    if (!differ.Compare(status->status(), pod->status()))
        plan.status = status;
    lock.unlock();
    return execute(key, pod.get(), plan);
}

} // namespace kubist::kubelet
