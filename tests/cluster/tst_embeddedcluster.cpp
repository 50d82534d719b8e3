// The whole embedded cluster on a FakeClock: store, API server, scheduler,
// controller manager and simulated kubelets wired by EmbeddedCluster, with
// the demo topology (master + 3 workers, Deployment and Service "web"). The
// fake clock moves timer by timer and every step settles, so each test is
// deterministic: workloads, failures and recovery as a user would see them.

#include "backend/kubelet/nodesimulator.h"
#include "tests/cluster/embeddedclustertest.h"

#include "coordination_v1.pb.h"

#include <chrono>
#include <set>

using namespace kubist;
using namespace std::chrono_literals;
namespace core = k8s::io::api::core::v1;
namespace apps = k8s::io::api::apps::v1;
namespace coord = k8s::io::api::coordination::v1;
using cluster::EmbeddedCluster;
using testing::kindOf;

class TestEmbeddedCluster : public testing::EmbeddedClusterTest
{
    Q_OBJECT

private slots:
    void init() { openCluster(); }

    void cleanup() { closeCluster(); }

    void demoTopologyComesUp()
    {
        auto nodes = list<core::Node>("");
        QCOMPARE(nodes.size(), size_t(4));
        for (const auto &n : nodes) {
            bool ready = false;
            for (const auto &c : n->status().conditions())
                ready |= c.type() == "Ready" && c.status() == "True";
            QVERIFY2(ready, n->metadata().name().c_str());
        }
        auto master = get<core::Node>("", "master");
        QVERIFY(master->metadata().labels().contains("node-role.kubernetes.io/control-plane"));
        QCOMPARE(master->spec().taints_size(), 1);
        // web runs on the workers only, spread one per worker.
        QCOMPARE(readyPodNodes("default", "app=web"),
                 (std::multiset<std::string>{"worker-1", "worker-2", "worker-3"}));
        QCOMPARE(endpointAddresses("default", "web"), 3);
        // The master's control plane as mirror pods, and the leader leases.
        for (const char *name : {"etcd-master", "kube-apiserver-master", "kube-scheduler-master",
                                 "kube-controller-manager-master"}) {
            auto p = get<core::Pod>("kube-system", name);
            QVERIFY2(p, name);
            QCOMPARE(p->status().phase(), std::string("Running"));
            QCOMPARE(p->spec().node_name(), std::string("master"));
        }
        QCOMPARE(get<coord::Lease>("kube-system", "kube-scheduler")->spec().holder_identity(),
                 std::string("kube-scheduler-master"));
        QCOMPARE(
            get<coord::Lease>("kube-system", "kube-controller-manager")->spec().holder_identity(),
            std::string("kube-controller-manager-master"));
        QVERIFY(get<coord::Lease>("kube-node-lease", "worker-2"));
        QVERIFY(get<core::ServiceAccount>("default", "default"));
        // The API server's own address behind the `kubernetes` Service.
        auto kubernetes = get<core::Endpoints>("default", "kubernetes");
        QVERIFY(kubernetes);
        QCOMPARE(kubernetes->subsets(0).addresses(0).ip(), master->status().addresses(0).address());
        QCOMPARE(kubernetes->subsets(0).ports(0).port(), 6443);
    }

    void scaleUpAndDown()
    {
        patch(kindOf<apps::Deployment>(), "default", "web", "{\"spec\":{\"replicas\":6}}");
        QVERIFY(runUntil([&] { return deploymentComplete("default", "web", 6); }));
        QCOMPARE(endpointAddresses("default", "web"), 6);
        patch(kindOf<apps::Deployment>(), "default", "web", "{\"spec\":{\"replicas\":1}}");
        QVERIFY(runUntil([&] {
            return deploymentComplete("default", "web", 1) &&
                   list<core::Pod>("default", "app=web").size() == 1;
        }));
        QCOMPARE(endpointAddresses("default", "web"), 1);
    }

    void deletedPodIsReplaced()
    {
        auto pods = list<core::Pod>("default", "app=web");
        const std::string victim = pods[0]->metadata().name();
        QVERIFY(m_admin->remove(kindOf<core::Pod>(), "default", victim).isOk());
        QVERIFY(runUntil([&] {
            auto now = list<core::Pod>("default", "app=web");
            for (const auto &p : now)
                if (p->metadata().name() == victim)
                    return false;
            return deploymentComplete("default", "web", 3);
        }));
    }

    void rollingUpdatePauseResume()
    {
        patch(kindOf<apps::Deployment>(), "default", "web",
              "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\","
              "\"image\":\"nginx:1.28\"}]}}}}");
        // (A merge patch replaces the container list: the probe goes too.)
        QVERIFY(runUntil([&] { return deploymentComplete("default", "web", 3); }));
        for (const auto &p : list<core::Pod>("default", "app=web"))
            if (!p->metadata().has_deletion_timestamp()) // old ones may still terminate
                QCOMPARE(p->spec().containers(0).image(), std::string("nginx:1.28"));
        QCOMPARE(list<apps::ReplicaSet>("default", "app=web").size(), size_t(2));

        patch(kindOf<apps::Deployment>(), "default", "web", "{\"spec\":{\"paused\":true}}");
        QVERIFY(testing::settle(*m_clock));
        patch(kindOf<apps::Deployment>(), "default", "web",
              "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\","
              "\"image\":\"nginx:1.29\"}]}}}}");
        QVERIFY(testing::run(*m_clock, 30s));
        for (const auto &p : list<core::Pod>("default", "app=web"))
            if (!p->metadata().has_deletion_timestamp())
                QCOMPARE(p->spec().containers(0).image(), std::string("nginx:1.28"));
        patch(kindOf<apps::Deployment>(), "default", "web", "{\"spec\":{\"paused\":false}}");
        QVERIFY(runUntil([&] {
            if (!deploymentComplete("default", "web", 3))
                return false;
            for (const auto &p : list<core::Pod>("default", "app=web"))
                if (!p->metadata().has_deletion_timestamp() &&
                    p->spec().containers(0).image() != "nginx:1.29")
                    return false;
            return true;
        }));
        auto d = get<apps::Deployment>("default", "web");
        QCOMPARE(d->metadata().annotations().at("deployment.kubernetes.io/revision"),
                 std::string("3"));
    }

    void tooBigPodWaitsForANode()
    {
        create("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"big\"},"
               "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\","
               "\"resources\":{\"requests\":{\"cpu\":\"12\"}}}]}}");
        QVERIFY(testing::run(*m_clock, 10s));
        auto pod = get<core::Pod>("default", "big");
        QVERIFY(pod->spec().node_name().empty());
        bool found = false;
        for (const auto &c : pod->status().conditions())
            if (c.type() == "PodScheduled") {
                QCOMPARE(c.status(), std::string("False"));
                QCOMPARE(c.reason(), std::string("Unschedulable"));
                QVERIFY2(c.message().starts_with("0/4 nodes are available: 1 node(s) had "
                                                 "untolerated taint"),
                         c.message().c_str());
                QVERIFY2(c.message().find("3 Insufficient cpu") != std::string::npos,
                         c.message().c_str());
                found = true;
            }
        QVERIFY(found);
        // A bigger worker joins (adopted by the node simulator through its label).
        create("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"big-1\","
               "\"labels\":{\"kubist.io/simulated\":\"true\"}},"
               "\"status\":{\"capacity\":{\"cpu\":\"16\",\"memory\":\"32Gi\",\"pods\":\"110\"},"
               "\"allocatable\":{\"cpu\":\"16\",\"memory\":\"32Gi\",\"pods\":\"110\"}}}");
        QVERIFY(runUntil([&] {
            auto p = get<core::Pod>("default", "big");
            return p->spec().node_name() == "big-1" && p->status().phase() == "Running";
        }));
    }

    void placementRules()
    {
        create("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"picky\"},"
               "\"spec\":{\"nodeSelector\":{\"kubernetes.io/hostname\":\"worker-2\"},"
               "\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}");
        create("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"on-master\"},"
               "\"spec\":{\"tolerations\":[{\"key\":\"node-role.kubernetes.io/control-plane\","
               "\"operator\":\"Exists\",\"effect\":\"NoSchedule\"}],"
               "\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":"
               "{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":"
               "\"node-role.kubernetes.io/control-plane\",\"operator\":\"Exists\"}]}]}}},"
               "\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}");
        QVERIFY(runUntil([&] {
            auto a = get<core::Pod>("default", "picky");
            auto b = get<core::Pod>("default", "on-master");
            return a->status().phase() == "Running" && b->status().phase() == "Running";
        }));
        QCOMPARE(get<core::Pod>("default", "picky")->spec().node_name(), std::string("worker-2"));
        QCOMPARE(get<core::Pod>("default", "on-master")->spec().node_name(), std::string("master"));
    }

    void nodeFailureMovesPodsAndEndpointsFollow()
    {
        QVERIFY(readyPodNodes("default", "app=web").count("worker-1") == 1);
        m_cluster->nodes()->stopKubelet("worker-1"); // the node "loses power"
        QVERIFY(runUntil([&] {
            auto n = get<core::Node>("", "worker-1");
            for (const auto &c : n->status().conditions())
                if (c.type() == "Ready")
                    return c.status() == "Unknown";
            return false;
        }));
        bool tainted = false;
        for (const auto &t : get<core::Node>("", "worker-1")->spec().taints())
            tainted |= t.key() == "node.kubernetes.io/unreachable" && t.effect() == "NoExecute";
        QVERIFY(tainted);
        QVERIFY(runUntil([&] {
            const auto nodes = readyPodNodes("default", "app=web");
            return nodes.size() == 3 && nodes.count("worker-1") == 0 &&
                   endpointAddresses("default", "web") == 3;
        }));
        // Power back: the node is Ready again and untainted.
        m_cluster->nodes()->startKubelet("worker-1");
        QVERIFY(runUntil([&] {
            auto n = get<core::Node>("", "worker-1");
            bool ready = false;
            for (const auto &c : n->status().conditions())
                ready |= c.type() == "Ready" && c.status() == "True";
            return ready && n->spec().taints_size() == 0;
        }));
    }

    void namespaceDeletionCascades()
    {
        create("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"shop\"}}");
        create(
            "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"shop\","
            "\"namespace\":\"shop\"},\"spec\":{\"replicas\":2,\"selector\":{\"matchLabels\":"
            "{\"app\":\"shop\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"shop\"}},"
            "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}}}");
        QVERIFY(runUntil([&] { return deploymentComplete("shop", "shop", 2); }));
        QVERIFY(m_admin->remove(kindOf<core::Namespace>(), "", "shop").isOk());
        QVERIFY(runUntil([&] { return get<core::Namespace>("", "shop") == nullptr; }));
        QVERIFY(list<core::Pod>("shop").empty());
        QVERIFY(list<apps::ReplicaSet>("shop").empty());
    }

    void garbageCollectionPolicies_data()
    {
        QTest::addColumn<QString>("policy");
        QTest::addColumn<bool>("replicaSetSurvives");
        QTest::newRow("background") << "Background" << false;
        QTest::newRow("foreground") << "Foreground" << false;
        QTest::newRow("orphan") << "Orphan" << true;
    }

    void garbageCollectionPolicies()
    {
        QFETCH(QString, policy);
        QFETCH(bool, replicaSetSurvives);
        client::DeleteOptions o;
        o.propagationPolicy = policy.toStdString();
        QVERIFY(m_admin->remove(kindOf<apps::Deployment>(), "default", "web", o).isOk());
        QVERIFY(runUntil([&] {
            if (get<apps::Deployment>("default", "web"))
                return false;
            const bool rsLeft = !list<apps::ReplicaSet>("default", "app=web").empty();
            return rsLeft == replicaSetSurvives;
        }));
        if (replicaSetSurvives) {
            auto rs = list<apps::ReplicaSet>("default", "app=web");
            QCOMPARE(rs[0]->metadata().owner_references_size(), 0);
            QCOMPARE(readyPodNodes("default", "app=web").size(), size_t(3));
        } else {
            QVERIFY(runUntil([&] { return list<core::Pod>("default", "app=web").empty(); }));
        }
    }

    void restartedControllerManagerCatchesUp()
    {
        QVERIFY(m_cluster->stopPart(EmbeddedCluster::Part::ControllerManager).isOk());
        // Its mirror pod shows the part down (container exited, not Ready).
        QVERIFY(runUntil([&] {
            auto p = get<core::Pod>("kube-system", "kube-controller-manager-master");
            return p && !podReady(*p);
        }));
        patch(kindOf<apps::Deployment>(), "default", "web", "{\"spec\":{\"replicas\":5}}");
        QVERIFY(testing::run(*m_clock, 20s));
        QCOMPARE(list<core::Pod>("default", "app=web").size(), size_t(3)); // nobody reacts
        QVERIFY(m_cluster->startPart(EmbeddedCluster::Part::ControllerManager).isOk());
        QVERIFY(runUntil([&] { return deploymentComplete("default", "web", 5); }));
        QVERIFY(runUntil([&] {
            return podReady(*get<core::Pod>("kube-system", "kube-controller-manager-master"));
        }));
    }

    void stoppedSchedulerLeavesPodsPending()
    {
        QVERIFY(m_cluster->stopPart(EmbeddedCluster::Part::Scheduler).isOk());
        patch(kindOf<apps::Deployment>(), "default", "web", "{\"spec\":{\"replicas\":4}}");
        QVERIFY(testing::run(*m_clock, 20s));
        int pending = 0;
        for (const auto &p : list<core::Pod>("default", "app=web"))
            pending += p->spec().node_name().empty();
        QCOMPARE(pending, 1);
        QVERIFY(!podReady(*get<core::Pod>("kube-system", "kube-scheduler-master")));
        QVERIFY(m_cluster->startPart(EmbeddedCluster::Part::Scheduler).isOk());
        QVERIFY(runUntil([&] { return deploymentComplete("default", "web", 4); }));
    }

    void restartKeepsTheClusterAndAdoptsItsNodes()
    {
        const std::string dir = m_cluster->dataDir();
        m_admin.reset();
        m_cluster.reset();
        EmbeddedCluster::Options o;
        o.dataDir = dir;
        o.port = 0;
        o.clock = m_clock.get();
        o.powerSafe = false;
        o.workers = 7; // ignored: the cluster exists
        Result<std::unique_ptr<EmbeddedCluster>> c = EmbeddedCluster::open(o);
        QVERIFY2(c.isOk(), c.status().message().c_str());
        m_cluster = std::move(*c);
        QCOMPARE(m_cluster->config().workers, 3);
        QVERIFY(m_cluster->start().isOk());
        m_admin = m_cluster->client("test");
        QVERIFY(runUntil([&] { return deploymentComplete("default", "web", 3); }));
        QCOMPARE(list<core::Node>("").size(), size_t(4));
        QCOMPARE(m_cluster->nodes()->hostedNodes().size(), size_t(4));
    }
};

QTEST_GUILESS_MAIN(TestEmbeddedCluster)
#include "tst_embeddedcluster.moc"
