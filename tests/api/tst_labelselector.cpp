#include "backend/api/labelselector.h"

#include "meta_v1.pb.h"

#include <QObject>
#include <QTest>

#include <unordered_map>

using kubist::api::LabelSelector;
using Operator = LabelSelector::Operator;
namespace metav1 = k8s::io::apimachinery::pkg::apis::meta::v1;

Q_DECLARE_METATYPE(LabelSelector::Operator)

namespace {

QString str(const std::string &s)
{
    return QString::fromStdString(s);
}

// "k=v" entries to a label map.
std::map<std::string, std::string> labelsOf(const QStringList &entries)
{
    std::map<std::string, std::string> labels;
    for (const QString &entry : entries) {
        const qsizetype eq = entry.indexOf(u'=');
        labels[entry.left(eq).toStdString()] = entry.mid(eq + 1).toStdString();
    }
    return labels;
}

const QString kQualifiedNameRegex =
    QStringLiteral("(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                   "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
const QString kLabelValueMessage = QStringLiteral(
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
const QString kNameMessage =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and "
    "end with an alphanumeric character " +
    kQualifiedNameRegex;

} // namespace

class TestLabelSelector : public QObject
{
    Q_OBJECT

private slots:
    void parsesToCanonicalString_data();
    void parsesToCanonicalString();
    void malformedSelectorsAreRejected_data();
    void malformedSelectorsAreRejected();
    void matchesLabels_data();
    void matchesLabels();
    void parsedRequirementsAreSortedAndDeduplicated();
    void everythingAndNothing();
    void matchesAnyMapType();
    void requiresExactMatch_data();
    void requiresExactMatch();
    void makeRequirementValidates_data();
    void makeRequirementValidates();
    void fromProtoBuildsSelector();
    void fromProtoNullSelectsNothingAndEmptySelectsEverything();
    void fromProtoRejectsInvalidInput_data();
    void fromProtoRejectsInvalidInput();
    void fromSetAndWithRequirement();
};

void TestLabelSelector::parsesToCanonicalString_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");

    QTest::newRow("empty") << ""
                           << "";
    QTest::newRow("only whitespace") << " \t\r\n"
                                     << "";
    QTest::newRow("three equalities") << "x=a,y=b,z=c"
                                      << "x=a,y=b,z=c";
    QTest::newRow("not equals") << "x!=a,y=b"
                                << "x!=a,y=b";
    QTest::newRow("double equals kept") << "x==a"
                                        << "x==a";
    QTest::newRow("empty value") << "x="
                                 << "x=";
    QTest::newRow("empty value with space") << "x= "
                                            << "x=";
    QTest::newRow("two empty values") << "x=,z= "
                                      << "x=,z=";
    QTest::newRow("two empty values with spaces") << "x= ,z= "
                                                  << "x=,z=";
    QTest::newRow("does not exist") << "!x"
                                    << "!x";
    QTest::newRow("does not exist with space") << "! x"
                                               << "!x";
    QTest::newRow("exists") << "x"
                            << "x";
    QTest::newRow("greater than") << "x>1"
                                  << "x>1";
    QTest::newRow("greater and less than") << "x>1,z<5"
                                           << "x>1,z<5";
    QTest::newRow("sorted by key") << "z=c,y=b,x=a"
                                   << "x=a,y=b,z=c";
    QTest::newRow("exists sorted") << "y,x"
                                   << "x,y";
    QTest::newRow("in sorts values") << "x in (b,a)"
                                     << "x in (a,b)";
    QTest::newRow("in deduplicates") << "x in (a,a,b)"
                                     << "x in (a,b)";
    QTest::newRow("notin empty set") << "x notin ()"
                                     << "x notin ()";
    QTest::newRow("upstream doc example") << "x in (foo,,baz),y,z notin ()"
                                          << "x in (,baz,foo),y,z notin ()";
    QTest::newRow("leading comma in set") << "x in (,a)"
                                          << "x in (,a)";
    QTest::newRow("trailing comma in set") << "x in (a,)"
                                           << "x in (,a)";
    QTest::newRow("in as a value") << "x in (in)"
                                   << "x in (in)";
    QTest::newRow("in as key and value") << "in in (in)"
                                         << "in in (in)";
    QTest::newRow("notin as a value") << "notin=in"
                                      << "notin=in";
    QTest::newRow("spaces everywhere") << "  x  =  a  ,  y  in  ( b , c )  "
                                       << "x=a,y in (b,c)";
    QTest::newRow("tabs and newlines") << "x\t=\na"
                                       << "x=a";
    QTest::newRow("same key keeps input order") << "x=a,x!=b"
                                                << "x=a,x!=b";
    QTest::newRow("prefixed key") << "example.com/app=web"
                                  << "example.com/app=web";
    QTest::newRow("mixed") << "a=b,c!=d,e in (f,g),h notin (i),j,!k"
                           << "a=b,c!=d,e in (f,g),h notin (i),j,!k";
    QTest::newRow("63 character key") << QString(63, u'k') + "=v" << QString(63, u'k') + "=v";
}

void TestLabelSelector::parsesToCanonicalString()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);

    const auto s = LabelSelector::parse(input.toStdString());
    QVERIFY2(s.isOk(), s.status().message().c_str());
    QCOMPARE(str(s->toString()), expected);
    QVERIFY(!s->isNothing());

    // The canonical string parses to the same selector.
    const auto again = LabelSelector::parse(s->toString());
    QVERIFY(again.isOk());
    QCOMPARE(str(again->toString()), expected);
}

void TestLabelSelector::malformedSelectorsAreRejected_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("message");

    const QString prefix = QStringLiteral("unable to parse requirement: ");
    QTest::newRow("value with pipes")
        << "x=a||y=b" << prefix + "values[0][x]: Invalid value: \"a||y\": " + kLabelValueMessage;
    QTest::newRow("chained double equals") << "x==a==b"
                                           << "found '==', expected: ',' or 'end of string'";
    QTest::newRow("does not exist with value") << "!x=a"
                                               << "found '=', expected: ',' or 'end of string'";
    QTest::newRow("less than non-integer")
        << "x<a"
        << prefix + "values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must "
                    "be an integer";
    QTest::newRow("negative bound is not a label value")
        << "x<-5" << prefix + "values[0][x]: Invalid value: \"-5\": " + kLabelValueMessage;
    QTest::newRow("trailing comma") << "x=a,"
                                    << "found '', expected: identifier after ','";
    QTest::newRow("leading comma") << ",x"
                                   << "found ',', expected: !, identifier, or 'end of string'";
    QTest::newRow("in without parenthesis") << "x in a" << prefix + "found 'a' expected: '('";
    QTest::newRow("notin at end") << "x notin" << prefix + "found '' expected: '('";
    QTest::newRow("unclosed set") << "x in (a" << prefix + "found '', expected: ',' or ')'";
    QTest::newRow("space separated set")
        << "x in (a b)" << prefix + "found 'b', expected: ',' or ')'";
    QTest::newRow("nested parenthesis")
        << "x in ((a)" << prefix + "found '(', expected: ',', ')' or identifier";
    QTest::newRow("set then garbage")
        << "x in (a,=)" << prefix + "found '=', expected: ',', or identifier";
    QTest::newRow("missing operator")
        << "x y" << prefix + "found 'y', expected: in, notin, =, ==, !=, gt, lt";
    QTest::newRow("parenthesis as value") << "x=(" << prefix + "found '(', expected: identifier";
    QTest::newRow("bang alone") << "!" << prefix + "found '', expected: identifier";
    QTest::newRow("bang bang") << "!!x" << prefix + "found '!', expected: identifier";
    QTest::newRow("key starting with dash")
        << "-x=a" << prefix + "<nil>: Invalid value: \"-x\": " + kNameMessage;
    QTest::newRow("key with two slashes")
        << "a/b/c"
        << prefix +
               "<nil>: Invalid value: \"a/b/c\": a qualified name must consist of "
               "alphanumeric characters, '-', '_' or '.', and must start and end with an "
               "alphanumeric character " +
               kQualifiedNameRegex +
               " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
    QTest::newRow("uppercase prefix")
        << "Example.com/x"
        << prefix + "<nil>: Invalid value: \"Example.com/x\": prefix part a lowercase RFC 1123 "
                    "subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                    "and must start and end with an alphanumeric character (e.g. 'example.com', "
                    "regex used for validation is "
                    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    QTest::newRow("empty prefix") << "/x"
                                  << prefix + "<nil>: Invalid value: \"/x\": prefix part must "
                                              "be non-empty";
    QTest::newRow("empty name")
        << "x/"
        << prefix + "<nil>: Invalid value: \"x/\": name part must be non-empty; " + kNameMessage;
    QTest::newRow("64 character key") << QString(64, u'k')
                                      << prefix + "<nil>: Invalid value: \"" + QString(64, u'k') +
                                             "\": name part must be no more than 63 characters";
    QTest::newRow("64 character value")
        << "x=" + QString(64, u'v')
        << prefix + "values[0][x]: Invalid value: \"" + QString(64, u'v') +
               "\": must be no more than 63 characters";
    QTest::newRow("quote in value is escaped")
        << "x=a\"b" << prefix + "values[0][x]: Invalid value: \"a\\\"b\": " + kLabelValueMessage;
}

void TestLabelSelector::malformedSelectorsAreRejected()
{
    QFETCH(QString, input);
    QFETCH(QString, message);

    const auto s = LabelSelector::parse(input.toStdString());
    QVERIFY(!s.isOk());
    QCOMPARE(s.status().code(), kubist::Status::Code::InvalidArgument);
    QCOMPARE(str(s.status().message()), message);
}

void TestLabelSelector::matchesLabels_data()
{
    QTest::addColumn<QString>("selector");
    QTest::addColumn<QStringList>("labels");
    QTest::addColumn<bool>("expected");

    QTest::newRow("empty matches anything") << "" << QStringList{"x=y"} << true;
    QTest::newRow("empty matches no labels") << "" << QStringList{} << true;
    QTest::newRow("equality") << "x=y" << QStringList{"x=y"} << true;
    QTest::newRow("two equalities") << "x=y,z=w" << QStringList{"x=y", "z=w"} << true;
    QTest::newRow("two inequalities") << "x!=y,z!=w" << QStringList{"x=z", "z=a"} << true;
    QTest::newRow("keyword key and value") << "notin=in" << QStringList{"notin=in"} << true;
    QTest::newRow("exists") << "x" << QStringList{"x=z"} << true;
    QTest::newRow("does not exist") << "!x" << QStringList{"y=z"} << true;
    QTest::newRow("greater than") << "x>1" << QStringList{"x=2"} << true;
    QTest::newRow("less than") << "x<1" << QStringList{"x=0"} << true;
    QTest::newRow("in") << "x in (a,b)" << QStringList{"x=b"} << true;
    QTest::newRow("notin absent key") << "x notin (a)" << QStringList{} << true;
    QTest::newRow("notin other value") << "x notin (a)" << QStringList{"x=b"} << true;
    QTest::newRow("not equals absent key") << "x!=a" << QStringList{} << true;
    QTest::newRow("empty value matches empty label") << "x=" << QStringList{"x="} << true;
    QTest::newRow("empty set matches empty label") << "x in ()" << QStringList{"x="} << true;

    QTest::newRow("equality on missing key") << "x=z" << QStringList{} << false;
    QTest::newRow("equality on other value") << "x=y" << QStringList{"x=z"} << false;
    QTest::newRow("one of two equalities") << "x=y,z=w" << QStringList{"x=w", "z=w"} << false;
    QTest::newRow("one of two inequalities") << "x!=y,z!=w" << QStringList{"x=z", "z=w"} << false;
    QTest::newRow("exists on missing key") << "x" << QStringList{"y=z"} << false;
    QTest::newRow("does not exist on present key") << "!x" << QStringList{"x=z"} << false;
    QTest::newRow("greater than fails") << "x>1" << QStringList{"x=0"} << false;
    QTest::newRow("greater than equal fails") << "x>1" << QStringList{"x=1"} << false;
    QTest::newRow("less than fails") << "x<1" << QStringList{"x=2"} << false;
    QTest::newRow("greater than non-integer label") << "x>1" << QStringList{"x=a"} << false;
    QTest::newRow("greater than missing key") << "x>1" << QStringList{} << false;
    QTest::newRow("in other value") << "x in (a,b)" << QStringList{"x=c"} << false;
    QTest::newRow("in missing key") << "x in (a,b)" << QStringList{} << false;
    QTest::newRow("notin listed value") << "x notin (a,b)" << QStringList{"x=a"} << false;
    QTest::newRow("empty value misses missing label") << "x=" << QStringList{} << false;
}

void TestLabelSelector::matchesLabels()
{
    QFETCH(QString, selector);
    QFETCH(QStringList, labels);
    QFETCH(bool, expected);

    const auto s = LabelSelector::parse(selector.toStdString());
    QVERIFY2(s.isOk(), s.status().message().c_str());
    const auto map = labelsOf(labels);
    QCOMPARE(s->matches(map), expected);
    const LabelSelector::LabelLookup lookup = [&map](std::string_view key) -> const std::string * {
        const auto it = map.find(std::string(key));
        return it == map.end() ? nullptr : &it->second;
    };
    QCOMPARE(s->matches(lookup), expected);
}

void TestLabelSelector::parsedRequirementsAreSortedAndDeduplicated()
{
    const auto s = LabelSelector::parse("z notin (c,a,c),!b,a in (x)");
    QVERIFY(s.isOk());
    const std::vector<LabelSelector::Requirement> expected = {
        {"a", Operator::In, {"x"}},
        {"b", Operator::DoesNotExist, {}},
        {"z", Operator::NotIn, {"a", "c"}},
    };
    QVERIFY(s->requirements() == expected);
}

void TestLabelSelector::everythingAndNothing()
{
    const std::map<std::string, std::string> none;
    const std::map<std::string, std::string> some = {{"a", "b"}};

    const LabelSelector everything = LabelSelector::everything();
    QVERIFY(everything.isEmpty());
    QVERIFY(!everything.isNothing());
    QVERIFY(everything.matches(none));
    QVERIFY(everything.matches(some));
    QCOMPARE(str(everything.toString()), QString());
    QVERIFY(LabelSelector() == everything);

    const LabelSelector nothing = LabelSelector::nothing();
    QVERIFY(!nothing.isEmpty());
    QVERIFY(nothing.isNothing());
    QVERIFY(!nothing.matches(none));
    QVERIFY(!nothing.matches(some));
    QCOMPARE(str(nothing.toString()), QString());
    QVERIFY(!(nothing == everything));
}

void TestLabelSelector::matchesAnyMapType()
{
    const auto s = LabelSelector::parse("app=web,tier in (front,back)");
    QVERIFY(s.isOk());

    const std::unordered_map<std::string, std::string> unordered = {{"app", "web"},
                                                                    {"tier", "front"}};
    QVERIFY(s->matches(unordered));

    // A protobuf Map works as well; borrow the one in the generated struct.
    metav1::LabelSelector holder;
    (*holder.mutable_match_labels())["app"] = "web";
    (*holder.mutable_match_labels())["tier"] = "back";
    QVERIFY(s->matches(holder.match_labels()));
    (*holder.mutable_match_labels())["tier"] = "middle";
    QVERIFY(!s->matches(holder.match_labels()));
}

void TestLabelSelector::requiresExactMatch_data()
{
    QTest::addColumn<QString>("selector");
    QTest::addColumn<QString>("label");
    QTest::addColumn<bool>("found");
    QTest::addColumn<QString>("value");

    QTest::newRow("equals") << "x=a,y=b"
                            << "y" << true << "b";
    QTest::newRow("double equals") << "x==a"
                                   << "x" << true << "a";
    QTest::newRow("in with one value") << "x in (a)"
                                       << "x" << true << "a";
    QTest::newRow("in with two values") << "x in (a,b)"
                                        << "x" << false << "";
    QTest::newRow("not equals") << "x!=a"
                                << "x" << false << "";
    QTest::newRow("absent label") << "x=a"
                                  << "y" << false << "";
    QTest::newRow("exists") << "x"
                            << "x" << false << "";
}

void TestLabelSelector::requiresExactMatch()
{
    QFETCH(QString, selector);
    QFETCH(QString, label);
    QFETCH(bool, found);
    QFETCH(QString, value);

    const auto s = LabelSelector::parse(selector.toStdString());
    QVERIFY(s.isOk());
    const auto result = s->requiresExactMatch(label.toStdString());
    QCOMPARE(result.has_value(), found);
    if (found)
        QCOMPARE(str(*result), value);
}

void TestLabelSelector::makeRequirementValidates_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<Operator>("op");
    QTest::addColumn<QStringList>("values");
    QTest::addColumn<QString>("message");

    QTest::newRow("valid in") << "x" << Operator::In << QStringList{"a"} << "";
    QTest::newRow("empty in")
        << "x" << Operator::In << QStringList{}
        << "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be "
           "empty";
    QTest::newRow("empty notin")
        << "x" << Operator::NotIn << QStringList{}
        << "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be "
           "empty";
    QTest::newRow("equals with two values")
        << "x" << Operator::Equals << QStringList{"a", "b"}
        << "values: Invalid value: []string{\"a\", \"b\"}: exact-match compatibility requires "
           "one single value";
    QTest::newRow("exists with a value")
        << "x" << Operator::Exists << QStringList{"a"}
        << "values: Invalid value: []string{\"a\"}: values set must be empty for exists and does "
           "not exist";
    QTest::newRow("greater than with two values")
        << "x" << Operator::GreaterThan << QStringList{"1", "2"}
        << "values: Invalid value: []string{\"1\", \"2\"}: for 'Gt', 'Lt' operators, exactly one "
           "value is required";
    QTest::newRow("bad key and bad value aggregate")
        << "-x" << Operator::Equals << QStringList{"-v"}
        << "[key: Invalid value: \"-x\": " + kNameMessage +
               ", values[0][-x]: Invalid value: " + "\"-v\": " + kLabelValueMessage + "]";
}

void TestLabelSelector::makeRequirementValidates()
{
    QFETCH(QString, key);
    QFETCH(Operator, op);
    QFETCH(QStringList, values);
    QFETCH(QString, message);

    std::vector<std::string> vals;
    for (const QString &v : values)
        vals.push_back(v.toStdString());
    const auto r = LabelSelector::makeRequirement(key.toStdString(), op, vals);
    if (message.isEmpty()) {
        QVERIFY2(r.isOk(), r.status().message().c_str());
        return;
    }
    QVERIFY(!r.isOk());
    QCOMPARE(str(r.status().message()), message);
}

void TestLabelSelector::fromProtoBuildsSelector()
{
    metav1::LabelSelector proto;
    (*proto.mutable_match_labels())["tier"] = "front";
    (*proto.mutable_match_labels())["app"] = "web";
    auto *in = proto.add_match_expressions();
    in->set_key("env");
    in->set_operator_("In");
    in->add_values("prod");
    in->add_values("canary");
    auto *notIn = proto.add_match_expressions();
    notIn->set_key("zone");
    notIn->set_operator_("NotIn");
    notIn->add_values("b");
    auto *exists = proto.add_match_expressions();
    exists->set_key("owner");
    exists->set_operator_("Exists");
    auto *absent = proto.add_match_expressions();
    absent->set_key("legacy");
    absent->set_operator_("DoesNotExist");

    const auto s = LabelSelector::fromProto(&proto);
    QVERIFY2(s.isOk(), s.status().message().c_str());
    QCOMPARE(
        str(s->toString()),
        QStringLiteral("app=web,env in (canary,prod),!legacy,owner,tier=front,zone notin (b)"));
    // Values from the struct keep their order; only the string is sorted.
    QVERIFY(s->requirements()[1].values == (std::vector<std::string>{"prod", "canary"}));

    const std::map<std::string, std::string> pod = {
        {"app", "web"}, {"tier", "front"}, {"env", "canary"}, {"owner", "me"}, {"zone", "a"}};
    QVERIFY(s->matches(pod));
    auto withLegacy = pod;
    withLegacy["legacy"] = "yes";
    QVERIFY(!s->matches(withLegacy));
    auto wrongEnv = pod;
    wrongEnv["env"] = "dev";
    QVERIFY(!s->matches(wrongEnv));
}

void TestLabelSelector::fromProtoNullSelectsNothingAndEmptySelectsEverything()
{
    const auto null = LabelSelector::fromProto(nullptr);
    QVERIFY(null.isOk());
    QVERIFY(null->isNothing());
    QVERIFY(!null->matches(std::map<std::string, std::string>{}));

    const metav1::LabelSelector empty;
    const auto all = LabelSelector::fromProto(&empty);
    QVERIFY(all.isOk());
    QVERIFY(all->isEmpty());
    QVERIFY(all->matches(std::map<std::string, std::string>{{"a", "b"}}));
}

void TestLabelSelector::fromProtoRejectsInvalidInput_data()
{
    QTest::addColumn<QString>("matchLabelKey");
    QTest::addColumn<QString>("matchLabelValue");
    QTest::addColumn<QString>("expressionKey");
    QTest::addColumn<QString>("expressionOperator");
    QTest::addColumn<QStringList>("expressionValues");
    QTest::addColumn<QString>("message");

    QTest::newRow("unknown operator")
        << ""
        << ""
        << "x"
        << "Equals" << QStringList{"a"} << "\"Equals\" is not a valid label selector operator";
    QTest::newRow("lowercase operator")
        << ""
        << ""
        << "x"
        << "in" << QStringList{"a"} << "\"in\" is not a valid label selector operator";
    QTest::newRow("in without values")
        << ""
        << ""
        << "x"
        << "In" << QStringList{}
        << "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be "
           "empty";
    QTest::newRow("does not exist with values")
        << ""
        << ""
        << "x"
        << "DoesNotExist" << QStringList{"a"}
        << "values: Invalid value: []string{\"a\"}: values set must be empty for exists and does "
           "not exist";
    QTest::newRow("bad expression key")
        << ""
        << ""
        << "x/"
        << "Exists" << QStringList{}
        << "key: Invalid value: \"x/\": name part must be non-empty; " + kNameMessage;
    QTest::newRow("bad match label value")
        << "app"
        << "bad value"
        << ""
        << "" << QStringList{}
        << "values[0][app]: Invalid value: \"bad value\": " + kLabelValueMessage;
}

void TestLabelSelector::fromProtoRejectsInvalidInput()
{
    QFETCH(QString, matchLabelKey);
    QFETCH(QString, matchLabelValue);
    QFETCH(QString, expressionKey);
    QFETCH(QString, expressionOperator);
    QFETCH(QStringList, expressionValues);
    QFETCH(QString, message);

    metav1::LabelSelector proto;
    if (!matchLabelKey.isEmpty())
        (*proto.mutable_match_labels())[matchLabelKey.toStdString()] =
            matchLabelValue.toStdString();
    if (!expressionKey.isEmpty()) {
        auto *e = proto.add_match_expressions();
        e->set_key(expressionKey.toStdString());
        e->set_operator_(expressionOperator.toStdString());
        for (const QString &v : expressionValues)
            e->add_values(v.toStdString());
    }
    const auto s = LabelSelector::fromProto(&proto);
    QVERIFY(!s.isOk());
    QCOMPARE(s.status().code(), kubist::Status::Code::InvalidArgument);
    QCOMPARE(str(s.status().message()), message);
}

void TestLabelSelector::fromSetAndWithRequirement()
{
    const auto s = LabelSelector::fromSet({{"b", "2"}, {"a", "1"}});
    QVERIFY(s.isOk());
    QCOMPARE(str(s->toString()), QStringLiteral("a=1,b=2"));

    const auto empty = LabelSelector::fromSet({});
    QVERIFY(empty.isOk());
    QVERIFY(empty->isEmpty());

    const auto bad = LabelSelector::fromSet({{"a", "not valid"}});
    QVERIFY(!bad.isOk());

    const auto r = LabelSelector::makeRequirement("ab", Operator::Exists, {});
    QVERIFY(r.isOk());
    QCOMPARE(str(s->withRequirement(*r).toString()), QStringLiteral("a=1,ab,b=2"));
    QVERIFY(LabelSelector::nothing().withRequirement(*r).isNothing());
}

QTEST_GUILESS_MAIN(TestLabelSelector)
#include "tst_labelselector.moc"
