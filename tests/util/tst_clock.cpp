// Clocks with timers: FakeClock's order and cancellation, SystemClock's
// timer thread, and SimClock's pace (pause, speed, step) over an injected
// wall source, so nothing here sleeps for the time it checks.

#include "backend/util/clock.h"
#include "backend/util/simclock.h"

#include <QTest>

#include <atomic>
#include <cmath>
#include <mutex>
#include <thread>
#include <vector>

using namespace kubist;
using namespace std::chrono_literals;

Q_DECLARE_METATYPE(std::vector<int>)

namespace {

// A wall source a test moves by hand.
struct FakeWall
{
    std::atomic<Clock::Duration::rep> now{
        Clock::Time(std::chrono::seconds(1767225600)).time_since_epoch().count()};
    Clock::Time operator()() const { return Clock::Time(Clock::Duration(now.load())); }
    void advance(Clock::Duration d) { now += d.count(); }
};

double seconds(Clock::Duration d)
{
    return std::chrono::duration<double>(d).count();
}

} // namespace

class TestClock : public QObject
{
    Q_OBJECT

private slots:
    void fakeClockFiresInDueOrder_data()
    {
        QTest::addColumn<std::vector<int>>("delaysMs");
        QTest::addColumn<int>("advanceMs");
        QTest::addColumn<std::vector<int>>("fired"); // indexes into delaysMs, in firing order

        QTest::newRow("scheduled out of order fire in due order")
            << std::vector<int>{30, 10, 20} << 50 << std::vector<int>{1, 2, 0};
        QTest::newRow("equal due times fire in scheduling order")
            << std::vector<int>{10, 10, 10} << 10 << std::vector<int>{0, 1, 2};
        QTest::newRow("a timer past the step does not fire")
            << std::vector<int>{10, 50} << 20 << std::vector<int>{0};
        QTest::newRow("a zero delay waits for the next advance")
            << std::vector<int>{0} << 0 << std::vector<int>{0};
        QTest::newRow("nothing due, nothing fires")
            << std::vector<int>{5} << 4 << std::vector<int>{};
    }

    void fakeClockFiresInDueOrder()
    {
        QFETCH(std::vector<int>, delaysMs);
        QFETCH(int, advanceMs);
        QFETCH(std::vector<int>, fired);

        FakeClock clock;
        std::vector<int> order;
        std::vector<std::unique_ptr<Timer>> timers;
        for (size_t i = 0; i < delaysMs.size(); ++i)
            timers.push_back(clock.schedule(std::chrono::milliseconds(delaysMs[i]),
                                            [&order, i] { order.push_back(int(i)); }));
        QVERIFY(order.empty()); // nothing fires at schedule time
        clock.advance(std::chrono::milliseconds(advanceMs));
        QCOMPARE(order, fired);
        QCOMPARE(clock.pendingTimers(), delaysMs.size() - fired.size());
    }

    void fakeClockCallbackSeesItsDueTime()
    {
        FakeClock clock;
        const Clock::Time start = clock.now();
        std::vector<Clock::Duration> seen;
        auto a = clock.schedule(3s, [&] { seen.push_back(clock.now() - start); });
        auto b = clock.schedule(7s, [&] { seen.push_back(clock.now() - start); });
        clock.advance(10s);
        QCOMPARE(seen.size(), size_t(2));
        QCOMPARE(seconds(seen[0]), 3.0);
        QCOMPARE(seconds(seen[1]), 7.0);
        QCOMPARE(seconds(clock.now() - start), 10.0);
    }

    void timerScheduledFromCallbackFiresInSameAdvance()
    {
        FakeClock clock;
        const Clock::Time start = clock.now();
        std::unique_ptr<Timer> second;
        Clock::Time secondFiredAt;
        auto first = clock.schedule(
            1s, [&] { second = clock.schedule(2s, [&] { secondFiredAt = clock.now(); }); });
        clock.advance(5s);
        QCOMPARE(seconds(secondFiredAt - start), 3.0);
    }

    void nextTimerDueSkipsCancelledTimers()
    {
        FakeClock clock;
        const Clock::Time start = clock.now();
        QVERIFY(!clock.nextTimerDue());
        auto early = clock.schedule(1s, [] {});
        auto late = clock.schedule(4s, [] {});
        QCOMPARE(seconds(*clock.nextTimerDue() - start), 1.0);
        early->cancel();
        QCOMPARE(clock.pendingTimers(), size_t(1));
        QCOMPARE(seconds(*clock.nextTimerDue() - start), 4.0);
        late.reset(); // destroying the handle cancels
        QCOMPARE(clock.pendingTimers(), size_t(0));
        QVERIFY(!clock.nextTimerDue());
    }

    void cancelledTimerNeverFires_data()
    {
        QTest::addColumn<bool>("destroyHandle");
        QTest::newRow("cancel()") << false;
        QTest::newRow("handle destroyed") << true;
    }

    void cancelledTimerNeverFires()
    {
        QFETCH(bool, destroyHandle);
        FakeClock clock;
        int fired = 0;
        auto timer = clock.schedule(1s, [&] { ++fired; });
        if (destroyHandle)
            timer.reset();
        else
            timer->cancel();
        clock.advance(2s);
        QCOMPARE(fired, 0);
        if (timer)
            timer->cancel(); // twice: nothing happens
    }

    void cancelFromInsideCallback()
    {
        FakeClock clock;
        std::unique_ptr<Timer> timer;
        int fired = 0;
        timer = clock.schedule(1s, [&] {
            ++fired;
            timer->cancel(); // returns at once: the callback is the caller
            timer.reset();   // and so does destroying the handle
        });
        clock.advance(1s);
        QCOMPARE(fired, 1);
        QVERIFY(!timer);
    }

    void cancelReleasesCallbackCaptures()
    {
        FakeClock clock;
        auto owned = std::make_shared<int>(1);
        std::weak_ptr<int> watch = owned;
        auto timer = clock.schedule(1s, [owned] {});
        owned.reset();
        QVERIFY(!watch.expired());
        timer->cancel();
        QVERIFY(watch.expired());
    }

    void systemClockFires()
    {
        SystemClock clock;
        std::atomic<int> fired{0};
        std::vector<int> order;
        std::mutex mutex;
        auto late = clock.schedule(30ms, [&] {
            std::lock_guard lock(mutex);
            order.push_back(2);
            ++fired;
        });
        auto early = clock.schedule(5ms, [&] {
            std::lock_guard lock(mutex);
            order.push_back(1);
            ++fired;
        });
        QTRY_COMPARE_WITH_TIMEOUT(fired.load(), 2, 5000);
        std::lock_guard lock(mutex);
        QCOMPARE(order, (std::vector<int>{1, 2}));
    }

    void systemClockCancelWaitsForRunningCallback()
    {
        SystemClock clock;
        std::atomic<bool> started{false};
        std::atomic<bool> finished{false};
        auto timer = clock.schedule(0ms, [&] {
            started = true;
            std::this_thread::sleep_for(50ms);
            finished = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(started.load(), 5000);
        timer->cancel();
        QVERIFY(finished.load());
    }

    void simClockPace_data()
    {
        // Steps, separated by spaces: wN moves the wall N seconds (may be
        // negative), p pauses, r resumes, sK sets speed K, tN steps N seconds.
        QTest::addColumn<QString>("script");
        QTest::addColumn<double>("elapsed"); // cluster seconds since start
        QTest::addColumn<double>("lag");     // wall minus cluster, seconds

        QTest::newRow("1x follows the wall") << "w10" << 10.0 << 0.0;
        QTest::newRow("half speed runs half as fast") << "s0.5 w10" << 5.0 << 5.0;
        QTest::newRow("paused time is frozen") << "p w10" << 0.0 << 10.0;
        QTest::newRow("resume continues where it paused") << "p w10 r w5" << 5.0 << 10.0;
        QTest::newRow("fast speed never runs ahead of the wall") << "s4 w10" << 10.0 << 0.0;
        QTest::newRow("fast speed catches up lost time") << "p w10 r s4 w2" << 8.0 << 4.0;
        QTest::newRow("caught up, fast speed runs at 1x") << "p w10 r s4 w5" << 15.0 << 0.0;
        QTest::newRow("slow motion then catch up") << "s0.5 w10 s2 w4" << 13.0 << 1.0;
        QTest::newRow("step within the lag") << "p w10 t4" << 4.0 << 6.0;
        QTest::newRow("step is capped by the lag") << "p w3 t10" << 3.0 << 0.0;
        QTest::newRow("step at real time does nothing") << "w5 t3" << 5.0 << 0.0;
        QTest::newRow("step while running in slow motion") << "s0.5 w10 t2" << 7.0 << 3.0;
        QTest::newRow("a negative step does nothing") << "p w10 t-3" << 0.0 << 10.0;
        QTest::newRow("speed is clamped to 20x") << "s100 p w100 r w1" << 20.0 << 81.0;
        QTest::newRow("speed is clamped to 0.1x") << "s0.001 w10" << 1.0 << 9.0;
        QTest::newRow("a wall stepping back does not move time back") << "w10 w-5" << 10.0 << 0.0;
    }

    void simClockPace()
    {
        QFETCH(QString, script);
        QFETCH(double, elapsed);
        QFETCH(double, lag);

        FakeWall wall;
        SimClock clock([&wall] { return wall(); });
        const Clock::Time start = clock.now();
        for (const QString &op : script.split(' ', Qt::SkipEmptyParts)) {
            const double n = op.mid(1).toDouble();
            const auto d =
                std::chrono::duration_cast<Clock::Duration>(std::chrono::duration<double>(n));
            switch (op.at(0).toLatin1()) {
            case 'w':
                wall.advance(d);
                clock.now(); // observed, as a running cluster would
                break;
            case 'p':
                clock.pause();
                break;
            case 'r':
                clock.resume();
                break;
            case 's':
                clock.setSpeed(n);
                break;
            case 't':
                clock.step(d);
                break;
            default:
                QFAIL(qPrintable("bad script step " + op));
            }
        }
        const double gotElapsed = seconds(clock.now() - start);
        const double gotLag = seconds(clock.lag());
        QVERIFY2(std::abs(gotElapsed - elapsed) < 1e-6, qPrintable(QString::number(gotElapsed)));
        QVERIFY2(std::abs(gotLag - lag) < 1e-6, qPrintable(QString::number(gotLag)));
        if (!script.contains("w-")) // a wall stepping back is the one exception
            QVERIFY(clock.now() <= wall());
    }

    void simClockStepReturnsHowFarItMoved()
    {
        FakeWall wall;
        SimClock clock([&wall] { return wall(); });
        clock.pause();
        wall.advance(5s);
        QCOMPARE(seconds(clock.step(2s)), 2.0);
        QCOMPARE(seconds(clock.step(10s)), 3.0);
        QCOMPARE(seconds(clock.step(1s)), 0.0);
    }

    void simClockTimerFiresWhenStepMakesItDue()
    {
        FakeWall wall;
        SimClock clock([&wall] { return wall(); });
        clock.pause();
        wall.advance(10s);
        std::atomic<int> fired{0};
        auto timer = clock.schedule(5s, [&] { ++fired; });
        clock.step(3s);
        QTest::qWait(30);
        QCOMPARE(fired.load(), 0);
        clock.step(2s);
        QTRY_COMPARE_WITH_TIMEOUT(fired.load(), 1, 5000);
    }

    void simClockPausedTimerDoesNotFire()
    {
        FakeWall wall;
        SimClock clock([&wall] { return wall(); });
        std::atomic<int> fired{0};
        auto timer = clock.schedule(1s, [&] { ++fired; });
        clock.pause();
        wall.advance(10s);
        clock.wallChanged();
        QTest::qWait(30);
        QCOMPARE(fired.load(), 0);
        clock.resume();
        wall.advance(1s);
        clock.wallChanged();
        QTRY_COMPARE_WITH_TIMEOUT(fired.load(), 1, 5000);
    }

    void simClockRealTimeTimerFires()
    {
        SimClock clock;
        clock.setSpeed(SimClock::kMaxSpeed);
        std::atomic<int> fired{0};
        auto timer = clock.schedule(20ms, [&] { ++fired; });
        QTRY_COMPARE_WITH_TIMEOUT(fired.load(), 1, 5000);
    }
};

QTEST_GUILESS_MAIN(TestClock)
#include "tst_clock.moc"
