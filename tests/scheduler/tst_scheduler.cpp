// The scheduler part end to end on a TestCluster: nodes are plain Node
// objects with status.allocatable (no kubelet), pods are bound through
// pods/binding, failures show as a PodScheduled=False condition and a
// FailedScheduling event, leader election gates the work.

#include "backend/api/annotations.h"
#include "backend/api/jsoncodec.h"
#include "backend/scheduler/scheduler/scheduler.h"
#include "tests/testing/testcluster.h"

#include "core_v1.pb.h"

#include <QTest>

#include <chrono>
#include <map>
#include <memory>
#include <string>

using namespace kubist;
using namespace kubist::scheduler;
using namespace std::chrono_literals;
namespace core = k8s::io::api::core::v1;

namespace {

// Objects are written as YAML flow mappings (no double quotes, no
// backslashes: simple for moc).
void addNode(testing::TestCluster &c, const std::string &name, const std::string &cpu,
             const std::string &spec = "{}", const std::string &labels = "{}")
{
    c.apply("{apiVersion: v1, kind: Node, metadata: {name: " + name + ", labels: " + labels +
            "}, spec: " + spec + ", status: {allocatable: {cpu: '" + cpu +
            "', memory: 8Gi, pods: '110'}, capacity: {cpu: '" + cpu +
            "', memory: 8Gi, pods: '110'}}}");
}

void addPod(testing::TestCluster &c, const std::string &name, const std::string &cpu,
            const std::string &extraSpec = "")
{
    c.apply("{apiVersion: v1, kind: Pod, metadata: {name: " + name +
            ", namespace: default}, spec: {containers: [{name: c, image: nginx, resources: "
            "{requests: {cpu: '" +
            cpu + "', memory: 64Mi}}}]" + extraSpec + "}}");
}

std::string nodeOf(testing::TestCluster &c, const std::string &pod)
{
    auto p = c.get<core::Pod>("default", pod);
    return p ? p->spec().node_name() : std::string("<gone>");
}

const core::PodCondition *scheduledCondition(const core::Pod &pod)
{
    for (const core::PodCondition &cond : pod.status().conditions())
        if (cond.type() == "PodScheduled")
            return &cond;
    return nullptr;
}

// The events about `pod` with `reason`.
std::vector<std::shared_ptr<const core::Event>>
eventsFor(testing::TestCluster &c, const std::string &pod, const std::string &reason)
{
    std::vector<std::shared_ptr<const core::Event>> out;
    for (const auto &e : c.list<core::Event>("default"))
        if (e->involved_object().name() == pod && e->reason() == reason)
            out.push_back(e);
    return out;
}

Scheduler::Options options(bool leaderElect = false, const std::string &identity = "sched-a")
{
    Scheduler::Options o;
    o.leaderElect = leaderElect;
    o.identity = identity;
    return o;
}

const char kTooBigMessage[] = "0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 "
                              "nodes are available: 2 Preemption is not helpful for scheduling.";

} // namespace

class TestScheduler : public QObject
{
    Q_OBJECT

private slots:
    void bindsPodAndRecordsScheduledEvent();
    void spreadsPodsOverEqualNodes_data();
    void spreadsPodsOverEqualNodes();
    void tooBigPodWaitsForABigEnoughNode();
    void placementRespectsNodeRules_data();
    void placementRespectsNodeRules();
    void cordonedOnlyNodeLeavesPodPending();
    void twoPodsAtOnceDoNotOvercommit();
    void deletingAPodMakesRoom();
    void onlyPodsForThisSchedulerAreScheduled_data();
    void onlyPodsForThisSchedulerAreScheduled();
    void deletedPendingPodLeavesTheQueue();
    void secondSchedulerWaitsForTheLease();
    void stopWithQueuedPodsReturnsPromptly();
    void stopBeforeStartIsSafe();
    void bindingRecordsTheDecision();
    void placementIntentIsHonoured();
    void refusedPlacementIntentSaysWhy();
    void nodeDeletedAndReaddedKeepsCounts();
};

void TestScheduler::bindsPodAndRecordsScheduledEvent()
{
    testing::TestCluster cluster;
    auto client = cluster.client("system:kube-scheduler");
    Scheduler scheduler(*client, cluster.clock, options(true));
    scheduler.start();
    addNode(cluster, "node-1", "2");
    // (Were the pod seen before the node, it would fail once and wait out
    // a 1 s backoff: settle() does not move the clock.)
    QVERIFY(cluster.settle());
    addPod(cluster, "web", "100m");
    QVERIFY(cluster.settle());

    QVERIFY(scheduler.isLeader());
    QCOMPARE(nodeOf(cluster, "web"), std::string("node-1"));
    auto pod = cluster.get<core::Pod>("default", "web");
    const core::PodCondition *cond = scheduledCondition(*pod);
    QVERIFY(cond);
    QCOMPARE(cond->status(), std::string("True"));
    const auto events = eventsFor(cluster, "web", "Scheduled");
    QCOMPARE(events.size(), std::size_t(1));
    QCOMPARE(events[0]->type(), std::string("Normal"));
    QCOMPARE(events[0]->message(), std::string("Successfully assigned default/web to node-1"));
    QCOMPARE(events[0]->source().component(), std::string("default-scheduler"));
    const Scheduler::QueueStats stats = scheduler.queueStats();
    QCOMPARE(stats.active + stats.backoff + stats.unschedulable, std::size_t(0));
    scheduler.stop();
}

void TestScheduler::spreadsPodsOverEqualNodes_data()
{
    QTest::addColumn<int>("nodes");
    QTest::addColumn<int>("pods");
    QTest::addColumn<bool>("oneByOne");
    QTest::newRow("2 pods on 2 nodes, created together") << 2 << 2 << false;
    QTest::newRow("4 pods on 2 nodes, created together") << 2 << 4 << false;
    QTest::newRow("6 pods on 3 nodes, one by one") << 3 << 6 << true;
}

void TestScheduler::spreadsPodsOverEqualNodes()
{
    QFETCH(int, nodes);
    QFETCH(int, pods);
    QFETCH(bool, oneByOne);
    testing::TestCluster cluster;
    auto client = cluster.client("system:kube-scheduler");
    Scheduler scheduler(*client, cluster.clock, options());
    scheduler.start();
    for (int i = 1; i <= nodes; ++i)
        addNode(cluster, "node-" + std::to_string(i), "4");
    QVERIFY(cluster.settle());
    for (int i = 1; i <= pods; ++i) {
        addPod(cluster, "web-" + std::to_string(i), "500m");
        if (oneByOne)
            QVERIFY(cluster.settle());
    }
    QVERIFY(cluster.settle());
    std::map<std::string, int> perNode;
    for (int i = 1; i <= pods; ++i)
        ++perNode[nodeOf(cluster, "web-" + std::to_string(i))];
    QCOMPARE(perNode.count(""), std::size_t(0));
    QCOMPARE(int(perNode.size()), nodes);
    for (const auto &[node, count] : perNode)
        QCOMPARE(count, pods / nodes);
}

void TestScheduler::tooBigPodWaitsForABigEnoughNode()
{
    testing::TestCluster cluster;
    auto client = cluster.client("system:kube-scheduler");
    Scheduler scheduler(*client, cluster.clock, options());
    scheduler.start();
    addNode(cluster, "node-1", "1");
    addNode(cluster, "node-2", "1");
    QVERIFY(cluster.settle());
    addPod(cluster, "big", "4");
    QVERIFY(cluster.settle());

    QCOMPARE(nodeOf(cluster, "big"), std::string());
    auto pod = cluster.get<core::Pod>("default", "big");
    QCOMPARE(pod->status().phase(), std::string("Pending"));
    const core::PodCondition *cond = scheduledCondition(*pod);
    QVERIFY(cond);
    QCOMPARE(cond->status(), std::string("False"));
    QCOMPARE(cond->reason(), std::string("Unschedulable"));
    QCOMPARE(cond->message(), std::string(kTooBigMessage));
    auto events = eventsFor(cluster, "big", "FailedScheduling");
    QCOMPARE(events.size(), std::size_t(1));
    QCOMPARE(events[0]->type(), std::string("Warning"));
    QCOMPARE(events[0]->message(), std::string(kTooBigMessage));
    QCOMPARE(scheduler.queueStats().unschedulable, std::size_t(1));

    // Nothing retries it on its own (before the 5 minute flush) ...
    QVERIFY(cluster.run(30s));
    QCOMPARE(nodeOf(cluster, "big"), std::string());
    // ... but a node that fits does.
    addNode(cluster, "node-3", "8");
    QVERIFY(cluster.runUntil([&] { return !nodeOf(cluster, "big").empty(); }, 30s));
    QCOMPARE(nodeOf(cluster, "big"), std::string("node-3"));
    QCOMPARE(eventsFor(cluster, "big", "Scheduled").size(), std::size_t(1));
    pod = cluster.get<core::Pod>("default", "big");
    QCOMPARE(scheduledCondition(*pod)->status(), std::string("True"));
}

void TestScheduler::placementRespectsNodeRules_data()
{
    QTest::addColumn<QString>("node1Spec");
    QTest::addColumn<QString>("node1Labels");
    QTest::addColumn<QString>("node2Spec");
    QTest::addColumn<QString>("node2Labels");
    QTest::addColumn<QString>("podSpec");
    QTest::addColumn<QString>("expected");
    // Without rules the pod would go to node-1 (ties go to the first name).
    QTest::newRow("no rules: first node") << "{}"
                                          << "{}"
                                          << "{}"
                                          << "{}"
                                          << ""
                                          << "node-1";
    QTest::newRow("nodeSelector picks the labelled node") << "{}"
                                                          << "{}"
                                                          << "{}"
                                                          << "{disk: ssd}"
                                                          << ", nodeSelector: {disk: ssd}"
                                                          << "node-2";
    QTest::newRow("NoSchedule taint keeps the pod away")
        << "{taints: [{key: dedicated, value: gpu, effect: NoSchedule}]}"
        << "{}"
        << "{}"
        << "{}"
        << ""
        << "node-2";
    QTest::newRow("a toleration admits the pod")
        << "{taints: [{key: dedicated, value: gpu, effect: NoSchedule}]}"
        << "{}"
        << "{taints: [{key: other, effect: NoSchedule}]}"
        << "{}"
        << ", tolerations: [{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}]"
        << "node-1";
    QTest::newRow("cordoned node gets nothing") << "{unschedulable: true}"
                                                << "{}"
                                                << "{}"
                                                << "{}"
                                                << ""
                                                << "node-2";
    QTest::newRow("required node affinity")
        << "{}"
        << "{zone: a}"
        << "{}"
        << "{zone: b}"
        << ", affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: "
           "{nodeSelectorTerms: [{matchExpressions: [{key: zone, operator: In, values: [b]}]}]}}}"
        << "node-2";
}

void TestScheduler::placementRespectsNodeRules()
{
    QFETCH(QString, node1Spec);
    QFETCH(QString, node1Labels);
    QFETCH(QString, node2Spec);
    QFETCH(QString, node2Labels);
    QFETCH(QString, podSpec);
    QFETCH(QString, expected);
    testing::TestCluster cluster;
    auto client = cluster.client("system:kube-scheduler");
    Scheduler scheduler(*client, cluster.clock, options());
    scheduler.start();
    addNode(cluster, "node-1", "2", node1Spec.toStdString(), node1Labels.toStdString());
    addNode(cluster, "node-2", "2", node2Spec.toStdString(), node2Labels.toStdString());
    QVERIFY(cluster.settle());
    addPod(cluster, "web", "100m", podSpec.toStdString());
    QVERIFY(cluster.settle());
    QCOMPARE(QString::fromStdString(nodeOf(cluster, "web")), expected);
}

void TestScheduler::cordonedOnlyNodeLeavesPodPending()
{
    testing::TestCluster cluster;
    auto client = cluster.client("system:kube-scheduler");
    Scheduler scheduler(*client, cluster.clock, options());
    scheduler.start();
    addNode(cluster, "node-1", "2", "{unschedulable: true}");
    addPod(cluster, "web", "100m");
    QVERIFY(cluster.run(20s));
    QCOMPARE(nodeOf(cluster, "web"), std::string());
    auto pod = cluster.get<core::Pod>("default", "web");
    QCOMPARE(scheduledCondition(*pod)->message(),
             std::string("0/1 nodes are available: 1 node(s) were unschedulable. preemption: "
                         "0/1 nodes are available: 1 Preemption is not helpful for scheduling."));

    // Uncordoning (a node update) retries the pod.
    auto node = cluster.get<core::Node>("", "node-1");
    core::Node uncordoned(*node);
    uncordoned.mutable_spec()->set_unschedulable(false);
    const api::KindInfo *nodes = api::Scheme::builtin().byDescriptor(core::Node::descriptor());
    QVERIFY(cluster.admin().update(*nodes, "", uncordoned));
    QVERIFY(cluster.runUntil([&] { return !nodeOf(cluster, "web").empty(); }, 30s));
    QCOMPARE(nodeOf(cluster, "web"), std::string("node-1"));
}

void TestScheduler::twoPodsAtOnceDoNotOvercommit()
{
    testing::TestCluster cluster;
    auto client = cluster.client("system:kube-scheduler");
    Scheduler scheduler(*client, cluster.clock, options());
    scheduler.start();
    addNode(cluster, "node-1", "1");
    QVERIFY(cluster.settle());
    addPod(cluster, "a", "600m");
    addPod(cluster, "b", "600m");
    QVERIFY(cluster.run(30s));
    const std::string a = nodeOf(cluster, "a");
    const std::string b = nodeOf(cluster, "b");
    QCOMPARE(int(a.empty()) + int(b.empty()), 1);
    const std::string pending = a.empty() ? "a" : "b";
    auto events = eventsFor(cluster, pending, "FailedScheduling");
    QVERIFY(!events.empty());
    // The pod on the node has the same priority: nothing to preempt.
    QCOMPARE(events[0]->message(),
             std::string("0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes "
                         "are available: 1 No preemption victims found for incoming pod."));
}

void TestScheduler::deletingAPodMakesRoom()
{
    testing::TestCluster cluster;
    auto client = cluster.client("system:kube-scheduler");
    Scheduler scheduler(*client, cluster.clock, options());
    scheduler.start();
    addNode(cluster, "node-1", "1");
    QVERIFY(cluster.settle());
    addPod(cluster, "first", "600m");
    QVERIFY(cluster.settle());
    addPod(cluster, "second", "600m");
    QVERIFY(cluster.run(5s));
    QCOMPARE(nodeOf(cluster, "first"), std::string("node-1"));
    QCOMPARE(nodeOf(cluster, "second"), std::string());

    const api::KindInfo *pods = api::Scheme::builtin().byDescriptor(core::Pod::descriptor());
    client::DeleteOptions now;
    now.gracePeriodSeconds = 0;
    QVERIFY(cluster.admin().remove(*pods, "default", "first", now));
    QVERIFY(cluster.runUntil([&] { return !nodeOf(cluster, "second").empty(); }, 30s));
    QCOMPARE(nodeOf(cluster, "second"), std::string("node-1"));
}

void TestScheduler::onlyPodsForThisSchedulerAreScheduled_data()
{
    QTest::addColumn<QString>("podSpec");
    QTest::addColumn<bool>("scheduled");
    QTest::newRow("no schedulerName: the default scheduler") << "" << true;
    QTest::newRow("schedulerName default-scheduler")
        << ", schedulerName: default-scheduler" << true;
    QTest::newRow("another scheduler's pod is left alone") << ", schedulerName: other" << false;
}

void TestScheduler::onlyPodsForThisSchedulerAreScheduled()
{
    QFETCH(QString, podSpec);
    QFETCH(bool, scheduled);
    testing::TestCluster cluster;
    auto client = cluster.client("system:kube-scheduler");
    Scheduler scheduler(*client, cluster.clock, options());
    scheduler.start();
    addNode(cluster, "node-1", "2");
    QVERIFY(cluster.settle());
    addPod(cluster, "web", "100m", podSpec.toStdString());
    QVERIFY(cluster.run(10s));
    QCOMPARE(!nodeOf(cluster, "web").empty(), scheduled);
    if (!scheduled) {
        QVERIFY(eventsFor(cluster, "web", "FailedScheduling").empty());
        QVERIFY(!scheduledCondition(*cluster.get<core::Pod>("default", "web")));
    }
}

void TestScheduler::deletedPendingPodLeavesTheQueue()
{
    testing::TestCluster cluster;
    auto client = cluster.client("system:kube-scheduler");
    Scheduler scheduler(*client, cluster.clock, options());
    scheduler.start();
    addNode(cluster, "node-1", "1");
    QVERIFY(cluster.settle());
    addPod(cluster, "big", "4");
    QVERIFY(cluster.settle());
    QCOMPARE(scheduler.queueStats().unschedulable, std::size_t(1));
    const api::KindInfo *pods = api::Scheme::builtin().byDescriptor(core::Pod::descriptor());
    QVERIFY(cluster.admin().remove(*pods, "default", "big"));
    QVERIFY(cluster.settle());
    const Scheduler::QueueStats stats = scheduler.queueStats();
    QCOMPARE(stats.active + stats.backoff + stats.unschedulable, std::size_t(0));
}

void TestScheduler::secondSchedulerWaitsForTheLease()
{
    testing::TestCluster cluster;
    auto clientA = cluster.client("system:kube-scheduler-a");
    auto clientB = cluster.client("system:kube-scheduler-b");
    auto a = std::make_unique<Scheduler>(*clientA, cluster.clock, options(true, "sched-a"));
    Scheduler b(*clientB, cluster.clock, options(true, "sched-b"));
    a->start();
    QVERIFY(cluster.settle());
    QVERIFY(a->isLeader());
    b.start();
    addNode(cluster, "node-1", "1");
    QVERIFY(cluster.run(20s));
    QVERIFY(a->isLeader());
    QVERIFY(!b.isLeader());

    // The leader places what fits; the follower queues nothing.
    addPod(cluster, "one", "600m");
    addPod(cluster, "two", "600m");
    QVERIFY(cluster.run(5s));
    QCOMPARE(int(nodeOf(cluster, "one").empty()) + int(nodeOf(cluster, "two").empty()), 1);
    const Scheduler::QueueStats follower = b.queueStats();
    QCOMPARE(follower.active + follower.backoff + follower.unschedulable, std::size_t(0));
    QCOMPARE(a->queueStats().unschedulable, std::size_t(1));

    // The leader stops (releasing the lease); the follower takes over and
    // schedules what comes next.
    a->stop();
    a.reset();
    addNode(cluster, "node-2", "1");
    QVERIFY(cluster.runUntil([&] { return b.isLeader(); }, 10s));
    QVERIFY(cluster.runUntil(
        [&] { return !nodeOf(cluster, "one").empty() && !nodeOf(cluster, "two").empty(); }, 30s));
    QVERIFY(nodeOf(cluster, "one") != nodeOf(cluster, "two"));
    b.stop();
}

void TestScheduler::stopWithQueuedPodsReturnsPromptly()
{
    testing::TestCluster cluster;
    auto client = cluster.client("system:kube-scheduler");
    auto scheduler = std::make_unique<Scheduler>(*client, cluster.clock, options(true));
    scheduler->start();
    addNode(cluster, "node-1", "64");
    QVERIFY(cluster.settle());
    for (int i = 0; i < 20; ++i)
        addPod(cluster, "web-" + std::to_string(i), "100m");
    scheduler->stop(); // whatever was queued is dropped
    auto bound = [&] {
        int n = 0;
        for (int i = 0; i < 20; ++i)
            n += nodeOf(cluster, "web-" + std::to_string(i)).empty() ? 0 : 1;
        return n;
    };
    const int boundAtStop = bound();
    QVERIFY(cluster.run(60s));
    QCOMPARE(bound(), boundAtStop);
    QVERIFY(scheduler->queueStats().active == 0);
    scheduler.reset();

    // A fresh scheduler rebuilds its queue from the API.
    Scheduler again(*client, cluster.clock, options(true));
    again.start();
    QVERIFY(cluster.runUntil([&] { return bound() == 20; }, 60s));
}

void TestScheduler::stopBeforeStartIsSafe()
{
    testing::TestCluster cluster;
    auto client = cluster.client("system:kube-scheduler");
    {
        Scheduler scheduler(*client, cluster.clock, options(true));
        scheduler.stop();
        scheduler.start(); // a stopped scheduler stays stopped
        QVERIFY(!scheduler.isLeader());
    }
    {
        Scheduler scheduler(*client, cluster.clock, options(true)); // destroyed unstarted
    }
    QVERIFY(cluster.settle());
}

void TestScheduler::bindingRecordsTheDecision()
{
    testing::TestCluster cluster;
    auto client = cluster.client("system:kube-scheduler");
    Scheduler scheduler(*client, cluster.clock, options());
    scheduler.start();
    addNode(cluster, "node-1", "2");
    addNode(cluster, "node-2", "2", "{unschedulable: true}");
    addNode(cluster, "node-3", "4");
    QVERIFY(cluster.settle());
    addPod(cluster, "web", "500m");
    QVERIFY(cluster.settle());

    auto pod = cluster.get<core::Pod>("default", "web");
    QCOMPARE(pod->spec().node_name(), std::string("node-3")); // more room left
    const auto &annotations = pod->metadata().annotations();
    QVERIFY(annotations.contains(api::kSchedulingDecision));
    const std::string decision = annotations.at(api::kSchedulingDecision);
    // One line of JSON: the winner, the counts, the runner-up, the winner's
    // per-plugin scores, and who turned which nodes down.
    QVERIFY2(decision.starts_with("{\"node\":\"node-3\",\"score\":"), decision.c_str());
    QVERIFY2(decision.find("\"evaluatedNodes\":3,\"feasibleNodes\":2") != std::string::npos,
             decision.c_str());
    QVERIFY2(decision.find("\"runnerUp\":{\"node\":\"node-1\"") != std::string::npos,
             decision.c_str());
    QVERIFY2(decision.find("\"NodeResourcesFit\":") != std::string::npos, decision.c_str());
    QVERIFY2(decision.find("\"filtered\":{\"NodeUnschedulable\":1}") != std::string::npos,
             decision.c_str());
}

void TestScheduler::placementIntentIsHonoured()
{
    testing::TestCluster cluster;
    auto client = cluster.client("system:kube-scheduler");
    Scheduler scheduler(*client, cluster.clock, options());
    scheduler.start();
    for (const char *name : {"node-1", "node-2", "node-3"})
        addNode(cluster, name, "2");
    QVERIFY(cluster.settle());
    // Equal nodes: without the intent the first name wins.
    addPod(cluster, "plain", "100m");
    cluster.apply("{apiVersion: v1, kind: Pod, metadata: {name: moved, namespace: default, "
                  "annotations: {kubist.io/placement-intent: node-3}}, spec: {containers: "
                  "[{name: c, image: nginx}]}}");
    QVERIFY(cluster.settle());
    QCOMPARE(nodeOf(cluster, "plain"), std::string("node-1"));
    QCOMPARE(nodeOf(cluster, "moved"), std::string("node-3"));
    QVERIFY(eventsFor(cluster, "moved", "PlacementIntentRefused").empty());
}

void TestScheduler::refusedPlacementIntentSaysWhy()
{
    testing::TestCluster cluster;
    auto client = cluster.client("system:kube-scheduler");
    Scheduler scheduler(*client, cluster.clock, options());
    scheduler.start();
    addNode(cluster, "node-1", "2");
    addNode(cluster, "small", "100m");
    QVERIFY(cluster.settle());
    cluster.apply("{apiVersion: v1, kind: Pod, metadata: {name: moved, namespace: default, "
                  "annotations: {kubist.io/placement-intent: small}}, spec: {containers: "
                  "[{name: c, image: nginx, resources: {requests: {cpu: '1'}}}]}}");
    QVERIFY(cluster.settle());

    QCOMPARE(nodeOf(cluster, "moved"), std::string("node-1"));
    const auto refused = eventsFor(cluster, "moved", "PlacementIntentRefused");
    QCOMPARE(refused.size(), std::size_t(1));
    QCOMPARE(refused[0]->type(), std::string("Warning"));
    QCOMPARE(refused[0]->message(),
             std::string("Cannot place the pod on node small: NodeResourcesFit: Insufficient cpu"));
    auto pod = cluster.get<core::Pod>("default", "moved");
    QVERIFY(!pod->metadata().annotations().contains(api::kPlacementIntent));
    // A missing node is refused the same way.
    cluster.apply("{apiVersion: v1, kind: Pod, metadata: {name: lost, namespace: default, "
                  "annotations: {kubist.io/placement-intent: gone}}, spec: {containers: "
                  "[{name: c, image: nginx}]}}");
    QVERIFY(cluster.settle());
    QCOMPARE(nodeOf(cluster, "lost"), std::string("node-1"));
    QCOMPARE(eventsFor(cluster, "lost", "PlacementIntentRefused").size(), std::size_t(1));
}

void TestScheduler::nodeDeletedAndReaddedKeepsCounts()
{
    testing::TestCluster cluster;
    auto client = cluster.client("system:kube-scheduler");
    Scheduler scheduler(*client, cluster.clock, options());
    scheduler.start();
    addNode(cluster, "node-1", "1");
    QVERIFY(cluster.settle());
    addPod(cluster, "first", "800m");
    QVERIFY(cluster.settle());
    QCOMPARE(nodeOf(cluster, "first"), std::string("node-1"));
    // The node goes away and comes back: the pod bound to it counts again,
    // so a second big pod does not fit.
    QVERIFY(cluster.admin().remove(*api::Scheme::builtin().byKind("v1", "Node"), "", "node-1"));
    QVERIFY(cluster.settle());
    addNode(cluster, "node-1", "1");
    QVERIFY(cluster.settle());
    addPod(cluster, "second", "800m");
    QVERIFY(cluster.settle());
    QCOMPARE(nodeOf(cluster, "second"), std::string());
}

QTEST_GUILESS_MAIN(TestScheduler)
#include "tst_scheduler.moc"
