// The operator's requests (model/workloadops) make the API change the
// matching kubectl command makes, on a TestCluster.

#include "tests/model/clusterfixtures.h"

#include "model/workloadops.h"

#include "backend/api/annotations.h"

#include "policy_v1.pb.h"

#include <QDateTime>
#include <QTest>

#include <algorithm>
#include <chrono>
#include <thread>

using namespace kubist;
using namespace kubist::testing;
using namespace kubist::testing::fixtures;
namespace ops = kubist::model::workloadops;

namespace {

bool terminating(TestCluster &c, const std::string &ns, const std::string &name)
{
    auto p = client::getAs<core::Pod>(c.admin(), ns, name);
    return p && (*p)->metadata().has_deletion_timestamp();
}

apps::ReplicaSet revisionSet(const std::string &name, const std::string &revision,
                             const std::string &image, const std::string &depUid)
{
    apps::ReplicaSet rs;
    rs.mutable_metadata()->set_namespace_("default");
    rs.mutable_metadata()->set_name(name);
    (*rs.mutable_metadata()->mutable_annotations())["deployment.kubernetes.io/revision"] = revision;
    meta::OwnerReference *ref = rs.mutable_metadata()->add_owner_references();
    ref->set_api_version("apps/v1");
    ref->set_kind("Deployment");
    ref->set_name("web");
    ref->set_uid(depUid);
    ref->set_controller(true);
    rs.mutable_spec()->set_replicas(0);
    (*rs.mutable_spec()->mutable_selector()->mutable_match_labels())["app"] = "web";
    auto *labels = rs.mutable_spec()->mutable_template_()->mutable_metadata()->mutable_labels();
    (*labels)["app"] = "web";
    (*labels)["pod-template-hash"] = name.substr(4);
    core::Container *ct = rs.mutable_spec()->mutable_template_()->mutable_spec()->add_containers();
    ct->set_name("main");
    ct->set_image(image);
    return rs;
}

// The kubelet's part of a graceful deletion: the final DELETE.
Status finishDeletion(TestCluster &c, const std::string &ns, const std::string &name)
{
    client::DeleteOptions d;
    d.gracePeriodSeconds = 0;
    return c.admin().remove(kindOf(core::Pod::descriptor()), ns, name, d).status();
}

// A merge patch pausing the Deployment and / or giving its template an annotation.
std::string deploymentPatch(bool paused, bool annotated)
{
    std::string spec;
    if (paused)
        spec += "\"paused\":true";
    if (annotated)
        spec += std::string(paused ? "," : "") +
                "\"template\":{\"metadata\":{\"annotations\":{\"team\":\"blue\"}}}";
    return "{\"spec\":{" + spec + "}}";
}

constexpr char kCannotPatchNodes[] = "cannot patch resource \"nodes\"";

std::chrono::system_clock::time_point at(qint64 secsSinceEpoch)
{
    return std::chrono::system_clock::time_point(std::chrono::seconds(secsSinceEpoch));
}

} // namespace

class TestWorkloadOps : public QObject
{
    Q_OBJECT

private slots:
    void scaleChangesReplicas_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("delta");
        QTest::addColumn<int>("expected");
        QTest::newRow("deployment up") << "Deployment"
                                       << "web" << 1 << 4;
        QTest::newRow("deployment down") << "Deployment"
                                         << "web" << -1 << 2;
        QTest::newRow("never below zero") << "Deployment"
                                          << "web" << -5 << 0;
        QTest::newRow("replicaset up") << "ReplicaSet"
                                       << "web-5d4f8" << 2 << 5;
    }
    void scaleChangesReplicas()
    {
        QFETCH(QString, kind);
        QFETCH(QString, name);
        QFETCH(int, delta);
        QFETCH(int, expected);
        TestCluster c;
        createDemoTopology(c);
        Result<int> r =
            ops::scale(c.admin(), kind.toStdString(), "default", name.toStdString(), delta);
        QVERIFY2(r, r.status().message().c_str());
        QCOMPARE(*r, expected);
        if (kind == "Deployment")
            QCOMPARE(c.get<apps::Deployment>("default", "web")->spec().replicas(), expected);
        else
            QCOMPARE(c.get<apps::ReplicaSet>("default", "web-5d4f8")->spec().replicas(), expected);
    }

    void scaleRefusesOtherKinds()
    {
        TestCluster c;
        createDemoTopology(c);
        QVERIFY(!ops::scale(c.admin(), "Pod", "default", "web-5d4f8-a", 1));
    }

    void setImagePatchesTheContainer_data()
    {
        QTest::addColumn<QString>("container");
        QTest::newRow("named container") << "main";
        QTest::newRow("first container by default") << "";
    }
    void setImagePatchesTheContainer()
    {
        QFETCH(QString, container);
        TestCluster c;
        createDemoTopology(c);
        const Status s =
            ops::setImage(c.admin(), "default", "web", container.toStdString(), "nginx:1.27");
        QVERIFY2(s.isOk(), s.message().c_str());
        const auto d = c.get<apps::Deployment>("default", "web");
        QCOMPARE(d->spec().template_().spec().containers_size(), 1);
        QCOMPARE(d->spec().template_().spec().containers(0).name(), std::string("main"));
        QCOMPARE(d->spec().template_().spec().containers(0).image(), std::string("nginx:1.27"));
    }

    void undoRestoresThePreviousTemplate()
    {
        TestCluster c;
        apps::Deployment d;
        d.mutable_metadata()->set_namespace_("default");
        d.mutable_metadata()->set_name("web");
        (*d.mutable_metadata()->mutable_annotations())["deployment.kubernetes.io/revision"] = "2";
        (*d.mutable_spec()->mutable_selector()->mutable_match_labels())["app"] = "web";
        (*d.mutable_spec()->mutable_template_()->mutable_metadata()->mutable_labels())["app"] =
            "web";
        core::Container *ct =
            d.mutable_spec()->mutable_template_()->mutable_spec()->add_containers();
        ct->set_name("main");
        ct->set_image("nginx:2");
        const auto dep = create(c.admin(), d);
        create(c.admin(), revisionSet("web-aaa", "1", "nginx:1", dep->metadata().uid()));
        create(c.admin(), revisionSet("web-bbb", "2", "nginx:2", dep->metadata().uid()));
        // Another deployment's history does not count.
        create(c.admin(), revisionSet("web-ccc", "1", "other:1", "some-other-uid"));

        const Status s = ops::undoRollout(c.admin(), "default", "web");
        QVERIFY2(s.isOk(), s.message().c_str());
        const auto after = c.get<apps::Deployment>("default", "web");
        QCOMPARE(after->spec().template_().spec().containers(0).image(), std::string("nginx:1"));
        QCOMPARE(after->spec().template_().metadata().labels().count("pod-template-hash"), 0u);
        QCOMPARE(after->spec().template_().metadata().labels().at("app"), std::string("web"));
    }

    void undoWithoutHistoryFails()
    {
        TestCluster c;
        createDemoTopology(c); // one ReplicaSet, no revision annotation
        const Status s = ops::undoRollout(c.admin(), "default", "web");
        QCOMPARE(s.code(), Status::Code::NotFound);
    }

    void drainEvictsTheRightPods()
    {
        TestCluster c;
        createDemoTopology(c);
        client::Client &a = c.admin();
        create(a, node("worker-9"));
        for (const char *name : {"static-a", "static-b"}) { // mirror pods: left alone
            core::Pod m = pod("kube-system", name, "worker-9");
            (*m.mutable_metadata()->mutable_annotations())["kubernetes.io/config.mirror"] = "hash";
            create(a, m);
        }
        core::Pod ds = pod("default", "logger-x", "worker-9");
        setOwner(ds, "DaemonSet", "logger", "ds-uid");
        create(a, ds);
        core::Pod owned = pod("default", "web-5d4f8-z", "worker-9", {{"app", "web"}});
        setOwner(owned, "ReplicaSet", "web-5d4f8", "rs-uid");
        create(a, owned);
        create(a, pod("default", "bare", "worker-9"));

        Result<ops::DrainReport> r = ops::drain(a, "worker-9");
        QVERIFY2(r, r.status().message().c_str());
        QVERIFY(c.get<core::Node>("", "worker-9")->spec().unschedulable());
        std::vector<std::string> evicted = r->evicted;
        std::sort(evicted.begin(), evicted.end());
        QCOMPARE(evicted, (std::vector<std::string>{"default/bare", "default/web-5d4f8-z"}));
        QCOMPARE(r->skipped.size(), size_t(3)); // 2 mirror pods + the DaemonSet pod
        QVERIFY(r->refused.empty());
        QVERIFY(r->failed.empty());
        QVERIFY(terminating(c, "default", "bare"));
        QVERIFY(terminating(c, "default", "web-5d4f8-z"));
        QVERIFY(!terminating(c, "default", "logger-x"));
        QVERIFY(!terminating(c, "kube-system", "static-a"));
        // Pods elsewhere are untouched.
        QVERIFY(!terminating(c, "default", "web-5d4f8-a"));
    }

    void moveBarePodRecreatesWithIntent()
    {
        TestCluster c;
        createDemoTopology(c);
        const auto before = create(c.admin(), pod("default", "solo", "worker-1", {{"x", "y"}}));
        Result<std::string> r = ops::movePod(c.admin(), "default", "solo", "worker-3");
        QVERIFY2(r, r.status().message().c_str());
        const auto after = c.get<core::Pod>("default", "solo");
        QVERIFY(after);
        // Unbound, with the intent the scheduler honours if worker-3 fits.
        QVERIFY(after->spec().node_name().empty());
        QCOMPARE(after->metadata().annotations().at(kubist::api::kPlacementIntent),
                 std::string("worker-3"));
        QVERIFY(after->metadata().uid() != before->metadata().uid());
        QVERIFY(!after->metadata().has_deletion_timestamp());
        QCOMPARE(after->metadata().labels().at("x"), std::string("y"));
    }

    void moveOwnedPodEvicts()
    {
        TestCluster c;
        createDemoTopology(c);
        Result<std::string> r = ops::movePod(c.admin(), "default", "web-5d4f8-a", "worker-3");
        QVERIFY2(r, r.status().message().c_str());
        QCOMPARE(*r, std::string("Evicted web-5d4f8-a; its replacement is placed on worker-3 "
                                 "if the scheduler accepts it there"));
        QVERIFY(terminating(c, "default", "web-5d4f8-a"));
        // The ReplicaSet carries the one-shot intent for its next pod.
        const auto rs = c.get<apps::ReplicaSet>("default", "web-5d4f8");
        QCOMPARE(rs->metadata().annotations().at(kubist::api::kPlaceNextPodOn),
                 std::string("worker-3"));
        // Not recreated by us: still the same (terminating) pod on worker-1.
        QCOMPARE(c.get<core::Pod>("default", "web-5d4f8-a")->spec().node_name(),
                 std::string("worker-1"));
    }

    void restartRolloutStampsTheTemplate_data()
    {
        QTest::addColumn<bool>("paused");
        QTest::addColumn<bool>("hadAnnotations");
        QTest::newRow("running deployment gets restartedAt") << false << false;
        QTest::newRow("other template annotations are kept") << false << true;
        QTest::newRow("paused deployment is refused as kubectl refuses it") << true << false;
    }
    void restartRolloutStampsTheTemplate()
    {
        QFETCH(bool, paused);
        QFETCH(bool, hadAnnotations);
        TestCluster c;
        createDemoTopology(c);
        if (paused || hadAnnotations)
            QVERIFY(c.admin()
                        .patch(kindOf(apps::Deployment::descriptor()), "default", "web",
                               client::PatchType::Merge, deploymentPatch(paused, hadAnnotations))
                        .status()
                        .isOk());
        const auto now = at(1795861925); // 2026-11-28T08:32:05Z
        const Status s = ops::restartRollout(c.admin(), "default", "web", now);
        const auto d = c.get<apps::Deployment>("default", "web");
        const auto &annotations = d->spec().template_().metadata().annotations();
        if (paused) {
            QCOMPARE(s.code(), Status::Code::Invalid);
            QVERIFY2(s.message() == "can't restart paused deployment (run rollout resume first)",
                     s.message().c_str());
            QCOMPARE(annotations.count("kubectl.kubernetes.io/restartedAt"), 0u);
            return;
        }
        QVERIFY2(s.isOk(), s.message().c_str());
        QCOMPARE(annotations.at("kubectl.kubernetes.io/restartedAt"), ops::rfc3339Local(now));
        if (hadAnnotations)
            QCOMPARE(annotations.at("team"), std::string("blue"));
        // The template changed, so the Deployment controller rolls a new ReplicaSet.
        QCOMPARE(d->spec().template_().spec().containers(0).image(), std::string("nginx"));
    }

    void rfc3339LocalIsGoFormat_data()
    {
        QTest::addColumn<qint64>("secs");
        QTest::newRow("epoch") << qint64(0);
        QTest::newRow("a November morning") << qint64(1795861925);
        QTest::newRow("a summer afternoon") << qint64(1783000000);
    }
    void rfc3339LocalIsGoFormat()
    {
        QFETCH(qint64, secs);
        const QString text = QString::fromStdString(ops::rfc3339Local(at(secs)));
        // "2006-01-02T15:04:05Z" or "2006-01-02T15:04:05+07:00": seconds, no fraction.
        QVERIFY2(text.size() == 20 || text.size() == 25, qPrintable(text));
        QCOMPARE(text.at(10), QChar('T'));
        QVERIFY2(text.endsWith('Z') || text.at(19) == '+' || text.at(19) == '-', qPrintable(text));
        const QDateTime parsed = QDateTime::fromString(text, Qt::ISODate);
        QVERIFY2(parsed.isValid(), qPrintable(text));
        QCOMPARE(parsed.toSecsSinceEpoch(), secs);
    }

    void moveRemoteOwnedPodIsOnlyEvicted()
    {
        TestCluster c;
        createDemoTopology(c);
        Result<std::string> r = ops::movePodRemote(c.admin(), "default", "web-5d4f8-a", "worker-3");
        QVERIFY2(r, r.status().message().c_str());
        QCOMPARE(*r, std::string("Evicted web-5d4f8-a; on a real cluster the scheduler picks the "
                                 "new node"));
        QVERIFY(terminating(c, "default", "web-5d4f8-a"));
        // No Kubist placement intent: a real kube-scheduler would ignore it.
        const auto rs = c.get<apps::ReplicaSet>("default", "web-5d4f8");
        QCOMPARE(rs->metadata().annotations().count(kubist::api::kPlaceNextPodOn), 0u);
    }

    void moveRemoteBarePodIsRecreatedOnTheNodeOnceGone()
    {
        TestCluster c;
        createDemoTopology(c);
        core::Pod solo = pod("default", "solo", "worker-1", {{"x", "y"}});
        (*solo.mutable_metadata()->mutable_annotations())[kubist::api::kPlacementIntent] = "w";
        const auto before = create(c.admin(), solo);
        Result<std::string> r = Status::internal("not run");
        std::thread mover([&] {
            ops::RemoteMoveOptions o;
            o.goneTimeout = std::chrono::seconds(60); // bounded; the test ends it sooner
            r = ops::movePodRemote(c.admin(), "default", "solo", "worker-3", o);
        });
        // The eviction started a graceful deletion; the kubelet finishes it.
        QVERIFY(QTest::qWaitFor([&] { return terminating(c, "default", "solo"); }, 10000));
        QVERIFY(finishDeletion(c, "default", "solo").isOk());
        mover.join();
        QVERIFY2(r, r.status().message().c_str());
        QCOMPARE(*r, std::string("Evicted solo; recreated it on worker-3"));
        const auto after = c.get<core::Pod>("default", "solo");
        QVERIFY(after);
        QCOMPARE(after->spec().node_name(), std::string("worker-3"));
        QVERIFY(after->metadata().uid() != before->metadata().uid());
        QVERIFY(!after->metadata().has_deletion_timestamp());
        QCOMPARE(after->metadata().labels().at("x"), std::string("y"));
        QCOMPARE(after->metadata().annotations().count(kubist::api::kPlacementIntent), 0u);
    }

    void moveRemoteBarePodStillTerminatingIsNotRecreated()
    {
        TestCluster c;
        createDemoTopology(c);
        const auto before = create(c.admin(), pod("default", "solo", "worker-1"));
        ops::RemoteMoveOptions o;
        o.goneTimeout = std::chrono::milliseconds(0); // look once
        Result<std::string> r = ops::movePodRemote(c.admin(), "default", "solo", "worker-3", o);
        QVERIFY(!r);
        QCOMPARE(r.status().code(), Status::Code::Timeout);
        QVERIFY2(r.status().message().find("not recreated") != std::string::npos,
                 r.status().message().c_str());
        const auto now = c.get<core::Pod>("default", "solo");
        QCOMPARE(now->metadata().uid(), before->metadata().uid());
        QCOMPARE(now->spec().node_name(), std::string("worker-1"));
    }

    void moveRemoteRefusedEvictionSaysWhy()
    {
        TestCluster c;
        createDemoTopology(c);
        k8s::io::api::policy::v1::PodDisruptionBudget pdb;
        pdb.mutable_metadata()->set_namespace_("default");
        pdb.mutable_metadata()->set_name("web-pdb");
        pdb.mutable_spec()->mutable_min_available()->set_type(1);
        pdb.mutable_spec()->mutable_min_available()->set_str_val("100%");
        (*pdb.mutable_spec()->mutable_selector()->mutable_match_labels())["app"] = "web";
        create(c.admin(), pdb);
        Result<std::string> r = ops::movePodRemote(c.admin(), "default", "web-5d4f8-a", "worker-3");
        QVERIFY(!r);
        QCOMPARE(r.status().code(), Status::Code::ResourceExhausted);
        const std::string &m = r.status().message();
        QVERIFY2(m.find("cannot evict web-5d4f8-a") != std::string::npos, m.c_str());
        QVERIFY2(m.find("disruption budget") != std::string::npos, m.c_str());
        QVERIFY(!terminating(c, "default", "web-5d4f8-a"));
    }

    void forbiddenEvictionInDrainIsMarked()
    {
        TestCluster c;
        createDemoTopology(c);
        // A viewer may not even cordon: drain fails with the RBAC message.
        auto viewer = c.server->localClient("viewer", apiserver::Role::Viewer);
        Result<ops::DrainReport> r = ops::drain(*viewer, "worker-1");
        QVERIFY(!r);
        QCOMPARE(r.status().code(), Status::Code::PermissionDenied);
        QVERIFY2(r.status().message().find(kCannotPatchNodes) != std::string::npos,
                 r.status().message().c_str());
    }
};

QTEST_GUILESS_MAIN(TestWorkloadOps)
#include "tst_workloadops.moc"
