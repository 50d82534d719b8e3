#include "backend/scheduler/plugins/prioritysort/prioritysort.h"
#include "schedulertestutil.h"

using namespace kubist::scheduler;

class TestPrioritySort : public QObject
{
    Q_OBJECT

private slots:
    void less_data();
    void less();
};

void TestPrioritySort::less_data()
{
    QTest::addColumn<QString>("priorityA"); // "" = unset
    QTest::addColumn<int>("secondsA");
    QTest::addColumn<QString>("priorityB");
    QTest::addColumn<int>("secondsB");
    QTest::addColumn<bool>("aFirst");

    QTest::newRow("higher priority first") << "100" << 10 << "50" << 0 << true;
    QTest::newRow("lower priority later") << "50" << 0 << "100" << 10 << false;
    QTest::newRow("equal priority: earlier timestamp first") << "5" << 0 << "5" << 1 << true;
    QTest::newRow("equal priority and timestamp: not less") << "5" << 0 << "5" << 0 << false;
    QTest::newRow("unset priority counts as zero") << "" << 0 << "0" << 1 << true;
    QTest::newRow("negative priority after unset") << "-1" << 0 << "" << 1 << false;
}

void TestPrioritySort::less()
{
    QFETCH(QString, priorityA);
    QFETCH(int, secondsA);
    QFETCH(QString, priorityB);
    QFETCH(int, secondsB);
    QFETCH(bool, aFirst);

    auto make = [](const QString &priority, int seconds) {
        QueuedPodInfo info;
        info.pod = schedtest::pod(priority.isEmpty()
                                      ? QByteArray("{}")
                                      : "{\"spec\":{\"priority\":" + priority.toUtf8() + "}}");
        info.timestamp = std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
        return info;
    };
    plugins::PrioritySort plugin;
    QCOMPARE(plugin.less(make(priorityA, secondsA), make(priorityB, secondsB)), aFirst);
}

QTEST_GUILESS_MAIN(TestPrioritySort)
#include "tst_prioritysort.moc"
