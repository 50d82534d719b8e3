// Scheduler throughput (issue: scheduler depth and scale).
//
// BM_ScheduleAlgorithm — the algorithm alone: the default profile
// (registerDefaultPlugins + defaultProfile) on one thread, every node
// filtered and scored (no sampling), each pod's decision followed by what
// the scheduler does to its cache (the pod counted on the chosen node)
// before the next pod. Pods come from Deployments of 100 replicas (labels
// app=<deployment>, a controlling ReplicaSet, a Service selecting them), so
// PodTopologySpread's system default spreading is active as in a real
// cluster; nodes are spread over three zones.
//
// BM_ScheduleEndToEnd — through the API: a store on disk (power-safe: every
// write durable before it is acknowledged), the API server, the scheduler
// part with its informers; pods are created by 32 in-process clients (each
// create waits for its durable commit, so fewer creators would limit the
// rate, not the scheduler) and the clock stops when a pod watch has seen
// every one of them bound. Nodes are created before the clock starts.
//
// Full sizes (5,000 nodes; 10,000 and 50,000 pods) need KUBIST_BENCH_FULL=1;
// without it the programs run small sizes (the test suite's smoke run):
//
//   KUBIST_BENCH_FULL=1 build/bin/bench_scheduler --benchmark_filter=Algorithm
//   KUBIST_BENCH_FULL=1 build/bin/bench_scheduler --benchmark_filter=EndToEnd
//
// Counters: pods_per_s (pods / wall seconds of the timed part).

#include "backend/api/jsoncodec.h"
#include "backend/api/scheme.h"
#include "backend/apiserver/apiserver.h"
#include "backend/client/client.h"
#include "backend/client/informer.h"
#include "backend/scheduler/framework/clusterlister.h"
#include "backend/scheduler/framework/cyclestate.h"
#include "backend/scheduler/framework/framework.h"
#include "backend/scheduler/framework/registry.h"
#include "backend/scheduler/framework/snapshot.h"
#include "backend/scheduler/plugins/defaultplugins.h"
#include "backend/scheduler/scheduler/scheduler.h"
#include "backend/store/store.h"
#include "backend/util/clock.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"
#include "policy_v1.pb.h"

#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace {

using namespace kubist;
namespace core = k8s::io::api::core::v1;
namespace apps = k8s::io::api::apps::v1;
namespace policy = k8s::io::api::policy::v1;
using Clock = std::chrono::steady_clock;

constexpr int kReplicasPerDeployment = 100;

bool full()
{
    const char *v = std::getenv("KUBIST_BENCH_FULL");
    return v && std::string(v) == "1";
}

[[noreturn]] void die(const std::string &what)
{
    std::fprintf(stderr, "bench_scheduler: %s\n", what.c_str());
    std::abort();
}

std::string nodeName(int i)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "node-%05d", i);
    return buf;
}

std::string zoneOf(int i)
{
    return "zone-" + std::string(1, static_cast<char>('a' + i % 3));
}

core::Node makeNode(int i)
{
    core::Node node;
    node.mutable_metadata()->set_name(nodeName(i));
    auto &labels = *node.mutable_metadata()->mutable_labels();
    labels["kubernetes.io/hostname"] = nodeName(i);
    labels["kubernetes.io/os"] = "linux";
    labels["topology.kubernetes.io/zone"] = zoneOf(i);
    for (auto *list : {node.mutable_status()->mutable_allocatable(),
                       node.mutable_status()->mutable_capacity()}) {
        (*list)["cpu"].set_value("32");
        (*list)["memory"].set_value("128Gi");
        (*list)["pods"].set_value("110");
    }
    core::NodeCondition *ready = node.mutable_status()->add_conditions();
    ready->set_type("Ready");
    ready->set_status("True");
    core::ContainerImage *image = node.mutable_status()->add_images();
    image->add_names("registry.example.com/shop/web:2.4.1");
    image->set_size_bytes(150 * 1024 * 1024);
    return node;
}

std::string deploymentName(int pod)
{
    return "dep-" + std::to_string(pod / kReplicasPerDeployment);
}

core::Pod makePod(int i)
{
    core::Pod pod;
    const std::string dep = deploymentName(i);
    auto *m = pod.mutable_metadata();
    m->set_namespace_("default");
    m->set_name(dep + "-7d9c8b6f5d-" + std::to_string(i));
    m->set_uid("uid-" + std::to_string(i));
    (*m->mutable_labels())["app"] = dep;
    (*m->mutable_labels())["pod-template-hash"] = "7d9c8b6f5d";
    auto *owner = m->add_owner_references();
    owner->set_api_version("apps/v1");
    owner->set_kind("ReplicaSet");
    owner->set_name(dep + "-7d9c8b6f5d");
    owner->set_uid("rs-" + dep);
    owner->set_controller(true);
    core::Container *c = pod.mutable_spec()->add_containers();
    c->set_name("web");
    c->set_image("registry.example.com/shop/web:2.4.1");
    (*c->mutable_resources()->mutable_requests())["cpu"].set_value("100m");
    (*c->mutable_resources()->mutable_requests())["memory"].set_value("128Mi");
    core::ContainerPort *port = c->add_ports();
    port->set_container_port(8080);
    port->set_protocol("TCP");
    pod.mutable_spec()->set_scheduler_name("default-scheduler");
    return pod;
}

// The Services and ReplicaSets of the Deployments (for the default
// spreading's selector).
std::shared_ptr<const scheduler::ClusterLister> deploymentLister(int deployments)
{
    auto lister = std::make_shared<scheduler::ObjectLister>();
    for (int d = 0; d < deployments; ++d) {
        const std::string dep = deploymentName(d * kReplicasPerDeployment);
        auto service = std::make_shared<core::Service>();
        service->mutable_metadata()->set_namespace_("default");
        service->mutable_metadata()->set_name(dep);
        (*service->mutable_spec()->mutable_selector())["app"] = dep;
        lister->serviceList.push_back(service);
        auto rs = std::make_shared<apps::ReplicaSet>();
        rs->mutable_metadata()->set_namespace_("default");
        rs->mutable_metadata()->set_name(dep + "-7d9c8b6f5d");
        rs->mutable_metadata()->set_uid("rs-" + dep);
        auto &match = *rs->mutable_spec()->mutable_selector()->mutable_match_labels();
        match["app"] = dep;
        match["pod-template-hash"] = "7d9c8b6f5d";
        lister->replicaSetList.push_back(rs);
    }
    return lister;
}

std::unique_ptr<scheduler::Framework> defaultFramework()
{
    scheduler::Registry registry;
    if (Status s = scheduler::plugins::registerDefaultPlugins(registry); !s)
        die(s.message());
    auto fw = scheduler::Framework::create(registry, scheduler::plugins::defaultProfile());
    if (!fw)
        die(fw.status().message());
    return std::move(*fw);
}

void BM_ScheduleAlgorithm(benchmark::State &state)
{
    const int numNodes = static_cast<int>(state.range(0));
    const int numPods = static_cast<int>(state.range(1));
    const bool spread = state.range(2) != 0;
    const auto fw = defaultFramework();
    std::vector<scheduler::Snapshot::NodePtr> nodes;
    for (int i = 0; i < numNodes; ++i)
        nodes.push_back(std::make_shared<core::Node>(makeNode(i)));
    std::vector<std::shared_ptr<const core::Pod>> pods;
    for (int i = 0; i < numPods; ++i) {
        core::Pod pod = makePod(i);
        if (!spread) // a bare pod: no owner, no Service, so no default spreading
            pod.mutable_metadata()->clear_owner_references();
        pods.push_back(std::make_shared<core::Pod>(std::move(pod)));
    }
    const auto lister = deploymentLister(
        spread ? (numPods + kReplicasPerDeployment - 1) / kReplicasPerDeployment : 0);

    // As the scheduler part runs it: the winner and runner-up explained.
    scheduler::ScheduleOptions options;
    options.explain = scheduler::ScheduleOptions::Explain::Summary;
    double seconds = 0;
    for (auto _ : state) {
        state.PauseTiming();
        scheduler::Snapshot snapshot = scheduler::Snapshot::build(nodes, {});
        snapshot.setLister(lister);
        state.ResumeTiming();
        const auto start = Clock::now();
        for (const auto &pod : pods) {
            scheduler::CycleState cycle;
            Result<scheduler::ScheduleResult> r = fw->schedulePod(cycle, *pod, snapshot, options);
            if (!r || !r->isScheduled())
                die("pod " + pod->metadata().name() + " was not scheduled");
            auto bound = std::make_shared<core::Pod>(*pod);
            bound->mutable_spec()->set_node_name(r->suggestedHost);
            snapshot.mutableNode(r->suggestedHost)->addPod(std::move(bound));
        }
        seconds += std::chrono::duration<double>(Clock::now() - start).count();
    }
    state.counters["pods_per_s"] = numPods * double(state.iterations()) / seconds;
}

// spread:1 — Deployment pods (Service + ReplicaSet: PodTopologySpread's
// system default spreading runs); spread:0 — bare pods (it skips).
void algorithmArgs(benchmark::internal::Benchmark *b)
{
    b->ArgNames({"nodes", "pods", "spread"});
    if (full()) {
        for (const int spread : {1, 0}) {
            b->Args({5000, 10000, spread});
            b->Args({5000, 50000, spread});
        }
    } else {
        b->Args({100, 300, 1});
    }
    b->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
}
BENCHMARK(BM_ScheduleAlgorithm)->Apply(algorithmArgs);

// Counts pods seen bound by a watch (an informer of its own).
class BoundCounter
{
public:
    BoundCounter(client::Client &client, const kubist::Clock &clock)
        : m_informer(client, *api::Scheme::builtin().byDescriptor(core::Pod::descriptor()), clock)
    {
        auto count = [this](const client::ObjectPtr &o) {
            const auto &pod = static_cast<const core::Pod &>(*o);
            if (pod.spec().node_name().empty())
                return;
            std::lock_guard lock(m_mutex);
            if (m_bound.insert(pod.metadata().name()).second)
                m_changed.notify_all();
        };
        m_informer.addEventHandler(
            {count,
             [count](const client::ObjectPtr &, const client::ObjectPtr &n) { count(n); },
             {}});
        m_informer.start();
    }
    ~BoundCounter() { m_informer.stop(); }
    // False when `n` pods were not bound within `limit`.
    bool waitFor(std::size_t n, std::chrono::seconds limit)
    {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_for(lock, limit, [&] { return m_bound.size() >= n; });
    }

private:
    client::Informer m_informer;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::set<std::string> m_bound;
};

void BM_ScheduleEndToEnd(benchmark::State &state)
{
    const int numNodes = static_cast<int>(state.range(0));
    const int numPods = static_cast<int>(state.range(1));
    constexpr int kCreators = 32;
    const std::string dir =
        (std::filesystem::temp_directory_path() / ("bench_scheduler." + std::to_string(::getpid())))
            .string();
    for (auto _ : state) {
        state.PauseTiming();
        std::filesystem::remove_all(dir);
        SystemClock clock;
        store::StoreOptions storeOptions; // power-safe, as the product's default
        storeOptions.compactionIntervalMs = 0;
        auto opened = store::Store::open(dir, storeOptions);
        if (!opened)
            die(opened.status().message());
        std::unique_ptr<store::Store> store = std::move(*opened);
        {
            apiserver::ApiServer server(*store, clock);
            if (Status s = server.registry().bootstrap(); !s)
                die(s.message());
            auto admin = server.localClient("bench");
            const api::KindInfo &nodeKind =
                *api::Scheme::builtin().byDescriptor(core::Node::descriptor());
            const api::KindInfo &podKind =
                *api::Scheme::builtin().byDescriptor(core::Pod::descriptor());
            for (int i = 0; i < numNodes; ++i) {
                if (auto r = admin->create(nodeKind, "", makeNode(i)); !r)
                    die(r.status().message());
            }
            auto schedulerClient = server.localClient("system:kube-scheduler");
            scheduler::Scheduler::Options options;
            options.leaderElect = false;
            scheduler::Scheduler sched(*schedulerClient, clock, options);
            sched.start();
            auto watcherClient = server.localClient("watcher");
            BoundCounter bound(*watcherClient, clock);
            state.ResumeTiming();

            const auto start = Clock::now();
            std::vector<std::thread> creators;
            std::atomic<int> next{0};
            for (int t = 0; t < kCreators; ++t) {
                creators.emplace_back([&] {
                    auto client = server.localClient("creator");
                    for (int i = next++; i < numPods; i = next++) {
                        core::Pod pod = makePod(i);
                        pod.mutable_metadata()->clear_uid();
                        if (auto r = client->create(podKind, "default", pod); !r)
                            die(r.status().message());
                    }
                });
            }
            for (std::thread &t : creators)
                t.join();
            if (!bound.waitFor(static_cast<std::size_t>(numPods), std::chrono::seconds(600)))
                die("not every pod was bound within 10 minutes");
            const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
            state.SetIterationTime(seconds);
            state.counters["pods_per_s"] = numPods / seconds;
            state.PauseTiming();
            sched.stop();
        }
        store.reset();
        std::filesystem::remove_all(dir);
        state.ResumeTiming();
    }
}

void endToEndArgs(benchmark::internal::Benchmark *b)
{
    b->ArgNames({"nodes", "pods"});
    if (full()) {
        b->Args({5000, 10000});
        b->Args({5000, 50000});
    } else {
        b->Args({50, 200});
    }
    b->Unit(benchmark::kMillisecond)->Iterations(1)->UseManualTime();
}
BENCHMARK(BM_ScheduleEndToEnd)->Apply(endToEndArgs);

} // namespace

BENCHMARK_MAIN();
