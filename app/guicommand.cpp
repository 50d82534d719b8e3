#include "guicommand.h"

#include "backend/client/client.h"
#include "backend/cluster/embeddedcluster.h"
#include "backend/util/simclock.h"
#include "model/clustermodel.h"
#include "widgets/mainwindow.h"
#include "widgets/pacebar.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <iterator>
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

// The demo cluster is up: the web Deployment exists and as many of its
// pods as it wants are Running.
bool demoIsRunning(const kubist::model::ClusterModel &model)
{
    namespace apps = k8s::io::api::apps::v1;
    namespace core = k8s::io::api::core::v1;
    if (!model.hasSynced())
        return false;
    const auto web =
        model.get<apps::Deployment>(kubist::model::ObjectKind::Deployment, "default/web");
    if (!web)
        return false;
    const int want = web->spec().has_replicas() ? web->spec().replicas() : 1;
    int running = 0;
    for (const std::string &key :
         model.podsOwnedBy(kubist::model::OwnerRef{"Deployment", "default", "web"})) {
        const auto pod = model.get<core::Pod>(kubist::model::ObjectKind::Pod, key);
        if (pod && pod->status().phase() == "Running" && !pod->metadata().has_deletion_timestamp())
            ++running;
    }
    return want > 0 && running >= want;
}

// Only a directory that holds an embedded cluster is wiped on reset.
bool looksLikeEmbeddedDataDir(const QString &dir)
{
    const QDir d(dir);
    return d.exists() && (QFileInfo::exists(d.filePath(QStringLiteral("cluster.json"))) ||
                          QFileInfo::exists(d.filePath(QStringLiteral("store"))));
}

// The desktop user's settings (window geometry, last pace) live in the XDG
// config location: $XDG_CONFIG_HOME/kubist/kubist.conf, by default
// ~/.config/kubist/kubist.conf. Organization and application are given to
// QSettings rather than set on the application, which would move the app
// data location (QStandardPaths puts the organization into that path too).
constexpr char kGeometryKey[] = "window/geometry";
constexpr char kSpeedKey[] = "pace/speed";

// The saved pace, when it is one the pace bar offers.
std::optional<double> savedSpeed(const QSettings &settings)
{
    bool ok = false;
    const double speed = settings.value(kSpeedKey).toDouble(&ok);
    const auto &offered = kubist::widgets::PaceBar::kSpeeds;
    if (!ok || std::find(std::begin(offered), std::end(offered), speed) == std::end(offered))
        return std::nullopt;
    return speed;
}

} // namespace

int runGui(QApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Kubist: Kubernetes in pictures, made live.\n\n"
        "  kubist [--data-dir DIR | --ephemeral] [--screenshot FILE.png [--after-ms N]]\n"
        "         [--exit-when-ready]\n"
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
    const QCommandLineOption exitWhenReady(
        QStringLiteral("exit-when-ready"),
        QStringLiteral("Print \"kubist: ready\" and exit (0) once the demo cluster runs (the "
                       "web Deployment's pods Running); exit 2 after --ready-timeout-ms."));
    const QCommandLineOption readyTimeout(
        QStringLiteral("ready-timeout-ms"),
        QStringLiteral("The bound of --exit-when-ready (default 60000)."), QStringLiteral("N"),
        QStringLiteral("60000"));
    parser.addOptions(
        {dataDir, ephemeral, kubeconfig, screenshot, afterMs, exitWhenReady, readyTimeout});
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
    const int readyBound = parser.value(readyTimeout).toInt(&delayOk);
    if (!delayOk || readyBound <= 0)
        return fail("--ready-timeout-ms wants a number of milliseconds");

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

    // Settings are the interactive user's: a --screenshot or
    // --exit-when-ready run (scripts, tests) neither reads nor writes them,
    // so its picture does not depend on the last session.
    std::optional<QSettings> settings;
    if (!parser.isSet(screenshot) && !parser.isSet(exitWhenReady))
        settings.emplace(QSettings::NativeFormat, QSettings::UserScope, QStringLiteral("kubist"),
                         QStringLiteral("kubist"));

    // Cluster time: owned here, so it outlives every cluster and window
    // of this run (a reset builds both afresh on the same clock).
    kubist::SimClock pace;
    if (settings)
        if (const std::optional<double> speed = savedSpeed(*settings))
            pace.setSpeed(*speed);
    std::string profile; // empty: the data directory's own (or the default)
    int rc = 0;
    for (;;) {
        EmbeddedCluster::Options options;
        options.dataDir = dir.toStdString();
        options.port = 0; // any free loopback port; the window shows it
        options.clock = &pace;
        if (!profile.empty())
            options.profile = profile;
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
        windowOptions.pace = &pace;
        windowOptions.canReset = true;
        windowOptions.profile = cluster->config().profile;
        std::optional<QString> resetProfile;
        {
            // The window (and its informers) goes before the cluster.
            kubist::widgets::MainWindow window(cluster->client("kubist-gui"), windowOptions);
            window.resize(1400, 900);
            if (settings)
                window.restoreGeometry(settings->value(kGeometryKey).toByteArray());
            window.show();
            QObject::connect(&window, &kubist::widgets::MainWindow::resetRequested, &window,
                             [&](const QString &p) {
                                 resetProfile = p;
                                 app.exit(0);
                             });
            const QString shot = parser.value(screenshot);
            if (!shot.isEmpty())
                QTimer::singleShot(delay, &window, [&] {
                    const bool ok = window.saveScreenshot(shot);
                    if (!ok)
                        std::fprintf(stderr, "kubist: cannot write %s\n", qPrintable(shot));
                    app.exit(ok ? 0 : 1);
                });
            QTimer readyPoll;
            if (parser.isSet(exitWhenReady)) {
                QObject::connect(&readyPoll, &QTimer::timeout, &window, [&] {
                    if (!demoIsRunning(window.clusterModel()))
                        return;
                    readyPoll.stop();
                    std::printf("kubist: ready\n");
                    std::fflush(stdout);
                    app.exit(0);
                });
                readyPoll.start(100);
                QTimer::singleShot(readyBound, &window, [&] {
                    std::fprintf(stderr, "kubist: the demo cluster is not running after %d ms\n",
                                 readyBound);
                    app.exit(2);
                });
            }
            // A reset destroyed the previous window: any quit it posted
            // (last window closed) must not end this one's loop.
            QCoreApplication::removePostedEvents(nullptr, QEvent::Quit);
            rc = app.exec();
            if (settings) {
                // Presentation mode's full screen is not the window's own size.
                if (!window.presentationMode())
                    settings->setValue(kGeometryKey, window.saveGeometry());
                settings->setValue(kSpeedKey, pace.speed());
            }
        }
        cluster->stop();
        cluster.reset();
        if (!resetProfile)
            break;
        // Reset: wipe the embedded cluster's data directory and start over.
        if (!looksLikeEmbeddedDataDir(dir))
            return fail("not resetting " + dir.toStdString() +
                        ": it does not look like an embedded cluster's data directory");
        if (!QDir(dir).removeRecursively() || !QDir().mkpath(dir))
            return fail("cannot wipe " + dir.toStdString());
        profile = resetProfile->toStdString();
        pace.resume();
        std::fprintf(stderr, "kubist: reset the demo cluster (profile %s)\n", profile.c_str());
    }
    return rc;
}
