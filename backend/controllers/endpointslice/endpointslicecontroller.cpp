#include "backend/controllers/endpointslice/endpointslicecontroller.h"

#include "backend/api/scheme.h"
#include "backend/client/indexer.h"
#include "backend/client/objectkey.h"
#include "backend/controllers/common/podutil.h"
#include "backend/controllers/endpoints/endpointsutil.h"

#include "core_v1.pb.h"
#include "discovery_v1.pb.h"

#include <algorithm>
#include <chrono>
#include <vector>

namespace kubist::controllers {

namespace core = k8s::io::api::core::v1;
namespace discovery = k8s::io::api::discovery::v1;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;

namespace {

constexpr const char kComponent[] = "endpoint-slice-controller";
constexpr const char kServiceNameLabel[] = "kubernetes.io/service-name";
constexpr const char kManagedByLabel[] = "endpointslice.kubernetes.io/managed-by";
constexpr const char kManagedBy[] = "endpointslice-controller.k8s.io";
constexpr const char kHeadlessLabel[] = "service.kubernetes.io/headless";
constexpr const char kServiceIndex[] = "service";

const api::KindInfo &kindOf(const google::protobuf::Descriptor *d)
{
    return *api::Scheme::builtin().byDescriptor(d);
}

client::WorkQueue::Options queueOptions()
{
    client::WorkQueue::Options o;
    o.name = "endpointslice";
    return o;
}

// "ns/service" of a slice this controller manages, or "".
std::string serviceKeyOf(const google::protobuf::Message &object)
{
    const meta::ObjectMeta &md = client::objectMeta(object);
    auto managed = md.labels().find(kManagedByLabel);
    auto service = md.labels().find(kServiceNameLabel);
    if (managed == md.labels().end() || managed->second != kManagedBy ||
        service == md.labels().end())
        return {};
    return client::objectKey(md.namespace_(), service->second);
}

std::string portsKey(const google::protobuf::RepeatedPtrField<discovery::EndpointPort> &ports)
{
    std::string out;
    for (const discovery::EndpointPort &p : ports)
        out += p.SerializeAsString() + "|";
    return out;
}

bool sameMessage(const google::protobuf::Message &a, const google::protobuf::Message &b)
{
    return a.SerializeAsString() == b.SerializeAsString();
}

int64_t revisionOf(const std::string &rv)
{
    try {
        return rv.empty() ? 0 : std::stoll(rv);
    } catch (...) {
        return 0;
    }
}

} // namespace

EndpointSliceController::EndpointSliceController(client::Client &client, const Clock &clock,
                                                 Options options)
    : m_client(client)
    , m_options(options)
    , m_queue(clock, queueOptions())
    , m_services(
          std::make_unique<client::Informer>(client, kindOf(core::Service::descriptor()), clock))
    , m_pods(std::make_unique<client::Informer>(client, kindOf(core::Pod::descriptor()), clock))
    , m_slices(std::make_unique<client::Informer>(
          client, kindOf(discovery::EndpointSlice::descriptor()), clock))
    , m_workers(
          m_queue, [this](const std::string &key) { return sync(key); },
          std::max(1, options.workers), kComponent)
{
    m_services->addIndex(client::kNamespaceIndex, client::namespaceIndexFunc());
    m_pods->addIndex(client::kNamespaceIndex, client::namespaceIndexFunc());
    m_slices->addIndex(kServiceIndex, [](const google::protobuf::Message &o) {
        const std::string key = serviceKeyOf(o);
        return key.empty() ? std::vector<std::string>{} : std::vector<std::string>{key};
    });

    auto serviceChanged = [this](const client::ObjectPtr &o) {
        m_queue.add(client::objectKey(*o));
    };
    m_services->addEventHandler(
        {serviceChanged,
         [serviceChanged](const client::ObjectPtr &, const client::ObjectPtr &o) {
             serviceChanged(o);
         },
         serviceChanged});
    m_pods->addEventHandler({[this](const client::ObjectPtr &o) { enqueueServicesOfPod(o); },
                             [this](const client::ObjectPtr &old, const client::ObjectPtr &o) {
                                 enqueueServicesOfPod(old);
                                 enqueueServicesOfPod(o);
                             },
                             [this](const client::ObjectPtr &o) { enqueueServicesOfPod(o); }});
    m_slices->addEventHandler({[this](const client::ObjectPtr &o) { enqueueServiceOfSlice(o); },
                               [this](const client::ObjectPtr &, const client::ObjectPtr &o) {
                                   enqueueServiceOfSlice(o);
                               },
                               [this](const client::ObjectPtr &o) { enqueueServiceOfSlice(o); }});
}

EndpointSliceController::~EndpointSliceController()
{
    stop();
}

void EndpointSliceController::start()
{
    if (m_started.exchange(true))
        return;
    m_services->start();
    m_pods->start();
    m_slices->start();
    m_workers.start();
}

void EndpointSliceController::stop()
{
    if (m_stopped.exchange(true))
        return;
    m_services->stop();
    m_pods->stop();
    m_slices->stop();
    m_queue.shutDown();
    m_workers.stop();
}

void EndpointSliceController::enqueueServicesOfPod(const client::ObjectPtr &object)
{
    const auto &pod = static_cast<const core::Pod &>(*object);
    for (const client::ObjectPtr &s :
         m_services->indexer().byIndex(client::kNamespaceIndex, pod.metadata().namespace_())) {
        const auto &service = static_cast<const core::Service &>(*s);
        if (selectorMatches(service.spec().selector(), pod.metadata().labels()))
            m_queue.add(client::objectKey(service));
    }
}

void EndpointSliceController::enqueueServiceOfSlice(const client::ObjectPtr &slice)
{
    const std::string key = serviceKeyOf(*slice);
    if (!key.empty())
        m_queue.add(key);
}

void EndpointSliceController::expectWrite(const std::string &serviceKey,
                                          const client::ObjectPtr &written)
{
    const meta::ObjectMeta &md = client::objectMeta(*written);
    std::lock_guard lock(m_mutex);
    m_expected[serviceKey][md.name()] = md.resource_version();
}

void EndpointSliceController::expectDeletion(const std::string &serviceKey,
                                             const std::string &sliceName)
{
    std::lock_guard lock(m_mutex);
    m_expected[serviceKey][sliceName] = "";
}

bool EndpointSliceController::cacheHasOurWrites(const std::string &serviceKey)
{
    std::lock_guard lock(m_mutex);
    auto it = m_expected.find(serviceKey);
    if (it == m_expected.end())
        return true;
    const std::string ns = client::splitObjectKey(serviceKey).first;
    for (auto e = it->second.begin(); e != it->second.end();) {
        const client::ObjectPtr cached = m_slices->indexer().get(client::objectKey(ns, e->first));
        const bool seen =
            e->second.empty()
                ? !cached
                : cached && revisionOf(client::objectMeta(*cached).resource_version()) >=
                                revisionOf(e->second);
        e = seen ? it->second.erase(e) : std::next(e);
    }
    const bool done = it->second.empty();
    if (done)
        m_expected.erase(it);
    return done;
}

Status EndpointSliceController::sync(const std::string &key)
{
    const auto timeout = std::chrono::seconds(30);
    if (!m_services->waitForSync(timeout) || !m_pods->waitForSync(timeout) ||
        !m_slices->waitForSync(timeout))
        return Status::unavailable("caches not synced");
    if (!cacheHasOurWrites(key))
        return {}; // the slice informer's event brings the service back
    const auto [ns, name] = client::splitObjectKey(key);
    const api::KindInfo &sliceKind = kindOf(discovery::EndpointSlice::descriptor());
    std::vector<client::ObjectPtr> existing = m_slices->indexer().byIndex(kServiceIndex, key);
    const client::ObjectPtr serviceObj = m_services->indexer().get(key);
    const auto *service = static_cast<const core::Service *>(serviceObj.get());

    auto removeSlice = [&](const client::ObjectPtr &slice) -> Status {
        const meta::ObjectMeta &md = client::objectMeta(*slice);
        client::DeleteOptions o;
        o.preconditionUid = md.uid();
        Result<client::ObjectPtr> r = m_client.remove(sliceKind, ns, md.name(), o);
        if (!r && r.status().code() != Status::Code::NotFound &&
            r.status().code() != Status::Code::Conflict)
            return r.status();
        expectDeletion(key, md.name());
        return {};
    };
    if (!service || service->metadata().has_deletion_timestamp() ||
        service->spec().selector().empty() || service->spec().type() == "ExternalName") {
        if (service && !service->metadata().has_deletion_timestamp())
            return {}; // not ours to manage (slices of selector-less services are by hand)
        for (const client::ObjectPtr &slice : existing)
            if (Status s = removeSlice(slice); !s)
                return s;
        return {};
    }

    // The desired endpoints, grouped by their resolved ports.
    const bool publishNotReady = service->spec().publish_not_ready_addresses();
    std::map<std::string, std::pair<google::protobuf::RepeatedPtrField<discovery::EndpointPort>,
                                    std::vector<discovery::Endpoint>>>
        groups;
    for (const client::ObjectPtr &p : m_pods->indexer().byIndex(client::kNamespaceIndex, ns)) {
        const auto &pod = static_cast<const core::Pod &>(*p);
        if (!selectorMatches(service->spec().selector(), pod.metadata().labels()) ||
            !shouldPodBeInEndpoints(pod, true))
            continue;
        const std::string ip = podAddress(pod);
        if (ip.find(':') != std::string::npos)
            continue; // IPv6: another address type
        google::protobuf::RepeatedPtrField<discovery::EndpointPort> ports;
        for (const core::ServicePort &sp : service->spec().ports()) {
            const std::optional<int32_t> port = findPort(pod, sp);
            if (!port)
                continue;
            discovery::EndpointPort *ep = ports.Add();
            ep->set_name(sp.name());
            ep->set_port(*port);
            ep->set_protocol(protocolOf(sp.protocol()));
            if (sp.has_app_protocol())
                ep->set_app_protocol(sp.app_protocol());
        }
        discovery::Endpoint endpoint;
        endpoint.add_addresses(ip);
        const bool serving = isPodReady(pod);
        const bool terminating = pod.metadata().has_deletion_timestamp();
        endpoint.mutable_conditions()->set_ready(publishNotReady || (serving && !terminating));
        endpoint.mutable_conditions()->set_serving(serving);
        endpoint.mutable_conditions()->set_terminating(terminating);
        const std::string hostname = endpointHostname(pod, *service);
        if (!hostname.empty())
            endpoint.set_hostname(hostname);
        if (!pod.spec().node_name().empty())
            endpoint.set_node_name(pod.spec().node_name());
        core::ObjectReference *ref = endpoint.mutable_target_ref();
        ref->set_kind("Pod");
        ref->set_namespace_(pod.metadata().namespace_());
        ref->set_name(pod.metadata().name());
        ref->set_uid(pod.metadata().uid());
        auto &group = groups[portsKey(ports)];
        group.first = ports;
        group.second.push_back(endpoint);
    }
    if (groups.empty())
        groups[""]; // the placeholder: one slice without endpoints or ports

    // Labels and owner every slice of the service carries.
    google::protobuf::Map<std::string, std::string> labels = service->metadata().labels();
    labels[kServiceNameLabel] = name;
    labels[kManagedByLabel] = kManagedBy;
    if (service->spec().cluster_ip() == "None")
        labels[kHeadlessLabel] = "";
    else
        labels.erase(kHeadlessLabel);
    meta::OwnerReference owner = makeControllerRef(*service);

    // Existing slices by their ports, oldest name first, reused in order.
    std::sort(existing.begin(), existing.end(), [](const auto &a, const auto &b) {
        return client::objectMeta(*a).name() < client::objectMeta(*b).name();
    });
    std::map<std::string, std::vector<client::ObjectPtr>> reusable;
    for (const client::ObjectPtr &s : existing)
        reusable[portsKey(static_cast<const discovery::EndpointSlice &>(*s).ports())].push_back(s);

    const size_t perSlice = static_cast<size_t>(std::max(1, m_options.maxEndpointsPerSlice));
    for (auto &[portsId, group] : groups) {
        std::vector<discovery::Endpoint> &endpoints = group.second;
        std::sort(endpoints.begin(), endpoints.end(), [](const auto &a, const auto &b) {
            return a.target_ref().name() < b.target_ref().name();
        });
        std::vector<client::ObjectPtr> &candidates = reusable[portsId];
        for (size_t start = 0; start == 0 || start < endpoints.size(); start += perSlice) {
            discovery::EndpointSlice desired;
            if (!candidates.empty()) {
                desired.CopyFrom(*candidates.front());
                candidates.erase(candidates.begin());
            } else {
                desired.mutable_metadata()->set_generate_name(name + "-");
                desired.mutable_metadata()->set_namespace_(ns);
            }
            const discovery::EndpointSlice before = desired;
            *desired.mutable_metadata()->mutable_labels() = labels;
            desired.mutable_metadata()->clear_owner_references();
            *desired.mutable_metadata()->add_owner_references() = owner;
            desired.set_address_type("IPv4");
            desired.clear_endpoints();
            for (size_t i = start; i < std::min(endpoints.size(), start + perSlice); ++i)
                *desired.add_endpoints() = endpoints[i];
            *desired.mutable_ports() = group.first;
            if (!desired.metadata().name().empty() && sameMessage(before, desired))
                continue;
            Result<client::ObjectPtr> r = desired.metadata().name().empty()
                                              ? m_client.create(sliceKind, ns, desired)
                                              : m_client.update(sliceKind, ns, desired);
            if (!r) {
                if (r.status().code() == Status::Code::Conflict)
                    return {}; // the newer slice comes through the informer
                return r.status();
            }
            expectWrite(key, *r);
            if (endpoints.empty())
                break;
        }
    }
    for (const auto &[portsId, leftovers] : reusable)
        for (const client::ObjectPtr &slice : leftovers)
            if (Status s = removeSlice(slice); !s)
                return s;
    return {};
}

} // namespace kubist::controllers
