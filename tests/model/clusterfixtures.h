#pragma once

// Small builders for GUI tests over a TestCluster: nodes, pods (with the
// status a kubelet would report), owners, services and endpoints, and the
// demo topology (master with its mirror pods, three workers, the web
// Deployment with three running pods behind a Service) built by hand.

#include "tests/testing/testcluster.h"

#include "backend/api/scheme.h"
#include "backend/client/client.h"

#include "apps_v1.pb.h"
#include "coordination_v1.pb.h"
#include "core_v1.pb.h"
#include "meta_v1.pb.h"

#include <QTest>

#include <string>
#include <vector>

namespace kubist::testing::fixtures {

namespace core = k8s::io::api::core::v1;
namespace apps = k8s::io::api::apps::v1;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;

inline const api::KindInfo &kindOf(const google::protobuf::Descriptor *d)
{
    return *api::Scheme::builtin().byDescriptor(d);
}

template<class T> std::shared_ptr<const T> create(client::Client &c, const T &object)
{
    const api::KindInfo &kind = kindOf(T::descriptor());
    Result<client::ObjectPtr> r =
        c.create(kind, kind.namespaced ? object.metadata().namespace_() : "", object);
    if (!r)
        qFatal("create %s: %s", object.metadata().name().c_str(), r.status().message().c_str());
    return std::static_pointer_cast<const T>(*r);
}

inline core::Node node(const std::string &name, bool controlPlane = false,
                       const std::string &ready = "True")
{
    core::Node n;
    n.mutable_metadata()->set_name(name);
    if (controlPlane) {
        (*n.mutable_metadata()->mutable_labels())["node-role.kubernetes.io/control-plane"] = "";
        core::Taint *t = n.mutable_spec()->add_taints();
        t->set_key("node-role.kubernetes.io/control-plane");
        t->set_effect("NoSchedule");
    }
    core::NodeCondition *c = n.mutable_status()->add_conditions();
    c->set_type("Ready");
    c->set_status(ready);
    (*n.mutable_status()->mutable_allocatable())["cpu"].set_value("4");
    (*n.mutable_status()->mutable_allocatable())["memory"].set_value("8Gi");
    (*n.mutable_status()->mutable_allocatable())["pods"].set_value("110");
    (*n.mutable_status()->mutable_capacity()) = n.status().allocatable();
    return n;
}

inline core::Pod pod(const std::string &ns, const std::string &name, const std::string &nodeName,
                     const std::map<std::string, std::string> &labels = {})
{
    core::Pod p;
    p.mutable_metadata()->set_namespace_(ns);
    p.mutable_metadata()->set_name(name);
    for (const auto &[k, v] : labels)
        (*p.mutable_metadata()->mutable_labels())[k] = v;
    p.mutable_spec()->set_node_name(nodeName);
    core::Container *c = p.mutable_spec()->add_containers();
    c->set_name("main");
    c->set_image("nginx");
    (*c->mutable_resources()->mutable_requests())["cpu"].set_value("500m");
    (*c->mutable_resources()->mutable_requests())["memory"].set_value("256Mi");
    return p;
}

inline void setOwner(core::Pod &p, const std::string &kind, const std::string &name,
                     const std::string &uid)
{
    meta::OwnerReference *r = p.mutable_metadata()->add_owner_references();
    r->set_api_version("apps/v1");
    r->set_kind(kind);
    r->set_name(name);
    r->set_uid(uid);
    r->set_controller(true);
}

// Writes the pod's status as a kubelet would: phase and Ready.
inline void setPodStatus(client::Client &c, const std::string &ns, const std::string &name,
                         const std::string &phase, bool ready, int restarts = 0,
                         const std::string &waitingReason = "")
{
    Result<std::shared_ptr<const core::Pod>> cur = client::getAs<core::Pod>(c, ns, name);
    if (!cur)
        qFatal("get pod %s: %s", name.c_str(), cur.status().message().c_str());
    core::Pod p = **cur;
    p.mutable_status()->set_phase(phase);
    p.mutable_status()->clear_conditions();
    core::PodCondition *cond = p.mutable_status()->add_conditions();
    cond->set_type("Ready");
    cond->set_status(ready ? "True" : "False");
    p.mutable_status()->clear_container_statuses();
    core::ContainerStatus *cs = p.mutable_status()->add_container_statuses();
    cs->set_name("main");
    cs->set_ready(ready);
    cs->set_restart_count(restarts);
    cs->set_image("nginx");
    cs->set_image_id("nginx");
    if (!waitingReason.empty())
        cs->mutable_state()->mutable_waiting()->set_reason(waitingReason);
    else if (phase == "Running")
        cs->mutable_state()->mutable_running();
    client::WriteOptions o;
    o.subresource = "status";
    Result<client::ObjectPtr> r = c.update(kindOf(core::Pod::descriptor()), ns, p, o);
    if (!r)
        qFatal("pod status %s: %s", name.c_str(), r.status().message().c_str());
}

inline void setNodeReady(client::Client &c, const std::string &name, const std::string &ready)
{
    Result<std::shared_ptr<const core::Node>> cur = client::getAs<core::Node>(c, "", name);
    if (!cur)
        qFatal("get node %s", name.c_str());
    core::Node n = **cur;
    for (core::NodeCondition &cond : *n.mutable_status()->mutable_conditions())
        if (cond.type() == "Ready")
            cond.set_status(ready);
    client::WriteOptions o;
    o.subresource = "status";
    Result<client::ObjectPtr> r = c.update(kindOf(core::Node::descriptor()), "", n, o);
    if (!r)
        qFatal("node status %s: %s", name.c_str(), r.status().message().c_str());
}

inline void removeObject(client::Client &c, const google::protobuf::Descriptor *d,
                         const std::string &ns, const std::string &name)
{
    client::DeleteOptions o;
    o.gracePeriodSeconds = 0;
    Result<client::ObjectPtr> r = c.remove(kindOf(d), ns, name, o);
    if (!r)
        qFatal("delete %s: %s", name.c_str(), r.status().message().c_str());
}

// Endpoints `name` in `ns` listing `ready` and `notReady` pods (by name).
inline core::Endpoints endpoints(const std::string &ns, const std::string &name,
                                 const std::vector<std::string> &ready,
                                 const std::vector<std::string> &notReady = {})
{
    core::Endpoints e;
    e.mutable_metadata()->set_namespace_(ns);
    e.mutable_metadata()->set_name(name);
    if (ready.empty() && notReady.empty())
        return e;
    core::EndpointSubset *s = e.add_subsets();
    int ip = 1;
    const auto fill = [&](core::EndpointAddress *a, const std::string &pod) {
        a->set_ip("10.244.0." + std::to_string(ip++));
        a->mutable_target_ref()->set_kind("Pod");
        a->mutable_target_ref()->set_namespace_(ns);
        a->mutable_target_ref()->set_name(pod);
    };
    for (const std::string &p : ready)
        fill(s->add_addresses(), p);
    for (const std::string &p : notReady)
        fill(s->add_not_ready_addresses(), p);
    core::EndpointPort *port = s->add_ports();
    port->set_port(80);
    port->set_protocol("TCP");
    return e;
}

inline core::Service service(const std::string &ns, const std::string &name,
                             const std::map<std::string, std::string> &selector)
{
    core::Service s;
    s.mutable_metadata()->set_namespace_(ns);
    s.mutable_metadata()->set_name(name);
    for (const auto &[k, v] : selector)
        (*s.mutable_spec()->mutable_selector())[k] = v;
    core::ServicePort *p = s.mutable_spec()->add_ports();
    p->set_port(80);
    p->set_protocol("TCP");
    return s;
}

inline const char *const kMasterComponents[4] = {"etcd", "kube-apiserver",
                                                 "kube-controller-manager", "kube-scheduler"};

// The control-plane mirror pods on `node`, Running and Ready (or not).
inline void createMirrorPods(TestCluster &c, const std::string &node, bool running = true)
{
    for (const char *component : kMasterComponents) {
        core::Pod p = pod("kube-system", std::string(component) + "-" + node, node,
                          {{"component", component}, {"tier", "control-plane"}});
        create(c.admin(), p);
        setPodStatus(c.admin(), "kube-system", p.metadata().name(), running ? "Running" : "Pending",
                     running);
    }
}

// The demo topology by hand: master (control plane, mirror pods Running),
// worker-1..3 Ready, Deployment web -> ReplicaSet web-5d4f8 -> pods
// web-5d4f8-a/b/c Running and Ready on worker-1..3, Service web with
// Endpoints listing the three pods.
inline void createDemoTopology(TestCluster &c)
{
    client::Client &a = c.admin();
    create(a, node("master", true));
    for (const char *w : {"worker-1", "worker-2", "worker-3"})
        create(a, node(w));
    createMirrorPods(c, "master");

    apps::Deployment d;
    d.mutable_metadata()->set_namespace_("default");
    d.mutable_metadata()->set_name("web");
    d.mutable_spec()->set_replicas(3);
    (*d.mutable_spec()->mutable_selector()->mutable_match_labels())["app"] = "web";
    (*d.mutable_spec()->mutable_template_()->mutable_metadata()->mutable_labels())["app"] = "web";
    core::Container *ct = d.mutable_spec()->mutable_template_()->mutable_spec()->add_containers();
    ct->set_name("main");
    ct->set_image("nginx");
    const auto dep = create(a, d);

    apps::ReplicaSet rs;
    rs.mutable_metadata()->set_namespace_("default");
    rs.mutable_metadata()->set_name("web-5d4f8");
    meta::OwnerReference *ref = rs.mutable_metadata()->add_owner_references();
    ref->set_api_version("apps/v1");
    ref->set_kind("Deployment");
    ref->set_name("web");
    ref->set_uid(dep->metadata().uid());
    ref->set_controller(true);
    rs.mutable_spec()->set_replicas(3);
    *rs.mutable_spec()->mutable_selector() = d.spec().selector();
    *rs.mutable_spec()->mutable_template_() = d.spec().template_();
    const auto created = create(a, rs);

    const char *const names[3] = {"web-5d4f8-a", "web-5d4f8-b", "web-5d4f8-c"};
    const char *const nodes[3] = {"worker-1", "worker-2", "worker-3"};
    for (int i = 0; i < 3; ++i) {
        core::Pod p = pod("default", names[i], nodes[i], {{"app", "web"}});
        setOwner(p, "ReplicaSet", "web-5d4f8", created->metadata().uid());
        create(a, p);
        setPodStatus(a, "default", names[i], "Running", true);
    }
    create(a, service("default", "web", {{"app", "web"}}));
    create(a, endpoints("default", "web", {names[0], names[1], names[2]}));
}

} // namespace kubist::testing::fixtures
