#pragma once

#include "backend/util/status.h"

#include <string>
#include <string_view>
#include <vector>

namespace kubist::api {
struct KindInfo;
} // namespace kubist::api

// The discovery documents of the API server, generated from the kinds it
// serves: what `kubectl api-resources`, short names and REST mapping read.
// Shapes follow kube-apiserver's (see ../shared/k8s-reference/discovery/).
//
// Every function takes the served kinds (normally
// `api::Scheme::builtin().kinds()`, plus any extra groups appended); a group
// is listed when at least one of its kinds has a REST resource (KindInfo with
// a non-empty `resource`), so kinds that only exist as subresource bodies
// (Scale, Eviction) add no group of their own. Groups keep the order in which
// `kinds` first names them; resources and subresources are sorted by name.
// All functions are pure and thread-safe; the bytes are stable for equal input
// (HTTP caching may hash them).
namespace kubist::apiserver::discovery {

using Kinds = std::vector<api::KindInfo>;

// `/version`: the Kubernetes release Kubist answers as (v1.32), as JSON with
// major, minor, gitVersion ("v1.32.0-kubist"), gitCommit, gitTreeState,
// buildDate, goVersion, compiler and platform ("linux/amd64", from the build).
// kubectl's version dispatcher picks its own minor version from `minor`.
std::string versionJson();
// The minor version `versionJson()` reports ("32").
std::string_view kubernetesMinorVersion();

// `/api`: APIVersions listing "v1". `serverAddress` ("host:port"), when not
// empty, is listed for client CIDR 0.0.0.0/0 in serverAddressByClientCIDRs.
std::string apiVersionsJson(std::string_view serverAddress = {});

// `/apis`: APIGroupList of the served named groups (the core group is not
// one of them), each with its versions and preferred version.
std::string apiGroupListJson(const Kinds &kinds);

// `/apis/<group>`: APIGroup. NotFound when the group is not served.
Result<std::string> apiGroupJson(const Kinds &kinds, std::string_view group);

// `/api/v1` (groupVersion "v1") and `/apis/<group>/<version>`
// (groupVersion "group/version"): APIResourceList with every resource and
// its subresources ("pods/status"); a subresource whose body is of another
// group or version names them (pods/eviction: policy/v1 Eviction).
// NotFound when the group-version is not served.
Result<std::string> apiResourceListJson(const Kinds &kinds, std::string_view groupVersion);

// Aggregated discovery (kubectl 1.26+ asks for it first, with
// `Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`;
// 1.26-1.29 ask for v2beta1 with the same shape).
enum class AggregatedVersion { V2, V2Beta1 };
// `/api` (`legacy` true: the core group only) or `/apis` (the named groups):
// APIGroupDiscoveryList.
std::string aggregatedDiscoveryJson(const Kinds &kinds, bool legacy,
                                    AggregatedVersion version = AggregatedVersion::V2);
// The Content-Type of aggregatedDiscoveryJson's document.
std::string aggregatedDiscoveryContentType(AggregatedVersion version = AggregatedVersion::V2);

// The served group-versions with resources, core ("v1") first, then as in
// `kinds`: {"v1", "apps/v1", "coordination.k8s.io/v1", ...}.
std::vector<std::string> servedGroupVersions(const Kinds &kinds);

// A stable hash of a resource's storage version (base64 of the first 8 bytes
// of SHA-256 over "group/version/kind"), as kube-apiserver computes it.
std::string storageVersionHash(std::string_view group, std::string_view version,
                               std::string_view kind);

} // namespace kubist::apiserver::discovery
