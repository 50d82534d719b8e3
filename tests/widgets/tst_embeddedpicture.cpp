// The picture over the real embedded cluster (EmbeddedCluster on a
// FakeClock, demo topology): the master's parts and leaders read from
// mirror pods and leases, the web pods' chips, pulses from the real
// activity stream, and faults through ClusterControl (stop the scheduler,
// power a node off) showing up in the picture as they would on a real
// cluster.

#include "tests/testing/testcluster.h"

#include "widgets/clusterscene.h"
#include "widgets/mainwindow.h"
#include "widgets/nodeitem.h"
#include "widgets/partitem.h"
#include "widgets/poditem.h"
#include "widgets/pulselayer.h"

#include "model/activitytracker.h"
#include "model/clusteractions.h"
#include "model/clustermodel.h"
#include "model/controlpoller.h"
#include "model/recoverytimer.h"
#include "widgets/recoverybanner.h"

#include "backend/cluster/embeddedcluster.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"

#include <QAction>
#include <QMenu>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace kubist;
using namespace kubist::widgets;
using namespace std::chrono_literals;
namespace core = k8s::io::api::core::v1;
using cluster::EmbeddedCluster;
using model::MasterComponent;

class TestEmbeddedPicture : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_round = 0;
    std::unique_ptr<FakeClock> m_clock;
    std::unique_ptr<EmbeddedCluster> m_cluster;
    std::unique_ptr<client::Client> m_admin;

    bool runUntil(const std::function<bool()> &done, Clock::Duration limit = 120s)
    {
        return testing::runUntil(*m_clock, done, limit);
    }

    int readyWebPods()
    {
        const api::KindInfo &kind = *api::Scheme::builtin().byDescriptor(core::Pod::descriptor());
        client::ListOptions o;
        o.labelSelector = "app=web";
        Result<client::ListResult> r = m_admin->list(kind, "default", o);
        int n = 0;
        if (r)
            for (const auto &p : r->items) {
                const auto &pod = static_cast<const core::Pod &>(*p);
                for (const auto &c : pod.status().conditions())
                    n += c.type() == "Ready" && c.status() == "True" ? 1 : 0;
            }
        return n;
    }

    std::unique_ptr<MainWindow> openWindow()
    {
        MainWindow::Options o;
        o.apiServerUrl = m_cluster->url();
        o.kubeconfigPath = "/tmp/kubist.kubeconfig";
        o.control = m_cluster.get();
        o.clock = m_clock.get();
        auto w = std::make_unique<MainWindow>(m_cluster->client("kubist-gui"), o);
        w->resize(1280, 800);
        w->show();
        return w;
    }

    bool synced(MainWindow &w)
    {
        return testing::settle(*m_clock) &&
               QTest::qWaitFor([&] { return w.clusterModel().hasSynced(); }, 10000);
    }

private slots:
    void init()
    {
        m_clock = std::make_unique<FakeClock>();
        EmbeddedCluster::Options o;
        o.dataDir = (m_dir.path() + "/c" + QString::number(++m_round)).toStdString();
        o.port = 0;
        o.clock = m_clock.get();
        o.powerSafe = false;
        Result<std::unique_ptr<EmbeddedCluster>> c = EmbeddedCluster::open(o);
        QVERIFY2(c.isOk(), c.status().message().c_str());
        m_cluster = std::move(*c);
        QVERIFY(m_cluster->start().isOk());
        m_admin = m_cluster->client("test");
        QVERIFY(runUntil([&] { return readyWebPods() == 3; }));
    }

    void cleanup()
    {
        m_admin.reset();
        m_cluster.reset();
        m_clock.reset();
    }

    void showsTheDemoClusterAsItIs()
    {
        auto w = openWindow();
        QVERIFY(synced(*w));
        ClusterScene &s = w->scene();
        QCOMPARE(s.nodeBoxCount(), 4);
        QCOMPARE(s.nodeItem("master"), s.masterItem());
        QTRY_COMPARE_WITH_TIMEOUT(s.podChipCount(), 3, 5000);
        for (int i = 0; i < 4; ++i)
            QCOMPARE(s.masterPart(MasterComponent::Part(i))->state(), PartItem::State::Running);
        QVERIFY(s.masterPart(MasterComponent::Part::Scheduler)
                    ->detail()
                    .contains("kube-scheduler-master"));
        for (const char *n : {"worker-1", "worker-2", "worker-3"}) {
            QVERIFY(s.nodeItem(n));
            QCOMPARE(s.nodeItem(n)->header().health, model::NodeHealth::Ready);
        }
        int running = 0;
        for (QGraphicsItem *i : s.items())
            if (i->type() == PodItemType)
                running += static_cast<PodItem *>(i)->look() == model::PodLook::Running ? 1 : 0;
        QCOMPARE(running, 3);
        // With a ClusterControl the faults are offered too.
        const auto texts = [&](const ItemRef &ref) {
            QStringList out;
            if (std::unique_ptr<QMenu> menu = w->contextMenu(ref))
                for (QAction *a : menu->actions())
                    if (!a->isSeparator())
                        out << a->text();
            return out;
        };
        QCOMPARE(texts(ItemRef{model::Subject::Node, "worker-1", true}),
                 (QStringList{"Cordon", "Drain (cordon, evict its pods)", "Power off",
                              "Partition from the network", "Stop the container runtime",
                              "Stop kube-proxy", "Remove node worker-1"}));
        QCOMPARE(texts(ItemRef{model::Subject::Etcd, "kube-system/etcd-master", true}),
                 (QStringList{"Stop etcd", "Start etcd"}));
        w.reset();
    }

    void activityStreamNamesTheActorsThePictureKnows()
    {
        m_cluster->takeActivity();
        QVERIFY(testing::run(*m_clock, 20s)); // lease renewals, status reports
        bool kubelet = false;
        bool controlPlane = false;
        for (const auto &a : m_cluster->takeActivity()) {
            const model::Pulse p = model::ActivityTracker::classify(a.actor);
            kubelet |= p.source == model::Pulse::Source::Kubelet && p.node.starts_with("worker-");
            controlPlane |= p.source == model::Pulse::Source::Scheduler ||
                            p.source == model::Pulse::Source::ControllerManager;
        }
        QVERIFY(kubelet);
        QVERIFY(controlPlane);

        auto w = openWindow();
        QVERIFY(synced(*w));
        QVERIFY(testing::run(*m_clock, 10s));
        QTRY_VERIFY_WITH_TIMEOUT(w->scene().pulseLayer()->alive() > 0, 5000);
    }

    void stoppedSchedulerShowsStopped()
    {
        auto w = openWindow();
        QVERIFY(synced(*w));
        QSignalSpy finished(&w->actions(), &model::ClusterActions::finished);
        w->actions().setComponentRunning(MasterComponent::Part::Scheduler, false);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QVERIFY2(finished.at(0).at(1).toBool(), qPrintable(finished.at(0).at(2).toString()));
        QVERIFY(testing::settle(*m_clock));
        PartItem *scheduler = w->scene().masterPart(MasterComponent::Part::Scheduler);
        QTRY_COMPARE_WITH_TIMEOUT(scheduler->state(), PartItem::State::Stopped, 5000);
        QCOMPARE(w->scene().masterPart(MasterComponent::Part::ApiServer)->state(),
                 PartItem::State::Running);

        w->actions().setComponentRunning(MasterComponent::Part::Scheduler, true);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 10000);
        QVERIFY(testing::settle(*m_clock));
        QTRY_COMPARE_WITH_TIMEOUT(scheduler->state(), PartItem::State::Running, 5000);
    }

    void poweredOffNodeGoesNotReady()
    {
        auto w = openWindow();
        QVERIFY(synced(*w));
        QSignalSpy finished(&w->actions(), &model::ClusterActions::finished);
        w->actions().setNodePower("worker-3", false);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QVERIFY(finished.at(0).at(1).toBool());
        const auto notReady = [&] {
            auto n = client::getAs<core::Node>(*m_admin, "", "worker-3");
            if (!n)
                return false;
            for (const auto &c : (*n)->status().conditions())
                if (c.type() == "Ready")
                    return c.status() != "True";
            return false;
        };
        QVERIFY(runUntil(notReady, 120s));
        QTRY_VERIFY_WITH_TIMEOUT(
            w->scene().nodeItem("worker-3")->header().health != model::NodeHealth::Ready, 5000);
        QVERIFY(w->scene().nodePart("worker-3", model::Subject::Kubelet)->state() !=
                PartItem::State::Running);
    }

    // The presenter's demo end to end: power off the node of a web pod; the
    // recovery timer runs until all three web pods are Ready elsewhere and
    // the traffic is clean again, and says so.
    void poweredOffNodeRecoveryIsTimed()
    {
        auto w = openWindow();
        QVERIFY(synced(*w));
        const api::KindInfo &kind = *api::Scheme::builtin().byDescriptor(core::Pod::descriptor());
        client::ListOptions o;
        o.labelSelector = "app=web";
        Result<client::ListResult> pods = m_admin->list(kind, "default", o);
        QVERIFY(pods && !pods->items.empty());
        const std::string victim =
            static_cast<const core::Pod &>(*pods->items.front()).spec().node_name();
        QVERIFY(!victim.empty());
        QSignalSpy finished(&w->actions(), &model::ClusterActions::finished);
        w->actions().setNodePower(victim, false);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QVERIFY2(finished.at(0).at(1).toBool(), qPrintable(finished.at(0).at(2).toString()));
        QVERIFY(w->recoveryTimer().isRunning());
        const auto recovered = [&] {
            w->controlPoller()->pollNow();
            QTest::qWait(2);
            return !w->recoveryTimer().isRunning();
        };
        QVERIFY(runUntil(recovered, 300s));
        const auto &outcome = w->recoveryTimer().lastOutcome();
        QVERIFY(outcome);
        const QString expected =
            QString::fromStdString(victim) + " powered off → all 3 web pods Ready again after";
        QVERIFY2(outcome->summary.startsWith(expected), qPrintable(outcome->summary));
        QVERIFY(outcome->took > 5s && outcome->took < 300s);
        QVERIFY(w->recoveryBanner().isOutcome());
        QCOMPARE(w->recoveryBanner().text(), outcome->summary);
        qInfo("%s", qPrintable(outcome->summary));
        if (const QString keep = qEnvironmentVariable("KUBIST_TEST_SCREENSHOT"); !keep.isEmpty())
            QVERIFY(w->saveScreenshot(keep + ".recovered.png"));
    }
};

QTEST_MAIN(TestEmbeddedPicture)
#include "tst_embeddedpicture.moc"
