// Bad input never crashes and never hangs: each codec returns a clear error
// value, in bounded time and memory, for the hostile inputs an API server
// sees. (The sanitizer preset runs this too.)

#include "backend/api/jsoncodec.h"
#include "backend/api/protocodec.h"
#include "backend/api/yamlcodec.h"

#include "core_v1.pb.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTest>

using namespace kubist;
using namespace kubist::api;
using k8s::io::api::core::v1::Pod;

namespace {

std::string fixture(const char *name)
{
    QFile f(QStringLiteral(KUBIST_TEST_DATA_DIR "/k8s/") + QLatin1String(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", name);
    return f.readAll().toStdString();
}

} // namespace

class TestBadInput : public QObject
{
    Q_OBJECT

private slots:
    void json_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<bool>("strict");
        QTest::addColumn<QString>("message");
        QTest::newRow("100,000 unclosed arrays")
            << QByteArray(100000, '[') << false << "invalid JSON: ";
        QTest::newRow("100,000 nested arrays")
            << QByteArray(100000, '[') + QByteArray(100000, ']') << false
            << "invalid JSON: nesting deeper than 1000 levels";
        QByteArray objects;
        for (int i = 0; i < 100000; ++i)
            objects += "{\"a\":";
        QTest::newRow("100,000 nested objects") << objects << false << "invalid JSON: ";
        QTest::newRow("int64 past 2^63")
            << QByteArray(R"({"metadata":{"generation":9223372036854775808}})") << false
            << "metadata.generation: number 9223372036854775808 out of range";
        QTest::newRow("integer past 2^64")
            << QByteArray(R"({"metadata":{"generation":123456789012345678901234567890}})") << false
            << "";
        QTest::newRow("exponent overflow")
            << QByteArray(R"({"spec":{"priority":1e400}})") << false << "";
        QTest::newRow("invalid UTF-8") << QByteArray("{\"metadata\":{\"name\":\"\xff\xfe\"}}")
                                       << false << "invalid JSON: the input is not valid UTF-8";
        QTest::newRow("lone surrogate")
            << QByteArray("{\"metadata\":{\"name\":\"\\ud800\"}}") << false << "invalid JSON: ";
        QTest::newRow("embedded NUL byte")
            << QByteArray("{\"metadata\":{\"name\":\"a\0b\"}}", 27) << false << "invalid JSON: ";
        QTest::newRow("duplicate keys, strict")
            << QByteArray(R"({"metadata":{"name":"a","name":"b"}})") << true
            << "duplicate field \"metadata.name\"";
        QTest::newRow("unknown field, strict") << QByteArray(R"({"spec":{"nodeNmae":"x"}})") << true
                                               << "unknown field \"spec.nodeNmae\"";
        QTest::newRow("truncated")
            << QByteArray(R"({"metadata":{"name":)") << false << "invalid JSON: ";
        QTest::newRow("wrong types deep inside")
            << QByteArray(
                   R"({"spec":{"containers":[{"name":"a","ports":[{"containerPort":"80"}]}]}})")
            << false << "spec.containers[0].ports[0].containerPort: expected integer, got string";
        QTest::newRow("bad quantity")
            << QByteArray(R"({"spec":{"containers":[{"resources":{"limits":{"cpu":"1x"}}}]}})")
            << false << "spec.containers[0].resources.limits.cpu: ";
    }

    void json()
    {
        QFETCH(QByteArray, input);
        QFETCH(bool, strict);
        QFETCH(QString, message);
        Pod pod;
        Status st = JsonCodec::decode(std::string_view(input.constData(), size_t(input.size())),
                                      &pod, {.strict = strict});
        QVERIFY(!st.isOk());
        QCOMPARE(st.code(), Status::Code::InvalidArgument);
        QVERIFY2(st.message().starts_with(message.toStdString()), st.message().c_str());
    }

    void yaml_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("message");
        QByteArray laughs = "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n";
        for (char c = 'b'; c <= 'i'; ++c) {
            laughs += QByteArray(1, c) + ": &" + c + " [";
            for (int i = 0; i < 9; ++i)
                laughs += QByteArray(i ? "," : "") + "*" + char(c - 1);
            laughs += "]\n";
        }
        QTest::newRow("billion laughs") << laughs << "invalid YAML";
        QTest::newRow("100,000 nested flow sequences") << QByteArray(100000, '[') << "invalid YAML";
        QTest::newRow("invalid UTF-8")
            << QByteArray("metadata:\n  name: \"\xff\"\n") << "invalid YAML";
        QTest::newRow("unclosed flow mapping")
            << QByteArray("metadata: {name: abc\n") << "invalid YAML";
        QTest::newRow("tab indentation") << QByteArray("metadata:\n\tname: a\n") << "invalid YAML";
    }

    void yaml()
    {
        QFETCH(QByteArray, input);
        QFETCH(QString, message);
        Pod pod;
        Status st =
            YamlCodec::decode(std::string_view(input.constData(), size_t(input.size())), &pod);
        QVERIFY(!st.isOk());
        QVERIFY2(st.message().starts_with(message.toStdString()), st.message().c_str());
    }

    void mutatedProtobufNeverCrashes()
    {
        const std::string good = fixture("core.v1.Pod.pb");
        QRandomGenerator rng(20261127);
        int errors = 0;
        for (int round = 0; round < 3000; ++round) {
            std::string bytes = good;
            if (round % 3 == 0) {
                bytes.resize(rng.bounded(quint32(bytes.size())));
            } else {
                const int flips = 1 + int(rng.bounded(8));
                for (int i = 0; i < flips; ++i)
                    bytes[rng.bounded(quint32(bytes.size()))] = char(rng.bounded(256));
            }
            Pod pod;
            Status st = ProtobufCodec::decode(bytes, &pod);
            if (!st) {
                ++errors;
                continue;
            }
            // Whatever decoded must encode again, to JSON too.
            (void)ProtobufCodec::encode(pod, {"v1", "Pod"});
            (void)JsonCodec::encode(pod);
        }
        QVERIFY(errors > 0);
    }

    void mutatedJsonAndYamlNeverCrash()
    {
        const std::string json = fixture("core.v1.Pod.json");
        const std::string yaml = fixture("core.v1.Pod.yaml");
        QRandomGenerator rng(42);
        int errors = 0;
        for (int round = 0; round < 1000; ++round) {
            for (const std::string *source : {&json, &yaml}) {
                std::string bytes = *source;
                const int flips = 1 + int(rng.bounded(4));
                static constexpr char kNoise[] = "{}[]\":,\n -\xff\\0a1";
                for (int i = 0; i < flips; ++i)
                    bytes[rng.bounded(quint32(bytes.size()))] =
                        kNoise[rng.bounded(quint32(sizeof(kNoise) - 1))];
                Pod pod;
                Status st = source == &json ? JsonCodec::decode(bytes, &pod)
                                            : YamlCodec::decode(bytes, &pod);
                errors += !st.isOk();
            }
        }
        QVERIFY(errors > 0);
    }
};

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_badinput.moc"
