#include "backend/controllers/common/podutil.h"
#include "backend/controllers/deployment/deploymentcontroller.h"
#include "backend/controllers/deployment/deploymentutil.h"
#include "backend/controllers/replicaset/replicasetcontroller.h"
#include "tests/testing/testcluster.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"

#include <QObject>
#include <QTest>

#include <algorithm>
#include <climits>
#include <functional>
#include <memory>
#include <set>
#include <string>

using kubist::Result;
using kubist::Status;
using kubist::controllers::DeploymentController;
using kubist::controllers::ReplicaSetController;
using kubist::testing::TestCluster;
namespace apps = k8s::io::api::apps::v1;
namespace core = k8s::io::api::core::v1;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;
namespace client = kubist::client;
namespace du = kubist::controllers::deploymentutil;

namespace {

const kubist::api::KindInfo &kindOf(const google::protobuf::Descriptor *d)
{
    return *kubist::api::Scheme::builtin().byDescriptor(d);
}

struct Spec
{
    int replicas = 3;
    std::string strategy = "RollingUpdate";
    std::string maxSurge = "25%";
    std::string maxUnavailable = "25%";
    int revisionHistoryLimit = 10;
    int progressDeadlineSeconds = 600;
    std::string image = "nginx:1";
    bool holdPods = false; // a finalizer keeps deleted pods around
    int minReadySeconds = 0;
};

// YAML reads 25% as a string and 1 as a number, as IntOrString wants.
std::string intOrString(const std::string &v)
{
    return v;
}

std::string quoted(const std::string &s)
{
    const char q = '"';
    return q + s + q;
}

std::string deploymentYaml(const std::string &name, const Spec &s)
{
    std::string y = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name +
                    "\n  namespace: default\n  annotations:\n    kubernetes.io/change-cause: "
                    "first\nspec:\n  replicas: " +
                    std::to_string(s.replicas) +
                    "\n  minReadySeconds: " + std::to_string(s.minReadySeconds) +
                    "\n  revisionHistoryLimit: " + std::to_string(s.revisionHistoryLimit) +
                    "\n  progressDeadlineSeconds: " + std::to_string(s.progressDeadlineSeconds) +
                    "\n  selector:\n    matchLabels:\n      app: " + name +
                    "\n  strategy:\n    type: " + s.strategy + "\n";
    if (s.strategy == "RollingUpdate")
        y += "    rollingUpdate:\n      maxSurge: " + intOrString(s.maxSurge) +
             "\n      maxUnavailable: " + intOrString(s.maxUnavailable) + "\n";
    y += "  template:\n    metadata:\n      labels:\n        app: " + name + "\n";
    if (s.holdPods)
        y += "      finalizers:\n      - test.kubist.io/hold\n";
    y += "    spec:\n      containers:\n      - name: c\n        image: " + s.image + "\n";
    return y;
}

std::vector<std::shared_ptr<const core::Pod>> activePods(TestCluster &c, const std::string &sel)
{
    std::vector<std::shared_ptr<const core::Pod>> out;
    for (auto &p : c.list<core::Pod>("default", sel))
        if (kubist::controllers::isPodActive(*p))
            out.push_back(p);
    return out;
}

int readyPods(TestCluster &c, const std::string &sel)
{
    int n = 0;
    for (auto &p : activePods(c, sel))
        n += kubist::controllers::isPodReady(*p) ? 1 : 0;
    return n;
}

// Marks up to `limit` not-ready active pods of the selector Running and
// Ready (as a kubelet would, through pods/status); returns how many.
int markReady(TestCluster &c, const std::string &selector, int limit = INT_MAX)
{
    int n = 0;
    for (auto &p : activePods(c, selector)) {
        if (n >= limit)
            break;
        if (kubist::controllers::isPodReady(*p))
            continue;
        core::Pod copy(*p);
        copy.mutable_status()->set_phase("Running");
        core::PodCondition *ready = copy.mutable_status()->add_conditions();
        ready->set_type("Ready");
        ready->set_status("True");
        ready->mutable_last_transition_time()->set_seconds(c.clock.nowSeconds());
        client::WriteOptions o;
        o.subresource = "status";
        if (c.admin().update(kindOf(core::Pod::descriptor()), "default", copy, o))
            ++n;
    }
    return n;
}

// Removes the test finalizer of every pod of the selector that is being deleted.
void releaseHeldPods(TestCluster &c, const std::string &selector)
{
    for (auto &p : c.list<core::Pod>("default", selector)) {
        if (!p->metadata().has_deletion_timestamp())
            continue;
        core::Pod copy(*p);
        copy.mutable_metadata()->clear_finalizers();
        QVERIFY(c.admin().update(kindOf(core::Pod::descriptor()), "default", copy).isOk());
    }
}

// Get, change, update, retrying on conflicts (as kubectl edit would).
bool editDeployment(TestCluster &c, const std::string &name,
                    const std::function<void(apps::Deployment &)> &edit)
{
    for (int attempt = 0; attempt < 10; ++attempt) {
        auto d = c.get<apps::Deployment>("default", name);
        if (!d)
            return false;
        apps::Deployment copy(*d);
        edit(copy);
        Result<client::ObjectPtr> r =
            c.admin().update(kindOf(apps::Deployment::descriptor()), "default", copy);
        if (r)
            return true;
        if (r.status().code() != Status::Code::Conflict) {
            qWarning("editDeployment: %s", r.status().message().c_str());
            return false;
        }
    }
    return false;
}

void setImage(apps::Deployment &d, const std::string &image)
{
    d.mutable_spec()->mutable_template_()->mutable_spec()->mutable_containers(0)->set_image(image);
}

std::vector<std::shared_ptr<const apps::ReplicaSet>> replicaSets(TestCluster &c)
{
    auto all = c.list<apps::ReplicaSet>("default");
    std::sort(all.begin(), all.end(),
              [](const auto &a, const auto &b) { return du::revisionOf(*a) < du::revisionOf(*b); });
    return all;
}

std::shared_ptr<const apps::ReplicaSet> replicaSetWithImage(TestCluster &c,
                                                            const std::string &image)
{
    for (auto &rs : c.list<apps::ReplicaSet>("default"))
        if (rs->spec().template_().spec().containers(0).image() == image)
            return rs;
    return nullptr;
}

const apps::DeploymentCondition *condition(const apps::Deployment &d, const std::string &type)
{
    return du::getCondition(d.status(), type);
}

// What `kubectl rollout status` waits for.
bool rolloutComplete(const apps::Deployment &d)
{
    const auto &s = d.status();
    return s.observed_generation() >= d.metadata().generation() &&
           s.updated_replicas() == d.spec().replicas() && s.replicas() == s.updated_replicas() &&
           s.available_replicas() == s.updated_replicas();
}

std::vector<std::string> eventMessages(TestCluster &c, const std::string &reason)
{
    auto events = c.list<core::Event>("default");
    std::sort(events.begin(), events.end(), [](const auto &a, const auto &b) {
        if (a->first_timestamp().seconds() != b->first_timestamp().seconds())
            return a->first_timestamp().seconds() < b->first_timestamp().seconds();
        return a->metadata().resource_version().size() < b->metadata().resource_version().size() ||
               (a->metadata().resource_version().size() ==
                    b->metadata().resource_version().size() &&
                a->metadata().resource_version() < b->metadata().resource_version());
    });
    std::vector<std::string> out;
    for (auto &e : events)
        if (e->reason() == reason)
            out.push_back(e->message());
    return out;
}

// Both controllers, each with its own client, stopped before the cluster.
struct Controllers
{
    explicit Controllers(TestCluster &c)
        : rsClient(c.client("replicaset-controller"))
        , dClient(c.client("deployment-controller"))
        , rs(*rsClient, c.clock)
        , deployments(std::make_unique<DeploymentController>(*dClient, c.clock))
    {
        rs.start();
        deployments->start();
    }
    std::unique_ptr<client::Client> rsClient;
    std::unique_ptr<client::Client> dClient;
    ReplicaSetController rs;
    std::unique_ptr<DeploymentController> deployments;
};

// Drives the Deployment to a complete rollout: marks its pods ready as
// they come, a second of cluster time at a time (at most two minutes).
bool rollOut(TestCluster &c, const std::string &name)
{
    for (int i = 0; i < 120; ++i) {
        if (!c.settle())
            return false;
        markReady(c, "app=" + name);
        if (!c.settle())
            return false;
        if (rolloutComplete(*c.get<apps::Deployment>("default", name)))
            return true;
        if (!c.run(std::chrono::seconds(1)))
            return false;
    }
    return false;
}

} // namespace

class TestDeployment : public QObject
{
    Q_OBJECT

private slots:
    void createsReplicaSetWithHashAndRevision();
    void hashIsStableAndSafe_data();
    void hashIsStableAndSafe();
    void fenceposts_data();
    void fenceposts();
    void scalingPropagates_data();
    void scalingPropagates();
    void rollingUpdateRespectsSurgeAndUnavailable_data();
    void rollingUpdateRespectsSurgeAndUnavailable();
    void recreateScalesDownBeforeUp();
    void pauseBlocksRolloutAndResumeContinues();
    void undoReusesOldReplicaSetWithNewRevision();
    void revisionHistoryLimitDeletesOldReplicaSets();
    void statusAndConditionsForRolloutStatus();
    void progressDeadlineExceeded();
    void proportionalScalingMidRollout();
    void hashCollisionBumpsCollisionCount();
    void minReadySecondsDelaysAvailability();
    void newInstanceCatchesUp();
};

void TestDeployment::createsReplicaSetWithHashAndRevision()
{
    TestCluster c;
    Controllers ctl(c);
    c.apply(deploymentYaml("web", Spec{}));
    QVERIFY(c.settle());

    auto d = c.get<apps::Deployment>("default", "web");
    auto rss = replicaSets(c);
    QCOMPARE(int(rss.size()), 1);
    const auto &rs = *rss[0];
    const std::string hash = rs.metadata().labels().at("pod-template-hash");
    QVERIFY(!hash.empty());
    QCOMPARE(hash, du::computeHash(d->spec().template_(), std::nullopt));
    QCOMPARE(rs.metadata().name(), "web-" + hash);
    QCOMPARE(rs.spec().selector().match_labels().at("pod-template-hash"), hash);
    QCOMPARE(rs.spec().template_().metadata().labels().at("pod-template-hash"), hash);
    QCOMPARE(rs.metadata().annotations().at(du::kRevisionAnnotation), std::string("1"));
    QCOMPARE(rs.metadata().annotations().at(du::kDesiredReplicasAnnotation), std::string("3"));
    QCOMPARE(rs.metadata().annotations().at(du::kMaxReplicasAnnotation), std::string("4"));
    QCOMPARE(rs.metadata().annotations().at("kubernetes.io/change-cause"), std::string("first"));
    QCOMPARE(d->metadata().annotations().at(du::kRevisionAnnotation), std::string("1"));
    const meta::OwnerReference *ref = kubist::controllers::controllerOf(rs.metadata());
    QVERIFY(ref);
    QCOMPARE(ref->uid(), d->metadata().uid());
    QCOMPARE(rs.spec().replicas(), 3);
    QCOMPARE(int(activePods(c, "app=web").size()), 3);
    for (auto &p : activePods(c, "app=web"))
        QCOMPARE(p->metadata().labels().at("pod-template-hash"), hash);
    const auto messages = eventMessages(c, "ScalingReplicaSet");
    QCOMPARE(int(messages.size()), 1);
    QCOMPARE(messages[0], "Scaled up replica set web-" + hash + " from 0 to 3");
    const apps::DeploymentCondition *progressing = condition(*d, "Progressing");
    QVERIFY(progressing);
    QCOMPARE(progressing->status(), std::string("True"));
    // Created, then progressing as the ReplicaSet reports its pods.
    QVERIFY(progressing->reason() == "NewReplicaSetCreated" ||
            progressing->reason() == "ReplicaSetUpdated");
}

void TestDeployment::hashIsStableAndSafe_data()
{
    QTest::addColumn<QString>("image");
    QTest::addColumn<int>("collisionCount");
    QTest::newRow("no collision count") << "nginx:1" << -1;
    QTest::newRow("collision count 0") << "nginx:1" << 0;
    QTest::newRow("collision count 1") << "nginx:1" << 1;
    QTest::newRow("another image") << "nginx:2" << -1;
}

void TestDeployment::hashIsStableAndSafe()
{
    QFETCH(QString, image);
    QFETCH(int, collisionCount);
    core::PodTemplateSpec t;
    (*t.mutable_metadata()->mutable_labels())["app"] = "web";
    core::Container *ctr = t.mutable_spec()->add_containers();
    ctr->set_name("c");
    ctr->set_image(image.toStdString());
    const std::optional<int32_t> cc =
        collisionCount < 0 ? std::nullopt : std::optional<int32_t>(collisionCount);
    const std::string h = du::computeHash(t, cc);
    QCOMPARE(du::computeHash(t, cc), h); // stable
    QVERIFY(!h.empty() && h.size() <= 10);
    for (char ch : h)
        QVERIFY(std::string("bcdfghjklmnpqrstvwxz2456789").find(ch) != std::string::npos);
    // The hash label itself is ignored.
    core::PodTemplateSpec labelled(t);
    (*labelled.mutable_metadata()->mutable_labels())["pod-template-hash"] = h;
    QCOMPARE(du::computeHash(labelled, cc), h);
    QVERIFY(du::equalIgnoreHash(t, labelled));
    // Every input matters.
    core::PodTemplateSpec other(t);
    other.mutable_spec()->mutable_containers(0)->set_image("busybox");
    QVERIFY(du::computeHash(other, cc) != h);
    QVERIFY(du::computeHash(t, cc ? std::optional<int32_t>(*cc + 1) : 0) != h);
}

void TestDeployment::fenceposts_data()
{
    QTest::addColumn<int>("replicas");
    QTest::addColumn<QString>("surge");
    QTest::addColumn<QString>("unavailable");
    QTest::addColumn<int>("expectedSurge");
    QTest::addColumn<int>("expectedUnavailable");
    QTest::newRow("25% of 10: surge rounds up, unavailable down") << 10 << "25%"
                                                                  << "25%" << 3 << 2;
    QTest::newRow("25% of 1") << 1 << "25%"
                              << "25%" << 1 << 0;
    QTest::newRow("absolute numbers") << 5 << "2"
                                      << "1" << 2 << 1;
    QTest::newRow("both zero: unavailable becomes 1") << 4 << "0"
                                                      << "0%" << 0 << 1;
    QTest::newRow("unavailable capped at replicas") << 2 << "0"
                                                    << "5" << 0 << 2;
    QTest::newRow("zero replicas") << 0 << "1"
                                   << "1" << 1 << 0;
}

void TestDeployment::fenceposts()
{
    QFETCH(int, replicas);
    QFETCH(QString, surge);
    QFETCH(QString, unavailable);
    QFETCH(int, expectedSurge);
    QFETCH(int, expectedUnavailable);
    apps::Deployment d;
    d.mutable_spec()->set_replicas(replicas);
    d.mutable_spec()->mutable_strategy()->set_type("RollingUpdate");
    auto set = [](k8s::io::apimachinery::pkg::util::intstr::IntOrString *v, const QString &s) {
        if (s.endsWith('%')) {
            v->set_type(1);
            v->set_str_val(s.toStdString());
        } else {
            v->set_type(0);
            v->set_int_val(s.toInt());
        }
    };
    auto *ru = d.mutable_spec()->mutable_strategy()->mutable_rolling_update();
    set(ru->mutable_max_surge(), surge);
    set(ru->mutable_max_unavailable(), unavailable);
    QCOMPARE(du::maxSurge(d), expectedSurge);
    QCOMPARE(du::maxUnavailable(d), expectedUnavailable);
}

void TestDeployment::scalingPropagates_data()
{
    QTest::addColumn<int>("from");
    QTest::addColumn<int>("to");
    QTest::newRow("scale up 2 to 5") << 2 << 5;
    QTest::newRow("scale down 4 to 1") << 4 << 1;
    QTest::newRow("scale to zero") << 3 << 0;
}

void TestDeployment::scalingPropagates()
{
    QFETCH(int, from);
    QFETCH(int, to);
    TestCluster c;
    Controllers ctl(c);
    Spec s;
    s.replicas = from;
    c.apply(deploymentYaml("web", s));
    QVERIFY(rollOut(c, "web"));
    QVERIFY(
        editDeployment(c, "web", [&](apps::Deployment &d) { d.mutable_spec()->set_replicas(to); }));
    QVERIFY(rollOut(c, "web"));
    auto rss = replicaSets(c);
    QCOMPARE(int(rss.size()), 1);
    QCOMPARE(rss[0]->spec().replicas(), to);
    QCOMPARE(rss[0]->metadata().annotations().at(du::kDesiredReplicasAnnotation),
             std::to_string(to));
    QCOMPARE(int(activePods(c, "app=web").size()), to);
    const auto messages = eventMessages(c, "ScalingReplicaSet");
    QVERIFY(!messages.empty());
    QCOMPARE(messages.back(), "Scaled " + std::string(to > from ? "up" : "down") + " replica set " +
                                  rss[0]->metadata().name() + " from " + std::to_string(from) +
                                  " to " + std::to_string(to));
    auto d = c.get<apps::Deployment>("default", "web");
    QCOMPARE(d->status().replicas(), to);
    QCOMPARE(d->status().available_replicas(), to);
}

void TestDeployment::rollingUpdateRespectsSurgeAndUnavailable_data()
{
    QTest::addColumn<int>("replicas");
    QTest::addColumn<QString>("surge");
    QTest::addColumn<QString>("unavailable");
    QTest::addColumn<int>("maxPods");
    QTest::addColumn<int>("minAvailable");
    QTest::newRow("4 replicas, surge 1, unavailable 1") << 4 << "1"
                                                        << "1" << 5 << 3;
    QTest::newRow("4 replicas, defaults 25%/25%") << 4 << "25%"
                                                  << "25%" << 5 << 3;
    QTest::newRow("3 replicas, surge 0, unavailable 1") << 3 << "0"
                                                        << "1" << 3 << 2;
    QTest::newRow("3 replicas, surge 1, unavailable 0") << 3 << "1"
                                                        << "0" << 4 << 3;
    QTest::newRow("10 replicas, surge 30%, unavailable 20%") << 10 << "30%"
                                                             << "20%" << 13 << 8;
}

void TestDeployment::rollingUpdateRespectsSurgeAndUnavailable()
{
    QFETCH(int, replicas);
    QFETCH(QString, surge);
    QFETCH(QString, unavailable);
    QFETCH(int, maxPods);
    QFETCH(int, minAvailable);
    TestCluster c;
    Controllers ctl(c);
    Spec s;
    s.replicas = replicas;
    s.maxSurge = surge.toStdString();
    s.maxUnavailable = unavailable.toStdString();
    c.apply(deploymentYaml("web", s));
    QVERIFY(rollOut(c, "web"));
    QVERIFY(editDeployment(c, "web", [](apps::Deployment &d) { setImage(d, "nginx:2"); }));

    // One pod becomes ready at a time; after every reaction the bounds hold.
    bool done = false;
    int maxSeenPods = 0;
    int minSeenAvailable = INT_MAX;
    for (int step = 0; step < 100 && !done; ++step) {
        QVERIFY(c.run(std::chrono::seconds(1)));
        const int pods = int(activePods(c, "app=web").size());
        const int available = readyPods(c, "app=web");
        maxSeenPods = std::max(maxSeenPods, pods);
        minSeenAvailable = std::min(minSeenAvailable, available);
        QVERIFY2(pods <= maxPods, qPrintable(QString("%1 pods at step %2").arg(pods).arg(step)));
        QVERIFY2(available >= minAvailable,
                 qPrintable(QString("%1 available at step %2").arg(available).arg(step)));
        int specSum = 0;
        for (auto &rs : c.list<apps::ReplicaSet>("default"))
            specSum += rs->spec().replicas();
        QVERIFY(specSum <= maxPods);
        done = rolloutComplete(*c.get<apps::Deployment>("default", "web"));
        if (!done)
            markReady(c, "app=web", 1);
    }
    QVERIFY(done);
    QCOMPARE(maxSeenPods, maxPods); // the surge was used
    auto newRS = replicaSetWithImage(c, "nginx:2");
    auto oldRS = replicaSetWithImage(c, "nginx:1");
    QVERIFY(newRS && oldRS);
    QCOMPARE(newRS->spec().replicas(), replicas);
    QCOMPARE(oldRS->spec().replicas(), 0);
    QCOMPARE(newRS->metadata().annotations().at(du::kRevisionAnnotation), std::string("2"));
    QCOMPARE(c.get<apps::Deployment>("default", "web")
                 ->metadata()
                 .annotations()
                 .at(du::kRevisionAnnotation),
             std::string("2"));
    QCOMPARE(int(activePods(c, "app=web").size()), replicas);
}

void TestDeployment::recreateScalesDownBeforeUp()
{
    TestCluster c;
    Controllers ctl(c);
    Spec s;
    s.strategy = "Recreate";
    s.holdPods = true;
    c.apply(deploymentYaml("web", s));
    QVERIFY(rollOut(c, "web"));
    QVERIFY(editDeployment(c, "web", [](apps::Deployment &d) { setImage(d, "nginx:2"); }));
    QVERIFY(c.run(std::chrono::seconds(5)));

    // The old ReplicaSet is at 0 but its pods linger (finalizer): no new
    // ReplicaSet yet, let alone new pods.
    auto oldRS = replicaSetWithImage(c, "nginx:1");
    QCOMPARE(oldRS->spec().replicas(), 0);
    QVERIFY(!replicaSetWithImage(c, "nginx:2"));
    QCOMPARE(int(c.list<core::Pod>("default", "app=web").size()), 3);

    releaseHeldPods(c, "app=web");
    QVERIFY(c.settle());
    auto newRS = replicaSetWithImage(c, "nginx:2");
    QVERIFY(newRS);
    QCOMPARE(newRS->spec().replicas(), 3);
    QCOMPARE(int(activePods(c, "app=web").size()), 3);
    const auto messages = eventMessages(c, "ScalingReplicaSet");
    QCOMPARE(int(messages.size()), 3);
    QCOMPARE(messages[1], "Scaled down replica set " + oldRS->metadata().name() + " from 3 to 0");
    QCOMPARE(messages[2], "Scaled up replica set " + newRS->metadata().name() + " from 0 to 3");
    QVERIFY(rollOut(c, "web"));
    // Clean up the test finalizers so the cluster can go.
    QVERIFY(
        editDeployment(c, "web", [](apps::Deployment &d) { d.mutable_spec()->set_replicas(0); }));
    QVERIFY(c.settle());
    releaseHeldPods(c, "app=web");
    QVERIFY(c.settle());
}

void TestDeployment::pauseBlocksRolloutAndResumeContinues()
{
    TestCluster c;
    Controllers ctl(c);
    c.apply(deploymentYaml("web", Spec{}));
    QVERIFY(rollOut(c, "web"));
    QVERIFY(
        editDeployment(c, "web", [](apps::Deployment &d) { d.mutable_spec()->set_paused(true); }));
    QVERIFY(c.settle());
    auto d = c.get<apps::Deployment>("default", "web");
    QCOMPARE(condition(*d, "Progressing")->reason(), std::string("DeploymentPaused"));
    QCOMPARE(condition(*d, "Progressing")->status(), std::string("Unknown"));

    // A template change while paused: no new ReplicaSet; scaling still works.
    QVERIFY(editDeployment(c, "web", [](apps::Deployment &d) {
        setImage(d, "nginx:2");
        d.mutable_spec()->set_replicas(5);
    }));
    QVERIFY(c.run(std::chrono::seconds(10)));
    QCOMPARE(int(replicaSets(c).size()), 1);
    QCOMPARE(replicaSets(c)[0]->spec().replicas(), 5);
    d = c.get<apps::Deployment>("default", "web");
    QCOMPARE(d->status().observed_generation(), d->metadata().generation());
    QCOMPARE(d->metadata().annotations().at(du::kRevisionAnnotation), std::string("1"));

    QVERIFY(
        editDeployment(c, "web", [](apps::Deployment &d) { d.mutable_spec()->set_paused(false); }));
    QVERIFY(c.settle());
    QVERIFY(replicaSetWithImage(c, "nginx:2"));
    QVERIFY(rollOut(c, "web"));
    d = c.get<apps::Deployment>("default", "web");
    QCOMPARE(d->metadata().annotations().at(du::kRevisionAnnotation), std::string("2"));
    QCOMPARE(replicaSetWithImage(c, "nginx:2")->spec().replicas(), 5);
    QCOMPARE(condition(*d, "Progressing")->reason(), std::string("NewReplicaSetAvailable"));
}

void TestDeployment::undoReusesOldReplicaSetWithNewRevision()
{
    TestCluster c;
    Controllers ctl(c);
    c.apply(deploymentYaml("web", Spec{}));
    QVERIFY(rollOut(c, "web"));
    QVERIFY(editDeployment(c, "web", [](apps::Deployment &d) {
        setImage(d, "nginx:2");
        (*d.mutable_metadata()->mutable_annotations())["kubernetes.io/change-cause"] = "second";
    }));
    QVERIFY(rollOut(c, "web"));
    auto rev1 = replicaSetWithImage(c, "nginx:1");
    QCOMPARE(rev1->metadata().annotations().at(du::kRevisionAnnotation), std::string("1"));
    QCOMPARE(replicaSetWithImage(c, "nginx:2")
                 ->metadata()
                 .annotations()
                 .at("kubernetes.io/change-cause"),
             std::string("second"));

    // kubectl rollout undo --to-revision=1: the template of revision 1,
    // without its pod-template-hash label, goes back into the Deployment.
    QVERIFY(editDeployment(c, "web", [&](apps::Deployment &d) {
        core::PodTemplateSpec t = rev1->spec().template_();
        t.mutable_metadata()->mutable_labels()->erase("pod-template-hash");
        *d.mutable_spec()->mutable_template_() = t;
    }));
    QVERIFY(rollOut(c, "web"));
    QCOMPARE(int(replicaSets(c).size()), 2); // no third ReplicaSet
    auto back = replicaSetWithImage(c, "nginx:1");
    QCOMPARE(back->metadata().uid(), rev1->metadata().uid());
    QCOMPARE(back->metadata().annotations().at(du::kRevisionAnnotation), std::string("3"));
    QCOMPARE(back->metadata().annotations().at(du::kRevisionHistoryAnnotation), std::string("1"));
    QCOMPARE(back->spec().replicas(), 3);
    QCOMPARE(replicaSetWithImage(c, "nginx:2")->spec().replicas(), 0);
    auto d = c.get<apps::Deployment>("default", "web");
    QCOMPARE(d->metadata().annotations().at(du::kRevisionAnnotation), std::string("3"));
}

void TestDeployment::revisionHistoryLimitDeletesOldReplicaSets()
{
    TestCluster c;
    Controllers ctl(c);
    Spec s;
    s.revisionHistoryLimit = 1;
    c.apply(deploymentYaml("web", s));
    QVERIFY(rollOut(c, "web"));
    for (int i = 2; i <= 4; ++i) {
        const std::string image = "nginx:" + std::to_string(i);
        QVERIFY(editDeployment(c, "web", [&](apps::Deployment &d) { setImage(d, image); }));
        QVERIFY(rollOut(c, "web"));
        QVERIFY(c.settle());
    }
    auto rss = replicaSets(c);
    QCOMPARE(int(rss.size()), 2); // the current one and one old one
    QCOMPARE(rss[0]->spec().template_().spec().containers(0).image(), std::string("nginx:3"));
    QCOMPARE(rss[1]->spec().template_().spec().containers(0).image(), std::string("nginx:4"));
    QCOMPARE(rss[1]->metadata().annotations().at(du::kRevisionAnnotation), std::string("4"));
}

void TestDeployment::statusAndConditionsForRolloutStatus()
{
    TestCluster c;
    Controllers ctl(c);
    c.apply(deploymentYaml("web", Spec{}));
    QVERIFY(c.settle());
    auto d = c.get<apps::Deployment>("default", "web");
    QVERIFY(!rolloutComplete(*d));
    QCOMPARE(d->status().updated_replicas(), 3);
    QCOMPARE(d->status().unavailable_replicas(), 3);
    QCOMPARE(condition(*d, "Available")->status(), std::string("False"));
    QCOMPARE(condition(*d, "Available")->reason(), std::string("MinimumReplicasUnavailable"));

    QCOMPARE(markReady(c, "app=web", 1), 1);
    QVERIFY(c.settle());
    d = c.get<apps::Deployment>("default", "web");
    QCOMPARE(d->status().ready_replicas(), 1);
    QCOMPARE(condition(*d, "Progressing")->reason(), std::string("ReplicaSetUpdated"));

    QVERIFY(rollOut(c, "web"));
    d = c.get<apps::Deployment>("default", "web");
    QCOMPARE(d->status().observed_generation(), d->metadata().generation());
    QCOMPARE(d->status().replicas(), 3);
    QCOMPARE(d->status().updated_replicas(), 3);
    QCOMPARE(d->status().ready_replicas(), 3);
    QCOMPARE(d->status().available_replicas(), 3);
    QCOMPARE(d->status().unavailable_replicas(), 0);
    QCOMPARE(condition(*d, "Available")->status(), std::string("True"));
    QCOMPARE(condition(*d, "Available")->reason(), std::string("MinimumReplicasAvailable"));
    QCOMPARE(condition(*d, "Progressing")->status(), std::string("True"));
    QCOMPARE(condition(*d, "Progressing")->reason(), std::string("NewReplicaSetAvailable"));
    QCOMPARE(condition(*d, "Progressing")->message(),
             "ReplicaSet " + quoted(replicaSets(c)[0]->metadata().name()) +
                 " has successfully progressed.");

    // kubectl rollout restart: a template annotation makes a new revision.
    QVERIFY(editDeployment(c, "web", [](apps::Deployment &d) {
        (*d.mutable_spec()
              ->mutable_template_()
              ->mutable_metadata()
              ->mutable_annotations())["kubectl.kubernetes.io/restartedAt"] =
            "2026-01-01T00:00:00Z";
    }));
    QVERIFY(c.settle());
    d = c.get<apps::Deployment>("default", "web");
    QVERIFY(!rolloutComplete(*d));
    QCOMPARE(int(replicaSets(c).size()), 2);
    QVERIFY(rollOut(c, "web"));
}

void TestDeployment::progressDeadlineExceeded()
{
    TestCluster c;
    Controllers ctl(c);
    Spec s;
    s.progressDeadlineSeconds = 30;
    c.apply(deploymentYaml("web", s));
    QVERIFY(c.settle());
    const auto reason = [&] {
        return condition(*c.get<apps::Deployment>("default", "web"), "Progressing")->reason();
    };
    QVERIFY(c.run(std::chrono::seconds(29)));
    QVERIFY(reason() != "ProgressDeadlineExceeded");
    QVERIFY(c.runUntil([&] { return reason() == "ProgressDeadlineExceeded"; },
                       std::chrono::seconds(10)));
    auto d = c.get<apps::Deployment>("default", "web");
    QCOMPARE(condition(*d, "Progressing")->status(), std::string("False"));
    QCOMPARE(condition(*d, "Progressing")->message(),
             "ReplicaSet " + quoted(replicaSets(c)[0]->metadata().name()) +
                 " has timed out progressing.");
    // Progress after the deadline: the rollout completes after all.
    QVERIFY(rollOut(c, "web"));
    QCOMPARE(reason(), std::string("NewReplicaSetAvailable"));
}

void TestDeployment::proportionalScalingMidRollout()
{
    TestCluster c;
    Controllers ctl(c);
    Spec s;
    s.replicas = 10;
    s.maxSurge = "3";
    s.maxUnavailable = "2";
    c.apply(deploymentYaml("web", s));
    QVERIFY(rollOut(c, "web"));
    // A rollout whose new pods never become ready: stuck at 13 pods
    // (10 old - 2 + 5 new).
    QVERIFY(editDeployment(c, "web", [](apps::Deployment &d) { setImage(d, "nginx:2"); }));
    QVERIFY(c.settle());
    auto oldRS = replicaSetWithImage(c, "nginx:1");
    auto newRS = replicaSetWithImage(c, "nginx:2");
    QCOMPARE(oldRS->spec().replicas() + newRS->spec().replicas(), 13);
    const int oldBefore = oldRS->spec().replicas();
    const int newBefore = newRS->spec().replicas();

    QVERIFY(
        editDeployment(c, "web", [](apps::Deployment &d) { d.mutable_spec()->set_replicas(20); }));
    QVERIFY(c.settle());
    oldRS = replicaSetWithImage(c, "nginx:1");
    newRS = replicaSetWithImage(c, "nginx:2");
    // Both grew, in proportion, to 20 + 3 in all.
    QCOMPARE(oldRS->spec().replicas() + newRS->spec().replicas(), 23);
    QVERIFY(oldRS->spec().replicas() > oldBefore);
    QVERIFY(newRS->spec().replicas() > newBefore);
    QCOMPARE(oldRS->metadata().annotations().at(du::kDesiredReplicasAnnotation), std::string("20"));
    QVERIFY(rollOut(c, "web"));
    QCOMPARE(replicaSetWithImage(c, "nginx:2")->spec().replicas(), 20);
}

void TestDeployment::minReadySecondsDelaysAvailability()
{
    TestCluster c;
    Controllers ctl(c);
    Spec s;
    s.minReadySeconds = 5;
    c.apply(deploymentYaml("web", s));
    QVERIFY(c.settle());
    QCOMPARE(replicaSets(c)[0]->spec().min_ready_seconds(), 5);
    const kubist::Clock::Time readyAt = c.clock.now();
    QCOMPARE(markReady(c, "app=web"), 3);
    QVERIFY(c.settle());
    auto d = c.get<apps::Deployment>("default", "web");
    QCOMPARE(d->status().ready_replicas(), 3);
    QCOMPARE(d->status().available_replicas(), 0);
    QVERIFY(!rolloutComplete(*d));
    QVERIFY(c.runUntil([&] { return rolloutComplete(*c.get<apps::Deployment>("default", "web")); },
                       std::chrono::seconds(30)));
    QVERIFY(c.clock.now() >= readyAt + std::chrono::seconds(5));
    QVERIFY(c.clock.now() <= readyAt + std::chrono::seconds(7));
}

void TestDeployment::hashCollisionBumpsCollisionCount()
{
    TestCluster c;
    c.apply(deploymentYaml("web", Spec{}));
    auto d = c.get<apps::Deployment>("default", "web");
    const std::string hash = du::computeHash(d->spec().template_(), std::nullopt);
    // Someone else's ReplicaSet already has the name the new one would get.
    c.apply("apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web-" + hash +
            "\n  namespace: default\nspec:\n  replicas: 0\n  selector:\n    matchLabels:\n"
            "      app: other\n  template:\n    metadata:\n      labels:\n        app: other\n"
            "    spec:\n      containers:\n      - name: c\n        image: busybox\n");
    Controllers ctl(c);
    QVERIFY(rollOut(c, "web"));
    d = c.get<apps::Deployment>("default", "web");
    QCOMPARE(d->status().collision_count(), 1);
    const std::string second = du::computeHash(d->spec().template_(), 1);
    QVERIFY(second != hash);
    auto rs = c.get<apps::ReplicaSet>("default", "web-" + second);
    QVERIFY(rs);
    QCOMPARE(rs->spec().replicas(), 3);
    QCOMPARE(rs->metadata().labels().at("pod-template-hash"), second);
    auto other = c.get<apps::ReplicaSet>("default", "web-" + hash);
    QVERIFY(!kubist::controllers::controllerOf(other->metadata()));
}

void TestDeployment::newInstanceCatchesUp()
{
    TestCluster c;
    Controllers ctl(c);
    c.apply(deploymentYaml("web", Spec{}));
    QVERIFY(rollOut(c, "web"));
    ctl.deployments.reset(); // stopped

    QVERIFY(editDeployment(c, "web", [](apps::Deployment &d) {
        setImage(d, "nginx:2");
        d.mutable_spec()->set_replicas(4);
    }));
    QVERIFY(c.run(std::chrono::seconds(10)));
    QCOMPARE(int(replicaSets(c).size()), 1); // nobody acted

    ctl.deployments = std::make_unique<DeploymentController>(*ctl.dClient, c.clock);
    ctl.deployments->start();
    QVERIFY(rollOut(c, "web"));
    auto newRS = replicaSetWithImage(c, "nginx:2");
    QVERIFY(newRS);
    QCOMPARE(newRS->spec().replicas(), 4);
    QCOMPARE(replicaSetWithImage(c, "nginx:1")->spec().replicas(), 0);
    auto d = c.get<apps::Deployment>("default", "web");
    QCOMPARE(d->metadata().annotations().at(du::kRevisionAnnotation), std::string("2"));
}

QTEST_GUILESS_MAIN(TestDeployment)
#include "tst_deployment.moc"
