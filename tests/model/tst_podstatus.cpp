// What a pod chip and a node header show, from the objects alone.

#include "model/podstatus.h"

#include "core_v1.pb.h"

#include <QTest>

using namespace kubist::model;
namespace core = k8s::io::api::core::v1;

namespace {

core::Pod makePod(const QString &node, const QString &phase, bool ready, const QString &waiting,
                  bool deleting, int restarts)
{
    core::Pod p;
    p.mutable_metadata()->set_name("p");
    if (deleting)
        p.mutable_metadata()->mutable_deletion_timestamp()->set_seconds(1);
    p.mutable_spec()->set_node_name(node.toStdString());
    p.mutable_status()->set_phase(phase.toStdString());
    core::PodCondition *c = p.mutable_status()->add_conditions();
    c->set_type("Ready");
    c->set_status(ready ? "True" : "False");
    core::ContainerStatus *cs = p.mutable_status()->add_container_statuses();
    cs->set_restart_count(restarts);
    if (!waiting.isEmpty())
        cs->mutable_state()->mutable_waiting()->set_reason(waiting.toStdString());
    return p;
}

} // namespace

class TestPodStatus : public QObject
{
    Q_OBJECT

private slots:
    void podLookReadsAtAGlance_data()
    {
        QTest::addColumn<QString>("node");
        QTest::addColumn<QString>("phase");
        QTest::addColumn<bool>("ready");
        QTest::addColumn<QString>("waiting");
        QTest::addColumn<bool>("deleting");
        QTest::addColumn<int>("look");
        QTest::addColumn<QString>("text");
        QTest::newRow("no node yet waits in the lane")
            << ""
            << "Pending" << false << "" << false << int(PodLook::Unscheduled) << "Pending";
        QTest::newRow("bound, nothing reported: pending")
            << "n"
            << "Pending" << false << "" << false << int(PodLook::Pending) << "Pending";
        QTest::newRow("bound, containers waiting: creating")
            << "n"
            << "Pending" << false << "ContainerCreating" << false << int(PodLook::ContainerCreating)
            << "ContainerCreating";
        QTest::newRow("running and ready")
            << "n"
            << "Running" << true << "" << false << int(PodLook::Running) << "Running";
        QTest::newRow("running, not ready: hollow")
            << "n"
            << "Running" << false << "" << false << int(PodLook::RunningNotReady) << "Running";
        QTest::newRow("crash loop is a failure")
            << "n"
            << "Running" << false << "CrashLoopBackOff" << false << int(PodLook::Failed)
            << "CrashLoopBackOff";
        QTest::newRow("image pull backoff is a failure")
            << "n"
            << "Pending" << false << "ImagePullBackOff" << false << int(PodLook::Failed)
            << "ImagePullBackOff";
        QTest::newRow("failed phase")
            << "n"
            << "Failed" << false << "" << false << int(PodLook::Failed) << "Failed";
        QTest::newRow("deletion wins over everything")
            << "n"
            << "Running" << true << "" << true << int(PodLook::Terminating) << "Terminating";
        QTest::newRow("succeeded")
            << "n"
            << "Succeeded" << false << "" << false << int(PodLook::Succeeded) << "Succeeded";
    }
    void podLookReadsAtAGlance()
    {
        QFETCH(QString, node);
        QFETCH(QString, phase);
        QFETCH(bool, ready);
        QFETCH(QString, waiting);
        QFETCH(bool, deleting);
        QFETCH(int, look);
        QFETCH(QString, text);
        const core::Pod p = makePod(node, phase, ready, waiting, deleting, 0);
        QCOMPARE(int(podLook(p)), look);
        QCOMPARE(QString::fromStdString(podStatusText(p)), text);
        QCOMPARE(podIsReady(p), ready);
    }

    void restartsAreSummed()
    {
        core::Pod p = makePod("n", "Running", true, "", false, 2);
        p.mutable_status()->add_container_statuses()->set_restart_count(3);
        QCOMPARE(podRestarts(p), 5);
    }

    void nodeHealthFromReadyCondition_data()
    {
        QTest::addColumn<QString>("status");
        QTest::addColumn<int>("health");
        QTest::newRow("True is Ready") << "True" << int(NodeHealth::Ready);
        QTest::newRow("False is NotReady") << "False" << int(NodeHealth::NotReady);
        QTest::newRow("Unknown is Unknown") << "Unknown" << int(NodeHealth::Unknown);
        QTest::newRow("no condition is Unknown") << "" << int(NodeHealth::Unknown);
    }
    void nodeHealthFromReadyCondition()
    {
        QFETCH(QString, status);
        QFETCH(int, health);
        core::Node n;
        if (!status.isEmpty()) {
            core::NodeCondition *c = n.mutable_status()->add_conditions();
            c->set_type("Ready");
            c->set_status(status.toStdString());
        }
        QCOMPARE(int(nodeHealth(n)), health);
    }
};

QTEST_GUILESS_MAIN(TestPodStatus)
#include "tst_podstatus.moc"
