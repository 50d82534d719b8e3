// FaultListModel: rows of the faults ClusterControl lists, their columns
// (age, time left), and updates in place when the same faults come again.

#include "model/faultlistmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <chrono>

using namespace kubist;
using namespace std::chrono_literals;
using model::FaultListModel;
using FaultState = cluster::ClusterControl::FaultState;

namespace {

FaultState fault(const std::string &name, const std::string &kind, const std::string &target,
                 const std::string &action, const std::string &phase, Clock::Time at,
                 std::optional<Clock::Duration> duration = std::nullopt)
{
    FaultState f;
    f.name = name;
    f.spec.targetKind = kind;
    f.spec.name = target;
    f.spec.action = action;
    f.spec.duration = duration;
    if (kind == "Pod")
        f.spec.ns = "default";
    f.phase = phase;
    f.injectedAt = at;
    if (phase == "Healed")
        f.healedAt = at + 5s;
    return f;
}

} // namespace

class TestFaultListModel : public QObject
{
    Q_OBJECT

private slots:
    void showsEachFault_data()
    {
        QTest::addColumn<int>("row");
        QTest::addColumn<QStringList>("cells");
        QTest::addColumn<bool>("active");
        QTest::newRow("power-off until healed")
            << 0
            << QStringList{"Node worker-2", "PowerOff", "Active", "12.0 s", "until healed", "Heal"}
            << true;
        QTest::newRow("crash loop with time left") << 1 << QStringList{"Pod default/web-a",
                                                                       "CrashContainer",
                                                                       "Active",
                                                                       "10.0 s",
                                                                       "50.0 s",
                                                                       "Heal"}
                                                   << true;
        QTest::newRow("healed fault: no heal button")
            << 2 << QStringList{"Component scheduler", "Stop", "Healed", "30.0 s",
                                "healed 25.0 s ago",   ""}
            << false;
    }
    void showsEachFault()
    {
        QFETCH(int, row);
        QFETCH(QStringList, cells);
        QFETCH(bool, active);
        FaultListModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const Clock::Time now{std::chrono::hours(1000)};
        m.setFaults({fault("f-1", "Node", "worker-2", "PowerOff", "Active", now - 12s),
                     fault("f-2", "Pod", "web-a", "CrashContainer", "Active", now - 10s, 60s),
                     fault("f-3", "Component", "scheduler", "Stop", "Healed", now - 30s)},
                    now);
        QCOMPARE(m.rowCount(), 3);
        QCOMPARE(m.activeCount(), 2);
        QStringList got;
        for (int c = 0; c < FaultListModel::ColumnCount; ++c)
            got << m.index(row, c).data().toString();
        QCOMPARE(got, cells);
        QCOMPARE(m.index(row, 0).data(FaultListModel::ActiveRole).toBool(), active);
        QCOMPARE(m.index(row, 0).data(FaultListModel::NameRole).toString(),
                 QString("f-%1").arg(row + 1));
    }

    void sameFaultsUpdateInPlaceOthersReset()
    {
        FaultListModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const Clock::Time now{std::chrono::hours(1000)};
        const auto one = fault("f-1", "Node", "worker-2", "PowerOff", "Active", now);
        QSignalSpy resets(&m, &QAbstractItemModel::modelReset);
        QSignalSpy changes(&m, &QAbstractItemModel::dataChanged);
        m.setFaults({one}, now);
        QCOMPARE(resets.count(), 1);
        m.setFaults({one}, now + 1s); // the age moves on: data only
        QCOMPARE(resets.count(), 1);
        QCOMPARE(changes.count(), 1);
        QCOMPARE(m.index(0, FaultListModel::Age).data().toString(), QString("1.0 s"));
        auto healed = one;
        healed.phase = "Healed";
        healed.healedAt = now + 2s;
        m.setFaults({fault("f-2", "Node", "worker-1", "Partition", "Active", now), healed},
                    now + 2s);
        QCOMPARE(resets.count(), 2);
        QCOMPARE(m.rowCount(), 2);
        m.setFaults({}, now + 3s);
        QCOMPARE(m.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestFaultListModel)
#include "tst_faultlistmodel.moc"
