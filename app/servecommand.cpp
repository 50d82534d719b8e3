#include "servecommand.h"

#include "backend/api/goduration.h"
#include "backend/cluster/embeddedcluster.h"

#include <QCommandLineParser>
#include <QDir>
#include <QStandardPaths>

#include <csignal>
#include <cstdio>
#include <pthread.h>

using kubist::Result;
using kubist::Status;
using kubist::cluster::EmbeddedCluster;

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
    parser.setApplicationDescription(
        QStringLiteral("Runs Kubist's embedded Kubernetes cluster headless (API server, "
                       "scheduler, controller manager, simulated nodes) until SIGTERM or "
                       "SIGINT."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("serve"), QStringLiteral("The serve command."));
    const QCommandLineOption dataDir(
        QStringLiteral("data-dir"),
        QStringLiteral("Where the cluster is kept (default: the app data location)."),
        QStringLiteral("DIR"));
    const QCommandLineOption listen(QStringLiteral("listen"),
                                    QStringLiteral("Address and port (default 127.0.0.1:6443)."),
                                    QStringLiteral("ADDR:PORT"), QStringLiteral("127.0.0.1:6443"));
    const QCommandLineOption nodes(
        QStringLiteral("nodes"),
        QStringLiteral("Workers a new cluster gets (default 3; kept in the data directory)."),
        QStringLiteral("N"), QStringLiteral("3"));
    const QCommandLineOption profile(
        QStringLiteral("profile"),
        QStringLiteral("Timing profile of a new cluster: demo (failures recover in ~20 s) or "
                       "realistic (upstream defaults). Kept in the data directory."),
        QStringLiteral("demo|realistic"), QStringLiteral("demo"));
    const QCommandLineOption noDemo(
        QStringLiteral("no-demo-workloads"),
        QStringLiteral("Do not create the demo Deployment and Service in a new cluster."));
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
    const QCommandLineOption compaction(
        QStringLiteral("etcd-compaction-interval"),
        QStringLiteral("How often the store's history is compacted, as kube-apiserver's flag "
                       "(default 5m; 0 disables). Watches resuming from a compacted revision "
                       "get 410 Gone."),
        QStringLiteral("DURATION"), QStringLiteral("5m"));
    parser.addOptions({dataDir, listen, nodes, profile, noDemo, kubeconfigOut, viewerKubeconfigOut,
                       insecureHttp, compaction});
    if (!parser.parse(arguments))
        return fail(parser.errorText().toStdString());
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(parser.helpText().toUtf8().constData(), stdout);
        return 0;
    }

    EmbeddedCluster::Options options;
    QString dir = parser.value(dataDir);
    if (dir.isEmpty())
        dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
              QStringLiteral("/embedded");
    options.dataDir = dir.toStdString();

    const QString listenValue = parser.value(listen);
    const int colon = listenValue.lastIndexOf(QLatin1Char(':'));
    bool portOk = false;
    const int port = colon < 0 ? -1 : listenValue.mid(colon + 1).toInt(&portOk);
    if (colon < 0 || !portOk || port < 0 || port > 65535)
        return fail("--listen wants ADDR:PORT, e.g. 127.0.0.1:6443");
    std::string address = listenValue.left(colon).toStdString();
    if (address.size() > 2 && address.front() == '[' && address.back() == ']')
        address = address.substr(1, address.size() - 2);
    options.address = address;
    options.port = uint16_t(port);
    options.insecureHttp = parser.isSet(insecureHttp);
    if (options.insecureHttp && address != "127.0.0.1" && address != "::1" &&
        address != "localhost")
        return fail("--insecure-http only listens on loopback (127.0.0.1 or ::1)");
    bool nodesOk = false;
    options.workers = parser.value(nodes).toInt(&nodesOk);
    if (!nodesOk || options.workers < 0 ||
        options.workers > kubist::cluster::ClusterConfig::kMaxWorkers)
        return fail("--nodes wants a number from 0 to " +
                    std::to_string(kubist::cluster::ClusterConfig::kMaxWorkers));
    options.profile = parser.value(profile).toStdString();
    options.demoWorkloads = !parser.isSet(noDemo);
    Result<std::chrono::nanoseconds> interval =
        kubist::api::parseGoDuration(parser.value(compaction).toStdString());
    if (!interval || interval->count() < 0)
        return fail("--etcd-compaction-interval wants a duration such as 5m or 30s");
    options.compactionInterval = std::chrono::duration_cast<std::chrono::milliseconds>(*interval);

    // Signals are taken by sigwait() below; block them before any thread starts.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGINT);
    sigaddset(&stopSignals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

    Result<std::unique_ptr<EmbeddedCluster>> cluster = EmbeddedCluster::open(options);
    if (!cluster)
        return fail(cluster.status().message());
    EmbeddedCluster &c = **cluster;
    if (parser.isSet(kubeconfigOut))
        if (Status s = c.writeKubeconfig(parser.value(kubeconfigOut).toStdString()); !s)
            return fail(s.message());
    if (parser.isSet(viewerKubeconfigOut))
        if (Status s = c.writeKubeconfig(parser.value(viewerKubeconfigOut).toStdString(), true); !s)
            return fail(s.message());
    if (Status s = c.start(); !s)
        return fail(s.message());

    if (options.insecureHttp)
        std::fprintf(stderr,
                     "kubist serve: WARNING: --insecure-http: plain HTTP, NO authentication. "
                     "Anyone on this machine can change the cluster.\n");
    std::printf("kubist serve: API server on %s (data in %s, profile %s, %d workers)\n",
                c.url().c_str(), c.dataDir().c_str(), c.config().profile.c_str(),
                c.config().workers);
    if (parser.isSet(kubeconfigOut))
        std::printf("kubist serve: export KUBECONFIG=%s\n",
                    QDir(parser.value(kubeconfigOut)).absolutePath().toUtf8().constData());
    std::fflush(stdout);

    int signal = 0;
    sigwait(&stopSignals, &signal);
    std::printf("kubist serve: %s received, shutting down\n",
                signal == SIGINT ? "SIGINT" : "SIGTERM");
    std::fflush(stdout);
    c.stop();
    cluster->reset();
    std::printf("kubist serve: stopped\n");
    return 0;
}
