#pragma once

#include "backend/api/jsoncodec.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace google::protobuf {
class Descriptor;
class Message;
} // namespace google::protobuf

namespace kubist::api {

// A subresource of a kind: `pods/status`, `deployments/scale`, ...
struct SubresourceInfo
{
    std::string name;                 // "status", "scale", "binding", "eviction", "log"
    std::string group, version, kind; // the body's kind ("autoscaling", "v1", "Scale")
    std::vector<std::string> verbs;   // {"get", "patch", "update"}
};

// One kind the API serves: its group/version/kind, REST resource name and the
// message types of the object and its list.
struct KindInfo
{
    std::string group;    // "" for the core group
    std::string version;  // "v1"
    std::string kind;     // "Pod"
    std::string resource; // "pods"; empty for kinds that are only subresource bodies
    std::string singular; // "pod"
    bool namespaced = true;
    std::vector<std::string> shortNames; // {"po"}
    std::vector<std::string> categories; // {"all"}
    const google::protobuf::Descriptor *descriptor = nullptr;
    const google::protobuf::Descriptor *listDescriptor = nullptr; // nullptr: no list
    // Only exists as a subresource body (Scale, Eviction) or create-only (Binding).
    bool subresourceOnly = false;
    // REST verbs of the resource, as discovery lists them.
    std::vector<std::string> verbs;
    std::vector<SubresourceInfo> subresources;

    const SubresourceInfo *subresource(std::string_view name) const
    {
        for (const SubresourceInfo &s : subresources)
            if (s.name == name)
                return &s;
        return nullptr;
    }

    // "v1" for the core group, else "group/version".
    std::string apiVersion() const { return group.empty() ? version : group + "/" + version; }
    TypeMeta typeMeta() const { return {apiVersion(), kind}; }
    TypeMeta listTypeMeta() const { return {apiVersion(), kind + "List"}; }
};

// Scheme is the registry of the kinds Kubist serves. Constant after
// construction; safe to use from any thread.
class Scheme final
{
public:
    // The kinds Kubist serves: the built-in ones (core, apps, coordination,
    // policy, autoscaling, discovery) and its own kubist.io/v1alpha1 Fault;
    // lives for the whole program.
    static const Scheme &builtin();

    const std::vector<KindInfo> &kinds() const { return m_kinds; }

    // nullptr when unknown.
    const KindInfo *byKind(std::string_view apiVersion, std::string_view kind) const;
    const KindInfo *byResource(std::string_view group, std::string_view resource) const;
    const KindInfo *byDescriptor(const google::protobuf::Descriptor *d) const;
    // The kind whose list message is `d`.
    const KindInfo *byListDescriptor(const google::protobuf::Descriptor *d) const;

    // A fresh, empty message of the given type.
    static std::unique_ptr<google::protobuf::Message>
    newMessage(const google::protobuf::Descriptor *d);

    // A resolver for JsonCodec::decodeAny over this scheme's object kinds.
    JsonCodec::Resolver resolver() const;

private:
    Scheme();
    std::vector<KindInfo> m_kinds;
};

} // namespace kubist::api
