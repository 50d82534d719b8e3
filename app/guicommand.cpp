#include "guicommand.h"

#include "backend/client/client.h"
#include "backend/cluster/embeddedcluster.h"
#include "widgets/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>
#include <memory>
#include <optional>

using kubist::Result;
using kubist::Status;
using kubist::cluster::EmbeddedCluster;

namespace {

int fail(const std::string &message)
{
    std::fprintf(stderr, "kubist: %s\n", message.c_str());
    return 1;
}

} // namespace

int runGui(QApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Kubist: Kubernetes in pictures, made live.\n\n"
        "  kubist [--data-dir DIR | --ephemeral] [--screenshot FILE.png [--after-ms N]]\n"
        "      the window over the embedded demo cluster\n"
        "  kubist serve [--data-dir DIR] [--listen ADDR:PORT] [--nodes N]\n"
        "               [--profile demo|realistic] [--kubeconfig-out FILE]\n"
        "               [--viewer-kubeconfig-out FILE] [--insecure-http]\n"
        "      the embedded cluster, headless (see kubist serve --help)"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dataDir(
        QStringLiteral("data-dir"),
        QStringLiteral("Where the embedded cluster is kept (default: the app data location)."),
        QStringLiteral("DIR"));
    const QCommandLineOption ephemeral(
        QStringLiteral("ephemeral"),
        QStringLiteral("A throwaway embedded cluster, deleted when Kubist exits."));
    const QCommandLineOption kubeconfig(
        QStringLiteral("kubeconfig"),
        QStringLiteral("Attach to the cluster of a kubeconfig (not available yet)."),
        QStringLiteral("FILE"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Render the window to FILE.png after --after-ms, then exit."),
        QStringLiteral("FILE.png"));
    const QCommandLineOption afterMs(QStringLiteral("after-ms"),
                                     QStringLiteral("Delay before --screenshot (default 2000)."),
                                     QStringLiteral("N"), QStringLiteral("2000"));
    parser.addOptions({dataDir, ephemeral, kubeconfig, screenshot, afterMs});
    parser.process(app);

    if (parser.isSet(kubeconfig))
        return fail("attaching to a cluster through a kubeconfig is not available yet; "
                    "run `kubist` for the embedded cluster");
    if (parser.isSet(dataDir) && parser.isSet(ephemeral))
        return fail("--data-dir and --ephemeral exclude each other");
    bool delayOk = false;
    const int delay = parser.value(afterMs).toInt(&delayOk);
    if (!delayOk || delay < 0)
        return fail("--after-ms wants a number of milliseconds");

    std::optional<QTemporaryDir> throwaway;
    QString dir = parser.value(dataDir);
    if (parser.isSet(ephemeral)) {
        throwaway.emplace();
        if (!throwaway->isValid())
            return fail("cannot create a temporary directory");
        dir = throwaway->path();
    } else if (dir.isEmpty()) {
        dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
              QStringLiteral("/embedded");
    }

    EmbeddedCluster::Options options;
    options.dataDir = dir.toStdString();
    options.port = 0; // any free loopback port; the window shows it
    Result<std::unique_ptr<EmbeddedCluster>> opened = EmbeddedCluster::open(options);
    if (!opened)
        return fail(opened.status().message());
    std::unique_ptr<EmbeddedCluster> cluster = std::move(*opened);
    if (Status s = cluster->start(); !s)
        return fail(s.message());
    const std::string kubeconfigPath = cluster->dataDir() + "/admin.kubeconfig";
    if (Status s = cluster->writeKubeconfig(kubeconfigPath); !s)
        std::fprintf(stderr, "kubist: %s\n", s.message().c_str());

    kubist::widgets::MainWindow::Options windowOptions;
    windowOptions.apiServerUrl = cluster->url();
    windowOptions.kubeconfigPath = kubeconfigPath;
    windowOptions.control = cluster.get();
    windowOptions.clock = &cluster->clock();
    int rc = 0;
    {
        // The window (and its informers) goes before the cluster.
        kubist::widgets::MainWindow window(cluster->client("kubist-gui"), windowOptions);
        window.resize(1400, 900);
        window.show();
        const QString shot = parser.value(screenshot);
        if (!shot.isEmpty())
            QTimer::singleShot(delay, &window, [&] {
                const bool ok = window.saveScreenshot(shot);
                if (!ok)
                    std::fprintf(stderr, "kubist: cannot write %s\n", qPrintable(shot));
                app.exit(ok ? 0 : 1);
            });
        rc = app.exec();
    }
    cluster->stop();
    return rc;
}
