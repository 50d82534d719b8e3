// NodeSimulator and its kubelets on a TestCluster (no scheduler: pods are
// created with spec.nodeName set): node registration, status and lease
// renewal; the pod lifecycle with image pulls, init containers, probes,
// restarts with CrashLoopBackOff, terminal phases and graceful deletion;
// logs; adoption of labelled Nodes; stopping kubelets; mirror pods; and
// stopping the simulator at any moment.

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

// "text" in double quotes (built here: moc trips over escaped quotes).
std::string inQuotes(const std::string &text)
{
    const std::string q(1, char(34));
    return q + text + q;
}

struct PodSpec
{
    std::string name = "web";
    std::string node = "node-1";
    std::string image = "nginx:1.27";
    std::string restartPolicy = "Always";
    std::string command;                      // YAML flow list, e.g. "[sh, -c, exit 1]"
    int readinessDelay = -1;                  // a readiness probe with this initialDelaySeconds
    int livenessDelay = -1;                   // a liveness probe with this initialDelaySeconds
    std::vector<std::string> extraContainers; // more containers (same image)
    std::vector<std::string> initContainers;  // init containers (busybox, exit 0)
    int grace = -1;
    int activeDeadline = -1;
};

std::string podYaml(const PodSpec &s)
{
    std::string y = lines({"apiVersion: v1", "kind: Pod", "metadata:", "  name: " + s.name,
                           "  namespace: default", "spec:", "  nodeName: " + s.node,
                           "  restartPolicy: " + s.restartPolicy});
    if (s.grace >= 0)
        y += lines({"  terminationGracePeriodSeconds: " + std::to_string(s.grace)});
    if (s.activeDeadline >= 0)
        y += lines({"  activeDeadlineSeconds: " + std::to_string(s.activeDeadline)});
    if (!s.initContainers.empty()) {
        y += lines({"  initContainers:"});
        for (const std::string &c : s.initContainers)
            y += lines({"  - name: " + c, "    image: busybox:1.36"});
    }
    y += lines({"  containers:", "  - name: web", "    image: " + s.image});
    if (!s.command.empty())
        y += lines({"    command: " + s.command});
    if (s.readinessDelay >= 0)
        y += lines({"    readinessProbe:", "      httpGet:", "        path: /", "        port: 80",
                    "      initialDelaySeconds: " + std::to_string(s.readinessDelay),
                    "      periodSeconds: 10"});
    if (s.livenessDelay >= 0)
        y += lines({"    livenessProbe:", "      tcpSocket:", "        port: 80",
                    "      initialDelaySeconds: " + std::to_string(s.livenessDelay),
                    "      periodSeconds: 10"});
    for (const std::string &c : s.extraContainers)
        y += lines({"  - name: " + c, "    image: " + s.image});
    return y;
}

std::string waitingReason(const core::Pod &pod, int i = 0)
{
    if (pod.status().container_statuses_size() <= i)
        return {};
    return pod.status().container_statuses(i).state().waiting().reason();
}

struct Fixture
{
    explicit Fixture(NodeSimulator::Options options = {})
        : sim([this](const std::string &id) { return cluster.client(id); }, cluster.clock, options)
    {}

    void addNode(NodeConfig config = {})
    {
        if (config.name.empty())
            config.name = "node-1";
        QVERIFY(sim.addNode(std::move(config)));
    }

    std::shared_ptr<const core::Pod> pod(const std::string &name = "web")
    {
        return cluster.get<core::Pod>("default", name);
    }

    // The kubelet's events about a pod, "Reason: message", in creation order.
    std::vector<std::string> events(const std::string &pod, const std::string &ns = "default")
    {
        std::vector<std::shared_ptr<const core::Event>> all = cluster.list<core::Event>(ns);
        std::erase_if(all, [&](const auto &e) {
            return e->involved_object().name() != pod || e->source().component() != "kubelet";
        });
        std::sort(all.begin(), all.end(), [](const auto &a, const auto &b) {
            return std::stoll(a->metadata().resource_version()) <
                   std::stoll(b->metadata().resource_version());
        });
        std::vector<std::string> out;
        for (const auto &e : all)
            out.push_back(e->reason() + ": " + e->message());
        return out;
    }

    bool hasEvent(const std::string &pod, const std::string &text)
    {
        for (const std::string &e : events(pod))
            if (e == text)
                return true;
        return false;
    }

    testing::TestCluster cluster;
    NodeSimulator sim;
};

} // namespace

class TestNodeSimulator : public QObject
{
    Q_OBJECT

private slots:
    void nodeRegistersWithStatusAndLabels_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("role");
        QTest::addColumn<bool>("tainted");
        QTest::newRow("a worker") << "worker-1"
                                  << "" << false;
        QTest::newRow("a tainted control-plane node") << "master"
                                                      << "control-plane" << true;
    }
    void nodeRegistersWithStatusAndLabels()
    {
        QFETCH(QString, name);
        QFETCH(QString, role);
        QFETCH(bool, tainted);
        Fixture f;
        NodeConfig config;
        config.name = name.toStdString();
        if (!role.isEmpty())
            config.labels["node-role.kubernetes.io/" + role.toStdString()] = "";
        if (tainted)
            config.taints.push_back({"node-role.kubernetes.io/control-plane", "", "NoSchedule"});
        f.addNode(config);
        f.sim.start();
        QVERIFY(f.cluster.settle());

        auto node = f.cluster.get<core::Node>("", config.name);
        QVERIFY(node);
        const auto &labels = node->metadata().labels();
        QCOMPARE(labels.at("kubernetes.io/hostname"), config.name);
        QCOMPARE(labels.at("kubernetes.io/os"), std::string("linux"));
        QCOMPARE(labels.at("kubernetes.io/arch"), std::string("amd64"));
        QCOMPARE(labels.contains("node-role.kubernetes.io/control-plane"), !role.isEmpty());
        QCOMPARE(node->spec().taints_size(), tainted ? 1 : 0);
        QCOMPARE(node->spec().pod_cidr(), std::string("10.244.0.0/24"));
        const core::NodeCondition *ready = condition(*node, "Ready");
        QVERIFY(ready);
        QCOMPARE(ready->status(), std::string("True"));
        QCOMPARE(ready->reason(), std::string("KubeletReady"));
        QCOMPARE(ready->message(), std::string("kubelet is posting ready status"));
        for (const char *type : {"MemoryPressure", "DiskPressure", "PIDPressure"}) {
            QVERIFY(condition(*node, type));
            QCOMPARE(condition(*node, type)->status(), std::string("False"));
        }
        QCOMPARE(node->status().capacity().at("cpu").value(), std::string("4"));
        QCOMPARE(node->status().capacity().at("memory").value(), std::string("8Gi"));
        QCOMPARE(node->status().allocatable().at("pods").value(), std::string("110"));
        QCOMPARE(node->status().addresses(0).type(), std::string("InternalIP"));
        QCOMPARE(node->status().addresses(0).address(), std::string("172.18.0.2"));
        QCOMPARE(node->status().addresses(1).type(), std::string("Hostname"));
        QCOMPARE(node->status().node_info().kubelet_version(), std::string("v1.32.0"));
        QCOMPARE(node->status().node_info().container_runtime_version(),
                 std::string("kubist://1.0"));
        QCOMPARE(node->status().node_info().operating_system(), std::string("linux"));
        QCOMPARE(node->status().daemon_endpoints().kubelet_endpoint().port(), 10250);

        auto lease = f.cluster.get<coord::Lease>("kube-node-lease", config.name);
        QVERIFY(lease);
        QCOMPARE(lease->spec().holder_identity(), config.name);
        QCOMPARE(lease->spec().lease_duration_seconds(), 40);
        const Clock::Time first = timeOf(lease->spec().renew_time());
        QCOMPARE(first, f.cluster.clock.now());
        for (int i = 1; i <= 3; ++i) {
            QVERIFY(f.cluster.run(10s));
            lease = f.cluster.get<coord::Lease>("kube-node-lease", config.name);
            QCOMPARE(timeOf(lease->spec().renew_time()), first + i * 10s);
        }
    }

    void nodeStatusIsReportedPeriodically()
    {
        Fixture f;
        f.addNode();
        f.sim.start();
        QVERIFY(f.cluster.settle());
        const Clock::Time t0 = f.cluster.clock.now();
        auto heartbeat = [&] {
            auto node = f.cluster.get<core::Node>("", "node-1");
            return Clock::Time(
                std::chrono::seconds(condition(*node, "Ready")->last_heartbeat_time().seconds()));
        };
        QCOMPARE(heartbeat(), t0);
        QVERIFY(f.cluster.run(299s));
        QCOMPARE(heartbeat(), t0); // unchanged status: only the lease says "alive"
        QVERIFY(f.cluster.run(1s));
        QCOMPARE(heartbeat(), t0 + 300s);
    }

    void deletedNodeStopsItsKubelet()
    {
        Fixture f;
        f.addNode();
        f.sim.start();
        QVERIFY(f.cluster.settle());
        const api::KindInfo &kind = *api::Scheme::builtin().byDescriptor(core::Node::descriptor());
        QVERIFY(f.cluster.admin().remove(kind, "", "node-1"));
        QVERIFY(f.cluster.run(30s));
        QVERIFY(!f.cluster.get<core::Node>("", "node-1"));
        QVERIFY(!f.sim.isKubeletRunning("node-1"));
        QCOMPARE(f.sim.hostedNodes(), std::vector<std::string>{"node-1"});
        QVERIFY(f.sim.startKubelet("node-1"));
        QVERIFY(f.cluster.settle());
        QVERIFY(f.cluster.get<core::Node>("", "node-1"));
    }

    void podRunsAndBecomesReady_data()
    {
        QTest::addColumn<int>("readinessDelay");
        QTest::newRow("no readiness probe") << -1;
        QTest::newRow("readiness probe after 5 s") << 5;
    }
    void podRunsAndBecomesReady()
    {
        QFETCH(int, readinessDelay);
        Fixture f;
        f.addNode();
        f.sim.start();
        QVERIFY(f.cluster.settle());
        const Clock::Time t0 = f.cluster.clock.now();
        PodSpec spec;
        spec.readinessDelay = readinessDelay;
        f.cluster.apply(podYaml(spec));
        QVERIFY(f.cluster.settle());

        auto pod = f.pod();
        QCOMPARE(pod->status().phase(), std::string("Pending"));
        QCOMPARE(waitingReason(*pod), std::string("ContainerCreating"));
        QVERIFY(condition(*pod, "PodReadyToStartContainers"));
        QCOMPARE(condition(*pod, "PodReadyToStartContainers")->status(), std::string("True"));
        QVERIFY(pod->status().pod_ip().starts_with("10.244.0."));
        QCOMPARE(pod->status().host_ip(), std::string("172.18.0.2"));
        QVERIFY(pod->status().has_start_time());

        // 2 s image pull, then 0.5 s to start.
        QVERIFY(f.cluster.run(2s));
        pod = f.pod();
        QCOMPARE(pod->status().phase(), std::string("Pending"));
        QVERIFY(f.cluster.run(500ms));
        pod = f.pod();
        QCOMPARE(pod->status().phase(), std::string("Running"));
        const core::ContainerStatus &cs = pod->status().container_statuses(0);
        QVERIFY(cs.state().has_running());
        QVERIFY(cs.container_id().starts_with("containerd://"));
        QVERIFY(cs.image_id().starts_with("docker.io/library/nginx@sha256:"));
        QCOMPARE(cs.image(), std::string("docker.io/library/nginx:1.27"));
        QVERIFY(cs.started());
        if (readinessDelay < 0) {
            QVERIFY(isReady(*pod));
        } else {
            QVERIFY(!isReady(*pod));
            QCOMPARE(condition(*pod, "Ready")->reason(), std::string("ContainersNotReady"));
            QVERIFY(f.cluster.run(std::chrono::seconds(readinessDelay) - 1s));
            QVERIFY(!isReady(*f.pod()));
            QVERIFY(f.cluster.run(1s));
            QVERIFY(isReady(*f.pod()));
        }
        QVERIFY(f.cluster.clock.now() - t0 <=
                2500ms + std::chrono::seconds(std::max(0, readinessDelay)));
        const std::vector<std::string> expected = {
            "Pulling: Pulling image " + inQuotes("nginx:1.27"),
            "Pulled: Successfully pulled image " + inQuotes("nginx:1.27") +
                " in 2s (2s including waiting). Image size: ",
            "Created: Created container: web", "Started: Started container web"};
        std::vector<std::string> events = f.events("web");
        QCOMPARE(events.size(), size_t(4));
        QCOMPARE(events[0], expected[0]);
        QVERIFY2(events[1].starts_with(expected[1]), events[1].c_str());
        QCOMPARE(events[2], expected[2]);
        QCOMPARE(events[3], expected[3]);
    }

    void secondPodSkipsThePull()
    {
        Fixture f;
        f.addNode();
        f.sim.start();
        f.cluster.apply(podYaml(PodSpec{}));
        QVERIFY(f.cluster.run(3s));
        QCOMPARE(f.pod()->status().phase(), std::string("Running"));
        PodSpec second;
        second.name = "web-2";
        f.cluster.apply(podYaml(second));
        QVERIFY(f.cluster.run(500ms));
        auto pod = f.pod("web-2");
        QCOMPARE(pod->status().phase(), std::string("Running"));
        QCOMPARE(f.events("web-2").front(), "Pulled: Container image " + inQuotes("nginx:1.27") +
                                                " already present on machine");
        QVERIFY(pod->status().pod_ip() != f.pod()->status().pod_ip());
    }

    void initContainersRunFirstInOrder()
    {
        Fixture f;
        f.addNode();
        f.sim.start();
        PodSpec spec;
        spec.initContainers = {"init-a", "init-b"};
        f.cluster.apply(podYaml(spec));
        QVERIFY(f.cluster.settle());
        auto pod = f.pod();
        QCOMPARE(pod->status().phase(), std::string("Pending"));
        QCOMPARE(condition(*pod, "Initialized")->status(), std::string("False"));
        QCOMPARE(condition(*pod, "Initialized")->message(),
                 std::string("containers with incomplete status: [init-a init-b]"));
        QCOMPARE(waitingReason(*pod), std::string("PodInitializing"));
        // busybox pull (2 s) + init-a start (0.5 s): init-a done, init-b starting.
        QVERIFY(f.cluster.run(2500ms));
        pod = f.pod();
        QVERIFY(pod->status().init_container_statuses(0).state().has_terminated());
        QCOMPARE(pod->status().init_container_statuses(0).state().terminated().reason(),
                 std::string("Completed"));
        QVERIFY(!pod->status().init_container_statuses(1).state().has_terminated());
        QVERIFY(f.cluster.run(500ms));
        pod = f.pod();
        QVERIFY(pod->status().init_container_statuses(1).state().has_terminated());
        QCOMPARE(condition(*pod, "Initialized")->status(), std::string("True"));
        // Then the app container: nginx pull and start.
        QVERIFY(f.cluster.runUntil([&] { return f.pod()->status().phase() == "Running"; }, 10s));
        QVERIFY(isReady(*f.pod()));
    }

    void gracefulDeletionKeepsThePodTerminating_data()
    {
        QTest::addColumn<int>("grace");
        QTest::addColumn<int>("maxTermination"); // -1: unlimited
        QTest::addColumn<int>("expectedSeconds");
        QTest::newRow("the pod's 30 s") << 30 << -1 << 30;
        QTest::newRow("a 3 s grace period") << 3 << -1 << 3;
        QTest::newRow("capped by maxTerminationTime") << 30 << 5 << 5;
    }
    void gracefulDeletionKeepsThePodTerminating()
    {
        QFETCH(int, grace);
        QFETCH(int, maxTermination);
        QFETCH(int, expectedSeconds);
        NodeSimulator::Options o;
        if (maxTermination >= 0)
            o.maxTerminationTime = std::chrono::seconds(maxTermination);
        Fixture f(o);
        f.addNode();
        f.sim.start();
        PodSpec spec;
        spec.grace = grace;
        f.cluster.apply(podYaml(spec));
        QVERIFY(f.cluster.run(3s));
        QCOMPARE(f.pod()->status().phase(), std::string("Running"));
        const std::string uid = f.pod()->metadata().uid();

        const api::KindInfo &kind = *api::Scheme::builtin().byDescriptor(core::Pod::descriptor());
        QVERIFY(f.cluster.admin().remove(kind, "default", "web"));
        QVERIFY(f.cluster.settle());
        QVERIFY(f.pod());
        QVERIFY(f.pod()->metadata().has_deletion_timestamp());
        QVERIFY(f.hasEvent("web", "Killing: Stopping container web"));
        QVERIFY(f.cluster.run(std::chrono::seconds(expectedSeconds) - 1s));
        QVERIFY(f.pod());
        QVERIFY(!isReady(*f.pod()));
        QVERIFY(f.cluster.run(1s));
        QVERIFY(!f.pod());
        // The IP is free again and the runtime forgot the containers.
        f.cluster.apply(podYaml(PodSpec{}));
        QVERIFY(f.cluster.run(1s));
        QVERIFY(f.pod()->metadata().uid() != uid);
        QCOMPARE(f.pod()->status().phase(), std::string("Running"));
    }

    void podDeletedOutrightIsTornDown()
    {
        Fixture f;
        f.addNode();
        f.sim.start();
        f.cluster.apply(podYaml(PodSpec{}));
        QVERIFY(f.cluster.run(3s));
        const api::KindInfo &kind = *api::Scheme::builtin().byDescriptor(core::Pod::descriptor());
        client::DeleteOptions now;
        now.gracePeriodSeconds = 0;
        QVERIFY(f.cluster.admin().remove(kind, "default", "web", now));
        QVERIFY(f.cluster.settle());
        QVERIFY(!f.pod());
        client::LogOptions lo;
        QCOMPARE(f.sim.podLog("default", "web", lo).status().code(), Status::Code::NotFound);
    }

    void crashedContainerRestartsWithBackoff()
    {
        Fixture f;
        f.addNode();
        f.sim.start();
        f.cluster.apply(podYaml(PodSpec{}));
        QVERIFY(f.cluster.run(3s));
        QCOMPARE(f.pod()->status().phase(), std::string("Running"));

        // First crash: restarted at once (restartCount 1).
        QVERIFY(f.sim.crashContainer("default", "web", "web", 1));
        QVERIFY(f.cluster.run(500ms));
        auto pod = f.pod();
        const core::ContainerStatus *cs = &pod->status().container_statuses(0);
        QCOMPARE(cs->restart_count(), 1);
        QVERIFY(cs->state().has_running());
        QCOMPARE(cs->last_state().terminated().exit_code(), 1);
        QCOMPARE(cs->last_state().terminated().reason(), std::string("Error"));

        // Then 10 s, 20 s, 40 s of CrashLoopBackOff.
        int restarts = 1;
        for (int backoff : {10, 20, 40}) {
            QVERIFY(f.cluster.run(5s));
            QVERIFY(f.sim.crashContainer("default", "web", "web", 1));
            QVERIFY(f.cluster.settle());
            pod = f.pod();
            cs = &pod->status().container_statuses(0);
            QCOMPARE(cs->state().waiting().reason(), std::string("CrashLoopBackOff"));
            QVERIFY2(
                cs->state().waiting().message().starts_with("back-off " + std::to_string(backoff) +
                                                            "s restarting failed container=web"),
                cs->state().waiting().message().c_str());
            QCOMPARE(pod->status().phase(), std::string("Running"));
            QCOMPARE(cs->restart_count(), restarts);
            QVERIFY(!isReady(*pod));
            QVERIFY(f.cluster.run(std::chrono::seconds(backoff) - 1s));
            QCOMPARE(waitingReason(*f.pod()), std::string("CrashLoopBackOff"));
            QVERIFY(f.cluster.run(1500ms));
            pod = f.pod();
            cs = &pod->status().container_statuses(0);
            ++restarts;
            QCOMPARE(cs->restart_count(), restarts);
            QVERIFY(cs->state().has_running());
        }
        QVERIFY(f.hasEvent("web", "BackOff: Back-off restarting failed container web in pod "
                                  "web_default(" +
                                      pod->metadata().uid() + ")"));
    }

    void failingReadinessProbeMakesThePodUnready()
    {
        Fixture f;
        f.addNode();
        f.sim.start();
        PodSpec spec;
        spec.readinessDelay = 0;
        f.cluster.apply(podYaml(spec));
        QVERIFY(f.cluster.run(3s));
        QVERIFY(isReady(*f.pod()));
        QVERIFY(f.sim.setProbeResult("default", "web", "web", false));
        // Probes at 12.5 s, 22.5 s, 32.5 s fail; the third makes it unready.
        QVERIFY(f.cluster.run(20s));
        QVERIFY(isReady(*f.pod()));
        QVERIFY(f.cluster.run(10s));
        QVERIFY(!isReady(*f.pod()));
        QCOMPARE(f.pod()->status().phase(), std::string("Running"));
        QVERIFY(f.hasEvent("web", "Unhealthy: Readiness probe failed: HTTP probe failed with "
                                  "statuscode: 500"));
        QVERIFY(f.sim.setProbeResult("default", "web", "web", true));
        QVERIFY(f.cluster.run(10s));
        QVERIFY(isReady(*f.pod()));
        QCOMPARE(f.pod()->status().container_statuses(0).restart_count(), 0);
    }

    void failingLivenessProbeRestartsTheContainer()
    {
        Fixture f;
        f.addNode();
        f.sim.start();
        PodSpec spec;
        spec.livenessDelay = 0;
        spec.grace = 2;
        f.cluster.apply(podYaml(spec));
        QVERIFY(f.cluster.run(3s));
        QVERIFY(isReady(*f.pod()));
        QVERIFY(f.sim.setProbeResult("default", "web", "web", false, ProbeKind::Liveness));
        QVERIFY(f.cluster.run(30s)); // the third failure at 32.5 s
        QCOMPARE(f.pod()->status().container_statuses(0).restart_count(), 0);
        QVERIFY(f.hasEvent("web", "Killing: Container web failed liveness probe, will be "
                                  "restarted"));
        QVERIFY(f.sim.setProbeResult("default", "web", "web", true, ProbeKind::Liveness));
        // Stops within its 2 s grace period, then restarts at once.
        QVERIFY(f.cluster.run(3s));
        const auto pod = f.pod(); // held: the cache may replace its copy meanwhile
        const core::ContainerStatus &cs = pod->status().container_statuses(0);
        QCOMPARE(cs.restart_count(), 1);
        QVERIFY(cs.state().has_running());
        QCOMPARE(cs.last_state().terminated().exit_code(), 137);
    }

    void restartedSimulatorKeepsRunningPods()
    {
        Fixture f;
        f.addNode();
        f.sim.start();
        f.cluster.apply(podYaml(PodSpec{}));
        QVERIFY(f.cluster.run(3s));
        const core::ContainerStatus before = f.pod()->status().container_statuses(0);
        QVERIFY(before.state().has_running());
        auto node = f.cluster.get<core::Node>("", "node-1");
        QCOMPARE(node->status().images_size(), 1);
        QCOMPARE(node->status().images(0).names(1), std::string("docker.io/library/nginx:1.27"));
        f.sim.stop();

        NodeSimulator again([&](const std::string &id) { return f.cluster.client(id); },
                            f.cluster.clock);
        NodeConfig config;
        config.name = "node-1";
        QVERIFY(again.addNode(config));
        again.start();
        QVERIFY(f.cluster.run(10s));
        const core::ContainerStatus after = f.pod()->status().container_statuses(0);
        QVERIFY(after.state().has_running());
        QCOMPARE(after.container_id(), before.container_id());
        QCOMPARE(after.restart_count(), 0);
        QVERIFY(isReady(*f.pod()));
        QCOMPARE(f.events("web").size(), size_t(4)); // no second pull or start
        client::LogOptions o;
        QVERIFY(again.podLog("default", "web", o));
        again.stop();
    }

    void exitingContainersEndThePod_data()
    {
        QTest::addColumn<QString>("restartPolicy");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("phase");
        QTest::newRow("exit 1, Never: Failed") << "Never" << 1 << "Failed";
        QTest::newRow("exit 0, Never: Succeeded") << "Never" << 0 << "Succeeded";
        QTest::newRow("exit 0, OnFailure: Succeeded") << "OnFailure" << 0 << "Succeeded";
        QTest::newRow("exit 1, OnFailure: restarts") << "OnFailure" << 1 << "Running";
        QTest::newRow("exit 0, Always: restarts") << "Always" << 0 << "Running";
    }
    void exitingContainersEndThePod()
    {
        QFETCH(QString, restartPolicy);
        QFETCH(int, exitCode);
        QFETCH(QString, phase);
        Fixture f;
        f.addNode();
        f.sim.start();
        PodSpec spec;
        spec.image = "busybox:1.36";
        spec.restartPolicy = restartPolicy.toStdString();
        spec.command = "[sh, -c, exit " + std::to_string(exitCode) + "]";
        f.cluster.apply(podYaml(spec));
        QVERIFY(f.cluster.run(2500ms));
        auto pod = f.pod();
        QCOMPARE(QString::fromStdString(pod->status().phase()), phase);
        const core::ContainerStatus &cs = pod->status().container_statuses(0);
        if (phase != "Running") {
            QCOMPARE(cs.state().terminated().exit_code(), exitCode);
            QCOMPARE(cs.state().terminated().reason(),
                     std::string(exitCode == 0 ? "Completed" : "Error"));
            QVERIFY(!isReady(*pod));
            // Terminal: nothing changes any more.
            const std::string rv = pod->metadata().resource_version();
            QVERIFY(f.cluster.run(60s));
            QCOMPARE(f.pod()->metadata().resource_version(), rv);
        } else {
            QCOMPARE(cs.restart_count(), 1);
        }
    }

    void activeDeadlineFailsThePod()
    {
        Fixture f;
        f.addNode();
        f.sim.start();
        PodSpec spec;
        spec.grace = 1;
        spec.activeDeadline = 10;
        f.cluster.apply(podYaml(spec));
        QVERIFY(f.cluster.run(9s));
        QCOMPARE(f.pod()->status().phase(), std::string("Running"));
        QVERIFY(f.cluster.run(1s));
        QVERIFY(f.hasEvent("web", "DeadlineExceeded: Pod was active on the node longer than the "
                                  "specified deadline"));
        QVERIFY(f.cluster.run(1s));
        auto pod = f.pod();
        QCOMPARE(pod->status().phase(), std::string("Failed"));
        QCOMPARE(pod->status().reason(), std::string("DeadlineExceeded"));
        QVERIFY(pod->status().container_statuses(0).state().has_terminated());
    }

    void imagePullFailureBacksOff_data()
    {
        QTest::addColumn<QString>("image");
        QTest::newRow("a tag that does not exist") << "nginx:doesnotexist";
        QTest::newRow("an invalid repository") << "invalid/app:1.0";
    }
    void imagePullFailureBacksOff()
    {
        QFETCH(QString, image);
        Fixture f;
        f.addNode();
        f.sim.start();
        PodSpec spec;
        spec.image = image.toStdString();
        f.cluster.apply(podYaml(spec));
        QVERIFY(f.cluster.run(2s));
        QCOMPARE(waitingReason(*f.pod()), std::string("ErrImagePull"));
        QVERIFY(f.cluster.run(1s));
        QCOMPARE(waitingReason(*f.pod()), std::string("ImagePullBackOff"));
        QCOMPARE(f.pod()->status().phase(), std::string("Pending"));
        QVERIFY(f.hasEvent("web", "Failed: Error: ErrImagePull"));
        QVERIFY(f.hasEvent("web", "Failed: Error: ImagePullBackOff"));
        QVERIFY(f.hasEvent("web", "BackOff: Back-off pulling image " + inQuotes(spec.image)));
        // Retried after the 10 s backoff (a new pull of 2 s), still failing.
        QVERIFY(f.cluster.run(10s));
        QVERIFY(f.cluster.settle());
        const std::string reason = waitingReason(*f.pod());
        QVERIFY2(reason == "ErrImagePull" || reason == "ImagePullBackOff", reason.c_str());
    }

    void podLogFollowsOptions()
    {
        Fixture f;
        f.addNode();
        f.sim.start();
        PodSpec spec;
        spec.readinessDelay = 0;
        f.cluster.apply(podYaml(spec));
        PodSpec multi;
        multi.name = "multi";
        multi.extraContainers = {"sidecar"};
        f.cluster.apply(podYaml(multi));
        QVERIFY(f.cluster.run(3s));

        client::LogOptions o;
        Result<std::string> log = f.sim.podLog("default", "web", o);
        QVERIFY2(log, log.status().message().c_str());
        QVERIFY2(log->starts_with("Started container web (image docker.io/library/nginx:1.27)\n"),
                 log->c_str());
        QVERIFY(log->find("Readiness probe succeeded") != std::string::npos);

        Result<std::string> err = f.sim.podLog("default", "multi", o);
        QVERIFY(!err);
        QCOMPARE(err.status().code(), Status::Code::InvalidArgument);
        QCOMPARE(err.status().message(),
                 std::string("a container name must be specified for pod multi, choose one of: "
                             "[web sidecar]"));
        o.container = "sidecar";
        QVERIFY(f.sim.podLog("default", "multi", o));
        o.container = "nope";
        QCOMPARE(f.sim.podLog("default", "multi", o).status().code(),
                 Status::Code::InvalidArgument);
        o.container.clear();

        o.tailLines = 1;
        log = f.sim.podLog("default", "web", o);
        QCOMPARE(std::count(log->begin(), log->end(), '\n'), 1);
        o.timestamps = true;
        log = f.sim.podLog("default", "web", o);
        QVERIFY2(log->starts_with("2026-01-01T00:00:02.5Z "), log->c_str());

        o = {};
        o.previous = true;
        QCOMPARE(f.sim.podLog("default", "web", o).status().code(), Status::Code::InvalidArgument);
        QVERIFY(f.sim.crashContainer("default", "web", "web", 1));
        QVERIFY(f.cluster.run(1s));
        log = f.sim.podLog("default", "web", o);
        QVERIFY2(log, log.status().message().c_str());
        QVERIFY(log->find("Exited with code 1") != std::string::npos);
        o.previous = false;
        log = f.sim.podLog("default", "web", o);
        QVERIFY(log->find("Exited with code 1") == std::string::npos);

        QCOMPARE(f.sim.podLog("default", "absent", o).status().code(), Status::Code::NotFound);
    }

    void labelledNodeIsAdopted()
    {
        Fixture f;
        f.sim.start();
        f.cluster.apply(lines({"apiVersion: v1", "kind: Node", "metadata:", "  name: extra",
                               "  labels:", "    kubist.io/simulated: 'true'", "    zone: a",
                               "spec:", "  podCIDR: 10.244.7.0/24"}));
        QVERIFY(f.cluster.settle());
        QCOMPARE(f.sim.hostedNodes(), std::vector<std::string>{"extra"});
        auto node = f.cluster.get<core::Node>("", "extra");
        QCOMPARE(condition(*node, "Ready")->status(), std::string("True"));
        QCOMPARE(node->metadata().labels().at("zone"), std::string("a"));
        QVERIFY(f.cluster.get<coord::Lease>("kube-node-lease", "extra"));
        // It runs pods, with IPs from its own CIDR.
        PodSpec spec;
        spec.node = "extra";
        f.cluster.apply(podYaml(spec));
        QVERIFY(f.cluster.run(3s));
        QVERIFY(f.pod()->status().pod_ip().starts_with("10.244.7."));
        // An unlabelled node is left alone.
        f.cluster.apply(lines({"apiVersion: v1", "kind: Node", "metadata:", "  name: real"}));
        QVERIFY(f.cluster.settle());
        QCOMPARE(f.sim.hostedNodes().size(), size_t(1));
        // Deleted through the API: simply gone.
        const api::KindInfo &kind = *api::Scheme::builtin().byDescriptor(core::Node::descriptor());
        QVERIFY(f.cluster.admin().remove(kind, "", "extra"));
        QVERIFY(f.cluster.run(30s));
        QVERIFY(f.sim.hostedNodes().empty());
        QVERIFY(!f.cluster.get<core::Node>("", "extra"));
    }

    void stoppedKubeletStopsRenewing()
    {
        Fixture f;
        f.addNode();
        f.sim.start();
        QVERIFY(f.cluster.run(10s));
        QVERIFY(f.sim.stopKubelet("node-1"));
        QVERIFY(!f.sim.isKubeletRunning("node-1"));
        const auto before = f.cluster.get<coord::Lease>("kube-node-lease", "node-1");
        const std::string nodeRv =
            f.cluster.get<core::Node>("", "node-1")->metadata().resource_version();
        // A pod bound meanwhile is not touched.
        f.cluster.apply(podYaml(PodSpec{}));
        QVERIFY(f.cluster.run(60s));
        const auto during = f.cluster.get<coord::Lease>("kube-node-lease", "node-1");
        QCOMPARE(timeOf(during->spec().renew_time()), timeOf(before->spec().renew_time()));
        QCOMPARE(f.cluster.get<core::Node>("", "node-1")->metadata().resource_version(), nodeRv);
        QVERIFY(!f.pod()->status().has_start_time());
        QVERIFY(f.sim.startKubelet("node-1"));
        QVERIFY(f.cluster.settle());
        const auto after = f.cluster.get<coord::Lease>("kube-node-lease", "node-1");
        QCOMPARE(timeOf(after->spec().renew_time()), f.cluster.clock.now());
        QVERIFY(f.cluster.run(3s));
        QCOMPARE(f.pod()->status().phase(), std::string("Running"));
    }

    void mirrorPodsFollowStaticPods()
    {
        Fixture f;
        NodeConfig master;
        master.name = "master";
        StaticPod etcd{"etcd",
                       "registry.k8s.io/etcd:3.5.16-0",
                       {{"component", "etcd"}, {"tier", "control-plane"}},
                       true};
        StaticPod scheduler{"kube-scheduler",
                            "registry.k8s.io/kube-scheduler:v1.32.0",
                            {{"component", "kube-scheduler"}, {"tier", "control-plane"}},
                            true};
        // Set before the node is hosted: kept until it is.
        f.sim.setStaticPods("master", {etcd, scheduler});
        f.addNode(master);
        f.sim.start();
        QVERIFY(f.cluster.settle());
        auto pod = f.cluster.get<core::Pod>("kube-system", "etcd-master");
        QVERIFY(pod);
        QVERIFY(f.cluster.get<core::Pod>("kube-system", "kube-scheduler-master"));
        const auto &ann = pod->metadata().annotations();
        QVERIFY(ann.contains("kubernetes.io/config.mirror"));
        QCOMPARE(ann.at("kubernetes.io/config.source"), std::string("file"));
        QCOMPARE(ann.at("kubernetes.io/config.hash"), ann.at("kubernetes.io/config.mirror"));
        QCOMPARE(pod->metadata().owner_references(0).kind(), std::string("Node"));
        QVERIFY(pod->metadata().owner_references(0).controller());
        QCOMPARE(pod->spec().priority_class_name(), std::string("system-node-critical"));
        QCOMPARE(pod->spec().priority(), 2000001000);
        QVERIFY(pod->spec().host_network());
        QCOMPARE(pod->status().phase(), std::string("Running"));
        QVERIFY(isReady(*pod));
        QCOMPARE(pod->status().pod_ip(), std::string("172.18.0.2"));
        QCOMPARE(pod->metadata().labels().at("component"), std::string("etcd"));

        scheduler.running = false;
        f.sim.setStaticPods("master", {etcd, scheduler});
        QVERIFY(f.cluster.settle());
        pod = f.cluster.get<core::Pod>("kube-system", "kube-scheduler-master");
        QVERIFY(!isReady(*pod));
        QVERIFY(pod->status().container_statuses(0).state().has_terminated());

        scheduler.running = true;
        f.sim.setStaticPods("master", {etcd, scheduler});
        QVERIFY(f.cluster.settle());
        pod = f.cluster.get<core::Pod>("kube-system", "kube-scheduler-master");
        QVERIFY(isReady(*pod));
        QCOMPARE(pod->status().container_statuses(0).restart_count(), 1);

        // Deleted mirror pods come back.
        const std::string uid = pod->metadata().uid();
        const api::KindInfo &kind = *api::Scheme::builtin().byDescriptor(core::Pod::descriptor());
        QVERIFY(f.cluster.admin().remove(kind, "kube-system", "kube-scheduler-master"));
        QVERIFY(f.cluster.settle());
        pod = f.cluster.get<core::Pod>("kube-system", "kube-scheduler-master");
        QVERIFY(pod);
        QVERIFY(pod->metadata().uid() != uid);
        QVERIFY(isReady(*pod));

        // Static pods taken away: their mirror pods go.
        f.sim.setStaticPods("master", {etcd});
        QVERIFY(f.cluster.settle());
        QVERIFY(!f.cluster.get<core::Pod>("kube-system", "kube-scheduler-master"));
        QVERIFY(f.cluster.get<core::Pod>("kube-system", "etcd-master"));
    }

    void stopAtAnyMomentEndsAllWork_data()
    {
        QTest::addColumn<int>("afterMs");
        QTest::newRow("before anything") << 0;
        QTest::newRow("while pulling") << 1000;
        QTest::newRow("while starting") << 2200;
        QTest::newRow("while terminating") << 4000;
        QTest::newRow("crash looping") << 20000;
    }
    void stopAtAnyMomentEndsAllWork()
    {
        QFETCH(int, afterMs);
        Fixture f;
        f.addNode();
        NodeConfig second;
        second.name = "node-2";
        f.addNode(second);
        f.sim.start();
        f.cluster.apply(podYaml(PodSpec{}));
        PodSpec crashing;
        crashing.name = "crasher";
        crashing.image = "busybox";
        crashing.command = "[sh, -c, exit 2]";
        crashing.node = "node-2";
        f.cluster.apply(podYaml(crashing));
        PodSpec doomed;
        doomed.name = "doomed";
        f.cluster.apply(podYaml(doomed));
        QVERIFY(f.cluster.run(3s));
        const api::KindInfo &kind = *api::Scheme::builtin().byDescriptor(core::Pod::descriptor());
        QVERIFY(f.cluster.admin().remove(kind, "default", "doomed"));
        f.cluster.clock.advance(std::chrono::milliseconds(afterMs));
        f.sim.stop();
        QVERIFY(f.cluster.settle());
        auto rv = [&] {
            std::string out;
            for (const auto &p : f.cluster.list<core::Pod>())
                out += p->metadata().name() + "@" + p->metadata().resource_version() + " ";
            return out;
        };
        const std::string before = rv();
        QVERIFY(f.cluster.run(120s));
        QCOMPARE(rv(), before);
    }
};

QTEST_GUILESS_MAIN(TestNodeSimulator)
#include "tst_nodesimulator.moc"
