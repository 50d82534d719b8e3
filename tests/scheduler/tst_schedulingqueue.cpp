#include "backend/scheduler/plugins/prioritysort/prioritysort.h"
#include "backend/scheduler/scheduler/schedulingqueue.h"
#include "backend/util/clock.h"
#include "backend/util/idletracker.h"

#include "core_v1.pb.h"

#include <QTest>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

using namespace kubist;
using namespace kubist::scheduler;
using namespace std::chrono_literals;
namespace core = k8s::io::api::core::v1;

namespace {

std::shared_ptr<const core::Pod> makePod(const std::string &name, int priority = 0,
                                         const std::string &label = {})
{
    auto pod = std::make_shared<core::Pod>();
    pod->mutable_metadata()->set_namespace_("default");
    pod->mutable_metadata()->set_name(name);
    pod->mutable_metadata()->set_uid("uid-" + name);
    if (!label.empty())
        (*pod->mutable_metadata()->mutable_labels())["app"] = label;
    if (priority != 0)
        pod->mutable_spec()->set_priority(priority);
    pod->mutable_spec()->add_containers()->set_name("c");
    return pod;
}

SchedulingQueue::LessFunc prioritySort()
{
    auto plugin = std::make_shared<plugins::PrioritySort>();
    return [plugin](const QueuedPodInfo &a, const QueuedPodInfo &b) { return plugin->less(a, b); };
}

std::string popName(SchedulingQueue &queue)
{
    std::optional<SchedulingQueue::Popped> p = queue.pop();
    return p ? p->info.pod->metadata().name() : std::string("<closed>");
}

} // namespace

class TestSchedulingQueue : public QObject
{
    Q_OBJECT

private slots:
    void popOrder_data();
    void popOrder();
    void backoffDoublesPerAttempt_data();
    void backoffDoublesPerAttempt();
    void unschedulableMovesOnClusterEvent_data();
    void unschedulableMovesOnClusterEvent();
    void moveRequestDuringFlightSendsToBackoff();
    void unschedulableFlushedAfterFiveMinutes();
    void updateOfUnschedulablePod_data();
    void updateOfUnschedulablePod();
    void updateWhileQueuedTakesNewObject();
    void deletedPodIsForgotten_data();
    void deletedPodIsForgotten();
    void popBlocksUntilAddOrClose();
    void activeAndInFlightPodsCountAsWork();
};

// Each row: pods added in order (name:priority), one second apart, and the
// order pop() hands them out.
void TestSchedulingQueue::popOrder_data()
{
    QTest::addColumn<QStringList>("pods");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("higher priority first")
        << QStringList{"low:1", "high:100", "mid:50"} << QStringList{"high", "mid", "low"};
    QTest::newRow("equal priority: earlier first")
        << QStringList{"a:0", "b:0", "c:0"} << QStringList{"a", "b", "c"};
    QTest::newRow("priority beats timestamp")
        << QStringList{"first-low:0", "second-high:10", "third-high:10"}
        << QStringList{"second-high", "third-high", "first-low"};
    QTest::newRow("negative priority last")
        << QStringList{"neg:-5", "zero:0"} << QStringList{"zero", "neg"};
}

void TestSchedulingQueue::popOrder()
{
    QFETCH(QStringList, pods);
    QFETCH(QStringList, expected);
    FakeClock clock;
    SchedulingQueue queue(clock, prioritySort());
    for (const QString &p : pods) {
        const QStringList parts = p.split(':');
        queue.add(makePod(parts[0].toStdString(), parts[1].toInt()));
        clock.advance(1s);
    }
    QCOMPARE(queue.stats().active, std::size_t(pods.size()));
    QStringList got;
    for (int i = 0; i < pods.size(); ++i) {
        const std::string name = popName(queue);
        got << QString::fromStdString(name);
        queue.done("default/" + name);
    }
    QCOMPARE(got, expected);
}

void TestSchedulingQueue::backoffDoublesPerAttempt_data()
{
    QTest::addColumn<int>("attempts");
    QTest::addColumn<int>("expectedMs");
    QTest::newRow("first failure: 1 s") << 1 << 1000;
    QTest::newRow("second: 2 s") << 2 << 2000;
    QTest::newRow("third: 4 s") << 3 << 4000;
    QTest::newRow("fourth: 8 s") << 4 << 8000;
    QTest::newRow("fifth: capped at 10 s") << 5 << 10000;
    QTest::newRow("eighth: still 10 s") << 8 << 10000;
}

void TestSchedulingQueue::backoffDoublesPerAttempt()
{
    QFETCH(int, attempts);
    QFETCH(int, expectedMs);
    FakeClock clock;
    SchedulingQueue queue(clock, prioritySort());
    queue.add(makePod("web"));
    for (int i = 1; i < attempts; ++i) {
        std::optional<SchedulingQueue::Popped> p = queue.pop();
        QVERIFY(p);
        queue.addBackoff("default/web");
        clock.advance(60s); // well past any backoff
        QCOMPARE(queue.where("default/web"), std::string("active"));
    }
    std::optional<SchedulingQueue::Popped> p = queue.pop();
    QVERIFY(p);
    QCOMPARE(p->info.attempts, attempts);
    queue.addBackoff("default/web");
    QCOMPARE(queue.where("default/web"), std::string("backoff"));
    QCOMPARE(queue.stats().backoff, std::size_t(1));
    clock.advance(std::chrono::milliseconds(expectedMs - 1));
    QCOMPARE(queue.where("default/web"), std::string("backoff"));
    clock.advance(1ms);
    QCOMPARE(queue.where("default/web"), std::string("active"));
}

void TestSchedulingQueue::unschedulableMovesOnClusterEvent_data()
{
    QTest::addColumn<int>("waitMs");
    QTest::addColumn<QString>("expected");
    QTest::newRow("backoff over: to activeQ") << 1500 << "active";
    QTest::newRow("still backing off: to backoffQ") << 200 << "backoff";
}

void TestSchedulingQueue::unschedulableMovesOnClusterEvent()
{
    QFETCH(int, waitMs);
    QFETCH(QString, expected);
    FakeClock clock;
    SchedulingQueue queue(clock, prioritySort());
    queue.add(makePod("big"));
    const std::optional<SchedulingQueue::Popped> p = queue.pop();
    QVERIFY(p);
    queue.addUnschedulable("default/big", p->cycle);
    QCOMPARE(queue.where("default/big"), std::string("unschedulable"));
    clock.advance(std::chrono::milliseconds(waitMs));
    QCOMPARE(queue.where("default/big"), std::string("unschedulable")); // no timer moves it
    queue.moveAllToActiveOrBackoff();                                   // e.g. a node was added
    QCOMPARE(QString::fromStdString(queue.where("default/big")), expected);
    clock.advance(1s);
    QCOMPARE(queue.where("default/big"), std::string("active"));
}

void TestSchedulingQueue::moveRequestDuringFlightSendsToBackoff()
{
    FakeClock clock;
    SchedulingQueue queue(clock, prioritySort());
    queue.add(makePod("a"));
    queue.add(makePod("b"));
    std::optional<SchedulingQueue::Popped> a = queue.pop();
    QVERIFY(a);
    queue.moveAllToActiveOrBackoff(); // a node came while "a" was being scheduled
    queue.addUnschedulable("default/a", a->cycle);
    QCOMPARE(queue.where("default/a"), std::string("backoff"));

    // Without an event during its cycle, a pod is parked.
    std::optional<SchedulingQueue::Popped> b = queue.pop();
    QVERIFY(b);
    QCOMPARE(b->info.pod->metadata().name(), std::string("b"));
    queue.addUnschedulable("default/b", b->cycle);
    QCOMPARE(queue.where("default/b"), std::string("unschedulable"));
}

void TestSchedulingQueue::unschedulableFlushedAfterFiveMinutes()
{
    FakeClock clock;
    SchedulingQueue queue(clock, prioritySort());
    queue.add(makePod("big"));
    const std::optional<SchedulingQueue::Popped> p = queue.pop();
    QVERIFY(p);
    queue.addUnschedulable("default/big", p->cycle);
    clock.advance(5min - 1s);
    QCOMPARE(queue.where("default/big"), std::string("unschedulable"));
    clock.advance(1s);
    QCOMPARE(queue.where("default/big"), std::string("active"));
}

void TestSchedulingQueue::updateOfUnschedulablePod_data()
{
    QTest::addColumn<bool>("changeLabels");
    QTest::addColumn<QString>("expected");
    QTest::newRow("status only: stays parked") << false << "unschedulable";
    QTest::newRow("labels changed: retried") << true << "active";
}

void TestSchedulingQueue::updateOfUnschedulablePod()
{
    QFETCH(bool, changeLabels);
    QFETCH(QString, expected);
    FakeClock clock;
    SchedulingQueue queue(clock, prioritySort());
    queue.add(makePod("big"));
    const std::optional<SchedulingQueue::Popped> p = queue.pop();
    QVERIFY(p);
    queue.addUnschedulable("default/big", p->cycle);
    clock.advance(2s);
    auto updated = std::make_shared<core::Pod>(*makePod("big", 0, changeLabels ? "new" : ""));
    updated->mutable_metadata()->set_resource_version("42");
    auto *cond = updated->mutable_status()->add_conditions();
    cond->set_type("PodScheduled");
    cond->set_status("False");
    queue.update(updated);
    QCOMPARE(QString::fromStdString(queue.where("default/big")), expected);
}

void TestSchedulingQueue::updateWhileQueuedTakesNewObject()
{
    FakeClock clock;
    SchedulingQueue queue(clock, prioritySort());
    queue.add(makePod("web"));
    queue.update(makePod("web", 0, "v2"));
    std::optional<SchedulingQueue::Popped> p = queue.pop();
    QVERIFY(p);
    QCOMPARE(p->info.pod->metadata().labels().at("app"), std::string("v2"));

    // Updated while in flight: requeued with the newest object, to backoff.
    queue.update(makePod("web", 0, "v3"));
    queue.addUnschedulable("default/web", p->cycle);
    QCOMPARE(queue.where("default/web"), std::string("backoff"));
    clock.advance(10s);
    p = queue.pop();
    QVERIFY(p);
    QCOMPARE(p->info.pod->metadata().labels().at("app"), std::string("v3"));
}

void TestSchedulingQueue::deletedPodIsForgotten_data()
{
    QTest::addColumn<QString>("where");
    QTest::newRow("in activeQ") << "active";
    QTest::newRow("in backoffQ") << "backoff";
    QTest::newRow("unschedulable") << "unschedulable";
    QTest::newRow("in flight") << "inFlight";
}

void TestSchedulingQueue::deletedPodIsForgotten()
{
    QFETCH(QString, where);
    FakeClock clock;
    SchedulingQueue queue(clock, prioritySort());
    queue.add(makePod("web"));
    std::optional<SchedulingQueue::Popped> p;
    if (where != "active") {
        p = queue.pop();
        QVERIFY(p);
        if (where == "backoff")
            queue.addBackoff("default/web");
        else if (where == "unschedulable")
            queue.addUnschedulable("default/web", p->cycle);
    }
    QCOMPARE(QString::fromStdString(queue.where("default/web")), where);
    queue.remove("default/web");
    QCOMPARE(queue.where("default/web"), std::string());
    if (where == "inFlight") {
        queue.addUnschedulable("default/web", p->cycle); // the cycle ends: not requeued
        QCOMPARE(queue.where("default/web"), std::string());
    }
    clock.advance(10min);
    const SchedulingQueue::Stats s = queue.stats();
    QCOMPARE(s.active + s.backoff + s.unschedulable + s.inFlight, std::size_t(0));
}

void TestSchedulingQueue::popBlocksUntilAddOrClose()
{
    FakeClock clock;
    SchedulingQueue queue(clock, prioritySort());
    std::string first;
    std::string second;
    std::thread t([&] {
        first = popName(queue);
        second = popName(queue);
    });
    queue.add(makePod("web"));
    queue.close();
    t.join();
    // The add may or may not have been seen before close(); the second pop
    // always sees the queue closed.
    QVERIFY(first == "web" || first == "<closed>");
    QCOMPARE(second, std::string("<closed>"));
}

void TestSchedulingQueue::activeAndInFlightPodsCountAsWork()
{
    FakeClock clock;
    {
        SchedulingQueue queue(clock, prioritySort());
        QVERIFY(clock.idleTracker()->isIdle());
        queue.add(makePod("web"));
        QVERIFY(!clock.idleTracker()->isIdle());
        std::optional<SchedulingQueue::Popped> p = queue.pop();
        QVERIFY(!clock.idleTracker()->isIdle()); // in flight
        queue.addBackoff("default/web");
        QVERIFY(clock.idleTracker()->isIdle()); // waiting for a timer not yet due
        clock.advance(1s);
        QVERIFY(!clock.idleTracker()->isIdle()); // back in activeQ
        p = queue.pop();
        queue.done("default/web");
        QVERIFY(clock.idleTracker()->isIdle());
    }
    QVERIFY(clock.idleTracker()->isIdle());
}

QTEST_GUILESS_MAIN(TestSchedulingQueue)
#include "tst_schedulingqueue.moc"
