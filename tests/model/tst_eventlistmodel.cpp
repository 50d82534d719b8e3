// EventListModel: newest first, bounded, following the ClusterModel,
// under QAbstractItemModelTester.

#include "tests/model/clusterfixtures.h"

#include "model/clustermodel.h"
#include "model/eventlistmodel.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace kubist;
using namespace kubist::testing;
using namespace kubist::testing::fixtures;
using model::EventListModel;

namespace {

core::Event makeEvent(const std::string &name, const std::string &reason, int64_t t, int count = 1)
{
    core::Event e;
    e.mutable_metadata()->set_namespace_("default");
    e.mutable_metadata()->set_name(name);
    e.mutable_involved_object()->set_kind("Pod");
    e.mutable_involved_object()->set_namespace_("default");
    e.mutable_involved_object()->set_name("p");
    e.set_reason(reason);
    e.set_message(reason + " happened");
    e.set_type("Normal");
    e.set_count(count);
    e.mutable_last_timestamp()->set_seconds(t);
    return e;
}

QStringList reasons(const EventListModel &m)
{
    QStringList out;
    for (int r = 0; r < m.rowCount(); ++r)
        out << m.index(r, EventListModel::Reason).data().toString();
    return out;
}

} // namespace

class TestEventListModel : public QObject
{
    Q_OBJECT

private slots:
    void newestFirstAndBounded_data()
    {
        QTest::addColumn<int>("capacity");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("room for all: newest first")
            << 10 << QStringList{"Started", "Pulled", "Scheduled"};
        QTest::newRow("bounded: the oldest fall off") << 2 << QStringList{"Started", "Pulled"};
    }
    void newestFirstAndBounded()
    {
        QFETCH(int, capacity);
        QFETCH(QStringList, expected);
        TestCluster c;
        create(c.admin(), makeEvent("e1", "Scheduled", 100));
        auto cl = c.client("kubist-gui");
        model::ClusterModel m(*cl, c.clock);
        EventListModel events(m, size_t(capacity));
        QAbstractItemModelTester tester(&events,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.start();
        QVERIFY(c.settle());
        QTRY_VERIFY_WITH_TIMEOUT(m.hasSynced(), 10000);
        create(c.admin(), makeEvent("e2", "Started", 300));
        QVERIFY(c.settle());
        create(c.admin(), makeEvent("e3", "Pulled", 200));
        QVERIFY(c.settle());
        QTRY_COMPARE_WITH_TIMEOUT(reasons(events), expected, 5000);
        QCOMPARE(events.index(0, EventListModel::Object).data().toString(), QString("Pod/p"));
        QCOMPARE(events.index(0, 0).data(EventListModel::InvolvedRole).toString(),
                 QString("Pod/default/p"));
    }

    void repeatedEventMovesToTopAndDeletedOneGoes()
    {
        TestCluster c;
        create(c.admin(), makeEvent("e1", "Scheduled", 100));
        create(c.admin(), makeEvent("e2", "Started", 300));
        auto cl = c.client("kubist-gui");
        model::ClusterModel m(*cl, c.clock);
        EventListModel events(m);
        QAbstractItemModelTester tester(&events,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.start();
        QVERIFY(c.settle());
        QTRY_COMPARE_WITH_TIMEOUT(reasons(events), (QStringList{"Started", "Scheduled"}), 10000);

        auto cur = c.get<core::Event>("default", "e1");
        core::Event bumped = *cur;
        bumped.set_count(5);
        bumped.mutable_last_timestamp()->set_seconds(400);
        QVERIFY(c.admin().update(kindOf(core::Event::descriptor()), "default", bumped).isOk());
        QVERIFY(c.settle());
        QTRY_COMPARE_WITH_TIMEOUT(reasons(events), (QStringList{"Scheduled", "Started"}), 5000);
        QCOMPARE(events.index(0, EventListModel::Count).data().toInt(), 5);

        removeObject(c.admin(), core::Event::descriptor(), "default", "e2");
        QVERIFY(c.settle());
        QTRY_COMPARE_WITH_TIMEOUT(reasons(events), QStringList{"Scheduled"}, 5000);
    }
};

QTEST_GUILESS_MAIN(TestEventListModel)
#include "tst_eventlistmodel.moc"
