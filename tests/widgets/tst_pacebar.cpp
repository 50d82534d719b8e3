// PaceBar over a SimClock on an injected wall source: pause freezes cluster
// time and the control plane's work (a real ReplicaSet controller on the
// SimClock makes no pods while paused), step moves one second and lets
// every queue act once, resume lets it all flow; speeds and the readout.

#include "widgets/pacebar.h"

#include "backend/apiserver/apiserver.h"
#include "backend/client/client.h"
#include "backend/controllers/replicaset/replicasetcontroller.h"
#include "backend/store/store.h"
#include "backend/util/simclock.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"

#include <QAction>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <chrono>

using namespace kubist;
using namespace std::chrono_literals;
using widgets::PaceBar;

namespace apps = k8s::io::api::apps::v1;
namespace core = k8s::io::api::core::v1;

namespace {

// A wall clock the test moves by hand.
struct Wall
{
    std::atomic<int64_t> ms{1'700'000'000'000};
    Clock::Time now() const { return Clock::Time(std::chrono::milliseconds(ms.load())); }
    void advance(std::chrono::milliseconds d) { ms += d.count(); }
};

// A control plane on a SimClock: store, API server, ReplicaSet controller.
struct SimCluster
{
    Wall wall;
    SimClock clock{[this] { return wall.now(); }};
    QTemporaryDir dir;
    std::unique_ptr<store::Store> store;
    std::unique_ptr<apiserver::ApiServer> server;
    std::unique_ptr<client::Client> admin;
    std::unique_ptr<client::Client> controllerClient;
    std::unique_ptr<controllers::ReplicaSetController> rs;

    SimCluster()
    {
        store::StoreOptions o;
        o.compactionIntervalMs = 0;
        o.powerSafe = false;
        auto s = store::Store::open(dir.path().toStdString() + "/store", o);
        if (!s)
            qFatal("store: %s", s.status().message().c_str());
        store = std::move(*s);
        server = std::make_unique<apiserver::ApiServer>(*store, clock);
        if (Status b = server->registry().bootstrap(); !b)
            qFatal("bootstrap: %s", b.message().c_str());
        admin = server->localClient("admin");
        controllerClient = server->localClient("kube-controller-manager");
        rs = std::make_unique<controllers::ReplicaSetController>(*controllerClient, clock);
        rs->start();
    }
    ~SimCluster()
    {
        clock.resume(); // let the controller's queue drain as it stops
        rs->stop();
    }

    void createReplicaSet(const std::string &name, int replicas)
    {
        apps::ReplicaSet r;
        r.mutable_metadata()->set_namespace_("default");
        r.mutable_metadata()->set_name(name);
        r.mutable_spec()->set_replicas(replicas);
        (*r.mutable_spec()->mutable_selector()->mutable_match_labels())["app"] = name;
        (*r.mutable_spec()->mutable_template_()->mutable_metadata()->mutable_labels())["app"] =
            name;
        core::Container *c =
            r.mutable_spec()->mutable_template_()->mutable_spec()->add_containers();
        c->set_name("main");
        c->set_image("nginx");
        const api::KindInfo *kind =
            api::Scheme::builtin().byDescriptor(apps::ReplicaSet::descriptor());
        if (Result<client::ObjectPtr> created = admin->create(*kind, "default", r); !created)
            qFatal("create: %s", created.status().message().c_str());
    }
    int pods()
    {
        const api::KindInfo *kind = api::Scheme::builtin().byDescriptor(core::Pod::descriptor());
        Result<client::ListResult> l = admin->list(*kind, "default");
        return l ? int(l->items.size()) : -1;
    }
};

} // namespace

class TestPaceBar : public QObject
{
    Q_OBJECT

private slots:
    void pauseFreezesTheClusterStepAndResumeLetItGo()
    {
        SimCluster c;
        PaceBar bar(c.clock);
        QVERIFY(!bar.pauseAction()->isChecked());

        // Paused: cluster time stands still and nobody reacts.
        bar.pauseAction()->trigger();
        QVERIFY(c.clock.isPaused());
        QVERIFY(!c.clock.paceGate()->isOpen());
        const Clock::Time frozen = c.clock.now();
        c.wall.advance(5s);
        c.clock.wallChanged();
        QCOMPARE(c.clock.now(), frozen);
        bar.refresh();
        QCOMPARE(bar.paceText(), QString("paused, 5.0 s behind"));
        c.createReplicaSet("web", 2);
        // A negative check needs some real time: the controller's informer
        // sees the ReplicaSet at once, but its queue hands out nothing.
        QTest::qWait(300);
        QCOMPARE(c.pods(), 0);

        // Step: one second of cluster time, one round of work.
        QVERIFY(bar.stepAction()->isEnabled());
        const uint64_t round = c.clock.paceGate()->round();
        bar.stepAction()->trigger();
        QCOMPARE(c.clock.now(), frozen + 1s);
        QVERIFY(c.clock.paceGate()->round() > round);
        QTRY_COMPARE_WITH_TIMEOUT(c.pods(), 2, 10000);
        QVERIFY(c.clock.isPaused());

        // Still paused after the round: a new ReplicaSet gets no pod...
        c.createReplicaSet("api", 1);
        QTest::qWait(300);
        QCOMPARE(c.pods(), 2);
        // ...until the cluster resumes.
        bar.pauseAction()->trigger();
        QVERIFY(!c.clock.isPaused());
        QVERIFY(c.clock.paceGate()->isOpen());
        QTRY_COMPARE_WITH_TIMEOUT(c.pods(), 3, 10000);
    }

    void speedsAndReadout_data()
    {
        QTest::addColumn<int>("speedIndex");
        QTest::addColumn<double>("speed");
        QTest::addColumn<QString>("text");
        QTest::newRow("quarter speed") << 0 << 0.25 << "0.25x, 4.0 s behind";
        QTest::newRow("real time") << 1 << 1.0 << "1x, 4.0 s behind";
        QTest::newRow("catching up at 4x") << 2 << 4.0 << "4x, 4.0 s behind";
        QTest::newRow("catching up at 20x") << 3 << 20.0 << "20x, 4.0 s behind";
    }
    void speedsAndReadout()
    {
        QFETCH(int, speedIndex);
        QFETCH(double, speed);
        QFETCH(QString, text);
        Wall wall;
        SimClock clock([&] { return wall.now(); });
        PaceBar bar(clock);
        bar.setPaused(true);
        wall.advance(4s);
        bar.setPaused(false); // resumes 4 s behind the wall
        bar.speedAction(speedIndex)->trigger();
        QCOMPARE(clock.speed(), speed);
        QVERIFY(bar.speedAction(speedIndex)->isChecked());
        QCOMPARE(bar.paceText(), text);
        // At k > 1 the cluster catches up k times faster than the wall moves.
        const Clock::Time before = clock.now();
        wall.advance(100ms);
        const auto moved = clock.now() - before;
        QCOMPARE(std::chrono::duration_cast<std::chrono::milliseconds>(moved).count(),
                 std::llround(100 * speed));
    }

    void stepCannotPassTheWall()
    {
        Wall wall;
        SimClock clock([&] { return wall.now(); });
        PaceBar bar(clock);
        bar.setPaused(true);
        bar.refresh();
        QVERIFY(!bar.stepAction()->isEnabled()); // not behind: nothing to step into
        wall.advance(500ms);
        bar.refresh();
        QVERIFY(bar.stepAction()->isEnabled());
        const Clock::Time before = clock.now();
        bar.step();
        QCOMPARE(clock.now() - before, Clock::Duration(500ms));
    }
};

QTEST_MAIN(TestPaceBar)
#include "tst_pacebar.moc"
