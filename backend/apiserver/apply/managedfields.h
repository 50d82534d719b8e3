#pragma once

#include "backend/apiserver/apply/fieldset.h"
#include "backend/util/status.h"

#include <optional>
#include <string>
#include <vector>

namespace k8s::io::apimachinery::pkg::apis::meta::v1 {
class ObjectMeta;
}

namespace kubist::apiserver::apply {

// One entry of metadata.managedFields: what one manager owns, through which
// operation ("Apply" or "Update") and subresource ("" or "status", ...).
struct ManagedFieldsEntry
{
    std::string manager;
    std::string operation; // "Apply" | "Update"
    std::string apiVersion;
    std::string subresource;
    std::optional<int64_t> time; // seconds since the epoch
    FieldSet fields;
};

// ManagedFields: the ledger of an object's field owners, as the API server
// keeps it in metadata.managedFields (k8s.io/apimachinery/pkg/util/
// managedfields). Entries are identified as upstream's manager identifiers
// do: manager + operation + subresource, and for Update also apiVersion
// (Apply entries of one manager are one entry whatever the version).
//
// A value type.
class ManagedFields final
{
public:
    static constexpr size_t kMaxUpdateManagers = 10;
    static constexpr const char *kAncientChanges = "ancient-changes";

    // Reads metadata.managedFields; InvalidArgument when an entry is
    // malformed (no manager, an unknown operation or fieldsType, bad FieldsV1).
    static Result<ManagedFields>
    decode(const k8s::io::apimachinery::pkg::apis::meta::v1::ObjectMeta &md);
    // Writes the ledger into metadata.managedFields, entries sorted as
    // upstream sorts them (operation, time, manager, apiVersion, subresource).
    void encode(k8s::io::apimachinery::pkg::apis::meta::v1::ObjectMeta *md) const;

    bool empty() const { return m_entries.empty(); }
    std::vector<ManagedFieldsEntry> &entries() { return m_entries; }
    const std::vector<ManagedFieldsEntry> &entries() const { return m_entries; }

    // The entry with this identity, or nullptr. `apiVersion` is ignored for Apply.
    ManagedFieldsEntry *find(const std::string &manager, const std::string &operation,
                             const std::string &apiVersion, const std::string &subresource);
    // As find(), creating an empty entry when missing.
    ManagedFieldsEntry &entry(const std::string &manager, const std::string &operation,
                              const std::string &apiVersion, const std::string &subresource);
    // Drops entries that own nothing.
    void removeEmpty();
    // Upstream's cap: beyond kMaxUpdateManagers Update entries, the oldest
    // are merged (per apiVersion) into an "ancient-changes" entry.
    void capUpdateManagers();

    // "\"kubectl\"", "\"kubectl-scale\" with subresource \"scale\" using apps/v1":
    // how conflict messages name an entry.
    static std::string describe(const ManagedFieldsEntry &e);

private:
    std::vector<ManagedFieldsEntry> m_entries;
};

} // namespace kubist::apiserver::apply
