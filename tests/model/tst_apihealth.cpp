// ApiHealth: parsing verbose /readyz answers, what livez/readyz answers
// mean, polling off the GUI thread (one poll at a time, the destructor
// waits), and the master box's sentences for parts that cannot be seen.

#include "model/apihealth.h"
#include "model/mastervisibility.h"

#include "backend/util/clock.h"

#include <QSemaphore>
#include <QSignalSpy>
#include <QStringList>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

using namespace kubist;
using model::ApiHealth;
using model::ApiHealthState;
using model::MasterComponent;
using model::ReadyzCheck;
using Answer = ApiHealthState::Answer;

namespace {

// Lines joined with newlines (keeps fixtures readable without escapes).
std::string lines(const QStringList &l)
{
    return (l.join(QChar('\n')) + QChar('\n')).toStdString();
}

// Kubernetes' verbose /readyz answers (text as the API server writes it).
std::string readyzPassed()
{
    return lines({"[+]ping ok", "[+]log ok", "[+]etcd ok", "[+]etcd-readiness ok",
                  "[+]informer-sync ok", "[+]poststarthook/start-apiextensions-informers ok",
                  "[+]poststarthook/rbac/bootstrap-roles ok", "[+]shutdown ok",
                  "readyz check passed"});
}

std::string readyzEtcdFailed()
{
    return lines({"[+]ping ok", "[+]log ok", "[-]etcd failed: reason withheld",
                  "[-]etcd-readiness failed: reason withheld", "[+]informer-sync ok",
                  "[+]shutdown ok", "readyz check failed"});
}

// "+ping,-etcd" for a list of checks.
QString describe(const std::vector<ReadyzCheck> &checks)
{
    QStringList out;
    for (const ReadyzCheck &c : checks)
        out << QString(c.ok ? "+" : "-") + QString::fromStdString(c.name);
    return out.join(',');
}

Result<std::string> answer(bool ok, const std::string &text)
{
    if (ok)
        return text;
    return Status(Status::Code::Internal, text);
}

} // namespace

class TestApiHealth : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { qRegisterMetaType<kubist::model::ApiHealthState>(); }

    void parsesVerboseReadyz_data()
    {
        QTest::addColumn<QString>("body");
        QTest::addColumn<QString>("checks");
        QTest::newRow("every check passed") << QString::fromStdString(readyzPassed())
                                            << "+ping,+log,+etcd,+etcd-readiness,+informer-sync,"
                                               "+poststarthook/start-apiextensions-informers,"
                                               "+poststarthook/rbac/bootstrap-roles,+shutdown";
        QTest::newRow("failed checks withhold their reason")
            << QString::fromStdString(readyzEtcdFailed())
            << "+ping,+log,-etcd,-etcd-readiness,+informer-sync,+shutdown";
        QTest::newRow("an excluded check counts as ok")
            << QString::fromStdString(
                   lines({"[+]ping ok", "[+]etcd excluded: ok",
                          "warn: some health checks cannot be excluded", "readyz check passed"}))
            << "+ping,+etcd";
        QTest::newRow("the short answer has no checks") << "ok"
                                                        << "";
        QTest::newRow("an error message quoting the body parses")
            << QString::fromStdString("the server answered 500: [+]ping ok\n"
                                      "[-]informer-sync failed: reason withheld\n"
                                      "readyz check failed")
            << "+ping,-informer-sync";
        QTest::newRow("carriage returns are ignored")
            << QString::fromStdString(std::string("[+]ping ok\r\n[-]etcd failed: reason "
                                                  "withheld\r\nreadyz check failed\r\n"))
            << "+ping,-etcd";
        QTest::newRow("empty body") << ""
                                    << "";
    }
    void parsesVerboseReadyz()
    {
        QFETCH(QString, body);
        QFETCH(QString, checks);
        QCOMPARE(describe(model::parseReadyzVerbose(body.toStdString())), checks);
    }

    void interpretsAnswers_data()
    {
        QTest::addColumn<bool>("livezOk");
        QTest::addColumn<QString>("livez");
        QTest::addColumn<bool>("readyzOk");
        QTest::addColumn<QString>("readyz");
        QTest::addColumn<int>("live");
        QTest::addColumn<int>("ready");
        QTest::addColumn<QString>("failing");
        QTest::addColumn<bool>("answered");
        QTest::addColumn<QString>("error");

        const QString passed = QString::fromStdString(readyzPassed());
        const QString etcdFailed = QString::fromStdString(readyzEtcdFailed());
        QTest::newRow("healthy server is live and ready")
            << true << "ok" << true << passed << int(Answer::Yes) << int(Answer::Yes) << "" << true
            << "";
        QTest::newRow("a failed readyz check is an answer, not an error")
            << true << "ok" << false << etcdFailed << int(Answer::Yes) << int(Answer::No)
            << "etcd,etcd-readiness" << true << "";
        QTest::newRow("failed livez without a body line is still an answer")
            << false << "livez check failed" << true << passed << int(Answer::No)
            << int(Answer::Yes) << "" << true << "";
        QTest::newRow("unreachable server is unknown with the error once")
            << false << "connection refused" << false << "connection refused"
            << int(Answer::Unknown) << int(Answer::Unknown) << "" << false << "connection refused";
        QTest::newRow("forbidden readyz is unknown, livez still answers")
            << true << "ok" << false << "forbidden" << int(Answer::Yes) << int(Answer::Unknown)
            << "" << true << "forbidden";
        QTest::newRow("two different errors are both told")
            << false << "timeout" << false << "connection reset" << int(Answer::Unknown)
            << int(Answer::Unknown) << "" << false << "timeout; connection reset";
    }
    void interpretsAnswers()
    {
        QFETCH(bool, livezOk);
        QFETCH(QString, livez);
        QFETCH(bool, readyzOk);
        QFETCH(QString, readyz);
        QFETCH(int, live);
        QFETCH(int, ready);
        QFETCH(QString, failing);
        QFETCH(bool, answered);
        QFETCH(QString, error);
        const Clock::Time now = FakeClock().now();
        const ApiHealthState s = ApiHealth::interpret(answer(livezOk, livez.toStdString()),
                                                      answer(readyzOk, readyz.toStdString()), now);
        QCOMPARE(int(s.live), live);
        QCOMPARE(int(s.ready), ready);
        QStringList names;
        for (const std::string &n : s.failing)
            names << QString::fromStdString(n);
        QCOMPARE(names.join(','), failing);
        QCOMPARE(s.answered.has_value(), answered);
        if (answered)
            QVERIFY(*s.answered == now);
        QCOMPARE(QString::fromStdString(s.error), error);
    }

    void pollFetchesOffTheGuiThreadAndReportsOnIt()
    {
        FakeClock clock;
        std::mutex mutex;
        std::vector<std::string> paths;
        std::atomic<bool> fetchedOnGui{false};
        QThread *gui = QThread::currentThread();
        ApiHealth health(
            [&](const std::string &path) -> Result<std::string> {
                if (QThread::currentThread() == gui)
                    fetchedOnGui = true;
                std::lock_guard lock(mutex);
                paths.push_back(path);
                if (path == "/livez")
                    return std::string("ok");
                return Status(Status::Code::Internal, readyzEtcdFailed());
            },
            clock);
        bool emittedOnGui = false;
        connect(&health, &ApiHealth::changed, this,
                [&] { emittedOnGui = QThread::currentThread() == gui; });
        QSignalSpy spy(&health, &ApiHealth::changed);
        QVERIFY(health.pollNow());
        QVERIFY(health.pollInFlight());
        QVERIFY(spy.wait(10000));
        QCOMPARE(spy.count(), 1);
        QVERIFY(!health.pollInFlight());
        QVERIFY(emittedOnGui);
        QVERIFY(!fetchedOnGui);
        {
            std::lock_guard lock(mutex);
            QCOMPARE(paths, (std::vector<std::string>{"/livez", "/readyz?verbose"}));
        }
        const auto s = spy.at(0).at(0).value<kubist::model::ApiHealthState>();
        QVERIFY(s == health.state());
        QCOMPARE(s.live, Answer::Yes);
        QCOMPARE(s.ready, Answer::No);
        QCOMPARE(s.failing, (std::vector<std::string>{"etcd", "etcd-readiness"}));
        QCOMPARE(s.checks.size(), size_t(6));
        QVERIFY(s.answered && *s.answered == clock.now());
        QVERIFY(s.error.empty());
    }

    void unreachableServerKeepsTheLastAnswerTime()
    {
        FakeClock clock;
        std::atomic<bool> reachable{true};
        ApiHealth health(
            [&](const std::string &) -> Result<std::string> {
                if (reachable)
                    return std::string("ok");
                return Status(Status::Code::Unavailable, "dial tcp 10.0.0.1:6443: i/o timeout");
            },
            clock);
        QSignalSpy spy(&health, &ApiHealth::changed);
        QVERIFY(health.pollNow());
        QVERIFY(spy.wait(10000));
        const Clock::Time first = clock.now();
        QCOMPARE(health.state().ready, Answer::Yes);

        clock.advance(std::chrono::seconds(30));
        reachable = false;
        QVERIFY(health.pollNow());
        QVERIFY(spy.wait(10000));
        const ApiHealthState &s = health.state();
        QCOMPARE(s.live, Answer::Unknown);
        QCOMPARE(s.ready, Answer::Unknown);
        QVERIFY(s.answered && *s.answered == first);
        QCOMPARE(s.error, std::string("dial tcp 10.0.0.1:6443: i/o timeout"));

        reachable = true;
        QVERIFY(health.pollNow());
        QVERIFY(spy.wait(10000));
        QVERIFY(health.state().answered && *health.state().answered == clock.now());
        QVERIFY(health.state().error.empty());
    }

    void slowServerNeverGetsOverlappingPolls()
    {
        FakeClock clock;
        QSemaphore entered;
        QSemaphore release;
        std::atomic<int> running{0};
        std::atomic<int> maxRunning{0};
        std::atomic<int> calls{0};
        ApiHealth::Options o;
        o.interval = std::chrono::milliseconds(5);
        ApiHealth health(
            [&](const std::string &) -> Result<std::string> {
                const int now = ++running;
                int seen = maxRunning.load();
                while (now > seen && !maxRunning.compare_exchange_weak(seen, now)) {
                }
                ++calls;
                entered.release();
                const bool released = release.tryAcquire(1, 10000); // bounded
                --running;
                if (!released)
                    return Status(Status::Code::Timeout, "test: never released");
                return std::string("ok");
            },
            clock, o);
        QSignalSpy spy(&health, &ApiHealth::changed);

        // By hand: a second poll while one is in flight does not start.
        QVERIFY(health.pollNow());
        QVERIFY(entered.tryAcquire(1, 10000));
        QVERIFY(!health.pollNow());
        QVERIFY(!health.pollNow());
        release.release(2);
        QVERIFY(spy.wait(10000));
        QCOMPARE(calls.load(), 2); // one poll: /livez and /readyz
        QCOMPARE(spy.count(), 1);

        // By the timer (every 5 ms) while each fetch is held: its ticks
        // during a poll are skipped, never queued up in parallel.
        health.start();
        for (int poll = 0; poll < 3; ++poll) {
            // The GUI thread keeps its event loop running (the timer starts
            // the next poll from there).
            QVERIFY(QTest::qWaitFor([&] { return entered.tryAcquire(); }, 10000));
            release.release(1);
            QVERIFY(QTest::qWaitFor([&] { return entered.tryAcquire(); }, 10000));
            release.release(1);
            QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 2 + poll, 10000);
        }
        health.stop();
        release.release(2); // a poll the timer started before stop() may still wait
        QTRY_VERIFY_WITH_TIMEOUT(!health.pollInFlight(), 10000);
        QCOMPARE(maxRunning.load(), 1);
        QCOMPARE(calls.load(), 2 * spy.count());
        QCOMPARE(health.state().ready, Answer::Yes);
    }

    void destructorWaitsForThePollInFlight()
    {
        FakeClock clock;
        QSemaphore entered;
        QSemaphore release;
        std::atomic<bool> finished{false};
        int emitted = 0;
        auto health = std::make_unique<ApiHealth>(
            [&](const std::string &) -> Result<std::string> {
                entered.release();
                (void)release.tryAcquire(1, 10000);
                finished = true;
                return std::string("ok");
            },
            clock);
        connect(health.get(), &ApiHealth::changed, this, [&] { ++emitted; });
        QVERIFY(health->pollNow());
        QVERIFY(entered.tryAcquire(1, 10000));
        // The fetch is released from another thread, so it may still run
        // when the destructor starts; the destructor must not return before
        // it finished, and its result is not delivered.
        std::thread releaser([&] { release.release(2); });
        health.reset();
        QVERIFY(finished.load());
        releaser.join();
        QCoreApplication::processEvents();
        QCOMPARE(emitted, 0);
    }

    void describesPartsThatCannotBeSeen_data()
    {
        QTest::addColumn<int>("part");
        QTest::addColumn<int>("state");
        QTest::addColumn<bool>("controlPlaneNode");
        QTest::addColumn<QString>("leader");
        QTest::addColumn<QString>("readyz");
        QTest::addColumn<QString>("sentence");

        const int unknown = int(MasterComponent::State::Unknown);
        const int etcd = int(MasterComponent::Part::Etcd);
        const int api = int(MasterComponent::Part::ApiServer);
        const int cm = int(MasterComponent::Part::ControllerManager);
        const int sched = int(MasterComponent::Part::Scheduler);
        const QString passed = QString::fromStdString(readyzPassed());
        const QString etcdFailed = QString::fromStdString(readyzEtcdFailed());
        const QString managed = "Not visible from this cluster's API: the control plane is "
                                "managed by the provider (no control-plane nodes or "
                                "kube-system mirror pods).";

        QTest::newRow("a running part with its pod needs no sentence")
            << sched << int(MasterComponent::State::Running) << true << ""
            << ""
            << "";
        QTest::newRow("a stopped part with its pod needs no sentence")
            << etcd << int(MasterComponent::State::Stopped) << true << "" << etcdFailed << "";
        QTest::newRow("managed control plane hides the scheduler")
            << sched << unknown << false << ""
            << "" << managed;
        QTest::newRow("managed control plane names the scheduler's lease holder")
            << sched << unknown << false << "gke-abc_1234"
            << "" << managed + " Its leader Lease is held by gke-abc_1234.";
        QTest::newRow("control-plane nodes without a scheduler pod: a static process")
            << sched << unknown << true << ""
            << ""
            << "No kube-scheduler pod in kube-system: it may run outside the cluster (a "
               "static process).";
        QTest::newRow("control-plane nodes without a controller manager pod, with a lease")
            << cm << unknown << true << "master-1_9f2c"
            << ""
            << "No kube-controller-manager pod in kube-system: it may run outside the "
               "cluster (a static process). Its leader Lease is held by master-1_9f2c.";
        QTest::newRow("control-plane nodes without an etcd pod: maybe an external etcd")
            << etcd << unknown << true << ""
            << ""
            << "No etcd pod in kube-system: it may run outside the cluster (a static process "
               "or an external etcd).";
        QTest::newRow("etcd unseen but reported healthy by readyz")
            << etcd << unknown << false << "" << passed
            << "etcd: reported healthy by the API server's readyz (etcd, etcd-readiness "
               "checks ok)";
        QTest::newRow("etcd unseen and reported failing by readyz")
            << etcd << unknown << true << "" << etcdFailed
            << "etcd: reported failing by the API server's readyz (etcd, etcd-readiness "
               "checks failed)";
        QTest::newRow("etcd with a single etcd check")
            << etcd << unknown << false << ""
            << QString::fromStdString(lines({"[+]ping ok", "[+]etcd ok", "readyz check passed"}))
            << "etcd: reported healthy by the API server's readyz (etcd check ok)";
        QTest::newRow("readyz without an etcd check says nothing of etcd")
            << etcd << unknown << false << ""
            << QString::fromStdString(lines({"[+]ping ok", "readyz check passed"})) << managed;
        QTest::newRow("managed API server answers readyz")
            << api << unknown << false << "" << passed << managed + " It answers: readyz ok.";
        QTest::newRow("managed API server with failing checks names them")
            << api << unknown << false << "" << etcdFailed
            << managed + " It answers: readyz failing (etcd, etcd-readiness).";
    }
    void describesPartsThatCannotBeSeen()
    {
        QFETCH(int, part);
        QFETCH(int, state);
        QFETCH(bool, controlPlaneNode);
        QFETCH(QString, leader);
        QFETCH(QString, readyz);
        QFETCH(QString, sentence);
        MasterComponent c;
        c.part = MasterComponent::Part(part);
        c.state = MasterComponent::State(state);
        c.leader = leader.toStdString();
        if (c.state != MasterComponent::State::Unknown) {
            c.podKey =
                std::string("kube-system/") + model::masterPartComponentLabel(c.part) + "-master";
            c.node = "master";
        }
        const std::vector<std::string> out = model::describeMasterVisibility(
            {c}, controlPlaneNode, model::parseReadyzVerbose(readyz.toStdString()));
        QCOMPARE(out.size(), size_t(1));
        QCOMPARE(QString::fromStdString(out[0]), sentence);
    }

    void describesEveryPartInOrder()
    {
        std::vector<MasterComponent> parts(4);
        parts[0].part = MasterComponent::Part::Etcd;
        parts[1].part = MasterComponent::Part::ApiServer;
        parts[2].part = MasterComponent::Part::ControllerManager;
        parts[3].part = MasterComponent::Part::Scheduler;
        parts[3].state = MasterComponent::State::Running;
        const std::vector<std::string> out = model::describeMasterVisibility(parts, true);
        QCOMPARE(out.size(), size_t(4));
        QVERIFY(out[0].starts_with("No etcd pod"));
        QVERIFY(out[1].starts_with("No kube-apiserver pod"));
        QVERIFY(out[2].starts_with("No kube-controller-manager pod"));
        QVERIFY(out[3].empty());
    }
};

QTEST_GUILESS_MAIN(TestApiHealth)
#include "tst_apihealth.moc"
