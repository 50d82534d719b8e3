#include "backend/controllers/endpoints/endpointscontroller.h"
#include "tests/testing/testcluster.h"

#include "core_v1.pb.h"

#include <QObject>
#include <QTest>

#include <cctype>
#include <chrono>
#include <memory>
#include <string>

using namespace std::chrono_literals;
using kubist::controllers::EndpointsController;
using kubist::testing::TestCluster;
namespace core = k8s::io::api::core::v1;

namespace {

const kubist::api::KindInfo &kindOf(const google::protobuf::Descriptor *d)
{
    return *kubist::api::Scheme::builtin().byDescriptor(d);
}

void createPod(TestCluster &c, const std::string &name, const std::string &app, int32_t port,
               const std::string &portName = "http")
{
    core::Pod pod;
    pod.mutable_metadata()->set_name(name);
    pod.mutable_metadata()->set_namespace_("default");
    (*pod.mutable_metadata()->mutable_labels())["app"] = app;
    core::Container *container = pod.mutable_spec()->add_containers();
    container->set_name("c");
    container->set_image("nginx");
    core::ContainerPort *p = container->add_ports();
    p->set_name(portName);
    p->set_container_port(port);
    auto r = c.admin().create(kindOf(core::Pod::descriptor()), "default", pod);
    QVERIFY2(r.isOk(), r.status().message().c_str());
}

// What a kubelet would report: the pod runs at `ip`, ready or not.
void setPodStatus(TestCluster &c, const std::string &name, const std::string &ip, bool ready)
{
    auto pod = c.get<core::Pod>("default", name);
    QVERIFY(pod);
    core::Pod copy(*pod);
    copy.mutable_status()->set_phase("Running");
    copy.mutable_status()->set_pod_ip(ip);
    copy.mutable_status()->clear_conditions();
    core::PodCondition *cond = copy.mutable_status()->add_conditions();
    cond->set_type("Ready");
    cond->set_status(ready ? "True" : "False");
    kubist::client::WriteOptions o;
    o.subresource = "status";
    auto r = c.admin().update(kindOf(core::Pod::descriptor()), "default", copy, o);
    QVERIFY2(r.isOk(), r.status().message().c_str());
}

void createService(TestCluster &c, const std::string &name, const std::string &app,
                   const std::string &targetPort, bool publishNotReady = false)
{
    core::Service svc;
    svc.mutable_metadata()->set_name(name);
    svc.mutable_metadata()->set_namespace_("default");
    (*svc.mutable_metadata()->mutable_labels())["tier"] = "front";
    (*svc.mutable_spec()->mutable_selector())["app"] = app;
    svc.mutable_spec()->set_publish_not_ready_addresses(publishNotReady);
    core::ServicePort *p = svc.mutable_spec()->add_ports();
    p->set_name("web");
    p->set_port(80);
    if (!targetPort.empty() && std::isdigit(static_cast<unsigned char>(targetPort[0]))) {
        p->mutable_target_port()->set_type(0);
        p->mutable_target_port()->set_int_val(std::stoi(targetPort));
    } else if (!targetPort.empty()) {
        p->mutable_target_port()->set_type(1);
        p->mutable_target_port()->set_str_val(targetPort);
    }
    auto r = c.admin().create(kindOf(core::Service::descriptor()), "default", svc);
    QVERIFY2(r.isOk(), r.status().message().c_str());
}

// "ip:port" of every address, ready ones first then "!" and the others.
std::string describe(const core::Endpoints &e)
{
    std::string ready;
    std::string notReady;
    for (const core::EndpointSubset &s : e.subsets()) {
        std::string ports;
        for (const core::EndpointPort &p : s.ports())
            ports += ":" + std::to_string(p.port());
        for (const core::EndpointAddress &a : s.addresses())
            ready += (ready.empty() ? "" : ",") + a.ip() + ports;
        for (const core::EndpointAddress &a : s.not_ready_addresses())
            notReady += (notReady.empty() ? "" : ",") + a.ip() + ports;
    }
    return ready + "!" + notReady;
}

} // namespace

class TestEndpoints : public QObject
{
    Q_OBJECT

private slots:
    void endpointsFollowPods_data();
    void endpointsFollowPods();
    void addressesCarryPodReferences();
    void endpointsRemovedWithService();
    void unchangedEndpointsAreNotRewritten();
    void newInstanceCatchesUp();
};

void TestEndpoints::endpointsFollowPods_data()
{
    QTest::addColumn<QString>("targetPort");
    QTest::addColumn<bool>("publishNotReady");
    QTest::addColumn<QString>("expected");

    QTest::newRow("ready and not-ready pods split")
        << "8080" << false << "10.0.0.1:8080!10.0.0.2:8080";
    QTest::newRow("publishNotReadyAddresses puts all in addresses")
        << "8080" << true << "10.0.0.1:8080,10.0.0.2:8080!";
    QTest::newRow("named target port resolves per pod")
        << "http" << false << "10.0.0.1:8080!10.0.0.2:9090";
    QTest::newRow("pod without the named port is left out") << "metrics" << false << "!";
}

void TestEndpoints::endpointsFollowPods()
{
    QFETCH(QString, targetPort);
    QFETCH(bool, publishNotReady);
    QFETCH(QString, expected);

    TestCluster c;
    auto controllerClient = c.client("endpoint-controller");
    EndpointsController controller(*controllerClient, c.clock);
    controller.start();
    createService(c, "web", "web", targetPort.toStdString(), publishNotReady);
    createPod(c, "a", "web", 8080);
    createPod(c, "b", "web", 9090);
    createPod(c, "no-ip", "web", 8080);
    createPod(c, "other", "db", 8080);
    setPodStatus(c, "a", "10.0.0.1", true);
    setPodStatus(c, "b", "10.0.0.2", false);
    setPodStatus(c, "other", "10.0.0.9", true);
    QVERIFY(c.settle());

    auto e = c.get<core::Endpoints>("default", "web");
    QVERIFY(e);
    QCOMPARE(QString::fromStdString(describe(*e)), expected);
    QCOMPARE(e->metadata().labels().at("tier"), std::string("front"));
    QVERIFY(!e->metadata().labels().contains("endpoints.kubernetes.io/managed-by"));

    // The not-ready pod becomes ready; the ready one goes away.
    setPodStatus(c, "b", "10.0.0.2", true);
    QVERIFY(c.admin().remove(kindOf(core::Pod::descriptor()), "default", "a").isOk());
    QVERIFY(c.settle());
    e = c.get<core::Endpoints>("default", "web");
    QVERIFY(e);
    const QString after = targetPort == "metrics" ? "!"
                          : targetPort == "http"  ? "10.0.0.2:9090!"
                                                  : "10.0.0.2:8080!";
    QCOMPARE(QString::fromStdString(describe(*e)), after);
}

void TestEndpoints::addressesCarryPodReferences()
{
    TestCluster c;
    auto controllerClient = c.client("endpoint-controller");
    EndpointsController controller(*controllerClient, c.clock);
    controller.start();
    createService(c, "web", "web", "8080");
    createPod(c, "a", "web", 8080);
    setPodStatus(c, "a", "10.0.0.1", true);
    QVERIFY(c.settle());
    auto pod = c.get<core::Pod>("default", "a");
    auto e = c.get<core::Endpoints>("default", "web");
    QVERIFY(e);
    QCOMPARE(e->subsets_size(), 1);
    QCOMPARE(e->subsets(0).addresses_size(), 1);
    const core::EndpointAddress &a = e->subsets(0).addresses(0);
    QCOMPARE(a.target_ref().kind(), std::string("Pod"));
    QCOMPARE(a.target_ref().namespace_(), std::string("default"));
    QCOMPARE(a.target_ref().name(), std::string("a"));
    QCOMPARE(a.target_ref().uid(), pod->metadata().uid());
    QCOMPARE(e->subsets(0).ports(0).name(), std::string("web"));
    QCOMPARE(e->subsets(0).ports(0).protocol(), std::string("TCP"));

    // A terminating pod leaves the endpoints.
    auto gone = c.admin().remove(kindOf(core::Pod::descriptor()), "default", "a");
    QVERIFY(gone.isOk());
    QVERIFY(c.settle());
    e = c.get<core::Endpoints>("default", "web");
    QCOMPARE(QString::fromStdString(describe(*e)), QString("!"));
}

void TestEndpoints::endpointsRemovedWithService()
{
    TestCluster c;
    auto controllerClient = c.client("endpoint-controller");
    EndpointsController controller(*controllerClient, c.clock);
    controller.start();
    createService(c, "web", "web", "8080");
    QVERIFY(c.settle());
    QVERIFY(c.get<core::Endpoints>("default", "web"));
    QVERIFY(c.admin().remove(kindOf(core::Service::descriptor()), "default", "web").isOk());
    QVERIFY(c.settle());
    QVERIFY(!c.get<core::Endpoints>("default", "web"));
}

void TestEndpoints::unchangedEndpointsAreNotRewritten()
{
    TestCluster c;
    auto controllerClient = c.client("endpoint-controller");
    EndpointsController controller(*controllerClient, c.clock);
    controller.start();
    createService(c, "web", "web", "8080");
    createPod(c, "a", "web", 8080);
    setPodStatus(c, "a", "10.0.0.1", true);
    QVERIFY(c.settle());
    const std::string rv = c.get<core::Endpoints>("default", "web")->metadata().resource_version();
    // A pod change that does not move the endpoints.
    auto pod = c.get<core::Pod>("default", "a");
    core::Pod copy(*pod);
    (*copy.mutable_metadata()->mutable_annotations())["note"] = "x";
    QVERIFY(c.admin().update(kindOf(core::Pod::descriptor()), "default", copy).isOk());
    QVERIFY(c.settle());
    QCOMPARE(c.get<core::Endpoints>("default", "web")->metadata().resource_version(), rv);
}

void TestEndpoints::newInstanceCatchesUp()
{
    TestCluster c;
    auto firstClient = c.client("endpoint-controller");
    auto first = std::make_unique<EndpointsController>(*firstClient, c.clock);
    first->start();
    createService(c, "web", "web", "8080");
    createService(c, "old", "old", "8080");
    QVERIFY(c.settle());
    QVERIFY(c.get<core::Endpoints>("default", "old"));
    first.reset();

    QVERIFY(c.admin().remove(kindOf(core::Service::descriptor()), "default", "old").isOk());
    createPod(c, "a", "web", 8080);
    setPodStatus(c, "a", "10.0.0.1", true);
    QVERIFY(c.settle());
    QVERIFY(c.get<core::Endpoints>("default", "old")); // nobody watching

    auto secondClient = c.client("endpoint-controller");
    EndpointsController second(*secondClient, c.clock);
    second.start();
    QVERIFY(c.settle());
    QVERIFY(!c.get<core::Endpoints>("default", "old"));
    QCOMPARE(QString::fromStdString(describe(*c.get<core::Endpoints>("default", "web"))),
             QString("10.0.0.1:8080!"));
}

QTEST_GUILESS_MAIN(TestEndpoints)
#include "tst_endpoints.moc"
