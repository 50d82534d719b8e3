#include "model/manifestapply.h"

#include "backend/api/jsoncodec.h"
#include "backend/api/scheme.h"
#include "backend/api/yamlcodec.h"
#include "backend/client/objectkey.h"

#include "meta_v1.pb.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/reflection.h>

#include <memory>
#include <optional>

namespace kubist::model::manifests {

namespace {

using google::protobuf::Message;
using Meta = k8s::io::apimachinery::pkg::apis::meta::v1::ObjectMeta;

bool isSeparator(std::string_view line)
{
    if (line.substr(0, 3) != "---")
        return false;
    std::string_view rest = line.substr(3);
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t' || rest.front() == '\r'))
        rest.remove_prefix(1);
    return rest.empty() || rest.front() == '#';
}

bool hasContent(std::string_view text)
{
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        while (!line.empty() &&
               (line.front() == ' ' || line.front() == '\t' || line.front() == '\r'))
            line.remove_prefix(1);
        if (!line.empty() && line.front() != '#')
            return true;
        pos = end + 1;
    }
    return false;
}

struct Prepared
{
    const api::KindInfo *kind = nullptr;
    std::unique_ptr<Message> object;
    std::string json;
    bool exists = false;
};

// Decodes one document; fills `result` with what is known.
std::optional<Prepared> prepare(client::Client &client, const Document &doc, DocumentResult &result)
{
    Result<std::string> json = api::YamlCodec::toJson(doc.text);
    if (!json) {
        result.message = json.status().message();
        return std::nullopt;
    }
    Result<api::TypeMeta> tm = api::JsonCodec::peekTypeMeta(*json);
    if (!tm) {
        result.message = tm.status().message();
        return std::nullopt;
    }
    if (tm->apiVersion.empty() || tm->kind.empty()) {
        result.message = "apiVersion and kind are required";
        return std::nullopt;
    }
    result.kind = tm->kind;
    const api::KindInfo *kind = api::Scheme::builtin().byKind(tm->apiVersion, tm->kind);
    if (!kind || kind->resource.empty() || kind->subresourceOnly) {
        result.message =
            "no kind \"" + tm->kind + "\" is registered for version \"" + tm->apiVersion + "\"";
        return std::nullopt;
    }
    Prepared p;
    p.kind = kind;
    p.object = api::Scheme::newMessage(kind->descriptor);
    api::JsonDecodeOptions strict;
    strict.strict = true;
    if (Status s = api::JsonCodec::decode(*json, p.object.get(), strict); !s) {
        result.message = s.message();
        // Name the object in the report when a lenient read can.
        std::unique_ptr<Message> lenient = api::Scheme::newMessage(kind->descriptor);
        if (api::JsonCodec::decode(*json, lenient.get()))
            if (const Meta *meta = client::mutableObjectMeta(*lenient))
                result.name = meta->name();
        return std::nullopt;
    }
    Meta *meta = client::mutableObjectMeta(*p.object);
    if (!meta || meta->name().empty()) {
        result.message = "metadata.name is required";
        return std::nullopt;
    }
    if (kind->namespaced && meta->namespace_().empty())
        meta->set_namespace_("default");
    if (!kind->namespaced)
        meta->clear_namespace_();
    result.ns = meta->namespace_();
    result.name = meta->name();
    p.json = api::JsonCodec::encode(*p.object, {kind->typeMeta()});
    Result<client::ObjectPtr> existing = client.get(*kind, result.ns, result.name);
    if (existing) {
        p.exists = true;
    } else if (existing.status().code() != Status::Code::NotFound) {
        result.message = existing.status().message();
        return std::nullopt;
    }
    return p;
}

Status send(client::Client &client, Prepared &p, const DocumentResult &r, bool dryRun)
{
    client::WriteOptions o;
    o.dryRun = dryRun;
    o.fieldManager = "kubist-gui";
    if (p.exists)
        return client.patch(*p.kind, r.ns, r.name, client::PatchType::Merge, p.json, o).status();
    return client.create(*p.kind, r.ns, *p.object, o).status();
}

} // namespace

std::vector<Document> splitDocuments(std::string_view yaml)
{
    std::vector<Document> docs;
    std::string current;
    int startLine = 1;
    int lineNo = 0;
    size_t pos = 0;
    const auto flush = [&] {
        if (hasContent(current))
            docs.push_back({int(docs.size()) + 1, startLine, current});
        current.clear();
    };
    while (pos <= yaml.size()) {
        size_t end = yaml.find('\n', pos);
        if (end == std::string_view::npos)
            end = yaml.size();
        const std::string_view line = yaml.substr(pos, end - pos);
        ++lineNo;
        if (isSeparator(line)) {
            flush();
            startLine = lineNo + 1;
        } else {
            if (current.empty() && !hasContent(line))
                startLine = lineNo + 1; // a document starts at its first real line
            else {
                current.append(line);
                current.push_back('\n');
            }
        }
        if (end == yaml.size())
            break;
        pos = end + 1;
    }
    flush();
    return docs;
}

std::string DocumentResult::describe() const
{
    std::string s = "document " + std::to_string(index) + " (line " + std::to_string(line) + ")";
    if (!kind.empty())
        s += ": " + kind + (name.empty() ? "" : " " + name);
    s += ok ? " " + action : ": " + message;
    return s;
}

std::vector<DocumentResult> apply(client::Client &client, std::string_view yaml, bool dryRunOnly)
{
    const std::vector<Document> docs = splitDocuments(yaml);
    std::vector<DocumentResult> results(docs.size());
    std::vector<std::optional<Prepared>> prepared(docs.size());
    bool allOk = true;
    for (size_t i = 0; i < docs.size(); ++i) {
        DocumentResult &r = results[i];
        r.index = docs[i].index;
        r.line = docs[i].line;
        prepared[i] = prepare(client, docs[i], r);
        if (!prepared[i]) {
            allOk = false;
            continue;
        }
        if (Status s = send(client, *prepared[i], r, true); !s) {
            r.message = s.message();
            allOk = false;
            continue;
        }
        r.ok = true;
        r.action = prepared[i]->exists ? "configured (dry run)" : "created (dry run)";
    }
    if (!allOk || dryRunOnly)
        return results;
    for (size_t i = 0; i < docs.size(); ++i) {
        DocumentResult &r = results[i];
        if (Status s = send(client, *prepared[i], r, false); !s) {
            r.ok = false;
            r.action.clear();
            r.message = s.message();
            continue;
        }
        r.action = prepared[i]->exists ? "configured" : "created";
    }
    return results;
}

} // namespace kubist::model::manifests
