#pragma once

#include "backend/proxy/proxysimulator.h"
#include "backend/util/clock.h"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

namespace kubist::proxy {

// TrafficGenerator: simulated clients sending HTTP requests to Services
// through the nodes' kube-proxies.
//
// Every Options::tick of cluster time (a clock timer) each Service with a
// rate r sends r * tick requests (the fraction carried over to the next
// tick). A request enters at a node chosen round-robin among the nodes
// (sorted by name) whose proxy runs (see enterAtStoppedProxies) and for
// which nodeUp says true (no such
// node: the request fails), is routed by that node's ProxyTable to the
// Service's first port (no endpoint: it fails, connection refused), and
// succeeds only when podServing says the chosen endpoint's pod serves right
// now (an endpoint without a pod reference always serves). Failures at a
// pod (a dead pod still in a table) count for that pod too. Each request
// that a pod served is reported to requestLog with an nginx-like access
// line, e.g.
//   10.244.0.1 - - [01/Jan/2026:00:00:05 +0000] "GET / HTTP/1.1" 200 615 "-" "kubist-traffic/1.0"
// whose client address stands for the entry node (10.244.<i>.1, i the
// node's index among the proxy nodes).
//
// Deterministic on a FakeClock for a given seed. Callbacks run on the
// clock's thread without the generator's locks held (they may call back
// into it). Part contract as usual: start() schedules the first tick;
// stop() (and the destructor) cancel it, after which no callback runs.
// Statistics stay readable after stop(). Thread-safe; callbacks must not
// call stop() (it waits for the tick that runs them).
class TrafficGenerator final
{
public:
    struct Stats
    {
        uint64_t succeeded = 0;
        uint64_t failed = 0;
        bool operator==(const Stats &) const = default;
    };

    struct Options
    {
        // Requests per second of cluster time, by "namespace/name".
        std::map<std::string, double> rates;
        Clock::Duration tick = std::chrono::milliseconds(200);
        uint64_t seed = 1;
        // The rolling history per Service: `historyBuckets` buckets of
        // `bucket` cluster time each.
        size_t historyBuckets = 60;
        // False: requests enter only at nodes whose proxy runs. True: also
        // at nodes whose proxy is stopped, through their stale rules (as in
        // reality: a stopped kube-proxy leaves its rules in place).
        bool enterAtStoppedProxies = false;
        Clock::Duration bucket = std::chrono::seconds(1);
        // Unset: every node is up / every pod serves / no log.
        std::function<bool(const std::string &node)> nodeUp;
        std::function<bool(const std::string &ns, const std::string &pod)> podServing;
        std::function<void(const std::string &ns, const std::string &pod, const std::string &line)>
            requestLog;
    };

    // `proxies` and `clock` must outlive the generator.
    TrafficGenerator(const ProxySimulator &proxies, const Clock &clock);
    TrafficGenerator(const ProxySimulator &proxies, const Clock &clock, Options options);
    ~TrafficGenerator();
    TrafficGenerator(const TrafficGenerator &) = delete;
    TrafficGenerator &operator=(const TrafficGenerator &) = delete;

    void start();
    void stop();

    // rps <= 0 stops the Service's traffic. Takes effect at the next tick.
    void setRate(const std::string &ns, const std::string &name, double rps);
    double rate(const std::string &ns, const std::string &name) const;
    // Every Service with a rate, by "namespace/name".
    std::map<std::string, double> rates() const;

    // Totals since construction (zero for unknown names).
    Stats serviceStats(const std::string &ns, const std::string &name) const;
    Stats podStats(const std::string &ns, const std::string &pod) const;
    // The last Options::historyBuckets buckets, oldest first, the last one
    // being the bucket now() falls in (still filling); always that many.
    std::vector<Stats> history(const std::string &ns, const std::string &name) const;

    // The access line for one served request (public for tests and the GUI).
    static std::string accessLine(const std::string &clientIp, Clock::Time when, int status = 200,
                                  int bytes = 615);

private:
    struct Bucket
    {
        int64_t index = 0; // time since epoch / bucket
        Stats stats;
    };
    struct Service
    {
        double rate = 0;
        double carry = 0;
        Stats total;
        std::deque<Bucket> history; // ascending index, at most historyBuckets
    };

    void tick();
    void scheduleLocked();
    int64_t bucketIndex(Clock::Time t) const;
    void recordLocked(Service &service, int64_t bucket, bool ok);

    const ProxySimulator &m_proxies;
    const Clock &m_clock;
    const Options m_options;

    std::mutex m_tickMutex; // serializes ticks; owns m_rng and m_nextEntry
    std::mt19937_64 m_rng;
    uint64_t m_nextEntry = 0;

    mutable std::mutex m_mutex; // guards everything below
    std::map<std::string, Service> m_services;
    std::map<std::string, Stats> m_pods; // by "namespace/pod"
    std::unique_ptr<Timer> m_timer;
    bool m_started = false;
    bool m_stopped = false;
};

} // namespace kubist::proxy
