#include "backend/apiserver/validation/namevalidation.h"

#include <QObject>
#include <QTest>

namespace names = kubist::apiserver::names;

class TestNameValidation : public QObject
{
    Q_OBJECT

private slots:
    void rules_data();
    void rules();
};

void TestNameValidation::rules_data()
{
    QTest::addColumn<QString>("rule");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("label ok") << "label"
                              << "my-name" << QStringList{};
    QTest::newRow("label with dots") << "label"
                                     << "a.b" << QStringList{"must not contain dots"};
    QTest::newRow("label too long")
        << "label" << QString(64, 'a') << QStringList{"must be no more than 63 characters"};
    QTest::newRow("subdomain ok") << "subdomain"
                                  << "a.b-c.d" << QStringList{};
    QTest::newRow("qualified name with prefix") << "qualified"
                                                << "example.com/Key_1" << QStringList{};
    QTest::newRow("qualified name empty prefix")
        << "qualified"
        << "/a" << QStringList{"prefix part must be non-empty"};
    QTest::newRow("label value empty") << "labelValue"
                                       << "" << QStringList{};
    QTest::newRow("port name digits only")
        << "portName"
        << "80" << QStringList{"must contain at least one letter (a-z)"};
    QTest::newRow("port name hyphens")
        << "portName"
        << "a--b" << QStringList{"must not contain consecutive hyphens"};
    QTest::newRow("config key dot-dot") << "configKey"
                                        << "..a" << QStringList{"must not start with '..'"};
    QTest::newRow("ipv6 ok") << "ip"
                             << "2001:db8::1" << QStringList{};
    QTest::newRow("cidr without bits")
        << "cidr"
        << "10.0.0.0"
        << QStringList{"must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"};
    QTest::newRow("link-local")
        << "nonSpecial"
        << "169.254.1.1"
        << QStringList{"may not be in the link-local range (169.254.0.0/16, fe80::/10)"};
    QTest::newRow("generateName may end in a dash") << "generateName"
                                                    << "web-" << QStringList{};
}

void TestNameValidation::rules()
{
    QFETCH(QString, rule);
    QFETCH(QString, value);
    QFETCH(QStringList, expected);
    const std::string v = value.toStdString();
    std::vector<std::string> got;
    if (rule == "label")
        got = names::isDns1123Label(v);
    else if (rule == "subdomain")
        got = names::isDns1123Subdomain(v);
    else if (rule == "qualified")
        got = names::isQualifiedName(v);
    else if (rule == "labelValue")
        got = names::isLabelValue(v);
    else if (rule == "portName")
        got = names::isValidPortName(v);
    else if (rule == "configKey")
        got = names::isConfigMapKey(v);
    else if (rule == "ip")
        got = names::isValidIp(v);
    else if (rule == "cidr")
        got = names::isValidCidr(v);
    else if (rule == "nonSpecial")
        got = names::isNonSpecialIp(v);
    else if (rule == "generateName")
        got = names::validateName(names::NameRule::Dns1123Subdomain, v, true);
    QStringList actual;
    for (const std::string &m : got)
        actual << QString::fromStdString(m);
    QCOMPARE(actual, expected);
}

QTEST_GUILESS_MAIN(TestNameValidation)
#include "tst_namevalidation.moc"
