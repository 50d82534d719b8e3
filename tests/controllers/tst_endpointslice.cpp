#include "backend/controllers/endpointslice/endpointslicecontroller.h"
#include "tests/testing/testcluster.h"

#include "core_v1.pb.h"
#include "discovery_v1.pb.h"

#include <QObject>
#include <QTest>

#include <cctype>
#include <memory>
#include <string>

using kubist::controllers::EndpointSliceController;
using kubist::testing::TestCluster;
namespace core = k8s::io::api::core::v1;
namespace discovery = k8s::io::api::discovery::v1;

namespace {

const kubist::api::KindInfo &kindOf(const google::protobuf::Descriptor *d)
{
    return *kubist::api::Scheme::builtin().byDescriptor(d);
}

void createPod(TestCluster &c, const std::string &name, const std::string &app, int32_t port)
{
    core::Pod pod;
    pod.mutable_metadata()->set_name(name);
    pod.mutable_metadata()->set_namespace_("default");
    (*pod.mutable_metadata()->mutable_labels())["app"] = app;
    pod.mutable_spec()->set_node_name("n1");
    core::Container *container = pod.mutable_spec()->add_containers();
    container->set_name("c");
    container->set_image("nginx");
    core::ContainerPort *p = container->add_ports();
    p->set_name("http");
    p->set_container_port(port);
    auto r = c.admin().create(kindOf(core::Pod::descriptor()), "default", pod);
    QVERIFY2(r.isOk(), r.status().message().c_str());
}

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

void createService(TestCluster &c, const std::string &name, const std::string &targetPort)
{
    core::Service svc;
    svc.mutable_metadata()->set_name(name);
    svc.mutable_metadata()->set_namespace_("default");
    (*svc.mutable_spec()->mutable_selector())["app"] = name;
    core::ServicePort *p = svc.mutable_spec()->add_ports();
    p->set_name("web");
    p->set_port(80);
    if (std::isdigit(static_cast<unsigned char>(targetPort[0]))) {
        p->mutable_target_port()->set_type(0);
        p->mutable_target_port()->set_int_val(std::stoi(targetPort));
    } else {
        p->mutable_target_port()->set_type(1);
        p->mutable_target_port()->set_str_val(targetPort);
    }
    auto r = c.admin().create(kindOf(core::Service::descriptor()), "default", svc);
    QVERIFY2(r.isOk(), r.status().message().c_str());
}

std::vector<std::shared_ptr<const discovery::EndpointSlice>> slicesOf(TestCluster &c,
                                                                      const std::string &svc)
{
    return c.list<discovery::EndpointSlice>("default", "kubernetes.io/service-name=" + svc);
}

// "name:port:ready/serving/terminating" of every endpoint of every slice, sorted.
QStringList describe(TestCluster &c, const std::string &svc)
{
    QStringList out;
    for (const auto &s : slicesOf(c, svc))
        for (const discovery::Endpoint &e : s->endpoints()) {
            const auto &cond = e.conditions();
            out << QString::fromStdString(e.target_ref().name() + ":" +
                                          std::to_string(s->ports_size() ? s->ports(0).port() : 0) +
                                          ":" + (cond.ready() ? "R" : "-") +
                                          (cond.serving() ? "S" : "-") +
                                          (cond.terminating() ? "T" : "-"));
        }
    out.sort();
    return out;
}

} // namespace

class TestEndpointSlice : public QObject
{
    Q_OBJECT

private slots:
    void slicesFollowPods_data();
    void slicesFollowPods();
    void sliceShape();
    void terminatingPodsAreMarked();
    void slicesGoWithService();
    void newInstanceCatchesUp();
};

void TestEndpointSlice::slicesFollowPods_data()
{
    QTest::addColumn<QString>("targetPort");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("numeric target port, one slice")
        << "8080" << QStringList{"a:8080:RS-", "b:8080:---"};
    QTest::newRow("named target port splits by port")
        << "http" << QStringList{"a:8080:RS-", "b:9090:---"};
}

void TestEndpointSlice::slicesFollowPods()
{
    QFETCH(QString, targetPort);
    QFETCH(QStringList, expected);

    TestCluster c;
    auto controllerClient = c.client("endpoint-slice-controller");
    EndpointSliceController controller(*controllerClient, c.clock);
    controller.start();
    createService(c, "web", targetPort.toStdString());
    createPod(c, "a", "web", 8080);
    createPod(c, "b", "web", 9090);
    createPod(c, "no-ip", "web", 8080);
    setPodStatus(c, "a", "10.0.0.1", true);
    setPodStatus(c, "b", "10.0.0.2", false);
    QVERIFY(c.settle());
    QCOMPARE(describe(c, "web"), expected);
    QCOMPARE(slicesOf(c, "web").size(), size_t(targetPort == "http" ? 2 : 1));

    setPodStatus(c, "b", "10.0.0.2", true);
    QVERIFY(c.settle());
    QVERIFY(describe(c, "web").contains(expected[1].replace(":---", ":RS-")));
}

void TestEndpointSlice::sliceShape()
{
    TestCluster c;
    auto controllerClient = c.client("endpoint-slice-controller");
    EndpointSliceController controller(*controllerClient, c.clock);
    controller.start();
    createService(c, "web", "8080");
    QVERIFY(c.settle());
    // No pods yet: one placeholder slice.
    auto slices = slicesOf(c, "web");
    QCOMPARE(slices.size(), size_t(1));
    QCOMPARE(slices[0]->endpoints_size(), 0);

    createPod(c, "a", "web", 8080);
    setPodStatus(c, "a", "10.0.0.1", true);
    QVERIFY(c.settle());
    slices = slicesOf(c, "web");
    QCOMPARE(slices.size(), size_t(1));
    const discovery::EndpointSlice &s = *slices[0];
    auto svc = c.get<core::Service>("default", "web");
    QVERIFY(s.metadata().name().rfind("web-", 0) == 0);
    QCOMPARE(s.metadata().labels().at("endpointslice.kubernetes.io/managed-by"),
             std::string("endpointslice-controller.k8s.io"));
    QCOMPARE(s.address_type(), std::string("IPv4"));
    QCOMPARE(s.metadata().owner_references_size(), 1);
    QCOMPARE(s.metadata().owner_references(0).kind(), std::string("Service"));
    QCOMPARE(s.metadata().owner_references(0).uid(), svc->metadata().uid());
    QVERIFY(s.metadata().owner_references(0).controller());
    QCOMPARE(s.ports_size(), 1);
    QCOMPARE(s.ports(0).name(), std::string("web"));
    QCOMPARE(s.ports(0).protocol(), std::string("TCP"));
    QCOMPARE(s.endpoints_size(), 1);
    QCOMPARE(s.endpoints(0).addresses(0), std::string("10.0.0.1"));
    QCOMPARE(s.endpoints(0).node_name(), std::string("n1"));
    QCOMPARE(s.endpoints(0).target_ref().kind(), std::string("Pod"));

    // Nothing changed: nothing written.
    const std::string rv = s.metadata().resource_version();
    auto pod = c.get<core::Pod>("default", "a");
    core::Pod copy(*pod);
    (*copy.mutable_metadata()->mutable_annotations())["note"] = "x";
    QVERIFY(c.admin().update(kindOf(core::Pod::descriptor()), "default", copy).isOk());
    QVERIFY(c.settle());
    QCOMPARE(slicesOf(c, "web")[0]->metadata().resource_version(), rv);
}

void TestEndpointSlice::terminatingPodsAreMarked()
{
    TestCluster c;
    auto controllerClient = c.client("endpoint-slice-controller");
    EndpointSliceController controller(*controllerClient, c.clock);
    controller.start();
    createService(c, "web", "8080");
    createPod(c, "a", "web", 8080);
    setPodStatus(c, "a", "10.0.0.1", true);
    QVERIFY(c.settle());
    // A bound pod is deleted gracefully: it stays, terminating.
    QVERIFY(c.admin().remove(kindOf(core::Pod::descriptor()), "default", "a").isOk());
    QVERIFY(c.settle());
    QCOMPARE(describe(c, "web"), QStringList{"a:8080:-ST"});
}

void TestEndpointSlice::slicesGoWithService()
{
    TestCluster c;
    auto controllerClient = c.client("endpoint-slice-controller");
    EndpointSliceController controller(*controllerClient, c.clock);
    controller.start();
    createService(c, "web", "8080");
    createService(c, "other", "8080");
    QVERIFY(c.settle());
    QCOMPARE(slicesOf(c, "web").size(), size_t(1));
    QVERIFY(c.admin().remove(kindOf(core::Service::descriptor()), "default", "web").isOk());
    QVERIFY(c.settle());
    QCOMPARE(slicesOf(c, "web").size(), size_t(0));
    QCOMPARE(slicesOf(c, "other").size(), size_t(1));
}

void TestEndpointSlice::newInstanceCatchesUp()
{
    TestCluster c;
    auto firstClient = c.client("endpoint-slice-controller");
    auto first = std::make_unique<EndpointSliceController>(*firstClient, c.clock);
    first->start();
    createService(c, "web", "8080");
    createService(c, "old", "8080");
    QVERIFY(c.settle());
    first.reset();
    QVERIFY(c.admin().remove(kindOf(core::Service::descriptor()), "default", "old").isOk());
    createPod(c, "a", "web", 8080);
    setPodStatus(c, "a", "10.0.0.1", true);
    QVERIFY(c.settle());

    auto secondClient = c.client("endpoint-slice-controller");
    EndpointSliceController second(*secondClient, c.clock);
    second.start();
    QVERIFY(c.settle());
    QCOMPARE(slicesOf(c, "old").size(), size_t(0));
    QCOMPARE(slicesOf(c, "web").size(), size_t(1));
    QCOMPARE(describe(c, "web"), QStringList{"a:8080:RS-"});
}

QTEST_GUILESS_MAIN(TestEndpointSlice)
#include "tst_endpointslice.moc"
