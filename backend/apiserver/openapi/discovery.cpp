#include "discovery.h"

#include "backend/api/scheme.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <QString>
#include <QSysInfo>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace kubist::apiserver::discovery {

namespace {

using nlohmann::json;

std::string dump(const json &j)
{
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string groupVersionOf(const api::KindInfo &k)
{
    return k.apiVersion();
}

bool isServedResource(const api::KindInfo &k)
{
    return !k.resource.empty();
}

// The named groups with resources, each with its versions, in first-seen order.
std::vector<std::pair<std::string, std::vector<std::string>>> namedGroups(const Kinds &kinds)
{
    std::vector<std::pair<std::string, std::vector<std::string>>> groups;
    for (const api::KindInfo &k : kinds) {
        if (k.group.empty() || !isServedResource(k))
            continue;
        auto it = std::find_if(groups.begin(), groups.end(),
                               [&](const auto &g) { return g.first == k.group; });
        if (it == groups.end()) {
            groups.push_back({k.group, {}});
            it = groups.end() - 1;
        }
        if (std::find(it->second.begin(), it->second.end(), k.version) == it->second.end())
            it->second.push_back(k.version);
    }
    return groups;
}

json groupJson(const std::string &name, const std::vector<std::string> &versions)
{
    json list = json::array();
    for (const std::string &v : versions)
        list.push_back({{"groupVersion", name + "/" + v}, {"version", v}});
    // The first version listed is preferred (Kubist serves one per group today).
    return {{"name", name}, {"versions", list}, {"preferredVersion", list.front()}};
}

std::vector<const api::KindInfo *> resourcesOf(const Kinds &kinds, std::string_view groupVersion)
{
    std::vector<const api::KindInfo *> out;
    for (const api::KindInfo &k : kinds)
        if (isServedResource(k) && groupVersionOf(k) == groupVersion)
            out.push_back(&k);
    std::sort(out.begin(), out.end(), [](const api::KindInfo *a, const api::KindInfo *b) {
        return a->resource < b->resource;
    });
    return out;
}

std::vector<const api::SubresourceInfo *> sortedSubresources(const api::KindInfo &k)
{
    std::vector<const api::SubresourceInfo *> out;
    for (const api::SubresourceInfo &s : k.subresources)
        out.push_back(&s);
    std::sort(out.begin(), out.end(),
              [](const auto *a, const auto *b) { return a->name < b->name; });
    return out;
}

json stringArray(const std::vector<std::string> &v)
{
    json a = json::array();
    for (const std::string &s : v)
        a.push_back(s);
    return a;
}

// A subresource's body names its group and version only when they differ
// from its resource's.
bool otherGroupVersion(const api::KindInfo &k, const api::SubresourceInfo &s)
{
    return s.group != k.group || (!s.version.empty() && s.version != k.version);
}

json resourceListJson(const std::string &groupVersion,
                      const std::vector<const api::KindInfo *> &resources)
{
    json list = json::array();
    for (const api::KindInfo *k : resources) {
        json r = {{"name", k->resource},
                  {"singularName", k->singular},
                  {"namespaced", k->namespaced},
                  {"kind", k->kind},
                  {"verbs", stringArray(k->verbs)}};
        if (!k->shortNames.empty())
            r["shortNames"] = stringArray(k->shortNames);
        if (!k->categories.empty())
            r["categories"] = stringArray(k->categories);
        if (!k->subresourceOnly)
            r["storageVersionHash"] = storageVersionHash(k->group, k->version, k->kind);
        list.push_back(std::move(r));
        for (const api::SubresourceInfo *s : sortedSubresources(*k)) {
            json sr = {{"name", k->resource + "/" + s->name},
                       {"singularName", ""},
                       {"namespaced", k->namespaced},
                       {"kind", s->kind},
                       {"verbs", stringArray(s->verbs)}};
            if (otherGroupVersion(*k, *s)) {
                sr["group"] = s->group;
                sr["version"] = s->version;
            }
            list.push_back(std::move(sr));
        }
    }
    json doc = {{"kind", "APIResourceList"}, {"groupVersion", groupVersion}, {"resources", list}};
    if (groupVersion.find('/') != std::string::npos)
        doc["apiVersion"] = "v1";
    return doc;
}

json responseKind(std::string group, std::string version, std::string kind)
{
    return {
        {"group", std::move(group)}, {"version", std::move(version)}, {"kind", std::move(kind)}};
}

json aggregatedVersionJson(const Kinds &kinds, const std::string &groupVersion,
                           const std::string &version)
{
    json resources = json::array();
    for (const api::KindInfo *k : resourcesOf(kinds, groupVersion)) {
        json r = {{"resource", k->resource},
                  {"responseKind", responseKind("", "", k->kind)},
                  {"scope", k->namespaced ? "Namespaced" : "Cluster"},
                  {"singularResource", k->singular},
                  {"verbs", stringArray(k->verbs)}};
        if (!k->shortNames.empty())
            r["shortNames"] = stringArray(k->shortNames);
        if (!k->categories.empty())
            r["categories"] = stringArray(k->categories);
        json subs = json::array();
        for (const api::SubresourceInfo *s : sortedSubresources(*k)) {
            const bool other = otherGroupVersion(*k, *s);
            subs.push_back({{"subresource", s->name},
                            {"responseKind",
                             responseKind(other ? s->group : "", other ? s->version : "", s->kind)},
                            {"verbs", stringArray(s->verbs)}});
        }
        if (!subs.empty())
            r["subresources"] = std::move(subs);
        resources.push_back(std::move(r));
    }
    return {{"version", version}, {"resources", resources}, {"freshness", "Current"}};
}

} // namespace

std::string_view kubernetesMinorVersion()
{
    return "32";
}

std::string versionJson()
{
    std::string arch = QSysInfo::buildCpuArchitecture().toStdString();
    if (arch == "x86_64")
        arch = "amd64";
    else if (arch == "i386")
        arch = "386";
    const json v = {{"major", "1"},
                    {"minor", std::string(kubernetesMinorVersion())},
                    {"gitVersion", "v1.32.0-kubist"},
                    {"gitCommit", "0000000000000000000000000000000000000000"},
                    {"gitTreeState", "clean"},
                    {"buildDate", "2025-01-01T00:00:00Z"},
                    {"goVersion", "go1.23.4"},
                    {"compiler", "gc"},
                    {"platform", "linux/" + arch}};
    return dump(v);
}

std::string apiVersionsJson(std::string_view serverAddress)
{
    json addresses = json::array();
    if (!serverAddress.empty())
        addresses.push_back(
            {{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", std::string(serverAddress)}});
    return dump({{"kind", "APIVersions"},
                 {"versions", json::array({"v1"})},
                 {"serverAddressByClientCIDRs", addresses}});
}

std::string apiGroupListJson(const Kinds &kinds)
{
    json groups = json::array();
    for (const auto &[name, versions] : namedGroups(kinds))
        groups.push_back(groupJson(name, versions));
    return dump({{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}});
}

Result<std::string> apiGroupJson(const Kinds &kinds, std::string_view group)
{
    for (const auto &[name, versions] : namedGroups(kinds)) {
        if (name != group)
            continue;
        json g = groupJson(name, versions);
        g["kind"] = "APIGroup";
        g["apiVersion"] = "v1";
        return dump(g);
    }
    return Status::notFound("the server could not find the requested resource (group \"" +
                            std::string(group) + "\")");
}

Result<std::string> apiResourceListJson(const Kinds &kinds, std::string_view groupVersion)
{
    const std::vector<const api::KindInfo *> resources = resourcesOf(kinds, groupVersion);
    if (resources.empty())
        return Status::notFound("the server could not find the requested resource (" +
                                std::string(groupVersion) + ")");
    return dump(resourceListJson(std::string(groupVersion), resources));
}

std::string aggregatedDiscoveryContentType(AggregatedVersion version)
{
    return std::string("application/json;g=apidiscovery.k8s.io;v=") +
           (version == AggregatedVersion::V2 ? "v2" : "v2beta1") + ";as=APIGroupDiscoveryList";
}

std::string aggregatedDiscoveryJson(const Kinds &kinds, bool legacy, AggregatedVersion version)
{
    json items = json::array();
    if (legacy) {
        if (!resourcesOf(kinds, "v1").empty())
            items.push_back(
                {{"metadata", {{"creationTimestamp", nullptr}}},
                 {"versions", json::array({aggregatedVersionJson(kinds, "v1", "v1")})}});
    } else {
        for (const auto &[name, versions] : namedGroups(kinds)) {
            json vs = json::array();
            for (const std::string &v : versions)
                vs.push_back(aggregatedVersionJson(kinds, name + "/" + v, v));
            items.push_back(
                {{"metadata", {{"name", name}, {"creationTimestamp", nullptr}}}, {"versions", vs}});
        }
    }
    return dump({{"kind", "APIGroupDiscoveryList"},
                 {"apiVersion", version == AggregatedVersion::V2 ? "apidiscovery.k8s.io/v2"
                                                                 : "apidiscovery.k8s.io/v2beta1"},
                 {"metadata", json::object()},
                 {"items", items}});
}

std::vector<std::string> servedGroupVersions(const Kinds &kinds)
{
    std::vector<std::string> out;
    if (!resourcesOf(kinds, "v1").empty())
        out.push_back("v1");
    for (const auto &[name, versions] : namedGroups(kinds))
        for (const std::string &v : versions)
            out.push_back(name + "/" + v);
    return out;
}

std::string storageVersionHash(std::string_view group, std::string_view version,
                               std::string_view kind)
{
    const std::string key =
        std::string(group) + "/" + std::string(version) + "/" + std::string(kind);
    const QByteArray digest = QCryptographicHash::hash(
        QByteArray(key.data(), qsizetype(key.size())), QCryptographicHash::Sha256);
    return digest.left(8).toBase64().toStdString();
}

} // namespace kubist::apiserver::discovery
