// Node-level faults of the NodeSimulator on a TestCluster (no scheduler, no
// node lifecycle controller: pods are created with spec.nodeName set):
// power off / on, network partitions, a stopped container runtime, crash
// loops, crashing every container of a pod, the fault state, and what the
// traffic generator sees (isPodServing, appendPodLog).

#include "backend/kubelet/nodesimulator.h"

#include "tests/kubelet/kubelettestutil.h"
#include "tests/testing/testcluster.h"

#include "coordination_v1.pb.h"
#include "core_v1.pb.h"

#include <QTest>

#include <algorithm>
#include <initializer_list>

using namespace kubist;
using namespace kubist::kubelet;
using namespace std::chrono_literals;
namespace core = k8s::io::api::core::v1;
using testing::condition;
using testing::isReady;
using testing::lines;
using testing::timeOf;
namespace coord = k8s::io::api::coordination::v1;

namespace {

struct PodSpec
{
    std::string name = "web";
    std::string node = "node-1";
    std::string restartPolicy = "Always";
    int readinessDelay = -1; // a readiness probe with this initialDelaySeconds
    std::vector<std::string> extraContainers;
    int grace = 5;
};

std::string podYaml(const PodSpec &s)
{
    std::string y = lines({"apiVersion: v1", "kind: Pod", "metadata:", "  name: " + s.name,
                           "  namespace: default", "spec:", "  nodeName: " + s.node,
                           "  restartPolicy: " + s.restartPolicy,
                           "  terminationGracePeriodSeconds: " + std::to_string(s.grace),
                           "  containers:", "  - name: web", "    image: nginx:1.27"});
    if (s.readinessDelay >= 0)
        y += lines({"    readinessProbe:", "      httpGet:", "        path: /", "        port: 80",
                    "      initialDelaySeconds: " + std::to_string(s.readinessDelay),
                    "      periodSeconds: 10"});
    for (const std::string &c : s.extraContainers)
        y += lines({"  - name: " + c, "    image: nginx:1.27"});
    return y;
}

const api::KindInfo &podKind()
{
    return *api::Scheme::builtin().byDescriptor(core::Pod::descriptor());
}

struct Fixture
{
    explicit Fixture(NodeSimulator::Options options = {})
        : sim([this](const std::string &id) { return cluster.client(id); }, cluster.clock, options)
    {}

    // node-1 with a running pod "web" (and the pods in `more`).
    bool startWithPods(std::vector<PodSpec> pods = {PodSpec{}})
    {
        NodeConfig config;
        config.name = "node-1";
        if (!sim.addNode(config))
            return false;
        sim.start();
        for (const PodSpec &p : pods)
            cluster.apply(podYaml(p));
        return cluster.runUntil(
            [&] {
                for (const PodSpec &p : pods) {
                    auto got = pod(p.name);
                    if (!got || got->status().phase() != "Running")
                        return false;
                }
                return true;
            },
            10s);
    }

    std::shared_ptr<const core::Pod> pod(const std::string &name = "web")
    {
        return cluster.get<core::Pod>("default", name);
    }
    std::shared_ptr<const core::Node> node() { return cluster.get<core::Node>("", "node-1"); }
    Clock::Time leaseRenewTime()
    {
        auto lease = cluster.get<coord::Lease>("kube-node-lease", "node-1");
        return lease ? timeOf(lease->spec().renew_time()) : Clock::Time{};
    }
    core::ContainerStatus status(const std::string &name = "web", int i = 0)
    {
        auto p = pod(name);
        return p && p->status().container_statuses_size() > i ? p->status().container_statuses(i)
                                                              : core::ContainerStatus();
    }
    bool hasEvent(const std::string &object, const std::string &reason, const std::string &ns)
    {
        for (const auto &e : cluster.list<core::Event>(ns))
            if (e->involved_object().name() == object && e->reason() == reason &&
                e->source().component() == "kubelet")
                return true;
        return false;
    }
    std::string log(const std::string &name = "web", bool timestamps = false)
    {
        client::LogOptions o;
        o.timestamps = timestamps;
        Result<std::string> r = sim.podLog("default", name, o);
        return r ? *r : "error: " + r.status().message();
    }
    // Every resourceVersion the kubelet could move: pods, the Node, the Lease.
    std::string versions()
    {
        std::string out;
        for (const auto &p : cluster.list<core::Pod>())
            out += p->metadata().name() + "@" + p->metadata().resource_version() + " ";
        out += "node@" + node()->metadata().resource_version() + " ";
        out +=
            "lease@" +
            cluster.get<coord::Lease>("kube-node-lease", "node-1")->metadata().resource_version();
        return out;
    }

    // How many requests node-1's kubelet made among `records`.
    static int kubeletRequests(const std::vector<apiserver::ActivityRecord> &records)
    {
        return int(std::count_if(records.begin(), records.end(),
                                 [](const auto &r) { return r.actor == "kubelet/node-1"; }));
    }

    testing::TestCluster cluster;
    NodeSimulator sim;
};

} // namespace

class TestNodeFaults : public QObject
{
    Q_OBJECT

private slots:
    void powerOffKillsEverythingAndPowerOnRestarts_data()
    {
        QTest::addColumn<QString>("restartPolicy");
        QTest::addColumn<QString>("phaseAfter");
        QTest::newRow("restartPolicy Always: restarted") << "Always"
                                                         << "Running";
        QTest::newRow("restartPolicy Never: failed") << "Never"
                                                     << "Failed";
    }
    void powerOffKillsEverythingAndPowerOnRestarts()
    {
        QFETCH(QString, restartPolicy);
        QFETCH(QString, phaseAfter);
        Fixture f;
        PodSpec spec;
        spec.restartPolicy = restartPolicy.toStdString();
        QVERIFY(f.startWithPods({spec}));
        QVERIFY(f.sim.isPodServing("default", "web"));
        const std::string containerId = f.status().container_id();
        const std::string bootId = f.node()->status().node_info().boot_id();

        QVERIFY(f.sim.powerOff("node-1"));
        QVERIFY(!f.sim.isKubeletRunning("node-1"));
        QVERIFY(!f.sim.isPodServing("default", "web"));
        QVERIFY(f.log().find("Exited with code 255") != std::string::npos);
        const Clock::Time renewed = f.leaseRenewTime();
        const std::string before = f.versions();
        auto requests = f.cluster.server->activity().subscribe();
        QVERIFY(f.cluster.run(60s));
        QCOMPARE(Fixture::kubeletRequests(requests->take()), 0);
        // No lease, no status: the pod keeps its API status (the node
        // lifecycle controller would act on the lease).
        QCOMPARE(f.leaseRenewTime(), renewed);
        QCOMPARE(f.versions(), before);
        QVERIFY(isReady(*f.pod()));
        QVERIFY(!f.sim.startKubelet("node-1"));

        QVERIFY(f.sim.powerOn("node-1"));
        QVERIFY(f.cluster.settle());
        QVERIFY(f.sim.isKubeletRunning("node-1"));
        QCOMPARE(f.leaseRenewTime(), f.cluster.clock.now());
        QVERIFY(f.cluster.run(1s));
        auto pod = f.pod();
        QCOMPARE(QString::fromStdString(pod->status().phase()), phaseAfter);
        const core::ContainerStatus cs = f.status();
        if (phaseAfter == "Running") {
            QVERIFY(cs.state().has_running());
            QCOMPARE(cs.restart_count(), 1);
            QVERIFY(cs.container_id() != containerId);
            QCOMPARE(cs.last_state().terminated().exit_code(), 255);
            QCOMPARE(cs.last_state().terminated().reason(), std::string("Unknown"));
            QCOMPARE(cs.last_state().terminated().container_id(), containerId);
            QVERIFY(isReady(*pod));
            QVERIFY(f.sim.isPodServing("default", "web"));
        } else {
            QCOMPARE(cs.state().terminated().exit_code(), 255);
            QCOMPARE(cs.state().terminated().reason(), std::string("Unknown"));
            QCOMPARE(cs.restart_count(), 0);
            QVERIFY(!isReady(*pod));
            QVERIFY(!f.sim.isPodServing("default", "web"));
        }
        // A reboot: a new boot id, reported with an event.
        QVERIFY(f.node()->status().node_info().boot_id() != bootId);
        QVERIFY(f.hasEvent("node-1", "Rebooted", "default"));
    }

    void podsDeletedWhilePoweredOffAreCleanedUp()
    {
        Fixture f;
        PodSpec graceful;
        graceful.name = "graceful";
        PodSpec forced;
        forced.name = "forced";
        PodSpec kept;
        kept.name = "kept";
        QVERIFY(f.startWithPods({graceful, forced, kept}));
        const std::string keptIP = f.pod("kept")->status().pod_ip();
        QVERIFY(f.sim.powerOff("node-1"));
        QVERIFY(f.cluster.admin().remove(podKind(), "default", "graceful"));
        client::DeleteOptions now;
        now.gracePeriodSeconds = 0;
        QVERIFY(f.cluster.admin().remove(podKind(), "default", "forced", now));
        QVERIFY(f.cluster.run(30s));
        // Nobody sends the final DELETE while the node is off.
        QVERIFY(f.pod("graceful"));
        QVERIFY(f.pod("graceful")->metadata().has_deletion_timestamp());
        QVERIFY(!f.pod("forced"));

        QVERIFY(f.sim.powerOn("node-1"));
        QVERIFY(f.cluster.settle());
        QVERIFY(!f.pod("graceful"));
        QVERIFY(!f.sim.isPodServing("default", "graceful"));
        QVERIFY(!f.sim.isPodServing("default", "forced"));
        QVERIFY(f.cluster.run(1s));
        QCOMPARE(f.status("kept").restart_count(), 1);
        QCOMPARE(f.pod("kept")->status().pod_ip(), keptIP);
        QVERIFY(f.sim.isPodServing("default", "kept"));
        // A pod of the same name gets fresh containers.
        f.cluster.apply(podYaml(forced));
        QVERIFY(f.cluster.run(1s));
        QCOMPARE(f.pod("forced")->status().phase(), std::string("Running"));
        QCOMPARE(f.status("forced").restart_count(), 0);
    }

    void staticPodsComeBackAfterPowerOn()
    {
        Fixture f;
        f.sim.setStaticPods(
            "node-1",
            {StaticPod{"etcd", "registry.k8s.io/etcd:3.5.16-0", {{"component", "etcd"}}, true}});
        QVERIFY(f.startWithPods({}));
        QVERIFY(f.cluster.settle());
        QVERIFY(f.sim.isPodServing("kube-system", "etcd-node-1"));
        QVERIFY(f.sim.powerOff("node-1"));
        QVERIFY(!f.sim.isPodServing("kube-system", "etcd-node-1"));
        QVERIFY(f.sim.powerOn("node-1"));
        QVERIFY(f.cluster.settle());
        auto etcd = f.cluster.get<core::Pod>("kube-system", "etcd-node-1");
        QVERIFY(isReady(*etcd));
        QCOMPARE(etcd->status().container_statuses(0).restart_count(), 1);
        QVERIFY(f.sim.isPodServing("kube-system", "etcd-node-1"));
    }

    void partitionedKubeletMakesNoApiCalls()
    {
        Fixture f;
        PodSpec evicted;
        evicted.name = "evicted";
        QVERIFY(f.startWithPods({PodSpec{}, evicted}));
        QVERIFY(f.sim.setPartitioned("node-1", true));
        const Clock::Time renewed = f.leaseRenewTime();
        auto requests = f.cluster.server->activity().subscribe();
        // Changes the kubelet cannot see: a pod deleted, a pod bound.
        QVERIFY(f.cluster.admin().remove(podKind(), "default", "evicted"));
        PodSpec late;
        late.name = "late";
        f.cluster.apply(podYaml(late));
        QVERIFY(f.cluster.settle());
        const std::string before = f.versions();
        const size_t events = f.cluster.list<core::Event>("default").size();

        QVERIFY(f.cluster.run(120s));
        QCOMPARE(f.leaseRenewTime(), renewed);
        QCOMPARE(f.versions(), before);
        QCOMPARE(f.cluster.list<core::Event>("default").size(), events);
        QCOMPARE(Fixture::kubeletRequests(requests->take()), 0);
        // Its containers keep running, the deleted pod's too; nothing starts.
        QVERIFY(f.sim.isPodServing("default", "web"));
        QVERIFY(f.sim.isPodServing("default", "evicted"));
        QVERIFY(f.pod("evicted")->metadata().has_deletion_timestamp());
        QVERIFY(!f.pod("late")->status().has_start_time());
        QVERIFY(f.sim.isKubeletRunning("node-1"));
        QCOMPARE(f.sim.faultState("node-1")->partitioned, true);

        QVERIFY(f.sim.setPartitioned("node-1", false));
        QVERIFY(f.cluster.settle());
        QVERIFY(Fixture::kubeletRequests(requests->take()) > 0);
        QCOMPARE(f.leaseRenewTime(), f.cluster.clock.now());
        QVERIFY(!f.sim.isPodServing("default", "evicted"));
        QVERIFY(f.pod("evicted")); // terminating: its 5 s grace period
        QVERIFY(f.cluster.run(5s));
        QVERIFY(!f.pod("evicted"));
        QVERIFY(f.cluster.run(3s));
        QCOMPARE(f.pod("late")->status().phase(), std::string("Running"));
        QVERIFY(isReady(*f.pod("web")));
        QCOMPARE(f.status("web").restart_count(), 0);
    }

    void partitionedKubeletRestartsCrashedContainers()
    {
        Fixture f;
        QVERIFY(f.startWithPods());
        QVERIFY(f.sim.setPartitioned("node-1", true));
        const std::string before = f.versions();
        auto requests = f.cluster.server->activity().subscribe();
        QVERIFY(f.sim.crashContainer("default", "web", "web", 1));
        QVERIFY(f.cluster.run(1s));
        QCOMPARE(Fixture::kubeletRequests(requests->take()), 0);
        // Restarted locally, reported only after the heal.
        QVERIFY(f.sim.isPodServing("default", "web"));
        QCOMPARE(f.versions(), before);
        QCOMPARE(f.status().restart_count(), 0);
        QVERIFY(f.sim.setPartitioned("node-1", false));
        QVERIFY(f.cluster.settle());
        QCOMPARE(f.status().restart_count(), 1);
        QCOMPARE(f.status().last_state().terminated().exit_code(), 1);
    }

    void stoppedRuntimeMakesTheNodeNotReady_data()
    {
        QTest::addColumn<QString>("restartPolicy");
        QTest::newRow("restartPolicy Always") << "Always";
        QTest::newRow("restartPolicy OnFailure") << "OnFailure";
    }
    void stoppedRuntimeMakesTheNodeNotReady()
    {
        QFETCH(QString, restartPolicy);
        Fixture f;
        PodSpec spec;
        spec.restartPolicy = restartPolicy.toStdString();
        QVERIFY(f.startWithPods({spec}));
        QVERIFY(f.sim.stopRuntime("node-1"));
        QVERIFY(f.cluster.settle());
        QVERIFY(f.sim.isKubeletRunning("node-1"));
        const auto node = f.node(); // keeps the condition alive
        const core::NodeCondition *ready = condition(*node, "Ready");
        QCOMPARE(ready->status(), std::string("False"));
        QCOMPARE(ready->reason(), std::string("KubeletNotReady"));
        QCOMPARE(ready->message(), std::string("container runtime is down"));
        QVERIFY(f.hasEvent("node-1", "NodeNotReady", "default"));

        const std::string sandboxError =
            "Failed to create pod sandbox: rpc error: code = Unavailable desc = connection error";
        auto pod = f.pod();
        QVERIFY(!isReady(*pod));
        QCOMPARE(pod->status().phase(), std::string("Running"));
        core::ContainerStatus cs = f.status();
        QCOMPARE(cs.state().waiting().reason(), std::string("ContainerCreating"));
        QVERIFY2(cs.state().waiting().message().starts_with(sandboxError),
                 cs.state().waiting().message().c_str());
        QCOMPARE(cs.last_state().terminated().exit_code(), 255);
        QCOMPARE(cs.last_state().terminated().reason(), std::string("Unknown"));
        QVERIFY(!f.sim.isPodServing("default", "web"));
        QVERIFY(f.hasEvent("web", "FailedCreatePodSandBox", "default"));
        // Nothing can be pulled or started meanwhile.
        PodSpec late;
        late.name = "late";
        f.cluster.apply(podYaml(late));
        QVERIFY(f.cluster.run(30s));
        QCOMPARE(f.status("late").state().waiting().reason(), std::string("ContainerCreating"));
        QCOMPARE(f.pod("late")->status().phase(), std::string("Pending"));
        QCOMPARE(f.status().restart_count(), 0);
        const NodeFaultState state = *f.sim.faultState("node-1");
        QVERIFY(state.poweredOn && !state.partitioned && !state.runtimeRunning);

        QVERIFY(f.sim.startRuntime("node-1"));
        QVERIFY(f.cluster.settle());
        QCOMPARE(condition(*f.node(), "Ready")->status(), std::string("True"));
        QCOMPARE(condition(*f.node(), "Ready")->reason(), std::string("KubeletReady"));
        QVERIFY(f.cluster.run(500ms));
        cs = f.status();
        QVERIFY(cs.state().has_running());
        QCOMPARE(cs.restart_count(), 1);
        QVERIFY(isReady(*f.pod()));
        QVERIFY(f.sim.isPodServing("default", "web"));
        QVERIFY(f.cluster.run(500ms));
        QCOMPARE(f.pod("late")->status().phase(), std::string("Running"));
    }

    void crashLoopBacksOffAndEnds()
    {
        Fixture f;
        QVERIFY(f.startWithPods());
        QVERIFY(f.sim.setCrashLoop("default", "web", true));
        QVERIFY(f.cluster.settle());
        QVERIFY(!f.sim.isPodServing("default", "web"));
        QCOMPARE(f.status().restart_count(), 1);

        // The first crash restarts at once; then the restarts come after
        // back-offs of 10 s, 20 s, 40 s, ... each plus the 0.5 s the start
        // takes (the crash follows the start at once).
        std::vector<Clock::Time> restarts;
        int seen = f.status().restart_count();
        const bool done = f.cluster.runUntil(
            [&] {
                const core::ContainerStatus cs = f.status();
                if (cs.restart_count() != seen) {
                    seen = cs.restart_count();
                    restarts.push_back(f.cluster.clock.now());
                }
                return restarts.size() >= 3;
            },
            5min);
        QVERIFY(done);
        QCOMPARE(seen, 4);
        QCOMPARE(restarts[1] - restarts[0], Clock::Duration(20500ms));
        QCOMPARE(restarts[2] - restarts[1], Clock::Duration(40500ms));
        QVERIFY(f.cluster.run(1s));
        core::ContainerStatus cs = f.status();
        QCOMPARE(cs.state().waiting().reason(), std::string("CrashLoopBackOff"));
        QVERIFY2(cs.state().waiting().message().starts_with("back-off 1m20s restarting failed"),
                 cs.state().waiting().message().c_str());
        QCOMPARE(cs.last_state().terminated().exit_code(), 1);
        QCOMPARE(cs.last_state().terminated().reason(), std::string("Error"));
        QVERIFY(!isReady(*f.pod()));

        QVERIFY(f.sim.setCrashLoop("default", "web", false));
        const int count = cs.restart_count();
        QVERIFY(f.cluster.runUntil([&] { return f.status().state().has_running(); }, 2min));
        QVERIFY(f.cluster.run(1s));
        QVERIFY(isReady(*f.pod()));
        QVERIFY(f.sim.isPodServing("default", "web"));
        QVERIFY(f.cluster.run(5min));
        QVERIFY(f.status().state().has_running());
        QCOMPARE(f.status().restart_count(), count + 1);
    }

    void crashContainerWithoutANameCrashesEveryContainer()
    {
        Fixture f;
        PodSpec spec;
        spec.extraContainers = {"sidecar"};
        QVERIFY(f.startWithPods({spec}));
        QVERIFY(f.sim.crashContainer("default", "web", "", 3));
        QVERIFY(f.cluster.run(1s));
        for (int i = 0; i < 2; ++i) {
            const core::ContainerStatus cs = f.status("web", i);
            QCOMPARE(cs.restart_count(), 1);
            QCOMPARE(cs.last_state().terminated().exit_code(), 3);
            QVERIFY(cs.state().has_running());
        }
        QCOMPARE(f.sim.crashContainer("default", "nope", "", 1).code(), Status::Code::NotFound);
        QVERIFY(f.sim.powerOff("node-1"));
        QCOMPARE(f.sim.crashContainer("default", "web", "", 1).code(), Status::Code::Invalid);
    }

    void isPodServingTellsTheTruth_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<bool>("serving");
        QTest::addColumn<bool>("apiReady"); // what the API says meanwhile
        QTest::newRow("healthy") << "none" << true << true;
        QTest::newRow("powered off") << "power" << false << true;
        QTest::newRow("partitioned") << "partition" << true << true;
        QTest::newRow("kubelet stopped") << "kubelet" << true << true;
        QTest::newRow("runtime stopped") << "runtime" << false << false;
        QTest::newRow("readiness probe failing") << "probe" << false << false;
        QTest::newRow("crash looping") << "crashloop" << false << false;
        QTest::newRow("a pod that does not exist") << "absent" << false << true;
    }
    void isPodServingTellsTheTruth()
    {
        QFETCH(QString, fault);
        QFETCH(bool, serving);
        QFETCH(bool, apiReady);
        Fixture f;
        PodSpec spec;
        spec.readinessDelay = 0;
        QVERIFY(f.startWithPods({spec}));
        QVERIFY(f.cluster.run(1s));
        QVERIFY(isReady(*f.pod()));
        std::string pod = "web";
        if (fault == "power")
            QVERIFY(f.sim.powerOff("node-1"));
        else if (fault == "partition")
            QVERIFY(f.sim.setPartitioned("node-1", true));
        else if (fault == "kubelet")
            QVERIFY(f.sim.stopKubelet("node-1"));
        else if (fault == "runtime")
            QVERIFY(f.sim.stopRuntime("node-1"));
        else if (fault == "probe")
            QVERIFY(f.sim.setProbeResult("default", "web", "web", false));
        else if (fault == "crashloop")
            QVERIFY(f.sim.setCrashLoop("default", "web", true));
        else if (fault == "absent")
            pod = "nope";
        QVERIFY(f.cluster.run(40s));
        QCOMPARE(f.sim.isPodServing("default", pod), serving);
        QCOMPARE(isReady(*f.pod()), apiReady);
    }

    void appendedLinesShowInThePodLog()
    {
        Fixture f;
        QVERIFY(f.startWithPods());
        QVERIFY(f.cluster.run(1s));
        f.sim.appendPodLog("default", "web", "GET / 200");
        QVERIFY(f.cluster.run(1s));
        f.sim.appendPodLog("default", "web", "GET /health 200");
        std::string log = f.log();
        QVERIFY2(log.ends_with("GET / 200\nGET /health 200\n"), log.c_str());
        log = f.log("web", true);
        // Timestamped with the cluster's clock (3.5 s after it began).
        QVERIFY2(log.find("T00:00:03.5Z GET / 200\n") != std::string::npos, log.c_str());
        // Dropped when no container runs; unknown pods are ignored.
        QVERIFY(f.sim.powerOff("node-1"));
        f.sim.appendPodLog("default", "web", "GET /lost 200");
        f.sim.appendPodLog("default", "nope", "GET / 200");
        QVERIFY(f.log().find("/lost") == std::string::npos);
    }

    void faultStateFollowsEachFault_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<bool>("poweredOn");
        QTest::addColumn<bool>("partitioned");
        QTest::addColumn<bool>("runtimeRunning");
        QTest::newRow("no fault") << "none" << true << false << true;
        QTest::newRow("powered off") << "power" << false << false << false;
        QTest::newRow("partitioned") << "partition" << true << true << true;
        QTest::newRow("runtime stopped") << "runtime" << true << false << false;
    }
    void faultStateFollowsEachFault()
    {
        QFETCH(QString, fault);
        QFETCH(bool, poweredOn);
        QFETCH(bool, partitioned);
        QFETCH(bool, runtimeRunning);
        Fixture f;
        QVERIFY(f.startWithPods({}));
        if (fault == "power")
            QVERIFY(f.sim.powerOff("node-1"));
        else if (fault == "partition")
            QVERIFY(f.sim.setPartitioned("node-1", true));
        else if (fault == "runtime")
            QVERIFY(f.sim.stopRuntime("node-1"));
        Result<NodeFaultState> state = f.sim.faultState("node-1");
        QVERIFY(state);
        QCOMPARE(state->poweredOn, poweredOn);
        QCOMPARE(state->partitioned, partitioned);
        QCOMPARE(state->runtimeRunning, runtimeRunning);
        // Undone, all is well again.
        QVERIFY(f.sim.powerOn("node-1"));
        QVERIFY(f.sim.setPartitioned("node-1", false));
        QVERIFY(f.sim.startRuntime("node-1"));
        state = f.sim.faultState("node-1");
        QVERIFY(state->poweredOn && !state->partitioned && state->runtimeRunning);
        QVERIFY(f.cluster.settle());
        QCOMPARE(condition(*f.node(), "Ready")->status(), std::string("True"));
    }

    void faultsOfUnhostedNodesAreNotFound()
    {
        Fixture f;
        QVERIFY(f.startWithPods({}));
        QCOMPARE(f.sim.powerOff("nope").code(), Status::Code::NotFound);
        QCOMPARE(f.sim.powerOn("nope").code(), Status::Code::NotFound);
        QCOMPARE(f.sim.setPartitioned("nope", true).code(), Status::Code::NotFound);
        QCOMPARE(f.sim.stopRuntime("nope").code(), Status::Code::NotFound);
        QCOMPARE(f.sim.startRuntime("nope").code(), Status::Code::NotFound);
        QCOMPARE(f.sim.faultState("nope").status().code(), Status::Code::NotFound);
        QCOMPARE(f.sim.setCrashLoop("default", "nope", true).code(), Status::Code::NotFound);
        // A pod bound to a node nobody hosts.
        PodSpec elsewhere;
        elsewhere.node = "real-node";
        f.cluster.apply(podYaml(elsewhere));
        QVERIFY(f.cluster.settle());
        QCOMPARE(f.sim.setCrashLoop("default", "web", true).code(), Status::Code::NotFound);
        QVERIFY(!f.sim.isPodServing("default", "web"));
        // The runtime of a powered-off node cannot start.
        QVERIFY(f.sim.powerOff("node-1"));
        QVERIFY(f.sim.stopRuntime("node-1"));
        QCOMPARE(f.sim.startRuntime("node-1").code(), Status::Code::Unavailable);
    }
};

QTEST_GUILESS_MAIN(TestNodeFaults)
#include "tst_nodefaults.moc"
