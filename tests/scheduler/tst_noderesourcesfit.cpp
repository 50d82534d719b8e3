#include "backend/scheduler/plugins/noderesourcesfit/noderesourcesfit.h"
#include "schedulertestutil.h"

using namespace kubist::scheduler;
using Code = PluginStatus::Code;

// Filter cases follow upstream's fit_test.go (TestEnoughRequests): the node
// has 10m cpu, 20 bytes memory, 32 pods, 5 example.com/aaa, 20 bytes
// ephemeral storage. Score cases follow least_allocated_test.go.
class TestNodeResourcesFit : public QObject
{
    Q_OBJECT

private slots:
    void filter_data();
    void filter();
    void leastAllocatedScore_data();
    void leastAllocatedScore();
};

namespace {

QByteArray c(const QByteArray &requests, const QByteArray &extra = "")
{
    return "{\"name\":\"c\",\"resources\":{\"requests\":{" + requests + "}}" + extra + "}";
}

QByteArray cm(const QByteArray &cpu, const QByteArray &memory)
{
    return c("\"cpu\":\"" + cpu + "\",\"memory\":\"" + memory + "\"");
}

QByteArray podJson(const QByteArray &containers, const QByteArray &inits = "[]",
                   const QByteArray &overhead = "{}")
{
    return "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":" + containers +
           ",\"initContainers\":" + inits + ",\"overhead\":" + overhead + "}}";
}

} // namespace

void TestNodeResourcesFit::filter_data()
{
    QTest::addColumn<QByteArray>("pod");
    QTest::addColumn<QString>("usedCpu"); // one existing pod requesting this ("" = none)
    QTest::addColumn<QString>("usedMemory");
    QTest::addColumn<int>("existingPods");
    QTest::addColumn<QStringList>("reasons");

    const QStringList fits;
    QTest::newRow("no resources requested always fits") << podJson("[]") << "10m"
                                                        << "20" << 1 << fits;
    QTest::newRow("too many resources fails")
        << podJson("[" + cm("1m", "1") + "]") << "10m"
        << "20" << 1 << QStringList{"Insufficient cpu", "Insufficient memory"};
    QTest::newRow("too many resources fails due to init container cpu")
        << podJson("[" + cm("1m", "1") + "]", "[" + cm("3m", "1") + "]") << "8m"
        << "19" << 1 << QStringList{"Insufficient cpu"};
    QTest::newRow("too many resources fails due to highest init container cpu")
        << podJson("[" + cm("1m", "1") + "]", "[" + cm("3m", "1") + "," + cm("2m", "1") + "]")
        << "8m"
        << "19" << 1 << QStringList{"Insufficient cpu"};
    QTest::newRow("too many resources fails due to init container memory")
        << podJson("[" + cm("1m", "1") + "]", "[" + cm("1m", "3") + "]") << "9m"
        << "19" << 1 << QStringList{"Insufficient memory"};
    QTest::newRow("init container fits because it's the max, not sum")
        << podJson("[" + cm("1m", "1") + "]", "[" + cm("1m", "1") + "," + cm("1m", "1") + "]")
        << "9m"
        << "19" << 1 << fits;
    QTest::newRow("sidecar init container adds to the containers")
        << podJson("[" + cm("1m", "1") + "]",
                   "[" + c("\"cpu\":\"1m\"", ",\"restartPolicy\":\"Always\"") + "]")
        << "9m"
        << "1" << 1 << QStringList{"Insufficient cpu"};
    QTest::newRow("both resources fit") << podJson("[" + cm("1m", "1") + "]") << "5m"
                                        << "5" << 1 << fits;
    QTest::newRow("one resource memory fits") << podJson("[" + cm("2m", "1") + "]") << "9m"
                                              << "5" << 1 << QStringList{"Insufficient cpu"};
    QTest::newRow("one resource cpu fits") << podJson("[" + cm("1m", "2") + "]") << "5m"
                                           << "19" << 1 << QStringList{"Insufficient memory"};
    QTest::newRow("equal edge case") << podJson("[" + cm("5m", "1") + "]") << "5m"
                                     << "19" << 1 << fits;
    QTest::newRow("requests + pod overhead fits")
        << podJson("[" + cm("1m", "1") + "]", "[]", R"({"cpu":"3m","memory":"13"})") << "5m"
        << "5" << 1 << fits;
    QTest::newRow("requests + pod overhead does not fit for memory")
        << podJson("[" + cm("1m", "1") + "]", "[]", R"({"cpu":"1m","memory":"15"})") << "5m"
        << "5" << 1 << QStringList{"Insufficient memory"};
    QTest::newRow("extended resource fits")
        << podJson("[" + c(R"("example.com/aaa":"1")") + "]") << ""
        << "" << 0 << fits;
    QTest::newRow("extended resource capacity enforced")
        << podJson("[" + c(R"("example.com/aaa":"10")") + "]") << ""
        << "" << 0 << QStringList{"Insufficient example.com/aaa"};
    QTest::newRow("extended resource the node lacks")
        << podJson("[" + c(R"("example.com/bbb":"1")") + "]") << ""
        << "" << 0 << QStringList{"Insufficient example.com/bbb"};
    QTest::newRow("ephemeral storage enforced")
        << podJson("[" + c(R"("ephemeral-storage":"25")") + "]") << ""
        << "" << 0 << QStringList{"Insufficient ephemeral-storage"};
    QTest::newRow("too many pods") << podJson("[" + cm("1m", "1") + "]") << ""
                                   << "" << 32 << QStringList{"Too many pods"};
    QTest::newRow("too many pods and too much cpu")
        << podJson("[" + cm("20m", "1") + "]") << ""
        << "" << 32 << QStringList{"Too many pods", "Insufficient cpu"};
}

void TestNodeResourcesFit::filter()
{
    QFETCH(QByteArray, pod);
    QFETCH(QString, usedCpu);
    QFETCH(QString, usedMemory);
    QFETCH(int, existingPods);
    QFETCH(QStringList, reasons);

    NodeInfo info(schedtest::makeNode("node1", "10m", "20", "32",
                                      R"("example.com/aaa":"5","ephemeral-storage":"20")"));
    for (int i = 0; i < existingPods; ++i) {
        std::vector<std::pair<std::string, std::string>> containers;
        if (i == 0 && (!usedCpu.isEmpty() || !usedMemory.isEmpty()))
            containers.push_back({usedCpu.toStdString(), usedMemory.toStdString()});
        info.addPod(schedtest::makePod("existing" + std::to_string(i), "node1", containers));
    }
    const auto p = schedtest::pod(pod);
    plugins::NodeResourcesFit plugin;
    CycleState state;
    PreFilterResult result;
    QVERIFY(plugin.preFilter(state, *p, Snapshot(), &result).isSuccess());
    const PluginStatus status = plugin.filter(state, *p, info);
    QCOMPARE(schedtest::toQStringList(status.reasons()), reasons);
    QCOMPARE(status.code(), reasons.isEmpty() ? Code::Success : Code::Unschedulable);
}

void TestNodeResourcesFit::leastAllocatedScore_data()
{
    QTest::addColumn<QByteArray>("pod");
    QTest::addColumn<QStringList>("nodes");    // "cpu/memory" allocatable per node
    QTest::addColumn<QStringList>("existing"); // "cpu/memory" of one pod per node, or ""
    QTest::addColumn<QList<qint64>>("scores");

    const QByteArray cpuAndMemory =
        podJson("[" + cm("1000m", "2000") + "," + cm("2000m", "3000") + "]");
    // (4000-3000)*100/4000 = 25, (10000-5000)*100/10000 = 50 -> 37;
    // 50 and 50 -> 50.
    QTest::newRow("nothing scheduled, resources requested, differently sized nodes")
        << cpuAndMemory << QStringList{"4000m/10000", "6000m/10000"} << QStringList{"", ""}
        << QList<qint64>{37, 50};
    QTest::newRow("nothing scheduled, nothing requested")
        << podJson("[]") << QStringList{"4000m/10000", "4000m/10000"} << QStringList{"", ""}
        << QList<qint64>{100, 100};
    // cpu 6000/10000 -> 40, memory 5000/20000 -> 75: 57; cpu 40, memory
    // 10000/20000 -> 50: 45.
    QTest::newRow("resources requested, pods scheduled with resources")
        << cpuAndMemory << QStringList{"10000m/20000", "10000m/20000"}
        << QStringList{"3000m/0", "3000m/5000"} << QList<qint64>{57, 45};
    // cpu 6000 > 4000 -> 0, memory 5000/10000 -> 50: 25.
    QTest::newRow("requested resources exceed node capacity")
        << cpuAndMemory << QStringList{"4000m/10000"} << QStringList{"3000m/0"}
        << QList<qint64>{25};
    QTest::newRow("zero node resources")
        << cpuAndMemory << QStringList{"0/0"} << QStringList{""} << QList<qint64>{0};
    // A container without requests counts as 100m / 200Mi:
    // (4000-100)*100/4000 = 97, (1Gi-200Mi)*100/1Gi = 80 -> 88.
    QTest::newRow("best-effort container scores with the non-zero defaults")
        << podJson("[" + c("") + "]") << QStringList{"4000m/1Gi"} << QStringList{""}
        << QList<qint64>{88};
}

void TestNodeResourcesFit::leastAllocatedScore()
{
    QFETCH(QByteArray, pod);
    QFETCH(QStringList, nodes);
    QFETCH(QStringList, existing);
    QFETCH(QList<qint64>, scores);

    const auto p = schedtest::pod(pod);
    std::vector<NodeInfo> infos;
    for (int i = 0; i < nodes.size(); ++i) {
        const QStringList alloc = nodes[i].split('/');
        const std::string name = "node" + std::to_string(i);
        infos.emplace_back(
            schedtest::makeNode(name, alloc[0].toStdString(), alloc[1].toStdString()));
        if (!existing[i].isEmpty()) {
            const QStringList used = existing[i].split('/');
            infos.back().addPod(schedtest::makePod(
                "e" + std::to_string(i), name, {{used[0].toStdString(), used[1].toStdString()}}));
        }
    }
    std::vector<const NodeInfo *> pointers;
    for (const NodeInfo &info : infos)
        pointers.push_back(&info);
    plugins::NodeResourcesFit plugin;
    CycleState state;
    QVERIFY(plugin.preScore(state, *p, Snapshot(), pointers).isSuccess());
    QList<qint64> got;
    for (const NodeInfo &info : infos) {
        std::int64_t value = -1;
        QVERIFY(plugin.score(state, *p, info, &value).isSuccess());
        got << value;
    }
    QCOMPARE(got, scores);
}

QTEST_GUILESS_MAIN(TestNodeResourcesFit)
#include "tst_noderesourcesfit.moc"
