// WatchActivity over a real ClusterModel and API server (TestCluster):
// the pulses it infers from what the watches show — a binding is the
// scheduler's, a ReplicaSet's new pod the controller manager's, a pod's
// status its node's kubelet's — merged per edge, one emission per frame,
// nothing from the initial list, and node heartbeats coalesced per node.

#include "tests/model/clusterfixtures.h"

#include "model/clustermodel.h"
#include "model/watchactivity.h"

#include "backend/client/objectkey.h"

#include <QSignalSpy>
#include <QStringList>
#include <QTest>

#include <functional>
#include <optional>

using namespace kubist;
using namespace kubist::testing;
using namespace kubist::testing::fixtures;
using model::ClusterModel;
using model::ObjectKind;
using model::Pulse;
using model::WatchActivity;

namespace coordination = k8s::io::api::coordination::v1;

namespace {

QString sourceName(const Pulse &p)
{
    switch (p.source) {
    case Pulse::Source::Scheduler:
        return "scheduler";
    case Pulse::Source::ControllerManager:
        return "controller-manager";
    case Pulse::Source::Kubelet:
        return "kubelet@" + QString::fromStdString(p.node);
    case Pulse::Source::User:
        return "user";
    }
    return "?";
}

// "scheduler create pods/binding x1; kubelet@worker-2 patch pods/status x1"
QString summary(const std::vector<Pulse> &pulses)
{
    QStringList out;
    for (const Pulse &p : pulses)
        out << QString("%1 %2 %3 x%4")
                   .arg(sourceName(p), QString::fromStdString(p.verb),
                        QString::fromStdString(p.resource))
                   .arg(p.count);
    return out.join("; ");
}

apps::ReplicaSet replicaSet(const std::string &name, int replicas,
                            const std::string &deploymentUid = "")
{
    apps::ReplicaSet rs;
    rs.mutable_metadata()->set_namespace_("default");
    rs.mutable_metadata()->set_name(name);
    if (!deploymentUid.empty()) {
        meta::OwnerReference *ref = rs.mutable_metadata()->add_owner_references();
        ref->set_api_version("apps/v1");
        ref->set_kind("Deployment");
        ref->set_name("web");
        ref->set_uid(deploymentUid);
        ref->set_controller(true);
    }
    rs.mutable_spec()->set_replicas(replicas);
    (*rs.mutable_spec()->mutable_selector()->mutable_match_labels())["app"] = name;
    (*rs.mutable_spec()->mutable_template_()->mutable_metadata()->mutable_labels())["app"] = name;
    core::Container *c = rs.mutable_spec()->mutable_template_()->mutable_spec()->add_containers();
    c->set_name("main");
    c->set_image("nginx");
    return rs;
}

core::Pod ownedPod(const std::string &name, const std::string &node,
                   const std::shared_ptr<const apps::ReplicaSet> &rs)
{
    core::Pod p = pod("default", name, node, {{"app", rs->metadata().name()}});
    setOwner(p, "ReplicaSet", rs->metadata().name(), rs->metadata().uid());
    return p;
}

void bind(client::Client &c, const std::string &name, const std::string &node)
{
    core::Binding b;
    b.mutable_metadata()->set_name(name);
    b.mutable_metadata()->set_namespace_("default");
    b.mutable_target()->set_kind("Node");
    b.mutable_target()->set_name(node);
    Result<client::ObjectPtr> r =
        c.createSubresource(kindOf(core::Pod::descriptor()), "default", name, "binding", b);
    if (!r)
        qFatal("bind %s: %s", name.c_str(), r.status().message().c_str());
}

void createLease(client::Client &c, const std::string &ns, const std::string &name)
{
    coordination::Lease l;
    l.mutable_metadata()->set_namespace_(ns);
    l.mutable_metadata()->set_name(name);
    l.mutable_spec()->set_holder_identity(name);
    l.mutable_spec()->set_lease_duration_seconds(40);
    create(c, l);
}

// Renews a Lease: a new renewTime (distinct even at one clock time).
void renewLease(TestCluster &c, const std::string &ns, const std::string &name)
{
    static int32_t nanos = 0;
    auto cur = c.get<coordination::Lease>(ns, name);
    if (!cur)
        qFatal("lease %s/%s missing", ns.c_str(), name.c_str());
    coordination::Lease l = *cur;
    l.mutable_spec()->mutable_renew_time()->set_seconds(c.clock.nowSeconds());
    l.mutable_spec()->mutable_renew_time()->set_nanos(++nanos);
    Result<client::ObjectPtr> r =
        c.admin().update(kindOf(coordination::Lease::descriptor()), ns, l);
    if (!r)
        qFatal("renew %s: %s", name.c_str(), r.status().message().c_str());
}

void scaleReplicaSet(TestCluster &c, const std::string &name, int replicas)
{
    auto cur = c.get<apps::ReplicaSet>("default", name);
    apps::ReplicaSet rs = *cur;
    rs.mutable_spec()->set_replicas(replicas);
    Result<client::ObjectPtr> r =
        c.admin().update(kindOf(apps::ReplicaSet::descriptor()), "default", rs);
    if (!r)
        qFatal("scale %s: %s", name.c_str(), r.status().message().c_str());
}

core::Event makeEvent(const std::string &name, const std::string &component,
                      const std::string &host)
{
    core::Event e;
    e.mutable_metadata()->set_namespace_("default");
    e.mutable_metadata()->set_name(name);
    e.mutable_involved_object()->set_kind("Pod");
    e.mutable_involved_object()->set_namespace_("default");
    e.mutable_involved_object()->set_name("p");
    e.set_reason("Pulled");
    e.set_type("Normal");
    e.set_count(1);
    e.mutable_source()->set_component(component);
    e.mutable_source()->set_host(host);
    return e;
}

// A model and its WatchActivity over a TestCluster, and a way to do one
// write and read the pulses of the frame that shows it.
struct Fixture
{
    TestCluster c;
    std::unique_ptr<client::Client> cl = c.client("kubist-gui");
    ClusterModel model{*cl, c.clock};
    WatchActivity activity{model, c.clock};
    QSignalSpy changed{&model, &ClusterModel::changed};
    QSignalSpy pulses{&activity, &WatchActivity::pulses};

    bool start()
    {
        model.start();
        return c.settle() && QTest::qWaitFor([this] { return model.hasSynced(); }, 10000);
    }

    // Does `write`, waits for the model's next frame and returns the pulses
    // it brought, summarised ("" for none); "<...>" when no frame came, or
    // more than one frame or emission came for it.
    QString frame(const std::function<void()> &write)
    {
        const qsizetype seenChanged = changed.count();
        const qsizetype seenPulses = pulses.count();
        write();
        if (!c.settle())
            return "<not settled>";
        if (!QTest::qWaitFor([&] { return changed.count() > seenChanged; }, 10000))
            return "<no frame>";
        if (changed.count() != seenChanged + 1)
            return QString("<%1 frames>").arg(changed.count() - seenChanged);
        if (pulses.count() == seenPulses)
            return QString();
        if (pulses.count() != seenPulses + 1)
            return QString("<%1 emissions>").arg(pulses.count() - seenPulses);
        const auto out = pulses.at(seenPulses).at(0).value<std::vector<Pulse>>();
        for (const Pulse &p : out)
            if (!p.touchedStore || p.failed || p.count < 1)
                return QString("bad pulse: ") + summary({p});
        return summary(out);
    }
};

} // namespace

class TestWatchActivity : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        qRegisterMetaType<kubist::model::ClusterDelta>();
        qRegisterMetaType<std::vector<kubist::model::Pulse>>();
    }

    void initialListIsNotActivity()
    {
        Fixture f;
        createDemoTopology(f.c);
        createLease(f.c.admin(), "kube-node-lease", "worker-1");
        QVERIFY(!f.activity.isActive());
        QVERIFY(f.start());
        QVERIFY(f.activity.isActive());
        QVERIFY(f.changed.count() > 0);
        QCOMPARE(f.pulses.count(), 0);
    }

    void replicaSetPodIsCreatedBoundAndRun()
    {
        Fixture f;
        create(f.c.admin(), node("worker-1"));
        create(f.c.admin(), node("worker-2"));
        const auto rs = create(f.c.admin(), replicaSet("web", 1));
        QVERIFY(f.start());

        QString got = f.frame([&] { create(f.c.admin(), ownedPod("web-a", "", rs)); });
        QCOMPARE(got, QString("controller-manager create pods x1"));

        got = f.frame([&] { bind(f.c.admin(), "web-a", "worker-2"); });
        QCOMPARE(got, QString("scheduler create pods/binding x1"));

        got = f.frame([&] { setPodStatus(f.c.admin(), "default", "web-a", "Running", true); });
        QCOMPARE(got, QString("kubelet@worker-2 patch pods/status x1"));

        got = f.frame([&] {
            setPodStatus(f.c.admin(), "default", "web-a", "Running", false, 1, "CrashLoopBackOff");
        });
        QCOMPARE(got, QString("kubelet@worker-2 patch pods/status x1"));

        // A label change is nobody's inferred work.
        got = f.frame([&] {
            core::Pod p = *f.c.get<core::Pod>("default", "web-a");
            (*p.mutable_metadata()->mutable_labels())["touched"] = "yes";
            QVERIFY(f.c.admin().update(kindOf(core::Pod::descriptor()), "default", p).isOk());
        });
        QCOMPARE(got, QString());
    }

    void podsOfOneFrameMergePerEdge()
    {
        Fixture f;
        create(f.c.admin(), node("worker-1"));
        const auto rs = create(f.c.admin(), replicaSet("web", 3));
        QVERIFY(f.start());
        const QString got = f.frame([&] {
            for (const char *name : {"web-a", "web-b", "web-c"})
                create(f.c.admin(), ownedPod(name, "", rs));
            create(f.c.admin(), pod("default", "bare", "")); // a user's pod: no pulse
        });
        QCOMPARE(got, QString("controller-manager create pods x3"));

        const QString bound = f.frame([&] {
            for (const char *name : {"web-a", "web-b", "web-c", "bare"})
                bind(f.c.admin(), name, "worker-1");
        });
        QCOMPARE(bound, QString("scheduler create pods/binding x4"));
    }

    void createdAndBoundInOneFrameIsStillABinding()
    {
        Fixture f;
        create(f.c.admin(), node("worker-1"));
        const auto rs = create(f.c.admin(), replicaSet("web", 1));
        QVERIFY(f.start());
        const QString got = f.frame([&] {
            create(f.c.admin(), ownedPod("web-a", "", rs));
            bind(f.c.admin(), "web-a", "worker-1");
        });
        QCOMPARE(got,
                 QString("controller-manager create pods x1; scheduler create pods/binding x1"));

        // A pod created with its node already set was never scheduled.
        const QString direct =
            f.frame([&] { create(f.c.admin(), pod("default", "pinned", "worker-1")); });
        QCOMPARE(direct, QString());
    }

    void deploymentsReplicaSetIsTheControllerManagers()
    {
        Fixture f;
        apps::Deployment d;
        d.mutable_metadata()->set_namespace_("default");
        d.mutable_metadata()->set_name("web");
        d.mutable_spec()->set_replicas(1);
        (*d.mutable_spec()->mutable_selector()->mutable_match_labels())["app"] = "web";
        (*d.mutable_spec()->mutable_template_()->mutable_metadata()->mutable_labels())["app"] =
            "web";
        core::Container *ct =
            d.mutable_spec()->mutable_template_()->mutable_spec()->add_containers();
        ct->set_name("main");
        ct->set_image("nginx");
        const auto dep = create(f.c.admin(), d);
        QVERIFY(f.start());

        QString got = f.frame(
            [&] { create(f.c.admin(), replicaSet("web-5d4f8", 1, dep->metadata().uid())); });
        QCOMPARE(got, QString("controller-manager create replicasets x1"));

        got = f.frame([&] { scaleReplicaSet(f.c, "web-5d4f8", 3); });
        QCOMPARE(got, QString("controller-manager update replicasets x1"));

        // A ReplicaSet of nobody's, scaled: the user's doing, no pulse.
        got = f.frame([&] { create(f.c.admin(), replicaSet("solo", 1)); });
        QCOMPARE(got, QString());
        got = f.frame([&] { scaleReplicaSet(f.c, "solo", 2); });
        QCOMPARE(got, QString());
    }

    void scaleDownDeletionsAreTheControllerManagers()
    {
        Fixture f;
        create(f.c.admin(), node("worker-1"));
        const auto rs = create(f.c.admin(), replicaSet("web", 2));
        for (const char *name : {"web-a", "web-b"}) {
            create(f.c.admin(), ownedPod(name, "worker-1", rs));
            setPodStatus(f.c.admin(), "default", name, "Running", true);
        }
        QVERIFY(f.start());

        // A user deleting a pod the ReplicaSet still wants: not inferred.
        QString got = f.frame([&] {
            QVERIFY(f.c.admin().remove(kindOf(core::Pod::descriptor()), "default", "web-b").isOk());
        });
        QCOMPARE(got, QString());
        // The kubelet's final DELETE of the terminating pod.
        got = f.frame(
            [&] { removeObject(f.c.admin(), core::Pod::descriptor(), "default", "web-b"); });
        QCOMPARE(got, QString("kubelet@worker-1 delete pods x1"));

        create(f.c.admin(), ownedPod("web-c", "worker-1", rs));
        QVERIFY(f.c.settle());
        QVERIFY(QTest::qWaitFor(
            [&] { return f.model.object(ObjectKind::Pod, "default/web-c") != nullptr; }, 10000));

        got = f.frame([&] { scaleReplicaSet(f.c, "web", 1); });
        QCOMPARE(got, QString());
        // Now the ReplicaSet's own deletion of its surplus pod.
        got = f.frame([&] {
            QVERIFY(f.c.admin().remove(kindOf(core::Pod::descriptor()), "default", "web-c").isOk());
        });
        QCOMPARE(got, QString("controller-manager delete pods x1"));

        // Long after the scale-down, a deletion is not read as its.
        QVERIFY(f.c.run(std::chrono::seconds(60)));
        got = f.frame([&] {
            QVERIFY(f.c.admin().remove(kindOf(core::Pod::descriptor()), "default", "web-a").isOk());
        });
        QCOMPARE(got, QString());
    }

    void nodeHeartbeatsCoalescePerNode()
    {
        Fixture f;
        for (const char *n : {"worker-1", "worker-2"}) {
            create(f.c.admin(), node(n));
            createLease(f.c.admin(), "kube-node-lease", n);
        }
        QVERIFY(f.start());

        QString got = f.frame([&] { renewLease(f.c, "kube-node-lease", "worker-1"); });
        QCOMPARE(got, QString("kubelet@worker-1 update leases x1"));
        // Within the second: no second pulse for worker-1, by lease or status.
        got = f.frame([&] { renewLease(f.c, "kube-node-lease", "worker-1"); });
        QCOMPARE(got, QString());
        got = f.frame([&] { setNodeReady(f.c.admin(), "worker-1", "False"); });
        QCOMPARE(got, QString());
        // Another node is not held back by it.
        got = f.frame([&] { renewLease(f.c, "kube-node-lease", "worker-2"); });
        QCOMPARE(got, QString("kubelet@worker-2 update leases x1"));

        f.c.clock.advance(std::chrono::seconds(1));
        got = f.frame([&] {
            renewLease(f.c, "kube-node-lease", "worker-1");
            renewLease(f.c, "kube-node-lease", "worker-2");
        });
        QCOMPARE(got,
                 QString("kubelet@worker-1 update leases x1; kubelet@worker-2 update leases x1"));

        f.c.clock.advance(std::chrono::seconds(1));
        got = f.frame([&] { setNodeReady(f.c.admin(), "worker-2", "False"); });
        QCOMPARE(got, QString("kubelet@worker-2 patch nodes/status x1"));
    }

    void nodeGoingUnknownIsTheNodeLifecycleControllers()
    {
        Fixture f;
        create(f.c.admin(), node("worker-1"));
        create(f.c.admin(), pod("default", "p", "worker-1"));
        setPodStatus(f.c.admin(), "default", "p", "Running", true);
        QVERIFY(f.start());

        QString got = f.frame([&] { setNodeReady(f.c.admin(), "worker-1", "Unknown"); });
        QCOMPARE(got, QString("controller-manager update nodes/status x1"));
        // The kubelet is gone: the pod marked not ready is not its doing.
        got = f.frame([&] { setPodStatus(f.c.admin(), "default", "p", "Running", false); });
        QCOMPARE(got, QString("controller-manager update pods/status x1"));
    }

    void leaderLeaseRenewalsPulseTheirPart_data()
    {
        QTest::addColumn<QString>("ns");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("pulses");
        QTest::newRow("scheduler's leader lease") << "kube-system"
                                                  << "kube-scheduler"
                                                  << "scheduler update leases x1";
        QTest::newRow("controller manager's leader lease") << "kube-system"
                                                           << "kube-controller-manager"
                                                           << "controller-manager update leases x1";
        QTest::newRow("another lease in kube-system is nobody's") << "kube-system"
                                                                  << "cert-manager"
                                                                  << "";
        QTest::newRow("a node lease is its kubelet's") << "kube-node-lease"
                                                       << "worker-1"
                                                       << "kubelet@worker-1 update leases x1";
    }
    void leaderLeaseRenewalsPulseTheirPart()
    {
        QFETCH(QString, ns);
        QFETCH(QString, name);
        QFETCH(QString, pulses);
        Fixture f;
        createLease(f.c.admin(), ns.toStdString(), name.toStdString());
        QVERIFY(f.start());
        const QString got = f.frame([&] { renewLease(f.c, ns.toStdString(), name.toStdString()); });
        QCOMPARE(got, pulses);
    }

    void eventsPulseTheirReporter_data()
    {
        QTest::addColumn<QString>("component");
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("pulses");
        QTest::newRow("the default scheduler's event") << "default-scheduler"
                                                       << ""
                                                       << "scheduler create events x1";
        QTest::newRow("a kubelet's event is its node's") << "kubelet"
                                                         << "worker-3"
                                                         << "kubelet@worker-3 create events x1";
        QTest::newRow("a kubelet's event without a host is not drawn") << "kubelet"
                                                                       << ""
                                                                       << "";
        QTest::newRow("replicaset controller's event") << "replicaset-controller"
                                                       << ""
                                                       << "controller-manager create events x1";
        QTest::newRow("deployment controller's event") << "deployment-controller"
                                                       << ""
                                                       << "controller-manager create events x1";
        QTest::newRow("node controller's event") << "node-controller"
                                                 << ""
                                                 << "controller-manager create events x1";
        QTest::newRow("an unknown reporter's event is not drawn") << "my-operator"
                                                                  << ""
                                                                  << "";
    }
    void eventsPulseTheirReporter()
    {
        QFETCH(QString, component);
        QFETCH(QString, host);
        QFETCH(QString, pulses);
        Fixture f;
        QVERIFY(f.start());
        const QString got = f.frame([&] {
            create(f.c.admin(), makeEvent("e1", component.toStdString(), host.toStdString()));
        });
        QCOMPARE(got, pulses);
    }

    void repeatedEventIsAPatch()
    {
        Fixture f;
        create(f.c.admin(), makeEvent("e1", "kubelet", "worker-1"));
        QVERIFY(f.start());
        const QString got = f.frame([&] {
            core::Event e = *f.c.get<core::Event>("default", "e1");
            e.set_count(2);
            QVERIFY(f.c.admin().update(kindOf(core::Event::descriptor()), "default", e).isOk());
        });
        QCOMPARE(got, QString("kubelet@worker-1 patch events x1"));
    }

    void reportingControllerNamesTheEdgeWhenSourceIsEmpty()
    {
        Fixture f;
        QVERIFY(f.start());
        const QString got = f.frame([&] {
            core::Event e = makeEvent("e2", "", "");
            e.set_reporting_component("job-controller");
            create(f.c.admin(), e);
        });
        QCOMPARE(got, QString("controller-manager create events x1"));
    }

    void endpointsOfASelectingServiceAreTheControllerManagers()
    {
        Fixture f;
        create(f.c.admin(), service("default", "web", {{"app", "web"}}));
        core::Service manual;
        manual.mutable_metadata()->set_namespace_("default");
        manual.mutable_metadata()->set_name("external");
        manual.mutable_spec()->add_ports()->set_port(80);
        create(f.c.admin(), manual);
        QVERIFY(f.start());
        QString got = f.frame([&] { create(f.c.admin(), endpoints("default", "web", {"web-a"})); });
        QCOMPARE(got, QString("controller-manager create endpoints x1"));
        got = f.frame([&] { create(f.c.admin(), endpoints("default", "external", {"x"})); });
        QCOMPARE(got, QString());
    }

    void componentPulseClassifies_data()
    {
        QTest::addColumn<QString>("component");
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("edge");
        QTest::newRow("default-scheduler") << "default-scheduler"
                                           << ""
                                           << "scheduler";
        QTest::newRow("kubelet with host") << "kubelet"
                                           << "n1"
                                           << "kubelet@n1";
        QTest::newRow("kubelet without host") << "kubelet"
                                              << ""
                                              << "";
        QTest::newRow("kube-controller-manager") << "kube-controller-manager"
                                                 << ""
                                                 << "controller-manager";
        QTest::newRow("endpoint-controller") << "endpoint-controller"
                                             << ""
                                             << "controller-manager";
        QTest::newRow("kubectl is not inferred") << "kubectl"
                                                 << ""
                                                 << "";
        QTest::newRow("empty component") << ""
                                         << "n1"
                                         << "";
    }
    void componentPulseClassifies()
    {
        QFETCH(QString, component);
        QFETCH(QString, host);
        QFETCH(QString, edge);
        const std::optional<Pulse> p =
            WatchActivity::componentPulse(component.toStdString(), host.toStdString());
        QCOMPARE(p ? sourceName(*p) : QString(), edge);
    }
};

QTEST_GUILESS_MAIN(TestWatchActivity)
#include "tst_watchactivity.moc"
