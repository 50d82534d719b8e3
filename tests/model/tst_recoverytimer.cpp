// RecoveryTimer: when the cluster counts as whole, and a scripted node
// power-off measured in cluster time (FakeClock) with the requests that
// failed meanwhile.

#include "model/controlpoller.h"
#include "model/recoverytimer.h"

#include "backend/client/objectkey.h"
#include "backend/util/clock.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"

#include <QTest>

#include <chrono>
#include <map>
#include <memory>

using namespace kubist;
using namespace std::chrono_literals;
using model::ClusterWholeness;
using model::ControlSnapshot;
using model::RecoveryTimer;
using Stats = cluster::ClusterControl::TrafficStats;

namespace apps = k8s::io::api::apps::v1;
namespace core = k8s::io::api::core::v1;

namespace {

using Objects = std::map<std::string, client::ObjectPtr>;

// The cluster as the model would hold it: one Deployment "web" with its
// ReplicaSet and pods.
struct FakeState
{
    Objects deployments;
    Objects replicaSets;
    Objects pods;
    Objects nodes;

    void setNode(const std::string &name, bool ready)
    {
        auto n = std::make_shared<core::Node>();
        n->mutable_metadata()->set_name(name);
        auto *c = n->mutable_status()->add_conditions();
        c->set_type("Ready");
        c->set_status(ready ? "True" : "Unknown");
        nodes[name] = n;
    }

    void setDeployment(int want, int ready, int updated, int available)
    {
        auto d = std::make_shared<apps::Deployment>();
        d->mutable_metadata()->set_namespace_("default");
        d->mutable_metadata()->set_name("web");
        d->mutable_spec()->set_replicas(want);
        d->mutable_status()->set_ready_replicas(ready);
        d->mutable_status()->set_updated_replicas(updated);
        d->mutable_status()->set_available_replicas(available);
        deployments["default/web"] = d;
        auto rs = std::make_shared<apps::ReplicaSet>();
        rs->mutable_metadata()->set_namespace_("default");
        rs->mutable_metadata()->set_name("web-5d4f8");
        auto *o = rs->mutable_metadata()->add_owner_references();
        o->set_kind("Deployment");
        o->set_name("web");
        o->set_controller(true);
        replicaSets["default/web-5d4f8"] = rs;
    }
    void setPod(const std::string &name, const std::string &phase, bool terminating = false,
                bool ownedByDeployment = true, const std::string &node = "worker-1")
    {
        auto p = std::make_shared<core::Pod>();
        p->mutable_metadata()->set_namespace_("default");
        p->mutable_metadata()->set_name(name);
        p->mutable_spec()->set_node_name(node);
        if (ownedByDeployment) {
            auto *o = p->mutable_metadata()->add_owner_references();
            o->set_kind("ReplicaSet");
            o->set_name("web-5d4f8");
            o->set_controller(true);
        }
        p->mutable_status()->set_phase(phase);
        if (terminating)
            p->mutable_metadata()->mutable_deletion_timestamp()->set_seconds(1);
        pods["default/" + name] = p;
    }
};

ControlSnapshot trafficSnapshot(uint64_t totalFailed, Stats lastSecond)
{
    ControlSnapshot s;
    s.valid = true;
    model::ServiceTrafficView v;
    v.rate = 10;
    v.total = {1000, totalFailed};
    v.history = {{10, 0}, lastSecond, {3, 0}}; // the last bucket still filling
    s.services["default/web"] = v;
    return s;
}

cluster::ClusterControl::FaultState fault(const std::string &name, const std::string &phase,
                                          Clock::Time at)
{
    cluster::ClusterControl::FaultState f;
    f.name = name;
    f.spec.targetKind = "Node";
    f.spec.name = "worker-2";
    f.spec.action = "PowerOff";
    f.phase = phase;
    f.injectedAt = at;
    return f;
}

} // namespace

class TestRecoveryTimer : public QObject
{
    Q_OBJECT

private slots:
    void judgesWholeness_data()
    {
        QTest::addColumn<int>("ready");
        QTest::addColumn<QString>("podPhase");
        QTest::addColumn<bool>("terminating");
        QTest::addColumn<bool>("nodeReady");
        QTest::addColumn<int>("failedLastSecond");
        QTest::addColumn<int>("okLastSecond");
        QTest::addColumn<bool>("whole");
        QTest::newRow("all ready, clean traffic")
            << 3 << "Running" << false << true << 0 << 10 << true;
        QTest::newRow("one replica not ready")
            << 2 << "Running" << false << true << 0 << 10 << false;
        QTest::newRow("a replacement pod pending")
            << 3 << "Pending" << false << true << 0 << 10 << false;
        QTest::newRow("an old pod terminating")
            << 3 << "Running" << true << true << 0 << 10 << false;
        QTest::newRow("a pod stuck terminating on a lost node does not count")
            << 3 << "Running" << true << false << 0 << 10 << true;
        QTest::newRow("requests failed in the last second")
            << 3 << "Running" << false << true << 2 << 8 << false;
        QTest::newRow("no request answered in the last second")
            << 3 << "Running" << false << true << 0 << 0 << false;
    }
    void judgesWholeness()
    {
        QFETCH(int, ready);
        QFETCH(QString, podPhase);
        QFETCH(bool, terminating);
        QFETCH(bool, nodeReady);
        QFETCH(int, failedLastSecond);
        QFETCH(int, okLastSecond);
        QFETCH(bool, whole);
        FakeState s;
        s.setDeployment(3, ready, 3, ready);
        s.setPod("web-a", "Running");
        s.setPod("web-b", "Running");
        s.setNode("worker-1", true);
        s.setNode("worker-2", nodeReady);
        s.setPod("web-c", podPhase.toStdString(), terminating, true, "worker-2");
        s.setPod("bare", "Pending", false, false); // not a Deployment's: does not count
        const ControlSnapshot traffic =
            trafficSnapshot(0, {uint64_t(okLastSecond), uint64_t(failedLastSecond)});
        const ClusterWholeness w =
            RecoveryTimer::assess(s.deployments, s.replicaSets, s.pods, s.nodes, &traffic);
        QCOMPARE(w.whole(), whole);
        QCOMPARE(w.missing.empty(), whole);
        QCOMPARE(w.deployments.size(), size_t(1));
        QCOMPARE(w.deployments.front().second, 3);
        QVERIFY(w.hasTraffic);
    }

    void measuresAScriptedNodePowerOff()
    {
        FakeClock clock;
        FakeState s;
        s.setDeployment(3, 3, 3, 3);
        for (const char *n : {"worker-1", "worker-2", "worker-3"})
            s.setNode(n, true);
        s.setPod("web-a", "Running", false, true, "worker-1");
        s.setPod("web-b", "Running", false, true, "worker-2");
        s.setPod("web-c", "Running", false, true, "worker-3");
        RecoveryTimer timer;
        uint64_t failed = 7; // failures before the fault do not count
        const auto observe = [&](Stats lastSecond) {
            const ControlSnapshot traffic = trafficSnapshot(failed, lastSecond);
            return timer.observe(
                RecoveryTimer::assess(s.deployments, s.replicaSets, s.pods, s.nodes, &traffic),
                clock.now(), failed);
        };
        timer.observeFaults({}, clock.now(), failed); // baseline: nothing active
        QVERIFY(!observe({10, 0}));                   // no episode, nothing to stop

        // t=0: worker-2 powered off from the GUI.
        const Clock::Time start = clock.now();
        timer.faultInjected("worker-2 powered off", "fault-1", start, failed);
        QVERIFY(timer.isRunning());
        // The control lists it (no second episode).
        timer.observeFaults({fault("fault-1", "Active", start)}, clock.now(), failed);
        // Still looks whole, but the fault is active: the timer runs on.
        clock.advance(1s);
        QVERIFY(!observe({10, 0}));
        // t=2..6: requests to web-b (on worker-2) fail.
        for (int i = 0; i < 5; ++i) {
            clock.advance(1s);
            failed += 3;
            QVERIFY(!observe({7, 3}));
        }
        QCOMPARE(timer.failedSince(failed), uint64_t(15));
        QVERIFY(timer.progressText(clock.now(), failed, true).contains("recovering: 6.0 s"));
        // t=9: the node is NotReady, web-b is evicted, its replacement pending.
        clock.advance(3s);
        s.setNode("worker-2", false);
        s.setDeployment(3, 2, 3, 2);
        s.setPod("web-b", "Running", true, true, "worker-2");
        s.setPod("web-d", "Pending", false, true, "worker-3");
        QVERIFY(!observe({10, 0}));
        // t=14: web-d runs, but is not ready yet; web-b stays Terminating
        // (its kubelet is off) and no longer counts.
        clock.advance(5s);
        s.setPod("web-d", "Running", false, true, "worker-3");
        QVERIFY(!observe({10, 0}));
        // t=17.2: all three ready again, a clean second of traffic.
        clock.advance(3200ms);
        s.setDeployment(3, 3, 3, 3);
        const auto outcome = observe({10, 0});
        QVERIFY(outcome);
        QVERIFY(!timer.isRunning());
        QCOMPARE(outcome->took, Clock::Duration(17200ms));
        QCOMPARE(outcome->failed, uint64_t(15));
        QCOMPARE(outcome->summary, QString("worker-2 powered off → all 3 web pods Ready again "
                                           "after 17.2 s, 15 requests failed"));
        QCOMPARE(timer.lastOutcome()->summary, outcome->summary);
        // Healing afterwards starts nothing new.
        timer.observeFaults({fault("fault-1", "Healed", start)}, clock.now(), failed);
        QVERIFY(!timer.isRunning());
    }

    void faultsSeenInTheListStartTheTimer_data()
    {
        QTest::addColumn<bool>("listedAtFirstLook");
        QTest::addColumn<bool>("starts");
        QTest::newRow("a new Active fault starts an episode") << false << true;
        QTest::newRow("faults already there at the first look do not") << true << false;
    }
    void faultsSeenInTheListStartTheTimer()
    {
        QFETCH(bool, listedAtFirstLook);
        QFETCH(bool, starts);
        FakeClock clock;
        RecoveryTimer timer;
        const Clock::Time injected = clock.now();
        if (listedAtFirstLook)
            timer.observeFaults({fault("f-1", "Active", injected)}, clock.now(), 0);
        else
            timer.observeFaults({}, clock.now(), 0);
        clock.advance(2s);
        timer.observeFaults({fault("f-1", "Active", injected)}, clock.now(), 0);
        QCOMPARE(timer.isRunning(), starts);
        if (starts) // timed from the fault's own injection time
            QCOMPARE(timer.elapsed(clock.now()), Clock::Duration(2s));
    }

    void aFaultWithoutVisibleEffectEndsWhenHealedAndQuiet()
    {
        FakeClock clock;
        RecoveryTimer timer;
        FakeState s;
        s.setDeployment(2, 2, 2, 2);
        const ClusterWholeness whole =
            RecoveryTimer::assess(s.deployments, s.replicaSets, s.pods, s.nodes, nullptr);
        QVERIFY(whole.whole());
        timer.observeFaults({}, clock.now(), 0);
        timer.faultInjected("kube-proxy stopped on worker-3", "f-9", clock.now(), 0);
        clock.advance(5s);
        QVERIFY(!timer.observe(whole, clock.now(), 0)); // still active
        timer.observeFaults({fault("f-9", "Healed", clock.now())}, clock.now(), 0);
        const auto outcome = timer.observe(whole, clock.now(), 0);
        QVERIFY(outcome);
        // No traffic: nothing said about requests.
        QCOMPARE(outcome->summary, QString("kube-proxy stopped on worker-3 → all 2 web pods Ready "
                                           "again after 5.0 s"));
    }
};

QTEST_GUILESS_MAIN(TestRecoveryTimer)
#include "tst_recoverytimer.moc"
