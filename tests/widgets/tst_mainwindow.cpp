// MainWindow over a TestCluster with the demo topology built by hand: the
// screenshot is a real picture (not blank) of 4 node boxes, 4 master parts
// and 3 pod chips; the inspector explains and shows live YAML; a cordon
// from the context actions reaches the API server; the status line says
// how to point kubectl at the cluster.

#include "tests/model/clusterfixtures.h"

#include "widgets/clusterscene.h"
#include "widgets/clusterview.h"
#include "widgets/inspector.h"
#include "widgets/mainwindow.h"
#include "widgets/nodeitem.h"
#include "widgets/partitem.h"
#include "widgets/poditem.h"
#include "widgets/workloadpanel.h"

#include "model/clusteractions.h"
#include "model/clustermodel.h"
#include "model/podfilter.h"
#include "model/workloadops.h"

#include <QAction>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

using namespace kubist;
using namespace kubist::testing;
using namespace kubist::testing::fixtures;
using namespace kubist::widgets;

namespace {

std::unique_ptr<MainWindow> openWindow(TestCluster &c)
{
    MainWindow::Options o;
    o.apiServerUrl = "https://127.0.0.1:6443";
    o.kubeconfigPath = "/tmp/kubist/admin.kubeconfig";
    o.clock = &c.clock;
    auto w = std::make_unique<MainWindow>(c.client("kubist-gui"), o);
    w->resize(1280, 800);
    w->show();
    return w;
}

bool waitSynced(TestCluster &c, MainWindow &w)
{
    return c.settle() && QTest::qWaitFor([&] { return w.clusterModel().hasSynced(); }, 10000);
}

int countType(QGraphicsScene &s, int type)
{
    int n = 0;
    for (QGraphicsItem *i : s.items())
        if (i->type() == type)
            ++n;
    return n;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void screenshotShowsTheDemoTopology()
    {
        TestCluster c;
        createDemoTopology(c);
        auto w = openWindow(c);
        QVERIFY(waitSynced(c, *w));
        QCOMPARE(w->scene().nodeBoxCount(), 4);
        QCOMPARE(countType(w->scene(), NodeItemType), 4);
        QCOMPARE(countType(w->scene(), PodItemType), 3);
        int masterParts = 0;
        for (QGraphicsItem *i : w->scene().items())
            if (i->type() == PartItemType && i->parentItem() == w->scene().masterItem())
                ++masterParts;
        QCOMPARE(masterParts, 4);
        QTest::qWait(400); // let the chips' appear animation finish

        QTemporaryDir dir;
        // KUBIST_TEST_SCREENSHOT=/path/shot.png keeps the picture for a look.
        const QString keep = qEnvironmentVariable("KUBIST_TEST_SCREENSHOT");
        const QString file = keep.isEmpty() ? dir.filePath("kubist.png") : keep;
        QVERIFY(w->saveScreenshot(file));
        QImage image(file);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 800);
        // Not blank: many distinct colours across the picture.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7)
                colours.insert(image.pixel(x, y));
        QVERIFY2(colours.size() > 20, qPrintable(QString::number(colours.size())));
        if (!keep.isEmpty()) { // close up and far away, for a look at the levels of detail
            for (int i = 0; i < 5; ++i)
                w->view().zoomIn();
            w->view().centerOn(w->scene().nodeItem("worker-2"));
            QVERIFY(w->saveScreenshot(keep + ".near.png"));
            w->view().fitAll();
            for (int i = 0; i < 3; ++i)
                w->view().zoomOut();
            QVERIFY(w->saveScreenshot(keep + ".far.png"));
        }
        w.reset();
    }

    void statusLineTellsHowToUseKubectl()
    {
        TestCluster c;
        auto w = openWindow(c);
        QVERIFY(waitSynced(c, *w));
        bool found = false;
        for (QLabel *l : w->statusBar()->findChildren<QLabel *>())
            if (l->text().contains("export KUBECONFIG=/tmp/kubist/admin.kubeconfig") &&
                l->text().contains("https://127.0.0.1:6443"))
                found = true;
        QVERIFY(found);
    }

    void inspectorExplainsAndShowsLiveYaml_data()
    {
        QTest::addColumn<int>("subject");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("title");
        QTest::addColumn<QString>("yaml");
        QTest::newRow("pod") << int(model::Subject::Pod) << "default/web-5d4f8-a"
                             << "Pod"
                             << "name: web-5d4f8-a";
        QTest::newRow("node") << int(model::Subject::Node) << "worker-2"
                              << "Worker node"
                              << "name: worker-2";
        QTest::newRow("etcd via its mirror pod")
            << int(model::Subject::Etcd) << "kube-system/etcd-master"
            << "etcd"
            << "component: etcd";
        QTest::newRow("service") << int(model::Subject::Service) << "default/web"
                                 << "Service"
                                 << "kind: Service";
        QTest::newRow("deployment") << int(model::Subject::Deployment) << "default/web"
                                    << "Deployment"
                                    << "kind: Deployment";
    }
    void inspectorExplainsAndShowsLiveYaml()
    {
        QFETCH(int, subject);
        QFETCH(QString, key);
        QFETCH(QString, title);
        QFETCH(QString, yaml);
        TestCluster c;
        createDemoTopology(c);
        auto w = openWindow(c);
        QVERIFY(waitSynced(c, *w));
        w->inspect(ItemRef{model::Subject(subject), key.toStdString(), true});
        QVERIFY2(w->inspector().titleText().startsWith(title),
                 qPrintable(w->inspector().titleText()));
        QVERIFY2(w->inspector().yamlText().contains(yaml), qPrintable(w->inspector().yamlText()));
        // The server records managedFields on every object; like kubectl's
        // -o yaml, the inspector does not show them.
        QVERIFY2(!w->inspector().yamlText().contains("managedFields"),
                 qPrintable(w->inspector().yamlText()));
        QVERIFY(!w->inspector().stateText().isEmpty());
    }

    void contextMenusOfferWhatThePickedThingAllows_data()
    {
        QTest::addColumn<int>("subject");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QStringList>("actions");
        QTest::newRow("pod: delete, evict, scale its deployment")
            << int(model::Subject::Pod) << "default/web-5d4f8-a"
            << QStringList{"Delete pod web-5d4f8-a", "Evict pod web-5d4f8-a",
                           "Scale Deployment web up", "Scale Deployment web down"};
        QTest::newRow("node without control: cordon, drain")
            << int(model::Subject::Node) << "worker-1"
            << QStringList{"Cordon", "Drain (cordon, evict its pods)"};
        QTest::newRow("deployment: scale, image, undo")
            << int(model::Subject::Deployment) << "default/web"
            << QStringList{"Scale up (+)", "Scale down (−)", "Change image…", "Restart rollout",
                           "Undo rollout"};
        QTest::newRow("replicaset: scale") << int(model::Subject::ReplicaSet) << "default/web-5d4f8"
                                           << QStringList{"Scale up (+)", "Scale down (−)"};
        QTest::newRow("master part without control: nothing")
            << int(model::Subject::Scheduler) << "kube-system/kube-scheduler-master"
            << QStringList{};
        QTest::newRow("service: nothing yet")
            << int(model::Subject::Service) << "default/web" << QStringList{};
    }
    void contextMenusOfferWhatThePickedThingAllows()
    {
        QFETCH(int, subject);
        QFETCH(QString, key);
        QFETCH(QStringList, actions);
        TestCluster c;
        createDemoTopology(c);
        auto w = openWindow(c);
        QVERIFY(waitSynced(c, *w));
        std::unique_ptr<QMenu> menu =
            w->contextMenu(ItemRef{model::Subject(subject), key.toStdString(), true});
        QStringList got;
        if (menu)
            for (QAction *a : menu->actions())
                if (!a->isSeparator())
                    got << a->text();
        QCOMPARE(got, actions);
    }

    void cordonFromTheContextMenuGoesThroughTheApi()
    {
        TestCluster c;
        createDemoTopology(c);
        auto w = openWindow(c);
        QVERIFY(waitSynced(c, *w));
        QSignalSpy finished(&w->actions(), &model::ClusterActions::finished);
        std::unique_ptr<QMenu> menu =
            w->contextMenu(ItemRef{model::Subject::Node, "worker-2", true});
        QVERIFY(menu);
        QCOMPARE(menu->actions().first()->text(), QString("Cordon"));
        menu->actions().first()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
        QVERIFY(finished.at(0).at(1).toBool());
        QVERIFY(c.get<core::Node>("", "worker-2")->spec().unschedulable());
        QVERIFY(c.settle());
        QTRY_VERIFY_WITH_TIMEOUT(w->scene().nodeItem("worker-2")->header().cordoned, 5000);

        w->actions().setCordoned("worker-2", false);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 5000);
        QVERIFY(!c.get<core::Node>("", "worker-2")->spec().unschedulable());

        // Without a ClusterControl, power actions fail and say why.
        w->actions().setNodePower("worker-2", false);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, 5000);
        QVERIFY(!finished.at(2).at(1).toBool());
        QVERIFY(w->statusBar()->currentMessage().startsWith("Failed"));
    }

    void deletePodGoesThroughTheApi()
    {
        TestCluster c;
        createDemoTopology(c);
        auto w = openWindow(c);
        QVERIFY(waitSynced(c, *w));
        QSignalSpy finished(&w->actions(), &model::ClusterActions::finished);
        w->actions().deletePod("default", "web-5d4f8-b");
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
        QVERIFY(finished.at(0).at(1).toBool());
        // A bound pod is deleted gracefully: it is Terminating until its
        // kubelet confirms.
        auto pod = c.get<core::Pod>("default", "web-5d4f8-b");
        QVERIFY(!pod || pod->metadata().has_deletion_timestamp());
        QVERIFY(c.settle());
        QTRY_VERIFY_WITH_TIMEOUT(!w->scene().podItem("default/web-5d4f8-b") ||
                                     w->scene().podItem("default/web-5d4f8-b")->look() ==
                                         model::PodLook::Terminating,
                                 5000);
    }

    void searchDimsNonMatchingChips_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("ns");
        QTest::addColumn<QStringList>("lit");
        QTest::addColumn<int>("rows");
        const QStringList all{"default/web-5d4f8-a", "default/web-5d4f8-b", "default/web-5d4f8-c"};
        QTest::newRow("no filter") << ""
                                   << "" << all << 7;
        QTest::newRow("by name") << "5D4F8-B"
                                 << "" << QStringList{"default/web-5d4f8-b"} << 1;
        QTest::newRow("by label") << "app=web"
                                  << "" << all << 3;
        QTest::newRow("by namespace text") << "kube-system"
                                           << "" << QStringList{} << 4;
        QTest::newRow("namespace selector") << ""
                                            << "kube-system" << QStringList{} << 4;
        QTest::newRow("name within namespace") << "web"
                                               << "default" << all << 3;
        QTest::newRow("nothing matches") << "nope"
                                         << "" << QStringList{} << 0;
    }
    void searchDimsNonMatchingChips()
    {
        QFETCH(QString, text);
        QFETCH(QString, ns);
        QFETCH(QStringList, lit);
        QFETCH(int, rows);
        TestCluster c;
        createDemoTopology(c);
        auto w = openWindow(c);
        QVERIFY(waitSynced(c, *w));
        w->setFilter(model::PodFilter{text.toStdString(), ns.toStdString()});
        for (const char *key :
             {"default/web-5d4f8-a", "default/web-5d4f8-b", "default/web-5d4f8-c"})
            QCOMPARE(w->scene().podItem(key)->dimmed(), !lit.contains(QString(key)));
        QCOMPARE(w->visiblePodRows(), rows);
        // The search box drives the same filter.
        w->searchBox().setText(QStringLiteral("web-5d4f8-c"));
        QVERIFY(w->scene().podItem("default/web-5d4f8-a")->dimmed());
        QVERIFY(!w->scene().podItem("default/web-5d4f8-c")->dimmed());
        // New chips follow the filter.
        create(c.admin(), fixtures::pod("default", "other", "worker-1"));
        QVERIFY(c.settle());
        QTRY_VERIFY_WITH_TIMEOUT(w->scene().podItem("default/other"), 5000);
        QVERIFY(w->scene().podItem("default/other")->dimmed());
    }

    void exportWritesPngAndSvg()
    {
        TestCluster c;
        createDemoTopology(c);
        auto w = openWindow(c);
        QVERIFY(waitSynced(c, *w));
        QTemporaryDir dir;
        const QString png = dir.filePath("picture.png");
        const QString svg = dir.filePath("picture.svg");
        QVERIFY(w->exportPicture(png));
        QVERIFY(w->exportPicture(svg));
        QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() > 200 && image.height() > 100);
        QFile f(svg);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(&f);
        int elements = 0;
        QString root;
        while (!xml.atEnd()) {
            if (xml.readNext() == QXmlStreamReader::StartElement) {
                if (root.isEmpty())
                    root = xml.name().toString();
                ++elements;
            }
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QCOMPARE(root, QString("svg"));
        QVERIFY(elements > 10);
        QVERIFY(!w->exportPicture(dir.filePath("no/such/dir/x.png")));
    }

    void workloadsColumnListsDeploymentsWithTheirReplicaSets()
    {
        TestCluster c;
        createDemoTopology(c);
        auto w = openWindow(c);
        QVERIFY(waitSynced(c, *w));
        QTreeWidgetItem *dep = w->workloads().entry(model::Subject::Deployment, "default/web");
        QVERIFY(dep);
        QTreeWidgetItem *rs = w->workloads().entry(model::Subject::ReplicaSet, "default/web-5d4f8");
        QVERIFY(rs);
        QCOMPARE(rs->parent(), dep);
        QCOMPARE(w->workloads().countsText(model::Subject::Deployment, "default/web"),
                 QString("0/3"));
        QSignalSpy picked(&w->workloads(), &WorkloadPanel::picked);
        emit w->workloads().itemClicked(dep, 0);
        QCOMPARE(picked.count(), 1);
        QCOMPARE(w->inspector().subject().subject, model::Subject::Deployment);
        QCOMPARE(w->inspector().subject().key, std::string("default/web"));

        // "+" on the selected deployment scales it; the column follows.
        QSignalSpy finished(&w->actions(), &model::ClusterActions::finished);
        QVERIFY(w->scaleSelected(+1));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
        QVERIFY(finished.at(0).at(1).toBool());
        QCOMPARE(c.get<apps::Deployment>("default", "web")->spec().replicas(), 4);
        QVERIFY(c.settle());
        QTRY_COMPARE_WITH_TIMEOUT(
            w->workloads().countsText(model::Subject::Deployment, "default/web"), QString("0/4"),
            5000);
        // A pod selected: "-" scales its owner.
        w->inspect(ItemRef{model::Subject::Pod, "default/web-5d4f8-a", true});
        QVERIFY(w->scaleSelected(-1));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 5000);
        QCOMPARE(c.get<apps::Deployment>("default", "web")->spec().replicas(), 3);
        // A node is not scalable, a service not deletable.
        w->inspect(ItemRef{model::Subject::Node, "worker-1", true});
        QVERIFY(!w->scaleSelected(1));
        QVERIFY(!w->deleteSelected());
    }

    void inspectorShowsTheSchedulersVerdicts()
    {
        TestCluster c;
        createDemoTopology(c);
        auto w = openWindow(c);
        QVERIFY(waitSynced(c, *w));
        w->inspect(ItemRef{model::Subject::Pod, "default/web-5d4f8-a", true});
        const QString text = w->inspector().verdictsText();
        QVERIFY2(text.contains("master  filtered by TaintToleration"), qPrintable(text));
        QVERIFY2(text.contains("worker-1  fits"), qPrintable(text));
        QVERIFY2(text.contains("scheduler's pick"), qPrintable(text));
        QVERIFY2(text.contains("[runs here]"), qPrintable(text));
        w->inspect(ItemRef{model::Subject::Node, "worker-1", true});
        QVERIFY(w->inspector().verdictsText().isEmpty());
    }

    void draggingShowsVerdictsAndRefusedDropSaysWhy()
    {
        TestCluster c;
        createDemoTopology(c);
        auto w = openWindow(c);
        QVERIFY(waitSynced(c, *w));
        w->beginPodDrag("default/web-5d4f8-a");
        NodeItem *master = w->scene().nodeItem("master");
        QVERIFY(master);
        QCOMPARE(master->dropVerdict(), NodeItem::DropVerdict::Refuses);
        QVERIFY2(master->toolTip().contains("TaintToleration"), qPrintable(master->toolTip()));
        QCOMPARE(w->scene().nodeItem("worker-2")->dropVerdict(), NodeItem::DropVerdict::Accepts);

        QSignalSpy finished(&w->actions(), &model::ClusterActions::finished);
        QVERIFY(!w->dropPod("default/web-5d4f8-a", "master"));
        QCOMPARE(master->dropVerdict(), NodeItem::DropVerdict::None);
        const QString msg = w->statusBar()->currentMessage();
        QVERIFY2(msg.contains("would not put web-5d4f8-a on master") &&
                     msg.contains("TaintToleration"),
                 qPrintable(msg));
        QVERIFY(c.settle());
        QCOMPARE(finished.count(), 0);
        QVERIFY(!c.get<core::Pod>("default", "web-5d4f8-a")->metadata().has_deletion_timestamp());
    }

    void dropMovesThePod_data()
    {
        QTest::addColumn<bool>("bare");
        QTest::newRow("bare pod: recreated with the intent") << true;
        QTest::newRow("replica: evicted, the scheduler places its replacement") << false;
    }
    void dropMovesThePod()
    {
        QFETCH(bool, bare);
        TestCluster c;
        createDemoTopology(c);
        if (bare)
            create(c.admin(), fixtures::pod("default", "solo", "worker-1"));
        auto w = openWindow(c);
        QVERIFY(waitSynced(c, *w));
        const std::string name = bare ? "solo" : "web-5d4f8-a";
        QSignalSpy finished(&w->actions(), &model::ClusterActions::finished);
        QVERIFY(w->dropPod("default/" + name, "worker-3"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
        QVERIFY2(finished.at(0).at(1).toBool(), qPrintable(finished.at(0).at(2).toString()));
        const auto pod = c.get<core::Pod>("default", name);
        QVERIFY(pod);
        const QString msg = w->statusBar()->currentMessage();
        if (bare) {
            // Unbound with the intent (no scheduler in this fixture).
            QVERIFY(pod->spec().node_name().empty());
            QCOMPARE(pod->metadata().annotations().at("kubist.io/placement-intent"),
                     std::string("worker-3"));
            QVERIFY(!pod->metadata().has_deletion_timestamp());
            QVERIFY2(msg.startsWith("Recreated solo for worker-3"), qPrintable(msg));
        } else {
            QVERIFY(pod->metadata().has_deletion_timestamp());
            // (followed by the kubectl equivalent)
            QVERIFY2(msg.startsWith("Evicted web-5d4f8-a; its replacement is placed on worker-3"),
                     qPrintable(msg));
        }
    }

    void darkThemeToggles()
    {
        TestCluster c;
        createDemoTopology(c);
        auto w = openWindow(c);
        QVERIFY(waitSynced(c, *w));
        const QColor light = w->scene().podItem("default/web-5d4f8-a")->color();
        w->setDarkTheme(true);
        QVERIFY(w->scene().theme().dark);
        QVERIFY(w->scene().podItem("default/web-5d4f8-a")->color() != light);
        QVERIFY(!w->grab().isNull());
        if (const QString keep = qEnvironmentVariable("KUBIST_TEST_SCREENSHOT"); !keep.isEmpty())
            QVERIFY(w->saveScreenshot(keep + ".dark.png"));
        w->setDarkTheme(false);
        QCOMPARE(w->scene().podItem("default/web-5d4f8-a")->color(), light);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
