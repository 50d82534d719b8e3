// ClusterLayout: pods keep their slots while others come and go; freed
// slots are reused lowest first; moving groups frees the old slot.

#include "model/clusterlayout.h"

#include <QTest>

using kubist::model::ClusterLayout;

class TestClusterLayout : public QObject
{
    Q_OBJECT

private slots:
    void slotsAreStable_data()
    {
        // A script of "+pod@group" / "-pod" steps, and the slot table of
        // group "n" afterwards ("." for a free slot).
        QTest::addColumn<QStringList>("steps");
        QTest::addColumn<QString>("table");
        QTest::newRow("pods fill slots in arrival order")
            << QStringList{"+a@n", "+b@n", "+c@n"} << "a b c";
        QTest::newRow("a leaving pod leaves a hole, the others stay")
            << QStringList{"+a@n", "+b@n", "+c@n", "-b"} << "a . c";
        QTest::newRow("the next pod takes the lowest hole")
            << QStringList{"+a@n", "+b@n", "+c@n", "-a", "-b", "+d@n"} << "d . c";
        QTest::newRow("trailing holes shrink the extent")
            << QStringList{"+a@n", "+b@n", "+c@n", "-c", "-b"} << "a";
        QTest::newRow("placing again in the same group keeps the slot")
            << QStringList{"+a@n", "+b@n", "+b@n", "+a@n"} << "a b";
        QTest::newRow("moving to another group frees the slot")
            << QStringList{"+a@n", "+b@n", "+a@m"} << ". b";
        QTest::newRow("removing an unknown pod does nothing") << QStringList{"+a@n", "-zz"} << "a";
    }
    void slotsAreStable()
    {
        QFETCH(QStringList, steps);
        QFETCH(QString, table);
        ClusterLayout layout;
        for (const QString &s : steps) {
            if (s.startsWith('+')) {
                const QStringList parts = s.mid(1).split('@');
                layout.place(parts[1].toStdString(), parts[0].toStdString());
            } else {
                layout.remove(s.mid(1).toStdString());
            }
        }
        QStringList got;
        for (const std::string &pod : layout.slotTable("n"))
            got << (pod.empty() ? QStringLiteral(".") : QString::fromStdString(pod));
        QCOMPARE(got.join(' '), table);
        QCOMPARE(layout.extent("n"), int(layout.slotTable("n").size()));
    }

    void slotOfAndGroupOf()
    {
        ClusterLayout layout;
        QCOMPARE(layout.place("worker-1", "p"), 0);
        QCOMPARE(layout.place("", "q"), 0);
        QCOMPARE(layout.slotOf("p"), 0);
        QCOMPARE(layout.groupOf("p"), std::string("worker-1"));
        QCOMPARE(layout.groupOf("q"), std::string());
        QCOMPARE(layout.slotOf("q"), 0);
        QCOMPARE(layout.slotOf("nope"), -1);
        layout.remove("p");
        QCOMPARE(layout.slotOf("p"), -1);
        QCOMPARE(layout.extent("worker-1"), 0);
    }
};

QTEST_GUILESS_MAIN(TestClusterLayout)
#include "tst_clusterlayout.moc"
