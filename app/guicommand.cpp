#include "guicommand.h"

#include "backend/client/client.h"
#include "backend/client/kubeconfig.h"
#include "backend/client/remoteclient.h"
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
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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

// Where the window looks: the embedded cluster, or a context of kubeconfig
// files (merged in order, as kubectl merges $KUBECONFIG).
struct Target
{
    bool remote = false;
    std::vector<std::string> files;
    std::string context; // "" : the kubeconfig's current-context
};

// A remote cluster ready to be drawn: the client is made, nothing is sent yet.
struct Attached
{
    std::unique_ptr<kubist::client::RemoteClient> client;
    std::vector<std::string> files;
};

// The window never shows managedFields (nor does kubectl get by default):
// its informers keep objects without them.
kubist::client::RemoteClient::Options guiClientOptions()
{
    kubist::client::RemoteClient::Options o;
    o.stripManagedFields = true;
    return o;
}

std::vector<std::string> defaultKubeconfigFiles()
{
    return kubist::client::Kubeconfig::defaultFiles(
        qEnvironmentVariable("KUBECONFIG").toStdString(), QDir::homePath().toStdString());
}

std::string joined(const std::vector<std::string> &files)
{
    std::string out;
    for (const std::string &f : files)
        out += (out.empty() ? "" : ":") + f;
    return out;
}

// Reads the kubeconfig, resolves the context and makes its client. Reads
// files only (no network), so the GUI may call it.
Result<Attached> attach(const Target &target)
{
    if (target.files.empty())
        return Status::notFound("no kubeconfig: set $KUBECONFIG, pass --kubeconfig FILE, or "
                                "create ~/.kube/config");
    Result<kubist::client::Kubeconfig> config =
        kubist::client::Kubeconfig::loadMerged(target.files);
    if (!config) {
        if (target.files.size() == 1 && !QFileInfo::exists(QString::fromStdString(target.files[0])))
            return Status::notFound("kubeconfig " + target.files[0] + ": no such file");
        return config.status();
    }
    Result<kubist::client::ResolvedContext> context = config->resolve(target.context);
    if (!context) {
        std::string why = context.status().message();
        if (why.rfind("kubeconfig: ", 0) == 0)
            why.erase(0, 12);
        return Status(context.status().code(), "kubeconfig " + joined(target.files) + ": " + why);
    }
    Result<std::unique_ptr<kubist::client::RemoteClient>> client =
        kubist::client::RemoteClient::create(*context, guiClientOptions());
    if (!client)
        return Status(client.status().code(),
                      "context " + context->name + ": " + client.status().message());
    Attached a;
    a.client = std::move(*client);
    a.files = target.files;
    return a;
}

// The Connect dialog's lister: kubectl's files (or the ones given) merged.
Result<kubist::widgets::KubeconfigContexts> listContexts(const std::vector<std::string> &files)
{
    kubist::widgets::KubeconfigContexts out;
    out.files = files.empty() ? defaultKubeconfigFiles() : files;
    Result<kubist::client::Kubeconfig> config = kubist::client::Kubeconfig::loadMerged(out.files);
    if (!config)
        return config.status();
    out.contexts = config->contextNames();
    out.currentContext = config->currentContext();
    return out;
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
        "  kubist --kubeconfig FILE [--context NAME]   (or: kubist --context NAME)\n"
        "      the window attached to a real cluster (without --kubeconfig: $KUBECONFIG,\n"
        "      several files merged, else ~/.kube/config); File > Connect to cluster...\n"
        "      switches between contexts and the embedded cluster\n"
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
        QStringLiteral("Attach to the cluster of this kubeconfig file (its current-context, or "
                       "--context)."),
        QStringLiteral("FILE"));
    const QCommandLineOption context(
        QStringLiteral("context"),
        QStringLiteral("Attach to this context of the kubeconfig (--kubeconfig, else "
                       "$KUBECONFIG or ~/.kube/config)."),
        QStringLiteral("NAME"));
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
                       "web Deployment's pods Running) or, attached to a cluster, once its "
                       "objects are read; exit 2 after --ready-timeout-ms."));
    const QCommandLineOption readyTimeout(
        QStringLiteral("ready-timeout-ms"),
        QStringLiteral("The bound of --exit-when-ready (default 60000)."), QStringLiteral("N"),
        QStringLiteral("60000"));
    parser.addOptions({dataDir, ephemeral, kubeconfig, context, screenshot, afterMs, exitWhenReady,
                       readyTimeout});
    parser.process(app);

    Target target;
    if (parser.isSet(kubeconfig) || parser.isSet(context)) {
        target.remote = true;
        if (parser.isSet(kubeconfig)) {
            if (parser.value(kubeconfig).isEmpty())
                return fail("--kubeconfig wants a file");
            target.files = {parser.value(kubeconfig).toStdString()};
        } else {
            target.files = defaultKubeconfigFiles();
        }
        target.context = parser.value(context).toStdString();
        if (parser.isSet(context) && target.context.empty())
            return fail("--context wants a context name");
    }
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
    // The remote cluster the next window attaches to (made before the
    // previous window closes, so a bad choice keeps the old window).
    std::optional<Attached> attached;
    if (target.remote) {
        Result<Attached> a = attach(target);
        if (!a)
            return fail(a.status().message());
        attached.emplace(std::move(*a));
    }
    int rc = 0;
    for (;;) {
        std::unique_ptr<EmbeddedCluster> cluster;
        kubist::widgets::MainWindow::Options windowOptions;
        std::unique_ptr<kubist::client::Client> client;
        windowOptions.listContexts = listContexts;
        if (attached) {
            kubist::client::RemoteClient *remote = attached->client.get();
            windowOptions.apiServerUrl = remote->server();
            windowOptions.kubeconfigPath = joined(attached->files);
            windowOptions.remote = true;
            windowOptions.contextName = remote->context().name;
            windowOptions.insecureTls = remote->insecureSkipTlsVerify();
            // The window owns the client and stops polling before it goes.
            windowOptions.connectionState = [remote] { return remote->connectionState(); };
            windowOptions.fetchPath = [remote](const std::string &path) {
                return remote->getPath(path);
            };
            client = std::move(attached->client);
            attached.reset();
        } else {
            EmbeddedCluster::Options options;
            options.dataDir = dir.toStdString();
            options.port = 0; // any free loopback port; the window shows it
            options.clock = &pace;
            if (!profile.empty())
                options.profile = profile;
            Result<std::unique_ptr<EmbeddedCluster>> opened = EmbeddedCluster::open(options);
            if (!opened)
                return fail(opened.status().message());
            cluster = std::move(*opened);
            if (Status s = cluster->start(); !s)
                return fail(s.message());
            const std::string kubeconfigPath = cluster->dataDir() + "/admin.kubeconfig";
            if (Status s = cluster->writeKubeconfig(kubeconfigPath); !s)
                std::fprintf(stderr, "kubist: %s\n", s.message().c_str());
            windowOptions.apiServerUrl = cluster->url();
            windowOptions.kubeconfigPath = kubeconfigPath;
            windowOptions.control = cluster.get();
            windowOptions.clock = &cluster->clock();
            windowOptions.pace = &pace;
            windowOptions.canReset = true;
            windowOptions.profile = cluster->config().profile;
            client = cluster->client("kubist-gui");
        }
        const bool remoteWindow = windowOptions.remote;
        std::optional<QString> resetProfile;
        bool switching = false;
        {
            // The window (and its informers) goes before the cluster.
            kubist::widgets::MainWindow window(std::move(client), windowOptions);
            window.resize(1400, 900);
            if (settings)
                window.restoreGeometry(settings->value(kGeometryKey).toByteArray());
            window.show();
            QObject::connect(&window, &kubist::widgets::MainWindow::resetRequested, &window,
                             [&](const QString &p) {
                                 resetProfile = p;
                                 app.exit(0);
                             });
            // Switching: the new client is made here (files only, no network),
            // so a bad context keeps this window and says why.
            QObject::connect(&window, &kubist::widgets::MainWindow::connectRequested, &window,
                             [&](const QString &name, const QStringList &files) {
                                 Target next;
                                 next.remote = true;
                                 next.context = name.toStdString();
                                 for (const QString &f : files)
                                     next.files.push_back(f.toStdString());
                                 if (next.files.empty())
                                     next.files = defaultKubeconfigFiles();
                                 Result<Attached> a = attach(next);
                                 if (!a) {
                                     QMessageBox::warning(
                                         &window, QObject::tr("Cannot connect"),
                                         QString::fromStdString(a.status().message()));
                                     return;
                                 }
                                 attached.emplace(std::move(*a));
                                 switching = true;
                                 app.exit(0);
                             });
            QObject::connect(&window, &kubist::widgets::MainWindow::embeddedRequested, &window,
                             [&] {
                                 switching = true;
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
                    // Remote: every kind has been listed once (the model synced).
                    const bool ready = remoteWindow ? window.clusterModel().hasSynced()
                                                    : demoIsRunning(window.clusterModel());
                    if (!ready)
                        return;
                    readyPoll.stop();
                    std::printf("kubist: ready\n");
                    std::fflush(stdout);
                    app.exit(0);
                });
                readyPoll.start(100);
                QTimer::singleShot(readyBound, &window, [&] {
                    if (remoteWindow)
                        std::fprintf(stderr,
                                     "kubist: the cluster's objects are not read after %d ms\n",
                                     readyBound);
                    else
                        std::fprintf(stderr,
                                     "kubist: the demo cluster is not running after %d ms\n",
                                     readyBound);
                    app.exit(2);
                });
            }
            // A reset or a switch destroyed the previous window: any quit it
            // posted (last window closed) must not end this one's loop.
            QCoreApplication::removePostedEvents(nullptr, QEvent::Quit);
            rc = app.exec();
            if (settings) {
                // Presentation mode's full screen is not the window's own size.
                if (!window.presentationMode())
                    settings->setValue(kGeometryKey, window.saveGeometry());
                if (!remoteWindow)
                    settings->setValue(kSpeedKey, pace.speed());
            }
        }
        if (cluster) {
            cluster->stop();
            cluster.reset();
        }
        if (switching) {
            pace.resume();
            continue;
        }
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
