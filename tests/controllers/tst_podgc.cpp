#include "backend/controllers/podgc/podgccontroller.h"
#include "tests/testing/testcluster.h"

#include "core_v1.pb.h"

#include <QObject>
#include <QTest>

#include <chrono>
#include <memory>
#include <string>

using namespace std::chrono_literals;
using kubist::controllers::PodGCController;
using kubist::testing::TestCluster;
namespace core = k8s::io::api::core::v1;

namespace {

const kubist::api::KindInfo &kindOf(const google::protobuf::Descriptor *d)
{
    return *kubist::api::Scheme::builtin().byDescriptor(d);
}

void createNode(TestCluster &c, const std::string &name)
{
    c.apply("apiVersion: v1\nkind: Node\nmetadata:\n  name: " + name + "\n");
}

void createPod(TestCluster &c, const std::string &name, const std::string &node,
               const std::string &phase = "Running")
{
    core::Pod pod;
    pod.mutable_metadata()->set_name(name);
    pod.mutable_metadata()->set_namespace_("default");
    pod.mutable_spec()->set_node_name(node);
    core::Container *container = pod.mutable_spec()->add_containers();
    container->set_name("c");
    container->set_image("nginx");
    auto r = c.admin().create(kindOf(core::Pod::descriptor()), "default", pod);
    QVERIFY2(r.isOk(), r.status().message().c_str());
    core::Pod withStatus(static_cast<const core::Pod &>(**r));
    withStatus.mutable_status()->set_phase(phase);
    kubist::client::WriteOptions o;
    o.subresource = "status";
    auto s = c.admin().update(kindOf(core::Pod::descriptor()), "default", withStatus, o);
    QVERIFY2(s.isOk(), s.status().message().c_str());
}

bool removeNode(TestCluster &c, const std::string &name)
{
    return c.admin().remove(kindOf(core::Node::descriptor()), "", name).isOk();
}

} // namespace

class TestPodGC : public QObject
{
    Q_OBJECT

private slots:
    void terminatedPodsBeyondThreshold_data();
    void terminatedPodsBeyondThreshold();
    void podsOfDeletedNodeGoAfterQuarantine();
    void newInstanceCatchesUp();
};

void TestPodGC::terminatedPodsBeyondThreshold_data()
{
    QTest::addColumn<int>("threshold");
    QTest::addColumn<QStringList>("left");

    QTest::newRow("oldest terminated pods go first") << 2 << QStringList{"p2", "p3", "running"};
    QTest::newRow("under the threshold nothing goes")
        << 10 << QStringList{"p0", "p1", "p2", "p3", "running"};
    QTest::newRow("threshold 0 keeps everything")
        << 0 << QStringList{"p0", "p1", "p2", "p3", "running"};
}

void TestPodGC::terminatedPodsBeyondThreshold()
{
    QFETCH(int, threshold);
    QFETCH(QStringList, left);

    TestCluster c;
    createNode(c, "n1");
    for (int i = 0; i < 4; ++i) {
        createPod(c, "p" + std::to_string(i), "n1", i % 2 ? "Failed" : "Succeeded");
        c.clock.advance(1s);
    }
    createPod(c, "running", "n1");
    PodGCController::Options options;
    options.terminatedPodThreshold = threshold;
    auto controllerClient = c.client("pod-garbage-collector");
    PodGCController controller(*controllerClient, c.clock, options);
    controller.start();
    QVERIFY(c.run(25s));

    QStringList names;
    for (const auto &p : c.list<core::Pod>("default"))
        names << QString::fromStdString(p->metadata().name());
    names.sort();
    QCOMPARE(names, left);
}

void TestPodGC::podsOfDeletedNodeGoAfterQuarantine()
{
    TestCluster c;
    auto controllerClient = c.client("pod-garbage-collector");
    PodGCController controller(*controllerClient, c.clock);
    controller.start();
    createNode(c, "n1");
    createNode(c, "n2");
    createPod(c, "orphan", "n1");
    createPod(c, "fine", "n2");
    QVERIFY(c.run(5s));
    QVERIFY(removeNode(c, "n1"));

    QVERIFY(c.run(39s));
    QVERIFY(c.get<core::Pod>("default", "orphan")); // quarantine
    QVERIFY(c.runUntil([&] { return !c.get<core::Pod>("default", "orphan"); }, 45s));
    QVERIFY(c.run(60s));
    QVERIFY(c.get<core::Pod>("default", "fine"));
}

void TestPodGC::newInstanceCatchesUp()
{
    TestCluster c;
    auto firstClient = c.client("pod-garbage-collector");
    auto first = std::make_unique<PodGCController>(*firstClient, c.clock);
    first->start();
    createNode(c, "n1");
    createPod(c, "orphan", "n1");
    QVERIFY(c.run(5s));
    first.reset();
    QVERIFY(removeNode(c, "n1"));
    QVERIFY(c.run(120s));
    QVERIFY(c.get<core::Pod>("default", "orphan")); // nobody collects

    auto secondClient = c.client("pod-garbage-collector");
    PodGCController second(*secondClient, c.clock);
    second.start();
    QVERIFY(c.runUntil([&] { return !c.get<core::Pod>("default", "orphan"); }, 70s));
}

QTEST_GUILESS_MAIN(TestPodGC)
#include "tst_podgc.moc"
