#include "remoteclient.h"

#include "backend/api/jsoncodec.h"
#include "backend/api/protocodec.h"
#include "backend/client/execcredential.h"
#include "backend/client/objectkey.h"
#include "backend/util/log.h"

#include "meta_v1.pb.h"
#include "runtime.pb.h"

#include <QEventLoop>
#include <QFile>
#include <QMetaObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslError>
#include <QSslKey>
#include <QThread>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <limits>
#include <mutex>
#include <random>

namespace kubist::client {

namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;
using google::protobuf::Message;

namespace {

constexpr char kComponent[] = "remote-client";
constexpr char kJson[] = "application/json";
constexpr char kProtobufOrJson[] = "application/vnd.kubernetes.protobuf, application/json";
// A single watch frame above this is refused: the stream is treated as
// broken (etcd's own limit on a value is 1.5 MiB; this leaves ample room).
constexpr uint32_t kMaxFrame = 64u << 20;

bool isProtobuf(const QByteArray &contentType)
{
    return contentType.startsWith("application/vnd.kubernetes.protobuf");
}

std::string segment(const std::string &s)
{
    return QUrl::toPercentEncoding(QString::fromStdString(s)).toStdString();
}

// "/api/v1/namespaces/default/pods/web/status"
std::string resourcePath(const api::KindInfo &kind, const std::string &ns,
                         const std::string &name = {}, const std::string &subresource = {})
{
    std::string p =
        kind.group.empty() ? "/api/" + kind.version : "/apis/" + kind.group + "/" + kind.version;
    if (kind.namespaced && !ns.empty())
        p += "/namespaces/" + segment(ns);
    p += "/" + kind.resource;
    if (!name.empty())
        p += "/" + segment(name);
    if (!subresource.empty())
        p += "/" + subresource;
    return p;
}

// Kubist's own kinds are served as JSON only (as CRDs are on a real cluster).
bool builtinKind(const api::KindInfo &kind)
{
    return kind.group.find('.') == std::string::npos || kind.group.ends_with(".k8s.io");
}

Status::Code codeForHttp(int http, const std::string &reason)
{
    switch (http) {
    case 400:
        return Status::Code::InvalidArgument;
    case 401:
        return Status::Code::Unauthenticated;
    case 403:
        return Status::Code::PermissionDenied;
    case 404:
        return Status::Code::NotFound;
    case 405:
        return Status::Code::MethodNotAllowed;
    case 406:
        return Status::Code::NotAcceptable;
    case 409:
        return reason == "AlreadyExists" ? Status::Code::AlreadyExists : Status::Code::Conflict;
    case 410:
        return Status::Code::Compacted;
    case 413:
        return Status::Code::TooLarge;
    case 415:
        return Status::Code::Unsupported;
    case 422:
        return Status::Code::Invalid;
    case 429:
        return Status::Code::ResourceExhausted;
    case 500:
        return Status::Code::Internal;
    case 504:
        return Status::Code::Timeout;
    default:
        return http >= 500 ? Status::Code::Unavailable : Status::Code::InvalidArgument;
    }
}

// A meta/v1 Status as our Status (details included).
Status fromStatusObject(const meta::Status &s, int http)
{
    const int code = s.has_code() && s.code() >= 400 ? s.code() : http;
    std::string message = s.message();
    if (message.empty())
        message = "the server answered HTTP " + std::to_string(code) +
                  (s.reason().empty() ? std::string() : " (" + s.reason() + ")");
    Status out(codeForHttp(code, s.reason()), std::move(message));
    if (!s.has_details())
        return out;
    StatusDetails d;
    d.name = s.details().name();
    d.group = s.details().group();
    d.kind = s.details().kind();
    d.retryAfterSeconds = s.details().retry_after_seconds();
    for (const meta::StatusCause &c : s.details().causes())
        d.causes.push_back({c.reason(), c.message(), c.field()});
    return std::move(out).withDetails(std::move(d));
}

// The error an HTTP answer >= 300 stands for.
Status errorFromResponse(int http, const QByteArray &body, const QByteArray &contentType)
{
    meta::Status s;
    const std::string_view bytes(body.constData(), size_t(body.size()));
    bool parsed = false;
    if (isProtobuf(contentType)) {
        api::TypeMeta tm;
        parsed = api::ProtobufCodec::decode(bytes, &s, &tm).isOk() && tm.kind == "Status";
    } else if (contentType.startsWith(kJson)) {
        api::TypeMeta tm;
        parsed = api::JsonCodec::decode(bytes, &s, {}, &tm).isOk() && tm.kind == "Status";
    }
    if (parsed)
        return fromStatusObject(s, http);
    std::string text(bytes.substr(0, 400));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    return Status(codeForHttp(http, {}), "the server answered HTTP " + std::to_string(http) +
                                             (text.empty() ? std::string() : ": " + text));
}

// A fresh message for a response of type `tm`: a served kind or a
// meta/v1 Status.
Result<std::unique_ptr<Message>> messageFor(const api::TypeMeta &tm)
{
    if (tm.kind == "Status")
        return std::unique_ptr<Message>(std::make_unique<meta::Status>());
    if (const api::KindInfo *k = api::Scheme::builtin().byKind(tm.apiVersion, tm.kind))
        return api::Scheme::newMessage(k->descriptor);
    return Status::invalidArgument("the server answered with an unknown kind " + tm.apiVersion +
                                   "/" + tm.kind);
}

// Decodes a response body (JSON or protobuf) as the type it names itself:
// an object of a served kind, or a meta/v1 Status.
Result<ObjectPtr> decodeObject(const QByteArray &body, const QByteArray &contentType)
{
    const std::string_view bytes(body.constData(), size_t(body.size()));
    if (isProtobuf(contentType)) {
        Result<api::ProtobufCodec::Envelope> env = api::ProtobufCodec::unwrap(bytes);
        if (!env)
            return env.status();
        Result<std::unique_ptr<Message>> out = messageFor(env->typeMeta);
        if (!out)
            return out.status();
        if (Status s = api::ProtobufCodec::parse(env->raw, out->get()); !s)
            return s;
        return ObjectPtr(std::move(*out));
    }
    Result<api::TypeMeta> tm = api::JsonCodec::peekTypeMeta(bytes);
    if (!tm)
        return Status::invalidArgument("the server's answer is not a JSON object: " +
                                       tm.status().message());
    Result<std::unique_ptr<Message>> out = messageFor(*tm);
    if (!out)
        return out.status();
    if (Status s = api::JsonCodec::decode(bytes, out->get()); !s)
        return s;
    return ObjectPtr(std::move(*out));
}

// Options::stripManagedFields: clears metadata.managedFields in place,
// before the object is shared.
void stripManagedFields(Message &object)
{
    // Objects from the server always carry metadata.
    if (meta::ObjectMeta *md = mutableObjectMeta(object))
        md->clear_managed_fields();
}

// Decodes `bytes` as an object of `kind`, in the stream's encoding.
Result<ObjectPtr> decodeAs(const api::KindInfo &kind, std::string_view bytes, bool protobuf,
                           bool strip)
{
    std::unique_ptr<Message> out = api::Scheme::newMessage(kind.descriptor);
    const Status s = protobuf ? api::ProtobufCodec::decode(bytes, out.get())
                              : api::JsonCodec::decode(bytes, out.get());
    if (!s)
        return s;
    if (strip)
        stripManagedFields(*out);
    return ObjectPtr(std::move(out));
}

// Splits a list message into its items (moved out, no copies) and ListMeta.
Result<ListResult> splitList(std::unique_ptr<Message> list, bool strip)
{
    const google::protobuf::Descriptor *d = list->GetDescriptor();
    const google::protobuf::FieldDescriptor *metaField = d->FindFieldByNumber(1);
    const google::protobuf::FieldDescriptor *items = d->FindFieldByNumber(2);
    if (!metaField || !items || !items->is_repeated() ||
        metaField->type() != google::protobuf::FieldDescriptor::TYPE_MESSAGE)
        return Status::internal("list type " + d->full_name() + " has no metadata/items");
    const google::protobuf::Reflection *r = list->GetReflection();
    ListResult out;
    const auto &lm = static_cast<const meta::ListMeta &>(r->GetMessage(*list, metaField));
    out.resourceVersion = lm.resource_version();
    out.continueToken = lm.continue_();
    if (lm.has_remaining_item_count())
        out.remainingItemCount = lm.remaining_item_count();
    const int n = r->FieldSize(*list, items);
    out.items.resize(size_t(n));
    for (int i = n - 1; i >= 0; --i) {
        Message *item = r->ReleaseLast(list.get(), items);
        if (strip)
            stripManagedFields(*item);
        out.items[size_t(i)] = ObjectPtr(item);
    }
    return out;
}

std::string httpsReason(const QNetworkReply &reply, const std::vector<QSslError> &sslErrors,
                        bool customCa)
{
    for (const QSslError &e : sslErrors) {
        switch (e.error()) {
        case QSslError::UnableToGetLocalIssuerCertificate:
        case QSslError::UnableToGetIssuerCertificate:
        case QSslError::UnableToVerifyFirstCertificate:
        case QSslError::SelfSignedCertificate:
        case QSslError::SelfSignedCertificateInChain:
        case QSslError::CertificateUntrusted:
            return std::string("TLS: the server's certificate is not trusted by ") +
                   (customCa ? "the certificate authority of the kubeconfig"
                             : "the system's certificate authorities (the kubeconfig names none)") +
                   " (" + e.errorString().toStdString() + ")";
        case QSslError::HostNameMismatch:
            return "TLS: the server's certificate is not valid for this host name (" +
                   e.errorString().toStdString() + "; tls-server-name can name another)";
        case QSslError::CertificateExpired:
        case QSslError::CertificateNotYetValid:
            return "TLS: " + e.errorString().toStdString();
        default:
            break;
        }
    }
    if (!sslErrors.empty())
        return "TLS: " + sslErrors.front().errorString().toStdString();
    return reply.errorString().toStdString();
}

} // namespace

// ---------------------------------------------------------------------------

struct HttpRequest
{
    QByteArray method = "GET";
    std::string path; // with the query
    QByteArray body;
    QByteArray contentType;
    QByteArray accept = kJson;
};

struct HttpResponse
{
    int status = 0;
    QByteArray body;
    QByteArray contentType;
};

// What a request authenticates with, fetched on the caller's thread (an
// exec plugin may take a while; the network thread never waits on it).
struct Auth
{
    QByteArray authorization; // the header value; empty for none
    QSslCertificate certificate;
    QSslKey key;
};

class RemoteWatch;

struct RemoteClient::Impl
{
    ResolvedContext context;
    Options options;
    QUrl base;
    QSslConfiguration ssl; // CA, verification and the kubeconfig's client certificate
    bool customCa = false;
    std::optional<QNetworkProxy> proxy;
    std::unique_ptr<ExecCredentialProvider> exec;

    mutable std::mutex authMutex;
    std::string token; // from token or tokenFile

    QThread thread;
    QObject *worker = nullptr;            // lives on `thread`
    QNetworkAccessManager *nam = nullptr; // ordinary requests; lives on `thread`

    mutable std::mutex stateMutex;
    ConnectionState state;

    ~Impl();
    bool onNetworkThread() const { return QThread::currentThread() == &thread; }
    // Runs `f` on the network thread and waits for it (directly when already there).
    void runBlocking(const std::function<void()> &f);

    Result<Auth> auth();
    // After a 401: re-read the token file, forget an exec credential.
    bool refreshAuth();
    QNetworkRequest makeRequest(const HttpRequest &r, const Auth &auth) const;
    void applyProxy(QNetworkAccessManager &m) const;
    // Starts `r` on the network thread's shared manager; `done` runs there.
    void start(const HttpRequest &r, const Auth &auth,
               std::function<void(Result<HttpResponse>)> done);
    // Sends and waits; one retry with fresh credentials after a 401.
    Result<HttpResponse> perform(const HttpRequest &r);
    Result<HttpResponse> performOnce(const HttpRequest &r, const Auth &auth);

    void reached();
    void lost(const std::string &why);
    Status unreachable(const std::string &why) const;
};

RemoteClient::Impl::~Impl()
{
    if (thread.isRunning()) {
        // The managers (and their replies) go on their own thread.
        QMetaObject::invokeMethod(
            worker, [this] { qDeleteAll(worker->children()); }, Qt::BlockingQueuedConnection);
        nam = nullptr;
        thread.quit();
        thread.wait();
    }
    delete worker;
}

void RemoteClient::Impl::runBlocking(const std::function<void()> &f)
{
    if (onNetworkThread())
        f();
    else
        QMetaObject::invokeMethod(worker, f, Qt::BlockingQueuedConnection);
}

Result<Auth> RemoteClient::Impl::auth()
{
    Auth a;
    if (exec) {
        Result<ExecCredentialProvider::Credential> c = exec->credential();
        if (!c)
            return Status::unauthenticated(c.status().message());
        if (!c->token.empty())
            a.authorization = "Bearer " + QByteArray::fromStdString(c->token);
        if (!c->clientCertificatePem.empty()) {
            a.certificate = QSslCertificate(QByteArray::fromStdString(c->clientCertificatePem));
            for (QSsl::KeyAlgorithm alg : {QSsl::Ec, QSsl::Rsa}) {
                a.key = QSslKey(QByteArray::fromStdString(c->clientKeyPem), alg);
                if (!a.key.isNull())
                    break;
            }
            if (a.certificate.isNull() || a.key.isNull())
                return Status::unauthenticated(
                    "the exec plugin's client certificate or key cannot be read");
        }
        if (!a.authorization.isEmpty() || !a.certificate.isNull())
            return a;
    }
    std::lock_guard lock(authMutex);
    if (!token.empty())
        a.authorization = "Bearer " + QByteArray::fromStdString(token);
    else if (!context.user.username.empty())
        a.authorization = "Basic " + QByteArray::fromStdString(context.user.username + ":" +
                                                               context.user.password)
                                         .toBase64();
    return a;
}

bool RemoteClient::Impl::refreshAuth()
{
    if (exec) {
        exec->invalidate();
        return true;
    }
    if (context.user.tokenFile.empty())
        return false;
    QFile f(QString::fromStdString(context.user.tokenFile));
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const std::string fresh = f.readAll().trimmed().toStdString();
    std::lock_guard lock(authMutex);
    if (fresh == token)
        return false;
    token = fresh;
    return true;
}

QNetworkRequest RemoteClient::Impl::makeRequest(const HttpRequest &r, const Auth &auth) const
{
    QUrl url = base;
    const size_t q = r.path.find('?');
    url.setPath(base.path() + QString::fromStdString(r.path.substr(0, q)), QUrl::TolerantMode);
    if (q != std::string::npos)
        url.setQuery(QString::fromStdString(r.path.substr(q + 1)), QUrl::TolerantMode);
    QNetworkRequest req(url);
    req.setRawHeader("Accept", r.accept);
    req.setRawHeader("User-Agent", QByteArray::fromStdString(options.userAgent));
    if (!auth.authorization.isEmpty())
        req.setRawHeader("Authorization", auth.authorization);
    if (!r.contentType.isEmpty())
        req.setHeader(QNetworkRequest::ContentTypeHeader, r.contentType);
    // HTTP/1.1 only: Qt 6.4's HTTP/2 has no way to give a watch a
    // connection of its own, and every watch here has one.
    req.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                     QNetworkRequest::ManualRedirectPolicy);
    if (url.scheme() == QLatin1String("https")) {
        QSslConfiguration c = ssl;
        if (!auth.certificate.isNull()) {
            c.setLocalCertificate(auth.certificate);
            c.setPrivateKey(auth.key);
        }
        req.setSslConfiguration(c);
        if (!context.cluster.tlsServerName.empty())
            req.setPeerVerifyName(QString::fromStdString(context.cluster.tlsServerName));
    }
    return req;
}

void RemoteClient::Impl::applyProxy(QNetworkAccessManager &m) const
{
    m.setProxy(proxy ? *proxy : QNetworkProxy(QNetworkProxy::NoProxy));
}

void RemoteClient::Impl::reached()
{
    std::lock_guard lock(stateMutex);
    if (state.phase != ConnectionState::Phase::Connected) {
        state.phase = ConnectionState::Phase::Connected;
        state.since = std::chrono::system_clock::now();
        state.reason.clear();
    }
}

void RemoteClient::Impl::lost(const std::string &why)
{
    std::lock_guard lock(stateMutex);
    if (state.phase != ConnectionState::Phase::Disconnected) {
        state.phase = ConnectionState::Phase::Disconnected;
        state.since = std::chrono::system_clock::now();
        logWarning(kComponent, "lost " + context.cluster.server + ": " + why);
    }
    state.reason = why;
}

Status RemoteClient::Impl::unreachable(const std::string &why) const
{
    return Status::unavailable("cannot reach " + context.cluster.server + ": " + why);
}

void RemoteClient::Impl::start(const HttpRequest &r, const Auth &auth,
                               std::function<void(Result<HttpResponse>)> done)
{
    QNetworkRequest req = makeRequest(r, auth);
    req.setTransferTimeout(int(options.requestTimeout.count()));
    QNetworkReply *reply = r.body.isEmpty() && r.method == "GET"
                               ? nam->get(req)
                               : nam->sendCustomRequest(req, r.method, r.body);
    auto sslErrors = std::make_shared<std::vector<QSslError>>();
    QObject::connect(reply, &QNetworkReply::sslErrors, reply,
                     [sslErrors](const QList<QSslError> &errors) {
                         sslErrors->assign(errors.begin(), errors.end());
                     });
    QObject::connect(
        reply, &QNetworkReply::finished, reply, [this, reply, sslErrors, done = std::move(done)] {
            reply->deleteLater();
            const QVariant code = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
            if (!code.isValid() || code.toInt() == 0) {
                const std::string why = httpsReason(*reply, *sslErrors, customCa);
                lost(why);
                done(unreachable(why));
                return;
            }
            reached();
            HttpResponse out;
            out.status = code.toInt();
            out.body = reply->readAll();
            out.contentType =
                reply->header(QNetworkRequest::ContentTypeHeader).toString().toLatin1();
            done(std::move(out));
        });
}

Result<HttpResponse> RemoteClient::Impl::performOnce(const HttpRequest &r, const Auth &a)
{
    if (onNetworkThread()) {
        // From a watch callback: wait in a local event loop.
        std::optional<Result<HttpResponse>> result;
        QEventLoop loop;
        start(r, a, [&](Result<HttpResponse> res) {
            result = std::move(res);
            loop.quit();
        });
        if (!result)
            loop.exec();
        return std::move(*result);
    }
    auto promise = std::make_shared<std::promise<Result<HttpResponse>>>();
    std::future<Result<HttpResponse>> future = promise->get_future();
    QMetaObject::invokeMethod(
        worker,
        [this, r, a, promise] {
            start(r, a,
                  [promise](Result<HttpResponse> res) { promise->set_value(std::move(res)); });
        },
        Qt::QueuedConnection);
    // The transfer timeout ends the request; the margin covers a stalled
    // connect, which Qt bounds by the socket's own timeout.
    if (future.wait_for(options.requestTimeout + options.connectTimeout) !=
        std::future_status::ready)
        return Status::timeout(
            "no answer from " + context.cluster.server + " within " +
            std::to_string((options.requestTimeout.count() + options.connectTimeout.count()) /
                           1000) +
            " s");
    return future.get();
}

Result<HttpResponse> RemoteClient::Impl::perform(const HttpRequest &r)
{
    Result<Auth> a = auth();
    if (!a)
        return a.status();
    Result<HttpResponse> res = performOnce(r, *a);
    if (res && res->status == 401 && refreshAuth()) {
        a = auth();
        if (!a)
            return a.status();
        res = performOnce(r, *a);
    }
    return res;
}

// ---------------------------------------------------------------------------
// Watches: each on a connection of its own (its own manager), parsed as the
// bytes arrive, delivered on the network thread.

class RemoteWatch final : public WatchHandle
{
public:
    struct State
    {
        RemoteClient::Impl *impl = nullptr;
        const api::KindInfo *kind = nullptr;
        WatchCallbacks callbacks;
        QNetworkAccessManager *manager = nullptr; // owned; on the network thread
        QNetworkReply *reply = nullptr;
        QTimer *silence = nullptr;
        std::chrono::milliseconds silenceLimit{0};
        QByteArray buffer;
        bool protobuf = false;
        bool opened = false;
        bool ended = false; // no more callbacks
        std::shared_ptr<std::promise<Status>> openPromise;
        std::vector<QSslError> sslErrors;

        // Network thread only. Ends the stream: no signal of it arrives
        // any more, no callback runs after this.
        void finish()
        {
            ended = true;
            if (silence)
                silence->stop();
            if (QNetworkReply *r = reply) {
                reply = nullptr;
                r->disconnect();
                r->abort();
            }
            if (manager) {
                manager->deleteLater(); // with the reply and the timer
                manager = nullptr;
                silence = nullptr;
            }
        }
        void deliver(WatchEvent e)
        {
            if (ended)
                return;
            if (e.type == WatchEvent::Type::Error)
                finish();
            callbacks.onEvent(std::move(e));
        }
        void fail(Status why)
        {
            if (ended)
                return;
            WatchEvent e;
            e.type = WatchEvent::Type::Error;
            e.error = std::move(why);
            deliver(std::move(e));
        }
        void onData();
        void onFinished();
        bool parseFrames();
        bool handleEvent(std::string_view type, std::string_view object);
    };

    explicit RemoteWatch(std::shared_ptr<State> state)
        : m_state(std::move(state))
    {}
    ~RemoteWatch() override { stop(); }

    void stop() override
    {
        if (m_stopped.exchange(true))
            return;
        std::shared_ptr<State> s = m_state;
        auto end = [s] {
            if (!s->ended)
                s->finish();
        };
        if (s->impl->worker)
            s->impl->runBlocking(end);
    }

private:
    std::shared_ptr<State> m_state;
    std::atomic<bool> m_stopped{false};
};

bool RemoteWatch::State::handleEvent(std::string_view type, std::string_view object)
{
    WatchEvent e;
    if (type == "ERROR") {
        meta::Status s;
        const Status parsed =
            protobuf ? api::ProtobufCodec::decode(object, &s) : api::JsonCodec::decode(object, &s);
        e.type = WatchEvent::Type::Error;
        e.error = parsed ? fromStatusObject(s, s.code() ? int(s.code()) : 500)
                         : Status::internal("the watch ended with an error the server did not "
                                            "describe");
        deliver(std::move(e));
        return false;
    }
    if (type == "ADDED")
        e.type = WatchEvent::Type::Added;
    else if (type == "MODIFIED")
        e.type = WatchEvent::Type::Modified;
    else if (type == "DELETED")
        e.type = WatchEvent::Type::Deleted;
    else if (type == "BOOKMARK")
        e.type = WatchEvent::Type::Bookmark;
    else {
        fail(Status::internal("the watch stream sent an event of unknown type \"" +
                              std::string(type.substr(0, 32)) + "\""));
        return false;
    }
    Result<ObjectPtr> obj = decodeAs(*kind, object, protobuf, impl->options.stripManagedFields);
    if (!obj) {
        fail(Status::internal("the watch stream sent an object that cannot be decoded: " +
                              obj.status().message()));
        return false;
    }
    e.object = std::move(*obj);
    deliver(std::move(e));
    return !ended;
}

bool RemoteWatch::State::parseFrames()
{
    size_t pos = 0;
    const auto size = size_t(buffer.size());
    const char *data = buffer.constData();
    bool ok = true;
    while (ok && !ended) {
        if (protobuf) {
            if (size - pos < 4)
                break;
            const auto *b = reinterpret_cast<const unsigned char *>(data + pos);
            const uint32_t n = (uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) |
                               (uint32_t(b[2]) << 8) | uint32_t(b[3]);
            if (n > kMaxFrame) {
                fail(Status::internal("the watch stream sent a frame of " + std::to_string(n) +
                                      " bytes"));
                return false;
            }
            if (size - pos - 4 < n)
                break;
            meta::WatchEvent we;
            if (!we.ParseFromArray(data + pos + 4, int(n))) {
                fail(Status::internal("the watch stream sent a frame that is not a WatchEvent"));
                return false;
            }
            pos += 4 + n;
            ok = handleEvent(we.type(), we.object().raw());
        } else {
            // One JSON object per event; find where it ends (strings and
            // escapes respected), whitespace between them skipped.
            while (pos < size && (data[pos] == '\n' || data[pos] == '\r' || data[pos] == ' '))
                ++pos;
            if (pos == size)
                break;
            if (data[pos] != '{') {
                fail(Status::internal("the watch stream is not a sequence of JSON objects"));
                return false;
            }
            int depth = 0;
            bool inString = false, escaped = false;
            size_t end = pos;
            for (; end < size; ++end) {
                const char c = data[end];
                if (inString) {
                    if (escaped)
                        escaped = false;
                    else if (c == '\\')
                        escaped = true;
                    else if (c == '"')
                        inString = false;
                } else if (c == '"') {
                    inString = true;
                } else if (c == '{' || c == '[') {
                    ++depth;
                } else if (c == '}' || c == ']') {
                    if (--depth == 0)
                        break;
                }
            }
            if (end == size) {
                if (size - pos > kMaxFrame) {
                    fail(Status::internal("the watch stream sent an event over 64 MiB"));
                    return false;
                }
                break;
            }
            const std::string_view text(data + pos, end + 1 - pos);
            pos = end + 1;
            meta::WatchEvent we;
            if (Status s = api::JsonCodec::decode(text, &we); !s) {
                fail(Status::internal("the watch stream sent an event that cannot be decoded: " +
                                      s.message()));
                return false;
            }
            ok = handleEvent(we.type(), we.object().raw());
        }
    }
    if (!ended)
        buffer.remove(0, qsizetype(pos));
    return ok;
}

void RemoteWatch::State::onData()
{
    if (ended || !reply)
        return;
    impl->reached();
    if (silence)
        silence->start();
    buffer += reply->readAll();
    parseFrames();
}

void RemoteWatch::State::onFinished()
{
    if (ended)
        return;
    QNetworkReply *r = reply;
    const QVariant code = r->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    const int http = code.isValid() ? code.toInt() : 0;
    if (!opened && http == 200) {
        // A stream that ended before its headers were reported apart.
        opened = true;
        protobuf = isProtobuf(r->header(QNetworkRequest::ContentTypeHeader).toString().toLatin1());
        impl->reached();
        openPromise->set_value(Status::ok());
    }
    if (!opened) {
        // The watch never started: its creation fails.
        Status why;
        if (http == 0) {
            const std::string reason = httpsReason(*r, sslErrors, impl->customCa);
            impl->lost(reason);
            why = impl->unreachable(reason);
        } else {
            impl->reached();
            why = errorFromResponse(
                http, r->readAll(),
                r->header(QNetworkRequest::ContentTypeHeader).toString().toLatin1());
        }
        ended = true;
        finish();
        openPromise->set_value(std::move(why));
        return;
    }
    buffer += r->readAll();
    parseFrames();
    if (ended)
        return;
    if (r->error() == QNetworkReply::NoError) {
        finish();
        if (callbacks.onClosed)
            callbacks.onClosed();
        return;
    }
    const std::string reason = httpsReason(*r, sslErrors, impl->customCa);
    impl->lost(reason);
    fail(impl->unreachable("the watch stream broke: " + reason));
}

// ---------------------------------------------------------------------------

RemoteClient::RemoteClient(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}

RemoteClient::~RemoteClient() = default;

Result<std::unique_ptr<RemoteClient>> RemoteClient::create(const ResolvedContext &context,
                                                           Options options)
{
    auto impl = std::make_unique<Impl>();
    impl->context = context;
    impl->options = options;
    const QUrl url(QString::fromStdString(context.cluster.server), QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() ||
        (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")))
        return Status::invalidArgument("context \"" + context.name + "\": the cluster's server \"" +
                                       context.cluster.server + "\" is not an http(s) URL");
    impl->base = url;
    if (impl->base.path().endsWith(QLatin1Char('/')))
        impl->base.setPath(impl->base.path().chopped(1));

    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setProtocol(QSsl::TlsV1_2OrLater);
    if (!context.cluster.certificateAuthorityPem.empty()) {
        const QList<QSslCertificate> cas = QSslCertificate::fromData(
            QByteArray::fromStdString(context.cluster.certificateAuthorityPem), QSsl::Pem);
        if (cas.isEmpty())
            return Status::invalidArgument("context \"" + context.name +
                                           "\": the certificate authority holds no PEM "
                                           "certificate");
        ssl.setCaCertificates(cas);
        impl->customCa = true;
    }
    if (context.cluster.insecureSkipTlsVerify)
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
    const UserEntry &user = context.user;
    if (!user.clientCertificatePem.empty() || !user.clientKeyPem.empty()) {
        const QSslCertificate cert(QByteArray::fromStdString(user.clientCertificatePem), QSsl::Pem);
        QSslKey key;
        for (QSsl::KeyAlgorithm alg : {QSsl::Ec, QSsl::Rsa}) {
            key = QSslKey(QByteArray::fromStdString(user.clientKeyPem), alg, QSsl::Pem);
            if (!key.isNull())
                break;
        }
        if (cert.isNull())
            return Status::invalidArgument("user \"" + context.userName +
                                           "\": the client certificate is not a PEM certificate");
        if (key.isNull())
            return Status::invalidArgument("user \"" + context.userName +
                                           "\": the client key is not a PEM RSA or EC key");
        ssl.setLocalCertificate(cert);
        ssl.setPrivateKey(key);
    }
    impl->ssl = ssl;

    if (!context.cluster.proxyUrl.empty()) {
        const QUrl p(QString::fromStdString(context.cluster.proxyUrl));
        QNetworkProxy proxy;
        if (p.scheme() == QLatin1String("http"))
            proxy.setType(QNetworkProxy::HttpProxy);
        else if (p.scheme() == QLatin1String("socks5"))
            proxy.setType(QNetworkProxy::Socks5Proxy);
        else
            return Status::invalidArgument("context \"" + context.name + "\": proxy-url scheme \"" +
                                           p.scheme().toStdString() +
                                           "\" is not supported (http or socks5)");
        if (p.host().isEmpty())
            return Status::invalidArgument("context \"" + context.name +
                                           "\": proxy-url has no host");
        proxy.setHostName(p.host());
        proxy.setPort(quint16(p.port(p.scheme() == QLatin1String("http") ? 80 : 1080)));
        if (!p.userName().isEmpty()) {
            proxy.setUser(p.userName());
            proxy.setPassword(p.password());
        }
        impl->proxy = proxy;
    }

    if (user.exec)
        impl->exec = std::make_unique<ExecCredentialProvider>(*user.exec, context.cluster);
    impl->token = user.token;
    if (impl->token.empty() && !user.tokenFile.empty()) {
        QFile f(QString::fromStdString(user.tokenFile));
        if (!f.open(QIODevice::ReadOnly))
            return Status::invalidArgument("user \"" + context.userName +
                                           "\": cannot read the token file " + user.tokenFile);
        impl->token = f.readAll().trimmed().toStdString();
    }
    impl->state.since = std::chrono::system_clock::now();

    impl->thread.setObjectName(QStringLiteral("remote-client"));
    impl->worker = new QObject;
    impl->worker->moveToThread(&impl->thread);
    impl->thread.start();
    Impl *raw = impl.get();
    QMetaObject::invokeMethod(
        raw->worker,
        [raw] {
            raw->nam = new QNetworkAccessManager(raw->worker);
            raw->applyProxy(*raw->nam);
        },
        Qt::BlockingQueuedConnection);
    return std::unique_ptr<RemoteClient>(new RemoteClient(std::move(impl)));
}

namespace {

void addQuery(QUrlQuery &q, const char *key, const std::string &value)
{
    if (!value.empty())
        q.addQueryItem(QString::fromLatin1(key), QString::fromStdString(value));
}

std::string withQuery(const std::string &path, const QUrlQuery &q)
{
    if (q.isEmpty())
        return path;
    return path + "?" + q.query(QUrl::FullyEncoded).toStdString();
}

void addWriteOptions(QUrlQuery &q, const WriteOptions &o)
{
    if (o.dryRun)
        q.addQueryItem(QStringLiteral("dryRun"), QStringLiteral("All"));
    addQuery(q, "fieldManager", o.fieldManager);
    addQuery(q, "fieldValidation", o.fieldValidation);
    if (o.force)
        q.addQueryItem(QStringLiteral("force"), QStringLiteral("true"));
}

// The answer as an object (2xx) or as the error it stands for.
Result<ObjectPtr> objectFrom(Result<HttpResponse> res)
{
    if (!res)
        return res.status();
    if (res->status >= 300)
        return errorFromResponse(res->status, res->body, res->contentType);
    return decodeObject(res->body, res->contentType);
}

// The answer's body as text (2xx) or the error it stands for.
Result<std::string> bodyFrom(Result<HttpResponse> res)
{
    if (!res)
        return res.status();
    if (res->status >= 300)
        return errorFromResponse(res->status, res->body, res->contentType);
    return res->body.toStdString();
}

} // namespace

Result<ObjectPtr> RemoteClient::get(const api::KindInfo &kind, const std::string &ns,
                                    const std::string &name, const GetOptions &options)
{
    QUrlQuery q;
    addQuery(q, "resourceVersion", options.resourceVersion);
    HttpRequest r;
    r.path = withQuery(resourcePath(kind, ns, name), q);
    return objectFrom(m_impl->perform(r));
}

Result<ListResult> RemoteClient::list(const api::KindInfo &kind, const std::string &ns,
                                      const ListOptions &options)
{
    QUrlQuery q;
    addQuery(q, "labelSelector", options.labelSelector);
    addQuery(q, "fieldSelector", options.fieldSelector);
    if (options.limit > 0)
        q.addQueryItem(QStringLiteral("limit"), QString::number(options.limit));
    addQuery(q, "continue", options.continueToken);
    addQuery(q, "resourceVersion", options.resourceVersion);
    addQuery(q, "resourceVersionMatch", options.resourceVersionMatch);
    HttpRequest r;
    r.path = withQuery(resourcePath(kind, ns), q);
    if (m_impl->options.protobuf && builtinKind(kind))
        r.accept = kProtobufOrJson;
    Result<HttpResponse> res = m_impl->perform(r);
    if (!res)
        return res.status();
    if (res->status >= 300)
        return errorFromResponse(res->status, res->body, res->contentType);
    if (!kind.listDescriptor)
        return Status::internal(kind.kind + " has no list type");
    std::unique_ptr<Message> list = api::Scheme::newMessage(kind.listDescriptor);
    const std::string_view bytes(res->body.constData(), size_t(res->body.size()));
    const Status s = isProtobuf(res->contentType) ? api::ProtobufCodec::decode(bytes, list.get())
                                                  : api::JsonCodec::decode(bytes, list.get());
    if (!s)
        return Status::internal("the server's " + kind.kind +
                                "List cannot be decoded: " + s.message());
    res->body.clear();
    return splitList(std::move(list), m_impl->options.stripManagedFields);
}

Result<std::unique_ptr<WatchHandle>> RemoteClient::watch(const api::KindInfo &kind,
                                                         const std::string &ns,
                                                         const WatchOptions &options,
                                                         WatchCallbacks callbacks)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("watch"), QStringLiteral("true"));
    addQuery(q, "labelSelector", options.labelSelector);
    addQuery(q, "fieldSelector", options.fieldSelector);
    addQuery(q, "resourceVersion", options.resourceVersion);
    addQuery(q, "resourceVersionMatch", options.resourceVersionMatch);
    if (options.allowBookmarks)
        q.addQueryItem(QStringLiteral("allowWatchBookmarks"), QStringLiteral("true"));
    if (options.sendInitialEvents)
        q.addQueryItem(QStringLiteral("sendInitialEvents"), QStringLiteral("true"));
    // As client-go's reflector: a random timeout between 5 and 10 minutes,
    // so the server ends watches now and then and they do not all end together.
    int64_t timeout = options.timeoutSeconds;
    if (timeout <= 0) {
        thread_local std::mt19937 rng{std::random_device{}()};
        timeout = 300 + int64_t(rng() % 300);
    }
    q.addQueryItem(QStringLiteral("timeoutSeconds"), QString::number(timeout));
    HttpRequest r;
    r.path = withQuery(resourcePath(kind, ns), q);
    if (m_impl->options.protobuf && builtinKind(kind))
        r.accept = kProtobufOrJson;
    Result<Auth> auth = m_impl->auth();
    if (!auth)
        return auth.status();

    for (int attempt = 0;; ++attempt) {
        auto state = std::make_shared<RemoteWatch::State>();
        state->impl = m_impl.get();
        state->kind = &kind;
        state->callbacks = callbacks;
        state->openPromise = std::make_shared<std::promise<Status>>();
        // A watch that says nothing (no event, no bookmark) for this long is
        // dead, whatever TCP thinks: the server bookmarks at least every
        // minute when asked to, and ends the watch itself after `timeout`.
        state->silenceLimit = options.allowBookmarks
                                  ? m_impl->options.watchSilence
                                  : std::chrono::milliseconds(timeout * 1000 + 30000);
        std::future<Status> opened = state->openPromise->get_future();
        Impl *impl = m_impl.get();
        auto begin = [impl, state, r, a = *auth] {
            state->manager = new QNetworkAccessManager(impl->worker);
            impl->applyProxy(*state->manager);
            QNetworkRequest req = impl->makeRequest(r, a);
            QNetworkReply *reply = state->manager->get(req);
            state->reply = reply;
            state->silence = new QTimer(state->manager);
            state->silence->setSingleShot(true);
            state->silence->setInterval(int(
                std::min<int64_t>(state->silenceLimit.count(), std::numeric_limits<int>::max())));
            QObject::connect(state->silence, &QTimer::timeout, state->manager, [state] {
                state->fail(
                    state->impl->unreachable("the watch was silent for " +
                                             std::to_string(state->silenceLimit.count() / 1000) +
                                             " s (no event, no bookmark): treated as lost"));
            });
            QObject::connect(reply, &QNetworkReply::sslErrors, reply,
                             [state](const QList<QSslError> &errors) {
                                 state->sslErrors.assign(errors.begin(), errors.end());
                             });
            QObject::connect(reply, &QNetworkReply::metaDataChanged, reply, [state] {
                if (state->opened || state->ended || !state->reply)
                    return;
                const QVariant code =
                    state->reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
                if (!code.isValid() || code.toInt() != 200)
                    return; // the answer ends in finished()
                state->opened = true;
                state->protobuf = isProtobuf(
                    state->reply->header(QNetworkRequest::ContentTypeHeader).toString().toLatin1());
                state->impl->reached();
                state->silence->start();
                state->openPromise->set_value(Status::ok());
            });
            QObject::connect(reply, &QNetworkReply::readyRead, reply, [state] {
                if (state->opened)
                    state->onData();
            });
            QObject::connect(reply, &QNetworkReply::finished, reply,
                             [state] { state->onFinished(); });
            QTimer::singleShot(impl->options.connectTimeout, state->manager, [state] {
                if (!state->opened && !state->ended && state->reply)
                    state->reply->abort(); // finished() reports it
            });
        };
        QMetaObject::invokeMethod(m_impl->worker, begin, Qt::QueuedConnection);
        Status s;
        if (m_impl->onNetworkThread()) {
            QEventLoop loop;
            while (opened.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
                loop.processEvents(QEventLoop::WaitForMoreEvents);
            s = opened.get();
        } else {
            if (opened.wait_for(m_impl->options.connectTimeout + std::chrono::seconds(5)) !=
                std::future_status::ready) {
                RemoteWatch(state).stop();
                return Status::timeout(
                    "the watch on " + kind.resource + " did not start within " +
                    std::to_string(m_impl->options.connectTimeout.count() / 1000) + " s");
            }
            s = opened.get();
        }
        if (s)
            return std::unique_ptr<WatchHandle>(new RemoteWatch(state));
        if (s.code() == Status::Code::Unauthenticated && attempt == 0 && m_impl->refreshAuth()) {
            auth = m_impl->auth();
            if (!auth)
                return auth.status();
            continue;
        }
        return s;
    }
}

Result<ObjectPtr> RemoteClient::create(const api::KindInfo &kind, const std::string &ns,
                                       const Message &object, const WriteOptions &options)
{
    QUrlQuery q;
    addWriteOptions(q, options);
    HttpRequest r;
    r.method = "POST";
    r.path = withQuery(resourcePath(kind, ns, {}, options.subresource), q);
    r.contentType = kJson;
    r.body = QByteArray::fromStdString(api::JsonCodec::encode(object, {kind.typeMeta()}));
    return objectFrom(m_impl->perform(r));
}

namespace {

// The TypeMeta a body of `kind`'s `subresource` is sent as.
api::TypeMeta bodyTypeMeta(const api::KindInfo &kind, const std::string &subresource,
                           const Message &body)
{
    if (const api::KindInfo *k = api::Scheme::builtin().byDescriptor(body.GetDescriptor()))
        return k->typeMeta();
    if (const api::SubresourceInfo *s = kind.subresource(subresource))
        return {s->group.empty() ? s->version : s->group + "/" + s->version, s->kind};
    return kind.typeMeta();
}

} // namespace

Result<ObjectPtr> RemoteClient::update(const api::KindInfo &kind, const std::string &ns,
                                       const Message &object, const WriteOptions &options)
{
    if (!object.GetDescriptor()->FindFieldByName("metadata"))
        return Status::invalidArgument("an update needs an object with metadata");
    const meta::ObjectMeta &md = objectMeta(object);
    QUrlQuery q;
    addWriteOptions(q, options);
    HttpRequest r;
    r.method = "PUT";
    r.path = withQuery(
        resourcePath(kind, ns.empty() ? md.namespace_() : ns, md.name(), options.subresource), q);
    r.contentType = kJson;
    r.body = QByteArray::fromStdString(
        api::JsonCodec::encode(object, {bodyTypeMeta(kind, options.subresource, object)}));
    return objectFrom(m_impl->perform(r));
}

Result<ObjectPtr> RemoteClient::patch(const api::KindInfo &kind, const std::string &ns,
                                      const std::string &name, PatchType type,
                                      const std::string &patch, const WriteOptions &options)
{
    QUrlQuery q;
    addWriteOptions(q, options);
    HttpRequest r;
    r.method = "PATCH";
    r.path = withQuery(resourcePath(kind, ns, name, options.subresource), q);
    switch (type) {
    case PatchType::Json:
        r.contentType = "application/json-patch+json";
        break;
    case PatchType::Merge:
        r.contentType = "application/merge-patch+json";
        break;
    case PatchType::StrategicMerge:
        r.contentType = "application/strategic-merge-patch+json";
        break;
    case PatchType::Apply:
        r.contentType = "application/apply-patch+yaml";
        break;
    }
    r.body = QByteArray::fromStdString(patch);
    return objectFrom(m_impl->perform(r));
}

Result<ObjectPtr> RemoteClient::remove(const api::KindInfo &kind, const std::string &ns,
                                       const std::string &name, const DeleteOptions &options)
{
    meta::DeleteOptions body;
    if (options.gracePeriodSeconds)
        body.set_grace_period_seconds(*options.gracePeriodSeconds);
    if (!options.propagationPolicy.empty())
        body.set_propagation_policy(options.propagationPolicy);
    if (!options.preconditionUid.empty())
        body.mutable_preconditions()->set_uid(options.preconditionUid);
    if (!options.preconditionResourceVersion.empty())
        body.mutable_preconditions()->set_resource_version(options.preconditionResourceVersion);
    if (options.dryRun)
        body.add_dry_run("All");
    HttpRequest r;
    r.method = "DELETE";
    r.path = resourcePath(kind, ns, name);
    r.contentType = kJson;
    r.body = QByteArray::fromStdString(api::JsonCodec::encode(body, {{"v1", "DeleteOptions"}}));
    Result<ObjectPtr> out = objectFrom(m_impl->perform(r));
    if (out && (*out)->GetDescriptor() == meta::Status::descriptor()) {
        // Some kinds answer a finished delete with a Status: hand back an
        // object of the kind, named, as the interface promises.
        std::unique_ptr<Message> gone = api::Scheme::newMessage(kind.descriptor);
        if (meta::ObjectMeta *md = mutableObjectMeta(*gone)) {
            md->set_name(name);
            if (kind.namespaced)
                md->set_namespace_(ns);
        }
        return ObjectPtr(std::move(gone));
    }
    return out;
}

Result<ObjectPtr> RemoteClient::createSubresource(const api::KindInfo &kind, const std::string &ns,
                                                  const std::string &name,
                                                  const std::string &subresource,
                                                  const Message &body)
{
    HttpRequest r;
    r.method = "POST";
    r.path = resourcePath(kind, ns, name, subresource);
    r.contentType = kJson;
    r.body = QByteArray::fromStdString(
        api::JsonCodec::encode(body, {bodyTypeMeta(kind, subresource, body)}));
    return objectFrom(m_impl->perform(r));
}

Result<std::string> RemoteClient::podLog(const std::string &ns, const std::string &name,
                                         const LogOptions &options)
{
    QUrlQuery q;
    addQuery(q, "container", options.container);
    if (options.previous)
        q.addQueryItem(QStringLiteral("previous"), QStringLiteral("true"));
    if (options.tailLines >= 0)
        q.addQueryItem(QStringLiteral("tailLines"), QString::number(options.tailLines));
    if (options.timestamps)
        q.addQueryItem(QStringLiteral("timestamps"), QStringLiteral("true"));
    const api::KindInfo &pods = *api::Scheme::builtin().byResource("", "pods");
    HttpRequest r;
    r.path = withQuery(resourcePath(pods, ns, name, "log"), q);
    r.accept = "text/plain, */*";
    return bodyFrom(m_impl->perform(r));
}

Result<std::string> RemoteClient::getPath(const std::string &path)
{
    HttpRequest r;
    r.path = path.empty() || path[0] != '/' ? "/" + path : path;
    r.accept = "application/json, text/plain, */*";
    return bodyFrom(m_impl->perform(r));
}

ConnectionState RemoteClient::connectionState() const
{
    std::lock_guard lock(m_impl->stateMutex);
    return m_impl->state;
}

std::string RemoteClient::server() const
{
    return m_impl->context.cluster.server;
}

bool RemoteClient::insecureSkipTlsVerify() const
{
    return m_impl->context.cluster.insecureSkipTlsVerify;
}

const ResolvedContext &RemoteClient::context() const
{
    return m_impl->context;
}

} // namespace kubist::client
