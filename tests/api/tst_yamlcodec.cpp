#include "backend/api/yamlcodec.h"

#include "testschema.pb.h"

#include <google/protobuf/util/message_differencer.h>

#include <QElapsedTimer>
#include <QTest>

using namespace kubist;
using namespace kubist::api;
using kubist::test::Sample;

class TestYamlCodec : public QObject
{
    Q_OBJECT

private slots:
    void convertsToJson_data()
    {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("json");
        QTest::newRow("block mapping") << "a: 1\nb: text\n"
                                       << R"({"a":1,"b":"text"})";
        QTest::newRow("flow style") << "{a: [1, 2], b: {c: d}}"
                                    << R"({"a":[1,2],"b":{"c":"d"}})";
        QTest::newRow("JSON is YAML") << R"({"a": "b", "c": [true]})"
                                      << R"({"a":"b","c":[true]})";
        QTest::newRow("quoted numbers stay strings") << "a: \"8080\"\nb: '1.5'\n"
                                                     << R"({"a":"8080","b":"1.5"})";
        QTest::newRow("YAML 1.1 booleans") << "a: yes\nb: off\nc: On\nd: n\n"
                                           << R"({"a":true,"b":false,"c":true,"d":false})";
        QTest::newRow("octal, hex, binary, underscores")
            << "a: 0644\nb: 0x1F\nc: 0b101\nd: 1_000\ne: -0o17\n"
            << R"({"a":420,"b":31,"c":5,"d":1000,"e":-15})";
        QTest::newRow("floats") << "a: 0.5\nb: 1e3\nc: -.25\n"
                                << R"({"a":0.5,"b":1000,"c":-0.25})";
        QTest::newRow("big integers") << "a: 9223372036854775807\nb: 18446744073709551615\n"
                                      << R"({"a":9223372036854775807,"b":18446744073709551615})";
        QTest::newRow("nulls") << "a: ~\nb: null\nc:\n"
                               << R"({"a":null,"b":null,"c":null})";
        QTest::newRow("explicit string tag") << "a: !!str 123\n"
                                             << R"({"a":"123"})";
        QTest::newRow("non-string keys become strings") << "1: a\ntrue: b\n"
                                                        << R"({"1":"a","true":"b"})";
        QTest::newRow("literal block") << "a: |\n  line1\n  line2\n"
                                       << R"({"a":"line1\nline2\n"})";
        QTest::newRow("anchors and aliases") << "a: &x [1, 2]\nb: *x\n"
                                             << R"({"a":[1,2],"b":[1,2]})";
        QTest::newRow("merge keys") << "base: &b {p: 1, q: 2}\nd:\n  <<: *b\n  q: 3\n"
                                    << R"({"base":{"p":1,"q":2},"d":{"q":3,"p":1}})";
        QTest::newRow("YAML 1.1 boolean keys") << "y: 1\nn: 2\n"
                                               << R"({"true":1,"false":2})";
        QTest::newRow("strings that look special") << "a: 1.2.3\nb: 10Gi\nc: v1\n"
                                                   << R"({"a":"1.2.3","b":"10Gi","c":"v1"})";
    }

    void convertsToJson()
    {
        QFETCH(QString, yaml);
        QFETCH(QString, json);
        Result<std::string> out = YamlCodec::toJson(yaml.toStdString());
        QVERIFY2(out.isOk(), out.status().message().c_str());
        QCOMPARE(QString::fromStdString(*out), json);
    }

    void multipleDocuments()
    {
        Result<std::vector<std::string>> docs =
            YamlCodec::toJsonDocuments("a: 1\n---\n---\n# only a comment\n---\nb: 2\n...\n");
        QVERIFY(docs.isOk());
        QCOMPARE(docs->size(), size_t(2));
        QCOMPARE(docs->at(1), std::string(R"({"b":2})"));
        QVERIFY(!YamlCodec::toJson("a: 1\n---\nb: 2\n").isOk());
        QCOMPARE(YamlCodec::toJson("").status().message(),
                 std::string("the YAML document is empty"));
    }

    void errors_data()
    {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("message");
        QTest::newRow("unclosed flow sequence") << "a: [1, 2\n"
                                                << "invalid YAML at line ";
        QTest::newRow("bad indentation") << "a:\n  b: 1\n c: 2\n"
                                         << "invalid YAML at line ";
        QTest::newRow("infinity has no JSON form") << "a: .inf\n"
                                                   << "invalid YAML at line 1";
        QTest::newRow("unknown tag") << "a: !foo x\n"
                                     << "invalid YAML at line 1, column 4";
        QTest::newRow("undefined alias") << "a: *nope\n"
                                         << "invalid YAML at line ";
    }

    void errors()
    {
        QFETCH(QString, yaml);
        QFETCH(QString, message);
        Result<std::vector<std::string>> out = YamlCodec::toJsonDocuments(yaml.toStdString());
        QVERIFY(!out.isOk());
        QCOMPARE(out.status().code(), Status::Code::InvalidArgument);
        QVERIFY2(out.status().message().starts_with(message.toStdString()),
                 out.status().message().c_str());
    }

    void billionLaughsIsRefusedQuickly()
    {
        std::string yaml =
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
        char prev = 'a';
        for (char c = 'b'; c <= 'j'; ++c, ++prev) {
            yaml += std::string(1, c) + ": &" + c + " [";
            for (int i = 0; i < 9; ++i)
                yaml += std::string(i ? "," : "") + "*" + prev;
            yaml += "]\n";
        }
        Result<std::vector<std::string>> out = YamlCodec::toJsonDocuments(yaml);
        QVERIFY(!out.isOk());
        QVERIFY2(out.status().message().find("expands to more than") != std::string::npos,
                 out.status().message().c_str());
    }

    void deepNestingIsRefused()
    {
        const std::string yaml(100000, '[');
        Result<std::vector<std::string>> out = YamlCodec::toJsonDocuments(yaml);
        QVERIFY(!out.isOk());
    }

    void decodesIntoMessages()
    {
        Sample s;
        TypeMeta tm;
        QVERIFY(YamlCodec::decode("kind: Sample\napiVersion: v1\nname: web\ncount: 3\n"
                                  "tags: [a, b]\nlabels:\n  app: web\nqty: 0.5\nport: http\n",
                                  &s, {}, &tm)
                    .isOk());
        QCOMPARE(tm.kind, std::string("Sample"));
        QCOMPARE(s.count(), 3);
        QCOMPARE(s.qty().value(), std::string("500m"));
        QCOMPARE(s.port().str_val(), std::string("http"));
        // A plain number where a string is wanted is an error, as in kubectl.
        Status st = YamlCodec::decode("name: 8080\n", &s);
        QCOMPARE(st.message(), std::string("name: expected string, got number"));
        // YAML 1.1 "yes" is a boolean, so it cannot be a string field.
        QVERIFY(!YamlCodec::decode("name: yes\n", &s).isOk());
    }

    void encodeQuotesWhatWouldReadBackDifferently()
    {
        Sample s;
        s.set_name("true");
        s.add_tags("123");
        s.add_tags("yes");
        s.add_tags("");
        s.add_tags("plain");
        s.set_always_name("line1\nline2\n");
        (*s.mutable_labels())["on"] = "0644";
        const std::string yaml = YamlCodec::encode(s);
        QVERIFY2(yaml.find("name: \"true\"") != std::string::npos, yaml.c_str());
        QVERIFY2(yaml.find("- \"123\"") != std::string::npos, yaml.c_str());
        QVERIFY2(yaml.find("- \"yes\"") != std::string::npos, yaml.c_str());
        QVERIFY2(yaml.find("- plain") != std::string::npos, yaml.c_str());
        QVERIFY2(yaml.find("\"on\": \"0644\"") != std::string::npos, yaml.c_str());
        QVERIFY2(yaml.find("alwaysName: |") != std::string::npos, yaml.c_str());
        Sample back;
        Status st = YamlCodec::decode(yaml, &back);
        QVERIFY2(st.isOk(), st.message().c_str());
        // Always-written fields come back set to their zero values.
        google::protobuf::util::MessageDifferencer d;
        d.set_message_field_comparison(google::protobuf::util::MessageDifferencer::EQUIVALENT);
        QVERIFY(d.Compare(s, back));
    }
};

QTEST_GUILESS_MAIN(TestYamlCodec)
#include "tst_yamlcodec.moc"
