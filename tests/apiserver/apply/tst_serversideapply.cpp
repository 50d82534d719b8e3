// Server-side apply and managedFields through LocalClient (the in-process
// door) over a real store and a FakeClock: ownership recorded by every
// write, conflicts, force, removal of dropped fields and the merge of lists
// and maps by the schema's keys.

#include "tests/testing/localapi.h"

#include "backend/api/jsoncodec.h"
#include "backend/api/yamlcodec.h"
#include "backend/apiserver/apiserver.h"
#include "backend/store/store.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QTest>

using namespace kubist;
using namespace kubist::apiserver;
namespace core = k8s::io::api::core::v1;
namespace apps = k8s::io::api::apps::v1;
using Json = nlohmann::json;

namespace {

const api::KindInfo &kindOf(const std::string &resource)
{
    const std::string group = resource == "deployments" ? "apps" : "";
    return *api::Scheme::builtin().byResource(group, resource);
}

// ' stands for " in test data (no escaped quotes in this file).
std::string q(const QString &text)
{
    std::string s = text.toStdString();
    std::replace(s.begin(), s.end(), '\'', '"');
    return s;
}

QString qs(const QString &text)
{
    return QString::fromStdString(q(text));
}

// A manifest: the header lines of every test object, then `body` (YAML
// indented as under the top level).
QString configMap(const QString &body)
{
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n" + body;
}

QString deployment(const QString &containers, const QString &extraSpec = {})
{
    return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n" + extraSpec +
           "  selector:\n    matchLabels: {app: d}\n  template:\n    metadata:\n"
           "      labels: {app: d}\n    spec:\n      containers:\n" +
           containers;
}

QString container(const QString &name, const QString &image, const QString &extra = {})
{
    return "      - name: " + name + "\n        image: " + image + "\n" + extra;
}

} // namespace

class TestServerSideApply : public QObject
{
    Q_OBJECT

    kubist::testing::LocalApi m_api;
    FakeClock &m_clock = m_api.clock;
    std::unique_ptr<store::Store> &m_store = m_api.store;
    std::unique_ptr<ApiServer> &m_server = m_api.server;
    std::unique_ptr<client::Client> &m_client = m_api.client;

    Result<client::ObjectPtr> apply(const std::string &resource, const std::string &name,
                                    const QString &yaml, const std::string &manager,
                                    bool force = false, bool dryRun = false)
    {
        client::WriteOptions o;
        o.fieldManager = manager;
        o.force = force;
        o.dryRun = dryRun;
        return m_client->patch(kindOf(resource), "default", name, client::PatchType::Apply,
                               yaml.toStdString(), o);
    }

    Json jsonOf(const std::string &resource, const std::string &name)
    {
        auto r = m_client->get(kindOf(resource), "default", name, {});
        if (!r)
            return Json();
        return Json::parse(api::JsonCodec::encode(**r));
    }

    // manager/operation[/subresource] -> FieldsV1 JSON text.
    std::map<std::string, std::string> ledger(const std::string &resource, const std::string &name)
    {
        std::map<std::string, std::string> out;
        const Json obj = jsonOf(resource, name);
        if (!obj.contains("metadata") || !obj["metadata"].contains("managedFields"))
            return out;
        for (const Json &e : obj["metadata"]["managedFields"]) {
            std::string key =
                e["manager"].get<std::string>() + "/" + e["operation"].get<std::string>();
            if (e.contains("subresource"))
                key += "/" + e["subresource"].get<std::string>();
            out[key] = e["fieldsV1"].dump();
        }
        return out;
    }

    // Runs one step: "apply MANAGER", "force MANAGER", "merge MANAGER"
    // (a merge patch as an Update), "create MANAGER" (a create by POST).
    Result<client::ObjectPtr> step(const std::string &resource, const std::string &name,
                                   const QString &stepText)
    {
        const int nl = stepText.indexOf('\n');
        const QStringList head = stepText.left(nl).split(' ');
        const QString body = stepText.mid(nl + 1);
        const std::string op = head[0].toStdString(), manager = head[1].toStdString();
        if (op == "apply" || op == "force")
            return apply(resource, name, body, manager, op == "force");
        client::WriteOptions o;
        o.fieldManager = manager;
        if (op == "merge")
            return m_client->patch(kindOf(resource), "default", name, client::PatchType::Merge,
                                   q(body), o);
        std::unique_ptr<google::protobuf::Message> m =
            api::Scheme::newMessage(kindOf(resource).descriptor);
        if (Status s = api::YamlCodec::decode(body.toStdString(), m.get()); !s)
            return s;
        return m_client->create(kindOf(resource), "default", *m, o);
    }

private slots:
    void init()
    {
        const std::string error = m_api.open();
        QVERIFY2(error.empty(), error.c_str());
    }

    void cleanup() { m_api.close(); }

    // Each row runs its steps in order (every step but the last must
    // succeed); the last one fails with `error` (a substring) or succeeds,
    // and then every expectation "/json/pointer=<JSON>" or "!/pointer"
    // (absent) holds on the stored object.
    void applySemantics_data()
    {
        QTest::addColumn<QString>("resource");
        QTest::addColumn<QStringList>("steps");
        QTest::addColumn<QString>("error");
        QTest::addColumn<QStringList>("expect");

        const QString cm = "configmaps", deploy = "deployments";
        QTest::newRow("apply of a missing object creates it")
            << cm << QStringList{"apply a\n" + configMap("data: {x: '1'}\n")} << QString()
            << QStringList{"/data/x='1'", "/metadata/managedFields/0/manager='a'",
                           "/metadata/managedFields/0/operation='Apply'"};
        QTest::newRow("another applier setting a different value conflicts")
            << cm
            << QStringList{"apply a\n" + configMap("data: {x: '1'}\n"),
                           "apply b\n" + configMap("data: {x: '2'}\n")}
            << QString("Apply failed with 1 conflict: conflict with 'a': .data.x")
            << QStringList{"/data/x='1'"};
        QTest::newRow("an updater's field conflicts, naming its api version")
            << cm
            << QStringList{"apply a\n" + configMap("data: {x: '1'}\n"),
                           "merge editor\n{'data':{'x':'5'}}",
                           "apply a\n" + configMap("data: {x: '1'}\n")}
            << QString("Apply failed with 1 conflict: conflict with 'editor' using v1: .data.x")
            << QStringList{};
        QTest::newRow("force takes ownership")
            << cm
            << QStringList{"apply a\n" + configMap("data: {x: '1'}\n"),
                           "force b\n" + configMap("data: {x: '2'}\n"),
                           "apply a\n" + configMap("data: {w: '3'}\n")}
            << QString() << QStringList{"/data/x='2'", "/data/w='3'"};
        QTest::newRow("after force the former owner conflicts")
            << cm
            << QStringList{"apply a\n" + configMap("data: {x: '1'}\n"),
                           "force b\n" + configMap("data: {x: '2'}\n"),
                           "apply a\n" + configMap("data: {x: '1'}\n")}
            << QString("conflict with 'b': .data.x") << QStringList{};
        QTest::newRow("same value from two appliers is shared")
            << cm
            << QStringList{"apply a\n" + configMap("data: {x: '1', w: '1'}\n"),
                           "apply b\n" + configMap("data: {x: '1'}\n"),
                           "apply a\n" + configMap("data: {w: '1'}\n")}
            << QString() << QStringList{"/data/x='1'", "/data/w='1'"};
        QTest::newRow("a dropped field nobody else owns is removed")
            << cm
            << QStringList{"apply a\n" + configMap("data: {x: '1', w: '2'}\n"),
                           "apply a\n" + configMap("data: {x: '1'}\n")}
            << QString() << QStringList{"/data/x='1'", "!/data/w"};
        QTest::newRow("a dropped field another manager owns stays")
            << cm
            << QStringList{"apply a\n" + configMap("data: {x: '1', w: '2'}\n"),
                           "merge editor\n{'data':{'w':'7'}}",
                           "apply a\n" + configMap("data: {x: '1'}\n")}
            << QString() << QStringList{"/data/x='1'", "/data/w='7'"};
        QTest::newRow("labels merge key by key")
            << cm
            << QStringList{"apply a\n" + configMap("  labels: {x: '1'}\n"),
                           "apply b\n" + configMap("  labels: {w: '2'}\n"),
                           "apply a\n" + configMap("  labels: {z: '3'}\n")}
            << QString()
            << QStringList{"!/metadata/labels/x", "/metadata/labels/w='2'",
                           "/metadata/labels/z='3'"};
        QTest::newRow("finalizers merge as a set")
            << cm
            << QStringList{"apply a\n" + configMap("  finalizers: [f/a]\n"),
                           "apply b\n" + configMap("  finalizers: [f/b]\n"),
                           "apply a\n" + configMap("  finalizers: [f/c]\n")}
            << QString() << QStringList{"/metadata/finalizers=['f/b','f/c']"};
        QTest::newRow("containers merge by name")
            << deploy
            << QStringList{"apply a\n" + deployment(container("web", "nginx:1")),
                           "apply b\n" + deployment(container("side", "busybox:1"))}
            << QString()
            << QStringList{"/spec/template/spec/containers/0/name='web'",
                           "/spec/template/spec/containers/1/name='side'",
                           "/spec/template/spec/containers/1/image='busybox:1'"};
        QTest::newRow("changing another applier's container image conflicts")
            << deploy
            << QStringList{"apply a\n" + deployment(container("web", "nginx:1")),
                           "apply b\n" + deployment(container("web", "nginx:2"))}
            << QString("conflict with 'a': .spec.template.spec.containers[name='web'].image")
            << QStringList{};
        QTest::newRow("a dropped container is removed, defaults and all")
            << deploy
            << QStringList{"apply a\n" + deployment(container("web", "nginx:1") +
                                                    container("side", "busybox:1")),
                           "apply a\n" + deployment(container("web", "nginx:1"))}
            << QString()
            << QStringList{"/spec/template/spec/containers/0/name='web'",
                           "!/spec/template/spec/containers/1"};
        QTest::newRow("ports merge by containerPort and protocol")
            << deploy
            << QStringList{"apply a\n" +
                               deployment(container("web", "nginx:1",
                                                    "        ports: [{containerPort: 80}]\n")),
                           "apply b\n" +
                               deployment(container("web", "nginx:1",
                                                    "        ports: [{containerPort: 80, protocol: "
                                                    "UDP}]\n"))}
            << QString()
            << QStringList{"/spec/template/spec/containers/0/ports/0/protocol='TCP'",
                           "/spec/template/spec/containers/0/ports/1/protocol='UDP'"};
        QTest::newRow("env merges by name")
            << deploy
            << QStringList{"apply a\n" + deployment(container("web", "nginx:1",
                                                              "        env: [{name: A, value: "
                                                              "'1'}]\n")),
                           "apply b\n" + deployment(container("web", "nginx:1",
                                                              "        env: [{name: B, value: "
                                                              "'2'}]\n"))}
            << QString()
            << QStringList{"/spec/template/spec/containers/0/env/0/name='A'",
                           "/spec/template/spec/containers/0/env/1/name='B'"};
        QTest::newRow("an atomic list is replaced whole by its owner")
            << deploy
            << QStringList{"apply a\n" +
                               deployment(container("web", "nginx:1", "        command: [a, b]\n")),
                           "apply a\n" +
                               deployment(container("web", "nginx:1", "        command: [c]\n"))}
            << QString() << QStringList{"/spec/template/spec/containers/0/command=['c']"};
        QTest::newRow("an atomic list owned by another conflicts whole")
            << deploy
            << QStringList{"apply a\n" +
                               deployment(container("web", "nginx:1", "        command: [a, b]\n")),
                           "apply b\n" +
                               deployment(container("web", "nginx:1", "        command: [a]\n"))}
            << QString("conflict with 'a': .spec.template.spec.containers[name='web'].command")
            << QStringList{};
        QTest::newRow("replicas set by an update conflicts with an apply")
            << deploy
            << QStringList{"apply a\n" + deployment(container("web", "nginx:1"), "  replicas: 2\n"),
                           "merge kubectl-scale\n{'spec':{'replicas':5}}",
                           "apply a\n" + deployment(container("web", "nginx:1"), "  replicas: 3\n")}
            << QString("conflict with 'kubectl-scale' using apps/v1: .spec.replicas")
            << QStringList{"/spec/replicas=5"};
        QTest::newRow("client-side apply fields at their values do not conflict for kubectl")
            << cm
            << QStringList{"create kubectl-client-side-apply\n" +
                               configMap("  annotations:\n"
                                         "    kubectl.kubernetes.io/last-applied-configuration: "
                                         "'{\"apiVersion\":\"v1\",\"data\":{\"x\":\"1\"},"
                                         "\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\"}}'"
                                         "\ndata: {x: '1'}\n"),
                           "apply kubectl\n" + configMap("data: {x: '2'}\n")}
            << QString() << QStringList{"/data/x='2'"};
        QTest::newRow("an apply over fields set before any apply conflicts with them")
            << cm
            << QStringList{"create someone\n" + configMap("data: {x: '1'}\n"),
                           "apply a\n" + configMap("data: {x: '2'}\n")}
            << QString("conflict with 'someone' using v1: .data.x") << QStringList{};
    }
    void applySemantics()
    {
        QFETCH(QString, resource);
        QFETCH(QStringList, steps);
        QFETCH(QString, error);
        QFETCH(QStringList, expect);
        const std::string res = resource.toStdString();
        const std::string name = res == "configmaps" ? "cm" : "d";
        for (int i = 0; i < steps.size(); ++i) {
            m_clock.advance(std::chrono::seconds(1));
            Result<client::ObjectPtr> r = step(res, name, steps[i]);
            if (i + 1 < steps.size() || error.isEmpty()) {
                QVERIFY2(r.isOk(),
                         qPrintable(QString("step %1: %2")
                                        .arg(i)
                                        .arg(QString::fromStdString(r.status().message()))));
                continue;
            }
            QVERIFY2(!r.isOk(), "the last step should fail");
            QCOMPARE(r.status().code(), Status::Code::Conflict);
            QVERIFY2(r.status().message().find(q(error)) != std::string::npos,
                     r.status().message().c_str());
        }
        const Json obj = jsonOf(res, name);
        for (const QString &e : expect) {
            if (e.startsWith('!')) {
                QVERIFY2(!obj.contains(Json::json_pointer(e.mid(1).toStdString())),
                         qPrintable(e + " in " + QString::fromStdString(obj.dump())));
                continue;
            }
            const int eq = e.indexOf('=');
            const Json::json_pointer ptr(e.left(eq).toStdString());
            QVERIFY2(obj.contains(ptr),
                     qPrintable(e + " in " + QString::fromStdString(obj.dump())));
            QCOMPARE(QString::fromStdString(obj[ptr].dump()),
                     QString::fromStdString(Json::parse(q(e.mid(eq + 1))).dump()));
        }
    }

    void conflictCarriesCausesPerField()
    {
        QVERIFY(apply("configmaps", "cm", configMap("data: {x: '1', w: '1'}\n"), "a").isOk());
        auto r = apply("configmaps", "cm", configMap("data: {x: '2', w: '2'}\n"), "b");
        QVERIFY(!r.isOk());
        QCOMPARE(r.status().code(), Status::Code::Conflict);
        QCOMPARE(r.status().message(), q("Apply failed with 2 conflicts: conflicts with 'a':\n"
                                         "- .data.w\n- .data.x"));
        QVERIFY(r.status().details());
        const auto &causes = r.status().details()->causes;
        QCOMPARE(causes.size(), size_t(2));
        QCOMPARE(causes[0].reason, std::string("FieldManagerConflict"));
        QCOMPARE(causes[0].message, q("conflict with 'a'"));
        QCOMPARE(causes[0].field, std::string(".data.w"));
        QCOMPARE(causes[1].field, std::string(".data.x"));
    }

    void updatesAreRecordedPerManager()
    {
        core::ConfigMap cm;
        cm.mutable_metadata()->set_name("cm");
        (*cm.mutable_metadata()->mutable_labels())["app"] = "x";
        (*cm.mutable_data())["a"] = "1";
        (*cm.mutable_data())["b"] = "1";
        client::WriteOptions alice;
        alice.fieldManager = "alice";
        QVERIFY(m_client->create(kindOf("configmaps"), "default", cm, alice).isOk());
        auto l = ledger("configmaps", "cm");
        QCOMPARE(l.size(), size_t(1));
        QCOMPARE(l["alice/Update"],
                 q("{'f:data':{'.':{},'f:a':{},'f:b':{}},'f:metadata':{'f:labels':{'.':{},"
                   "'f:app':{}}}}"));

        client::WriteOptions bob;
        bob.fieldManager = "bob";
        QVERIFY(m_client
                    ->patch(kindOf("configmaps"), "default", "cm", client::PatchType::Merge,
                            q("{'data':{'b':'2'}}"), bob)
                    .isOk());
        l = ledger("configmaps", "cm");
        QCOMPARE(l["alice/Update"],
                 q("{'f:data':{'.':{},'f:a':{}},'f:metadata':{'f:labels':{'.':{},'f:app':{}}}}"));
        QCOMPARE(l["bob/Update"], q("{'f:data':{'f:b':{}}}"));

        // Without a field manager the in-process identity is the manager.
        QVERIFY(m_client
                    ->patch(kindOf("configmaps"), "default", "cm", client::PatchType::Merge,
                            q("{'data':{'a':null}}"), {})
                    .isOk());
        l = ledger("configmaps", "cm");
        QCOMPARE(l["alice/Update"],
                 q("{'f:data':{},'f:metadata':{'f:labels':{'.':{},'f:app':{}}}}"));
        QVERIFY(!l.count("tester/Update")); // removing a field owns nothing
    }

    void statusWritesAreRecordedWithTheirSubresource()
    {
        core::Pod pod;
        pod.mutable_metadata()->set_name("p");
        auto *c = pod.mutable_spec()->add_containers();
        c->set_name("web");
        c->set_image("nginx");
        auto created = m_client->create(kindOf("pods"), "default", pod, {});
        QVERIFY(created.isOk());
        core::Pod update = static_cast<const core::Pod &>(**created);
        update.mutable_status()->set_phase("Running");
        update.mutable_status()->set_pod_ip("10.0.0.5");
        client::WriteOptions o;
        o.subresource = "status";
        o.fieldManager = "kubelet";
        QVERIFY(m_client->update(kindOf("pods"), "default", update, o).isOk());
        auto l = ledger("pods", "p");
        QVERIFY(l.count("tester/Update"));
        QVERIFY(l["tester/Update"].find("f:status") == std::string::npos);
        QCOMPARE(l["kubelet/Update/status"], q("{'f:status':{'f:phase':{},'f:podIP':{}}}"));
    }

    void updateEntriesAreCappedAtTen()
    {
        QVERIFY(apply("configmaps", "cm", configMap("data: {x: '1'}\n"), "a").isOk());
        for (int i = 0; i < 12; ++i) {
            m_clock.advance(std::chrono::seconds(1));
            client::WriteOptions o;
            o.fieldManager = "m" + std::to_string(i);
            QVERIFY(m_client
                        ->patch(kindOf("configmaps"), "default", "cm", client::PatchType::Merge,
                                q("{'data':{'k" + QString::number(i) + "':'v'}}"), o)
                        .isOk());
        }
        const auto l = ledger("configmaps", "cm");
        QCOMPARE(l.size(), size_t(11)); // the applier and ten updaters
        QVERIFY(l.count("a/Apply"));
        QVERIFY(l.count("ancient-changes/Update"));
        QCOMPARE(l.at("ancient-changes/Update"), q("{'f:data':{'f:k0':{},'f:k1':{},'f:k2':{}}}"));
        QVERIFY(l.count("m11/Update"));
        QVERIFY(!l.count("m0/Update"));
    }

    void managedFieldsInAnUpdateBody_data()
    {
        QTest::addColumn<QString>("managedFields");
        QTest::addColumn<QString>("expected");
        QTest::newRow("absent: the stored ledger stays")
            << QString() << qs("{'a/Apply':{'f:data':{'f:x':{}}}}");
        QTest::newRow("a single empty entry resets them") << QString("[{}]") << QString("{}");
        QTest::newRow("a valid ledger replaces them")
            << qs("[{'manager':'z','operation':'Update','apiVersion':'v1','fieldsType':"
                  "'FieldsV1','fieldsV1':{'f:data':{'f:x':{}}}}]")
            << qs("{'z/Update':{'f:data':{'f:x':{}}}}");
        QTest::newRow("an invalid ledger is ignored") << qs("[{'manager':'z','operation':'Bogus'}]")
                                                      << qs("{'a/Apply':{'f:data':{'f:x':{}}}}");
    }
    void managedFieldsInAnUpdateBody()
    {
        QFETCH(QString, managedFields);
        QFETCH(QString, expected);
        QVERIFY(apply("configmaps", "cm", configMap("data: {x: '1'}\n"), "a").isOk());
        const std::string patch = managedFields.isEmpty() ? q("{'metadata':{'labels':null}}")
                                                          : q("{'metadata':{'managedFields':") +
                                                                managedFields.toStdString() + "}}";
        QVERIFY(
            m_client
                ->patch(kindOf("configmaps"), "default", "cm", client::PatchType::Merge, patch, {})
                .isOk());
        Json got = Json::object();
        for (const auto &[k, v] : ledger("configmaps", "cm"))
            got[k] = Json::parse(v);
        QCOMPARE(QString::fromStdString(got.dump()),
                 QString::fromStdString(Json::parse(expected.toStdString()).dump()));
    }

    void applyTwiceWritesOnce()
    {
        const QString yaml = configMap("data: {x: '1'}\n");
        auto first = apply("configmaps", "cm", yaml, "a");
        QVERIFY(first.isOk());
        m_clock.advance(std::chrono::seconds(5));
        auto second = apply("configmaps", "cm", yaml, "a");
        QVERIFY(second.isOk());
        QCOMPARE(static_cast<const core::ConfigMap &>(**second).metadata().resource_version(),
                 static_cast<const core::ConfigMap &>(**first).metadata().resource_version());
    }

    void refusedRequestsChangeNothing_data()
    {
        QTest::addColumn<QString>("body");
        QTest::addColumn<QString>("manager");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing field manager")
            << configMap("data: {x: '2'}\n") << QString()
            << QString("fieldManager is required for apply requests");
        QTest::newRow("malformed YAML") << QString("apiVersion: v1\nkind: [ConfigMap\n")
                                        << QString("a") << QString("error decoding YAML");
        QTest::newRow("kind mismatch")
            << QString("apiVersion: v1\nkind: Secret\nmetadata: {name: cm}\n") << QString("a")
            << QString("Incorrect kind specified in apply patch");
        QTest::newRow("api version mismatch")
            << QString("apiVersion: apps/v1\nkind: ConfigMap\nmetadata: {name: cm}\n")
            << QString("a") << QString("Incorrect version specified in apply patch");
        QTest::newRow("unknown field")
            << configMap("bogus: 1\n") << QString("a") << QString("bogus");
        QTest::newRow("managedFields in the body")
            << configMap("  managedFields: [{manager: x}]\n") << QString("a")
            << QString("metadata.managedFields must be nil");
        QTest::newRow("name differs from the URL")
            << QString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\n") << QString("a")
            << QString("does not match the name on the URL");
    }
    void refusedRequestsChangeNothing()
    {
        QFETCH(QString, body);
        QFETCH(QString, manager);
        QFETCH(QString, message);
        QVERIFY(apply("configmaps", "cm", configMap("data: {x: '1'}\n"), "a").isOk());
        const Json before = jsonOf("configmaps", "cm");
        auto r = apply("configmaps", "cm", body, manager.toStdString());
        QVERIFY(!r.isOk());
        QCOMPARE(r.status().code(), Status::Code::InvalidArgument);
        QVERIFY2(r.status().message().find(message.toStdString()) != std::string::npos,
                 r.status().message().c_str());
        QVERIFY(jsonOf("configmaps", "cm") == before);
    }

    void dryRunStoresNothing_data()
    {
        QTest::addColumn<bool>("exists");
        QTest::newRow("apply that would create") << false;
        QTest::newRow("apply that would change") << true;
    }
    void dryRunStoresNothing()
    {
        QFETCH(bool, exists);
        if (exists)
            QVERIFY(apply("configmaps", "cm", configMap("data: {x: '1'}\n"), "a").isOk());
        const Json before = jsonOf("configmaps", "cm");
        auto r = apply("configmaps", "cm", configMap("data: {x: '1', w: '2'}\n"), "a", false, true);
        QVERIFY2(r.isOk(), r.status().message().c_str());
        QCOMPARE(static_cast<const core::ConfigMap &>(**r).data().at("w"), std::string("2"));
        QVERIFY(jsonOf("configmaps", "cm") == before);
    }
};

QTEST_GUILESS_MAIN(TestServerSideApply)
#include "tst_serversideapply.moc"
