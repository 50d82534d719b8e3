// ProxySimulator on a TestCluster (Services and EndpointSlices written by
// hand, no controllers): tables follow the slices on every node, lag by
// the sync delay, a stopped proxy keeps its stale table while the others
// update, nodes come and go (by hand and from Node objects), and stop()
// is safe with syncs pending.

#include "backend/proxy/proxysimulator.h"

#include "tests/proxy/proxyfixtures.h"
#include "tests/testing/testcluster.h"

#include <QTest>

#include <mutex>

using namespace kubist;
using namespace kubist::proxy;
using namespace kubist::proxytest;
using kubist::testing::TestCluster;
using namespace std::chrono_literals;

namespace {

QString routedIps(const ProxySimulator &sim, const std::string &node,
                  const std::string &service = "default/web")
{
    const ProxyTable t = sim.table(node);
    const ProxyServicePort *p = t.find(service, "http");
    if (!p)
        return "<none>";
    QStringList out;
    for (const ProxyEndpoint &e : p->routed)
        out << QString::fromStdString(e.ip);
    return out.join(' ');
}

ProxySimulator::Options manualNodes(Clock::Duration minSync = 1s)
{
    ProxySimulator::Options o;
    o.minSyncPeriod = minSync;
    o.watchNodes = false;
    return o;
}

bool putWeb(client::Client &c)
{
    return put(c, *service("default", "web", {{"http", 80}}));
}

bool putSlice(client::Client &c, const std::string &name, const std::vector<Ep> &eps)
{
    return put(c, *slice("default", name, "web", {{"http", 8080}}, eps));
}

} // namespace

class TestProxySimulator : public QObject
{
    Q_OBJECT

private slots:
    void tablesFollowSlices();
    void lagsBySyncDelay_data();
    void lagsBySyncDelay();
    void stoppedProxyKeepsStaleTable();
    void unknownNode();
    void addAndRemoveNodes();
    void nodesFromNodeObjects();
    void tableChangedCallback();
    void stopWithSyncsPending();
};

void TestProxySimulator::tablesFollowSlices()
{
    TestCluster c;
    auto client = c.client("kube-proxy");
    ProxySimulator sim(*client, c.clock, manualNodes());
    sim.addNode("node-0");
    sim.addNode("node-1");
    sim.start();

    QVERIFY(putWeb(c.admin()));
    QVERIFY(putSlice(c.admin(), "web-a", {{"10.0.0.1", "web-1"}, {"10.0.0.2", "web-2"}}));
    QVERIFY(c.run(2s));
    for (const std::string node : {"node-0", "node-1"}) {
        QCOMPARE(routedIps(sim, node), QString("10.0.0.1 10.0.0.2"));
        const ProxyTable table = sim.table(node); // a copy: keep it alive while reading
        const ProxyServicePort *p = table.find("default/web");
        QVERIFY(p);
        QVERIFY(!p->clusterIP.empty()); // allocated by the API server
        QCOMPARE(p->port, 80);
        QCOMPARE(p->endpoints.front().port, 8080);
        QCOMPARE(p->endpoints.front().podName, std::string("web-1"));
    }
    const uint64_t v1 = sim.tableVersion("node-0");
    QVERIFY(v1 > 0);

    // An endpoint turns not ready.
    QVERIFY(putSlice(c.admin(), "web-a",
                     {{"10.0.0.1", "web-1"}, {"10.0.0.2", "web-2", "node-0", false}}));
    QVERIFY(c.run(2s));
    QCOMPARE(routedIps(sim, "node-0"), QString("10.0.0.1"));
    QVERIFY(sim.tableVersion("node-0") > v1);

    // A second slice.
    QVERIFY(putSlice(c.admin(), "web-b", {{"10.0.0.3", "web-3"}}));
    QVERIFY(c.run(2s));
    QCOMPARE(routedIps(sim, "node-1"), QString("10.0.0.1 10.0.0.3"));

    // Every endpoint terminating: the serving ones as fallback.
    QVERIFY(putSlice(c.admin(), "web-a",
                     {{"10.0.0.1", "web-1", "node-0", false, true, true},
                      {"10.0.0.2", "web-2", "node-0", false, false, true}}));
    QVERIFY(putSlice(c.admin(), "web-b", {{"10.0.0.3", "web-3", "node-0", false, true, true}}));
    QVERIFY(c.run(2s));
    QCOMPARE(routedIps(sim, "node-1"), QString("10.0.0.1 10.0.0.3"));

    // Slices deleted: no endpoints; Service deleted: no rules.
    QVERIFY(removeObject<discovery::EndpointSlice>(c.admin(), "default", "web-a"));
    QVERIFY(removeObject<discovery::EndpointSlice>(c.admin(), "default", "web-b"));
    QVERIFY(c.run(2s));
    QCOMPARE(routedIps(sim, "node-0"), QString(""));
    QVERIFY(removeObject<core::Service>(c.admin(), "default", "web"));
    QVERIFY(c.run(2s));
    QCOMPARE(routedIps(sim, "node-0"), QString("<none>"));
}

void TestProxySimulator::lagsBySyncDelay_data()
{
    QTest::addColumn<int>("periodMs");
    QTest::newRow("default 1 s") << 1000;
    QTest::newRow("3 s") << 3000;
    QTest::newRow("200 ms") << 200;
}

void TestProxySimulator::lagsBySyncDelay()
{
    QFETCH(int, periodMs);
    const Clock::Duration period = std::chrono::milliseconds(periodMs);
    TestCluster c;
    auto client = c.client("kube-proxy");
    ProxySimulator sim(*client, c.clock, manualNodes(period));
    sim.addNode("node-0");
    sim.start();
    QVERIFY(putWeb(c.admin()));
    QVERIFY(putSlice(c.admin(), "web-a", {{"10.0.0.1", "web-1"}}));
    QVERIFY(c.run(2 * period));
    QCOMPARE(routedIps(sim, "node-0"), QString("10.0.0.1"));

    QVERIFY(putSlice(c.admin(), "web-a", {{"10.0.0.2", "web-2"}}));
    QVERIFY(c.settle());
    QCOMPARE(routedIps(sim, "node-0"), QString("10.0.0.1")); // not yet
    QVERIFY(c.run(period - 1ms));
    QCOMPARE(routedIps(sim, "node-0"), QString("10.0.0.1")); // still not
    QVERIFY(c.run(1ms));
    QCOMPARE(routedIps(sim, "node-0"), QString("10.0.0.2"));

    // A burst of changes is programmed in one sync.
    const uint64_t v = sim.tableVersion("node-0");
    QVERIFY(putSlice(c.admin(), "web-a", {{"10.0.0.3", "web-3"}}));
    QVERIFY(c.run(period / 2));
    QVERIFY(putSlice(c.admin(), "web-a", {{"10.0.0.4", "web-4"}}));
    QVERIFY(c.run(period / 2));
    QCOMPARE(routedIps(sim, "node-0"), QString("10.0.0.4"));
    QCOMPARE(sim.tableVersion("node-0"), v + 1);
}

void TestProxySimulator::stoppedProxyKeepsStaleTable()
{
    TestCluster c;
    auto client = c.client("kube-proxy");
    ProxySimulator sim(*client, c.clock, manualNodes());
    sim.addNode("node-0");
    sim.addNode("node-1");
    sim.start();
    QVERIFY(putWeb(c.admin()));
    QVERIFY(putSlice(c.admin(), "web-a", {{"10.0.0.1", "web-1"}, {"10.0.0.2", "web-2"}}));
    QVERIFY(c.run(2s));

    QVERIFY(sim.stopProxy("node-0"));
    QVERIFY(!sim.proxyRunning("node-0"));
    QVERIFY(sim.proxyRunning("node-1"));
    const uint64_t stale = sim.tableVersion("node-0");
    QVERIFY(putSlice(c.admin(), "web-a", {{"10.0.0.1", "web-1"}}));
    QVERIFY(c.run(10s));
    QCOMPARE(routedIps(sim, "node-0"), QString("10.0.0.1 10.0.0.2")); // stale
    QCOMPARE(sim.tableVersion("node-0"), stale);
    QCOMPARE(routedIps(sim, "node-1"), QString("10.0.0.1"));
    QVERIFY(sim.stopProxy("node-0")); // twice: fine

    // Restarted: it syncs at once.
    QVERIFY(sim.startProxy("node-0"));
    QVERIFY(sim.proxyRunning("node-0"));
    QVERIFY(c.settle());
    QCOMPARE(routedIps(sim, "node-0"), QString("10.0.0.1"));
    QVERIFY(sim.tableVersion("node-0") > stale);
}

void TestProxySimulator::unknownNode()
{
    TestCluster c;
    auto client = c.client("kube-proxy");
    ProxySimulator sim(*client, c.clock, manualNodes());
    sim.start();
    QCOMPARE(sim.stopProxy("nope").code(), Status::Code::NotFound);
    QCOMPARE(sim.startProxy("nope").code(), Status::Code::NotFound);
    QVERIFY(!sim.proxyRunning("nope"));
    QVERIFY(sim.table("nope").empty());
    QCOMPARE(sim.tableVersion("nope"), uint64_t(0));
    std::mt19937_64 rng(1);
    QVERIFY(!sim.route("nope", "default/web", "", rng));
}

void TestProxySimulator::addAndRemoveNodes()
{
    TestCluster c;
    auto client = c.client("kube-proxy");
    ProxySimulator sim(*client, c.clock, manualNodes());
    sim.start();
    QVERIFY(putWeb(c.admin()));
    QVERIFY(putSlice(c.admin(), "web-a", {{"10.0.0.1", "web-1"}}));
    QVERIFY(c.run(2s));

    // A node added later syncs at once.
    sim.addNode("node-b");
    sim.addNode("node-a");
    sim.addNode("node-a");
    QVERIFY(c.settle());
    QCOMPARE(sim.nodes(), (std::vector<std::string>{"node-a", "node-b"}));
    QCOMPARE(routedIps(sim, "node-a"), QString("10.0.0.1"));
    QCOMPARE(sim.tableVersion("node-a"), uint64_t(1));

    sim.removeNode("node-a");
    sim.removeNode("node-a");
    QCOMPARE(sim.nodes(), (std::vector<std::string>{"node-b"}));
    QVERIFY(sim.table("node-a").empty());
    QVERIFY(c.run(2s));
}

void TestProxySimulator::nodesFromNodeObjects()
{
    TestCluster c;
    auto client = c.client("kube-proxy");
    ProxySimulator sim(*client, c.clock); // watchNodes by default
    sim.start();
    QVERIFY(putWeb(c.admin()));
    QVERIFY(putSlice(c.admin(), "web-a", {{"10.0.0.1", "web-1"}}));
    for (const std::string name : {"n1", "n2"}) {
        core::Node node;
        node.mutable_metadata()->set_name(name);
        QVERIFY(c.admin().create(kindOf<core::Node>(), "", node));
    }
    QVERIFY(c.run(2s));
    QCOMPARE(sim.nodes(), (std::vector<std::string>{"n1", "n2"}));
    QCOMPARE(routedIps(sim, "n2"), QString("10.0.0.1"));

    QVERIFY(removeObject<core::Node>(c.admin(), "", "n1"));
    QVERIFY(c.run(2s));
    QCOMPARE(sim.nodes(), (std::vector<std::string>{"n2"}));
}

void TestProxySimulator::tableChangedCallback()
{
    TestCluster c;
    auto client = c.client("kube-proxy");
    std::mutex mutex;
    std::vector<std::pair<std::string, uint64_t>> seen;
    ProxySimulator::Options o = manualNodes();
    o.onTableChanged = [&](const std::string &node, uint64_t version) {
        std::lock_guard lock(mutex);
        seen.emplace_back(node, version);
    };
    ProxySimulator sim(*client, c.clock, o);
    sim.addNode("node-0");
    sim.start();
    QVERIFY(c.run(2s));
    QVERIFY(putWeb(c.admin()));
    QVERIFY(putSlice(c.admin(), "web-a", {{"10.0.0.1", "web-1"}}));
    QVERIFY(c.run(2s));
    std::lock_guard lock(mutex);
    QVERIFY(!seen.empty());
    QCOMPARE(seen.back().first, std::string("node-0"));
    QCOMPARE(seen.back().second, sim.tableVersion("node-0"));
    for (size_t i = 1; i < seen.size(); ++i)
        QVERIFY(seen[i].second > seen[i - 1].second);
}

void TestProxySimulator::stopWithSyncsPending()
{
    TestCluster c;
    auto client = c.client("kube-proxy");
    ProxySimulator sim(*client, c.clock, manualNodes(5s));
    sim.addNode("node-0");
    sim.addNode("node-1");
    sim.start();
    QVERIFY(putWeb(c.admin()));
    QVERIFY(putSlice(c.admin(), "web-a", {{"10.0.0.1", "web-1"}}));
    QVERIFY(c.run(10s));
    QVERIFY(putSlice(c.admin(), "web-a", {{"10.0.0.2", "web-2"}}));
    QVERIFY(c.settle()); // syncs now pending
    sim.stop();
    sim.stop();
    QVERIFY(c.run(10s));
    QCOMPARE(routedIps(sim, "node-0"), QString("10.0.0.1")); // readable, not updated
    sim.addNode("node-2");                                   // after stop: nothing scheduled
    QVERIFY(c.run(2s));
    QCOMPARE(sim.tableVersion("node-2"), uint64_t(0));
}

QTEST_GUILESS_MAIN(TestProxySimulator)
#include "tst_proxysimulator.moc"
