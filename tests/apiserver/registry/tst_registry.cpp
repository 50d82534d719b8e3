// The registry's REST semantics, through LocalClient (the in-process door),
// over a real store in a temporary directory and a FakeClock.

#include "tests/testing/localapi.h"

#include "backend/api/yamlcodec.h"
#include "backend/apiserver/apiserver.h"
#include "backend/store/store.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"
#include "policy_v1.pb.h"

#include <QTemporaryDir>
#include <QTest>

#include <mutex>

using namespace kubist;
using namespace kubist::apiserver;
namespace core = k8s::io::api::core::v1;
namespace apps = k8s::io::api::apps::v1;
namespace policy = k8s::io::api::policy::v1;

namespace {

const api::KindInfo &kindOf(const char *resource, const char *group = "")
{
    return *api::Scheme::builtin().byResource(group, resource);
}

template<class T> T fromYaml(const std::string &yaml)
{
    T object;
    Status s = api::YamlCodec::decode(yaml, &object);
    if (!s)
        qFatal("bad test YAML: %s", s.message().c_str());
    return object;
}

template<class T> const T &as(const client::ObjectPtr &p)
{
    return static_cast<const T &>(*p);
}

core::ConfigMap configMap(const std::string &name, const std::string &ns = "default",
                          std::map<std::string, std::string> labels = {})
{
    core::ConfigMap cm;
    cm.mutable_metadata()->set_name(name);
    cm.mutable_metadata()->set_namespace_(ns);
    for (const auto &[k, v] : labels)
        (*cm.mutable_metadata()->mutable_labels())[k] = v;
    (*cm.mutable_data())["k"] = "v";
    return cm;
}

template<class T> void must(const Result<T> &r)
{
    if (!r)
        qFatal("unexpected failure: %s", r.status().message().c_str());
}

client::WriteOptions scaleWrite()
{
    client::WriteOptions o;
    o.subresource = "scale";
    return o;
}

const char *kPodYaml = R"(
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
  - name: web
    image: nginx:1.25
)";

const char *kDeploymentYaml = R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.25}]
)";

struct Recorder
{
    std::mutex mutex;
    std::vector<client::WatchEvent> events;
    client::WatchCallbacks callbacks()
    {
        client::WatchCallbacks c;
        c.onEvent = [this](client::WatchEvent e) {
            std::lock_guard lock(mutex);
            events.push_back(std::move(e));
        };
        return c;
    }
    bool waitFor(size_t n)
    {
        for (int i = 0; i < 500; ++i) {
            {
                std::lock_guard lock(mutex);
                if (events.size() >= n)
                    return true;
            }
            QTest::qWait(10);
        }
        return false;
    }
    std::vector<std::pair<client::WatchEvent::Type, std::string>> summary()
    {
        std::lock_guard lock(mutex);
        std::vector<std::pair<client::WatchEvent::Type, std::string>> out;
        for (const auto &e : events)
            out.emplace_back(
                e.type, e.object ? static_cast<const core::ConfigMap &>(*e.object).metadata().name()
                                 : std::string());
        return out;
    }
};

} // namespace

class TestRegistry : public QObject
{
    Q_OBJECT

    kubist::testing::LocalApi m_api;
    FakeClock &m_clock = m_api.clock;
    std::unique_ptr<store::Store> &m_store = m_api.store;
    std::unique_ptr<ApiServer> &m_server = m_api.server;
    std::unique_ptr<client::Client> &m_client = m_api.client;

private slots:
    void init()
    {
        const std::string error = m_api.open();
        QVERIFY2(error.empty(), error.c_str());
    }

    void cleanup() { m_api.close(); }

    void createSetsSystemFields()
    {
        auto r = m_client->create(kindOf("configmaps"), "default", configMap("a"));
        QVERIFY2(r.isOk(), r.status().message().c_str());
        const auto &md = as<core::ConfigMap>(*r).metadata();
        QCOMPARE(md.namespace_(), std::string("default"));
        QCOMPARE(md.uid().size(), size_t(36));
        QVERIFY(!md.resource_version().empty());
        QCOMPARE(md.creation_timestamp().seconds(), m_clock.nowSeconds());
        auto got = m_client->get(kindOf("configmaps"), "default", "a");
        QVERIFY(got.isOk());
        QCOMPARE(as<core::ConfigMap>(*got).metadata().resource_version(), md.resource_version());
    }

    void createErrors_data()
    {
        QTest::addColumn<QString>("ns");
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing namespace")
            << "nope"
            << "a" << int(Status::Code::NotFound) << "namespaces \"nope\" not found";
        QTest::newRow("invalid name") << "default"
                                      << "Not_Valid" << int(Status::Code::Invalid)
                                      << "ConfigMap \"Not_Valid\" is invalid: metadata.name: "
                                         "Invalid value: \"Not_Valid\"";
        QTest::newRow("no name") << "default"
                                 << "" << int(Status::Code::Invalid)
                                 << "ConfigMap \"\" is invalid: metadata.name: Required value";
    }

    void createErrors()
    {
        QFETCH(QString, ns);
        QFETCH(QString, name);
        QFETCH(int, code);
        QFETCH(QString, message);
        auto r = m_client->create(kindOf("configmaps"), ns.toStdString(),
                                  configMap(name.toStdString(), ns.toStdString()));
        QVERIFY(!r.isOk());
        QCOMPARE(int(r.status().code()), code);
        QVERIFY2(r.status().message().starts_with(message.toStdString()),
                 r.status().message().c_str());
    }

    void duplicateCreateIsAlreadyExists()
    {
        QVERIFY(m_client->create(kindOf("configmaps"), "default", configMap("a")).isOk());
        auto r = m_client->create(kindOf("configmaps"), "default", configMap("a"));
        QCOMPARE(r.status().code(), Status::Code::AlreadyExists);
        QCOMPARE(r.status().message(), std::string("configmaps \"a\" already exists"));
    }

    void generateNameMakesUniqueNames()
    {
        core::ConfigMap cm = configMap("");
        cm.mutable_metadata()->set_generate_name("gen-");
        auto a = m_client->create(kindOf("configmaps"), "default", cm);
        auto b = m_client->create(kindOf("configmaps"), "default", cm);
        QVERIFY(a.isOk() && b.isOk());
        const std::string na = as<core::ConfigMap>(*a).metadata().name();
        QVERIFY(na.starts_with("gen-") && na.size() == 9);
        QVERIFY(na != as<core::ConfigMap>(*b).metadata().name());
    }

    void staleUpdateIsConflict()
    {
        auto created = m_client->create(kindOf("configmaps"), "default", configMap("a"));
        QVERIFY(created.isOk());
        core::ConfigMap first = as<core::ConfigMap>(*created);
        (*first.mutable_data())["k"] = "2";
        QVERIFY(m_client->update(kindOf("configmaps"), "default", first).isOk());
        (*first.mutable_data())["k"] = "3"; // still the old resourceVersion
        auto r = m_client->update(kindOf("configmaps"), "default", first);
        QCOMPARE(r.status().code(), Status::Code::Conflict);
        QCOMPARE(r.status().message(),
                 std::string("Operation cannot be fulfilled on configmaps \"a\": the object has "
                             "been modified; please apply your changes to the latest version and "
                             "try again"));
    }

    void updateThatChangesNothingKeepsTheRevision()
    {
        auto created = m_client->create(kindOf("configmaps"), "default", configMap("a"));
        auto again = m_client->update(kindOf("configmaps"), "default", **created);
        QVERIFY(again.isOk());
        QCOMPARE(as<core::ConfigMap>(*again).metadata().resource_version(),
                 as<core::ConfigMap>(*created).metadata().resource_version());
    }

    void specChangeBumpsGeneration()
    {
        auto d = fromYaml<apps::Deployment>(kDeploymentYaml);
        auto created = m_client->create(kindOf("deployments", "apps"), "default", d);
        QVERIFY2(created.isOk(), created.status().message().c_str());
        QCOMPARE(as<apps::Deployment>(*created).metadata().generation(), int64_t(1));
        apps::Deployment next = as<apps::Deployment>(*created);
        next.mutable_spec()->set_replicas(5);
        auto updated = m_client->update(kindOf("deployments", "apps"), "default", next);
        QVERIFY2(updated.isOk(), updated.status().message().c_str());
        QCOMPARE(as<apps::Deployment>(*updated).metadata().generation(), int64_t(2));
        // Labels are not the spec.
        next = as<apps::Deployment>(*updated);
        (*next.mutable_metadata()->mutable_labels())["x"] = "y";
        updated = m_client->update(kindOf("deployments", "apps"), "default", next);
        QCOMPARE(as<apps::Deployment>(*updated).metadata().generation(), int64_t(2));
    }

    void invalidPodCarriesCauses()
    {
        core::Pod pod;
        pod.mutable_metadata()->set_name("p");
        auto r = m_client->create(kindOf("pods"), "default", pod);
        QCOMPARE(r.status().code(), Status::Code::Invalid);
        QVERIFY(r.status().details());
        QVERIFY(!r.status().details()->causes.empty());
        QCOMPARE(r.status().details()->causes[0].field, std::string("spec.containers"));
    }

    void podIsDefaultedAndAdmitted()
    {
        auto r = m_client->create(kindOf("pods"), "default", fromYaml<core::Pod>(kPodYaml));
        QVERIFY2(r.isOk(), r.status().message().c_str());
        const auto &pod = as<core::Pod>(*r);
        QCOMPARE(pod.spec().restart_policy(), std::string("Always"));
        QCOMPARE(pod.spec().scheduler_name(), std::string("default-scheduler"));
        QCOMPARE(pod.status().phase(), std::string("Pending"));
        int tolerations = 0;
        for (const auto &t : pod.spec().tolerations())
            tolerations += t.toleration_seconds() == 300;
        QCOMPARE(tolerations, 2);
    }

    void serviceGetsAClusterIp()
    {
        core::Service svc;
        svc.mutable_metadata()->set_name("web");
        (*svc.mutable_spec()->mutable_selector())["app"] = "web";
        auto *port = svc.mutable_spec()->add_ports();
        port->set_port(80);
        auto r = m_client->create(kindOf("services"), "default", svc);
        QVERIFY2(r.isOk(), r.status().message().c_str());
        const auto &s = as<core::Service>(*r);
        QVERIFY(s.spec().cluster_ip().starts_with("10."));
        QCOMPARE(s.spec().cluster_ips_size(), 1);
        QCOMPARE(s.spec().type(), std::string("ClusterIP"));
    }

    void selectorsFilterLists_data()
    {
        QTest::addColumn<QString>("labelSelector");
        QTest::addColumn<QString>("fieldSelector");
        QTest::addColumn<int>("count");
        QTest::newRow("everything") << ""
                                    << "" << 3;
        QTest::newRow("label equality") << "app=web"
                                        << "" << 2;
        QTest::newRow("label set") << "tier in (db)"
                                   << "" << 1;
        QTest::newRow("label absent") << "!tier"
                                      << "" << 1;
        QTest::newRow("field name") << ""
                                    << "metadata.name=b" << 1;
        QTest::newRow("field not equal") << ""
                                         << "metadata.name!=b" << 2;
        QTest::newRow("both") << "app=web"
                              << "metadata.name!=a" << 1;
    }

    void selectorsFilterLists()
    {
        QFETCH(QString, labelSelector);
        QFETCH(QString, fieldSelector);
        QFETCH(int, count);
        must(m_client->create(kindOf("configmaps"), "default",
                              configMap("a", "default", {{"app", "web"}})));
        must(m_client->create(kindOf("configmaps"), "default",
                              configMap("b", "default", {{"app", "web"}, {"tier", "fe"}})));
        must(m_client->create(kindOf("configmaps"), "default",
                              configMap("c", "default", {{"app", "db"}, {"tier", "db"}})));
        client::ListOptions o;
        o.labelSelector = labelSelector.toStdString();
        o.fieldSelector = fieldSelector.toStdString();
        auto r = m_client->list(kindOf("configmaps"), "default", o);
        QVERIFY2(r.isOk(), r.status().message().c_str());
        QCOMPARE(int(r->items.size()), count);
    }

    void unsupportedFieldSelectorIsRejected()
    {
        client::ListOptions o;
        o.fieldSelector = "spec.nodeName=x";
        auto r = m_client->list(kindOf("configmaps"), "default", o);
        QCOMPARE(r.status().code(), Status::Code::InvalidArgument);
        QCOMPARE(r.status().message(), std::string("field label not supported: spec.nodeName"));
        QVERIFY(m_client->list(kindOf("pods"), "default", o).isOk());
    }

    void paginationWalksEveryObjectOnce()
    {
        for (int i = 0; i < 25; ++i)
            QVERIFY(m_client
                        ->create(kindOf("configmaps"), "default",
                                 configMap("cm-" + std::to_string(100 + i)))
                        .isOk());
        client::ListOptions o;
        o.limit = 10;
        std::set<std::string> seen;
        std::string rv;
        int pages = 0;
        while (true) {
            auto r = m_client->list(kindOf("configmaps"), "default", o);
            QVERIFY2(r.isOk(), r.status().message().c_str());
            ++pages;
            if (pages == 1) {
                QVERIFY(r->remainingItemCount.has_value());
                QCOMPARE(*r->remainingItemCount, int64_t(15));
                rv = r->resourceVersion;
                // A write between pages does not show: the list is consistent.
                must(m_client->create(kindOf("configmaps"), "default", configMap("cm-000")));
            }
            QCOMPARE(r->resourceVersion, rv);
            for (const auto &item : r->items)
                QVERIFY(seen.insert(as<core::ConfigMap>(item).metadata().name()).second);
            if (r->continueToken.empty())
                break;
            o.continueToken = r->continueToken;
        }
        QCOMPARE(pages, 3);
        QCOMPARE(int(seen.size()), 25);
    }

    void watchFromNowSeesInitialStateThenChanges()
    {
        must(m_client->create(kindOf("configmaps"), "default", configMap("a")));
        Recorder rec;
        auto w = m_client->watch(kindOf("configmaps"), "default", {}, rec.callbacks());
        QVERIFY(w.isOk());
        auto b = m_client->create(kindOf("configmaps"), "default", configMap("b"));
        core::ConfigMap changed = as<core::ConfigMap>(*b);
        (*changed.mutable_data())["k"] = "2";
        must(m_client->update(kindOf("configmaps"), "default", changed));
        must(m_client->remove(kindOf("configmaps"), "default", "a"));
        QVERIFY(rec.waitFor(4));
        using T = client::WatchEvent::Type;
        const auto s = rec.summary();
        QCOMPARE(s.size(), size_t(4));
        QCOMPARE(s[0], std::make_pair(T::Added, std::string("a")));
        QCOMPARE(s[1], std::make_pair(T::Added, std::string("b")));
        QCOMPARE(s[2], std::make_pair(T::Modified, std::string("b")));
        QCOMPARE(s[3], std::make_pair(T::Deleted, std::string("a")));
    }

    void watchFromRevisionIsResumable()
    {
        auto a = m_client->create(kindOf("configmaps"), "default", configMap("a"));
        const std::string rv = as<core::ConfigMap>(*a).metadata().resource_version();
        must(m_client->create(kindOf("configmaps"), "default", configMap("b")));
        Recorder rec;
        client::WatchOptions o;
        o.resourceVersion = rv;
        auto w = m_client->watch(kindOf("configmaps"), "default", o, rec.callbacks());
        QVERIFY(w.isOk());
        QVERIFY(rec.waitFor(1));
        QCOMPARE(rec.summary()[0].second, std::string("b")); // only what came after rv
    }

    void watchSelectorTransitionsAreAddedAndDeleted()
    {
        Recorder rec;
        client::WatchOptions o;
        o.labelSelector = "app=web";
        o.resourceVersion = std::to_string(m_store->currentRevision());
        auto w = m_client->watch(kindOf("configmaps"), "default", o, rec.callbacks());
        auto created = m_client->create(kindOf("configmaps"), "default", configMap("a"));
        core::ConfigMap cm = as<core::ConfigMap>(*created);
        (*cm.mutable_metadata()->mutable_labels())["app"] = "web";
        auto labelled = m_client->update(kindOf("configmaps"), "default", cm);
        cm = as<core::ConfigMap>(*labelled);
        cm.mutable_metadata()->mutable_labels()->clear();
        must(m_client->update(kindOf("configmaps"), "default", cm));
        QVERIFY(rec.waitFor(2));
        using T = client::WatchEvent::Type;
        const auto s = rec.summary();
        QCOMPARE(s.size(), size_t(2));
        QCOMPARE(s[0].first, T::Added);
        QCOMPARE(s[1].first, T::Deleted);
    }

    void compactedRevisionIsGone()
    {
        auto a = m_client->create(kindOf("configmaps"), "default", configMap("a"));
        const std::string rv = as<core::ConfigMap>(*a).metadata().resource_version();
        must(m_client->create(kindOf("configmaps"), "default", configMap("b")));
        QVERIFY(m_store->compact(m_store->currentRevision()).isOk());
        client::ListOptions lo;
        lo.resourceVersion = rv;
        lo.resourceVersionMatch = "Exact";
        auto l = m_client->list(kindOf("configmaps"), "default", lo);
        QCOMPARE(l.status().code(), Status::Code::Compacted);
        Recorder rec;
        client::WatchOptions wo;
        wo.resourceVersion = rv;
        auto w = m_client->watch(kindOf("configmaps"), "default", wo, rec.callbacks());
        if (w.isOk()) {
            QVERIFY(rec.waitFor(1));
            QCOMPARE(rec.events[0].type, client::WatchEvent::Type::Error);
            QCOMPARE(rec.events[0].error.code(), Status::Code::Compacted);
        } else {
            QCOMPARE(w.status().code(), Status::Code::Compacted);
        }
    }

    void boundPodIsDeletedGracefully()
    {
        auto pod = m_client->create(kindOf("pods"), "default", fromYaml<core::Pod>(kPodYaml));
        QVERIFY(pod.isOk());
        core::Binding binding;
        binding.mutable_metadata()->set_name("web");
        binding.mutable_target()->set_kind("Node");
        binding.mutable_target()->set_name("worker-1");
        auto bound =
            m_client->createSubresource(kindOf("pods"), "default", "web", "binding", binding);
        QVERIFY2(bound.isOk(), bound.status().message().c_str());
        auto again =
            m_client->createSubresource(kindOf("pods"), "default", "web", "binding", binding);
        QCOMPARE(again.status().code(), Status::Code::Conflict);

        auto deleting = m_client->remove(kindOf("pods"), "default", "web");
        QVERIFY(deleting.isOk());
        const auto &p = as<core::Pod>(*deleting);
        QVERIFY(p.metadata().has_deletion_timestamp());
        QCOMPARE(p.metadata().deletion_grace_period_seconds(), int64_t(30));
        QCOMPARE(p.spec().node_name(), std::string("worker-1"));
        QVERIFY(m_client->get(kindOf("pods"), "default", "web").isOk());
        // The kubelet confirms with a zero grace period.
        client::DeleteOptions now;
        now.gracePeriodSeconds = 0;
        QVERIFY(m_client->remove(kindOf("pods"), "default", "web", now).isOk());
        QCOMPARE(m_client->get(kindOf("pods"), "default", "web").status().code(),
                 Status::Code::NotFound);
    }

    void finalizersHoldDeletion()
    {
        core::ConfigMap cm = configMap("a");
        cm.mutable_metadata()->add_finalizers("example.com/hold");
        must(m_client->create(kindOf("configmaps"), "default", cm));
        auto deleting = m_client->remove(kindOf("configmaps"), "default", "a");
        QVERIFY(deleting.isOk());
        QVERIFY(as<core::ConfigMap>(*deleting).metadata().has_deletion_timestamp());
        core::ConfigMap released = as<core::ConfigMap>(*deleting);
        released.mutable_metadata()->clear_finalizers();
        QVERIFY(m_client->update(kindOf("configmaps"), "default", released).isOk());
        QCOMPARE(m_client->get(kindOf("configmaps"), "default", "a").status().code(),
                 Status::Code::NotFound);
    }

    void orphanPolicyAddsItsFinalizer()
    {
        must(m_client->create(kindOf("deployments", "apps"), "default",
                              fromYaml<apps::Deployment>(kDeploymentYaml)));
        client::DeleteOptions o;
        o.propagationPolicy = "Orphan";
        auto r = m_client->remove(kindOf("deployments", "apps"), "default", "web", o);
        QVERIFY(r.isOk());
        const auto &md = as<apps::Deployment>(*r).metadata();
        QCOMPARE(md.finalizers_size(), 1);
        QCOMPARE(md.finalizers(0), std::string("orphan"));
    }

    void evictionHonoursDisruptionBudgets()
    {
        auto created = m_client->create(kindOf("pods"), "default", fromYaml<core::Pod>(kPodYaml));
        QVERIFY(created.isOk());
        // A Pending pod needs no budget (as upstream): make it Running and Ready.
        core::Pod running = as<core::Pod>(*created);
        running.mutable_status()->set_phase("Running");
        auto *ready = running.mutable_status()->add_conditions();
        ready->set_type("Ready");
        ready->set_status("True");
        client::WriteOptions status;
        status.subresource = "status";
        QVERIFY(m_client->update(kindOf("pods"), "default", running, status).isOk());
        auto pdb = fromYaml<policy::PodDisruptionBudget>(R"(
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
)");
        QVERIFY(m_client->create(kindOf("poddisruptionbudgets", "policy"), "default", pdb).isOk());
        policy::Eviction eviction;
        eviction.mutable_metadata()->set_name("web");
        auto refused =
            m_client->createSubresource(kindOf("pods"), "default", "web", "eviction", eviction);
        QCOMPARE(refused.status().code(), Status::Code::ResourceExhausted);
        QCOMPARE(refused.status().message(),
                 std::string("Cannot evict pod as it would violate the pod's disruption budget."));
        QVERIFY(
            m_client->remove(kindOf("poddisruptionbudgets", "policy"), "default", "web").isOk());
        auto evicted =
            m_client->createSubresource(kindOf("pods"), "default", "web", "eviction", eviction);
        QVERIFY2(evicted.isOk(), evicted.status().message().c_str());
        QCOMPARE(m_client->get(kindOf("pods"), "default", "web").status().code(),
                 Status::Code::NotFound);
    }

    void statusAndSpecChangeThroughTheirOwnDoors()
    {
        auto created = m_client->create(kindOf("pods"), "default", fromYaml<core::Pod>(kPodYaml));
        core::Pod pod = as<core::Pod>(*created);
        pod.mutable_status()->set_phase("Running");
        pod.mutable_spec()->set_active_deadline_seconds(5);
        client::WriteOptions status;
        status.subresource = "status";
        auto r = m_client->update(kindOf("pods"), "default", pod, status);
        QVERIFY2(r.isOk(), r.status().message().c_str());
        QCOMPARE(as<core::Pod>(*r).status().phase(), std::string("Running"));
        QVERIFY(!as<core::Pod>(*r).spec().has_active_deadline_seconds());
        pod = as<core::Pod>(*r);
        pod.mutable_status()->set_phase("Failed");
        r = m_client->update(kindOf("pods"), "default", pod);
        QVERIFY2(r.isOk(), r.status().message().c_str());
        QCOMPARE(as<core::Pod>(*r).status().phase(), std::string("Running"));
    }

    void scaleSubresource()
    {
        must(m_client->create(kindOf("deployments", "apps"), "default",
                              fromYaml<apps::Deployment>(kDeploymentYaml)));
        auto r =
            m_client->patch(kindOf("deployments", "apps"), "default", "web",
                            client::PatchType::Merge, R"({"spec":{"replicas":7}})", scaleWrite());
        QVERIFY2(r.isOk(), r.status().message().c_str());
        auto d = m_client->get(kindOf("deployments", "apps"), "default", "web");
        QCOMPARE(as<apps::Deployment>(*d).spec().replicas(), 7);
    }

    void patchTypes_data()
    {
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("patch");
        QTest::addColumn<QString>("image");
        QTest::addColumn<int>("containers");
        QTest::newRow("merge replaces lists")
            << int(client::PatchType::Merge)
            << R"({"spec":{"template":{"spec":{"containers":[{"name":"side","image":"busybox"}]}}}})"
            << "busybox" << 1;
        QTest::newRow("strategic merges containers by name")
            << int(client::PatchType::StrategicMerge)
            << R"({"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.26"}]}}}})"
            << "nginx:1.26" << 1;
        QTest::newRow("strategic adds a container")
            << int(client::PatchType::StrategicMerge)
            << R"({"spec":{"template":{"spec":{"containers":[{"name":"side","image":"busybox"}]}}}})"
            << "nginx:1.25" << 2;
        QTest::newRow("json patch")
            << int(client::PatchType::Json)
            << R"([{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"x:1"}])"
            << "x:1" << 1;
    }

    void patchTypes()
    {
        QFETCH(int, type);
        QFETCH(QString, patch);
        QFETCH(QString, image);
        QFETCH(int, containers);
        must(m_client->create(kindOf("deployments", "apps"), "default",
                              fromYaml<apps::Deployment>(kDeploymentYaml)));
        auto r = m_client->patch(kindOf("deployments", "apps"), "default", "web",
                                 client::PatchType(type), patch.toStdString());
        QVERIFY2(r.isOk(), r.status().message().c_str());
        const auto &spec = as<apps::Deployment>(*r).spec().template_().spec();
        QCOMPARE(spec.containers_size(), containers);
        QString webImage;
        for (const auto &c : spec.containers())
            if (c.name() == "web" || containers == 1)
                webImage = QString::fromStdString(c.image());
        QCOMPARE(webImage, image);
    }

    void viewerCannotWrite()
    {
        auto viewer = m_server->localClient("viewer", Role::Viewer);
        QVERIFY(viewer->list(kindOf("configmaps"), "default", {}).isOk());
        auto r = viewer->create(kindOf("configmaps"), "default", configMap("a"));
        QCOMPARE(r.status().code(), Status::Code::PermissionDenied);
        QCOMPARE(r.status().message(),
                 std::string("configmaps is forbidden: User \"viewer\" cannot create resource "
                             "\"configmaps\" in API group \"\" in the namespace \"default\""));
    }

    void stoppedApiServerRefusesEveryone()
    {
        Recorder rec;
        bool closed = false;
        client::WatchCallbacks c = rec.callbacks();
        c.onClosed = [&closed] { closed = true; };
        auto w = m_client->watch(kindOf("configmaps"), "default", {}, c);
        QVERIFY(w.isOk());
        m_server->stopServing();
        QVERIFY(closed);
        QCOMPARE(m_client->list(kindOf("configmaps"), "default", {}).status().code(),
                 Status::Code::Unavailable);
        m_server->startServing();
        QVERIFY(m_client->list(kindOf("configmaps"), "default", {}).isOk());
    }

    void stoppedStoreIsServiceUnavailable()
    {
        m_store->stop();
        auto r = m_client->create(kindOf("configmaps"), "default", configMap("a"));
        QCOMPARE(r.status().code(), Status::Code::Unavailable);
        m_store->start();
        QVERIFY(m_client->create(kindOf("configmaps"), "default", configMap("a")).isOk());
    }

    void terminatingNamespaceTakesNoNewContent()
    {
        core::Namespace ns;
        ns.mutable_metadata()->set_name("doomed");
        QVERIFY(m_client->create(kindOf("namespaces"), "", ns).isOk());
        auto d = m_client->remove(kindOf("namespaces"), "", "doomed");
        QVERIFY(d.isOk());
        QCOMPARE(as<core::Namespace>(*d).status().phase(), std::string("Terminating"));
        auto r = m_client->create(kindOf("configmaps"), "doomed", configMap("a", "doomed"));
        QCOMPARE(r.status().code(), Status::Code::PermissionDenied);
        QVERIFY(r.status().message().find("because it is being terminated") != std::string::npos);
        QCOMPARE(m_client->remove(kindOf("namespaces"), "", "default").status().code(),
                 Status::Code::PermissionDenied);
    }

    void everyRequestIsRecorded()
    {
        auto sub = m_server->activity().subscribe();
        must(m_client->create(kindOf("configmaps"), "default", configMap("a")));
        QVERIFY(!m_client->get(kindOf("configmaps"), "default", "missing").isOk());
        uint64_t dropped = 1;
        auto records = sub->take(&dropped);
        QCOMPARE(dropped, uint64_t(0));
        QCOMPARE(records.size(), size_t(2));
        QCOMPARE(records[0].actor, std::string("tester"));
        QCOMPARE(records[0].verb, std::string("create"));
        QCOMPARE(records[0].resource, std::string("configmaps"));
        QCOMPARE(records[0].code, 200);
        QCOMPARE(records[1].code, 404);
    }

    void slowActivitySubscriberLosesOldestRecords()
    {
        ActivityStream stream;
        auto sub = stream.subscribe(3);
        for (int i = 0; i < 5; ++i)
            stream.record({});
        uint64_t dropped = 0;
        auto records = sub->take(&dropped);
        QCOMPARE(records.size(), size_t(3));
        QCOMPARE(dropped, uint64_t(2));
        QCOMPARE(records[0].sequence, uint64_t(3));
    }
};

QTEST_GUILESS_MAIN(TestRegistry)
#include "tst_registry.moc"
