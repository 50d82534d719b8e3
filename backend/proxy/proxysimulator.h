#pragma once

#include "backend/client/client.h"
#include "backend/proxy/kubeproxy.h"
#include "backend/proxy/proxytable.h"
#include "backend/util/clock.h"
#include "backend/util/status.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kubist::client {
class Informer;
}

namespace kubist::proxy {

// ProxySimulator: the kube-proxies of every node, sharing one Service and
// one EndpointSlice informer (and, with Options::watchNodes, a Node
// informer: every Node gets a proxy, a deleted Node loses it).
//
// Sync: a change of any Service or EndpointSlice marks every running
// proxy out of date; a proxy that is out of date and has no sync pending
// schedules one Options::minSyncPeriod later (a clock timer), so a burst
// of changes is programmed in one sync and a table lags the API by up to
// minSyncPeriod, as upstream's minSyncPeriod makes it lag. A sync rebuilds
// the table from the informers' caches (level-triggered). A proxy that is
// added or (re)started syncs at once (a delay-0 timer).
//
// stopProxy(node) is the "kube-proxy stopped" fault: the proxy keeps its
// last table (stale) and no longer syncs; startProxy(node) resumes it.
//
// Part contract: start() starts the informers; stop() (and the destructor)
// stops them and cancels every pending sync; once it returns no callback
// runs any more. Tables stay readable after stop(). Every function is
// thread-safe. Idle tracking: informers report themselves, syncs are clock
// timers.
class ProxySimulator final
{
public:
    struct Options
    {
        Clock::Duration minSyncPeriod = std::chrono::seconds(1);
        bool watchNodes = true; // a proxy for every Node object too
        // Called (on a clock thread, without the simulator's locks held)
        // after a sync changed a node's table. It may read the simulator
        // but must not stop it.
        std::function<void(const std::string &node, uint64_t version)> onTableChanged;
    };

    ProxySimulator(client::Client &client, const Clock &clock);
    ProxySimulator(client::Client &client, const Clock &clock, Options options);
    ~ProxySimulator();
    ProxySimulator(const ProxySimulator &) = delete;
    ProxySimulator &operator=(const ProxySimulator &) = delete;

    void start();
    void stop();

    // A (running) proxy for `node`; nothing when it has one already.
    void addNode(const std::string &node);
    // Drops the node's proxy and its table; nothing when unknown.
    void removeNode(const std::string &node);
    // Nodes with a proxy, sorted.
    std::vector<std::string> nodes() const;

    // NotFound when the node has no proxy.
    Status stopProxy(const std::string &node);
    Status startProxy(const std::string &node);
    bool proxyRunning(const std::string &node) const; // false when unknown

    // A copy of the node's table (empty when unknown or never synced).
    ProxyTable table(const std::string &node) const;
    // The same, shared (never null); cheap, for per-request routing.
    std::shared_ptr<const ProxyTable> tablePtr(const std::string &node) const;
    // Moves on each time the node's rules change; 0: never synced or unknown.
    uint64_t tableVersion(const std::string &node) const;

    // Routes one request entering at `node` (see ProxyTable::route).
    std::optional<ProxyEndpoint> route(const std::string &node, const std::string &serviceKey,
                                       const std::string &portName, std::mt19937_64 &rng) const;

private:
    struct Entry
    {
        std::unique_ptr<KubeProxy> proxy;
        std::unique_ptr<Timer> pending; // the scheduled sync, if any
        uint64_t token = 0;             // of the scheduled sync
    };

    void apiChanged();
    void scheduleSyncLocked(const std::string &node, Entry &entry, Clock::Duration delay);
    void sync(const std::string &node, uint64_t token);
    std::shared_ptr<const ProxyTable> currentTableLocked();

    const Clock &m_clock;
    const Options m_options;
    // Held while onTableChanged runs; stop() takes it to wait for a call in
    // flight. m_halted: set by stop(), read without m_mutex.
    std::mutex m_notifyMutex;
    std::atomic<bool> m_halted{false};
    std::unique_ptr<client::Informer> m_services;
    std::unique_ptr<client::Informer> m_slices;
    std::unique_ptr<client::Informer> m_nodeInformer;

    mutable std::mutex m_mutex; // guards everything below
    std::map<std::string, Entry> m_entries;
    uint64_t m_generation = 1; // of the API view; moves on with each event
    uint64_t m_nextToken = 0;
    std::shared_ptr<const ProxyTable> m_cached; // built at m_cachedGeneration
    uint64_t m_cachedGeneration = 0;
    bool m_started = false;
    bool m_stopped = false;
};

} // namespace kubist::proxy
