// ActivityTracker: which edge a request travels, merging per edge, and
// polling a ClusterControl.

#include "model/activitytracker.h"

#include <QSignalSpy>
#include <QTest>

using namespace kubist;
using model::ActivityTracker;
using model::Pulse;
using Activity = cluster::ClusterControl::Activity;

namespace {

class FakeControl final : public cluster::ClusterControl
{
public:
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
    Result<NodeHealth> nodeHealth(const std::string &) const override { return NodeHealth{}; }
    Status crashContainer(const std::string &, const std::string &, const std::string &) override
    {
        return {};
    }
    Result<std::string> addNode(const std::string &) override { return std::string("worker-9"); }
    Status removeNode(const std::string &) override { return {}; }
    Status setTrafficRate(const std::string &, const std::string &, double) override { return {}; }
    double trafficRate(const std::string &, const std::string &) const override { return 0; }
    TrafficStats serviceTraffic(const std::string &, const std::string &) const override
    {
        return {};
    }
    TrafficStats podTraffic(const std::string &, const std::string &) const override { return {}; }
    std::vector<TrafficStats> trafficHistory(const std::string &,
                                             const std::string &) const override
    {
        return {};
    }
    std::vector<Activity> takeActivity(uint64_t *dropped) override
    {
        if (dropped)
            *dropped = 0;
        return std::exchange(pending, {});
    }
};

Activity act(const std::string &actor, bool store = false, int code = 200)
{
    Activity a;
    a.actor = actor;
    a.verb = "update";
    a.resource = "pods";
    a.touchedStore = store;
    a.code = code;
    return a;
}

} // namespace

class TestActivityTracker : public QObject
{
    Q_OBJECT

private slots:
    void classifiesActors_data()
    {
        QTest::addColumn<QString>("actor");
        QTest::addColumn<int>("source");
        QTest::addColumn<QString>("node");
        QTest::newRow("scheduler") << "kube-scheduler" << int(Pulse::Source::Scheduler) << "";
        QTest::newRow("controller manager")
            << "kube-controller-manager" << int(Pulse::Source::ControllerManager) << "";
        QTest::newRow("kubelet by picture name")
            << "kubelet/worker-2" << int(Pulse::Source::Kubelet) << "worker-2";
        QTest::newRow("kubelet by node identity")
            << "system:node:worker-1" << int(Pulse::Source::Kubelet) << "worker-1";
        QTest::newRow("kubectl user is you") << "admin" << int(Pulse::Source::User) << "";
    }
    void classifiesActors()
    {
        QFETCH(QString, actor);
        QFETCH(int, source);
        QFETCH(QString, node);
        const Pulse p = ActivityTracker::classify(actor.toStdString());
        QCOMPARE(int(p.source), source);
        QCOMPARE(QString::fromStdString(p.node), node);
    }

    void mergesPerEdgeAndSkipsOwnRequests()
    {
        const std::vector<Activity> in = {
            act("kube-scheduler"),       act("kubelet/worker-1", true),
            act("kube-scheduler", true), act("kubist-gui"),
            act("kubelet/worker-2"),     act("kube-scheduler", false, 409)};
        const std::vector<Pulse> out = ActivityTracker::merge(in, "kubist-gui");
        QCOMPARE(out.size(), size_t(3));
        QCOMPARE(out[0].source, Pulse::Source::Scheduler);
        QCOMPARE(out[0].count, 3);
        QVERIFY(out[0].touchedStore);
        QVERIFY(out[0].failed);
        QCOMPARE(out[1].node, std::string("worker-1"));
        QVERIFY(out[1].touchedStore);
        QCOMPARE(out[2].node, std::string("worker-2"));
        QVERIFY(!out[2].touchedStore);
    }

    void pollEmitsOnlyWhenSomethingHappened()
    {
        qRegisterMetaType<std::vector<kubist::model::Pulse>>();
        FakeControl control;
        control.pending = {act("admin")};
        ActivityTracker tracker(control, "kubist-gui");
        QSignalSpy spy(&tracker, &ActivityTracker::pulses);
        tracker.start(); // what happened before is dropped
        QVERIFY(tracker.poll().empty());
        QCOMPARE(spy.count(), 0);
        control.pending = {act("admin", true), act("admin")};
        const std::vector<Pulse> got = tracker.poll();
        QCOMPARE(got.size(), size_t(1));
        QCOMPARE(got[0].count, 2);
        QCOMPARE(spy.count(), 1);
        tracker.stop();
    }
};

QTEST_GUILESS_MAIN(TestActivityTracker)
#include "tst_activitytracker.moc"
