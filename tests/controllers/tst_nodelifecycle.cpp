#include "backend/controllers/nodelifecycle/nodelifecyclecontroller.h"
#include "tests/testing/testcluster.h"

#include "coordination_v1.pb.h"
#include "core_v1.pb.h"

#include <QObject>
#include <QTest>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

using namespace std::chrono_literals;
using kubist::controllers::NodeLifecycleController;
using kubist::testing::TestCluster;
namespace core = k8s::io::api::core::v1;
namespace coordination = k8s::io::api::coordination::v1;

namespace {

const kubist::api::KindInfo &kindOf(const google::protobuf::Descriptor *d)
{
    return *kubist::api::Scheme::builtin().byDescriptor(d);
}

// What a kubelet posts: the node's conditions with a fresh heartbeat. The
// controller may write the node (its taints) meanwhile: on a Conflict, read
// again and retry, as a kubelet does.
void postNodeStatusOnce(TestCluster &c, const std::string &name, const std::string &ready,
                        const std::string &memoryPressure, kubist::Status *result)
{
    auto node = c.get<core::Node>("", name);
    QVERIFY(node);
    core::Node copy(*node);
    copy.mutable_status()->clear_conditions();
    const std::pair<const char *, std::string> conditions[] = {{"Ready", ready},
                                                               {"MemoryPressure", memoryPressure},
                                                               {"DiskPressure", "False"},
                                                               {"PIDPressure", "False"}};
    for (const auto &[type, status] : conditions) {
        core::NodeCondition *cond = copy.mutable_status()->add_conditions();
        cond->set_type(type);
        cond->set_status(status);
        cond->mutable_last_heartbeat_time()->set_seconds(c.clock.nowSeconds());
        cond->mutable_last_transition_time()->set_seconds(c.clock.nowSeconds());
    }
    kubist::client::WriteOptions o;
    o.subresource = "status";
    auto r = c.admin().update(kindOf(core::Node::descriptor()), "", copy, o);
    *result = r.status();
}

void postNodeStatus(TestCluster &c, const std::string &name, const std::string &ready,
                    const std::string &memoryPressure = "False")
{
    kubist::Status status;
    for (int attempt = 0; attempt < 5; ++attempt) {
        postNodeStatusOnce(c, name, ready, memoryPressure, &status);
        if (status.code() != kubist::Status::Code::Conflict)
            break;
    }
    QVERIFY2(status.isOk(), status.message().c_str());
}

void renewLease(TestCluster &c, const std::string &name)
{
    coordination::Lease lease;
    if (auto existing = c.get<coordination::Lease>("kube-node-lease", name))
        lease.CopyFrom(*existing);
    lease.mutable_metadata()->set_name(name);
    lease.mutable_metadata()->set_namespace_("kube-node-lease");
    lease.mutable_spec()->set_holder_identity(name);
    lease.mutable_spec()->set_lease_duration_seconds(40);
    lease.mutable_spec()->mutable_renew_time()->set_seconds(c.clock.nowSeconds());
    auto r = c.admin().update(kindOf(coordination::Lease::descriptor()), "kube-node-lease", lease);
    QVERIFY2(r.isOk(), r.status().message().c_str());
}

void createNode(TestCluster &c, const std::string &name, bool unschedulable = false)
{
    core::Node node;
    node.mutable_metadata()->set_name(name);
    node.mutable_spec()->set_unschedulable(unschedulable);
    auto r = c.admin().create(kindOf(core::Node::descriptor()), "", node);
    QVERIFY2(r.isOk(), r.status().message().c_str());
    postNodeStatus(c, name, "True");
    renewLease(c, name);
}

// A running, ready pod bound to `node` that tolerates the unreachable
// taint for `seconds` (nullopt: forever; -1: no toleration of its own, so
// admission's default 300 s applies).
void createPod(TestCluster &c, const std::string &name, const std::string &node,
               std::optional<int64_t> seconds)
{
    core::Pod pod;
    pod.mutable_metadata()->set_name(name);
    pod.mutable_metadata()->set_namespace_("default");
    pod.mutable_spec()->set_node_name(node);
    core::Container *container = pod.mutable_spec()->add_containers();
    container->set_name("c");
    container->set_image("nginx");
    if (seconds != -1) {
        core::Toleration *t = pod.mutable_spec()->add_tolerations();
        t->set_key("node.kubernetes.io/unreachable");
        t->set_operator_("Exists");
        t->set_effect("NoExecute");
        if (seconds)
            t->set_toleration_seconds(*seconds);
    }
    auto r = c.admin().create(kindOf(core::Pod::descriptor()), "default", pod);
    QVERIFY2(r.isOk(), r.status().message().c_str());
    core::Pod running(static_cast<const core::Pod &>(**r));
    running.mutable_status()->set_phase("Running");
    core::PodCondition *cond = running.mutable_status()->add_conditions();
    cond->set_type("Ready");
    cond->set_status("True");
    kubist::client::WriteOptions o;
    o.subresource = "status";
    auto s = c.admin().update(kindOf(core::Pod::descriptor()), "default", running, o);
    QVERIFY2(s.isOk(), s.status().message().c_str());
}

std::string readyOf(TestCluster &c, const std::string &node)
{
    auto n = c.get<core::Node>("", node);
    for (const core::NodeCondition &cond : n->status().conditions())
        if (cond.type() == "Ready")
            return cond.status();
    return "";
}

// "key:effect" of every taint, comma-separated.
std::string taintsOf(TestCluster &c, const std::string &node)
{
    std::string out;
    const auto n = c.get<core::Node>("", node);
    for (const core::Taint &t : n->spec().taints())
        out += (out.empty() ? "" : ",") + t.key() + ":" + t.effect();
    return out;
}

bool terminating(TestCluster &c, const std::string &pod)
{
    auto p = c.get<core::Pod>("default", pod);
    return !p || p->metadata().has_deletion_timestamp();
}

bool hasEvent(TestCluster &c, const std::string &reason, const std::string &message)
{
    for (const auto &e : c.list<core::Event>())
        if (e->reason() == reason && e->message() == message)
            return true;
    return false;
}

} // namespace

class TestNodeLifecycle : public QObject
{
    Q_OBJECT

private slots:
    void conditionTaints_data();
    void conditionTaints();
    void silentNodeBecomesUnknownAndPodsAreEvicted();
    void nodeRecoversWhenLeaseIsRenewed();
    void newInstanceCatchesUp();
};

void TestNodeLifecycle::conditionTaints_data()
{
    QTest::addColumn<QString>("ready");
    QTest::addColumn<QString>("memoryPressure");
    QTest::addColumn<bool>("unschedulable");
    QTest::addColumn<QString>("expected");

    QTest::newRow("ready node has no taints") << "True"
                                              << "False" << false << "";
    QTest::newRow("not-ready node gets not-ready taints")
        << "False"
        << "False" << false
        << "node.kubernetes.io/not-ready:NoExecute,node.kubernetes.io/not-ready:NoSchedule";
    QTest::newRow("memory pressure taints NoSchedule")
        << "True"
        << "True" << false << "node.kubernetes.io/memory-pressure:NoSchedule";
    QTest::newRow("unschedulable node is tainted")
        << "True"
        << "False" << true << "node.kubernetes.io/unschedulable:NoSchedule";
}

void TestNodeLifecycle::conditionTaints()
{
    QFETCH(QString, ready);
    QFETCH(QString, memoryPressure);
    QFETCH(bool, unschedulable);
    QFETCH(QString, expected);

    TestCluster c;
    auto controllerClient = c.client("node-controller");
    NodeLifecycleController controller(*controllerClient, c.clock);
    controller.start();
    createNode(c, "n1", unschedulable);
    postNodeStatus(c, "n1", ready.toStdString(), memoryPressure.toStdString());
    QVERIFY(c.settle());
    QCOMPARE(QString::fromStdString(taintsOf(c, "n1")), expected);

    // Healthy again: the controller's taints go (unschedulable stays).
    postNodeStatus(c, "n1", "True");
    QVERIFY(c.settle());
    QCOMPARE(QString::fromStdString(taintsOf(c, "n1")),
             unschedulable ? QString("node.kubernetes.io/unschedulable:NoSchedule") : QString());
}

void TestNodeLifecycle::silentNodeBecomesUnknownAndPodsAreEvicted()
{
    TestCluster c;
    auto controllerClient = c.client("node-controller");
    NodeLifecycleController controller(*controllerClient, c.clock);
    controller.start();
    createNode(c, "n1");
    createNode(c, "n2");
    createPod(c, "tolerates-30s", "n1", 30);
    createPod(c, "tolerates-0s", "n1", 0);
    createPod(c, "tolerates-forever", "n1", std::nullopt);
    createPod(c, "on-healthy-node", "n2", 0);
    QVERIFY(c.settle());

    // n2 keeps renewing its lease; n1 went silent.
    auto advance = [&](int seconds) {
        for (int i = 0; i < seconds; ++i) {
            if (!c.run(1s))
                return false;
            renewLease(c, "n2");
        }
        return true;
    };
    QVERIFY(advance(45));
    QCOMPARE(QString::fromStdString(readyOf(c, "n1")), QString("True")); // within grace
    for (int i = 0; i < 15 && readyOf(c, "n1") != "Unknown"; ++i)
        QVERIFY(advance(1));
    QCOMPARE(QString::fromStdString(readyOf(c, "n1")), QString("Unknown"));
    QCOMPARE(QString::fromStdString(readyOf(c, "n2")), QString("True"));

    auto node = c.get<core::Node>("", "n1");
    for (const core::NodeCondition &cond : node->status().conditions()) {
        QCOMPARE(cond.status(), std::string("Unknown"));
        QCOMPARE(cond.reason(), std::string("NodeStatusUnknown"));
        QCOMPARE(cond.message(), std::string("Kubelet stopped posting node status."));
    }
    QCOMPARE(QString::fromStdString(taintsOf(c, "n1")),
             QString("node.kubernetes.io/unreachable:NoExecute,"
                     "node.kubernetes.io/unreachable:NoSchedule"));
    QVERIFY(node->spec().taints(0).has_time_added());
    QVERIFY(hasEvent(c, "NodeNotReady", "Node n1 status is now: NodeNotReady"));

    // Pods on the silent node are not ready any more.
    auto pod = c.get<core::Pod>("default", "tolerates-forever");
    for (const core::PodCondition &cond : pod->status().conditions())
        if (cond.type() == "Ready")
            QCOMPARE(cond.status(), std::string("False"));

    // tolerationSeconds 0: evicted at once; 30 s: after 30 s, not before.
    QVERIFY(terminating(c, "tolerates-0s"));
    QVERIFY(hasEvent(c, "TaintManagerEviction", "Marking for deletion Pod default/tolerates-0s"));
    QVERIFY(!terminating(c, "tolerates-30s"));
    QVERIFY(advance(29));
    QVERIFY(!terminating(c, "tolerates-30s"));
    QVERIFY(advance(2));
    QVERIFY(terminating(c, "tolerates-30s"));
    auto evicted = c.get<core::Pod>("default", "tolerates-30s");
    bool disruption = false;
    for (const core::PodCondition &cond : evicted->status().conditions())
        disruption = disruption || (cond.type() == "DisruptionTarget" &&
                                    cond.reason() == "DeletionByTaintManager");
    QVERIFY(disruption);

    QVERIFY(advance(120));
    QVERIFY(!terminating(c, "tolerates-forever"));
    QVERIFY(!terminating(c, "on-healthy-node"));
}

void TestNodeLifecycle::nodeRecoversWhenLeaseIsRenewed()
{
    TestCluster c;
    auto controllerClient = c.client("node-controller");
    NodeLifecycleController controller(*controllerClient, c.clock);
    controller.start();
    createNode(c, "n1");
    QVERIFY(c.runUntil([&] { return readyOf(c, "n1") == "Unknown"; }, 120s));
    QVERIFY(!taintsOf(c, "n1").empty());

    renewLease(c, "n1");
    postNodeStatus(c, "n1", "True");
    QVERIFY(c.run(20s));
    QCOMPARE(QString::fromStdString(readyOf(c, "n1")), QString("True"));
    QCOMPARE(QString::fromStdString(taintsOf(c, "n1")), QString());
}

void TestNodeLifecycle::newInstanceCatchesUp()
{
    TestCluster c;
    auto firstClient = c.client("node-controller");
    auto first = std::make_unique<NodeLifecycleController>(*firstClient, c.clock);
    first->start();
    createNode(c, "n1");
    QVERIFY(c.runUntil([&] { return readyOf(c, "n1") == "Unknown"; }, 120s));
    first.reset();

    // Back while no controller ran: a new one clears the taints, then
    // notices when the node goes silent again.
    renewLease(c, "n1");
    postNodeStatus(c, "n1", "True");
    QVERIFY(c.settle());
    QVERIFY(!taintsOf(c, "n1").empty());
    auto secondClient = c.client("node-controller");
    NodeLifecycleController second(*secondClient, c.clock);
    second.start();
    QVERIFY(c.settle());
    QCOMPARE(QString::fromStdString(taintsOf(c, "n1")), QString());
    QVERIFY(c.runUntil([&] { return readyOf(c, "n1") == "Unknown"; }, 120s));
    QCOMPARE(QString::fromStdString(taintsOf(c, "n1")),
             QString("node.kubernetes.io/unreachable:NoExecute,"
                     "node.kubernetes.io/unreachable:NoSchedule"));
}

QTEST_GUILESS_MAIN(TestNodeLifecycle)
#include "tst_nodelifecycle.moc"
