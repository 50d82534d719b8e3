#include "servecommand.h"

#include "backend/apiserver/apiserver.h"
#include "backend/apiserver/http/apihandler.h"
#include "backend/apiserver/http/certificates.h"
#include "backend/apiserver/http/httpserver.h"
#include "backend/store/store.h"
#include "backend/util/clock.h"

#include <QCommandLineParser>
#include <QDir>
#include <QStandardPaths>

#include <csignal>
#include <cstdio>
#include <pthread.h>

using kubist::Result;
using kubist::Status;

namespace {

int fail(const std::string &message)
{
    std::fprintf(stderr, "kubist serve: %s\n", message.c_str());
    return 1;
}

} // namespace

int runServe(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs Kubist's embedded Kubernetes control plane headless until SIGTERM or SIGINT."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("serve"), QStringLiteral("The serve command."));
    const QCommandLineOption dataDir(
        QStringLiteral("data-dir"),
        QStringLiteral("Where the cluster is kept (default: the app data location)."),
        QStringLiteral("DIR"));
    const QCommandLineOption listen(QStringLiteral("listen"),
                                    QStringLiteral("Address and port (default 127.0.0.1:6443)."),
                                    QStringLiteral("ADDR:PORT"), QStringLiteral("127.0.0.1:6443"));
    const QCommandLineOption kubeconfigOut(
        QStringLiteral("kubeconfig-out"),
        QStringLiteral("Write an admin kubeconfig (mode 0600) to FILE."), QStringLiteral("FILE"));
    const QCommandLineOption viewerKubeconfigOut(
        QStringLiteral("viewer-kubeconfig-out"),
        QStringLiteral("Write a read-only kubeconfig (mode 0600) to FILE."),
        QStringLiteral("FILE"));
    const QCommandLineOption insecureHttp(
        QStringLiteral("insecure-http"),
        QStringLiteral("Serve plain HTTP without authentication (loopback only; unsafe)."));
    parser.addOptions({dataDir, listen, kubeconfigOut, viewerKubeconfigOut, insecureHttp});
    if (!parser.parse(arguments))
        return fail(parser.errorText().toStdString());
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(parser.helpText().toUtf8().constData(), stdout);
        return 0;
    }

    QString dir = parser.value(dataDir);
    if (dir.isEmpty())
        dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
              QStringLiteral("/embedded");
    if (!QDir().mkpath(dir))
        return fail("cannot create the data directory " + dir.toStdString());
    const std::string root = QDir(dir).absolutePath().toStdString();
    QDir().mkpath(QString::fromStdString(root + "/pki"));

    const QString listenValue = parser.value(listen);
    const int colon = listenValue.lastIndexOf(QLatin1Char(':'));
    bool portOk = false;
    const int port = colon < 0 ? -1 : listenValue.mid(colon + 1).toInt(&portOk);
    if (colon < 0 || !portOk || port < 0 || port > 65535)
        return fail("--listen wants ADDR:PORT, e.g. 127.0.0.1:6443");
    std::string address = listenValue.left(colon).toStdString();
    if (address.size() > 2 && address.front() == '[' && address.back() == ']')
        address = address.substr(1, address.size() - 2);
    const bool insecure = parser.isSet(insecureHttp);
    if (insecure && address != "127.0.0.1" && address != "::1" && address != "localhost")
        return fail("--insecure-http only listens on loopback (127.0.0.1 or ::1)");

    // Signals are taken by sigwait() below; block them before any thread starts.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGINT);
    sigaddset(&stopSignals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

    Result<std::unique_ptr<kubist::store::Store>> store =
        kubist::store::Store::open(root + "/store");
    if (!store)
        return fail(store.status().message());
    Result<kubist::apiserver::ServerCredentials> creds =
        kubist::apiserver::ensureServerCredentials(root + "/pki");
    if (!creds)
        return fail(creds.status().message());

    kubist::apiserver::ApiServer api(**store, kubist::SystemClock::instance());
    if (Status s = api.registry().bootstrap(); !s)
        return fail("bootstrap: " + s.message());

    using kubist::apiserver::ApiHandler;
    using kubist::apiserver::Role;
    ApiHandler handler(api, {{creds->adminToken, ApiHandler::Identity{"admin", Role::Admin}},
                             {creds->viewerToken, ApiHandler::Identity{"viewer", Role::Viewer}}});
    handler.setRequireAuthentication(!insecure);
    kubist::apiserver::HttpServer::Options options;
    options.address = address;
    options.port = uint16_t(port);
    options.tls = !insecure;
    options.certFile = creds->certFile;
    options.keyFile = creds->keyFile;
    options.clientCaFile = creds->caCertFile;
    kubist::apiserver::HttpServer http(
        options, [&handler](const auto &req, auto &w) { handler.handle(req, w); });
    Result<uint16_t> bound = http.start();
    if (!bound)
        return fail(bound.status().message());

    const std::string host = address.find(':') != std::string::npos ? "[" + address + "]" : address;
    const std::string url =
        std::string(insecure ? "http://" : "https://") + host + ":" + std::to_string(*bound);
    if (parser.isSet(kubeconfigOut))
        if (Status s = kubist::apiserver::writeKubeconfig(
                parser.value(kubeconfigOut).toStdString(), url, insecure ? "" : creds->caCertPem,
                "admin", insecure ? "" : creds->adminToken);
            !s)
            return fail(s.message());
    if (parser.isSet(viewerKubeconfigOut))
        if (Status s = kubist::apiserver::writeKubeconfig(
                parser.value(viewerKubeconfigOut).toStdString(), url,
                insecure ? "" : creds->caCertPem, "viewer", insecure ? "" : creds->viewerToken);
            !s)
            return fail(s.message());

    if (insecure)
        std::fprintf(stderr,
                     "kubist serve: WARNING: --insecure-http: plain HTTP, NO authentication. "
                     "Anyone on this machine can change the cluster.\n");
    std::printf("kubist serve: API server on %s (data in %s)\n", url.c_str(), root.c_str());
    if (parser.isSet(kubeconfigOut))
        std::printf("kubist serve: export KUBECONFIG=%s\n",
                    QDir(parser.value(kubeconfigOut)).absolutePath().toUtf8().constData());
    std::fflush(stdout);

    int signal = 0;
    sigwait(&stopSignals, &signal);
    std::printf("kubist serve: %s received, shutting down\n",
                signal == SIGINT ? "SIGINT" : "SIGTERM");
    std::fflush(stdout);
    // readyz fails first and new requests are turned away; in-flight ones
    // finish, watches end, then the store is closed (flushed).
    handler.setShuttingDown(true);
    http.stop(std::chrono::milliseconds(5000));
    api.stopServing();
    store->reset();
    std::printf("kubist serve: stopped\n");
    return 0;
}
