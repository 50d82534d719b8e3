// Informer against a real API server over a real store in a temporary
// directory, on a FakeClock: the initial list, the handlers, the indexes,
// relist after 410, backoff through outages, convergence without ghosts,
// and stop() while events flow.

#include "backend/apiserver/apiserver.h"
#include "backend/client/informer.h"
#include "backend/client/objectkey.h"
#include "backend/store/store.h"

#include "core_v1.pb.h"
#include "meta_v1.pb.h"

#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <mutex>
#include <random>
#include <thread>

using namespace kubist;
using namespace kubist::client;
using namespace std::chrono_literals;
namespace core = k8s::io::api::core::v1;

Q_DECLARE_METATYPE(std::vector<std::string>)

namespace {

const api::KindInfo &kindOf(const char *resource)
{
    return *api::Scheme::builtin().byResource("", resource);
}

// Forwards to another client, counting lists and watches; can fail lists.
class CountingClient final : public Client
{
public:
    explicit CountingClient(Client &inner)
        : m_inner(inner)
    {}

    std::atomic<int> lists{0};
    std::atomic<int> watches{0};
    std::atomic<int> failNextLists{0};

    Result<ObjectPtr> get(const api::KindInfo &k, const std::string &ns, const std::string &name,
                          const GetOptions &o) override
    {
        return m_inner.get(k, ns, name, o);
    }
    Result<ListResult> list(const api::KindInfo &k, const std::string &ns,
                            const ListOptions &o) override
    {
        ++lists;
        if (failNextLists > 0) {
            --failNextLists;
            return Status::unavailable("injected list failure");
        }
        return m_inner.list(k, ns, o);
    }
    Result<std::unique_ptr<WatchHandle>> watch(const api::KindInfo &k, const std::string &ns,
                                               const WatchOptions &o, WatchCallbacks c) override
    {
        ++watches;
        return m_inner.watch(k, ns, o, std::move(c));
    }
    Result<ObjectPtr> create(const api::KindInfo &k, const std::string &ns,
                             const google::protobuf::Message &m, const WriteOptions &o) override
    {
        return m_inner.create(k, ns, m, o);
    }
    Result<ObjectPtr> update(const api::KindInfo &k, const std::string &ns,
                             const google::protobuf::Message &m, const WriteOptions &o) override
    {
        return m_inner.update(k, ns, m, o);
    }
    Result<ObjectPtr> patch(const api::KindInfo &k, const std::string &ns, const std::string &name,
                            PatchType t, const std::string &p, const WriteOptions &o) override
    {
        return m_inner.patch(k, ns, name, t, p, o);
    }
    Result<ObjectPtr> remove(const api::KindInfo &k, const std::string &ns, const std::string &name,
                             const DeleteOptions &o) override
    {
        return m_inner.remove(k, ns, name, o);
    }
    Result<ObjectPtr> createSubresource(const api::KindInfo &k, const std::string &ns,
                                        const std::string &name, const std::string &sub,
                                        const google::protobuf::Message &body) override
    {
        return m_inner.createSubresource(k, ns, name, sub, body);
    }
    Result<std::string> podLog(const std::string &ns, const std::string &name,
                               const LogOptions &o) override
    {
        return m_inner.podLog(ns, name, o);
    }

private:
    Client &m_inner;
};

// What the handlers saw, as "add ns/name", "update ns/name", "delete ns/name".
struct Recorder
{
    std::mutex mutex;
    std::vector<std::string> log;
    std::vector<ObjectPtr> objects;

    Informer::Handlers handlers()
    {
        Informer::Handlers h;
        h.onAdd = [this](const ObjectPtr &o) { record("add", o); };
        h.onUpdate = [this](const ObjectPtr &old, const ObjectPtr &now) {
            if (objectKey(*old) != objectKey(*now))
                record("bad update", now);
            record("update", now);
        };
        h.onDelete = [this](const ObjectPtr &o) { record("delete", o); };
        return h;
    }
    void record(const char *what, const ObjectPtr &o)
    {
        std::lock_guard lock(mutex);
        log.push_back(std::string(what) + " " + objectKey(*o));
        objects.push_back(o);
    }
    std::vector<std::string> take()
    {
        std::lock_guard lock(mutex);
        objects.clear();
        return std::exchange(log, {});
    }
};

core::ConfigMap configMap(const std::string &name, const std::string &value = "v")
{
    core::ConfigMap cm;
    cm.mutable_metadata()->set_name(name);
    cm.mutable_metadata()->set_namespace_("default");
    (*cm.mutable_data())["k"] = value;
    return cm;
}

core::Pod pod(const std::string &ns, const std::string &name, const std::string &node,
              const std::string &ownerUid, bool controller)
{
    core::Pod p;
    p.mutable_metadata()->set_name(name);
    p.mutable_metadata()->set_namespace_(ns);
    if (!ownerUid.empty()) {
        auto *ref = p.mutable_metadata()->add_owner_references();
        ref->set_api_version("apps/v1");
        ref->set_kind("ReplicaSet");
        ref->set_name("owner-" + ownerUid);
        ref->set_uid(ownerUid);
        ref->set_controller(controller);
    }
    p.mutable_spec()->set_node_name(node);
    auto *c = p.mutable_spec()->add_containers();
    c->set_name("app");
    c->set_image("nginx:1.25");
    return p;
}

template<class T> void must(const Result<T> &r)
{
    if (!r)
        qFatal("unexpected failure: %s", r.status().toString().c_str());
}

std::vector<std::string> keysOf(const std::vector<ObjectPtr> &objects)
{
    std::vector<std::string> keys;
    for (const ObjectPtr &o : objects)
        keys.push_back(objectKey(*o));
    return keys;
}

std::string rvOf(const ObjectPtr &o)
{
    return objectMeta(*o).resource_version();
}

Informer::Options exactBackoff()
{
    Informer::Options o;
    o.jitter = 0;
    return o;
}

} // namespace

class TestInformer : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_round = 0;
    std::unique_ptr<store::Store> m_store;
    FakeClock m_clock;
    std::unique_ptr<apiserver::ApiServer> m_server;
    std::unique_ptr<Client> m_local;
    std::unique_ptr<Client> m_informerLocal;
    std::unique_ptr<CountingClient> m_client;

    const api::KindInfo &configMaps() { return kindOf("configmaps"); }

    void createConfigMap(const std::string &name, const std::string &value = "v")
    {
        must(m_local->create(configMaps(), "default", configMap(name, value), {}));
    }
    void updateConfigMap(const std::string &name, const std::string &value)
    {
        must(m_local->update(configMaps(), "default", configMap(name, value), {}));
    }
    void deleteConfigMap(const std::string &name)
    {
        must(m_local->remove(configMaps(), "default", name, {}));
    }

    // The cache's keys and resourceVersions equal the server's.
    bool matchesServer(const Informer &informer)
    {
        Result<ListResult> server = m_local->list(configMaps(), "", {});
        if (!server)
            return false;
        std::vector<ObjectPtr> cached = informer.indexer().list();
        if (cached.size() != server->items.size())
            return false;
        for (size_t i = 0; i < cached.size(); ++i)
            if (objectKey(*cached[i]) != objectKey(*server->items[i]) ||
                rvOf(cached[i]) != rvOf(server->items[i]))
                return false;
        return true;
    }

    // The delay of the one pending retry timer.
    Clock::Duration pendingDelay()
    {
        std::optional<Clock::Time> due = m_clock.nextTimerDue();
        return due ? *due - m_clock.now() : Clock::Duration(-1);
    }

private slots:
    void init()
    {
        store::StoreOptions o;
        o.compactionIntervalMs = 0;
        o.powerSafe = false;
        auto s =
            store::Store::open((m_dir.path() + "/" + QString::number(++m_round)).toStdString(), o);
        QVERIFY2(s.isOk(), s.status().message().c_str());
        m_store = std::move(*s);
        m_server = std::make_unique<apiserver::ApiServer>(*m_store, m_clock);
        QVERIFY(m_server->registry().bootstrap().isOk());
        m_local = m_server->localClient("tester");
        m_informerLocal = m_server->localClient("informer");
        m_client = std::make_unique<CountingClient>(*m_informerLocal);
    }

    void cleanup()
    {
        m_client.reset();
        m_informerLocal.reset();
        m_local.reset();
        m_server.reset();
        m_store.reset();
    }

    void listThenWatchCallsHandlers()
    {
        auto informerClient = m_server->localClient("informer");
        createConfigMap("a");
        createConfigMap("b");
        Recorder rec;
        Informer informer(*informerClient, configMaps(), m_clock);
        informer.addEventHandler(rec.handlers());
        QVERIFY(!informer.hasSynced());
        informer.start();
        QVERIFY(informer.waitForSync(5000ms));
        QVERIFY(m_clock.waitUntilIdle());
        QCOMPARE(rec.take(), (std::vector<std::string>{"add default/a", "add default/b"}));
        QVERIFY(!informer.lastSyncResourceVersion().empty());

        createConfigMap("c");
        updateConfigMap("a", "changed");
        deleteConfigMap("b");
        QTRY_VERIFY_WITH_TIMEOUT(matchesServer(informer), 5000);
        QVERIFY(m_clock.waitUntilIdle());
        {
            std::lock_guard lock(rec.mutex);
            QCOMPARE(rec.log, (std::vector<std::string>{"add default/c", "update default/a",
                                                        "delete default/b"}));
            // The cache holds the very objects the handlers were given.
            QCOMPARE(informer.indexer().get("default/c"), rec.objects[0]);
            QCOMPARE(informer.indexer().get("default/a"), rec.objects[1]);
            const auto &a = static_cast<const core::ConfigMap &>(*rec.objects[1]);
            QCOMPARE(a.data().at("k"), std::string("changed"));
        }
        QVERIFY(!informer.indexer().get("default/b"));
        QCOMPARE(informer.lastSyncResourceVersion(),
                 rvOf(rec.objects.empty() ? nullptr : rec.objects.back()));
    }

    void initialListIsPaged_data()
    {
        QTest::addColumn<int>("pageSize");
        QTest::addColumn<int>("lists");
        QTest::newRow("unpaginated") << 0 << 1;
        QTest::newRow("pages of two over five objects") << 2 << 3;
        QTest::newRow("one page holds everything") << 100 << 1;
    }

    void initialListIsPaged()
    {
        QFETCH(int, pageSize);
        QFETCH(int, lists);
        for (int i = 0; i < 5; ++i)
            createConfigMap("cm-" + std::to_string(i));
        Informer::Options o;
        o.pageSize = pageSize;
        Informer informer(*m_client, configMaps(), m_clock, o);
        informer.start();
        QVERIFY(informer.waitForSync(5000ms));
        QVERIFY(m_clock.waitUntilIdle());
        QCOMPARE(m_client->lists.load(), lists);
        QCOMPARE(informer.indexer().size(), size_t(5));
        QVERIFY(matchesServer(informer));
    }

    void indexes_data()
    {
        QTest::addColumn<QString>("index");
        QTest::addColumn<QString>("value");
        QTest::addColumn<std::vector<std::string>>("keys");
        QTest::newRow("pods by node")
            << kNodeNameIndex << "node-a" << std::vector<std::string>{"default/p1", "default/p2"};
        QTest::newRow("pods on another node")
            << kNodeNameIndex << "node-b" << std::vector<std::string>{"other/p3"};
        QTest::newRow("unscheduled pods are on no node")
            << kNodeNameIndex << "" << std::vector<std::string>{};
        QTest::newRow("pods by controller uid")
            << kControllerUidIndex << "uid-1" << std::vector<std::string>{"default/p1", "other/p3"};
        QTest::newRow("an owner that is not the controller does not count")
            << kControllerUidIndex << "uid-3" << std::vector<std::string>{};
        QTest::newRow("pods without a controller are the orphans of their namespace")
            << kControllerUidIndex << QString::fromStdString(orphansIn("default"))
            << std::vector<std::string>{"default/p4"};
        QTest::newRow("no orphans in another namespace")
            << kControllerUidIndex << QString::fromStdString(orphansIn("other"))
            << std::vector<std::string>{};
        QTest::newRow("pods by namespace")
            << kNamespaceIndex << "other" << std::vector<std::string>{"other/p3"};
        QTest::newRow("an unknown index is empty") << "nope"
                                                   << "node-a" << std::vector<std::string>{};
    }

    void indexes()
    {
        QFETCH(QString, index);
        QFETCH(QString, value);
        QFETCH(std::vector<std::string>, keys);

        core::Namespace other;
        other.mutable_metadata()->set_name("other");
        must(m_local->create(kindOf("namespaces"), "", other, {}));
        const api::KindInfo &pods = kindOf("pods");
        must(m_local->create(pods, "default", pod("default", "p1", "node-a", "uid-1", true), {}));
        must(m_local->create(pods, "default", pod("default", "p2", "node-a", "uid-2", true), {}));
        must(m_local->create(pods, "other", pod("other", "p3", "node-b", "uid-1", true), {}));
        must(m_local->create(pods, "default", pod("default", "p4", "", "uid-3", false), {}));

        Informer informer(*m_client, pods, m_clock);
        QVERIFY(informer.addIndex(kNodeNameIndex, podNodeNameIndexFunc()).isOk());
        QVERIFY(informer.addIndex(kControllerUidIndex, controllerUidIndexFunc()).isOk());
        QVERIFY(informer.addIndex(kNamespaceIndex, namespaceIndexFunc()).isOk());
        QVERIFY(!informer.addIndex(kNamespaceIndex, namespaceIndexFunc()).isOk()); // taken
        informer.start();
        QVERIFY(informer.waitForSync(5000ms));
        QVERIFY(!informer.addIndex("late", namespaceIndexFunc()).isOk());
        QCOMPARE(keysOf(informer.indexer().byIndex(index.toStdString(), value.toStdString())),
                 keys);
    }

    void indexesFollowChanges()
    {
        const api::KindInfo &pods = kindOf("pods");
        must(m_local->create(pods, "default", pod("default", "p1", "node-a", "uid-1", true), {}));
        must(m_local->create(pods, "default", pod("default", "p2", "node-a", "uid-1", true), {}));
        Informer informer(*m_client, pods, m_clock);
        QVERIFY(informer.addIndex(kNodeNameIndex, podNodeNameIndexFunc()).isOk());
        informer.start();
        QVERIFY(informer.waitForSync(5000ms));
        QCOMPARE(informer.indexer().byIndex(kNodeNameIndex, "node-a").size(), size_t(2));

        DeleteOptions now;
        now.gracePeriodSeconds = 0;
        must(m_local->remove(pods, "default", "p1", now));
        must(m_local->create(pods, "default", pod("default", "p5", "node-b", "", false), {}));
        QTRY_VERIFY_WITH_TIMEOUT(informer.indexer().get("default/p5") != nullptr, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(informer.indexer().get("default/p1") == nullptr, 5000);
        QCOMPARE(keysOf(informer.indexer().byIndex(kNodeNameIndex, "node-a")),
                 std::vector<std::string>{"default/p2"});
        QCOMPARE(keysOf(informer.indexer().byIndex(kNodeNameIndex, "node-b")),
                 std::vector<std::string>{"default/p5"});
        QCOMPARE(informer.indexer().indexValues(kNodeNameIndex),
                 (std::vector<std::string>{"node-a", "node-b"}));
    }

    void serverRestartConvergesWithoutGhosts_data()
    {
        QTest::addColumn<bool>("compact");
        QTest::addColumn<int>("lists");
        QTest::newRow("history kept: watch again from the last version") << false << 1;
        QTest::newRow("history compacted: 410, then exactly one relist") << true << 2;
    }

    void serverRestartConvergesWithoutGhosts()
    {
        QFETCH(bool, compact);
        QFETCH(int, lists);
        createConfigMap("keep");
        createConfigMap("change");
        createConfigMap("gone");
        Recorder rec;
        Informer informer(*m_client, configMaps(), m_clock, exactBackoff());
        informer.addEventHandler(rec.handlers());
        informer.start();
        QVERIFY(informer.waitForSync(5000ms));
        QVERIFY(m_clock.waitUntilIdle());
        rec.take();

        m_server->stopServing(); // every watch ends
        QTRY_COMPARE_WITH_TIMEOUT(m_clock.pendingTimers(), size_t(1), 5000);
        QVERIFY(m_clock.waitUntilIdle());
        QCOMPARE(pendingDelay(), Clock::Duration(800ms));

        // Changes the informer cannot see until it reconnects.
        m_server->startServing();
        createConfigMap("new");
        updateConfigMap("change", "changed");
        deleteConfigMap("gone");
        if (compact)
            QVERIFY(m_store->compact(m_store->currentRevision()).isOk());

        m_clock.advance(800ms);
        QTRY_VERIFY_WITH_TIMEOUT(matchesServer(informer), 5000);
        QVERIFY(m_clock.waitUntilIdle());
        QCOMPARE(m_client->lists.load(), lists);
        QCOMPARE(informer.indexer().listKeys(),
                 (std::vector<std::string>{"default/change", "default/keep", "default/new"}));
        QCOMPARE(rec.take(), (std::vector<std::string>{"add default/new", "update default/change",
                                                       "delete default/gone"}));
        QCOMPARE(m_clock.pendingTimers(), size_t(0));

        // Still live afterwards.
        createConfigMap("later");
        QTRY_VERIFY_WITH_TIMEOUT(informer.indexer().get("default/later") != nullptr, 5000);
        QCOMPARE(m_client->lists.load(), lists);
    }

    void storeOutageBacksOffAndRecovers()
    {
        createConfigMap("a");
        Informer informer(*m_client, configMaps(), m_clock, exactBackoff());
        informer.start();
        QVERIFY(informer.waitForSync(5000ms));
        QVERIFY(m_clock.waitUntilIdle());

        m_store->stop(); // the watch ends with Unavailable
        QTRY_COMPARE_WITH_TIMEOUT(m_clock.pendingTimers(), size_t(1), 5000);
        QVERIFY(m_clock.waitUntilIdle());
        const int watchesBefore = m_client->watches.load();
        // Each failed attempt doubles the delay.
        for (auto delay : {800ms, 1600ms, 3200ms}) {
            QCOMPARE(pendingDelay(), Clock::Duration(delay));
            m_clock.advance(delay);
            QTRY_COMPARE_WITH_TIMEOUT(m_clock.pendingTimers(), size_t(1), 5000);
            QVERIFY(m_clock.waitUntilIdle());
        }
        QCOMPARE(m_client->watches.load(), watchesBefore + 3);
        QCOMPARE(pendingDelay(), Clock::Duration(6400ms));

        m_store->start();
        createConfigMap("b"); // made while the informer is not watching
        m_clock.advance(6400ms);
        QTRY_VERIFY_WITH_TIMEOUT(informer.indexer().get("default/b") != nullptr, 5000);
        QVERIFY(m_clock.waitUntilIdle());
        QCOMPARE(m_clock.pendingTimers(), size_t(0));
        QCOMPARE(m_client->lists.load(), 1); // watched again from the last version: no relist

        // Two healthy minutes later the backoff starts over.
        m_clock.advance(3min);
        m_store->stop();
        QTRY_COMPARE_WITH_TIMEOUT(m_clock.pendingTimers(), size_t(1), 5000);
        QVERIFY(m_clock.waitUntilIdle());
        QCOMPARE(pendingDelay(), Clock::Duration(800ms));
        m_store->start();
        m_clock.advance(800ms);
        QVERIFY(m_clock.waitUntilIdle());
        deleteConfigMap("a");
        QTRY_VERIFY_WITH_TIMEOUT(matchesServer(informer), 5000);
    }

    void failedListIsRetriedWithBackoff()
    {
        createConfigMap("a");
        m_client->failNextLists = 2;
        Informer informer(*m_client, configMaps(), m_clock, exactBackoff());
        informer.start();
        QVERIFY(m_clock.waitUntilIdle());
        QVERIFY(!informer.hasSynced());
        QCOMPARE(pendingDelay(), Clock::Duration(800ms));
        m_clock.advance(800ms);
        QVERIFY(m_clock.waitUntilIdle());
        QCOMPARE(pendingDelay(), Clock::Duration(1600ms));
        m_clock.advance(1600ms);
        QVERIFY(m_clock.waitUntilIdle());
        QVERIFY(informer.hasSynced());
        QCOMPARE(m_client->lists.load(), 3);
        QCOMPARE(informer.indexer().listKeys(), std::vector<std::string>{"default/a"});
    }

    void jitterStretchesTheDelay()
    {
        m_client->failNextLists = 1;
        Informer informer(*m_client, configMaps(), m_clock); // jitter 1.0: [0.8 s, 1.6 s)
        informer.start();
        QVERIFY(m_clock.waitUntilIdle());
        const Clock::Duration delay = pendingDelay();
        QVERIFY(delay >= 800ms && delay < 1600ms);
    }

    void stopFromInsideAHandler()
    {
        for (int i = 0; i < 5; ++i)
            createConfigMap("cm-" + std::to_string(i));
        std::atomic<int> calls{0};
        Informer informer(*m_client, configMaps(), m_clock);
        Informer::Handlers h;
        h.onAdd = [&](const ObjectPtr &) {
            ++calls;
            informer.stop();
        };
        informer.addEventHandler(h);
        informer.start();
        QTRY_COMPARE_WITH_TIMEOUT(calls.load(), 1, 5000);
        QTest::qWait(20);
        QCOMPARE(calls.load(), 1);
    }

    void noCallbackAfterStopWhileEventsFlow()
    {
        std::atomic<bool> writing{true};
        std::thread writer([&] {
            auto client = m_server->localClient("writer");
            for (int i = 0; writing; ++i) {
                const std::string name = "flow-" + std::to_string(i % 20);
                if (!client->create(configMaps(), "default", configMap(name), {}))
                    (void)client->remove(configMaps(), "default", name, {});
            }
        });

        struct Seen
        {
            std::atomic<bool> stopped{false};
            std::atomic<int> events{0};
            std::atomic<int> late{0};
        };
        std::mt19937 random(42);
        int totalEvents = 0;
        int late = 0;
        for (int round = 0; round < 20; ++round) {
            auto *seen = new Seen; // freed right after stop(): a late callback is a use-after-free
            auto informer = std::make_unique<Informer>(*m_client, configMaps(), m_clock);
            Informer::Handlers h;
            auto count = [seen] {
                if (seen->stopped)
                    ++seen->late;
                ++seen->events;
            };
            h.onAdd = [count](const ObjectPtr &) { count(); };
            h.onUpdate = [count](const ObjectPtr &, const ObjectPtr &) { count(); };
            h.onDelete = [count](const ObjectPtr &) { count(); };
            informer->addEventHandler(h);
            informer->start();
            std::this_thread::sleep_for(std::chrono::microseconds(random() % 20000));
            informer->stop();
            seen->stopped = true;
            std::this_thread::sleep_for(1ms);
            totalEvents += seen->events;
            late += seen->late;
            delete seen;
            informer.reset();
        }
        writing = false;
        writer.join();
        QCOMPARE(late, 0);
        QVERIFY(totalEvents > 0);
    }
};

QTEST_GUILESS_MAIN(TestInformer)
#include "tst_informer.moc"
