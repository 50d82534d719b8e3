// PaceGate: open and closed, rounds granted by step(), wake-ups on open and
// on a step, and no wake-up after a registration is gone; SimClock closes
// its gate while paused.

#include "backend/util/pacegate.h"
#include "backend/util/simclock.h"

#include <QTest>

#include <atomic>
#include <chrono>

using namespace kubist;
using namespace std::chrono_literals;

class TestPaceGate : public QObject
{
    Q_OBJECT

private slots:
    void stepGrantsRoundsOnlyWhileClosed_data()
    {
        QTest::addColumn<bool>("closed");
        QTest::addColumn<int>("steps");
        QTest::addColumn<int>("rounds");
        QTest::addColumn<int>("wakes");
        QTest::newRow("open gate ignores steps") << false << 3 << 0 << 0;
        QTest::newRow("closed gate counts each step") << true << 3 << 3 << 3;
        QTest::newRow("closed gate without steps") << true << 0 << 0 << 0;
    }

    void stepGrantsRoundsOnlyWhileClosed()
    {
        QFETCH(bool, closed);
        QFETCH(int, steps);
        QFETCH(int, rounds);
        QFETCH(int, wakes);
        PaceGate gate;
        std::atomic<int> woken{0};
        auto registration = gate.registerWaiter([&] { ++woken; });
        if (closed)
            gate.close();
        QCOMPARE(gate.isOpen(), !closed);
        for (int i = 0; i < steps; ++i)
            gate.step();
        QCOMPARE(int(gate.round()), rounds);
        QCOMPARE(woken.load(), wakes);
    }

    void openingWakesEveryWaiterOnce()
    {
        PaceGate gate;
        std::atomic<int> a{0}, b{0};
        auto ra = gate.registerWaiter([&] { ++a; });
        auto rb = gate.registerWaiter([&] { ++b; });
        gate.open(); // already open: nothing
        QCOMPARE(a.load(), 0);
        gate.close();
        gate.open();
        QCOMPARE(a.load(), 1);
        QCOMPARE(b.load(), 1);
    }

    void noWakeAfterUnregistering()
    {
        PaceGate gate;
        std::atomic<int> woken{0};
        auto registration = gate.registerWaiter([&] { ++woken; });
        registration.reset();
        gate.close();
        gate.step();
        gate.open();
        QCOMPARE(woken.load(), 0);
    }

    void simClockPauseClosesItsGate()
    {
        Clock::Time wall = Clock::Time(std::chrono::seconds(1767225600));
        SimClock clock([&] { return wall; });
        PaceGate *gate = clock.paceGate();
        QVERIFY(gate);
        QVERIFY(gate->isOpen());
        clock.pause();
        QVERIFY(!gate->isOpen());
        wall += 5s;
        clock.wallChanged();
        QCOMPARE(clock.step(1s), Clock::Duration(1s));
        QCOMPARE(gate->round(), uint64_t(1));
        clock.resume();
        QVERIFY(gate->isOpen());
    }
};

QTEST_GUILESS_MAIN(TestPaceGate)
#include "tst_pacegate.moc"
