#include "backend/api/protocodec.h"

#include "testschema.pb.h"

#include <google/protobuf/util/message_differencer.h>

#include <QTest>

using namespace kubist;
using namespace kubist::api;
using kubist::test::Inner;
using kubist::test::Sample;

namespace {

Sample sample()
{
    Sample s;
    s.set_name("web-1");
    s.set_count(3);
    s.set_big(-5);
    s.add_tags("a");
    (*s.mutable_labels())["b"] = "2";
    (*s.mutable_labels())["a"] = "1";
    s.mutable_when()->set_seconds(1700000000);
    s.mutable_qty()->set_value("100m");
    s.add_inners()->set_value("x");
    return s;
}

} // namespace

class TestProtobufCodec : public QObject
{
    Q_OBJECT

private slots:
    void envelopeWrapsTheObject()
    {
        const Sample s = sample();
        const std::string bytes = ProtobufCodec::encode(s, {"test/v1", "Sample"});
        QVERIFY(bytes.starts_with(std::string_view("k8s\0", 4)));
        QVERIFY(bytes.ends_with(std::string_view("\x1a\x00\x22\x00", 4)));
        Result<ProtobufCodec::Envelope> env = ProtobufCodec::unwrap(bytes);
        QVERIFY(env.isOk());
        QCOMPARE(env->typeMeta, (TypeMeta{"test/v1", "Sample"}));
        QCOMPARE(env->raw, ProtobufCodec::serialize(s));
        Sample back;
        TypeMeta tm;
        QVERIFY(ProtobufCodec::decode(bytes, &back, &tm).isOk());
        QVERIFY(google::protobuf::util::MessageDifferencer::Equals(s, back));
    }

    void listIsWrittenAsItsListMessage()
    {
        // encodeList writes metadata and items straight out; the bytes are
        // those of the List message holding the same parts.
        kubist::test::SampleList list;
        list.mutable_metadata()->set_resource_version("42");
        Sample second = sample();
        second.set_name("web-2");
        second.add_tags(std::string(300, 'x')); // a multi-byte length prefix
        *list.add_items() = sample();
        *list.add_items() = second;
        const std::vector<const google::protobuf::Message *> items = {&list.items(0),
                                                                      &list.items(1)};
        const TypeMeta tm{"test/v1", "SampleList"};
        QCOMPARE(ProtobufCodec::encodeList(tm, list.metadata(), items),
                 ProtobufCodec::encode(list, tm));
        list.clear_items();
        QCOMPARE(ProtobufCodec::encodeList(tm, list.metadata(), {}),
                 ProtobufCodec::encode(list, tm));
    }

    void serializationIsDeterministic()
    {
        Sample a = sample();
        Sample b;
        (*b.mutable_labels())["a"] = "1"; // other insertion order
        (*b.mutable_labels())["b"] = "2";
        b.MergeFrom(a);
        QCOMPARE(ProtobufCodec::serialize(a), ProtobufCodec::serialize(b));
    }

    void unknownFieldsSurviveARoundTrip()
    {
        const Sample s = sample();
        // Inner models only fields 1 and 2: the rest are unknown to it.
        Inner narrow;
        QVERIFY(ProtobufCodec::parse(ProtobufCodec::serialize(s), &narrow).isOk());
        QVERIFY(!narrow.GetReflection()->GetUnknownFields(narrow).empty());
        Sample back;
        QVERIFY(ProtobufCodec::parse(ProtobufCodec::serialize(narrow), &back).isOk());
        QVERIFY(google::protobuf::util::MessageDifferencer::Equals(s, back));
    }

    void badInput_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("message");
        const std::string good = ProtobufCodec::encode(sample(), {"test/v1", "Sample"});
        const QByteArray goodBytes = QByteArray::fromStdString(good);
        QTest::newRow("empty") << QByteArray() << "not Kubernetes protobuf";
        QTest::newRow("JSON instead") << QByteArray("{}") << "not Kubernetes protobuf";
        QTest::newRow("wrong magic") << QByteArray("k8s\1abc", 7) << "not Kubernetes protobuf";
        QTest::newRow("truncated envelope")
            << goodBytes.left(goodBytes.size() - 30) << "malformed protobuf envelope";
        QTest::newRow("garbage after magic")
            << QByteArray("k8s\0\xff\xff\xff\xff\xff", 9) << "malformed protobuf envelope";
        QTest::newRow("compressed content")
            << QByteArray::fromStdString(std::string("k8s\0", 4) + "\x1a\x04gzip")
            << "unsupported protobuf content encoding \"gzip\"";
    }

    void badInput()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, message);
        Sample s;
        Status st =
            ProtobufCodec::decode(std::string_view(bytes.constData(), size_t(bytes.size())), &s);
        QVERIFY(!st.isOk());
        QVERIFY2(st.message().starts_with(message.toStdString()), st.message().c_str());
    }

    void malformedObjectInsideAValidEnvelope()
    {
        std::string bytes(ProtobufCodec::kMagic);
        bytes += "\x12\x03\xff\xff\xff"; // raw = three bytes of nonsense
        Sample s;
        Status st = ProtobufCodec::decode(bytes, &s);
        QCOMPARE(st.message(), std::string("malformed protobuf: cannot decode Sample"));
    }
};

QTEST_GUILESS_MAIN(TestProtobufCodec)
#include "tst_protocodec.moc"
