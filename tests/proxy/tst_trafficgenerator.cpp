// TrafficGenerator on a TestCluster with a ProxySimulator (Services and
// EndpointSlices by hand): request counts from rates on a FakeClock,
// failures at dead pods counted per pod, entry nodes (stopped proxies,
// nodes down), a stopped proxy's stale table sending traffic to a deleted
// endpoint, the per-second history and the access-log lines.

#include "backend/proxy/trafficgenerator.h"

#include "backend/proxy/proxysimulator.h"
#include "tests/proxy/proxyfixtures.h"
#include "tests/testing/testcluster.h"

#include <QTest>

#include <map>
#include <mutex>
#include <set>

using namespace kubist;
using namespace kubist::proxy;
using namespace kubist::proxytest;
using kubist::testing::TestCluster;
using namespace std::chrono_literals;

namespace {

std::string inQuotes(const std::string &text)
{
    const std::string q(1, char(34));
    return q + text + q;
}

// What the pods and nodes really do, as the cluster would tell it.
struct World
{
    std::mutex mutex;
    std::set<std::string> deadPods;
    std::set<std::string> downNodes;
    std::vector<std::pair<std::string, std::string>> log; // pod, line

    TrafficGenerator::Options wire(TrafficGenerator::Options o)
    {
        o.nodeUp = [this](const std::string &node) {
            std::lock_guard lock(mutex);
            return !downNodes.count(node);
        };
        o.podServing = [this](const std::string &ns, const std::string &pod) {
            std::lock_guard lock(mutex);
            return ns == "default" && !deadPods.count(pod);
        };
        o.requestLog = [this](const std::string &, const std::string &pod,
                              const std::string &line) {
            std::lock_guard lock(mutex);
            log.emplace_back(pod, line);
        };
        return o;
    }
    std::vector<std::pair<std::string, std::string>> logCopy()
    {
        std::lock_guard lock(mutex);
        return log;
    }
};

// Service default/web on nodes node-0..node-<nodes-1>, pod web-<i> at
// 10.0.0.<i+1>, tables synced.
struct Rig
{
    TestCluster c;
    std::unique_ptr<client::Client> client = c.client("kube-proxy");
    std::unique_ptr<ProxySimulator> sim;

    explicit Rig(int nodes = 3, int pods = 3)
    {
        ProxySimulator::Options o;
        o.watchNodes = false;
        sim = std::make_unique<ProxySimulator>(*client, c.clock, o);
        for (int i = 0; i < nodes; ++i)
            sim->addNode("node-" + std::to_string(i));
        sim->start();
        std::vector<Ep> eps;
        for (int i = 0; i < pods; ++i)
            eps.push_back(endpoint(i));
        if (!put(c.admin(), *service("default", "web", {{"http", 80}})) || !setEndpoints(eps) ||
            !c.run(2s))
            qFatal("Rig: setup failed");
    }
    ~Rig() { sim.reset(); }

    static Ep endpoint(int i)
    {
        return {"10.0.0." + std::to_string(i + 1), "web-" + std::to_string(i),
                "node-" + std::to_string(i % 3)};
    }
    bool setEndpoints(const std::vector<Ep> &eps)
    {
        return put(c.admin(), *slice("default", "web-a", "web", {{"http", 8080}}, eps));
    }
};

} // namespace

class TestTrafficGenerator : public QObject
{
    Q_OBJECT

private slots:
    void requestCount_data();
    void requestCount();
    void deadPodFails();
    void noEndpointsFails();
    void entryNodes_data();
    void entryNodes();
    void staleTableAfterStopProxy_data();
    void staleTableAfterStopProxy();
    void history();
    void accessLine_data();
    void accessLine();
    void requestLogLines();
    void stopEndsTraffic();
};

void TestTrafficGenerator::requestCount_data()
{
    QTest::addColumn<double>("rps");
    QTest::addColumn<int>("seconds");
    QTest::addColumn<int>("expected");
    QTest::newRow("5 rps for 10 s") << 5.0 << 10 << 50;
    QTest::newRow("2.5 rps for 4 s") << 2.5 << 4 << 10;
    QTest::newRow("7 rps for 1 s: fractions carried") << 7.0 << 1 << 7;
    QTest::newRow("0.5 rps for 10 s") << 0.5 << 10 << 5;
    QTest::newRow("3 rps for 20 s") << 3.0 << 20 << 60;
    QTest::newRow("rate 0: nothing") << 0.0 << 5 << 0;
}

void TestTrafficGenerator::requestCount()
{
    QFETCH(double, rps);
    QFETCH(int, seconds);
    QFETCH(int, expected);
    Rig rig;
    World world;
    TrafficGenerator::Options o = world.wire({});
    o.rates["default/web"] = rps;
    TrafficGenerator gen(*rig.sim, rig.c.clock, o);
    QCOMPARE(gen.rate("default", "web"), rps);
    gen.start();
    QVERIFY(rig.c.run(std::chrono::seconds(seconds)));
    const TrafficGenerator::Stats s = gen.serviceStats("default", "web");
    QCOMPARE(s.succeeded, uint64_t(expected));
    QCOMPARE(s.failed, uint64_t(0));
    uint64_t perPod = 0;
    for (int i = 0; i < 3; ++i)
        perPod += gen.podStats("default", "web-" + std::to_string(i)).succeeded;
    QCOMPARE(perPod, uint64_t(expected));
    QCOMPARE(world.logCopy().size(), size_t(expected));

    // A new rate takes effect at the next tick.
    gen.setRate("default", "web", 10);
    QCOMPARE(gen.rates(), (std::map<std::string, double>{{"default/web", 10.0}}));
    QVERIFY(rig.c.run(1s));
    QCOMPARE(gen.serviceStats("default", "web").succeeded, uint64_t(expected + 10));
    gen.setRate("default", "web", 0);
    QVERIFY(gen.rates().empty());
    QVERIFY(rig.c.run(1s));
    QCOMPARE(gen.serviceStats("default", "web").succeeded, uint64_t(expected + 10));
}

void TestTrafficGenerator::deadPodFails()
{
    Rig rig;
    World world;
    world.deadPods.insert("web-1");
    TrafficGenerator::Options o = world.wire({});
    o.rates["default/web"] = 10;
    TrafficGenerator gen(*rig.sim, rig.c.clock, o);
    gen.start();
    QVERIFY(rig.c.run(10s));
    const TrafficGenerator::Stats s = gen.serviceStats("default", "web");
    QCOMPARE(s.succeeded + s.failed, uint64_t(100));
    QVERIFY(s.failed > 10);
    const TrafficGenerator::Stats dead = gen.podStats("default", "web-1");
    QCOMPARE(dead.succeeded, uint64_t(0));
    QCOMPARE(dead.failed, s.failed);
    const TrafficGenerator::Stats a = gen.podStats("default", "web-0");
    const TrafficGenerator::Stats b = gen.podStats("default", "web-2");
    QVERIFY(a.succeeded > 10 && b.succeeded > 10);
    QCOMPARE(a.failed + b.failed, uint64_t(0));
    QCOMPARE(a.succeeded + b.succeeded, s.succeeded);
    for (const auto &[pod, line] : world.logCopy())
        QVERIFY(pod != "web-1"); // a dead pod logs nothing
    QCOMPARE(gen.podStats("default", "nope"), TrafficGenerator::Stats{});
    QCOMPARE(gen.serviceStats("default", "nope"), TrafficGenerator::Stats{});
}

void TestTrafficGenerator::noEndpointsFails()
{
    Rig rig(3, 0); // a Service without endpoints: connection refused
    World world;
    TrafficGenerator::Options o = world.wire({});
    o.rates["default/web"] = 5;
    o.rates["default/missing"] = 5; // no such Service
    TrafficGenerator gen(*rig.sim, rig.c.clock, o);
    gen.start();
    QVERIFY(rig.c.run(2s));
    QCOMPARE(gen.serviceStats("default", "web"), (TrafficGenerator::Stats{0, 10}));
    QCOMPARE(gen.serviceStats("default", "missing"), (TrafficGenerator::Stats{0, 10}));
    QVERIFY(world.logCopy().empty());
}

void TestTrafficGenerator::entryNodes_data()
{
    QTest::addColumn<QStringList>("stopped"); // proxies stopped
    QTest::addColumn<QStringList>("down");    // nodeUp false
    QTest::addColumn<QString>("clients");     // client addresses seen, per entry count
    QTest::newRow("every node") << QStringList{} << QStringList{}
                                << "10.244.0.1=10 10.244.1.1=10 10.244.2.1=10";
    QTest::newRow("proxy of node-1 stopped")
        << QStringList{"node-1"} << QStringList{} << "10.244.0.1=15 10.244.2.1=15";
    QTest::newRow("node-2 down") << QStringList{} << QStringList{"node-2"}
                                 << "10.244.0.1=15 10.244.1.1=15";
    QTest::newRow("one stopped, one down")
        << QStringList{"node-0"} << QStringList{"node-2"} << "10.244.1.1=30";
    QTest::newRow("no entry node: every request fails")
        << QStringList{"node-0", "node-1"} << QStringList{"node-2"} << "";
}

void TestTrafficGenerator::entryNodes()
{
    QFETCH(QStringList, stopped);
    QFETCH(QStringList, down);
    QFETCH(QString, clients);
    Rig rig;
    World world;
    for (const QString &n : stopped)
        QVERIFY(rig.sim->stopProxy(n.toStdString()));
    for (const QString &n : down)
        world.downNodes.insert(n.toStdString());
    TrafficGenerator::Options o = world.wire({});
    o.rates["default/web"] = 6;
    TrafficGenerator gen(*rig.sim, rig.c.clock, o);
    gen.start();
    QVERIFY(rig.c.run(5s));

    std::map<std::string, int> byClient;
    for (const auto &[pod, line] : world.logCopy())
        ++byClient[line.substr(0, line.find(' '))];
    QStringList seen;
    for (const auto &[ip, n] : byClient)
        seen << QString::fromStdString(ip + "=" + std::to_string(n));
    QCOMPARE(seen.join(' '), clients);
    const TrafficGenerator::Stats s = gen.serviceStats("default", "web");
    QCOMPARE(s.succeeded + s.failed, uint64_t(30));
    QCOMPARE(s.failed, clients.isEmpty() ? uint64_t(30) : uint64_t(0));
}

void TestTrafficGenerator::staleTableAfterStopProxy_data()
{
    QTest::addColumn<bool>("enterAtStopped");
    QTest::newRow("traffic through the stale rules fails at the deleted pod") << true;
    QTest::newRow("stopped proxies take no traffic: no failure") << false;
}

void TestTrafficGenerator::staleTableAfterStopProxy()
{
    QFETCH(bool, enterAtStopped);
    Rig rig(2, 2); // web-0 and web-1
    World world;
    QVERIFY(rig.sim->stopProxy("node-0"));
    // web-1 is deleted: it no longer serves and leaves the slice.
    {
        std::lock_guard lock(world.mutex);
        world.deadPods.insert("web-1");
    }
    QVERIFY(rig.setEndpoints({Rig::endpoint(0)}));
    QVERIFY(rig.c.run(3s));
    QCOMPARE(rig.sim->table("node-0").find("default/web")->routed.size(), size_t(2)); // stale
    QCOMPARE(rig.sim->table("node-1").find("default/web")->routed.size(), size_t(1));

    TrafficGenerator::Options o = world.wire({});
    o.rates["default/web"] = 10;
    o.enterAtStoppedProxies = enterAtStopped;
    TrafficGenerator gen(*rig.sim, rig.c.clock, o);
    gen.start();
    QVERIFY(rig.c.run(10s));
    const TrafficGenerator::Stats s = gen.serviceStats("default", "web");
    QCOMPARE(s.succeeded + s.failed, uint64_t(100));
    if (enterAtStopped) {
        QVERIFY(s.failed > 10);
        QCOMPARE(gen.podStats("default", "web-1").failed, s.failed);
    } else {
        QCOMPARE(s.failed, uint64_t(0));
    }

    // The proxy restarts, syncs: no more failures.
    QVERIFY(rig.sim->startProxy("node-0"));
    QVERIFY(rig.c.settle());
    const uint64_t failed = gen.serviceStats("default", "web").failed;
    QVERIFY(rig.c.run(10s));
    QCOMPARE(gen.serviceStats("default", "web").failed, failed);
    QCOMPARE(gen.serviceStats("default", "web").succeeded, s.succeeded + 100);
}

void TestTrafficGenerator::history()
{
    Rig rig;
    World world;
    TrafficGenerator::Options o = world.wire({});
    o.rates["default/web"] = 5;
    TrafficGenerator gen(*rig.sim, rig.c.clock, o); // starts at a whole second
    gen.start();
    QVERIFY(rig.c.run(3s));
    std::vector<TrafficGenerator::Stats> h = gen.history("default", "web");
    QCOMPARE(h.size(), size_t(60));
    // Ticks at +0.2 .. +0.8, +1.0 .. +1.8, +2.0 .. +2.8, +3.0.
    QCOMPARE(h[56], (TrafficGenerator::Stats{4, 0}));
    QCOMPARE(h[57], (TrafficGenerator::Stats{5, 0}));
    QCOMPARE(h[58], (TrafficGenerator::Stats{5, 0}));
    QCOMPARE(h[59], (TrafficGenerator::Stats{1, 0}));
    for (size_t i = 0; i < 56; ++i)
        QCOMPARE(h[i], TrafficGenerator::Stats{});

    // Failures land in the buckets too; old buckets roll out.
    {
        std::lock_guard lock(world.mutex);
        world.deadPods = {"web-0", "web-1", "web-2"};
    }
    QVERIFY(rig.c.run(70s));
    h = gen.history("default", "web");
    QCOMPARE(h.size(), size_t(60));
    for (size_t i = 0; i < 59; ++i)
        QCOMPARE(h[i], (TrafficGenerator::Stats{0, 5}));
    QCOMPARE(h[59], (TrafficGenerator::Stats{0, 1}));
    QCOMPARE(gen.serviceStats("default", "web"), (TrafficGenerator::Stats{15, 350}));
    QCOMPARE(gen.history("default", "nope").size(), size_t(60));
}

void TestTrafficGenerator::accessLine_data()
{
    QTest::addColumn<QString>("client");
    QTest::addColumn<qint64>("epochSeconds");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("expected");
    const std::string tail = " " + inQuotes("-") + " " + inQuotes("kubist-traffic/1.0");
    const std::string get = inQuotes("GET / HTTP/1.1");
    QTest::newRow("new year") << "10.244.1.1" << qint64(1767225605) << 200
                              << QString::fromStdString(
                                     "10.244.1.1 - - [01/Jan/2026:00:00:05 +0000] " + get +
                                     " 200 615" + tail);
    QTest::newRow("later in the year, another status")
        << "10.244.2.1" << qint64(1767225600 + 45 * 86400 + 13 * 3600 + 7 * 60 + 9) << 503
        << QString::fromStdString("10.244.2.1 - - [15/Feb/2026:13:07:09 +0000] " + get +
                                  " 503 615" + tail);
}

void TestTrafficGenerator::accessLine()
{
    QFETCH(QString, client);
    QFETCH(qint64, epochSeconds);
    QFETCH(int, status);
    QFETCH(QString, expected);
    const Clock::Time t{std::chrono::seconds(epochSeconds)};
    QCOMPARE(QString::fromStdString(
                 TrafficGenerator::accessLine(client.toStdString(), t + 300ms, status)),
             expected);
}

void TestTrafficGenerator::requestLogLines()
{
    Rig rig;
    World world;
    TrafficGenerator::Options o = world.wire({});
    o.rates["default/web"] = 5;
    TrafficGenerator gen(*rig.sim, rig.c.clock, o);
    const Clock::Time start = rig.c.clock.now();
    gen.start();
    QVERIFY(rig.c.run(1s));
    const auto log = world.logCopy();
    QCOMPARE(log.size(), size_t(5));
    // Round-robin over the nodes; each line names the pod that served it.
    for (size_t i = 0; i < log.size(); ++i) {
        const std::string client = "10.244." + std::to_string(i % 3) + ".1";
        const Clock::Time when = start + (i + 1) * 200ms;
        QCOMPARE(log[i].second, TrafficGenerator::accessLine(client, when));
        QVERIFY(log[i].first.rfind("web-", 0) == 0);
    }
    QVERIFY(log[0].second.find("[01/Jan/2026:00:00:02 +0000]") != std::string::npos);
}

void TestTrafficGenerator::stopEndsTraffic()
{
    Rig rig;
    World world;
    TrafficGenerator::Options o = world.wire({});
    o.rates["default/web"] = 5;
    TrafficGenerator gen(*rig.sim, rig.c.clock, o);
    gen.start();
    QVERIFY(rig.c.run(2s));
    gen.stop();
    gen.stop();
    QVERIFY(rig.c.run(5s));
    QCOMPARE(gen.serviceStats("default", "web").succeeded, uint64_t(10));
    gen.start(); // a stopped generator is not restarted
    QVERIFY(rig.c.run(2s));
    QCOMPARE(gen.serviceStats("default", "web").succeeded, uint64_t(10));
}

QTEST_GUILESS_MAIN(TestTrafficGenerator)
#include "tst_trafficgenerator.moc"
