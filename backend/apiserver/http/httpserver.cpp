#include "httpserver.h"

#include "beastrequest.h"
#include "requestparser.h"

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

struct HttpServer::Impl
{
    struct Connection
    {
        std::unique_ptr<tcp::socket> socket;
        std::thread thread;
        std::atomic<int64_t> deadline{0}; // steady ms; 0 = none
        std::atomic<bool> busy{false};    // a request is being handled
        std::atomic<bool> done{false};
        // A handler's response and the watchdog's 504 never interleave:
        std::atomic<int64_t> responseDeadline{0}; // steady ms; 0 = none
        std::mutex writeMutex;
        bool responseStarted = false;        // guarded by writeMutex
        bool timedOut = false;               // guarded by writeMutex
        std::function<void()> answerTimeout; // guarded by writeMutex
    };

    Options options;
    RequestLimits limits;
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
            std::vector<std::shared_ptr<Connection>> late;
            for (auto &c : connections) {
                const int64_t d = c->deadline.load();
                if (d != 0 && d < now && !c->done) {
                    c->deadline = 0;
                    shutdownSocket(*c->socket);
                }
                const int64_t r = c->responseDeadline.load();
                if (r != 0 && r < now && !c->done) {
                    c->responseDeadline = 0;
                    late.push_back(c);
                }
            }
            // Answering may block on a slow client: not under the lock.
            lock.unlock();
            for (auto &c : late) {
                std::lock_guard write(c->writeMutex);
                if (c->responseStarted || !c->answerTimeout)
                    continue;
                c->timedOut = true;
                c->answerTimeout();
                c->answerTimeout = nullptr;
            }
            lock.lock();
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
            std::lock_guard lock(m_conn.writeMutex);
            if (!startResponse())
                return;
            http::response<http::string_body> res{http::status(status), m_version};
            res.set(http::field::content_type, contentType);
            res.set(http::field::cache_control, "no-cache, private");
            setHeaders(res, headers);
            // A handler's "Connection: close" (shutting down) is kept.
            const bool handlerCloses = beast::iequals(res[http::field::connection], "close");
            res.keep_alive(m_keepAlive && !handlerCloses && !m_server->isStopping());
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
            std::lock_guard lock(m_conn.writeMutex);
            if (!startResponse())
                return false;
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

        void setTimeout(std::chrono::milliseconds timeout) override
        {
            m_conn.responseDeadline = nowMs() + std::max<int64_t>(1, timeout.count());
        }

        bool ok() const { return m_ok; }
        bool sent() const { return m_sent; }
        bool keepAlive() const { return m_keepAlive; }

    private:
        // Under writeMutex: claims the response for the handler, or finds
        // that the watchdog already answered 504 (then nothing is written).
        bool startResponse()
        {
            m_conn.responseDeadline = 0;
            if (m_conn.timedOut) {
                m_ok = false;
                m_sent = true;
                return false;
            }
            m_conn.responseStarted = true;
            return true;
        }

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
        res.body() = R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
                     R"("message":")" +
                     msg + R"(","reason":")" +
                     (status == http::status::payload_too_large ? "RequestEntityTooLarge"
                      : status == http::status::request_header_fields_too_large
                          ? "RequestHeaderFieldsTooLarge"
                      : status == http::status::gateway_timeout ? "Timeout"
                                                                : "BadRequest") +
                     R"(","code":)" + std::to_string(int(status)) + "}";
        res.prepare_payload();
        beast::error_code ec;
        http::write(stream, res, ec);
    }

    // Reads until `buffer` holds a whole request head (or more than the
    // header limit). False when the connection ended or failed first.
    template<class Stream>
    bool readHead(Stream &stream, beast::flat_buffer &buffer, beast::error_code &ec)
    {
        while (true) {
            const std::string_view bytes(static_cast<const char *>(buffer.data().data()),
                                         buffer.size());
            if (findHeadEnd(bytes.substr(0, limits.maxHeaderBytes + 4)) != std::string_view::npos ||
                bytes.size() > limits.maxHeaderBytes)
                return true;
            const size_t n = stream.read_some(buffer.prepare(16 * 1024), ec);
            if (ec)
                return false;
            buffer.commit(n);
        }
    }

    template<class Stream>
    void session(Stream &stream, Connection &conn, const std::string &clientSubject)
    {
        beast::flat_buffer buffer;
        bool first = true;
        while (running && !owner->isStopping()) {
            conn.deadline = nowMs() + (first ? options.headerTimeout : options.idleTimeout).count();
            beast::error_code ec;
            // The whole head first, checked strictly (requestparser.h):
            // Beast would accept some heads a proxy reads differently.
            if (!readHead(stream, buffer, ec))
                return;
            const std::string_view bytes(static_cast<const char *>(buffer.data().data()),
                                         buffer.size());
            const size_t headEnd = findHeadEnd(bytes.substr(0, limits.maxHeaderBytes + 4));
            if (headEnd == std::string_view::npos) {
                sendError(stream, http::status::request_header_fields_too_large, 11,
                          "the request header is too large (limit " +
                              std::to_string(limits.maxHeaderBytes) + " bytes)");
                return;
            }
            if (Status s = checkRequestHead(bytes.substr(0, headEnd), limits); !s) {
                sendError(stream,
                          s.code() == Status::Code::TooLarge
                              ? http::status::request_header_fields_too_large
                              : http::status::bad_request,
                          11, s.message());
                return;
            }
            http::request_parser<http::string_body> parser;
            parser.body_limit(options.maxBodyBytes);
            parser.header_limit(std::uint32_t(limits.maxHeaderBytes + 4));
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
            const unsigned version = parser.get().version();
            const bool keepAlive = parser.get().keep_alive();
            HttpRequest req = toHttpRequest(parser.release());
            req.clientCertificateSubject = clientSubject;
            Writer<Stream> writer(stream, conn, owner, version, keepAlive);
            {
                std::lock_guard lock(conn.writeMutex);
                conn.responseStarted = false;
                conn.timedOut = false;
                conn.answerTimeout = [this, &stream, version] {
                    sendError(stream, http::status::gateway_timeout, version,
                              "Timeout: request did not complete within the allotted timeout");
                };
            }
            conn.busy = true;
            handler(req, writer);
            conn.busy = false;
            {
                std::lock_guard lock(conn.writeMutex);
                conn.answerTimeout = nullptr;
                conn.responseDeadline = 0;
                if (conn.timedOut)
                    return; // the 504 said Connection: close
            }
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
    m_impl->limits.maxBodyBytes = options.maxBodyBytes;
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
