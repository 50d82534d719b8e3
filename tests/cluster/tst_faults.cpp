// Failure and recovery of the whole embedded cluster on a FakeClock, with
// the demo profile: every fault of the picture, injected as a
// kubist.io/v1alpha1 Fault object or through ClusterControl, and the
// cluster's reaction until it is whole again.

#include "backend/client/eventrecorder.h"
#include "backend/kubelet/nodesimulator.h"
#include "backend/proxy/proxysimulator.h"
#include "backend/proxy/trafficgenerator.h"
#include "backend/util/simclock.h"
#include "tests/cluster/embeddedclustertest.h"

#include "kubist_v1alpha1.pb.h"

#include <QElapsedTimer>
#include <QThread>

#include <algorithm>

using namespace kubist;
using namespace std::chrono_literals;
namespace core = k8s::io::api::core::v1;
namespace apps = k8s::io::api::apps::v1;
namespace v1alpha1 = io::kubist::v1alpha1;
using cluster::ClusterControl;
using cluster::EmbeddedCluster;
using testing::kindOf;

namespace {

std::string faultJson(const std::string &name, const std::string &targetKind,
                      const std::string &target, const std::string &action,
                      const std::string &duration = {}, const std::string &ns = {})
{
    std::string j = "{\"apiVersion\":\"kubist.io/v1alpha1\",\"kind\":\"Fault\","
                    "\"metadata\":{\"name\":\"" +
                    name + "\"},\"spec\":{\"target\":{\"kind\":\"" + targetKind + "\",\"name\":\"" +
                    target + "\"";
    if (!ns.empty())
        j += ",\"namespace\":\"" + ns + "\"";
    j += "},\"action\":\"" + action + "\"";
    if (!duration.empty())
        j += ",\"duration\":\"" + duration + "\"";
    return j + "}}";
}

template<class... Args> QString faultJsonQ(Args &&...args)
{
    return QString::fromStdString(faultJson(std::forward<Args>(args)...));
}

bool hasTaint(const core::Node &n, const std::string &key)
{
    return std::any_of(n.spec().taints().begin(), n.spec().taints().end(),
                       [&](const auto &t) { return t.key() == key; });
}

std::string readyStatus(const core::Node &n)
{
    for (const auto &c : n.status().conditions())
        if (c.type() == "Ready")
            return c.status();
    return "";
}

} // namespace

class TestFaults : public testing::EmbeddedClusterTest
{
    Q_OBJECT

    std::shared_ptr<const v1alpha1::Fault> fault(const std::string &name)
    {
        return get<v1alpha1::Fault>("", name);
    }

    std::string phaseOf(const std::string &name)
    {
        auto f = fault(name);
        return f ? f->status().phase() : "<none>";
    }

    Status createFault(const std::string &json)
    {
        const api::Scheme &scheme = api::Scheme::builtin();
        Result<google::protobuf::Message *> decoded =
            api::JsonCodec::decodeAny(json, scheme.resolver());
        if (!decoded)
            return decoded.status();
        std::unique_ptr<google::protobuf::Message> object(*decoded);
        return m_admin->create(kindOf<v1alpha1::Fault>(), "", *object).status();
    }

    Status deleteFault(const std::string &name)
    {
        return m_admin->remove(kindOf<v1alpha1::Fault>(), "", name).status();
    }

    // The node running a web pod (worker-2 if it runs one).
    std::string nodeOfAWebPod()
    {
        std::multiset<std::string> nodes = readyPodNodes("default", "app=web");
        if (nodes.contains("worker-2"))
            return "worker-2";
        return nodes.empty() ? "" : *nodes.begin();
    }

    std::vector<std::string> webPodsOn(const std::string &node)
    {
        std::vector<std::string> out;
        for (const auto &p : list<core::Pod>("default", "app=web"))
            if (p->spec().node_name() == node)
                out.push_back(p->metadata().name());
        return out;
    }

    bool webWholeAvoiding(const std::string &node)
    {
        const std::multiset<std::string> nodes = readyPodNodes("default", "app=web");
        return nodes.size() == 3 && !nodes.contains(node) &&
               endpointAddresses("default", "web") == 3;
    }

    int eventsWithReason(const std::string &reason)
    {
        int n = 0;
        for (const auto &e : list<core::Event>(""))
            n += e->reason() == reason;
        return n;
    }

private slots:
    void init() { openCluster(); }
    void cleanup() { closeCluster(); }

    // ---- Fault objects over the API ----------------------------------------

    void faultObjectsAreValidated_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown node") << faultJsonQ("f", "Node", "nope", "PowerOff")
                                      << "is not a node this cluster simulates";
        QTest::newRow("unknown pod")
            << faultJsonQ("f", "Pod", "nope", "CrashContainer", "", "default")
            << "does not run on a node this cluster simulates";
        QTest::newRow("unknown component")
            << faultJsonQ("f", "Component", "kubelet", "Stop") << "Unsupported value: \"kubelet\"";
        QTest::newRow("action of another kind")
            << faultJsonQ("f", "Node", "worker-1", "Stop") << "Unsupported value: \"Stop\"";
        QTest::newRow("etcd without a duration")
            << faultJsonQ("f", "Component", "etcd", "Stop") << "spec.duration: Required value";
        QTest::newRow("apiserver without a duration")
            << faultJsonQ("f", "Component", "apiserver", "Stop") << "spec.duration: Required value";
        QTest::newRow("bad duration")
            << faultJsonQ("f", "Node", "worker-1", "PowerOff", "soon") << "time: invalid duration";
        QTest::newRow("pod without a namespace")
            << faultJsonQ("f", "Pod", "web", "CrashContainer") << "spec.target.namespace";
    }

    void faultObjectsAreValidated()
    {
        QFETCH(QString, json);
        QFETCH(QString, message);
        Status s = createFault(json.toStdString());
        QCOMPARE(s.code(), Status::Code::Invalid);
        QVERIFY2(s.message().find(message.toStdString()) != std::string::npos, s.message().c_str());
        QVERIFY(!fault("f"));
    }

    void faultSpecIsImmutable()
    {
        QVERIFY(createFault(faultJson("f", "Node", "worker-1", "StopProxy")).isOk());
        Result<client::ObjectPtr> r =
            m_admin->patch(kindOf<v1alpha1::Fault>(), "", "f", client::PatchType::Merge,
                           "{\"spec\":{\"action\":\"PowerOff\"}}");
        QCOMPARE(r.status().code(), Status::Code::Invalid);
    }

    void faultWithDurationHealsItself()
    {
        QVERIFY(
            createFault(faultJson("proxy-down", "Node", "worker-1", "StopProxy", "30s")).isOk());
        QVERIFY(runUntil([&] { return phaseOf("proxy-down") == "Active"; }, 5s));
        auto f = fault("proxy-down");
        QVERIFY(f->status().has_injected_at());
        QVERIFY(!m_cluster->proxies()->proxyRunning("worker-1"));
        QCOMPARE(m_cluster->faults().front().name, std::string("proxy-down"));
        // Healed after 30 s of cluster time; the object stays, Healed.
        QVERIFY(runUntil([&] { return phaseOf("proxy-down") == "Healed"; }, 40s));
        f = fault("proxy-down");
        QVERIFY(f->status().has_healed_at());
        const int64_t lasted =
            f->status().healed_at().seconds() - f->status().injected_at().seconds();
        QVERIFY2(lasted >= 30 && lasted <= 31, std::to_string(lasted).c_str());
        QVERIFY(m_cluster->proxies()->proxyRunning("worker-1"));
        QVERIFY(eventsWithReason("FaultInjected") >= 1);
        QVERIFY(eventsWithReason("FaultHealed") >= 1);
    }

    void deletingAFaultHealsIt()
    {
        QVERIFY(createFault(faultJson("off", "Node", "worker-3", "PowerOff")).isOk());
        QVERIFY(runUntil([&] { return phaseOf("off") == "Active"; }, 5s));
        QVERIFY(!m_cluster->isNodePoweredOn("worker-3"));
        QVERIFY(deleteFault("off").isOk());
        QVERIFY(runUntil([&] { return m_cluster->isNodePoweredOn("worker-3"); }, 5s));
        QVERIFY(m_cluster->faults().empty() || m_cluster->faults().front().phase == "Healed");
    }

    void directFaultsShowInTheApi()
    {
        // What the GUI injects through ClusterControl becomes a Fault object.
        Result<std::string> name =
            m_cluster->injectFault({"Node", "worker-1", "", "Partition", std::nullopt});
        QVERIFY2(name.isOk(), name.status().message().c_str());
        QVERIFY(runUntil([&] { return phaseOf(*name) == "Active"; }, 5s));
        QCOMPARE(fault(*name)->spec().action(), std::string("Partition"));
        // The same fault twice is refused; another action on the node is not.
        QCOMPARE(m_cluster->injectFault({"Node", "worker-1", "", "Partition", std::nullopt})
                     .status()
                     .code(),
                 Status::Code::AlreadyExists);
        QVERIFY(m_cluster->healFault(*name).isOk());
        QVERIFY(runUntil([&] { return phaseOf(*name) == "Healed"; }, 5s));
        QCOMPARE(m_cluster->healFault(*name).code(), Status::Code::NotFound);
        // Impossible faults are refused directly too.
        QCOMPARE(
            m_cluster->injectFault({"Node", "nope", "", "PowerOff", std::nullopt}).status().code(),
            Status::Code::InvalidArgument);
    }

    // ---- Node faults and the cluster's reaction -----------------------------

    void powerOffMovesPodsAndTrafficRecovers()
    {
        const std::string node = nodeOfAWebPod();
        QVERIFY(!node.empty());
        QVERIFY(runUntil([&] { return m_cluster->serviceTraffic("default", "web").succeeded > 20; },
                         10s));
        QVERIFY(createFault(faultJson("off", "Node", node, "PowerOff")).isOk());
        const Clock::Time injected = m_clock->now();
        // The node goes Unknown (no lease), is tainted, its pods are evicted
        // and run elsewhere, the endpoints follow.
        QVERIFY(runUntil(
            [&] {
                auto n = get<core::Node>("", node);
                return readyStatus(*n) == "Unknown" &&
                       hasTaint(*n, "node.kubernetes.io/unreachable");
            },
            20s));
        QVERIFY(runUntil([&] { return webWholeAvoiding(node); }, 40s));
        const auto took = m_clock->now() - injected;
        QVERIFY2(
            took <= 25s,
            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(took).count()).c_str());
        // Requests routed to the dead pod failed meanwhile; once the tables
        // follow the endpoints, none fail any more.
        QVERIFY(m_cluster->serviceTraffic("default", "web").failed > 0);
        QVERIFY(testing::run(*m_clock, 3s));
        const uint64_t failed = m_cluster->serviceTraffic("default", "web").failed;
        const uint64_t ok = m_cluster->serviceTraffic("default", "web").succeeded;
        QVERIFY(testing::run(*m_clock, 10s));
        QCOMPARE(m_cluster->serviceTraffic("default", "web").failed, failed);
        QVERIFY(m_cluster->serviceTraffic("default", "web").succeeded > ok);
        // Power back on: the node is Ready again.
        QVERIFY(deleteFault("off").isOk());
        QVERIFY(runUntil([&] { return readyStatus(*get<core::Node>("", node)) == "True"; }, 20s));
    }

    void partitionReplacesPodsAndHealingReconcilesDuplicates()
    {
        const std::string node = nodeOfAWebPod();
        const std::vector<std::string> before = webPodsOn(node);
        QVERIFY(!before.empty());
        QVERIFY(createFault(faultJson("cut", "Node", node, "Partition")).isOk());
        QVERIFY(runUntil([&] { return webWholeAvoiding(node); }, 40s));
        // The partitioned node's pods still run (nobody told them to stop),
        // and the API shows them Terminating.
        for (const std::string &p : before) {
            QVERIFY(m_cluster->nodes()->isPodServing("default", p));
            auto pod = get<core::Pod>("default", p);
            QVERIFY(pod && pod->metadata().has_deletion_timestamp());
        }
        // Healing reconciles: the kubelet kills the duplicates and they go away.
        QVERIFY(deleteFault("cut").isOk());
        QVERIFY(runUntil(
            [&] {
                for (const std::string &p : before)
                    if (get<core::Pod>("default", p))
                        return false;
                return readyStatus(*get<core::Node>("", node)) == "True";
            },
            40s));
        QCOMPARE(readyPodNodes("default", "app=web").size(), size_t(3));
        for (const std::string &p : before)
            QVERIFY(!m_cluster->nodes()->isPodServing("default", p));
    }

    void stoppedRuntimeMakesTheNodeNotReady()
    {
        const std::string node = nodeOfAWebPod();
        QVERIFY(createFault(faultJson("rt", "Node", node, "StopRuntime")).isOk());
        QVERIFY(runUntil(
            [&] {
                auto n = get<core::Node>("", node);
                for (const auto &c : n->status().conditions())
                    if (c.type() == "Ready")
                        return c.status() == "False" &&
                               c.message().find("container runtime is down") != std::string::npos;
                return false;
            },
            20s));
        QVERIFY(runUntil([&] { return webWholeAvoiding(node); }, 60s));
        QVERIFY(deleteFault("rt").isOk());
        QVERIFY(runUntil([&] { return readyStatus(*get<core::Node>("", node)) == "True"; }, 20s));
    }

    void stoppedProxyKeepsAStaleTable()
    {
        const std::string node = "worker-1";
        QVERIFY(createFault(faultJson("px", "Node", node, "StopProxy")).isOk());
        QVERIFY(runUntil([&] { return !m_cluster->proxies()->proxyRunning(node); }, 5s));
        const uint64_t version = m_cluster->proxies()->tableVersion(node);
        patch(kindOf<apps::Deployment>(), "default", "web", "{\"spec\":{\"replicas\":5}}");
        QVERIFY(runUntil([&] { return endpointAddresses("default", "web") == 5; }, 40s));
        QVERIFY(testing::run(*m_clock, 3s));
        QCOMPARE(m_cluster->proxies()->tableVersion(node), version); // stale
        QVERIFY(m_cluster->proxies()->tableVersion("worker-2") != version);
        QVERIFY(deleteFault("px").isOk());
        QVERIFY(runUntil([&] { return m_cluster->proxies()->tableVersion(node) != version; }, 5s));
        QVERIFY(m_cluster->nodeHealth(node)->proxyRunning);
    }

    void crashLoopBacksOff()
    {
        const std::string pod = webPodsOn(nodeOfAWebPod()).front();
        QVERIFY(
            createFault(faultJson("crash", "Pod", pod, "CrashContainer", "", "default")).isOk());
        QVERIFY(runUntil(
            [&] {
                auto p = get<core::Pod>("default", pod);
                const auto &cs = p->status().container_statuses();
                return !cs.empty() && cs[0].restart_count() >= 2 &&
                       cs[0].state().waiting().reason() == "CrashLoopBackOff";
            },
            120s));
        QVERIFY(deleteFault("crash").isOk());
        QVERIFY(runUntil([&] { return podReady(*get<core::Pod>("default", pod)); }, 360s));
    }

    // ---- The master's parts -------------------------------------------------

    void stoppedSchedulerLeavesNewPodsPending()
    {
        QVERIFY(createFault(faultJson("sched", "Component", "scheduler", "Stop")).isOk());
        QVERIFY(runUntil(
            [&] { return !m_cluster->isComponentRunning(ClusterControl::Component::Scheduler); },
            5s));
        QVERIFY(runUntil(
            [&] {
                auto p = get<core::Pod>("kube-system", "kube-scheduler-master");
                return p && !podReady(*p);
            },
            10s));
        patch(kindOf<apps::Deployment>(), "default", "web", "{\"spec\":{\"replicas\":4}}");
        QVERIFY(testing::run(*m_clock, 30s));
        int pending = 0;
        for (const auto &p : list<core::Pod>("default", "app=web"))
            pending += p->spec().node_name().empty();
        QCOMPARE(pending, 1);
        QVERIFY(deleteFault("sched").isOk());
        QVERIFY(runUntil([&] { return deploymentComplete("default", "web", 4); }, 60s));
    }

    void stoppedControllerManagerReplacesNothing()
    {
        QVERIFY(createFault(faultJson("kcm", "Component", "controller-manager", "Stop")).isOk());
        QVERIFY(runUntil(
            [&] {
                return !m_cluster->isComponentRunning(ClusterControl::Component::ControllerManager);
            },
            5s));
        const std::string victim = list<core::Pod>("default", "app=web").front()->metadata().name();
        QVERIFY(m_admin->remove(kindOf<core::Pod>(), "default", victim).isOk());
        QVERIFY(runUntil([&] { return !get<core::Pod>("default", victim); }, 60s));
        QVERIFY(testing::run(*m_clock, 30s));
        QCOMPARE(list<core::Pod>("default", "app=web").size(), size_t(2));
        QVERIFY(deleteFault("kcm").isOk());
        QVERIFY(runUntil([&] { return deploymentComplete("default", "web", 3); }, 90s));
    }

    void stoppedEtcdFailsEverythingUntilItHealsItself()
    {
        QVERIFY(createFault(faultJson("etcd", "Component", "etcd", "Stop", "20s")).isOk());
        QVERIFY(runUntil(
            [&] { return !m_cluster->isComponentRunning(ClusterControl::Component::Etcd); }, 5s));
        Result<client::ListResult> r = m_admin->list(kindOf<core::Pod>(), "default");
        QCOMPARE(r.status().code(), Status::Code::Unavailable);
        QVERIFY(!m_cluster->apiServer().registry().store().isRunning());
        // 20 s later it is back without anybody's help, and so is everything.
        QVERIFY(runUntil(
            [&] { return m_cluster->isComponentRunning(ClusterControl::Component::Etcd); }, 30s));
        QVERIFY(runUntil([&] { return phaseOf("etcd") == "Healed"; }, 10s));
        QVERIFY(m_cluster->apiServer().registry().store().isRunning());
        patch(kindOf<apps::Deployment>(), "default", "web", "{\"spec\":{\"replicas\":4}}");
        QVERIFY(runUntil([&] { return deploymentComplete("default", "web", 4); }, 90s));
    }

    void stoppedApiServerFailsInProcessClients()
    {
        QVERIFY(createFault(faultJson("api", "Component", "apiserver", "Stop", "15s")).isOk());
        QVERIFY(runUntil(
            [&] { return !m_cluster->isComponentRunning(ClusterControl::Component::ApiServer); },
            5s));
        QCOMPARE(m_admin->list(kindOf<core::Pod>(), "default").status().code(),
                 Status::Code::Unavailable);
        QVERIFY(runUntil([&] { return phaseOf("api") == "Healed"; }, 30s));
        patch(kindOf<apps::Deployment>(), "default", "web", "{\"spec\":{\"replicas\":2}}");
        QVERIFY(runUntil([&] { return deploymentComplete("default", "web", 2); }, 90s));
    }

    // ---- Nodes and traffic through ClusterControl -----------------------------

    void addAndRemoveNodes()
    {
        Result<std::string> added = m_cluster->addNode();
        QVERIFY2(added.isOk(), added.status().message().c_str());
        QCOMPARE(*added, std::string("worker-4"));
        QVERIFY(runUntil(
            [&] {
                auto n = get<core::Node>("", "worker-4");
                return n && readyStatus(*n) == "True";
            },
            20s));
        QVERIFY(m_cluster->nodeHealth("worker-4")->poweredOn);
        QVERIFY(runUntil([&] { return m_cluster->proxies()->proxyRunning("worker-4"); }, 5s));
        QVERIFY(m_cluster->removeNode("worker-4").isOk());
        QVERIFY(runUntil([&] { return !get<core::Node>("", "worker-4"); }, 20s));
        QCOMPARE(m_cluster->nodeHealth("worker-4").status().code(), Status::Code::NotFound);
        QCOMPARE(m_cluster->addNode("worker-1").status().code(), Status::Code::AlreadyExists);
    }

    void nodeHealthFollowsFaults()
    {
        QVERIFY(m_cluster->powerOffNode("worker-1").isOk());
        QVERIFY(
            m_cluster->injectFault({"Node", "worker-2", "", "StopRuntime", std::nullopt}).isOk());
        QVERIFY(m_cluster->injectFault({"Node", "worker-3", "", "Partition", std::nullopt}).isOk());
        Result<ClusterControl::NodeHealth> h1 = m_cluster->nodeHealth("worker-1");
        QVERIFY(!h1->poweredOn && !h1->proxyRunning);
        QVERIFY(!m_cluster->nodeHealth("worker-2")->runtimeRunning);
        QVERIFY(m_cluster->nodeHealth("worker-2")->proxyRunning);
        QVERIFY(m_cluster->nodeHealth("worker-3")->partitioned);
        QCOMPARE(m_cluster->faults().size(), size_t(3));
        QVERIFY(m_cluster->powerOnNode("worker-1").isOk());
        QVERIFY(m_cluster->nodeHealth("worker-1")->poweredOn);
        QVERIFY(m_cluster->nodeHealth("worker-1")->proxyRunning);
    }

    void trafficCanBeSteered()
    {
        QCOMPARE(m_cluster->trafficRate("default", "web"), 10.0);
        // (Requests sent while the demo came up may have failed: no endpoints yet.)
        QVERIFY(testing::run(*m_clock, 3s));
        const ClusterControl::TrafficStats before = m_cluster->serviceTraffic("default", "web");
        QVERIFY(testing::run(*m_clock, 5s));
        const ClusterControl::TrafficStats web = m_cluster->serviceTraffic("default", "web");
        QVERIFY2(web.succeeded - before.succeeded >= 48 && web.failed == before.failed,
                 (std::to_string(web.succeeded) + " ok, " + std::to_string(web.failed) + " failed")
                     .c_str());
        uint64_t perPod = 0;
        for (const auto &p : list<core::Pod>("default", "app=web"))
            perPod += m_cluster->podTraffic("default", p->metadata().name()).succeeded;
        QCOMPARE(perPod, web.succeeded);
        QCOMPARE(m_cluster->trafficHistory("default", "web").size(), size_t(60));
        // Rate 0 stops the Service's traffic.
        QVERIFY(m_cluster->setTrafficRate("default", "web", 0).isOk());
        QVERIFY(testing::run(*m_clock, 2s));
        QCOMPARE(m_cluster->serviceTraffic("default", "web").succeeded, web.succeeded);
        QVERIFY(m_cluster->trafficHistory("default", "web").empty());
        // A Service without endpoints fails every request.
        QVERIFY(m_cluster->setTrafficRate("default", "nothing", 5).isOk());
        QVERIFY(testing::run(*m_clock, 2s));
        QVERIFY(m_cluster->serviceTraffic("default", "nothing").failed >= 9);
    }

    // ---- Pace ---------------------------------------------------------------

    void pauseFreezesTheClusterAndStepAdvances();
};

// On a SimClock with a wall source the test moves: paused, an hour of wall
// time changes nothing in the store; a step lets the cluster move on.
void TestFaults::pauseFreezesTheClusterAndStepAdvances()
{
    closeCluster();
    std::atomic<int64_t> wallMs{1'700'000'000'000};
    SimClock sim([&] { return Clock::Time(std::chrono::milliseconds(wallMs.load())); });
    EmbeddedCluster::Options o;
    o.dataDir = (m_dir.path() + "/paced").toStdString();
    o.port = 0;
    o.clock = &sim;
    o.powerSafe = false;
    auto opened = EmbeddedCluster::open(o);
    QVERIFY(opened.isOk());
    std::unique_ptr<EmbeddedCluster> c = std::move(*opened);
    QVERIFY(c->start().isOk());
    // Let it come up: move the wall along in real time-sized steps.
    QElapsedTimer limit;
    limit.start();
    auto admin = c->client("test");
    const auto webReady = [&] {
        auto d = client::getAs<apps::Deployment>(*admin, "default", "web");
        return d && (*d)->status().ready_replicas() == 3;
    };
    while (!webReady() && limit.elapsed() < 60000) {
        wallMs += 100;
        sim.wallChanged();
        QThread::msleep(20);
    }
    QVERIFY(webReady());

    sim.pause();
    QThread::msleep(300); // work handed out before the pause finishes
    const int64_t revision = c->apiServer().registry().store().currentRevision();
    for (int i = 0; i < 20; ++i) { // an hour of wall time, in steps
        wallMs += 180'000;
        sim.wallChanged();
        QThread::msleep(20);
    }
    QThread::msleep(300);
    QCOMPARE(c->apiServer().registry().store().currentRevision(), revision);

    // A step of 2 s lets the kubelets renew their leases once.
    sim.step(2s);
    limit.restart();
    while (c->apiServer().registry().store().currentRevision() == revision &&
           limit.elapsed() < 10000)
        QThread::msleep(20);
    QVERIFY(c->apiServer().registry().store().currentRevision() > revision);
    admin.reset();
    c->stop();
}

QTEST_GUILESS_MAIN(TestFaults)
#include "tst_faults.moc"
