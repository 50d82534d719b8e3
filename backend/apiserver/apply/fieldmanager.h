#pragma once

#include "backend/api/scheme.h"
#include "backend/util/status.h"

#include <memory>
#include <string>
#include <string_view>

namespace google::protobuf {
class Message;
}

namespace kubist::apiserver::apply {

// FieldManager: server-side apply and the managedFields bookkeeping of
// every write, as the API server's field manager does
// (k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager over
// sigs.k8s.io/structured-merge-diff/v4). One instance serves one kind and
// subresource ("" for the object itself, "status", "scale", ...).
//
// Ownership is tracked on the JSON form of the object with the schema's
// list and map semantics: (kubist.list_type) "atomic"/"set"/"map" with
// (kubist.list_map_keys), lists with (kubist.patch_strategy) "merge" taken
// as map lists keyed by (kubist.patch_merge_key) (sets without a key),
// (kubist.map_type) / (kubist.struct_type) "atomic" as leaves; times,
// quantities, IntOrString and raw JSON are scalars. The metadata fields the
// server owns (name, namespace, uid, resourceVersion, generation,
// creationTimestamp, managedFields, ...) are never recorded; for a kind with
// a status subresource, writes to the object itself do not record status
// and writes to "status" do not record spec (upstream's reset fields).
//
// Stateless apart from the constants it is built with; thread-safe.
class FieldManager final
{
public:
    // `kind` must outlive the manager.
    FieldManager(const api::KindInfo &kind, std::string subresource);

    // The manager a non-apply request is recorded under: `fieldManager`
    // when given, else the User-Agent up to its first '/' ("kubectl"),
    // else `user` (in-process callers).
    static std::string managerFor(const std::string &fieldManager, const std::string &userAgent,
                                  const std::string &user);

    // Records a create (`live` null) or an update from `live` to `next`
    // into next's metadata.managedFields: the fields that changed go to
    // `manager` (operation Update, a new time), leaving every other entry;
    // removed fields leave every entry. The managedFields `next` carries
    // are the starting ledger when it has any (a client may edit them;
    // a single empty entry resets them), else live's (always live's for a
    // subresource). Both messages are of the kind's type.
    void update(const google::protobuf::Message *live, google::protobuf::Message *next,
                const std::string &manager, int64_t now) const;

    struct ApplyOptions
    {
        std::string manager; // required (the caller checks)
        bool force = false;
        int64_t now = 0; // seconds, for entry times
    };
    // Server-side apply of `config` (the JSON of an apply patch) to `live`
    // (null: the object does not exist and the result creates it). Returns
    // the new object with its managedFields; equal to `live` apart from
    // managedFields when the apply changes nothing. Errors (as the API
    // server reports them): BadRequest-class InvalidArgument for a body
    // that is not an object of the kind (apiVersion/kind mismatch, unknown
    // fields, metadata.managedFields set), Conflict (409) listing every
    // field another manager owns with a different value unless `force`
    // (details.causes: reason "FieldManagerConflict", message "conflict
    // with <manager>", field ".spec.replicas").
    Result<std::unique_ptr<google::protobuf::Message>> apply(const google::protobuf::Message *live,
                                                             std::string_view config,
                                                             const ApplyOptions &options) const;

private:
    const api::KindInfo &m_kind;
    const std::string m_subresource;
    const std::string m_apiVersion;
};

} // namespace kubist::apiserver::apply
