#include "referencejson.h"

#include "backend/api/scheme.h"
#include "backend/apiserver/openapi/openapiv2.h"
#include "backend/apiserver/openapi/openapiv3.h"

#include "openapiv2.pb.h"

#include <QTest>

#include <set>

using nlohmann::json;
using namespace kubist;
using namespace kubist::apiserver;
using kubist::test::parseJson;

namespace {

const openapiv2::Kinds &kinds()
{
    return api::Scheme::builtin().kinds();
}

const openapi::v2::Schema *definition(const openapi::v2::Document &doc, const std::string &name)
{
    for (const openapi::v2::NamedSchema &s : doc.definitions().additional_properties())
        if (s.name() == name)
            return &s.value();
    return nullptr;
}

const openapi::v2::Schema *propertyOf(const openapi::v2::Schema &schema, const std::string &name)
{
    for (const openapi::v2::NamedSchema &s : schema.properties().additional_properties())
        if (s.name() == name)
            return &s.value();
    return nullptr;
}

std::string extension(const google::protobuf::RepeatedPtrField<openapi::v2::NamedAny> &extensions,
                      const std::string &name)
{
    for (const openapi::v2::NamedAny &e : extensions)
        if (e.name() == name)
            return e.value().yaml();
    return {};
}

const openapi::v2::PathItem *pathItem(const openapi::v2::Document &doc, const std::string &path)
{
    for (const openapi::v2::NamedPathItem &p : doc.paths().path())
        if (p.name() == path)
            return &p.value();
    return nullptr;
}

} // namespace

class TestOpenApiV2 : public QObject
{
    Q_OBJECT

private slots:
    void jsonIsSwagger20();
    void jsonHasEveryGroupVersion();
    void protobufRoundTrips();
    void protobufHasPodDefinition();
    void protobufHasOperations();
    void parametersSplitByLocation_data();
    void parametersSplitByLocation();
    void malformedJsonIsRefused_data();
    void malformedJsonIsRefused();
};

void TestOpenApiV2::jsonIsSwagger20()
{
    const json doc = parseJson(openapiv2::documentJson(kinds()));
    KUBIST_COMPARE_JSON(doc["swagger"], json("2.0"));
    QVERIFY(doc["definitions"].contains("io.k8s.api.core.v1.Pod"));
    const json &pod = doc["definitions"]["io.k8s.api.core.v1.Pod"];
    // Swagger 2.0 keeps $ref with its siblings; no allOf.
    KUBIST_COMPARE_JSON(pod["properties"]["spec"]["$ref"],
                        json("#/definitions/io.k8s.api.core.v1.PodSpec"));
    QVERIFY(!pod["properties"]["spec"]["description"].get<std::string>().empty());
    KUBIST_COMPARE_JSON(
        doc["definitions"]["io.k8s.apimachinery.pkg.util.intstr.IntOrString"],
        json({{"type", "string"},
              {"format", "int-or-string"},
              {"description", doc["definitions"]["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]
                                 ["description"]}}));
    KUBIST_COMPARE_JSON(doc["definitions"]["io.k8s.apimachinery.pkg.api.resource.Quantity"]["type"],
                        json("string"));
    const json &post = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments"]["post"];
    KUBIST_COMPARE_JSON(post["parameters"][0]["in"], json("body"));
    KUBIST_COMPARE_JSON(post["parameters"][0]["schema"]["$ref"],
                        json("#/definitions/io.k8s.api.apps.v1.Deployment"));
    KUBIST_COMPARE_JSON(post["x-kubernetes-group-version-kind"]["kind"], json("Deployment"));
    bool fieldValidation = false;
    for (const json &p : post["parameters"])
        fieldValidation = fieldValidation || p["name"] == "fieldValidation";
    QVERIFY(fieldValidation);
    std::set<std::string> refs;
    std::function<void(const json &)> collect = [&](const json &j) {
        if (j.is_object())
            for (auto &[k, v] : j.items())
                k == "$ref" ? void(refs.insert(v.get<std::string>())) : collect(v);
        else if (j.is_array())
            for (const json &v : j)
                collect(v);
    };
    collect(doc);
    for (const std::string &ref : refs) {
        QVERIFY2(ref.starts_with("#/definitions/"), ref.c_str());
        QVERIFY2(doc["definitions"].contains(ref.substr(14)), ref.c_str());
    }
}

// One document for all group-versions: the union of the v3 documents.
void TestOpenApiV2::jsonHasEveryGroupVersion()
{
    const json doc = parseJson(openapiv2::documentJson(kinds()));
    const openapiv3::Documents v3 = openapiv3::allDocuments(kinds());
    for (const auto &[path, text] : v3.byPath) {
        const json part = parseJson(text);
        for (auto &[p, item] : part["paths"].items())
            QVERIFY2(doc["paths"].contains(p), p.c_str());
        for (auto &[name, schema] : part["components"]["schemas"].items())
            QVERIFY2(doc["definitions"].contains(name), name.c_str());
    }
}

void TestOpenApiV2::protobufRoundTrips()
{
    Result<std::string> bytes = openapiv2::documentProtobuf(kinds());
    QVERIFY2(bytes.isOk(), bytes.status().message().c_str());
    openapi::v2::Document doc;
    QVERIFY(doc.ParseFromString(*bytes));
    QCOMPARE(doc.swagger(), std::string("2.0"));
    std::string again;
    QVERIFY(doc.SerializeToString(&again));
    QCOMPARE(again.size(), bytes->size());
    QVERIFY(again == *bytes);
    const json j = parseJson(openapiv2::documentJson(kinds()));
    QCOMPARE(size_t(doc.definitions().additional_properties_size()), j["definitions"].size());
    QCOMPARE(size_t(doc.paths().path_size()), j["paths"].size());
}

// What kubectl 1.20 reads: definitions with their group-version-kind (as
// YAML), properties with types, references and descriptions.
void TestOpenApiV2::protobufHasPodDefinition()
{
    Result<std::string> bytes = openapiv2::documentProtobuf(kinds());
    QVERIFY(bytes.isOk());
    openapi::v2::Document doc;
    QVERIFY(doc.ParseFromString(*bytes));
    const openapi::v2::Schema *pod = definition(doc, "io.k8s.api.core.v1.Pod");
    QVERIFY(pod);
    QVERIFY(!pod->description().empty());
    const std::string gvk = extension(pod->vendor_extension(), "x-kubernetes-group-version-kind");
    QVERIFY2(parseJson(gvk) == json::array({{{"group", ""}, {"kind", "Pod"}, {"version", "v1"}}}),
             gvk.c_str());
    const openapi::v2::Schema *spec = propertyOf(*pod, "spec");
    QVERIFY(spec);
    QCOMPARE(spec->_ref(), std::string("#/definitions/io.k8s.api.core.v1.PodSpec"));
    const openapi::v2::Schema *podSpec = definition(doc, "io.k8s.api.core.v1.PodSpec");
    QVERIFY(podSpec);
    const openapi::v2::Schema *containers = propertyOf(*podSpec, "containers");
    QVERIFY(containers);
    QCOMPARE(containers->type().value(0), std::string("array"));
    QCOMPARE(containers->items().schema(0)._ref(),
             std::string("#/definitions/io.k8s.api.core.v1.Container"));
    QVERIFY(!containers->description().empty());
    QCOMPARE(podSpec->required(0), std::string("containers"));
    const openapi::v2::Schema *container = definition(doc, "io.k8s.api.core.v1.Container");
    QVERIFY(container);
    QVERIFY(propertyOf(*container, "resources"));
    const openapi::v2::Schema *requirements =
        definition(doc, "io.k8s.api.core.v1.ResourceRequirements");
    QVERIFY(requirements);
    const openapi::v2::Schema *limits = propertyOf(*requirements, "limits");
    QVERIFY(limits);
    QCOMPARE(limits->additional_properties().schema()._ref(),
             std::string("#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity"));
    const openapi::v2::Schema *kind = propertyOf(*pod, "kind");
    QVERIFY(kind);
    QCOMPARE(kind->type().value(0), std::string("string"));
}

void TestOpenApiV2::protobufHasOperations()
{
    Result<std::string> bytes = openapiv2::documentProtobuf(kinds());
    QVERIFY(bytes.isOk());
    openapi::v2::Document doc;
    QVERIFY(doc.ParseFromString(*bytes));
    const openapi::v2::PathItem *item =
        pathItem(doc, "/apis/apps/v1/namespaces/{namespace}/deployments/{name}");
    QVERIFY(item);
    QVERIFY(item->has_patch());
    QCOMPARE(item->patch().operation_id(), std::string("patchAppsV1NamespacedDeployment"));
    KUBIST_COMPARE_JSON(
        parseJson(extension(item->patch().vendor_extension(), "x-kubernetes-action")),
        json("patch"));
    QVERIFY(item->get().responses().response_code_size() >= 2);
    QCOMPARE(item->get().responses().response_code(0).value().response().schema().schema()._ref(),
             std::string("#/definitions/io.k8s.api.apps.v1.Deployment"));
    QCOMPARE(doc.security_definitions().additional_properties(0).value().api_key_security().in(),
             std::string("header"));
}

void TestOpenApiV2::parametersSplitByLocation_data()
{
    QTest::addColumn<QString>("in");
    QTest::addColumn<int>("expected"); // Parameter oneof / NonBodyParameter oneof case
    QTest::newRow("body") << "body" << 1;
    QTest::newRow("header") << "header" << 21;
    QTest::newRow("formData") << "formData" << 22;
    QTest::newRow("query") << "query" << 23;
    QTest::newRow("path") << "path" << 24;
}

void TestOpenApiV2::parametersSplitByLocation()
{
    QFETCH(QString, in);
    QFETCH(int, expected);
    const json doc = {
        {"swagger", "2.0"},
        {"paths",
         {{"/x",
           {{"get",
             {{"parameters", json::array({{{"name", "p"},
                                           {"in", in.toStdString()},
                                           {"type", "string"},
                                           {"schema", {{"type", "object"}}}}})}}}}}}}};
    openapi::v2::Document out;
    QVERIFY(openapiv2::fromJson(doc.dump(), &out).isOk());
    const openapi::v2::Parameter &p = out.paths().path(0).value().get().parameters(0).parameter();
    int actual = 0;
    if (p.has_body_parameter()) {
        actual = 1;
        QCOMPARE(p.body_parameter().schema().type().value(0), std::string("object"));
    } else {
        actual = 20 + int(p.non_body_parameter().oneof_case());
    }
    QCOMPARE(actual, expected);
}

void TestOpenApiV2::malformedJsonIsRefused_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("not json") << "{nope";
    QTest::newRow("array") << "[]";
    QTest::newRow("swagger 3") << R"({"openapi": "3.0.0"})";
}

void TestOpenApiV2::malformedJsonIsRefused()
{
    QFETCH(QString, text);
    openapi::v2::Document out;
    const Status s = openapiv2::fromJson(text.toStdString(), &out);
    QCOMPARE(s.code(), Status::Code::InvalidArgument);
}

QTEST_GUILESS_MAIN(TestOpenApiV2)
#include "tst_openapiv2.moc"
