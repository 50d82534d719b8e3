// The whole embedded cluster at scale (issue: scheduler depth and scale):
// the store, API server, scheduler, controller manager and the node
// simulator with 5,000 simulated nodes on the demo timing profile (leases
// renewed every 2 s, so 2,500 heartbeat writes per second before any pod
// exists), as `kubist serve --nodes 5000` runs it.
//
// BM_ClusterScale/pods:N — after every node is Ready (untimed), N pods are
// asked for as Deployments of 100 replicas (nginx, 10m cpu / 16Mi each),
// and the clock runs until a pod watch has seen all N Running. The timing
// profile's delays (1 s image pull, the kubelet's sync) are part of the
// time; nothing else waits. peak_rss_MiB is the process's high-water mark:
// run each size in its own process, e.g.
//
//   KUBIST_BENCH_FULL=1 build/bin/bench_cluster --benchmark_filter='pods:1000/'
//   KUBIST_BENCH_FULL=1 build/bin/bench_cluster --benchmark_filter='pods:10000/'
//   KUBIST_BENCH_FULL=1 build/bin/bench_cluster --benchmark_filter='pods:50000/'
//   KUBIST_BENCH_FULL=1 build/bin/bench_cluster --benchmark_filter='pods:150000/'
//
// Without KUBIST_BENCH_FULL a small cluster (20 nodes, 200 pods) runs (the
// test suite's smoke run). Each run gives up after 20 minutes.

#include "backend/api/jsoncodec.h"
#include "backend/api/scheme.h"
#include "backend/client/client.h"
#include "backend/client/informer.h"
#include "backend/client/objectkey.h"
#include "backend/cluster/embeddedcluster.h"
#include "backend/util/clock.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"

#include <benchmark/benchmark.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include <sys/resource.h>
#include <unistd.h>

namespace {

using namespace kubist;
namespace core = k8s::io::api::core::v1;
namespace apps = k8s::io::api::apps::v1;
using Steady = std::chrono::steady_clock;

constexpr int kReplicas = 100;

bool full()
{
    const char *v = std::getenv("KUBIST_BENCH_FULL");
    return v && std::string(v) == "1";
}

[[noreturn]] void die(const std::string &what)
{
    std::fprintf(stderr, "bench_cluster: %s\n", what.c_str());
    std::abort();
}

double peakRssMiB()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_maxrss) / 1024.0;
}

// Counts objects of one kind that satisfy `done`, through an informer.
class Counter
{
public:
    using Done = std::function<bool(const google::protobuf::Message &)>;
    Counter(client::Client &client, const api::KindInfo &kind, const kubist::Clock &clock,
            Done done)
        : m_informer(client, kind, clock)
        , m_done(std::move(done))
    {
        auto see = [this](const client::ObjectPtr &o) {
            const std::string key = client::objectKey(*o);
            std::lock_guard lock(m_mutex);
            if (m_done(*o))
                m_keys.insert(key);
            else
                m_keys.erase(key);
            m_changed.notify_all();
        };
        m_informer.addEventHandler(
            {see, [see](const client::ObjectPtr &, const client::ObjectPtr &n) { see(n); },
             [this](const client::ObjectPtr &o) {
                 std::lock_guard lock(m_mutex);
                 m_keys.erase(client::objectKey(*o));
             }});
        m_informer.start();
    }
    ~Counter() { m_informer.stop(); }
    bool waitFor(std::size_t n, std::chrono::seconds limit)
    {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_for(lock, limit, [&] { return m_keys.size() >= n; });
    }
    std::size_t count()
    {
        std::lock_guard lock(m_mutex);
        return m_keys.size();
    }

private:
    client::Informer m_informer;
    Done m_done;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::set<std::string> m_keys;
};

apps::Deployment deployment(int i)
{
    const std::string name = "scale-" + std::to_string(i);
    const std::string json =
        R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":")" + name +
        R"(","namespace":"default"},"spec":{"replicas":)" + std::to_string(kReplicas) +
        R"(,"selector":{"matchLabels":{"app":")" + name +
        R"("}},"template":{"metadata":{"labels":{"app":")" + name +
        R"("}},"spec":{"containers":[{"name":"web","image":"nginx:1.27","resources":{"requests":{"cpu":"10m","memory":"16Mi"}}}]}}}})";
    apps::Deployment d;
    if (Status s = api::JsonCodec::decode(json, &d); !s)
        die("deployment JSON: " + s.message());
    return d;
}

void BM_ClusterScale(benchmark::State &state)
{
    const int pods = static_cast<int>(state.range(0));
    const int nodes = full() ? 5000 : 20;
    const std::string dir =
        (std::filesystem::temp_directory_path() / ("bench_cluster." + std::to_string(::getpid())))
            .string();
    for (auto _ : state) {
        state.PauseTiming();
        std::filesystem::remove_all(dir);
        cluster::EmbeddedCluster::Options options;
        options.dataDir = dir;
        options.port = 0;
        options.workers = nodes;
        options.profile = "demo";
        options.demoWorkloads = false;
        options.demoTrafficRate = 0;
        auto opened = cluster::EmbeddedCluster::open(options);
        if (!opened)
            die(opened.status().message());
        std::unique_ptr<cluster::EmbeddedCluster> c = std::move(*opened);
        if (Status s = c->start(); !s)
            die(s.message());
        auto client = c->client("bench");
        const api::KindInfo &nodeKind =
            *api::Scheme::builtin().byDescriptor(core::Node::descriptor());
        const api::KindInfo &podKind =
            *api::Scheme::builtin().byDescriptor(core::Pod::descriptor());
        const api::KindInfo &deploymentKind =
            *api::Scheme::builtin().byDescriptor(apps::Deployment::descriptor());
        // Nodes Ready: all before the timing starts; a node that misses its
        // heartbeats under load turns NotReady and its pods are evicted.
        Counter ready(*client, nodeKind, c->clock(), [](const google::protobuf::Message &m) {
            for (const auto &cond : static_cast<const core::Node &>(m).status().conditions())
                if (cond.type() == "Ready")
                    return cond.status() == "True";
            return false;
        });
        // Workers plus the master.
        if (!ready.waitFor(static_cast<std::size_t>(nodes) + 1, std::chrono::minutes(10)))
            die("nodes not Ready within 10 minutes: " + std::to_string(ready.count()));
        std::size_t fewestReady = ready.count();
        Counter running(*client, podKind, c->clock(), [](const google::protobuf::Message &m) {
            const auto &pod = static_cast<const core::Pod &>(m);
            return pod.metadata().namespace_() == "default" && pod.status().phase() == "Running";
        });
        Counter created(*client, podKind, c->clock(), [](const google::protobuf::Message &m) {
            return static_cast<const core::Pod &>(m).metadata().namespace_() == "default";
        });
        Counter bound(*client, podKind, c->clock(), [](const google::protobuf::Message &m) {
            const auto &pod = static_cast<const core::Pod &>(m);
            return pod.metadata().namespace_() == "default" && !pod.spec().node_name().empty();
        });
        state.ResumeTiming();

        const auto start = Steady::now();
        for (int d = 0; d * kReplicas < pods; ++d) {
            if (auto r = client->create(deploymentKind, "default", deployment(d)); !r)
                die(r.status().message());
        }
        // Progress on stderr every 10 s: where the pods are.
        bool done = false;
        for (int tick = 0; tick < 120 && !done; ++tick) {
            done = running.waitFor(static_cast<std::size_t>(pods), std::chrono::seconds(10));
            fewestReady = std::min(fewestReady, ready.count());
            std::fprintf(stderr,
                         "bench_cluster: %5.0f s: %zu created, %zu bound, %zu running, %zu nodes "
                         "Ready\n",
                         std::chrono::duration<double>(Steady::now() - start).count(),
                         created.count(), bound.count(), running.count(), ready.count());
        }
        const double seconds = std::chrono::duration<double>(Steady::now() - start).count();
        state.SetIterationTime(seconds);
        state.counters["running"] = double(running.count());
        state.counters["pods_per_s"] = double(running.count()) / seconds;
        state.counters["peak_rss_MiB"] = peakRssMiB();
        // The fewest Ready nodes seen at a progress line (all of them: no
        // node missed its heartbeats).
        state.counters["min_ready_nodes"] = double(std::min(fewestReady, ready.count()));
        if (!done)
            state.SkipWithError("not every pod Running within 20 minutes");
        state.PauseTiming();
        c->stop();
        c.reset();
        std::filesystem::remove_all(dir);
        state.ResumeTiming();
    }
}

void clusterArgs(benchmark::internal::Benchmark *b)
{
    b->ArgName("pods");
    if (full()) {
        for (const int pods : {1000, 10000, 50000, 150000})
            b->Arg(pods);
    } else {
        b->Arg(200);
    }
    b->Unit(benchmark::kSecond)->Iterations(1)->UseManualTime();
}
BENCHMARK(BM_ClusterScale)->Apply(clusterArgs);

} // namespace

BENCHMARK_MAIN();
