// manifests: splitting multi-document YAML with line numbers, and applying
// it through the API (create or merge-patch, dry run first, nothing written
// when a document is bad).

#include "tests/model/clusterfixtures.h"

#include "model/manifestapply.h"

#include <QTest>

using namespace kubist;
using namespace kubist::testing;
using namespace kubist::testing::fixtures;
namespace manifests = kubist::model::manifests;

namespace {

std::string lines(std::initializer_list<const char *> ls)
{
    std::string s;
    for (const char *l : ls)
        s += std::string(l) + "\n";
    return s;
}

std::string configMapDoc(const std::string &name, const std::string &value)
{
    return lines({"apiVersion: v1", "kind: Service", "metadata:"}) + "  name: " + name + "\n" +
           lines({"spec:", "  selector:"}) + "    app: " + value + "\n" +
           lines({"  ports:", "  - port: 80"});
}

} // namespace

class TestManifestApply : public QObject
{
    Q_OBJECT

private slots:
    void splitsDocumentsWithTheirLines_data()
    {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QList<int>>("firstLines");
        QTest::newRow("one document") << "a: 1\nb: 2\n" << QList<int>{1};
        QTest::newRow("two documents") << "a: 1\n---\nb: 2\n" << QList<int>{1, 3};
        QTest::newRow("leading separator and comments")
            << "---\n# comment\n\na: 1\n--- # next\nb: 2\n"
            << QList<int>{4, 6};
        QTest::newRow("empty documents skipped") << "---\n---\n\n---\nc: 3\n---\n" << QList<int>{5};
        QTest::newRow("nothing") << "" << QList<int>{};
    }
    void splitsDocumentsWithTheirLines()
    {
        QFETCH(QString, yaml);
        QFETCH(QList<int>, firstLines);
        const auto docs = manifests::splitDocuments(yaml.toStdString());
        QList<int> got;
        for (const auto &d : docs)
            got << d.line;
        QCOMPARE(got, firstLines);
        for (size_t i = 0; i < docs.size(); ++i)
            QCOMPARE(docs[i].index, int(i) + 1);
    }

    void appliesCreatesAndPatches()
    {
        TestCluster c;
        create(c.admin(), fixtures::service("default", "old", {{"app", "old"}}));
        const std::string yaml =
            configMapDoc("fresh", "one") + "---\n" + configMapDoc("old", "changed");
        const auto results = manifests::apply(c.admin(), yaml);
        QCOMPARE(results.size(), size_t(2));
        QVERIFY2(results[0].ok, results[0].describe().c_str());
        QVERIFY2(results[1].ok, results[1].describe().c_str());
        QCOMPARE(results[0].action, std::string("created"));
        QCOMPARE(results[1].action, std::string("configured"));
        QCOMPARE(results[1].line, 11);
        QCOMPARE(c.get<core::Service>("default", "fresh")->spec().selector().at("app"),
                 std::string("one"));
        QCOMPARE(c.get<core::Service>("default", "old")->spec().selector().at("app"),
                 std::string("changed"));
    }

    void badDocumentIsReportedAndNothingWritten_data()
    {
        QTest::addColumn<QString>("bad");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown kind")
            << QString::fromStdString(
                   lines({"apiVersion: v1", "kind: Gadget", "metadata:", "  name: x"}))
            << "no kind \"Gadget\"";
        QTest::newRow("unknown field")
            << QString::fromStdString(
                   lines({"apiVersion: v1", "kind: Service", "metadata:", "  name: x", "spek: {}"}))
            << "spek";
        QTest::newRow("no name") << QString::fromStdString(
                                        lines({"apiVersion: v1", "kind: Service", "metadata: {}"}))
                                 << "metadata.name is required";
        QTest::newRow("the API refuses it (invalid port)")
            << QString::fromStdString(lines({"apiVersion: v1", "kind: Service", "metadata:",
                                             "  name: x", "spec:", "  ports:", "  - port: 999999"}))
            << "port";
        QTest::newRow("broken YAML")
            << QString::fromStdString(lines({"apiVersion: v1", "kind: [Service"})) << "";
    }
    void badDocumentIsReportedAndNothingWritten()
    {
        QFETCH(QString, bad);
        QFETCH(QString, message);
        TestCluster c;
        const std::string good = configMapDoc("good", "one");
        const std::string yaml = good + "---\n" + bad.toStdString();
        const auto results = manifests::apply(c.admin(), yaml);
        QCOMPARE(results.size(), size_t(2));
        QVERIFY(results[0].ok); // checked, but not sent: another document failed
        QVERIFY(!results[1].ok);
        QCOMPARE(results[1].index, 2);
        QCOMPARE(results[1].line, 11);
        const std::string said = results[1].describe();
        QVERIFY2(said.find("document 2 (line 11)") == 0, said.c_str());
        QVERIFY2(said.find(message.toStdString()) != std::string::npos, said.c_str());
        QVERIFY(!c.get<core::Service>("default", "good"));
    }

    void dryRunWritesNothing()
    {
        TestCluster c;
        const auto results = manifests::apply(c.admin(), configMapDoc("dry", "x"), true);
        QCOMPARE(results.size(), size_t(1));
        QVERIFY(results[0].ok);
        QCOMPARE(results[0].action, std::string("created (dry run)"));
        QVERIFY(!c.get<core::Service>("default", "dry"));
    }
};

QTEST_GUILESS_MAIN(TestManifestApply)
#include "tst_manifestapply.moc"
