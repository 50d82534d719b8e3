// The API server over loopback HTTPS with keep-alive, as kubectl and client
// libraries reach it: GET of one pod, LIST of a namespace's pods in JSON and
// in protobuf, CREATE of a pod (durable: acknowledged once synced), with 1
// and 32 concurrent clients (requests per second as items_per_second);
// watch fan-out to HTTP watchers in JSON and protobuf (commit to delivery,
// p50/p99 in microseconds); and requests per second at the in-flight limit.
//
// Everything runs in this process: a Store in a temporary directory under
// $TMPDIR (default, power-safe durability), the ApiServer with its
// registry, the HTTP front on 127.0.0.1 (a free port) with TLS and the
// generated CA, and a small blocking Boost.Beast client per thread that
// verifies the server against that CA and keeps one connection, made before
// the timed loop, for all its requests.
//
// The smoke run (ctest, --benchmark_min_time=0.01) uses small sizes (lists
// of 300 pods, 20 watchers, 10 creates). The figures the issues ask for
// (lists of 10,000 and 150,000 pods, 500 watchers, 200 creates) need a few
// minutes; run each LIST size in its own process so peak_rss_MiB is that
// size's own high-water mark:
//
//   KUBIST_BENCH_FULL=1 build/bin/bench_apiserver --benchmark_filter='ListPods/pods:10000/'
//   KUBIST_BENCH_FULL=1 build/bin/bench_apiserver --benchmark_filter='ListPods/pods:150000/'
//   KUBIST_BENCH_FULL=1 build/bin/bench_apiserver
//   --benchmark_filter='Get|Create|WatchFanOut|InFlight'
//
// The clients run on the same cores as the server, so on a small machine
// the figures are what server and clients manage together.
//
// LIST: the client reads each response in 64 KiB pieces and discards them,
// so 32 clients do not hold 32 copies of a large body; the server builds
// each response once, whole, in its wire format (JSON straight from the
// stored objects; protobuf written item by item, without building a list
// message). peak_rss_MiB is the process's high-water mark (server, stored
// objects and client together). bytes_per_response is the body's size.
//
// Watch fan-out: every watcher is one HTTP watch connection with its own
// reading thread, stamping each event's arrival by object name. Each
// iteration creates one pod in-process (Registry::create returns once the
// write is durable: the commit) and waits until every watcher has it.
// commit_to_delivery_* is from create()'s return to each watcher's arrival,
// over all watchers and creates; it can be negative, since the store hands
// a commit to its watchers before the writing thread is resumed.
// write_to_delivery_* is from create()'s call, so it includes the durable
// commit, whose own latency is create_p50_us.

#include "realisticpod.h"

#include "backend/api/jsoncodec.h"
#include "backend/api/scheme.h"
#include "backend/apiserver/apiserver.h"
#include "backend/apiserver/http/apihandler.h"
#include "backend/apiserver/http/certificates.h"
#include "backend/apiserver/http/httpserver.h"
#include "backend/store/store.h"

#include "core_v1.pb.h"

#include <benchmark/benchmark.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
namespace core = k8s::io::api::core::v1;
using kubist::Status;
using kubist::apiserver::ApiHandler;
using kubist::apiserver::ApiServer;
using kubist::apiserver::HttpServer;
using kubist::apiserver::Role;

bool full()
{
    const char *v = std::getenv("KUBIST_BENCH_FULL");
    return v && std::string(v) == "1";
}

[[noreturn]] void die(const std::string &what)
{
    std::fprintf(stderr, "bench_apiserver: %s\n", what.c_str());
    std::abort();
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0.0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size())))];
}

double micros(SteadyClock::duration d)
{
    return std::chrono::duration<double, std::micro>(d).count();
}

double peakRssMiB()
{
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return double(u.ru_maxrss) / 1024.0;
}

const kubist::api::KindInfo &podKind()
{
    return *kubist::api::Scheme::builtin().byResource("", "pods");
}

// The realistic pod, ready to be created as `name` in `ns`.
std::unique_ptr<core::Pod> realisticPod(const std::string &ns, const std::string &name)
{
    static const core::Pod base = [] {
        core::Pod pod;
        if (Status s = kubist::api::JsonCodec::decode(kRealisticPodJson, &pod); !s)
            die("the realistic pod does not decode: " + s.message());
        pod.mutable_metadata()->clear_uid();
        pod.mutable_metadata()->clear_resource_version();
        pod.mutable_metadata()->clear_creation_timestamp();
        pod.mutable_metadata()->clear_generate_name();
        return pod;
    }();
    auto pod = std::make_unique<core::Pod>(base);
    pod->mutable_metadata()->set_name(name);
    pod->mutable_metadata()->set_namespace_(ns);
    return pod;
}

// --- the server ------------------------------------------------------------------

// The whole API server in this process, on 127.0.0.1 and a free port.
class BenchServer final
{
public:
    explicit BenchServer(kubist::apiserver::ApiLimits limits = kubist::apiserver::ApiLimits())
    {
        std::string tmpl =
            (std::filesystem::temp_directory_path() / "bench_apiserver.XXXXXX").string();
        if (!::mkdtemp(tmpl.data()))
            die("mkdtemp failed");
        m_dir = tmpl;
        std::filesystem::create_directories(m_dir + "/pki");
        auto store = kubist::store::Store::open(m_dir + "/store");
        if (!store)
            die(store.status().toString());
        m_store = std::move(store).value();
        auto creds = kubist::apiserver::ensureServerCredentials(m_dir + "/pki");
        if (!creds)
            die(creds.status().toString());
        m_creds = std::move(creds).value();
        m_api = std::make_unique<ApiServer>(*m_store, kubist::SystemClock::instance());
        if (Status s = m_api->registry().bootstrap(); !s)
            die("bootstrap: " + s.toString());
        m_handler = std::make_unique<ApiHandler>(
            *m_api,
            std::map<std::string, ApiHandler::Identity>{
                {m_creds.adminToken, ApiHandler::Identity{"admin", Role::Admin}}},
            limits);
        HttpServer::Options options;
        options.address = "127.0.0.1";
        options.port = 0;
        options.certFile = m_creds.certFile;
        options.keyFile = m_creds.keyFile;
        options.clientCaFile = m_creds.caCertFile;
        m_http = std::make_unique<HttpServer>(
            options, [this](const auto &req, auto &w) { m_handler->handle(req, w); });
        auto port = m_http->start();
        if (!port)
            die(port.status().toString());
        m_port = *port;

        m_tls = std::make_unique<ssl::context>(ssl::context::tls_client);
        beast::error_code ec;
        m_tls->add_certificate_authority(
            net::buffer(m_creds.caCertPem.data(), m_creds.caCertPem.size()), ec);
        if (ec)
            die("the CA does not load: " + ec.message());
        m_tls->set_verify_mode(ssl::verify_peer);

        for (const char *ns : {"bench-get", "bench-list", "bench-create", "bench-watch"})
            createNamespace(ns);
    }

    void createNamespace(const std::string &name)
    {
        const auto *kind = kubist::api::Scheme::builtin().byResource("", "namespaces");
        auto ns = std::make_unique<core::Namespace>();
        ns->mutable_metadata()->set_name(name);
        if (auto r = m_api->registry().create({"bench"}, *kind, "", std::move(ns)); !r)
            die("namespace " + name + ": " + r.status().toString());
    }

    ~BenchServer()
    {
        m_http->stop(std::chrono::milliseconds(2000));
        m_handler.reset();
        m_api->stopServing();
        m_api.reset();
        m_store.reset();
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }

    ApiServer &api() { return *m_api; }
    ssl::context &tls() { return *m_tls; }
    uint16_t port() const { return m_port; }
    const std::string &token() const { return m_creds.adminToken; }

    // Creates pods `<prefix><i>` for i in [0, count) in `ns`, in-process,
    // from 32 threads (so durable commits are grouped).
    void createPods(const std::string &ns, const std::string &prefix, int count)
    {
        std::atomic<int> next{0};
        std::atomic<bool> failed{false};
        std::vector<std::thread> threads;
        for (int t = 0; t < 32; ++t) {
            threads.emplace_back([&] {
                for (int i; (i = next++) < count && !failed;) {
                    char name[64];
                    std::snprintf(name, sizeof name, "%s%05d", prefix.c_str(), i);
                    auto r =
                        m_api->registry().create({"bench"}, podKind(), ns, realisticPod(ns, name));
                    if (!r) {
                        std::fprintf(stderr, "create %s: %s\n", name,
                                     r.status().toString().c_str());
                        failed = true;
                    }
                }
            });
        }
        for (auto &t : threads)
            t.join();
        if (failed)
            die("cannot create the pods");
    }

private:
    std::string m_dir;
    std::unique_ptr<kubist::store::Store> m_store;
    kubist::apiserver::ServerCredentials m_creds;
    std::unique_ptr<ApiServer> m_api;
    std::unique_ptr<ApiHandler> m_handler;
    std::unique_ptr<HttpServer> m_http;
    uint16_t m_port = 0;
    std::unique_ptr<ssl::context> m_tls;
};

BenchServer *g_server = nullptr;

// --- the client --------------------------------------------------------------------

// A blocking HTTPS/1.1 client with one keep-alive connection to the bench
// server, verified against its CA for the address 127.0.0.1. Used by one
// thread at a time, except shutdown(), which any thread may call to unblock
// a read in progress.
class HttpsClient final
{
public:
    // `accept`: the Accept header of every request.
    explicit HttpsClient(BenchServer &server, std::string accept = "application/json")
        : m_stream(m_io, server.tls())
        , m_port(server.port())
        , m_authorization("Bearer " + server.token())
        , m_accept(std::move(accept))
    {}

    ~HttpsClient()
    {
        beast::error_code ec;
        m_stream.next_layer().close(ec);
    }

    // Connects and completes the TLS handshake; "" or what failed.
    std::string connect()
    {
        beast::error_code ec;
        m_stream.next_layer().connect({net::ip::make_address("127.0.0.1"), m_port}, ec);
        if (ec)
            return "connect: " + ec.message();
        m_stream.next_layer().set_option(tcp::no_delay(true), ec);
        X509_VERIFY_PARAM *param = SSL_get0_param(m_stream.native_handle());
        X509_VERIFY_PARAM_set1_ip_asc(param, "127.0.0.1");
        m_stream.handshake(ssl::stream_base::client, ec);
        if (ec)
            return "TLS handshake: " + ec.message();
        return {};
    }

    // One request; the whole response body in `body`. "" or what failed.
    std::string request(http::verb verb, const std::string &target, const std::string &body,
                        int *status, std::string *responseBody)
    {
        if (std::string e = send(verb, target, body); !e.empty())
            return e;
        http::response_parser<http::string_body> parser;
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        beast::error_code ec;
        http::read(m_stream, m_buffer, parser, ec);
        if (ec)
            return "read: " + ec.message();
        *status = int(parser.get().result_int());
        *responseBody = std::move(parser.get().body());
        if (!parser.get().keep_alive())
            return "the server closed the connection";
        return {};
    }

    // A GET whose body is read in pieces and discarded; counts its bytes.
    std::string getDiscarding(const std::string &target, int *status, uint64_t *bytes)
    {
        if (std::string e = send(http::verb::get, target, {}); !e.empty())
            return e;
        http::response_parser<http::buffer_body> parser;
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        beast::error_code ec;
        http::read_header(m_stream, m_buffer, parser, ec);
        if (ec)
            return "read header: " + ec.message();
        *status = int(parser.get().result_int());
        *bytes = 0;
        while (!parser.is_done()) {
            parser.get().body().data = m_piece.data();
            parser.get().body().size = m_piece.size();
            http::read(m_stream, m_buffer, parser, ec);
            if (ec == http::error::need_buffer)
                ec = {};
            if (ec)
                return "read body: " + ec.message();
            *bytes += m_piece.size() - parser.get().body().size;
        }
        if (!parser.get().keep_alive())
            return "the server closed the connection";
        return {};
    }

    // Starts a streaming GET (a watch): sends it and reads the response
    // header. "" or what failed.
    std::string startStream(const std::string &target, int *status)
    {
        if (std::string e = send(http::verb::get, target, {}); !e.empty())
            return e;
        m_streamParser.emplace();
        m_streamParser->body_limit(std::numeric_limits<std::uint64_t>::max());
        beast::error_code ec;
        http::read_header(m_stream, m_buffer, *m_streamParser, ec);
        if (ec)
            return "read header: " + ec.message();
        *status = int(m_streamParser->get().result_int());
        return {};
    }

    // Appends the next bytes of the stream's body to `out` as soon as any
    // arrive; false once the stream ended or failed.
    bool readStream(std::string &out)
    {
        auto &parser = *m_streamParser;
        while (!parser.is_done()) {
            parser.get().body().data = m_piece.data();
            parser.get().body().size = m_piece.size();
            beast::error_code ec;
            http::read_some(m_stream, m_buffer, parser, ec);
            if (ec == http::error::need_buffer)
                ec = {};
            if (ec)
                return false;
            const size_t n = m_piece.size() - parser.get().body().size;
            if (n > 0) {
                out.append(m_piece.data(), n);
                return true;
            }
        }
        return false;
    }

    // Unblocks a read in progress on another thread (it then fails).
    void shutdown() { ::shutdown(m_stream.next_layer().native_handle(), SHUT_RDWR); }

private:
    std::string send(http::verb verb, const std::string &target, const std::string &body)
    {
        http::request<http::string_body> req{verb, target, 11};
        req.set(http::field::host, "127.0.0.1:" + std::to_string(m_port));
        req.set(http::field::authorization, m_authorization);
        req.set(http::field::accept, m_accept);
        req.set(http::field::user_agent, "bench_apiserver");
        if (!body.empty()) {
            req.set(http::field::content_type, "application/json");
            req.body() = body;
        }
        req.keep_alive(true);
        req.prepare_payload();
        beast::error_code ec;
        http::write(m_stream, req, ec);
        if (ec)
            return "write: " + ec.message();
        return {};
    }

    net::io_context m_io;
    ssl::stream<tcp::socket> m_stream;
    const uint16_t m_port;
    const std::string m_authorization;
    const std::string m_accept;
    beast::flat_buffer m_buffer;
    std::array<char, 64 * 1024> m_piece{};
    std::optional<http::response_parser<http::buffer_body>> m_streamParser;
};

// A connected client for this benchmark thread, or null after SkipWithError.
std::unique_ptr<HttpsClient> connectOrSkip(benchmark::State &state, BenchServer &server = *g_server,
                                           const std::string &accept = "application/json")
{
    auto client = std::make_unique<HttpsClient>(server, accept);
    if (std::string e = client->connect(); !e.empty()) {
        state.SkipWithError(e.c_str());
        return nullptr;
    }
    return client;
}

// --- GET of one pod --------------------------------------------------------------

void BM_GetPod(benchmark::State &state)
{
    static std::once_flag created;
    if (state.thread_index() == 0)
        std::call_once(created, [] { g_server->createPods("bench-get", "get-", 1); });
    auto client = connectOrSkip(state);
    if (!client)
        return;
    const std::string target = "/api/v1/namespaces/bench-get/pods/get-00000";
    std::string body;
    for (auto _ : state) {
        int status = 0;
        if (std::string e = client->request(http::verb::get, target, {}, &status, &body);
            !e.empty() || status != 200) {
            state.SkipWithError((e.empty() ? "HTTP " + std::to_string(status) : e).c_str());
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["bytes_per_response"] =
        benchmark::Counter(double(body.size()), benchmark::Counter::kAvgThreads);
}
BENCHMARK(BM_GetPod)->Threads(1)->Threads(32)->UseRealTime();

// --- LIST of a namespace's pods ----------------------------------------------------

const char *const kProtobuf = "application/vnd.kubernetes.protobuf";

// LIST of `range(0)` pods as JSON (range(1) = 0) or protobuf (1). Each size
// has its own namespace, filled the first time it is listed.
void BM_ListPods(benchmark::State &state)
{
    const int pods = int(state.range(0));
    const bool protobuf = state.range(1) == 1;
    const std::string ns = "bench-list-" + std::to_string(pods);
    static std::mutex fillMutex;
    static std::map<int, bool> filled;
    if (state.thread_index() == 0) {
        std::lock_guard lock(fillMutex);
        if (!filled[pods]) {
            g_server->createNamespace(ns);
            g_server->createPods(ns, "list-", pods);
            filled[pods] = true;
        }
    }
    auto client = connectOrSkip(state, *g_server, protobuf ? kProtobuf : "application/json");
    if (!client)
        return;
    const std::string target = "/api/v1/namespaces/" + ns + "/pods";
    uint64_t total = 0;
    uint64_t bytes = 0;
    // One untimed list first: the figures are for a server whose decoded
    // objects are cached, as they are once anything has listed or watched.
    if (int status = 0; !client->getDiscarding(target, &status, &bytes).empty() || status != 200) {
        state.SkipWithError("the warm-up list failed");
        return;
    }
    for (auto _ : state) {
        int status = 0;
        if (std::string e = client->getDiscarding(target, &status, &bytes);
            !e.empty() || status != 200) {
            state.SkipWithError((e.empty() ? "HTTP " + std::to_string(status) : e).c_str());
            break;
        }
        total += bytes;
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(int64_t(total));
    state.SetLabel(protobuf ? "protobuf" : "json");
    state.counters["pods"] = benchmark::Counter(pods, benchmark::Counter::kAvgThreads);
    state.counters["bytes_per_response"] =
        benchmark::Counter(double(bytes), benchmark::Counter::kAvgThreads);
    state.counters["peak_rss_MiB"] =
        benchmark::Counter(peakRssMiB(), benchmark::Counter::kAvgThreads);
}

// Smoke: 300 pods. Full: 10,000 (also with 32 clients, in JSON, as issue
// 4's figure) and 150,000 pods, JSON and protobuf.
void listArguments(benchmark::internal::Benchmark *b)
{
    b->ArgNames({"pods", "protobuf"});
    for (int pods : full() ? std::vector<int>{10000, 150000} : std::vector<int>{300})
        for (int protobuf : {0, 1})
            b->Args({pods, protobuf});
}
BENCHMARK(BM_ListPods)
    ->Apply(listArguments)
    ->Threads(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_ListPods)
    ->Args({full() ? 10000 : 300, 0})
    ->ArgNames({"pods", "protobuf"})
    ->Threads(32)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// --- CREATE of a pod (durable) --------------------------------------------------------

std::atomic<int64_t> g_createSequence{0};

void BM_CreatePod(benchmark::State &state)
{
    // The pod's JSON with a placeholder name, replaced per request.
    static const std::string templateJson = kubist::api::JsonCodec::encode(
        *realisticPod("bench-create", "NAME-PLACEHOLDER"), {podKind().typeMeta()});
    const size_t at = templateJson.find("NAME-PLACEHOLDER");
    auto client = connectOrSkip(state);
    if (!client)
        return;
    const std::string target = "/api/v1/namespaces/bench-create/pods";
    std::string response;
    for (auto _ : state) {
        std::string body = templateJson;
        body.replace(at, 16, "create-" + std::to_string(g_createSequence++));
        int status = 0;
        if (std::string e = client->request(http::verb::post, target, body, &status, &response);
            !e.empty() || status != 201) {
            state.SkipWithError(
                (e.empty() ? "HTTP " + std::to_string(status) + ": " + response : e).c_str());
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CreatePod)->Threads(1)->Threads(32)->UseRealTime();

// --- watch fan-out -------------------------------------------------------------------

int fanOutWatchers()
{
    return full() ? 500 : 20;
}

int fanOutCreates()
{
    return full() ? 200 : 10;
}

// One HTTP watcher: its connection, its reading thread and the arrival
// time of each "fanout-N" pod's event (index N).
struct Watcher
{
    std::unique_ptr<HttpsClient> client;
    std::thread thread;
    std::vector<SteadyClock::time_point> arrivals;
    std::string error; // set by the thread before it counts itself ready
};

// What the watchers' threads report to the benchmark's thread.
struct FanOut
{
    std::mutex mutex; // guards everything below
    std::condition_variable changed;
    int ready = 0;         // watchers whose stream has started (or failed to)
    int64_t delivered = 0; // events received over all watchers
};

// The index N of each "fanout-N" pod in the complete events at the start of
// `pending` (newline-delimited JSON, or protobuf frames: a 4-byte
// big-endian length, then a WatchEvent whose object holds the name's bytes
// as they are); removes the events it read.
std::vector<size_t> takeEvents(std::string &pending, bool protobuf)
{
    static constexpr std::string_view kJsonMarker = R"("name":"fanout-)";
    static constexpr std::string_view kNameMarker = "fanout-";
    std::vector<size_t> out;
    size_t start = 0;
    while (true) {
        size_t begin = start, end = 0;
        if (protobuf) {
            if (pending.size() - start < 4)
                break;
            const auto byte = [&](size_t i) { return uint32_t(uint8_t(pending[start + i])); };
            const size_t n = byte(0) << 24 | byte(1) << 16 | byte(2) << 8 | byte(3);
            if (pending.size() - start - 4 < n)
                break;
            begin = start + 4;
            end = begin + n;
        } else {
            const size_t nl = pending.find('\n', start);
            if (nl == std::string::npos)
                break;
            end = nl;
        }
        const std::string_view event(pending.data() + begin, end - begin);
        const std::string_view marker = protobuf ? kNameMarker : kJsonMarker;
        if (const size_t m = event.find(marker); m != std::string_view::npos)
            out.push_back(std::strtoull(event.data() + m + marker.size(), nullptr, 10));
        start = protobuf ? end : end + 1;
    }
    pending.erase(0, start);
    return out;
}

void watchLoop(Watcher &w, FanOut &fanOut, const std::string &target, bool protobuf)
{
    int status = 0;
    std::string error = w.client->connect();
    if (error.empty())
        error = w.client->startStream(target, &status);
    if (error.empty() && status != 200)
        error = "watch: HTTP " + std::to_string(status);
    {
        std::lock_guard lock(fanOut.mutex);
        w.error = error;
        ++fanOut.ready;
        fanOut.changed.notify_all();
    }
    if (!error.empty())
        return;
    std::string pending;
    while (w.client->readStream(pending)) {
        const auto now = SteadyClock::now();
        const std::vector<size_t> indexes = takeEvents(pending, protobuf);
        for (size_t index : indexes)
            if (index < w.arrivals.size())
                w.arrivals[index] = now;
        const int64_t events = int64_t(indexes.size());
        if (events > 0) {
            std::lock_guard lock(fanOut.mutex);
            fanOut.delivered += events;
            fanOut.changed.notify_all();
        }
    }
}

// range(0): 0 JSON watch streams, 1 protobuf (application/vnd.kubernetes.protobuf;stream=watch).
void BM_WatchFanOut(benchmark::State &state)
{
    const bool protobuf = state.range(0) == 1;
    state.SetLabel(protobuf ? "protobuf" : "json");
    const int watchers = fanOutWatchers();
    const int creates = int(state.max_iterations);
    kubist::apiserver::Registry &registry = g_server->api().registry();
    const std::string target = "/api/v1/namespaces/bench-watch/pods?watch=true&resourceVersion=" +
                               std::to_string(registry.store().currentRevision());
    FanOut fanOut;
    std::vector<Watcher> ws(static_cast<size_t>(watchers));
    for (Watcher &w : ws) {
        w.client = std::make_unique<HttpsClient>(
            *g_server, protobuf ? std::string(kProtobuf) + ";stream=watch" : "application/json");
        w.arrivals.resize(size_t(creates));
        w.thread = std::thread(
            [&w, &fanOut, &target, protobuf] { watchLoop(w, fanOut, target, protobuf); });
    }
    std::string error;
    {
        std::unique_lock lock(fanOut.mutex);
        if (!fanOut.changed.wait_for(lock, std::chrono::seconds(60),
                                     [&] { return fanOut.ready == watchers; }))
            error = "the watchers did not start within 60 s";
        for (const Watcher &w : ws)
            if (error.empty() && !w.error.empty())
                error = w.error;
    }
    std::vector<SteadyClock::time_point> commits(static_cast<size_t>(creates));
    std::vector<SteadyClock::time_point> starts(static_cast<size_t>(creates));
    std::vector<double> createLatencies;
    int64_t i = 0;
    if (!error.empty())
        state.SkipWithError(error.c_str());
    for (auto _ : state) {
        if (!error.empty())
            break;
        char name[48];
        std::snprintf(name, sizeof name, "fanout-%lld-%s", static_cast<long long>(i),
                      protobuf ? "pb" : "json");
        auto pod = realisticPod("bench-watch", name);
        starts[size_t(i)] = SteadyClock::now();
        auto r = registry.create({"bench"}, podKind(), "bench-watch", std::move(pod));
        commits[size_t(i)] = SteadyClock::now();
        createLatencies.push_back(micros(commits[size_t(i)] - starts[size_t(i)]));
        ++i;
        if (!r) {
            state.SkipWithError(r.status().toString().c_str());
            break;
        }
        std::unique_lock lock(fanOut.mutex);
        if (!fanOut.changed.wait_for(lock, std::chrono::seconds(30),
                                     [&] { return fanOut.delivered >= i * watchers; })) {
            state.SkipWithError("the watchers did not all receive an event within 30 s");
            break;
        }
    }
    for (Watcher &w : ws)
        if (w.error.empty())
            w.client->shutdown();
    for (Watcher &w : ws)
        w.thread.join();

    std::vector<double> fromCommit, fromWrite;
    fromCommit.reserve(size_t(i) * size_t(watchers));
    fromWrite.reserve(size_t(i) * size_t(watchers));
    for (const Watcher &w : ws) {
        for (int64_t n = 0; n < i; ++n) {
            fromCommit.push_back(micros(w.arrivals[size_t(n)] - commits[size_t(n)]));
            fromWrite.push_back(micros(w.arrivals[size_t(n)] - starts[size_t(n)]));
        }
    }
    state.counters["watchers"] = watchers;
    state.counters["commit_to_delivery_p50_us"] = percentile(fromCommit, 0.50);
    state.counters["commit_to_delivery_p99_us"] = percentile(fromCommit, 0.99);
    state.counters["write_to_delivery_p50_us"] = percentile(fromWrite, 0.50);
    state.counters["write_to_delivery_p99_us"] = percentile(fromWrite, 0.99);
    state.counters["create_p50_us"] = percentile(createLatencies, 0.50);
    state.SetItemsProcessed(state.iterations() * watchers);
}
// A fixed number of creates (a fixed arrivals table per watcher).
BENCHMARK(BM_WatchFanOut)
    ->ArgName("protobuf")
    ->Arg(0)
    ->Arg(1)
    ->Iterations(fanOutCreates())
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// --- requests per second at the in-flight limit --------------------------------------

// 32 clients GET one pod from a server that serves at most 4 read-only
// requests at once: what it answers per second at that limit (200s and 429s
// with Retry-After, as items_per_second and counters) while it keeps
// refusing the excess quickly instead of queueing it.
BenchServer *g_limited = nullptr;

void BM_InFlightLimit(benchmark::State &state)
{
    // Every thread waits here until the limited server exists.
    static std::once_flag started;
    std::call_once(started, [] {
        kubist::apiserver::ApiLimits limits;
        limits.maxRequestsInFlight = 4;
        g_limited = new BenchServer(limits);
        g_limited->createPods("bench-get", "get-", 1);
    });
    auto client = connectOrSkip(state, *g_limited);
    if (!client)
        return;
    const std::string target = "/api/v1/namespaces/bench-get/pods/get-00000";
    std::string body;
    int64_t ok = 0, refused = 0;
    for (auto _ : state) {
        int status = 0;
        if (std::string e = client->request(http::verb::get, target, {}, &status, &body);
            !e.empty() || (status != 200 && status != 429)) {
            state.SkipWithError((e.empty() ? "HTTP " + std::to_string(status) : e).c_str());
            break;
        }
        (status == 200 ? ok : refused)++;
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["ok_per_second"] = benchmark::Counter(double(ok), benchmark::Counter::kIsRate);
    state.counters["refused_per_second"] =
        benchmark::Counter(double(refused), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_InFlightLimit)->Threads(32)->UseRealTime();

} // namespace

int main(int argc, char **argv)
{
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    // Two sockets per watcher (client and server side) and one per client.
    rlimit files{};
    if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &files);
    }
    g_server = new BenchServer;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    delete g_limited;
    delete g_server;
    return 0;
}
