#include "backend/scheduler/plugins/nodename/nodename.h"
#include "schedulertestutil.h"

using namespace kubist::scheduler;
using Code = PluginStatus::Code;

class TestNodeName : public QObject
{
    Q_OBJECT

private slots:
    void filter_data();
    void filter();
};

void TestNodeName::filter_data()
{
    QTest::addColumn<QString>("podNodeName");
    QTest::addColumn<int>("code");
    QTest::addColumn<QStringList>("reasons");

    QTest::newRow("pod naming no node fits any node")
        << QString() << int(Code::Success) << QStringList();
    QTest::newRow("pod naming this node fits") << "foo" << int(Code::Success) << QStringList();
    QTest::newRow("pod naming another node does not fit")
        << "bar" << int(Code::UnschedulableAndUnresolvable)
        << QStringList{"node(s) didn't match the requested node name"};
}

void TestNodeName::filter()
{
    QFETCH(QString, podNodeName);
    QFETCH(int, code);
    QFETCH(QStringList, reasons);

    const auto pod = schedtest::makePod("p", podNodeName.toStdString(), {});
    const NodeInfo info(schedtest::makeNode("foo", "1", "1Gi"));
    CycleState state;
    plugins::NodeName plugin;
    const PluginStatus status = plugin.filter(state, *pod, info);
    QCOMPARE(schedtest::codeOf(status), code);
    QCOMPARE(schedtest::toQStringList(status.reasons()), reasons);
}

QTEST_GUILESS_MAIN(TestNodeName)
#include "tst_nodename.moc"
