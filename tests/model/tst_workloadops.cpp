// The operator's requests (model/workloadops) make the API change the
// matching kubectl command makes, on a TestCluster.

#include "tests/model/clusterfixtures.h"

#include "model/workloadops.h"

#include "backend/api/annotations.h"

#include <QTest>

#include <algorithm>

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
};

QTEST_GUILESS_MAIN(TestWorkloadOps)
#include "tst_workloadops.moc"
