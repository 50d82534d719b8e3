#include "backend/scheduler/plugins/tainttoleration/tainttoleration.h"
#include "schedulertestutil.h"

using namespace kubist::scheduler;
using Code = PluginStatus::Code;

// Cases follow upstream's taint_toleration_test.go.
class TestTaintToleration : public QObject
{
    Q_OBJECT

private slots:
    void filter_data();
    void filter();
    void score_data();
    void score();
};

namespace {

QByteArray podWith(const QByteArray &tolerations)
{
    return "{\"spec\":{\"tolerations\":" + tolerations + "}}";
}

std::shared_ptr<const schedtest::core::Node> nodeWith(const std::string &name,
                                                      const std::string &taints)
{
    return schedtest::makeNode(name, "1", "1Gi", "110", "", "{\"taints\":" + taints + "}");
}

} // namespace

void TestTaintToleration::filter_data()
{
    QTest::addColumn<QByteArray>("podJson");
    QTest::addColumn<QString>("taints");
    QTest::addColumn<int>("code");
    QTest::addColumn<QStringList>("reasons");

    const int ok = int(Code::Success);
    const int rejected = int(Code::UnschedulableAndUnresolvable);
    QTest::newRow("pod without tolerations, node with a NoSchedule taint")
        << podWith("[]") << R"([{"key":"dedicated","value":"user1","effect":"NoSchedule"}])"
        << rejected << QStringList{"node(s) had untolerated taint {dedicated: user1}"};
    QTest::newRow("Equal toleration of the dedicated node's taint")
        << podWith(
               R"([{"key":"dedicated","operator":"Equal","value":"user1","effect":"NoSchedule"}])")
        << R"([{"key":"dedicated","value":"user1","effect":"NoSchedule"}])" << ok << QStringList();
    QTest::newRow("Equal toleration with another value")
        << podWith(
               R"([{"key":"dedicated","operator":"Equal","value":"user2","effect":"NoSchedule"}])")
        << R"([{"key":"dedicated","value":"user1","effect":"NoSchedule"}])" << rejected
        << QStringList{"node(s) had untolerated taint {dedicated: user1}"};
    QTest::newRow("Exists toleration ignores the value")
        << podWith(R"([{"key":"foo","operator":"Exists","effect":"NoSchedule"}])")
        << R"([{"key":"foo","value":"bar","effect":"NoSchedule"}])" << ok << QStringList();
    QTest::newRow("every taint tolerated")
        << podWith(
               R"([{"key":"dedicated","operator":"Equal","value":"user2","effect":"NoSchedule"},)"
               R"({"key":"foo","operator":"Exists","effect":"NoSchedule"}])")
        << R"([{"key":"dedicated","value":"user2","effect":"NoSchedule"},)"
           R"({"key":"foo","value":"bar","effect":"NoSchedule"}])"
        << ok << QStringList();
    QTest::newRow("key and value match but the effect does not")
        << podWith(
               R"([{"key":"foo","operator":"Equal","value":"bar","effect":"PreferNoSchedule"}])")
        << R"([{"key":"foo","value":"bar","effect":"NoSchedule"}])" << rejected
        << QStringList{"node(s) had untolerated taint {foo: bar}"};
    QTest::newRow("empty toleration effect matches every effect")
        << podWith(R"([{"key":"foo","operator":"Equal","value":"bar"}])")
        << R"([{"key":"foo","value":"bar","effect":"NoSchedule"}])" << ok << QStringList();
    QTest::newRow("empty operator means Equal")
        << podWith(R"([{"key":"foo","value":"bar","effect":"NoSchedule"}])")
        << R"([{"key":"foo","value":"bar","effect":"NoSchedule"}])" << ok << QStringList();
    QTest::newRow("PreferNoSchedule taints never filter")
        << podWith(
               R"([{"key":"dedicated","operator":"Equal","value":"user2","effect":"NoSchedule"}])")
        << R"([{"key":"dedicated","value":"user1","effect":"PreferNoSchedule"}])" << ok
        << QStringList();
    QTest::newRow("pod without tolerations, PreferNoSchedule taint")
        << podWith("[]") << R"([{"key":"dedicated","value":"user1","effect":"PreferNoSchedule"}])"
        << ok << QStringList();
    QTest::newRow("untolerated NoExecute taint filters")
        << podWith("[]") << R"([{"key":"node.kubernetes.io/not-ready","effect":"NoExecute"}])"
        << rejected
        << QStringList{"node(s) had untolerated taint {node.kubernetes.io/not-ready: }"};
    QTest::newRow("empty key with Exists tolerates every taint")
        << podWith(R"([{"operator":"Exists"}])")
        << R"([{"key":"a","value":"b","effect":"NoSchedule"},{"key":"c","effect":"NoExecute"}])"
        << ok << QStringList();
    QTest::newRow("first untolerated taint in node order is reported")
        << podWith(R"([{"key":"a","operator":"Exists"}])")
        << R"([{"key":"a","value":"1","effect":"NoSchedule"},{"key":"b","value":"2","effect":"NoExecute"},)"
           R"({"key":"c","value":"3","effect":"NoSchedule"}])"
        << rejected << QStringList{"node(s) had untolerated taint {b: 2}"};
}

void TestTaintToleration::filter()
{
    QFETCH(QByteArray, podJson);
    QFETCH(QString, taints);
    QFETCH(int, code);
    QFETCH(QStringList, reasons);

    const auto pod = schedtest::pod(podJson);
    const NodeInfo info(nodeWith("n1", taints.toStdString()));
    CycleState state;
    plugins::TaintToleration plugin;
    const PluginStatus status = plugin.filter(state, *pod, info);
    QCOMPARE(schedtest::codeOf(status), code);
    QCOMPARE(schedtest::toQStringList(status.reasons()), reasons);
}

void TestTaintToleration::score_data()
{
    QTest::addColumn<QByteArray>("podJson");
    QTest::addColumn<QStringList>("nodeTaints"); // one JSON list per node
    QTest::addColumn<QList<qint64>>("raw");
    QTest::addColumn<QList<qint64>>("normalized");

    QTest::newRow("node whose taints are tolerated scores higher")
        << podWith(
               R"([{"key":"foo","operator":"Equal","value":"bar","effect":"PreferNoSchedule"}])")
        << QStringList{R"([{"key":"foo","value":"bar","effect":"PreferNoSchedule"}])",
                       R"([{"key":"foo","value":"blah","effect":"PreferNoSchedule"}])"}
        << QList<qint64>{0, 1} << QList<qint64>{100, 0};
    QTest::newRow("all taints tolerated: equal scores however many taints")
        << podWith(
               R"([{"key":"cpu-type","operator":"Equal","value":"arm64","effect":"PreferNoSchedule"},)"
               R"({"key":"disk-type","operator":"Equal","value":"ssd","effect":"PreferNoSchedule"}])")
        << QStringList{"[]", R"([{"key":"cpu-type","value":"arm64","effect":"PreferNoSchedule"}])",
                       R"([{"key":"cpu-type","value":"arm64","effect":"PreferNoSchedule"},)"
                       R"({"key":"disk-type","value":"ssd","effect":"PreferNoSchedule"}])"}
        << QList<qint64>{0, 0, 0} << QList<qint64>{100, 100, 100};
    QTest::newRow("the more intolerable taints, the lower the score")
        << podWith(
               R"([{"key":"foo","operator":"Equal","value":"bar","effect":"PreferNoSchedule"}])")
        << QStringList{"[]", R"([{"key":"cpu-type","value":"arm64","effect":"PreferNoSchedule"}])",
                       R"([{"key":"cpu-type","value":"arm64","effect":"PreferNoSchedule"},)"
                       R"({"key":"disk-type","value":"ssd","effect":"PreferNoSchedule"}])"}
        << QList<qint64>{0, 1, 2} << QList<qint64>{100, 50, 0};
    QTest::newRow("only PreferNoSchedule taints and tolerations count")
        << podWith(
               R"([{"key":"cpu-type","operator":"Equal","value":"arm64","effect":"NoSchedule"},)"
               R"({"key":"disk-type","operator":"Equal","value":"ssd","effect":"NoSchedule"}])")
        << QStringList{"[]", R"([{"key":"cpu-type","value":"arm64","effect":"NoSchedule"}])",
                       R"([{"key":"cpu-type","value":"arm64","effect":"PreferNoSchedule"},)"
                       R"({"key":"disk-type","value":"ssd","effect":"PreferNoSchedule"}])"}
        << QList<qint64>{0, 0, 2} << QList<qint64>{100, 100, 0};
    QTest::newRow("no tolerations: the untainted node wins")
        << podWith("[]")
        << QStringList{"[]", R"([{"key":"cpu-type","value":"arm64","effect":"PreferNoSchedule"}])"}
        << QList<qint64>{0, 1} << QList<qint64>{100, 0};
}

void TestTaintToleration::score()
{
    QFETCH(QByteArray, podJson);
    QFETCH(QStringList, nodeTaints);
    QFETCH(QList<qint64>, raw);
    QFETCH(QList<qint64>, normalized);

    const auto pod = schedtest::pod(podJson);
    std::vector<NodeInfo> infos;
    for (int i = 0; i < nodeTaints.size(); ++i)
        infos.emplace_back(nodeWith("n" + std::to_string(i), nodeTaints[i].toStdString()));
    std::vector<const NodeInfo *> pointers;
    for (const NodeInfo &info : infos)
        pointers.push_back(&info);

    CycleState state;
    plugins::TaintToleration plugin;
    QVERIFY(plugin.preScore(state, *pod, Snapshot(), pointers).isSuccess());
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

QTEST_GUILESS_MAIN(TestTaintToleration)
#include "tst_tainttoleration.moc"
