#include "referencejson.h"

#include "backend/api/scheme.h"
#include "backend/apiserver/openapi/openapiv3.h"

#include <QTest>

#include <set>

using nlohmann::json;
using namespace kubist;
using namespace kubist::apiserver;
using kubist::test::findBy;
using kubist::test::parseJson;
using kubist::test::referenceJson;

namespace {

const openapiv3::Kinds &kinds()
{
    return api::Scheme::builtin().kinds();
}

QString show(const json &j)
{
    return QString::fromStdString(j.dump());
}

json documentAt(const std::string &path)
{
    Result<std::string> text = openapiv3::document(kinds(), path);
    if (!text)
        return json(json::value_t::discarded);
    // KUBIST_DUMP_OPENAPI=<dir> keeps the documents for a look by hand.
    if (qEnvironmentVariableIsSet("KUBIST_DUMP_OPENAPI")) {
        QString name = QString::fromStdString(path);
        name.replace('/', "__");
        QFile f(qEnvironmentVariable("KUBIST_DUMP_OPENAPI") + "/" + name + ".json");
        if (f.open(QIODevice::WriteOnly))
            f.write(text->data(), qsizetype(text->size()));
    }
    return parseJson(*text);
}

// Parameter names, less those newer than some reference documents.
std::set<std::string> parameterNames(const json &parameters)
{
    std::set<std::string> out;
    for (const json &p : parameters)
        if (p["name"] != "ignoreStoreReadErrorWithClusterBreakingPotential")
            out.insert(p["name"].get<std::string>());
    return out;
}

// The schema name a property refers to (directly, through allOf, items or
// additionalProperties), or "".
std::string refTarget(const json &s)
{
    if (s.contains("$ref"))
        return s["$ref"];
    if (s.contains("allOf"))
        return refTarget(s["allOf"][0]);
    if (s.contains("items"))
        return refTarget(s["items"]);
    if (s.contains("additionalProperties") && s["additionalProperties"].is_object())
        return refTarget(s["additionalProperties"]);
    return {};
}

void collectRefs(const json &j, std::set<std::string> &out)
{
    if (j.is_object()) {
        for (auto &[key, value] : j.items()) {
            if (key == "$ref" && value.is_string())
                out.insert(value.get<std::string>());
            else
                collectRefs(value, out);
        }
    } else if (j.is_array()) {
        for (const json &v : j)
            collectRefs(v, out);
    }
}

const std::set<std::string> kListTypeKeys = {
    "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-patch-strategy",
    "x-kubernetes-patch-merge-key", "x-kubernetes-map-type"};

// Fields Kubist models that the reference documents predate.
const std::set<std::string> kNewerFields = {
    "io.k8s.api.coordination.v1.LeaseSpec.preferredHolder",
    "io.k8s.api.coordination.v1.LeaseSpec.strategy",
    "io.k8s.api.core.v1.ClusterTrustBundleProjection.user",
    "io.k8s.api.core.v1.ConfigMapVolumeSource.defaultUser",
    "io.k8s.api.core.v1.DownwardAPIVolumeFile.user",
    "io.k8s.api.core.v1.DownwardAPIVolumeSource.defaultUser",
    "io.k8s.api.core.v1.EmptyDirVolumeSource.mode",
    "io.k8s.api.core.v1.GRPCAction.mode",
    "io.k8s.api.core.v1.HTTPGetAction.protocol",
    "io.k8s.api.core.v1.KeyToPath.user",
    "io.k8s.api.core.v1.PodCertificateProjection.user",
    "io.k8s.api.core.v1.PodSpec.evictionResponders",
    "io.k8s.api.core.v1.PodSpec.schedulingGroup",
    "io.k8s.api.core.v1.ProjectedVolumeSource.defaultUser",
    "io.k8s.api.core.v1.SecretVolumeSource.defaultUser",
    "io.k8s.api.core.v1.ServiceAccountTokenProjection.user",
    "io.k8s.api.core.v1.VolumeMount.bindMountOptions",
    "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions."
    "ignoreStoreReadErrorWithClusterBreakingPotential",
    "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta.shardInfo",
};

// Where the reference's markers differ from the schema's, on purpose.
const std::set<std::string> kKnownDifferences = {
    // Upstream marks a pointer to a struct as an atomic list (a generator quirk).
    "io.k8s.apimachinery.pkg.apis.meta.v1.Status.details",
};

} // namespace

class TestOpenApiV3 : public QObject
{
    Q_OBJECT

private slots:
    void rootAddressesEveryGroupVersion();
    void pathsMatchReference_data();
    void pathsMatchReference();
    void patchOperationsOfferFieldValidation_data();
    void patchOperationsOfferFieldValidation();
    void deploymentSchemaMatchesReference();
    void schemasMatchReference_data();
    void schemasMatchReference();
    void everyReferenceResolves_data();
    void everyReferenceResolves();
    void podContainersAreDescribed();
    void specialTypesAreStrings();
    void inlinedFieldsAreFlattened();
    void subresourcePathsCarryTheirBodyKind();
    void unknownDocumentIsNotFound_data();
    void unknownDocumentIsNotFound();
    void documentsAreStable();
};

void TestOpenApiV3::rootAddressesEveryGroupVersion()
{
    const openapiv3::Documents docs = openapiv3::allDocuments(kinds());
    const json root = parseJson(docs.root);
    QVERIFY(root["paths"].is_object());
    for (const char *path : {"api/v1", "apis/apps/v1", "apis/coordination.k8s.io/v1",
                             "apis/policy/v1", "apis/discovery.k8s.io/v1"}) {
        QVERIFY2(root["paths"].contains(path), path);
        const std::string url = root["paths"][path]["serverRelativeURL"];
        const std::string hash = docs.hashByPath.at(path);
        QCOMPARE(url, "/openapi/v3/" + std::string(path) + "?hash=" + hash);
        QCOMPARE(hash.size(), size_t(128));
        QCOMPARE(hash, openapiv3::documentHash(docs.byPath.at(path)));
    }
    QVERIFY(!root["paths"].contains("apis/autoscaling/v1"));
    QCOMPARE(openapiv3::documentPaths(kinds()).front(), std::string("api/v1"));
}

void TestOpenApiV3::pathsMatchReference_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("file");
    QTest::newRow("apps/v1") << "apis/apps/v1"
                             << "openapi-v3/apis__apps__v1_openapi.json";
    QTest::newRow("coordination.k8s.io/v1")
        << "apis/coordination.k8s.io/v1"
        << "openapi-v3/apis__coordination.k8s.io__v1_openapi.json";
}

// Every path Kubist serves is one of kube-apiserver's, with the same
// operations, actions, kinds and parameters.
void TestOpenApiV3::pathsMatchReference()
{
    QFETCH(QString, path);
    QFETCH(QString, file);
    const json reference = referenceJson(file);
    if (reference.is_discarded())
        QSKIP("reference file missing");
    const json ours = documentAt(path.toStdString());
    QVERIFY(ours.is_object());
    KUBIST_COMPARE_JSON(ours["openapi"], reference["openapi"]);
    KUBIST_COMPARE_JSON(ours["info"]["title"], reference["info"]["title"]);
    QVERIFY(!ours["paths"].empty());
    for (auto &[p, item] : ours["paths"].items()) {
        QVERIFY2(reference["paths"].contains(p), p.c_str());
        const json &refItem = reference["paths"][p];
        KUBIST_COMPARE_JSON(parameterNames(item.value("parameters", json::array())),
                            parameterNames(refItem.value("parameters", json::array())));
        for (auto &[method, op] : item.items()) {
            if (method == "parameters")
                continue;
            const QString where = QString::fromStdString(method + " " + p);
            QVERIFY2(refItem.contains(method), qPrintable(where));
            const json &refOp = refItem[method];
            for (const char *key : {"x-kubernetes-action", "x-kubernetes-group-version-kind"})
                QVERIFY2(op.value(key, json()) == refOp.value(key, json()),
                         qPrintable(where + " " + key));
            QVERIFY2(op["operationId"] == refOp["operationId"],
                     qPrintable(where + ": " + show(op["operationId"])));
            QVERIFY2(op["tags"] == refOp["tags"], qPrintable(where));
            KUBIST_COMPARE_JSON(parameterNames(op.value("parameters", json::array())),
                                parameterNames(refOp.value("parameters", json::array())));
            QCOMPARE(op.contains("requestBody"), refOp.contains("requestBody"));
            if (op.contains("requestBody")) {
                KUBIST_COMPARE_JSON(op["requestBody"].value("required", false),
                                    refOp["requestBody"].value("required", false));
                for (auto &[type, body] : op["requestBody"]["content"].items()) {
                    QVERIFY2(refOp["requestBody"]["content"].contains(type), type.c_str());
                    KUBIST_COMPARE_JSON(body, refOp["requestBody"]["content"][type]);
                }
            }
            for (auto &[code, response] : op["responses"].items()) {
                QVERIFY2(refOp["responses"].contains(code), qPrintable(where + " " + code.c_str()));
                const json &refResponse = refOp["responses"][code];
                KUBIST_COMPARE_JSON(response["description"], refResponse["description"]);
                if (!response.contains("content"))
                    continue;
                for (auto &[type, content] : response["content"].items()) {
                    QVERIFY2(refResponse["content"].contains(type),
                             qPrintable(where + " " + type.c_str()));
                    KUBIST_COMPARE_JSON(content, refResponse["content"][type]);
                }
            }
        }
    }
}

void TestOpenApiV3::patchOperationsOfferFieldValidation_data()
{
    QTest::addColumn<QString>("document");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("group");
    QTest::addColumn<QString>("kind");
    QTest::newRow("deployments") << "apis/apps/v1"
                                 << "/apis/apps/v1/namespaces/{namespace}/deployments/{name}"
                                 << "apps"
                                 << "Deployment";
    QTest::newRow("deployments/scale")
        << "apis/apps/v1"
        << "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"
        << "autoscaling"
        << "Scale";
    QTest::newRow("pods") << "api/v1"
                          << "/api/v1/namespaces/{namespace}/pods/{name}"
                          << ""
                          << "Pod";
    QTest::newRow("nodes (cluster-scoped)") << "api/v1"
                                            << "/api/v1/nodes/{name}"
                                            << ""
                                            << "Node";
    QTest::newRow("leases") << "apis/coordination.k8s.io/v1"
                            << "/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}"
                            << "coordination.k8s.io"
                            << "Lease";
}

// What kubectl checks before it sends fieldValidation: a PATCH operation
// tagged with the kind's group-version-kind that takes the parameter.
void TestOpenApiV3::patchOperationsOfferFieldValidation()
{
    QFETCH(QString, document);
    QFETCH(QString, path);
    QFETCH(QString, group);
    QFETCH(QString, kind);
    const json doc = documentAt(document.toStdString());
    QVERIFY(doc["paths"].contains(path.toStdString()));
    const json &item = doc["paths"][path.toStdString()];
    for (const char *method : {"patch", "put"}) {
        QVERIFY2(item.contains(method), method);
        const json &op = item[method];
        KUBIST_COMPARE_JSON(op["x-kubernetes-group-version-kind"]["group"],
                            json(group.toStdString()));
        KUBIST_COMPARE_JSON(op["x-kubernetes-group-version-kind"]["kind"],
                            json(kind.toStdString()));
        KUBIST_COMPARE_JSON(op["x-kubernetes-group-version-kind"]["version"], json("v1"));
        const json *fieldValidation = findBy(op["parameters"], "name", "fieldValidation");
        QVERIFY(fieldValidation);
        KUBIST_COMPARE_JSON((*fieldValidation)["in"], json("query"));
        QVERIFY(findBy(op["parameters"], "name", "dryRun"));
        QVERIFY(findBy(op["parameters"], "name", "fieldManager"));
    }
    QVERIFY(findBy(item["parameters"], "name", "pretty"));
}

void TestOpenApiV3::deploymentSchemaMatchesReference()
{
    const json doc = documentAt("apis/apps/v1");
    const json &schemas = doc["components"]["schemas"];
    QVERIFY(schemas.contains("io.k8s.api.apps.v1.Deployment"));
    const json &deployment = schemas["io.k8s.api.apps.v1.Deployment"];
    QVERIFY(!deployment["description"].get<std::string>().empty());
    KUBIST_COMPARE_JSON(deployment["type"], json("object"));
    for (const char *p : {"apiVersion", "kind", "metadata", "spec", "status"})
        QVERIFY2(deployment["properties"].contains(p), p);
    QCOMPARE(refTarget(deployment["properties"]["spec"]),
             std::string("#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec"));
    KUBIST_COMPARE_JSON(
        deployment["x-kubernetes-group-version-kind"],
        json::array({{{"group", "apps"}, {"kind", "Deployment"}, {"version", "v1"}}}));
    KUBIST_COMPARE_JSON(
        schemas["io.k8s.api.apps.v1.DeploymentList"]["x-kubernetes-group-version-kind"][0]["kind"],
        json("DeploymentList"));
    const json reference = referenceJson("openapi-v3/apis__apps__v1_openapi.json");
    if (reference.is_discarded())
        return;
    const json &refDeployment = reference["components"]["schemas"]["io.k8s.api.apps.v1.Deployment"];
    KUBIST_COMPARE_JSON(deployment["properties"]["metadata"].value("allOf", json()),
                        refDeployment["properties"]["metadata"]["allOf"]);
    KUBIST_COMPARE_JSON(deployment["x-kubernetes-group-version-kind"],
                        refDeployment["x-kubernetes-group-version-kind"]);
    KUBIST_COMPARE_JSON(deployment.value("required", json()),
                        refDeployment.value("required", json()));
}

void TestOpenApiV3::schemasMatchReference_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("file");
    QTest::newRow("apps/v1") << "apis/apps/v1"
                             << "openapi-v3/apis__apps__v1_openapi.json";
    QTest::newRow("coordination.k8s.io/v1")
        << "apis/coordination.k8s.io/v1"
        << "openapi-v3/apis__coordination.k8s.io__v1_openapi.json";
}

// For every schema both documents have: Kubist's properties are upstream's
// (names, types and formats, referenced schemas, list and map semantics), its
// required fields are upstream's, kinds carry the same group-version-kinds.
void TestOpenApiV3::schemasMatchReference()
{
    QFETCH(QString, path);
    QFETCH(QString, file);
    const json reference = referenceJson(file);
    if (reference.is_discarded())
        QSKIP("reference file missing");
    const json ours = documentAt(path.toStdString());
    const json &refSchemas = reference["components"]["schemas"];
    int compared = 0;
    for (auto &[name, schema] : ours["components"]["schemas"].items()) {
        if (!refSchemas.contains(name))
            continue;
        ++compared;
        const json &ref = refSchemas[name];
        const QString where = QString::fromStdString(name);
        QVERIFY2(schema.value("type", json()) == ref.value("type", json()), qPrintable(where));
        QVERIFY2(schema.value("format", json()) == ref.value("format", json()), qPrintable(where));
        QVERIFY2(schema.value("x-kubernetes-map-type", json()) ==
                     ref.value("x-kubernetes-map-type", json()),
                 qPrintable(where + " x-kubernetes-map-type"));
        QVERIFY2(!schema.value("description", std::string()).empty(), qPrintable(where));
        // Kubist's group-version-kinds are among upstream's (which registers
        // meta types in more groups than Kubist serves), but for its own
        // kubist.io group.
        QCOMPARE(schema.contains("x-kubernetes-group-version-kind"),
                 ref.contains("x-kubernetes-group-version-kind"));
        for (const json &gvk : schema.value("x-kubernetes-group-version-kind", json::array())) {
            if (gvk.value("group", std::string()) == "kubist.io")
                continue;
            const json &refGvks = ref["x-kubernetes-group-version-kind"];
            QVERIFY2(std::find(refGvks.begin(), refGvks.end(), gvk) != refGvks.end(),
                     qPrintable(where + " " + show(gvk)));
        }
        std::set<std::string> required, refRequired;
        for (const json &r : schema.value("required", json::array()))
            required.insert(r.get<std::string>());
        for (const json &r : ref.value("required", json::array()))
            refRequired.insert(r.get<std::string>());
        // Upstream may require fields Kubist does not model; never the reverse.
        for (const std::string &r : required)
            QVERIFY2(refRequired.count(r), qPrintable(where + " requires " + r.c_str()));
        for (const std::string &r : refRequired)
            if (schema["properties"].contains(r))
                QVERIFY2(required.count(r), qPrintable(where + " does not require " + r.c_str()));
        if (!schema.contains("properties"))
            continue;
        for (auto &[property, value] : schema["properties"].items()) {
            const QString at = where + "." + QString::fromStdString(property);
            if (!ref["properties"].contains(property)) {
                // Fields newer than the reference's Kubernetes release.
                QVERIFY2(kNewerFields.count(at.toStdString()),
                         qPrintable(at + " is not upstream's"));
                continue;
            }
            const json &refValue = ref["properties"][property];
            for (const char *key : {"type", "format"})
                QVERIFY2(value.value(key, json()) == refValue.value(key, json()),
                         qPrintable(at + "." + key + ": " + show(value.value(key, json())) +
                                    " vs " + show(refValue.value(key, json()))));
            QVERIFY2(refTarget(value) == refTarget(refValue),
                     qPrintable(at + ": " + show(value) + " vs " + show(refValue)));
            if (value.contains("items"))
                QVERIFY2(value["items"].value("type", json()) ==
                             refValue["items"].value("type", json()),
                         qPrintable(at));
            for (const std::string &key : kListTypeKeys)
                QVERIFY2(kKnownDifferences.count(at.toStdString()) ||
                             value.value(key, json()) == refValue.value(key, json()),
                         qPrintable(at + " " + key.c_str() + ": " + show(value.value(key, json())) +
                                    " vs " + show(refValue.value(key, json()))));
        }
    }
    QVERIFY(compared > 5);
}

void TestOpenApiV3::everyReferenceResolves_data()
{
    QTest::addColumn<QString>("path");
    for (const std::string &p : openapiv3::documentPaths(kinds()))
        QTest::newRow(p.c_str()) << QString::fromStdString(p);
}

void TestOpenApiV3::everyReferenceResolves()
{
    QFETCH(QString, path);
    const json doc = documentAt(path.toStdString());
    std::set<std::string> refs;
    collectRefs(doc, refs);
    QVERIFY(!refs.empty());
    const std::string prefix = "#/components/schemas/";
    for (const std::string &ref : refs) {
        QVERIFY2(ref.starts_with(prefix), ref.c_str());
        QVERIFY2(doc["components"]["schemas"].contains(ref.substr(prefix.size())), ref.c_str());
    }
    // ... and nothing unreachable is included.
    for (auto &[name, schema] : doc["components"]["schemas"].items())
        QVERIFY2(refs.count(prefix + name), name.c_str());
}

// `kubectl explain pod.spec.containers` walks Pod -> spec -> containers and
// prints the descriptions along the way.
void TestOpenApiV3::podContainersAreDescribed()
{
    const json doc = documentAt("api/v1");
    const json &schemas = doc["components"]["schemas"];
    const json &pod = schemas["io.k8s.api.core.v1.Pod"];
    KUBIST_COMPARE_JSON(pod["x-kubernetes-group-version-kind"],
                        json::array({{{"group", ""}, {"kind", "Pod"}, {"version", "v1"}}}));
    QVERIFY(!pod["description"].get<std::string>().empty());
    QVERIFY(!pod["properties"]["spec"]["description"].get<std::string>().empty());
    const json &spec = schemas["io.k8s.api.core.v1.PodSpec"];
    const json &containers = spec["properties"]["containers"];
    QVERIFY(!containers["description"].get<std::string>().empty());
    KUBIST_COMPARE_JSON(containers["type"], json("array"));
    QCOMPARE(refTarget(containers),
             std::string("#/components/schemas/io.k8s.api.core.v1.Container"));
    KUBIST_COMPARE_JSON(spec["required"], json::array({"containers"}));
    const json &container = schemas["io.k8s.api.core.v1.Container"];
    QVERIFY(!container["description"].get<std::string>().empty());
    for (auto &[name, property] : container["properties"].items())
        QVERIFY2(!property.value("description", std::string()).empty(), name.c_str());
    KUBIST_COMPARE_JSON(container["properties"]["image"]["type"], json("string"));
    KUBIST_COMPARE_JSON(container["properties"]["args"]["items"]["type"], json("string"));
    KUBIST_COMPARE_JSON(container["required"], json::array({"name"}));
}

void TestOpenApiV3::specialTypesAreStrings()
{
    const json doc = documentAt("api/v1");
    const json &schemas = doc["components"]["schemas"];
    const json &time = schemas["io.k8s.apimachinery.pkg.apis.meta.v1.Time"];
    KUBIST_COMPARE_JSON(time["type"], json("string"));
    KUBIST_COMPARE_JSON(time["format"], json("date-time"));
    const json &quantity = schemas["io.k8s.apimachinery.pkg.api.resource.Quantity"];
    KUBIST_COMPARE_JSON(quantity["oneOf"],
                        json::array({{{"type", "string"}}, {{"type", "number"}}}));
    const json &intOrString = schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"];
    KUBIST_COMPARE_JSON(intOrString["format"], json("int-or-string"));
    KUBIST_COMPARE_JSON(intOrString["x-kubernetes-int-or-string"], json(true));
    const json &resources = schemas["io.k8s.api.core.v1.ResourceRequirements"];
    KUBIST_COMPARE_JSON(
        resources["properties"]["limits"]["additionalProperties"],
        json({{"$ref", "#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity"}}));
    const json &meta = schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"];
    KUBIST_COMPARE_JSON(meta["properties"]["labels"]["additionalProperties"]["type"],
                        json("string"));
    KUBIST_COMPARE_JSON(meta["properties"]["generation"]["format"], json("int64"));
    KUBIST_COMPARE_JSON(
        schemas["io.k8s.api.core.v1.Secret"]["properties"]["data"]["additionalProperties"],
        json({{"type", "string"}, {"format", "byte"}}));
}

// Probe embeds ProbeHandler in Go: exec, httpGet, ... are Probe's own fields.
void TestOpenApiV3::inlinedFieldsAreFlattened()
{
    const json doc = documentAt("api/v1");
    const json &probe = doc["components"]["schemas"]["io.k8s.api.core.v1.Probe"];
    for (const char *p : {"exec", "httpGet", "tcpSocket", "grpc", "periodSeconds"})
        QVERIFY2(probe["properties"].contains(p), p);
    QVERIFY(!doc["components"]["schemas"].contains("io.k8s.api.core.v1.ProbeHandler"));
}

void TestOpenApiV3::subresourcePathsCarryTheirBodyKind()
{
    const json doc = documentAt("api/v1");
    const json &paths = doc["paths"];
    const json &eviction = paths["/api/v1/namespaces/{namespace}/pods/{name}/eviction"]["post"];
    KUBIST_COMPARE_JSON(eviction["x-kubernetes-group-version-kind"],
                        json({{"group", "policy"}, {"kind", "Eviction"}, {"version", "v1"}}));
    QCOMPARE(refTarget(eviction["requestBody"]["content"]["*/*"]["schema"]),
             std::string("#/components/schemas/io.k8s.api.policy.v1.Eviction"));
    QVERIFY(paths.contains("/api/v1/namespaces/{namespace}/pods/{name}/status"));
    QVERIFY(paths.contains("/api/v1/namespaces/{namespace}/pods/{name}/log"));
    KUBIST_COMPARE_JSON(
        paths["/api/v1/namespaces/{namespace}/pods/{name}/exec"]["post"]["x-kubernetes-action"],
        json("connect"));
    QVERIFY(paths.contains("/api/v1/namespaces/{namespace}/bindings"));
    QVERIFY(!paths.contains("/api/v1/namespaces/{namespace}/bindings/{name}"));
    QVERIFY(paths.contains("/api/v1/nodes/{name}/status"));
    QVERIFY(!paths["/api/v1/namespaces"].contains("delete")); // no deletecollection
    QVERIFY(paths.contains("/api/v1/watch/namespaces/{namespace}/pods/{name}"));
    QVERIFY(paths.contains("/api/v1/pods"));
}

void TestOpenApiV3::unknownDocumentIsNotFound_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("unknown group") << "apis/batch/v1";
    QTest::newRow("subresource-only group") << "apis/autoscaling/v1";
    QTest::newRow("core under apis") << "apis/v1";
    QTest::newRow("garbage") << "nothing";
}

void TestOpenApiV3::unknownDocumentIsNotFound()
{
    QFETCH(QString, path);
    Result<std::string> r = openapiv3::document(kinds(), path.toStdString());
    QVERIFY(!r.isOk());
    QCOMPARE(r.status().code(), Status::Code::NotFound);
}

void TestOpenApiV3::documentsAreStable()
{
    Result<std::string> a = openapiv3::document(kinds(), "/openapi/v3/apis/apps/v1");
    Result<std::string> b = openapiv3::document(kinds(), "apis/apps/v1");
    QVERIFY(a.isOk() && b.isOk());
    QCOMPARE(*a, *b);
    QCOMPARE(openapiv3::allDocuments(kinds()).root, openapiv3::allDocuments(kinds()).root);
}

QTEST_GUILESS_MAIN(TestOpenApiV3)
#include "tst_openapiv3.moc"
