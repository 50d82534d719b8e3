#pragma once

// Test fixtures for the API server's HTTP front: an in-process server (store
// on a temporary directory, ApiServer, ApiHandler with an admin and a viewer
// token, HttpServer with TLS on a free loopback port) and a small blocking
// HTTPS client that verifies the server against the generated CA, keeps its
// connection alive, and can also send hand-written bytes.

#include "backend/apiserver/apiserver.h"
#include "backend/apiserver/http/apihandler.h"
#include "backend/apiserver/http/certificates.h"
#include "backend/apiserver/http/httpserver.h"
#include "backend/store/store.h"
#include "backend/util/clock.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

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
#include <utility>
#include <vector>

namespace kubist::testing {

namespace wire {
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
} // namespace wire

using Headers = std::vector<std::pair<std::string, std::string>>;

namespace wireimpl {
using namespace wire;

// One HTTP response as the client read it.
struct WireResponse
{
    int status = 0;    // 0: no response (see error)
    std::string error; // why there is no response
    Headers headers;   // names lower-cased, in order
    std::string body;
    bool chunked = false;
    bool keepAlive = false;

    // "HTTP <status> <body> <error>" for test failure messages.
    QString describe() const
    {
        return QString("HTTP %1 %2 %3")
            .arg(status)
            .arg(QString::fromStdString(body.substr(0, 400)), QString::fromStdString(error));
    }

    std::string header(const std::string &lowerName) const
    {
        for (const auto &[k, v] : headers)
            if (k == lowerName)
                return v;
        return {};
    }
    std::vector<std::string> headerValues(const std::string &lowerName) const
    {
        std::vector<std::string> out;
        for (const auto &[k, v] : headers)
            if (k == lowerName)
                out.push_back(v);
        return out;
    }
    QJsonObject json() const
    {
        return QJsonDocument::fromJson(QByteArray::fromStdString(body)).object();
    }
    // Newline-delimited JSON watch events.
    std::vector<QJsonObject> events() const
    {
        std::vector<QJsonObject> out;
        for (const QByteArray &line : QByteArray::fromStdString(body).split('\n'))
            if (!line.trimmed().isEmpty())
                out.push_back(QJsonDocument::fromJson(line).object());
        return out;
    }
};

// A small blocking HTTPS client: one connection, kept alive across requests
// and opened again when the server closed it. Every exchange writes the
// request and reads the response concurrently (as Go's transport does), so
// a response the server sends before reading the whole body is seen.
class WireClient final
{
public:
    WireClient(uint16_t port, const std::string &caFile)
        : m_port(port)
        , m_tls(ssl::context::tls_client)
    {
        beast::error_code ec;
        m_tls.load_verify_file(caFile, ec);
        if (ec)
            qFatal("cannot load CA %s: %s", caFile.c_str(), ec.message().c_str());
        m_tls.set_verify_mode(ssl::verify_peer);
    }

    WireResponse request(const std::string &method, const std::string &target,
                         const std::string &token, const std::string &body = {},
                         const Headers &headers = {})
    {
        http::request<http::string_body> req{http::string_to_verb(method), target, 11};
        req.set(http::field::host, "127.0.0.1:" + std::to_string(m_port));
        req.set(http::field::user_agent, "tst_httpapi");
        if (!token.empty())
            req.set(http::field::authorization, "Bearer " + token);
        for (const auto &[k, v] : headers)
            req.set(k, v);
        req.body() = body;
        req.keep_alive(true);
        req.prepare_payload();
        std::ostringstream bytes;
        bytes << req;
        // As Go's transport: a kept-alive connection the server has since
        // closed (idle timeout) is retried once on a new connection.
        const bool reused = m_stream != nullptr;
        WireResponse r = exchange(bytes.str(), false);
        if (r.status == 0 && reused)
            r = exchange(bytes.str(), true);
        return r;
    }

    // Sends `bytes` as they are on a fresh connection and reads one response.
    WireResponse raw(const std::string &bytes) { return exchange(bytes, true); }

    // Connections opened so far.
    int connects() const { return m_connects; }
    bool connected() const { return m_stream != nullptr; }

    void disconnect()
    {
        if (!m_stream)
            return;
        beast::error_code ec;
        beast::get_lowest_layer(*m_stream).socket().shutdown(tcp::socket::shutdown_both, ec);
        beast::get_lowest_layer(*m_stream).close();
        m_stream.reset();
        m_buffer.clear();
    }

    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

private:
    using Stream = beast::ssl_stream<beast::tcp_stream>;

    void run()
    {
        m_io.restart();
        m_io.run();
    }

    beast::error_code connect()
    {
        disconnect();
        m_stream = std::make_unique<Stream>(m_io, m_tls);
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(m_stream->native_handle()), "127.0.0.1");
        beast::error_code result = net::error::would_block;
        auto &layer = beast::get_lowest_layer(*m_stream);
        layer.expires_after(m_timeout);
        layer.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), m_port),
                            [&](beast::error_code ec) { result = ec; });
        run();
        if (!result) {
            layer.expires_after(m_timeout);
            m_stream->async_handshake(ssl::stream_base::client,
                                      [&](beast::error_code ec) { result = ec; });
            run();
        }
        if (result)
            disconnect();
        else
            ++m_connects;
        return result;
    }

    WireResponse exchange(const std::string &bytes, bool fresh)
    {
        WireResponse out;
        if (fresh || !m_stream)
            if (beast::error_code ec = connect()) {
                out.error = "connect: " + ec.message();
                return out;
            }
        http::response_parser<http::string_body> parser;
        parser.body_limit(64 * 1024 * 1024);
        beast::error_code writeResult = net::error::would_block;
        beast::error_code readResult = net::error::would_block;
        beast::get_lowest_layer(*m_stream).expires_after(m_timeout);
        net::async_write(*m_stream, net::buffer(bytes),
                         [&](beast::error_code ec, size_t) { writeResult = ec; });
        http::async_read(*m_stream, m_buffer, parser,
                         [&](beast::error_code ec, size_t) { readResult = ec; });
        run();
        if (readResult) {
            out.error = "read: " + readResult.message() + " (write: " + writeResult.message() + ")";
            disconnect();
            return out;
        }
        const auto &res = parser.get();
        out.status = int(res.result_int());
        for (const auto &field : res) {
            std::string name(field.name_string());
            for (char &c : name)
                c = char(std::tolower(static_cast<unsigned char>(c)));
            out.headers.emplace_back(name, std::string(field.value()));
        }
        out.body = res.body();
        out.chunked = res.chunked();
        out.keepAlive = res.keep_alive();
        if (writeResult || !out.keepAlive)
            disconnect();
        return out;
    }

    const uint16_t m_port;
    net::io_context m_io;
    ssl::context m_tls;
    std::unique_ptr<Stream> m_stream;
    beast::flat_buffer m_buffer;
    std::chrono::milliseconds m_timeout{20000};
    int m_connects = 0;
};

} // namespace wireimpl

using wireimpl::WireClient;
using wireimpl::WireResponse;

// A ConfigMap `name` (namespace from the URL) with data k=`value`;
// `extraMetadata` (e.g. `,"namespace":"x"`) is spliced into its metadata.
inline std::string configMapJson(const std::string &name, const std::string &value = "v",
                                 const std::string &extraMetadata = {})
{
    return R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" + name + R"(")" +
           extraMetadata + R"(},"data":{"k":")" + value + R"("}})";
}

// One API server over HTTPS, started by start() and stopped by the
// destructor (or stop()).
struct HttpTestServer
{
    QTemporaryDir dir;
    std::unique_ptr<store::Store> store;
    std::unique_ptr<apiserver::ApiServer> server;
    std::unique_ptr<apiserver::ApiHandler> handler;
    std::unique_ptr<apiserver::HttpServer> http;
    apiserver::ServerCredentials creds;
    uint16_t port = 0;

    // Empty on success, else why it failed.
    std::string start(apiserver::ApiLimits limits = apiserver::ApiLimits(),
                      apiserver::HttpServer::Options httpOptions = apiserver::HttpServer::Options())
    {
        if (!dir.isValid())
            return "no temporary directory";
        store::StoreOptions o;
        o.compactionIntervalMs = 0;
        o.powerSafe = false;
        auto s = store::Store::open((dir.path() + "/store").toStdString(), o);
        if (!s)
            return s.status().message();
        store = std::move(*s);
        QDir().mkpath(dir.path() + "/pki");
        auto c = apiserver::ensureServerCredentials((dir.path() + "/pki").toStdString());
        if (!c)
            return c.status().message();
        creds = *c;
        server = std::make_unique<apiserver::ApiServer>(*store, SystemClock::instance());
        if (Status b = server->registry().bootstrap(); !b)
            return b.message();
        using Identity = apiserver::ApiHandler::Identity;
        handler = std::make_unique<apiserver::ApiHandler>(
            *server,
            std::map<std::string, Identity>{
                {creds.adminToken, Identity{"admin", apiserver::Role::Admin}},
                {creds.viewerToken, Identity{"viewer", apiserver::Role::Viewer}}},
            limits);
        httpOptions.address = "127.0.0.1";
        httpOptions.port = 0;
        httpOptions.tls = true;
        httpOptions.certFile = creds.certFile;
        httpOptions.keyFile = creds.keyFile;
        httpOptions.clientCaFile = creds.caCertFile;
        http = std::make_unique<apiserver::HttpServer>(
            httpOptions, [this](const apiserver::HttpRequest &req, apiserver::ResponseWriter &w) {
                handler->handle(req, w);
            });
        auto p = http->start();
        if (!p)
            return p.status().message();
        port = *p;
        return {};
    }

    std::unique_ptr<WireClient> client() const
    {
        return std::make_unique<WireClient>(port, creds.caCertFile);
    }

    // One admin request on its own connection and thread (a watch, or a
    // request the test holds in flight); get() the answer.
    std::future<WireResponse> requestInBackground(const std::string &method,
                                                  const std::string &target,
                                                  const std::string &body = {},
                                                  const Headers &headers = {}) const
    {
        return std::async(std::launch::async,
                          [=, port = port, ca = creds.caCertFile, token = creds.adminToken] {
                              WireClient c(port, ca);
                              return c.request(method, target, token, body, headers);
                          });
    }

    void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(1000))
    {
        if (http)
            http->stop(grace);
        http.reset();
        handler.reset();
        server.reset();
        store.reset();
    }

    ~HttpTestServer() { stop(std::chrono::milliseconds(0)); }
};

} // namespace kubist::testing
