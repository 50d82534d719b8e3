#pragma once

// Builders shared by the proxy tests: Services and EndpointSlices made by
// hand (no controllers run), written with the admin client.

#include "backend/api/scheme.h"
#include "backend/client/client.h"

#include "core_v1.pb.h"
#include "discovery_v1.pb.h"

#include <QTest>

#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace kubist::proxytest {

namespace core = k8s::io::api::core::v1;
namespace discovery = k8s::io::api::discovery::v1;

struct Port
{
    std::string name;
    int32_t port = 80;
};

// One endpoint: address, pod (in the slice's namespace), node, conditions.
struct Ep
{
    std::string ip;
    std::string pod;
    std::string node = "node-0";
    bool ready = true;
    bool serving = true;
    bool terminating = false;
};

inline std::shared_ptr<core::Service> service(const std::string &ns, const std::string &name,
                                              const std::vector<Port> &ports,
                                              const std::string &clusterIP = "")
{
    auto s = std::make_shared<core::Service>();
    s->mutable_metadata()->set_namespace_(ns);
    s->mutable_metadata()->set_name(name);
    if (!clusterIP.empty())
        s->mutable_spec()->set_cluster_ip(clusterIP);
    for (const Port &p : ports) {
        core::ServicePort *sp = s->mutable_spec()->add_ports();
        if (!p.name.empty())
            sp->set_name(p.name);
        sp->set_port(p.port);
        sp->set_protocol("TCP");
        sp->mutable_target_port()->set_type(0);
        sp->mutable_target_port()->set_int_val(p.port + 8000);
    }
    return s;
}

// A slice of `serviceName` exposing `ports` (numbers are target ports).
inline std::shared_ptr<discovery::EndpointSlice>
slice(const std::string &ns, const std::string &name, const std::string &serviceName,
      const std::vector<Port> &ports, const std::vector<Ep> &endpoints)
{
    auto s = std::make_shared<discovery::EndpointSlice>();
    s->mutable_metadata()->set_namespace_(ns);
    s->mutable_metadata()->set_name(name);
    (*s->mutable_metadata()->mutable_labels())["kubernetes.io/service-name"] = serviceName;
    s->set_address_type("IPv4");
    for (const Port &p : ports) {
        discovery::EndpointPort *ep = s->add_ports();
        ep->set_name(p.name);
        ep->set_port(p.port);
        ep->set_protocol("TCP");
    }
    for (const Ep &e : endpoints) {
        discovery::Endpoint *out = s->add_endpoints();
        out->add_addresses(e.ip);
        out->mutable_conditions()->set_ready(e.ready);
        out->mutable_conditions()->set_serving(e.serving);
        out->mutable_conditions()->set_terminating(e.terminating);
        out->set_node_name(e.node);
        if (!e.pod.empty()) {
            out->mutable_target_ref()->set_kind("Pod");
            out->mutable_target_ref()->set_namespace_(ns);
            out->mutable_target_ref()->set_name(e.pod);
        }
    }
    return s;
}

template<class T> const api::KindInfo &kindOf()
{
    return *api::Scheme::builtin().byDescriptor(T::descriptor());
}

// Creates `object`, or replaces the one with its name. False on error.
template<class T> bool put(client::Client &c, const T &object)
{
    const api::KindInfo &kind = kindOf<T>();
    const std::string &ns = object.metadata().namespace_();
    Result<client::ObjectPtr> old = c.get(kind, ns, object.metadata().name());
    if (!old) {
        Result<client::ObjectPtr> r = c.create(kind, ns, object);
        if (!r)
            qWarning("create: %s", r.status().toString().c_str());
        return bool(r);
    }
    T copy = object;
    copy.mutable_metadata()->set_resource_version(
        static_cast<const T &>(**old).metadata().resource_version());
    if constexpr (std::is_same_v<T, core::Service>) {
        // Keep the allocated cluster IP.
        const auto &was = static_cast<const core::Service &>(**old);
        copy.mutable_spec()->set_cluster_ip(was.spec().cluster_ip());
        *copy.mutable_spec()->mutable_cluster_ips() = was.spec().cluster_ips();
    }
    Result<client::ObjectPtr> r = c.update(kind, ns, copy);
    if (!r)
        qWarning("update: %s", r.status().toString().c_str());
    return bool(r);
}

template<class T>
bool removeObject(client::Client &c, const std::string &ns, const std::string &name)
{
    return bool(c.remove(kindOf<T>(), ns, name));
}

} // namespace kubist::proxytest
