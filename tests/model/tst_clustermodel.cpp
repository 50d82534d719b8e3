// ClusterModel over a real API server (TestCluster): the informers' view
// reaches the GUI thread in frames, derived views (pods by node, owners,
// the master's parts, events) read as on a real cluster, deltas collapse
// within a frame, and a relist after a missed deletion removes the ghost.

#include "tests/model/clusterfixtures.h"

#include "model/clustermodel.h"
#include "model/podstatus.h"

#include "backend/client/objectkey.h"

#include <QSignalSpy>
#include <QTest>

#include <atomic>
#include <mutex>

using namespace kubist;
using namespace kubist::testing;
using namespace kubist::testing::fixtures;
using model::ClusterModel;
using model::MasterComponent;
using model::ObjectKind;

namespace {

// Forwards to another client; can hold back watch events and then end
// every watch with 410 Gone, so the informers relist.
class GateClient final : public client::Client
{
public:
    explicit GateClient(client::Client &inner)
        : m_inner(inner)
    {}

    std::atomic<bool> holdEvents{false};

    // Ends every open watch with a Compacted error (as a 410 would).
    void expireWatches()
    {
        std::vector<std::shared_ptr<Stream>> streams;
        {
            std::lock_guard lock(m_mutex);
            streams = m_streams;
            m_streams.clear();
        }
        for (const auto &s : streams) {
            std::lock_guard lock(s->mutex);
            if (s->ended)
                continue;
            s->ended = true;
            client::WatchEvent e;
            e.type = client::WatchEvent::Type::Error;
            e.error = Status(Status::Code::Compacted, "too old resource version");
            s->callbacks.onEvent(e);
        }
    }

    Result<client::ObjectPtr> get(const api::KindInfo &k, const std::string &ns,
                                  const std::string &name, const client::GetOptions &o) override
    {
        return m_inner.get(k, ns, name, o);
    }
    Result<client::ListResult> list(const api::KindInfo &k, const std::string &ns,
                                    const client::ListOptions &o) override
    {
        return m_inner.list(k, ns, o);
    }
    Result<std::unique_ptr<client::WatchHandle>> watch(const api::KindInfo &k,
                                                       const std::string &ns,
                                                       const client::WatchOptions &o,
                                                       client::WatchCallbacks c) override
    {
        auto stream = std::make_shared<Stream>();
        stream->callbacks = std::move(c);
        client::WatchCallbacks mine;
        mine.onEvent = [this, stream](client::WatchEvent e) {
            std::lock_guard lock(stream->mutex);
            if (stream->ended || holdEvents.load())
                return;
            stream->callbacks.onEvent(std::move(e));
        };
        mine.onClosed = [stream] {
            std::lock_guard lock(stream->mutex);
            if (!stream->ended && stream->callbacks.onClosed)
                stream->callbacks.onClosed();
        };
        Result<std::unique_ptr<client::WatchHandle>> r = m_inner.watch(k, ns, o, std::move(mine));
        if (r) {
            std::lock_guard lock(m_mutex);
            m_streams.push_back(stream);
        }
        return r;
    }
    Result<client::ObjectPtr> create(const api::KindInfo &k, const std::string &ns,
                                     const google::protobuf::Message &m,
                                     const client::WriteOptions &o) override
    {
        return m_inner.create(k, ns, m, o);
    }
    Result<client::ObjectPtr> update(const api::KindInfo &k, const std::string &ns,
                                     const google::protobuf::Message &m,
                                     const client::WriteOptions &o) override
    {
        return m_inner.update(k, ns, m, o);
    }
    Result<client::ObjectPtr> patch(const api::KindInfo &k, const std::string &ns,
                                    const std::string &name, client::PatchType t,
                                    const std::string &p, const client::WriteOptions &o) override
    {
        return m_inner.patch(k, ns, name, t, p, o);
    }
    Result<client::ObjectPtr> remove(const api::KindInfo &k, const std::string &ns,
                                     const std::string &name,
                                     const client::DeleteOptions &o) override
    {
        return m_inner.remove(k, ns, name, o);
    }
    Result<client::ObjectPtr> createSubresource(const api::KindInfo &k, const std::string &ns,
                                                const std::string &name, const std::string &sub,
                                                const google::protobuf::Message &body) override
    {
        return m_inner.createSubresource(k, ns, name, sub, body);
    }
    Result<std::string> podLog(const std::string &ns, const std::string &name,
                               const client::LogOptions &o) override
    {
        return m_inner.podLog(ns, name, o);
    }

private:
    struct Stream
    {
        std::mutex mutex; // serializes deliveries and the injected end
        bool ended = false;
        client::WatchCallbacks callbacks;
    };
    client::Client &m_inner;
    std::mutex m_mutex;
    std::vector<std::shared_ptr<Stream>> m_streams;
};

std::string podNode(const ClusterModel &m, const std::string &key)
{
    auto p = m.get<core::Pod>(ObjectKind::Pod, key);
    return p ? p->spec().node_name() : "<none>";
}

} // namespace

class TestClusterModel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { qRegisterMetaType<kubist::model::ClusterDelta>(); }

    void syncsInitialStateAndSignalsSynced()
    {
        TestCluster c;
        createDemoTopology(c);
        auto cl = c.client("kubist-gui");
        ClusterModel m(*cl, c.clock);
        QSignalSpy synced(&m, &ClusterModel::synced);
        m.start();
        QVERIFY(c.settle());
        QTRY_VERIFY_WITH_TIMEOUT(m.hasSynced(), 10000);
        QCOMPARE(synced.count(), 1);
        QCOMPARE(m.nodeNames(),
                 (std::vector<std::string>{"master", "worker-1", "worker-2", "worker-3"}));
        QCOMPARE(m.controlPlaneNode(), std::string("master"));
        QCOMPARE(m.podsOnNode("worker-2"), std::vector<std::string>{"default/web-5d4f8-b"});
        QCOMPARE(m.podsOnNode("master").size(), size_t(4));
        QVERIFY(m.unscheduledPods().empty());
        QVERIFY(m.object(ObjectKind::Endpoints, "default/web"));
        m.stop();
    }

    void syncsEmptyCluster()
    {
        TestCluster c;
        auto cl = c.client("kubist-gui");
        ClusterModel m(*cl, c.clock);
        QSignalSpy synced(&m, &ClusterModel::synced);
        m.start();
        QVERIFY(c.settle());
        QTRY_COMPARE_WITH_TIMEOUT(synced.count(), 1, 10000);
        QVERIFY(m.nodeNames().empty());
    }

    void ownerResolvesThroughReplicaSet_data()
    {
        QTest::addColumn<QString>("pod");
        QTest::addColumn<QString>("ownerId");
        QTest::newRow("pod of a deployment's replica set is the deployment's")
            << "default/web-5d4f8-a"
            << "Deployment/default/web";
        QTest::newRow("bare replica set pod is the replica set's") << "default/solo-x"
                                                                   << "ReplicaSet/default/solo";
        QTest::newRow("pod without owner has none") << "default/bare"
                                                    << "";
        QTest::newRow("mirror pod has none") << "kube-system/etcd-master"
                                             << "";
    }
    void ownerResolvesThroughReplicaSet()
    {
        QFETCH(QString, pod);
        QFETCH(QString, ownerId);
        TestCluster c;
        createDemoTopology(c);
        apps::ReplicaSet rs;
        rs.mutable_metadata()->set_namespace_("default");
        rs.mutable_metadata()->set_name("solo");
        (*rs.mutable_spec()->mutable_selector()->mutable_match_labels())["app"] = "solo";
        (*rs.mutable_spec()->mutable_template_()->mutable_metadata()->mutable_labels())["app"] =
            "solo";
        rs.mutable_spec()->mutable_template_()->mutable_spec()->add_containers()->set_name("c");
        rs.mutable_spec()->mutable_template_()->mutable_spec()->mutable_containers(0)->set_image(
            "x");
        const auto created = create(c.admin(), rs);
        core::Pod p = fixtures::pod("default", "solo-x", "worker-1", {{"app", "solo"}});
        setOwner(p, "ReplicaSet", "solo", created->metadata().uid());
        create(c.admin(), p);
        create(c.admin(), fixtures::pod("default", "bare", "worker-1"));

        auto cl = c.client("kubist-gui");
        ClusterModel m(*cl, c.clock);
        m.start();
        QVERIFY(c.settle());
        QTRY_VERIFY_WITH_TIMEOUT(m.hasSynced(), 10000);
        auto obj = m.get<core::Pod>(ObjectKind::Pod, pod.toStdString());
        QVERIFY(obj);
        const model::OwnerRef owner = m.ownerOf(*obj);
        QCOMPARE(QString::fromStdString(owner.empty() ? std::string() : owner.id()), ownerId);
        if (!owner.empty()) {
            const std::vector<std::string> owned = m.podsOwnedBy(owner);
            QCOMPARE(std::count(owned.begin(), owned.end(), pod.toStdString()), 1);
        }
    }

    void followsCreateUpdateDelete()
    {
        TestCluster c;
        create(c.admin(), node("worker-1"));
        create(c.admin(), node("worker-2"));
        auto cl = c.client("kubist-gui");
        ClusterModel m(*cl, c.clock);
        QSignalSpy changed(&m, &ClusterModel::changed);
        m.start();
        QVERIFY(c.settle());
        QTRY_VERIFY_WITH_TIMEOUT(m.hasSynced(), 10000);

        create(c.admin(), fixtures::pod("default", "p", ""));
        QVERIFY(c.settle());
        QTRY_VERIFY_WITH_TIMEOUT(m.object(ObjectKind::Pod, "default/p"), 5000);
        QCOMPARE(m.unscheduledPods(), std::vector<std::string>{"default/p"});

        // Bound by a scheduler (pods/binding), then running.
        core::Binding b;
        b.mutable_metadata()->set_name("p");
        b.mutable_metadata()->set_namespace_("default");
        b.mutable_target()->set_kind("Node");
        b.mutable_target()->set_name("worker-2");
        QVERIFY(
            c.admin()
                .createSubresource(kindOf(core::Pod::descriptor()), "default", "p", "binding", b)
                .isOk());
        QVERIFY(c.settle());
        QTRY_COMPARE_WITH_TIMEOUT(podNode(m, "default/p"), std::string("worker-2"), 5000);
        QCOMPARE(m.podsOnNode("worker-2"), std::vector<std::string>{"default/p"});
        QVERIFY(m.unscheduledPods().empty());

        setNodeReady(c.admin(), "worker-1", "False");
        QVERIFY(c.settle());
        QTRY_COMPARE_WITH_TIMEOUT(
            model::nodeHealth(*m.get<core::Node>(ObjectKind::Node, "worker-1")),
            model::NodeHealth::NotReady, 5000);

        removeObject(c.admin(), core::Pod::descriptor(), "default", "p");
        QVERIFY(c.settle());
        QTRY_VERIFY_WITH_TIMEOUT(!m.object(ObjectKind::Pod, "default/p"), 5000);
        QVERIFY(m.podsOnNode("worker-2").empty());

        // Every delivered change says what it was before and after.
        bool sawRemoval = false;
        for (const QList<QVariant> &args : changed) {
            const auto delta = args.at(0).value<kubist::model::ClusterDelta>();
            QVERIFY(!delta.changes.empty());
            for (const model::ObjectChange &ch : delta.changes) {
                QVERIFY(ch.before || ch.after);
                if (ch.kind == ObjectKind::Pod && ch.key == "default/p" && ch.removed())
                    sawRemoval = true;
            }
        }
        QVERIFY(sawRemoval);
    }

    void changesWithinAFrameCollapse()
    {
        TestCluster c;
        auto cl = c.client("kubist-gui");
        ClusterModel m(*cl, c.clock);
        m.start();
        QVERIFY(c.settle());
        QTRY_VERIFY_WITH_TIMEOUT(m.hasSynced(), 10000);
        QSignalSpy changed(&m, &ClusterModel::changed);
        // No event loop runs between these writes, so the GUI thread sees
        // them in one frame: the pod that came and went is not reported.
        create(c.admin(), fixtures::pod("default", "brief", "x"));
        create(c.admin(), fixtures::pod("default", "stays", "x"));
        removeObject(c.admin(), core::Pod::descriptor(), "default", "brief");
        QVERIFY(c.settle());
        QTRY_VERIFY_WITH_TIMEOUT(m.object(ObjectKind::Pod, "default/stays"), 5000);
        QCOMPARE(changed.count(), 1);
        const auto delta = changed.at(0).at(0).value<kubist::model::ClusterDelta>();
        QCOMPARE(delta.changes.size(), size_t(1));
        QCOMPARE(delta.changes[0].key, std::string("default/stays"));
        QVERIFY(delta.changes[0].added());
    }

    void masterComponentsReadFromMirrorPodsAndLeases_data()
    {
        QTest::addColumn<bool>("running");
        QTest::addColumn<int>("state");
        QTest::newRow("running mirror pods show Running")
            << true << int(MasterComponent::State::Running);
        QTest::newRow("not ready mirror pods show Stopped")
            << false << int(MasterComponent::State::Stopped);
    }
    void masterComponentsReadFromMirrorPodsAndLeases()
    {
        QFETCH(bool, running);
        QFETCH(int, state);
        TestCluster c;
        create(c.admin(), node("master", true));
        createMirrorPods(c, "master", running);
        k8s::io::api::coordination::v1::Lease lease;
        lease.mutable_metadata()->set_namespace_("kube-system");
        lease.mutable_metadata()->set_name("kube-scheduler");
        lease.mutable_spec()->set_holder_identity("kube-scheduler-master_1");
        create(c.admin(), lease);

        auto cl = c.client("kubist-gui");
        ClusterModel m(*cl, c.clock);
        m.start();
        QVERIFY(c.settle());
        QTRY_VERIFY_WITH_TIMEOUT(m.hasSynced(), 10000);
        const std::vector<MasterComponent> parts = m.masterComponents();
        QCOMPARE(parts.size(), size_t(4));
        for (const MasterComponent &p : parts) {
            QCOMPARE(int(p.state), state);
            QCOMPARE(p.node, std::string("master"));
            QVERIFY(p.podKey.starts_with("kube-system/"));
        }
        QCOMPARE(parts[3].part, MasterComponent::Part::Scheduler);
        QCOMPARE(parts[3].leader, std::string("kube-scheduler-master_1"));
        QCOMPARE(parts[2].leader, std::string());
    }

    void missingMirrorPodsAreUnknown()
    {
        TestCluster c;
        auto cl = c.client("kubist-gui");
        ClusterModel m(*cl, c.clock);
        m.start();
        QVERIFY(c.settle());
        QTRY_VERIFY_WITH_TIMEOUT(m.hasSynced(), 10000);
        for (const MasterComponent &p : m.masterComponents())
            QCOMPARE(p.state, MasterComponent::State::Unknown);
        QCOMPARE(m.controlPlaneNode(), std::string());
    }

    void relistRemovesWhatTheWatchMissed()
    {
        TestCluster c;
        create(c.admin(), node("worker-1"));
        create(c.admin(), fixtures::pod("default", "ghost", "worker-1"));
        auto inner = c.client("kubist-gui");
        GateClient gate(*inner);
        ClusterModel m(gate, c.clock);
        m.start();
        QVERIFY(c.settle());
        QTRY_VERIFY_WITH_TIMEOUT(m.hasSynced(), 10000);
        QVERIFY(m.object(ObjectKind::Pod, "default/ghost"));

        gate.holdEvents = true; // the deletion never arrives by watch
        removeObject(c.admin(), core::Pod::descriptor(), "default", "ghost");
        create(c.admin(), fixtures::pod("default", "fresh", "worker-1"));
        QVERIFY(c.settle());
        QCoreApplication::processEvents();
        QVERIFY(m.object(ObjectKind::Pod, "default/ghost"));

        gate.holdEvents = false;
        gate.expireWatches(); // 410: the informers relist
        QVERIFY(c.settle());
        QTRY_VERIFY_WITH_TIMEOUT(!m.object(ObjectKind::Pod, "default/ghost"), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(m.object(ObjectKind::Pod, "default/fresh"), 5000);
        QCOMPARE(m.podsOnNode("worker-1"), std::vector<std::string>{"default/fresh"});
        m.stop();
    }

    void eventsAboutAnObjectNewestFirst()
    {
        TestCluster c;
        const auto event = [&](const std::string &name, const std::string &reason, int64_t t) {
            core::Event e;
            e.mutable_metadata()->set_namespace_("default");
            e.mutable_metadata()->set_name(name);
            e.mutable_involved_object()->set_kind("Pod");
            e.mutable_involved_object()->set_namespace_("default");
            e.mutable_involved_object()->set_name("p");
            e.set_reason(reason);
            e.set_type("Normal");
            e.mutable_last_timestamp()->set_seconds(t);
            create(c.admin(), e);
        };
        event("e1", "Scheduled", 100);
        event("e2", "Started", 300);
        event("e3", "Pulled", 200);
        auto cl = c.client("kubist-gui");
        ClusterModel m(*cl, c.clock);
        m.start();
        QVERIFY(c.settle());
        QTRY_VERIFY_WITH_TIMEOUT(m.hasSynced(), 10000);
        const auto events = m.eventsAbout("Pod", "default", "p");
        QCOMPARE(events.size(), size_t(3));
        QCOMPARE(static_cast<const core::Event &>(*events[0]).reason(), std::string("Started"));
        QCOMPARE(static_cast<const core::Event &>(*events[2]).reason(), std::string("Scheduled"));
        QCOMPARE(m.eventsAbout("Pod", "default", "p", 1).size(), size_t(1));
        QVERIFY(m.eventsAbout("Pod", "default", "other").empty());
    }
};

QTEST_GUILESS_MAIN(TestClusterModel)
#include "tst_clustermodel.moc"
