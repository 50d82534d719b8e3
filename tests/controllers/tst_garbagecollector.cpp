#include "backend/controllers/garbagecollector/garbagecollector.h"
#include "tests/testing/testcluster.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"

#include <QObject>
#include <QTest>

#include <chrono>
#include <memory>
#include <string>

using namespace std::chrono_literals;
using kubist::controllers::GarbageCollector;
using kubist::testing::TestCluster;
namespace core = k8s::io::api::core::v1;
namespace apps = k8s::io::api::apps::v1;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;

namespace {

const kubist::api::KindInfo &kindOf(const google::protobuf::Descriptor *d)
{
    return *kubist::api::Scheme::builtin().byDescriptor(d);
}

std::shared_ptr<const apps::ReplicaSet> createReplicaSet(TestCluster &c, const std::string &name)
{
    c.apply("apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: " + name +
            "\nspec:\n  replicas: 0\n  selector:\n    matchLabels:\n      app: " + name +
            "\n  template:\n    metadata:\n      labels:\n        app: " + name +
            "\n    spec:\n      containers:\n      - name: c\n        image: nginx\n");
    return c.get<apps::ReplicaSet>("default", name);
}

meta::OwnerReference ownerRef(const google::protobuf::Message &owner, bool block = true)
{
    const auto *kind = kubist::api::Scheme::builtin().byDescriptor(owner.GetDescriptor());
    const meta::ObjectMeta &md = kubist::client::objectMeta(owner);
    meta::OwnerReference ref;
    ref.set_api_version(kind->apiVersion());
    ref.set_kind(kind->kind);
    ref.set_name(md.name());
    ref.set_uid(md.uid());
    ref.set_controller(true);
    ref.set_block_owner_deletion(block);
    return ref;
}

// A pod owned by `owners` (bound to a node when `node` is set, so that its
// deletion waits for a kubelet).
void createPod(TestCluster &c, const std::string &name,
               const std::vector<meta::OwnerReference> &owners, const std::string &node = {})
{
    core::Pod pod;
    pod.mutable_metadata()->set_name(name);
    pod.mutable_metadata()->set_namespace_("default");
    for (const meta::OwnerReference &r : owners)
        *pod.mutable_metadata()->add_owner_references() = r;
    pod.mutable_spec()->set_node_name(node);
    core::Container *container = pod.mutable_spec()->add_containers();
    container->set_name("c");
    container->set_image("nginx");
    auto r = c.admin().create(kindOf(core::Pod::descriptor()), "default", pod);
    QVERIFY2(r.isOk(), r.status().message().c_str());
}

bool removeReplicaSet(TestCluster &c, const std::string &name, const std::string &policy)
{
    kubist::client::DeleteOptions o;
    o.propagationPolicy = policy;
    return c.admin().remove(kindOf(apps::ReplicaSet::descriptor()), "default", name, o).isOk();
}

} // namespace

class TestGarbageCollector : public QObject
{
    Q_OBJECT

private slots:
    void cascadingDeletion_data();
    void cascadingDeletion();
    void foregroundOwnerWaitsForBlockingDependents();
    void dependentWithLiveOwnerKeepsLiving();
    void ownersOfOtherKindsAreFollowed();
    void newInstanceCatchesUp();
};

void TestGarbageCollector::cascadingDeletion_data()
{
    QTest::addColumn<QString>("policy");
    QTest::addColumn<bool>("dependentsSurvive");

    QTest::newRow("default policy deletes dependents") << "" << false;
    QTest::newRow("background deletes dependents") << "Background" << false;
    QTest::newRow("foreground deletes dependents first") << "Foreground" << false;
    QTest::newRow("orphan keeps dependents without the reference") << "Orphan" << true;
}

void TestGarbageCollector::cascadingDeletion()
{
    QFETCH(QString, policy);
    QFETCH(bool, dependentsSurvive);

    TestCluster c;
    auto gcClient = c.client("garbage-collector");
    GarbageCollector gc(*gcClient, c.clock);
    gc.start();
    auto rs = createReplicaSet(c, "web");
    createPod(c, "web-1", {ownerRef(*rs)});
    createPod(c, "web-2", {ownerRef(*rs)});
    createPod(c, "unowned", {});
    QVERIFY(c.settle());
    QCOMPARE(c.list<core::Pod>("default").size(), size_t(3));

    QVERIFY(removeReplicaSet(c, "web", policy.toStdString()));
    QVERIFY(c.settle());
    QVERIFY(!c.get<apps::ReplicaSet>("default", "web"));
    QVERIFY(c.get<core::Pod>("default", "unowned"));
    for (const char *name : {"web-1", "web-2"}) {
        auto pod = c.get<core::Pod>("default", name);
        QCOMPARE(bool(pod), dependentsSurvive);
        if (pod)
            QCOMPARE(pod->metadata().owner_references_size(), 0);
    }
}

void TestGarbageCollector::foregroundOwnerWaitsForBlockingDependents()
{
    TestCluster c;
    auto gcClient = c.client("garbage-collector");
    GarbageCollector gc(*gcClient, c.clock);
    gc.start();
    auto rs = createReplicaSet(c, "web");
    createPod(c, "blocking", {ownerRef(*rs, true)}, "n1");
    createPod(c, "not-blocking", {ownerRef(*rs, false)}, "n1");
    QVERIFY(c.settle());

    QVERIFY(removeReplicaSet(c, "web", "Foreground"));
    QVERIFY(c.run(30s));
    // Both dependents are being deleted; the blocking one holds the owner.
    auto owner = c.get<apps::ReplicaSet>("default", "web");
    QVERIFY(owner);
    QVERIFY(owner->metadata().has_deletion_timestamp());
    QCOMPARE(owner->metadata().finalizers(0), std::string("foregroundDeletion"));
    QVERIFY(c.get<core::Pod>("default", "blocking")->metadata().has_deletion_timestamp());
    QVERIFY(c.get<core::Pod>("default", "not-blocking")->metadata().has_deletion_timestamp());

    // The kubelet confirms the non-blocking pod: the owner still waits.
    kubist::client::DeleteOptions now;
    now.gracePeriodSeconds = 0;
    QVERIFY(
        c.admin().remove(kindOf(core::Pod::descriptor()), "default", "not-blocking", now).isOk());
    QVERIFY(c.settle());
    QVERIFY(c.get<apps::ReplicaSet>("default", "web"));
    // ... and the blocking one: the owner goes.
    QVERIFY(c.admin().remove(kindOf(core::Pod::descriptor()), "default", "blocking", now).isOk());
    QVERIFY(c.settle());
    QVERIFY(!c.get<apps::ReplicaSet>("default", "web"));
}

void TestGarbageCollector::dependentWithLiveOwnerKeepsLiving()
{
    TestCluster c;
    auto gcClient = c.client("garbage-collector");
    GarbageCollector gc(*gcClient, c.clock);
    gc.start();
    auto a = createReplicaSet(c, "a");
    auto b = createReplicaSet(c, "b");
    meta::OwnerReference refB = ownerRef(*b);
    refB.set_controller(false);
    createPod(c, "shared", {ownerRef(*a), refB});
    QVERIFY(c.settle());

    QVERIFY(removeReplicaSet(c, "a", "Background"));
    QVERIFY(c.settle());
    auto pod = c.get<core::Pod>("default", "shared");
    QVERIFY(pod);
    QCOMPARE(pod->metadata().owner_references_size(), 1);
    QCOMPARE(pod->metadata().owner_references(0).name(), std::string("b"));

    QVERIFY(removeReplicaSet(c, "b", "Background"));
    QVERIFY(c.settle());
    QVERIFY(!c.get<core::Pod>("default", "shared"));
}

void TestGarbageCollector::ownersOfOtherKindsAreFollowed()
{
    TestCluster c;
    auto gcClient = c.client("garbage-collector");
    GarbageCollector gc(*gcClient, c.clock);
    gc.start();
    c.apply("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: owner\n");
    auto owner = c.get<core::ConfigMap>("default", "owner");
    core::Secret secret;
    secret.mutable_metadata()->set_name("dependent");
    *secret.mutable_metadata()->add_owner_references() = ownerRef(*owner);
    QVERIFY(c.admin().create(kindOf(core::Secret::descriptor()), "default", secret).isOk());
    // A dependent whose owner never existed (another uid) is collected too.
    core::ConfigMap stray;
    stray.mutable_metadata()->set_name("stray");
    meta::OwnerReference ghost = ownerRef(*owner);
    ghost.set_uid("00000000-0000-0000-0000-000000000000");
    *stray.mutable_metadata()->add_owner_references() = ghost;
    QVERIFY(c.admin().create(kindOf(core::ConfigMap::descriptor()), "default", stray).isOk());
    QVERIFY(c.settle());
    QVERIFY(c.get<core::Secret>("default", "dependent"));
    QVERIFY(!c.get<core::ConfigMap>("default", "stray"));

    QVERIFY(c.admin().remove(kindOf(core::ConfigMap::descriptor()), "default", "owner").isOk());
    QVERIFY(c.settle());
    QVERIFY(!c.get<core::Secret>("default", "dependent"));
}

void TestGarbageCollector::newInstanceCatchesUp()
{
    TestCluster c;
    auto firstClient = c.client("garbage-collector");
    auto first = std::make_unique<GarbageCollector>(*firstClient, c.clock);
    first->start();
    auto rs = createReplicaSet(c, "web");
    createPod(c, "web-1", {ownerRef(*rs)});
    auto orphaned = createReplicaSet(c, "kept");
    createPod(c, "kept-1", {ownerRef(*orphaned)});
    QVERIFY(c.settle());
    first.reset();

    QVERIFY(removeReplicaSet(c, "web", "Background"));
    QVERIFY(removeReplicaSet(c, "kept", "Orphan"));
    QVERIFY(c.settle());
    QVERIFY(c.get<core::Pod>("default", "web-1"));
    QVERIFY(c.get<apps::ReplicaSet>("default", "kept")); // the orphan finalizer waits

    auto secondClient = c.client("garbage-collector");
    GarbageCollector second(*secondClient, c.clock);
    second.start();
    QVERIFY(c.settle());
    QVERIFY(!c.get<core::Pod>("default", "web-1"));
    QVERIFY(!c.get<apps::ReplicaSet>("default", "kept"));
    auto kept = c.get<core::Pod>("default", "kept-1");
    QVERIFY(kept);
    QCOMPARE(kept->metadata().owner_references_size(), 0);
}

QTEST_GUILESS_MAIN(TestGarbageCollector)
#include "tst_garbagecollector.moc"
