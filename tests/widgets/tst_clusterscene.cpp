// ClusterScene follows the ClusterModel: boxes for the master and each
// worker, chips in their nodes' boxes (moving when a pod is bound or
// replaced elsewhere), node state in the header, service lines to ready
// (solid) and not-ready (dashed) endpoints, and the master's parts read
// from the mirror pods.

#include "tests/model/clusterfixtures.h"

#include "widgets/clusterscene.h"
#include "widgets/edgeitem.h"
#include "widgets/legenditem.h"
#include "widgets/nodeitem.h"
#include "widgets/partitem.h"
#include "widgets/poditem.h"
#include "widgets/pulselayer.h"
#include "widgets/serviceitem.h"

#include "model/activitytracker.h"
#include "model/clustermodel.h"

#include <QTemporaryDir>
#include <QTest>

using namespace kubist;
using namespace kubist::testing;
using namespace kubist::testing::fixtures;
using namespace kubist::widgets;
using model::MasterComponent;

namespace {

struct Fixture
{
    TestCluster cluster;
    std::unique_ptr<client::Client> client;
    std::unique_ptr<model::ClusterModel> model;
    std::unique_ptr<ClusterScene> scene;

    bool start()
    {
        client = cluster.client("kubist-gui");
        model = std::make_unique<model::ClusterModel>(*client, cluster.clock);
        scene = std::make_unique<ClusterScene>(*model);
        model->start();
        if (!cluster.settle())
            return false;
        return QTest::qWaitFor([&] { return model->hasSynced(); }, 10000);
    }
    ~Fixture()
    {
        scene.reset();
        model.reset();
        client.reset();
    }
};

int countType(QGraphicsScene &s, int type)
{
    int n = 0;
    for (QGraphicsItem *i : s.items())
        if (i->type() == type)
            ++n;
    return n;
}

std::string chipNode(const Fixture &f, const std::string &key)
{
    PodItem *chip = f.scene->podItem(key);
    if (!chip)
        return "<no chip>";
    auto *box = static_cast<NodeItem *>(chip->parentItem());
    if (box == f.scene->laneItem())
        return "<lane>";
    return box->ref().key;
}

int edges(const Fixture &f, const std::string &svc, EdgeItem::Style style)
{
    int n = 0;
    for (EdgeItem *e : f.scene->serviceEdges(svc))
        n += e->style() == style ? 1 : 0;
    return n;
}

} // namespace

class TestClusterScene : public QObject
{
    Q_OBJECT

private slots:
    void levelOfDetailHidesWhatDrawsNothing_data()
    {
        QTest::addColumn<int>("detail");
        QTest::addColumn<bool>("chips");
        QTest::addColumn<bool>("lines");
        QTest::newRow("close up: chips, parts and lines")
            << int(ClusterScene::Detail::Near) << true << true;
        QTest::newRow("far away: summaries and lines, no chips")
            << int(ClusterScene::Detail::Far) << false << true;
        QTest::newRow("tiny: count bars only") << int(ClusterScene::Detail::Tiny) << false << false;
    }
    void levelOfDetailHidesWhatDrawsNothing()
    {
        QFETCH(int, detail);
        QFETCH(bool, chips);
        QFETCH(bool, lines);
        Fixture f;
        createDemoTopology(f.cluster);
        QVERIFY(f.start());
        ClusterScene &s = *f.scene;
        s.setDetail(ClusterScene::Detail(detail));
        QCOMPARE(int(s.detail()), detail);
        QCOMPARE(s.podItem("default/web-5d4f8-a")->isVisible(), chips);
        PartItem *kubelet = s.nodePart("worker-2", model::Subject::Kubelet);
        QCOMPARE(kubelet->isVisible(), chips);
        QCOMPARE(kubelet->edges().front()->isVisible(), lines);
        QCOMPARE(s.serviceEdges("default/web").front()->isVisible(), lines);
        // Far away the box shows the summary; tiny, one layer draws every worker box.
        QCOMPARE(s.nodeItem("worker-1")->isVisible(), lines);
        QVERIFY(s.masterItem()->isVisible());
        // A chip (and its line) that come later follow the level of detail.
        create(f.cluster.admin(), fixtures::pod("default", "late", "worker-2"));
        QVERIFY(f.cluster.settle());
        QVERIFY(QTest::qWaitFor([&] { return s.podItem("default/late") != nullptr; }, 10000));
        QCOMPARE(s.podItem("default/late")->isVisible(), chips);
        // An exported picture is drawn close up; the level stays as it was.
        QTemporaryDir dir;
        QVERIFY(s.exportPicture(dir.filePath("picture.png")));
        QCOMPARE(int(s.detail()), detail);
        QCOMPARE(s.podItem("default/web-5d4f8-a")->isVisible(), chips);
        QCOMPARE(s.serviceEdges("default/web").front()->isVisible(), lines);
    }

    void zoomPicksTheLevelOfDetail_data()
    {
        QTest::addColumn<qreal>("zoom");
        QTest::addColumn<int>("detail");
        QTest::newRow("100%") << qreal(1.0) << int(ClusterScene::Detail::Near);
        QTest::newRow("40%") << qreal(0.4) << int(ClusterScene::Detail::Near);
        QTest::newRow("25%") << qreal(0.25) << int(ClusterScene::Detail::Far);
        QTest::newRow("2% (5,000 nodes)") << qreal(0.02) << int(ClusterScene::Detail::Tiny);
    }
    void zoomPicksTheLevelOfDetail()
    {
        QFETCH(qreal, zoom);
        QFETCH(int, detail);
        QCOMPARE(int(ClusterScene::detailFor(zoom)), detail);
    }

    void linesFollowMovedBoxes()
    {
        Fixture f;
        createDemoTopology(f.cluster);
        QVERIFY(f.start());
        ClusterScene &s = *f.scene;
        const std::vector<EdgeItem *> lines = s.serviceEdges("default/web");
        QVERIFY(!lines.empty());
        auto *chip = static_cast<PodItem *>(lines.front()->to());
        QGraphicsItem *box = chip->parentItem();
        // Moving a box (not the chip itself) moves the lines to its chips
        // and its kubelet's line to the API server.
        box->setPos(box->pos() + QPointF(5000, 3000));
        QVERIFY(lines.front()->sceneBoundingRect().contains(chip->anchor()));
        PartItem *kubelet =
            s.nodePart(static_cast<NodeItem *>(box)->ref().key, model::Subject::Kubelet);
        QVERIFY(kubelet);
        QCOMPARE(kubelet->edges().size(), size_t(1));
        QVERIFY(kubelet->edges().front()->sceneBoundingRect().contains(kubelet->anchor()));
    }

    void drawsTheDemoTopology()
    {
        Fixture f;
        createDemoTopology(f.cluster);
        QVERIFY(f.start());
        ClusterScene &s = *f.scene;
        QCOMPARE(s.nodeBoxCount(), 4);
        QCOMPARE(countType(s, NodeItemType), 4);
        QCOMPARE(s.podChipCount(), 3); // mirror pods are the master's parts, not chips
        QCOMPARE(countType(s, PodItemType), 3);
        QCOMPARE(s.nodeItem("master"), s.masterItem());
        for (int i = 0; i < 4; ++i) {
            PartItem *part = s.masterPart(MasterComponent::Part(i));
            QVERIFY(part);
            QCOMPARE(part->state(), PartItem::State::Running);
            QCOMPARE(part->parentItem(), s.masterItem());
        }
        QCOMPARE(chipNode(f, "default/web-5d4f8-a"), std::string("worker-1"));
        QCOMPARE(chipNode(f, "default/web-5d4f8-c"), std::string("worker-3"));
        // One owner colour for the deployment's pods, and a legend entry.
        QCOMPARE(s.podItem("default/web-5d4f8-a")->color(),
                 s.podItem("default/web-5d4f8-b")->color());
        QCOMPARE(s.legend()->entries().size(), size_t(1));
        QCOMPARE(s.legend()->entries()[0].ref.key, std::string("default/web"));
        QCOMPARE(s.podItem("default/web-5d4f8-a")->look(), model::PodLook::Running);
        // Worker parts and lines to the API server.
        QVERIFY(s.nodePart("worker-2", model::Subject::Kubelet));
        QCOMPARE(s.nodePart("worker-2", model::Subject::Kubelet)->state(),
                 PartItem::State::Running);
        QCOMPARE(edges(f, "default/web", EdgeItem::Style::Ready), 3);
        QVERIFY(s.serviceItem("default/web"));
        QCOMPARE(s.nodeItem("worker-1")->header().cpuRequested, 0.5);
        QCOMPARE(s.nodeItem("worker-1")->header().cpuAllocatable, 4.0);
    }

    void chipMovesWhenPodIsBoundOrReplacedElsewhere()
    {
        Fixture f;
        for (const char *w : {"worker-1", "worker-2"})
            create(f.cluster.admin(), node(w));
        create(f.cluster.admin(), fixtures::pod("default", "p", ""));
        QVERIFY(f.start());
        QCOMPARE(chipNode(f, "default/p"), std::string("<lane>"));
        QVERIFY(f.scene->laneItem()->isVisible());

        core::Binding b;
        b.mutable_metadata()->set_name("p");
        b.mutable_metadata()->set_namespace_("default");
        b.mutable_target()->set_kind("Node");
        b.mutable_target()->set_name("worker-1");
        QVERIFY(
            f.cluster.admin()
                .createSubresource(kindOf(core::Pod::descriptor()), "default", "p", "binding", b)
                .isOk());
        QVERIFY(f.cluster.settle());
        QTRY_COMPARE_WITH_TIMEOUT(chipNode(f, "default/p"), std::string("worker-1"), 5000);

        // The same pod name again, on the other node (a pod never changes
        // node; its replacement does).
        removeObject(f.cluster.admin(), core::Pod::descriptor(), "default", "p");
        create(f.cluster.admin(), fixtures::pod("default", "p", "worker-2"));
        QVERIFY(f.cluster.settle());
        QTRY_COMPARE_WITH_TIMEOUT(chipNode(f, "default/p"), std::string("worker-2"), 5000);
        QCOMPARE(f.scene->podChipCount(), 1);
    }

    void chipsKeepTheirSlots()
    {
        Fixture f;
        create(f.cluster.admin(), node("worker-1"));
        for (const char *p : {"a", "b", "c"})
            create(f.cluster.admin(), fixtures::pod("default", p, "worker-1"));
        QVERIFY(f.start());
        const QPointF cPos = f.scene->podItem("default/c")->pos();
        removeObject(f.cluster.admin(), core::Pod::descriptor(), "default", "b");
        QVERIFY(f.cluster.settle());
        QTRY_VERIFY_WITH_TIMEOUT(!f.scene->podItem("default/b"), 5000);
        QCOMPARE(f.scene->podItem("default/c")->pos(), cPos);
        create(f.cluster.admin(), fixtures::pod("default", "d", "worker-1"));
        QVERIFY(f.cluster.settle());
        QTRY_VERIFY_WITH_TIMEOUT(f.scene->podItem("default/d"), 5000);
        QCOMPARE(f.scene->podItem("default/c")->pos(), cPos);
        QVERIFY(f.scene->podItem("default/d")->pos().x() < cPos.x()); // took b's slot
    }

    void manyPodsGetDistinctSlotsAndBoxesGrow()
    {
        Fixture f;
        for (int n = 1; n <= 6; ++n)
            create(f.cluster.admin(), node("worker-" + std::to_string(n)));
        QVERIFY(f.start());
        const qreal emptyHeight = f.scene->nodeItem("worker-1")->height();
        for (int i = 0; i < 300; ++i)
            create(f.cluster.admin(), fixtures::pod("default", "p" + std::to_string(i),
                                                    "worker-" + std::to_string(i % 6 + 1)));
        QVERIFY(f.cluster.settle());
        QTRY_COMPARE_WITH_TIMEOUT(f.scene->podChipCount(), 300, 10000);
        for (int n = 1; n <= 6; ++n) {
            NodeItem *box = f.scene->nodeItem("worker-" + std::to_string(n));
            QVERIFY(box->height() > emptyHeight);
            QSet<QPair<qreal, qreal>> places;
            int chips = 0;
            for (QGraphicsItem *child : box->childItems())
                if (child->type() == PodItemType) {
                    ++chips;
                    places.insert({child->pos().x(), child->pos().y()});
                }
            QCOMPARE(chips, 50);
            QCOMPARE(int(places.size()), 50); // no two chips share a place
            QVERIFY(box->boundingRect().contains(box->childrenBoundingRect().bottomRight() -
                                                 QPointF(1, 1)));
        }
        // No box overlaps another.
        for (int a = 1; a <= 6; ++a)
            for (int b = a + 1; b <= 6; ++b)
                QVERIFY(!f.scene->nodeItem("worker-" + std::to_string(a))
                             ->sceneBoundingRect()
                             .intersects(f.scene->nodeItem("worker-" + std::to_string(b))
                                             ->sceneBoundingRect()));
    }

    void nodeStateFollowsReadyCondition_data()
    {
        QTest::addColumn<QString>("ready");
        QTest::addColumn<int>("health");
        QTest::addColumn<int>("kubelet");
        QTest::newRow("NotReady node, stopped kubelet")
            << "False" << int(model::NodeHealth::NotReady) << int(PartItem::State::Stopped);
        QTest::newRow("Unknown node, unknown kubelet")
            << "Unknown" << int(model::NodeHealth::Unknown) << int(PartItem::State::Unknown);
    }
    void nodeStateFollowsReadyCondition()
    {
        QFETCH(QString, ready);
        QFETCH(int, health);
        QFETCH(int, kubelet);
        Fixture f;
        create(f.cluster.admin(), node("worker-1"));
        QVERIFY(f.start());
        QCOMPARE(f.scene->nodeItem("worker-1")->header().health, model::NodeHealth::Ready);
        setNodeReady(f.cluster.admin(), "worker-1", ready.toStdString());
        QVERIFY(f.cluster.settle());
        QTRY_COMPARE_WITH_TIMEOUT(int(f.scene->nodeItem("worker-1")->header().health), health,
                                  5000);
        QCOMPARE(int(f.scene->nodePart("worker-1", model::Subject::Kubelet)->state()), kubelet);
    }

    void cordonAndNodeRemovalShow()
    {
        Fixture f;
        create(f.cluster.admin(), node("worker-1"));
        create(f.cluster.admin(), node("worker-2"));
        create(f.cluster.admin(), fixtures::pod("default", "p", "worker-2"));
        QVERIFY(f.start());
        QVERIFY(f.cluster.admin()
                    .patch(kindOf(core::Node::descriptor()), "", "worker-1",
                           client::PatchType::Merge, "{\"spec\":{\"unschedulable\":true}}")
                    .isOk());
        QVERIFY(f.cluster.settle());
        QTRY_VERIFY_WITH_TIMEOUT(f.scene->nodeItem("worker-1")->header().cordoned, 5000);

        removeObject(f.cluster.admin(), core::Node::descriptor(), "", "worker-2");
        QVERIFY(f.cluster.settle());
        QTRY_VERIFY_WITH_TIMEOUT(!f.scene->nodeItem("worker-2"), 5000);
        QCOMPARE(f.scene->nodeBoxCount(), 2);
        // Its pod still exists, bound to a node the picture no longer has.
        QCOMPARE(chipNode(f, "default/p"), std::string("<lane>"));
    }

    void serviceLinesFollowEndpoints()
    {
        Fixture f;
        createDemoTopology(f.cluster);
        QVERIFY(f.start());
        QCOMPARE(edges(f, "default/web", EdgeItem::Style::Ready), 3);
        auto cur = f.cluster.get<core::Endpoints>("default", "web");
        core::Endpoints e =
            fixtures::endpoints("default", "web", {"web-5d4f8-a"}, {"web-5d4f8-b", "web-5d4f8-c"});
        e.mutable_metadata()->set_resource_version(cur->metadata().resource_version());
        QVERIFY(
            f.cluster.admin().update(kindOf(core::Endpoints::descriptor()), "default", e).isOk());
        QVERIFY(f.cluster.settle());
        QTRY_COMPARE_WITH_TIMEOUT(edges(f, "default/web", EdgeItem::Style::Ready), 1, 5000);
        QCOMPARE(edges(f, "default/web", EdgeItem::Style::NotReady), 2);
        EdgeItem *edge = f.scene->serviceEdges("default/web").front();
        QCOMPARE(edge->from(), static_cast<SceneItem *>(f.scene->serviceItem("default/web")));

        removeObject(f.cluster.admin(), core::Service::descriptor(), "default", "web");
        QVERIFY(f.cluster.settle());
        QTRY_VERIFY_WITH_TIMEOUT(!f.scene->serviceItem("default/web"), 5000);
        QVERIFY(f.scene->serviceEdges("default/web").empty());
    }

    void masterPartsFollowMirrorPods()
    {
        Fixture f;
        create(f.cluster.admin(), node("master", true));
        createMirrorPods(f.cluster, "master");
        QVERIFY(f.start());
        PartItem *scheduler = f.scene->masterPart(MasterComponent::Part::Scheduler);
        QCOMPARE(scheduler->state(), PartItem::State::Running);
        QCOMPARE(scheduler->ref().key, std::string("kube-system/kube-scheduler-master"));
        setPodStatus(f.cluster.admin(), "kube-system", "kube-scheduler-master", "Running", false);
        QVERIFY(f.cluster.settle());
        QTRY_COMPARE_WITH_TIMEOUT(scheduler->state(), PartItem::State::Stopped, 5000);
        QCOMPARE(f.scene->masterPart(MasterComponent::Part::Etcd)->state(),
                 PartItem::State::Running);
    }

    void pulsesTravelToTheApiServer()
    {
        Fixture f;
        create(f.cluster.admin(), node("worker-1"));
        QVERIFY(f.start());
        struct Control final : cluster::ClusterControl
        {
            std::vector<Activity> pending;
            Status stopComponent(Component) override { return {}; }
            Status startComponent(Component) override { return {}; }
            bool isComponentRunning(Component) const override { return true; }
            Status powerOffNode(const std::string &) override { return {}; }
            Status powerOnNode(const std::string &) override { return {}; }
            bool isNodePoweredOn(const std::string &) const override { return true; }
            Result<std::string> injectFault(const FaultSpec &) override { return std::string("f"); }
            Status healFault(const std::string &) override { return {}; }
            std::vector<FaultState> faults() const override { return {}; }
            Result<NodeHealth> nodeHealth(const std::string &) const override
            {
                return NodeHealth{};
            }
            Status crashContainer(const std::string &, const std::string &,
                                  const std::string &) override
            {
                return {};
            }
            Result<std::string> addNode(const std::string &) override
            {
                return std::string("worker-9");
            }
            Status removeNode(const std::string &) override { return {}; }
            Status setTrafficRate(const std::string &, const std::string &, double) override
            {
                return {};
            }
            double trafficRate(const std::string &, const std::string &) const override
            {
                return 0;
            }
            TrafficStats serviceTraffic(const std::string &, const std::string &) const override
            {
                return {};
            }
            TrafficStats podTraffic(const std::string &, const std::string &) const override
            {
                return {};
            }
            std::vector<TrafficStats> trafficHistory(const std::string &,
                                                     const std::string &) const override
            {
                return {};
            }
            std::vector<Activity> takeActivity(uint64_t *) override
            {
                return std::exchange(pending, {});
            }
        } control;
        model::ActivityTracker tracker(control, "kubist-gui");
        f.scene->setActivityTracker(&tracker);
        tracker.start();
        Control::Activity a;
        a.actor = "kubelet/worker-1";
        a.touchedStore = true;
        control.pending = {a, a, a};
        a.actor = "kube-scheduler";
        control.pending.push_back(a);
        tracker.poll();
        QCOMPARE(f.scene->pulseLayer()->alive(), 2);                        // merged per edge
        QTRY_COMPARE_WITH_TIMEOUT(f.scene->pulseLayer()->alive(), 0, 5000); // they arrive
        tracker.stop();
        f.scene->setActivityTracker(nullptr);
    }
};

QTEST_MAIN(TestClusterScene)
#include "tst_clusterscene.moc"
