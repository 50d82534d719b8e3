// The API server's HTTP front at the wire: bad input and protocol behaviour.
// The server runs in-process (store on a temporary directory, ApiServer,
// ApiHandler with an admin and a viewer token, HttpServer with TLS on a free
// loopback port); the test talks to it with its own small blocking HTTPS
// client, which verifies the server against the generated CA, keeps its
// connection alive, and can also send hand-written bytes.
//
// Every rejected request is checked three ways: the status code, the
// meta/v1 Status object in the body, and that nothing stored changed (the
// store's revision, a list's resourceVersion and the object, before and
// after) while the server kept serving on the same connection.

#include "httptestserver.h"

#include "backend/apiserver/apiserver.h"
#include "backend/apiserver/http/apihandler.h"
#include "backend/apiserver/http/certificates.h"
#include "backend/apiserver/http/httpserver.h"
#include "backend/store/store.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/x509v3.h>

#include <chrono>
#include <future>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace kubist;
using namespace kubist::apiserver;
using kubist::testing::configMapJson;
using kubist::testing::Headers;
using kubist::testing::WireClient;
using kubist::testing::WireResponse;

namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

constexpr size_t kMaxBody = 3 * 1024 * 1024;
constexpr auto kHeaderTimeout = std::chrono::milliseconds(3000);

// JSON is written in raw strings, never next to escaped quotes ("\""): moc
// (Qt 6.4) loses its place in the file on such a line and generates nothing.

const char *const kConfigMaps = "/api/v1/namespaces/default/configmaps";
const char *const kExisting = "/api/v1/namespaces/default/configmaps/existing";
const char *const kTableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io";

} // namespace

class TestHttpApi : public QObject
{
    Q_OBJECT

    kubist::testing::HttpTestServer m_srv;
    store::Store *m_store = nullptr;
    ApiServer *m_server = nullptr;
    ServerCredentials m_creds;
    uint16_t m_port = 0;
    std::unique_ptr<WireClient> m_client;
    std::string m_staleRv; // a resourceVersion "existing" had before its last update

    std::string token(const QString &who) const
    {
        if (who == "admin")
            return m_creds.adminToken;
        if (who == "viewer")
            return m_creds.viewerToken;
        if (who == "wrong")
            return "not-a-token-this-server-knows";
        return {};
    }

    WireResponse admin(const std::string &method, const std::string &target,
                       const std::string &body = {}, const Headers &headers = {})
    {
        return m_client->request(method, target, m_creds.adminToken, body, headers);
    }

    WireResponse create(const std::string &path, const std::string &body)
    {
        return admin("POST", path, body, {{"Content-Type", "application/json"}});
    }

    // The response is a meta/v1 Status of failure with `code` and `reason`.
    static void verifyFailureStatus(const WireResponse &r, int code, const QString &reason,
                                    const QString &messagePart = {})
    {
        QVERIFY2(r.status == code, qPrintable(QString("HTTP %1 (want %2): %3 %4")
                                                  .arg(r.status)
                                                  .arg(code)
                                                  .arg(QString::fromStdString(r.body),
                                                       QString::fromStdString(r.error))));
        QVERIFY2(r.header("content-type").starts_with("application/json"),
                 r.header("content-type").c_str());
        const QJsonObject s = r.json();
        QCOMPARE(s.value("kind").toString(), QString("Status"));
        QCOMPARE(s.value("apiVersion").toString(), QString("v1"));
        QCOMPARE(s.value("status").toString(), QString("Failure"));
        QCOMPARE(s.value("reason").toString(), reason);
        QCOMPARE(s.value("code").toInt(), code);
        QVERIFY2(s.value("message").toString().contains(messagePart),
                 qPrintable(s.value("message").toString()));
    }

    // What stored state an error must leave alone.
    struct Snapshot
    {
        int64_t revision = 0;
        std::string listResourceVersion;
        std::string existing;
    };

    Snapshot snapshot()
    {
        Snapshot s;
        s.revision = m_store->currentRevision();
        WireResponse list = admin("GET", kConfigMaps);
        s.listResourceVersion = list.json()
                                    .value("metadata")
                                    .toObject()
                                    .value("resourceVersion")
                                    .toString()
                                    .toStdString();
        s.existing = admin("GET", kExisting).body;
        return s;
    }

private slots:
    void initTestCase()
    {
        HttpServer::Options ho;
        ho.maxBodyBytes = kMaxBody;
        ho.headerTimeout = kHeaderTimeout;
        const std::string error = m_srv.start(ApiLimits(), ho);
        QVERIFY2(error.empty(), error.c_str());
        m_store = m_srv.store.get();
        m_server = m_srv.server.get();
        m_creds = m_srv.creds;
        m_port = m_srv.port;
        m_client = std::make_unique<WireClient>(m_port, m_creds.caCertFile);

        // "existing" has been updated once, so its first resourceVersion is stale.
        WireResponse r = create(kConfigMaps, configMapJson("existing"));
        QCOMPARE(r.status, 201);
        m_staleRv =
            r.json().value("metadata").toObject().value("resourceVersion").toString().toStdString();
        QJsonObject cm = r.json();
        cm["data"] = QJsonObject{{"k", "v2"}};
        r = admin("PUT", kExisting, QJsonDocument(cm).toJson(QJsonDocument::Compact).toStdString(),
                  {{"Content-Type", "application/json"}});
        QCOMPARE(r.status, 200);
        QVERIFY(r.json().value("metadata").toObject().value("resourceVersion").toString() !=
                QString::fromStdString(m_staleRv));

        QCOMPARE(create("/api/v1/namespaces",
                        R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"paging"}})")
                     .status,
                 201);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(create("/api/v1/namespaces/paging/configmaps",
                            configMapJson("page-" + std::to_string(i)))
                         .status,
                     201);
    }

    void cleanupTestCase()
    {
        m_client.reset();
        m_srv.stop();
    }

    // ---- rejected requests ---------------------------------------------------

    void rejectedRequestChangesNothing_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("who");
        QTest::addColumn<QString>("contentType");
        QTest::addColumn<QString>("accept");
        QTest::addColumn<QString>("body");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("causeField");

        const QString json = "application/json";
        const QString cms = kConfigMaps;
        const QString existing = kExisting;
        const QString pods = "/api/v1/namespaces/default/pods";
        const QString cannot = "ConfigMap in version \"v1\" cannot be handled as a ConfigMap";
        const QString fresh = QString::fromStdString(configMapJson("fresh"));
        const QString podWithFoo = R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},)"
                                   R"("spec":{"foo":"bar","containers":[{"name":"c",)"
                                   R"("image":"nginx"}]}})";

        // Bodies the server cannot decode.
        QTest::newRow("malformed JSON body")
            << "POST" << cms << "admin" << json << ""
            << R"({"apiVersion":"v1",metadata:})" << 400 << "BadRequest" << cannot << "";
        QTest::newRow("malformed YAML body")
            << "POST" << cms << "admin"
            << "application/yaml"
            << ""
            << "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [unclosed\n"
            << 400 << "BadRequest" << cannot << "";
        QTest::newRow("truncated JSON body")
            << "POST" << cms << "admin" << json << ""
            << R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"trunc")" << 400
            << "BadRequest" << cannot << "";
        QTest::newRow("body that is not an object")
            << "POST" << cms << "admin" << json << ""
            << "[1,2,3]" << 400 << "BadRequest" << cannot << "";
        QTest::newRow("empty body") << "POST" << cms << "admin" << json << ""
                                    << "" << 400 << "BadRequest" << cannot << "";
        QTest::newRow("wrong Content-Type") << "POST" << cms << "admin"
                                            << "text/plain"
                                            << "" << fresh << 415 << "UnsupportedMediaType"
                                            << "the body of the request was in an unknown format"
                                            << "";
        QTest::newRow("unknown field with fieldValidation=Strict")
            << "POST" << pods + "?fieldValidation=Strict"
            << "admin" << json << "" << podWithFoo << 400 << "BadRequest"
            << "strict decoding error: unknown field \"spec.foo\""
            << "";
        QTest::newRow("unknown field with fieldValidation=Strict in YAML")
            << "POST" << pods + "?fieldValidation=Strict"
            << "admin"
            << "application/yaml"
            << ""
            << "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  foo: bar\n"
               "  containers:\n  - name: c\n    image: nginx\n"
            << 400 << "BadRequest"
            << "strict decoding error: unknown field \"spec.foo\""
            << "";
        QTest::newRow("duplicate field with fieldValidation=Strict")
            << "POST" << cms + "?fieldValidation=Strict"
            << "admin" << json << ""
            << R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","name":"b"}})" << 400
            << "BadRequest"
            << "strict decoding error: duplicate field \"metadata.name\""
            << "";
        QTest::newRow("unknown field in a merge patch with fieldValidation=Strict")
            << "PATCH" << existing + "?fieldValidation=Strict"
            << "admin"
            << "application/merge-patch+json"
            << ""
            << R"({"spec":{"foo":1}})" << 400 << "BadRequest"
            << "strict decoding error: unknown field \"spec\""
            << "";

        // Objects the server decodes and refuses.
        QTest::newRow("invalid object")
            << "POST" << cms << "admin" << json << ""
            << QString::fromStdString(configMapJson("Not_A_Valid_Name")) << 422 << "Invalid"
            << "ConfigMap \"Not_A_Valid_Name\" is invalid"
            << "metadata.name";
        QTest::newRow("update at a stale resourceVersion")
            << "PUT" << existing << "admin" << json << ""
            << QString::fromStdString(
                   configMapJson("existing", "v", ",\"resourceVersion\":\"" + m_staleRv + "\""))
            << 409 << "Conflict"
            << "the object has been modified"
            << "";
        QTest::newRow("create of an existing name")
            << "POST" << cms << "admin" << json << ""
            << QString::fromStdString(configMapJson("existing")) << 409 << "AlreadyExists"
            << "configmaps \"existing\" already exists"
            << "";
        QTest::newRow("apiVersion in the body not matching the URL")
            << "POST" << cms << "admin" << json << ""
            << R"({"apiVersion":"apps/v1","kind":"ConfigMap","metadata":{"name":"x"}})" << 400
            << "BadRequest"
            << "does not match the expected API version (v1)"
            << "";
        QTest::newRow("kind in the body not matching the URL")
            << "POST" << cms << "admin" << json << ""
            << R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}})" << 400
            << "BadRequest"
            << "does not match the expected kind (ConfigMap)"
            << "";
        QTest::newRow("namespace in the body not matching the URL")
            << "POST" << cms << "admin" << json << ""
            << QString::fromStdString(configMapJson("x", "v", ",\"namespace\":\"kube-system\""))
            << 400 << "BadRequest"
            << "the namespace of the provided object does not match the namespace sent on the "
               "request"
            << "";
        QTest::newRow("name in the body not matching the URL")
            << "PUT" << existing << "admin" << json << ""
            << QString::fromStdString(configMapJson("other")) << 400 << "BadRequest"
            << "does not match the name on the URL"
            << "";

        // Who is asking.
        QTest::newRow("missing token") << "GET" << cms << "none"
                                       << ""
                                       << ""
                                       << "" << 401 << "Unauthorized"
                                       << "Unauthorized"
                                       << "";
        QTest::newRow("wrong token")
            << "POST" << cms << "wrong" << json << "" << fresh << 401 << "Unauthorized"
            << "Unauthorized"
            << "";
        QTest::newRow("viewer create")
            << "POST" << cms << "viewer" << json << "" << fresh << 403 << "Forbidden"
            << "User \"viewer\" cannot create resource \"configmaps\" in API group \"\" in the "
               "namespace \"default\""
            << "";
        QTest::newRow("viewer delete") << "DELETE" << existing << "viewer"
                                       << ""
                                       << ""
                                       << "" << 403 << "Forbidden"
                                       << "User \"viewer\" cannot delete resource \"configmaps\""
                                       << "";
        QTest::newRow("viewer patch") << "PATCH" << existing << "viewer"
                                      << "application/merge-patch+json"
                                      << ""
                                      << R"({"data":{"k":"viewer"}})" << 403 << "Forbidden"
                                      << "User \"viewer\" cannot patch resource \"configmaps\""
                                      << "";

        // Paths, methods and media types.
        QTest::newRow("unknown resource") << "GET"
                                          << "/api/v1/namespaces/default/widgets"
                                          << "admin"
                                          << ""
                                          << ""
                                          << "" << 404 << "NotFound"
                                          << "the server could not find the requested resource"
                                          << "";
        QTest::newRow("unknown group") << "GET"
                                       << "/apis/example.com/v1/things"
                                       << "admin"
                                       << ""
                                       << ""
                                       << "" << 404 << "NotFound"
                                       << "the server could not find the requested resource"
                                       << "";
        QTest::newRow("cluster-scoped resource under a namespace")
            << "GET"
            << "/api/v1/namespaces/default/nodes"
            << "admin"
            << ""
            << ""
            << "" << 404 << "NotFound"
            << ""
            << "";
        QTest::newRow("unknown subresource") << "GET" << existing + "/scale"
                                             << "admin"
                                             << ""
                                             << ""
                                             << "" << 404 << "NotFound"
                                             << ""
                                             << "";
        QTest::newRow("missing object") << "GET" << cms + "/nope"
                                        << "admin"
                                        << ""
                                        << ""
                                        << "" << 404 << "NotFound"
                                        << "configmaps \"nope\" not found"
                                        << "";
        QTest::newRow("POST on a named resource")
            << "POST" << existing << "admin" << json << "" << fresh << 405 << "MethodNotAllowed"
            << "the server does not allow this method on the requested resource"
            << "";
        QTest::newRow("Accept that cannot be served on get") << "GET" << existing << "admin"
                                                             << ""
                                                             << "text/html"
                                                             << "" << 406 << "NotAcceptable"
                                                             << "application/json"
                                                             << "";
        QTest::newRow("Accept that cannot be served on list") << "GET" << cms << "admin"
                                                              << ""
                                                              << "text/html"
                                                              << "" << 406 << "NotAcceptable"
                                                              << "application/json"
                                                              << "";
        QTest::newRow("Accept that cannot be served on create")
            << "POST" << cms << "admin" << json << "text/html" << fresh << 406 << "NotAcceptable"
            << "application/json"
            << "";
        QTest::newRow("Accept that cannot be served on delete") << "DELETE" << existing << "admin"
                                                                << ""
                                                                << "image/png"
                                                                << "" << 406 << "NotAcceptable"
                                                                << "application/json"
                                                                << "";
        QTest::newRow("Table accepted for a write only")
            << "PATCH" << existing << "admin"
            << "application/merge-patch+json" << kTableAccept << R"({"data":{"k":"table"}})" << 406
            << "NotAcceptable"
            << ""
            << "";
        QTest::newRow("PATCH with an unknown patch Content-Type")
            << "PATCH" << existing << "admin" << json << ""
            << R"({"data":{"k":"x"}})" << 415 << "UnsupportedMediaType"
            << "application/merge-patch+json"
            << "";
        QTest::newRow("DELETE with an invalid propagationPolicy")
            << "DELETE" << existing + "?propagationPolicy=Sideways"
            << "admin"
            << ""
            << ""
            << "" << 422 << "Invalid"
            << "Unsupported value: \"Sideways\""
            << "propagationPolicy";
        QTest::newRow("DELETE with an invalid propagationPolicy in the body")
            << "DELETE" << existing << "admin" << json << ""
            << R"({"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Up"})" << 422
            << "Invalid"
            << "Unsupported value: \"Up\""
            << "propagationPolicy";
        QTest::newRow("DELETE with malformed DeleteOptions")
            << "DELETE" << existing << "admin" << json << ""
            << "{not json" << 400 << "BadRequest"
            << ""
            << "";
        QTest::newRow("list with an unparsable label selector")
            << "GET" << cms + "?labelSelector=a%20in%20("
            << "admin"
            << ""
            << ""
            << "" << 400 << "BadRequest"
            << ""
            << "";
        QTest::newRow("list with an invalid continue token")
            << "GET" << cms + "?limit=1&continue=bm90LWEtdG9rZW4"
            << "admin"
            << ""
            << ""
            << "" << 400 << "BadRequest"
            << "continue key is not valid"
            << "";
    }

    void rejectedRequestChangesNothing()
    {
        QFETCH(QString, method);
        QFETCH(QString, target);
        QFETCH(QString, who);
        QFETCH(QString, contentType);
        QFETCH(QString, accept);
        QFETCH(QString, body);
        QFETCH(int, code);
        QFETCH(QString, reason);
        QFETCH(QString, message);
        QFETCH(QString, causeField);

        const Snapshot before = snapshot();
        const int connects = m_client->connects();
        Headers headers;
        if (!contentType.isEmpty())
            headers.emplace_back("Content-Type", contentType.toStdString());
        if (!accept.isEmpty())
            headers.emplace_back("Accept", accept.toStdString());
        const WireResponse r = m_client->request(method.toStdString(), target.toStdString(),
                                                 token(who), body.toStdString(), headers);
        verifyFailureStatus(r, code, reason, message);
        if (QTest::currentTestFailed())
            return;
        if (!causeField.isEmpty()) {
            bool found = false;
            const QJsonArray causes =
                r.json().value("details").toObject().value("causes").toArray();
            for (const QJsonValue &c : causes)
                found |= c.toObject().value("field").toString() == causeField;
            QVERIFY2(found, r.body.c_str());
        }
        // The error left the connection open, and the server keeps serving on it.
        QVERIFY(r.keepAlive);
        QCOMPARE(admin("GET", kExisting).status, 200);
        QCOMPARE(m_client->connects(), connects);
        // Nothing stored changed.
        const Snapshot after = snapshot();
        QCOMPARE(after.revision, before.revision);
        QCOMPARE(after.listResourceVersion, before.listResourceVersion);
        QCOMPARE(after.existing, before.existing);
    }

    // ---- fieldValidation on accepted writes -------------------------------------

    void fieldValidationWarnings_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QStringList>("warnings");

        const QString foo = R"("foo":"bar",)";
        const QString fooBar = R"("foo":"bar","bar":1,)";
        QTest::newRow("Warn warns") << "?fieldValidation=Warn" << foo
                                    << QStringList{"299 - \"unknown field \\\"spec.foo\\\"\""};
        QTest::newRow("default is Warn")
            << "" << foo << QStringList{"299 - \"unknown field \\\"spec.foo\\\"\""};
        QTest::newRow("Warn sends one header per warning")
            << "?fieldValidation=Warn" << fooBar
            << QStringList{"299 - \"unknown field \\\"spec.foo\\\"\"",
                           "299 - \"unknown field \\\"spec.bar\\\"\""};
        QTest::newRow("Ignore is silent") << "?fieldValidation=Ignore" << foo << QStringList{};
        QTest::newRow("known fields only") << "?fieldValidation=Warn"
                                           << "" << QStringList{};
    }

    void fieldValidationWarnings()
    {
        QFETCH(QString, query);
        QFETCH(QString, spec);
        QFETCH(QStringList, warnings);

        static int n = 0;
        const std::string name = "warned-" + std::to_string(++n);
        const int64_t revision = m_store->currentRevision();
        const WireResponse r = create("/api/v1/namespaces/default/pods" + query.toStdString(),
                                      R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":")" +
                                          name + R"("},"spec":{)" + spec.toStdString() +
                                          R"("containers":[{"name":"c","image":"nginx"}]}})");
        QVERIFY2(r.status == 201, r.body.c_str());
        QCOMPARE(r.json().value("metadata").toObject().value("name").toString().toStdString(),
                 name);
        QVERIFY(m_store->currentRevision() > revision);
        QStringList got;
        for (const std::string &w : r.headerValues("warning"))
            got << QString::fromStdString(w);
        got.sort();
        warnings.sort();
        QCOMPARE(got, warnings);
    }

    void viewerMayRead_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("accept");
        QTest::newRow("get") << kExisting << "";
        QTest::newRow("list") << kConfigMaps << "";
        QTest::newRow("list as Table") << kConfigMaps << kTableAccept;
        QTest::newRow("watch") << QString(kConfigMaps) + "?watch=true&timeoutSeconds=1"
                               << "";
        QTest::newRow("discovery") << "/api/v1"
                                   << "";
    }

    void viewerMayRead()
    {
        QFETCH(QString, target);
        QFETCH(QString, accept);
        Headers h;
        if (!accept.isEmpty())
            h.emplace_back("Accept", accept.toStdString());
        const WireResponse r =
            m_client->request("GET", target.toStdString(), m_creds.viewerToken, {}, h);
        QVERIFY2(r.status == 200, r.body.c_str());
    }

    // ---- protocol ---------------------------------------------------------------

    void queryBooleansParseAsGo_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<bool>("watch");
        QTest::newRow("true") << "true" << true;
        QTest::newRow("True") << "True" << true;
        QTest::newRow("TRUE") << "TRUE" << true;
        QTest::newRow("1") << "1" << true;
        QTest::newRow("t") << "t" << true;
        QTest::newRow("any other value") << "yes" << true;
        QTest::newRow("present without a value") << "" << true;
        QTest::newRow("false") << "false" << false;
        QTest::newRow("FaLsE") << "FaLsE" << false;
        QTest::newRow("0") << "0" << false;
    }

    void queryBooleansParseAsGo()
    {
        QFETCH(QString, value);
        QFETCH(bool, watch);
        const auto start = std::chrono::steady_clock::now();
        const WireResponse r =
            admin("GET", "/api/v1/namespaces/paging/configmaps?watch=" + value.toStdString() +
                             "&timeoutSeconds=1");
        QVERIFY2(r.status == 200, (r.body + r.error).c_str());
        QCOMPARE(r.chunked, watch);
        if (watch) {
            // A stream of events that the server ended after timeoutSeconds.
            const std::vector<QJsonObject> events = r.events();
            QCOMPARE(events.size(), size_t(5));
            for (const QJsonObject &e : events) {
                QCOMPARE(e.value("type").toString(), QString("ADDED"));
                QCOMPARE(e.value("object").toObject().value("kind").toString(),
                         QString("ConfigMap"));
            }
            QVERIFY(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(900));
            QVERIFY(r.keepAlive);
        } else {
            QCOMPARE(r.json().value("kind").toString(), QString("ConfigMapList"));
        }
        QCOMPARE(admin("GET", kExisting).status, 200);
    }

    void oversizedBodyGets413_data()
    {
        QTest::addColumn<QString>("framing");
        QTest::newRow("declared length over the limit, body not sent") << "announce";
        QTest::newRow("whole body over the limit") << "content-length";
        QTest::newRow("chunked body over the limit") << "chunked";
    }

    void oversizedBodyGets413()
    {
        QFETCH(QString, framing);
        const int64_t revision = m_store->currentRevision();
        const std::string big = configMapJson(
            "big", "v", R"(,"annotations":{"a":")" + std::string(kMaxBody, 'x') + R"("})");
        std::string head = "POST " + std::string(kConfigMaps) +
                           " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                           m_creds.adminToken + "\r\nContent-Type: application/json\r\n";
        std::string bytes;
        if (framing == "announce") {
            bytes = head + "Content-Length: " + std::to_string(kMaxBody + 1) + "\r\n\r\n";
        } else if (framing == "content-length") {
            bytes = head + "Content-Length: " + std::to_string(big.size()) + "\r\n\r\n" + big;
        } else {
            bytes = head + "Transfer-Encoding: chunked\r\n\r\n";
            for (size_t i = 0; i < big.size(); i += 65536) {
                const std::string piece = big.substr(i, 65536);
                std::ostringstream size;
                size << std::hex << piece.size();
                bytes += size.str() + "\r\n" + piece + "\r\n";
            }
            bytes += "0\r\n\r\n";
        }
        WireClient client(m_port, m_creds.caCertFile);
        const WireResponse r = client.raw(bytes);
        verifyFailureStatus(r, 413, "RequestEntityTooLarge", "the request body is too large");
        QVERIFY(!r.keepAlive); // the server closes the connection after it
        QCOMPARE(m_store->currentRevision(), revision);
        QCOMPARE(admin("GET", kExisting).status, 200);
    }

    void malformedHttpGets400_data()
    {
        QTest::addColumn<QString>("bytes");
        QTest::newRow("garbage request line") << "HELLO\r\n\r\n";
        QTest::newRow("header without a colon")
            << "GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\nno colon here\r\n\r\n";
        QTest::newRow("bad chunk size")
            << "POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n";
        QTest::newRow("bad Content-Length")
            << "POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               "Content-Length: ten\r\n\r\n";
    }

    void malformedHttpGets400()
    {
        QFETCH(QString, bytes);
        const int64_t revision = m_store->currentRevision();
        WireClient client(m_port, m_creds.caCertFile);
        const WireResponse r = client.raw(bytes.toStdString());
        verifyFailureStatus(r, 400, "BadRequest", "malformed HTTP request");
        QVERIFY(!r.keepAlive);
        QCOMPARE(m_store->currentRevision(), revision);
        QCOMPARE(admin("GET", kExisting).status, 200);
    }

    void bodyShorterThanDeclaredIsDropped()
    {
        // The client stops sending mid-body: the server gives up after its
        // header timeout, answers nothing, stores nothing, and keeps serving.
        const int64_t revision = m_store->currentRevision();
        const std::string body = configMapJson("short");
        WireClient client(m_port, m_creds.caCertFile);
        const auto start = std::chrono::steady_clock::now();
        const WireResponse r =
            client.raw("POST " + std::string(kConfigMaps) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                       "Authorization: Bearer " + m_creds.adminToken +
                       "\r\nContent-Type: application/json\r\nContent-Length: " +
                       std::to_string(body.size() + 100) + "\r\n\r\n" + body);
        QCOMPARE(r.status, 0);
        QVERIFY(std::chrono::steady_clock::now() - start >= kHeaderTimeout / 2);
        QCOMPARE(m_store->currentRevision(), revision);
        QCOMPARE(admin("GET", kExisting).status, 200);
    }

    // ---- lists, revisions and watches ---------------------------------------------

    void listPagination_data()
    {
        QTest::addColumn<int>("limit");
        QTest::addColumn<QList<int>>("pages");
        QTest::newRow("limit 1") << 1 << QList<int>{1, 1, 1, 1, 1};
        QTest::newRow("limit 2") << 2 << QList<int>{2, 2, 1};
        QTest::newRow("limit equal to the size") << 5 << QList<int>{5};
        QTest::newRow("limit over the size") << 50 << QList<int>{5};
    }

    void listPagination()
    {
        QFETCH(int, limit);
        QFETCH(QList<int>, pages);
        const std::string base =
            "/api/v1/namespaces/paging/configmaps?limit=" + std::to_string(limit);
        WireResponse full = admin("GET", "/api/v1/namespaces/paging/configmaps");
        QCOMPARE(full.status, 200);
        const QString listRv =
            full.json().value("metadata").toObject().value("resourceVersion").toString();
        QVERIFY(!listRv.isEmpty());

        QStringList names;
        QString firstPageRv;
        std::string next;
        int remainingBefore = 5;
        for (int i = 0; i < pages.size(); ++i) {
            const WireResponse r = admin("GET", base + (next.empty() ? "" : "&continue=" + next));
            QVERIFY2(r.status == 200, r.body.c_str());
            const QJsonObject list = r.json();
            const QJsonObject md = list.value("metadata").toObject();
            const QJsonArray items = list.value("items").toArray();
            QCOMPARE(items.size(), pages[i]);
            for (const QJsonValue &item : items)
                names << item.toObject().value("metadata").toObject().value("name").toString();
            // Every page is read at the first page's revision.
            if (i == 0)
                firstPageRv = md.value("resourceVersion").toString();
            QCOMPARE(md.value("resourceVersion").toString(), firstPageRv);
            next = md.value("continue").toString().toStdString();
            const bool last = i + 1 == pages.size();
            QCOMPARE(next.empty(), last);
            remainingBefore -= pages[i];
            if (i == 0 && !last)
                QCOMPARE(md.value("remainingItemCount").toInt(), remainingBefore);
        }
        QCOMPARE(firstPageRv, listRv);
        QCOMPARE(names, (QStringList{"page-0", "page-1", "page-2", "page-3", "page-4"}));
    }

    void listResourceVersionFollowsWrites()
    {
        const auto rvOf = [this] {
            return admin("GET", kConfigMaps)
                .json()
                .value("metadata")
                .toObject()
                .value("resourceVersion")
                .toString()
                .toLongLong();
        };
        const qlonglong before = rvOf();
        QCOMPARE(before, qlonglong(m_store->currentRevision()));
        const WireResponse r = create(kConfigMaps, configMapJson("rv-probe"));
        QCOMPARE(r.status, 201);
        const qlonglong written =
            r.json().value("metadata").toObject().value("resourceVersion").toString().toLongLong();
        QVERIFY(written > before);
        QCOMPARE(rvOf(), written);
    }

    void compactedRevisionIsGone()
    {
        // An object written at A, updated at B; the store compacted at B.
        WireResponse r = create(kConfigMaps, configMapJson("compacted"));
        QCOMPARE(r.status, 201);
        const std::string a =
            r.json().value("metadata").toObject().value("resourceVersion").toString().toStdString();
        r = admin("PATCH", std::string(kConfigMaps) + "/compacted", R"({"data":{"k":"B"}})",
                  {{"Content-Type", "application/merge-patch+json"}});
        QCOMPARE(r.status, 200);
        const std::string b =
            r.json().value("metadata").toObject().value("resourceVersion").toString().toStdString();
        QVERIFY(m_store->compact(m_store->currentRevision()).isOk());

        // An exact list at A: 410 Expired.
        r = admin("GET", std::string(kConfigMaps) + "?resourceVersion=" + a +
                             "&resourceVersionMatch=Exact");
        verifyFailureStatus(r, 410, "Expired", "too old resource version");
        QVERIFY(r.keepAlive);

        // An exact list at the compacted revision itself still works.
        r = admin("GET", std::string(kConfigMaps) +
                             "?resourceVersion=" + std::to_string(m_store->currentRevision()) +
                             "&resourceVersionMatch=Exact");
        QVERIFY2(r.status == 200, r.body.c_str());

        // A watch from A: one ERROR event carrying a 410 Status, then the end.
        const auto start = std::chrono::steady_clock::now();
        r = admin("GET",
                  std::string(kConfigMaps) + "?watch=1&timeoutSeconds=10&resourceVersion=" + a);
        QCOMPARE(r.status, 200);
        QVERIFY(r.chunked);
        QVERIFY(std::chrono::steady_clock::now() - start < std::chrono::seconds(8));
        const std::vector<QJsonObject> events = r.events();
        QCOMPARE(events.size(), size_t(1));
        QCOMPARE(events[0].value("type").toString(), QString("ERROR"));
        const QJsonObject status = events[0].value("object").toObject();
        QCOMPARE(status.value("kind").toString(), QString("Status"));
        QCOMPARE(status.value("status").toString(), QString("Failure"));
        QCOMPARE(status.value("reason").toString(), QString("Expired"));
        QCOMPARE(status.value("code").toInt(), 410);
        Q_UNUSED(b);
    }

    void tableListAndWatch()
    {
        const Headers table{{"Accept", kTableAccept}};
        WireResponse r = admin("GET", "/api/v1/namespaces/paging/configmaps", {}, table);
        QCOMPARE(r.status, 200);
        QJsonObject t = r.json();
        QCOMPARE(t.value("kind").toString(), QString("Table"));
        QCOMPARE(t.value("apiVersion").toString(), QString("meta.k8s.io/v1"));
        QVERIFY(!t.value("columnDefinitions").toArray().isEmpty());
        QCOMPARE(t.value("rows").toArray().size(), 5);
        QVERIFY(!t.value("metadata").toObject().value("resourceVersion").toString().isEmpty());

        // While the watch runs, one object changes.
        auto writer = std::async(std::launch::async, [this] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            WireClient other(m_port, m_creds.caCertFile);
            return other
                .request("PATCH", "/api/v1/namespaces/paging/configmaps/page-0", m_creds.adminToken,
                         R"({"data":{"k":"changed"}})",
                         {{"Content-Type", "application/merge-patch+json"}})
                .status;
        });
        r = admin("GET", "/api/v1/namespaces/paging/configmaps?watch=true&timeoutSeconds=2", {},
                  table);
        QCOMPARE(writer.get(), 200);
        QCOMPARE(r.status, 200);
        QVERIFY(r.chunked);
        const std::vector<QJsonObject> events = r.events();
        QCOMPARE(events.size(), size_t(6));
        for (size_t i = 0; i < events.size(); ++i) {
            QCOMPARE(events[i].value("type").toString(), QString(i < 5 ? "ADDED" : "MODIFIED"));
            const QJsonObject object = events[i].value("object").toObject();
            QCOMPARE(object.value("kind").toString(), QString("Table"));
            QCOMPARE(object.value("rows").toArray().size(), 1);
            // Only the first event carries the column definitions.
            QCOMPARE(!object.value("columnDefinitions").toArray().isEmpty(), i == 0);
        }
    }

    // ---- kubist.io: Kubist's own kinds, JSON only ----------------------------------

    void faultsAreServedAsJsonOnly()
    {
        const std::string fault =
            "{\"apiVersion\":\"kubist.io/v1alpha1\",\"kind\":\"Fault\",\"metadata\":"
            "{\"name\":\"wire\"},\"spec\":{\"target\":{\"kind\":\"Component\","
            "\"name\":\"scheduler\"},\"action\":\"Stop\",\"duration\":\"90s\"}}";
        WireResponse r = admin("POST", "/apis/kubist.io/v1alpha1/faults", fault);
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json().value("spec").toObject().value("duration").toString(), QString("90s"));
        // A client that prefers protobuf gets its JSON fallback, as for custom resources.
        const Headers protoFirst{
            {"Accept", "application/vnd.kubernetes.protobuf, application/json"}};
        r = admin("GET", "/apis/kubist.io/v1alpha1/faults/wire", {}, protoFirst);
        QCOMPARE(r.status, 200);
        QVERIFY(r.header("content-type").starts_with("application/json"));
        r = admin("GET", "/apis/kubist.io/v1alpha1/faults", {}, protoFirst);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("kind").toString(), QString("FaultList"));
        // Protobuf alone is not acceptable; a protobuf body is not understood.
        r = admin("GET", "/apis/kubist.io/v1alpha1/faults/wire", {},
                  {{"Accept", "application/vnd.kubernetes.protobuf"}});
        QCOMPARE(r.status, 406);
        r = admin("POST", "/apis/kubist.io/v1alpha1/faults", "x",
                  {{"Content-Type", "application/vnd.kubernetes.protobuf"}});
        QCOMPARE(r.status, 415);
        // kubectl get faults prints its own columns.
        r = admin("GET", "/apis/kubist.io/v1alpha1/faults", {}, {{"Accept", kTableAccept}});
        QCOMPARE(r.status, 200);
        QStringList columns;
        for (const QJsonValue &c : r.json().value("columnDefinitions").toArray())
            columns << c.toObject().value("name").toString();
        QCOMPARE(columns, QStringList({"Name", "Target", "Action", "Duration", "Phase", "Age"}));
        const QJsonArray cells =
            r.json().value("rows").toArray().at(0).toObject().value("cells").toArray();
        QCOMPARE(cells.at(1).toString(), QString("Component/scheduler"));
        QCOMPARE(cells.at(4).toString(), QString("Pending"));
        QCOMPARE(admin("DELETE", "/apis/kubist.io/v1alpha1/faults/wire").status, 200);
    }

    // ---- health, version, activity ------------------------------------------------

    void versionAndHealth_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("body");
        QTest::newRow("/version") << "/version"
                                  << "\"gitVersion\"";
        QTest::newRow("/readyz") << "/readyz"
                                 << "ok";
        QTest::newRow("/livez") << "/livez"
                                << "ok";
        QTest::newRow("/healthz") << "/healthz"
                                  << "ok";
        QTest::newRow("/readyz?verbose") << "/readyz?verbose"
                                         << "[+]etcd ok";
    }

    void versionAndHealth()
    {
        QFETCH(QString, target);
        QFETCH(QString, body);
        // No credentials needed.
        const WireResponse r = m_client->request("GET", target.toStdString(), {});
        QCOMPARE(r.status, 200);
        QVERIFY2(QString::fromStdString(r.body).contains(body), r.body.c_str());
    }

    void activityRecordsHttpRequests()
    {
        auto subscription = m_server->activity().subscribe();
        QCOMPARE(create(kConfigMaps, configMapJson("recorded")).status, 201);
        QCOMPARE(
            m_client->request("DELETE", std::string(kConfigMaps) + "/recorded", m_creds.viewerToken)
                .status,
            403);
        QCOMPARE(admin("GET", std::string(kConfigMaps) + "/recorded").status, 200);

        const std::vector<ActivityRecord> records = subscription->take();
        auto find = [&](const std::string &actor, const std::string &verb) {
            for (const ActivityRecord &rec : records)
                if (rec.actor == actor && rec.verb == verb && rec.resource == "configmaps")
                    return &rec;
            return static_cast<const ActivityRecord *>(nullptr);
        };
        const ActivityRecord *created = find("admin", "create");
        QVERIFY(created);
        QCOMPARE(created->code, 201);
        QCOMPARE(created->ns, std::string("default"));
        QVERIFY(created->touchedStore);
        const ActivityRecord *refused = find("viewer", "delete");
        QVERIFY(refused);
        QCOMPARE(refused->code, 403);
        QCOMPARE(refused->name, std::string("recorded"));
        QVERIFY(!refused->touchedStore);
        const ActivityRecord *read = find("admin", "get");
        QVERIFY(read);
        QCOMPARE(read->code, 200);
    }

    // Last: it stops and restarts the store.
    void stoppedStoreFailsReadinessAndWrites()
    {
        m_store->stop();
        WireResponse r = m_client->request("GET", "/readyz", {});
        QCOMPARE(r.status, 500);
        QVERIFY2(r.body.find("[-]etcd failed") != std::string::npos, r.body.c_str());
        QCOMPARE(m_client->request("GET", "/healthz", {}).status, 500);
        QCOMPARE(m_client->request("GET", "/livez", {}).status, 200);

        r = create(kConfigMaps, configMapJson("while-stopped"));
        verifyFailureStatus(r, 503, "ServiceUnavailable");
        r = admin("DELETE", kExisting);
        verifyFailureStatus(r, 503, "ServiceUnavailable");
        QVERIFY(r.keepAlive);

        m_store->start();
        QCOMPARE(m_client->request("GET", "/readyz", {}).status, 200);
        QCOMPARE(create(kConfigMaps, configMapJson("after-restart")).status, 201);
        QCOMPARE(admin("GET", kExisting).status, 200);
    }
};

QTEST_GUILESS_MAIN(TestHttpApi)
#include "tst_httpapi.moc"
