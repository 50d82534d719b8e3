// MainWindow as it is attached to a real cluster (Options::remote), over a
// TestCluster's LocalClient with a connection state the test sets: the
// indicator's three phases, the grey veil while disconnected, no presenter's
// tools, the insecure-TLS warning, confirmations before destructive actions
// (remote only), RBAC refusals in the status line, pod drops that evict;
// and the Connect dialog over a $KUBECONFIG of two files.

#include "tests/model/clusterfixtures.h"

#include "widgets/clusterscene.h"
#include "widgets/connectdialog.h"
#include "widgets/mainwindow.h"

#include "model/clusteractions.h"
#include "model/clustermodel.h"

#include "backend/client/kubeconfig.h"

#include <QAction>
#include <QDateTime>
#include <QFile>
#include <QMenu>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>

#include <chrono>
#include <memory>
#include <mutex>

using namespace kubist;
using namespace kubist::testing;
using namespace kubist::testing::fixtures;
using namespace kubist::widgets;
using Phase = client::ConnectionState::Phase;

namespace {

constexpr char kServer[] = "https://10.1.2.3:6443";

// The connection state the window polls; the test flips it.
struct FakeLink
{
    std::mutex mutex;
    client::ConnectionState state;

    void set(Phase phase, std::chrono::system_clock::time_point since = {}, std::string reason = {})
    {
        std::lock_guard lock(mutex);
        state.phase = phase;
        state.since = since;
        state.reason = std::move(reason);
    }
    client::ConnectionState get()
    {
        std::lock_guard lock(mutex);
        return state;
    }
};

// What the user answered to each question, and how often they were asked.
struct Answers
{
    bool answer = true;
    QStringList asked;
};

struct WindowSetup
{
    bool remote = true;
    bool insecure = false;
    bool viewer = false; // act as a read-only user (RBAC refuses writes)
};

std::unique_ptr<MainWindow> openWindow(TestCluster &c, FakeLink &link, Answers &answers,
                                       WindowSetup setup = {})
{
    MainWindow::Options o;
    o.apiServerUrl = kServer;
    o.kubeconfigPath = "/home/me/.kube/config";
    o.clock = &c.clock;
    o.remote = setup.remote;
    o.insecureTls = setup.insecure;
    if (setup.remote) {
        o.contextName = "prod";
        o.connectionState = [&link] { return link.get(); };
    }
    o.confirm = [&answers](const QString &question) {
        answers.asked << question;
        return answers.answer;
    };
    std::unique_ptr<client::Client> client =
        setup.viewer ? c.server->localClient("viewer", apiserver::Role::Viewer)
                     : c.client("kubist-gui");
    auto w = std::make_unique<MainWindow>(std::move(client), o);
    w->resize(1280, 800);
    w->show();
    return w;
}

bool waitSynced(TestCluster &c, MainWindow &w)
{
    return c.settle() && QTest::qWaitFor([&] { return w.clusterModel().hasSynced(); }, 10000);
}

bool terminating(TestCluster &c, const std::string &ns, const std::string &name)
{
    auto p = client::getAs<core::Pod>(c.admin(), ns, name);
    return p && (*p)->metadata().has_deletion_timestamp();
}

QStringList menuTexts(MainWindow &w, model::Subject subject, const std::string &key)
{
    QStringList got;
    if (std::unique_ptr<QMenu> menu = w.contextMenu(ItemRef{subject, key, true}))
        for (QAction *a : menu->actions())
            if (!a->isSeparator())
                got << a->text();
    return got;
}

// A kubeconfig document with one cluster and user per context.
QByteArray kubeconfigYaml(const QStringList &contexts, const QString &current)
{
    QByteArray y = "apiVersion: v1\nkind: Config\n";
    if (!current.isEmpty())
        y += "current-context: " + current.toUtf8() + "\n";
    y += "clusters:\n";
    for (const QString &c : contexts)
        y += "- name: " + c.toUtf8() + "-cluster\n  cluster:\n    server: https://" + c.toUtf8() +
             ".example:6443\n";
    y += "users:\n";
    for (const QString &c : contexts)
        y += "- name: " + c.toUtf8() + "-user\n  user:\n    token: t-" + c.toUtf8() + "\n";
    y += "contexts:\n";
    for (const QString &c : contexts)
        y += "- name: " + c.toUtf8() + "\n  context:\n    cluster: " + c.toUtf8() +
             "-cluster\n    user: " + c.toUtf8() + "-user\n";
    return y;
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

// The app's lister (app/guicommand.cpp does the same): kubectl's files and
// merge rules through client::Kubeconfig.
Result<KubeconfigContexts> listContexts(const std::vector<std::string> &files)
{
    KubeconfigContexts out;
    out.files =
        files.empty()
            ? client::Kubeconfig::defaultFiles(qEnvironmentVariable("KUBECONFIG").toStdString(),
                                               QDir::homePath().toStdString())
            : files;
    Result<client::Kubeconfig> merged = client::Kubeconfig::loadMerged(out.files);
    if (!merged)
        return merged.status();
    out.contexts = merged->contextNames();
    out.currentContext = merged->currentContext();
    return out;
}

// The status line carries the server's RBAC message after "Forbidden:".
bool namesTheRefusal(const QString &message)
{
    return message.contains(QStringLiteral("Forbidden: ")) &&
           message.contains(QStringLiteral("User \"viewer\" cannot delete resource \"pods\""));
}

std::chrono::system_clock::time_point wallAt(qint64 secs)
{
    return std::chrono::system_clock::time_point(std::chrono::seconds(secs));
}

} // namespace

class TestRemoteWindow : public QObject
{
    Q_OBJECT

private slots:
    void indicatorFollowsTheConnection_data()
    {
        QTest::addColumn<int>("phase");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("veiled");
        const QString since =
            QDateTime::fromSecsSinceEpoch(1795861925).toString(QStringLiteral("HH:mm:ss"));
        QTest::newRow("connecting: amber, the server named")
            << int(Phase::Connecting) << QString() << QString("● Connecting to %1…").arg(kServer)
            << false;
        QTest::newRow("connected: the context and the server")
            << int(Phase::Connected) << QString() << QString("● Connected — prod (%1)").arg(kServer)
            << false;
        QTest::newRow("disconnected: since when, why, reconnecting")
            << int(Phase::Disconnected) << QString("connection refused")
            << QString("● Disconnected since %1 — connection refused; reconnecting").arg(since)
            << true;
    }
    void indicatorFollowsTheConnection()
    {
        QFETCH(int, phase);
        QFETCH(QString, reason);
        QFETCH(QString, text);
        QFETCH(bool, veiled);
        TestCluster c;
        createDemoTopology(c);
        FakeLink link;
        Answers answers;
        auto w = openWindow(c, link, answers);
        QVERIFY(waitSynced(c, *w));
        // A window comes up connecting, without the veil.
        QCOMPARE(w->connectionText(), QString("● Connecting to %1…").arg(kServer));
        QVERIFY(!w->disconnectedOverlayVisible());

        link.set(Phase(phase), wallAt(1795861925), reason.toStdString());
        w->pollConnection();
        QCOMPARE(w->connectionText(), text);
        QCOMPARE(w->disconnectedOverlayVisible(), veiled);
        if (veiled) {
            QVERIFY2(w->disconnectedOverlayText().startsWith("Disconnected since ") &&
                         w->disconnectedOverlayText().endsWith("reconnecting…"),
                     qPrintable(w->disconnectedOverlayText()));
            QCoreApplication::processEvents(); // the status bar's layout
            QVERIFY(!w->grab().isNull());
            // KUBIST_TEST_SCREENSHOT=/path/shot.png keeps the veiled picture for a look.
            if (const QString keep = qEnvironmentVariable("KUBIST_TEST_SCREENSHOT");
                !keep.isEmpty())
                QVERIFY(w->saveScreenshot(keep + ".disconnected.png"));
        }
        // The 500 ms poll sees the link come back; the veil lifts.
        link.set(Phase::Connected, wallAt(1795861999));
        QTRY_COMPARE_WITH_TIMEOUT(w->connectionText(),
                                  QString("● Connected — prod (%1)").arg(kServer), 5000);
        QVERIFY(!w->disconnectedOverlayVisible());
    }

    void remoteWindowOffersNoPresenterTools()
    {
        TestCluster c;
        createDemoTopology(c);
        FakeLink link;
        Answers answers;
        auto w = openWindow(c, link, answers);
        QVERIFY(waitSynced(c, *w));
        QVERIFY(!w->paceBar());
        QVERIFY(!w->faultsPanel());
        QVERIFY(!w->controlPoller());
        for (QToolBar *bar : w->findChildren<QToolBar *>())
            QVERIFY2(bar->objectName() != "faults", "a Faults toolbar on a remote cluster");
        QCOMPARE(menuTexts(*w, model::Subject::Node, "worker-1"),
                 (QStringList{"Cordon", "Drain (cordon, evict its pods)"}));
        QCOMPARE(menuTexts(*w, model::Subject::Scheduler, "kube-system/kube-scheduler-master"),
                 QStringList{});
        QCOMPARE(menuTexts(*w, model::Subject::Deployment, "default/web"),
                 (QStringList{"Scale up (+)", "Scale down (−)", "Change image…", "Restart rollout",
                              "Undo rollout"}));
        QVERIFY(w->tlsWarningText().isEmpty());
    }

    void insecureTlsIsAPermanentWarning_data()
    {
        QTest::addColumn<bool>("insecure");
        QTest::newRow("insecure-skip-tls-verify: warned") << true;
        QTest::newRow("verified: no warning") << false;
    }
    void insecureTlsIsAPermanentWarning()
    {
        QFETCH(bool, insecure);
        TestCluster c;
        FakeLink link;
        Answers answers;
        auto w = openWindow(c, link, answers, WindowSetup{true, insecure, false});
        QVERIFY(waitSynced(c, *w));
        QCOMPARE(w->tlsWarningText().contains("TLS verification is off"), insecure);
        // Permanent: a passing status message does not hide it.
        w->statusBar()->showMessage("something else", 1000);
        QCOMPARE(w->tlsWarningText().isEmpty(), !insecure);
    }

    void destructiveActionsAskOnRemoteOnly_data()
    {
        QTest::addColumn<bool>("remote");
        QTest::addColumn<bool>("answer");
        QTest::addColumn<int>("asked");
        QTest::addColumn<bool>("deleted");
        QTest::newRow("remote, yes: asked once, deleted") << true << true << 1 << true;
        QTest::newRow("remote, no: asked once, nothing sent") << true << false << 1 << false;
        QTest::newRow("embedded: never asked, deleted") << false << false << 0 << true;
    }
    void destructiveActionsAskOnRemoteOnly()
    {
        QFETCH(bool, remote);
        QFETCH(bool, answer);
        QFETCH(int, asked);
        QFETCH(bool, deleted);
        TestCluster c;
        createDemoTopology(c);
        FakeLink link;
        Answers answers;
        answers.answer = answer;
        auto w = openWindow(c, link, answers, WindowSetup{remote, false, false});
        QVERIFY(waitSynced(c, *w));
        QSignalSpy finished(&w->actions(), &model::ClusterActions::finished);
        // Through the context menu, as the user would.
        std::unique_ptr<QMenu> menu =
            w->contextMenu(ItemRef{model::Subject::Pod, "default/web-5d4f8-b", true});
        QVERIFY(menu);
        QCOMPARE(menu->actions().first()->text(), QString("Delete pod web-5d4f8-b"));
        menu->actions().first()->trigger();
        QCOMPARE(answers.asked.size(), asked);
        if (asked)
            QVERIFY2(answers.asked.first().contains("web-5d4f8-b"), qPrintable(answers.asked[0]));
        if (deleted) {
            QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
            QVERIFY(finished.at(0).at(1).toBool());
        }
        QVERIFY(w->actions().waitForDone());
        QVERIFY(c.settle());
        QCOMPARE(terminating(c, "default", "web-5d4f8-b"), deleted);
        if (!deleted)
            QCOMPARE(finished.count(), 0);
    }

    void scaleAsksOnlyWhenItReachesZero_data()
    {
        QTest::addColumn<int>("delta");
        QTest::addColumn<int>("asked");
        QTest::addColumn<int>("replicas");
        QTest::newRow("one down: no question") << -1 << 0 << 2;
        QTest::newRow("to zero: asked") << -3 << 1 << 0;
        QTest::newRow("up: no question") << 1 << 0 << 4;
    }
    void scaleAsksOnlyWhenItReachesZero()
    {
        QFETCH(int, delta);
        QFETCH(int, asked);
        QFETCH(int, replicas);
        TestCluster c;
        createDemoTopology(c);
        FakeLink link;
        Answers answers;
        auto w = openWindow(c, link, answers);
        QVERIFY(waitSynced(c, *w));
        QSignalSpy finished(&w->actions(), &model::ClusterActions::finished);
        QVERIFY(w->scale("Deployment", "default", "web", delta));
        QCOMPARE(answers.asked.size(), asked);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
        QCOMPARE(c.get<apps::Deployment>("default", "web")->spec().replicas(), replicas);
    }

    void otherDestructiveActionsAsk_data()
    {
        QTest::addColumn<QString>("action");
        QTest::newRow("evict") << "evict";
        QTest::newRow("drain") << "drain";
        QTest::newRow("rollout undo") << "undo";
        QTest::newRow("rollout restart") << "restart";
        QTest::newRow("drop a pod on a node") << "drop";
    }
    void otherDestructiveActionsAsk()
    {
        QFETCH(QString, action);
        TestCluster c;
        createDemoTopology(c);
        FakeLink link;
        Answers answers;
        answers.answer = false;
        auto w = openWindow(c, link, answers);
        QVERIFY(waitSynced(c, *w));
        QSignalSpy finished(&w->actions(), &model::ClusterActions::finished);
        bool started = true;
        if (action == "evict")
            started = w->evictPod("default", "web-5d4f8-a");
        else if (action == "drain")
            started = w->drainNode("worker-1");
        else if (action == "undo")
            started = w->undoRollout("default", "web");
        else if (action == "restart")
            started = w->restartRollout("default", "web");
        else
            started = w->dropPod("default/web-5d4f8-a", "worker-3");
        QVERIFY(!started);
        QCOMPARE(answers.asked.size(), 1);
        QVERIFY(w->actions().waitForDone());
        QCoreApplication::processEvents();
        QCOMPARE(finished.count(), 0);
        QVERIFY(!terminating(c, "default", "web-5d4f8-a"));
        QVERIFY(!c.get<core::Node>("", "worker-1")->spec().unschedulable());
    }

    void forbiddenActionNamesVerbAndResource()
    {
        TestCluster c;
        createDemoTopology(c);
        FakeLink link;
        Answers answers;
        auto w = openWindow(c, link, answers, WindowSetup{true, false, true});
        QVERIFY(waitSynced(c, *w)); // a viewer may read everything
        QSignalSpy finished(&w->actions(), &model::ClusterActions::finished);
        QVERIFY(w->deletePod("default", "web-5d4f8-b"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
        QVERIFY(!finished.at(0).at(1).toBool());
        const QString msg = w->statusBar()->currentMessage();
        QVERIFY2(namesTheRefusal(msg), qPrintable(msg));
        QVERIFY(!terminating(c, "default", "web-5d4f8-b"));
    }

    void dropOnRemoteEvictsAndLeavesTheNodeToTheScheduler()
    {
        TestCluster c;
        createDemoTopology(c);
        FakeLink link;
        Answers answers;
        auto w = openWindow(c, link, answers);
        QVERIFY(waitSynced(c, *w));
        QSignalSpy finished(&w->actions(), &model::ClusterActions::finished);
        QVERIFY(w->dropPod("default/web-5d4f8-a", "worker-3"));
        QCOMPARE(answers.asked.size(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
        QVERIFY2(finished.at(0).at(1).toBool(), qPrintable(finished.at(0).at(2).toString()));
        QVERIFY(terminating(c, "default", "web-5d4f8-a"));
        const QString msg = w->statusBar()->currentMessage();
        QVERIFY2(msg.startsWith("Evicted web-5d4f8-a; on a real cluster the scheduler picks the "
                                "new node"),
                 qPrintable(msg));
        // No Kubist placement intent on a real cluster.
        QCOMPARE(c.get<apps::ReplicaSet>("default", "web-5d4f8")
                     ->metadata()
                     .annotations()
                     .count("kubist.io/place-next-pod-on"),
                 0u);
    }

    void connectDialogListsMergedContexts()
    {
        QTemporaryDir dir;
        const QString first = dir.filePath("first.yaml");
        const QString second = dir.filePath("second.yaml");
        QVERIFY(writeFile(first, kubeconfigYaml({"prod", "staging"}, QString())));
        // "prod" again: the first file wins it; current-context from the only file setting it.
        QVERIFY(writeFile(second, kubeconfigYaml({"dev", "prod"}, "dev")));
        qputenv("KUBECONFIG", (first + ":" + second).toLocal8Bit());

        ConnectDialog dialog(listContexts, "staging");
        QVERIFY2(dialog.errorText().isEmpty(), qPrintable(dialog.errorText()));
        QCOMPARE(dialog.contextNames(), (QStringList{"prod", "staging", "dev"}));
        const QStringList entries = dialog.entries();
        QCOMPARE(entries.size(), 4);
        QCOMPARE(entries.at(0), QString("Embedded demo cluster"));
        QCOMPARE(entries.at(2), QString("staging  (connected)"));
        QCOMPARE(entries.at(3), QString("dev  (current-context)"));
        QCOMPARE(dialog.currentRow(), 2);
        QCOMPARE(dialog.files(), (QStringList{first, second}));

        QSignalSpy chosen(&dialog, &ConnectDialog::contextChosen);
        QSignalSpy embedded(&dialog, &ConnectDialog::embeddedChosen);
        QVERIFY(dialog.choose(3));
        QCOMPARE(chosen.count(), 1);
        QCOMPARE(chosen.at(0).at(0).toString(), QString("dev"));
        QCOMPARE(chosen.at(0).at(1).toStringList(), (QStringList{first, second}));
        QVERIFY(dialog.choose(0));
        QCOMPARE(embedded.count(), 1);
        QVERIFY(!dialog.choose(9));

        // A kubeconfig the user picks instead.
        dialog.loadFiles({second.toStdString()});
        QCOMPARE(dialog.contextNames(), (QStringList{"dev", "prod"}));
        dialog.loadFiles({dir.filePath("missing.yaml").toStdString()});
        QVERIFY(!dialog.errorText().isEmpty());
        QCOMPARE(dialog.entries(), QStringList{"Embedded demo cluster"});
        qunsetenv("KUBECONFIG");
    }

    void windowForwardsTheDialogsChoice()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath("config");
        QVERIFY(writeFile(file, kubeconfigYaml({"prod", "dev"}, "prod")));
        qputenv("KUBECONFIG", file.toLocal8Bit());
        TestCluster c;
        FakeLink link;
        Answers answers;
        MainWindow::Options o;
        o.clock = &c.clock;
        o.listContexts = listContexts; // an embedded window may connect too
        MainWindow w(c.client("kubist-gui"), o);
        QVERIFY(waitSynced(c, w));
        QSignalSpy connectSpy(&w, &MainWindow::connectRequested);
        QSignalSpy embeddedSpy(&w, &MainWindow::embeddedRequested);
        ConnectDialog *dialog = w.showConnectDialog();
        QVERIFY(dialog);
        QCOMPARE(dialog->entries().first(), QString("Embedded demo cluster  (connected)"));
        QVERIFY(dialog->choose(2));
        QCOMPARE(connectSpy.count(), 1);
        QCOMPARE(connectSpy.at(0).at(0).toString(), QString("dev"));
        QCOMPARE(connectSpy.at(0).at(1).toStringList(), QStringList{file});
        QCOMPARE(embeddedSpy.count(), 0);
        qunsetenv("KUBECONFIG");
    }
};

QTEST_MAIN(TestRemoteWindow)
#include "tst_remotewindow.moc"
