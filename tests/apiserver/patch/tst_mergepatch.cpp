#include "backend/apiserver/patch/mergepatch.h"

#include "patchtestutil.h"

#include <QTest>

using namespace kubist;
using namespace kubist::apiserver;
using Code = Status::Code;

Q_DECLARE_METATYPE(Status::Code)

namespace {

const char *const kDeployment = R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"web","labels":{"app":"web","tier":"front"}},
    "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
      "template":{"metadata":{"labels":{"app":"web"}},
        "spec":{"containers":[{"name":"app","image":"nginx:1.24","ports":[{"containerPort":80}]},
                              {"name":"log","image":"busybox"}]}}}})";

} // namespace

class TestMergePatch : public QObject
{
    Q_OBJECT

private slots:
    void merges_data()
    {
        QTest::addColumn<std::string>("document");
        QTest::addColumn<std::string>("patch");
        QTest::addColumn<std::string>("expected");

        // RFC 7386 appendix A (the rows whose patch is an object).
        QTest::newRow("A replace a member")
            << std::string(R"({"a":"b"})") << std::string(R"({"a":"c"})")
            << std::string(R"({"a":"c"})");
        QTest::newRow("A add a member")
            << std::string(R"({"a":"b"})") << std::string(R"({"b":"c"})")
            << std::string(R"({"a":"b","b":"c"})");
        QTest::newRow("A null removes the only member")
            << std::string(R"({"a":"b"})") << std::string(R"({"a":null})") << std::string(R"({})");
        QTest::newRow("A null removes one member")
            << std::string(R"({"a":"b","b":"c"})") << std::string(R"({"a":null})")
            << std::string(R"({"b":"c"})");
        QTest::newRow("A a string replaces an array")
            << std::string(R"({"a":["b"]})") << std::string(R"({"a":"c"})")
            << std::string(R"({"a":"c"})");
        QTest::newRow("A an array replaces a string")
            << std::string(R"({"a":"c"})") << std::string(R"({"a":["b"]})")
            << std::string(R"({"a":["b"]})");
        QTest::newRow("A nested objects merge, nested null removes")
            << std::string(R"({"a":{"b":"c"}})") << std::string(R"({"a":{"b":"d","c":null}})")
            << std::string(R"({"a":{"b":"d"}})");
        QTest::newRow("A arrays are replaced whole")
            << std::string(R"({"a":[{"b":"c"}]})") << std::string(R"({"a":[1]})")
            << std::string(R"({"a":[1]})");
        QTest::newRow("A nulls of the document stay")
            << std::string(R"({"e":null})") << std::string(R"({"a":1})")
            << std::string(R"({"e":null,"a":1})");
        QTest::newRow("A a non-object document becomes an object")
            << std::string(R"([1,2])") << std::string(R"({"a":"b","c":null})")
            << std::string(R"({"a":"b"})");
        QTest::newRow("A nulls inside a new object are dropped")
            << std::string(R"({})") << std::string(R"({"a":{"bb":{"ccc":null}}})")
            << std::string(R"({"a":{"bb":{}}})");
        QTest::newRow("nulls inside objects in a new array are dropped (evanphx)")
            << std::string(R"({})") << std::string(R"({"a":[{"b":null,"c":1},null]})")
            << std::string(R"({"a":[{"c":1},null]})");
        QTest::newRow("empty patch changes nothing")
            << std::string(kDeployment) << std::string("{}") << std::string(kDeployment);
        QTest::newRow("kubectl scale --type=merge")
            << std::string(R"({"spec":{"replicas":2,"paused":false}})")
            << std::string(R"({"spec":{"replicas":5}})")
            << std::string(R"({"spec":{"replicas":5,"paused":false}})");
        QTest::newRow("kubectl label removes and adds labels")
            << std::string(kDeployment)
            << std::string(R"({"metadata":{"labels":{"tier":null,"env":"prod"}}})")
            << std::string(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"web","labels":{"app":"web","env":"prod"}},
    "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
      "template":{"metadata":{"labels":{"app":"web"}},
        "spec":{"containers":[{"name":"app","image":"nginx:1.24","ports":[{"containerPort":80}]},
                              {"name":"log","image":"busybox"}]}}}})");
        QTest::newRow("a merge patch replaces the container list")
            << std::string(kDeployment)
            << std::string(
                   R"({"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.25"}]}}}})")
            << std::string(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"web","labels":{"app":"web","tier":"front"}},
    "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
      "template":{"metadata":{"labels":{"app":"web"}},
        "spec":{"containers":[{"name":"app","image":"nginx:1.25"}]}}}})");
        QTest::newRow("null deletes a missing member quietly")
            << std::string(R"({"a":1})") << std::string(R"({"b":null})")
            << std::string(R"({"a":1})");
        QTest::newRow("an object replaces a scalar")
            << std::string(R"({"a":1})") << std::string(R"({"a":{"b":null,"c":2}})")
            << std::string(R"({"a":{"c":2}})");
    }

    void merges()
    {
        QFETCH(std::string, document);
        QFETCH(std::string, patch);
        QFETCH(std::string, expected);
        test::checkResult(applyMergePatch(document, patch), expected, Code::Ok, {});
    }

    void keepsMemberOrder()
    {
        auto r = applyMergePatch(R"({"z":1,"a":2,"m":3})", R"({"a":4,"b":5})");
        QVERIFY(r.isOk());
        QCOMPARE(QString::fromStdString(r.value()), QStringLiteral(R"({"z":1,"a":4,"m":3,"b":5})"));
    }

    void refusesBadInput_data()
    {
        QTest::addColumn<std::string>("document");
        QTest::addColumn<std::string>("patch");
        QTest::addColumn<Status::Code>("code");
        QTest::addColumn<std::string>("message");

        QTest::newRow("A patch is an array")
            << std::string(R"({"a":"b"})") << std::string(R"(["c"])") << Code::InvalidArgument
            << std::string("Invalid JSON Patch");
        QTest::newRow("A patch is null")
            << std::string(R"({"a":"foo"})") << std::string("null") << Code::InvalidArgument
            << std::string("Invalid JSON Patch");
        QTest::newRow("A patch is a string")
            << std::string(R"({"a":"foo"})") << std::string(R"("bar")") << Code::InvalidArgument
            << std::string("Invalid JSON Patch");
        QTest::newRow("patch is not JSON")
            << std::string(R"({})") << std::string(R"({"a":)") << Code::InvalidArgument
            << std::string("invalid JSON in patch");
        QTest::newRow("patch has a trailing comma")
            << std::string(R"({})") << std::string(R"({"a":1,})") << Code::InvalidArgument
            << std::string("invalid JSON in patch");
        QTest::newRow("document is not JSON")
            << std::string(R"({"a")") << std::string(R"({})") << Code::InvalidArgument
            << std::string("invalid JSON in document");
        QTest::newRow("patch nested 1001 deep")
            << std::string(R"({})")
            << std::string(R"({"a":)") + std::string(1000, '[') + std::string(1000, ']') + "}"
            << Code::InvalidArgument << std::string("patch is nested deeper than 1000 levels");
        QTest::newRow("document nested 1001 deep")
            << std::string(1001, '[') + std::string(1001, ']') << std::string(R"({})")
            << Code::InvalidArgument << std::string("document is nested deeper than 1000 levels");
        QTest::newRow("invalid UTF-8 in the patch")
            << std::string(R"({})") << std::string("{\"a\":\"\xff\"}") << Code::InvalidArgument
            << std::string("invalid JSON in patch");
    }

    void refusesBadInput()
    {
        QFETCH(std::string, document);
        QFETCH(std::string, patch);
        QFETCH(Status::Code, code);
        QFETCH(std::string, message);
        test::checkResult(applyMergePatch(document, patch), {}, code, message);
    }

    void boundsTheResult()
    {
        PatchLimits limits;
        limits.maxResultBytes = 10;
        auto r = applyMergePatch(R"({})", R"({"a":"0123456789"})", limits);
        QVERIFY(!r.isOk());
        QCOMPARE(int(r.status().code()), int(Code::ResourceExhausted));
    }
};

QTEST_GUILESS_MAIN(TestMergePatch)
#include "tst_mergepatch.moc"
