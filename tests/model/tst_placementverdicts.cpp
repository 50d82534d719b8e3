// The scheduler's verdicts for one pod, node by node (model/placementverdicts).

#include "tests/model/clusterfixtures.h"

#include "model/placementverdicts.h"

#include <QTest>

using namespace kubist;
using namespace kubist::testing::fixtures;
using model::PlacementVerdicts;

namespace {

std::shared_ptr<const core::Node> sizedNode(const std::string &name, const std::string &cpu,
                                            bool tainted)
{
    core::Node n = node(name);
    (*n.mutable_status()->mutable_allocatable())["cpu"].set_value(cpu);
    if (tainted) {
        core::Taint *t = n.mutable_spec()->add_taints();
        t->set_key("dedicated");
        t->set_value("gpu");
        t->set_effect("NoSchedule");
    }
    return std::make_shared<const core::Node>(n);
}

} // namespace

class TestPlacementVerdicts : public QObject
{
    Q_OBJECT

private slots:
    void threeNodes_data()
    {
        QTest::addColumn<QString>("boundTo");
        QTest::newRow("pending pod") << "";
        // Bound to the only fitting node, which has room for it alone: the
        // pod itself must not count against that node.
        QTest::newRow("bound pod judged as if unbound") << "roomy";
    }
    void threeNodes()
    {
        QFETCH(QString, boundTo);
        const std::vector<std::shared_ptr<const core::Node>> nodes = {
            sizedNode("roomy", "600m", false),
            sizedNode("tainted", "4", true),
            sizedNode("tiny", "250m", false),
        };
        core::Pod p = pod("default", "web-1", boundTo.toStdString());
        p.mutable_metadata()->set_uid("uid-web-1");
        const std::vector<std::shared_ptr<const core::Pod>> pods = {
            std::make_shared<const core::Pod>(p)};

        Result<PlacementVerdicts> r = model::computePlacementVerdicts(p, nodes, pods);
        QVERIFY2(r, r.status().message().c_str());
        QCOMPARE(r->feasibleNodes(), std::vector<std::string>{"roomy"});
        QCOMPARE(r->winner, std::string("roomy"));
        QCOMPARE(r->currentNode, boundTo.toStdString());
        QCOMPARE(r->nodes.size(), size_t(3));
        const model::NodeVerdict *roomy = r->find("roomy");
        QVERIFY(roomy && roomy->feasible && roomy->winner);
        QVERIFY(!roomy->scores.empty());
        std::int64_t sum = 0;
        for (const auto &s : roomy->scores)
            sum += s.weighted;
        QCOMPARE(roomy->total, sum);
        const model::NodeVerdict *tainted = r->find("tainted");
        QVERIFY(tainted && !tainted->feasible && !tainted->winner);
        QCOMPARE(tainted->plugin, std::string("TaintToleration"));
        QVERIFY2(tainted->reason.find("taint") != std::string::npos, tainted->reason.c_str());
        const model::NodeVerdict *tiny = r->find("tiny");
        QVERIFY(tiny && !tiny->feasible);
        QCOMPARE(tiny->plugin, std::string("NodeResourcesFit"));
        QVERIFY2(tiny->reason.find("cpu") != std::string::npos, tiny->reason.c_str());
        const std::string text = model::describeVerdicts(*r);
        QVERIFY(text.find("scheduler's pick") != std::string::npos);
    }

    void noNodeFits()
    {
        const std::vector<std::shared_ptr<const core::Node>> nodes = {
            sizedNode("tiny", "250m", false)};
        const core::Pod p = pod("default", "big", "");
        Result<PlacementVerdicts> r = model::computePlacementVerdicts(p, nodes, {});
        QVERIFY2(r, r.status().message().c_str());
        QVERIFY(r->winner.empty());
        QVERIFY(!r->fitError.empty());
        QVERIFY(r->feasibleNodes().empty());
    }

    void recordedDecisionIsShown()
    {
        const std::vector<std::shared_ptr<const core::Node>> nodes = {
            sizedNode("worker-1", "2", false), sizedNode("worker-3", "4", false)};
        core::Pod p = pod("default", "web", "worker-3");
        (*p.mutable_metadata()->mutable_annotations())["kubist.io/scheduling-decision"] =
            R"({"node":"worker-3","score":187,"evaluatedNodes":3,"feasibleNodes":2,)"
            R"("runnerUp":{"node":"worker-1","score":185},"scores":{"NodeResourcesFit":90},)"
            R"("filtered":{"NodeUnschedulable":1}})";
        Result<PlacementVerdicts> r = model::computePlacementVerdicts(p, nodes, {});
        QVERIFY2(r, r.status().message().c_str());
        QCOMPARE(r->recordedDecision,
                 std::string("placed on worker-3 (score 187; 3 nodes evaluated, 2 feasible; "
                             "runner-up worker-1 at 185; turned down: NodeUnschedulable 1)"));
        const std::string text = model::describeVerdicts(*r);
        QVERIFY2(text.starts_with("Scheduler's record: placed on worker-3"), text.c_str());
        // A pod without the annotation, or with an unreadable one, has none.
        p.mutable_metadata()->mutable_annotations()->at("kubist.io/scheduling-decision") = "{";
        QCOMPARE(model::recordedDecision(p), std::string());
    }
};

QTEST_GUILESS_MAIN(TestPlacementVerdicts)
#include "tst_placementverdicts.moc"
