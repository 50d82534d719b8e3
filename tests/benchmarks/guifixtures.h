#pragma once

// Fixtures for the GUI benchmarks.
//
// MemoryClient: a read-only, in-memory Client that lists and watches
// objects the benchmark puts into it, so ClusterModel's informers (and
// through them the model's per-frame delta path and the scene) can be fed a
// synthetic cluster of any size without an API server or a store. Writes
// through the Client interface are refused (Unsupported); the benchmark
// changes objects with put(), which assigns the next resourceVersion and
// delivers an Added or Modified event to every open watch of the kind.
//
// The builders make a synthetic cluster as a kubelet-fed API server would
// hold it: a control-plane node with its four mirror pods, worker nodes,
// Deployments with one ReplicaSet each, pods owned by them (Running and
// Ready, with requests), and Services whose Endpoints list their
// Deployment's pods.

#include "backend/api/scheme.h"
#include "backend/client/client.h"
#include "backend/client/objectkey.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"
#include "meta_v1.pb.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kubist::bench {

namespace core = k8s::io::api::core::v1;
namespace apps = k8s::io::api::apps::v1;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;

// Thread-safe. Open watches must be stopped (their handles destroyed)
// before the client is destroyed. Events are delivered on the thread that
// calls put(), while the client's lock is held, so a watch callback must
// only hand the event on (as the Informer's does); stop() from inside a
// callback is allowed.
class MemoryClient final : public client::Client
{
public:
    // Stores `object` (its namespace and name taken from its metadata) with
    // the next resourceVersion and tells the open watches of its kind.
    // Returns the stored object.
    template<class T> std::shared_ptr<const T> put(T object)
    {
        const api::KindInfo &kind = *api::Scheme::builtin().byDescriptor(T::descriptor());
        std::lock_guard lock(m_mutex);
        object.mutable_metadata()->set_resource_version(std::to_string(++m_revision));
        auto stored = std::make_shared<const T>(std::move(object));
        auto &objects = m_objects[kind.resource];
        const std::string key = client::objectKey(*stored);
        const bool existed = objects.count(key) > 0;
        objects[key] = stored;
        client::WatchEvent event;
        event.type = existed ? client::WatchEvent::Type::Modified : client::WatchEvent::Type::Added;
        event.object = stored;
        for (const std::shared_ptr<Watcher> &w : m_watchers)
            if (w->resource == kind.resource &&
                (w->ns.empty() || w->ns == stored->metadata().namespace_()))
                w->callbacks.onEvent(event);
        return stored;
    }

    // The stored object of T's kind under `key` ("ns/name" or "name").
    template<class T> std::shared_ptr<const T> stored(const std::string &key) const
    {
        const api::KindInfo &kind = *api::Scheme::builtin().byDescriptor(T::descriptor());
        std::lock_guard lock(m_mutex);
        auto k = m_objects.find(kind.resource);
        if (k == m_objects.end())
            return nullptr;
        auto it = k->second.find(key);
        return it == k->second.end() ? nullptr : std::static_pointer_cast<const T>(it->second);
    }

    size_t openWatches() const
    {
        std::lock_guard lock(m_mutex);
        return m_watchers.size();
    }
    // Waits (real time) until at least `n` watches are open; false on timeout.
    bool waitForWatches(size_t n, std::chrono::milliseconds timeout)
    {
        std::unique_lock lock(m_mutex);
        return m_watchesChanged.wait_for(lock, timeout, [&] { return m_watchers.size() >= n; });
    }

    Result<client::ObjectPtr> get(const api::KindInfo &kind, const std::string &ns,
                                  const std::string &name, const client::GetOptions &) override
    {
        std::lock_guard lock(m_mutex);
        auto k = m_objects.find(kind.resource);
        const std::string key = kind.namespaced ? client::objectKey(ns, name) : name;
        if (k == m_objects.end() || !k->second.count(key))
            return Status::notFound(kind.resource + " \"" + name + "\" not found");
        return k->second.at(key);
    }

    Result<client::ListResult> list(const api::KindInfo &kind, const std::string &ns,
                                    const client::ListOptions &) override
    {
        std::lock_guard lock(m_mutex);
        client::ListResult out;
        out.resourceVersion = std::to_string(m_revision);
        auto k = m_objects.find(kind.resource);
        if (k == m_objects.end())
            return out;
        out.items.reserve(k->second.size());
        for (const auto &[key, object] : k->second)
            if (ns.empty() || client::objectMeta(*object).namespace_() == ns)
                out.items.push_back(object);
        return out;
    }

    Result<std::unique_ptr<client::WatchHandle>> watch(const api::KindInfo &kind,
                                                       const std::string &ns,
                                                       const client::WatchOptions &,
                                                       client::WatchCallbacks callbacks) override
    {
        auto w = std::make_shared<Watcher>();
        w->resource = kind.resource;
        w->ns = ns;
        w->callbacks = std::move(callbacks);
        {
            std::lock_guard lock(m_mutex);
            m_watchers.push_back(w);
        }
        m_watchesChanged.notify_all();
        return std::unique_ptr<client::WatchHandle>(std::make_unique<Handle>(*this, w));
    }

    Result<client::ObjectPtr> create(const api::KindInfo &, const std::string &,
                                     const google::protobuf::Message &,
                                     const client::WriteOptions &) override
    {
        return readOnly();
    }
    Result<client::ObjectPtr> update(const api::KindInfo &, const std::string &,
                                     const google::protobuf::Message &,
                                     const client::WriteOptions &) override
    {
        return readOnly();
    }
    Result<client::ObjectPtr> patch(const api::KindInfo &, const std::string &, const std::string &,
                                    client::PatchType, const std::string &,
                                    const client::WriteOptions &) override
    {
        return readOnly();
    }
    Result<client::ObjectPtr> remove(const api::KindInfo &, const std::string &,
                                     const std::string &, const client::DeleteOptions &) override
    {
        return readOnly();
    }
    Result<client::ObjectPtr> createSubresource(const api::KindInfo &, const std::string &,
                                                const std::string &, const std::string &,
                                                const google::protobuf::Message &) override
    {
        return readOnly();
    }
    Result<std::string> podLog(const std::string &, const std::string &,
                               const client::LogOptions &) override
    {
        return Status::unsupported("MemoryClient keeps no logs");
    }

private:
    struct Watcher
    {
        std::string resource;
        std::string ns;
        client::WatchCallbacks callbacks;
    };

    class Handle final : public client::WatchHandle
    {
    public:
        Handle(MemoryClient &client, std::shared_ptr<Watcher> watcher)
            : m_client(client)
            , m_watcher(std::move(watcher))
        {}
        ~Handle() override { stop(); }
        void stop() override
        {
            if (!m_watcher)
                return;
            {
                std::lock_guard lock(m_client.m_mutex);
                std::erase(m_client.m_watchers, m_watcher);
            }
            m_watcher.reset();
            m_client.m_watchesChanged.notify_all();
        }

    private:
        MemoryClient &m_client;
        std::shared_ptr<Watcher> m_watcher;
    };

    static Status readOnly() { return Status::unsupported("MemoryClient is read-only"); }

    // Recursive: a watch may be stopped from inside its own callback.
    mutable std::recursive_mutex m_mutex; // guards everything below
    std::condition_variable_any m_watchesChanged;
    int64_t m_revision = 1;
    std::map<std::string, std::map<std::string, client::ObjectPtr>> m_objects; // resource -> key
    std::vector<std::shared_ptr<Watcher>> m_watchers;
};

// The shape of a synthetic cluster.
struct ClusterShape
{
    int nodes = 50;             // workers (plus one control-plane node)
    int podsPerNode = 30;       // workload pods per worker
    int podsPerDeployment = 50; // pods of one Deployment (spread over the workers)
    int services = 10;          // Deployments behind a Service (Endpoints list their pods)
};

inline std::string numbered(const char *prefix, int i, int width)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%0*d", prefix, width, i);
    return buf;
}

inline std::string workerName(int i)
{
    return numbered("node-", i, 4);
}
inline std::string deploymentName(int d)
{
    return numbered("app-", d, 4);
}
inline std::string replicaSetName(int d)
{
    return deploymentName(d) + "-5d4f8c";
}
inline std::string podName(int d, int i)
{
    return replicaSetName(d) + numbered("-", i, 5);
}

inline core::Node syntheticNode(const std::string &name, bool controlPlane)
{
    core::Node n;
    n.mutable_metadata()->set_name(name);
    n.mutable_metadata()->set_uid("uid-node-" + name);
    auto &labels = *n.mutable_metadata()->mutable_labels();
    labels["kubernetes.io/hostname"] = name;
    labels["kubernetes.io/os"] = "linux";
    if (controlPlane) {
        labels["node-role.kubernetes.io/control-plane"] = "";
        core::Taint *t = n.mutable_spec()->add_taints();
        t->set_key("node-role.kubernetes.io/control-plane");
        t->set_effect("NoSchedule");
    }
    core::NodeCondition *c = n.mutable_status()->add_conditions();
    c->set_type("Ready");
    c->set_status("True");
    c->set_reason("KubeletReady");
    auto &allocatable = *n.mutable_status()->mutable_allocatable();
    allocatable["cpu"].set_value("8");
    allocatable["memory"].set_value("32Gi");
    allocatable["pods"].set_value("110");
    *n.mutable_status()->mutable_capacity() = n.status().allocatable();
    return n;
}

// Sets the status a kubelet reports for a running pod: Running, Ready (or
// not), one container with `restarts` restarts.
inline void setRunningStatus(core::Pod &p, bool ready, int restarts)
{
    core::PodStatus *s = p.mutable_status();
    s->set_phase("Running");
    s->set_host_ip("10.0.0.1");
    s->set_pod_ip("10.244.0.1");
    s->clear_conditions();
    for (const char *type : {"Initialized", "Ready", "ContainersReady", "PodScheduled"}) {
        core::PodCondition *c = s->add_conditions();
        c->set_type(type);
        const bool readiness =
            std::string(type) == "Ready" || std::string(type) == "ContainersReady";
        c->set_status(!readiness || ready ? "True" : "False");
    }
    s->clear_container_statuses();
    core::ContainerStatus *cs = s->add_container_statuses();
    cs->set_name("main");
    cs->set_ready(ready);
    cs->set_started(true);
    cs->set_restart_count(restarts);
    cs->set_image("registry.example.com/app:1.0");
    cs->set_image_id("registry.example.com/app@sha256:0123");
    cs->set_container_id("containerd://0123");
    cs->mutable_state()->mutable_running();
}

inline core::Pod syntheticPod(const std::string &ns, const std::string &name,
                              const std::string &node, const std::string &app)
{
    core::Pod p;
    p.mutable_metadata()->set_namespace_(ns);
    p.mutable_metadata()->set_name(name);
    p.mutable_metadata()->set_uid("uid-pod-" + name);
    auto &labels = *p.mutable_metadata()->mutable_labels();
    labels["app"] = app;
    labels["pod-template-hash"] = "5d4f8c";
    p.mutable_spec()->set_node_name(node);
    core::Container *c = p.mutable_spec()->add_containers();
    c->set_name("main");
    c->set_image("registry.example.com/app:1.0");
    (*c->mutable_resources()->mutable_requests())["cpu"].set_value("100m");
    (*c->mutable_resources()->mutable_requests())["memory"].set_value("128Mi");
    setRunningStatus(p, true, 0);
    return p;
}

inline void setControllerOwner(meta::ObjectMeta &m, const std::string &kind,
                               const std::string &name)
{
    meta::OwnerReference *r = m.add_owner_references();
    r->set_api_version("apps/v1");
    r->set_kind(kind);
    r->set_name(name);
    r->set_uid("uid-" + kind + "-" + name);
    r->set_controller(true);
    r->set_block_owner_deletion(true);
}

inline apps::Deployment syntheticDeployment(const std::string &ns, const std::string &name,
                                            int replicas)
{
    apps::Deployment d;
    d.mutable_metadata()->set_namespace_(ns);
    d.mutable_metadata()->set_name(name);
    d.mutable_metadata()->set_uid("uid-Deployment-" + name);
    d.mutable_spec()->set_replicas(replicas);
    (*d.mutable_spec()->mutable_selector()->mutable_match_labels())["app"] = name;
    (*d.mutable_spec()->mutable_template_()->mutable_metadata()->mutable_labels())["app"] = name;
    core::Container *c = d.mutable_spec()->mutable_template_()->mutable_spec()->add_containers();
    c->set_name("main");
    c->set_image("registry.example.com/app:1.0");
    return d;
}

inline apps::ReplicaSet syntheticReplicaSet(const apps::Deployment &d, const std::string &name)
{
    apps::ReplicaSet rs;
    rs.mutable_metadata()->set_namespace_(d.metadata().namespace_());
    rs.mutable_metadata()->set_name(name);
    rs.mutable_metadata()->set_uid("uid-ReplicaSet-" + name);
    setControllerOwner(*rs.mutable_metadata(), "Deployment", d.metadata().name());
    rs.mutable_spec()->set_replicas(d.spec().replicas());
    *rs.mutable_spec()->mutable_selector() = d.spec().selector();
    *rs.mutable_spec()->mutable_template_() = d.spec().template_();
    return rs;
}

inline core::Service syntheticService(const std::string &ns, const std::string &app, int index)
{
    core::Service s;
    s.mutable_metadata()->set_namespace_(ns);
    s.mutable_metadata()->set_name(app);
    (*s.mutable_spec()->mutable_selector())["app"] = app;
    s.mutable_spec()->set_cluster_ip("10.96." + std::to_string(100 + index / 250) + "." +
                                     std::to_string(index % 250 + 1));
    core::ServicePort *p = s.mutable_spec()->add_ports();
    p->set_port(80);
    p->set_protocol("TCP");
    return s;
}

inline core::Endpoints syntheticEndpoints(const std::string &ns, const std::string &name,
                                          const std::vector<std::string> &pods)
{
    core::Endpoints e;
    e.mutable_metadata()->set_namespace_(ns);
    e.mutable_metadata()->set_name(name);
    core::EndpointSubset *s = e.add_subsets();
    int ip = 0;
    for (const std::string &pod : pods) {
        core::EndpointAddress *a = s->add_addresses();
        a->set_ip("10.244." + std::to_string(ip / 250) + "." + std::to_string(ip % 250 + 1));
        ++ip;
        a->mutable_target_ref()->set_kind("Pod");
        a->mutable_target_ref()->set_namespace_(ns);
        a->mutable_target_ref()->set_name(pod);
    }
    core::EndpointPort *port = s->add_ports();
    port->set_port(80);
    port->set_protocol("TCP");
    return e;
}

// The control-plane mirror pods (etcd, kube-apiserver, ...) on `node`,
// Running and Ready.
inline std::vector<core::Pod> mirrorPods(const std::string &node)
{
    std::vector<core::Pod> out;
    for (const char *component :
         {"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"}) {
        core::Pod p =
            syntheticPod("kube-system", std::string(component) + "-" + node, node, component);
        auto &labels = *p.mutable_metadata()->mutable_labels();
        labels.clear();
        labels["component"] = component;
        labels["tier"] = "control-plane";
        out.push_back(std::move(p));
    }
    return out;
}

// What builds a synthetic cluster, in creation order, for any sink that
// takes each object (MemoryClient::put, or a create through a real API
// server). Pod i of Deployment d runs on worker (d * podsPerDeployment + i)
// % nodes, so every worker gets podsPerNode pods and a Deployment spreads
// over the workers. Returns the keys of the workload pods ("ns/name").
template<class Sink> std::vector<std::string> buildCluster(const ClusterShape &shape, Sink &&sink)
{
    const std::string ns = "default";
    sink(syntheticNode("master", true));
    for (int n = 0; n < shape.nodes; ++n)
        sink(syntheticNode(workerName(n), false));
    for (core::Pod &p : mirrorPods("master"))
        sink(std::move(p));
    const int pods = shape.nodes * shape.podsPerNode;
    const int deployments = (pods + shape.podsPerDeployment - 1) / shape.podsPerDeployment;
    std::vector<std::string> keys;
    keys.reserve(size_t(pods));
    int made = 0;
    for (int d = 0; d < deployments; ++d) {
        const int replicas = std::min(shape.podsPerDeployment, pods - made);
        const apps::Deployment dep = syntheticDeployment(ns, deploymentName(d), replicas);
        sink(dep);
        sink(syntheticReplicaSet(dep, replicaSetName(d)));
        std::vector<std::string> names;
        for (int i = 0; i < replicas; ++i, ++made) {
            core::Pod p =
                syntheticPod(ns, podName(d, i), workerName(made % shape.nodes), deploymentName(d));
            setControllerOwner(*p.mutable_metadata(), "ReplicaSet", replicaSetName(d));
            names.push_back(p.metadata().name());
            keys.push_back(client::objectKey(ns, p.metadata().name()));
            sink(std::move(p));
        }
        if (d < shape.services) {
            sink(syntheticService(ns, deploymentName(d), d));
            sink(syntheticEndpoints(ns, deploymentName(d), names));
        }
    }
    return keys;
}

} // namespace kubist::bench
