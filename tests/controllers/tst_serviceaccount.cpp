#include "backend/controllers/serviceaccount/serviceaccountcontroller.h"
#include "tests/testing/testcluster.h"

#include "core_v1.pb.h"

#include <QObject>
#include <QTest>

#include <memory>
#include <string>

using kubist::controllers::ServiceAccountController;
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

} // namespace

class TestServiceAccount : public QObject
{
    Q_OBJECT

private slots:
    void defaultAccountInEveryNamespace_data();
    void defaultAccountInEveryNamespace();
    void deletedAccountComesBack();
    void terminatingNamespaceGetsNone();
    void newInstanceCatchesUp();
};

void TestServiceAccount::defaultAccountInEveryNamespace_data()
{
    QTest::addColumn<QString>("ns");
    QTest::newRow("bootstrapped default namespace") << "default";
    QTest::newRow("bootstrapped kube-system") << "kube-system";
    QTest::newRow("new namespace") << "team";
}

void TestServiceAccount::defaultAccountInEveryNamespace()
{
    QFETCH(QString, ns);
    TestCluster c;
    auto controllerClient = c.client("service-account-controller");
    ServiceAccountController controller(*controllerClient, c.clock);
    controller.start();
    createNamespace(c, "team");
    QVERIFY(c.settle());
    QVERIFY(c.get<core::ServiceAccount>(ns.toStdString(), "default"));
}

void TestServiceAccount::deletedAccountComesBack()
{
    TestCluster c;
    auto controllerClient = c.client("service-account-controller");
    ServiceAccountController controller(*controllerClient, c.clock);
    controller.start();
    createNamespace(c, "team");
    QVERIFY(c.settle());
    auto before = c.get<core::ServiceAccount>("team", "default");
    QVERIFY(before);
    QVERIFY(c.admin().remove(kindOf(core::ServiceAccount::descriptor()), "team", "default").isOk());
    QVERIFY(c.settle());
    auto after = c.get<core::ServiceAccount>("team", "default");
    QVERIFY(after);
    QVERIFY(after->metadata().uid() != before->metadata().uid());
}

void TestServiceAccount::terminatingNamespaceGetsNone()
{
    TestCluster c;
    auto controllerClient = c.client("service-account-controller");
    ServiceAccountController controller(*controllerClient, c.clock);
    controller.start();
    createNamespace(c, "team");
    QVERIFY(c.settle());
    // No namespace controller runs: the namespace stays terminating.
    QVERIFY(c.admin().remove(kindOf(core::Namespace::descriptor()), "", "team").isOk());
    QVERIFY(c.admin().remove(kindOf(core::ServiceAccount::descriptor()), "team", "default").isOk());
    QVERIFY(c.settle());
    QVERIFY(!c.get<core::ServiceAccount>("team", "default"));
}

void TestServiceAccount::newInstanceCatchesUp()
{
    TestCluster c;
    auto firstClient = c.client("service-account-controller");
    auto first = std::make_unique<ServiceAccountController>(*firstClient, c.clock);
    first->start();
    QVERIFY(c.settle());
    first.reset();
    createNamespace(c, "team");
    QVERIFY(c.settle());
    QVERIFY(!c.get<core::ServiceAccount>("team", "default"));
    auto secondClient = c.client("service-account-controller");
    ServiceAccountController second(*secondClient, c.clock);
    second.start();
    QVERIFY(c.settle());
    QVERIFY(c.get<core::ServiceAccount>("team", "default"));
}

QTEST_GUILESS_MAIN(TestServiceAccount)
#include "tst_serviceaccount.moc"
