#pragma once

// Internal to kubist_apiserver_openapi: the generator behind openapiv2.h and
// openapiv3.h. Not installed with the library's public headers' contracts;
// use those instead.

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace google::protobuf {
class Descriptor;
class FieldDescriptor;
} // namespace google::protobuf

namespace kubist::api {
struct KindInfo;
} // namespace kubist::api

namespace kubist::apiserver {

enum class OpenApiFlavor {
    V2, // Swagger 2.0: "#/definitions/", $ref with sibling keys, body parameters
    V3, // OpenAPI 3.0: "#/components/schemas/", allOf-wrapped refs, requestBody
};

// OpenApiBuilder turns the served kinds into OpenAPI paths and schemas. Add
// the group-versions a document covers, then take the document: it holds the
// paths of those group-versions and exactly the schemas they reach.
//
// Schema names are Kubernetes' (io.k8s.api.core.v1.Pod, ...), derived from
// the proto package (k8s.io.api.core.v1 -> io.k8s.api.core.v1). Descriptions
// come from the .proto comments (ProtoComments). Not thread-safe; use one
// builder per document. `kinds` must outlive the builder.
class OpenApiBuilder final
{
public:
    OpenApiBuilder(const std::vector<api::KindInfo> &kinds, OpenApiFlavor flavor);

    // Adds the paths of one served group-version ("v1", "apps/v1"); false
    // when no kind with a resource is in it.
    bool addGroupVersion(std::string_view groupVersion);

    // The whole document: Swagger 2.0 or OpenAPI 3.0.0.
    nlohmann::json document();

    // "io.k8s.api.core.v1.Pod" for k8s.io.api.core.v1.Pod.
    static std::string schemaName(const google::protobuf::Descriptor *d);

private:
    struct Param
    {
        std::string name, in, type, description;
        bool required = false;
    };
    struct Response
    {
        std::string code, description;
        nlohmann::json schema; // null: no body
    };
    struct Operation
    {
        std::string method; // get, put, post, patch, delete
        std::string id, description, action;
        std::string group, version, kind; // x-kubernetes-group-version-kind
        std::vector<Param> params;
        nlohmann::json body; // null: none
        bool bodyRequired = false;
        std::vector<std::string> consumes;
        std::vector<std::string> produces;
        std::vector<Response> responses;
    };
    struct PathItem
    {
        std::vector<Param> params;
        std::vector<Operation> operations;
    };

    void addKind(const api::KindInfo &k);
    void addPath(const std::string &path, PathItem item);

    // A reference to the schema of `d`, which the document then includes.
    nlohmann::json ref(const google::protobuf::Descriptor *d);
    nlohmann::json refByName(const std::string &name);
    nlohmann::json schemaOf(const google::protobuf::Descriptor *d);
    void addFields(const google::protobuf::Descriptor *d, nlohmann::json &properties,
                   nlohmann::json &required);
    nlohmann::json fieldSchema(const google::protobuf::FieldDescriptor *fd);
    nlohmann::json valueSchema(const google::protobuf::FieldDescriptor *fd);
    // `schema` with a description (and more) attached, as the flavor allows.
    nlohmann::json withSiblings(nlohmann::json schema, nlohmann::json siblings) const;
    nlohmann::json gvkList(const google::protobuf::Descriptor *d) const;
    bool hasTypeMeta(const google::protobuf::Descriptor *d) const;

    nlohmann::json renderParam(const Param &p) const;
    nlohmann::json renderOperation(const Operation &op) const;

    const std::vector<api::KindInfo> &m_kinds;
    const OpenApiFlavor m_flavor;
    std::string m_refPrefix;
    std::string m_tag;                             // of the group-version being added
    std::map<std::string, nlohmann::json> m_paths; // path -> rendered path item
    std::map<std::string, const google::protobuf::Descriptor *> m_wanted; // by schema name
    std::set<std::string> m_syntheticWanted;          // schemas without a message (Patch)
    std::set<std::string> m_groupVersions;            // added so far
    std::map<std::string, std::string> m_structTypes; // schema name -> (kubist.struct_type)
};

} // namespace kubist::apiserver
