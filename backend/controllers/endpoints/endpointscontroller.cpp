#include "backend/controllers/endpoints/endpointscontroller.h"

#include "backend/api/scheme.h"
#include "backend/client/indexer.h"
#include "backend/client/objectkey.h"
#include "backend/controllers/common/podutil.h"
#include "backend/controllers/endpoints/endpointsutil.h"
#include "backend/util/log.h"

#include "core_v1.pb.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <tuple>
#include <vector>

namespace kubist::controllers {

namespace core = k8s::io::api::core::v1;

namespace {

constexpr const char kComponent[] = "endpoint-controller";
constexpr const char kHeadlessLabel[] = "service.kubernetes.io/headless";

const api::KindInfo &kindOf(const google::protobuf::Descriptor *d)
{
    return *api::Scheme::builtin().byDescriptor(d);
}

client::WorkQueue::Options queueOptions()
{
    client::WorkQueue::Options o;
    o.name = "endpoint";
    return o;
}

using PortKey = std::tuple<std::string, int32_t, std::string, std::string>;

PortKey portKey(const core::EndpointPort &p)
{
    return {p.name(), p.port(), p.protocol(), p.app_protocol()};
}

std::string addressKey(const core::EndpointAddress &a)
{
    return a.ip() + "/" + a.target_ref().uid();
}

// Groups addresses by the set of ports they serve (upstream RepackSubsets)
// into sorted subsets.
struct SubsetBuilder
{
    struct Entry
    {
        core::EndpointAddress address;
        bool ready = false;
        std::map<PortKey, core::EndpointPort> ports;
    };
    std::map<std::string, Entry> entries;

    void add(const core::EndpointAddress &address, bool ready, const core::EndpointPort *port)
    {
        Entry &e = entries[addressKey(address)];
        e.address = address;
        e.ready = ready;
        if (port)
            e.ports[portKey(*port)] = *port;
    }

    google::protobuf::RepeatedPtrField<core::EndpointSubset> build() const
    {
        std::map<std::vector<PortKey>, core::EndpointSubset> byPorts;
        for (const auto &[key, e] : entries) {
            std::vector<PortKey> keys;
            for (const auto &[pk, p] : e.ports)
                keys.push_back(pk);
            auto [it, inserted] = byPorts.try_emplace(keys);
            if (inserted)
                for (const auto &[pk, p] : e.ports)
                    *it->second.add_ports() = p;
            *(e.ready ? it->second.add_addresses() : it->second.add_not_ready_addresses()) =
                e.address;
        }
        google::protobuf::RepeatedPtrField<core::EndpointSubset> out;
        for (auto &[keys, subset] : byPorts) {
            auto byIp = [](const core::EndpointAddress &a, const core::EndpointAddress &b) {
                return std::tie(a.ip(), a.target_ref().uid()) <
                       std::tie(b.ip(), b.target_ref().uid());
            };
            std::sort(subset.mutable_addresses()->begin(), subset.mutable_addresses()->end(), byIp);
            std::sort(subset.mutable_not_ready_addresses()->begin(),
                      subset.mutable_not_ready_addresses()->end(), byIp);
            *out.Add() = subset;
        }
        return out;
    }
};

bool sameSubsets(const google::protobuf::RepeatedPtrField<core::EndpointSubset> &a,
                 const google::protobuf::RepeatedPtrField<core::EndpointSubset> &b)
{
    if (a.size() != b.size())
        return false;
    for (int i = 0; i < a.size(); ++i)
        if (a.Get(i).SerializeAsString() != b.Get(i).SerializeAsString())
            return false;
    return true;
}

} // namespace

EndpointsController::EndpointsController(client::Client &client, const Clock &clock,
                                         Options options)
    : m_client(client)
    , m_clock(clock)
    , m_options(options)
    , m_recorder(client, clock, kComponent)
    , m_queue(clock, queueOptions())
    , m_services(
          std::make_unique<client::Informer>(client, kindOf(core::Service::descriptor()), clock))
    , m_pods(std::make_unique<client::Informer>(client, kindOf(core::Pod::descriptor()), clock))
    , m_endpoints(
          std::make_unique<client::Informer>(client, kindOf(core::Endpoints::descriptor()), clock))
    , m_workers(
          m_queue, [this](const std::string &key) { return sync(key); },
          std::max(1, options.workers), kComponent)
{
    m_services->addIndex(client::kNamespaceIndex, client::namespaceIndexFunc());
    m_pods->addIndex(client::kNamespaceIndex, client::namespaceIndexFunc());

    m_services->addEventHandler(
        {[this](const client::ObjectPtr &o) { enqueueObject(o); },
         [this](const client::ObjectPtr &, const client::ObjectPtr &o) { enqueueObject(o); },
         [this](const client::ObjectPtr &o) { enqueueObject(o); }});
    m_pods->addEventHandler({[this](const client::ObjectPtr &o) { enqueueServicesOfPod(o); },
                             [this](const client::ObjectPtr &old, const client::ObjectPtr &o) {
                                 enqueueServicesOfPod(old);
                                 enqueueServicesOfPod(o);
                             },
                             [this](const client::ObjectPtr &o) { enqueueServicesOfPod(o); }});
    // Leftover Endpoints are checked once (those the first list finds);
    // after that only Endpoints of existing Services are looked at. Our own writes come back too,
    // so a sync that acted on a stale cache (AlreadyExists, Conflict) runs again once the cache
    // caught up.
    auto endpointsChanged = [this](const client::ObjectPtr &o) {
        if (!m_endpoints->hasSynced() || m_services->indexer().get(client::objectKey(*o)))
            enqueueObject(o);
    };
    m_endpoints->addEventHandler(
        {endpointsChanged,
         [endpointsChanged](const client::ObjectPtr &, const client::ObjectPtr &o) {
             endpointsChanged(o);
         },
         [this](const client::ObjectPtr &o) { enqueueObject(o); }});
}

EndpointsController::~EndpointsController()
{
    stop();
}

void EndpointsController::start()
{
    if (m_started.exchange(true))
        return;
    m_services->start();
    m_pods->start();
    m_endpoints->start();
    m_workers.start();
}

void EndpointsController::stop()
{
    if (m_stopped.exchange(true))
        return;
    m_services->stop();
    m_pods->stop();
    m_endpoints->stop();
    m_queue.shutDown();
    m_workers.stop();
}

void EndpointsController::enqueueObject(const client::ObjectPtr &object)
{
    m_queue.add(client::objectKey(*object));
}

void EndpointsController::enqueueServicesOfPod(const client::ObjectPtr &object)
{
    const auto &pod = static_cast<const core::Pod &>(*object);
    for (const client::ObjectPtr &s :
         m_services->indexer().byIndex(client::kNamespaceIndex, pod.metadata().namespace_())) {
        const auto &service = static_cast<const core::Service &>(*s);
        if (selectorMatches(service.spec().selector(), pod.metadata().labels()))
            m_queue.add(client::objectKey(service));
    }
}

bool EndpointsController::waitForCaches()
{
    const auto timeout = std::chrono::seconds(30);
    return m_services->waitForSync(timeout) && m_pods->waitForSync(timeout) &&
           m_endpoints->waitForSync(timeout);
}

Status EndpointsController::sync(const std::string &key)
{
    if (!waitForCaches())
        return Status::unavailable("caches not synced");
    const auto [ns, name] = client::splitObjectKey(key);
    const api::KindInfo &endpointsKind = kindOf(core::Endpoints::descriptor());
    const client::ObjectPtr serviceObj = m_services->indexer().get(key);
    const client::ObjectPtr current = m_endpoints->indexer().get(key);
    if (!serviceObj) {
        if (!current)
            return {};
        client::DeleteOptions o;
        o.preconditionUid = client::objectMeta(*current).uid();
        Result<client::ObjectPtr> r = m_client.remove(endpointsKind, ns, name, o);
        if (!r && r.status().code() != Status::Code::NotFound &&
            r.status().code() != Status::Code::Conflict)
            return r.status();
        return {};
    }
    const auto &service = static_cast<const core::Service &>(*serviceObj);
    if (service.spec().selector().empty())
        return {};
    if (service.metadata().has_deletion_timestamp())
        return {};

    const bool publishNotReady = service.spec().publish_not_ready_addresses();
    const bool headless = service.spec().cluster_ip() == "None";
    SubsetBuilder builder;
    for (const client::ObjectPtr &p : m_pods->indexer().byIndex(client::kNamespaceIndex, ns)) {
        const auto &pod = static_cast<const core::Pod &>(*p);
        if (!selectorMatches(service.spec().selector(), pod.metadata().labels()))
            continue;
        if (!shouldPodBeInEndpoints(pod, publishNotReady))
            continue;
        core::EndpointAddress address;
        address.set_ip(podAddress(pod));
        const std::string hostname = endpointHostname(pod, service);
        if (!hostname.empty())
            address.set_hostname(hostname);
        if (!pod.spec().node_name().empty())
            address.set_node_name(pod.spec().node_name());
        core::ObjectReference *ref = address.mutable_target_ref();
        ref->set_kind("Pod");
        ref->set_namespace_(pod.metadata().namespace_());
        ref->set_name(pod.metadata().name());
        ref->set_uid(pod.metadata().uid());
        const bool ready = publishNotReady || isPodReady(pod);
        if (service.spec().ports_size() == 0) {
            if (headless)
                builder.add(address, ready, nullptr);
            continue;
        }
        for (const core::ServicePort &sp : service.spec().ports()) {
            const std::optional<int32_t> port = findPort(pod, sp);
            if (!port)
                continue;
            core::EndpointPort ep;
            if (!sp.name().empty())
                ep.set_name(sp.name());
            ep.set_port(*port);
            ep.set_protocol(protocolOf(sp.protocol()));
            if (sp.has_app_protocol())
                ep.set_app_protocol(sp.app_protocol());
            builder.add(address, ready, &ep);
        }
    }

    core::Endpoints desired;
    if (current)
        desired.CopyFrom(*current);
    desired.mutable_metadata()->set_name(name);
    desired.mutable_metadata()->set_namespace_(ns);
    *desired.mutable_subsets() = builder.build();
    auto *labels = desired.mutable_metadata()->mutable_labels();
    *labels = service.metadata().labels();
    if (headless)
        (*labels)[kHeadlessLabel] = "";
    else
        labels->erase(kHeadlessLabel);

    if (current) {
        const auto &old = static_cast<const core::Endpoints &>(*current);
        if (sameSubsets(old.subsets(), desired.subsets()) &&
            old.metadata().labels().size() == desired.metadata().labels().size() &&
            std::all_of(labels->begin(), labels->end(), [&](const auto &kv) {
                auto it = old.metadata().labels().find(kv.first);
                return it != old.metadata().labels().end() && it->second == kv.second;
            }))
            return {};
        Result<client::ObjectPtr> r = m_client.update(endpointsKind, ns, desired);
        if (!r) {
            if (r.status().code() != Status::Code::Conflict &&
                r.status().code() != Status::Code::NotFound)
                m_recorder.record(service, "Warning", "FailedToUpdateEndpoint",
                                  "Failed to update endpoint " + key + ": " + r.status().message());
            return r.status();
        }
        return {};
    }
    Result<client::ObjectPtr> r = m_client.create(endpointsKind, ns, desired);
    if (!r) {
        if (r.status().code() == Status::Code::AlreadyExists)
            return r.status(); // the cache is behind: retry once it caught up
        if (r.status().code() != Status::Code::NotFound) // namespace terminating
            m_recorder.record(service, "Warning", "FailedToCreateEndpoint",
                              "Failed to create endpoint for service " + key + ": " +
                                  r.status().message());
        return r.status();
    }
    return {};
}

} // namespace kubist::controllers
