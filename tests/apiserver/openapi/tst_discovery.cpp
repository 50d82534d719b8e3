#include "referencejson.h"

#include "backend/api/scheme.h"
#include "backend/apiserver/openapi/discovery.h"

#include <QTest>

using nlohmann::json;
using namespace kubist;
using namespace kubist::apiserver;
using kubist::test::findBy;
using kubist::test::parseJson;
using kubist::test::referenceJson;

namespace {

const discovery::Kinds &kinds()
{
    return api::Scheme::builtin().kinds();
}

QString show(const json &j)
{
    return QString::fromStdString(j.dump());
}

// Every key of `reference` that `ours` has holds a value of the same JSON type.
void compareShapes(const json &ours, const json &reference, const QString &where)
{
    for (auto &[key, value] : reference.items()) {
        if (!ours.contains(key))
            continue;
        if (ours[key].type() != value.type())
            QFAIL(qPrintable(where + "." + QString::fromStdString(key) + ": " + show(ours[key]) +
                             " vs " + show(value)));
    }
}

} // namespace

class TestDiscovery : public QObject
{
    Q_OBJECT

private slots:
    void resourceListMatchesReference_data();
    void resourceListMatchesReference();
    void groupListMatchesReference();
    void groupMatchesReference();
    void aggregatedMatchesReference_data();
    void aggregatedMatchesReference();
    void legacyAggregatedListsCoreResources();
    void apiVersionsListsV1();
    void versionReportsKubernetes132();
    void unknownGroupVersionIsNotFound_data();
    void unknownGroupVersionIsNotFound();
    void subresourceBodiesAddNoGroup();
    void extraKindsAddTheirGroup();
};

void TestDiscovery::resourceListMatchesReference_data()
{
    QTest::addColumn<QString>("groupVersion");
    QTest::addColumn<QString>("file");
    QTest::newRow("core v1") << "v1"
                             << "discovery/api__v1.json";
    QTest::newRow("apps/v1") << "apps/v1"
                             << "discovery/apis__apps__v1.json";
    QTest::newRow("policy/v1") << "policy/v1"
                               << "discovery/apis__policy__v1.json";
    QTest::newRow("coordination.k8s.io/v1") << "coordination.k8s.io/v1"
                                            << "discovery/apis__coordination.k8s.io__v1.json";
    QTest::newRow("discovery.k8s.io/v1") << "discovery.k8s.io/v1"
                                         << "discovery/apis__discovery.k8s.io__v1.json";
}

// Every resource and subresource Kubist serves is listed as kube-apiserver
// lists it: the fields kubectl reads (name, singularName, namespaced, kind,
// verbs, shortNames, categories, group/version of subresource bodies, the
// storage version hash) are equal.
void TestDiscovery::resourceListMatchesReference()
{
    QFETCH(QString, groupVersion);
    QFETCH(QString, file);
    const json reference = referenceJson(file);
    if (reference.is_discarded())
        QSKIP("reference file missing");
    Result<std::string> text = discovery::apiResourceListJson(kinds(), groupVersion.toStdString());
    QVERIFY2(text.isOk(), text.status().message().c_str());
    const json ours = parseJson(*text);
    QVERIFY(ours.is_object());
    for (const char *key : {"kind", "groupVersion", "apiVersion"})
        QCOMPARE(ours.contains(key), reference.contains(key));
    KUBIST_COMPARE_JSON(ours["kind"], reference["kind"]);
    KUBIST_COMPARE_JSON(ours["groupVersion"], reference["groupVersion"]);
    QVERIFY(!ours["resources"].empty());
    for (const json &r : ours["resources"]) {
        const std::string name = r["name"];
        const json *ref = findBy(reference["resources"], "name", name);
        if (!ref) {
            // Kubist-only subresources (pods/portforward is upstream's too).
            QVERIFY2(name.find('/') != std::string::npos, name.c_str());
            continue;
        }
        const QString where = QString::fromStdString(name);
        compareShapes(r, *ref, where);
        for (auto &[key, value] : ref->items())
            QVERIFY2(r.contains(key), qPrintable(where + " lacks " + QString::fromStdString(key)));
        for (auto &[key, value] : r.items())
            QVERIFY2(ref->contains(key),
                     qPrintable(where + " has extra " + QString::fromStdString(key)));
        // storageVersionHash depends on the storage version, which upstream
        // sometimes keeps older than the served one; only its shape matters.
        if (ref->contains("storageVersionHash"))
            QCOMPARE(r["storageVersionHash"].get<std::string>().size(), size_t(12));
        for (const char *key :
             {"singularName", "namespaced", "kind", "shortNames", "categories", "group", "version"})
            if (ref->contains(key))
                QVERIFY2(r[key] == (*ref)[key], qPrintable(where + "." + key + ": " + show(r[key]) +
                                                           " vs " + show((*ref)[key])));
        QVERIFY2(r["verbs"] == (*ref)["verbs"],
                 qPrintable(where + " verbs " + show(r["verbs"]) + " vs " + show((*ref)["verbs"])));
    }
}

void TestDiscovery::groupListMatchesReference()
{
    const json reference = referenceJson("discovery/apis.json");
    if (reference.is_discarded())
        QSKIP("reference file missing");
    const json ours = parseJson(discovery::apiGroupListJson(kinds()));
    KUBIST_COMPARE_JSON(ours["kind"], reference["kind"]);
    KUBIST_COMPARE_JSON(ours["apiVersion"], reference["apiVersion"]);
    // apps, coordination, policy, discovery, and Kubist's own kubist.io.
    QCOMPARE(ours["groups"].size(), size_t(5));
    for (const json &g : ours["groups"]) {
        if (g["name"] == "kubist.io") {
            KUBIST_COMPARE_JSON(g["preferredVersion"]["groupVersion"], json("kubist.io/v1alpha1"));
            continue;
        }
        const json *ref = findBy(reference["groups"], "name", g["name"]);
        QVERIFY2(ref, g.dump().c_str());
        KUBIST_COMPARE_JSON(g["preferredVersion"], (*ref)["preferredVersion"]);
        for (const json &v : g["versions"])
            QVERIFY2(std::find((*ref)["versions"].begin(), (*ref)["versions"].end(), v) !=
                         (*ref)["versions"].end(),
                     v.dump().c_str());
    }
}

void TestDiscovery::groupMatchesReference()
{
    const json reference = referenceJson("discovery/apis__apps.json");
    if (reference.is_discarded())
        QSKIP("reference file missing");
    Result<std::string> text = discovery::apiGroupJson(kinds(), "apps");
    QVERIFY(text.isOk());
    KUBIST_COMPARE_JSON(parseJson(*text), reference);
}

void TestDiscovery::aggregatedMatchesReference_data()
{
    QTest::addColumn<int>("version");
    QTest::newRow("v2") << int(discovery::AggregatedVersion::V2);
    QTest::newRow("v2beta1") << int(discovery::AggregatedVersion::V2Beta1);
}

// /apis in aggregated form: every group, resource and subresource as
// kube-apiserver writes them.
void TestDiscovery::aggregatedMatchesReference()
{
    QFETCH(int, version);
    const json reference = referenceJson("discovery/aggregated_v2.json");
    if (reference.is_discarded())
        QSKIP("reference file missing");
    const auto v = discovery::AggregatedVersion(version);
    const json ours = parseJson(discovery::aggregatedDiscoveryJson(kinds(), false, v));
    KUBIST_COMPARE_JSON(ours["kind"], reference["kind"]);
    KUBIST_COMPARE_JSON(ours["apiVersion"], v == discovery::AggregatedVersion::V2
                                                ? json("apidiscovery.k8s.io/v2")
                                                : json("apidiscovery.k8s.io/v2beta1"));
    QVERIFY(ours.contains("metadata"));
    QVERIFY(!ours["items"].empty());
    for (const json &group : ours["items"]) {
        const std::string name = group["metadata"]["name"];
        if (name == "kubist.io") // Kubist's own group: not in upstream's reference
            continue;
        const json *refGroup = nullptr;
        for (const json &g : reference["items"])
            if (g["metadata"]["name"] == name)
                refGroup = &g;
        QVERIFY2(refGroup, name.c_str());
        compareShapes(group["metadata"], (*refGroup)["metadata"], QString::fromStdString(name));
        for (const json &gv : group["versions"]) {
            const json *refVersion = findBy((*refGroup)["versions"], "version", gv["version"]);
            QVERIFY(refVersion);
            KUBIST_COMPARE_JSON(gv["freshness"], (*refVersion)["freshness"]);
            for (const json &r : gv["resources"]) {
                const json *ref = findBy((*refVersion)["resources"], "resource", r["resource"]);
                QVERIFY2(ref, r.dump().c_str());
                const QString where =
                    QString::fromStdString(name + "/" + r["resource"].get<std::string>());
                for (auto &[key, value] : ref->items()) {
                    if (key == "subresources")
                        continue;
                    QVERIFY2(r.contains(key),
                             qPrintable(where + " lacks " + QString::fromStdString(key)));
                    QVERIFY2(r[key] == value,
                             qPrintable(where + "." + QString::fromStdString(key) + ": " +
                                        show(r[key]) + " vs " + show(value)));
                }
                QCOMPARE(r.contains("subresources"), ref->contains("subresources"));
                if (!ref->contains("subresources"))
                    continue;
                KUBIST_COMPARE_JSON(r["subresources"], (*ref)["subresources"]);
            }
        }
    }
}

void TestDiscovery::legacyAggregatedListsCoreResources()
{
    const json ours = parseJson(discovery::aggregatedDiscoveryJson(kinds(), true));
    KUBIST_COMPARE_JSON(ours["kind"], json("APIGroupDiscoveryList"));
    QCOMPARE(ours["items"].size(), size_t(1));
    const json &group = ours["items"][0];
    QVERIFY(!group["metadata"].contains("name"));
    QCOMPARE(group["versions"].size(), size_t(1));
    const json &resources = group["versions"][0]["resources"];
    const json *pods = findBy(resources, "resource", "pods");
    QVERIFY(pods);
    KUBIST_COMPARE_JSON((*pods)["scope"], json("Namespaced"));
    KUBIST_COMPARE_JSON((*pods)["shortNames"], json::array({"po"}));
    KUBIST_COMPARE_JSON((*pods)["responseKind"],
                        json({{"group", ""}, {"version", ""}, {"kind", "Pod"}}));
    const json *eviction = findBy((*pods)["subresources"], "subresource", "eviction");
    QVERIFY(eviction);
    KUBIST_COMPARE_JSON((*eviction)["responseKind"],
                        json({{"group", "policy"}, {"version", "v1"}, {"kind", "Eviction"}}));
    const json *nodes = findBy(resources, "resource", "nodes");
    QVERIFY(nodes);
    KUBIST_COMPARE_JSON((*nodes)["scope"], json("Cluster"));
    QCOMPARE(discovery::aggregatedDiscoveryContentType(),
             std::string("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"));
}

void TestDiscovery::apiVersionsListsV1()
{
    const json reference = referenceJson("discovery/api.json");
    const json ours = parseJson(discovery::apiVersionsJson("127.0.0.1:6443"));
    KUBIST_COMPARE_JSON(ours["versions"], json::array({"v1"}));
    KUBIST_COMPARE_JSON(ours["serverAddressByClientCIDRs"][0]["serverAddress"],
                        json("127.0.0.1:6443"));
    if (!reference.is_discarded()) {
        KUBIST_COMPARE_JSON(ours["kind"], reference["kind"]);
        compareShapes(ours, reference, "api");
    }
    QVERIFY(parseJson(discovery::apiVersionsJson())["serverAddressByClientCIDRs"].is_array());
}

void TestDiscovery::versionReportsKubernetes132()
{
    const json v = parseJson(discovery::versionJson());
    KUBIST_COMPARE_JSON(v["major"], json("1"));
    KUBIST_COMPARE_JSON(v["minor"], json("32"));
    KUBIST_COMPARE_JSON(v["minor"], json(std::string(discovery::kubernetesMinorVersion())));
    QVERIFY(v["gitVersion"].get<std::string>().starts_with("v1.32."));
    for (const char *key : {"gitCommit", "gitTreeState", "buildDate", "goVersion", "compiler"})
        QVERIFY2(v[key].is_string(), key);
    QVERIFY(v["platform"].get<std::string>().starts_with("linux/"));
}

void TestDiscovery::unknownGroupVersionIsNotFound_data()
{
    QTest::addColumn<QString>("groupVersion");
    QTest::newRow("unknown group") << "batch/v1";
    QTest::newRow("unknown version") << "apps/v2";
    QTest::newRow("only subresource bodies") << "autoscaling/v1";
    QTest::newRow("empty") << "";
}

void TestDiscovery::unknownGroupVersionIsNotFound()
{
    QFETCH(QString, groupVersion);
    Result<std::string> r = discovery::apiResourceListJson(kinds(), groupVersion.toStdString());
    QVERIFY(!r.isOk());
    QCOMPARE(r.status().code(), Status::Code::NotFound);
}

// autoscaling/v1 Scale is only a subresource body: no group of its own.
void TestDiscovery::subresourceBodiesAddNoGroup()
{
    QVERIFY(!discovery::apiGroupJson(kinds(), "autoscaling").isOk());
    const std::vector<std::string> gvs = discovery::servedGroupVersions(kinds());
    QCOMPARE(gvs.front(), std::string("v1"));
    QVERIFY(std::find(gvs.begin(), gvs.end(), "autoscaling/v1") == gvs.end());
    QVERIFY(std::find(gvs.begin(), gvs.end(), "apps/v1") != gvs.end());
}

void TestDiscovery::extraKindsAddTheirGroup()
{
    discovery::Kinds extended = kinds();
    api::KindInfo extra = *api::Scheme::builtin().byKind("v1", "ConfigMap");
    extra.group = "kubist.io";
    extra.version = "v1alpha1";
    extra.kind = "Scenario";
    extra.resource = "scenarios";
    extra.singular = "scenario";
    extra.shortNames = {};
    extended.push_back(extra);
    const json groups = parseJson(discovery::apiGroupListJson(extended));
    const json *g = findBy(groups["groups"], "name", "kubist.io");
    QVERIFY(g);
    KUBIST_COMPARE_JSON((*g)["preferredVersion"]["groupVersion"], json("kubist.io/v1alpha1"));
    Result<std::string> list = discovery::apiResourceListJson(extended, "kubist.io/v1alpha1");
    QVERIFY(list.isOk());
    QVERIFY(findBy(parseJson(*list)["resources"], "name", "scenarios"));
}

QTEST_GUILESS_MAIN(TestDiscovery)
#include "tst_discovery.moc"
