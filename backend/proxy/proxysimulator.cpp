#include "backend/proxy/proxysimulator.h"

#include "backend/api/scheme.h"
#include "backend/client/informer.h"
#include "backend/client/objectkey.h"

#include "core_v1.pb.h"
#include "discovery_v1.pb.h"

#include <utility>

namespace kubist::proxy {

namespace core = k8s::io::api::core::v1;
namespace discovery = k8s::io::api::discovery::v1;

namespace {

const api::KindInfo &kindOf(const google::protobuf::Descriptor *d)
{
    return *api::Scheme::builtin().byDescriptor(d);
}

client::Informer::Options informerOptions(const std::string &name)
{
    client::Informer::Options o;
    o.name = name;
    return o;
}

} // namespace

ProxySimulator::ProxySimulator(client::Client &client, const Clock &clock)
    : ProxySimulator(client, clock, Options())
{}

ProxySimulator::ProxySimulator(client::Client &client, const Clock &clock, Options options)
    : m_clock(clock)
    , m_options(std::move(options))
    , m_services(std::make_unique<client::Informer>(client, kindOf(core::Service::descriptor()),
                                                    clock, informerOptions("kube-proxy/services")))
    , m_slices(
          std::make_unique<client::Informer>(client, kindOf(discovery::EndpointSlice::descriptor()),
                                             clock, informerOptions("kube-proxy/endpointslices")))
{
    const client::Informer::Handlers changed{
        [this](const client::ObjectPtr &) { apiChanged(); },
        [this](const client::ObjectPtr &, const client::ObjectPtr &) { apiChanged(); },
        [this](const client::ObjectPtr &) { apiChanged(); }};
    m_services->addEventHandler(changed);
    m_slices->addEventHandler(changed);
    if (m_options.watchNodes) {
        m_nodeInformer = std::make_unique<client::Informer>(
            client, kindOf(core::Node::descriptor()), clock, informerOptions("kube-proxy/nodes"));
        m_nodeInformer->addEventHandler(
            {[this](const client::ObjectPtr &n) { addNode(client::objectKey(*n)); }, nullptr,
             [this](const client::ObjectPtr &n) { removeNode(client::objectKey(*n)); }});
    }
}

ProxySimulator::~ProxySimulator()
{
    stop();
}

void ProxySimulator::start()
{
    {
        std::lock_guard lock(m_mutex);
        if (m_started || m_stopped)
            return;
        m_started = true;
    }
    m_services->start();
    m_slices->start();
    if (m_nodeInformer)
        m_nodeInformer->start();
}

void ProxySimulator::stop()
{
    std::vector<std::unique_ptr<Timer>> timers;
    {
        std::lock_guard lock(m_mutex);
        if (m_stopped)
            return;
        m_stopped = true;
        for (auto &[node, entry] : m_entries)
            if (entry.pending)
                timers.push_back(std::move(entry.pending));
    }
    m_halted = true;
    timers.clear(); // waits for a sync in progress (outside the lock it takes)
    {
        // A sync that already left the lock may still be notifying.
        std::lock_guard notify(m_notifyMutex);
    }
    m_services->stop();
    m_slices->stop();
    if (m_nodeInformer)
        m_nodeInformer->stop();
}

void ProxySimulator::addNode(const std::string &node)
{
    if (node.empty())
        return;
    std::lock_guard lock(m_mutex);
    if (m_entries.count(node))
        return;
    Entry &entry = m_entries[node];
    entry.proxy = std::make_unique<KubeProxy>(node);
    scheduleSyncLocked(node, entry, Clock::Duration::zero());
}

void ProxySimulator::removeNode(const std::string &node)
{
    std::unique_ptr<Timer> pending;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_entries.find(node);
        if (it == m_entries.end())
            return;
        pending = std::move(it->second.pending);
        m_entries.erase(it);
    }
    pending.reset(); // outside the lock: a running sync takes it
}

std::vector<std::string> ProxySimulator::nodes() const
{
    std::lock_guard lock(m_mutex);
    std::vector<std::string> out;
    out.reserve(m_entries.size());
    for (const auto &[node, entry] : m_entries)
        out.push_back(node);
    return out;
}

Status ProxySimulator::stopProxy(const std::string &node)
{
    std::unique_ptr<Timer> pending;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_entries.find(node);
        if (it == m_entries.end())
            return Status::notFound("no kube-proxy on node " + node);
        it->second.proxy->setRunning(false);
        pending = std::move(it->second.pending);
        ++it->second.token; // a sync already waiting for the lock does nothing
    }
    pending.reset();
    return Status();
}

Status ProxySimulator::startProxy(const std::string &node)
{
    std::lock_guard lock(m_mutex);
    auto it = m_entries.find(node);
    if (it == m_entries.end())
        return Status::notFound("no kube-proxy on node " + node);
    if (!it->second.proxy->running()) {
        it->second.proxy->setRunning(true);
        scheduleSyncLocked(node, it->second, Clock::Duration::zero());
    }
    return Status();
}

bool ProxySimulator::proxyRunning(const std::string &node) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_entries.find(node);
    return it != m_entries.end() && it->second.proxy->running();
}

ProxyTable ProxySimulator::table(const std::string &node) const
{
    return *tablePtr(node);
}

std::shared_ptr<const ProxyTable> ProxySimulator::tablePtr(const std::string &node) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_entries.find(node);
    if (it == m_entries.end())
        return std::make_shared<const ProxyTable>();
    return it->second.proxy->table();
}

uint64_t ProxySimulator::tableVersion(const std::string &node) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_entries.find(node);
    return it == m_entries.end() ? 0 : it->second.proxy->version();
}

std::optional<ProxyEndpoint> ProxySimulator::route(const std::string &node,
                                                   const std::string &serviceKey,
                                                   const std::string &portName,
                                                   std::mt19937_64 &rng) const
{
    return tablePtr(node)->route(serviceKey, portName, rng);
}

void ProxySimulator::apiChanged()
{
    std::lock_guard lock(m_mutex);
    if (m_stopped)
        return;
    ++m_generation;
    for (auto &[node, entry] : m_entries)
        if (entry.proxy->running() && !entry.pending)
            scheduleSyncLocked(node, entry, m_options.minSyncPeriod);
}

void ProxySimulator::scheduleSyncLocked(const std::string &node, Entry &entry,
                                        Clock::Duration delay)
{
    if (m_stopped || entry.pending)
        return; // a sync is already scheduled (every caller ensures it is not)
    const uint64_t token = ++m_nextToken;
    entry.token = token;
    entry.pending = m_clock.schedule(delay, [this, node, token] { sync(node, token); });
}

void ProxySimulator::sync(const std::string &node, uint64_t token)
{
    uint64_t version = 0;
    {
        std::lock_guard lock(m_mutex);
        if (m_stopped)
            return;
        auto it = m_entries.find(node);
        if (it == m_entries.end() || it->second.token != token || !it->second.proxy->running())
            return;
        Entry &entry = it->second;
        entry.pending.reset(); // our own handle: returns at once
        if (!entry.proxy->program(currentTableLocked(), m_clock.now()))
            return;
        version = entry.proxy->version();
    }
    if (!m_options.onTableChanged)
        return;
    std::lock_guard notify(m_notifyMutex);
    if (!m_halted)
        m_options.onTableChanged(node, version);
}

std::shared_ptr<const ProxyTable> ProxySimulator::currentTableLocked()
{
    if (!m_cached || m_cachedGeneration != m_generation) {
        m_cached = std::make_shared<const ProxyTable>(
            ProxyTable::build(m_services->indexer().list(), m_slices->indexer().list()));
        m_cachedGeneration = m_generation;
    }
    return m_cached;
}

} // namespace kubist::proxy
