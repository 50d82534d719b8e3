// FieldSet: the FieldsV1 trie of managedFields — parsing and writing
// upstream's JSON form, set algebra and the path text of conflict messages.

#include "backend/apiserver/apply/fieldset.h"

#include <QTest>

using namespace kubist;
using namespace kubist::apiserver::apply;

namespace {

// Test data spells JSON with ' for " and ` for an escaped quote inside a
// string, so no line holds backslashes or escaped quotes.
std::string j(const char *text)
{
    std::string out;
    for (const char *p = text; *p; ++p) {
        if (*p == '\'')
            out += '"';
        else if (*p == '`')
            out += "\\\"";
        else
            out += *p;
    }
    return out;
}

FieldSet parsed(const std::string &text)
{
    Result<FieldSet> s = FieldSet::fromJson(text);
    if (!s)
        qFatal("bad test FieldsV1: %s", s.status().message().c_str());
    return *s;
}

} // namespace

class TestFieldSet : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("output");
        QTest::addColumn<int>("members");
        QTest::newRow("empty set") << QString("{}") << QString("{}") << 0;
        QTest::newRow("leaves") << QString::fromStdString(j("{'f:data':{'f:a':{},'f:b':{}}}"))
                                << QString::fromStdString(j("{'f:data':{'f:a':{},'f:b':{}}}")) << 2;
        QTest::newRow("map node that is itself a member")
            << QString::fromStdString(j("{'f:metadata':{'f:labels':{'.':{},'f:app':{}}}}"))
            << QString::fromStdString(j("{'f:metadata':{'f:labels':{'.':{},'f:app':{}}}}")) << 2;
        QTest::newRow("map list key with several fields")
            << QString::fromStdString(
                   j("{'f:ports':{'k:{`containerPort`:80,`protocol`:`TCP`}':{'.':{},"
                     "'f:containerPort':{},'f:protocol':{}}}}"))
            << QString::fromStdString(
                   j("{'f:ports':{'k:{`containerPort`:80,`protocol`:`TCP`}':{'.':{},"
                     "'f:containerPort':{},'f:protocol':{}}}}"))
            << 3;
        QTest::newRow("set elements by value")
            << QString::fromStdString(j("{'f:metadata':{'f:finalizers':{'.':{},'v:`a`':{},"
                                        "'v:`b`':{}}}}"))
            << QString::fromStdString(j("{'f:metadata':{'f:finalizers':{'.':{},'v:`a`':{},"
                                        "'v:`b`':{}}}}"))
            << 3;
        QTest::newRow("children written in element order, dot first")
            << QString::fromStdString(j("{'f:spec':{'f:z':{},'.':{},'f:a':{}}}"))
            << QString::fromStdString(j("{'f:spec':{'.':{},'f:a':{},'f:z':{}}}")) << 3;
    }
    void roundTrip()
    {
        QFETCH(QString, input);
        QFETCH(QString, output);
        QFETCH(int, members);
        Result<FieldSet> s = FieldSet::fromJson(input.toStdString());
        QVERIFY2(s.isOk(), s.status().message().c_str());
        QCOMPARE(QString::fromStdString(s->toJson()), output);
        QCOMPARE(int(s->size()), members);
        Result<FieldSet> again = FieldSet::fromJson(s->toJson());
        QVERIFY(again.isOk());
        QVERIFY(*again == *s);
    }

    void invalidIsRefused_data()
    {
        QTest::addColumn<QString>("input");
        QTest::newRow("not JSON") << QString("{");
        QTest::newRow("not an object") << QString("[]");
        QTest::newRow("unknown element prefix") << QString::fromStdString(j("{'x:a':{}}"));
        QTest::newRow("leaf that is not an object") << QString::fromStdString(j("{'f:a':1}"));
        QTest::newRow("dot with content") << QString::fromStdString(j("{'.':{'f:a':{}}}"));
    }
    void invalidIsRefused()
    {
        QFETCH(QString, input);
        QVERIFY(!FieldSet::fromJson(input.toStdString()).isOk());
    }

    void setAlgebra_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::addColumn<QString>("unionSet");
        QTest::addColumn<QString>("differenceSet");
        QTest::addColumn<QString>("intersectionSet");
        QTest::addColumn<QString>("recursiveDifferenceSet");
        QTest::newRow("disjoint leaves")
            << QString::fromStdString(j("{'f:a':{}}")) << QString::fromStdString(j("{'f:b':{}}"))
            << QString::fromStdString(j("{'f:a':{},'f:b':{}}"))
            << QString::fromStdString(j("{'f:a':{}}")) << QString("{}")
            << QString::fromStdString(j("{'f:a':{}}"));
        QTest::newRow("shared leaf below a common parent")
            << QString::fromStdString(j("{'f:s':{'f:x':{},'f:y':{}}}"))
            << QString::fromStdString(j("{'f:s':{'f:y':{}}}"))
            << QString::fromStdString(j("{'f:s':{'f:x':{},'f:y':{}}}"))
            << QString::fromStdString(j("{'f:s':{'f:x':{}}}"))
            << QString::fromStdString(j("{'f:s':{'f:y':{}}}"))
            << QString::fromStdString(j("{'f:s':{'f:x':{}}}"));
        QTest::newRow("a member parent removes its subtree only recursively")
            << QString::fromStdString(j("{'f:status':{'f:phase':{}}}"))
            << QString::fromStdString(j("{'f:status':{}}"))
            << QString::fromStdString(j("{'f:status':{'.':{},'f:phase':{}}}"))
            << QString::fromStdString(j("{'f:status':{'f:phase':{}}}")) << QString("{}")
            << QString("{}");
    }
    void setAlgebra()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        QFETCH(QString, unionSet);
        QFETCH(QString, differenceSet);
        QFETCH(QString, intersectionSet);
        QFETCH(QString, recursiveDifferenceSet);
        const FieldSet sa = parsed(a.toStdString()), sb = parsed(b.toStdString());
        QCOMPARE(QString::fromStdString(sa.unionWith(sb).toJson()), unionSet);
        QCOMPARE(QString::fromStdString(sa.difference(sb).toJson()), differenceSet);
        QCOMPARE(QString::fromStdString(sa.intersection(sb).toJson()), intersectionSet);
        QCOMPARE(QString::fromStdString(sa.recursiveDifference(sb).toJson()),
                 recursiveDifferenceSet);
        // In place, the same answers.
        FieldSet u = sa, d = sa, r = sa;
        u.add(sb);
        d.remove(sb);
        r.removeBelow(sb);
        QCOMPARE(QString::fromStdString(u.toJson()), unionSet);
        QCOMPARE(QString::fromStdString(d.toJson()), differenceSet);
        QCOMPARE(QString::fromStdString(r.toJson()), recursiveDifferenceSet);
    }

    void pathText_data()
    {
        QTest::addColumn<QStringList>("path");
        QTest::addColumn<QString>("text");
        QTest::newRow("fields") << QStringList{"f:spec", "f:replicas"} << QString(".spec.replicas");
        QTest::newRow("map list element")
            << QStringList{"f:spec", "f:containers", QString::fromStdString(j("k:{'name':'web'}")),
                           "f:image"}
            << QString::fromStdString(j(".spec.containers[name='web'].image"));
        QTest::newRow("several key fields")
            << QStringList{"f:ports",
                           QString::fromStdString(j("k:{'containerPort':80,'protocol':'TCP'}"))}
            << QString::fromStdString(j(".ports[containerPort=80,protocol='TCP']"));
        QTest::newRow("set element")
            << QStringList{"f:finalizers", QString::fromStdString(j("v:'a'"))}
            << QString::fromStdString(j(".finalizers[='a']"));
    }
    void pathText()
    {
        QFETCH(QStringList, path);
        QFETCH(QString, text);
        Path p;
        for (const QString &e : path)
            p.push_back(e.toStdString());
        QCOMPARE(QString::fromStdString(FieldSet::pathString(p)), text);
    }

    void membersListsEveryMemberInOrder()
    {
        const FieldSet s = parsed(j("{'f:b':{},'f:a':{'.':{},'f:c':{}}}"));
        const std::vector<Path> m = s.members();
        QCOMPARE(m.size(), size_t(3));
        QCOMPARE(m[0], (Path{"f:a"}));
        QCOMPARE(m[1], (Path{"f:a", "f:c"}));
        QCOMPARE(m[2], (Path{"f:b"}));
        QVERIFY(s.hasPrefix({"f:a"}));
        QVERIFY(s.has({"f:a", "f:c"}));
        QVERIFY(!s.has({"f:c"}));
    }
};

QTEST_GUILESS_MAIN(TestFieldSet)
#include "tst_fieldset.moc"
