// RemoteClient against `kubist serve` over HTTPS: credentials (token, client
// certificate, exec plugin, a wrong CA, a read-only token), JSON and
// protobuf, and informers staying exact through a server restart, a forced
// compaction (410 Gone), a proxy dropping connections and a silent watch.

#include "kubisttestserver.h"
#include "tcpproxy.h"

#include "backend/apiserver/http/certificates.h"
#include "backend/client/informer.h"
#include "backend/client/kubeconfig.h"
#include "backend/client/objectkey.h"
#include "backend/client/remoteclient.h"
#include "backend/util/clock.h"
#include "model/workloadops.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"
#include "meta_v1.pb.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTest>

#include <atomic>
#include <future>
#include <map>
#include <memory>

using kubist::Result;
using kubist::Status;
using namespace kubist::client;
namespace core = k8s::io::api::core::v1;

namespace {

const kubist::api::KindInfo &kindOf(const google::protobuf::Descriptor *d)
{
    return *kubist::api::Scheme::builtin().byDescriptor(d);
}
const kubist::api::KindInfo &configMaps()
{
    return kindOf(core::ConfigMap::descriptor());
}

core::ConfigMap configMap(const std::string &name, const std::string &value = "1")
{
    core::ConfigMap cm;
    cm.mutable_metadata()->set_name(name);
    cm.mutable_metadata()->set_namespace_("default");
    (*cm.mutable_metadata()->mutable_labels())["test"] = "remote";
    (*cm.mutable_data())["value"] = value;
    return cm;
}

// {"data":{"value":V}}
std::string valuePatch(const std::string &v)
{
    const std::string q(1, '"');
    return "{" + q + "data" + q + ":{" + q + "value" + q + ":" + q + v + q + "}}";
}

// Whether a watch from `rv` is refused as compacted: 410 Gone, either on
// creation or (as kube-apiserver and Kubist answer) as the stream's first
// event, an ERROR carrying the 410 Status.
bool watchIsCompacted(Client &client, const std::string &rv)
{
    auto first = std::make_shared<std::promise<Status>>();
    auto once = std::make_shared<std::atomic<bool>>(false);
    WatchOptions o;
    o.resourceVersion = rv;
    WatchCallbacks cb;
    cb.onEvent = [first, once](WatchEvent e) {
        if (!once->exchange(true))
            first->set_value(e.type == WatchEvent::Type::Error ? e.error : Status::ok());
    };
    Result<std::unique_ptr<WatchHandle>> w = client.watch(
        *kubist::api::Scheme::builtin().byResource("", "configmaps"), "default", o, cb);
    if (!w)
        return w.status().code() == Status::Code::Compacted;
    std::future<Status> f = first->get_future();
    const bool compacted = f.wait_for(std::chrono::seconds(5)) == std::future_status::ready &&
                           f.get().code() == Status::Code::Compacted;
    (*w)->stop();
    return compacted;
}

// Counts lists (relists) and forwards everything to the real client.
class CountingClient final : public Client
{
public:
    explicit CountingClient(Client &inner)
        : m_inner(inner)
    {}
    std::atomic<int> lists{0};

    Result<ObjectPtr> get(const kubist::api::KindInfo &k, const std::string &ns,
                          const std::string &n, const GetOptions &o) override
    {
        return m_inner.get(k, ns, n, o);
    }
    Result<ListResult> list(const kubist::api::KindInfo &k, const std::string &ns,
                            const ListOptions &o) override
    {
        if (o.continueToken.empty())
            ++lists;
        return m_inner.list(k, ns, o);
    }
    Result<std::unique_ptr<WatchHandle>> watch(const kubist::api::KindInfo &k,
                                               const std::string &ns, const WatchOptions &o,
                                               WatchCallbacks c) override
    {
        return m_inner.watch(k, ns, o, std::move(c));
    }
    Result<ObjectPtr> create(const kubist::api::KindInfo &k, const std::string &ns,
                             const google::protobuf::Message &m, const WriteOptions &o) override
    {
        return m_inner.create(k, ns, m, o);
    }
    Result<ObjectPtr> update(const kubist::api::KindInfo &k, const std::string &ns,
                             const google::protobuf::Message &m, const WriteOptions &o) override
    {
        return m_inner.update(k, ns, m, o);
    }
    Result<ObjectPtr> patch(const kubist::api::KindInfo &k, const std::string &ns,
                            const std::string &n, PatchType t, const std::string &p,
                            const WriteOptions &o) override
    {
        return m_inner.patch(k, ns, n, t, p, o);
    }
    Result<ObjectPtr> remove(const kubist::api::KindInfo &k, const std::string &ns,
                             const std::string &n, const DeleteOptions &o) override
    {
        return m_inner.remove(k, ns, n, o);
    }
    Result<ObjectPtr> createSubresource(const kubist::api::KindInfo &k, const std::string &ns,
                                        const std::string &n, const std::string &s,
                                        const google::protobuf::Message &b) override
    {
        return m_inner.createSubresource(k, ns, n, s, b);
    }
    Result<std::string> podLog(const std::string &ns, const std::string &n,
                               const LogOptions &o) override
    {
        return m_inner.podLog(ns, n, o);
    }

private:
    Client &m_inner;
};

// name -> resourceVersion of the ConfigMaps labelled test=remote.
using State = std::map<std::string, std::string>;

State stateOf(const Indexer &indexer)
{
    State s;
    for (const ObjectPtr &o : indexer.list()) {
        const auto &md = objectMeta(*o);
        s[md.name()] = md.resource_version();
    }
    return s;
}

State serverState(Client &client)
{
    ListOptions o;
    o.labelSelector = "test=remote";
    Result<ListResult> r = client.list(configMaps(), "default", o);
    State s;
    if (!r)
        return {{"<error>", r.status().message()}};
    for (const ObjectPtr &obj : r->items) {
        const auto &md = objectMeta(*obj);
        s[md.name()] = md.resource_version();
    }
    return s;
}

QString describe(const State &s)
{
    QStringList parts;
    for (const auto &[k, v] : s)
        parts << QString::fromStdString(k + "@" + v);
    return parts.join(QLatin1Char(' '));
}

} // namespace

class TestRemoteClient : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void crud_data();
    void crud();
    void watchStreams_data();
    void watchStreams();
    void clientCertificate();
    void execPlugin();
    void wrongCertificateAuthority();
    void forbiddenForViewer();
    void unreachableServer();
    void manyInformersDoNotStarveRequests();
    void informerSurvivesServerRestart();
    void compactionRelistsOnce();
    void droppedConnectionsConverge();
    void silentWatchIsReconnected();
    void throughHttpProxy();
    void stripsManagedFieldsFromListsAndWatches();
    void operatorActionsOverHttp();

private:
    ResolvedContext adminContext() const;
    std::unique_ptr<RemoteClient> connect(ResolvedContext context,
                                          RemoteClient::Options options = {});
    ResolvedContext viaProxy(ResolvedContext context) const;
    std::unique_ptr<Informer> informer(Client &client);

    KubistTestServer m_server;
    std::unique_ptr<TcpProxy> m_proxy;
    QTemporaryDir m_dir;
    kubist::SystemClock m_clock;
};

ResolvedContext TestRemoteClient::adminContext() const
{
    Result<Kubeconfig> k = Kubeconfig::loadFile(m_server.kubeconfig().toStdString());
    if (!k)
        qFatal("%s", k.status().message().c_str());
    Result<ResolvedContext> c = k->resolve();
    if (!c)
        qFatal("%s", c.status().message().c_str());
    return *c;
}

std::unique_ptr<RemoteClient> TestRemoteClient::connect(ResolvedContext context,
                                                        RemoteClient::Options options)
{
    Result<std::unique_ptr<RemoteClient>> c = RemoteClient::create(context, options);
    if (!c)
        qFatal("%s", c.status().message().c_str());
    return std::move(*c);
}

ResolvedContext TestRemoteClient::viaProxy(ResolvedContext context) const
{
    context.cluster.server = "https://127.0.0.1:" + std::to_string(m_proxy->port());
    return context;
}

std::unique_ptr<Informer> TestRemoteClient::informer(Client &client)
{
    Informer::Options o;
    o.ns = "default";
    o.labelSelector = "test=remote";
    o.initialBackoff = std::chrono::milliseconds(100);
    o.maxBackoff = std::chrono::seconds(1);
    auto inf = std::make_unique<Informer>(client, configMaps(), m_clock, o);
    return inf;
}

void TestRemoteClient::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(m_server.start({QStringLiteral("--no-demo-workloads"),
                            QStringLiteral("--etcd-compaction-interval"), QStringLiteral("1s")}));
    m_proxy = std::make_unique<TcpProxy>();
    const QUrl url(QString::fromStdString(adminContext().cluster.server));
    m_proxy->setTarget(quint16(url.port()));
}

void TestRemoteClient::cleanupTestCase()
{
    m_proxy.reset();
    m_server.stop();
}

void TestRemoteClient::crud_data()
{
    QTest::addColumn<bool>("protobuf");
    QTest::newRow("protobuf") << true;
    QTest::newRow("json") << false;
}

void TestRemoteClient::crud()
{
    QFETCH(bool, protobuf);
    RemoteClient::Options o;
    o.protobuf = protobuf;
    auto client = connect(adminContext(), o);
    const std::string name = protobuf ? "crud-pb" : "crud-json";

    Result<ObjectPtr> made = client->create(configMaps(), "default", configMap(name));
    QVERIFY2(made, made.status().message().c_str());
    const auto &md = objectMeta(**made);
    QCOMPARE(md.name(), name);
    QVERIFY(!md.uid().empty());
    QCOMPARE(client->connectionState().phase, ConnectionState::Phase::Connected);

    Result<ObjectPtr> again = client->create(configMaps(), "default", configMap(name));
    QCOMPARE(again.status().code(), Status::Code::AlreadyExists);

    Result<ObjectPtr> got = client->get(configMaps(), "default", name);
    QVERIFY(got);
    QCOMPARE(static_cast<const core::ConfigMap &>(**got).data().at("value"), "1");

    core::ConfigMap stale = configMap(name, "2");
    stale.mutable_metadata()->set_resource_version("1");
    QCOMPARE(client->update(configMaps(), "default", stale).status().code(),
             Status::Code::Conflict);
    core::ConfigMap fresh = static_cast<const core::ConfigMap &>(**got);
    (*fresh.mutable_data())["value"] = "2";
    Result<ObjectPtr> updated = client->update(configMaps(), "default", fresh);
    QVERIFY2(updated, updated.status().message().c_str());

    Result<ObjectPtr> patched =
        client->patch(configMaps(), "default", name, PatchType::Merge, valuePatch("3"));
    QVERIFY2(patched, patched.status().message().c_str());
    QCOMPARE(static_cast<const core::ConfigMap &>(**patched).data().at("value"), "3");

    // Lists of built-in kinds in protobuf (or JSON): the nodes, in pages.
    ListOptions page;
    page.limit = 1;
    Result<ListResult> nodes = client->list(kindOf(core::Node::descriptor()), "", page);
    QVERIFY2(nodes, nodes.status().message().c_str());
    QCOMPARE(nodes->items.size(), size_t(1));
    QVERIFY(!nodes->continueToken.empty());
    QVERIFY(!nodes->resourceVersion.empty());
    Result<ListResult> all = client->list(kindOf(core::Node::descriptor()), "");
    QVERIFY(all);
    QVERIFY(all->items.size() >= 2);

    Result<std::string> readyz = client->getPath("/readyz");
    QVERIFY2(readyz, readyz.status().message().c_str());

    QVERIFY(client->remove(configMaps(), "default", name));
    QCOMPARE(client->get(configMaps(), "default", name).status().code(), Status::Code::NotFound);
    QCOMPARE(client->remove(configMaps(), "default", name).status().code(), Status::Code::NotFound);
}

void TestRemoteClient::watchStreams_data()
{
    crud_data();
}

void TestRemoteClient::watchStreams()
{
    QFETCH(bool, protobuf);
    RemoteClient::Options o;
    o.protobuf = protobuf;
    auto client = connect(adminContext(), o);
    const std::string name = protobuf ? "watch-pb" : "watch-json";
    Result<ListResult> start = client->list(configMaps(), "default");
    QVERIFY(start);

    std::mutex mutex;
    std::vector<std::pair<WatchEvent::Type, std::string>> seen;
    WatchOptions wo;
    wo.resourceVersion = start->resourceVersion;
    wo.allowBookmarks = true;
    WatchCallbacks cb;
    cb.onEvent = [&](WatchEvent e) {
        std::lock_guard lock(mutex);
        if (e.type == WatchEvent::Type::Error)
            seen.emplace_back(e.type, e.error.message());
        else if (e.type != WatchEvent::Type::Bookmark)
            seen.emplace_back(e.type, objectMeta(*e.object).name());
    };
    Result<std::unique_ptr<WatchHandle>> w = client->watch(configMaps(), "default", wo, cb);
    QVERIFY2(w, w.status().message().c_str());

    QVERIFY(client->create(configMaps(), "default", configMap(name)));
    QVERIFY(client->patch(configMaps(), "default", name, PatchType::Merge, valuePatch("2")));
    QVERIFY(client->remove(configMaps(), "default", name));
    QVERIFY(eventually(
        [&] {
            std::lock_guard lock(mutex);
            return seen.size() >= 3;
        },
        20000));
    (*w)->stop();
    std::lock_guard lock(mutex);
    QCOMPARE(seen.size(), size_t(3));
    QCOMPARE(seen[0].first, WatchEvent::Type::Added);
    QCOMPARE(seen[1].first, WatchEvent::Type::Modified);
    QCOMPARE(seen[2].first, WatchEvent::Type::Deleted);
    QCOMPARE(seen[2].second, name);

    // A watch from a compacted revision is refused with 410 Gone (Compacted).
    QVERIFY(eventually([&] { return watchIsCompacted(*client, "1"); }, 20000));
}

void TestRemoteClient::clientCertificate()
{
    Result<std::pair<std::string, std::string>> admin = kubist::apiserver::issueClientCertificate(
        (m_server.dataDir() + QStringLiteral("/pki")).toStdString(), "admin");
    QVERIFY2(admin, admin.status().message().c_str());
    ResolvedContext c = adminContext();
    c.user = {};
    c.user.clientCertificatePem = admin->first;
    c.user.clientKeyPem = admin->second;
    auto client = connect(c);
    Result<ObjectPtr> made = client->create(configMaps(), "default", configMap("by-cert"));
    QVERIFY2(made, made.status().message().c_str());
    QVERIFY(client->remove(configMaps(), "default", "by-cert"));

    // A certificate for the viewer reads but does not write.
    Result<std::pair<std::string, std::string>> viewer = kubist::apiserver::issueClientCertificate(
        (m_server.dataDir() + QStringLiteral("/pki")).toStdString(), "viewer");
    QVERIFY(viewer);
    c.user.clientCertificatePem = viewer->first;
    c.user.clientKeyPem = viewer->second;
    auto reader = connect(c);
    QVERIFY(reader->list(configMaps(), "default"));
    QCOMPARE(reader->create(configMaps(), "default", configMap("nope")).status().code(),
             Status::Code::PermissionDenied);

    // A key that is not a key is refused before anything is sent.
    c.user.clientKeyPem = "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n";
    Result<std::unique_ptr<RemoteClient>> bad = RemoteClient::create(c);
    QVERIFY(!bad);
    QVERIFY2(bad.status().message().find("client key") != std::string::npos,
             bad.status().message().c_str());
}

void TestRemoteClient::execPlugin()
{
    const std::string token = adminContext().user.token;
    QVERIFY(!token.empty());
    // The plugin hands out a wrong token on its first run and the right one
    // afterwards, each valid for an hour: the first request gets 401, the
    // client runs the plugin again and retries once.
    const QString dir = m_dir.path();
    const QString script = dir + QStringLiteral("/credential.sh");
    const QString count = dir + QStringLiteral("/runs");
    const QString good = dir + QStringLiteral("/good-token");
    {
        QFile f(good);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray::fromStdString(token));
    }
    {
        QFile f(script);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("#!/bin/sh\n"
                "echo run >> \"$RUNS\"\n"
                "n=$(wc -l < \"$RUNS\")\n"
                "if [ \"$n\" -eq 1 ]; then t=wrong-token; else t=$(cat \"$GOOD\"); fi\n"
                "exp=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)\n"
                "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":"
                "\"ExecCredential\",\"status\":{\"token\":\"%s\",\"expirationTimestamp\":"
                "\"%s\"}}' \"$t\" \"$exp\"\n");
        f.close();
        QVERIFY(
            QFile::setPermissions(script, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    }
    ResolvedContext c = adminContext();
    c.user = {};
    ExecConfig exec;
    exec.apiVersion = "client.authentication.k8s.io/v1";
    exec.command = script.toStdString();
    exec.env = {{"RUNS", count.toStdString()}, {"GOOD", good.toStdString()}};
    exec.interactiveMode = "Never";
    c.user.exec = exec;
    auto client = connect(c);
    auto runs = [&] {
        QFile f(count);
        return f.open(QIODevice::ReadOnly) ? f.readAll().count('\n') : 0;
    };
    Result<ListResult> first = client->list(configMaps(), "default");
    QVERIFY2(first, first.status().message().c_str());
    QCOMPARE(runs(), 2); // wrong token, 401, run again, retried
    QVERIFY(client->list(configMaps(), "default"));
    QCOMPARE(runs(), 2); // cached until it expires
}

void TestRemoteClient::wrongCertificateAuthority()
{
    QTemporaryDir other;
    Result<kubist::apiserver::ServerCredentials> foreign =
        kubist::apiserver::ensureServerCredentials(other.path().toStdString());
    QVERIFY(foreign);
    ResolvedContext c = adminContext();
    c.cluster.certificateAuthorityPem = foreign->caCertPem;
    auto client = connect(c);
    Result<ListResult> r = client->list(configMaps(), "default");
    QVERIFY(!r);
    QCOMPARE(r.status().code(), Status::Code::Unavailable);
    QVERIFY2(r.status().message().find("not trusted") != std::string::npos,
             r.status().message().c_str());
    QVERIFY(r.status().message().find(c.user.token) == std::string::npos);
    QCOMPARE(client->connectionState().phase, ConnectionState::Phase::Disconnected);

    // insecure-skip-tls-verify accepts it (and says so).
    c.cluster.insecureSkipTlsVerify = true;
    auto insecure = connect(c);
    QVERIFY(insecure->insecureSkipTlsVerify());
    QVERIFY(insecure->list(configMaps(), "default"));
}

void TestRemoteClient::forbiddenForViewer()
{
    Result<Kubeconfig> k = Kubeconfig::loadFile(m_server.viewerKubeconfig().toStdString());
    QVERIFY(k);
    Result<ResolvedContext> c = k->resolve();
    QVERIFY(c);
    auto client = connect(*c);
    QVERIFY(client->list(configMaps(), "default"));
    Result<ObjectPtr> r = client->create(configMaps(), "default", configMap("viewer-made"));
    QCOMPARE(r.status().code(), Status::Code::PermissionDenied);
    QVERIFY2(r.status().message().find("cannot create resource \"configmaps\"") !=
                 std::string::npos,
             r.status().message().c_str());
}

void TestRemoteClient::unreachableServer()
{
    ResolvedContext c = adminContext();
    c.cluster.server = "https://127.0.0.1:1"; // nothing listens there
    RemoteClient::Options o;
    o.connectTimeout = std::chrono::seconds(3);
    auto client = connect(c, o);
    Result<ObjectPtr> r = client->get(configMaps(), "default", "x");
    QCOMPARE(r.status().code(), Status::Code::Unavailable);
    QVERIFY2(r.status().message().find("127.0.0.1:1") != std::string::npos,
             r.status().message().c_str());
    QCOMPARE(client->connectionState().phase, ConnectionState::Phase::Disconnected);
    Result<std::unique_ptr<WatchHandle>> w =
        client->watch(configMaps(), "default", {}, WatchCallbacks{[](WatchEvent) {}, {}});
    QVERIFY(!w);
    QCOMPARE(w.status().code(), Status::Code::Unavailable);

    c.cluster.server = "ftp://example";
    QVERIFY(!RemoteClient::create(c));
}

void TestRemoteClient::manyInformersDoNotStarveRequests()
{
    // Qt queues HTTP/1.1 requests beyond 6 connections per host: with every
    // watch on a connection of its own, 12 informers leave requests free.
    RemoteClient::Options o;
    o.requestTimeout = std::chrono::seconds(5);
    auto client = connect(adminContext(), o);
    std::vector<std::unique_ptr<Informer>> informers;
    const std::pair<const char *, const char *> resources[] = {
        {"", "pods"},
        {"", "nodes"},
        {"", "services"},
        {"", "endpoints"},
        {"", "configmaps"},
        {"", "secrets"},
        {"", "namespaces"},
        {"", "events"},
        {"", "serviceaccounts"},
        {"apps", "deployments"},
        {"apps", "replicasets"},
        {"coordination.k8s.io", "leases"},
        {"policy", "poddisruptionbudgets"},
        {"discovery.k8s.io", "endpointslices"}};
    for (const auto &[group, resource] : resources) {
        const kubist::api::KindInfo *kind =
            kubist::api::Scheme::builtin().byResource(group, resource);
        QVERIFY2(kind, resource);
        informers.push_back(std::make_unique<Informer>(*client, *kind, m_clock));
    }
    for (auto &i : informers)
        i->start();
    for (auto &i : informers)
        QVERIFY2(i->waitForSync(std::chrono::seconds(20)), i->kind().resource.c_str());
    for (int n = 0; n < 10; ++n) {
        Result<ObjectPtr> made =
            client->create(configMaps(), "default", configMap("starve-" + std::to_string(n)));
        QVERIFY2(made, made.status().message().c_str());
    }
    QVERIFY(eventually([&] { return informers[4]->indexer().list().size() >= 10; }, 20000));
    for (int n = 0; n < 10; ++n)
        QVERIFY(client->remove(configMaps(), "default", "starve-" + std::to_string(n)));
    for (auto &i : informers)
        i->stop();
}

void TestRemoteClient::informerSurvivesServerRestart()
{
    auto direct = connect(adminContext());
    auto viaProxyClient = connect(viaProxy(adminContext()));
    QVERIFY(direct->create(configMaps(), "default", configMap("restart-a")));
    QVERIFY(direct->create(configMaps(), "default", configMap("restart-b")));
    auto inf = informer(*viaProxyClient);
    inf->start();
    QVERIFY(inf->waitForSync(std::chrono::seconds(20)));
    QVERIFY(eventually([&] { return stateOf(inf->indexer()) == serverState(*direct); }, 20000));

    // The server goes away (its data kept) and comes back on another port.
    QCOMPARE(m_server.stop(), 0);
    QVERIFY(eventually(
        [&] {
            return viaProxyClient->connectionState().phase == ConnectionState::Phase::Disconnected;
        },
        20000));
    QVERIFY(m_server.start({QStringLiteral("--no-demo-workloads"),
                            QStringLiteral("--etcd-compaction-interval"), QStringLiteral("1s")}));
    const ResolvedContext fresh = adminContext();
    m_proxy->setTarget(quint16(QUrl(QString::fromStdString(fresh.cluster.server)).port()));
    auto direct2 = connect(fresh);
    QVERIFY(direct2->remove(configMaps(), "default", "restart-a"));
    QVERIFY(direct2->create(configMaps(), "default", configMap("restart-c")));
    QVERIFY(eventually([&] { return stateOf(inf->indexer()) == serverState(*direct2); }, 30000));
    QCOMPARE(viaProxyClient->connectionState().phase, ConnectionState::Phase::Connected);
    inf->stop();
    QVERIFY(direct2->remove(configMaps(), "default", "restart-b"));
    QVERIFY(direct2->remove(configMaps(), "default", "restart-c"));
}

void TestRemoteClient::compactionRelistsOnce()
{
    auto direct = connect(adminContext());
    auto remote = connect(viaProxy(adminContext()));
    CountingClient counting(*remote);
    auto inf = informer(counting);
    inf->start();
    QVERIFY(inf->waitForSync(std::chrono::seconds(20)));
    QCOMPARE(counting.lists.load(), 1);
    const std::string before = inf->lastSyncResourceVersion();

    // Cut the informer off, change things, and let compaction (every second
    // on this server) pass the informer's revision.
    m_proxy->setRefusing(true);
    m_proxy->dropAll();
    for (int n = 0; n < 5; ++n)
        QVERIFY(direct->create(configMaps(), "default", configMap("gone-" + std::to_string(n))));
    QVERIFY(eventually([&] { return watchIsCompacted(*direct, before); }, 20000));
    QCOMPARE(counting.lists.load(), 1);
    m_proxy->setRefusing(false);
    QVERIFY(eventually([&] { return stateOf(inf->indexer()) == serverState(*direct); }, 30000));
    QCOMPARE(counting.lists.load(), 2); // 410 Gone: exactly one relist
    inf->stop();
    for (int n = 0; n < 5; ++n)
        QVERIFY(direct->remove(configMaps(), "default", "gone-" + std::to_string(n)));
}

void TestRemoteClient::droppedConnectionsConverge()
{
    auto direct = connect(adminContext());
    auto remote = connect(viaProxy(adminContext()));
    auto inf = informer(*remote);
    inf->start();
    QVERIFY(inf->waitForSync(std::chrono::seconds(20)));
    // Objects change while the proxy drops every connection at random
    // moments (60 steps, bounded); at the end the cache equals the server.
    QRandomGenerator rng(20261128);
    for (int step = 0; step < 60; ++step) {
        const std::string name = "flaky-" + std::to_string(rng.bounded(8));
        switch (rng.bounded(3)) {
        case 0:
            (void)direct->create(configMaps(), "default", configMap(name));
            break;
        case 1:
            (void)direct->patch(configMaps(), "default", name, PatchType::Merge,
                                valuePatch(std::to_string(step)));
            break;
        default:
            (void)direct->remove(configMaps(), "default", name);
            break;
        }
        if (rng.bounded(4) == 0)
            m_proxy->dropAll();
        QThread::msleep(rng.bounded(20, 120));
    }
    const State want = serverState(*direct);
    QVERIFY2(
        eventually([&] { return stateOf(inf->indexer()) == serverState(*direct); }, 30000),
        qPrintable(describe(stateOf(inf->indexer())) + QStringLiteral(" vs ") + describe(want)));
    inf->stop();
    for (int n = 0; n < 8; ++n)
        (void)direct->remove(configMaps(), "default", "flaky-" + std::to_string(n));
}

void TestRemoteClient::silentWatchIsReconnected()
{
    auto direct = connect(adminContext());
    RemoteClient::Options o;
    // Kubist's server bookmarks every 5 s; 8 s of nothing is a dead watch.
    o.watchSilence = std::chrono::seconds(8);
    auto remote = connect(viaProxy(adminContext()), o);
    auto inf = informer(*remote);
    inf->start();
    QVERIFY(inf->waitForSync(std::chrono::seconds(20)));
    // The watch is up once it delivers.
    QVERIFY(direct->create(configMaps(), "default", configMap("silent-probe")));
    QVERIFY(eventually([&] { return stateOf(inf->indexer()) == serverState(*direct); }, 20000));
    const int acceptedBefore = m_proxy->accepted();
    // The path goes silent without closing (a NAT that lost the flow).
    m_proxy->setStalled(true);
    QVERIFY(direct->create(configMaps(), "default", configMap("silent")));
    QVERIFY(eventually([&] { return m_proxy->accepted() > acceptedBefore; }, 20000));
    m_proxy->dropAll();
    m_proxy->setStalled(false);
    QVERIFY(eventually([&] { return stateOf(inf->indexer()) == serverState(*direct); }, 30000));
    inf->stop();
    QVERIFY(direct->remove(configMaps(), "default", "silent"));
    QVERIFY(direct->remove(configMaps(), "default", "silent-probe"));
}

void TestRemoteClient::throughHttpProxy()
{
    // proxy-url: the client asks an HTTP proxy to CONNECT to the server and
    // speaks TLS to the server through it.
    TcpProxy proxy;
    proxy.setHttpConnect(true);
    ResolvedContext c = adminContext();
    c.cluster.proxyUrl = "http://127.0.0.1:" + std::to_string(proxy.port());
    auto client = connect(c);
    Result<ListResult> r = client->list(configMaps(), "default");
    QVERIFY2(r, r.status().message().c_str());
    QVERIFY(proxy.tunnels() >= 1);
    QCOMPARE(proxy.lastConnectTarget(), QUrl(QString::fromStdString(c.cluster.server)).authority());

    c.cluster.proxyUrl = "ftp://127.0.0.1:1";
    QVERIFY(!RemoteClient::create(c));
}

void TestRemoteClient::stripsManagedFieldsFromListsAndWatches()
{
    auto full = connect(adminContext());
    RemoteClient::Options o;
    o.stripManagedFields = true;
    auto lean = connect(adminContext(), o);
    QVERIFY(full->create(configMaps(), "default", configMap("lean")));
    auto managed = [](const ObjectPtr &obj) { return objectMeta(*obj).managed_fields_size(); };
    ListOptions one;
    one.fieldSelector = "metadata.name=lean";
    Result<ListResult> withFields = full->list(configMaps(), "default", one);
    QVERIFY(withFields && withFields->items.size() == 1);
    QVERIFY(managed(withFields->items[0]) > 0);
    Result<ListResult> without = lean->list(configMaps(), "default", one);
    QVERIFY(without && without->items.size() == 1);
    QCOMPARE(managed(without->items[0]), 0);
    // get() keeps them: a read-modify-write does not drop them.
    Result<ObjectPtr> got = lean->get(configMaps(), "default", "lean");
    QVERIFY(got && managed(*got) > 0);

    std::mutex mutex;
    int seenManaged = -1;
    WatchOptions wo;
    wo.resourceVersion = without->resourceVersion;
    WatchCallbacks cb;
    cb.onEvent = [&](WatchEvent e) {
        if (e.type == WatchEvent::Type::Modified) {
            std::lock_guard lock(mutex);
            seenManaged = managed(e.object);
        }
    };
    Result<std::unique_ptr<WatchHandle>> w = lean->watch(configMaps(), "default", wo, cb);
    QVERIFY(w);
    QVERIFY(full->patch(configMaps(), "default", "lean", PatchType::Merge, valuePatch("2")));
    QVERIFY(eventually(
        [&] {
            std::lock_guard lock(mutex);
            return seenManaged >= 0;
        },
        20000));
    (*w)->stop();
    QCOMPARE(seenManaged, 0);
    QVERIFY(full->remove(configMaps(), "default", "lean"));
}

void TestRemoteClient::operatorActionsOverHttp()
{
    namespace ops = kubist::model::workloadops;
    namespace apps = k8s::io::api::apps::v1;
    auto client = connect(adminContext());
    const QByteArray deployment = "apiVersion: apps/v1\n"
                                  "kind: Deployment\n"
                                  "metadata: {name: ops, namespace: default}\n"
                                  "spec:\n"
                                  "  replicas: 2\n"
                                  "  selector: {matchLabels: {app: ops}}\n"
                                  "  template:\n"
                                  "    metadata: {labels: {app: ops}}\n"
                                  "    spec:\n"
                                  "      terminationGracePeriodSeconds: 1\n"
                                  "      containers: [{name: c, image: nginx}]\n"
                                  "---\n"
                                  "apiVersion: v1\n"
                                  "kind: Pod\n"
                                  "metadata: {name: solo, namespace: default}\n"
                                  "spec:\n"
                                  "  terminationGracePeriodSeconds: 1\n"
                                  "  containers: [{name: c, image: nginx}]\n";
    KUBECTL_OK(m_server.kubectl(
        {QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, deployment));
    const auto &deployments = kindOf(apps::Deployment::descriptor());
    const auto &pods = kindOf(core::Pod::descriptor());

    // Scale (merge patch) and rollout restart (strategic merge patch).
    Result<int> scaled = ops::scale(*client, "Deployment", "default", "ops", 1);
    QVERIFY2(scaled, scaled.status().message().c_str());
    QCOMPARE(*scaled, 3);
    QVERIFY(ops::restartRollout(*client, "default", "ops", std::chrono::system_clock::now()));
    Result<ObjectPtr> d = client->get(deployments, "default", "ops");
    QVERIFY(d);
    const auto &dep = static_cast<const apps::Deployment &>(**d);
    QCOMPARE(dep.spec().replicas(), 3);
    QVERIFY(dep.spec().template_().metadata().annotations().contains(
        "kubectl.kubernetes.io/restartedAt"));

    // A bare pod dropped on another node: evicted, then recreated there.
    auto nodeOf = [&](const std::string &name) {
        Result<ObjectPtr> p = client->get(pods, "default", name);
        return p ? static_cast<const core::Pod &>(**p).spec().node_name() : std::string();
    };
    QVERIFY(eventually([&] { return !nodeOf("solo").empty(); }, 30000));
    const std::string target = nodeOf("solo") == "worker-2" ? "worker-3" : "worker-2";
    Result<std::string> moved = ops::movePodRemote(*client, "default", "solo", target);
    QVERIFY2(moved, moved.status().message().c_str());
    QCOMPARE(nodeOf("solo"), target);

    // Drain (cordon, evictions) and uncordon.
    Result<ops::DrainReport> drained = ops::drain(*client, "worker-1");
    QVERIFY2(drained, drained.status().message().c_str());
    QVERIFY(drained->failed.empty());
    Result<ObjectPtr> node = client->get(kindOf(core::Node::descriptor()), "", "worker-1");
    QVERIFY(node);
    QVERIFY(static_cast<const core::Node &>(**node).spec().unschedulable());
    QVERIFY(client->patch(kindOf(core::Node::descriptor()), "", "worker-1", PatchType::Merge,
                          R"({"spec":{"unschedulable":null}})"));

    // Evict one of the Deployment's pods; delete the rest.
    ListOptions mine;
    mine.labelSelector = "app=ops";
    Result<ListResult> listed = client->list(pods, "default", mine);
    QVERIFY(listed && !listed->items.empty());
    QVERIFY(ops::evictPod(*client, "default", objectMeta(*listed->items.front()).name()));
    QVERIFY(client->remove(deployments, "default", "ops"));
    QVERIFY(client->remove(pods, "default", "solo"));
}

QTEST_GUILESS_MAIN(TestRemoteClient)
#include "tst_remoteclient.moc"
