// IdleTracker: parts report work, FakeClock timers that are due count as
// work, and waitUntilIdle() fires them on the waiting thread.

#include "backend/util/clock.h"
#include "backend/util/idletracker.h"

#include <QTest>

#include <atomic>
#include <thread>

using namespace kubist;
using namespace std::chrono_literals;

class TestIdleTracker : public QObject
{
    Q_OBJECT

private slots:
    void idleWhenNoPartHasWork_data()
    {
        QTest::addColumn<int>("added");
        QTest::addColumn<int>("finished");
        QTest::addColumn<bool>("idle");
        QTest::newRow("nothing reported") << 0 << 0 << true;
        QTest::newRow("work outstanding") << 2 << 1 << false;
        QTest::newRow("all work finished") << 3 << 3 << true;
    }

    void idleWhenNoPartHasWork()
    {
        QFETCH(int, added);
        QFETCH(int, finished);
        QFETCH(bool, idle);
        IdleTracker tracker;
        auto part = tracker.registerPart("queue");
        if (added)
            part->addWork(added);
        if (finished)
            part->finishWork(finished);
        QCOMPARE(tracker.isIdle(), idle);
        QCOMPARE(tracker.busyParts().empty(), idle);
        if (!idle)
            QCOMPARE(tracker.busyParts().front(), std::string("queue"));
    }

    void unregisteringDropsWork()
    {
        IdleTracker tracker;
        auto part = tracker.registerPart("gone");
        part->addWork();
        QVERIFY(!tracker.isIdle());
        part.reset();
        QVERIFY(tracker.isIdle());
    }

    void waitUntilIdleWaitsForOtherThreads()
    {
        FakeClock clock;
        auto part = clock.idleTracker()->registerPart("worker");
        part->addWork();
        std::thread worker([&] {
            std::this_thread::sleep_for(20ms);
            part->finishWork();
        });
        QVERIFY(clock.waitUntilIdle(5s));
        worker.join();
    }

    void waitUntilIdleTimesOut()
    {
        FakeClock clock;
        auto part = clock.idleTracker()->registerPart("stuck");
        part->addWork();
        QVERIFY(!clock.waitUntilIdle(20ms));
        part->finishWork();
    }

    void dueTimerIsWorkAndIsFired()
    {
        FakeClock clock;
        auto part = clock.idleTracker()->registerPart("worker");
        std::atomic<int> fired{0};
        std::thread worker;
        // A timer due now is work: waitUntilIdle fires it, and the work its
        // callback hands to another thread is waited for too.
        auto timer = clock.schedule(0s, [&] {
            ++fired;
            part->addWork();
            worker = std::thread([&] {
                std::this_thread::sleep_for(10ms);
                part->finishWork();
            });
        });
        QVERIFY(!clock.idleTracker()->isIdle());
        QVERIFY(clock.waitUntilIdle(5s));
        QCOMPARE(fired.load(), 1);
        worker.join();
    }

    void futureTimerIsNotWork()
    {
        FakeClock clock;
        int fired = 0;
        auto timer = clock.schedule(1s, [&] { ++fired; });
        QVERIFY(clock.waitUntilIdle(1s));
        QCOMPARE(fired, 0);
        QCOMPARE(clock.pendingTimers(), size_t(1));
    }
};

QTEST_GUILESS_MAIN(TestIdleTracker)
#include "tst_idletracker.moc"
