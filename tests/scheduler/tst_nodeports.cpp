#include "backend/scheduler/framework/framework.h"
#include "backend/scheduler/plugins/nodeports/nodeports.h"
#include "schedulertestutil.h"

#include <algorithm>

using namespace kubist;
using namespace kubist::scheduler;
using Code = PluginStatus::Code;

// Cases follow upstream's node_ports_test.go (TestNodePorts and the
// restartable init container cases).
class TestNodePorts : public QObject
{
    Q_OBJECT

private slots:
    void filter_data();
    void filter();
    void preFilterSkipsPodsWithoutHostPorts_data();
    void preFilterSkipsPodsWithoutHostPorts();
    void wantedPortsAreSanitised();
    void frameworkReportsTheReason();
    void fiveThousandNodes();
};

namespace {

// "PROTO/IP/PORT" items separated by ','; "-" is an empty field. Gives the
// JSON list of container ports (containerPort = hostPort).
std::string portsJson(const QString &spec)
{
    std::string out = "[";
    const QStringList items = spec.split(',', Qt::SkipEmptyParts);
    for (int i = 0; i < items.size(); ++i) {
        const QStringList parts = items[i].split('/');
        Q_ASSERT(parts.size() == 3);
        std::string port = "{\"containerPort\":" + parts[2].toStdString() +
                           ",\"hostPort\":" + parts[2].toStdString();
        if (parts[0] != "-")
            port += ",\"protocol\":\"" + parts[0].toStdString() + "\"";
        if (parts[1] != "-")
            port += ",\"hostIP\":\"" + parts[1].toStdString() + "\"";
        port += "}";
        out += (i ? "," : "") + port;
    }
    return out + "]";
}

// A pod with one container using `ports`, and, when `initPorts` is not
// empty, an init container using those (a sidecar when `sidecar`).
std::shared_ptr<const schedtest::core::Pod> podWithPorts(const std::string &name,
                                                         const QString &ports,
                                                         const QString &initPorts = {},
                                                         bool sidecar = false)
{
    std::string spec =
        "{\"containers\":[{\"name\":\"c\",\"image\":\"app\",\"ports\":" + portsJson(ports) + "}]";
    if (!initPorts.isEmpty()) {
        spec += ",\"initContainers\":[{\"name\":\"i\",\"image\":\"init\",";
        if (sidecar)
            spec += "\"restartPolicy\":\"Always\",";
        spec += "\"ports\":" + portsJson(initPorts) + "}]";
    }
    spec += "}";
    const std::string json = "{\"metadata\":{\"name\":\"" + name +
                             "\",\"namespace\":\"default\",\"uid\":\"uid-" + name +
                             "\"},\"spec\":" + spec + "}";
    return schedtest::pod(QByteArray::fromStdString(json));
}

PluginStatus runFilter(const schedtest::core::Pod &pod, const NodeInfo &info)
{
    plugins::NodePorts plugin;
    CycleState state;
    const PluginStatus pre = plugin.preFilter(state, pod, Snapshot(), nullptr);
    if (pre.isSkip())
        return {};
    if (!pre.isSuccess())
        return pre;
    return plugin.filter(state, pod, info);
}

} // namespace

void TestNodePorts::filter_data()
{
    QTest::addColumn<QString>("wanted");
    QTest::addColumn<QString>("used");
    QTest::addColumn<int>("code");

    const int ok = int(Code::Success);
    const int conflict = int(Code::Unschedulable);
    QTest::newRow("other port") << "UDP/127.0.0.1/8080"
                                << "UDP/127.0.0.1/9090" << ok;
    QTest::newRow("same udp port") << "UDP/127.0.0.1/8080"
                                   << "UDP/127.0.0.1/8080" << conflict;
    QTest::newRow("same tcp port") << "TCP/127.0.0.1/8080"
                                   << "TCP/127.0.0.1/8080" << conflict;
    QTest::newRow("different host ip") << "TCP/127.0.0.1/8080"
                                       << "TCP/127.0.0.2/8080" << ok;
    QTest::newRow("different protocol") << "UDP/127.0.0.1/8080"
                                        << "TCP/127.0.0.1/8080" << ok;
    QTest::newRow("second udp port conflict") << "UDP/127.0.0.1/8000,UDP/127.0.0.1/8080"
                                              << "UDP/127.0.0.1/8080" << conflict;
    QTest::newRow("first tcp port conflict") << "TCP/127.0.0.1/8001,UDP/127.0.0.1/8080"
                                             << "TCP/127.0.0.1/8001,UDP/127.0.0.1/8081" << conflict;
    QTest::newRow("first tcp port conflict due to 0.0.0.0 hostIP")
        << "TCP/0.0.0.0/8001"
        << "TCP/127.0.0.1/8001" << conflict;
    QTest::newRow("TCP hostPort conflict due to 0.0.0.0 hostIP")
        << "TCP/10.0.10.10/8001,TCP/0.0.0.0/8001"
        << "TCP/127.0.0.1/8001" << conflict;
    QTest::newRow("second tcp port conflict to 0.0.0.0 hostIP") << "TCP/127.0.0.1/8001"
                                                                << "TCP/0.0.0.0/8001" << conflict;
    QTest::newRow("second different protocol") << "UDP/127.0.0.1/8001"
                                               << "TCP/0.0.0.0/8001" << ok;
    QTest::newRow("UDP hostPort conflict due to 0.0.0.0 hostIP")
        << "UDP/127.0.0.1/8001"
        << "TCP/0.0.0.0/8001,UDP/0.0.0.0/8001" << conflict;
    QTest::newRow("empty hostIP and protocol mean 0.0.0.0 and TCP")
        << "-/-/8080"
        << "TCP/127.0.0.1/8080" << conflict;
    QTest::newRow("empty protocol is TCP, not UDP") << "-/-/8080"
                                                    << "UDP/127.0.0.1/8080" << ok;
    QTest::newRow("SCTP ports conflict like the others") << "SCTP/-/9000"
                                                         << "SCTP/10.0.0.1/9000" << conflict;
    QTest::newRow("no ports in use") << "TCP/-/80"
                                     << "" << ok;
}

void TestNodePorts::filter()
{
    QFETCH(QString, wanted);
    QFETCH(QString, used);
    QFETCH(int, code);

    NodeInfo info(schedtest::makeNode("n1", "4", "8Gi"));
    if (!used.isEmpty())
        info.addPod(podWithPorts("existing", used));
    const auto pod = podWithPorts("incoming", wanted);
    const PluginStatus status = runFilter(*pod, info);
    QCOMPARE(schedtest::codeOf(status), code);
    if (code != int(Code::Success)) {
        QCOMPARE(schedtest::toQStringList(status.reasons()),
                 QStringList{QString::fromUtf8(plugins::NodePorts::kErrReason)});
    }
    QCOMPARE(plugins::NodePorts::fits(*pod, info), code == int(Code::Success));
}

void TestNodePorts::preFilterSkipsPodsWithoutHostPorts_data()
{
    QTest::addColumn<QByteArray>("podJson");
    QTest::addColumn<bool>("skip");

    QTest::newRow("no ports at all")
        << QByteArray("{\"spec\":{\"containers\":[{\"name\":\"c\"}]}}") << true;
    QTest::newRow("container ports without hostPort")
        << QByteArray("{\"spec\":{\"containers\":[{\"name\":\"c\",\"ports\":[{"
                      "\"containerPort\":80}]}]}}")
        << true;
    QTest::newRow("host port on a plain init container is not kept")
        << QByteArray("{\"spec\":{\"containers\":[{\"name\":\"c\"}],\"initContainers\":[{"
                      "\"name\":\"i\",\"ports\":[{\"containerPort\":80,\"hostPort\":80}]}]}}")
        << true;
    QTest::newRow("host port on a sidecar is kept")
        << QByteArray("{\"spec\":{\"containers\":[{\"name\":\"c\"}],\"initContainers\":[{"
                      "\"name\":\"i\",\"restartPolicy\":\"Always\",\"ports\":[{"
                      "\"containerPort\":80,\"hostPort\":80}]}]}}")
        << false;
    QTest::newRow("host port on a container")
        << QByteArray("{\"spec\":{\"containers\":[{\"name\":\"c\",\"ports\":[{"
                      "\"containerPort\":80,\"hostPort\":8080}]}]}}")
        << false;
}

void TestNodePorts::preFilterSkipsPodsWithoutHostPorts()
{
    QFETCH(QByteArray, podJson);
    QFETCH(bool, skip);

    plugins::NodePorts plugin;
    CycleState state;
    const auto pod = schedtest::pod(podJson);
    const PluginStatus status = plugin.preFilter(state, *pod, Snapshot(), nullptr);
    QCOMPARE(status.isSkip(), skip);
    if (!skip)
        QVERIFY(status.isSuccess());
}

void TestNodePorts::wantedPortsAreSanitised()
{
    const auto pod =
        podWithPorts("p", "-/-/80,UDP/10.0.0.1/53", "TCP/127.0.0.1/9000", /*sidecar=*/true);
    const std::vector<HostPort> ports = plugins::NodePorts::wantedPorts(*pod);
    const std::vector<HostPort> expected = {
        {"127.0.0.1", "TCP", 9000}, // restartable init containers first, as upstream
        {"0.0.0.0", "TCP", 80},
        {"10.0.0.1", "UDP", 53},
    };
    QVERIFY(ports == expected);

    // A sidecar's port on the node blocks the same port for the next pod.
    NodeInfo info(schedtest::makeNode("n1", "4", "8Gi"));
    info.addPod(pod);
    QCOMPARE(schedtest::codeOf(runFilter(*podWithPorts("q", "TCP/-/9000"), info)),
             int(Code::Unschedulable));
    QCOMPARE(schedtest::codeOf(runFilter(*podWithPorts("r", "UDP/-/9000"), info)),
             int(Code::Success));
}

void TestNodePorts::frameworkReportsTheReason()
{
    Registry registry;
    QVERIFY(
        registry.add(std::string(plugins::NodePorts::kName), &plugins::NodePorts::create).isOk());
    Profile profile;
    profile.plugins = {{std::string(plugins::NodePorts::kName), 0}};
    auto framework = Framework::create(registry, profile);
    QVERIFY(framework.isOk());

    const auto busy = podWithPorts("busy", "TCP/-/8080");
    auto busyOnN1 = std::make_shared<schedtest::core::Pod>(*busy);
    busyOnN1->mutable_spec()->set_node_name("n1");
    const Snapshot snapshot = Snapshot::build(
        {schedtest::makeNode("n1", "4", "8Gi"), schedtest::makeNode("n2", "4", "8Gi")}, {busyOnN1});
    const auto result = (*framework)->schedulePod(*podWithPorts("new", "TCP/-/8080"), snapshot);
    QVERIFY(result.isOk());
    QVERIFY(result->isScheduled());
    QCOMPARE(result->suggestedHost, std::string("n2"));

    const Snapshot full = Snapshot::build({schedtest::makeNode("n1", "4", "8Gi")}, {busyOnN1});
    const auto rejected = (*framework)->schedulePod(*podWithPorts("new", "TCP/-/8080"), full);
    QVERIFY(rejected.isOk());
    QVERIFY(!rejected->isScheduled());
}

void TestNodePorts::fiveThousandNodes()
{
    std::vector<Snapshot::NodePtr> nodes;
    std::vector<Snapshot::PodPtr> pods;
    for (int i = 0; i < 5000; ++i) {
        const std::string name = "node-" + std::to_string(i);
        nodes.push_back(schedtest::makeNode(name, "32", "64Gi"));
        for (int j = 0; j < 3; ++j) {
            auto pod = std::make_shared<schedtest::core::Pod>(
                *podWithPorts(name + "-p" + std::to_string(j), j == 0 ? "TCP/-/8080" : "-/-/0"));
            pod->mutable_spec()->set_node_name(name);
            pods.push_back(std::move(pod));
        }
    }
    // Only the last node has 8080 free.
    pods.erase(std::remove_if(pods.begin(), pods.end(),
                              [](const Snapshot::PodPtr &p) {
                                  return p->metadata().name() == "node-4999-p0";
                              }),
               pods.end());
    const Snapshot snapshot = Snapshot::build(nodes, pods);

    Registry registry;
    QVERIFY(
        registry.add(std::string(plugins::NodePorts::kName), &plugins::NodePorts::create).isOk());
    Profile profile;
    profile.plugins = {{std::string(plugins::NodePorts::kName), 0}};
    auto framework = Framework::create(registry, profile);
    QVERIFY(framework.isOk());
    const auto result = (*framework)->schedulePod(*podWithPorts("new", "TCP/-/8080"), snapshot);
    QVERIFY(result.isOk());
    QCOMPARE(result->feasibleNodes, 1);
    QCOMPARE(result->suggestedHost, std::string("node-4999"));
}

QTEST_GUILESS_MAIN(TestNodePorts)
#include "tst_nodeports.moc"
