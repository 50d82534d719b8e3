#include "openapibuilder.h"

#include "protocomments.h"

#include "backend/api/scheme.h"

#include "meta_v1.pb.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/message.h>

#include <algorithm>

namespace kubist::apiserver {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using nlohmann::json;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;

constexpr std::string_view kMetaPackage = "k8s.io.apimachinery.pkg.apis.meta.v1.";

std::string metaName(std::string_view name)
{
    return std::string(kMetaPackage) + std::string(name);
}

// Message types whose JSON form is not an object of their fields.
enum class Special { None, Time, Quantity, IntOrString, RawObject, StringList, Duration };

Special specialOf(const Descriptor *d)
{
    const std::string &n = d->full_name();
    if (n == metaName("Time") || n == metaName("MicroTime"))
        return Special::Time;
    if (n == "k8s.io.apimachinery.pkg.api.resource.Quantity")
        return Special::Quantity;
    if (n == "k8s.io.apimachinery.pkg.util.intstr.IntOrString")
        return Special::IntOrString;
    if (n == "k8s.io.apimachinery.pkg.runtime.RawExtension" || n == metaName("FieldsV1"))
        return Special::RawObject;
    if (n == metaName("Verbs"))
        return Special::StringList;
    if (n == metaName("Duration"))
        return Special::Duration;
    return Special::None;
}

// Top-level meta types that carry apiVersion/kind in JSON.
bool isMetaObject(const Descriptor *d)
{
    static const std::set<std::string> names = {metaName("Status"),
                                                metaName("DeleteOptions"),
                                                metaName("APIResourceList"),
                                                metaName("APIGroupList"),
                                                metaName("APIGroup"),
                                                metaName("APIVersions"),
                                                metaName("CreateOptions"),
                                                metaName("UpdateOptions"),
                                                metaName("PatchOptions"),
                                                metaName("GetOptions"),
                                                metaName("ListOptions"),
                                                metaName("PartialObjectMetadata"),
                                                metaName("PartialObjectMetadataList"),
                                                metaName("List")};
    return names.count(d->full_name()) > 0;
}

// The values of one of Kubist's field options (kubist_options.proto), found
// by name so this builds whether or not the schema declares the option.
class FieldOptionReader final
{
public:
    explicit FieldOptionReader(const char *name)
        : m_ext(google::protobuf::DescriptorPool::generated_pool()->FindExtensionByName(name))
    {}

    std::vector<std::string> values(const FieldDescriptor *fd) const
    {
        std::vector<std::string> out;
        if (!m_ext)
            return out;
        const google::protobuf::Message &options = fd->options();
        if (m_ext->containing_type() != options.GetDescriptor())
            return out;
        const google::protobuf::Reflection *r = options.GetReflection();
        if (m_ext->is_repeated()) {
            for (int i = 0; i < r->FieldSize(options, m_ext); ++i)
                out.push_back(valueAt(options, r, i));
        } else if (r->HasField(options, m_ext)) {
            out.push_back(valueAt(options, r, -1));
        }
        return out;
    }
    std::string value(const FieldDescriptor *fd) const
    {
        std::vector<std::string> v = values(fd);
        return v.empty() ? std::string() : v.front();
    }

private:
    std::string valueAt(const google::protobuf::Message &m, const google::protobuf::Reflection *r,
                        int index) const
    {
        using CppType = FieldDescriptor::CppType;
        const bool rep = index >= 0;
        switch (m_ext->cpp_type()) {
        case CppType::CPPTYPE_STRING:
            return rep ? r->GetRepeatedString(m, m_ext, index) : r->GetString(m, m_ext);
        case CppType::CPPTYPE_ENUM:
            return rep ? r->GetRepeatedEnum(m, m_ext, index)->name() : r->GetEnum(m, m_ext)->name();
        case CppType::CPPTYPE_BOOL:
            return (rep ? r->GetRepeatedBool(m, m_ext, index) : r->GetBool(m, m_ext)) ? "true"
                                                                                      : "false";
        default:
            return {};
        }
    }
    const FieldDescriptor *m_ext;
};

struct FieldOptions
{
    FieldOptionReader always{"kubist.always"};
    FieldOptionReader nullable{"kubist.nullable"};
    FieldOptionReader inlined{"kubist.inline"};
    FieldOptionReader patchStrategy{"kubist.patch_strategy"};
    FieldOptionReader patchMergeKey{"kubist.patch_merge_key"};
    FieldOptionReader listType{"kubist.list_type"};
    FieldOptionReader listMapKeys{"kubist.list_map_keys"};
    FieldOptionReader mapType{"kubist.map_type"};
    FieldOptionReader structType{"kubist.struct_type"};
    FieldOptionReader required{"kubist.required"};

    static const FieldOptions &get()
    {
        static const FieldOptions options;
        return options;
    }
};

bool isInlined(const FieldDescriptor *fd)
{
    return fd->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !fd->is_repeated() &&
           FieldOptions::get().inlined.value(fd) == "true";
}

// Kubernetes marks as required the fields its JSON always writes (no
// `omitempty`) other than value structs: in the schema, the scalars and lists
// marked (kubist.always) and the pointers marked (kubist.nullable). A
// (kubist.required) option, if the schema ever has one, decides instead.
//
// Go's `+optional` / `+required` markers, which the schema does not carry,
// overrule that for the fields below (checked against Kubernetes' documents).
bool isRequired(const FieldDescriptor *fd)
{
    const std::string explicitRequired = FieldOptions::get().required.value(fd);
    if (!explicitRequired.empty())
        return explicitRequired == "true";
    static const std::set<std::string> required = {
        "k8s.io.api.apps.v1.DeploymentSpec.template",
        "k8s.io.api.core.v1.Binding.target",
        "k8s.io.api.core.v1.ContainerRestartRule.action",
        "k8s.io.api.core.v1.ContainerRestartRuleOnExitCodes.operator",
        "k8s.io.api.core.v1.Event.involved_object",
        "k8s.io.api.core.v1.Event.metadata",
        "k8s.io.api.core.v1.HTTPGetAction.port",
        "k8s.io.api.core.v1.PersistentVolumeClaimTemplate.spec",
        "k8s.io.api.core.v1.PodCertificateProjection.key_type",
        "k8s.io.api.core.v1.PodCertificateProjection.signer_name",
        "k8s.io.api.core.v1.PreferredSchedulingTerm.preference",
        "k8s.io.api.core.v1.TCPSocketAction.port",
        "k8s.io.api.core.v1.WeightedPodAffinityTerm.pod_affinity_term",
        "k8s.io.apimachinery.pkg.apis.meta.v1.Condition.last_transition_time",
        "k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent.object",
    };
    static const std::set<std::string> optional = {
        "k8s.io.api.core.v1.ContainerImage.names",
        "k8s.io.api.core.v1.Event.reporting_component",
        "k8s.io.api.core.v1.Event.reporting_instance",
        "k8s.io.api.core.v1.GRPCAction.service",
        "k8s.io.api.core.v1.ProjectedVolumeSource.sources",
        "k8s.io.api.core.v1.TypedLocalObjectReference.api_group",
        "k8s.io.api.core.v1.TypedObjectReference.api_group",
        "k8s.io.api.discovery.v1.EndpointSlice.ports",
    };
    if (required.count(fd->full_name()))
        return true;
    if (optional.count(fd->full_name()))
        return false;
    if (FieldOptions::get().nullable.value(fd) == "true")
        return true;
    if (FieldOptions::get().always.value(fd) != "true")
        return false;
    return fd->is_repeated() || fd->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
           specialOf(fd->message_type()) == Special::StringList;
}

std::string capitalized(std::string s)
{
    if (!s.empty())
        s[0] = char(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
}

// "CoreV1", "AppsV1", "CoordinationV1" (the ".k8s.io" suffix dropped),
// "RbacAuthorizationV1", as Kubernetes' operation ids spell group-versions.
std::string operationGroupVersion(const std::string &group, const std::string &version)
{
    std::string g = group.empty() ? "core" : group;
    if (g.ends_with(".k8s.io"))
        g.resize(g.size() - 7);
    std::string out;
    size_t start = 0;
    while (start <= g.size()) {
        size_t dot = g.find('.', start);
        if (dot == std::string::npos)
            dot = g.size();
        std::string part = g.substr(start, dot - start);
        // "flowcontrol.apiserver" -> FlowcontrolApiserver; "kubist.io" -> KubistIo
        out += capitalized(part);
        start = dot + 1;
    }
    return out + capitalized(version);
}

std::string tagOf(const std::string &group, const std::string &version)
{
    std::string g = group.empty() ? "core" : group;
    if (g.ends_with(".k8s.io"))
        g.resize(g.size() - 7);
    std::replace(g.begin(), g.end(), '.', '_');
    return g + "_" + version;
}

const std::vector<std::string> kObjectTypes = {"application/json", "application/yaml",
                                               "application/vnd.kubernetes.protobuf"};
const std::vector<std::string> kStreamTypes = {
    "application/json",
    "application/yaml",
    "application/vnd.kubernetes.protobuf",
    "application/json;stream=watch",
    "application/vnd.kubernetes.protobuf;stream=watch",
};
const std::vector<std::string> kPatchTypes = {
    "application/json-patch+json", "application/merge-patch+json",
    "application/strategic-merge-patch+json", "application/apply-patch+yaml"};

// Query parameters, described in our own words.
struct ParamText
{
    const char *name, *type, *description;
};
const ParamText kParams[] = {
    {"allowWatchBookmarks", "boolean",
     "Ask for BOOKMARK events in a watch; servers may ignore it."},
    {"continue", "string", "Token from a previous list response to fetch the next chunk."},
    {"dryRun", "string", "\"All\" runs every stage of the request without persisting the result."},
    {"fieldManager", "string", "Name of the actor making the change, for managed fields."},
    {"fieldSelector", "string", "Only objects whose fields match this selector."},
    {"fieldValidation", "string",
     "How to treat unknown or duplicate fields in the body: Ignore, Warn (the default) or "
     "Strict."},
    {"force", "boolean", "Take ownership of conflicting fields in an apply patch."},
    {"gracePeriodSeconds", "integer",
     "Seconds before the object is deleted; 0 deletes at once, unset uses the default."},
    {"ignoreStoreReadErrorWithClusterBreakingPotential", "boolean",
     "Delete an object that cannot be read from storage (unsafe)."},
    {"labelSelector", "string", "Only objects whose labels match this selector."},
    {"limit", "integer", "Most objects to return in one chunk of a list."},
    {"orphanDependents", "boolean",
     "Deprecated (use propagationPolicy): whether dependents are orphaned."},
    {"pretty", "string", "If 'true', the output is indented."},
    {"propagationPolicy", "string",
     "Garbage collection of dependents: Orphan, Background or Foreground."},
    {"resourceVersion", "string", "Which version of the data the request may be served from."},
    {"resourceVersionMatch", "string", "How resourceVersion applies to a list."},
    {"sendInitialEvents", "boolean",
     "Start a watch with synthetic events for the objects that already exist."},
    {"timeoutSeconds", "integer", "Time limit of a list or watch call."},
    {"watch", "boolean", "Watch for changes instead of listing."},
    // Subresources' own.
    {"container", "string", "The container to use; defaults to the only one."},
    {"follow", "boolean", "Stream the log as it grows."},
    {"limitBytes", "integer", "Most bytes of log to return."},
    {"previous", "boolean", "The log of the previous, terminated container."},
    {"sinceSeconds", "integer", "Only log lines newer than this many seconds."},
    {"tailLines", "integer", "Only this many lines from the end of the log."},
    {"timestamps", "boolean", "Prefix every log line with its timestamp."},
    {"command", "string", "The command to run (one parameter per argument)."},
    {"stdin", "boolean", "Attach the container's standard input."},
    {"stdout", "boolean", "Attach the container's standard output."},
    {"stderr", "boolean", "Attach the container's standard error."},
    {"tty", "boolean", "Allocate a terminal."},
    {"ports", "integer", "Ports of the pod to forward."},
};

const std::vector<std::string> kListParams = {"allowWatchBookmarks",
                                              "continue",
                                              "fieldSelector",
                                              "labelSelector",
                                              "limit",
                                              "resourceVersion",
                                              "resourceVersionMatch",
                                              "sendInitialEvents",
                                              "timeoutSeconds",
                                              "watch"};
const std::vector<std::string> kWriteParams = {"dryRun", "fieldManager", "fieldValidation"};
const std::vector<std::string> kPatchParams = {"dryRun", "fieldManager", "fieldValidation",
                                               "force"};
const std::vector<std::string> kDeleteParams = {"dryRun", "gracePeriodSeconds",
                                                "ignoreStoreReadErrorWithClusterBreakingPotential",
                                                "orphanDependents", "propagationPolicy"};
const std::vector<std::string> kDeleteCollectionParams = {
    "continue",
    "dryRun",
    "fieldSelector",
    "gracePeriodSeconds",
    "ignoreStoreReadErrorWithClusterBreakingPotential",
    "labelSelector",
    "limit",
    "orphanDependents",
    "propagationPolicy",
    "resourceVersion",
    "resourceVersionMatch",
    "sendInitialEvents",
    "timeoutSeconds"};

bool has(const std::vector<std::string> &v, std::string_view s)
{
    return std::find(v.begin(), v.end(), s) != v.end();
}

} // namespace

OpenApiBuilder::OpenApiBuilder(const std::vector<api::KindInfo> &kinds, OpenApiFlavor flavor)
    : m_kinds(kinds)
    , m_flavor(flavor)
    , m_refPrefix(flavor == OpenApiFlavor::V2 ? "#/definitions/" : "#/components/schemas/")
{}

std::string OpenApiBuilder::schemaName(const Descriptor *d)
{
    // Kubernetes names schemas by Go package path with the domain reversed:
    // k8s.io.api.core.v1.Pod -> io.k8s.api.core.v1.Pod.
    const std::string &full = d->full_name();
    const size_t first = full.find('.');
    const size_t second = first == std::string::npos ? first : full.find('.', first + 1);
    if (second == std::string::npos)
        return full;
    const std::string a = full.substr(0, first);
    const std::string b = full.substr(first + 1, second - first - 1);
    static const std::set<std::string> tlds = {"io", "com", "org", "dev", "net"};
    if (!tlds.count(b))
        return full;
    return b + "." + a + full.substr(second);
}

bool OpenApiBuilder::addGroupVersion(std::string_view groupVersion)
{
    bool any = false;
    for (const api::KindInfo &k : m_kinds) {
        if (k.resource.empty() || k.apiVersion() != groupVersion)
            continue;
        if (!any) {
            m_tag = tagOf(k.group, k.version);
            const std::string prefix =
                k.group.empty() ? "/api/v1" : "/apis/" + k.group + "/" + k.version;
            Operation op;
            op.method = "get";
            op.id = "get" + operationGroupVersion(k.group, k.version) + "APIResources";
            op.description = "get available resources";
            op.produces = kObjectTypes;
            op.responses = {{"200", "OK", ref(meta::APIResourceList::descriptor())},
                            {"401", "Unauthorized", {}}};
            addPath(prefix + "/", {{}, {op}});
            m_groupVersions.insert(std::string(groupVersion));
        }
        any = true;
        addKind(k);
    }
    return any;
}

void OpenApiBuilder::addKind(const api::KindInfo &k)
{
    const std::string gv = operationGroupVersion(k.group, k.version);
    const std::string prefix = k.group.empty() ? "/api/v1" : "/apis/" + k.group + "/" + k.version;
    const std::string nsPart = k.namespaced ? "/namespaces/{namespace}" : "";
    const std::string scope = k.namespaced ? "Namespaced" : "";
    const std::string collection = prefix + nsPart + "/" + k.resource;
    const std::string item = collection + "/{name}";

    auto query = [](std::string_view name) {
        for (const ParamText &p : kParams)
            if (name == p.name)
                return Param{p.name, "query", p.type, p.description, false};
        return Param{std::string(name), "query", "string", {}, false};
    };
    auto queries = [&](const std::vector<std::string> &names) {
        std::vector<Param> out;
        for (const std::string &n : names)
            out.push_back(query(n));
        return out;
    };
    const Param namespaceParam{"namespace", "path", "string",
                               "The namespace of the object (its name and authorization scope).",
                               true};
    auto nameParam = [](const std::string &kind) {
        return Param{"name", "path", "string", "name of the " + kind, true};
    };
    auto pathParams = [&](std::vector<Param> extra, bool withName, const std::string &kind) {
        if (withName)
            extra.push_back(nameParam(kind));
        if (k.namespaced)
            extra.push_back(namespaceParam);
        extra.push_back(query("pretty"));
        std::sort(extra.begin(), extra.end(),
                  [](const Param &a, const Param &b) { return a.name < b.name; });
        return extra;
    };
    auto operation = [&](std::string method, std::string id, std::string description,
                         std::string action) {
        Operation op;
        op.method = std::move(method);
        op.id = std::move(id);
        op.description = std::move(description);
        op.action = std::move(action);
        op.group = k.group;
        op.version = k.version;
        op.kind = k.kind;
        op.produces = kObjectTypes;
        return op;
    };
    auto objectResponses = [&](const json &schema, std::initializer_list<const char *> codes) {
        std::vector<Response> out;
        for (const char *code : codes) {
            const std::string c = code;
            out.push_back({c, c == "200" ? "OK" : c == "201" ? "Created" : "Accepted", schema});
        }
        out.push_back({"401", "Unauthorized", nullptr});
        return out;
    };
    const json object = ref(k.descriptor);
    const bool listable = k.listDescriptor && has(k.verbs, "list");

    // The collection.
    PathItem collectionItem{pathParams({}, false, k.kind), {}};
    if (listable) {
        Operation op = operation("get", "list" + gv + scope + k.kind,
                                 "list or watch objects of kind " + k.kind, "list");
        op.params = queries(kListParams);
        op.produces = kStreamTypes;
        op.responses = objectResponses(ref(k.listDescriptor), {"200"});
        collectionItem.operations.push_back(std::move(op));
    }
    if (has(k.verbs, "create")) {
        Operation op =
            operation("post", "create" + gv + scope + k.kind, "create a " + k.kind, "post");
        op.params = queries(kWriteParams);
        op.body = object;
        op.bodyRequired = true;
        op.consumes = {"*/*"};
        op.responses = objectResponses(object, {"200", "201", "202"});
        collectionItem.operations.push_back(std::move(op));
    }
    if (has(k.verbs, "deletecollection")) {
        Operation op = operation("delete", "delete" + gv + "Collection" + scope + k.kind,
                                 "delete collection of " + k.kind, "deletecollection");
        op.params = queries(kDeleteCollectionParams);
        op.body = ref(meta::DeleteOptions::descriptor());
        op.consumes = {"*/*"};
        op.responses = objectResponses(ref(meta::Status::descriptor()), {"200"});
        collectionItem.operations.push_back(std::move(op));
    }
    if (!collectionItem.operations.empty())
        addPath(collection, std::move(collectionItem));

    // One object.
    PathItem objectItem{pathParams({}, true, k.kind), {}};
    if (has(k.verbs, "get")) {
        Operation op =
            operation("get", "read" + gv + scope + k.kind, "read the specified " + k.kind, "get");
        op.responses = objectResponses(object, {"200"});
        objectItem.operations.push_back(std::move(op));
    }
    if (has(k.verbs, "update")) {
        Operation op = operation("put", "replace" + gv + scope + k.kind,
                                 "replace the specified " + k.kind, "put");
        op.params = queries(kWriteParams);
        op.body = object;
        op.bodyRequired = true;
        op.consumes = {"*/*"};
        op.responses = objectResponses(object, {"200", "201"});
        objectItem.operations.push_back(std::move(op));
    }
    if (has(k.verbs, "patch")) {
        Operation op = operation("patch", "patch" + gv + scope + k.kind,
                                 "partially update the specified " + k.kind, "patch");
        op.params = queries(kPatchParams);
        op.body = refByName(metaName("Patch"));
        op.bodyRequired = true;
        op.consumes = kPatchTypes;
        op.responses = objectResponses(object, {"200", "201"});
        objectItem.operations.push_back(std::move(op));
    }
    if (has(k.verbs, "delete")) {
        Operation op =
            operation("delete", "delete" + gv + scope + k.kind, "delete a " + k.kind, "delete");
        op.params = queries(kDeleteParams);
        op.body = ref(meta::DeleteOptions::descriptor());
        op.consumes = {"*/*"};
        op.responses = objectResponses(ref(meta::Status::descriptor()), {"200", "202"});
        objectItem.operations.push_back(std::move(op));
    }
    if (!objectItem.operations.empty())
        addPath(item, std::move(objectItem));

    if (listable && k.namespaced) {
        Operation op = operation("get", "list" + gv + k.kind + "ForAllNamespaces",
                                 "list or watch objects of kind " + k.kind, "list");
        op.produces = kStreamTypes;
        op.responses = objectResponses(ref(k.listDescriptor), {"200"});
        PathItem all{queries(kListParams), {std::move(op)}};
        all.params.push_back(query("pretty"));
        std::sort(all.params.begin(), all.params.end(),
                  [](const Param &a, const Param &b) { return a.name < b.name; });
        addPath(prefix + "/" + k.resource, std::move(all));
    }

    // Watches (deprecated paths, still in Kubernetes' documents).
    if (has(k.verbs, "watch")) {
        const json event = ref(meta::WatchEvent::descriptor());
        auto watchItem = [&](std::string id, std::string description, std::string action,
                             bool withName, bool allNamespaces) {
            Operation op =
                operation("get", std::move(id), std::move(description), std::move(action));
            op.produces = kStreamTypes;
            op.responses = objectResponses(event, {"200"});
            std::vector<Param> params = queries(kListParams);
            if (withName)
                params.push_back(nameParam(k.kind));
            if (k.namespaced && !allNamespaces)
                params.push_back(namespaceParam);
            params.push_back(query("pretty"));
            std::sort(params.begin(), params.end(),
                      [](const Param &a, const Param &b) { return a.name < b.name; });
            return PathItem{std::move(params), {std::move(op)}};
        };
        addPath(prefix + "/watch" + nsPart + "/" + k.resource,
                watchItem("watch" + gv + scope + k.kind + "List",
                          "watch individual changes to a list of " + k.kind, "watchlist", false,
                          false));
        addPath(prefix + "/watch" + nsPart + "/" + k.resource + "/{name}",
                watchItem("watch" + gv + scope + k.kind,
                          "watch changes to an object of kind " + k.kind, "watch", true, false));
        if (k.namespaced)
            addPath(prefix + "/watch/" + k.resource,
                    watchItem("watch" + gv + k.kind + "ListForAllNamespaces",
                              "watch individual changes to a list of " + k.kind, "watchlist", false,
                              true));
    }

    // Subresources.
    for (const api::SubresourceInfo &s : k.subresources) {
        const std::string sub = capitalized(s.name);
        const std::string path = item + "/" + s.name;
        const std::string subVersion = s.version.empty() ? k.version : s.version;
        auto subOperation = [&](std::string method, std::string verb, std::string description,
                                std::string action) {
            Operation op = operation(std::move(method), verb + gv + scope + k.kind + sub,
                                     std::move(description), std::move(action));
            op.group = s.group;
            op.version = subVersion;
            op.kind = s.kind;
            return op;
        };
        const std::string apiVersion = s.group.empty() ? subVersion : s.group + "/" + subVersion;
        const api::KindInfo *body = nullptr;
        for (const api::KindInfo &candidate : m_kinds)
            if (candidate.kind == s.kind && candidate.apiVersion() == apiVersion)
                body = &candidate;
        const json text = {{"type", "string"}};

        if (s.name == "log") {
            Operation op =
                subOperation("get", "read", "read log of the specified " + k.kind, "get");
            op.params = queries({"container", "follow", "limitBytes", "previous", "sinceSeconds",
                                 "tailLines", "timestamps"});
            op.produces = {"text/plain", "application/json", "application/yaml",
                           "application/vnd.kubernetes.protobuf"};
            op.responses = {{"200", "OK", text}, {"401", "Unauthorized", nullptr}};
            addPath(path, {pathParams({}, true, k.kind), {std::move(op)}});
            continue;
        }
        if (s.name == "exec" || s.name == "attach" || s.name == "portforward") {
            std::vector<std::string> names = {"ports"};
            if (s.name == "exec")
                names = {"command", "container", "stderr", "stdin", "stdout", "tty"};
            else if (s.name == "attach")
                names = {"container", "stderr", "stdin", "stdout", "tty"};
            PathItem connect{pathParams(queries(names), true, s.kind), {}};
            for (const char *method : {"get", "post"}) {
                Operation op = subOperation(
                    method, std::string("connect") + (method[0] == 'g' ? "Get" : "Post"),
                    "connect " + std::string(method == std::string("get") ? "GET" : "POST") +
                        " requests to " + s.name + " of " + k.kind,
                    "connect");
                op.produces = {"*/*"};
                op.responses = {{"200", "OK", text}, {"401", "Unauthorized", nullptr}};
                connect.operations.push_back(std::move(op));
            }
            addPath(path, std::move(connect));
            continue;
        }
        const json subObject = body ? ref(body->descriptor) : json{{"type", "object"}};
        const std::string what = s.name + " of the specified " + k.kind;
        PathItem subItem{pathParams({}, true, s.kind), {}};
        if (has(s.verbs, "get")) {
            Operation op = subOperation("get", "read", "read " + what, "get");
            op.responses = objectResponses(subObject, {"200"});
            subItem.operations.push_back(std::move(op));
        }
        if (has(s.verbs, "update")) {
            Operation op = subOperation("put", "replace", "replace " + what, "put");
            op.params = queries(kWriteParams);
            op.body = subObject;
            op.bodyRequired = true;
            op.consumes = {"*/*"};
            op.responses = objectResponses(subObject, {"200", "201"});
            subItem.operations.push_back(std::move(op));
        }
        if (has(s.verbs, "patch")) {
            Operation op = subOperation("patch", "patch", "partially update " + what, "patch");
            op.params = queries(kPatchParams);
            op.body = refByName(metaName("Patch"));
            op.bodyRequired = true;
            op.consumes = kPatchTypes;
            op.responses = objectResponses(subObject, {"200", "201"});
            subItem.operations.push_back(std::move(op));
        }
        if (has(s.verbs, "create")) {
            Operation op =
                subOperation("post", "create", "create " + s.name + " of a " + k.kind, "post");
            op.params = queries(kWriteParams);
            op.body = subObject;
            op.bodyRequired = true;
            op.consumes = {"*/*"};
            op.responses = objectResponses(subObject, {"200", "201", "202"});
            subItem.operations.push_back(std::move(op));
        }
        if (!subItem.operations.empty())
            addPath(path, std::move(subItem));
    }
}

void OpenApiBuilder::addPath(const std::string &path, PathItem item)
{
    json rendered = json::object();
    if (!item.params.empty()) {
        json params = json::array();
        for (const Param &p : item.params)
            params.push_back(renderParam(p));
        rendered["parameters"] = std::move(params);
    }
    for (const Operation &op : item.operations)
        rendered[op.method] = renderOperation(op);
    m_paths[path] = std::move(rendered);
}

json OpenApiBuilder::renderParam(const Param &p) const
{
    json j = {{"name", p.name}, {"in", p.in}};
    if (!p.description.empty())
        j["description"] = p.description;
    if (p.required)
        j["required"] = true;
    if (m_flavor == OpenApiFlavor::V3) {
        j["schema"] = {{"type", p.type}, {"uniqueItems", true}};
    } else {
        j["type"] = p.type;
        j["uniqueItems"] = true;
    }
    return j;
}

json OpenApiBuilder::renderOperation(const Operation &op) const
{
    json j = {
        {"description", op.description}, {"operationId", op.id}, {"tags", json::array({m_tag})}};
    if (!op.action.empty())
        j["x-kubernetes-action"] = op.action;
    if (!op.kind.empty())
        j["x-kubernetes-group-version-kind"] = {
            {"group", op.group}, {"version", op.version}, {"kind", op.kind}};
    json params = json::array();
    json responses = json::object();
    if (m_flavor == OpenApiFlavor::V3) {
        if (!op.body.is_null()) {
            json content = json::object();
            for (const std::string &type : op.consumes)
                content[type] = {{"schema", op.body}};
            j["requestBody"] = {{"content", std::move(content)}};
            if (op.bodyRequired)
                j["requestBody"]["required"] = true;
        }
        for (const Response &r : op.responses) {
            json response = {{"description", r.description}};
            if (!r.schema.is_null()) {
                json content = json::object();
                for (const std::string &type : op.produces)
                    content[type] = {{"schema", r.schema}};
                response["content"] = std::move(content);
            }
            responses[r.code] = std::move(response);
        }
    } else {
        if (!op.body.is_null()) {
            json body = {{"name", "body"}, {"in", "body"}, {"schema", op.body}};
            if (op.bodyRequired)
                body["required"] = true;
            params.push_back(std::move(body));
        }
        if (!op.consumes.empty())
            j["consumes"] = op.consumes;
        j["produces"] = op.produces;
        j["schemes"] = json::array({"https"});
        for (const Response &r : op.responses) {
            json response = {{"description", r.description}};
            if (!r.schema.is_null())
                response["schema"] = r.schema;
            responses[r.code] = std::move(response);
        }
    }
    for (const Param &p : op.params)
        params.push_back(renderParam(p));
    if (!params.empty())
        j["parameters"] = std::move(params);
    j["responses"] = std::move(responses);
    return j;
}

json OpenApiBuilder::ref(const Descriptor *d)
{
    const std::string name = schemaName(d);
    m_wanted.emplace(name, d);
    return {{"$ref", m_refPrefix + name}};
}

json OpenApiBuilder::refByName(const std::string &fullName)
{
    // Only meta.v1.Patch, which has no message: a patch body's shape depends
    // on its Content-Type.
    const std::string name = "io.k8s." + fullName.substr(std::string_view("k8s.io.").size());
    m_syntheticWanted.insert(name);
    return {{"$ref", m_refPrefix + name}};
}

json OpenApiBuilder::withSiblings(json schema, json siblings) const
{
    if (siblings.empty())
        return schema;
    if (schema.contains("$ref") && m_flavor == OpenApiFlavor::V3)
        schema = {{"allOf", json::array({std::move(schema)})}};
    for (auto &[key, value] : siblings.items())
        schema[key] = value;
    return schema;
}

json OpenApiBuilder::valueSchema(const FieldDescriptor *fd)
{
    using CppType = FieldDescriptor::CppType;
    switch (fd->cpp_type()) {
    case CppType::CPPTYPE_INT32:
    case CppType::CPPTYPE_UINT32:
        return {{"type", "integer"}, {"format", "int32"}};
    case CppType::CPPTYPE_INT64:
    case CppType::CPPTYPE_UINT64:
        return {{"type", "integer"}, {"format", "int64"}};
    case CppType::CPPTYPE_DOUBLE:
        return {{"type", "number"}, {"format", "double"}};
    case CppType::CPPTYPE_FLOAT:
        return {{"type", "number"}, {"format", "float"}};
    case CppType::CPPTYPE_BOOL:
        return {{"type", "boolean"}};
    case CppType::CPPTYPE_ENUM:
        return {{"type", "string"}};
    case CppType::CPPTYPE_STRING:
        if (fd->type() == FieldDescriptor::TYPE_BYTES)
            return {{"type", "string"}, {"format", "byte"}};
        return {{"type", "string"}};
    case CppType::CPPTYPE_MESSAGE:
        switch (specialOf(fd->message_type())) {
        case Special::StringList:
            return {{"type", "array"}, {"items", {{"type", "string"}}}};
        case Special::Duration:
            return {{"type", "string"}};
        default:
            return ref(fd->message_type());
        }
    }
    return {{"type", "object"}};
}

json OpenApiBuilder::fieldSchema(const FieldDescriptor *fd)
{
    const FieldOptions &o = FieldOptions::get();
    json base;
    if (fd->is_map())
        base = {{"type", "object"},
                {"additionalProperties", valueSchema(fd->message_type()->map_value())}};
    else if (fd->is_repeated())
        base = {{"type", "array"}, {"items", valueSchema(fd)}};
    else
        base = valueSchema(fd);

    json siblings = json::object();
    const std::string description = ProtoComments::instance().field(fd);
    if (!description.empty())
        siblings["description"] = description;
    if (!fd->is_repeated() && fd->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
        specialOf(fd->message_type()) == Special::None && o.always.value(fd) == "true")
        siblings["default"] = json::object();
    if (std::string v = o.patchStrategy.value(fd); !v.empty())
        siblings["x-kubernetes-patch-strategy"] = v;
    if (std::string v = o.patchMergeKey.value(fd); !v.empty())
        siblings["x-kubernetes-patch-merge-key"] = v;
    if (std::string v = o.listType.value(fd); !v.empty())
        siblings["x-kubernetes-list-type"] = v;
    if (std::vector<std::string> keys = o.listMapKeys.values(fd); !keys.empty()) {
        // One repeated option, or (older schema) one comma-separated string.
        std::vector<std::string> split;
        for (const std::string &key : keys) {
            size_t start = 0;
            while (start <= key.size()) {
                size_t comma = key.find(',', start);
                if (comma == std::string::npos)
                    comma = key.size();
                if (comma > start)
                    split.push_back(key.substr(start, comma - start));
                start = comma + 1;
            }
        }
        siblings["x-kubernetes-list-map-keys"] = split;
    }
    if (std::string v = o.mapType.value(fd); !v.empty())
        siblings["x-kubernetes-map-type"] = v;
    // Upstream marks the struct type, so its schema carries the marker.
    if (std::string st = o.structType.value(fd);
        !st.empty() && !fd->is_map() && fd->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE)
        m_structTypes[schemaName(fd->message_type())] = st;
    return withSiblings(std::move(base), std::move(siblings));
}

void OpenApiBuilder::addFields(const Descriptor *d, json &properties, json &required)
{
    for (int i = 0; i < d->field_count(); ++i) {
        const FieldDescriptor *fd = d->field(i);
        if (isInlined(fd)) {
            addFields(fd->message_type(), properties, required);
            continue;
        }
        properties[fd->json_name()] = fieldSchema(fd);
        if (isRequired(fd))
            required.push_back(fd->json_name());
    }
}

bool OpenApiBuilder::hasTypeMeta(const Descriptor *d) const
{
    if (isMetaObject(d))
        return true;
    for (const api::KindInfo &k : m_kinds)
        if (k.descriptor == d || k.listDescriptor == d)
            return true;
    return false;
}

json OpenApiBuilder::gvkList(const Descriptor *d) const
{
    auto gvk = [](const std::string &group, const std::string &version, const std::string &kind) {
        return json{{"group", group}, {"version", version}, {"kind", kind}};
    };
    json list = json::array();
    for (const api::KindInfo &k : m_kinds) {
        if (k.descriptor == d)
            list.push_back(gvk(k.group, k.version, k.kind));
        else if (k.listDescriptor == d)
            list.push_back(gvk(k.group, k.version, k.kind + "List"));
    }
    if (!list.empty())
        return list;
    const std::string &n = d->full_name();
    if (n == metaName("DeleteOptions") || n == metaName("WatchEvent")) {
        // Registered in every served group-version.
        std::vector<std::pair<std::string, std::string>> seen;
        for (const api::KindInfo &k : m_kinds) {
            if (k.resource.empty())
                continue;
            std::pair<std::string, std::string> gv{k.group, k.version};
            if (std::find(seen.begin(), seen.end(), gv) == seen.end())
                seen.push_back(gv);
        }
        std::sort(seen.begin(), seen.end());
        for (const auto &[group, version] : seen)
            list.push_back(gvk(group, version, d->name()));
        return list;
    }
    if (isMetaObject(d))
        list.push_back(gvk("", "v1", d->name()));
    return list;
}

json OpenApiBuilder::schemaOf(const Descriptor *d)
{
    const bool v3 = m_flavor == OpenApiFlavor::V3;
    json s;
    switch (specialOf(d)) {
    case Special::Time:
        s = {{"type", "string"}, {"format", "date-time"}};
        break;
    case Special::Quantity:
        if (v3)
            s = {{"oneOf", json::array({{{"type", "string"}}, {{"type", "number"}}})}};
        else
            s = {{"type", "string"}};
        break;
    case Special::IntOrString:
        if (v3)
            s = {{"format", "int-or-string"},
                 {"oneOf", json::array({{{"type", "integer"}}, {{"type", "string"}}})},
                 {"x-kubernetes-int-or-string", true}};
        else
            s = {{"type", "string"}, {"format", "int-or-string"}};
        break;
    case Special::RawObject:
        s = {{"type", "object"}};
        break;
    case Special::StringList:
        s = {{"type", "array"}, {"items", {{"type", "string"}}}};
        break;
    case Special::Duration:
        s = {{"type", "string"}};
        break;
    case Special::None: {
        json properties = json::object();
        json required = json::array();
        addFields(d, properties, required);
        if (hasTypeMeta(d)) {
            if (!properties.contains("apiVersion"))
                properties["apiVersion"] = {
                    {"type", "string"},
                    {"description", "The versioned schema of this representation of the object: "
                                    "\"v1\" for the core group, else \"<group>/<version>\"."}};
            if (!properties.contains("kind"))
                properties["kind"] = {{"type", "string"},
                                      {"description",
                                       "The kind of the object (its REST resource's type), in "
                                       "CamelCase. Cannot be updated."}};
        }
        s = {{"type", "object"}};
        if (!properties.empty())
            s["properties"] = std::move(properties);
        if (!required.empty())
            s["required"] = std::move(required);
        if (json gvks = gvkList(d); !gvks.empty())
            s["x-kubernetes-group-version-kind"] = std::move(gvks);
        break;
    }
    }
    if (std::string description = ProtoComments::instance().message(d); !description.empty())
        s["description"] = std::move(description);
    return s;
}

json OpenApiBuilder::document()
{
    json schemas = json::object();
    for (bool added = true; added;) {
        added = false;
        const auto wanted = m_wanted; // schemaOf() may add to m_wanted
        for (const auto &[name, d] : wanted) {
            if (schemas.contains(name))
                continue;
            schemas[name] = schemaOf(d);
            added = true;
        }
    }
    for (const auto &[name, structType] : m_structTypes)
        if (schemas.contains(name))
            schemas[name]["x-kubernetes-map-type"] = structType;
    for (const std::string &name : m_syntheticWanted)
        schemas[name] = {{"type", "object"},
                         {"description", "The body of a PATCH request; its format is given by the "
                                         "request's Content-Type."}};

    const json info = {{"title", "Kubernetes"}, {"version", "v1.32.0"}};
    const json bearer = {{"type", "apiKey"},
                         {"name", "authorization"},
                         {"in", "header"},
                         {"description", "Bearer Token authentication"}};
    json paths = json::object();
    for (const auto &[path, item] : m_paths)
        paths[path] = item;
    if (m_flavor == OpenApiFlavor::V3)
        return {
            {"openapi", "3.0.0"},
            {"info", info},
            {"paths", std::move(paths)},
            {"components",
             {{"schemas", std::move(schemas)}, {"securitySchemes", {{"BearerToken", bearer}}}}}};
    return {{"swagger", "2.0"},
            {"info", info},
            {"paths", std::move(paths)},
            {"definitions", std::move(schemas)},
            {"securityDefinitions", {{"BearerToken", bearer}}},
            {"security", json::array({{{"BearerToken", json::array()}}})}};
}

} // namespace kubist::apiserver
