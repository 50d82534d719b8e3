#include "apihandler.h"

#include "backend/api/goduration.h"
#include "backend/api/jsoncodec.h"
#include "backend/api/protocodec.h"
#include "backend/api/yamlcodec.h"
#include "backend/apiserver/openapi/discovery.h"
#include "backend/apiserver/openapi/openapiv2.h"
#include "backend/apiserver/openapi/openapiv3.h"
#include "backend/apiserver/printers/tablejson.h"
#include "backend/apiserver/registry/apierrors.h"
#include "backend/apiserver/registry/objectaccess.h"
#include "backend/store/store.h"

#include "meta_v1.pb.h"

#include <google/protobuf/message.h>

#include <condition_variable>
#include <deque>
#include <random>

namespace kubist::apiserver {

using google::protobuf::Message;

namespace {

constexpr const char *kJson = "application/json";
constexpr const char *kYaml = "application/yaml";
constexpr size_t kMaxWatchBacklog = 20000;

// A boolean query parameter, as the API server's parameter codec converts
// one (runtime.Convert_Slice_string_To_bool): absent is false, "0" and
// "false" in any case are false, every other value (even "") is true.
bool queryBool(const HttpRequest &req, const std::string &name)
{
    if (!req.hasParam(name))
        return false;
    std::string v = req.param(name);
    for (char &c : v)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return v != "0" && v != "false";
}

std::vector<std::string> split(std::string_view s, char sep)
{
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= s.size()) {
        size_t end = s.find(sep, start);
        if (end == std::string_view::npos)
            end = s.size();
        out.emplace_back(s.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

std::string trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return std::string(s);
}

// One media range of an Accept header: type and parameters.
struct MediaRange
{
    std::string type;
    std::map<std::string, std::string> params;
};

std::vector<MediaRange> parseAccept(const std::string &accept)
{
    std::vector<MediaRange> out;
    for (const std::string &part : split(accept.empty() ? "*/*" : accept, ',')) {
        std::vector<std::string> fields = split(part, ';');
        MediaRange m;
        m.type = trim(fields[0]);
        for (size_t i = 1; i < fields.size(); ++i) {
            const size_t eq = fields[i].find('=');
            if (eq != std::string::npos)
                m.params[trim(fields[i].substr(0, eq))] = trim(fields[i].substr(eq + 1));
        }
        if (!m.type.empty())
            out.push_back(std::move(m));
    }
    return out;
}

enum class Output { Json, Yaml, Table, Protobuf };

// Kubist's own kinds are served in JSON only, as Kubernetes serves custom
// resources: a client offering protobuf first gets its JSON fallback.
bool servesProtobuf(const api::KindInfo *kind)
{
    return !kind || kind->group != "kubist.io";
}

bool servesProtobuf(const api::TypeMeta &tm)
{
    return !tm.apiVersion.starts_with("kubist.io/");
}

// The response form the client accepts first, among those Kubist serves.
std::optional<Output> negotiate(const std::string &accept, bool allowTable,
                                bool allowProtobuf = true)
{
    for (const MediaRange &m : parseAccept(accept)) {
        const bool json = m.type == kJson || m.type == "application/*" || m.type == "*/*";
        if (m.params.count("as")) {
            if (allowTable && m.params.at("as") == "Table" && m.type == kJson &&
                (!m.params.count("g") || m.params.at("g") == "meta.k8s.io"))
                return Output::Table;
            continue; // as=PartialObjectMetadata and others: not offered
        }
        if (json)
            return Output::Json;
        if (m.type == kYaml)
            return Output::Yaml;
        if (m.type == api::ProtobufCodec::kContentType && allowProtobuf)
            return Output::Protobuf;
    }
    return std::nullopt;
}

// The aggregated discovery version the client asks for first, if any
// (kubectl: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,...").
std::optional<discovery::AggregatedVersion> aggregatedVersion(const std::string &accept)
{
    for (const MediaRange &m : parseAccept(accept)) {
        auto param = [&m](const char *name) {
            auto it = m.params.find(name);
            return it == m.params.end() ? std::string() : it->second;
        };
        if (param("as") != "APIGroupDiscoveryList" || param("g") != "apidiscovery.k8s.io") {
            if (m.type == kJson || m.type == "*/*")
                return std::nullopt; // plain JSON comes first
            continue;
        }
        if (param("v") == "v2")
            return discovery::AggregatedVersion::V2;
        if (param("v") == "v2beta1")
            return discovery::AggregatedVersion::V2Beta1;
    }
    return std::nullopt;
}

// The "type" of a watch event on the wire.
const char *watchEventType(client::WatchEvent::Type type)
{
    using T = client::WatchEvent::Type;
    switch (type) {
    case T::Added:
        return "ADDED";
    case T::Modified:
        return "MODIFIED";
    case T::Deleted:
        return "DELETED";
    case T::Bookmark:
        return "BOOKMARK";
    case T::Error:
        return "ERROR";
    }
    return "ERROR";
}

std::string statusJson(const Status &status)
{
    return api::JsonCodec::encode(apierrors::toStatusObject(status), {{"v1", "Status"}});
}

struct Route
{
    const api::KindInfo *kind = nullptr;
    std::string ns;
    std::string name;
    std::string subresource;
    bool watchPrefix = false;
};

class EventQueue
{
public:
    void push(client::WatchEvent e)
    {
        std::lock_guard lock(m_mutex);
        if (m_events.size() >= kMaxWatchBacklog) {
            m_overflow = true;
        } else {
            m_events.push_back(std::move(e));
        }
        m_cv.notify_one();
    }
    void close()
    {
        std::lock_guard lock(m_mutex);
        m_closed = true;
        m_cv.notify_one();
    }
    // Waits up to `timeout` for events; returns what is queued.
    std::deque<client::WatchEvent> wait(std::chrono::milliseconds timeout, bool *closed,
                                        bool *overflow)
    {
        std::unique_lock lock(m_mutex);
        m_cv.wait_for(lock, timeout, [this] { return !m_events.empty() || m_closed; });
        std::deque<client::WatchEvent> out;
        out.swap(m_events);
        *closed = m_closed;
        *overflow = m_overflow;
        return out;
    }

private:
    std::mutex m_mutex; // guards everything below
    std::condition_variable m_cv;
    std::deque<client::WatchEvent> m_events;
    bool m_closed = false;
    bool m_overflow = false;
};

} // namespace

// A request that holds its connection open by design (kube-apiserver's
// long-running check): watches and followed logs; exec/attach/portforward
// are refused at once anyway.
bool isLongRunning(const HttpRequest &req)
{
    if (queryBool(req, "watch"))
        return true;
    const std::string &p = req.path;
    if (p.starts_with("/api/v1/watch/") ||
        (p.starts_with("/apis/") && p.find("/watch/") != std::string::npos))
        return true;
    if (p.ends_with("/log") && queryBool(req, "follow"))
        return true;
    return p.ends_with("/exec") || p.ends_with("/attach") || p.ends_with("/portforward");
}

bool isMutating(const HttpRequest &req)
{
    return req.method != "GET" && req.method != "HEAD" && req.method != "OPTIONS";
}

// Holds one place under an in-flight limit while alive.
class InFlightSlot final
{
public:
    InFlightSlot(std::atomic<int> &count, int limit)
        : m_count(count)
        , m_taken(count.fetch_add(1) < limit)
    {
        if (!m_taken)
            m_count.fetch_sub(1);
    }
    ~InFlightSlot()
    {
        if (m_taken)
            m_count.fetch_sub(1);
    }
    InFlightSlot(const InFlightSlot &) = delete;
    InFlightSlot &operator=(const InFlightSlot &) = delete;
    bool taken() const { return m_taken; }

private:
    std::atomic<int> &m_count;
    const bool m_taken;
};

struct ApiHandler::Impl
{
    ApiServer &server;
    std::map<std::string, Identity> tokens;
    ApiLimits limits;
    std::atomic<int> readOnlyInFlight{0};
    std::atomic<int> mutatingInFlight{0};
    std::atomic<bool> shuttingDown{false};
    std::atomic<bool> requireAuthentication{true};
    std::vector<api::KindInfo> kinds;

    // Computed once: the schema does not change while serving.
    std::string apiVersions, apiGroupList;
    // Aggregated discovery by {legacy (/api), v2 (else v2beta1)}.
    std::map<std::pair<bool, bool>, std::string> aggregated;
    std::map<std::string, std::string> resourceLists; // "v1", "apps/v1" -> APIResourceList
    openapiv3::Documents openapi3;
    std::string openapi2Json;
    std::string openapi2Protobuf;

    Impl(ApiServer &s, std::map<std::string, Identity> t, ApiLimits l)
        : server(s)
        , tokens(std::move(t))
        , limits(l)
        , kinds(api::Scheme::builtin().kinds())
    {
        apiVersions = discovery::apiVersionsJson();
        apiGroupList = discovery::apiGroupListJson(kinds);
        for (bool legacy : {true, false})
            for (bool v2 : {true, false})
                aggregated[{legacy, v2}] = discovery::aggregatedDiscoveryJson(
                    kinds, legacy,
                    v2 ? discovery::AggregatedVersion::V2 : discovery::AggregatedVersion::V2Beta1);
        for (const std::string &gv : discovery::servedGroupVersions(kinds))
            if (Result<std::string> r = discovery::apiResourceListJson(kinds, gv))
                resourceLists[gv] = std::move(*r);
        openapi3 = openapiv3::allDocuments(kinds);
        openapi2Json = openapiv2::documentJson(kinds);
        if (Result<std::string> pb = openapiv2::documentProtobuf(kinds))
            openapi2Protobuf = std::move(*pb);
    }

    // ---- responses -------------------------------------------------------

    // An error as a meta/v1 Status, in protobuf when that is what the client
    // prefers (as kube-apiserver encodes errors with the negotiated
    // serializer), else JSON.
    static void sendStatus(ResponseWriter &w, const HttpRequest &req, const Status &status,
                           ResponseWriter::Headers headers = {})
    {
        if (const StatusDetails *d = status.details(); d && d->retryAfterSeconds > 0)
            headers.emplace_back("Retry-After", std::to_string(d->retryAfterSeconds));
        if (negotiate(req.header("accept"), false, true) == Output::Protobuf) {
            w.send(apierrors::httpCode(status), api::ProtobufCodec::kContentType.data(),
                   api::ProtobufCodec::encode(apierrors::toStatusObject(status), {"v1", "Status"}),
                   headers);
            return;
        }
        w.send(apierrors::httpCode(status), kJson, statusJson(status), headers);
    }

    static ResponseWriter::Headers warningHeaders(const std::vector<std::string> &warnings)
    {
        ResponseWriter::Headers h;
        for (const std::string &warning : warnings) {
            std::string quoted;
            api::JsonCodec::appendQuoted(warning, quoted);
            h.emplace_back("Warning", "299 - " + quoted);
        }
        return h;
    }

    void sendObject(ResponseWriter &w, const HttpRequest &req, int code, const Message &object,
                    const api::TypeMeta &tm, const ResponseWriter::Headers &headers,
                    const api::KindInfo *tableKind)
    {
        const std::optional<Output> out =
            negotiate(req.header("accept"), tableKind != nullptr, servesProtobuf(tm));
        if (!out) {
            sendStatus(w, req,
                       Status::notAcceptable("only the following media types are accepted: "
                                             "application/json, application/yaml, "
                                             "application/vnd.kubernetes.protobuf"));
            return;
        }
        switch (*out) {
        case Output::Table: {
            printers::TableOptions o;
            o.nowSeconds = server.clock().nowSeconds();
            if (Result<printers::TableOptions::IncludeObject> inc =
                    printers::parseIncludeObject(req.param("includeObject"));
                inc)
                o.includeObject = *inc;
            Result<std::string> t = printers::tableJson(*tableKind, {&object}, {}, o);
            if (!t) {
                sendStatus(w, req, t.status());
                return;
            }
            w.send(code, kJson, std::move(*t), headers);
            return;
        }
        case Output::Yaml: {
            Result<std::string> y = api::YamlCodec::fromJson(api::JsonCodec::encode(object, {tm}));
            w.send(code, kYaml, y ? std::move(*y) : std::string(), headers);
            return;
        }
        case Output::Protobuf:
            w.send(code, api::ProtobufCodec::kContentType.data(),
                   api::ProtobufCodec::encode(object, tm), headers);
            return;
        case Output::Json:
            w.send(code, kJson, api::JsonCodec::encode(object, {tm}), headers);
            return;
        }
    }

    void sendList(ResponseWriter &w, const HttpRequest &req, const api::KindInfo &kind,
                  const client::ListResult &list)
    {
        const std::optional<Output> out =
            negotiate(req.header("accept"), true, servesProtobuf(&kind));
        if (!out) {
            sendStatus(w, req,
                       Status::notAcceptable("only application/json, application/yaml and "
                                             "application/vnd.kubernetes.protobuf are "
                                             "accepted"));
            return;
        }
        if (*out == Output::Table) {
            std::vector<const Message *> objects;
            objects.reserve(list.items.size());
            for (const auto &o : list.items)
                objects.push_back(o.get());
            printers::TableOptions o;
            o.nowSeconds = server.clock().nowSeconds();
            if (Result<printers::TableOptions::IncludeObject> inc =
                    printers::parseIncludeObject(req.param("includeObject"));
                inc)
                o.includeObject = *inc;
            Result<std::string> t = printers::tableJson(
                kind, objects, {list.resourceVersion, list.continueToken, list.remainingItemCount},
                o);
            if (!t) {
                sendStatus(w, req, t.status());
                return;
            }
            w.send(200, kJson, std::move(*t));
            return;
        }
        if (*out == Output::Protobuf) {
            meta::ListMeta md;
            md.set_resource_version(list.resourceVersion);
            if (!list.continueToken.empty())
                md.set_continue_(list.continueToken);
            if (list.remainingItemCount)
                md.set_remaining_item_count(*list.remainingItemCount);
            std::vector<const Message *> items;
            items.reserve(list.items.size());
            for (const auto &o : list.items)
                items.push_back(o.get());
            w.send(200, api::ProtobufCodec::kContentType.data(),
                   api::ProtobufCodec::encodeList(kind.listTypeMeta(), md, items));
            return;
        }
        std::string json;
        json.reserve(256 + list.items.size() * 2048);
        json += R"({"kind":")" + kind.kind + R"(List","apiVersion":")" + kind.apiVersion() +
                R"(","metadata":{"resourceVersion":)";
        api::JsonCodec::appendQuoted(list.resourceVersion, json);
        if (!list.continueToken.empty()) {
            json += R"(,"continue":)";
            api::JsonCodec::appendQuoted(list.continueToken, json);
        }
        if (list.remainingItemCount)
            json += R"(,"remainingItemCount":)" + std::to_string(*list.remainingItemCount);
        json += R"(},"items":[)";
        for (size_t i = 0; i < list.items.size(); ++i) {
            if (i)
                json += ',';
            api::JsonCodec::encodeTo(*list.items[i], json);
        }
        json += "]}";
        if (*out == Output::Yaml) {
            Result<std::string> y = api::YamlCodec::fromJson(json);
            w.send(200, kYaml, y ? std::move(*y) : std::string());
            return;
        }
        w.send(200, kJson, std::move(json));
    }

    // ---- authentication --------------------------------------------------

    std::optional<Identity> authenticate(const HttpRequest &req)
    {
        const std::string auth = req.header("authorization");
        if (auth.size() > 7 &&
            (auth.compare(0, 7, "Bearer ") == 0 || auth.compare(0, 7, "bearer ") == 0)) {
            auto it = tokens.find(trim(auth.substr(7)));
            if (it != tokens.end())
                return it->second;
            return std::nullopt;
        }
        if (!req.clientCertificateSubject.empty())
            return Identity{req.clientCertificateSubject,
                            req.clientCertificateSubject == "viewer" ? Role::Viewer : Role::Admin};
        if (!requireAuthentication)
            return Identity{"admin", Role::Admin};
        return std::nullopt;
    }

    // ---- health ----------------------------------------------------------

    bool handleHealth(const HttpRequest &req, ResponseWriter &w)
    {
        const std::string &p = req.path;
        if (p != "/healthz" && p != "/livez" && p != "/readyz" && !p.starts_with("/healthz/") &&
            !p.starts_with("/livez/") && !p.starts_with("/readyz/"))
            return false;
        // livez: the process is alive; healthz adds etcd; readyz adds
        // whether this server takes requests (stopped or shutting down: no).
        std::vector<std::pair<std::string, bool>> checks{{"ping", true}};
        if (!p.starts_with("/livez"))
            checks.emplace_back("etcd", server.registry().store().isRunning());
        if (p.starts_with("/readyz")) {
            checks.emplace_back("apiserver-serving", server.isServing());
            checks.emplace_back("shutdown", !shuttingDown);
        }
        bool ok = true;
        std::string verbose;
        for (const auto &[name, good] : checks) {
            ok &= good;
            verbose += std::string(good ? "[+]" : "[-]") + name + (good ? " ok" : " failed") +
                       (good ? "" : ": reason withheld") + "\n";
        }
        if (req.hasParam("verbose") || !ok)
            w.send(ok ? 200 : 500, "text/plain; charset=utf-8",
                   verbose + (p.starts_with("/readyz") ? "readyz" : p.substr(1)) +
                       (ok ? " check passed\n" : " check failed\n"));
        else
            w.send(200, "text/plain; charset=utf-8", "ok");
        return true;
    }

    // ---- discovery and OpenAPI --------------------------------------------

    bool handleDiscovery(const HttpRequest &req, ResponseWriter &w)
    {
        const std::string &p = req.path;
        const std::string accept = req.header("accept");
        if (p == "/version" || p == "/version/") {
            w.send(200, kJson, discovery::versionJson());
            return true;
        }
        const bool legacyRoot = p == "/api" || p == "/api/";
        if (legacyRoot || p == "/apis" || p == "/apis/") {
            const std::optional<discovery::AggregatedVersion> v = aggregatedVersion(accept);
            if (!v)
                w.send(200, kJson, legacyRoot ? apiVersions : apiGroupList, {{"Vary", "Accept"}});
            else
                w.send(200, discovery::aggregatedDiscoveryContentType(*v),
                       aggregated.at({legacyRoot, *v == discovery::AggregatedVersion::V2}),
                       {{"Vary", "Accept"}});
            return true;
        }
        if (p == "/api/v1" || p == "/api/v1/") {
            w.send(200, kJson, resourceLists.at("v1"));
            return true;
        }
        if (p.starts_with("/apis/")) {
            std::vector<std::string> parts = split(p.substr(6), '/');
            if (!parts.empty() && parts.back().empty())
                parts.pop_back();
            if (parts.size() == 1) {
                Result<std::string> g = discovery::apiGroupJson(kinds, parts[0]);
                if (!g)
                    sendStatus(w, req,
                               Status::notFound("the server could not find the requested "
                                                "resource"));
                else
                    w.send(200, kJson, std::move(*g));
                return true;
            }
            if (parts.size() == 2) {
                auto it = resourceLists.find(parts[0] + "/" + parts[1]);
                if (it == resourceLists.end())
                    sendStatus(w, req,
                               Status::notFound("the server could not find the requested "
                                                "resource"));
                else
                    w.send(200, kJson, it->second);
                return true;
            }
        }
        if (p == "/openapi/v2" || p == "/swagger.json") {
            if (accept.find("protobuf") != std::string::npos && !openapi2Protobuf.empty())
                // Go's mime parser (kubectl) refuses '@' in a response type: kube-openapi
                // answers with the dotted form of the type it accepts.
                w.send(200, "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
                       openapi2Protobuf);
            else
                w.send(200, kJson, openapi2Json);
            return true;
        }
        if (p == "/openapi/v3" || p == "/openapi/v3/") {
            w.send(200, kJson, openapi3.root);
            return true;
        }
        if (p.starts_with("/openapi/v3/")) {
            const std::string path = p.substr(12);
            auto it = openapi3.byPath.find(path);
            if (it == openapi3.byPath.end()) {
                sendStatus(w, req,
                           Status::notFound("the server could not find the requested resource"));
                return true;
            }
            ResponseWriter::Headers h{{"Etag", "\"" + openapi3.hashByPath[path] + "\""}};
            if (req.hasParam("hash"))
                h.emplace_back("Cache-Control", "public, immutable");
            w.send(200, kJson, it->second, h);
            return true;
        }
        return false;
    }

    // ---- resources ---------------------------------------------------------

    // Parses /api/v1/... and /apis/<group>/<version>/...; nullopt when the
    // path is not a resource path. Sets `error` for a resource path that
    // names nothing served.
    std::optional<Route> route(const std::string &path, Status *error)
    {
        std::vector<std::string> parts = split(path, '/');
        // parts[0] is "" (leading slash)
        if (!parts.empty() && parts.back().empty())
            parts.pop_back();
        size_t i;
        std::string group, version;
        if (parts.size() >= 4 && parts[1] == "api" && parts[2] == "v1") {
            version = "v1";
            i = 3;
        } else if (parts.size() >= 5 && parts[1] == "apis") {
            group = parts[2];
            version = parts[3];
            i = 4;
        } else {
            return std::nullopt;
        }
        Route r;
        if (i < parts.size() && parts[i] == "watch") {
            r.watchPrefix = true;
            ++i;
        }
        std::vector<std::string> rest(parts.begin() + long(i), parts.end());
        const api::Scheme &scheme = api::Scheme::builtin();
        std::string resource;
        if (rest.size() >= 3 && rest[0] == "namespaces" &&
            !(rest.size() == 3 && (rest[2] == "status" || rest[2] == "finalize"))) {
            r.ns = rest[1];
            resource = rest[2];
            if (rest.size() > 3)
                r.name = rest[3];
            if (rest.size() > 4)
                r.subresource = rest[4];
            if (rest.size() > 5) {
                *error = Status::notFound("the server could not find the requested resource");
                return r;
            }
        } else {
            resource = rest.empty() ? "" : rest[0];
            if (rest.size() > 1)
                r.name = rest[1];
            if (rest.size() > 2)
                r.subresource = rest[2];
            if (rest.size() > 3) {
                *error = Status::notFound("the server could not find the requested resource");
                return r;
            }
        }
        r.kind = scheme.byResource(group, resource);
        if (!r.kind || r.kind->version != version || r.kind->listDescriptor == nullptr) {
            if (!(r.kind && r.kind->kind == "Binding" && r.kind->version == version)) {
                r.kind = nullptr;
                *error = Status::notFound("the server could not find the requested resource");
                return r;
            }
        }
        if (!r.kind->namespaced && !r.ns.empty()) {
            *error = Status::notFound("the server could not find the requested resource");
            return r;
        }
        if (!r.subresource.empty() && !r.kind->subresource(r.subresource)) {
            *error = Status::notFound("the server could not find the requested resource");
            return r;
        }
        return r;
    }

    void record(const Identity &who, const std::string &verb, const Route &r, int code,
                std::chrono::steady_clock::time_point start, bool touchedStore)
    {
        ActivityRecord rec;
        rec.time = std::chrono::system_clock::now();
        rec.actor = who.user;
        rec.verb = verb;
        rec.group = r.kind ? r.kind->group : "";
        rec.resource = (r.kind ? r.kind->resource : std::string("?")) +
                       (r.subresource.empty() ? "" : "/" + r.subresource);
        rec.ns = r.ns;
        rec.name = r.name;
        rec.code = code;
        rec.latency = std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::steady_clock::now() - start);
        rec.touchedStore = touchedStore;
        server.activity().record(std::move(rec));
    }

    // Decodes a request body as `descriptor` (JSON, YAML or protobuf).
    Result<std::unique_ptr<Message>> decodeBody(const HttpRequest &req,
                                                const api::KindInfo &bodyKind,
                                                std::vector<std::string> *warnings)
    {
        std::unique_ptr<Message> msg = api::Scheme::newMessage(bodyKind.descriptor);
        std::string contentType = req.header("content-type");
        contentType = trim(contentType.substr(0, contentType.find(';')));
        const std::string validation = req.param("fieldValidation");
        api::JsonDecodeOptions o;
        o.strict = validation == "Strict";
        api::JsonDecodeReport report;
        api::TypeMeta tm;
        Status s;
        const std::string what = bodyKind.kind + " in version \"" + bodyKind.version +
                                 "\" cannot be handled as a " + bodyKind.kind + ": ";
        if (contentType.empty() || contentType == kJson) {
            s = api::JsonCodec::decode(req.body, msg.get(), o, &tm, &report);
        } else if (contentType == kYaml || contentType == "application/x-yaml" ||
                   contentType == "text/yaml") {
            s = api::YamlCodec::decode(req.body, msg.get(), o, &tm, &report);
        } else if (contentType == api::ProtobufCodec::kContentType && servesProtobuf(&bodyKind)) {
            s = api::ProtobufCodec::decode(req.body, msg.get(), &tm);
        } else {
            return Status::unsupported("the body of the request was in an unknown format - "
                                       "accepted media types include: application/json, "
                                       "application/yaml, application/vnd.kubernetes.protobuf");
        }
        if (!s)
            return apierrors::badRequest(what + (o.strict ? "strict decoding error: " : "") +
                                         s.message());
        if (!tm.apiVersion.empty() && tm.apiVersion != bodyKind.apiVersion())
            return apierrors::badRequest("the API version in the data (" + tm.apiVersion +
                                         ") does not match the expected API version (" +
                                         bodyKind.apiVersion() + ")");
        if (!tm.kind.empty() && tm.kind != bodyKind.kind)
            return apierrors::badRequest("the kind in the data (" + tm.kind +
                                         ") does not match the expected kind (" + bodyKind.kind +
                                         ")");
        if (validation != "Ignore" && warnings)
            for (const std::string &w : report.warnings)
                warnings->push_back(w);
        return msg;
    }

    Result<client::DeleteOptions> deleteOptions(const HttpRequest &req)
    {
        client::DeleteOptions o;
        if (!req.body.empty()) {
            meta::DeleteOptions body;
            if (Status s = api::JsonCodec::decode(req.body, &body); !s)
                return apierrors::badRequest("DeleteOptions: " + s.message());
            if (body.has_grace_period_seconds())
                o.gracePeriodSeconds = body.grace_period_seconds();
            o.propagationPolicy = body.propagation_policy();
            if (body.has_orphan_dependents() && o.propagationPolicy.empty())
                o.propagationPolicy = body.orphan_dependents() ? "Orphan" : "Background";
            if (body.has_preconditions()) {
                o.preconditionUid = body.preconditions().uid();
                o.preconditionResourceVersion = body.preconditions().resource_version();
            }
            o.dryRun = body.dry_run_size() > 0;
        }
        if (req.hasParam("gracePeriodSeconds"))
            o.gracePeriodSeconds =
                std::strtoll(req.param("gracePeriodSeconds").c_str(), nullptr, 10);
        if (req.hasParam("propagationPolicy"))
            o.propagationPolicy = req.param("propagationPolicy");
        if (req.hasParam("orphanDependents") && o.propagationPolicy.empty())
            o.propagationPolicy = queryBool(req, "orphanDependents") ? "Orphan" : "Background";
        if (req.hasParam("dryRun"))
            o.dryRun = true;
        if (!o.propagationPolicy.empty() && o.propagationPolicy != "Orphan" &&
            o.propagationPolicy != "Background" && o.propagationPolicy != "Foreground") {
            // As upstream's DeleteOptions validation: 422 with the cause.
            const FieldError e =
                FieldError::notSupported("propagationPolicy", quoteValue(o.propagationPolicy),
                                         {"Foreground", "Background", "Orphan", "nil"});
            StatusDetails d;
            d.group = "meta.k8s.io";
            d.kind = "DeleteOptions";
            d.causes.push_back({e.type, e.message(), e.field});
            return Status::invalid("DeleteOptions.meta.k8s.io \"\" is invalid: " + e.toString())
                .withDetails(std::move(d));
        }
        return o;
    }

    client::ListOptions listOptions(const HttpRequest &req)
    {
        client::ListOptions o;
        o.labelSelector = req.param("labelSelector");
        o.fieldSelector = req.param("fieldSelector");
        o.limit = std::strtoll(req.param("limit").c_str(), nullptr, 10);
        o.continueToken = req.param("continue");
        o.resourceVersion = req.param("resourceVersion");
        o.resourceVersionMatch = req.param("resourceVersionMatch");
        return o;
    }

    void serveWatch(const HttpRequest &req, ResponseWriter &w, const Route &r, const Identity &who,
                    std::chrono::steady_clock::time_point start)
    {
        client::WatchOptions o;
        o.labelSelector = req.param("labelSelector");
        o.fieldSelector = req.param("fieldSelector");
        if (!r.name.empty())
            o.fieldSelector = "metadata.name=" + r.name;
        o.resourceVersion = req.param("resourceVersion");
        o.resourceVersionMatch = req.param("resourceVersionMatch");
        o.allowBookmarks = queryBool(req, "allowWatchBookmarks");
        o.sendInitialEvents = queryBool(req, "sendInitialEvents");
        int64_t timeout = std::strtoll(req.param("timeoutSeconds").c_str(), nullptr, 10);
        if (timeout <= 0) {
            // As kube-apiserver: a random time between the minimum request
            // timeout and twice it, so watches do not all end together.
            thread_local std::mt19937 rng{std::random_device{}()};
            const int64_t min = std::max<int64_t>(1, limits.minRequestTimeout.count());
            timeout = min + int64_t(rng() % uint64_t(min));
        }
        const std::optional<Output> out =
            negotiate(req.header("accept"), true, servesProtobuf(r.kind));
        if (!out || *out == Output::Yaml) {
            sendStatus(w, req,
                       Status::notAcceptable("watch streams are served as application/json, "
                                             "application/vnd.kubernetes.protobuf;stream=watch "
                                             "or tables"));
            return;
        }
        auto queue = std::make_shared<EventQueue>();
        client::WatchCallbacks callbacks;
        callbacks.onEvent = [queue](client::WatchEvent e) { queue->push(std::move(e)); };
        callbacks.onClosed = [queue] { queue->close(); };
        Result<std::unique_ptr<client::WatchHandle>> handle =
            server.registry().watch(*r.kind, r.ns, o, callbacks);
        if (!handle) {
            record(who, "watch", r, apierrors::httpCode(handle.status()), start, false);
            sendStatus(w, req, handle.status());
            return;
        }
        std::shared_ptr<client::WatchHandle> shared(std::move(*handle));
        // A stopped API server ends the stream like any other watcher's.
        struct Closer final : client::WatchHandle
        {
            std::shared_ptr<client::WatchHandle> inner;
            std::shared_ptr<EventQueue> queue;
            void stop() override
            {
                inner->stop();
                queue->close();
            }
        };
        auto closer = std::make_shared<Closer>();
        closer->inner = shared;
        closer->queue = queue;
        server.trackWatch(closer);
        record(who, "watch", r, 200, start, false);

        const bool protobuf = *out == Output::Protobuf;
        const bool table = *out == Output::Table;
        printers::TableOptions tableOptions;
        if (Result<printers::TableOptions::IncludeObject> inc =
                printers::parseIncludeObject(req.param("includeObject"));
            inc)
            tableOptions.includeObject = *inc;
        bool firstTable = true;
        w.begin(200, protobuf ? "application/vnd.kubernetes.protobuf;stream=watch" : kJson);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout);
        while (true) {
            bool closed = false, overflow = false;
            std::deque<client::WatchEvent> events =
                queue->wait(std::chrono::milliseconds(500), &closed, &overflow);
            std::string chunk;
            bool ended = false;
            for (client::WatchEvent &e : events) {
                const char *type = watchEventType(e.type);
                if (protobuf) {
                    meta::WatchEvent we;
                    we.set_type(type);
                    if (e.type == client::WatchEvent::Type::Error)
                        we.mutable_object()->set_raw(api::ProtobufCodec::encode(
                            apierrors::toStatusObject(e.error), {"v1", "Status"}));
                    else
                        we.mutable_object()->set_raw(
                            api::ProtobufCodec::encode(*e.object, r.kind->typeMeta()));
                    const std::string frame = api::ProtobufCodec::serialize(we);
                    const uint32_t n = uint32_t(frame.size());
                    chunk += char(n >> 24);
                    chunk += char((n >> 16) & 0xFF);
                    chunk += char((n >> 8) & 0xFF);
                    chunk += char(n & 0xFF);
                    chunk += frame;
                } else {
                    chunk += R"({"type":")";
                    chunk += type;
                    chunk += R"(","object":)";
                    if (e.type == client::WatchEvent::Type::Error) {
                        chunk += statusJson(e.error);
                    } else if (table && e.type != client::WatchEvent::Type::Bookmark) {
                        tableOptions.nowSeconds = server.clock().nowSeconds();
                        tableOptions.includeColumnDefinitions = firstTable;
                        Result<std::string> t =
                            printers::tableJson(*r.kind, {e.object.get()}, {}, tableOptions);
                        firstTable = false;
                        chunk += t ? *t : std::string("null");
                    } else {
                        api::JsonCodec::encodeTo(*e.object, chunk, {r.kind->typeMeta()});
                    }
                    chunk += "}\n";
                }
                if (e.type == client::WatchEvent::Type::Error) {
                    ended = true;
                    break;
                }
            }
            if (!chunk.empty() && !w.write(chunk))
                break;
            if (ended || closed || overflow || w.serverStopping() ||
                std::chrono::steady_clock::now() >= deadline || w.clientGone())
                break;
        }
        closer->stop();
        w.end();
    }

    void serveLog(const HttpRequest &req, ResponseWriter &w, const Route &r, const Identity &who,
                  std::chrono::steady_clock::time_point start)
    {
        client::LogOptions o;
        o.container = req.param("container");
        o.follow = queryBool(req, "follow");
        o.previous = queryBool(req, "previous");
        o.timestamps = queryBool(req, "timestamps");
        if (req.hasParam("tailLines"))
            o.tailLines = std::strtoll(req.param("tailLines").c_str(), nullptr, 10);
        Result<std::string> log = server.registry().podLog(r.ns, r.name, o);
        record(who, "get", r, log ? 200 : apierrors::httpCode(log.status()), start, false);
        if (!log) {
            sendStatus(w, req, log.status());
            return;
        }
        if (!o.follow) {
            w.send(200, "text/plain", std::move(*log));
            return;
        }
        // Follow: send what is there, then what is appended, until the pod
        // or the client goes away.
        w.begin(200, "text/plain");
        std::string sent = *log;
        if (!w.write(sent)) {
            w.end();
            return;
        }
        o.tailLines = -1;
        while (!w.serverStopping() && !w.clientGone()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
            Result<std::string> now = server.registry().podLog(r.ns, r.name, o);
            if (!now)
                break;
            if (now->size() > sent.size() && now->compare(0, sent.size(), sent) == 0) {
                if (!w.write(std::string_view(*now).substr(sent.size())))
                    break;
                sent = std::move(*now);
            } else if (now->size() < sent.size()) {
                sent = std::move(*now); // rotated
            }
        }
        w.end();
    }

    void serveResource(const HttpRequest &req, ResponseWriter &w, const Route &r,
                       const Identity &who)
    {
        const auto start = std::chrono::steady_clock::now();
        const api::KindInfo &kind = *r.kind;
        const std::string &m = req.method;
        const bool watch = r.watchPrefix || queryBool(req, "watch");
        std::string verb;
        if (m == "GET" || m == "HEAD")
            verb = watch ? "watch" : (r.name.empty() ? "list" : "get");
        else if (m == "POST")
            verb = "create";
        else if (m == "PUT")
            verb = "update";
        else if (m == "PATCH")
            verb = "patch";
        else if (m == "DELETE")
            verb = r.name.empty() ? "deletecollection" : "delete";
        else {
            sendStatus(w, req,
                       Status::methodNotAllowed("the server does not allow this method on the "
                                                "requested resource"));
            return;
        }
        if (Status s = ApiServer::authorize(who.role, who.user, verb, kind, r.subresource, r.ns);
            !s) {
            record(who, verb, r, 403, start, false);
            sendStatus(w, req, s);
            return;
        }
        if (!server.isServing()) {
            sendStatus(w, req, Status::unavailable("the API server is stopped"));
            return;
        }
        if (verb == "watch") {
            serveWatch(req, w, r, who, start);
            return;
        }
        if (r.subresource == "log" && verb == "get") {
            serveLog(req, w, r, who, start);
            return;
        }
        if (r.subresource == "exec" || r.subresource == "attach" ||
            r.subresource == "portforward") {
            Status s = apierrors::badRequest(
                "pods/" + r.subresource +
                " is not supported: Kubist's containers are simulated and have no process to " +
                (r.subresource == "portforward" ? "forward to" : "attach to"));
            record(who, verb, r, 400, start, false);
            sendStatus(w, req, s);
            return;
        }

        // The response's form is settled before anything is done, as
        // upstream's handlers negotiate first: a write must not happen when
        // its answer cannot be sent.
        const bool tableAllowed = r.subresource.empty() &&
                                  (verb == "get" || verb == "list" || verb == "deletecollection");
        if (!negotiate(req.header("accept"), tableAllowed, servesProtobuf(r.kind))) {
            record(who, verb, r, 406, start, false);
            sendStatus(w, req,
                       Status::notAcceptable("only the following media types are accepted: "
                                             "application/json, application/yaml, "
                                             "application/vnd.kubernetes.protobuf"));
            return;
        }

        std::vector<std::string> warnings;
        RequestContext ctx{who.user, &warnings, req.header("user-agent")};
        client::WriteOptions wo;
        wo.subresource = r.subresource;
        wo.dryRun = req.hasParam("dryRun");
        wo.fieldManager = req.param("fieldManager");
        wo.fieldValidation = req.param("fieldValidation");
        wo.force = queryBool(req, "force");
        const api::KindInfo *tableKind = r.subresource.empty() ? &kind : nullptr;

        auto finish = [&](const Result<client::ObjectPtr> &result, int successCode,
                          const api::TypeMeta &tm) {
            record(who, verb, r, result ? successCode : apierrors::httpCode(result.status()), start,
                   true);
            if (!result) {
                sendStatus(w, req, result.status(), warningHeaders(warnings));
                return;
            }
            sendObject(w, req, successCode, **result, tm, warningHeaders(warnings),
                       verb == "get" ? tableKind : nullptr);
        };

        if (verb == "list") {
            Result<client::ListResult> list = server.registry().list(kind, r.ns, listOptions(req));
            record(who, verb, r, list ? 200 : apierrors::httpCode(list.status()), start, true);
            if (!list)
                sendStatus(w, req, list.status());
            else
                sendList(w, req, kind, *list);
            return;
        }
        if (verb == "get") {
            if (r.subresource.empty() || r.subresource == "status") {
                finish(server.registry().get(kind, r.ns, r.name), 200, kind.typeMeta());
            } else {
                const api::SubresourceInfo *sub = kind.subresource(r.subresource);
                finish(server.registry().getSubresource(kind, r.ns, r.name, r.subresource), 200,
                       {sub->group.empty() ? sub->version : sub->group + "/" + sub->version,
                        sub->kind});
            }
            return;
        }
        if (verb == "create") {
            if (!r.subresource.empty()) {
                const api::SubresourceInfo *sub = kind.subresource(r.subresource);
                const api::KindInfo *bodyKind = api::Scheme::builtin().byKind(
                    sub->group.empty() ? sub->version : sub->group + "/" + sub->version, sub->kind);
                if (!bodyKind) {
                    sendStatus(w, req, Status::methodNotAllowed("not supported"));
                    return;
                }
                Result<std::unique_ptr<Message>> body = decodeBody(req, *bodyKind, &warnings);
                if (!body) {
                    finish(body.status(), 201, {});
                    return;
                }
                finish(server.registry().createSubresource(ctx, kind, r.ns, r.name, r.subresource,
                                                           std::move(*body)),
                       201, {"v1", "Status"});
                return;
            }
            if (!r.name.empty()) {
                sendStatus(w, req,
                           Status::methodNotAllowed("the server does not allow this method on "
                                                    "the requested resource"));
                return;
            }
            Result<std::unique_ptr<Message>> body = decodeBody(req, kind, &warnings);
            if (!body) {
                finish(body.status(), 201, {});
                return;
            }
            finish(server.registry().create(ctx, kind, r.ns, std::move(*body), wo), 201,
                   kind.typeMeta());
            return;
        }
        if (verb == "update") {
            const api::KindInfo *bodyKind = &kind;
            api::TypeMeta tm = kind.typeMeta();
            if (r.subresource == "scale") {
                bodyKind = api::Scheme::builtin().byKind("autoscaling/v1", "Scale");
                tm = bodyKind->typeMeta();
            }
            Result<std::unique_ptr<Message>> body = decodeBody(req, *bodyKind, &warnings);
            if (!body) {
                finish(body.status(), 200, {});
                return;
            }
            finish(server.registry().update(ctx, kind, r.ns, r.name, std::move(*body), wo), 200,
                   tm);
            return;
        }
        if (verb == "patch") {
            std::string contentType = req.header("content-type");
            contentType = trim(contentType.substr(0, contentType.find(';')));
            client::PatchType type;
            if (contentType == "application/json-patch+json")
                type = client::PatchType::Json;
            else if (contentType == "application/merge-patch+json")
                type = client::PatchType::Merge;
            else if (contentType == "application/strategic-merge-patch+json")
                type = client::PatchType::StrategicMerge;
            else if (contentType == "application/apply-patch+yaml" ||
                     contentType == "application/apply-patch+cbor")
                type = client::PatchType::Apply;
            else {
                finish(Status::unsupported("the body of the request was in an unknown format - "
                                           "accepted media types include: "
                                           "application/json-patch+json, "
                                           "application/merge-patch+json, "
                                           "application/apply-patch+yaml, "
                                           "application/strategic-merge-patch+json"),
                       200, {});
                return;
            }
            api::TypeMeta tm = kind.typeMeta();
            if (r.subresource == "scale")
                tm = {"autoscaling/v1", "Scale"};
            // An apply of a missing object creates it: 201, as a create.
            bool created = false;
            Result<client::ObjectPtr> patched =
                server.registry().patch(ctx, kind, r.ns, r.name, type, req.body, wo, &created);
            finish(patched, created ? 201 : 200, tm);
            return;
        }
        if (verb == "delete") {
            Result<client::DeleteOptions> o = deleteOptions(req);
            if (!o) {
                finish(o.status(), 200, {});
                return;
            }
            finish(server.registry().remove(ctx, kind, r.ns, r.name, *o), 200, kind.typeMeta());
            return;
        }
        if (verb == "deletecollection") {
            Result<client::DeleteOptions> o = deleteOptions(req);
            if (!o) {
                finish(o.status(), 200, {});
                return;
            }
            Result<client::ListResult> deleted =
                server.registry().removeCollection(ctx, kind, r.ns, listOptions(req), *o);
            record(who, verb, r, deleted ? 200 : apierrors::httpCode(deleted.status()), start,
                   true);
            if (!deleted)
                sendStatus(w, req, deleted.status());
            else
                sendList(w, req, kind, *deleted);
        }
    }
};

ApiHandler::ApiHandler(ApiServer &server, std::map<std::string, Identity> tokens, ApiLimits limits)
    : m_impl(std::make_unique<Impl>(server, std::move(tokens), limits))
{}

ApiHandler::~ApiHandler() = default;

void ApiHandler::setShuttingDown(bool shuttingDown)
{
    m_impl->shuttingDown = shuttingDown;
}

void ApiHandler::setRequireAuthentication(bool require)
{
    m_impl->requireAuthentication = require;
}

void ApiHandler::handle(const HttpRequest &req, ResponseWriter &w)
{
    Impl &d = *m_impl;
    if (d.handleHealth(req, w))
        return;
    if (d.shuttingDown) {
        Impl::sendStatus(w, req,
                         apierrors::tooManyRequests("The apiserver is shutting down, please "
                                                    "try again later.",
                                                    1),
                         {{"Connection", "close"}});
        return;
    }
    // Limits (kube-apiserver's max-in-flight and timeout filters).
    std::optional<InFlightSlot> slot;
    if (!isLongRunning(req)) {
        const bool mutating = isMutating(req);
        slot.emplace(mutating ? d.mutatingInFlight : d.readOnlyInFlight,
                     mutating ? d.limits.maxMutatingRequestsInFlight
                              : d.limits.maxRequestsInFlight);
        if (!slot->taken()) {
            Impl::sendStatus(
                w, req,
                apierrors::tooManyRequests("Too many requests, please try again later.", 1));
            return;
        }
        std::chrono::milliseconds timeout = d.limits.requestTimeout;
        if (req.hasParam("timeout")) {
            Result<std::chrono::nanoseconds> asked = api::parseGoDuration(req.param("timeout"));
            if (!asked) {
                Impl::sendStatus(
                    w, req,
                    Status::invalidArgument("invalid timeout: " + asked.status().message()));
                return;
            }
            if (*asked > std::chrono::nanoseconds::zero())
                timeout = std::min(timeout, std::chrono::ceil<std::chrono::milliseconds>(*asked));
        }
        w.setTimeout(timeout);
    }
    if (req.path == "/version" || req.path == "/version/") {
        d.handleDiscovery(req, w);
        return;
    }
    std::optional<Identity> who = d.authenticate(req);
    if (!who) {
        Impl::sendStatus(w, req, Status::unauthenticated("Unauthorized"));
        return;
    }
    if (d.handleDiscovery(req, w))
        return;
    Status error;
    std::optional<Route> r = d.route(req.path, &error);
    if (!r) {
        Impl::sendStatus(w, req,
                         Status::notFound("the server could not find the requested resource"));
        return;
    }
    if (!error.isOk()) {
        Impl::sendStatus(w, req, error);
        return;
    }
    d.serveResource(req, w, *r, *who);
}

} // namespace kubist::apiserver
