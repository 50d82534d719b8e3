// PodTableModel follows the ClusterModel row by row, under
// QAbstractItemModelTester.

#include "tests/model/clusterfixtures.h"

#include "model/clustermodel.h"
#include "model/podtablemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace kubist;
using namespace kubist::testing;
using namespace kubist::testing::fixtures;
using model::PodTableModel;

class TestPodTableModel : public QObject
{
    Q_OBJECT

private:
    static QString cell(const PodTableModel &t, const std::string &key, int column)
    {
        const int row = t.rowOf(key);
        return row < 0 ? QStringLiteral("<none>") : t.index(row, column).data().toString();
    }

private slots:
    void rowsFollowTheCluster()
    {
        TestCluster c;
        createDemoTopology(c);
        auto cl = c.client("kubist-gui");
        model::ClusterModel m(*cl, c.clock);
        PodTableModel table(m);
        QAbstractItemModelTester tester(&table,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.start();
        QVERIFY(c.settle());
        QTRY_VERIFY_WITH_TIMEOUT(m.hasSynced(), 10000);
        QCOMPARE(table.rowCount(), 7); // 4 mirror pods + 3 web pods
        QCOMPARE(table.columnCount(), int(PodTableModel::ColumnCount));
        QCOMPARE(cell(table, "default/web-5d4f8-b", PodTableModel::Node), QString("worker-2"));
        QCOMPARE(cell(table, "default/web-5d4f8-b", PodTableModel::Status), QString("Running"));
        QCOMPARE(cell(table, "default/web-5d4f8-b", PodTableModel::Ready), QString("1/1"));
        QCOMPARE(cell(table, "default/web-5d4f8-b", PodTableModel::Owner),
                 QString("Deployment/web"));
        // Key order: default/ before kube-system/.
        QCOMPARE(table.index(0, PodTableModel::Name).data().toString(), QString("web-5d4f8-a"));

        create(c.admin(), fixtures::pod("default", "aaa", ""));
        setPodStatus(c.admin(), "default", "web-5d4f8-c", "Running", false, 4, "CrashLoopBackOff");
        removeObject(c.admin(), core::Pod::descriptor(), "default", "web-5d4f8-a");
        QVERIFY(c.settle());
        QTRY_COMPARE_WITH_TIMEOUT(table.rowOf("default/web-5d4f8-a"), -1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(cell(table, "default/web-5d4f8-c", PodTableModel::Status),
                                  QString("CrashLoopBackOff"), 5000);
        QCOMPARE(cell(table, "default/web-5d4f8-c", PodTableModel::Restarts), QString("4"));
        QCOMPARE(table.rowOf("default/aaa"), 0);
        QCOMPARE(table.rowCount(), 7);
        QCOMPARE(table.index(0, 0).data(PodTableModel::ObjectKeyRole).toString(),
                 QString("default/aaa"));
    }

    void headersNameTheColumns()
    {
        TestCluster c;
        auto cl = c.client("kubist-gui");
        model::ClusterModel m(*cl, c.clock);
        PodTableModel table(m);
        QAbstractItemModelTester tester(&table,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(table.headerData(PodTableModel::Status, Qt::Horizontal).toString(),
                 QString("Status"));
        QCOMPARE(table.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestPodTableModel)
#include "tst_podtablemodel.moc"
