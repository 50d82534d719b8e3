// The presenter's tools of MainWindow over a TestCluster with a fake
// ClusterControl: each context action makes the expected ClusterControl
// call and offers its kubectl equivalent, node menus and boxes follow
// nodeHealth, the Faults panel lists and heals, Services show their
// traffic, the recovery banner starts with a fault, the YAML dialog reports
// a bad document inline, the events filter, presentation mode.

#include "tests/model/clusterfixtures.h"
#include "tests/model/fakecontrol.h"

#include "widgets/applyyamldialog.h"
#include "widgets/clusterscene.h"
#include "widgets/faultspanel.h"
#include "widgets/mainwindow.h"
#include "widgets/nodeitem.h"
#include "widgets/recoverybanner.h"
#include "widgets/serviceitem.h"

#include "model/clusteractions.h"
#include "model/controlpoller.h"
#include "model/faultlistmodel.h"
#include "model/faults.h"

#include <QAction>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTest>
#include <QToolBar>

using namespace kubist;
using namespace kubist::testing;
using namespace kubist::testing::fixtures;
using namespace kubist::widgets;
using namespace std::chrono_literals;

namespace {

struct Fixture
{
    TestCluster c;
    FakeControl control;
    std::unique_ptr<MainWindow> w;

    Fixture()
    {
        createDemoTopology(c);
        for (const char *n : {"worker-1", "worker-2", "worker-3"})
            control.setNodeHealth(n, {});
        control.now = c.clock.now();
        MainWindow::Options o;
        o.clock = &c.clock;
        o.control = &control;
        w = std::make_unique<MainWindow>(c.client("kubist-gui"), o);
        w->resize(1280, 800);
        w->show();
    }
    ~Fixture() { w.reset(); }

    bool synced()
    {
        return c.settle() && QTest::qWaitFor([&] { return w->clusterModel().hasSynced(); }, 10000);
    }
    // Two polls in a row: the second started after whatever the test changed.
    bool poll()
    {
        model::ControlPoller *p = w->controlPoller();
        for (int i = 0; i < 2; ++i) {
            QSignalSpy updated(p, &model::ControlPoller::updated);
            p->pollNow();
            if (!updated.wait(5000) && updated.isEmpty())
                return false;
        }
        return true;
    }
    QAction *menuAction(const ItemRef &ref, const QString &text, std::unique_ptr<QMenu> &menu)
    {
        menu = w->contextMenu(ref);
        if (!menu)
            return nullptr;
        for (QAction *a : menu->actions())
            if (a->text() == text)
                return a;
        return nullptr;
    }
    QStringList menuTexts(const ItemRef &ref)
    {
        QStringList got;
        if (auto menu = w->contextMenu(ref))
            for (QAction *a : menu->actions())
                if (!a->isSeparator())
                    got << a->text();
        return got;
    }
};

ItemRef ref(model::Subject s, const char *key)
{
    return ItemRef{s, key, true};
}

} // namespace

class TestFaultTools : public QObject
{
    Q_OBJECT

private slots:
    void contextActionMakesTheControlCall_data()
    {
        QTest::addColumn<int>("subject");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("action");
        QTest::addColumn<QString>("call");
        QTest::addColumn<QString>("kubectl");
        const int node = int(model::Subject::Node);
        const int pod = int(model::Subject::Pod);
        QTest::newRow("node: power off") << node << "worker-2"
                                         << "Power off"
                                         << "inject Node/worker-2 PowerOff"
                                         << "action: PowerOff";
        QTest::newRow("node: partition") << node << "worker-2"
                                         << "Partition from the network"
                                         << "inject Node/worker-2 Partition"
                                         << "action: Partition";
        QTest::newRow("node: stop the runtime") << node << "worker-2"
                                                << "Stop the container runtime"
                                                << "inject Node/worker-2 StopRuntime"
                                                << "action: StopRuntime";
        QTest::newRow("node: stop kube-proxy") << node << "worker-3"
                                               << "Stop kube-proxy"
                                               << "inject Node/worker-3 StopProxy"
                                               << "kind: Fault";
        QTest::newRow("node: remove") << node << "worker-1"
                                      << "Remove node worker-1"
                                      << "remove node worker-1"
                                      << "kubectl delete node worker-1";
        QTest::newRow("pod: crash once") << pod << "default/web-5d4f8-a"
                                         << "Crash its container"
                                         << "crash default/web-5d4f8-a"
                                         << "kubectl exec web-5d4f8-a";
        QTest::newRow("pod: crash-loop for a minute")
            << pod << "default/web-5d4f8-b"
            << "Crash-loop for 60 s"
            << "inject Pod/default/web-5d4f8-b CrashContainer for 60s"
            << "duration: 60s";
        QTest::newRow("master part: stop the scheduler")
            << int(model::Subject::Scheduler) << "kube-system/kube-scheduler-master"
            << "Stop scheduler"
            << "stop component 2"
            << "name: scheduler";
    }
    void contextActionMakesTheControlCall()
    {
        QFETCH(int, subject);
        QFETCH(QString, key);
        QFETCH(QString, action);
        QFETCH(QString, call);
        QFETCH(QString, kubectl);
        Fixture f;
        QVERIFY(f.synced());
        QVERIFY(f.poll());
        std::unique_ptr<QMenu> menu;
        QAction *a =
            f.menuAction(ItemRef{model::Subject(subject), key.toStdString(), true}, action, menu);
        QVERIFY2(
            a,
            qPrintable(
                f.menuTexts(ItemRef{model::Subject(subject), key.toStdString(), true}).join(", ")));
        QSignalSpy finished(&f.w->actions(), &model::ClusterActions::finished);
        a->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
        QVERIFY2(finished.at(0).at(1).toBool(), qPrintable(finished.at(0).at(2).toString()));
        QCOMPARE(f.control.calls().value(0), call);
        QVERIFY2(f.w->lastKubectl().contains(kubectl), qPrintable(f.w->lastKubectl()));
        QVERIFY2(f.w->statusBar()->currentMessage().contains("kubectl"),
                 qPrintable(f.w->statusBar()->currentMessage()));
    }

    void nodeMenuAndBoxFollowNodeHealth()
    {
        Fixture f;
        QVERIFY(f.synced());
        f.control.setNodeHealth("worker-2", {false, true, true, false});
        QVERIFY(f.poll());
        const QStringList texts = f.menuTexts(ref(model::Subject::Node, "worker-2"));
        QVERIFY2(texts.contains("Power on") && texts.contains("Heal the partition") &&
                     texts.contains("Stop the container runtime") &&
                     texts.contains("Start kube-proxy"),
                 qPrintable(texts.join(", ")));
        const NodeItem *box = f.w->scene().nodeItem("worker-2");
        QVERIFY(box->header().poweredOff);
        QVERIFY(box->header().partitioned);
        QVERIFY(!box->header().runtimeDown);
        QVERIFY(box->header().proxyStopped);
        QCOMPARE(box->faultText(), QString("powered off · partitioned"));
        QVERIFY(f.w->scene().nodeItem("worker-1")->faultText().isEmpty());

        // "Power on" heals the active PowerOff fault of that node.
        QSignalSpy finished(&f.w->actions(), &model::ClusterActions::finished);
        f.w->actions().injectFault(model::nodeFault("worker-2", "PowerOff"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
        std::unique_ptr<QMenu> menu;
        QAction *on = f.menuAction(ref(model::Subject::Node, "worker-2"), "Power on", menu);
        QVERIFY(on);
        on->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 5000);
        QCOMPARE(f.control.calls().last(), QString("heal fault-1"));
        QCOMPARE(f.w->lastKubectl(), QString("kubectl delete fault fault-1"));

        // Healthy again: the box loses its marks.
        f.control.setNodeHealth("worker-2", {});
        QVERIFY(f.poll());
        QVERIFY(f.w->scene().nodeItem("worker-2")->faultText().isEmpty());
    }

    void faultsPanelListsAndHeals()
    {
        Fixture f;
        QVERIFY(f.synced());
        QSignalSpy finished(&f.w->actions(), &model::ClusterActions::finished);
        f.w->actions().injectFault(model::nodeFault("worker-1", "Partition"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
        QVERIFY(f.poll());
        model::FaultListModel *list = f.w->faultList();
        QCOMPARE(list->rowCount(), 1);
        QCOMPARE(list->index(0, model::FaultListModel::Target).data().toString(),
                 QString("Node worker-1"));
        QCOMPARE(list->index(0, model::FaultListModel::Phase).data().toString(), QString("Active"));
        QPushButton *heal = f.w->faultsPanel()->healButton(0);
        QVERIFY(heal);
        heal->click();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 5000);
        QCOMPARE(f.control.calls().last(), QString("heal fault-1"));
        QVERIFY(f.poll());
        QCOMPARE(list->index(0, model::FaultListModel::Phase).data().toString(), QString("Healed"));
        QVERIFY(!f.w->faultsPanel()->healButton(0));
    }

    void recoveryBannerStartsWithAFault()
    {
        Fixture f;
        QVERIFY(f.synced());
        QVERIFY(f.poll());
        QVERIFY(!f.w->recoveryBanner().isVisible());
        QSignalSpy finished(&f.w->actions(), &model::ClusterActions::finished);
        f.w->actions().setNodePower("worker-2", false);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
        QVERIFY(f.w->recoveryTimer().isRunning());
        QCOMPARE(f.w->recoveryTimer().what(), QString("worker-2 powered off"));
        QTRY_VERIFY_WITH_TIMEOUT(f.w->recoveryBanner().isVisible(), 5000);
        QVERIFY2(f.w->recoveryBanner().text().startsWith("worker-2 powered off — recovering"),
                 qPrintable(f.w->recoveryBanner().text()));
    }

    void servicesShowTheirTraffic()
    {
        Fixture f;
        QVERIFY(f.synced());
        FakeControl::Traffic t;
        t.rate = 10;
        t.total = {500, 12};
        t.history = {{10, 0}, {5, 5}, {8, 2}, {1, 0}};
        f.control.setTraffic("default/web", t);
        QVERIFY(f.poll());
        ServiceItem *item = f.w->scene().serviceItem("default/web");
        QVERIFY(item);
        QVERIFY(item->traffic().present);
        QCOMPARE(item->trafficText(), QString("10 req/s · 2 failed/s"));
        QCOMPARE(item->traffic().successRates, (std::vector<double>{1.0, 0.5, 0.8}));
        QVERIFY(
            f.menuTexts(ref(model::Subject::Service, "default/web")).contains("Set traffic rate…"));
        QSignalSpy finished(&f.w->actions(), &model::ClusterActions::finished);
        f.w->actions().setTrafficRate("default", "web", 25);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
        QCOMPARE(f.control.calls().last(), QString("traffic default/web 25"));
    }

    void addNodeFromTheToolbar()
    {
        Fixture f;
        QVERIFY(f.synced());
        QAction *add = nullptr;
        for (QToolBar *bar : f.w->findChildren<QToolBar *>())
            for (QAction *a : bar->actions())
                if (a->text() == "Add node")
                    add = a;
        QVERIFY(add);
        QSignalSpy finished(&f.w->actions(), &model::ClusterActions::finished);
        add->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
        QCOMPARE(f.control.calls().last(), QString("add node worker-4"));
    }

    void yamlDialogReportsABadDocumentInline()
    {
        Fixture f;
        QVERIFY(f.synced());
        ApplyYamlDialog *d = f.w->showApplyYaml();
        QVERIFY(d);
        const QString good = "apiVersion: v1\nkind: Service\nmetadata:\n  name: fine\nspec:\n"
                             "  ports:\n  - port: 80\n";
        const QString bad = "apiVersion: v1\nkind: Service\nmetadata:\n  name: broken\n"
                            "spek: {}\n";
        d->setText(good + "---\n" + bad);
        QSignalSpy done(d, &ApplyYamlDialog::finished);
        d->apply();
        QVERIFY(done.wait(10000));
        QVERIFY(!done.at(0).at(0).toBool());
        const QStringList lines = d->resultLines();
        QCOMPARE(lines.size(), 2);
        QVERIFY2(lines.at(1).startsWith("document 2 (line 9): Service broken") &&
                     lines.at(1).contains("spek"),
                 qPrintable(lines.at(1)));
        QCOMPARE(d->errorLines(), std::vector<int>{9});
        QVERIFY(!f.c.get<core::Service>("default", "fine"));

        // Fixed, it applies.
        d->setText(good);
        d->apply();
        QVERIFY(done.wait(10000));
        QVERIFY(done.at(1).at(0).toBool());
        QVERIFY(f.c.get<core::Service>("default", "fine"));
        QVERIFY(d->errorLines().empty());
    }

    void eventsFilterByTypeAndText_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("rows");
        QTest::newRow("everything") << ""
                                    << "" << 3;
        QTest::newRow("warnings") << "Warning"
                                  << "" << 1;
        QTest::newRow("normal") << "Normal"
                                << "" << 2;
        QTest::newRow("text in the reason") << ""
                                            << "schedul" << 2;
        QTest::newRow("text in the message, any case") << ""
                                                       << "BACK-OFF" << 1;
        QTest::newRow("type and text") << "Normal"
                                       << "pulled" << 1;
    }
    void eventsFilterByTypeAndText()
    {
        QFETCH(QString, type);
        QFETCH(QString, text);
        QFETCH(int, rows);
        Fixture f;
        const auto event = [&](const char *name, const char *etype, const char *reason,
                               const char *message) {
            core::Event e;
            e.mutable_metadata()->set_namespace_("default");
            e.mutable_metadata()->set_name(name);
            e.mutable_involved_object()->set_kind("Pod");
            e.mutable_involved_object()->set_namespace_("default");
            e.mutable_involved_object()->set_name("web-5d4f8-a");
            e.set_type(etype);
            e.set_reason(reason);
            e.set_message(message);
            create(f.c.admin(), e);
        };
        event("e1", "Normal", "Scheduled", "Successfully assigned default/web-5d4f8-a");
        event("e2", "Normal", "Pulled", "Container image already present");
        event("e3", "Warning", "FailedScheduling", "Back-off restarting failed container");
        QVERIFY(f.synced());
        QTRY_COMPARE_WITH_TIMEOUT(f.w->visibleEventRows(), 3, 5000);
        f.w->setEventFilter(type, text);
        QCOMPARE(f.w->visibleEventRows(), rows);
    }

    void resetIsOfferedAndRequested()
    {
        TestCluster c;
        FakeControl control;
        MainWindow::Options o;
        o.clock = &c.clock;
        o.control = &control;
        o.canReset = true;
        MainWindow w(c.client("kubist-gui"), o);
        QStringList file;
        for (QAction *menu : w.menuBar()->actions())
            if (menu->menu() && menu->text() == "&File")
                for (QAction *a : menu->menu()->actions())
                    file << a->text();
        QVERIFY2(file.contains("&Reset demo cluster…") && file.contains("&Apply YAML…"),
                 qPrintable(file.join(", ")));
        QSignalSpy reset(&w, &MainWindow::resetRequested);
        w.requestReset("realistic");
        QCOMPARE(reset.count(), 1);
        QCOMPARE(reset.at(0).at(0).toString(), QString("realistic"));

        // Not offered unless the app can do it.
        Fixture f;
        for (QAction *menu : f.w->menuBar()->actions())
            if (menu->menu())
                for (QAction *a : menu->menu()->actions())
                    QVERIFY(a->text() != "&Reset demo cluster…");
    }

    void presentationModeAndEscape()
    {
        Fixture f;
        QVERIFY(f.synced());
        f.w->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(f.w.get()));
        const qreal normal = f.w->font().pointSizeF();
        f.w->setPresentationMode(true);
        QVERIFY(f.w->presentationMode());
        QVERIFY(f.w->windowState() & Qt::WindowFullScreen);
        QVERIFY(f.w->font().pointSizeF() > normal);
        QCOMPARE(f.w->scene().theme().background, QColor(0, 0, 0));
        QTest::keyClick(f.w.get(), Qt::Key_Escape);
        QVERIFY(!f.w->presentationMode());
        QVERIFY(!(f.w->windowState() & Qt::WindowFullScreen));
        QCOMPARE(f.w->font().pointSizeF(), normal);
        QVERIFY(!f.w->scene().theme().dark);
    }
};

QTEST_MAIN(TestFaultTools)
#include "tst_faulttools.moc"
