// compareMessages (the field manager's typed compare) against compare() on
// the JSON encodings, which is its specification: Kubernetes' fixtures of
// every kind against the empty object and against thousands of random
// mutations of themselves, and the cases the walk treats specially (map
// order, nullable and always-written members, inlined members, strings
// that are not UTF-8, floating point, the server's metadata).

#include "backend/api/jsoncodec.h"
#include "backend/api/scheme.h"
#include "backend/apiserver/apply/structured.h"
#include "backend/apiserver/apply/typedcompare.h"

#include "core_v1.pb.h"
#include "meta_v1.pb.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <QDir>
#include <QFile>
#include <QTest>

#include <memory>
#include <random>

using namespace kubist;
using namespace kubist::apiserver::apply;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
namespace core = k8s::io::api::core::v1;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;

namespace {

// The specification: compare() on the JSON of both messages.
Comparison byJson(const Message &a, const Message &b)
{
    Comparison out;
    const Json ja = Json::parse(api::JsonCodec::encode(a), nullptr, false);
    const Json jb = Json::parse(api::JsonCodec::encode(b), nullptr, false);
    Path path;
    compare(&ja, &jb, shapeOfMessage(b.GetDescriptor()), path, out);
    return out;
}

Comparison typed(const Message &a, const Message &b, const TypedCompareOptions &options = {})
{
    Comparison out;
    compareMessages(a, b, out, options);
    return out;
}

QString describe(const Comparison &c)
{
    return QString::fromStdString("added " + c.added.toJson() + "\nmodified " +
                                  c.modified.toJson() + "\nremoved " + c.removed.toJson());
}

// Fails the test (with both answers) unless the walk answers as the JSON.
bool sameAnswer(const Message &a, const Message &b, const QString &what)
{
    const Comparison want = byJson(a, b), got = typed(a, b);
    if (want.added == got.added && want.modified == got.modified && want.removed == got.removed)
        return true;
    qWarning().noquote() << what << "\nwant:\n"
                         << describe(want) << "\ngot:\n"
                         << describe(got) << "\nlhs:" << api::JsonCodec::encode(a).c_str()
                         << "\nrhs:" << api::JsonCodec::encode(b).c_str();
    return false;
}

std::vector<std::unique_ptr<Message>> fixtures()
{
    std::vector<std::unique_ptr<Message>> out;
    QDir dir(QStringLiteral(KUBIST_TEST_DATA_DIR "/k8s"));
    for (const QString &name : dir.entryList({"*.json"}, QDir::Files, QDir::Name)) {
        QFile f(dir.filePath(name));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray bytes = f.readAll();
        const std::string_view text(bytes.constData(), size_t(bytes.size()));
        Result<api::TypeMeta> tm = api::JsonCodec::peekTypeMeta(text);
        if (!tm)
            continue;
        const api::KindInfo *kind = api::Scheme::builtin().byKind(tm->apiVersion, tm->kind);
        if (!kind)
            continue;
        std::unique_ptr<Message> m = api::Scheme::newMessage(kind->descriptor);
        if (api::JsonCodec::decode(text, m.get()))
            out.push_back(std::move(m));
    }
    return out;
}

// Random edits by reflection: set, change and clear scalars, clear and
// fill messages, add, drop and edit list elements and map entries.
class Mutator
{
public:
    explicit Mutator(uint32_t seed)
        : m_rng(seed)
    {}

    void mutate(Message *m, int depth = 0)
    {
        const Descriptor *d = m->GetDescriptor();
        const Reflection *r = m->GetReflection();
        for (int i = 0; i < d->field_count(); ++i) {
            const FieldDescriptor *fd = d->field(i);
            if (!chance(depth == 0 ? 1 : 3))
                continue;
            if (fd->is_repeated()) {
                const int n = r->FieldSize(*m, fd);
                const int what = pick(3);
                if (what == 0 && n > 0) {
                    r->RemoveLast(m, fd);
                } else if (what == 1 && n > 0 &&
                           fd->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
                    if (depth < 6)
                        mutate(r->MutableRepeatedMessage(m, fd, pick(n)), depth + 1);
                } else if (fd->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
                    if (depth < 6)
                        mutate(r->AddMessage(m, fd), depth + 1);
                } else if (fd->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
                    r->AddString(m, fd, word());
                }
                continue;
            }
            if (chance(5)) {
                r->ClearField(m, fd);
                continue;
            }
            switch (fd->cpp_type()) {
            case FieldDescriptor::CPPTYPE_STRING:
                r->SetString(m, fd, word());
                break;
            case FieldDescriptor::CPPTYPE_INT32:
                r->SetInt32(m, fd, pick(3) - 1);
                break;
            case FieldDescriptor::CPPTYPE_INT64:
                r->SetInt64(m, fd, pick(3) - 1);
                break;
            case FieldDescriptor::CPPTYPE_BOOL:
                r->SetBool(m, fd, chance(2));
                break;
            case FieldDescriptor::CPPTYPE_DOUBLE:
                r->SetDouble(m, fd, pick(2) ? -0.0 : 0.5);
                break;
            case FieldDescriptor::CPPTYPE_MESSAGE:
                if (depth < 6)
                    mutate(r->MutableMessage(m, fd), depth + 1);
                break;
            default:
                break;
            }
        }
    }

private:
    bool chance(int oneIn) { return pick(oneIn) == 0; }
    int pick(int n) { return int(m_rng() % uint32_t(n)); }
    std::string word()
    {
        static const char *words[] = {"", "a", "b", "web", "1", "TCP", "\xff", "\xfe"};
        return words[pick(8)];
    }

    std::mt19937 m_rng;
};

} // namespace

class TestTypedCompare : public QObject
{
    Q_OBJECT

private slots:
    void fixturesAgainstEmpty()
    {
        const auto all = fixtures();
        QVERIFY(all.size() >= 10);
        for (const auto &m : all) {
            std::unique_ptr<Message> empty(m->New());
            const QString name = QString::fromStdString(m->GetDescriptor()->name());
            QVERIFY(sameAnswer(*empty, *m, name + " created"));
            QVERIFY(sameAnswer(*m, *empty, name + " emptied"));
            QVERIFY(sameAnswer(*m, *m, name + " unchanged"));
            const Comparison none = typed(*m, *m);
            QVERIFY(none.added.empty() && none.modified.empty() && none.removed.empty());
        }
    }

    void fixturesAgainstRandomEdits()
    {
        const auto all = fixtures();
        int compared = 0, differing = 0;
        for (const auto &m : all) {
            for (uint32_t seed = 1; seed <= 60; ++seed) {
                Mutator mutator(seed * 7919u + uint32_t(compared));
                std::unique_ptr<Message> edited(m->New());
                edited->CopyFrom(*m);
                mutator.mutate(edited.get());
                const QString what = QString::fromStdString(m->GetDescriptor()->name()) + " seed " +
                                     QString::number(seed);
                QVERIFY(sameAnswer(*m, *edited, what + " (edit)"));
                QVERIFY(sameAnswer(*edited, *m, what + " (undo)"));
                // A second edit on top, so both sides differ from the fixture.
                std::unique_ptr<Message> again(edited->New());
                again->CopyFrom(*edited);
                mutator.mutate(again.get());
                QVERIFY(sameAnswer(*edited, *again, what + " (second edit)"));
                ++compared;
                const Comparison c = typed(*m, *edited);
                if (!c.added.empty() || !c.modified.empty() || !c.removed.empty())
                    ++differing;
            }
        }
        // The edits do change things (the test compares real differences).
        qInfo("%d edits, %d changed something", compared, differing);
        QVERIFY(differing > compared * 3 / 4);
    }

    void bindingSetsOneField()
    {
        core::Pod pod;
        pod.mutable_metadata()->set_name("web-1");
        auto *c = pod.mutable_spec()->add_containers();
        c->set_name("web");
        c->set_image("nginx");
        core::Pod bound = pod;
        bound.mutable_spec()->set_node_name("node-1");
        const Comparison got = typed(pod, bound);
        QCOMPARE(got.added.toJson(), std::string(R"({"f:spec":{"f:nodeName":{}}})"));
        QVERIFY(got.modified.empty() && got.removed.empty());
        QVERIFY(sameAnswer(pod, bound, "binding"));
    }

    void mapsInAnyOrderAreEqual()
    {
        meta::ObjectMeta a, b;
        for (int i = 0; i < 20; ++i)
            (*a.mutable_labels())["k" + std::to_string(i)] = "v";
        for (int i = 19; i >= 0; --i)
            (*b.mutable_labels())["k" + std::to_string(i)] = "v";
        QVERIFY(sameAnswer(a, b, "labels in another order"));
        const Comparison got = typed(a, b);
        QVERIFY(got.added.empty() && got.modified.empty() && got.removed.empty());
        (*b.mutable_labels())["k3"] = "w";
        QVERIFY(sameAnswer(a, b, "one label changed"));
        QCOMPARE(typed(a, b).modified.toJson(), std::string(R"({"f:labels":{"f:k3":{}}})"));
    }

    void stringsThatAreNotUtf8()
    {
        // Both are written as U+FFFD: the JSON says "unchanged".
        core::Pod a, b;
        a.mutable_spec()->set_node_name("\xff");
        b.mutable_spec()->set_node_name("\xfe");
        QVERIFY(sameAnswer(a, b, "invalid UTF-8"));
        QVERIFY(typed(a, b).modified.empty());
    }

    void serverMetadataLeftOut()
    {
        core::Pod a;
        a.mutable_metadata()->set_name("p");
        a.mutable_metadata()->set_resource_version("1");
        core::Pod b = a;
        b.mutable_metadata()->set_resource_version("2");
        b.mutable_metadata()->add_managed_fields()->set_manager("kubectl");
        TypedCompareOptions skip;
        skip.skipServerMetadata = true;
        const Comparison got = typed(a, b, skip);
        QVERIFY(got.added.empty() && got.modified.empty() && got.removed.empty());
        // Without the option they are fields like any other.
        QVERIFY(!typed(a, b).modified.empty());
        QVERIFY(sameAnswer(a, b, "server metadata"));
    }
};

QTEST_GUILESS_MAIN(TestTypedCompare)
#include "tst_typedcompare.moc"
