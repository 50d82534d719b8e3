#include "backend/api/fieldselector.h"

#include <QObject>
#include <QTest>

#include <map>

using kubist::api::FieldSelector;

namespace {

QString str(const std::string &s)
{
    return QString::fromStdString(s);
}

using FieldSet = std::set<std::string, std::less<>>;

const FieldSet &podFields()
{
    static const FieldSet fields = {
        "metadata.name",      "metadata.namespace", "spec.nodeName",
        "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
        "status.phase",       "status.podIP",       "status.nominatedNodeName",
    };
    return fields;
}

const FieldSet &eventFields()
{
    static const FieldSet fields = {
        "metadata.name",
        "metadata.namespace",
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
    };
    return fields;
}

const FieldSet &commonFields()
{
    static const FieldSet fields = {"metadata.name", "metadata.namespace"};
    return fields;
}

} // namespace

class TestFieldSelector : public QObject
{
    Q_OBJECT

private slots:
    void parsesToCanonicalString_data();
    void parsesToCanonicalString();
    void malformedSelectorsAreRejected_data();
    void malformedSelectorsAreRejected();
    void parsedRequirementsAreUnescaped();
    void matchesFieldValues_data();
    void matchesFieldValues();
    void unsupportedFieldIsRejected_data();
    void unsupportedFieldIsRejected();
    void requiresExactMatch_data();
    void requiresExactMatch();
    void escapeRoundTrips_data();
    void escapeRoundTrips();
};

void TestFieldSelector::parsesToCanonicalString_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<int>("count");

    QTest::newRow("empty selects everything") << ""
                                              << "" << 0;
    QTest::newRow("only commas") << ",,"
                                 << "" << 0;
    QTest::newRow("single equality") << "metadata.name=x"
                                     << "metadata.name=x" << 1;
    QTest::newRow("all three operators")
        << "metadata.name=x,spec.nodeName!=,status.phase==Running"
        << "metadata.name=x,spec.nodeName!=,status.phase=Running" << 3;
    QTest::newRow("terms sorted by raw text") << "b=2,a=1"
                                              << "a=1,b=2" << 2;
    QTest::newRow("not-equals sorts before equals") << "a=1,a!=1"
                                                    << "a!=1,a=1" << 2;
    QTest::newRow("three terms") << "x=a,y=b,z=c"
                                 << "x=a,y=b,z=c" << 3;
    QTest::newRow("empty term skipped") << "x=a,,y=b"
                                        << "x=a,y=b" << 2;
    QTest::newRow("trailing comma") << "x=a,"
                                    << "x=a" << 1;
    QTest::newRow("double equals with empty value") << "x=="
                                                    << "x=" << 1;
    QTest::newRow("escaped comma") << "x=a\\,b"
                                   << "x=a\\,b" << 1;
    QTest::newRow("escaped equals") << "x=a\\=b"
                                    << "x=a\\=b" << 1;
    QTest::newRow("escaped backslash") << "x=a\\\\b"
                                       << "x=a\\\\b" << 1;
    QTest::newRow("pipes are plain characters") << "x=a||y\\=b"
                                                << "x=a||y\\=b" << 1;
    QTest::newRow("escaped comma does not split") << "x=a\\,y\\=b"
                                                  << "x=a\\,y\\=b" << 1;
    QTest::newRow("empty field name") << "=a"
                                      << "=a" << 1;
    QTest::newRow("whitespace is kept") << " x = a"
                                        << " x = a" << 1;
    QTest::newRow("non-ascii value") << "x=\u00e9t\u00e9"
                                     << "x=\u00e9t\u00e9" << 1;
}

void TestFieldSelector::parsesToCanonicalString()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QFETCH(int, count);

    const auto s = FieldSelector::parse(input.toStdString());
    QVERIFY2(s.isOk(), s.status().message().c_str());
    QCOMPARE(str(s->toString()), expected);
    QCOMPARE(int(s->requirements().size()), count);
    QCOMPARE(s->isEmpty(), count == 0);

    const auto again = FieldSelector::parse(s->toString());
    QVERIFY(again.isOk());
    QVERIFY(*again == *s);
}

void TestFieldSelector::malformedSelectorsAreRejected_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("message");

    QTest::newRow("no operator") << "x"
                                 << "invalid selector: 'x'; can't understand 'x'";
    QTest::newRow("second term without operator")
        << "x=a,y"
        << "invalid selector: 'x=a,y'; can't understand 'y'";
    QTest::newRow("unescaped equals in value")
        << "x=a||y=b"
        << "invalid field selector: unescaped character in value: 61";
    QTest::newRow("chained double equals")
        << "x==a==b"
        << "invalid field selector: unescaped character in value: 61";
    QTest::newRow("not-equals then equals")
        << "x!==a"
        << "invalid field selector: unescaped character in value: 61";
    QTest::newRow("unknown escape") << "x=a\\b"
                                    << "invalid field selector: invalid escape sequence: \\b";
    QTest::newRow("escape of a multibyte character")
        << "x=a\\\u00e9"
        << "invalid field selector: invalid escape sequence: \\\u00e9";
    QTest::newRow("trailing backslash") << "x=a\\"
                                        << "invalid field selector: invalid escape sequence: \\";
}

void TestFieldSelector::malformedSelectorsAreRejected()
{
    QFETCH(QString, input);
    QFETCH(QString, message);

    const auto s = FieldSelector::parse(input.toStdString());
    QVERIFY(!s.isOk());
    QCOMPARE(s.status().code(), kubist::Status::Code::InvalidArgument);
    QCOMPARE(str(s.status().message()), message);
}

void TestFieldSelector::parsedRequirementsAreUnescaped()
{
    const auto s =
        FieldSelector::parse("status.phase==Running,metadata.name=a\\,b,spec.nodeName!=");
    QVERIFY(s.isOk());
    const std::vector<FieldSelector::Requirement> expected = {
        {"metadata.name", false, "a,b"},
        {"spec.nodeName", true, ""},
        {"status.phase", false, "Running"},
    };
    QVERIFY(s->requirements() == expected);
}

void TestFieldSelector::matchesFieldValues_data()
{
    QTest::addColumn<QString>("selector");
    QTest::addColumn<QStringList>("fields");
    QTest::addColumn<bool>("expected");

    QTest::newRow("empty matches") << "" << QStringList{"metadata.name=x"} << true;
    QTest::newRow("name equals") << "metadata.name=x" << QStringList{"metadata.name=x"} << true;
    QTest::newRow("name differs") << "metadata.name=x" << QStringList{"metadata.name=y"} << false;
    QTest::newRow("unscheduled pod excluded by nodeName!=")
        << "spec.nodeName!=" << QStringList{"spec.nodeName="} << false;
    QTest::newRow("scheduled pod kept by nodeName!=")
        << "spec.nodeName!=" << QStringList{"spec.nodeName=node1"} << true;
    QTest::newRow("missing field is empty for !=") << "spec.nodeName!=" << QStringList{} << false;
    QTest::newRow("missing field is empty for =") << "spec.nodeName=" << QStringList{} << true;
    QTest::newRow("double equals")
        << "status.phase==Running" << QStringList{"status.phase=Running"} << true;
    QTest::newRow("double equals differs")
        << "status.phase==Running" << QStringList{"status.phase=Pending"} << false;
    QTest::newRow("all terms hold") << "a=1,b!=2" << QStringList{"a=1", "b=3"} << true;
    QTest::newRow("one term fails") << "a=1,b!=2" << QStringList{"a=1", "b=2"} << false;
    QTest::newRow("escaped value") << "x=a\\,b\\=c" << QStringList{"x=a,b=c"} << true;
    QTest::newRow("contradiction") << "a=1,a!=1" << QStringList{"a=1"} << false;
}

void TestFieldSelector::matchesFieldValues()
{
    QFETCH(QString, selector);
    QFETCH(QStringList, fields);
    QFETCH(bool, expected);

    std::map<std::string, std::string, std::less<>> values;
    for (const QString &entry : fields) {
        const qsizetype eq = entry.indexOf(u'=');
        values[entry.left(eq).toStdString()] = entry.mid(eq + 1).toStdString();
    }
    const auto s = FieldSelector::parse(selector.toStdString());
    QVERIFY2(s.isOk(), s.status().message().c_str());
    const bool matched =
        s->matches([&values](std::string_view field) -> std::optional<std::string> {
            const auto it = values.find(field);
            if (it == values.end())
                return std::nullopt;
            return it->second;
        });
    QCOMPARE(matched, expected);
}

void TestFieldSelector::unsupportedFieldIsRejected_data()
{
    QTest::addColumn<QString>("selector");
    QTest::addColumn<QString>("resource");
    QTest::addColumn<QString>("message");

    QTest::newRow("pod name") << "metadata.name=x"
                              << "pods"
                              << "";
    QTest::newRow("pod node and phase") << "spec.nodeName=n,status.phase!=Failed"
                                        << "pods"
                                        << "";
    QTest::newRow("pod nominated node") << "status.nominatedNodeName=n"
                                        << "pods"
                                        << "";
    QTest::newRow("pod unknown field") << "spec.hostname=x"
                                       << "pods"
                                       << "field label not supported: spec.hostname";
    QTest::newRow("first unsupported in sorted order") << "zzz=1,aaa=2"
                                                       << "pods"
                                                       << "field label not supported: aaa";
    QTest::newRow("event involved object") << "involvedObject.kind=Pod,involvedObject.name=p"
                                           << "events"
                                           << "";
    QTest::newRow("event reason and type") << "reason=Killing,type=Normal"
                                           << "events"
                                           << "";
    QTest::newRow("event node name") << "spec.nodeName=x"
                                     << "events"
                                     << "field label not supported: spec.nodeName";
    QTest::newRow("common namespace") << "metadata.namespace=default"
                                      << "common"
                                      << "";
    QTest::newRow("common status") << "status.phase=Running"
                                   << "common"
                                   << "field label not supported: status.phase";
    QTest::newRow("field names are case sensitive") << "Metadata.name=x"
                                                    << "common"
                                                    << "field label not supported: Metadata.name";
    QTest::newRow("empty selector is always supported") << ""
                                                        << "common"
                                                        << "";
}

void TestFieldSelector::unsupportedFieldIsRejected()
{
    QFETCH(QString, selector);
    QFETCH(QString, resource);
    QFETCH(QString, message);

    const FieldSet &supported = resource == "pods"     ? podFields()
                                : resource == "events" ? eventFields()
                                                       : commonFields();
    const auto s = FieldSelector::parse(selector.toStdString());
    QVERIFY(s.isOk());
    const kubist::Status status = s->checkSupported(supported);
    if (message.isEmpty()) {
        QVERIFY2(status.isOk(), status.message().c_str());
        return;
    }
    QCOMPARE(status.code(), kubist::Status::Code::InvalidArgument);
    QCOMPARE(str(status.message()), message);
}

void TestFieldSelector::requiresExactMatch_data()
{
    QTest::addColumn<QString>("selector");
    QTest::addColumn<QString>("field");
    QTest::addColumn<bool>("found");
    QTest::addColumn<QString>("value");

    QTest::newRow("equals") << "metadata.name=x"
                            << "metadata.name" << true << "x";
    QTest::newRow("double equals") << "status.phase==Running"
                                   << "status.phase" << true << "Running";
    QTest::newRow("escaped value") << "metadata.name=a\\,b"
                                   << "metadata.name" << true << "a,b";
    QTest::newRow("not equals") << "spec.nodeName!="
                                << "spec.nodeName" << false << "";
    QTest::newRow("other field") << "metadata.name=x"
                                 << "metadata.namespace" << false << "";
    QTest::newRow("among others") << "a=1,metadata.namespace=ns"
                                  << "metadata.namespace" << true << "ns";
}

void TestFieldSelector::requiresExactMatch()
{
    QFETCH(QString, selector);
    QFETCH(QString, field);
    QFETCH(bool, found);
    QFETCH(QString, value);

    const auto s = FieldSelector::parse(selector.toStdString());
    QVERIFY(s.isOk());
    const auto result = s->requiresExactMatch(field.toStdString());
    QCOMPARE(result.has_value(), found);
    if (found)
        QCOMPARE(str(*result), value);
}

void TestFieldSelector::escapeRoundTrips_data()
{
    QTest::addColumn<QString>("literal");
    QTest::addColumn<QString>("escaped");

    QTest::newRow("plain") << "abc"
                           << "abc";
    QTest::newRow("empty") << ""
                           << "";
    QTest::newRow("comma") << "a,b"
                           << "a\\,b";
    QTest::newRow("equals") << "a=b"
                            << "a\\=b";
    QTest::newRow("backslash") << "a\\b"
                               << "a\\\\b";
    QTest::newRow("all three") << "\\,="
                               << "\\\\\\,\\=";
    QTest::newRow("exclamation is not special") << "a!b"
                                                << "a!b";
}

void TestFieldSelector::escapeRoundTrips()
{
    QFETCH(QString, literal);
    QFETCH(QString, escaped);

    QCOMPARE(str(FieldSelector::escapeValue(literal.toStdString())), escaped);
    const auto back = FieldSelector::unescapeValue(escaped.toStdString());
    QVERIFY(back.isOk());
    QCOMPARE(str(*back), literal);

    // A value survives a trip through a whole selector.
    const auto s = FieldSelector::parse("f=" + escaped.toStdString());
    QVERIFY(s.isOk());
    QCOMPARE(s->requirements().size(), size_t(1));
    QCOMPARE(str(s->requirements().front().value), literal);
}

QTEST_GUILESS_MAIN(TestFieldSelector)
#include "tst_fieldselector.moc"
