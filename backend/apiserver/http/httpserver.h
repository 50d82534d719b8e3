#pragma once

#include "backend/util/status.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace kubist::apiserver {

struct HttpRequest
{
    std::string method;                            // "GET", ...
    std::string target;                            // path and query, as sent
    std::string path;                              // percent-decoded path
    std::multimap<std::string, std::string> query; // percent-decoded
    std::map<std::string, std::string> headers;    // names lower-cased
    std::string body;
    std::string clientCertificateSubject; // CN of a verified client certificate, if any

    // The first value of a query parameter, or "".
    std::string param(const std::string &name) const;
    bool hasParam(const std::string &name) const { return query.count(name) > 0; }
    std::string header(const std::string &lowerName) const;
};

// How a handler answers: one whole response, or a chunked stream (watch,
// log follow). Used only on the request's own thread.
class ResponseWriter
{
public:
    using Headers = std::vector<std::pair<std::string, std::string>>;
    virtual ~ResponseWriter() = default;
    virtual void send(int status, const std::string &contentType, std::string body,
                      const Headers &headers = {}) = 0;
    // Streaming: begin, any number of chunks, end. write() returns false
    // once the client is gone (then end() is still fine to call).
    virtual bool begin(int status, const std::string &contentType, const Headers &headers = {}) = 0;
    virtual bool write(std::string_view chunk) = 0;
    virtual void end() = 0;
    // The client closed its side (checked without blocking).
    virtual bool clientGone() = 0;
    // The server is shutting down: streams should end promptly.
    virtual bool serverStopping() const = 0;
    // Bounds an ordinary request (not a stream): if no response has begun
    // `timeout` from now, the server answers 504 with a Timeout Status and
    // closes the connection; what the handler sends later is discarded (it
    // is not stopped: a write it was making may still complete, as in
    // kube-apiserver). Call before sending; the last call counts.
    virtual void setTimeout(std::chrono::milliseconds timeout) = 0;
};

using HttpHandler = std::function<void(const HttpRequest &, ResponseWriter &)>;

// HttpServer: HTTP/1.1 over TCP, with TLS by default (Boost.Beast over
// OpenSSL), keep-alive, chunked streaming responses. One thread per
// connection (watches are long-lived and mostly idle), plus an acceptor and
// a watchdog that drops connections whose headers or body do not arrive in
// time and idle keep-alive connections.
//
// Thread-safe. The handler is called concurrently from connection threads.
class HttpServer final
{
public:
    struct Options
    {
        std::string address = "127.0.0.1";
        uint16_t port = 6443; // 0: any free port
        bool tls = true;
        std::string certFile;
        std::string keyFile;
        std::string clientCaFile; // when set, client certificates signed by it are accepted
        size_t maxBodyBytes = 3 * 1024 * 1024;
        std::chrono::milliseconds headerTimeout{10000};
        std::chrono::milliseconds idleTimeout{90000};
    };

    HttpServer(Options options, HttpHandler handler);
    ~HttpServer();

    // Binds and starts serving; returns the port bound.
    Result<uint16_t> start();
    // Stops accepting, lets in-flight requests finish for up to `grace`,
    // ends streams, closes every connection and joins every thread.
    void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));
    bool isStopping() const { return m_stopping.load(); }
    size_t connectionCount() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    std::atomic<bool> m_stopping{false};
};

} // namespace kubist::apiserver
