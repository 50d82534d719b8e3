// The API server's HTTP front under hostile clients and load, over a real
// socket: request smuggling shapes and oversized heads refused (400/431, the
// connection closed), slow and idle clients dropped, in-flight limits (429
// with Retry-After while watches and health checks keep answering), request
// timeouts (504), and graceful shutdown. After each, the server still serves
// and nothing stored changed.
//
// Requests are held in flight deterministically by the server's own seams:
// a create admission check (Registry::setCreateAdmission) and a pod log
// source (Registry::setPodLogSource) that wait on a Gate the test opens.

#include "httptestserver.h"

#include "backend/api/scheme.h"
#include "backend/apiserver/activitystream.h"
#include "backend/apiserver/registry/registry.h"
#include "backend/client/objectkey.h"

#include "meta_v1.pb.h"

#include <QJsonArray>
#include <QTest>

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

using namespace kubist;
using namespace kubist::apiserver;
using kubist::testing::configMapJson;
using kubist::testing::HttpTestServer;
using kubist::testing::WireClient;
using kubist::testing::WireResponse;

namespace {

const char *const kConfigMaps = "/api/v1/namespaces/default/configmaps";

// A door the server's seams wait behind until the test opens it.
class Gate final
{
public:
    // Blocks until open() (or 30 s, so a failing test cannot hang).
    void pass()
    {
        std::unique_lock lock(m_mutex);
        ++m_waiting;
        m_cv.notify_all();
        m_cv.wait_for(lock, std::chrono::seconds(30), [this] { return m_open; });
        --m_waiting;
    }
    // Waits (bounded) until `n` callers are blocked in pass().
    bool waitForWaiters(int n)
    {
        std::unique_lock lock(m_mutex);
        return m_cv.wait_for(lock, std::chrono::seconds(10), [&] { return m_waiting >= n; });
    }
    void open()
    {
        std::lock_guard lock(m_mutex);
        m_open = true;
        m_cv.notify_all();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    int m_waiting = 0;
    bool m_open = false;
};

// ConfigMaps whose name starts with "held-" wait at the gate while being created.
void holdCreates(Registry &registry, Gate &gate)
{
    registry.setCreateAdmission("ConfigMap", [&gate](const google::protobuf::Message &object) {
        const std::string &name = client::objectMeta(object).name();
        if (name.starts_with("held-"))
            gate.pass();
        return FieldErrors{};
    });
}

// Every pod log read waits at the gate.
class HeldLogs final : public PodLogSource
{
public:
    explicit HeldLogs(Gate &gate)
        : m_gate(gate)
    {}
    Result<std::string> podLog(const std::string &, const std::string &,
                               const client::LogOptions &) override
    {
        m_gate.pass();
        return std::string("log line\n");
    }

private:
    Gate &m_gate;
};

// Waits (bounded) until the server has started a watch: it records one
// in the activity stream once the watch is registered, past every check a
// shutdown or limit could refuse it at.
bool watchStarted(ActivityStream::Subscription &activity)
{
    for (int i = 0; i < 1000; ++i) {
        for (const ActivityRecord &r : activity.take())
            if (r.verb == "watch" && r.code == 200)
                return true;
        QTest::qWait(10);
    }
    return false;
}

std::string headWith(const std::string &fields, const std::string &token)
{
    return "POST " + std::string(kConfigMaps) +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + "Bearer " + token +
           "\r\nContent-Type: application/json\r\n" + fields;
}

bool isStatus(const WireResponse &r, int code, const QString &reason)
{
    const QJsonObject s = r.json();
    return r.status == code && s.value("kind").toString() == "Status" &&
           s.value("reason").toString() == reason && s.value("code").toInt() == code;
}

} // namespace

class TestHttpHardening : public QObject
{
    Q_OBJECT

    HttpTestServer m_srv;
    std::unique_ptr<WireClient> m_client;

    WireResponse admin(const std::string &method, const std::string &target,
                       const std::string &body = {}, const testing::Headers &headers = {})
    {
        return m_client->request(method, target, m_srv.creds.adminToken, body, headers);
    }

    // The server answers an ordinary request on a fresh connection.
    bool stillServes()
    {
        WireClient c(m_srv.port, m_srv.creds.caCertFile);
        return c.request("GET", kConfigMaps, m_srv.creds.adminToken).status == 200;
    }

private slots:
    void initTestCase()
    {
        HttpServer::Options ho;
        ho.headerTimeout = std::chrono::milliseconds(1500);
        ho.idleTimeout = std::chrono::milliseconds(1500);
        const std::string error = m_srv.start(ApiLimits(), ho);
        QVERIFY2(error.empty(), error.c_str());
        m_client = m_srv.client();
        QCOMPARE(admin("POST", kConfigMaps, configMapJson("existing"),
                       {{"Content-Type", "application/json"}})
                     .status,
                 201);
    }

    void cleanupTestCase()
    {
        m_client.reset();
        m_srv.stop();
    }

    // ---- request smuggling and malformed framing --------------------------------

    void smugglingShapesGet400_data()
    {
        QTest::addColumn<QString>("fields"); // after the common head; "" ends with the body
        QTest::addColumn<QString>("body");
        QTest::addColumn<QString>("message");

        // The body would create "smuggled" if a reader took the other framing.
        const QString second = QString::fromStdString("POST " + std::string(kConfigMaps) +
                                                      " HTTP/1.1\r\nHost: x\r\n\r\n");
        QTest::newRow("Content-Length with Transfer-Encoding")
            << "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
            << "0\r\n\r\n" + second << "both Content-Length and Transfer-Encoding";
        QTest::newRow("Transfer-Encoding with Content-Length")
            << "Transfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n"
            << "5\r\nhello\r\n0\r\n\r\n"
            << "both Content-Length and Transfer-Encoding";
        QTest::newRow("duplicate equal Content-Length")
            << "Content-Length: 2\r\nContent-Length: 2\r\n\r\n"
            << "{}"
            << "more than one Content-Length";
        QTest::newRow("conflicting Content-Length")
            << "Content-Length: 2\r\nContent-Length: 40\r\n\r\n"
            << "{}"
            << "more than one Content-Length";
        QTest::newRow("Content-Length as a list") << "Content-Length: 2, 2\r\n\r\n"
                                                  << "{}"
                                                  << "an invalid Content-Length";
        QTest::newRow("signed Content-Length") << "Content-Length: +2\r\n\r\n"
                                               << "{}"
                                               << "an invalid Content-Length";
        QTest::newRow("obs-fold continuation line")
            << "X-Note: one\r\n two\r\nContent-Length: 2\r\n\r\n"
            << "{}"
            << "obs-fold";
        QTest::newRow("obs-fold with a tab") << "X-Note: one\r\n\ttwo\r\nContent-Length: 2\r\n\r\n"
                                             << "{}"
                                             << "obs-fold";
        QTest::newRow("space before the colon") << "Content-Length : 2\r\n\r\n"
                                                << "{}"
                                                << "whitespace between a header name";
        QTest::newRow("tab before the colon") << "Transfer-Encoding\t: chunked\r\n\r\n"
                                              << "0\r\n\r\n"
                                              << "whitespace between a header name";
        QTest::newRow("Transfer-Encoding other than chunked")
            << "Transfer-Encoding: gzip, chunked\r\n\r\n"
            << "0\r\n\r\n"
            << "a Transfer-Encoding other than chunked";
        QTest::newRow("Transfer-Encoding twice")
            << "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
            << "0\r\n\r\n"
            << "a Transfer-Encoding other than chunked";
        QTest::newRow("Transfer-Encoding identity") << "Transfer-Encoding: identity\r\n\r\n"
                                                    << "{}"
                                                    << "a Transfer-Encoding other than chunked";
        QTest::newRow("malformed chunk size") << "Transfer-Encoding: chunked\r\n\r\n"
                                              << "zz\r\n{}\r\n0\r\n\r\n"
                                              << "malformed HTTP request";
        QTest::newRow("chunk size overflowing 64 bits") << "Transfer-Encoding: chunked\r\n\r\n"
                                                        << "10000000000000002\r\n{}\r\n0\r\n\r\n"
                                                        << "malformed HTTP request";
        QTest::newRow("negative chunk size") << "Transfer-Encoding: chunked\r\n\r\n"
                                             << "-2\r\n{}\r\n0\r\n\r\n"
                                             << "malformed HTTP request";
        QTest::newRow("chunk extension without a name") << "Transfer-Encoding: chunked\r\n\r\n"
                                                        << "2;\r\n{}\r\n0\r\n\r\n"
                                                        << "malformed HTTP request";
        QTest::newRow("chunk extension with a space in its name")
            << "Transfer-Encoding: chunked\r\n\r\n"
            << "2;a b=c\r\n{}\r\n0\r\n\r\n"
            << "malformed HTTP request";
        QTest::newRow("chunk data longer than its size") << "Transfer-Encoding: chunked\r\n\r\n"
                                                         << "1\r\n{}\r\n0\r\n\r\n"
                                                         << "malformed HTTP request";
        QTest::newRow("bare LF after a field") << "Content-Length: 2\n\r\n"
                                               << "{}"
                                               << "bare LF";
        QTest::newRow("bare LF ending the head") << "Content-Length: 2\r\n\n"
                                                 << "{}"
                                                 << "bare LF";
        QTest::newRow("bare CR in a field") << "X-Note: a\rb\r\nContent-Length: 2\r\n\r\n"
                                            << "{}"
                                            << "bare CR";
        QTest::newRow("NUL in a value")
            << QString("X-Note: a") + QChar(0) + "b\r\nContent-Length: 2\r\n\r\n"
            << "{}"
            << "control character";
    }

    void smugglingShapesGet400()
    {
        QFETCH(QString, fields);
        QFETCH(QString, body);
        QFETCH(QString, message);
        const int64_t revision = m_srv.store->currentRevision();
        std::string bytes = headWith(fields.toStdString(), m_srv.creds.adminToken);
        // QString keeps the NUL of the last row; toStdString() keeps it too.
        bytes += body.toStdString();
        WireClient client(m_srv.port, m_srv.creds.caCertFile);
        const WireResponse r = client.raw(bytes);
        QVERIFY2(isStatus(r, 400, "BadRequest"), qPrintable(r.describe()));
        QVERIFY2(r.json().value("message").toString().contains(message), qPrintable(r.describe()));
        QVERIFY(!r.keepAlive); // the connection is closed after it
        QCOMPARE(m_srv.store->currentRevision(), revision);
        QVERIFY(stillServes());
    }

    void requestLineAndHostChecks_data()
    {
        QTest::addColumn<QString>("bytes");
        QTest::addColumn<QString>("message");
        QTest::newRow("bare LF request line") << "GET /version HTTP/1.1\nHost: 127.0.0.1\r\n\r\n"
                                              << "bare LF";
        QTest::newRow("all bare LF") << "GET /version HTTP/1.1\nHost: 127.0.0.1\n\n"
                                     << "bare LF";
        QTest::newRow("no Host in HTTP/1.1") << "GET /version HTTP/1.1\r\n\r\n"
                                             << "exactly one Host";
        QTest::newRow("two Host headers") << "GET /version HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"
                                          << "exactly one Host";
        QTest::newRow("HTTP/2 request line") << "GET /version HTTP/2.0\r\nHost: a\r\n\r\n"
                                             << "unsupported HTTP version";
        QTest::newRow("extra space in the request line")
            << "GET  /version HTTP/1.1\r\nHost: a\r\n\r\n"
            << "the request line";
        QTest::newRow("Transfer-Encoding in HTTP/1.0")
            << "POST /version HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
            << "HTTP/1.0";
        QTest::newRow("leading empty line") << "\r\nGET /version HTTP/1.1\r\nHost: a\r\n\r\n"
                                            << "the request line";
    }

    void requestLineAndHostChecks()
    {
        QFETCH(QString, bytes);
        QFETCH(QString, message);
        WireClient client(m_srv.port, m_srv.creds.caCertFile);
        const WireResponse r = client.raw(bytes.toStdString());
        QVERIFY2(isStatus(r, 400, "BadRequest"), qPrintable(r.describe()));
        QVERIFY2(r.json().value("message").toString().contains(message), qPrintable(r.describe()));
        QVERIFY(!r.keepAlive);
        QVERIFY(stillServes());
    }

    void wellFormedChunkedBodyIsServed()
    {
        // The strict reader still takes what clients really send.
        const std::string body = configMapJson("chunked-ok");
        std::ostringstream size;
        size << std::hex << body.size();
        WireClient client(m_srv.port, m_srv.creds.caCertFile);
        const WireResponse r =
            client.raw(headWith("Transfer-Encoding: chunked\r\n\r\n", m_srv.creds.adminToken) +
                       size.str() + ";name=value\r\n" + body + "\r\n0\r\n\r\n");
        QVERIFY2(r.status == 201, qPrintable(r.describe()));
    }

    void oversizedHeadGets431()
    {
        const int64_t revision = m_srv.store->currentRevision();
        WireClient client(m_srv.port, m_srv.creds.caCertFile);
        const WireResponse r = client.raw("GET /version HTTP/1.1\r\nHost: a\r\nX-Big: " +
                                          std::string(300 * 1024, 'x') + "\r\n\r\n");
        QVERIFY2(isStatus(r, 431, "RequestHeaderFieldsTooLarge"), qPrintable(r.describe()));
        QVERIFY(!r.keepAlive);
        QCOMPARE(m_srv.store->currentRevision(), revision);
        QVERIFY(stillServes());
    }

    // ---- slow and idle clients ----------------------------------------------------

    void slowHeadersAreDropped()
    {
        // Half a head, then nothing: the server drops the connection after
        // its header timeout (1.5 s here) without answering.
        WireClient client(m_srv.port, m_srv.creds.caCertFile);
        client.setTimeout(std::chrono::milliseconds(8000));
        const auto start = std::chrono::steady_clock::now();
        const WireResponse r = client.raw("GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Sl");
        const auto took = std::chrono::steady_clock::now() - start;
        QCOMPARE(r.status, 0);
        QVERIFY2(took >= std::chrono::milliseconds(1000) && took < std::chrono::milliseconds(6000),
                 qPrintable(r.describe()));
        QVERIFY(stillServes());
    }

    void idleKeepAliveConnectionsClose()
    {
        WireClient client(m_srv.port, m_srv.creds.caCertFile);
        QCOMPARE(client.request("GET", kConfigMaps, m_srv.creds.adminToken).status, 200);
        QCOMPARE(client.connects(), 1);
        // Past the idle timeout the server has closed it; the next request
        // needs a new connection.
        QTest::qWait(2500);
        QCOMPARE(client.request("GET", kConfigMaps, m_srv.creds.adminToken).status, 200);
        QCOMPARE(client.connects(), 2);
    }

    // ---- in-flight limits ---------------------------------------------------------

    void mutatingLimitGets429()
    {
        HttpTestServer srv;
        ApiLimits limits;
        limits.maxMutatingRequestsInFlight = 1;
        const std::string error = srv.start(limits);
        QVERIFY2(error.empty(), error.c_str());
        Gate gate;
        holdCreates(srv.server->registry(), gate);
        const std::string token = srv.creds.adminToken;

        // A watch opened before the load keeps streaming through it.
        auto activity = srv.server->activity().subscribe();
        std::future<WireResponse> watch =
            srv.requestInBackground("GET", std::string(kConfigMaps) + "?watch=1&timeoutSeconds=3");
        QVERIFY(watchStarted(*activity));
        std::future<WireResponse> held = srv.requestInBackground(
            "POST", kConfigMaps, configMapJson("held-1"), {{"Content-Type", "application/json"}});
        QVERIFY(gate.waitForWaiters(1));

        auto client = srv.client();
        const int64_t revision = srv.store->currentRevision();
        const WireResponse refused =
            client->request("POST", kConfigMaps, token, configMapJson("second"),
                            {{"Content-Type", "application/json"}});
        QVERIFY2(isStatus(refused, 429, "TooManyRequests"), qPrintable(refused.describe()));
        QCOMPARE(refused.header("retry-after"), std::string("1"));
        QCOMPARE(refused.json().value("details").toObject().value("retryAfterSeconds").toInt(), 1);
        QCOMPARE(srv.store->currentRevision(), revision);
        // Reads have their own limit; health checks and new watches are never refused.
        QCOMPARE(client->request("GET", kConfigMaps, token).status, 200);
        QCOMPARE(client->request("GET", "/readyz", token).status, 200);
        QCOMPARE(client->request("GET", "/livez", token).status, 200);
        const WireResponse shortWatch =
            client->request("GET", std::string(kConfigMaps) + "?watch=1&timeoutSeconds=1", token);
        QCOMPARE(shortWatch.status, 200);

        gate.open();
        const WireResponse first = held.get();
        QVERIFY2(first.status == 201, qPrintable(first.describe()));
        // The slot is given back just after the answer is written: retry briefly.
        int status = 0;
        for (int i = 0; i < 50 && status != 201; ++i) {
            status = client
                         ->request("POST", kConfigMaps, token, configMapJson("second"),
                                   {{"Content-Type", "application/json"}})
                         .status;
            if (status != 201)
                QTest::qWait(20);
        }
        QCOMPARE(status, 201);
        // The watch that was open throughout saw both creates.
        const WireResponse w = watch.get();
        QCOMPARE(w.status, 200);
        int added = 0;
        for (const QJsonObject &e : w.events())
            added += e.value("type").toString() == "ADDED";
        QCOMPARE(added, 2);
    }

    void readOnlyLimitGets429()
    {
        HttpTestServer srv;
        ApiLimits limits;
        limits.maxRequestsInFlight = 1;
        const std::string error = srv.start(limits);
        QVERIFY2(error.empty(), error.c_str());
        Gate gate;
        HeldLogs logs(gate);
        srv.server->registry().setPodLogSource(&logs);
        const std::string token = srv.creds.adminToken;
        auto client = srv.client();
        QCOMPARE(client
                     ->request(
                         "POST", "/api/v1/namespaces/default/pods", token,
                         R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},)"
                         R"("spec":{"nodeName":"n1","containers":[{"name":"c","image":"nginx"}]}})",
                         {{"Content-Type", "application/json"}})
                     .status,
                 201);
        std::future<WireResponse> held =
            srv.requestInBackground("GET", "/api/v1/namespaces/default/pods/p/log");
        QVERIFY(gate.waitForWaiters(1));

        const WireResponse refused = client->request("GET", kConfigMaps, token);
        QVERIFY2(isStatus(refused, 429, "TooManyRequests"), qPrintable(refused.describe()));
        QCOMPARE(refused.header("retry-after"), std::string("1"));
        // Writes have their own limit; health and watches stay responsive.
        QCOMPARE(client
                     ->request("POST", kConfigMaps, token, configMapJson("during"),
                               {{"Content-Type", "application/json"}})
                     .status,
                 201);
        QCOMPARE(client->request("GET", "/readyz", token).status, 200);
        QCOMPARE(
            client->request("GET", std::string(kConfigMaps) + "?watch=1&timeoutSeconds=1", token)
                .status,
            200);
        gate.open();
        QCOMPARE(held.get().status, 200);
        int status = 0;
        for (int i = 0; i < 50 && status != 200; ++i) {
            status = client->request("GET", kConfigMaps, token).status;
            if (status != 200)
                QTest::qWait(20);
        }
        QCOMPARE(status, 200);
    }

    // ---- timeouts -----------------------------------------------------------------

    void slowRequestGets504()
    {
        HttpTestServer srv;
        ApiLimits limits;
        limits.requestTimeout = std::chrono::milliseconds(500);
        const std::string error = srv.start(limits);
        QVERIFY2(error.empty(), error.c_str());
        Gate gate;
        holdCreates(srv.server->registry(), gate);
        auto client = srv.client();
        const auto start = std::chrono::steady_clock::now();
        const WireResponse r =
            client->request("POST", kConfigMaps, srv.creds.adminToken, configMapJson("held-slow"),
                            {{"Content-Type", "application/json"}});
        const auto took = std::chrono::steady_clock::now() - start;
        QVERIFY2(isStatus(r, 504, "Timeout"), qPrintable(r.describe()));
        QVERIFY(took >= std::chrono::milliseconds(450) && took < std::chrono::milliseconds(5000));
        QVERIFY(!r.keepAlive);
        gate.open();
        // A watch outlives the request timeout: it is long-running.
        const auto watchStart = std::chrono::steady_clock::now();
        const WireResponse w = client->request(
            "GET", std::string(kConfigMaps) + "?watch=1&timeoutSeconds=2", srv.creds.adminToken);
        QCOMPARE(w.status, 200);
        QVERIFY(std::chrono::steady_clock::now() - watchStart >= std::chrono::milliseconds(1800));
        QCOMPARE(client->request("GET", kConfigMaps, srv.creds.adminToken).status, 200);
    }

    void watchesEndAtARandomisedTime()
    {
        // Without timeoutSeconds a watch ends between the minimum request
        // timeout and twice it (1 s here), so watchers do not all reconnect
        // at once.
        HttpTestServer srv;
        ApiLimits limits;
        limits.minRequestTimeout = std::chrono::seconds(1);
        const std::string error = srv.start(limits);
        QVERIFY2(error.empty(), error.c_str());
        const uint16_t port = srv.port;
        const std::string ca = srv.creds.caCertFile;
        const std::string token = srv.creds.adminToken;
        std::vector<std::future<std::chrono::milliseconds>> watches;
        for (int i = 0; i < 4; ++i)
            watches.push_back(std::async(std::launch::async, [&] {
                WireClient c(port, ca);
                const auto start = std::chrono::steady_clock::now();
                const WireResponse r =
                    c.request("GET", std::string(kConfigMaps) + "?watch=1", token);
                const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - start);
                return r.status == 200 ? took : std::chrono::milliseconds(-1);
            }));
        for (auto &w : watches) {
            const std::chrono::milliseconds took = w.get();
            QVERIFY2(took >= std::chrono::milliseconds(900) &&
                         took <= std::chrono::milliseconds(3000),
                     qPrintable(QString::number(took.count())));
        }
    }

    void clientTimeoutShortensTheRequest()
    {
        Gate gate;
        HeldLogs logs(gate);
        m_srv.server->registry().setPodLogSource(&logs);
        QCOMPARE(admin("POST", "/api/v1/namespaces/default/pods",
                       R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"t"},)"
                       R"("spec":{"nodeName":"n1","containers":[{"name":"c","image":"nginx"}]}})",
                       {{"Content-Type", "application/json"}})
                     .status,
                 201);
        const WireResponse r = admin("GET", "/api/v1/namespaces/default/pods/t/log?timeout=300ms");
        QVERIFY2(isStatus(r, 504, "Timeout"), qPrintable(r.describe()));
        const WireResponse bad = admin("GET", std::string(kConfigMaps) + "?timeout=soon");
        QVERIFY2(isStatus(bad, 400, "BadRequest"), qPrintable(bad.describe()));
        gate.open();
        m_srv.server->registry().setPodLogSource(nullptr);
        QVERIFY(stillServes());
    }

    // ---- graceful shutdown --------------------------------------------------------

    void gracefulShutdown()
    {
        HttpTestServer srv;
        const std::string error = srv.start();
        QVERIFY2(error.empty(), error.c_str());
        Gate gate;
        holdCreates(srv.server->registry(), gate);
        const std::string token = srv.creds.adminToken;
        auto activity = srv.server->activity().subscribe();
        std::future<WireResponse> watch =
            srv.requestInBackground("GET", std::string(kConfigMaps) + "?watch=1");
        QVERIFY(watchStarted(*activity));
        std::future<WireResponse> inFlight =
            srv.requestInBackground("POST", kConfigMaps, configMapJson("held-during-shutdown"),
                                    {{"Content-Type", "application/json"}});
        QVERIFY(gate.waitForWaiters(1));
        auto client = srv.client();
        QCOMPARE(client->request("GET", "/readyz", token).status, 200);

        // Shutting down: readiness fails first, new requests get 429 and
        // Connection: close, liveness still answers.
        srv.handler->setShuttingDown(true);
        const WireResponse ready = client->request("GET", "/readyz", token);
        QVERIFY2(ready.status != 200, qPrintable(ready.describe()));
        QCOMPARE(client->request("GET", "/livez", token).status, 200);
        const WireResponse refused = client->request("GET", kConfigMaps, token);
        QVERIFY2(isStatus(refused, 429, "TooManyRequests"), qPrintable(refused.describe()));
        QCOMPARE(refused.header("retry-after"), std::string("1"));
        QVERIFY(!refused.keepAlive);

        // Stopping: the in-flight write finishes within the grace period,
        // the watch ends, and what was written is stored.
        std::thread opener([&gate] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            gate.open();
        });
        srv.http->stop(std::chrono::milliseconds(5000));
        opener.join();
        const WireResponse written = inFlight.get();
        QVERIFY2(written.status == 201, qPrintable(written.describe()));
        const WireResponse w = watch.get();
        QCOMPARE(w.status, 200);
        QVERIFY(w.chunked);
        const api::KindInfo *configMaps = api::Scheme::builtin().byKind("v1", "ConfigMap");
        QVERIFY(configMaps);
        QVERIFY2(srv.server->registry().get(*configMaps, "default", "held-during-shutdown").isOk(),
                 "the in-flight create was not stored");
    }
};

QTEST_GUILESS_MAIN(TestHttpHardening)
#include "tst_httphardening.moc"
