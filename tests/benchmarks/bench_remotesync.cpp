// Issue 10: the initial sync of a big cluster over HTTPS, protobuf vs JSON —
// seconds until the GUI's model is complete, and the GUI process's peak
// memory growth while it syncs.
//
// The server is what `kubist serve` runs: an EmbeddedCluster opened on a
// temporary data directory with port 0 (loopback, HTTPS, bearer tokens),
// but not started — open() brings up the store, the API server and its
// HTTPS front; start() would add the scheduler, the controllers and one
// simulated kubelet per node, which would make this a cluster benchmark.
// The store runs with powerSafe=false (synchronous=NORMAL) to seed faster
// and with compaction off, so no compaction runs during a measurement.
//
// Seeding (not timed; once per size, shared by both encodings): N nodes
// (realistic status: addresses, capacity, five conditions, node info,
// images) with their Leases in kube-node-lease; Deployments of 100
// replicas in ten namespaces, one ReplicaSet each (with status); M pods
// from realisticpod.h (two containers, probes, ten labels, owner reference
// to their ReplicaSet), bound to the nodes round-robin, with the Running
// status a kubelet writes (conditions, container statuses, IPs) — each pod
// is a create plus a status update, through the cluster's in-process
// client, from 8 threads.
//
// BM_RemoteSync/nodes:N/pods:M/protobuf:P — measured: a fresh RemoteClient
// from the cluster's admin kubeconfig (protobuf for lists and watches when
// P is 1, JSON otherwise), a fresh model::ClusterModel on it, start(), and
// the GUI thread's event loop until hasSynced() (every informer listed, in
// pages of 500, and the first lists delivered to the model in a frame).
// The time is wall time (manual time). Counters:
//   seconds       the same wall time, in seconds;
//   pods, nodes   what the model holds at the end; objects: all its kinds;
//   pods_per_s    pods / seconds;
//   peak_rss_mib  growth of the process's peak RSS during the sync: VmHWM
//                 after minus VmRSS before, with VmHWM reset just before
//                 (/proc/self/clear_refs "5") and the heap trimmed
//                 (malloc_trim) so an earlier run's freed memory is not
//                 reused unseen. The server lives in this process too, so
//                 its transient buffers (one list page at a time, the watch
//                 streams) are included; the seeded store is in the base.
//   retained_mib  VmRSS growth still there once synced (the model and
//                 its informers' caches, which share the objects);
//   pod_bytes     one decoded pod's SpaceUsedLong() (heap bytes protobuf
//                 counts for it, without malloc's own overhead);
//   rss_base_mib  VmRSS before the sync (the server with its store);
//   hwm_reset_ok  1 when resetting VmHWM worked (else peak_rss_mib is an
//                 upper bound polluted by seeding);
//   seed_s        how long seeding this size took (once; not timed).
//
// By default (and in the test suite's smoke run, --benchmark_min_time=0.01)
// only a small cluster runs: 50 nodes, 1,500 pods. The issue's figures:
//
//   KUBIST_BENCH_FULL=1 build/bin/bench_remotesync
//
// adds 1,000 nodes x 30,000 pods and 5,000 nodes x 150,000 pods, one
// iteration each. Every wait is bounded (10 minutes per sync).

#include "tests/benchmarks/realisticpod.h"

#include "model/clustermodel.h"

#include "backend/api/jsoncodec.h"
#include "backend/api/scheme.h"
#include "backend/client/client.h"
#include "backend/client/kubeconfig.h"
#include "backend/client/remoteclient.h"
#include "backend/cluster/embeddedcluster.h"
#include "backend/util/clock.h"

#include "apps_v1.pb.h"
#include "coordination_v1.pb.h"
#include "core_v1.pb.h"
#include "meta_v1.pb.h"

#include <benchmark/benchmark.h>

#include <QCoreApplication>
#include <QEventLoop>
#include <QTimer>

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace kubist;
namespace core = k8s::io::api::core::v1;
namespace apps = k8s::io::api::apps::v1;
namespace coordination = k8s::io::api::coordination::v1;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;
using SteadyClock = std::chrono::steady_clock;

constexpr int kSeedThreads = 8;
constexpr int kReplicas = 100; // pods per Deployment / ReplicaSet
constexpr int kNamespaces = 10;
constexpr auto kSyncLimit = std::chrono::minutes(10);

bool full()
{
    const char *v = std::getenv("KUBIST_BENCH_FULL");
    return v && std::string(v) == "1";
}

[[noreturn]] void die(const std::string &what)
{
    std::fprintf(stderr, "bench_remotesync: %s\n", what.c_str());
    std::abort();
}

double secondsSince(SteadyClock::time_point t0)
{
    return std::chrono::duration<double>(SteadyClock::now() - t0).count();
}

// A "VmRSS:" or "VmHWM:" line of /proc/self/status, in MiB (-1 if missing).
double procStatusMiB(const char *field)
{
    std::ifstream in("/proc/self/status");
    std::string line;
    const std::string prefix = std::string(field) + ":";
    while (std::getline(in, line))
        if (line.rfind(prefix, 0) == 0)
            return double(std::strtoll(line.c_str() + prefix.size(), nullptr, 10)) / 1024.0;
    return -1;
}

// Resets the peak RSS (VmHWM) to the current RSS (Linux: clear_refs 5).
bool resetPeakRss()
{
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
    out.flush();
    return bool(out);
}

const api::KindInfo &kindOf(const google::protobuf::Descriptor *d)
{
    return *api::Scheme::builtin().byDescriptor(d);
}

template<class T> T fromJson(const char *json)
{
    T out;
    if (Status s = api::JsonCodec::decode(json, &out); !s)
        die(std::string("fixture JSON of ") + T::descriptor()->name() + ": " + s.message());
    return out;
}

// A node as a kubelet registers and reports it.
constexpr const char *kRealisticNodeJson = R"json({
 "kind": "Node", "apiVersion": "v1",
 "metadata": {
  "name": "node-0000",
  "labels": {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
   "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": "node-0000",
   "kubernetes.io/os": "linux", "node.kubernetes.io/instance-type": "m5.2xlarge",
   "topology.kubernetes.io/region": "eu-west-1", "topology.kubernetes.io/zone": "eu-west-1a"},
  "annotations": {"node.alpha.kubernetes.io/ttl": "0",
   "volumes.kubernetes.io/controller-managed-attach-detach": "true"}
 },
 "spec": {"podCIDR": "10.244.0.0/24", "podCIDRs": ["10.244.0.0/24"],
  "providerID": "aws:///eu-west-1a/i-0123456789abcdef0"},
 "status": {
  "capacity": {"cpu": "8", "ephemeral-storage": "104845292Ki", "hugepages-1Gi": "0",
   "hugepages-2Mi": "0", "memory": "32386544Ki", "pods": "110"},
  "allocatable": {"cpu": "7910m", "ephemeral-storage": "95551679124", "hugepages-1Gi": "0",
   "hugepages-2Mi": "0", "memory": "31236592Ki", "pods": "110"},
  "conditions": [
   {"type": "MemoryPressure", "status": "False", "lastHeartbeatTime": "2026-11-27T10:20:00Z",
    "lastTransitionTime": "2026-11-27T09:00:00Z", "reason": "KubeletHasSufficientMemory",
    "message": "kubelet has sufficient memory available"},
   {"type": "DiskPressure", "status": "False", "lastHeartbeatTime": "2026-11-27T10:20:00Z",
    "lastTransitionTime": "2026-11-27T09:00:00Z", "reason": "KubeletHasNoDiskPressure",
    "message": "kubelet has no disk pressure"},
   {"type": "PIDPressure", "status": "False", "lastHeartbeatTime": "2026-11-27T10:20:00Z",
    "lastTransitionTime": "2026-11-27T09:00:00Z", "reason": "KubeletHasSufficientPID",
    "message": "kubelet has sufficient PID available"},
   {"type": "Ready", "status": "True", "lastHeartbeatTime": "2026-11-27T10:20:00Z",
    "lastTransitionTime": "2026-11-27T09:00:10Z", "reason": "KubeletReady",
    "message": "kubelet is posting ready status"}],
  "addresses": [{"type": "InternalIP", "address": "192.168.0.10"},
   {"type": "Hostname", "address": "node-0000"}],
  "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
  "nodeInfo": {"machineID": "ec2a1b2c3d4e5f60718293a4b5c6d7e8",
   "systemUUID": "ec2a1b2c-3d4e-5f60-7182-93a4b5c6d7e8",
   "bootID": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "kernelVersion": "6.1.0-18-amd64",
   "osImage": "Debian GNU/Linux 12 (bookworm)", "containerRuntimeVersion": "containerd://1.7.13",
   "kubeletVersion": "v1.31.2", "kubeProxyVersion": "v1.31.2", "operatingSystem": "linux",
   "architecture": "amd64"},
  "images": [
   {"names": ["registry.example.com/shop/web@sha256:4b1c7e0f9d2a8e6b3c5d7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c",
     "registry.example.com/shop/web:2.4.1"], "sizeBytes": 48213654},
   {"names": ["registry.example.com/shop/proxy@sha256:9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0",
     "registry.example.com/shop/proxy:1.9.0"], "sizeBytes": 21533012},
   {"names": ["registry.k8s.io/kube-proxy@sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
     "registry.k8s.io/kube-proxy:v1.31.2"], "sizeBytes": 30209174},
   {"names": ["registry.k8s.io/pause@sha256:ee6521f290b2168b6e0935a181d4cff9be1ac3f505666ef0e3c98fae8199917a",
     "registry.k8s.io/pause:3.10"], "sizeBytes": 320368}]
 }
})json";

std::string numbered(const char *prefix, int i, int width)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%0*d", prefix, width, i);
    return buf;
}

std::string nodeName(int i)
{
    return numbered("node-", i, 4);
}
std::string namespaceName(int i)
{
    return numbered("team-", i, 2);
}
std::string appName(int d)
{
    return numbered("app-", d, 4);
}
std::string templateHash(int d)
{
    return numbered("7d9c8b", d, 4);
}
std::string replicaSetName(int d)
{
    return appName(d) + "-" + templateHash(d);
}
// "10.<a>.<b>.<c>" from a running number (unique up to 16 million).
std::string ipFor(int base, int i)
{
    return std::to_string(base) + "." + std::to_string((i >> 16) & 255) + "." +
           std::to_string((i >> 8) & 255) + "." + std::to_string(i & 255);
}

// The size of a cluster.
struct Shape
{
    int nodes = 0;
    int pods = 0;
    bool operator==(const Shape &) const = default;
};

// Runs body(i) for i in [0, count) on kSeedThreads threads.
void parallelFor(int count, const std::function<void(int)> &body)
{
    std::atomic<int> next{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kSeedThreads; ++t)
        threads.emplace_back([&] {
            for (int i = next.fetch_add(1); i < count; i = next.fetch_add(1))
                body(i);
        });
    for (std::thread &t : threads)
        t.join();
}

// One seeded server, kept while benchmarks of its size run.
class Fixture final
{
public:
    explicit Fixture(const Shape &shape)
        : m_shape(shape)
    {
        m_dir = (std::filesystem::temp_directory_path() /
                 ("bench_remotesync." + std::to_string(::getpid())))
                    .string();
        std::filesystem::remove_all(m_dir);
        cluster::EmbeddedCluster::Options o;
        o.dataDir = m_dir;
        o.port = 0;
        o.workers = 0;
        o.demoWorkloads = false;
        o.demoTrafficRate = 0;
        o.powerSafe = false;
        o.compactionInterval = std::chrono::milliseconds(0);
        auto opened = cluster::EmbeddedCluster::open(o);
        if (!opened)
            die("open: " + opened.status().message());
        m_cluster = std::move(*opened);
        if (m_cluster->url().rfind("https://", 0) != 0)
            die("the cluster does not serve HTTPS: " + m_cluster->url());

        const SteadyClock::time_point t0 = SteadyClock::now();
        seed();
        m_seedSeconds = secondsSince(t0);

        const std::string kubeconfig = m_dir + "/admin.kubeconfig";
        if (Status s = m_cluster->writeKubeconfig(kubeconfig); !s)
            die("kubeconfig: " + s.message());
        Result<client::Kubeconfig> config = client::Kubeconfig::loadFile(kubeconfig);
        if (!config)
            die("kubeconfig: " + config.status().message());
        Result<client::ResolvedContext> context = config->resolve();
        if (!context)
            die("kubeconfig: " + context.status().message());
        m_context = *context;
    }

    ~Fixture()
    {
        m_cluster->stop();
        m_cluster.reset();
        std::filesystem::remove_all(m_dir);
    }

    const Shape &shape() const { return m_shape; }
    double seedSeconds() const { return m_seedSeconds; }
    const client::ResolvedContext &context() const { return m_context; }
    const std::string &url() const { return m_cluster->url(); }

private:
    struct Owner
    {
        std::string ns;
        std::string name;
        std::string uid;
    };

    std::unique_ptr<client::Client> newClient() { return m_cluster->client("bench-seed"); }

    void seed()
    {
        std::unique_ptr<client::Client> admin = newClient();
        const api::KindInfo &nsKind = kindOf(core::Namespace::descriptor());
        for (int n = 0; n < kNamespaces; ++n) {
            core::Namespace ns;
            ns.mutable_metadata()->set_name(namespaceName(n));
            if (auto r = admin->create(nsKind, "", ns); !r)
                die("namespace: " + r.status().message());
        }
        std::fprintf(stderr, "bench_remotesync: seeding %d nodes, %d pods on %s\n", m_shape.nodes,
                     m_shape.pods, m_cluster->url().c_str());
        seedNodes();
        seedWorkloads();
        seedPods();
    }

    void seedNodes()
    {
        const core::Node tmpl = fromJson<core::Node>(kRealisticNodeJson);
        const api::KindInfo &nodeKind = kindOf(core::Node::descriptor());
        const api::KindInfo &leaseKind = kindOf(coordination::Lease::descriptor());
        std::mutex mutex;
        parallelFor(m_shape.nodes, [&](int i) {
            thread_local std::unique_ptr<client::Client> c;
            {
                std::lock_guard lock(mutex);
                if (!c)
                    c = newClient();
            }
            core::Node n = tmpl;
            const std::string name = nodeName(i);
            n.mutable_metadata()->set_name(name);
            (*n.mutable_metadata()->mutable_labels())["kubernetes.io/hostname"] = name;
            const std::string cidr =
                "10." + std::to_string(64 + (i >> 8)) + "." + std::to_string(i & 255) + ".0/24";
            n.mutable_spec()->set_pod_cidr(cidr);
            n.mutable_spec()->clear_pod_cidrs();
            n.mutable_spec()->add_pod_cidrs(cidr);
            n.mutable_status()->mutable_addresses(0)->set_address(ipFor(192, i + 256));
            n.mutable_status()->mutable_addresses(1)->set_address(name);
            if (auto r = c->create(nodeKind, "", n); !r)
                die("node " + name + ": " + r.status().message());
            coordination::Lease l;
            l.mutable_metadata()->set_name(name);
            l.mutable_metadata()->set_namespace_("kube-node-lease");
            l.mutable_spec()->set_holder_identity(name);
            l.mutable_spec()->set_lease_duration_seconds(40);
            l.mutable_spec()->mutable_renew_time()->set_seconds(1795774800);
            if (auto r = c->create(leaseKind, "kube-node-lease", l); !r)
                die("lease " + name + ": " + r.status().message());
            if (i == m_shape.nodes - 1 || i % 1000 == 999)
                std::fprintf(stderr, "bench_remotesync:   %d nodes\n", i + 1);
        });
    }

    void seedWorkloads()
    {
        const core::Pod pod = fromJson<core::Pod>(kRealisticPodJson);
        const api::KindInfo &depKind = kindOf(apps::Deployment::descriptor());
        const api::KindInfo &rsKind = kindOf(apps::ReplicaSet::descriptor());
        const int groups = (m_shape.pods + kReplicas - 1) / kReplicas;
        m_owners.assign(size_t(groups), Owner{});
        std::mutex mutex;
        parallelFor(groups, [&](int d) {
            thread_local std::unique_ptr<client::Client> c;
            {
                std::lock_guard lock(mutex);
                if (!c)
                    c = newClient();
            }
            const std::string ns = namespaceName(d % kNamespaces);
            const int replicas = std::min(kReplicas, m_shape.pods - d * kReplicas);
            client::WriteOptions status;
            status.subresource = "status";

            apps::Deployment dep;
            dep.mutable_metadata()->set_name(appName(d));
            dep.mutable_metadata()->set_namespace_(ns);
            (*dep.mutable_metadata()->mutable_labels())["app"] = appName(d);
            dep.mutable_spec()->set_replicas(replicas);
            auto &sel = *dep.mutable_spec()->mutable_selector()->mutable_match_labels();
            sel["app"] = appName(d);
            core::PodTemplateSpec *t = dep.mutable_spec()->mutable_template_();
            *t->mutable_metadata()->mutable_labels() = pod.metadata().labels();
            (*t->mutable_metadata()->mutable_labels())["app"] = appName(d);
            t->mutable_metadata()->mutable_labels()->erase("pod-template-hash");
            *t->mutable_spec() = pod.spec();
            t->mutable_spec()->clear_node_name();
            t->mutable_spec()->clear_tolerations();
            auto created = c->create(depKind, ns, dep);
            if (!created)
                die("deployment " + appName(d) + ": " + created.status().message());
            apps::Deployment withStatus = static_cast<const apps::Deployment &>(**created);
            apps::DeploymentStatus *ds = withStatus.mutable_status();
            ds->set_observed_generation(1);
            ds->set_replicas(replicas);
            ds->set_updated_replicas(replicas);
            ds->set_ready_replicas(replicas);
            ds->set_available_replicas(replicas);
            if (auto r = c->update(depKind, ns, withStatus, status); !r)
                die("deployment status " + appName(d) + ": " + r.status().message());

            apps::ReplicaSet rs;
            rs.mutable_metadata()->set_name(replicaSetName(d));
            rs.mutable_metadata()->set_namespace_(ns);
            *rs.mutable_metadata()->mutable_labels() = t->metadata().labels();
            (*rs.mutable_metadata()->mutable_labels())["pod-template-hash"] = templateHash(d);
            meta::OwnerReference *ref = rs.mutable_metadata()->add_owner_references();
            ref->set_api_version("apps/v1");
            ref->set_kind("Deployment");
            ref->set_name(appName(d));
            ref->set_uid(withStatus.metadata().uid());
            ref->set_controller(true);
            ref->set_block_owner_deletion(true);
            rs.mutable_spec()->set_replicas(replicas);
            *rs.mutable_spec()->mutable_selector() = dep.spec().selector();
            (*rs.mutable_spec()->mutable_selector()->mutable_match_labels())["pod-template-hash"] =
                templateHash(d);
            *rs.mutable_spec()->mutable_template_() = *t;
            (*rs.mutable_spec()
                  ->mutable_template_()
                  ->mutable_metadata()
                  ->mutable_labels())["pod-template-hash"] = templateHash(d);
            auto rsCreated = c->create(rsKind, ns, rs);
            if (!rsCreated)
                die("replicaset " + replicaSetName(d) + ": " + rsCreated.status().message());
            apps::ReplicaSet rsStatus = static_cast<const apps::ReplicaSet &>(**rsCreated);
            rsStatus.mutable_status()->set_replicas(replicas);
            rsStatus.mutable_status()->set_fully_labeled_replicas(replicas);
            rsStatus.mutable_status()->set_ready_replicas(replicas);
            rsStatus.mutable_status()->set_available_replicas(replicas);
            rsStatus.mutable_status()->set_observed_generation(1);
            if (auto r = c->update(rsKind, ns, rsStatus, status); !r)
                die("replicaset status " + replicaSetName(d) + ": " + r.status().message());
            m_owners[size_t(d)] = Owner{ns, replicaSetName(d), rsStatus.metadata().uid()};
        });
    }

    void seedPods()
    {
        const core::Pod tmpl = fromJson<core::Pod>(kRealisticPodJson);
        const api::KindInfo &podKind = kindOf(core::Pod::descriptor());
        std::atomic<int> done{0};
        std::mutex mutex;
        const SteadyClock::time_point t0 = SteadyClock::now();
        parallelFor(m_shape.pods, [&](int i) {
            thread_local std::unique_ptr<client::Client> c;
            {
                std::lock_guard lock(mutex);
                if (!c)
                    c = newClient();
            }
            const int d = i / kReplicas;
            const Owner &owner = m_owners[size_t(d)];
            const std::string node = nodeName(i % m_shape.nodes);
            core::Pod p = tmpl;
            meta::ObjectMeta *md = p.mutable_metadata();
            md->set_name(owner.name + numbered("-", i % kReplicas, 5));
            md->set_generate_name(owner.name + "-");
            md->set_namespace_(owner.ns);
            md->clear_uid();
            md->clear_resource_version();
            md->clear_creation_timestamp();
            (*md->mutable_labels())["app"] = appName(d);
            (*md->mutable_labels())["pod-template-hash"] = templateHash(d);
            md->mutable_owner_references(0)->set_name(owner.name);
            md->mutable_owner_references(0)->set_uid(owner.uid);
            p.mutable_spec()->set_node_name(node);
            auto created = c->create(podKind, owner.ns, p);
            if (!created)
                die("pod " + md->name() + ": " + created.status().message());

            core::Pod running = static_cast<const core::Pod &>(**created);
            core::PodStatus status = tmpl.status();
            status.set_qos_class(running.status().qos_class()); // immutable
            const std::string hostIp = ipFor(192, (i % m_shape.nodes) + 256);
            const std::string podIp = ipFor(10, i + 65536);
            status.set_host_ip(hostIp);
            status.mutable_host_ips(0)->set_ip(hostIp);
            status.set_pod_ip(podIp);
            status.mutable_pod_ips(0)->set_ip(podIp);
            for (core::ContainerStatus &cs : *status.mutable_container_statuses())
                cs.set_container_id("containerd://" + std::to_string(i) + "-" + cs.name());
            *running.mutable_status() = status;
            client::WriteOptions w;
            w.subresource = "status";
            if (auto r = c->update(podKind, owner.ns, running, w); !r)
                die("pod status " + md->name() + ": " + r.status().message());
            const int n = done.fetch_add(1) + 1;
            if (n % 10000 == 0 || n == m_shape.pods)
                std::fprintf(stderr, "bench_remotesync:   %d pods (%.0f s)\n", n, secondsSince(t0));
        });
    }

    const Shape m_shape;
    std::string m_dir;
    std::unique_ptr<cluster::EmbeddedCluster> m_cluster;
    std::vector<Owner> m_owners;
    client::ResolvedContext m_context;
    double m_seedSeconds = 0;
};

std::unique_ptr<Fixture> g_fixture;

Fixture &fixture(const Shape &shape)
{
    if (!g_fixture || !(g_fixture->shape() == shape)) {
        g_fixture.reset(); // one seeded server at a time
        g_fixture = std::make_unique<Fixture>(shape);
    }
    return *g_fixture;
}

// Runs the calling thread's event loop until the model synced or `limit`
// passed (real time); returns hasSynced().
bool waitForSync(model::ClusterModel &model, std::chrono::milliseconds limit)
{
    if (model.hasSynced())
        return true;
    QEventLoop loop;
    QObject::connect(&model, &model::ClusterModel::synced, &loop, &QEventLoop::quit);
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    deadline.start(limit);
    if (!model.hasSynced())
        loop.exec();
    return model.hasSynced();
}

void BM_RemoteSync(benchmark::State &state)
{
    const Shape shape{int(state.range(0)), int(state.range(1))};
    const bool protobuf = state.range(2) != 0;
    Fixture &f = fixture(shape);

    client::RemoteClient::Options options;
    options.protobuf = protobuf;
    // strip:1 is what the GUI does (kubist --kubeconfig): no managedFields kept.
    options.stripManagedFields = state.range(3) != 0;
    options.userAgent = "bench_remotesync";

    double seconds = 0;
    double peakGrowth = 0;
    double retained = 0;
    double podBytes = 0;
    double base = 0;
    bool hwmReset = true;
    size_t pods = 0;
    size_t nodes = 0;
    size_t objects = 0;
    for (auto _ : state) {
        ::malloc_trim(0);
        hwmReset = resetPeakRss() && hwmReset;
        base = procStatusMiB("VmRSS");
        const SteadyClock::time_point t0 = SteadyClock::now();
        auto created = client::RemoteClient::create(f.context(), options);
        if (!created) {
            state.SkipWithError(("RemoteClient: " + created.status().message()).c_str());
            break;
        }
        std::unique_ptr<client::RemoteClient> remote = std::move(*created);
        auto m = std::make_unique<model::ClusterModel>(*remote, SystemClock::instance());
        m->start();
        const bool synced = waitForSync(*m, kSyncLimit);
        seconds = secondsSince(t0);
        state.SetIterationTime(seconds);
        peakGrowth = procStatusMiB("VmHWM") - base;
        retained = procStatusMiB("VmRSS") - base;
        pods = m->objects(model::ObjectKind::Pod).size();
        nodes = m->objects(model::ObjectKind::Node).size();
        if (!m->objects(model::ObjectKind::Pod).empty())
            podBytes = double(m->objects(model::ObjectKind::Pod).begin()->second->SpaceUsedLong());
        objects = 0;
        for (int k = 0; k < model::kObjectKindCount; ++k)
            objects += m->objects(static_cast<model::ObjectKind>(k)).size();
        state.PauseTiming();
        m->stop();
        m.reset();
        remote.reset();
        state.ResumeTiming();
        if (!synced) {
            state.SkipWithError("the model did not sync within 10 minutes");
            break;
        }
        if (pods != size_t(shape.pods) || nodes != size_t(shape.nodes)) {
            state.SkipWithError("the synced model does not hold the seeded cluster");
            break;
        }
    }
    state.counters["nodes"] = double(nodes);
    state.counters["pods"] = double(pods);
    state.counters["objects"] = double(objects);
    state.counters["seconds"] = seconds;
    state.counters["pods_per_s"] = seconds > 0 ? double(pods) / seconds : 0.0;
    state.counters["peak_rss_mib"] = peakGrowth;
    state.counters["retained_mib"] = retained;
    state.counters["rss_base_mib"] = base;
    state.counters["pod_bytes"] = podBytes;
    state.counters["hwm_reset_ok"] = hwmReset ? 1 : 0;
    state.counters["seed_s"] = f.seedSeconds();
}

void remoteSyncArgs(benchmark::internal::Benchmark *b)
{
    b->ArgNames({"nodes", "pods", "protobuf", "strip"});
    b->UseManualTime()->Unit(benchmark::kSecond);
    for (const int protobuf : {1, 0})
        b->Args({50, 1500, protobuf, 1});
}
BENCHMARK(BM_RemoteSync)->Apply(remoteSyncArgs);

// The issue's sizes (KUBIST_BENCH_FULL=1): registered from main(), since a
// family without arguments would still run once.
void registerFullSizes()
{
    benchmark::internal::Benchmark *b =
        benchmark::RegisterBenchmark("BM_RemoteSync", BM_RemoteSync);
    b->ArgNames({"nodes", "pods", "protobuf", "strip"});
    b->UseManualTime()->Unit(benchmark::kSecond)->Iterations(1);
    for (const auto &[nodes, pods] : {std::pair{1000, 30000}, std::pair{5000, 150000}}) {
        for (const int protobuf : {1, 0})
            b->Args({nodes, pods, protobuf, 1});
        b->Args({nodes, pods, 1, 0}); // managedFields kept, for comparison
    }
}

} // namespace

int main(int argc, char **argv)
{
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    QCoreApplication app(argc, argv);
    if (full())
        registerFullSizes();
    benchmark::AddCustomContext("server",
                                "EmbeddedCluster::open (not started), HTTPS on 127.0.0.1, "
                                "store powerSafe=false, compaction off");
    benchmark::AddCustomContext("seeding", "8 threads, in-process client, not timed");
    benchmark::RunSpecifiedBenchmarks();
    g_fixture.reset();
    benchmark::Shutdown();
    return 0;
}
