#include "backend/scheduler/framework/snapshot.h"
#include "schedulertestutil.h"

#include "core_v1.pb.h"

#include <map>
#include <optional>
#include <random>

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
    void changedSinceVisitsChangedNodes();
    void groupedCountsMatchAFreshCount();
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

const std::string kZone = "topology.kubernetes.io/zone";

std::shared_ptr<const schedtest::core::Pod> appPod(const std::string &name, const std::string &node,
                                                   const std::string &app)
{
    return schedtest::pod(QByteArray::fromStdString(
        "{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\",\"uid\":\"uid-" + name +
        "\",\"labels\":{\"app\":\"" + app + "\"}},\"spec\":{\"nodeName\":\"" + node +
        "\",\"containers\":[{\"name\":\"c\"}]}}"));
}

std::int32_t webPodsOf(const NodeInfo &info)
{
    std::int32_t n = 0;
    for (const PodInfo &p : info.pods()) {
        const auto &labels = p.pod->metadata().labels();
        const auto it = labels.find("app");
        n += it != labels.end() && it->second == "web" ? 1 : 0;
    }
    return n;
}

// countPerNode's answer with the domains by name ("<none>": nodes without
// the label); domains summing to 0 are left out (a snapshot remembers
// values no node has any more).
std::map<std::string, std::int64_t> byDomain(const Snapshot::Counts &counts)
{
    std::map<std::string, std::int64_t> out;
    for (std::size_t k = 0; k < counts.perDomain.size(); ++k) {
        if (counts.perDomain[k] != 0)
            out[counts.domains->names[k]] += counts.perDomain[k];
    }
    if (counts.withoutLabel != 0)
        out["<none>"] = counts.withoutLabel;
    return out;
}

// The same for the number of nodes per domain.
std::map<std::string, std::int64_t> nodesByDomain(const Snapshot::Counts &counts)
{
    std::map<std::string, std::int64_t> out;
    for (std::size_t k = 0; k < counts.nodesPerDomain.size(); ++k) {
        if (counts.nodesPerDomain[k] != 0)
            out[counts.domains->names[k]] += counts.nodesPerDomain[k];
    }
    if (counts.nodesWithoutLabel != 0)
        out["<none>"] = counts.nodesWithoutLabel;
    return out;
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
    out = snapshot.countPerNode("pods", count)->perNode;
    QCOMPARE(out, (std::vector<std::int32_t>{1, 0, 2}));
    QCOMPARE(calls, 3);
    out = snapshot.countPerNode("pods", count)->perNode;
    QCOMPARE(calls, 3); // nothing changed

    snapshot.mutableNode("b")->addPod(schedtest::makePod("p4", "b", {{"1", ""}}));
    out = snapshot.countPerNode("pods", count)->perNode;
    QCOMPARE(out, (std::vector<std::int32_t>{1, 1, 2}));
    QCOMPARE(calls, 4);

    // Another question is counted on its own.
    out = snapshot.countPerNode("twice", [](const NodeInfo &info) { return 2 * podsOf(info); })
              ->perNode;
    QCOMPARE(out, (std::vector<std::int32_t>{2, 2, 4}));

    QVERIFY(snapshot.removeNode("a"));
    snapshot.commit();
    out = snapshot.countPerNode("pods", count)->perNode;
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
    out = copy.countPerNode("pods", count)->perNode;
    QCOMPARE(out, (std::vector<std::int32_t>{2, 0}));
    out = original.countPerNode("pods", count)->perNode;
    QCOMPARE(out, (std::vector<std::int32_t>{1, 0}));
    out = copy.countPerNode("pods", count)->perNode;
    QCOMPARE(out, (std::vector<std::int32_t>{2, 0}));
}

void TestSnapshot::changedSinceVisitsChangedNodes()
{
    Snapshot snapshot = Snapshot::build({zoned("a", "x"), zoned("b", "x"), zoned("c", "x")}, {});
    const std::uint64_t start = snapshot.version();
    std::vector<std::size_t> visited;
    const auto visit = [&visited](std::size_t i) { visited.push_back(i); };
    QVERIFY(snapshot.changedSince(start, visit));
    QVERIFY(visited.empty()); // nothing changed

    snapshot.mutableNode("c")->addPod(schedtest::makePod("p1", "c", {{"1", ""}}));
    QVERIFY(snapshot.version() != start);
    QVERIFY(snapshot.changedSince(start, visit));
    QCOMPARE(visited, (std::vector<std::size_t>{2}));

    // A copy shares the log up to its own changes.
    Snapshot copy = snapshot;
    const std::uint64_t copied = copy.version();
    copy.mutableNode("a")->addPod(schedtest::makePod("p2", "a", {{"1", ""}}));
    snapshot.mutableNode("b")->addPod(schedtest::makePod("p3", "b", {{"1", ""}}));
    visited.clear();
    QVERIFY(copy.changedSince(start, visit));
    QCOMPARE(visited, (std::vector<std::size_t>{2, 0}));
    visited.clear();
    QVERIFY(snapshot.changedSince(copied, visit));
    QCOMPARE(visited, (std::vector<std::size_t>{1}));
    // The other one's state is not in this one's history.
    QVERIFY(!snapshot.changedSince(copy.version(), visit));
    QVERIFY(!Snapshot::build({zoned("a", "x")}, {}).changedSince(start, visit));

    // Indexes that may move end the log.
    snapshot.upsertNode(zoned("0", "x"));
    snapshot.commit();
    QVERIFY(!snapshot.changedSince(copied, visit));
    const std::uint64_t sorted = snapshot.version();
    QVERIFY(snapshot.removeNode("0"));
    snapshot.commit();
    QVERIFY(!snapshot.changedSince(sorted, visit));
    // A new node object is a change of that node.
    const std::uint64_t removed = snapshot.version();
    visited.clear();
    snapshot.upsertNode(zoned("b", "y"));
    snapshot.commit();
    QVERIFY(snapshot.changedSince(removed, visit));
    QCOMPARE(visited, (std::vector<std::size_t>{1}));
}

// Counts kept up to date through the change log (per node and per zone)
// agree with a snapshot built afresh from the same objects, through pods
// added and removed, nodes relabelled, added and removed, and copies that
// go their own way.
void TestSnapshot::groupedCountsMatchAFreshCount()
{
    struct Model
    {
        std::map<std::string, std::string> zoneOf; // node -> zone ("" none)
        std::map<std::string, std::shared_ptr<const schedtest::core::Pod>> pods;
    };
    const std::vector<std::string> zones = {"east", "west", "north", ""};
    const std::vector<std::string> apps = {"web", "db"};
    std::mt19937 random(7);
    auto pick = [&random](std::size_t n) { return std::size_t(random() % n); };

    Model model;
    std::vector<Snapshot::NodePtr> nodes;
    for (int i = 0; i < 12; ++i) {
        const std::string name = "n" + std::to_string(10 + i);
        model.zoneOf[name] = zones[std::size_t(i) % zones.size()];
        nodes.push_back(zoned(name, model.zoneOf[name]));
    }
    Snapshot live = Snapshot::build(nodes, {});
    int podNumber = 0;
    int nodeNumber = 100;

    auto check = [&](const Snapshot &snapshot, const Model &m, int step) {
        std::vector<Snapshot::NodePtr> freshNodes;
        for (const auto &[name, zone] : m.zoneOf)
            freshNodes.push_back(zoned(name, zone));
        std::vector<Snapshot::PodPtr> freshPods;
        for (const auto &[name, pod] : m.pods)
            freshPods.push_back(pod);
        const Snapshot fresh = Snapshot::build(freshNodes, freshPods);
        const auto got = snapshot.countPerNode("web pods", webPodsOf, kZone);
        const auto want = fresh.countPerNode("web pods", webPodsOf, kZone);
        const QByteArray where = "step " + QByteArray::number(step);
        QVERIFY2(got->perNode == want->perNode, where);
        QVERIFY2(byDomain(*got) == byDomain(*want), where);
        QVERIFY2(got->withoutLabel == want->withoutLabel, where);
        QVERIFY2(nodesByDomain(*got) == nodesByDomain(*want), where);
        QVERIFY2(got->total == want->total, where);
        const auto ungrouped = snapshot.countPerNode("web pods", webPodsOf);
        QVERIFY2(ungrouped->perNode == want->perNode, where);
        QVERIFY2(!ungrouped->domains, where);
        QVERIFY2(ungrouped->total == want->total, where);
        const auto gotZones = snapshot.domains(kZone);
        const auto wantZones = fresh.domains(kZone);
        for (std::size_t i = 0; i < snapshot.numNodes(); ++i) {
            const std::int32_t g = gotZones->ofNode[i];
            const std::int32_t w = wantZones->ofNode[i];
            QVERIFY2((g < 0) == (w < 0), where);
            if (g >= 0)
                QVERIFY2(gotZones->names[std::size_t(g)] == wantZones->names[std::size_t(w)],
                         where);
        }
    };

    std::optional<Snapshot> other; // a copy going its own way
    Model otherModel;
    for (int step = 0; step < 300; ++step) {
        const std::size_t op = pick(10);
        auto nodeNames = [&model] {
            std::vector<std::string> names;
            for (const auto &[name, zone] : model.zoneOf)
                names.push_back(name);
            return names;
        }();
        if (op < 4) { // a pod joins a node
            const std::string node = nodeNames[pick(nodeNames.size())];
            auto pod = appPod("p" + std::to_string(podNumber++), node, apps[pick(apps.size())]);
            model.pods[pod->metadata().name()] = pod;
            live.mutableNode(node)->addPod(pod);
        } else if (op < 6 && !model.pods.empty()) { // a pod leaves
            auto it = model.pods.begin();
            std::advance(it, std::ptrdiff_t(pick(model.pods.size())));
            QVERIFY(live.mutableNode(it->second->spec().node_name())->removePod(*it->second));
            model.pods.erase(it);
        } else if (op == 6) { // a node moves to another zone (or loses its label)
            const std::string node = nodeNames[pick(nodeNames.size())];
            model.zoneOf[node] = zones[pick(zones.size())];
            live.upsertNode(zoned(node, model.zoneOf[node]));
            live.commit();
        } else if (op == 7) { // a node joins
            const std::string node = "n" + std::to_string(nodeNumber++);
            model.zoneOf[node] = zones[pick(zones.size())];
            live.upsertNode(zoned(node, model.zoneOf[node]));
            live.commit();
        } else if (op == 8 && nodeNames.size() > 2) { // a node leaves, with its pods
            const std::string node = nodeNames[pick(nodeNames.size())];
            QVERIFY(live.removeNode(node));
            live.commit();
            model.zoneOf.erase(node);
            std::erase_if(model.pods,
                          [&node](const auto &p) { return p.second->spec().node_name() == node; });
        } else if (op == 9) { // a copy splits off, or the old copy changes
            if (!other || pick(2) == 0) {
                other = live;
                otherModel = model;
            } else if (!otherModel.zoneOf.empty()) {
                const std::string node = otherModel.zoneOf.begin()->first;
                auto pod = appPod("p" + std::to_string(podNumber++), node, "web");
                otherModel.pods[pod->metadata().name()] = pod;
                other->mutableNode(node)->addPod(pod);
            }
        }
        check(live, model, step);
        if (other && step % 5 == 0)
            check(*other, otherModel, step);
        if (QTest::currentTestFailed())
            return;
    }
}

QTEST_GUILESS_MAIN(TestSnapshot)
#include "tst_snapshot.moc"
