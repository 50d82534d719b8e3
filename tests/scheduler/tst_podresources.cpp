#include "backend/scheduler/framework/podresources.h"
#include "schedulertestutil.h"

using namespace kubist::scheduler;

// podRequests() and what Snapshot counts on each node.
class TestPodResources : public QObject
{
    Q_OBJECT

private slots:
    void podRequests_data();
    void podRequests();
    void snapshotCountsBoundLivePods();
};

void TestPodResources::podRequests_data()
{
    QTest::addColumn<QByteArray>("spec");
    QTest::addColumn<bool>("nonZeroDefaults");
    QTest::addColumn<qint64>("milliCpu");
    QTest::addColumn<qint64>("memory");
    QTest::addColumn<qint64>("extended"); // example.com/gpu

    QTest::newRow("containers are summed")
        << QByteArray(
               R"({"containers":[{"name":"a","resources":{"requests":{"cpu":"100m","memory":"1Ki"}}},)"
               R"({"name":"b","resources":{"requests":{"cpu":"1","memory":"1Mi"}}}]})")
        << false << 1100LL << 1049600LL << 0LL;
    QTest::newRow("init containers count by their maximum")
        << QByteArray(R"({"containers":[{"name":"a","resources":{"requests":{"cpu":"1"}}}],)"
                      R"("initContainers":[{"name":"i1","resources":{"requests":{"cpu":"2"}}},)"
                      R"({"name":"i2","resources":{"requests":{"cpu":"3"}}}]})")
        << false << 3000LL << 0LL << 0LL;
    QTest::newRow("sidecars add up and run beside later init containers")
        << QByteArray(
               R"({"containers":[{"name":"a","resources":{"requests":{"cpu":"1"}}}],)"
               R"("initContainers":[{"name":"s","restartPolicy":"Always","resources":{"requests":{"cpu":"1"}}},)"
               R"({"name":"i","resources":{"requests":{"cpu":"2"}}}]})")
        << false << 3000LL << 0LL << 0LL;
    QTest::newRow("overhead is added")
        << QByteArray(R"({"containers":[{"name":"a","resources":{"requests":{"cpu":"1"}}}],)"
                      R"("overhead":{"cpu":"250m","memory":"120Mi"}})")
        << false << 1250LL << 125829120LL << 0LL;
    QTest::newRow("pod-level requests replace the containers' total")
        << QByteArray(
               R"({"containers":[{"name":"a","resources":{"requests":{"cpu":"1","memory":"1Gi"}}}],)"
               R"("resources":{"requests":{"cpu":"500m"}}})")
        << false << 500LL << 1073741824LL << 0LL;
    QTest::newRow("extended resources are counted")
        << QByteArray(
               R"({"containers":[{"name":"a","resources":{"requests":{"example.com/gpu":"2"}}}]})")
        << false << 0LL << 0LL << 2LL;
    QTest::newRow("non-zero defaults fill in missing cpu and memory")
        << QByteArray(
               R"({"containers":[{"name":"a"},{"name":"b","resources":{"requests":{"cpu":"1"}}}]})")
        << true << 1100LL << 2LL * 209715200 << 0LL;
    QTest::newRow("explicit zero is not replaced by a default")
        << QByteArray(
               R"({"containers":[{"name":"a","resources":{"requests":{"cpu":"0","memory":"0"}}}]})")
        << true << 0LL << 0LL << 0LL;
    QTest::newRow("no defaults without the option")
        << QByteArray(R"({"containers":[{"name":"a"}]})") << false << 0LL << 0LL << 0LL;
}

void TestPodResources::podRequests()
{
    QFETCH(QByteArray, spec);
    QFETCH(bool, nonZeroDefaults);
    QFETCH(qint64, milliCpu);
    QFETCH(qint64, memory);
    QFETCH(qint64, extended);

    const auto pod = schedtest::pod("{\"spec\":" + spec + "}");
    const Resource r = kubist::scheduler::podRequests(*pod, {.nonZeroDefaults = nonZeroDefaults});
    QCOMPARE(r.milliCpu, milliCpu);
    QCOMPARE(r.memory, memory);
    QCOMPARE(r.get("example.com/gpu"), extended);
}

void TestPodResources::snapshotCountsBoundLivePods()
{
    const auto bound = schedtest::makePod("bound", "n1", {{"1", "1Gi"}});
    const auto pending = schedtest::makePod("pending", "", {{"1", "1Gi"}});
    const auto elsewhere = schedtest::makePod("elsewhere", "gone", {{"1", "1Gi"}});
    const auto done = schedtest::pod(
        R"({"metadata":{"name":"done","uid":"u-done"},"spec":{"nodeName":"n1","containers":[)"
        R"({"name":"c","resources":{"requests":{"cpu":"4"}}}]},"status":{"phase":"Succeeded"}})");
    // The scheduler assumed "pending" on n2 before the API shows it bound.
    const auto assumed = schedtest::pod(
        R"({"metadata":{"name":"pending","namespace":"default","uid":"uid-pending"},)"
        R"("spec":{"nodeName":"n2","containers":[{"name":"c0","resources":{"requests":{"cpu":"1","memory":"1Gi"}}}]}})");
    const auto node2 = schedtest::node(
        R"({"metadata":{"name":"n2"},"status":{"allocatable":{"cpu":"2","pods":"10"},)"
        R"("images":[{"names":["nginx:1.25"],"sizeBytes":1000}]}})");
    const auto node1 = schedtest::node(
        R"({"metadata":{"name":"n1"},"status":{"allocatable":{"cpu":"2","pods":"10"},)"
        R"("images":[{"names":["nginx:1.25","nginx@sha256:abc"],"sizeBytes":1000}]}})");

    const Snapshot snapshot =
        Snapshot::build({node2, node1, nullptr}, {bound, pending, elsewhere, done}, {assumed});
    QCOMPARE(snapshot.numNodes(), std::size_t(2));
    QCOMPARE(snapshot.nodeInfos()[0].name(), std::string("n1")); // sorted by name
    const NodeInfo *n1 = snapshot.get("n1");
    const NodeInfo *n2 = snapshot.get("n2");
    QVERIFY(n1 && n2 && !snapshot.get("gone"));
    QCOMPARE(n1->pods().size(), std::size_t(1));
    QCOMPARE(n1->requested().milliCpu, 1000);
    QCOMPARE(n2->pods().size(), std::size_t(1));
    QCOMPARE(n2->pods().front().pod, assumed);
    QCOMPARE(n2->allocatable().milliCpu, 2000);
    QCOMPARE(n2->allocatable().allowedPodNumber, 10);
    QCOMPARE(n1->imageStates().at("nginx:1.25").numNodes, 2);
    QCOMPARE(n1->imageStates().at("nginx@sha256:abc").numNodes, 1);
}

QTEST_GUILESS_MAIN(TestPodResources)
#include "tst_podresources.moc"
