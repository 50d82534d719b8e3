#include "httpserver.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <poll.h>
#include <sys/socket.h>

#include <condition_variable>
#include <list>

namespace kubist::apiserver {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::string percentDecode(std::string_view s, bool plusIsSpace)
{
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hexValue(s[i + 1]) >= 0 && hexValue(s[i + 2]) >= 0) {
            out += char(hexValue(s[i + 1]) * 16 + hexValue(s[i + 2]));
            i += 2;
        } else if (plusIsSpace && s[i] == '+') {
            out += ' ';
        } else {
            out += s[i];
        }
    }
    return out;
}

void parseTarget(std::string_view target, HttpRequest &req)
{
    const size_t q = target.find('?');
    req.path = percentDecode(target.substr(0, q), false);
    if (q == std::string_view::npos)
        return;
    std::string_view query = target.substr(q + 1);
    while (!query.empty()) {
        const size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        const size_t eq = pair.find('=');
        if (!pair.empty())
            req.query.emplace(percentDecode(pair.substr(0, eq), true),
                              eq == std::string_view::npos
                                  ? std::string()
                                  : percentDecode(pair.substr(eq + 1), true));
        if (amp == std::string_view::npos)
            break;
        query.remove_prefix(amp + 1);
    }
}

} // namespace

std::string HttpRequest::param(const std::string &name) const
{
    auto it = query.find(name);
    return it == query.end() ? std::string() : it->second;
}

std::string HttpRequest::header(const std::string &lowerName) const
{
    auto it = headers.find(lowerName);
    return it == headers.end() ? std::string() : it->second;
}

struct HttpServer::Impl
{
    struct Connection
    {
        std::unique_ptr<tcp::socket> socket;
        std::thread thread;
        std::atomic<int64_t> deadline{0}; // steady ms; 0 = none
        std::atomic<bool> busy{false};    // a request is being handled
        std::atomic<bool> done{false};
    };

    Options options;
    HttpHandler handler;
    HttpServer *owner = nullptr;
    net::io_context io;
    std::unique_ptr<tcp::acceptor> acceptor;
    std::unique_ptr<ssl::context> tls;
    std::thread acceptThread;
    std::thread watchdogThread;
    mutable std::mutex mutex; // guards connections
    std::list<std::shared_ptr<Connection>> connections;
    std::condition_variable watchdogWake;
    std::atomic<bool> running{false};

    static int64_t nowMs()
    {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   Clock::now().time_since_epoch())
            .count();
    }

    static void shutdownSocket(tcp::socket &s) { ::shutdown(s.native_handle(), SHUT_RDWR); }

    void acceptLoop()
    {
        while (running) {
            auto socket = std::make_unique<tcp::socket>(io);
            beast::error_code ec;
            acceptor->accept(*socket, ec);
            if (ec) {
                if (!running)
                    break;
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
                continue;
            }
            socket->set_option(tcp::no_delay(true), ec);
            auto conn = std::make_shared<Connection>();
            conn->socket = std::move(socket);
            conn->deadline = nowMs() + options.headerTimeout.count();
            std::lock_guard lock(mutex);
            // Reap finished connections.
            for (auto it = connections.begin(); it != connections.end();) {
                if ((*it)->done) {
                    (*it)->thread.join();
                    it = connections.erase(it);
                } else {
                    ++it;
                }
            }
            connections.push_back(conn);
            conn->thread = std::thread([this, conn] {
                serve(*conn);
                conn->done = true;
            });
        }
    }

    void watchdogLoop()
    {
        std::unique_lock lock(mutex);
        while (running) {
            watchdogWake.wait_for(lock, std::chrono::milliseconds(200));
            const int64_t now = nowMs();
            for (auto &c : connections) {
                const int64_t d = c->deadline.load();
                if (d != 0 && d < now && !c->done) {
                    c->deadline = 0;
                    shutdownSocket(*c->socket);
                }
            }
        }
    }

    // The handler's headers replace the defaults; a name repeated in
    // `headers` adds one field per value (Warning, one per warning).
    template<class Response>
    static void setHeaders(Response &res, const ResponseWriter::Headers &headers)
    {
        for (size_t i = 0; i < headers.size(); ++i) {
            bool repeated = false;
            for (size_t j = 0; j < i && !repeated; ++j)
                repeated = beast::iequals(headers[j].first, headers[i].first);
            if (repeated)
                res.insert(headers[i].first, headers[i].second);
            else
                res.set(headers[i].first, headers[i].second);
        }
    }

    template<class Stream> class Writer final : public ResponseWriter
    {
    public:
        Writer(Stream &stream, Connection &conn, const HttpServer *server, unsigned version,
               bool keepAlive)
            : m_stream(stream)
            , m_conn(conn)
            , m_server(server)
            , m_version(version)
            , m_keepAlive(keepAlive)
        {}

        void send(int status, const std::string &contentType, std::string body,
                  const Headers &headers) override
        {
            http::response<http::string_body> res{http::status(status), m_version};
            res.set(http::field::content_type, contentType);
            res.set(http::field::cache_control, "no-cache, private");
            setHeaders(res, headers);
            res.keep_alive(m_keepAlive && !m_server->isStopping());
            res.body() = std::move(body);
            res.prepare_payload();
            beast::error_code ec;
            http::write(m_stream, res, ec);
            m_ok = !ec;
            m_sent = true;
            m_keepAlive = res.keep_alive();
        }

        bool begin(int status, const std::string &contentType, const Headers &headers) override
        {
            http::response<http::empty_body> res{http::status(status), m_version};
            res.set(http::field::content_type, contentType);
            res.set(http::field::cache_control, "no-cache, private");
            setHeaders(res, headers);
            res.keep_alive(m_keepAlive);
            res.chunked(true);
            http::response_serializer<http::empty_body> sr{res};
            beast::error_code ec;
            http::write_header(m_stream, sr, ec);
            m_ok = !ec;
            m_sent = true;
            m_streaming = true;
            return m_ok;
        }

        bool write(std::string_view chunk) override
        {
            if (!m_ok || chunk.empty())
                return m_ok;
            beast::error_code ec;
            net::write(m_stream, http::make_chunk(net::const_buffer(chunk.data(), chunk.size())),
                       ec);
            m_ok = !ec;
            return m_ok;
        }

        void end() override
        {
            if (m_ok && m_streaming) {
                beast::error_code ec;
                net::write(m_stream, http::make_chunk_last(), ec);
                m_ok = !ec;
            }
            m_streaming = false;
        }

        bool clientGone() override
        {
            pollfd p{m_conn.socket->native_handle(), POLLIN | POLLRDHUP, 0};
            if (::poll(&p, 1, 0) <= 0)
                return !m_ok;
            return (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) || !m_ok;
        }

        bool serverStopping() const override { return m_server->isStopping(); }

        bool ok() const { return m_ok; }
        bool sent() const { return m_sent; }
        bool keepAlive() const { return m_keepAlive; }

    private:
        Stream &m_stream;
        Connection &m_conn;
        const HttpServer *m_server;
        unsigned m_version;
        bool m_keepAlive;
        bool m_ok = true;
        bool m_sent = false;
        bool m_streaming = false;
    };

    template<class Stream>
    void sendError(Stream &stream, http::status status, unsigned version, const std::string &msg)
    {
        http::response<http::string_body> res{status, version};
        res.set(http::field::content_type, "application/json");
        res.keep_alive(false);
        res.body() =
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
            R"("message":")" +
            msg + R"(","reason":")" +
            (status == http::status::payload_too_large ? "RequestEntityTooLarge" : "BadRequest") +
            R"(","code":)" + std::to_string(int(status)) + "}";
        res.prepare_payload();
        beast::error_code ec;
        http::write(stream, res, ec);
    }

    template<class Stream>
    void session(Stream &stream, Connection &conn, const std::string &clientSubject)
    {
        beast::flat_buffer buffer;
        bool first = true;
        while (running && !owner->isStopping()) {
            conn.deadline = nowMs() + (first ? options.headerTimeout : options.idleTimeout).count();
            http::request_parser<http::string_body> parser;
            parser.body_limit(options.maxBodyBytes);
            parser.header_limit(256 * 1024);
            beast::error_code ec;
            http::read_header(stream, buffer, parser, ec);
            if (ec == http::error::body_limit) {
                // Beast refuses a declared Content-Length over the limit
                // already while finishing the header.
                sendError(stream, http::status::payload_too_large, 11,
                          "the request body is too large (limit " +
                              std::to_string(options.maxBodyBytes) + " bytes)");
                return;
            }
            if (ec) {
                if (ec != http::error::end_of_stream && ec != net::error::eof &&
                    ec != net::ssl::error::stream_truncated &&
                    ec.category() == http::make_error_code(http::error::bad_target).category())
                    sendError(stream, http::status::bad_request, 11,
                              "malformed HTTP request: " + ec.message());
                return;
            }
            conn.deadline = nowMs() + options.headerTimeout.count();
            if (const auto len = parser.content_length(); len && *len > options.maxBodyBytes) {
                sendError(stream, http::status::payload_too_large, parser.get().version(),
                          "the request body is too large (limit " +
                              std::to_string(options.maxBodyBytes) + " bytes)");
                return;
            }
            http::read(stream, buffer, parser, ec);
            if (ec) {
                if (ec == http::error::body_limit)
                    sendError(stream, http::status::payload_too_large, parser.get().version(),
                              "the request body is too large (limit " +
                                  std::to_string(options.maxBodyBytes) + " bytes)");
                else if (ec.category() == http::make_error_code(http::error::bad_target).category())
                    sendError(stream, http::status::bad_request, parser.get().version(),
                              "malformed HTTP request: " + ec.message());
                return;
            }
            conn.deadline = 0;
            first = false;
            http::request<http::string_body> msg = parser.release();
            HttpRequest req;
            req.method = std::string(msg.method_string());
            req.target = std::string(msg.target());
            parseTarget(req.target, req);
            for (const auto &field : msg) {
                std::string name(field.name_string());
                for (char &c : name)
                    c = char(std::tolower(static_cast<unsigned char>(c)));
                auto [it, inserted] = req.headers.emplace(name, std::string(field.value()));
                if (!inserted)
                    it->second += ", " + std::string(field.value());
            }
            req.body = std::move(msg.body());
            req.clientCertificateSubject = clientSubject;
            Writer<Stream> writer(stream, conn, owner, msg.version(), msg.keep_alive());
            conn.busy = true;
            handler(req, writer);
            conn.busy = false;
            if (!writer.sent())
                writer.send(500, "text/plain", "no response\n", {});
            if (!writer.ok() || !writer.keepAlive())
                return;
        }
    }

    void serve(Connection &conn)
    {
        beast::error_code ec;
        if (!tls) {
            session(*conn.socket, conn, {});
        } else {
            ssl::stream<tcp::socket &> stream(*conn.socket, *tls);
            stream.handshake(ssl::stream_base::server, ec);
            if (!ec) {
                std::string subject;
                if (X509 *cert = SSL_get_peer_certificate(stream.native_handle())) {
                    if (SSL_get_verify_result(stream.native_handle()) == X509_V_OK) {
                        char cn[256] = {};
                        X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn,
                                                  sizeof cn);
                        subject = cn;
                    }
                    X509_free(cert);
                }
                session(stream, conn, subject);
            }
        }
        conn.deadline = 0;
        conn.socket->shutdown(tcp::socket::shutdown_both, ec);
        conn.socket->close(ec);
    }
};

HttpServer::HttpServer(Options options, HttpHandler handler)
    : m_impl(std::make_unique<Impl>())
{
    m_impl->options = std::move(options);
    m_impl->handler = std::move(handler);
    m_impl->owner = this;
}

HttpServer::~HttpServer()
{
    stop(std::chrono::milliseconds(0));
}

Result<uint16_t> HttpServer::start()
{
    Impl &d = *m_impl;
    beast::error_code ec;
    if (d.options.tls) {
        d.tls = std::make_unique<ssl::context>(ssl::context::tls_server);
        d.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                           ssl::context::no_tlsv1_1);
        d.tls->use_certificate_chain_file(d.options.certFile, ec);
        if (ec)
            return Status::unavailable("cannot load the server certificate " + d.options.certFile +
                                       ": " + ec.message());
        d.tls->use_private_key_file(d.options.keyFile, ssl::context::pem, ec);
        if (ec)
            return Status::unavailable("cannot load the server key " + d.options.keyFile + ": " +
                                       ec.message());
        if (!d.options.clientCaFile.empty()) {
            d.tls->load_verify_file(d.options.clientCaFile, ec);
            if (ec)
                return Status::unavailable("cannot load the client CA " + d.options.clientCaFile +
                                           ": " + ec.message());
            // Ask for a certificate, accept connections without one (tokens).
            d.tls->set_verify_mode(ssl::verify_peer);
            d.tls->set_verify_callback([](bool, ssl::verify_context &) { return true; });
        }
    }
    const auto address = net::ip::make_address(d.options.address, ec);
    if (ec)
        return Status::invalidArgument("invalid listen address " + d.options.address);
    d.acceptor = std::make_unique<tcp::acceptor>(d.io);
    tcp::endpoint endpoint(address, d.options.port);
    d.acceptor->open(endpoint.protocol(), ec);
    if (!ec)
        d.acceptor->set_option(net::socket_base::reuse_address(true), ec);
    if (!ec)
        d.acceptor->bind(endpoint, ec);
    if (!ec)
        d.acceptor->listen(net::socket_base::max_listen_connections, ec);
    if (ec)
        return Status::unavailable("cannot listen on " + d.options.address + ":" +
                                   std::to_string(d.options.port) + ": " + ec.message());
    d.running = true;
    d.acceptThread = std::thread([&d] { d.acceptLoop(); });
    d.watchdogThread = std::thread([&d] { d.watchdogLoop(); });
    return d.acceptor->local_endpoint().port();
}

void HttpServer::stop(std::chrono::milliseconds grace)
{
    Impl &d = *m_impl;
    if (!d.running.exchange(false))
        return;
    m_stopping = true;
    beast::error_code ec;
    ::shutdown(d.acceptor->native_handle(), SHUT_RDWR);
    d.acceptor->close(ec);
    if (d.acceptThread.joinable())
        d.acceptThread.join();
    // In-flight requests finish; streams see serverStopping() and end.
    const auto until = Clock::now() + grace;
    while (Clock::now() < until) {
        bool busy = false;
        {
            std::lock_guard lock(d.mutex);
            for (auto &c : d.connections)
                busy |= c->busy && !c->done;
        }
        if (!busy)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::list<std::shared_ptr<Impl::Connection>> connections;
    {
        std::lock_guard lock(d.mutex);
        connections.swap(d.connections);
        for (auto &c : connections)
            Impl::shutdownSocket(*c->socket);
    }
    d.watchdogWake.notify_all();
    if (d.watchdogThread.joinable())
        d.watchdogThread.join();
    for (auto &c : connections)
        if (c->thread.joinable())
            c->thread.join();
}

size_t HttpServer::connectionCount() const
{
    std::lock_guard lock(m_impl->mutex);
    size_t n = 0;
    for (const auto &c : m_impl->connections)
        n += !c->done;
    return n;
}

} // namespace kubist::apiserver
