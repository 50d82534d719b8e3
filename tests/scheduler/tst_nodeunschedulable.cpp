#include "backend/scheduler/plugins/nodeunschedulable/nodeunschedulable.h"
#include "schedulertestutil.h"

using namespace kubist::scheduler;
using Code = PluginStatus::Code;

class TestNodeUnschedulable : public QObject
{
    Q_OBJECT

private slots:
    void filter_data();
    void filter();
};

void TestNodeUnschedulable::filter_data()
{
    QTest::addColumn<QByteArray>("podJson");
    QTest::addColumn<bool>("unschedulable");
    QTest::addColumn<int>("code");
    QTest::addColumn<QStringList>("reasons");

    const int rejected = int(Code::UnschedulableAndUnresolvable);
    const int ok = int(Code::Success);
    const QStringList reason{"node(s) were unschedulable"};
    QTest::newRow("schedulable node admits any pod")
        << QByteArray("{}") << false << ok << QStringList();
    QTest::newRow("cordoned node rejects a pod without tolerations")
        << QByteArray("{}") << true << rejected << reason;
    QTest::newRow("cordoned node admits a pod tolerating the unschedulable taint")
        << QByteArray(R"({"spec":{"tolerations":[{"key":"node.kubernetes.io/unschedulable",)"
                      R"("operator":"Exists","effect":"NoSchedule"}]}})")
        << true << ok << QStringList();
    QTest::newRow("toleration with another effect does not count")
        << QByteArray(R"({"spec":{"tolerations":[{"key":"node.kubernetes.io/unschedulable",)"
                      R"("operator":"Exists","effect":"NoExecute"}]}})")
        << true << rejected << reason;
    QTest::newRow("toleration of every taint (empty key, Exists) counts")
        << QByteArray(R"({"spec":{"tolerations":[{"operator":"Exists"}]}})") << true << ok
        << QStringList();
    QTest::newRow("toleration of another key does not count")
        << QByteArray(R"({"spec":{"tolerations":[{"key":"foo","operator":"Exists"}]}})") << true
        << rejected << reason;
}

void TestNodeUnschedulable::filter()
{
    QFETCH(QByteArray, podJson);
    QFETCH(bool, unschedulable);
    QFETCH(int, code);
    QFETCH(QStringList, reasons);

    const auto pod = schedtest::pod(podJson);
    const auto node = schedtest::makeNode("n1", "1", "1Gi", "110", "",
                                          unschedulable ? R"({"unschedulable":true})" : "{}");
    const NodeInfo info(node);
    CycleState state;
    plugins::NodeUnschedulable plugin;
    const PluginStatus status = plugin.filter(state, *pod, info);
    QCOMPARE(schedtest::codeOf(status), code);
    QCOMPARE(schedtest::toQStringList(status.reasons()), reasons);
}

QTEST_GUILESS_MAIN(TestNodeUnschedulable)
#include "tst_nodeunschedulable.moc"
