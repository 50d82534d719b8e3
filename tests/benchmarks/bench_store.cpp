// backend/store: durable write throughput (1 KiB values, 1 and 64 writers,
// each write acknowledged only once synced: synchronous=FULL), range of one
// big prefix, watch fan-out latency, and reopen time.
//
// The smoke run (ctest, --benchmark_min_time=0.01) uses small sizes. The
// figures the issue asks for need the full sizes (150,000 keys, 1,000
// watchers):
//
//   KUBIST_BENCH_FULL=1 build/bin/bench_store
//
// Data directories go under $TMPDIR (default /tmp), i.e. the disk whose
// sync cost is being measured. With every writer waiting for its own
// acknowledgement, durable throughput is at most writers / sync latency
// (a group commit carries at most one write per writer), so measure the
// disk too: a 64 KiB write + fdatasync.
//
// Watch latency: each iteration stamps the time, writes one key, and waits
// until every watcher has it. write_to_delivery_* is from the stamp to each
// watcher's callback (over all watchers and writes); it includes the
// durable commit, whose own latency is commit_p50_us, so delivery after the
// commit is about write_to_delivery minus commit.

#include "realisticpod.h"

#include "backend/store/store.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace kubist::store;
using Clock = std::chrono::steady_clock;

namespace {

bool full()
{
    const char *v = std::getenv("KUBIST_BENCH_FULL");
    return v && std::string(v) == "1";
}

class TempDir
{
public:
    TempDir()
    {
        std::string tmpl = (std::filesystem::temp_directory_path() / "bench_store.XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) {
            std::perror("mkdtemp");
            std::abort();
        }
        m_path = tmpl;
    }
    ~TempDir()
    {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    const std::string &path() const { return m_path; }

private:
    std::string m_path;
};

std::unique_ptr<Store> openOrDie(const std::string &dir, bool powerSafe = true)
{
    StoreOptions options;
    options.compactionIntervalMs = 0;
    options.powerSafe = powerSafe;
    auto s = Store::open(dir, options);
    if (!s) {
        std::fprintf(stderr, "%s\n", s.status().toString().c_str());
        std::abort();
    }
    return std::move(s).value();
}

// Writes `count` keys "<prefix><i>" with `value` from 64 threads.
void populate(Store &s, const std::string &prefix, int count, const std::string &value)
{
    std::atomic<int> next{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 64; ++t) {
        threads.emplace_back([&] {
            for (int i; (i = next++) < count;) {
                char key[64];
                std::snprintf(key, sizeof key, "%s%08d", prefix.c_str(), i);
                if (!s.put(key, value).status.isOk())
                    std::abort();
            }
        });
    }
    for (auto &t : threads)
        t.join();
}

std::string realisticValue(size_t size)
{
    std::string v;
    while (v.size() < size)
        v += kRealisticPodJson;
    v.resize(size);
    return v;
}

// --- durable writes -------------------------------------------------------

TempDir *g_writeDir = nullptr;
Store *g_writeStore = nullptr;

void BM_DurableWrites1KiB(benchmark::State &state)
{
    if (state.thread_index() == 0) {
        g_writeDir = new TempDir;
        g_writeStore = openOrDie(g_writeDir->path(), state.range(0) != 0).release();
    }
    const std::string value(1024, 'v');
    const std::string prefix = "/registry/pods/ns/w" + std::to_string(state.thread_index()) + "-";
    int64_t i = 0;
    for (auto _ : state) {
        // Puts over a bounded key set: the store grows like a real one.
        auto r = g_writeStore->put(prefix + std::to_string(i++ % 1000), value);
        if (!r.status.isOk())
            state.SkipWithError(r.status.toString().c_str());
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * 1024);
    if (state.thread_index() == 0) {
        delete g_writeStore;
        delete g_writeDir;
    }
}
// Arg 1: powerSafe (synchronous=FULL, the default: the figure that counts).
// Arg 0: synchronous=NORMAL, no sync per commit: what the store itself can
// do when the disk's sync latency is out of the picture.
BENCHMARK(BM_DurableWrites1KiB)
    ->ArgName("powerSafe")
    ->Arg(1)
    ->Arg(0)
    ->Threads(1)
    ->Threads(64)
    ->UseRealTime();

// --- range ------------------------------------------------------------------

void BM_RangePrefix(benchmark::State &state)
{
    const int keys = full() ? 150000 : 2000;
    TempDir dir;
    auto s = openOrDie(dir.path());
    populate(*s, "/registry/pods/default/p", keys, std::string(1024, 'r'));
    populate(*s, "/registry/nodes/n", 100, std::string(1024, 'n'));
    RangeRequest request;
    request.key = "/registry/pods/";
    request.prefix = true;
    for (auto _ : state) {
        auto r = s->range(request);
        if (!r || int(r->kvs.size()) != keys)
            state.SkipWithError("range returned the wrong keys");
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations() * keys);
    state.counters["keys"] = keys;
}
BENCHMARK(BM_RangePrefix)->Unit(benchmark::kMillisecond)->UseRealTime();

// --- watch fan-out ------------------------------------------------------------

void BM_WatchFanOut(benchmark::State &state)
{
    const int watchers = full() ? 1000 : 50;
    TempDir dir;
    auto s = openOrDie(dir.path());
    std::mutex m;
    std::condition_variable cv;
    int64_t delivered = 0;
    Clock::time_point stamp;
    std::vector<double> latencies; // microseconds
    std::vector<double> commits;
    std::vector<std::unique_ptr<Watch>> handles;
    for (int i = 0; i < watchers; ++i) {
        WatchRequest w;
        w.key = "/registry/pods/";
        w.prefix = true;
        handles.push_back(s->watch(w, [&](WatchResponse r) {
            const auto now = Clock::now();
            std::lock_guard lock(m);
            for (size_t e = 0; e < r.events.size(); ++e) {
                latencies.push_back(std::chrono::duration<double, std::micro>(now - stamp).count());
                ++delivered;
            }
            cv.notify_all();
        }));
    }
    const std::string value = realisticValue(1024);
    int64_t i = 0;
    for (auto _ : state) {
        {
            std::lock_guard lock(m);
            stamp = Clock::now();
        }
        const auto t0 = Clock::now();
        auto r = s->put("/registry/pods/default/p" + std::to_string(i++ % 100), value);
        commits.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
        if (!r.status.isOk())
            state.SkipWithError(r.status.toString().c_str());
        std::unique_lock lock(m);
        cv.wait(lock, [&] { return delivered == i * watchers; });
    }
    handles.clear();
    const auto percentile = [](std::vector<double> v, double p) {
        if (v.empty())
            return 0.0;
        std::sort(v.begin(), v.end());
        return v[std::min(v.size() - 1, size_t(p * double(v.size())))];
    };
    state.counters["watchers"] = watchers;
    state.counters["write_to_delivery_p50_us"] = percentile(latencies, 0.50);
    state.counters["write_to_delivery_p99_us"] = percentile(latencies, 0.99);
    state.counters["commit_p50_us"] = percentile(commits, 0.50);
    state.SetItemsProcessed(state.iterations() * watchers);
}
BENCHMARK(BM_WatchFanOut)->UseRealTime();

// --- reopen ---------------------------------------------------------------------

void BM_Reopen(benchmark::State &state)
{
    const int objects = full() ? 150000 : 2000;
    TempDir dir;
    {
        auto s = openOrDie(dir.path());
        populate(*s, "/registry/pods/default/p", objects, realisticValue(3 * 1024));
    }
    for (auto _ : state) {
        auto s = openOrDie(dir.path());
        if (s->currentRevision() != objects)
            state.SkipWithError("reopened at the wrong revision");
        state.PauseTiming(); // closing is not part of the reopen
        s.reset();
        state.ResumeTiming();
    }
    state.counters["objects"] = objects;
    state.counters["db_MiB"] =
        double(std::filesystem::file_size(dir.path() + "/store.db")) / (1024.0 * 1024.0);
}
BENCHMARK(BM_Reopen)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
