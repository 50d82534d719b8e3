#include "backend/controllers/namespace/namespacecontroller.h"
#include "tests/testing/testcluster.h"

#include "core_v1.pb.h"

#include <QObject>
#include <QTest>

#include <chrono>
#include <memory>
#include <string>

using namespace std::chrono_literals;
using kubist::controllers::NamespaceController;
using kubist::testing::TestCluster;
namespace core = k8s::io::api::core::v1;

namespace {

const kubist::api::KindInfo &kindOf(const google::protobuf::Descriptor *d)
{
    return *kubist::api::Scheme::builtin().byDescriptor(d);
}

void createNamespace(TestCluster &c, const std::string &name)
{
    c.apply("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name + "\n");
}

void createPod(TestCluster &c, const std::string &ns, const std::string &name,
               const std::string &node = {})
{
    core::Pod pod;
    pod.mutable_metadata()->set_name(name);
    pod.mutable_metadata()->set_namespace_(ns);
    pod.mutable_spec()->set_node_name(node);
    core::Container *container = pod.mutable_spec()->add_containers();
    container->set_name("c");
    container->set_image("nginx");
    auto r = c.admin().create(kindOf(core::Pod::descriptor()), ns, pod);
    QVERIFY2(r.isOk(), r.status().message().c_str());
}

bool deleteNamespace(TestCluster &c, const std::string &name)
{
    return c.admin().remove(kindOf(core::Namespace::descriptor()), "", name).isOk();
}

const core::NamespaceCondition *condition(const core::Namespace &ns, const std::string &type)
{
    for (const core::NamespaceCondition &cond : ns.status().conditions())
        if (cond.type() == type)
            return &cond;
    return nullptr;
}

} // namespace

class TestNamespace : public QObject
{
    Q_OBJECT

private slots:
    void contentIsDeletedThenNamespace_data();
    void contentIsDeletedThenNamespace();
    void terminatingPodsKeepNamespaceWaiting();
    void remainingFinalizersAreReported();
    void activeNamespacesAreLeftAlone();
    void newInstanceCatchesUp();
};

void TestNamespace::contentIsDeletedThenNamespace_data()
{
    QTest::addColumn<QString>("manifest");

    QTest::newRow("config map") << "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
                                   "  namespace: team\ndata:\n  a: b\n";
    QTest::newRow("secret") << "apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n"
                               "  namespace: team\n";
    QTest::newRow("service") << "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n"
                                "  namespace: team\nspec:\n  ports:\n  - port: 80\n";
    QTest::newRow("service account")
        << "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: x\n  namespace: team\n";
    QTest::newRow("unscheduled pod")
        << "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  namespace: team\nspec:\n"
           "  containers:\n  - name: c\n    image: nginx\n";
}

void TestNamespace::contentIsDeletedThenNamespace()
{
    QFETCH(QString, manifest);

    TestCluster c;
    auto controllerClient = c.client("namespace-controller");
    NamespaceController controller(*controllerClient, c.clock);
    controller.start();
    createNamespace(c, "team");
    c.apply(manifest.toStdString());
    createPod(c, "default", "elsewhere");
    QVERIFY(c.settle());

    auto ns = c.get<core::Namespace>("", "team");
    QVERIFY(ns);
    QCOMPARE(ns->spec().finalizers_size(), 1);
    QVERIFY(deleteNamespace(c, "team"));
    QVERIFY(c.settle());
    QVERIFY(!c.get<core::Namespace>("", "team"));
    QCOMPARE(c.list<core::ConfigMap>("team").size(), size_t(0));
    QCOMPARE(c.list<core::Pod>("team").size(), size_t(0));
    QCOMPARE(c.list<core::Service>("team").size(), size_t(0));
    QVERIFY(c.get<core::Pod>("default", "elsewhere")); // other namespaces untouched
}

void TestNamespace::terminatingPodsKeepNamespaceWaiting()
{
    TestCluster c;
    auto controllerClient = c.client("namespace-controller");
    NamespaceController controller(*controllerClient, c.clock);
    controller.start();
    createNamespace(c, "team");
    createPod(c, "team", "running", "n1"); // bound: deleted gracefully
    QVERIFY(deleteNamespace(c, "team"));
    QVERIFY(c.run(10s));

    auto ns = c.get<core::Namespace>("", "team");
    QVERIFY(ns);
    QCOMPARE(ns->status().phase(), std::string("Terminating"));
    const core::NamespaceCondition *remaining = condition(*ns, "NamespaceContentRemaining");
    QVERIFY(remaining);
    QCOMPARE(remaining->status(), std::string("True"));
    QCOMPARE(remaining->reason(), std::string("SomeResourcesRemain"));
    QCOMPARE(remaining->message(),
             std::string("Some resources are remaining: pods has 1 resource instances"));
    const core::NamespaceCondition *failure = condition(*ns, "NamespaceDeletionContentFailure");
    QVERIFY(failure);
    QCOMPARE(failure->status(), std::string("False"));
    QCOMPARE(failure->reason(), std::string("ContentDeleted"));
    QVERIFY(c.get<core::Pod>("team", "running")->metadata().has_deletion_timestamp());

    // The kubelet confirms the pod is gone.
    kubist::client::DeleteOptions now;
    now.gracePeriodSeconds = 0;
    QVERIFY(c.admin().remove(kindOf(core::Pod::descriptor()), "team", "running", now).isOk());
    QVERIFY(c.runUntil([&] { return !c.get<core::Namespace>("", "team"); }, 60s));
}

void TestNamespace::remainingFinalizersAreReported()
{
    TestCluster c;
    auto controllerClient = c.client("namespace-controller");
    NamespaceController controller(*controllerClient, c.clock);
    controller.start();
    createNamespace(c, "team");
    c.apply("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n  namespace: team\n"
            "  finalizers:\n  - example.com/keep\n");
    QVERIFY(deleteNamespace(c, "team"));
    QVERIFY(c.run(5s));

    auto ns = c.get<core::Namespace>("", "team");
    QVERIFY(ns);
    const core::NamespaceCondition *finalizers = condition(*ns, "NamespaceFinalizersRemaining");
    QVERIFY(finalizers);
    QCOMPARE(finalizers->status(), std::string("True"));
    QCOMPARE(finalizers->reason(), std::string("SomeFinalizersRemain"));
    QCOMPARE(finalizers->message(), std::string("Some content in the namespace has finalizers "
                                                "remaining: example.com/keep in 1 resource "
                                                "instances"));

    // Whoever owns the finalizer finishes.
    auto cm = c.get<core::ConfigMap>("team", "kept");
    core::ConfigMap copy(*cm);
    copy.mutable_metadata()->clear_finalizers();
    QVERIFY(c.admin().update(kindOf(core::ConfigMap::descriptor()), "team", copy).isOk());
    QVERIFY(c.runUntil([&] { return !c.get<core::Namespace>("", "team"); }, 30s));
}

void TestNamespace::activeNamespacesAreLeftAlone()
{
    TestCluster c;
    auto controllerClient = c.client("namespace-controller");
    NamespaceController controller(*controllerClient, c.clock);
    controller.start();
    createNamespace(c, "team");
    createPod(c, "team", "p");
    QVERIFY(c.run(60s));
    QVERIFY(c.get<core::Pod>("team", "p"));
    QCOMPARE(c.get<core::Namespace>("", "team")->status().conditions_size(), 0);
}

void TestNamespace::newInstanceCatchesUp()
{
    TestCluster c;
    auto firstClient = c.client("namespace-controller");
    auto first = std::make_unique<NamespaceController>(*firstClient, c.clock);
    first->start();
    createNamespace(c, "team");
    createPod(c, "team", "p");
    QVERIFY(c.settle());
    first.reset();

    QVERIFY(deleteNamespace(c, "team"));
    QVERIFY(c.settle());
    QVERIFY(c.get<core::Namespace>("", "team")); // nobody empties it

    auto secondClient = c.client("namespace-controller");
    NamespaceController second(*secondClient, c.clock);
    second.start();
    QVERIFY(c.settle());
    QVERIFY(!c.get<core::Namespace>("", "team"));
    QVERIFY(!c.get<core::Pod>("team", "p"));
}

QTEST_GUILESS_MAIN(TestNamespace)
#include "tst_namespace.moc"
