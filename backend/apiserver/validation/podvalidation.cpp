#include "podvalidation.h"

#include "namevalidation.h"
#include "validationutil.h"

#include "backend/api/quantity.h"

#include "core_v1.pb.h"

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <climits>
#include <map>
#include <set>

namespace kubist::apiserver::podvalidation {

namespace core = k8s::io::api::core::v1;
namespace intstr = k8s::io::apimachinery::pkg::util::intstr;
using namespace vutil;

namespace {

using VolumeMap = std::map<std::string, const core::VolumeSource *>;

bool contains(std::initializer_list<const char *> list, const std::string &v)
{
    for (const char *s : list)
        if (v == s)
            return true;
    return false;
}

std::vector<std::string> sortedKeys(const auto &map)
{
    std::vector<std::string> keys;
    for (const auto &entry : map)
        keys.push_back(entry.first);
    std::sort(keys.begin(), keys.end());
    return keys;
}

void validateKeyToPath(const core::KeyToPath &kp, const std::string &path, FieldErrors &errs)
{
    if (kp.key().empty())
        errs.push_back(FieldError::required(child(path, "key")));
    if (kp.path().empty())
        errs.push_back(FieldError::required(child(path, "path")));
    if (kp.has_mode() && (kp.mode() > 0777 || kp.mode() < 0))
        errs.push_back(FieldError::invalid(child(path, "mode"), num(kp.mode()),
                                           "must be a number between 0 and 0777 (octal), both "
                                           "inclusive"));
}

void validateMode(bool has, int mode, const std::string &path, FieldErrors &errs)
{
    if (has && (mode > 0777 || mode < 0))
        errs.push_back(FieldError::invalid(
            path, num(mode), "must be a number between 0 and 0777 (octal), both inclusive"));
}

// One volume source: exactly one type, each with its own required fields.
void volumeSource(const core::VolumeSource &src, const std::string &path, FieldErrors &errs)
{
    int count = 0;
    auto one = [&](bool present, const char *name) {
        if (!present)
            return false;
        if (count > 0) {
            errs.push_back(FieldError::forbidden(child(path, name),
                                                 "may not specify more than 1 volume type"));
            return false;
        }
        ++count;
        return true;
    };
    if (one(src.has_empty_dir(), "emptyDir")) {
        if (src.empty_dir().has_size_limit()) {
            auto q = api::Quantity::parse(src.empty_dir().size_limit().value());
            if (q && q->sign() < 0)
                errs.push_back(FieldError::forbidden(child(child(path, "emptyDir"), "sizeLimit"),
                                                     "SizeLimit field must be a valid resource "
                                                     "quantity"));
        }
    }
    if (one(src.has_host_path(), "hostPath")) {
        const std::string p = child(path, "hostPath");
        if (src.host_path().path().empty())
            errs.push_back(FieldError::required(child(p, "path")));
        const std::string &type = src.host_path().type();
        if (src.host_path().has_type() &&
            !contains({"", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket",
                       "CharDevice", "BlockDevice"},
                      type))
            errs.push_back(
                FieldError::notSupported(child(p, "type"), q(type),
                                         {"", "BlockDevice", "CharDevice", "Directory",
                                          "DirectoryOrCreate", "File", "FileOrCreate", "Socket"}));
    }
    if (one(src.has_secret(), "secret")) {
        const std::string p = child(path, "secret");
        if (src.secret().secret_name().empty())
            errs.push_back(FieldError::required(child(p, "secretName")));
        validateMode(src.secret().has_default_mode(), src.secret().default_mode(),
                     child(p, "defaultMode"), errs);
        for (int i = 0; i < src.secret().items_size(); ++i)
            validateKeyToPath(src.secret().items(i), index(child(p, "items"), i), errs);
    }
    if (one(src.has_nfs(), "nfs")) {
        const std::string p = child(path, "nfs");
        if (src.nfs().server().empty())
            errs.push_back(FieldError::required(child(p, "server")));
        if (src.nfs().path().empty())
            errs.push_back(FieldError::required(child(p, "path")));
        if (src.nfs().path().empty() || src.nfs().path().front() != '/')
            errs.push_back(FieldError::invalid(child(p, "path"), q(src.nfs().path()),
                                               "must be an absolute path"));
    }
    if (one(src.has_persistent_volume_claim(), "persistentVolumeClaim")) {
        if (src.persistent_volume_claim().claim_name().empty())
            errs.push_back(
                FieldError::required(child(child(path, "persistentVolumeClaim"), "claimName")));
    }
    if (one(src.has_downward_api(), "downwardAPI"))
        validateMode(src.downward_api().has_default_mode(), src.downward_api().default_mode(),
                     child(child(path, "downwardAPI"), "defaultMode"), errs);
    if (one(src.has_config_map(), "configMap")) {
        const std::string p = child(path, "configMap");
        if (src.config_map().local_object_reference().name().empty())
            errs.push_back(FieldError::required(child(p, "name")));
        validateMode(src.config_map().has_default_mode(), src.config_map().default_mode(),
                     child(p, "defaultMode"), errs);
        for (int i = 0; i < src.config_map().items_size(); ++i)
            validateKeyToPath(src.config_map().items(i), index(child(p, "items"), i), errs);
    }
    if (one(src.has_projected(), "projected"))
        validateMode(src.projected().has_default_mode(), src.projected().default_mode(),
                     child(child(path, "projected"), "defaultMode"), errs);
    if (one(src.has_csi(), "csi")) {
        if (src.csi().driver().empty())
            errs.push_back(FieldError::required(child(child(path, "csi"), "driver")));
    }
    one(src.has_ephemeral(), "ephemeral");
    one(src.has_image(), "image");
    if (count == 0)
        errs.push_back(FieldError::required(path, "must specify a volume type"));
}

VolumeMap volumes(const core::PodSpec &spec, const std::string &path, FieldErrors &errs)
{
    VolumeMap vols;
    std::set<std::string> names;
    for (int i = 0; i < spec.volumes_size(); ++i) {
        const core::Volume &vol = spec.volumes(i);
        const std::string idx = index(path, i);
        const std::string namePath = child(idx, "name");
        FieldErrors el;
        volumeSource(vol.volume_source(), idx, el);
        if (vol.name().empty())
            el.push_back(FieldError::required(namePath));
        else
            dns1123Label(vol.name(), namePath, el);
        if (names.count(vol.name()))
            el.push_back(FieldError::duplicate(namePath, q(vol.name())));
        if (el.empty()) {
            names.insert(vol.name());
            vols[vol.name()] = &vol.volume_source();
        } else {
            errs.insert(errs.end(), el.begin(), el.end());
        }
    }
    return vols;
}

void containerPorts(const core::Container &c, const std::string &path, FieldErrors &errs)
{
    std::set<std::string> names;
    for (int i = 0; i < c.ports_size(); ++i) {
        const core::ContainerPort &port = c.ports(i);
        const std::string idx = index(path, i);
        if (!port.name().empty()) {
            const auto msgs = names::isValidPortName(port.name());
            if (!msgs.empty()) {
                for (const std::string &m : msgs)
                    errs.push_back(FieldError::invalid(child(idx, "name"), q(port.name()), m));
            } else if (names.count(port.name())) {
                errs.push_back(FieldError::duplicate(child(idx, "name"), q(port.name())));
            } else {
                names.insert(port.name());
            }
        }
        if (port.container_port() == 0)
            errs.push_back(FieldError::required(child(idx, "containerPort")));
        else
            for (std::string &m : names::isValidPortNum(port.container_port()))
                errs.push_back(FieldError::invalid(child(idx, "containerPort"),
                                                   num(port.container_port()), std::move(m)));
        if (port.host_port() != 0)
            for (std::string &m : names::isValidPortNum(port.host_port()))
                errs.push_back(FieldError::invalid(child(idx, "hostPort"), num(port.host_port()),
                                                   std::move(m)));
        if (port.protocol().empty())
            errs.push_back(FieldError::required(child(idx, "protocol")));
        else if (!contains({"TCP", "UDP", "SCTP"}, port.protocol()))
            errs.push_back(FieldError::notSupported(child(idx, "protocol"), q(port.protocol()),
                                                    {"SCTP", "TCP", "UDP"}));
    }
}

void objectFieldSelector(const core::ObjectFieldSelector &fs, const std::string &path,
                         FieldErrors &errs)
{
    if (fs.api_version().empty()) {
        errs.push_back(FieldError::required(child(path, "apiVersion")));
        return;
    }
    if (fs.field_path().empty()) {
        errs.push_back(FieldError::required(child(path, "fieldPath")));
        return;
    }
    const std::string &fp = fs.field_path();
    const size_t bracket = fp.find('[');
    if (bracket != std::string::npos && fp.back() == ']') {
        const std::string base = fp.substr(0, bracket);
        std::string sub = fp.substr(bracket + 1, fp.size() - bracket - 2);
        if (sub.size() >= 2 && sub.front() == '\'' && sub.back() == '\'')
            sub = sub.substr(1, sub.size() - 2);
        if (base == "metadata.labels" || base == "metadata.annotations") {
            if (base == "metadata.annotations")
                std::transform(sub.begin(), sub.end(), sub.begin(),
                               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            qualifiedName(sub, path, errs);
        } else {
            errs.push_back(FieldError::invalid(path, q(base), "does not support subscript"));
        }
        return;
    }
    if (!contains({"metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace",
                   "metadata.uid", "spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName",
                   "spec.schedulerName", "status.phase", "status.hostIP", "status.hostIPs",
                   "status.podIP", "status.podIPs"},
                  fp)) {
        errs.push_back(FieldError::invalid(child(path, "fieldPath"), q(fp),
                                           "error converting fieldPath: field label not "
                                           "supported: " +
                                               fp));
        return;
    }
    const std::vector<std::string> supported{"metadata.name",
                                             "metadata.namespace",
                                             "metadata.uid",
                                             "spec.nodeName",
                                             "spec.serviceAccountName",
                                             "status.hostIP",
                                             "status.hostIPs",
                                             "status.podIP",
                                             "status.podIPs"};
    if (std::find(supported.begin(), supported.end(), fp) == supported.end())
        errs.push_back(FieldError::notSupported(child(path, "fieldPath"), q(fp), supported));
}

void keySelector(const std::string &name, const std::string &key, const std::string &path,
                 FieldErrors &errs)
{
    for (std::string &m : names::isDns1123Subdomain(name))
        errs.push_back(FieldError::invalid(child(path, "name"), q(name), std::move(m)));
    if (key.empty())
        errs.push_back(FieldError::required(child(path, "key")));
    else
        for (std::string &m : names::isConfigMapKey(key))
            errs.push_back(FieldError::invalid(child(path, "key"), q(key), std::move(m)));
}

void env(const core::Container &c, const std::string &path, FieldErrors &errs)
{
    for (int i = 0; i < c.env_size(); ++i) {
        const core::EnvVar &ev = c.env(i);
        const std::string idx = index(path, i);
        if (ev.name().empty())
            errs.push_back(FieldError::required(child(idx, "name")));
        else
            for (std::string &m : names::isEnvVarName(ev.name()))
                errs.push_back(FieldError::invalid(child(idx, "name"), q(ev.name()), std::move(m)));
        if (!ev.has_value_from())
            continue;
        const std::string vf = child(idx, "valueFrom");
        const core::EnvVarSource &src = ev.value_from();
        int sources = 0;
        if (src.has_field_ref()) {
            ++sources;
            objectFieldSelector(src.field_ref(), child(vf, "fieldRef"), errs);
        }
        if (src.has_resource_field_ref()) {
            ++sources;
            const std::string p = child(vf, "resourceFieldRef");
            const std::string &res = src.resource_field_ref().resource();
            if (res.empty())
                errs.push_back(FieldError::required(child(p, "resource")));
            else if (!contains({"limits.cpu", "limits.memory", "limits.ephemeral-storage",
                                "requests.cpu", "requests.memory", "requests.ephemeral-storage"},
                               res) &&
                     res.rfind("requests.hugepages-", 0) != 0 &&
                     res.rfind("limits.hugepages-", 0) != 0)
                errs.push_back(FieldError::notSupported(
                    child(p, "resource"), q(res),
                    {"limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu",
                     "requests.ephemeral-storage", "requests.memory"}));
        }
        if (src.has_config_map_key_ref()) {
            ++sources;
            keySelector(src.config_map_key_ref().local_object_reference().name(),
                        src.config_map_key_ref().key(), child(vf, "configMapKeyRef"), errs);
        }
        if (src.has_secret_key_ref()) {
            ++sources;
            keySelector(src.secret_key_ref().local_object_reference().name(),
                        src.secret_key_ref().key(), child(vf, "secretKeyRef"), errs);
        }
        if (sources == 0)
            errs.push_back(FieldError::invalid(vf, q(""),
                                               "must specify one of: `fieldRef`, "
                                               "`resourceFieldRef`, `configMapKeyRef` or "
                                               "`secretKeyRef`"));
        else if (!ev.value().empty())
            errs.push_back(
                FieldError::invalid(vf, q(""), "may not be specified when `value` is not empty"));
        else if (sources > 1)
            errs.push_back(FieldError::invalid(
                vf, q(""), "may not have more than one field specified at a time"));
    }
}

void envFrom(const core::Container &c, const std::string &path, FieldErrors &errs)
{
    for (int i = 0; i < c.env_from_size(); ++i) {
        const core::EnvFromSource &ev = c.env_from(i);
        const std::string idx = index(path, i);
        if (!ev.prefix().empty())
            for (std::string &m : names::isEnvVarName(ev.prefix()))
                errs.push_back(
                    FieldError::invalid(child(idx, "prefix"), q(ev.prefix()), std::move(m)));
        int sources = 0;
        auto ref = [&](const std::string &name, const char *field) {
            ++sources;
            const std::string p = child(child(idx, field), "name");
            if (name.empty())
                errs.push_back(FieldError::required(p));
            else
                for (std::string &m :
                     names::validateName(names::NameRule::Dns1123Subdomain, name, true))
                    errs.push_back(FieldError::invalid(p, q(name), std::move(m)));
        };
        if (ev.has_config_map_ref())
            ref(ev.config_map_ref().local_object_reference().name(), "configMapRef");
        if (ev.has_secret_ref())
            ref(ev.secret_ref().local_object_reference().name(), "secretRef");
        if (sources == 0)
            errs.push_back(FieldError::invalid(path, q(""),
                                               "must specify one of: `configMapRef` or "
                                               "`secretRef`"));
        else if (sources > 1)
            errs.push_back(FieldError::invalid(
                path, q(""), "may not have more than one field specified at a time"));
    }
}

void localDescendingPath(const std::string &value, const std::string &path, FieldErrors &errs)
{
    if (!value.empty() && value.front() == '/')
        errs.push_back(FieldError::invalid(path, q(value), "must be a relative path"));
    size_t start = 0;
    while (start <= value.size()) {
        const size_t slash = value.find('/', start);
        const std::string part =
            value.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        if (part == "..") {
            errs.push_back(FieldError::invalid(path, q(value), "must not contain '..'"));
            break;
        }
        if (slash == std::string::npos)
            break;
        start = slash + 1;
    }
}

void volumeMounts(const core::Container &c, const VolumeMap &vols, const std::string &path,
                  FieldErrors &errs)
{
    std::set<std::string> mountPoints;
    for (int i = 0; i < c.volume_mounts_size(); ++i) {
        const core::VolumeMount &m = c.volume_mounts(i);
        const std::string idx = index(path, i);
        if (m.name().empty())
            errs.push_back(FieldError::required(child(idx, "name")));
        if (!vols.count(m.name()))
            errs.push_back(FieldError::notFound(child(idx, "name"), q(m.name())));
        if (m.mount_path().empty())
            errs.push_back(FieldError::required(child(idx, "mountPath")));
        if (mountPoints.count(m.mount_path()))
            errs.push_back(
                FieldError::invalid(child(idx, "mountPath"), q(m.mount_path()), "must be unique"));
        mountPoints.insert(m.mount_path());
        if (!m.sub_path().empty())
            localDescendingPath(m.sub_path(), child(path, "subPath"), errs);
        if (!m.sub_path_expr().empty()) {
            if (!m.sub_path().empty())
                errs.push_back(FieldError::invalid(child(idx, "subPathExpr"), q(m.sub_path_expr()),
                                                   "subPathExpr and subPath are mutually "
                                                   "exclusive"));
            localDescendingPath(m.sub_path_expr(), child(path, "subPathExpr"), errs);
        }
        if (m.has_mount_propagation() &&
            !contains({"None", "HostToContainer", "Bidirectional"}, m.mount_propagation()))
            errs.push_back(FieldError::notSupported(child(path, "mountPropagation"),
                                                    q(m.mount_propagation()),
                                                    {"Bidirectional", "HostToContainer", "None"}));
    }
}

bool isNativeResource(const std::string &name)
{
    return name.find('/') == std::string::npos || name.find("kubernetes.io/") != std::string::npos;
}

bool isHugePages(const std::string &name)
{
    return name.rfind("hugepages-", 0) == 0;
}

bool overcommitAllowed(const std::string &name)
{
    return isNativeResource(name) && !isHugePages(name);
}

void resourceName(const std::string &name, const std::string &path, FieldErrors &errs)
{
    const size_t before = errs.size();
    qualifiedName(name, path, errs);
    if (errs.size() != before)
        return;
    if (name.find('/') == std::string::npos) {
        const bool standard = contains({"cpu", "memory", "ephemeral-storage", "storage", "pods",
                                        "services", "replicationcontrollers", "resourcequotas",
                                        "secrets", "configmaps", "persistentvolumeclaims"},
                                       name) ||
                              isHugePages(name) || name.rfind("requests.", 0) == 0 ||
                              name.rfind("limits.", 0) == 0;
        if (!standard) {
            errs.push_back(FieldError::invalid(path, q(name),
                                               "must be a standard resource type or fully "
                                               "qualified"));
            errs.push_back(
                FieldError::invalid(path, q(name), "must be a standard resource for containers"));
            return;
        }
        if (!contains({"cpu", "memory", "ephemeral-storage"}, name) && !isHugePages(name))
            errs.push_back(
                FieldError::invalid(path, q(name), "must be a standard resource for containers"));
    }
}

// Parses a quantity of a ResourceList; reports unparsable values.
std::optional<api::Quantity> quantityAt(const std::string &text, const std::string &path,
                                        FieldErrors &errs)
{
    auto parsed = api::Quantity::parse(text);
    if (!parsed) {
        errs.push_back(FieldError::invalid(path, q(text), parsed.status().message()));
        return std::nullopt;
    }
    return *parsed;
}

void quantityValue(const std::string &name, const api::Quantity &value, const std::string &path,
                   FieldErrors &errs)
{
    if (value.sign() < 0)
        errs.push_back(FieldError::invalid(path, q(value.toString()), kIsNegative));
    if (!isNativeResource(name) && !value.asInt64())
        errs.push_back(FieldError::invalid(path, q(value.toString()), "must be an integer"));
}

void resources(const core::ResourceRequirements &req, const std::string &path, FieldErrors &errs)
{
    const std::string limPath = child(path, "limits");
    const std::string reqPath = child(path, "requests");
    std::map<std::string, api::Quantity> limits;
    for (const std::string &name : sortedKeys(req.limits())) {
        const std::string p = key(limPath, name);
        resourceName(name, p, errs);
        if (auto qty = quantityAt(req.limits().at(name).value(), p, errs)) {
            quantityValue(name, *qty, p, errs);
            limits.emplace(name, *qty);
        }
    }
    for (const std::string &name : sortedKeys(req.requests())) {
        const std::string p = key(reqPath, name);
        resourceName(name, p, errs);
        auto qty = quantityAt(req.requests().at(name).value(), p, errs);
        if (!qty)
            continue;
        quantityValue(name, *qty, p, errs);
        const auto limit = limits.find(name);
        if (limit != limits.end()) {
            if (*qty != limit->second && !overcommitAllowed(name))
                errs.push_back(FieldError::invalid(reqPath, q(qty->toString()),
                                                   "must be equal to " + name + " limit of " +
                                                       limit->second.toString()));
            else if (*qty > limit->second)
                errs.push_back(FieldError::invalid(reqPath, q(qty->toString()),
                                                   "must be less than or equal to " + name +
                                                       " limit of " + limit->second.toString()));
        } else if (!overcommitAllowed(name)) {
            errs.push_back(FieldError::required(
                limPath, "Limit must be set for non overcommitable resources"));
        }
    }
}

void portNumOrName(const intstr::IntOrString &port, const std::string &path, FieldErrors &errs)
{
    if (port.type() == 1) {
        for (std::string &m : names::isValidPortName(port.str_val()))
            errs.push_back(FieldError::invalid(path, q(port.str_val()), std::move(m)));
    } else {
        for (std::string &m : names::isValidPortNum(port.int_val()))
            errs.push_back(FieldError::invalid(path, num(port.int_val()), std::move(m)));
    }
}

void httpGet(const core::HTTPGetAction &h, const std::string &path, FieldErrors &errs)
{
    if (h.path().empty())
        errs.push_back(FieldError::required(child(path, "path")));
    portNumOrName(h.port(), child(path, "port"), errs);
    if (h.scheme() != "HTTP" && h.scheme() != "HTTPS")
        errs.push_back(
            FieldError::notSupported(child(path, "scheme"), q(h.scheme()), {"HTTP", "HTTPS"}));
    for (const core::HTTPHeader &header : h.http_headers())
        for (std::string &m : names::isHttpHeaderName(header.name()))
            errs.push_back(
                FieldError::invalid(child(path, "httpHeaders"), q(header.name()), std::move(m)));
}

struct Handler
{
    const core::ExecAction *exec = nullptr;
    const core::HTTPGetAction *http = nullptr;
    const core::TCPSocketAction *tcp = nullptr;
    const core::GRPCAction *grpc = nullptr;
    const core::SleepAction *sleep = nullptr;
};

void handler(const Handler &h, const int64_t *grace, const std::string &path, FieldErrors &errs)
{
    int count = 0;
    auto one = [&](bool present, const char *name) {
        if (!present)
            return false;
        if (count > 0) {
            errs.push_back(FieldError::forbidden(child(path, name),
                                                 "may not specify more than 1 handler type"));
            return false;
        }
        ++count;
        return true;
    };
    if (one(h.exec, "exec") && h.exec->command().empty())
        errs.push_back(FieldError::required(child(child(path, "exec"), "command")));
    if (one(h.http, "httpGet"))
        httpGet(*h.http, child(path, "httpGet"), errs);
    if (one(h.tcp, "tcpSocket"))
        portNumOrName(h.tcp->port(), child(child(path, "tcpSocket"), "port"), errs);
    if (one(h.grpc, "grpc"))
        for (std::string &m : names::isValidPortNum(h.grpc->port()))
            errs.push_back(FieldError::invalid(child(child(path, "grpc"), "port"),
                                               num(h.grpc->port()), std::move(m)));
    if (one(h.sleep, "sleep") && grace && (h.sleep->seconds() < 0 || h.sleep->seconds() > *grace))
        errs.push_back(FieldError::invalid(
            child(path, "sleep"), num(h.sleep->seconds()),
            "must be non-negative and less than terminationGracePeriodSeconds (" +
                std::to_string(*grace) + ")"));
    if (count == 0)
        errs.push_back(FieldError::required(path, "must specify a handler type"));
}

enum class ProbeKind { Liveness, Readiness, Startup };

void probe(const core::Probe &p, ProbeKind kind, const int64_t *grace, const std::string &path,
           FieldErrors &errs)
{
    const core::ProbeHandler &ph = p.handler();
    Handler h;
    h.exec = ph.has_exec() ? &ph.exec() : nullptr;
    h.http = ph.has_http_get() ? &ph.http_get() : nullptr;
    h.tcp = ph.has_tcp_socket() ? &ph.tcp_socket() : nullptr;
    h.grpc = ph.has_grpc() ? &ph.grpc() : nullptr;
    handler(h, grace, path, errs);
    nonNegative(p.initial_delay_seconds(), child(path, "initialDelaySeconds"), errs);
    nonNegative(p.timeout_seconds(), child(path, "timeoutSeconds"), errs);
    nonNegative(p.period_seconds(), child(path, "periodSeconds"), errs);
    nonNegative(p.success_threshold(), child(path, "successThreshold"), errs);
    nonNegative(p.failure_threshold(), child(path, "failureThreshold"), errs);
    if (p.has_termination_grace_period_seconds() && p.termination_grace_period_seconds() <= 0)
        errs.push_back(FieldError::invalid(child(path, "terminationGracePeriodSeconds"),
                                           num(p.termination_grace_period_seconds()),
                                           "must be greater than 0"));
    if (kind != ProbeKind::Readiness && p.success_threshold() != 1)
        errs.push_back(FieldError::invalid(child(path, "successThreshold"),
                                           num(p.success_threshold()), "must be 1"));
    if (kind == ProbeKind::Readiness && p.has_termination_grace_period_seconds())
        errs.push_back(FieldError::invalid(child(path, "terminationGracePeriodSeconds"),
                                           num(p.termination_grace_period_seconds()),
                                           "must not be set for readinessProbes"));
}

void lifecycle(const core::Lifecycle &l, const int64_t *grace, const std::string &path,
               FieldErrors &errs)
{
    auto of = [](const core::LifecycleHandler &lh) {
        Handler h;
        h.exec = lh.has_exec() ? &lh.exec() : nullptr;
        h.http = lh.has_http_get() ? &lh.http_get() : nullptr;
        h.tcp = lh.has_tcp_socket() ? &lh.tcp_socket() : nullptr;
        h.sleep = lh.has_sleep() ? &lh.sleep() : nullptr;
        return h;
    };
    if (l.has_post_start())
        handler(of(l.post_start()), grace, child(path, "postStart"), errs);
    if (l.has_pre_stop())
        handler(of(l.pre_stop()), grace, child(path, "preStop"), errs);
}

void probesAndLifecycle(const core::Container &c, const int64_t *grace, const std::string &path,
                        FieldErrors &errs)
{
    if (c.has_lifecycle())
        lifecycle(c.lifecycle(), grace, child(path, "lifecycle"), errs);
    if (c.has_liveness_probe())
        probe(c.liveness_probe(), ProbeKind::Liveness, grace, child(path, "livenessProbe"), errs);
    if (c.has_readiness_probe())
        probe(c.readiness_probe(), ProbeKind::Readiness, grace, child(path, "readinessProbe"),
              errs);
    if (c.has_startup_probe())
        probe(c.startup_probe(), ProbeKind::Startup, grace, child(path, "startupProbe"), errs);
}

void containerCommon(const core::Container &c, const VolumeMap &vols, const std::string &path,
                     FieldErrors &errs)
{
    if (c.name().empty())
        errs.push_back(FieldError::required(child(path, "name")));
    else
        dns1123Label(c.name(), child(path, "name"), errs);
    if (c.image().empty())
        errs.push_back(FieldError::required(child(path, "image")));
    const std::string &tmp = c.termination_message_policy();
    if (tmp.empty())
        errs.push_back(FieldError::required(child(path, "terminationMessagePolicy")));
    else if (tmp != "File" && tmp != "FallbackToLogsOnError")
        errs.push_back(FieldError::notSupported(child(path, "terminationMessagePolicy"), q(tmp),
                                                {"File", "FallbackToLogsOnError"}));
    containerPorts(c, child(path, "ports"), errs);
    env(c, child(path, "env"), errs);
    envFrom(c, child(path, "envFrom"), errs);
    volumeMounts(c, vols, child(path, "volumeMounts"), errs);
    const std::string &pull = c.image_pull_policy();
    if (pull.empty())
        errs.push_back(FieldError::required(child(path, "imagePullPolicy")));
    else if (pull != "Always" && pull != "IfNotPresent" && pull != "Never")
        errs.push_back(FieldError::notSupported(child(path, "imagePullPolicy"), q(pull),
                                                {"Always", "IfNotPresent", "Never"}));
    resources(c.resources(), child(path, "resources"), errs);
    if (c.has_security_context()) {
        const core::SecurityContext &sc = c.security_context();
        const std::string p = child(path, "securityContext");
        if (sc.has_run_as_user() && (sc.run_as_user() < 0 || sc.run_as_user() > 0xffffffffLL))
            errs.push_back(FieldError::invalid(child(p, "runAsUser"), num(sc.run_as_user()),
                                               names::inclusiveRangeError(0, 4294967295LL)));
        if (sc.has_run_as_group() && (sc.run_as_group() < 0 || sc.run_as_group() > 0xffffffffLL))
            errs.push_back(FieldError::invalid(child(p, "runAsGroup"), num(sc.run_as_group()),
                                               names::inclusiveRangeError(0, 4294967295LL)));
    }
}

void hostPortConflicts(const std::vector<const core::Container *> &containers,
                       const std::string &path, const std::vector<int> &indexes, FieldErrors &errs)
{
    std::set<std::string> seen;
    for (size_t ci = 0; ci < containers.size(); ++ci) {
        const core::Container &c = *containers[ci];
        for (int pi = 0; pi < c.ports_size(); ++pi) {
            const core::ContainerPort &p = c.ports(pi);
            if (p.host_port() == 0)
                continue;
            const std::string str =
                p.protocol() + "/" + p.host_ip() + "/" + std::to_string(p.host_port());
            if (!seen.insert(str).second)
                errs.push_back(FieldError::duplicate(
                    child(index(child(index(path, indexes[ci]), "ports"), pi), "hostPort"),
                    q(str)));
        }
    }
}

void containers(const core::PodSpec &spec, const VolumeMap &vols, const std::string &path,
                FieldErrors &errs)
{
    const int64_t grace = spec.termination_grace_period_seconds();
    const int64_t *gracePtr = spec.has_termination_grace_period_seconds() ? &grace : nullptr;
    if (spec.containers().empty()) {
        errs.push_back(FieldError::required(path));
        return;
    }
    std::set<std::string> names;
    std::vector<const core::Container *> all;
    std::vector<int> indexes;
    for (int i = 0; i < spec.containers_size(); ++i) {
        const core::Container &c = spec.containers(i);
        const std::string p = index(path, i);
        containerCommon(c, vols, p, errs);
        if (!names.insert(c.name()).second)
            errs.push_back(FieldError::duplicate(child(p, "name"), q(c.name())));
        probesAndLifecycle(c, gracePtr, p, errs);
        if (c.has_restart_policy())
            errs.push_back(FieldError::forbidden(child(p, "restartPolicy"),
                                                 "may not be set for non-init containers"));
        all.push_back(&c);
        indexes.push_back(i);
    }
    hostPortConflicts(all, path, indexes, errs);
}

void initContainers(const core::PodSpec &spec, const VolumeMap &vols, const std::string &path,
                    FieldErrors &errs)
{
    const int64_t grace = spec.termination_grace_period_seconds();
    const int64_t *gracePtr = spec.has_termination_grace_period_seconds() ? &grace : nullptr;
    std::set<std::string> names;
    for (const core::Container &c : spec.containers())
        names.insert(c.name());
    for (int i = 0; i < spec.init_containers_size(); ++i) {
        const core::Container &c = spec.init_containers(i);
        const std::string p = index(path, i);
        containerCommon(c, vols, p, errs);
        bool restartAlways = false;
        if (c.has_restart_policy()) {
            if (c.restart_policy() != "Always")
                errs.push_back(FieldError::notSupported(child(p, "restartPolicy"),
                                                        q(c.restart_policy()), {"Always"}));
            restartAlways = c.restart_policy() == "Always";
        }
        if (names.count(c.name()))
            errs.push_back(FieldError::duplicate(child(p, "name"), q(c.name())));
        else if (!c.name().empty())
            names.insert(c.name());
        hostPortConflicts({&c}, path, {i}, errs);
        if (restartAlways) {
            probesAndLifecycle(c, gracePtr, p, errs);
        } else {
            const char *why = "may not be set for init containers without restartPolicy=Always";
            if (c.has_lifecycle())
                errs.push_back(FieldError::forbidden(child(p, "lifecycle"), why));
            if (c.has_liveness_probe())
                errs.push_back(FieldError::forbidden(child(p, "livenessProbe"), why));
            if (c.has_readiness_probe())
                errs.push_back(FieldError::forbidden(child(p, "readinessProbe"), why));
            if (c.has_startup_probe())
                errs.push_back(FieldError::forbidden(child(p, "startupProbe"), why));
        }
    }
}

void nodeSelectorTerm(const core::NodeSelectorTerm &term, bool checkValues, const std::string &path,
                      FieldErrors &errs)
{
    for (int j = 0; j < term.match_expressions_size(); ++j) {
        const core::NodeSelectorRequirement &rq = term.match_expressions(j);
        const std::string p = index(child(path, "matchExpressions"), j);
        const std::string &op = rq.operator_();
        if (op == "In" || op == "NotIn") {
            if (rq.values().empty())
                errs.push_back(FieldError::required(
                    child(p, "values"), "must be specified when `operator` is 'In' or 'NotIn'"));
        } else if (op == "Exists" || op == "DoesNotExist") {
            if (!rq.values().empty())
                errs.push_back(FieldError::forbidden(
                    child(p, "values"),
                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        } else if (op == "Gt" || op == "Lt") {
            if (rq.values_size() != 1)
                errs.push_back(FieldError::required(
                    child(p, "values"),
                    "must be specified single value when `operator` is 'Lt' or 'Gt'"));
        } else {
            errs.push_back(
                FieldError::invalid(child(p, "operator"), q(op), "not a valid selector operator"));
        }
        qualifiedName(rq.key(), child(p, "key"), errs);
        if (checkValues)
            for (int v = 0; v < rq.values_size(); ++v)
                for (std::string &m : names::isLabelValue(rq.values(v)))
                    errs.push_back(FieldError::invalid(index(child(p, "values"), v),
                                                       q(rq.values(v)), std::move(m)));
    }
    for (int j = 0; j < term.match_fields_size(); ++j) {
        const core::NodeSelectorRequirement &rq = term.match_fields(j);
        const std::string p = index(child(path, "matchFields"), j);
        if (rq.operator_() == "In" || rq.operator_() == "NotIn") {
            if (rq.values_size() != 1)
                errs.push_back(FieldError::required(child(p, "values"),
                                                    "must be only one value when `operator` is "
                                                    "'In' or 'NotIn' for node field selector"));
        } else {
            errs.push_back(FieldError::invalid(child(p, "operator"), q(rq.operator_()),
                                               "not a valid selector operator"));
        }
        if (rq.key() != "metadata.name")
            errs.push_back(FieldError::invalid(child(p, "key"), q(rq.key()),
                                               "not a valid field selector key"));
        else
            for (int v = 0; v < rq.values_size(); ++v)
                nameRule(names::NameRule::Dns1123Subdomain, rq.values(v),
                         index(child(p, "values"), v), errs);
    }
}

void podAffinityTerm(const core::PodAffinityTerm &term, const std::string &path, FieldErrors &errs)
{
    labelSelector(term.has_label_selector() ? &term.label_selector() : nullptr,
                  child(path, "labelSelector"), errs);
    labelSelector(term.has_namespace_selector() ? &term.namespace_selector() : nullptr,
                  child(path, "namespaceSelector"), errs);
    for (const std::string &ns : term.namespaces())
        for (std::string &m : names::isDns1123Label(ns))
            errs.push_back(FieldError::invalid(child(path, "namespace"), q(ns), std::move(m)));
    if (term.topology_key().empty())
        errs.push_back(FieldError::required(child(path, "topologyKey"), "can not be empty"));
    qualifiedName(term.topology_key(), child(path, "topologyKey"), errs);
}

template<class Affinity>
void podAffinity(const Affinity &a, const std::string &path, FieldErrors &errs)
{
    const std::string req = child(path, "requiredDuringSchedulingIgnoredDuringExecution");
    for (int i = 0; i < a.required_during_scheduling_ignored_during_execution_size(); ++i)
        podAffinityTerm(a.required_during_scheduling_ignored_during_execution(i), index(req, i),
                        errs);
    const std::string pref = child(path, "preferredDuringSchedulingIgnoredDuringExecution");
    for (int i = 0; i < a.preferred_during_scheduling_ignored_during_execution_size(); ++i) {
        const core::WeightedPodAffinityTerm &w =
            a.preferred_during_scheduling_ignored_during_execution(i);
        if (w.weight() <= 0 || w.weight() > 100)
            errs.push_back(FieldError::invalid(child(index(pref, i), "weight"), num(w.weight()),
                                               "must be in the range 1-100"));
        podAffinityTerm(w.pod_affinity_term(), child(index(pref, i), "podAffinityTerm"), errs);
    }
}

void affinity(const core::Affinity &a, const std::string &path, FieldErrors &errs)
{
    if (a.has_node_affinity()) {
        const core::NodeAffinity &na = a.node_affinity();
        const std::string p = child(path, "nodeAffinity");
        if (na.has_required_during_scheduling_ignored_during_execution()) {
            const std::string terms = child(
                child(p, "requiredDuringSchedulingIgnoredDuringExecution"), "nodeSelectorTerms");
            const core::NodeSelector &ns = na.required_during_scheduling_ignored_during_execution();
            if (ns.node_selector_terms().empty())
                errs.push_back(
                    FieldError::required(terms, "must have at least one node selector term"));
            for (int i = 0; i < ns.node_selector_terms_size(); ++i)
                nodeSelectorTerm(ns.node_selector_terms(i), true, index(terms, i), errs);
        }
        const std::string pref = child(p, "preferredDuringSchedulingIgnoredDuringExecution");
        for (int i = 0; i < na.preferred_during_scheduling_ignored_during_execution_size(); ++i) {
            const core::PreferredSchedulingTerm &t =
                na.preferred_during_scheduling_ignored_during_execution(i);
            if (t.weight() <= 0 || t.weight() > 100)
                errs.push_back(FieldError::invalid(child(index(pref, i), "weight"), num(t.weight()),
                                                   "must be in the range 1-100"));
            nodeSelectorTerm(t.preference(), false, child(index(pref, i), "preference"), errs);
        }
    }
    if (a.has_pod_affinity())
        podAffinity(a.pod_affinity(), child(path, "podAffinity"), errs);
    if (a.has_pod_anti_affinity())
        podAffinity(a.pod_anti_affinity(), child(path, "podAntiAffinity"), errs);
}

void topologySpread(const core::PodSpec &spec, const std::string &path, FieldErrors &errs)
{
    const auto &cs = spec.topology_spread_constraints();
    for (int i = 0; i < cs.size(); ++i) {
        const core::TopologySpreadConstraint &c = cs.Get(i);
        const std::string p = index(path, i);
        if (c.max_skew() <= 0)
            errs.push_back(
                FieldError::invalid(child(p, "maxSkew"), num(c.max_skew()), kNotPositive));
        if (c.topology_key().empty())
            errs.push_back(FieldError::required(child(p, "topologyKey"), "can not be empty"));
        if (c.when_unsatisfiable() != "DoNotSchedule" && c.when_unsatisfiable() != "ScheduleAnyway")
            errs.push_back(FieldError::notSupported(child(p, "whenUnsatisfiable"),
                                                    q(c.when_unsatisfiable()),
                                                    {"DoNotSchedule", "ScheduleAnyway"}));
        for (int j = i + 1; j < cs.size(); ++j) {
            if (cs.Get(j).topology_key() == c.topology_key() &&
                cs.Get(j).when_unsatisfiable() == c.when_unsatisfiable()) {
                errs.push_back(FieldError::duplicate(
                    child(p, "{topologyKey, whenUnsatisfiable}"),
                    q("{" + c.topology_key() + ", " + c.when_unsatisfiable() + "}")));
                break;
            }
        }
        if (c.has_min_domains()) {
            if (c.min_domains() <= 0)
                errs.push_back(FieldError::invalid(child(p, "minDomains"), num(c.min_domains()),
                                                   kNotPositive));
            if (c.when_unsatisfiable() != "DoNotSchedule")
                errs.push_back(FieldError::invalid(
                    child(p, "minDomains"), num(c.min_domains()),
                    "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not " +
                        c.when_unsatisfiable()));
        }
        if (c.has_node_affinity_policy() &&
            !contains({"Honor", "Ignore"}, c.node_affinity_policy()))
            errs.push_back(FieldError::notSupported(
                child(p, "nodeAffinityPolicy"), q(c.node_affinity_policy()), {"Honor", "Ignore"}));
        if (c.has_node_taints_policy() && !contains({"Honor", "Ignore"}, c.node_taints_policy()))
            errs.push_back(FieldError::notSupported(
                child(p, "nodeTaintsPolicy"), q(c.node_taints_policy()), {"Honor", "Ignore"}));
        labelSelector(c.has_label_selector() ? &c.label_selector() : nullptr,
                      child(p, "labelSelector"), errs);
    }
}

void podSecurityContext(const core::PodSpec &spec, const std::string &path, FieldErrors &errs)
{
    if (!spec.has_security_context())
        return;
    const core::PodSecurityContext &sc = spec.security_context();
    const std::string range = names::inclusiveRangeError(0, 4294967295LL);
    auto id = [&](bool has, long long v, const char *name) {
        if (has && (v < 0 || v > 0xffffffffLL))
            errs.push_back(FieldError::invalid(child(path, name), num(v), range));
    };
    id(sc.has_fs_group(), sc.fs_group(), "fsGroup");
    id(sc.has_run_as_user(), sc.run_as_user(), "runAsUser");
    id(sc.has_run_as_group(), sc.run_as_group(), "runAsGroup");
    for (int g = 0; g < sc.supplemental_groups_size(); ++g)
        if (sc.supplemental_groups(g) < 0 || sc.supplemental_groups(g) > 0xffffffffLL)
            errs.push_back(FieldError::invalid(index(child(path, "supplementalGroups"), g),
                                               num(sc.supplemental_groups(g)), range));
    if (spec.share_process_namespace() && spec.host_pid())
        errs.push_back(FieldError::invalid(child(path, "shareProcessNamespace"), "true",
                                           "ShareProcessNamespace and HostPID cannot both be "
                                           "enabled"));
    if (sc.has_fs_group_change_policy() &&
        !contains({"OnRootMismatch", "Always"}, sc.fs_group_change_policy()))
        errs.push_back(FieldError::notSupported(child(path, "fsGroupChangePolicy"),
                                                q(sc.fs_group_change_policy()),
                                                {"Always", "OnRootMismatch"}));
}

void dnsConfig(const core::PodSpec &spec, const std::string &path, FieldErrors &errs)
{
    if (spec.dns_policy() == "None") {
        if (!spec.has_dns_config()) {
            errs.push_back(
                FieldError::required(path, "must provide `dnsConfig` when `dnsPolicy` is None"));
            return;
        }
        if (spec.dns_config().nameservers().empty()) {
            errs.push_back(FieldError::required(child(path, "nameservers"),
                                                "must provide at least one DNS nameserver when "
                                                "`dnsPolicy` is None"));
            return;
        }
    }
    if (!spec.has_dns_config())
        return;
    const core::PodDNSConfig &c = spec.dns_config();
    if (c.nameservers_size() > 3)
        errs.push_back(
            FieldError::invalid(child(path, "nameservers"),
                                goStringList({c.nameservers().begin(), c.nameservers().end()}),
                                "must not have more than 3 nameservers"));
    for (int i = 0; i < c.nameservers_size(); ++i)
        for (std::string &m : names::isValidIp(c.nameservers(i)))
            errs.push_back(FieldError::invalid(index(child(path, "nameservers"), i),
                                               q(c.nameservers(i)), std::move(m)));
    if (c.searches_size() > 32)
        errs.push_back(FieldError::invalid(child(path, "searches"),
                                           goStringList({c.searches().begin(), c.searches().end()}),
                                           "must not have more than 32 search paths"));
    for (int i = 0; i < c.searches_size(); ++i) {
        std::string s = c.searches(i);
        if (s == ".")
            continue;
        if (!s.empty() && s.back() == '.')
            s.pop_back();
        dns1123Subdomain(s, index(child(path, "searches"), i), errs);
    }
    for (int i = 0; i < c.options_size(); ++i)
        if (c.options(i).name().empty())
            errs.push_back(
                FieldError::required(index(child(path, "options"), i), "must not be empty"));
}

} // namespace

void tolerations(const google::protobuf::RepeatedPtrField<core::Toleration> &t,
                 const std::string &path, FieldErrors &errs)
{
    for (int i = 0; i < t.size(); ++i) {
        const core::Toleration &tol = t.Get(i);
        const std::string p = index(path, i);
        if (!tol.key().empty())
            qualifiedName(tol.key(), child(p, "key"), errs);
        if (tol.key().empty() && tol.operator_() != "Exists")
            errs.push_back(FieldError::invalid(
                child(p, "operator"), q(tol.operator_()),
                "operator must be Exists when `key` is empty, which means \"match all values and "
                "all keys\""));
        if (tol.has_toleration_seconds() && tol.effect() != "NoExecute")
            errs.push_back(FieldError::invalid(child(p, "effect"), q(tol.effect()),
                                               "effect must be 'NoExecute' when "
                                               "`tolerationSeconds` is set"));
        if (tol.operator_() == "Equal" || tol.operator_().empty()) {
            const auto msgs = names::isLabelValue(tol.value());
            if (!msgs.empty()) {
                std::string joined;
                for (const std::string &m : msgs)
                    joined += (joined.empty() ? "" : ";") + m;
                errs.push_back(FieldError::invalid(child(p, "operator"), q(tol.value()), joined));
            }
        } else if (tol.operator_() == "Exists") {
            if (!tol.value().empty())
                errs.push_back(FieldError::invalid(child(p, "operator"), q(tol.value()),
                                                   "value must be empty when `operator` is "
                                                   "'Exists'"));
        } else {
            errs.push_back(FieldError::notSupported(child(p, "operator"), q(tol.operator_()),
                                                    {"Equal", "Exists"}));
        }
        if (!tol.effect().empty() &&
            !contains({"NoSchedule", "PreferNoSchedule", "NoExecute"}, tol.effect()))
            errs.push_back(
                FieldError::notSupported(child(p, "effect"), q(tol.effect()),
                                         {"NoSchedule", "PreferNoSchedule", "NoExecute"}));
    }
}

void podSpec(const core::PodSpec &spec, const std::string &path, bool isPod, FieldErrors &errs)
{
    if (!spec.has_termination_grace_period_seconds())
        errs.push_back(FieldError::required(child(path, "terminationGracePeriodSeconds")));
    const VolumeMap vols = volumes(spec, child(path, "volumes"), errs);
    containers(spec, vols, child(path, "containers"), errs);
    initContainers(spec, vols, child(path, "initContainers"), errs);

    if (spec.host_network()) {
        for (int i = 0; i < spec.containers_size(); ++i) {
            const core::Container &c = spec.containers(i);
            for (int j = 0; j < c.ports_size(); ++j) {
                const core::ContainerPort &port = c.ports(j);
                if ((isPod || port.host_port() != 0) && port.host_port() != port.container_port())
                    errs.push_back(FieldError::invalid(
                        child(index(child(index(child(path, "containers"), i), "ports"), j),
                              "hostPort"),
                        num(port.host_port()),
                        "must match `containerPort` when `hostNetwork` is "
                        "true"));
            }
        }
    }
    const std::string &restart = spec.restart_policy();
    if (restart.empty())
        errs.push_back(FieldError::required(child(path, "restartPolicy")));
    else if (!contains({"Always", "OnFailure", "Never"}, restart))
        errs.push_back(FieldError::notSupported(child(path, "restartPolicy"), q(restart),
                                                {"Always", "OnFailure", "Never"}));
    const std::string &dns = spec.dns_policy();
    if (dns.empty())
        errs.push_back(FieldError::required(child(path, "dnsPolicy")));
    else if (!contains({"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"}, dns))
        errs.push_back(FieldError::notSupported(
            child(path, "dnsPolicy"), q(dns),
            {"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"}));
    labels(spec.node_selector(), child(path, "nodeSelector"), errs);
    podSecurityContext(spec, child(path, "securityContext"), errs);
    if (spec.has_affinity())
        affinity(spec.affinity(), child(path, "affinity"), errs);
    dnsConfig(spec, child(path, "dnsConfig"), errs);
    for (int i = 0; i < spec.readiness_gates_size(); ++i)
        qualifiedName(spec.readiness_gates(i).condition_type(),
                      child(index(child(path, "readinessGates"), i), "conditionType"), errs);
    std::set<std::string> gates;
    for (int i = 0; i < spec.scheduling_gates_size(); ++i) {
        const std::string p = index(child(path, "schedulingGates"), i);
        qualifiedName(spec.scheduling_gates(i).name(), p, errs);
        if (!gates.insert(spec.scheduling_gates(i).name()).second)
            errs.push_back(FieldError::duplicate(p, q(spec.scheduling_gates(i).name())));
    }
    topologySpread(spec, child(path, "topologySpreadConstraints"), errs);
    if (!spec.service_account_name().empty())
        nameRule(names::NameRule::Dns1123Subdomain, spec.service_account_name(),
                 child(path, "serviceAccountName"), errs);
    if (!spec.node_name().empty())
        nameRule(names::NameRule::Dns1123Subdomain, spec.node_name(), child(path, "nodeName"),
                 errs);
    if (spec.has_active_deadline_seconds() &&
        (spec.active_deadline_seconds() < 1 || spec.active_deadline_seconds() > INT32_MAX))
        errs.push_back(FieldError::invalid(child(path, "activeDeadlineSeconds"),
                                           num(spec.active_deadline_seconds()),
                                           names::inclusiveRangeError(1, INT32_MAX)));
    if (!spec.hostname().empty())
        dns1123Label(spec.hostname(), child(path, "hostname"), errs);
    if (!spec.subdomain().empty())
        dns1123Label(spec.subdomain(), child(path, "subdomain"), errs);
    tolerations(spec.tolerations(), child(path, "tolerations"), errs);
    for (int i = 0; i < spec.host_aliases_size(); ++i) {
        const core::HostAlias &ha = spec.host_aliases(i);
        const std::string p = index(child(path, "hostAliases"), i);
        for (std::string &m : names::isValidIp(ha.ip()))
            errs.push_back(FieldError::invalid(child(p, "ip"), q(ha.ip()), std::move(m)));
        for (int j = 0; j < ha.hostnames_size(); ++j)
            dns1123Subdomain(ha.hostnames(j), index(child(p, "hostnames"), j), errs);
    }
    if (!spec.priority_class_name().empty())
        nameRule(names::NameRule::Dns1123Subdomain, spec.priority_class_name(),
                 child(path, "priorityClassName"), errs);
    if (spec.has_preemption_policy()) {
        const std::string &pp = spec.preemption_policy();
        if (pp.empty())
            errs.push_back(FieldError::required(child(path, "preemptionPolicy")));
        else if (pp != "PreemptLowerPriority" && pp != "Never")
            errs.push_back(FieldError::notSupported(child(path, "preemptionPolicy"), q(pp),
                                                    {"PreemptLowerPriority", "Never"}));
    }
    if (spec.has_os() && spec.os().name() != "linux" && spec.os().name() != "windows")
        errs.push_back(FieldError::notSupported(child(child(path, "os"), "name"),
                                                q(spec.os().name()), {"linux", "windows"}));
    if (isPod) {
        auto imageWhitespace = [&](const auto &list, const char *name) {
            for (int i = 0; i < list.size(); ++i) {
                const std::string &img = list.Get(i).image();
                const bool padded =
                    !img.empty() && (std::isspace(static_cast<unsigned char>(img.front())) ||
                                     std::isspace(static_cast<unsigned char>(img.back())));
                if (padded)
                    errs.push_back(
                        FieldError::invalid(child(index(child(path, name), i), "image"), q(img),
                                            "must not have leading or trailing whitespace"));
            }
        };
        imageWhitespace(spec.containers(), "containers");
        imageWhitespace(spec.init_containers(), "initContainers");
    }
}

void podTemplateSpec(const core::PodTemplateSpec &tmpl, const std::string &path, FieldErrors &errs)
{
    labels(tmpl.metadata().labels(), child(child(path, "metadata"), "labels"), errs);
    annotations(tmpl.metadata().annotations(), child(child(path, "metadata"), "annotations"), errs);
    podSpec(tmpl.spec(), child(path, "spec"), false, errs);
    if (!tmpl.spec().ephemeral_containers().empty())
        errs.push_back(FieldError::forbidden(child(child(path, "spec"), "ephemeralContainers"),
                                             "ephemeral containers not allowed in pod template"));
}

FieldErrors podCreate(const core::Pod &pod)
{
    FieldErrors errs;
    objectMeta(pod.metadata(), true, names::NameRule::Dns1123Subdomain, errs);
    podSpec(pod.spec(), "spec", true, errs);
    if (!pod.spec().ephemeral_containers().empty())
        errs.push_back(
            FieldError::forbidden("spec.ephemeralContainers", "cannot be set on create"));
    if (!pod.spec().node_name().empty() && !pod.spec().scheduling_gates().empty())
        errs.push_back(FieldError::forbidden("spec.nodeName",
                                             "cannot be set until all schedulingGates have been "
                                             "cleared"));
    return errs;
}

namespace {

// ValidateContainerUpdates: false when the lists differ in length (then the
// rest of the pod update is not checked).
bool containerUpdates(const google::protobuf::RepeatedPtrField<core::Container> &now,
                      const google::protobuf::RepeatedPtrField<core::Container> &before,
                      const std::string &path, FieldErrors &errs)
{
    if (now.size() != before.size()) {
        errs.push_back(FieldError::forbidden(path, "pod updates may not add or remove containers"));
        return false;
    }
    for (int i = 0; i < now.size(); ++i)
        if (now.Get(i).image().empty())
            errs.push_back(FieldError::required(child(index(path, i), "image")));
    return true;
}

bool sameToleration(const core::Toleration &a, const core::Toleration &b)
{
    return a.key() == b.key() && a.operator_() == b.operator_() && a.value() == b.value() &&
           a.effect() == b.effect();
}

} // namespace

FieldErrors podUpdate(const core::Pod &pod, const core::Pod &old)
{
    FieldErrors errs;
    objectMetaUpdate(pod.metadata(), old.metadata(), errs);
    {
        FieldErrors createErrs;
        objectMeta(pod.metadata(), true, names::NameRule::Dns1123Subdomain, createErrs);
        podSpec(pod.spec(), "spec", true, createErrs);
        // objectMetaUpdate already reported the metadata rules both share.
        for (FieldError &e : createErrs)
            if (e.field.rfind("metadata.", 0) != 0 || e.field == "metadata.name" ||
                e.field == "metadata.namespace" || e.field == "metadata.generateName")
                errs.push_back(std::move(e));
    }
    const core::PodSpec &spec = pod.spec();
    const core::PodSpec &oldSpec = old.spec();
    if (!containerUpdates(spec.containers(), oldSpec.containers(), "spec.containers", errs))
        return errs;
    if (!containerUpdates(spec.init_containers(), oldSpec.init_containers(), "spec.initContainers",
                          errs))
        return errs;
    if (spec.has_active_deadline_seconds()) {
        const int64_t now = spec.active_deadline_seconds();
        if (now < 0 || now > INT32_MAX) {
            errs.push_back(FieldError::invalid("spec.activeDeadlineSeconds", num(now),
                                               names::inclusiveRangeError(0, INT32_MAX)));
            return errs;
        }
        if (oldSpec.has_active_deadline_seconds() && oldSpec.active_deadline_seconds() < now) {
            errs.push_back(FieldError::invalid("spec.activeDeadlineSeconds", num(now),
                                               "must be less than or equal to previous value"));
            return errs;
        }
    } else if (oldSpec.has_active_deadline_seconds()) {
        errs.push_back(FieldError::invalid("spec.activeDeadlineSeconds", "null",
                                           "must not update from a positive integer to nil "
                                           "value"));
    }
    // Only additions to tolerations (tolerationSeconds may change).
    for (const core::Toleration &before : oldSpec.tolerations()) {
        bool found = false;
        for (const core::Toleration &now : spec.tolerations())
            found = found || sameToleration(before, now);
        if (!found) {
            errs.push_back(FieldError::forbidden("spec.tolerations",
                                                 "existing toleration can not be modified except "
                                                 "its tolerationSeconds"));
            break;
        }
    }
    // Only deletions of scheduling gates.
    std::set<std::string> oldGates;
    for (const core::PodSchedulingGate &g : oldSpec.scheduling_gates())
        oldGates.insert(g.name());
    for (int i = 0; i < spec.scheduling_gates_size(); ++i)
        if (!oldGates.count(spec.scheduling_gates(i).name()))
            errs.push_back(
                FieldError::forbidden(child(index("spec.schedulingGates", i), "name"),
                                      "only deletion is allowed, but found new scheduling gate '" +
                                          spec.scheduling_gates(i).name() + "'"));

    core::PodSpec munged = spec;
    for (int i = 0; i < munged.containers_size(); ++i)
        munged.mutable_containers(i)->set_image(oldSpec.containers(i).image());
    for (int i = 0; i < munged.init_containers_size(); ++i)
        munged.mutable_init_containers(i)->set_image(oldSpec.init_containers(i).image());
    if (oldSpec.has_active_deadline_seconds())
        munged.set_active_deadline_seconds(oldSpec.active_deadline_seconds());
    else
        munged.clear_active_deadline_seconds();
    *munged.mutable_scheduling_gates() = oldSpec.scheduling_gates();
    *munged.mutable_tolerations() = oldSpec.tolerations();
    if (oldSpec.has_termination_grace_period_seconds() &&
        oldSpec.termination_grace_period_seconds() < 0 &&
        munged.has_termination_grace_period_seconds() &&
        munged.termination_grace_period_seconds() == 1)
        munged.set_termination_grace_period_seconds(oldSpec.termination_grace_period_seconds());
    if (!oldSpec.scheduling_gates().empty()) {
        // A gated pod may gain node selector entries (additions only).
        bool additionsOnly = true;
        for (const auto &[k, v] : oldSpec.node_selector()) {
            auto it = munged.node_selector().find(k);
            additionsOnly = additionsOnly && it != munged.node_selector().end() && it->second == v;
        }
        if (additionsOnly)
            *munged.mutable_node_selector() = oldSpec.node_selector();
    }

    google::protobuf::util::MessageDifferencer differ;
    std::string report;
    differ.ReportDifferencesToString(&report);
    if (!differ.Compare(oldSpec, munged)) {
        while (!report.empty() && report.back() == '\n')
            report.pop_back();
        errs.push_back(FieldError::forbidden(
            "spec",
            "pod updates may not change fields other than `spec.containers[*].image`,"
            "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` "
            "(only additions to existing tolerations),`spec.terminationGracePeriodSeconds` "
            "(allow it to be set to 1 if it was previously negative)\n" +
                report));
    }
    return errs;
}

FieldErrors podStatusUpdate(const core::Pod &pod, const core::Pod &old)
{
    FieldErrors errs;
    objectMetaUpdate(pod.metadata(), old.metadata(), errs);
    for (int i = 0; i < pod.status().conditions_size(); ++i) {
        const std::string &type = pod.status().conditions(i).type();
        if (contains({"PodScheduled", "Ready", "Initialized"}, type))
            continue;
        qualifiedName(type, child(index("metadata.conditions", i), "Type"), errs);
    }
    if (pod.spec().node_name() != old.spec().node_name())
        errs.push_back(FieldError::forbidden("status.nodeName", "may not be changed directly"));
    const std::string &nominated = pod.status().nominated_node_name();
    if (nominated != old.status().nominated_node_name() && !nominated.empty())
        nameRule(names::NameRule::Dns1123Subdomain, nominated, "status.nominatedNodeName", errs);
    if (pod.status().qos_class() != old.status().qos_class())
        errs.push_back(
            FieldError::invalid("status.qosClass", q(pod.status().qos_class()), kImmutable));
    for (int i = 0; i < pod.status().pod_ips_size(); ++i)
        for (std::string &m : names::isValidIp(pod.status().pod_ips(i).ip()))
            errs.push_back(FieldError::invalid(index("status.podIPs", i),
                                               q(pod.status().pod_ips(i).ip()), std::move(m)));
    if (!pod.status().host_ips().empty()) {
        if (pod.status().host_ip() != pod.status().host_ips(0).ip())
            errs.push_back(FieldError::invalid("status.hostIPs[0].ip",
                                               q(pod.status().host_ips(0).ip()),
                                               "must be equal to `hostIP`"));
        for (int i = 0; i < pod.status().host_ips_size(); ++i)
            for (std::string &m : names::isValidIp(pod.status().host_ips(i).ip()))
                errs.push_back(FieldError::invalid(index("status.hostIPs", i),
                                                   q(pod.status().host_ips(i).ip()), std::move(m)));
    }
    // Containers that must not restart may not leave the terminated state.
    const std::string &restart = old.spec().restart_policy();
    if (restart != "Always") {
        const auto &before = old.status().container_statuses();
        for (int i = 0; i < before.size(); ++i) {
            const core::ContainerStatus &o = before.Get(i);
            if (!o.state().has_terminated())
                continue;
            if (o.state().terminated().exit_code() != 0 && restart == "OnFailure")
                continue;
            for (const core::ContainerStatus &n : pod.status().container_statuses())
                if (n.name() == o.name() && !n.state().has_terminated())
                    errs.push_back(
                        FieldError::forbidden(child(index("status.containerStatuses", i), "state"),
                                              "may not be transitioned to non-terminated state"));
        }
    }
    return errs;
}

} // namespace kubist::apiserver::podvalidation
