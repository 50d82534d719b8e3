#include "defaults.h"

#include "backend/api/quantity.h"
#include "backend/api/scheme.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"
#include "discovery_v1.pb.h"

#include <map>

#include <set>

namespace kubist::apiserver {

namespace core = k8s::io::api::core::v1;
namespace apps = k8s::io::api::apps::v1;
namespace discovery = k8s::io::api::discovery::v1;
namespace intstr = k8s::io::apimachinery::pkg::util::intstr;

namespace {

constexpr int kDefaultMode = 0644;

// The tag of an image reference ("latest" when it has neither tag nor
// digest, "" when only a digest), as upstream's ParseImageName.
std::string imageTag(const std::string &image)
{
    std::string name = image;
    bool digest = false;
    if (const size_t at = name.find('@'); at != std::string::npos) {
        name.resize(at);
        digest = true;
    }
    const size_t slash = name.rfind('/');
    const size_t colon = name.rfind(':');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash))
        return name.substr(colon + 1);
    return digest ? std::string() : std::string("latest");
}

void httpGet(core::HTTPGetAction *h)
{
    if (h->path().empty())
        h->set_path("/");
    if (h->scheme().empty())
        h->set_scheme("HTTP");
}

void probe(core::Probe *p)
{
    if (p->timeout_seconds() == 0)
        p->set_timeout_seconds(1);
    if (p->period_seconds() == 0)
        p->set_period_seconds(10);
    if (p->success_threshold() == 0)
        p->set_success_threshold(1);
    if (p->failure_threshold() == 0)
        p->set_failure_threshold(3);
    core::ProbeHandler *h = p->mutable_handler();
    if (h->has_http_get())
        httpGet(h->mutable_http_get());
    if (h->has_grpc() && !h->grpc().has_service())
        h->mutable_grpc()->set_service("");
}

void lifecycleHandler(core::LifecycleHandler *h)
{
    if (h->has_http_get())
        httpGet(h->mutable_http_get());
}

void fieldRef(core::ObjectFieldSelector *f)
{
    if (f->api_version().empty())
        f->set_api_version("v1");
}

void container(core::Container *c)
{
    if (c->image_pull_policy().empty())
        c->set_image_pull_policy(
            !c->image().empty() && imageTag(c->image()) == "latest" ? "Always" : "IfNotPresent");
    if (c->termination_message_path().empty())
        c->set_termination_message_path("/dev/termination-log");
    if (c->termination_message_policy().empty())
        c->set_termination_message_policy("File");
    for (core::ContainerPort &p : *c->mutable_ports())
        if (p.protocol().empty())
            p.set_protocol("TCP");
    for (core::EnvVar &e : *c->mutable_env())
        if (e.has_value_from() && e.value_from().has_field_ref())
            fieldRef(e.mutable_value_from()->mutable_field_ref());
    if (c->has_liveness_probe())
        probe(c->mutable_liveness_probe());
    if (c->has_readiness_probe())
        probe(c->mutable_readiness_probe());
    if (c->has_startup_probe())
        probe(c->mutable_startup_probe());
    if (c->has_lifecycle()) {
        if (c->lifecycle().has_post_start())
            lifecycleHandler(c->mutable_lifecycle()->mutable_post_start());
        if (c->lifecycle().has_pre_stop())
            lifecycleHandler(c->mutable_lifecycle()->mutable_pre_stop());
    }
}

void volume(core::Volume *v)
{
    core::VolumeSource *src = v->mutable_volume_source();
    const google::protobuf::Reflection *r = src->GetReflection();
    std::vector<const google::protobuf::FieldDescriptor *> set;
    r->ListFields(*src, &set);
    if (set.empty())
        src->mutable_empty_dir();
    if (src->has_secret() && !src->secret().has_default_mode())
        src->mutable_secret()->set_default_mode(kDefaultMode);
    if (src->has_config_map() && !src->config_map().has_default_mode())
        src->mutable_config_map()->set_default_mode(kDefaultMode);
    if (src->has_downward_api()) {
        if (!src->downward_api().has_default_mode())
            src->mutable_downward_api()->set_default_mode(kDefaultMode);
        for (core::DownwardAPIVolumeFile &f : *src->mutable_downward_api()->mutable_items())
            if (f.has_field_ref())
                fieldRef(f.mutable_field_ref());
    }
    if (src->has_projected()) {
        core::ProjectedVolumeSource *p = src->mutable_projected();
        if (!p->has_default_mode())
            p->set_default_mode(kDefaultMode);
        for (core::VolumeProjection &proj : *p->mutable_sources()) {
            if (proj.has_service_account_token() &&
                !proj.service_account_token().has_expiration_seconds())
                proj.mutable_service_account_token()->set_expiration_seconds(3600);
            if (proj.has_downward_api())
                for (core::DownwardAPIVolumeFile &f : *proj.mutable_downward_api()->mutable_items())
                    if (f.has_field_ref())
                        fieldRef(f.mutable_field_ref());
        }
    }
    if (src->has_host_path() && !src->host_path().has_type())
        src->mutable_host_path()->set_type("");
}

// SetDefaults_PodSpec and what the generated defaulters do for its members.
void podSpec(core::PodSpec *spec)
{
    if (spec->dns_policy().empty())
        spec->set_dns_policy("ClusterFirst");
    if (spec->restart_policy().empty())
        spec->set_restart_policy("Always");
    if (!spec->has_security_context())
        spec->mutable_security_context();
    if (!spec->has_termination_grace_period_seconds())
        spec->set_termination_grace_period_seconds(30);
    if (spec->scheduler_name().empty())
        spec->set_scheduler_name("default-scheduler");
    // The deprecated serviceAccount mirrors serviceAccountName (conversion).
    if (spec->service_account_name().empty() && !spec->service_account().empty())
        spec->set_service_account_name(spec->service_account());
    if (!spec->service_account_name().empty())
        spec->set_service_account(spec->service_account_name());
    for (core::Volume &v : *spec->mutable_volumes())
        volume(&v);
    for (core::Container &c : *spec->mutable_containers())
        container(&c);
    for (core::Container &c : *spec->mutable_init_containers())
        container(&c);
}

void requestsFromLimits(core::Container *c)
{
    core::ResourceRequirements *r = c->mutable_resources();
    for (const auto &[name, qty] : r->limits())
        if (!r->requests().contains(name))
            (*r->mutable_requests())[name] = qty;
}

void hostNetworkPorts(core::Container *c)
{
    for (core::ContainerPort &p : *c->mutable_ports())
        if (p.host_port() == 0)
            p.set_host_port(p.container_port());
}

void pod(core::Pod *pod)
{
    core::PodSpec *spec = pod->mutable_spec();
    podSpec(spec);
    for (core::Container &c : *spec->mutable_containers())
        requestsFromLimits(&c);
    for (core::Container &c : *spec->mutable_init_containers())
        requestsFromLimits(&c);
    if (!spec->has_enable_service_links())
        spec->set_enable_service_links(true);
    if (spec->host_network()) {
        for (core::Container &c : *spec->mutable_containers())
            hostNetworkPorts(&c);
        for (core::Container &c : *spec->mutable_init_containers())
            hostNetworkPorts(&c);
    }
    // ServiceAccount admission.
    if (spec->service_account_name().empty())
        spec->set_service_account_name("default");
    spec->set_service_account(spec->service_account_name());
    // Priority admission (no PriorityClass objects are served: only the
    // built-in classes resolve).
    if (!spec->has_priority()) {
        if (spec->priority_class_name() == "system-node-critical")
            spec->set_priority(2000001000);
        else if (spec->priority_class_name() == "system-cluster-critical")
            spec->set_priority(2000000000);
        else
            spec->set_priority(0);
    }
    if (!spec->has_preemption_policy())
        spec->set_preemption_policy("PreemptLowerPriority");
}

void service(core::Service *svc)
{
    core::ServiceSpec *spec = svc->mutable_spec();
    if (spec->session_affinity().empty())
        spec->set_session_affinity("None");
    if (spec->session_affinity() == "None")
        spec->clear_session_affinity_config();
    if (spec->session_affinity() == "ClientIP" &&
        !spec->session_affinity_config().client_ip().has_timeout_seconds())
        spec->mutable_session_affinity_config()->mutable_client_ip()->set_timeout_seconds(10800);
    if (spec->type().empty())
        spec->set_type("ClusterIP");
    for (core::ServicePort &p : *spec->mutable_ports()) {
        if (p.protocol().empty())
            p.set_protocol("TCP");
        const intstr::IntOrString &tp = p.target_port();
        const bool unset = tp.type() == 1 ? tp.str_val().empty() : tp.int_val() == 0;
        if (unset) {
            intstr::IntOrString *t = p.mutable_target_port();
            t->Clear();
            t->set_type(0);
            t->set_int_val(p.port());
        }
    }
    const std::string &type = spec->type();
    const bool external = type == "LoadBalancer" || type == "NodePort" ||
                          (type == "ClusterIP" && !spec->external_ips().empty());
    if (external && spec->external_traffic_policy().empty())
        spec->set_external_traffic_policy("Cluster");
    if (!spec->has_internal_traffic_policy() &&
        (type == "NodePort" || type == "LoadBalancer" || type == "ClusterIP"))
        spec->set_internal_traffic_policy("Cluster");
    if (type == "LoadBalancer" && !spec->has_allocate_load_balancer_node_ports())
        spec->set_allocate_load_balancer_node_ports(true);
    if (type == "LoadBalancer")
        for (core::LoadBalancerIngress &in :
             *svc->mutable_status()->mutable_load_balancer()->mutable_ingress())
            if (!in.ip().empty() && in.ip_mode().empty())
                in.set_ip_mode("VIP");
    // Strategy: clusterIPs mirrors clusterIP; single-stack IPv4 families.
    if (type != "ExternalName") {
        if (spec->cluster_ips().empty() && !spec->cluster_ip().empty())
            spec->add_cluster_ips(spec->cluster_ip());
        if (spec->cluster_ip().empty() && !spec->cluster_ips().empty())
            spec->set_cluster_ip(spec->cluster_ips(0));
        if (!spec->has_ip_family_policy())
            spec->set_ip_family_policy("SingleStack");
        if (spec->ip_families().empty())
            spec->add_ip_families("IPv4");
    }
}

void namespaceDefaults(core::Namespace *ns)
{
    if (!ns->metadata().name().empty())
        (*ns->mutable_metadata()->mutable_labels())["kubernetes.io/metadata.name"] =
            ns->metadata().name();
    if (ns->status().phase().empty())
        ns->mutable_status()->set_phase("Active");
}

void secret(core::Secret *s)
{
    if (s->type().empty())
        s->set_type("Opaque");
    for (const auto &[k, v] : s->string_data())
        (*s->mutable_data())[k] = v;
    s->clear_string_data();
}

void node(core::Node *n)
{
    core::NodeStatus *st = n->mutable_status();
    if (st->allocatable().empty() && !st->capacity().empty())
        *st->mutable_allocatable() = st->capacity();
}

void deployment(apps::Deployment *d)
{
    apps::DeploymentSpec *spec = d->mutable_spec();
    if (!spec->has_replicas())
        spec->set_replicas(1);
    apps::DeploymentStrategy *s = spec->mutable_strategy();
    if (s->type().empty())
        s->set_type("RollingUpdate");
    if (s->type() == "RollingUpdate") {
        apps::RollingUpdateDeployment *ru = s->mutable_rolling_update();
        if (!ru->has_max_unavailable()) {
            ru->mutable_max_unavailable()->set_type(1);
            ru->mutable_max_unavailable()->set_str_val("25%");
        }
        if (!ru->has_max_surge()) {
            ru->mutable_max_surge()->set_type(1);
            ru->mutable_max_surge()->set_str_val("25%");
        }
    }
    if (!spec->has_revision_history_limit())
        spec->set_revision_history_limit(10);
    if (!spec->has_progress_deadline_seconds())
        spec->set_progress_deadline_seconds(600);
    podSpec(spec->mutable_template_()->mutable_spec());
}

template<class T> T *as(google::protobuf::Message *m)
{
    return m->GetDescriptor() == T::descriptor() ? static_cast<T *>(m) : nullptr;
}

} // namespace

void applyDefaults(const api::KindInfo &kind, google::protobuf::Message *object)
{
    if (!object)
        return;
    (void)kind;
    if (auto *p = as<core::Pod>(object)) {
        pod(p);
    } else if (auto *d = as<apps::Deployment>(object)) {
        deployment(d);
    } else if (auto *rs = as<apps::ReplicaSet>(object)) {
        if (!rs->spec().has_replicas())
            rs->mutable_spec()->set_replicas(1);
        podSpec(rs->mutable_spec()->mutable_template_()->mutable_spec());
    } else if (auto *svc = as<core::Service>(object)) {
        service(svc);
    } else if (auto *ns = as<core::Namespace>(object)) {
        namespaceDefaults(ns);
    } else if (auto *s = as<core::Secret>(object)) {
        secret(s);
    } else if (auto *n = as<core::Node>(object)) {
        node(n);
    } else if (auto *ep = as<core::Endpoints>(object)) {
        for (core::EndpointSubset &ss : *ep->mutable_subsets())
            for (core::EndpointPort &p : *ss.mutable_ports())
                if (p.protocol().empty())
                    p.set_protocol("TCP");
    } else if (auto *slice = as<discovery::EndpointSlice>(object)) {
        for (discovery::EndpointPort &p : *slice->mutable_ports()) {
            if (!p.has_name())
                p.set_name("");
            if (!p.has_protocol())
                p.set_protocol("TCP");
        }
    }
}

void addDefaultTolerations(core::Pod *pod, int64_t notReadySeconds, int64_t unreachableSeconds)
{
    bool notReady = false;
    bool unreachable = false;
    for (const core::Toleration &t : pod->spec().tolerations()) {
        const bool noExecute = t.effect() == "NoExecute" || t.effect().empty();
        if ((t.key() == "node.kubernetes.io/not-ready" || t.key().empty()) && noExecute)
            notReady = true;
        if ((t.key() == "node.kubernetes.io/unreachable" || t.key().empty()) && noExecute)
            unreachable = true;
    }
    auto add = [pod](const char *key, int64_t seconds) {
        core::Toleration *t = pod->mutable_spec()->add_tolerations();
        t->set_key(key);
        t->set_operator_("Exists");
        t->set_effect("NoExecute");
        t->set_toleration_seconds(seconds);
    };
    if (!notReady)
        add("node.kubernetes.io/not-ready", notReadySeconds);
    if (!unreachable)
        add("node.kubernetes.io/unreachable", unreachableSeconds);
}

std::string podQosClass(const core::Pod &pod)
{
    // Sums per resource (cpu, memory) of non-zero requests and limits.
    std::map<std::string, api::Quantity> requests, limits;
    bool guaranteed = true;
    const auto add = [](std::map<std::string, api::Quantity> &sum, const std::string &name,
                        const api::Quantity &q) {
        auto it = sum.find(name);
        if (it == sum.end())
            sum.emplace(name, q);
        else
            (void)it->second.add(q); // past 38 digits: keep the partial sum
    };
    const auto visit = [&](const core::Container &c) {
        std::set<std::string> limited;
        for (const auto &[name, value] : c.resources().requests()) {
            if (name != "cpu" && name != "memory")
                continue;
            Result<api::Quantity> q = api::Quantity::parse(value.value());
            if (q && q->sign() > 0)
                add(requests, name, *q);
        }
        for (const auto &[name, value] : c.resources().limits()) {
            if (name != "cpu" && name != "memory")
                continue;
            Result<api::Quantity> q = api::Quantity::parse(value.value());
            if (q && q->sign() > 0) {
                add(limits, name, *q);
                limited.insert(name);
            }
        }
        if (limited.size() != 2)
            guaranteed = false;
    };
    for (const core::Container &c : pod.spec().init_containers())
        visit(c);
    for (const core::Container &c : pod.spec().containers())
        visit(c);
    if (requests.empty() && limits.empty())
        return "BestEffort";
    if (guaranteed) {
        for (const auto &[name, request] : requests) {
            auto it = limits.find(name);
            if (it == limits.end() || !(it->second == request)) {
                guaranteed = false;
                break;
            }
        }
    }
    return guaranteed && requests.size() == limits.size() ? "Guaranteed" : "Burstable";
}

} // namespace kubist::apiserver
