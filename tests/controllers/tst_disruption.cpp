#include "backend/controllers/common/podutil.h"
#include "backend/controllers/disruption/disruptioncontroller.h"
#include "tests/testing/testcluster.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"
#include "policy_v1.pb.h"

#include <QObject>
#include <QTest>

#include <chrono>
#include <memory>
#include <string>

using kubist::Result;
using kubist::Status;
using kubist::controllers::DisruptionController;
using kubist::testing::TestCluster;
namespace apps = k8s::io::api::apps::v1;
namespace core = k8s::io::api::core::v1;
namespace policy = k8s::io::api::policy::v1;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;
namespace client = kubist::client;

namespace {

const kubist::api::KindInfo &kindOf(const google::protobuf::Descriptor *d)
{
    return *kubist::api::Scheme::builtin().byDescriptor(d);
}

// `rule` is one spec line, e.g. "minAvailable: 2" or "maxUnavailable: 50%".
std::string pdbYaml(const std::string &name, const std::string &rule, const std::string &app)
{
    return "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: " + name +
           "\n  namespace: default\nspec:\n  " + rule +
           "\n  selector:\n    matchLabels:\n      app: " + app + "\n";
}

std::string deploymentYaml(const std::string &name, int replicas)
{
    return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name +
           "\n  namespace: default\nspec:\n  replicas: " + std::to_string(replicas) +
           "\n  selector:\n    matchLabels:\n      app: " + name +
           "\n  template:\n    metadata:\n      labels:\n        app: " + name +
           "\n    spec:\n      containers:\n      - name: c\n        image: nginx\n";
}

std::string rsYaml(const std::string &name, const std::string &app, int replicas)
{
    return "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: " + name +
           "\n  namespace: default\nspec:\n  replicas: " + std::to_string(replicas) +
           "\n  selector:\n    matchLabels:\n      app: " + app +
           "\n  template:\n    metadata:\n      labels:\n        app: " + app +
           "\n    spec:\n      containers:\n      - name: c\n        image: nginx\n";
}

// Makes `rs` controlled by `owner` (a Deployment).
void setOwner(TestCluster &c, const std::string &rsName, const google::protobuf::Message &owner)
{
    auto rs = c.get<apps::ReplicaSet>("default", rsName);
    apps::ReplicaSet copy(*rs);
    *copy.mutable_metadata()->add_owner_references() =
        kubist::controllers::makeControllerRef(owner);
    QVERIFY(c.admin().update(kindOf(apps::ReplicaSet::descriptor()), "default", copy).isOk());
}

void setReady(TestCluster &c, const std::string &name, bool ready)
{
    auto pod = c.get<core::Pod>("default", name);
    QVERIFY(pod);
    core::Pod copy(*pod);
    copy.mutable_status()->set_phase("Running");
    copy.mutable_status()->clear_conditions();
    core::PodCondition *cond = copy.mutable_status()->add_conditions();
    cond->set_type("Ready");
    cond->set_status(ready ? "True" : "False");
    cond->mutable_last_transition_time()->set_seconds(c.clock.nowSeconds());
    client::WriteOptions o;
    o.subresource = "status";
    QVERIFY(c.admin().update(kindOf(core::Pod::descriptor()), "default", copy, o).isOk());
}

// A Running pod labelled app=`app`, controlled by `owner` when given; a
// finalizer keeps it around (terminating) when it is deleted.
void makePod(TestCluster &c, const std::string &name, const std::string &app,
             const google::protobuf::Message *owner, bool ready = true)
{
    core::Pod pod;
    pod.mutable_metadata()->set_name(name);
    pod.mutable_metadata()->set_namespace_("default");
    (*pod.mutable_metadata()->mutable_labels())["app"] = app;
    pod.mutable_metadata()->add_finalizers("kubist.test/hold");
    if (owner)
        *pod.mutable_metadata()->add_owner_references() =
            kubist::controllers::makeControllerRef(*owner);
    core::Container *container = pod.mutable_spec()->add_containers();
    container->set_name("c");
    container->set_image("nginx");
    QVERIFY(c.admin().create(kindOf(core::Pod::descriptor()), "default", pod).isOk());
    setReady(c, name, ready);
}

// ReplicaSet web-1 (app=web, `replicas`) with `pods` Running pods web-0,
// web-1, ... it controls.
client::ObjectPtr webReplicaSet(TestCluster &c, int replicas, int pods)
{
    client::ObjectPtr rs = c.apply(rsYaml("web-1", "web", replicas));
    for (int i = 0; i < pods; ++i)
        makePod(c, "web-" + std::to_string(i), "web", rs.get());
    return rs;
}

// The controller under test, started, with its own client.
struct StartedController
{
    explicit StartedController(TestCluster &c)
        : client(c.client("disruption-controller"))
        , controller(*client, c.clock)
    {
        controller.start();
    }
    std::unique_ptr<client::Client> client;
    DisruptionController controller;
};

void releasePod(TestCluster &c, const std::string &name)
{
    auto pod = c.get<core::Pod>("default", name);
    if (!pod)
        return;
    core::Pod copy(*pod);
    copy.mutable_metadata()->clear_finalizers();
    QVERIFY(c.admin().update(kindOf(core::Pod::descriptor()), "default", copy).isOk());
}

Status evict(TestCluster &c, const std::string &name)
{
    policy::Eviction eviction;
    eviction.mutable_metadata()->set_name(name);
    eviction.mutable_metadata()->set_namespace_("default");
    Result<client::ObjectPtr> r = c.admin().createSubresource(
        kindOf(core::Pod::descriptor()), "default", name, "eviction", eviction);
    return r.status();
}

std::shared_ptr<const policy::PodDisruptionBudget> pdb(TestCluster &c, const std::string &name)
{
    return c.get<policy::PodDisruptionBudget>("default", name);
}

const meta::Condition *condition(const policy::PodDisruptionBudget &b)
{
    for (const meta::Condition &cond : b.status().conditions())
        if (cond.type() == "DisruptionAllowed")
            return &cond;
    return nullptr;
}

int countEvents(TestCluster &c, const std::string &reason)
{
    int n = 0;
    for (auto &e : c.list<core::Event>("default"))
        if (e->reason() == reason)
            n += std::max(1, e->count());
    return n;
}

bool updatePdb(TestCluster &c, const std::string &name,
               const std::function<void(policy::PodDisruptionBudget &)> &change,
               const std::string &subresource = {})
{
    auto current = pdb(c, name);
    policy::PodDisruptionBudget copy(*current);
    change(copy);
    client::WriteOptions o;
    o.subresource = subresource;
    return c.admin()
        .update(kindOf(policy::PodDisruptionBudget::descriptor()), "default", copy, o)
        .isOk();
}

} // namespace

#define CHECK_STATUS(b, expected, desired, healthy, allowed)                                       \
    do {                                                                                           \
        QVERIFY(b);                                                                                \
        QCOMPARE((b)->status().expected_pods(), expected);                                         \
        QCOMPARE((b)->status().desired_healthy(), desired);                                        \
        QCOMPARE((b)->status().current_healthy(), healthy);                                        \
        QCOMPARE((b)->status().disruptions_allowed(), allowed);                                    \
        QCOMPARE((b)->status().observed_generation(), (b)->metadata().generation());               \
    } while (false)

class TestDisruption : public QObject
{
    Q_OBJECT

private slots:
    void budgetStatus_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QString>("owner"); // "rs", "deployment", "none", "statefulset"
        QTest::addColumn<int>("scale");     // the controller's spec.replicas
        QTest::addColumn<int>("readyPods");
        QTest::addColumn<int>("unreadyPods");
        QTest::addColumn<int>("terminatingPods"); // ready pods being deleted
        QTest::addColumn<int>("expectedPods");
        QTest::addColumn<int>("desiredHealthy");
        QTest::addColumn<int>("currentHealthy");
        QTest::addColumn<int>("allowed");
        QTest::addColumn<QString>("reason");

        QTest::newRow("minAvailable integer: one of three may go")
            << "minAvailable: 2"
            << "rs" << 3 << 3 << 0 << 0 << 3 << 2 << 3 << 1 << "SufficientPods";
        QTest::newRow("minAvailable integer counts pods, not the scale")
            << "minAvailable: 1"
            << "rs" << 5 << 2 << 0 << 0 << 2 << 1 << 2 << 1 << "SufficientPods";
        QTest::newRow("minAvailable integer met exactly allows nothing")
            << "minAvailable: 3"
            << "rs" << 3 << 3 << 0 << 0 << 3 << 3 << 3 << 0 << "InsufficientPods";
        QTest::newRow("minAvailable percent rounds up over the scale")
            << "minAvailable: 50%"
            << "rs" << 3 << 3 << 0 << 0 << 3 << 2 << 3 << 1 << "SufficientPods";
        QTest::newRow("minAvailable percent uses the scale, not the pods")
            << "minAvailable: 50%"
            << "rs" << 4 << 3 << 0 << 0 << 4 << 2 << 3 << 1 << "SufficientPods";
        QTest::newRow("maxUnavailable integer")
            << "maxUnavailable: 1"
            << "rs" << 3 << 3 << 0 << 0 << 3 << 2 << 3 << 1 << "SufficientPods";
        QTest::newRow("maxUnavailable percent rounds up")
            << "maxUnavailable: 34%"
            << "rs" << 3 << 3 << 0 << 0 << 3 << 1 << 3 << 2 << "SufficientPods";
        QTest::newRow("maxUnavailable larger than the scale desires none")
            << "maxUnavailable: 5"
            << "rs" << 3 << 3 << 0 << 0 << 3 << 0 << 3 << 3 << "SufficientPods";
        QTest::newRow("maxUnavailable uses the Deployment's scale")
            << "maxUnavailable: 1"
            << "deployment" << 4 << 3 << 0 << 0 << 4 << 3 << 3 << 0 << "InsufficientPods";
        QTest::newRow("not-ready pods are not healthy")
            << "minAvailable: 2"
            << "rs" << 3 << 2 << 1 << 0 << 3 << 2 << 2 << 0 << "InsufficientPods";
        QTest::newRow("terminating pods are not healthy")
            << "maxUnavailable: 1"
            << "rs" << 3 << 2 << 0 << 1 << 3 << 2 << 2 << 0 << "InsufficientPods";
        QTest::newRow("terminating pods count as expected for an integer minAvailable")
            << "minAvailable: 1"
            << "rs" << 3 << 2 << 0 << 1 << 3 << 1 << 2 << 1 << "SufficientPods";
        QTest::newRow("no pods allow nothing")
            << "minAvailable: 0"
            << "rs" << 3 << 0 << 0 << 0 << 0 << 0 << 0 << 0 << "InsufficientPods";
        QTest::newRow("unmanaged pods are left out of a percentage")
            << "minAvailable: 50%"
            << "none" << 0 << 2 << 0 << 0 << 0 << 0 << 2 << 0 << "InsufficientPods";
        QTest::newRow("unmanaged pods count for an integer minAvailable")
            << "minAvailable: 1"
            << "none" << 0 << 2 << 0 << 0 << 2 << 1 << 2 << 1 << "SufficientPods";
        QTest::newRow("an unsupported controller fails the sync safely")
            << "maxUnavailable: 1"
            << "statefulset" << 0 << 3 << 0 << 0 << 0 << 0 << 0 << 0 << "SyncFailed";
    }

    void budgetStatus()
    {
        QFETCH(QString, rule);
        QFETCH(QString, owner);
        QFETCH(int, scale);
        QFETCH(int, readyPods);
        QFETCH(int, unreadyPods);
        QFETCH(int, terminatingPods);
        QFETCH(int, expectedPods);
        QFETCH(int, desiredHealthy);
        QFETCH(int, currentHealthy);
        QFETCH(int, allowed);
        QFETCH(QString, reason);

        TestCluster c;
        StartedController started(c);
        DisruptionController &controller = started.controller;

        std::shared_ptr<const google::protobuf::Message> ownerObj;
        if (owner == "rs" || owner == "deployment") {
            ownerObj = c.apply(rsYaml("web-1", "web", scale));
            if (owner == "deployment") {
                auto d = c.apply(deploymentYaml("web", scale));
                setOwner(c, "web-1", *d);
                // The ReplicaSet's own scale differs: the Deployment's counts.
                auto rs = c.get<apps::ReplicaSet>("default", "web-1");
                apps::ReplicaSet copy(*rs);
                copy.mutable_spec()->set_replicas(scale - 1);
                QVERIFY(c.admin()
                            .update(kindOf(apps::ReplicaSet::descriptor()), "default", copy)
                            .isOk());
                ownerObj = c.get<apps::ReplicaSet>("default", "web-1");
            }
        } else if (owner == "statefulset") {
            auto fake = std::make_shared<apps::ReplicaSet>();
            fake->mutable_metadata()->set_name("db");
            fake->mutable_metadata()->set_uid("2f6f5b0e-0000-4000-8000-000000000001");
            ownerObj = fake;
        }
        const google::protobuf::Message *ownerPtr = ownerObj.get();
        int n = 0;
        for (int i = 0; i < readyPods + terminatingPods; ++i)
            makePod(c, "web-" + std::to_string(n++), "web", ownerPtr, true);
        for (int i = 0; i < unreadyPods; ++i)
            makePod(c, "web-" + std::to_string(n++), "web", ownerPtr, false);
        if (owner == "statefulset") {
            // Point the pods' controller at a StatefulSet (not a supported kind here).
            for (auto &p : c.list<core::Pod>("default")) {
                core::Pod copy(*p);
                auto *ref = copy.mutable_metadata()->mutable_owner_references(0);
                ref->set_api_version("apps/v1");
                ref->set_kind("StatefulSet");
                QVERIFY(c.admin().update(kindOf(core::Pod::descriptor()), "default", copy).isOk());
            }
        }
        for (int i = 0; i < terminatingPods; ++i)
            QVERIFY(c.admin().remove(kindOf(core::Pod::descriptor()), "default",
                                     "web-" + std::to_string(i)));
        c.apply(pdbYaml("budget", rule.toStdString(), "web"));
        QVERIFY(c.settle());

        auto b = pdb(c, "budget");
        if (reason == "SyncFailed") // fail safe: only disruptionsAllowed and the condition
            QCOMPARE(b->status().disruptions_allowed(), allowed);
        else
            CHECK_STATUS(b, expectedPods, desiredHealthy, currentHealthy, allowed);
        const meta::Condition *cond = condition(*b);
        QVERIFY(cond);
        QCOMPARE(QString::fromStdString(cond->reason()), reason);
        QCOMPARE(cond->status(), std::string(allowed > 0 ? "True" : "False"));
        if (reason == "SyncFailed")
            QVERIFY2(cond->message().find("found no controllers") != std::string::npos,
                     cond->message().c_str());
        if (owner == "none" && rule.endsWith('%'))
            QVERIFY(countEvents(c, "UnmanagedPods") >= 1);
        if (readyPods + unreadyPods + terminatingPods == 0)
            QVERIFY(countEvents(c, "NoPods") >= 1);

        controller.stop();
        for (int i = 0; i < n; ++i)
            releasePod(c, "web-" + std::to_string(i));
    }

    void statusFollowsPodsAndScale()
    {
        TestCluster c;
        StartedController started(c);
        DisruptionController &controller = started.controller;
        auto rs = webReplicaSet(c, 3, 3);
        c.apply(pdbYaml("budget", "maxUnavailable: 1", "web"));
        QVERIFY(c.settle());
        CHECK_STATUS(pdb(c, "budget"), 3, 2, 3, 1);

        // A pod turns unready: nothing may go.
        setReady(c, "web-0", false);
        QVERIFY(c.settle());
        CHECK_STATUS(pdb(c, "budget"), 3, 2, 2, 0);
        QCOMPARE(condition(*pdb(c, "budget"))->reason(), std::string("InsufficientPods"));

        // Scaling the ReplicaSet down changes the expected count.
        auto current = c.get<apps::ReplicaSet>("default", "web-1");
        apps::ReplicaSet copy(*current);
        copy.mutable_spec()->set_replicas(2);
        QVERIFY(c.admin().update(kindOf(apps::ReplicaSet::descriptor()), "default", copy));
        QVERIFY(c.settle());
        CHECK_STATUS(pdb(c, "budget"), 2, 1, 2, 1);

        controller.stop();
        for (int i = 0; i < 3; ++i)
            releasePod(c, "web-" + std::to_string(i));
    }

    void selectorChangesAreFollowed()
    {
        TestCluster c;
        StartedController started(c);
        DisruptionController &controller = started.controller;
        for (int i = 0; i < 2; ++i)
            makePod(c, "a-" + std::to_string(i), "a", nullptr);
        for (int i = 0; i < 3; ++i)
            makePod(c, "b-" + std::to_string(i), "b", nullptr);
        c.apply(pdbYaml("budget", "minAvailable: 1", "a"));
        QVERIFY(c.settle());
        CHECK_STATUS(pdb(c, "budget"), 2, 1, 2, 1);
        const int64_t firstGeneration = pdb(c, "budget")->metadata().generation();

        // The budget's selector moves to app=b: a new generation, observed.
        QVERIFY(updatePdb(c, "budget", [](policy::PodDisruptionBudget &b) {
            (*b.mutable_spec()->mutable_selector()->mutable_match_labels())["app"] = "b";
        }));
        QVERIFY(c.settle());
        auto b = pdb(c, "budget");
        QVERIFY(b->metadata().generation() > firstGeneration);
        CHECK_STATUS(b, 3, 1, 3, 2);

        // A pod relabelled out of the selector leaves the budget.
        auto pod = c.get<core::Pod>("default", "b-0");
        core::Pod copy(*pod);
        (*copy.mutable_metadata()->mutable_labels())["app"] = "c";
        QVERIFY(c.admin().update(kindOf(core::Pod::descriptor()), "default", copy));
        QVERIFY(c.settle());
        CHECK_STATUS(pdb(c, "budget"), 2, 1, 2, 1);

        controller.stop();
        for (const char *name : {"a-0", "a-1", "b-0", "b-1", "b-2"})
            releasePod(c, name);
    }

    void evictionSpendsTheBudgetThenIsRefused()
    {
        TestCluster c;
        StartedController started(c);
        DisruptionController &controller = started.controller;
        auto rs = webReplicaSet(c, 3, 3);
        c.apply(pdbYaml("budget", "minAvailable: 2", "web"));
        QVERIFY(c.settle());
        CHECK_STATUS(pdb(c, "budget"), 3, 2, 3, 1);

        // The first eviction spends the one disruption allowed and records
        // the pod (the controller is stopped, so the record stays visible).
        controller.stop();
        QVERIFY(evict(c, "web-0").isOk());
        auto spent = pdb(c, "budget");
        QCOMPARE(spent->status().disruptions_allowed(), 0);
        QVERIFY(spent->status().disrupted_pods().count("web-0"));
        QCOMPARE(spent->status().disrupted_pods().at("web-0").seconds(), c.clock.nowSeconds());
        QCOMPARE(condition(*spent)->reason(), std::string("InsufficientPods"));
        QVERIFY(c.get<core::Pod>("default", "web-0")->metadata().has_deletion_timestamp());

        // A fresh controller sees the pod terminating and drops its entry.
        auto secondClient = c.client("disruption-controller");
        DisruptionController second(*secondClient, c.clock);
        second.start();
        QVERIFY(c.settle());
        auto after = pdb(c, "budget");
        CHECK_STATUS(after, 3, 2, 2, 0);
        QVERIFY(after->status().disrupted_pods().empty());

        // The second is refused with 429 and upstream's message.
        const Status refused = evict(c, "web-1");
        QCOMPARE(refused.code(), Status::Code::ResourceExhausted);
        QCOMPARE(refused.message(),
                 std::string("Cannot evict pod as it would violate the pod's disruption budget."));
        QVERIFY(!c.get<core::Pod>("default", "web-1")->metadata().has_deletion_timestamp());

        // A replacement becomes ready: one more disruption is allowed.
        makePod(c, "web-3", "web", rs.get());
        QVERIFY(c.settle());
        CHECK_STATUS(pdb(c, "budget"), 4, 2, 3, 1);
        QVERIFY(evict(c, "web-1").isOk());
        QVERIFY(c.settle());
        CHECK_STATUS(pdb(c, "budget"), 4, 2, 2, 0);

        second.stop();
        for (int i = 0; i < 4; ++i)
            releasePod(c, "web-" + std::to_string(i));
    }

    void evictionSpecialCases()
    {
        TestCluster c;
        StartedController started(c);
        DisruptionController &controller = started.controller;
        auto rs = webReplicaSet(c, 4, 3);
        makePod(c, "web-3", "web", rs.get(), false);
        c.apply(pdbYaml("budget", "minAvailable: 3", "web"));
        QVERIFY(c.settle());
        CHECK_STATUS(pdb(c, "budget"), 4, 3, 3, 0);

        // An unready pod goes while the budget is met, without spending it.
        QVERIFY(evict(c, "web-3").isOk());
        QVERIFY(c.get<core::Pod>("default", "web-3")->metadata().has_deletion_timestamp());
        QVERIFY(pdb(c, "budget")->status().disrupted_pods().empty());

        // A budget whose new generation is not observed yet refuses (429).
        controller.stop();
        QVERIFY(updatePdb(c, "budget", [](policy::PodDisruptionBudget &b) {
            b.mutable_spec()->mutable_min_available()->set_int_val(1);
        }));
        const Status pending = evict(c, "web-0");
        QCOMPARE(pending.code(), Status::Code::ResourceExhausted);
        QVERIFY(pending.details());
        QVERIFY(!pending.details()->causes.empty());
        QVERIFY2(pending.details()->causes[0].message.find("still being processed") !=
                     std::string::npos,
                 pending.details()->causes[0].message.c_str());

        // A fresh controller rebuilds the status from the API.
        auto secondClient = c.client("disruption-controller");
        DisruptionController second(*secondClient, c.clock);
        second.start();
        QVERIFY(c.settle());
        CHECK_STATUS(pdb(c, "budget"), 4, 1, 3, 2);

        // Two budgets over one pod: the eviction subresource refuses (500).
        c.apply(pdbYaml("second", "minAvailable: 1", "web"));
        QVERIFY(c.settle());
        const Status two = evict(c, "web-0");
        QCOMPARE(two.code(), Status::Code::Internal);
        QVERIFY(two.message().find("more than one PodDisruptionBudget") != std::string::npos);

        second.stop();
        for (int i = 0; i < 4; ++i)
            releasePod(c, "web-" + std::to_string(i));
    }

    void unreadyPodEviction_data()
    {
        QTest::addColumn<QString>("policy");
        QTest::addColumn<int>("minAvailable"); // two of the three pods are ready
        QTest::addColumn<bool>("evicted");

        QTest::newRow("default policy, budget met: evicted") << "" << 2 << true;
        QTest::newRow("default policy, budget not met: refused") << "" << 3 << false;
        QTest::newRow("IfHealthyBudget, budget met: evicted") << "IfHealthyBudget" << 2 << true;
        QTest::newRow("IfHealthyBudget, budget not met: refused")
            << "IfHealthyBudget" << 3 << false;
        QTest::newRow("AlwaysAllow, budget not met: evicted") << "AlwaysAllow" << 3 << true;
    }

    void unreadyPodEviction()
    {
        QFETCH(QString, policy);
        QFETCH(int, minAvailable);
        QFETCH(bool, evicted);

        TestCluster c;
        StartedController started(c);
        DisruptionController &controller = started.controller;
        auto rs = c.apply(rsYaml("web-1", "web", 3));
        makePod(c, "web-0", "web", rs.get());
        makePod(c, "web-1", "web", rs.get());
        makePod(c, "web-2", "web", rs.get(), false);
        std::string rule = "minAvailable: " + std::to_string(minAvailable);
        if (!policy.isEmpty())
            rule += "\n  unhealthyPodEvictionPolicy: " + policy.toStdString();
        c.apply(pdbYaml("budget", rule, "web"));
        QVERIFY(c.settle());
        QCOMPARE(pdb(c, "budget")->status().current_healthy(), 2);

        const Status s = evict(c, "web-2");
        if (evicted) {
            QVERIFY2(s.isOk(), s.message().c_str());
            QVERIFY(c.get<core::Pod>("default", "web-2")->metadata().has_deletion_timestamp());
            QVERIFY(pdb(c, "budget")->status().disrupted_pods().empty());
        } else {
            QCOMPARE(s.code(), Status::Code::ResourceExhausted);
            QVERIFY(!c.get<core::Pod>("default", "web-2")->metadata().has_deletion_timestamp());
        }

        controller.stop();
        for (const char *name : {"web-0", "web-1", "web-2"})
            releasePod(c, name);
    }

    void disruptedPodsExpireAfterTheDeletionTimeout()
    {
        TestCluster c;
        StartedController started(c);
        DisruptionController &controller = started.controller;
        auto rs = webReplicaSet(c, 3, 3);
        c.apply(pdbYaml("budget", "minAvailable: 1", "web"));
        QVERIFY(c.settle());
        CHECK_STATUS(pdb(c, "budget"), 3, 1, 3, 2);

        // An eviction was approved for web-0, but the pod is never deleted.
        QVERIFY(updatePdb(
            c, "budget",
            [&](policy::PodDisruptionBudget &b) {
                b.mutable_status()->set_disruptions_allowed(1);
                (*b.mutable_status()->mutable_disrupted_pods())["web-0"].set_seconds(
                    c.clock.nowSeconds());
            },
            "status"));
        QVERIFY(c.settle());
        auto held = pdb(c, "budget");
        CHECK_STATUS(held, 3, 1, 2, 1);
        QVERIFY(held->status().disrupted_pods().count("web-0"));

        // Still held just before the two minutes ...
        QVERIFY(c.run(std::chrono::seconds(119)));
        QVERIFY(pdb(c, "budget")->status().disrupted_pods().count("web-0"));
        QCOMPARE(countEvents(c, "NotDeleted"), 0);
        // ... and dropped at the timeout, the pod counting as healthy again.
        QVERIFY(c.run(std::chrono::seconds(1)));
        auto expired = pdb(c, "budget");
        CHECK_STATUS(expired, 3, 1, 3, 2);
        QVERIFY(expired->status().disrupted_pods().empty());
        QCOMPARE(countEvents(c, "NotDeleted"), 1);

        controller.stop();
        for (int i = 0; i < 3; ++i)
            releasePod(c, "web-" + std::to_string(i));
    }

    void stopIsSafeAtAnyMoment()
    {
        TestCluster c;
        {
            auto neverClient = c.client("disruption-controller");
            DisruptionController never(*neverClient, c.clock);
        }
        StartedController started(c);
        DisruptionController &controller = started.controller;
        c.apply(pdbYaml("budget", "minAvailable: 1", "web"));
        controller.stop();
        controller.stop();
        QVERIFY(c.settle());
    }
};

QTEST_GUILESS_MAIN(TestDisruption)
#include "tst_disruption.moc"
