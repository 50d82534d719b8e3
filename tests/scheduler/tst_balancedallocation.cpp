#include "backend/scheduler/plugins/balancedallocation/balancedallocation.h"
#include "schedulertestutil.h"

using namespace kubist::scheduler;

// Cases follow upstream's balanced_allocation_test.go, with upstream's
// current formula: score = (1 - |cpuFraction - memoryFraction| / 2) * 100.
class TestBalancedAllocation : public QObject
{
    Q_OBJECT

private slots:
    void score_data();
    void score();
    void balancedScore_data();
    void balancedScore();
};

void TestBalancedAllocation::score_data()
{
    QTest::addColumn<QString>("podRequest");   // "cpu/memory"; "" = no containers
    QTest::addColumn<QStringList>("nodes");    // "cpu/memory" allocatable per node
    QTest::addColumn<QStringList>("existing"); // "cpu/memory;cpu/memory" per node
    QTest::addColumn<bool>("skipped");
    QTest::addColumn<QList<qint64>>("scores");

    QTest::newRow("best-effort pod is skipped")
        << "" << QStringList{"4000m/10000"} << QStringList{""} << true << QList<qint64>{};
    QTest::newRow("explicit zero requests are best effort too")
        << "0/0" << QStringList{"4000m/10000"} << QStringList{""} << true << QList<qint64>{};
    // 0.75 vs 0.5 -> 87; 0.5 vs 0.5 -> 100.
    QTest::newRow("nothing scheduled, resources requested, differently sized nodes")
        << "3000m/5000" << QStringList{"4000m/10000", "6000m/10000"} << QStringList{"", ""} << false
        << QList<qint64>{87, 100};
    // 0.6 vs 0.25 -> 82; 0.6 vs 0.5 -> 95.
    QTest::newRow("resources requested, pods scheduled with resources")
        << "3000m/5000" << QStringList{"10000m/20000", "10000m/20000"}
        << QStringList{"3000m/0", "3000m/5000"} << false << QList<qint64>{82, 95};
    // 0.6 vs 0.25 -> 82; 0.6 vs 0.2 -> 80.
    QTest::newRow("resources requested, differently sized nodes with pods")
        << "3000m/5000" << QStringList{"10000m/20000", "10000m/50000"}
        << QStringList{"3000m/0", "3000m/5000"} << false << QList<qint64>{82, 80};
    // cpu 9000/4000 capped at 1 vs memory 5000/10000 -> 75.
    QTest::newRow("requested resources exceed node capacity")
        << "3000m/0" << QStringList{"4000m/10000"} << QStringList{"3000m/0;3000m/5000"} << false
        << QList<qint64>{75};
    QTest::newRow("zero node resources leave nothing to balance")
        << "3000m/0" << QStringList{"0/0"} << QStringList{"3000m/5000"} << false
        << QList<qint64>{100};
}

void TestBalancedAllocation::score()
{
    QFETCH(QString, podRequest);
    QFETCH(QStringList, nodes);
    QFETCH(QStringList, existing);
    QFETCH(bool, skipped);
    QFETCH(QList<qint64>, scores);

    std::vector<std::pair<std::string, std::string>> containers;
    if (!podRequest.isEmpty()) {
        const QStringList r = podRequest.split('/');
        containers.push_back({r[0].toStdString(), r[1].toStdString()});
    }
    const auto pod = schedtest::makePod("p", "", containers);
    std::vector<NodeInfo> infos;
    for (int i = 0; i < nodes.size(); ++i) {
        const QStringList alloc = nodes[i].split('/');
        const std::string name = "node" + std::to_string(i);
        infos.emplace_back(
            schedtest::makeNode(name, alloc[0].toStdString(), alloc[1].toStdString()));
        int j = 0;
        for (const QString &used : existing[i].split(';', Qt::SkipEmptyParts)) {
            const QStringList u = used.split('/');
            infos.back().addPod(schedtest::makePod(name + "-e" + std::to_string(j++), name,
                                                   {{u[0].toStdString(), u[1].toStdString()}}));
        }
    }
    std::vector<const NodeInfo *> pointers;
    for (const NodeInfo &info : infos)
        pointers.push_back(&info);
    plugins::BalancedAllocation plugin;
    CycleState state;
    const PluginStatus pre = plugin.preScore(state, *pod, Snapshot(), pointers);
    QCOMPARE(pre.isSkip(), skipped);
    if (skipped)
        return;
    QList<qint64> got;
    for (const NodeInfo &info : infos) {
        std::int64_t value = -1;
        QVERIFY(plugin.score(state, *pod, info, &value).isSuccess());
        got << value;
    }
    QCOMPARE(got, scores);
}

void TestBalancedAllocation::balancedScore_data()
{
    QTest::addColumn<QList<qint64>>("requested");
    QTest::addColumn<QList<qint64>>("allocatable");
    QTest::addColumn<qint64>("score");

    QTest::newRow("perfect balance") << QList<qint64>{5, 50} << QList<qint64>{10, 100} << 100LL;
    QTest::newRow("one resource only has no deviation")
        << QList<qint64>{5, 0} << QList<qint64>{10, 0} << 100LL;
    // fractions 0.1, 0.2, 0.3: population std 0.0816 -> 91.
    QTest::newRow("three resources use the standard deviation")
        << QList<qint64>{1, 2, 3} << QList<qint64>{10, 10, 10} << 91LL;
    QTest::newRow("fully unbalanced") << QList<qint64>{10, 0} << QList<qint64>{10, 10} << 50LL;
}

void TestBalancedAllocation::balancedScore()
{
    QFETCH(QList<qint64>, requested);
    QFETCH(QList<qint64>, allocatable);
    QFETCH(qint64, score);
    const std::vector<std::int64_t> r(requested.begin(), requested.end());
    const std::vector<std::int64_t> a(allocatable.begin(), allocatable.end());
    QCOMPARE(plugins::BalancedAllocation::balancedScore(r, a), score);
}

QTEST_GUILESS_MAIN(TestBalancedAllocation)
#include "tst_balancedallocation.moc"
