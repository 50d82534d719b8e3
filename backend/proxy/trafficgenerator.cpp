#include "backend/proxy/trafficgenerator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <utility>

namespace kubist::proxy {

namespace {

std::string serviceKey(const std::string &ns, const std::string &name)
{
    return ns + "/" + name;
}

} // namespace

TrafficGenerator::TrafficGenerator(const ProxySimulator &proxies, const Clock &clock)
    : TrafficGenerator(proxies, clock, Options())
{}

TrafficGenerator::TrafficGenerator(const ProxySimulator &proxies, const Clock &clock,
                                   Options options)
    : m_proxies(proxies)
    , m_clock(clock)
    , m_options(std::move(options))
    , m_rng(m_options.seed)
{
    for (const auto &[key, rps] : m_options.rates)
        if (rps > 0)
            m_services[key].rate = rps;
}

TrafficGenerator::~TrafficGenerator()
{
    stop();
}

void TrafficGenerator::start()
{
    std::lock_guard lock(m_mutex);
    if (m_started || m_stopped)
        return;
    m_started = true;
    scheduleLocked();
}

void TrafficGenerator::stop()
{
    std::unique_ptr<Timer> timer;
    {
        std::lock_guard lock(m_mutex);
        m_stopped = true;
        timer = std::move(m_timer);
    }
    timer.reset(); // outside the lock: cancels the next tick
    // A tick in progress replaced its own handle already: wait for it.
    std::lock_guard tick(m_tickMutex);
}

void TrafficGenerator::setRate(const std::string &ns, const std::string &name, double rps)
{
    std::lock_guard lock(m_mutex);
    Service &s = m_services[serviceKey(ns, name)];
    s.rate = rps > 0 ? rps : 0;
    if (s.rate == 0)
        s.carry = 0;
}

double TrafficGenerator::rate(const std::string &ns, const std::string &name) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_services.find(serviceKey(ns, name));
    return it == m_services.end() ? 0 : it->second.rate;
}

std::map<std::string, double> TrafficGenerator::rates() const
{
    std::lock_guard lock(m_mutex);
    std::map<std::string, double> out;
    for (const auto &[key, s] : m_services)
        if (s.rate > 0)
            out[key] = s.rate;
    return out;
}

TrafficGenerator::Stats TrafficGenerator::serviceStats(const std::string &ns,
                                                       const std::string &name) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_services.find(serviceKey(ns, name));
    return it == m_services.end() ? Stats{} : it->second.total;
}

TrafficGenerator::Stats TrafficGenerator::podStats(const std::string &ns,
                                                   const std::string &pod) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_pods.find(serviceKey(ns, pod));
    return it == m_pods.end() ? Stats{} : it->second;
}

std::vector<TrafficGenerator::Stats> TrafficGenerator::history(const std::string &ns,
                                                               const std::string &name) const
{
    const int64_t n = static_cast<int64_t>(m_options.historyBuckets);
    std::vector<Stats> out(static_cast<size_t>(n));
    const int64_t current = bucketIndex(m_clock.now());
    std::lock_guard lock(m_mutex);
    auto it = m_services.find(serviceKey(ns, name));
    if (it == m_services.end())
        return out;
    for (const Bucket &b : it->second.history) {
        const int64_t pos = b.index - (current - n + 1);
        if (pos >= 0 && pos < n)
            out[static_cast<size_t>(pos)] = b.stats;
    }
    return out;
}

std::string TrafficGenerator::accessLine(const std::string &clientIp, Clock::Time when, int status,
                                         int bytes)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char stamp[64];
    std::snprintf(stamp, sizeof stamp, "%02d/%s/%04d:%02d:%02d:%02d +0000", tm.tm_mday,
                  months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return clientIp + " - - [" + stamp + "] \"GET / HTTP/1.1\" " + std::to_string(status) + " " +
           std::to_string(bytes) + " \"-\" \"kubist-traffic/1.0\"";
}

void TrafficGenerator::scheduleLocked()
{
    if (m_stopped)
        return;
    // Replacing the handle of the tick now running (from inside it) is
    // allowed: its cancel returns at once.
    m_timer = m_clock.schedule(m_options.tick, [this] { tick(); });
}

int64_t TrafficGenerator::bucketIndex(Clock::Time t) const
{
    const auto since = t.time_since_epoch().count();
    const auto width = std::max<Clock::Duration::rep>(1, m_options.bucket.count());
    return since >= 0 ? since / width : (since - width + 1) / width;
}

void TrafficGenerator::recordLocked(Service &service, int64_t bucket, bool ok)
{
    (ok ? service.total.succeeded : service.total.failed)++;
    if (service.history.empty() || service.history.back().index != bucket)
        service.history.push_back(Bucket{bucket, Stats{}});
    Stats &s = service.history.back().stats;
    (ok ? s.succeeded : s.failed)++;
    while (!service.history.empty() &&
           service.history.front().index <= bucket - static_cast<int64_t>(m_options.historyBuckets))
        service.history.pop_front();
}

void TrafficGenerator::tick()
{
    std::lock_guard tickLock(m_tickMutex);
    std::vector<std::pair<std::string, int>> plan; // service key, requests
    {
        std::lock_guard lock(m_mutex);
        if (m_stopped)
            return;
        const double seconds = std::chrono::duration<double>(m_options.tick).count();
        for (auto &[key, s] : m_services) {
            if (s.rate <= 0)
                continue;
            s.carry += s.rate * seconds;
            // The epsilon absorbs rounding (0.2 s * 5 rps is 1 request).
            const double whole = std::floor(s.carry + 1e-9);
            s.carry = std::max(0.0, s.carry - whole);
            if (whole >= 1)
                plan.emplace_back(key, static_cast<int>(whole));
        }
        scheduleLocked();
    }
    if (plan.empty())
        return;

    const Clock::Time now = m_clock.now();
    // Entry nodes, with their client address and table.
    struct Entry
    {
        std::string clientIp;
        std::shared_ptr<const ProxyTable> table;
    };
    std::vector<Entry> entries;
    const std::vector<std::string> nodes = m_proxies.nodes();
    for (size_t i = 0; i < nodes.size(); ++i) {
        if (!m_options.enterAtStoppedProxies && !m_proxies.proxyRunning(nodes[i]))
            continue;
        if (m_options.nodeUp && !m_options.nodeUp(nodes[i]))
            continue;
        entries.push_back({"10.244." + std::to_string(i) + ".1", m_proxies.tablePtr(nodes[i])});
    }

    struct Outcome
    {
        std::string service;
        std::string pod; // "ns/pod"; empty when the request reached no pod
        bool ok = false;
    };
    std::vector<Outcome> outcomes;
    for (const auto &[key, count] : plan) {
        for (int r = 0; r < count; ++r) {
            Outcome o{key, std::string(), false};
            if (!entries.empty()) {
                const Entry &entry = entries[m_nextEntry++ % entries.size()];
                const std::optional<ProxyEndpoint> ep = entry.table->route(key, "", m_rng);
                if (ep && ep->podName.empty()) {
                    o.ok = true;
                } else if (ep) {
                    o.pod = serviceKey(ep->podNamespace, ep->podName);
                    o.ok = !m_options.podServing ||
                           m_options.podServing(ep->podNamespace, ep->podName);
                    if (o.ok && m_options.requestLog)
                        m_options.requestLog(ep->podNamespace, ep->podName,
                                             accessLine(entry.clientIp, now));
                }
            }
            outcomes.push_back(std::move(o));
        }
    }

    const int64_t bucket = bucketIndex(now);
    std::lock_guard lock(m_mutex);
    for (const Outcome &o : outcomes) {
        recordLocked(m_services[o.service], bucket, o.ok);
        if (!o.pod.empty())
            (o.ok ? m_pods[o.pod].succeeded : m_pods[o.pod].failed)++;
    }
}

} // namespace kubist::proxy
