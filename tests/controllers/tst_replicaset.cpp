#include "backend/controllers/common/podutil.h"
#include "backend/controllers/replicaset/expectations.h"
#include "backend/controllers/replicaset/podranking.h"
#include "backend/controllers/replicaset/replicasetcontroller.h"
#include "backend/controllers/replicaset/slowstart.h"
#include "tests/testing/testcluster.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"

#include <QObject>
#include <QTest>

#include <atomic>
#include <climits>
#include <functional>
#include <memory>
#include <set>
#include <string>

using kubist::Clock;
using kubist::FakeClock;
using kubist::Result;
using kubist::Status;
using kubist::controllers::ControllerExpectations;
using kubist::controllers::ReplicaSetController;
using kubist::testing::TestCluster;
namespace apps = k8s::io::api::apps::v1;
namespace core = k8s::io::api::core::v1;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;
namespace client = kubist::client;

namespace {

const kubist::api::KindInfo &kindOf(const google::protobuf::Descriptor *d)
{
    return *kubist::api::Scheme::builtin().byDescriptor(d);
}

std::string rsYaml(const std::string &name, int replicas, int minReadySeconds = 0)
{
    return "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: " + name +
           "\n  namespace: default\nspec:\n  replicas: " + std::to_string(replicas) +
           "\n  minReadySeconds: " + std::to_string(minReadySeconds) +
           "\n  selector:\n    matchLabels:\n      app: " + name +
           "\n  template:\n    metadata:\n      labels:\n        app: " + name +
           "\n        tier: web\n    spec:\n      containers:\n      - name: c\n        image: "
           "nginx\n";
}

std::string podYaml(const std::string &name, const std::string &app)
{
    return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name +
           "\n  namespace: default\n  labels:\n    app: " + app +
           "\nspec:\n  containers:\n  - name: c\n    image: nginx\n";
}

std::vector<std::shared_ptr<const core::Pod>> activePods(TestCluster &c, const std::string &sel)
{
    std::vector<std::shared_ptr<const core::Pod>> out;
    for (auto &p : c.list<core::Pod>("default", sel))
        if (kubist::controllers::isPodActive(*p))
            out.push_back(p);
    return out;
}

// Marks the pod Running and Ready (as a kubelet would) through pods/status.
bool markPodReady(TestCluster &c, const core::Pod &pod)
{
    core::Pod copy(pod);
    copy.mutable_status()->set_phase("Running");
    auto *conds = copy.mutable_status()->mutable_conditions();
    for (int i = conds->size() - 1; i >= 0; --i)
        if (conds->Get(i).type() == "Ready")
            conds->DeleteSubrange(i, 1);
    core::PodCondition *ready = conds->Add();
    ready->set_type("Ready");
    ready->set_status("True");
    ready->mutable_last_transition_time()->set_seconds(c.clock.nowSeconds());
    client::WriteOptions o;
    o.subresource = "status";
    Result<client::ObjectPtr> r =
        c.admin().update(kindOf(core::Pod::descriptor()), "default", copy, o);
    if (!r)
        qWarning("markPodReady: %s", r.status().message().c_str());
    return r.isOk();
}

// Marks up to `limit` not-ready pods of the selector ready; returns how many.
int markReady(TestCluster &c, const std::string &selector, int limit = INT_MAX)
{
    int n = 0;
    for (auto &p : activePods(c, selector)) {
        if (n >= limit)
            break;
        if (kubist::controllers::isPodReady(*p))
            continue;
        if (markPodReady(c, *p))
            ++n;
    }
    return n;
}

bool scaleRS(TestCluster &c, const std::string &name, int replicas)
{
    for (int attempt = 0; attempt < 5; ++attempt) {
        auto rs = c.get<apps::ReplicaSet>("default", name);
        apps::ReplicaSet copy(*rs);
        copy.mutable_spec()->set_replicas(replicas);
        if (c.admin().update(kindOf(apps::ReplicaSet::descriptor()), "default", copy))
            return true;
    }
    return false;
}

int countEvents(TestCluster &c, const std::string &reason)
{
    int n = 0;
    for (auto &e : c.list<core::Event>("default"))
        if (e->reason() == reason)
            n += std::max(1, e->count());
    return n;
}

// A Client that forwards to another and counts (and can fail) pod creations.
class PodCreateCountingClient final : public client::Client
{
public:
    explicit PodCreateCountingClient(std::unique_ptr<client::Client> inner)
        : m_inner(std::move(inner))
    {}

    std::atomic<int> podCreates{0};
    // Called with the 1-based number of the create; a non-OK Status fails it.
    std::function<Status(int)> failCreate;

    Result<client::ObjectPtr> get(const kubist::api::KindInfo &k, const std::string &ns,
                                  const std::string &name, const client::GetOptions &o) override
    {
        return m_inner->get(k, ns, name, o);
    }
    Result<client::ListResult> list(const kubist::api::KindInfo &k, const std::string &ns,
                                    const client::ListOptions &o) override
    {
        return m_inner->list(k, ns, o);
    }
    Result<std::unique_ptr<client::WatchHandle>> watch(const kubist::api::KindInfo &k,
                                                       const std::string &ns,
                                                       const client::WatchOptions &o,
                                                       client::WatchCallbacks cb) override
    {
        return m_inner->watch(k, ns, o, std::move(cb));
    }
    Result<client::ObjectPtr> create(const kubist::api::KindInfo &k, const std::string &ns,
                                     const google::protobuf::Message &obj,
                                     const client::WriteOptions &o) override
    {
        if (k.kind == "Pod") {
            const int n = ++podCreates;
            if (failCreate) {
                Status s = failCreate(n);
                if (!s)
                    return s;
            }
        }
        return m_inner->create(k, ns, obj, o);
    }
    Result<client::ObjectPtr> update(const kubist::api::KindInfo &k, const std::string &ns,
                                     const google::protobuf::Message &obj,
                                     const client::WriteOptions &o) override
    {
        return m_inner->update(k, ns, obj, o);
    }
    Result<client::ObjectPtr> patch(const kubist::api::KindInfo &k, const std::string &ns,
                                    const std::string &name, client::PatchType t,
                                    const std::string &p, const client::WriteOptions &o) override
    {
        return m_inner->patch(k, ns, name, t, p, o);
    }
    Result<client::ObjectPtr> remove(const kubist::api::KindInfo &k, const std::string &ns,
                                     const std::string &name,
                                     const client::DeleteOptions &o) override
    {
        return m_inner->remove(k, ns, name, o);
    }
    Result<client::ObjectPtr> createSubresource(const kubist::api::KindInfo &k,
                                                const std::string &ns, const std::string &name,
                                                const std::string &sub,
                                                const google::protobuf::Message &body) override
    {
        return m_inner->createSubresource(k, ns, name, sub, body);
    }
    Result<std::string> podLog(const std::string &ns, const std::string &name,
                               const client::LogOptions &o) override
    {
        return m_inner->podLog(ns, name, o);
    }

private:
    std::unique_ptr<client::Client> m_inner;
};

core::Pod rankedPod(const std::string &node, const std::string &phase, bool ready,
                    int64_t readySince, int restarts, int64_t created, const std::string &uid)
{
    core::Pod p;
    p.mutable_metadata()->set_uid(uid);
    p.mutable_metadata()->mutable_creation_timestamp()->set_seconds(created);
    p.mutable_spec()->set_node_name(node);
    p.mutable_status()->set_phase(phase);
    if (ready) {
        core::PodCondition *c = p.mutable_status()->add_conditions();
        c->set_type("Ready");
        c->set_status("True");
        c->mutable_last_transition_time()->set_seconds(readySince);
    }
    core::ContainerStatus *s = p.mutable_status()->add_container_statuses();
    s->set_name("c");
    s->set_restart_count(restarts);
    return p;
}

} // namespace

class TestReplicaSet : public QObject
{
    Q_OBJECT

private slots:
    void createsPodsWithOwnerReferences_data();
    void createsPodsWithOwnerReferences();
    void scaleDownDeletesNotReadyFirst_data();
    void scaleDownDeletesNotReadyFirst();
    void deletedPodIsReplaced();
    void adoptsOrphanAndReleasesRelabeledPod();
    void statusCountsReadyAndAvailable();
    void expectationsPreventDoubleCreation();
    void slowStartBatches_data();
    void slowStartBatches();
    void failedCreationSetsReplicaFailure_data();
    void failedCreationSetsReplicaFailure();
    void expectationsBookkeeping();
    void deletionRanking_data();
    void deletionRanking();
    void newInstanceCatchesUp();
};

void TestReplicaSet::createsPodsWithOwnerReferences_data()
{
    QTest::addColumn<int>("replicas");
    QTest::newRow("one replica") << 1;
    QTest::newRow("three replicas") << 3;
    QTest::newRow("ten replicas (several slow-start batches)") << 10;
}

void TestReplicaSet::createsPodsWithOwnerReferences()
{
    QFETCH(int, replicas);
    TestCluster c;
    auto cl = c.client("replicaset-controller");
    ReplicaSetController controller(*cl, c.clock);
    controller.start();
    c.apply(rsYaml("web", replicas));
    QVERIFY(c.settle());

    auto rs = c.get<apps::ReplicaSet>("default", "web");
    QVERIFY(rs);
    auto pods = activePods(c, "app=web");
    QCOMPARE(int(pods.size()), replicas);
    for (auto &p : pods) {
        QCOMPARE(p->metadata().generate_name(), std::string("web-"));
        QVERIFY(p->metadata().name().rfind("web-", 0) == 0);
        const meta::OwnerReference *ref = kubist::controllers::controllerOf(p->metadata());
        QVERIFY(ref);
        QCOMPARE(ref->uid(), rs->metadata().uid());
        QCOMPARE(ref->kind(), std::string("ReplicaSet"));
        QCOMPARE(ref->api_version(), std::string("apps/v1"));
        QVERIFY(ref->block_owner_deletion());
        QCOMPARE(p->metadata().labels().at("tier"), std::string("web"));
    }
    QCOMPARE(rs->status().replicas(), replicas);
    QCOMPARE(rs->status().fully_labeled_replicas(), replicas);
    QCOMPARE(rs->status().ready_replicas(), 0);
    QCOMPARE(rs->status().observed_generation(), rs->metadata().generation());
    QCOMPARE(countEvents(c, "SuccessfulCreate"), replicas);
    bool sawMessage = false;
    for (auto &e : c.list<core::Event>("default"))
        if (e->reason() == "SuccessfulCreate") {
            sawMessage = sawMessage || e->message() == "Created pod: " + pods[0]->metadata().name();
            QCOMPARE(e->source().component(), std::string("replicaset-controller"));
        }
    QVERIFY(sawMessage);
}

void TestReplicaSet::scaleDownDeletesNotReadyFirst_data()
{
    QTest::addColumn<int>("replicas");
    QTest::addColumn<int>("ready");
    QTest::addColumn<int>("scaleTo");
    QTest::newRow("4 pods, 2 ready, to 2: the not-ready ones go") << 4 << 2 << 2;
    QTest::newRow("5 pods, 1 ready, to 1: only the ready one stays") << 5 << 1 << 1;
    QTest::newRow("3 pods, 2 ready, to 2: the not-ready one goes") << 3 << 2 << 2;
    QTest::newRow("3 pods, 1 ready, to 0: all go") << 3 << 1 << 0;
}

void TestReplicaSet::scaleDownDeletesNotReadyFirst()
{
    QFETCH(int, replicas);
    QFETCH(int, ready);
    QFETCH(int, scaleTo);
    TestCluster c;
    auto cl = c.client("replicaset-controller");
    ReplicaSetController controller(*cl, c.clock);
    controller.start();
    c.apply(rsYaml("web", replicas));
    QVERIFY(c.settle());
    QCOMPARE(markReady(c, "app=web", ready), ready);
    QVERIFY(c.settle());
    std::set<std::string> readyNames;
    for (auto &p : activePods(c, "app=web"))
        if (kubist::controllers::isPodReady(*p))
            readyNames.insert(p->metadata().name());
    QCOMPARE(int(readyNames.size()), ready);

    QVERIFY(scaleRS(c, "web", scaleTo));
    QVERIFY(c.settle());
    auto pods = activePods(c, "app=web");
    QCOMPARE(int(pods.size()), scaleTo);
    for (auto &p : pods)
        if (scaleTo <= ready)
            QVERIFY(readyNames.count(p->metadata().name()));
    QCOMPARE(countEvents(c, "SuccessfulDelete"), replicas - scaleTo);
    auto rs = c.get<apps::ReplicaSet>("default", "web");
    QCOMPARE(rs->status().replicas(), scaleTo);
    QCOMPARE(rs->status().ready_replicas(), std::min(ready, scaleTo));
}

void TestReplicaSet::deletedPodIsReplaced()
{
    TestCluster c;
    auto cl = c.client("replicaset-controller");
    ReplicaSetController controller(*cl, c.clock);
    controller.start();
    c.apply(rsYaml("web", 2));
    QVERIFY(c.settle());
    auto pods = activePods(c, "app=web");
    QCOMPARE(int(pods.size()), 2);
    const std::string victim = pods[0]->metadata().name();
    QVERIFY(c.admin().remove(kindOf(core::Pod::descriptor()), "default", victim).isOk());
    QVERIFY(c.settle());
    pods = activePods(c, "app=web");
    QCOMPARE(int(pods.size()), 2);
    for (auto &p : pods)
        QVERIFY(p->metadata().name() != victim);
}

void TestReplicaSet::adoptsOrphanAndReleasesRelabeledPod()
{
    TestCluster c;
    c.apply(podYaml("orphan", "web"));
    c.apply(podYaml("stranger", "other"));
    auto cl = c.client("replicaset-controller");
    ReplicaSetController controller(*cl, c.clock);
    controller.start();
    c.apply(rsYaml("web", 2));
    QVERIFY(c.settle());

    auto rs = c.get<apps::ReplicaSet>("default", "web");
    auto orphan = c.get<core::Pod>("default", "orphan");
    const meta::OwnerReference *ref = kubist::controllers::controllerOf(orphan->metadata());
    QVERIFY(ref);
    QCOMPARE(ref->uid(), rs->metadata().uid());
    QCOMPARE(int(activePods(c, "app=web").size()), 2); // the orphan plus one created
    QVERIFY(
        !kubist::controllers::controllerOf(c.get<core::Pod>("default", "stranger")->metadata()));

    // Relabel the adopted pod: it is released and replaced.
    core::Pod copy(*orphan);
    (*copy.mutable_metadata()->mutable_labels())["app"] = "elsewhere";
    QVERIFY(c.admin().update(kindOf(core::Pod::descriptor()), "default", copy).isOk());
    QVERIFY(c.settle());
    auto released = c.get<core::Pod>("default", "orphan");
    QVERIFY(!kubist::controllers::controllerOf(released->metadata()));
    QCOMPARE(int(activePods(c, "app=web").size()), 2);
}

void TestReplicaSet::statusCountsReadyAndAvailable()
{
    TestCluster c;
    auto cl = c.client("replicaset-controller");
    ReplicaSetController controller(*cl, c.clock);
    controller.start();
    c.apply(rsYaml("web", 3, 10));
    QVERIFY(c.settle());
    QCOMPARE(markReady(c, "app=web", 2), 2);
    QVERIFY(c.settle());
    auto rs = c.get<apps::ReplicaSet>("default", "web");
    QCOMPARE(rs->status().replicas(), 3);
    QCOMPARE(rs->status().ready_replicas(), 2);
    QCOMPARE(rs->status().available_replicas(), 0);
    QCOMPARE(markReady(c, "app=web"), 1);
    // Ready pods become available once minReadySeconds passed: the
    // controller rechecks by itself.
    QVERIFY(c.run(std::chrono::seconds(5)));
    QCOMPARE(c.get<apps::ReplicaSet>("default", "web")->status().available_replicas(), 0);
    QVERIFY(c.runUntil(
        [&] {
            return c.get<apps::ReplicaSet>("default", "web")->status().available_replicas() == 3;
        },
        std::chrono::seconds(30)));
    rs = c.get<apps::ReplicaSet>("default", "web");
    QCOMPARE(rs->status().ready_replicas(), 3);
    QCOMPARE(rs->status().fully_labeled_replicas(), 3);
    QCOMPARE(rs->status().observed_generation(), rs->metadata().generation());
}

void TestReplicaSet::expectationsPreventDoubleCreation()
{
    TestCluster c;
    PodCreateCountingClient cl(c.client("replicaset-controller"));
    ReplicaSetController::Options o;
    o.workers = 4;
    ReplicaSetController controller(cl, c.clock, o);
    controller.start();
    c.apply(rsYaml("web", 20));
    QVERIFY(c.settle());
    // Every creation's watch event re-syncs the ReplicaSet while others are
    // still in flight; expectations keep it from creating more.
    QCOMPARE(cl.podCreates.load(), 20);
    QCOMPARE(int(activePods(c, "app=web").size()), 20);
    QVERIFY(c.run(std::chrono::minutes(6)));
    QCOMPARE(cl.podCreates.load(), 20);
}

void TestReplicaSet::slowStartBatches_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("failAt"); // 1-based call that fails (0: none)
    QTest::addColumn<int>("expectedCalls");
    QTest::addColumn<int>("expectedSuccesses");
    // Batches 1, 2, 4, 8, ...: a batch with a failure is finished, no more.
    QTest::newRow("no failure: every call") << 10 << 0 << 10 << 10;
    QTest::newRow("first call fails: one call") << 10 << 1 << 1 << 0;
    QTest::newRow("fails in the batch of 2") << 10 << 2 << 3 << 2;
    QTest::newRow("fails in the batch of 4") << 10 << 5 << 7 << 6;
    QTest::newRow("fails in the last, short batch of 3") << 10 << 9 << 10 << 9;
    QTest::newRow("nothing to do") << 0 << 0 << 0 << 0;
}

void TestReplicaSet::slowStartBatches()
{
    QFETCH(int, count);
    QFETCH(int, failAt);
    QFETCH(int, expectedCalls);
    QFETCH(int, expectedSuccesses);
    std::atomic<int> calls{0}; // a batch's calls run in parallel
    const kubist::controllers::SlowStartResult r =
        kubist::controllers::slowStartBatch(count, 1, [&] {
            const int n = ++calls;
            return n == failAt ? Status::permissionDenied("quota") : Status::ok();
        });
    QCOMPARE(calls.load(), expectedCalls);
    QCOMPARE(r.successes, expectedSuccesses);
    QCOMPARE(r.error.isOk(), failAt == 0);
}

void TestReplicaSet::failedCreationSetsReplicaFailure_data()
{
    QTest::addColumn<int>("failFrom");
    QTest::addColumn<int>("expectedPods");
    QTest::newRow("first create forbidden") << 1 << 0;
    QTest::newRow("forbidden from the 5th create (batch of 4)") << 5 << 4;
}

void TestReplicaSet::failedCreationSetsReplicaFailure()
{
    QFETCH(int, failFrom);
    QFETCH(int, expectedPods);
    TestCluster c;
    PodCreateCountingClient cl(c.client("replicaset-controller"));
    std::atomic<bool> failing{true};
    cl.failCreate = [&, failFrom](int n) {
        if (failing.load() && n >= failFrom)
            return Status::permissionDenied("pods x is forbidden: exceeded quota");
        return Status::ok();
    };
    ReplicaSetController controller(cl, c.clock);
    controller.start();
    c.apply(rsYaml("web", 10));
    QVERIFY(c.settle());
    // The first sync stops after the failing batch; later ones fail at once.
    QCOMPARE(int(activePods(c, "app=web").size()), expectedPods);
    auto rs = c.get<apps::ReplicaSet>("default", "web");
    QCOMPARE(rs->status().conditions_size(), 1);
    QCOMPARE(rs->status().conditions(0).type(), std::string("ReplicaFailure"));
    QCOMPARE(rs->status().conditions(0).reason(), std::string("FailedCreate"));
    QVERIFY(rs->status().conditions(0).message().find("exceeded quota") != std::string::npos);
    QVERIFY(countEvents(c, "FailedCreate") >= 1);

    // The rate-limited retry succeeds once allowed and clears the condition.
    failing.store(false);
    QVERIFY(c.runUntil(
        [&] {
            auto now = c.get<apps::ReplicaSet>("default", "web");
            return now->status().replicas() == 10 && now->status().conditions_size() == 0;
        },
        std::chrono::minutes(2)));
    QCOMPARE(int(activePods(c, "app=web").size()), 10);
}

void TestReplicaSet::expectationsBookkeeping()
{
    FakeClock clock;
    ControllerExpectations e(clock);
    QVERIFY(e.satisfied("ns/rs"));
    e.expectCreations("ns/rs", 2);
    QVERIFY(!e.satisfied("ns/rs"));
    e.creationObserved("ns/rs");
    QVERIFY(!e.satisfied("ns/rs"));
    e.creationObserved("ns/rs");
    QVERIFY(e.satisfied("ns/rs"));

    e.expectDeletions("ns/rs", {"ns/a", "ns/b"});
    QVERIFY(!e.satisfied("ns/rs"));
    e.deletionObserved("ns/rs", "ns/a");
    e.deletionObserved("ns/rs", "ns/a"); // the same pod twice counts once
    QVERIFY(!e.satisfied("ns/rs"));
    e.deletionObserved("ns/rs", "ns/b");
    QVERIFY(e.satisfied("ns/rs"));

    e.expectCreations("ns/rs", 1);
    clock.advance(std::chrono::minutes(5));
    QVERIFY(!e.satisfied("ns/rs"));
    clock.advance(std::chrono::seconds(1));
    QVERIFY(e.satisfied("ns/rs")); // expired
    e.expectCreations("ns/rs", 1);
    e.remove("ns/rs");
    QVERIFY(e.satisfied("ns/rs"));
}

void TestReplicaSet::deletionRanking_data()
{
    QTest::addColumn<QString>("first");  // deleted first
    QTest::addColumn<QString>("second"); // kept longer
    QTest::newRow("unassigned before assigned") << "unassigned"
                                                << "assigned";
    QTest::newRow("pending before running") << "pending"
                                            << "running";
    QTest::newRow("unknown before running") << "unknown"
                                            << "running";
    QTest::newRow("not ready before ready") << "notready"
                                            << "running";
    QTest::newRow("ready recently before ready long") << "readyrecently"
                                                      << "running";
    QTest::newRow("more restarts before fewer") << "restarts"
                                                << "running";
    QTest::newRow("newer before older") << "newer"
                                        << "running";
}

void TestReplicaSet::deletionRanking()
{
    QFETCH(QString, first);
    QFETCH(QString, second);
    const int64_t now = 1767225600;
    const Clock::Time t{std::chrono::seconds(now)};
    // The reference pod: assigned, Running, ready for 10 000 s, created 20 000 s ago.
    const auto make = [&](const QString &what) {
        if (what == "unassigned")
            return rankedPod("", "Running", true, now - 10000, 0, now - 20000, "a");
        if (what == "assigned")
            return rankedPod("n1", "Running", true, now - 10000, 0, now - 20000, "b");
        if (what == "pending")
            return rankedPod("n1", "Pending", false, 0, 0, now - 20000, "a");
        if (what == "unknown")
            return rankedPod("n1", "Unknown", false, 0, 0, now - 20000, "a");
        if (what == "notready")
            return rankedPod("n1", "Running", false, 0, 0, now - 20000, "a");
        if (what == "readyrecently")
            return rankedPod("n1", "Running", true, now - 10, 0, now - 20000, "a");
        if (what == "restarts")
            return rankedPod("n1", "Running", true, now - 10000, 5, now - 20000, "a");
        if (what == "newer")
            return rankedPod("n1", "Running", true, now - 10000, 0, now - 100, "a");
        return rankedPod("n1", "Running", true, now - 10000, 0, now - 20000, "b");
    };
    const core::Pod a = make(first);
    const core::Pod b = make(second);
    QVERIFY(kubist::controllers::deletePodBefore(a, 0, b, 0, t));
    QVERIFY(!kubist::controllers::deletePodBefore(b, 0, a, 0, t));
}

void TestReplicaSet::newInstanceCatchesUp()
{
    TestCluster c;
    {
        auto cl = c.client("replicaset-controller");
        ReplicaSetController controller(*cl, c.clock);
        controller.start();
        c.apply(rsYaml("web", 2));
        QVERIFY(c.settle());
        QCOMPARE(int(activePods(c, "app=web").size()), 2);
        controller.stop();
    }
    // While no controller runs: scale up, and delete a pod.
    QVERIFY(scaleRS(c, "web", 4));
    auto pods = activePods(c, "app=web");
    QVERIFY(c.admin()
                .remove(kindOf(core::Pod::descriptor()), "default", pods[0]->metadata().name())
                .isOk());
    QVERIFY(c.settle());
    QCOMPARE(int(activePods(c, "app=web").size()), 1);

    auto cl = c.client("replicaset-controller");
    ReplicaSetController controller(*cl, c.clock);
    controller.start();
    QVERIFY(c.settle());
    QCOMPARE(int(activePods(c, "app=web").size()), 4);
    auto rs = c.get<apps::ReplicaSet>("default", "web");
    QCOMPARE(rs->status().replicas(), 4);
    QCOMPARE(rs->status().observed_generation(), rs->metadata().generation());
}

QTEST_GUILESS_MAIN(TestReplicaSet)
#include "tst_replicaset.moc"
