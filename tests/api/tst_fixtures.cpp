// Kubernetes' own round-trip fixtures (tests/data/k8s, copied from
// kubernetes/api testdata/HEAD) against our three codecs: every field we
// model reads the same from the JSON, YAML and protobuf forms; protobuf
// round trips keep every field, modelled or not; our JSON is the fixture's
// JSON restricted to the fields we model.

#include "backend/api/jsoncodec.h"
#include "backend/api/protocodec.h"
#include "backend/api/schemainfo.h"
#include "backend/api/scheme.h"
#include "backend/api/yamlcodec.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/message_differencer.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <algorithm>

using namespace kubist;
using namespace kubist::api;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::util::MessageDifferencer;

namespace {

QByteArray readFixture(const QString &name)
{
    QFile f(QStringLiteral(KUBIST_TEST_DATA_DIR "/k8s/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot open fixture %s", qPrintable(f.fileName()));
    return f.readAll();
}

std::string_view view(const QByteArray &b)
{
    return {b.constData(), size_t(b.size())};
}

// The wire encoding of a message with, at every level we know the type of,
// fields stably ordered by number: Go writes fields in number order, while
// C++ writes unknown fields after the known ones. Equal canonical forms mean
// the same fields with the same values.
std::string canonicalWire(std::string_view bytes, const Descriptor *d)
{
    using google::protobuf::internal::WireFormatLite;
    using google::protobuf::io::CodedInputStream;
    struct Field
    {
        int number;
        std::string encoded;
    };
    std::vector<Field> fields;
    CodedInputStream in(reinterpret_cast<const uint8_t *>(bytes.data()), int(bytes.size()));
    while (true) {
        const uint32_t tag = in.ReadTag();
        if (tag == 0)
            break;
        const int number = int(tag >> 3);
        const int wireType = int(tag & 7);
        std::string out;
        auto appendVarint = [&out](uint64_t v) {
            do {
                uint8_t b = v & 0x7F;
                v >>= 7;
                out += char(b | (v ? 0x80 : 0));
            } while (v);
        };
        appendVarint(tag);
        switch (wireType) {
        case WireFormatLite::WIRETYPE_VARINT: {
            uint64_t v;
            in.ReadVarint64(&v);
            appendVarint(v);
            break;
        }
        case WireFormatLite::WIRETYPE_FIXED64: {
            uint64_t v;
            in.ReadLittleEndian64(&v);
            out.append(reinterpret_cast<const char *>(&v), 8);
            break;
        }
        case WireFormatLite::WIRETYPE_FIXED32: {
            uint32_t v;
            in.ReadLittleEndian32(&v);
            out.append(reinterpret_cast<const char *>(&v), 4);
            break;
        }
        case WireFormatLite::WIRETYPE_LENGTH_DELIMITED: {
            uint32_t len;
            in.ReadVarint32(&len);
            std::string payload;
            in.ReadString(&payload, int(len));
            const FieldDescriptor *fd = d ? d->FindFieldByNumber(number) : nullptr;
            if (fd && fd->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE)
                payload = canonicalWire(payload, fd->message_type());
            appendVarint(payload.size());
            out += payload;
            break;
        }
        default:
            qFatal("unexpected wire type %d", wireType);
        }
        fields.push_back({number, std::move(out)});
    }
    std::stable_sort(fields.begin(), fields.end(),
                     [](const Field &a, const Field &b) { return a.number < b.number; });
    std::string result;
    for (const Field &f : fields)
        result += f.encoded;
    return result;
}

// `json` restricted to the fields `d` models (inlined members included).
QJsonValue project(const QJsonValue &json, const Descriptor *d)
{
    const MessageInfo &info = MessageInfo::of(d);
    if (info.special != Special::None || !json.isObject())
        return json;
    QJsonObject out;
    const QJsonObject in = json.toObject();
    for (auto it = in.begin(); it != in.end(); ++it) {
        const FieldInfo *f = info.find(it.key().toStdString());
        if (!f)
            continue;
        const FieldDescriptor *fd = f->fd;
        if (fd->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
            out.insert(it.key(), it.value());
        } else if (fd->is_map()) {
            const Descriptor *valueType =
                fd->message_type()->map_value()->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE
                    ? fd->message_type()->map_value()->message_type()
                    : nullptr;
            QJsonObject m;
            const QJsonObject src = it.value().toObject();
            for (auto e = src.begin(); e != src.end(); ++e)
                m.insert(e.key(), valueType ? project(e.value(), valueType) : e.value());
            out.insert(it.key(), m);
        } else if (fd->is_repeated() && it.value().isArray()) {
            QJsonArray a;
            for (const QJsonValue &v : it.value().toArray())
                a.append(project(v, fd->message_type()));
            out.insert(it.key(), a);
        } else {
            out.insert(it.key(), project(it.value(), fd->message_type()));
        }
    }
    return out;
}

QString fileStem(const KindInfo &k)
{
    const QString group =
        k.group.empty() ? QStringLiteral("core") : QString::fromStdString(k.group);
    return group + '.' + QString::fromStdString(k.version) + '.' + QString::fromStdString(k.kind);
}

bool equivalent(const Message &a, const Message &b, std::string *diff)
{
    MessageDifferencer d;
    d.set_message_field_comparison(MessageDifferencer::EQUIVALENT);
    d.ReportDifferencesToString(diff);
    return d.Compare(a, b);
}

std::unique_ptr<Message> withoutUnknownFields(const Message &m)
{
    std::unique_ptr<Message> copy(m.New());
    copy->CopyFrom(m);
    copy->DiscardUnknownFields();
    return copy;
}

} // namespace

class TestFixtures : public QObject
{
    Q_OBJECT

private:
    void addKinds()
    {
        QTest::addColumn<QString>("stem");
        QTest::addColumn<QString>("apiVersion");
        QTest::addColumn<QString>("kind");
        for (const KindInfo &k : Scheme::builtin().kinds()) {
            const QString stem = fileStem(k);
            if (!QFile::exists(QStringLiteral(KUBIST_TEST_DATA_DIR "/k8s/") + stem + ".pb"))
                continue;
            QTest::newRow(qPrintable(stem))
                << stem << QString::fromStdString(k.apiVersion()) << QString::fromStdString(k.kind);
        }
    }

    std::unique_ptr<Message> fromPb(const QString &stem)
    {
        const QByteArray pb = readFixture(stem + ".pb");
        Result<ProtobufCodec::Envelope> env = ProtobufCodec::unwrap(view(pb));
        if (!env)
            return nullptr;
        const KindInfo *k = Scheme::builtin().byKind(env->typeMeta.apiVersion, env->typeMeta.kind);
        if (!k)
            return nullptr;
        std::unique_ptr<Message> m = Scheme::newMessage(k->descriptor);
        if (!ProtobufCodec::parse(env->raw, m.get()))
            return nullptr;
        return m;
    }

private slots:
    void everyKindHasFixtures()
    {
        int withFixtures = 0;
        for (const KindInfo &k : Scheme::builtin().kinds())
            withFixtures +=
                QFile::exists(QStringLiteral(KUBIST_TEST_DATA_DIR "/k8s/") + fileStem(k) + ".pb");
        // Every built-in kind but ServiceAccount (upstream ships no fixture);
        // kubist.io's Fault is not Kubernetes'.
        QCOMPARE(withFixtures, int(Scheme::builtin().kinds().size()) - 2);
    }

    void protobufEnvelopeNamesTheKind_data() { addKinds(); }
    void protobufEnvelopeNamesTheKind()
    {
        QFETCH(QString, stem);
        QFETCH(QString, apiVersion);
        QFETCH(QString, kind);
        Result<ProtobufCodec::Envelope> env =
            ProtobufCodec::unwrap(view(readFixture(stem + ".pb")));
        QVERIFY2(env.isOk(), env.status().message().c_str());
        QCOMPARE(QString::fromStdString(env->typeMeta.apiVersion), apiVersion);
        QCOMPARE(QString::fromStdString(env->typeMeta.kind), kind);
    }

    void protobufRoundTripKeepsEveryField_data() { addKinds(); }
    void protobufRoundTripKeepsEveryField()
    {
        QFETCH(QString, stem);
        QFETCH(QString, apiVersion);
        QFETCH(QString, kind);
        const QByteArray pb = readFixture(stem + ".pb");
        std::unique_ptr<Message> m = fromPb(stem);
        QVERIFY(m);
        const std::string encoded =
            ProtobufCodec::encode(*m, {apiVersion.toStdString(), kind.toStdString()});
        Result<ProtobufCodec::Envelope> original = ProtobufCodec::unwrap(view(pb));
        Result<ProtobufCodec::Envelope> ours = ProtobufCodec::unwrap(encoded);
        QVERIFY(ours.isOk());
        QCOMPARE(canonicalWire(ours->raw, m->GetDescriptor()),
                 canonicalWire(original->raw, m->GetDescriptor()));
        // Where every field is modelled, the bytes are Go's exactly.
        if (m->GetReflection()->GetUnknownFields(*m).empty() &&
            withoutUnknownFields(*m)->ByteSizeLong() == m->ByteSizeLong())
            QCOMPARE(QByteArray::fromStdString(encoded), pb);
    }

    void jsonYamlAndProtobufAgree_data() { addKinds(); }
    void jsonYamlAndProtobufAgree()
    {
        QFETCH(QString, stem);
        QFETCH(QString, apiVersion);
        QFETCH(QString, kind);
        std::unique_ptr<Message> pb = fromPb(stem);
        QVERIFY(pb);
        std::unique_ptr<Message> json(pb->New());
        std::unique_ptr<Message> yaml(pb->New());
        TypeMeta tm;
        Status js = JsonCodec::decode(view(readFixture(stem + ".json")), json.get(), {}, &tm);
        QVERIFY2(js.isOk(), js.message().c_str());
        QCOMPARE(QString::fromStdString(tm.apiVersion), apiVersion);
        QCOMPARE(QString::fromStdString(tm.kind), kind);
        Status ys = YamlCodec::decode(view(readFixture(stem + ".yaml")), yaml.get());
        QVERIFY2(ys.isOk(), ys.message().c_str());

        std::string diff;
        QVERIFY2(equivalent(*withoutUnknownFields(*pb), *json, &diff), diff.c_str());
        QVERIFY2(equivalent(*json, *yaml, &diff), diff.c_str());
    }

    void strictJsonAcceptsEveryModelledField_data() { addKinds(); }
    void strictJsonAcceptsEveryModelledField()
    {
        QFETCH(QString, stem);
        std::unique_ptr<Message> pb = fromPb(stem);
        QVERIFY(pb);
        // Our own JSON of the fixture decodes strictly: every name we write
        // is one we read.
        std::unique_ptr<Message> again(pb->New());
        Status s = JsonCodec::decode(JsonCodec::encode(*pb), again.get(), {.strict = true});
        QVERIFY2(s.isOk(), s.message().c_str());
        std::string diff;
        QVERIFY2(equivalent(*withoutUnknownFields(*pb), *again, &diff), diff.c_str());
    }

    void jsonEncodingIsTheFixtureRestrictedToModelledFields_data() { addKinds(); }
    void jsonEncodingIsTheFixtureRestrictedToModelledFields()
    {
        QFETCH(QString, stem);
        QFETCH(QString, apiVersion);
        QFETCH(QString, kind);
        std::unique_ptr<Message> pb = fromPb(stem);
        QVERIFY(pb);
        JsonEncodeOptions o;
        o.typeMeta = {apiVersion.toStdString(), kind.toStdString()};
        const std::string ours = JsonCodec::encode(*pb, o);
        QJsonParseError err;
        const QJsonDocument oursDoc =
            QJsonDocument::fromJson(QByteArray::fromStdString(ours), &err);
        QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
        const QJsonDocument fixture = QJsonDocument::fromJson(readFixture(stem + ".json"));
        QJsonObject expected = project(fixture.object(), pb->GetDescriptor()).toObject();
        expected.insert("apiVersion", apiVersion);
        expected.insert("kind", kind);
        if (oursDoc.object() != expected) {
            qWarning("ours:     %s", oursDoc.toJson(QJsonDocument::Compact).constData());
            qWarning("expected: %s",
                     QJsonDocument(expected).toJson(QJsonDocument::Compact).constData());
        }
        QCOMPARE(oursDoc.object(), expected);
    }

    void zeroValuesWriteOnlyTheAlwaysWrittenFields()
    {
        // The fixtures set every field; Kubernetes' own JSON of mostly-empty
        // objects is what official clients check against.
        std::unique_ptr<Message> pod =
            Scheme::newMessage(Scheme::builtin().byKind("v1", "Pod")->descriptor);
        Status s = JsonCodec::decode(
            R"({"spec":{"containers":[{}]},"status":{"containerStatuses":[{}]}})", pod.get());
        QVERIFY(s.isOk());
        const QJsonObject json =
            QJsonDocument::fromJson(QByteArray::fromStdString(JsonCodec::encode(*pod))).object();
        const QJsonObject container = json["spec"]["containers"][0].toObject();
        QCOMPARE(container.keys(), (QStringList{"name", "resources"}));
        QCOMPARE(container["resources"].toObject(), QJsonObject());
        const QJsonObject status = json["status"]["containerStatuses"][0].toObject();
        QCOMPARE(status.keys(), (QStringList{"image", "imageID", "lastState", "name", "ready",
                                             "restartCount", "state"}));
        QCOMPARE(status["ready"], QJsonValue(false));
        QCOMPARE(status["restartCount"], QJsonValue(0));
        QCOMPARE(json["metadata"].toObject(), QJsonObject());

        // An empty list object still has its metadata and items.
        std::unique_ptr<Message> list =
            Scheme::newMessage(Scheme::builtin().byKind("v1", "Pod")->listDescriptor);
        QCOMPARE(JsonCodec::encode(*list), std::string(R"({"metadata":{},"items":[]})"));

        // A pointer without omitempty is written as null (DeploymentSpec.selector).
        std::unique_ptr<Message> deployment =
            Scheme::newMessage(Scheme::builtin().byKind("apps/v1", "Deployment")->descriptor);
        const QJsonObject d =
            QJsonDocument::fromJson(QByteArray::fromStdString(JsonCodec::encode(*deployment)))
                .object();
        QVERIFY(d["spec"].toObject().contains("selector"));
        QVERIFY(d["spec"]["selector"].isNull());
        QVERIFY(d["spec"]["template"].isObject());
    }

    void modelledFieldsCoverTheFixtures_data() { addKinds(); }
    void modelledFieldsCoverTheFixtures()
    {
        // Only the legacy in-tree volume sources are left unmodelled, and
        // only the Pod-template kinds have them.
        QFETCH(QString, stem);
        std::unique_ptr<Message> pb = fromPb(stem);
        QVERIFY(pb);
        const bool complete = withoutUnknownFields(*pb)->ByteSizeLong() == pb->ByteSizeLong();
        const bool hasPodTemplate =
            stem == "core.v1.Pod" || stem == "apps.v1.Deployment" || stem == "apps.v1.ReplicaSet";
        QCOMPARE(complete, !hasPodTemplate);
    }
};

QTEST_GUILESS_MAIN(TestFixtures)
#include "tst_fixtures.moc"
