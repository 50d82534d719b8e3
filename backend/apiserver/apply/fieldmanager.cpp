#include "backend/apiserver/apply/fieldmanager.h"

#include "backend/api/jsoncodec.h"
#include "backend/api/schemainfo.h"
#include "backend/apiserver/apply/managedfields.h"
#include "backend/apiserver/apply/structured.h"
#include "backend/apiserver/apply/typedcompare.h"

#include "meta_v1.pb.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <map>

namespace kubist::apiserver::apply {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;

namespace {

const char *kLastApplied = "kubectl.kubernetes.io/last-applied-configuration";

// The fields the server owns, never recorded (upstream's stripMeta).
const FieldSet &stripSet()
{
    static const FieldSet set = [] {
        FieldSet s;
        s.insert({"f:apiVersion"});
        s.insert({"f:kind"});
        s.insert({"f:metadata"});
        for (const char *f : {"name", "namespace", "creationTimestamp", "selfLink", "uid",
                              "clusterName", "generation", "managedFields", "resourceVersion"})
            s.insert({"f:metadata", std::string("f:") + f});
        return s;
    }();
    return set;
}

const FieldDescriptor *metadataField(const Descriptor *d)
{
    const FieldDescriptor *fd = d->FindFieldByName("metadata");
    return fd && fd->message_type() == meta::ObjectMeta::descriptor() ? fd : nullptr;
}

meta::ObjectMeta *mutableMeta(Message *m)
{
    const FieldDescriptor *fd = metadataField(m->GetDescriptor());
    return fd ? static_cast<meta::ObjectMeta *>(m->GetReflection()->MutableMessage(m, fd))
              : nullptr;
}

const meta::ObjectMeta &metaOf(const Message &m)
{
    const FieldDescriptor *fd = metadataField(m.GetDescriptor());
    return fd ? static_cast<const meta::ObjectMeta &>(m.GetReflection()->GetMessage(m, fd))
              : meta::ObjectMeta::default_instance();
}

// The object's JSON without its managedFields.
Json objectJson(const Message &m)
{
    if (metaOf(m).managed_fields_size() == 0)
        return parseJson(api::JsonCodec::encode(m));
    std::unique_ptr<Message> copy(m.New());
    copy->CopyFrom(m);
    mutableMeta(copy.get())->clear_managed_fields();
    return parseJson(api::JsonCodec::encode(*copy));
}

const Message &emptyOf(const Descriptor *d)
{
    thread_local std::map<const Descriptor *, std::unique_ptr<Message>> cache;
    auto &slot = cache[d];
    if (!slot)
        slot = api::Scheme::newMessage(d);
    return *slot;
}

std::string quotedPath(const Path &p)
{
    return FieldSet::pathString(p);
}

Status conflictError(const std::vector<std::pair<const ManagedFieldsEntry *, FieldSet>> &conflicts)
{
    struct One
    {
        std::string manager, path;
    };
    std::vector<One> all;
    for (const auto &[entry, set] : conflicts)
        for (const Path &p : set.members())
            all.push_back({ManagedFields::describe(*entry), quotedPath(p)});
    std::stable_sort(all.begin(), all.end(),
                     [](const One &a, const One &b) { return a.manager < b.manager; });
    StatusDetails details;
    for (const One &c : all)
        details.causes.push_back({"FieldManagerConflict", "conflict with " + c.manager, c.path});
    std::string message;
    if (all.size() == 1) {
        message =
            "Apply failed with 1 conflict: conflict with " + all[0].manager + ": " + all[0].path;
    } else {
        message = "Apply failed with " + std::to_string(all.size()) + " conflicts: ";
        std::string lastManager;
        bool first = true;
        for (const One &c : all) {
            if (c.manager != lastManager || first) {
                message += std::string(first ? "" : "\n") + "conflicts with " + c.manager + ":";
                lastManager = c.manager;
                first = false;
            }
            message += "\n- " + c.path;
        }
    }
    return Status::conflict(message).withDetails(std::move(details));
}

} // namespace

FieldManager::FieldManager(const api::KindInfo &kind, std::string subresource)
    : m_kind(kind)
    , m_subresource(std::move(subresource))
    , m_apiVersion(kind.apiVersion())
{}

std::string FieldManager::managerFor(const std::string &fieldManager, const std::string &userAgent,
                                     const std::string &user)
{
    if (!fieldManager.empty())
        return fieldManager;
    if (!userAgent.empty()) {
        std::string m = userAgent.substr(0, userAgent.find('/'));
        if (m.size() > 128)
            m.resize(128);
        return m;
    }
    return user;
}

namespace {

FieldSet ignoredFields(const api::KindInfo &kind, const std::string &subresource)
{
    FieldSet s;
    if (subresource.empty() && kind.subresource("status"))
        s.insert({"f:status"});
    else if (subresource == "status")
        s.insert({"f:spec"});
    return s;
}

// What a write records of `set`: not the fields the server owns, nor
// anything under the fields this subresource does not own (`ignored`).
FieldSet recordable(FieldSet set, const FieldSet &ignored)
{
    set.remove(stripSet());
    set.removeBelow(ignored);
    return set;
}

// The ledger a write starts from (upstream's decodeLiveOrNew).
ManagedFields startingLedger(const Message *live, const Message &next, bool subresource)
{
    auto liveLedger = [&]() {
        if (!live)
            return ManagedFields();
        Result<ManagedFields> m = ManagedFields::decode(metaOf(*live));
        return m ? std::move(*m) : ManagedFields();
    };
    if (subresource)
        return liveLedger();
    const meta::ObjectMeta &md = metaOf(next);
    if (md.managed_fields_size() == 1) {
        const meta::ManagedFieldsEntry &e = md.managed_fields(0);
        if (e.ByteSizeLong() == 0)
            return ManagedFields(); // [{}]: reset
    }
    Result<ManagedFields> m = ManagedFields::decode(md);
    if (!m || m->empty())
        return liveLedger();
    return std::move(*m);
}

} // namespace

void FieldManager::update(const Message *live, Message *next, const std::string &manager,
                          int64_t now) const
{
    meta::ObjectMeta *md = mutableMeta(next);
    if (!md)
        return;
    Comparison c;
    TypedCompareOptions options;
    options.skipServerMetadata = true;
    compareMessages(live ? *live : emptyOf(next->GetDescriptor()), *next, c, options);
    const FieldSet ignored = ignoredFields(m_kind, m_subresource);
    FieldSet changed = std::move(c.added);
    changed.add(c.modified);
    changed = recordable(std::move(changed), ignored);
    const FieldSet removed = recordable(std::move(c.removed), ignored);
    if (changed.empty() && removed.empty()) {
        // Nothing to record: the ledger stays as it stands, byte for byte.
        const bool reset =
            md->managed_fields_size() == 1 && md->managed_fields(0).ByteSizeLong() == 0;
        if (reset) {
            md->clear_managed_fields();
            return;
        }
        if (!live)
            return;
        const meta::ObjectMeta &liveMd = metaOf(*live);
        bool useLive = !m_subresource.empty() || md->managed_fields_size() == 0;
        if (!useLive) {
            // A client's own ledger is kept only when valid.
            bool same = md->managed_fields_size() == liveMd.managed_fields_size();
            for (int i = 0; same && i < md->managed_fields_size(); ++i)
                same = google::protobuf::util::MessageDifferencer::Equals(md->managed_fields(i),
                                                                          liveMd.managed_fields(i));
            useLive = !same && !ManagedFields::decode(*md).isOk();
        }
        if (useLive)
            *md->mutable_managed_fields() = liveMd.managed_fields();
        return;
    }
    ManagedFields ledger = startingLedger(live, *next, !m_subresource.empty());
    for (ManagedFieldsEntry &e : ledger.entries()) {
        e.fields.remove(changed);
        e.fields.remove(removed);
    }
    if (!changed.empty()) {
        ManagedFieldsEntry &mine = ledger.entry(manager, "Update", m_apiVersion, m_subresource);
        if (mine.fields.empty())
            mine.fields = std::move(changed);
        else
            mine.fields.add(changed);
        mine.time = now;
    }
    ledger.removeEmpty();
    ledger.capUpdateManagers();
    ledger.encode(md);
}

Result<std::unique_ptr<Message>> FieldManager::apply(const Message *live, std::string_view text,
                                                     const ApplyOptions &options) const
{
    const Descriptor *d = m_kind.descriptor;
    Json config = Json::parse(text, nullptr, false);
    if (config.is_discarded() || !config.is_object())
        return Status::invalidArgument("error decoding YAML: the apply patch is not an object");
    const std::string apiVersion = config.contains("apiVersion") && config["apiVersion"].is_string()
                                       ? config["apiVersion"].get<std::string>()
                                       : std::string();
    const std::string kind = config.contains("kind") && config["kind"].is_string()
                                 ? config["kind"].get<std::string>()
                                 : std::string();
    if (apiVersion != m_apiVersion)
        return Status::invalidArgument(
            "Incorrect version specified in apply patch. Specified patch version: " +
            (apiVersion.empty() ? std::string("/, Kind=") + kind : apiVersion) +
            ", expected: " + m_apiVersion);
    if (kind != m_kind.kind)
        return Status::invalidArgument("Incorrect kind specified in apply patch. Specified "
                                       "patch kind: " +
                                       kind + ", expected: " + m_kind.kind);
    if (auto md = config.find("metadata"); md != config.end() && md->is_object()) {
        if (auto mf = md->find("managedFields"); mf != md->end() && !mf->is_null())
            return Status::invalidArgument("metadata.managedFields must be nil");
    }
    // The body must be an object of the schema; the codec normalises its
    // values (quantities, numbers) so they compare with live's.
    std::unique_ptr<Message> typed = api::Scheme::newMessage(d);
    api::JsonDecodeOptions strict;
    strict.strict = true;
    if (Status s = api::JsonCodec::decode(text, typed.get(), strict); !s)
        return Status::invalidArgument(s.message());
    config = restrictTo(parseJson(api::JsonCodec::encode(*typed)), config);
    // apiVersion and kind are checked and server-owned: they take no part.
    const Json typeMetaConfig = config;
    config.erase("apiVersion");
    config.erase("kind");

    const Shape shape = shapeOfMessage(d);
    const Json liveJson = live ? objectJson(*live) : objectJson(emptyOf(d));
    const FieldSet ignored = ignoredFields(m_kind, m_subresource);

    ManagedFields ledger;
    if (live) {
        Result<ManagedFields> m = ManagedFields::decode(metaOf(*live));
        if (m)
            ledger = std::move(*m);
        if (ledger.empty()) {
            // Fields set before anyone applied belong to "before-first-apply".
            Comparison c;
            const Json empty = objectJson(emptyOf(d));
            Path path;
            compare(&empty, &liveJson, shape, path, c);
            FieldSet before = recordable(c.changed(), ignored);
            if (!before.empty()) {
                ManagedFieldsEntry &e =
                    ledger.entry("before-first-apply", "Update", m_apiVersion, m_subresource);
                e.fields = std::move(before);
                e.time = options.now;
            }
        }
    }

    const ManagedFieldsEntry *previous =
        ledger.find(options.manager, "Apply", m_apiVersion, m_subresource);
    const bool hadEntry = previous != nullptr;
    const FieldSet lastSet = previous ? previous->fields : FieldSet();
    const FieldSet configSet = toFieldSet(config, shape).recursiveDifference(ignored);

    Json merged = merge(&liveJson, config, shape);
    if (!lastSet.empty()) {
        FieldSet owned = configSet;
        for (const ManagedFieldsEntry &e : ledger.entries())
            if (&e != previous)
                owned = owned.unionWith(e.fields);
        Path path;
        prune(merged, shape, lastSet, owned, path);
    }

    Comparison c;
    {
        Path path;
        compare(&liveJson, &merged, shape, path, c);
    }
    const FieldSet changed = recordable(c.changed(), ignored);
    const FieldSet removed = recordable(c.removed, ignored);
    std::vector<std::pair<const ManagedFieldsEntry *, FieldSet>> conflicts;
    for (const ManagedFieldsEntry &e : ledger.entries()) {
        if (&e == previous)
            continue;
        FieldSet x = e.fields.intersection(changed);
        if (!x.empty())
            conflicts.emplace_back(&e, std::move(x));
    }
    if (!conflicts.empty() && !options.force) {
        // kubectl's first server-side apply after client-side ones: the
        // fields the last-applied annotation set, still at those values,
        // are the same user's and no conflict (upstream's lastAppliedManager).
        bool allowed = false;
        const auto &annotations =
            live ? metaOf(*live).annotations() : meta::ObjectMeta::default_instance().annotations();
        if (options.manager == "kubectl" && annotations.count(kLastApplied)) {
            Json lastApplied = parseJson(annotations.at(kLastApplied));
            if (lastApplied.is_object()) {
                Comparison la;
                Path path;
                compare(&lastApplied, &liveJson, shape, path, la);
                const FieldSet allowedSet = toFieldSet(lastApplied, shape).difference(la.modified);
                std::vector<std::pair<const ManagedFieldsEntry *, FieldSet>> remaining;
                for (auto &[e, set] : conflicts) {
                    FieldSet rest = set.difference(allowedSet);
                    if (!rest.empty())
                        remaining.emplace_back(e, std::move(rest));
                }
                allowed = remaining.empty();
                if (!allowed)
                    conflicts = std::move(remaining);
            }
        }
        if (!allowed)
            return conflictError(conflicts);
    }
    for (ManagedFieldsEntry &e : ledger.entries())
        if (&e != previous)
            e.fields = e.fields.difference(changed).difference(removed);

    // kubectl keeps the client-side annotation in step once it exists.
    if (options.manager == "kubectl" && live && metaOf(*live).annotations().count(kLastApplied)) {
        Json annotationValue = typeMetaConfig;
        if (auto md = annotationValue.find("metadata"); md != annotationValue.end()) {
            if (auto an = md->find("annotations"); an != md->end() && an->is_object()) {
                an->erase(kLastApplied);
                if (an->empty())
                    md->erase("annotations");
            }
        }
        merged["metadata"]["annotations"][kLastApplied] = annotationValue.dump() + "\n";
    }

    const bool noop = live && equalValues(liveJson, merged);
    std::unique_ptr<Message> result;
    if (noop) {
        result.reset(live->New());
        result->CopyFrom(*live);
    } else {
        result = api::Scheme::newMessage(d);
        if (Status s = api::JsonCodec::decode(merged.dump(), result.get()); !s)
            return Status::invalidArgument(s.message());
    }
    ManagedFieldsEntry &mine = ledger.entry(options.manager, "Apply", m_apiVersion, m_subresource);
    mine.apiVersion = m_apiVersion;
    mine.fields = configSet.difference(stripSet());
    if (!noop || !hadEntry)
        mine.time = options.now;
    ledger.removeEmpty();
    ledger.capUpdateManagers();
    ledger.encode(mutableMeta(result.get()));
    return result;
}

} // namespace kubist::apiserver::apply
