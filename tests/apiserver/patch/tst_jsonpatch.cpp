#include "backend/apiserver/patch/jsonpatch.h"

#include "patchtestutil.h"

#include <QTest>

using namespace kubist;
using namespace kubist::apiserver;
using Code = Status::Code;

Q_DECLARE_METATYPE(Status::Code)

namespace {

const char *const kPod = R"({"apiVersion":"v1","kind":"Pod",
    "metadata":{"name":"web","namespace":"default","labels":{"app":"web"}},
    "spec":{"containers":[{"name":"app","image":"nginx:1.24"},{"name":"log","image":"busybox"}]}})";

std::string manyOps(size_t n)
{
    std::string s = "[";
    for (size_t i = 0; i < n; ++i)
        s += std::string(i ? "," : "") + R"({"op":"test","path":"/a","value":1})";
    return s + "]";
}

std::string nested(size_t depth)
{
    return std::string(depth, '[') + std::string(depth, ']');
}

} // namespace

class TestJsonPatch : public QObject
{
    Q_OBJECT

private slots:
    void appliesOperations_data()
    {
        QTest::addColumn<std::string>("document");
        QTest::addColumn<std::string>("patch");
        QTest::addColumn<std::string>("expected");

        // RFC 6902 appendix A.
        QTest::newRow("A.1 add an object member")
            << std::string(R"({"foo":"bar"})")
            << std::string(R"([{"op":"add","path":"/baz","value":"qux"}])")
            << std::string(R"({"baz":"qux","foo":"bar"})");
        QTest::newRow("A.2 add an array element")
            << std::string(R"({"foo":["bar","baz"]})")
            << std::string(R"([{"op":"add","path":"/foo/1","value":"qux"}])")
            << std::string(R"({"foo":["bar","qux","baz"]})");
        QTest::newRow("A.3 remove an object member")
            << std::string(R"({"baz":"qux","foo":"bar"})")
            << std::string(R"([{"op":"remove","path":"/baz"}])") << std::string(R"({"foo":"bar"})");
        QTest::newRow("A.4 remove an array element")
            << std::string(R"({"foo":["bar","qux","baz"]})")
            << std::string(R"([{"op":"remove","path":"/foo/1"}])")
            << std::string(R"({"foo":["bar","baz"]})");
        QTest::newRow("A.5 replace a value")
            << std::string(R"({"baz":"qux","foo":"bar"})")
            << std::string(R"([{"op":"replace","path":"/baz","value":"boo"}])")
            << std::string(R"({"baz":"boo","foo":"bar"})");
        QTest::newRow("A.6 move a value")
            << std::string(R"({"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}})")
            << std::string(R"([{"op":"move","from":"/foo/waldo","path":"/qux/thud"}])")
            << std::string(R"({"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}})");
        QTest::newRow("A.7 move an array element")
            << std::string(R"({"foo":["all","grass","cows","eat"]})")
            << std::string(R"([{"op":"move","from":"/foo/1","path":"/foo/3"}])")
            << std::string(R"({"foo":["all","cows","eat","grass"]})");
        QTest::newRow("A.8 test a value: success")
            << std::string(R"({"baz":"qux","foo":["a",2,"c"]})")
            << std::string(
                   R"([{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}])")
            << std::string(R"({"baz":"qux","foo":["a",2,"c"]})");
        QTest::newRow("A.10 add a nested member object")
            << std::string(R"({"foo":"bar"})")
            << std::string(R"([{"op":"add","path":"/child","value":{"grandchild":{}}}])")
            << std::string(R"({"foo":"bar","child":{"grandchild":{}}})");
        QTest::newRow("A.11 unrecognized members of an operation are ignored")
            << std::string(R"({"foo":"bar"})")
            << std::string(R"([{"op":"add","path":"/baz","value":"qux","xyz":123}])")
            << std::string(R"({"foo":"bar","baz":"qux"})");
        QTest::newRow("A.14 escape ordering ~01 is ~1, not /")
            << std::string(R"({"/":9,"~1":10})")
            << std::string(R"([{"op":"test","path":"/~01","value":10}])")
            << std::string(R"({"/":9,"~1":10})");
        QTest::newRow("A.16 add an array value")
            << std::string(R"({"foo":["bar"]})")
            << std::string(R"([{"op":"add","path":"/foo/-","value":["abc","def"]}])")
            << std::string(R"({"foo":["bar",["abc","def"]]})");
        QTest::newRow("~1 in a token is a slash in the key")
            << std::string(R"({})") << std::string(R"([{"op":"add","path":"/a~1b","value":1}])")
            << std::string(R"({"a/b":1})");
        QTest::newRow("empty token names the empty key")
            << std::string(R"({})") << std::string(R"([{"op":"add","path":"/","value":1}])")
            << std::string(R"({"":1})");
        QTest::newRow("copy duplicates a subtree")
            << std::string(R"({"a":{"b":[1,2]}})")
            << std::string(R"([{"op":"copy","from":"/a","path":"/c"}])")
            << std::string(R"({"a":{"b":[1,2]},"c":{"b":[1,2]}})");
        QTest::newRow("negative index counts from the end (v4)")
            << std::string(R"({"foo":[1,2,3]})")
            << std::string(R"([{"op":"remove","path":"/foo/-1"}])")
            << std::string(R"({"foo":[1,2]})");
        QTest::newRow("replace of a missing object member adds it (v4)")
            << std::string(R"({"metadata":{"labels":{}}})")
            << std::string(R"([{"op":"replace","path":"/metadata/labels/tier","value":"web"}])")
            << std::string(R"({"metadata":{"labels":{"tier":"web"}}})");
        QTest::newRow("add without value adds null")
            << std::string(R"({})") << std::string(R"([{"op":"add","path":"/a"}])")
            << std::string(R"({"a":null})");
        QTest::newRow("test of a missing member against null passes")
            << std::string(R"({"a":1})")
            << std::string(R"([{"op":"test","path":"/b","value":null}])")
            << std::string(R"({"a":1})");
        QTest::newRow("test compares numbers by value")
            << std::string(R"({"a":1})")
            << std::string(R"([{"op":"test","path":"/a","value":1.0}])")
            << std::string(R"({"a":1})");
        QTest::newRow("empty patch changes nothing")
            << std::string(kPod) << std::string("[]") << std::string(kPod);
        QTest::newRow("kubectl patch --type=json adds a pod label")
            << std::string(kPod)
            << std::string(R"([{"op":"add","path":"/metadata/labels/tier","value":"frontend"}])")
            << std::string(R"({"apiVersion":"v1","kind":"Pod",
    "metadata":{"name":"web","namespace":"default","labels":{"app":"web","tier":"frontend"}},
    "spec":{"containers":[{"name":"app","image":"nginx:1.24"},{"name":"log","image":"busybox"}]}})");
        QTest::newRow("kubectl patch --type=json replaces a container image")
            << std::string(kPod)
            << std::string(
                   R"([{"op":"test","path":"/spec/containers/0/name","value":"app"},
                       {"op":"replace","path":"/spec/containers/0/image","value":"nginx:1.25"}])")
            << std::string(R"({"apiVersion":"v1","kind":"Pod",
    "metadata":{"name":"web","namespace":"default","labels":{"app":"web"}},
    "spec":{"containers":[{"name":"app","image":"nginx:1.25"},{"name":"log","image":"busybox"}]}})");
        QTest::newRow("remove the last container of two")
            << std::string(kPod) << std::string(R"([{"op":"remove","path":"/spec/containers/1"}])")
            << std::string(R"({"apiVersion":"v1","kind":"Pod",
    "metadata":{"name":"web","namespace":"default","labels":{"app":"web"}},
    "spec":{"containers":[{"name":"app","image":"nginx:1.24"}]}})");
        QTest::newRow("operations see the results of earlier ones")
            << std::string(R"({})")
            << std::string(
                   R"([{"op":"add","path":"/a","value":{}},{"op":"add","path":"/a/b","value":[]},
                              {"op":"add","path":"/a/b/-","value":1},{"op":"move","from":"/a/b","path":"/c"}])")
            << std::string(R"({"a":{},"c":[1]})");
    }

    void appliesOperations()
    {
        QFETCH(std::string, document);
        QFETCH(std::string, patch);
        QFETCH(std::string, expected);
        test::checkResult(applyJsonPatch(document, patch), expected, Code::Ok, {});
    }

    void reportsErrorsAsKubernetesDoes_data()
    {
        QTest::addColumn<std::string>("document");
        QTest::addColumn<std::string>("patch");
        QTest::addColumn<Status::Code>("code");
        QTest::addColumn<std::string>("message");

        QTest::newRow("A.9 test a value: error")
            << std::string(R"({"baz":"qux"})")
            << std::string(R"([{"op":"test","path":"/baz","value":"bar"}])") << Code::Invalid
            << std::string("testing value /baz failed: test failed");
        QTest::newRow("test of the pod name fails")
            << std::string(kPod)
            << std::string(R"([{"op":"test","path":"/metadata/name","value":"db"}])")
            << Code::Invalid << std::string("testing value /metadata/name failed: test failed");
        QTest::newRow("test compares objects in full")
            << std::string(R"({"a":{"x":1}})")
            << std::string(R"([{"op":"test","path":"/a","value":{"x":1,"y":2}}])") << Code::Invalid
            << std::string("testing value /a failed: test failed");
        QTest::newRow("A.12 add to a nonexistent target")
            << std::string(R"({"foo":"bar"})")
            << std::string(R"([{"op":"add","path":"/baz/bat","value":"qux"}])") << Code::Invalid
            << std::string(
                   R"(add operation does not apply: doc is missing path: "/baz/bat": missing value)");
        QTest::newRow("add below a missing spec field")
            << std::string(kPod) << std::string(R"([{"op":"add","path":"/spec/foo/x","value":1}])")
            << Code::Invalid
            << std::string(
                   R"(add operation does not apply: doc is missing path: "/spec/foo/x": missing value)");
        QTest::newRow("remove a nonexistent member")
            << std::string(R"({"a":1})") << std::string(R"([{"op":"remove","path":"/x"}])")
            << Code::Invalid
            << std::string("error in remove for path: '/x': Unable to remove nonexistent key: x: "
                           "missing value");
        QTest::newRow("remove below a missing member")
            << std::string(R"({"a":1})") << std::string(R"([{"op":"remove","path":"/x/y"}])")
            << Code::Invalid
            << std::string(
                   R"(remove operation does not apply: doc is missing path: "/x/y": missing value)");
        QTest::newRow("add past the end of an array")
            << std::string(R"({"foo":[1]})")
            << std::string(R"([{"op":"add","path":"/foo/5","value":2}])") << Code::Invalid
            << std::string("error in add for path: '/foo/5': Unable to access invalid index: 5: "
                           "invalid index referenced");
        QTest::newRow("add at a non-numeric array index")
            << std::string(R"({"foo":[1]})")
            << std::string(R"([{"op":"add","path":"/foo/x","value":2}])") << Code::Invalid
            << std::string("error in add for path: '/foo/x': value was not a proper array index: "
                           "'x': strconv.Atoi: parsing");
        QTest::newRow("replace past the end of an array")
            << std::string(R"({"foo":[1]})")
            << std::string(R"([{"op":"replace","path":"/foo/3","value":2}])") << Code::Invalid
            << std::string(
                   "replace operation does not apply: doc is missing key: /foo/3: missing value");
        QTest::newRow("move from a missing member")
            << std::string(R"({"a":1})")
            << std::string(R"([{"op":"move","from":"/b","path":"/c"}])") << Code::Invalid
            << std::string("error in move for path: 'b': Unable to remove nonexistent key: b: "
                           "missing value");
        QTest::newRow("move a value into itself")
            << std::string(R"({"a":{"b":1}})")
            << std::string(R"([{"op":"move","from":"/a","path":"/a/c"}])") << Code::Invalid
            << std::string("move operation does not apply: doc is missing destination path: /a/c");
        QTest::newRow("copy to a missing parent")
            << std::string(R"({"a":1})")
            << std::string(R"([{"op":"copy","from":"/a","path":"/x/y"}])") << Code::Invalid
            << std::string("copy operation does not apply: doc is missing destination path: /x/y");
        QTest::newRow("unknown operation")
            << std::string(R"({})") << std::string(R"([{"op":"frob","path":"/a"}])")
            << Code::Invalid << std::string("Unexpected kind: frob");
        QTest::newRow("operation without op")
            << std::string(R"({})") << std::string(R"([{"path":"/a"}])") << Code::Invalid
            << std::string("Unexpected kind: unknown");
        QTest::newRow("null operation has an unknown kind")
            << std::string(R"({})") << std::string(R"([null])") << Code::Invalid
            << std::string("Unexpected kind: unknown");
        QTest::newRow("add without path")
            << std::string(R"({})") << std::string(R"([{"op":"add","value":1}])") << Code::Invalid
            << std::string("add operation failed to decode path: missing value");
        QTest::newRow("replace with a numeric path")
            << std::string(R"({})") << std::string(R"([{"op":"replace","path":5,"value":1}])")
            << Code::Invalid
            << std::string(
                   "replace operation failed to decode path: json: cannot unmarshal number");
        QTest::newRow("move without from")
            << std::string(R"({})") << std::string(R"([{"op":"move","path":"/a"}])")
            << Code::Invalid
            << std::string("move operation failed to decode from: operation, missing from field");
        QTest::newRow("path without a leading slash")
            << std::string(R"({"a":1})") << std::string(R"([{"op":"remove","path":"a"}])")
            << Code::Invalid << std::string("remove operation does not apply: doc is missing path");
        QTest::newRow("patch is an object")
            << std::string(R"({})") << std::string(R"({"op":"add","path":"/a","value":1})")
            << Code::InvalidArgument
            << std::string("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
        QTest::newRow("operation is a string")
            << std::string(R"({})") << std::string(R"(["add"])") << Code::InvalidArgument
            << std::string(
                   "json: cannot unmarshal string into Go value of type jsonpatch.Operation");
        QTest::newRow("patch is not JSON")
            << std::string(R"({})") << std::string(R"([{"op":)") << Code::InvalidArgument
            << std::string("invalid JSON in patch");
        QTest::newRow("document is not JSON")
            << std::string(R"({"a":)") << std::string("[]") << Code::InvalidArgument
            << std::string("invalid JSON in document");
        QTest::newRow("document is a string")
            << std::string(R"("x")") << std::string("[]") << Code::InvalidArgument
            << std::string("not a JSON object or array");
        QTest::newRow("empty patch text")
            << std::string(R"({})") << std::string() << Code::InvalidArgument
            << std::string("invalid JSON in patch");
        QTest::newRow("10,001 operations")
            << std::string(R"({"a":1})") << manyOps(10001) << Code::ResourceExhausted
            << std::string("The allowed maximum operations in a JSON patch is 10000, got 10001");
        QTest::newRow("patch nested 1001 deep")
            << std::string(R"({})") << nested(1001) << Code::InvalidArgument
            << std::string("patch is nested deeper than 1000 levels");
        QTest::newRow("value nested past the limit once placed")
            << std::string(R"({"a":{"b":{}}})")
            << std::string(R"([{"op":"add","path":"/a/b/c","value":)") + nested(998) + "}]"
            << Code::ResourceExhausted << std::string("nested deeper than 1000 levels");
    }

    void reportsErrorsAsKubernetesDoes()
    {
        QFETCH(std::string, document);
        QFETCH(std::string, patch);
        QFETCH(Status::Code, code);
        QFETCH(std::string, message);
        test::checkResult(applyJsonPatch(document, patch), {}, code, message);
    }

    void tenThousandOperationsAreAllowed()
    {
        auto r = applyJsonPatch(R"({"a":1})", manyOps(10000));
        QVERIFY2(r.isOk(), r.status().toString().c_str());
    }

    void enforcesLimits_data()
    {
        QTest::addColumn<std::string>("document");
        QTest::addColumn<std::string>("patch");
        QTest::addColumn<qint64>("maxCopyBytes");
        QTest::addColumn<qint64>("maxResultBytes");
        QTest::addColumn<std::string>("message");

        QTest::newRow("copies past the copy budget")
            << std::string(R"({"a":"0123456789"})")
            << std::string(
                   R"([{"op":"copy","from":"/a","path":"/b"},{"op":"copy","from":"/a","path":"/c"}])")
            << qint64(20) << qint64(1000)
            << std::string(
                   "Unable to complete the copy, the accumulated size increase of copy is 24, "
                   "exceeding the limit 20");
        QTest::newRow("doubling by copies stops at the budget")
            << std::string(R"({"a":[1,2,3,4,5,6,7,8]})")
            << std::string(
                   R"([{"op":"copy","from":"/a","path":"/a/-"},{"op":"copy","from":"/a","path":"/a/-"},
                              {"op":"copy","from":"/a","path":"/a/-"},{"op":"copy","from":"/a","path":"/a/-"}])")
            << qint64(100) << qint64(100000) << std::string("Unable to complete the copy");
        QTest::newRow("result over the size limit")
            << std::string(R"({})")
            << std::string(
                   R"([{"op":"add","path":"/a","value":"0123456789012345678901234567890123456789"}])")
            << qint64(0) << qint64(30) << std::string("bytes, more than the 30 allowed");
    }

    void enforcesLimits()
    {
        QFETCH(std::string, document);
        QFETCH(std::string, patch);
        QFETCH(qint64, maxCopyBytes);
        QFETCH(qint64, maxResultBytes);
        QFETCH(std::string, message);
        PatchLimits limits;
        limits.maxCopyBytes = maxCopyBytes;
        limits.maxResultBytes = size_t(maxResultBytes);
        test::checkResult(applyJsonPatch(document, patch, limits), {}, Code::ResourceExhausted,
                          message);
    }
};

QTEST_GUILESS_MAIN(TestJsonPatch)
#include "tst_jsonpatch.moc"
