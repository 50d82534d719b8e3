#include "backend/controllers/nodelifecycle/nodelifecyclecontroller.h"

#include "backend/api/scheme.h"
#include "backend/client/indexer.h"
#include "backend/client/objectkey.h"
#include "backend/controllers/common/podutil.h"
#include "backend/controllers/nodelifecycle/taintutil.h"

#include "coordination_v1.pb.h"
#include "core_v1.pb.h"

#include <algorithm>
#include <optional>
#include <vector>

namespace kubist::controllers {

namespace core = k8s::io::api::core::v1;
namespace coordination = k8s::io::api::coordination::v1;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;

namespace {

constexpr const char kNodeComponent[] = "node-controller";
constexpr const char kEvictionComponent[] = "taint-eviction-controller";
constexpr const char kLeaseNamespace[] = "kube-node-lease";
constexpr const char *kMonitoredConditions[] = {"Ready", "MemoryPressure", "DiskPressure",
                                                "PIDPressure"};

const api::KindInfo &kindOf(const google::protobuf::Descriptor *d)
{
    return *api::Scheme::builtin().byDescriptor(d);
}

client::WorkQueue::Options queueOptions(const char *name)
{
    client::WorkQueue::Options o;
    o.name = name;
    return o;
}

client::Informer::Options leaseInformerOptions()
{
    client::Informer::Options o;
    o.ns = kLeaseNamespace;
    return o;
}

template<class T> int64_t nanosOf(const T &time)
{
    return time.seconds() * 1000000000LL + time.nanos();
}

const core::NodeCondition *nodeCondition(const core::Node &node, const std::string &type)
{
    for (const core::NodeCondition &c : node.status().conditions())
        if (c.type() == type)
            return &c;
    return nullptr;
}

std::string conditionStatus(const core::Node &node, const std::string &type)
{
    const core::NodeCondition *c = nodeCondition(node, type);
    return c ? c->status() : std::string();
}

core::Taint makeTaint(const std::string &key, const std::string &effect)
{
    core::Taint t;
    t.set_key(key);
    t.set_effect(effect);
    return t;
}

// The taints of the controller's own keys the node should carry now.
std::vector<core::Taint> desiredTaints(const core::Node &node)
{
    std::vector<core::Taint> out;
    const std::string ready = conditionStatus(node, "Ready");
    if (ready == "False") {
        out.push_back(makeTaint(kTaintNotReady, "NoExecute"));
        out.push_back(makeTaint(kTaintNotReady, "NoSchedule"));
    } else if (ready == "Unknown") {
        out.push_back(makeTaint(kTaintUnreachable, "NoExecute"));
        out.push_back(makeTaint(kTaintUnreachable, "NoSchedule"));
    }
    const std::pair<const char *, const char *> byCondition[] = {
        {"MemoryPressure", kTaintMemoryPressure},
        {"DiskPressure", kTaintDiskPressure},
        {"PIDPressure", kTaintPidPressure},
        {"NetworkUnavailable", kTaintNetworkUnavailable},
    };
    for (const auto &[type, key] : byCondition)
        if (conditionStatus(node, type) == "True")
            out.push_back(makeTaint(key, "NoSchedule"));
    if (node.spec().unschedulable())
        out.push_back(makeTaint(kTaintUnschedulable, "NoSchedule"));
    return out;
}

bool isManagedTaint(const core::Taint &t)
{
    static const std::string managed[] = {
        kTaintNotReady,    kTaintUnreachable,        kTaintMemoryPressure, kTaintDiskPressure,
        kTaintPidPressure, kTaintNetworkUnavailable, kTaintUnschedulable};
    if (t.effect() == "NoExecute")
        return t.key() == kTaintNotReady || t.key() == kTaintUnreachable;
    return t.effect() == "NoSchedule" &&
           std::find(std::begin(managed), std::end(managed), t.key()) != std::end(managed);
}

std::vector<core::Taint> noExecuteTaints(const core::Node &node)
{
    std::vector<core::Taint> out;
    for (const core::Taint &t : node.spec().taints())
        if (t.effect() == "NoExecute")
            out.push_back(t);
    return out;
}

bool sameNoExecuteTaints(const core::Node &a, const core::Node &b)
{
    const auto ta = noExecuteTaints(a);
    const auto tb = noExecuteTaints(b);
    if (ta.size() != tb.size())
        return false;
    for (size_t i = 0; i < ta.size(); ++i)
        if (ta[i].SerializeAsString() != tb[i].SerializeAsString())
            return false;
    return true;
}

} // namespace

NodeLifecycleController::NodeLifecycleController(client::Client &client, const Clock &clock,
                                                 Options options)
    : m_client(client)
    , m_clock(clock)
    , m_options(options)
    , m_nodeRecorder(client, clock, kNodeComponent)
    , m_evictionRecorder(client, clock, kEvictionComponent)
    , m_nodeQueue(clock, queueOptions("node-lifecycle"))
    , m_podQueue(clock, queueOptions("taint-eviction"))
    , m_nodes(std::make_unique<client::Informer>(client, kindOf(core::Node::descriptor()), clock))
    , m_leases(std::make_unique<client::Informer>(client, kindOf(coordination::Lease::descriptor()),
                                                  clock, leaseInformerOptions()))
    , m_pods(std::make_unique<client::Informer>(client, kindOf(core::Pod::descriptor()), clock))
    , m_nodeWorkers(
          m_nodeQueue, [this](const std::string &key) { return syncNode(key); }, 1, kNodeComponent)
    , m_podWorkers(
          m_podQueue, [this](const std::string &key) { return evictPod(key); }, 2,
          kEvictionComponent)
{
    m_pods->addIndex(client::kNodeNameIndex, client::podNodeNameIndexFunc());

    m_nodes->addEventHandler(
        {[this](const client::ObjectPtr &o) {
             const std::string name = client::objectMeta(*o).name();
             m_nodeQueue.add(name);
             enqueuePodsOnNode(name);
         },
         [this](const client::ObjectPtr &old, const client::ObjectPtr &o) {
             const std::string name = client::objectMeta(*o).name();
             m_nodeQueue.add(name);
             if (!sameNoExecuteTaints(static_cast<const core::Node &>(*old),
                                      static_cast<const core::Node &>(*o)))
                 enqueuePodsOnNode(name);
         },
         [this](const client::ObjectPtr &o) { m_nodeQueue.add(client::objectMeta(*o).name()); }});
    auto leaseChanged = [this](const client::ObjectPtr &o) {
        m_nodeQueue.add(client::objectMeta(*o).name());
    };
    m_leases->addEventHandler(
        {leaseChanged,
         [leaseChanged](const client::ObjectPtr &, const client::ObjectPtr &o) { leaseChanged(o); },
         nullptr});
    m_pods->addEventHandler(
        {[this](const client::ObjectPtr &o) { m_podQueue.add(client::objectKey(*o)); },
         [this](const client::ObjectPtr &, const client::ObjectPtr &o) {
             m_podQueue.add(client::objectKey(*o));
         },
         nullptr});
}

NodeLifecycleController::~NodeLifecycleController()
{
    stop();
}

void NodeLifecycleController::start()
{
    if (m_started.exchange(true))
        return;
    m_nodes->start();
    m_leases->start();
    m_pods->start();
    m_nodeWorkers.start();
    m_podWorkers.start();
}

void NodeLifecycleController::stop()
{
    if (m_stopped.exchange(true))
        return;
    m_nodes->stop();
    m_leases->stop();
    m_pods->stop();
    m_nodeQueue.shutDown();
    m_podQueue.shutDown();
    m_nodeWorkers.stop();
    m_podWorkers.stop();
}

bool NodeLifecycleController::waitForCaches()
{
    const auto timeout = std::chrono::seconds(30);
    return m_nodes->waitForSync(timeout) && m_leases->waitForSync(timeout) &&
           m_pods->waitForSync(timeout);
}

void NodeLifecycleController::enqueuePodsOnNode(const std::string &nodeName)
{
    for (const std::string &key : m_pods->indexer().indexKeys(client::kNodeNameIndex, nodeName))
        m_podQueue.add(key);
}

Status NodeLifecycleController::syncNode(const std::string &name)
{
    if (!waitForCaches())
        return Status::unavailable("caches not synced");
    const client::ObjectPtr nodeObj = m_nodes->indexer().get(name);
    if (!nodeObj) {
        std::lock_guard lock(m_mutex);
        m_health.erase(name);
        return {};
    }
    const Clock::Time now = m_clock.now();
    core::Node node(static_cast<const core::Node &>(*nodeObj));

    // When did the kubelet last show signs of life, as this controller saw it?
    const client::ObjectPtr leaseObj =
        m_leases->indexer().get(client::objectKey(kLeaseNamespace, name));
    const int64_t renew =
        leaseObj && static_cast<const coordination::Lease &>(*leaseObj).spec().has_renew_time()
            ? nanosOf(static_cast<const coordination::Lease &>(*leaseObj).spec().renew_time())
            : -1;
    const core::NodeCondition *readyCond = nodeCondition(node, "Ready");
    const int64_t heartbeat = readyCond ? nanosOf(readyCond->last_heartbeat_time()) : -1;
    Clock::Time probeTime;
    std::string observedReady;
    {
        std::lock_guard lock(m_mutex);
        auto [it, inserted] = m_health.try_emplace(name);
        Health &h = it->second;
        if (inserted || h.renewNanos != renew || h.heartbeatNanos != heartbeat) {
            h.renewNanos = renew;
            h.heartbeatNanos = heartbeat;
            h.probeTime = now;
        }
        if (inserted)
            h.readyStatus = readyCond ? readyCond->status() : std::string();
        probeTime = h.probeTime;
        observedReady = h.readyStatus;
    }

    const Clock::Duration grace =
        readyCond ? m_options.nodeMonitorGracePeriod : m_options.nodeStartupGracePeriod;
    if (probeTime + grace < now) {
        bool changed = false;
        for (const char *type : kMonitoredConditions) {
            core::NodeCondition *c = nullptr;
            for (core::NodeCondition &existing : *node.mutable_status()->mutable_conditions())
                if (existing.type() == type)
                    c = &existing;
            if (!c) {
                c = node.mutable_status()->add_conditions();
                c->set_type(type);
                c->set_status("Unknown");
                c->set_reason("NodeStatusNeverUpdated");
                c->set_message("Kubelet never posted node status.");
                *c->mutable_last_heartbeat_time() = node.metadata().creation_timestamp();
                c->mutable_last_transition_time()->set_seconds(m_clock.nowSeconds());
                changed = true;
            } else if (c->status() != "Unknown") {
                c->set_status("Unknown");
                c->set_reason("NodeStatusUnknown");
                c->set_message("Kubelet stopped posting node status.");
                c->mutable_last_transition_time()->set_seconds(m_clock.nowSeconds());
                changed = true;
            }
        }
        if (changed) {
            client::WriteOptions o;
            o.subresource = "status";
            Result<client::ObjectPtr> r =
                m_client.update(kindOf(core::Node::descriptor()), "", node, o);
            if (!r)
                return r.status().code() == Status::Code::NotFound ? Status() : r.status();
            node.CopyFrom(**r);
        }
    }

    const std::string ready = conditionStatus(node, "Ready");
    if (observedReady == "True" && ready != "True")
        m_nodeRecorder.record(node, "Normal", "NodeNotReady",
                              "Node " + name + " status is now: NodeNotReady");
    {
        std::lock_guard lock(m_mutex);
        m_health[name].readyStatus = ready;
    }

    // The taints of the controller's own keys.
    const std::vector<core::Taint> desired = desiredTaints(node);
    google::protobuf::RepeatedPtrField<core::Taint> taints;
    bool taintsChanged = false;
    for (const core::Taint &t : node.spec().taints()) {
        const bool keep = !isManagedTaint(t) ||
                          std::any_of(desired.begin(), desired.end(),
                                      [&](const core::Taint &d) { return sameTaint(d, t); });
        if (keep)
            *taints.Add() = t;
        else
            taintsChanged = true;
    }
    for (const core::Taint &d : desired) {
        const bool present = std::any_of(taints.begin(), taints.end(),
                                         [&](const core::Taint &t) { return sameTaint(d, t); });
        if (present)
            continue;
        core::Taint *t = taints.Add();
        *t = d;
        if (d.effect() == "NoExecute")
            t->mutable_time_added()->set_seconds(m_clock.nowSeconds());
        taintsChanged = true;
    }
    if (taintsChanged) {
        *node.mutable_spec()->mutable_taints() = taints;
        Result<client::ObjectPtr> r = m_client.update(kindOf(core::Node::descriptor()), "", node);
        if (!r)
            return r.status().code() == Status::Code::NotFound ? Status() : r.status();
    }

    if (ready != "True" && !ready.empty())
        if (Status s = markPodsNotReady(node); !s)
            return s;

    m_nodeQueue.addAfter(name, m_options.nodeMonitorPeriod);
    return {};
}

Status NodeLifecycleController::markPodsNotReady(const core::Node &node)
{
    Status result;
    for (const client::ObjectPtr &p :
         m_pods->indexer().byIndex(client::kNodeNameIndex, node.metadata().name())) {
        const auto &pod = static_cast<const core::Pod &>(*p);
        if (!isPodReady(pod))
            continue;
        core::Pod copy(pod);
        for (core::PodCondition &c : *copy.mutable_status()->mutable_conditions())
            if (c.type() == "Ready") {
                c.set_status("False");
                c.mutable_last_transition_time()->set_seconds(m_clock.nowSeconds());
            }
        client::WriteOptions o;
        o.subresource = "status";
        Result<client::ObjectPtr> r =
            m_client.update(kindOf(core::Pod::descriptor()), pod.metadata().namespace_(), copy, o);
        if (!r) {
            if (r.status().code() != Status::Code::NotFound)
                result = r.status();
            continue;
        }
        m_nodeRecorder.record(pod, "Warning", "NodeNotReady", "Node is not ready");
    }
    return result;
}

Status NodeLifecycleController::evictPod(const std::string &key)
{
    if (!waitForCaches())
        return Status::unavailable("caches not synced");
    const client::ObjectPtr podObj = m_pods->indexer().get(key);
    if (!podObj)
        return {};
    const auto &pod = static_cast<const core::Pod &>(*podObj);
    if (pod.metadata().has_deletion_timestamp() || pod.spec().node_name().empty())
        return {};
    const client::ObjectPtr nodeObj = m_nodes->indexer().get(pod.spec().node_name());
    if (!nodeObj)
        return {};
    const std::vector<core::Taint> taints =
        noExecuteTaints(static_cast<const core::Node &>(*nodeObj));
    if (taints.empty())
        return {};

    // When does the pod stop tolerating? Never (nullopt), or at `due`.
    const Clock::Time now = m_clock.now();
    std::optional<Clock::Time> due;
    for (const core::Taint &taint : taints) {
        bool tolerated = false;
        std::optional<int64_t> seconds;
        for (const core::Toleration &t : pod.spec().tolerations()) {
            if (!toleratesTaint(t, taint))
                continue;
            tolerated = true;
            if (t.has_toleration_seconds())
                seconds =
                    std::min(seconds.value_or(t.toleration_seconds()), t.toleration_seconds());
        }
        std::optional<Clock::Time> taintDue;
        if (!tolerated)
            taintDue = now;
        else if (seconds) {
            const Clock::Time added =
                taint.has_time_added()
                    ? Clock::Time(std::chrono::seconds(taint.time_added().seconds()))
                    : now;
            taintDue = *seconds <= 0 ? now : added + std::chrono::seconds(*seconds);
        }
        if (taintDue && (!due || *taintDue < *due))
            due = taintDue;
    }
    if (!due)
        return {};
    if (*due > now) {
        m_podQueue.addAfter(key, *due - now);
        return {};
    }

    const std::string ns = pod.metadata().namespace_();
    const std::string &name = pod.metadata().name();
    m_evictionRecorder.record(pod, "Normal", "TaintManagerEviction",
                              "Marking for deletion Pod " + ns + "/" + name);
    core::Pod copy(pod);
    core::PodCondition *cond = nullptr;
    for (core::PodCondition &c : *copy.mutable_status()->mutable_conditions())
        if (c.type() == "DisruptionTarget")
            cond = &c;
    if (!cond) {
        cond = copy.mutable_status()->add_conditions();
        cond->set_type("DisruptionTarget");
    }
    if (cond->status() != "True") {
        cond->set_status("True");
        cond->set_reason("DeletionByTaintManager");
        cond->set_message("Taint manager: deleting due to NoExecute taint");
        cond->mutable_last_transition_time()->set_seconds(m_clock.nowSeconds());
        client::WriteOptions o;
        o.subresource = "status";
        Result<client::ObjectPtr> r = m_client.update(kindOf(core::Pod::descriptor()), ns, copy, o);
        if (!r && r.status().code() == Status::Code::NotFound)
            return {};
    }
    client::DeleteOptions d;
    d.preconditionUid = pod.metadata().uid();
    Result<client::ObjectPtr> r = m_client.remove(kindOf(core::Pod::descriptor()), ns, name, d);
    if (!r && r.status().code() != Status::Code::NotFound)
        return r.status();
    return {};
}

} // namespace kubist::controllers
