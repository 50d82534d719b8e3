#include "backend/apiserver/apply/managedfields.h"

#include "meta_v1.pb.h"

#include <algorithm>
#include <map>

namespace kubist::apiserver::apply {

namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;

namespace {

bool sameIdentity(const ManagedFieldsEntry &e, const std::string &manager,
                  const std::string &operation, const std::string &apiVersion,
                  const std::string &subresource)
{
    return e.manager == manager && e.operation == operation && e.subresource == subresource &&
           (operation == "Apply" || e.apiVersion == apiVersion);
}

std::string quoted(const std::string &s)
{
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + '"';
}

} // namespace

Result<ManagedFields> ManagedFields::decode(const meta::ObjectMeta &md)
{
    ManagedFields out;
    for (const meta::ManagedFieldsEntry &e : md.managed_fields()) {
        if (e.manager().empty() && e.operation().empty() && e.api_version().empty() &&
            !e.has_fields_v1())
            return Status::invalidArgument("empty managed fields entry");
        if (e.operation() != "Apply" && e.operation() != "Update")
            return Status::invalidArgument("unknown operation \"" + e.operation() + "\"");
        if (!e.fields_type().empty() && e.fields_type() != "FieldsV1")
            return Status::invalidArgument("unknown fieldsType \"" + e.fields_type() + "\"");
        Result<FieldSet> set = FieldSet::fromJson(e.fields_v1().raw());
        if (!set)
            return set.status();
        ManagedFieldsEntry entry;
        entry.manager = e.manager();
        entry.operation = e.operation();
        entry.apiVersion = e.api_version();
        entry.subresource = e.subresource();
        if (e.has_time())
            entry.time = e.time().seconds();
        entry.fields = std::move(*set);
        if (ManagedFieldsEntry *same =
                out.find(entry.manager, entry.operation, entry.apiVersion, entry.subresource)) {
            same->fields = same->fields.unionWith(entry.fields);
            continue;
        }
        out.m_entries.push_back(std::move(entry));
    }
    return out;
}

void ManagedFields::encode(meta::ObjectMeta *md) const
{
    std::vector<const ManagedFieldsEntry *> sorted;
    for (const ManagedFieldsEntry &e : m_entries)
        sorted.push_back(&e);
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto *p, const auto *q) {
        if (p->operation != q->operation)
            return p->operation < q->operation;
        const int64_t pt = p->time.value_or(0), qt = q->time.value_or(0);
        if (pt != qt)
            return pt < qt;
        if (p->manager != q->manager)
            return p->manager < q->manager;
        if (p->apiVersion != q->apiVersion)
            return p->apiVersion < q->apiVersion;
        return p->subresource < q->subresource;
    });
    md->clear_managed_fields();
    for (const ManagedFieldsEntry *e : sorted) {
        meta::ManagedFieldsEntry *out = md->add_managed_fields();
        out->set_manager(e->manager);
        out->set_operation(e->operation);
        out->set_api_version(e->apiVersion);
        if (e->time) {
            out->mutable_time()->set_seconds(*e->time);
            out->mutable_time()->set_nanos(0);
        }
        out->set_fields_type("FieldsV1");
        out->mutable_fields_v1()->set_raw(e->fields.toJson());
        if (!e->subresource.empty())
            out->set_subresource(e->subresource);
    }
}

ManagedFieldsEntry *ManagedFields::find(const std::string &manager, const std::string &operation,
                                        const std::string &apiVersion,
                                        const std::string &subresource)
{
    for (ManagedFieldsEntry &e : m_entries)
        if (sameIdentity(e, manager, operation, apiVersion, subresource))
            return &e;
    return nullptr;
}

ManagedFieldsEntry &ManagedFields::entry(const std::string &manager, const std::string &operation,
                                         const std::string &apiVersion,
                                         const std::string &subresource)
{
    if (ManagedFieldsEntry *e = find(manager, operation, apiVersion, subresource))
        return *e;
    ManagedFieldsEntry e;
    e.manager = manager;
    e.operation = operation;
    e.apiVersion = apiVersion;
    e.subresource = subresource;
    m_entries.push_back(std::move(e));
    return m_entries.back();
}

void ManagedFields::removeEmpty()
{
    std::erase_if(m_entries, [](const ManagedFieldsEntry &e) { return e.fields.empty(); });
}

void ManagedFields::capUpdateManagers()
{
    std::vector<size_t> updaters;
    for (size_t i = 0; i < m_entries.size(); ++i)
        if (m_entries[i].operation == "Update")
            updaters.push_back(i);
    if (updaters.size() <= kMaxUpdateManagers)
        return;
    std::stable_sort(updaters.begin(), updaters.end(), [this](size_t a, size_t b) {
        return m_entries[a].time.value_or(0) < m_entries[b].time.value_or(0);
    });
    std::vector<bool> drop(m_entries.size(), false);
    std::map<std::string, size_t> bucketOf; // apiVersion -> entry index of its bucket
    size_t count = updaters.size();
    for (size_t i = 0; i < updaters.size() && count > kMaxUpdateManagers; ++i) {
        ManagedFieldsEntry &e = m_entries[updaters[i]];
        auto it = bucketOf.find(e.apiVersion);
        if (it == bucketOf.end()) {
            // The first of a version becomes the bucket when a second comes.
            bucketOf[e.apiVersion] = updaters[i];
            continue;
        }
        ManagedFieldsEntry &bucket = m_entries[it->second];
        bucket.manager = kAncientChanges;
        bucket.subresource.clear();
        bucket.fields = bucket.fields.unionWith(e.fields);
        bucket.time = e.time;
        drop[updaters[i]] = true;
        --count;
    }
    std::vector<ManagedFieldsEntry> kept;
    for (size_t i = 0; i < m_entries.size(); ++i)
        if (!drop[i])
            kept.push_back(std::move(m_entries[i]));
    m_entries = std::move(kept);
}

std::string ManagedFields::describe(const ManagedFieldsEntry &e)
{
    std::string s = quoted(e.manager);
    if (!e.subresource.empty())
        s += " with subresource " + quoted(e.subresource);
    if (e.operation == "Update")
        s += " using " + e.apiVersion;
    return s;
}

} // namespace kubist::apiserver::apply
