#include "backend/scheduler/framework/snapshot.h"
#include "schedulertestutil.h"

#include "core_v1.pb.h"

using namespace kubist;
using namespace kubist::scheduler;

// Snapshot's derived answers: domains() and countPerNode().
class TestSnapshot : public QObject
{
    Q_OBJECT

private slots:
    void domainsNumberLabelValues();
    void countPerNodeCountsChangedNodesOnly();
    void copiesShareAnswersSafely();
};

namespace {

std::shared_ptr<const schedtest::core::Node> zoned(const std::string &name, const std::string &zone)
{
    const std::string labels =
        zone.empty() ? std::string("{}") : "{\"topology.kubernetes.io/zone\":\"" + zone + "\"}";
    return schedtest::makeNode(name, "4", "16Gi", "110", "", "{}", labels);
}

std::int32_t podsOf(const NodeInfo &info)
{
    return static_cast<std::int32_t>(info.pods().size());
}

} // namespace

void TestSnapshot::domainsNumberLabelValues()
{
    Snapshot snapshot = Snapshot::build(
        {zoned("a", "east"), zoned("b", "west"), zoned("c", ""), zoned("d", "east")}, {});
    const auto first = snapshot.domains("topology.kubernetes.io/zone");
    QCOMPARE(first->ofNode, (std::vector<std::int32_t>{0, 1, -1, 0}));
    QCOMPARE(first->names, (std::vector<std::string>{"east", "west"}));
    QCOMPARE(snapshot.domains("topology.kubernetes.io/zone"), first); // unchanged: the same answer

    snapshot.upsertNode(zoned("c", "north")); // gains the label
    snapshot.upsertNode(zoned("a", "west"));  // moves
    snapshot.commit();
    const auto second = snapshot.domains("topology.kubernetes.io/zone");
    QCOMPARE(second->ofNode, (std::vector<std::int32_t>{1, 1, 2, 0}));
    QCOMPARE(second->names, (std::vector<std::string>{"east", "west", "north"}));
    QCOMPARE(first->ofNode, (std::vector<std::int32_t>{0, 1, -1, 0})); // held copies stay

    QVERIFY(snapshot.removeNode("b"));
    snapshot.upsertNode(zoned("0", "south")); // sorts first: every index moves
    snapshot.commit();
    const auto third = snapshot.domains("topology.kubernetes.io/zone");
    QCOMPARE(third->ofNode, (std::vector<std::int32_t>{3, 1, 2, 0}));
    QCOMPARE(snapshot.domains("no-such-label")->ofNode, (std::vector<std::int32_t>(4, -1)));
}

void TestSnapshot::countPerNodeCountsChangedNodesOnly()
{
    Snapshot snapshot = Snapshot::build({zoned("a", "x"), zoned("b", "x"), zoned("c", "x")},
                                        {schedtest::makePod("p1", "a", {{"1", ""}}),
                                         schedtest::makePod("p2", "c", {{"1", ""}}),
                                         schedtest::makePod("p3", "c", {{"1", ""}})});
    int calls = 0;
    const Snapshot::NodeCount count = [&](const NodeInfo &info) {
        ++calls;
        return podsOf(info);
    };
    std::vector<std::int32_t> out;
    snapshot.countPerNode("pods", count, out);
    QCOMPARE(out, (std::vector<std::int32_t>{1, 0, 2}));
    QCOMPARE(calls, 3);
    snapshot.countPerNode("pods", count, out);
    QCOMPARE(calls, 3); // nothing changed

    snapshot.mutableNode("b")->addPod(schedtest::makePod("p4", "b", {{"1", ""}}));
    snapshot.countPerNode("pods", count, out);
    QCOMPARE(out, (std::vector<std::int32_t>{1, 1, 2}));
    QCOMPARE(calls, 4);

    // Another question is counted on its own.
    snapshot.countPerNode(
        "twice", [](const NodeInfo &info) { return 2 * podsOf(info); }, out);
    QCOMPARE(out, (std::vector<std::int32_t>{2, 2, 4}));

    QVERIFY(snapshot.removeNode("a"));
    snapshot.commit();
    snapshot.countPerNode("pods", count, out);
    QCOMPARE(out, (std::vector<std::int32_t>{1, 2}));
}

void TestSnapshot::copiesShareAnswersSafely()
{
    const Snapshot original = Snapshot::build({zoned("a", "x"), zoned("b", "x")},
                                              {schedtest::makePod("p1", "a", {{"1", ""}})});
    Snapshot copy = original;
    copy.mutableNode("a")->addPod(schedtest::makePod("p2", "a", {{"1", ""}}));
    const Snapshot::NodeCount count = podsOf;
    std::vector<std::int32_t> out;
    copy.countPerNode("pods", count, out);
    QCOMPARE(out, (std::vector<std::int32_t>{2, 0}));
    original.countPerNode("pods", count, out);
    QCOMPARE(out, (std::vector<std::int32_t>{1, 0}));
    copy.countPerNode("pods", count, out);
    QCOMPARE(out, (std::vector<std::int32_t>{2, 0}));
}

QTEST_GUILESS_MAIN(TestSnapshot)
#include "tst_snapshot.moc"
