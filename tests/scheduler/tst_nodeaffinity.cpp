#include "backend/scheduler/plugins/nodeaffinity/nodeaffinity.h"
#include "schedulertestutil.h"

#include <set>

using namespace kubist::scheduler;
using Code = PluginStatus::Code;

// Filter cases follow upstream's node_affinity_test.go.
class TestNodeAffinity : public QObject
{
    Q_OBJECT

private slots:
    void filter_data();
    void filter();
    void preFilter_data();
    void preFilter();
    void score_data();
    void score();
};

namespace {

QByteArray required(const QByteArray &terms)
{
    return "{\"spec\":{\"affinity\":{\"nodeAffinity\":{"
           "\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":" +
           terms + "}}}}}";
}

QByteArray expr(const QByteArray &key, const QByteArray &op, const QByteArray &values)
{
    return "{\"key\":\"" + key + "\",\"operator\":\"" + op + "\",\"values\":" + values + "}";
}

QByteArray term(const QByteArray &expressions, const QByteArray &fields = "[]")
{
    return "{\"matchExpressions\":" + expressions + ",\"matchFields\":" + fields + "}";
}

} // namespace

void TestNodeAffinity::filter_data()
{
    QTest::addColumn<QByteArray>("podJson");
    QTest::addColumn<QString>("nodeLabels");
    QTest::addColumn<bool>("fits");

    QTest::newRow("no nodeSelector, no affinity") << QByteArray("{}") << "{}" << true;
    QTest::newRow("nodeSelector label missing")
        << QByteArray(R"({"spec":{"nodeSelector":{"foo":"bar"}}})") << "{}" << false;
    QTest::newRow("nodeSelector same labels")
        << QByteArray(R"({"spec":{"nodeSelector":{"foo":"bar"}}})") << R"({"foo":"bar"})" << true;
    QTest::newRow("node labels a superset of nodeSelector")
        << QByteArray(R"({"spec":{"nodeSelector":{"foo":"bar"}}})")
        << R"({"foo":"bar","baz":"blah"})" << true;
    QTest::newRow("node labels a subset of nodeSelector")
        << QByteArray(R"({"spec":{"nodeSelector":{"foo":"bar","baz":"blah"}}})")
        << R"({"foo":"bar"})" << false;
    QTest::newRow("In matches")
        << required("[" + term("[" + expr("foo", "In", R"(["value1","bar"])") + "]") + "]")
        << R"({"foo":"bar"})" << true;
    QTest::newRow("In does not match")
        << required("[" + term("[" + expr("foo", "In", R"(["value1","value2"])") + "]") + "]")
        << R"({"foo":"bar"})" << false;
    QTest::newRow("NotIn matches a different value")
        << required("[" + term("[" + expr("mem-type", "NotIn", R"(["DDR","DDR2"])") + "]") + "]")
        << R"({"mem-type":"DDR3"})" << true;
    QTest::newRow("NotIn matches a missing label")
        << required("[" + term("[" + expr("mem-type", "NotIn", R"(["DDR"])") + "]") + "]") << "{}"
        << true;
    QTest::newRow("Exists matches")
        << required("[" + term("[" + expr("GPU", "Exists", "[]") + "]") + "]")
        << R"({"GPU":"NVIDIA-GRID-K1"})" << true;
    QTest::newRow("DoesNotExist fails on a present label")
        << required("[" + term("[" + expr("foo", "DoesNotExist", "[]") + "]") + "]")
        << R"({"foo":"bar"})" << false;
    QTest::newRow("Gt matches a larger integer")
        << required("[" + term("[" + expr("kernel-version", "Gt", R"(["0204"])") + "]") + "]")
        << R"({"kernel-version":"0206"})" << true;
    QTest::newRow("Gt fails on an equal integer")
        << required("[" + term("[" + expr("kernel-version", "Gt", R"(["206"])") + "]") + "]")
        << R"({"kernel-version":"0206"})" << false;
    QTest::newRow("Lt matches a smaller integer")
        << required("[" + term("[" + expr("kernel-version", "Lt", R"(["0206"])") + "]") + "]")
        << R"({"kernel-version":"0204"})" << true;
    QTest::newRow("Lt fails on a non-integer label")
        << required("[" + term("[" + expr("kernel-version", "Lt", R"(["0206"])") + "]") + "]")
        << R"({"kernel-version":"four"})" << false;
    QTest::newRow("Gt with two values is malformed and matches nothing")
        << required("[" + term("[" + expr("v", "Gt", R"(["1","2"])") + "]") + "]") << R"({"v":"5"})"
        << false;
    QTest::newRow("unknown operator matches nothing")
        << required("[" + term("[" + expr("foo", "Like", R"(["bar"])") + "]") + "]")
        << R"({"foo":"bar"})" << false;
    QTest::newRow("empty term matches nothing")
        << required("[" + term("[]") + "]") << R"({"foo":"bar"})" << false;
    QTest::newRow("expressions of a term are ANDed")
        << required("[" +
                    term("[" + expr("GPU", "Exists", "[]") + "," +
                         expr("GPU", "NotIn", R"(["AMD","INTER"])") + "]") +
                    "]")
        << R"({"GPU":"AMD"})" << false;
    QTest::newRow("terms are ORed")
        << required("[" + term("[" + expr("foo", "In", R"(["bar","value2"])") + "]") + "," +
                    term("[" + expr("diffkey", "In", R"(["wrong","value2"])") + "]") + "]")
        << R"({"foo":"bar"})" << true;
    QTest::newRow("nodeSelector and affinity must both match")
        << QByteArray(R"({"spec":{"nodeSelector":{"foo":"bar"},"affinity":{"nodeAffinity":{)"
                      R"("requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[)"
                      R"({"matchExpressions":[{"key":"baz","operator":"Exists"}]}]}}}}})")
        << R"({"foo":"bar"})" << false;
    QTest::newRow("matchFields metadata.name In matches the node")
        << required("[" + term("[]", "[" + expr("metadata.name", "In", R"(["node1"])") + "]") + "]")
        << "{}" << true;
    QTest::newRow("matchFields metadata.name In another node")
        << required("[" + term("[]", "[" + expr("metadata.name", "In", R"(["node2"])") + "]") + "]")
        << "{}" << false;
    QTest::newRow("matchFields metadata.name NotIn another node")
        << required("[" + term("[]", "[" + expr("metadata.name", "NotIn", R"(["node2"])") + "]") +
                    "]")
        << "{}" << true;
    QTest::newRow("matchFields and matchExpressions are ANDed")
        << required("[" +
                    term("[" + expr("foo", "In", R"(["bar"])") + "]",
                         "[" + expr("metadata.name", "In", R"(["node1"])") + "]") +
                    "]")
        << R"({"foo":"baz"})" << false;
}

void TestNodeAffinity::filter()
{
    QFETCH(QByteArray, podJson);
    QFETCH(QString, nodeLabels);
    QFETCH(bool, fits);

    const auto pod = schedtest::pod(podJson);
    const NodeInfo info(
        schedtest::makeNode("node1", "1", "1Gi", "110", "", "{}", nodeLabels.toStdString()));
    CycleState state;
    plugins::NodeAffinity plugin;
    const PluginStatus status = plugin.filter(state, *pod, info);
    if (fits) {
        QVERIFY2(status.isSuccess(), status.message().c_str());
    } else {
        QCOMPARE(status.code(), Code::UnschedulableAndUnresolvable);
        QCOMPARE(schedtest::toQStringList(status.reasons()),
                 QStringList{"node(s) didn't match Pod's node affinity/selector"});
    }
}

void TestNodeAffinity::preFilter_data()
{
    QTest::addColumn<QByteArray>("podJson");
    QTest::addColumn<int>("code");
    QTest::addColumn<bool>("allNodes");
    QTest::addColumn<QStringList>("nodeNames");

    const QByteArray n1 = "[" + expr("metadata.name", "In", R"(["node1"])") + "]";
    const QByteArray n2 = "[" + expr("metadata.name", "In", R"(["node2"])") + "]";
    QTest::newRow("nothing to check skips")
        << QByteArray("{}") << int(Code::Skip) << true << QStringList();
    QTest::newRow("nodeSelector only: every node")
        << QByteArray(R"({"spec":{"nodeSelector":{"a":"b"}}})") << int(Code::Success) << true
        << QStringList();
    QTest::newRow("metadata.name In narrows to that node")
        << required("[" + term("[]", n1) + "]") << int(Code::Success) << false
        << QStringList{"node1"};
    QTest::newRow("names of ORed terms are united")
        << required("[" + term("[]", n1) + "," + term("[]", n2) + "]") << int(Code::Success)
        << false << QStringList{"node1", "node2"};
    QTest::newRow("a term without names lets every node through")
        << required("[" + term("[]", n1) + "," + term("[" + expr("foo", "Exists", "[]") + "]") +
                    "]")
        << int(Code::Success) << true << QStringList();
    QTest::newRow("names of one term are intersected")
        << required("[" +
                    term("[]", "[" + expr("metadata.name", "In", R"(["n1","n2"])") + "," +
                                   expr("metadata.name", "In", R"(["n2","n3"])") + "]") +
                    "]")
        << int(Code::Success) << false << QStringList{"n2"};
    QTest::newRow("conflicting names reject the pod")
        << required("[" +
                    term("[]", "[" + expr("metadata.name", "In", R"(["n1"])") + "," +
                                   expr("metadata.name", "In", R"(["n2"])") + "]") +
                    "]")
        << int(Code::UnschedulableAndUnresolvable) << true << QStringList();
}

void TestNodeAffinity::preFilter()
{
    QFETCH(QByteArray, podJson);
    QFETCH(int, code);
    QFETCH(bool, allNodes);
    QFETCH(QStringList, nodeNames);

    const auto pod = schedtest::pod(podJson);
    CycleState state;
    PreFilterResult result;
    plugins::NodeAffinity plugin;
    const PluginStatus status = plugin.preFilter(state, *pod, Snapshot(), &result);
    QCOMPARE(schedtest::codeOf(status), code);
    if (status.code() == Code::UnschedulableAndUnresolvable)
        QCOMPARE(status.message(), std::string("pod affinity terms conflict"));
    QCOMPARE(result.allNodes(), allNodes);
    if (!allNodes) {
        QStringList got;
        for (const std::string &name : *result.nodeNames)
            got << QString::fromStdString(name);
        QCOMPARE(got, nodeNames);
    }
}

void TestNodeAffinity::score_data()
{
    QTest::addColumn<QByteArray>("podJson");
    QTest::addColumn<QStringList>("nodeLabels");
    QTest::addColumn<bool>("skipped");
    QTest::addColumn<QList<qint64>>("raw");
    QTest::addColumn<QList<qint64>>("normalized");

    const QByteArray preferred =
        R"({"spec":{"affinity":{"nodeAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[)"
        R"({"weight":2,"preference":{"matchExpressions":[{"key":"foo","operator":"In","values":["bar"]}]}},)"
        R"({"weight":4,"preference":{"matchExpressions":[{"key":"key","operator":"In","values":["value"]}]}},)"
        R"({"weight":5,"preference":{"matchExpressions":[{"key":"az","operator":"In","values":["az1"]}]}},)"
        R"({"weight":0,"preference":{"matchExpressions":[{"key":"foo","operator":"Exists"}]}},)"
        R"({"weight":7,"preference":{}}]}}}})";
    QTest::newRow("no preferred terms: PreScore skips")
        << QByteArray("{}") << QStringList{"{}", "{}"} << true << QList<qint64>{}
        << QList<qint64>{};
    QTest::newRow("no node matches: all zero")
        << preferred << QStringList{"{}", R"({"foo":"baz"})"} << false << QList<qint64>{0, 0}
        << QList<qint64>{0, 0};
    QTest::newRow("weights of matching terms add up, highest scaled to 100")
        << preferred
        << QStringList{R"({"foo":"bar"})", R"({"key":"value"})",
                       R"({"foo":"bar","key":"value","az":"az1"})"}
        << false << QList<qint64>{2, 4, 11} << QList<qint64>{18, 36, 100};
}

void TestNodeAffinity::score()
{
    QFETCH(QByteArray, podJson);
    QFETCH(QStringList, nodeLabels);
    QFETCH(bool, skipped);
    QFETCH(QList<qint64>, raw);
    QFETCH(QList<qint64>, normalized);

    const auto pod = schedtest::pod(podJson);
    std::vector<NodeInfo> infos;
    for (int i = 0; i < nodeLabels.size(); ++i) {
        infos.emplace_back(schedtest::makeNode("n" + std::to_string(i), "1", "1Gi", "110", "", "{}",
                                               nodeLabels[i].toStdString()));
    }
    std::vector<const NodeInfo *> pointers;
    for (const NodeInfo &info : infos)
        pointers.push_back(&info);
    CycleState state;
    plugins::NodeAffinity plugin;
    const PluginStatus pre = plugin.preScore(state, *pod, Snapshot(), pointers);
    QCOMPARE(pre.isSkip(), skipped);
    if (skipped)
        return;
    std::vector<NodeScore> scores;
    QList<qint64> gotRaw;
    for (const NodeInfo &info : infos) {
        std::int64_t value = -1;
        QVERIFY(plugin.score(state, *pod, info, &value).isSuccess());
        scores.push_back({info.name(), value});
        gotRaw << value;
    }
    QCOMPARE(gotRaw, raw);
    QVERIFY(plugin.normalizeScore(state, *pod, scores).isSuccess());
    QList<qint64> gotNormalized;
    for (const NodeScore &s : scores)
        gotNormalized << s.score;
    QCOMPARE(gotNormalized, normalized);
}

QTEST_GUILESS_MAIN(TestNodeAffinity)
#include "tst_nodeaffinity.moc"
