#include "backend/api/jsoncodec.h"

#include "testschema.pb.h"

#include <google/protobuf/util/message_differencer.h>

#include <QTest>

using namespace kubist;
using namespace kubist::api;
using kubist::test::Sample;

namespace {

std::string str(const QString &s)
{
    return s.toStdString();
}

} // namespace

class TestJsonCodec : public QObject
{
    Q_OBJECT

private slots:
    void decodesEveryShape()
    {
        const std::string json = R"({
            "kind": "Sample", "apiVersion": "test/v1",
            "name": "web-1", "count": -7, "big": 9223372036854775807, "flag": true,
            "ratio": 0.25, "blob": "aGVsbG8=", "tags": ["a", "b"],
            "labels": {"app": "web", "tier": "front"},
            "inner": {"value": "x", "n": 3}, "inners": [{"value": "y"}, {}],
            "when": "2024-02-29T12:30:45Z", "micro": "2024-02-29T12:30:45.123456Z",
            "qty": "1000m", "port": "http", "raw": {"any": ["thing", 1]},
            "resources": {"cpu": "0.5", "memory": "1Gi"}, "podIP": "10.0.0.1",
            "small": 4294967295, "numbers": [1, -2], "innerMap": {"k": {"value": "v"}}
        })";
        Sample s;
        TypeMeta tm;
        QVERIFY2(JsonCodec::decode(json, &s, {}, &tm).isOk(), "decode failed");
        QCOMPARE(tm.kind, std::string("Sample"));
        QCOMPARE(tm.apiVersion, std::string("test/v1"));
        QCOMPARE(s.name(), std::string("web-1"));
        QCOMPARE(s.count(), -7);
        QCOMPARE(s.big(), int64_t(9223372036854775807LL));
        QVERIFY(s.flag());
        QCOMPARE(s.ratio(), 0.25);
        QCOMPARE(s.blob(), std::string("hello"));
        QCOMPARE(s.tags_size(), 2);
        QCOMPARE(s.labels().at("tier"), std::string("front"));
        QCOMPARE(s.inner().n(), 3);
        QCOMPARE(s.inners_size(), 2);
        QCOMPARE(s.when().seconds(), int64_t(1709209845));
        QCOMPARE(s.micro().nanos(), 123456000);
        QCOMPARE(s.qty().value(), std::string("1")); // canonical form
        QCOMPARE(s.port().type(), int64_t(1));
        QCOMPARE(s.port().str_val(), std::string("http"));
        QCOMPARE(s.raw().raw(), std::string(R"({"any":["thing",1]})"));
        QCOMPARE(s.resources().at("cpu").value(), std::string("500m"));
        QCOMPARE(s.pod_ip(), std::string("10.0.0.1"));
        QCOMPARE(s.small(), 4294967295u);
        QCOMPARE(s.inner_map().at("k").value(), std::string("v"));
    }

    void nullLeavesFieldUnset()
    {
        Sample s;
        QVERIFY(
            JsonCodec::decode(R"({"name":null,"inner":null,"tags":null,"when":null})", &s).isOk());
        QVERIFY(!s.has_name());
        QVERIFY(!s.has_inner());
        QVERIFY(!s.has_when());
        QCOMPARE(s.tags_size(), 0);
    }

    void intOrStringNumber()
    {
        Sample s;
        QVERIFY(JsonCodec::decode(R"({"port": 8080})", &s).isOk());
        QCOMPARE(s.port().type(), int64_t(0));
        QCOMPARE(s.port().int_val(), 8080);
        QCOMPARE(JsonCodec::encode(s), std::string(R"({"port":8080,"alwaysName":"",)"
                                                   R"("alwaysInner":{"n":0},"alwaysList":[],)"
                                                   R"("alwaysTime":null})"));
    }

    void quantityAcceptsBareNumbers()
    {
        Sample s;
        QVERIFY(JsonCodec::decode(R"({"qty": 0.5})", &s).isOk());
        QCOMPARE(s.qty().value(), std::string("500m"));
        QVERIFY(JsonCodec::decode(R"({"qty": 2})", &s).isOk());
        QCOMPARE(s.qty().value(), std::string("2"));
    }

    void decodeErrors_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("string for an integer") << R"({"count": "7"})"
                                               << "count: expected integer, got string";
        QTest::newRow("int32 overflow") << R"({"count": 2147483648})"
                                        << "count: number 2147483648 out of range";
        QTest::newRow("int64 past 2^63") << R"({"big": 9223372036854775808})"
                                         << "big: number 9223372036854775808 out of range";
        QTest::newRow("negative for unsigned") << R"({"small": -1})"
                                               << "small: number -1 out of range";
        QTest::newRow("fraction for an integer")
            << R"({"count": 1.5})"
            << "count: expected an integer, got a fractional or exponent number";
        QTest::newRow("object for a string") << R"({"name": {}})"
                                             << "name: expected string, got object";
        QTest::newRow("array for an object") << R"({"inner": []})"
                                             << "inner: expected object, got array";
        QTest::newRow("bad element in a list") << R"({"inners": [{}, {"n": "x"}]})"
                                               << "inners[1].n: expected integer, got string";
        QTest::newRow("bad base64") << R"({"blob": "***"})"
                                    << "blob: illegal base64 data";
        QTest::newRow("bad time")
            << R"({"when": "yesterday"})"
            << "when: invalid time \"yesterday\": want RFC 3339, e.g. 2006-01-02T15:04:05Z";
        QTest::newRow("bad quantity in a map") << R"({"resources": {"cpu": "lots"}})"
                                               << "resources.cpu: ";
        QTest::newRow("not an object at the root") << R"([1,2])"
                                                   << "<root>: expected object, got array";
        QTest::newRow("truncated") << R"({"name": "x")"
                                   << "invalid JSON: ";
        QTest::newRow("empty") << ""
                               << "invalid JSON: the input is empty";
        QTest::newRow("trailing garbage") << R"({} x)"
                                          << "invalid JSON: ";
    }

    void decodeErrors()
    {
        QFETCH(QString, json);
        QFETCH(QString, message);
        Sample s;
        Status st = JsonCodec::decode(str(json), &s);
        QVERIFY(!st.isOk());
        QCOMPARE(st.code(), Status::Code::InvalidArgument);
        QVERIFY2(st.message().starts_with(str(message)), st.message().c_str());
    }

    void strictRejectsUnknownAndDuplicateFields_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("strictError");
        QTest::addColumn<QString>("warning");
        QTest::newRow("unknown top-level field") << R"({"name":"a","nmae":"b"})"
                                                 << R"(unknown field "nmae")"
                                                 << R"(unknown field "nmae")";
        QTest::newRow("unknown nested field") << R"({"inners":[{"valu":"x"}]})"
                                              << R"(unknown field "inners[0].valu")"
                                              << R"(unknown field "inners[0].valu")";
        QTest::newRow("duplicate known field") << R"({"name":"a","name":"b"})"
                                               << R"(duplicate field "name")"
                                               << R"(duplicate field "name")";
        QTest::newRow("duplicate map key") << R"({"labels":{"a":"1","a":"2"}})"
                                           << R"(duplicate field "labels.a")"
                                           << R"(duplicate field "labels.a")";
    }

    void strictRejectsUnknownAndDuplicateFields()
    {
        QFETCH(QString, json);
        QFETCH(QString, strictError);
        QFETCH(QString, warning);
        Sample s;
        Status st = JsonCodec::decode(str(json), &s, {.strict = true});
        QCOMPARE(QString::fromStdString(st.message()), strictError);

        JsonDecodeReport report;
        QVERIFY(JsonCodec::decode(str(json), &s, {}, nullptr, &report).isOk());
        QCOMPARE(report.warnings.size(), size_t(1));
        QCOMPARE(QString::fromStdString(report.warnings[0]), warning);
    }

    void lenientDuplicateLastWins()
    {
        Sample s;
        QVERIFY(JsonCodec::decode(R"({"name":"a","name":"b","tags":["x"],"tags":["y","z"]})", &s)
                    .isOk());
        QCOMPARE(s.name(), std::string("b"));
        QCOMPARE(s.tags_size(), 2);
    }

    void encodeOmitsUnsetAndWritesAlways()
    {
        Sample s;
        QCOMPARE(JsonCodec::encode(s),
                 std::string(R"({"alwaysName":"","alwaysInner":{"n":0},"alwaysList":[],)"
                             R"("alwaysTime":null})"));
        s.set_count(0); // explicitly set zero is written
        s.mutable_inner();
        QCOMPARE(JsonCodec::encode(s),
                 std::string(R"({"count":0,"inner":{"n":0},"alwaysName":"",)"
                             R"("alwaysInner":{"n":0},"alwaysList":[],"alwaysTime":null})"));
    }

    void encodeWritesTypeMetaFirst()
    {
        Sample s;
        s.set_name("x");
        s.set_always_name("a");
        s.add_always_list("l");
        s.mutable_always_time()->set_seconds(0);
        s.mutable_always_inner()->set_n(1);
        JsonEncodeOptions o;
        o.typeMeta = {"test/v1", "Sample"};
        QCOMPARE(JsonCodec::encode(s, o),
                 std::string(R"({"kind":"Sample","apiVersion":"test/v1","name":"x",)"
                             R"("alwaysName":"a","alwaysInner":{"n":1},"alwaysList":["l"],)"
                             R"("alwaysTime":"1970-01-01T00:00:00Z"})"));
    }

    void encodeSpecialTypes()
    {
        Sample s;
        s.mutable_when()->set_seconds(1709209845);
        s.mutable_micro()->set_seconds(1709209845);
        s.mutable_micro()->set_nanos(123456789);
        s.mutable_qty()->set_value("1536Mi");
        s.mutable_port()->set_type(1);
        s.mutable_port()->set_str_val("http");
        s.mutable_raw()->set_raw(R"({"a":1})");
        s.set_blob(std::string("\0\xff", 2));
        (*s.mutable_labels())["z"] = "1";
        (*s.mutable_labels())["a"] = "2";
        s.add_numbers(-9223372036854775807LL - 1);
        const std::string json = JsonCodec::encode(s);
        QVERIFY(json.find(R"("when":"2024-02-29T12:30:45Z")") != std::string::npos);
        QVERIFY(json.find(R"("micro":"2024-02-29T12:30:45.123456Z")") != std::string::npos);
        QVERIFY(json.find(R"("qty":"1536Mi")") != std::string::npos);
        QVERIFY(json.find(R"("port":"http")") != std::string::npos);
        QVERIFY(json.find(R"("raw":{"a":1})") != std::string::npos);
        QVERIFY(json.find(R"("blob":"AP8=")") != std::string::npos);
        QVERIFY(json.find(R"("labels":{"a":"2","z":"1"})") != std::string::npos); // sorted
        QVERIFY(json.find(R"("numbers":[-9223372036854775808])") != std::string::npos);
    }

    void encodeEscapesStrings_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("plain") << QByteArray("abc") << QByteArray(R"("abc")");
        QTest::newRow("quote and backslash")
            << QByteArray("a\"b\\c") << QByteArray("\"a\\\"b\\\\c\"");
        QTest::newRow("control characters")
            << QByteArray("\n\t\x01", 3) << QByteArray("\"\\n\\t\\u0001\"");
        QTest::newRow("embedded NUL") << QByteArray("a\0b", 3) << QByteArray("\"a\\u0000b\"");
        QTest::newRow("valid UTF-8 kept") << QByteArray("h\xc3\xa9") << QByteArray("\"h\xc3\xa9\"");
        QTest::newRow("invalid UTF-8 replaced") << QByteArray("a\xff"
                                                              "b")
                                                << QByteArray("\"a\xef\xbf\xbd"
                                                              "b\"");
        QTest::newRow("encoded surrogate replaced")
            << QByteArray("\xed\xa0\x80") << QByteArray("\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
        QTest::newRow("line separator escaped")
            << QByteArray("\xe2\x80\xa8") << QByteArray("\"\\u2028\"");
    }

    void encodeEscapesStrings()
    {
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, expected);
        std::string out;
        JsonCodec::appendQuoted(std::string_view(input.constData(), size_t(input.size())), out);
        QCOMPARE(QByteArray::fromStdString(out), expected);
    }

    void roundTripIsStable()
    {
        const std::string json =
            R"({"name":"n","count":1,"tags":["a"],"labels":{"k":"v"},"inner":{"value":"x","n":0},)"
            R"("when":"2001-01-01T00:00:00Z","qty":"100m","port":80,"alwaysName":"",)"
            R"("alwaysInner":{"n":0},"alwaysList":[],"alwaysTime":null})";
        Sample s;
        QVERIFY(JsonCodec::decode(json, &s).isOk());
        QCOMPARE(JsonCodec::encode(s), json);
        Sample again;
        QVERIFY(JsonCodec::decode(JsonCodec::encode(s), &again).isOk());
        QVERIFY(google::protobuf::util::MessageDifferencer::Equals(s, again));
    }

    void listItemsMayCarryTypeMeta()
    {
        kubist::test::SampleList list;
        QVERIFY(JsonCodec::decode(R"({"kind":"SampleList","apiVersion":"v1","metadata":{},)"
                                  R"("items":[{"kind":"Sample","apiVersion":"v1","name":"a"}]})",
                                  &list, {.strict = true})
                    .isOk());
        QCOMPARE(list.items(0).name(), std::string("a"));
        // ...but nested objects may not.
        Sample s;
        QVERIFY(!JsonCodec::decode(R"({"inner":{"kind":"Inner"}})", &s, {.strict = true}).isOk());
    }

    void decodeAnyResolvesByKind()
    {
        auto resolve = [](const TypeMeta &tm) -> google::protobuf::Message * {
            return tm.kind == "Sample" ? new Sample : nullptr;
        };
        Result<google::protobuf::Message *> m =
            JsonCodec::decodeAny(R"({"apiVersion":"v1","kind":"Sample","name":"x"})", resolve);
        QVERIFY(m.isOk());
        std::unique_ptr<google::protobuf::Message> owned(*m);
        QCOMPARE(static_cast<Sample *>(owned.get())->name(), std::string("x"));

        Result<google::protobuf::Message *> bad =
            JsonCodec::decodeAny(R"({"apiVersion":"v1","kind":"Nope"})", resolve);
        QCOMPARE(bad.status().message(),
                 std::string(R"(no kind "Nope" is registered for version "v1")"));
        Result<google::protobuf::Message *> noKind =
            JsonCodec::decodeAny(R"({"apiVersion":"v1"})", resolve);
        QVERIFY(noKind.status().message().starts_with("Object 'Kind' is missing"));
    }
};

QTEST_GUILESS_MAIN(TestJsonCodec)
#include "tst_jsoncodec.moc"
