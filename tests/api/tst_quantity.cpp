#include "backend/api/quantity.h"

#include <QObject>
#include <QTest>

#include <limits>

using kubist::api::Quantity;
using Format = Quantity::Format;

Q_DECLARE_METATYPE(Quantity::Format)

namespace {

const QString kFormatWrong = QStringLiteral("quantities must match the regular expression "
                                            "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
const QString kSuffixWrong = QStringLiteral("unable to parse quantity's suffix");

QString str(const std::string &s)
{
    return QString::fromStdString(s);
}

Quantity mustParse(const QString &text)
{
    auto q = Quantity::parse(text.toStdString());
    if (!q.isOk())
        qFatal("cannot parse %s: %s", qPrintable(text), q.status().message().c_str());
    return *q;
}

} // namespace

class TestQuantity : public QObject
{
    Q_OBJECT

private slots:
    void parsesToCanonicalForm_data();
    void parsesToCanonicalForm();
    void malformedInputIsRejected_data();
    void malformedInputIsRejected();
    void toStringKeepsInputUpstreamKeeps_data();
    void toStringKeepsInputUpstreamKeeps();
    void alternateSpellingsCanonicalize_data();
    void alternateSpellingsCanonicalize();
    void constructorsFormat_data();
    void constructorsFormat();
    void scaledValueRoundsAwayFromZero_data();
    void scaledValueRoundsAwayFromZero();
    void comparesByValue_data();
    void comparesByValue();
    void addAndSub_data();
    void addAndSub();
    void arithmeticDropsRememberedText();
    void arithmeticOverflowIsAnErrorAndLeavesValue();
    void addSubRoundTripCancels();
    void valuesPastInt64AreExact();
};

void TestQuantity::parsesToCanonicalForm_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("canonical");
    QTest::addColumn<Format>("format");

    const auto row = [](const char *in, const char *out, Format f) {
        QTest::newRow(in) << QString::fromLatin1(in) << QString::fromLatin1(out) << f;
    };
    const Format dsi = Format::DecimalSI;
    const Format bsi = Format::BinarySI;
    const Format dex = Format::DecimalExponent;

    // zeros keep the format of their suffix
    row("0", "0", dsi);
    row("0n", "0", dsi);
    row("0u", "0", dsi);
    row("0m", "0", dsi);
    row("0Ki", "0", bsi);
    row("0k", "0", dsi);
    row("0Mi", "0", bsi);
    row("0M", "0", dsi);
    row("0Gi", "0", bsi);
    row("0Ti", "0", bsi);
    row("0T", "0", dsi);
    row("00", "0", dsi);
    row(".", "0", dsi);
    row("-", "0", dsi);
    row("+", "0", dsi);
    // plain numbers and binary suffixes
    row("1", "1", dsi);
    row("1Ki", "1Ki", bsi);
    row("8Ki", "8Ki", bsi);
    row("7Mi", "7Mi", bsi);
    row("6Gi", "6Gi", bsi);
    row("5Ti", "5Ti", bsi);
    row("4Pi", "4Pi", bsi);
    row("3Ei", "3Ei", bsi);
    row("10Ti", "10Ti", bsi);
    row("100Ti", "100Ti", bsi);
    row("1.5Gi", "1536Mi", bsi);
    row("1024Mi", "1Gi", bsi);
    row("1025", "1025", dsi);
    // decimal suffixes
    row("5n", "5n", dsi);
    row("4u", "4u", dsi);
    row("3m", "3m", dsi);
    row("9", "9", dsi);
    row("8k", "8k", dsi);
    row("50k", "50k", dsi);
    row("7M", "7M", dsi);
    row("6G", "6G", dsi);
    row("5T", "5T", dsi);
    row("40T", "40T", dsi);
    row("300T", "300T", dsi);
    row("2P", "2P", dsi);
    row("1E", "1E", dsi);
    row("1000m", "1", dsi);
    row("1000", "1k", dsi);
    row("100m", "100m", dsi);
    // decimal exponents
    row("1E-3", "1e-3", dex);
    row("1e3", "1e3", dex);
    row("1E6", "1e6", dex);
    row("1e9", "1e9", dex);
    row("1E12", "1e12", dex);
    row("1e15", "1e15", dex);
    row("1E18", "1e18", dex);
    row("1e14", "100e12", dex);
    row("1e13", "10e12", dex);
    row("12e6", "12e6", dex);
    row("1e+3", "1e3", dex);
    row("1e0", "1", dex);
    row("100.035k", "100035", dsi);
    // things that look like floating point
    row("0.001", "1m", dsi);
    row("0.0005k", "500m", dsi);
    row("0.005", "5m", dsi);
    row("0.05", "50m", dsi);
    row("0.5", "500m", dsi);
    row("0.00050k", "500m", dsi);
    row("0.00500", "5m", dsi);
    row("0.05000", "50m", dsi);
    row("0.50000", "500m", dsi);
    row("0.5e0", "500e-3", dex);
    row("0.5e-1", "50e-3", dex);
    row("0.5e-2", "5e-3", dex);
    row("10.035M", "10035k", dsi);
    row("1.2e3", "1200", dex);
    row("1.3E+6", "1300e3", dex);
    row("1.40e9", "1400e6", dex);
    row("1.53E12", "1530e9", dex);
    row("1.6e15", "1600e12", dex);
    row("1.7E18", "1700e15", dex);
    row("9.01", "9010m", dsi);
    row("1.5", "1500m", dsi);
    row("8.1k", "8100", dsi);
    row("7.123456M", "7123456", dsi);
    row("6.987654321G", "6987654321", dsi);
    row("5.444T", "5444G", dsi);
    row("40.1T", "40100G", dsi);
    row("300.2T", "300200G", dsi);
    row("2.5P", "2500T", dsi);
    row("1.01E", "1010P", dsi);
    // values finer than 1n round up, away from zero
    row("3.001n", "4n", dsi);
    row("1.1E-9", "2e-9", dex);
    row("0.0000000001", "1n", dsi);
    row("0.0000000005", "1n", dsi);
    row("0.00000000050", "1n", dsi);
    row("0.5e-9", "1e-9", dex);
    row("0.9n", "1n", dsi);
    row("0.00000012345", "124n", dsi);
    row("0.00000012354", "124n", dsi);
    row("1e-2000000000", "1e-9", dex);
    row("0.1234567890123456789012345678901234567890123", "123456790n", dsi);
    // binary values are capped at 2^63-1
    row("9Ei", "9223372036854775807", bsi);
    row("8Ei", "9223372036854775807", bsi);
    row("9223372036854775807Ki", "9223372036854775807", bsi);
    row("123456789012345678901234567890123456789012Ki", "9223372036854775807", bsi);
    row("12E", "12E", dsi);
    // DecimalSI past "E" falls back to exponent notation
    row("1000E", "1e21", dsi);
    row("1e100", "10e99", dex);
    // fractional binary; binary below 1 turns DecimalSI
    row("100.035Ki", "102435840m", bsi);
    row("0.5Mi", "512Ki", bsi);
    row("0.05Gi", "53687091200m", bsi);
    row("0.025Ti", "27487790694400m", bsi);
    row("0.1Ki", "102400m", bsi);
    row("1.1Ki", "1126400m", bsi);
    row("0.000000000001Ki", "2n", dsi);
    row(".001Ki", "1024m", bsi);
    row(".000001Ki", "1024u", dsi);
    row(".000000001Ki", "1024n", dsi);
    // written by trolls
    row(".001", "1m", dsi);
    row(".0001k", "100m", dsi);
    row("1.", "1", dsi);
    row("1.G", "1G", dsi);
    row("0001.0000k", "1k", dsi);
}

void TestQuantity::parsesToCanonicalForm()
{
    QFETCH(QString, input);
    QFETCH(QString, canonical);
    QFETCH(Format, format);

    const auto q = Quantity::parse(input.toStdString());
    QVERIFY2(q.isOk(), q.status().message().c_str());
    QCOMPARE(str(q->canonicalString()), canonical);
    QCOMPARE(q->format(), format);

    if (input.startsWith(u'-') || input.startsWith(u'+'))
        return;
    // An explicit sign changes nothing but the sign.
    const auto positive = Quantity::parse("+" + input.toStdString());
    QVERIFY(positive.isOk());
    QCOMPARE(str(positive->canonicalString()), canonical);
    QCOMPARE(positive->format(), format);
    QVERIFY(*positive == *q);

    const auto negative = Quantity::parse("-" + input.toStdString());
    QVERIFY(negative.isOk());
    QCOMPARE(str(negative->canonicalString()), q->isZero() ? canonical : "-" + canonical);
    QCOMPARE(negative->format(), format);
    QVERIFY(*negative == q->negated());

    // The canonical form parses back to the same value.
    const auto again = Quantity::parse(q->canonicalString());
    QVERIFY(again.isOk());
    QVERIFY(*again == *q);
}

void TestQuantity::malformedInputIsRejected_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("message");

    QTest::newRow("empty") << "" << kFormatWrong;
    QTest::newRow("two dots") << "1.1.M" << kFormatWrong;
    QTest::newRow("sum") << "1+1.0M" << kFormatWrong;
    QTest::newRow("milli-binary") << "0.1mi" << kSuffixWrong;
    QTest::newRow("letter outside suffix set") << "0.1am" << kFormatWrong;
    QTest::newRow("word") << "aoeu" << kFormatWrong;
    QTest::newRow("bare i after fraction") << ".5i" << kSuffixWrong;
    QTest::newRow("bare i") << "1i" << kSuffixWrong;
    QTest::newRow("negative bare i") << "-3.01i" << kSuffixWrong;
    QTest::newRow("exponent without digits") << "-3.01e-" << kSuffixWrong;
    QTest::newRow("bare e") << "1e" << kSuffixWrong;
    QTest::newRow("capital K") << "1K" << kSuffixWrong;
    QTest::newRow("binary with digits after") << "1Ki5" << kSuffixWrong;
    QTest::newRow("double exponent letter") << "1Ee3" << kSuffixWrong;
    QTest::newRow("trailing sign") << "1-" << kSuffixWrong;
    QTest::newRow("suffix after exponent") << "1e3e" << kFormatWrong;
    QTest::newRow("leading whitespace") << " 1" << kFormatWrong;
    QTest::newRow("trailing whitespace") << "1 " << kFormatWrong;
    QTest::newRow("double sign") << "--1" << kSuffixWrong;
    QTest::newRow("exponent beyond int64") << "1e99999999999999999999" << kSuffixWrong;
    QTest::newRow("exponent beyond int32") << "1e2147483648"
                                           << "quantity exponent out of range: e2147483648";
    QTest::newRow("more than 38 significant digits")
        << "1234567890123456789012345678901234567890"
        << "quantity '1234567890123456789012345678901234567890' needs more than 38 "
           "significant digits, which is not supported";
    QTest::newRow("binary fraction too precise for exact product")
        << "0.12345678901234567890123456789Ei"
        << "quantity '0.12345678901234567890123456789Ei' needs more than 38 "
           "significant digits, which is not supported";
}

void TestQuantity::malformedInputIsRejected()
{
    QFETCH(QString, input);
    QFETCH(QString, message);

    const auto q = Quantity::parse(input.toStdString());
    QVERIFY(!q.isOk());
    QCOMPARE(q.status().code(), kubist::Status::Code::InvalidArgument);
    QCOMPARE(str(q.status().message()), message);
}

void TestQuantity::toStringKeepsInputUpstreamKeeps_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");

    QTest::newRow("canonical milli") << "100m"
                                     << "100m";
    QTest::newRow("negative canonical milli") << "-100m"
                                              << "-100m";
    QTest::newRow("explicit plus is kept") << "+1k"
                                           << "+1k";
    QTest::newRow("capital exponent is kept") << "1E3"
                                              << "1E3";
    QTest::newRow("zero exponent is kept") << "1e0"
                                           << "1e0";
    QTest::newRow("leading zero is kept") << "01"
                                          << "01";
    QTest::newRow("trailing fraction zeros at milli are kept") << "1.500"
                                                               << "1.500";
    QTest::newRow("small binary") << "1Ki"
                                  << "1Ki";
    QTest::newRow("binary with odd count") << "1025Ki"
                                           << "1025Ki";
    QTest::newRow("binary with leading zero") << "01Ki"
                                              << "01Ki";
    QTest::newRow("binary multiple of 8 is recomputed") << "1024Ki"
                                                        << "1Mi";
    QTest::newRow("thousands are recomputed") << "1000"
                                              << "1k";
    QTest::newRow("fraction is recomputed") << "0.5"
                                            << "500m";
    QTest::newRow("scale not multiple of 3 is recomputed") << "1.5"
                                                           << "1500m";
    QTest::newRow("exponent notation") << "12e6"
                                       << "12e6";
    QTest::newRow("zero") << "0"
                          << "0";
    QTest::newRow("negative zero") << "-0"
                                   << "0";
    QTest::newRow("capped binary is recomputed") << "9Ei"
                                                 << "9223372036854775807";
    QTest::newRow("more than 18 digits is recomputed") << "1234567890123456789"
                                                       << "1234567890123456789";
    QTest::newRow("past int64") << "9223372036854775808"
                                << "9223372036854775808";
}

void TestQuantity::toStringKeepsInputUpstreamKeeps()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(str(mustParse(input).toString()), expected);
}

void TestQuantity::alternateSpellingsCanonicalize_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");

    QTest::newRow("1024Mi") << "1024Mi"
                            << "1Gi";
    QTest::newRow("307200Ki") << "307200Ki"
                              << "300Mi";
    QTest::newRow("1025024Mi") << "1025024Mi"
                               << "1001Gi";
    QTest::newRow("1024Gi") << "1024Gi"
                            << "1Ti";
    QTest::newRow("5000m") << "5000m"
                           << "5";
    QTest::newRow("0.5") << "0.5"
                         << "500m";
    QTest::newRow("1000M") << "1000M"
                           << "1G";
    QTest::newRow("0.001T") << "0.001T"
                            << "1G";
    QTest::newRow("1000u") << "1000u"
                           << "1m";
    QTest::newRow("1.08") << "1.08"
                          << "1080m";
    QTest::newRow("1080000000n") << "1080000000n"
                                 << "1080m";
    QTest::newRow("1000E") << "1000E"
                           << "1e21";
    QTest::newRow("5000E") << "5000E"
                           << "5e21";
    QTest::newRow("1000000E") << "1000000E"
                              << "1e24";
    QTest::newRow(".001e12") << ".001e12"
                             << "1e9";
    QTest::newRow("0.001e0") << "0.001e0"
                             << "1e-3";
    QTest::newRow("1000e-12") << "1000e-12"
                              << "1e-9";
    QTest::newRow("00") << "00"
                        << "0";
}

void TestQuantity::alternateSpellingsCanonicalize()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    const Quantity q = mustParse(input);
    QCOMPARE(str(q.toString()), expected);
    QCOMPARE(str(q.canonicalString()), expected);
}

void TestQuantity::constructorsFormat_data()
{
    QTest::addColumn<Quantity>("quantity");
    QTest::addColumn<QString>("expected");

    QTest::newRow("milli 1") << Quantity::fromMilli(1) << "1m";
    QTest::newRow("milli 1000") << Quantity::fromMilli(1000) << "1";
    QTest::newRow("milli 1234000") << Quantity::fromMilli(1234000) << "1234";
    QTest::newRow("milli 1024 binary turns decimal")
        << Quantity::fromMilli(1024, Format::BinarySI) << "1024m";
    QTest::newRow("milli exponent")
        << Quantity::fromMilli(1000000, Format::DecimalExponent) << "1e3";
    QTest::newRow("milli 1Mi binary turns decimal")
        << Quantity::fromMilli(1024 * 1024, Format::BinarySI) << "1048576m";
    QTest::newRow("value 1") << Quantity::fromValue(1) << "1";
    QTest::newRow("value 1000") << Quantity::fromValue(1000) << "1k";
    QTest::newRow("value 1234000") << Quantity::fromValue(1234000) << "1234k";
    QTest::newRow("value 1024 binary") << Quantity::fromValue(1024, Format::BinarySI) << "1Ki";
    QTest::newRow("value exponent")
        << Quantity::fromValue(1000000, Format::DecimalExponent) << "1e6";
    QTest::newRow("value 1Mi binary")
        << Quantity::fromValue(1024 * 1024, Format::BinarySI) << "1Mi";
    QTest::newRow("value 5 binary") << Quantity::fromValue(5, Format::BinarySI) << "5";
    QTest::newRow("value 1025 binary") << Quantity::fromValue(1025, Format::BinarySI) << "1025";
    QTest::newRow("value int64 min")
        << Quantity::fromValue(std::numeric_limits<std::int64_t>::min()) << "-9223372036854775808";
    QTest::newRow("value 2^60 binary")
        << Quantity::fromValue(std::int64_t(1) << 60, Format::BinarySI) << "1Ei";
    QTest::newRow("scaled 1n") << Quantity::fromScaled(1, -9) << "1n";
    QTest::newRow("scaled 1000n") << Quantity::fromScaled(1000, -9) << "1u";
    QTest::newRow("scaled 1u") << Quantity::fromScaled(1, -6) << "1u";
    QTest::newRow("scaled 1000u") << Quantity::fromScaled(1000, -6) << "1m";
    QTest::newRow("scaled 1m") << Quantity::fromScaled(1, -3) << "1m";
    QTest::newRow("scaled 1000m") << Quantity::fromScaled(1000, -3) << "1";
    QTest::newRow("scaled 1") << Quantity::fromScaled(1, 0) << "1";
    QTest::newRow("scaled zero nano") << Quantity::fromScaled(0, -9) << "0";
    QTest::newRow("scaled zero") << Quantity::fromScaled(0, 0) << "0";
    QTest::newRow("scaled below nano uses exponent") << Quantity::fromScaled(1, -12) << "1e-12";
    QTest::newRow("default") << Quantity() << "0";
}

void TestQuantity::constructorsFormat()
{
    QFETCH(Quantity, quantity);
    QFETCH(QString, expected);
    QCOMPARE(str(quantity.toString()), expected);
    // Parsing rounds below 1n up, so only coarser values round-trip.
    if (quantity < Quantity::fromScaled(1, -9) && !quantity.isZero())
        return;
    const auto back = Quantity::parse(quantity.toString());
    QVERIFY(back.isOk());
    QVERIFY(*back == quantity);
}

void TestQuantity::scaledValueRoundsAwayFromZero_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<int>("scale");
    QTest::addColumn<qint64>("expected");

    QTest::newRow("9.01 at milli") << "9.01" << -3 << qint64(9010);
    QTest::newRow("9.01 at units") << "9.01" << 0 << qint64(10);
    QTest::newRow("9.01 at tens") << "9.01" << 1 << qint64(1);
    QTest::newRow("-9.01 at units") << "-9.01" << 0 << qint64(-10);
    QTest::newRow("-9.01 at centi") << "-9.01" << -2 << qint64(-901);
    QTest::newRow("1n at nano") << "1n" << -9 << qint64(1);
    QTest::newRow("1n at micro") << "1n" << -6 << qint64(1);
    QTest::newRow("1n at milli") << "1n" << -3 << qint64(1);
    QTest::newRow("1n at units") << "1n" << 0 << qint64(1);
    QTest::newRow("1u at nano") << "1u" << -9 << qint64(1000);
    QTest::newRow("1m at nano") << "1m" << -9 << qint64(1000000);
    QTest::newRow("1 at nano") << "1" << -9 << qint64(1000000000);
    QTest::newRow("100 at hundredths") << "100" << -2 << qint64(10000);
    QTest::newRow("1.5Gi") << "1.5Gi" << 0 << qint64(1610612736);
    QTest::newRow("capped binary") << "9Ei" << 0 << qint64(std::numeric_limits<qint64>::max());
    QTest::newRow("saturates high") << "1e30" << 0 << std::numeric_limits<qint64>::max();
    QTest::newRow("saturates low") << "-1e30" << 0 << std::numeric_limits<qint64>::min();
    QTest::newRow("milli saturates")
        << "9223372036854775807" << -3 << std::numeric_limits<qint64>::max();
    QTest::newRow("int64 min exactly")
        << "-9223372036854775808" << 0 << std::numeric_limits<qint64>::min();
    QTest::newRow("tiny at huge scale") << "1n" << 30 << qint64(1);
    QTest::newRow("zero") << "0" << 5 << qint64(0);
}

void TestQuantity::scaledValueRoundsAwayFromZero()
{
    QFETCH(QString, input);
    QFETCH(int, scale);
    QFETCH(qint64, expected);
    const Quantity q = mustParse(input);
    QCOMPARE(q.scaledValue(scale), expected);
    if (scale == 0)
        QCOMPARE(q.value(), expected);
    if (scale == -3)
        QCOMPARE(q.milliValue(), expected);
}

void TestQuantity::comparesByValue_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<int>("expected");

    QTest::newRow("zeros") << "0"
                           << "0" << 0;
    QTest::newRow("zeros in other formats") << "0Ki"
                                            << "0e5" << 0;
    QTest::newRow("milli greater") << "100m"
                                   << "50m" << 1;
    QTest::newRow("milli less") << "50m"
                                << "100m" << -1;
    QTest::newRow("tera vs gibi") << "10000T"
                                  << "100Gi" << 1;
    QTest::newRow("k equals thousand") << "1k"
                                       << "1000" << 0;
    QTest::newRow("Ki equals 1024") << "1Ki"
                                    << "1024" << 0;
    QTest::newRow("Ki above k") << "1Ki"
                                << "1k" << 1;
    QTest::newRow("half equals 500m") << "0.5"
                                      << "500m" << 0;
    QTest::newRow("e-3 equals m") << "1e-3"
                                  << "1m" << 0;
    QTest::newRow("E equals e18") << "1E"
                                  << "1e18" << 0;
    QTest::newRow("negative below zero") << "-1"
                                         << "0" << -1;
    QTest::newRow("more negative is less") << "-2"
                                           << "-1" << -1;
    QTest::newRow("negative fractions") << "-1.5"
                                        << "-1.25" << -1;
    QTest::newRow("nano below micro") << "1n"
                                      << "1u" << -1;
    QTest::newRow("past int64") << "9223372036854775808"
                                << "9223372036854775807" << 1;
    QTest::newRow("huge decimal vs capped binary") << "1e21"
                                                   << "9Ei" << 1;
    QTest::newRow("huge exponents") << "1e100"
                                    << "99e98" << 1;
    QTest::newRow("same magnitude different digits") << "1.001"
                                                     << "1.0001" << 1;
    QTest::newRow("tiny vs huge") << "1n"
                                  << "1e30" << -1;
    QTest::newRow("negative huge vs negative tiny") << "-1e30"
                                                    << "-1n" << -1;
}

void TestQuantity::comparesByValue()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(int, expected);
    const Quantity qa = mustParse(a);
    const Quantity qb = mustParse(b);
    const auto order = qa <=> qb;
    QCOMPARE(order < 0 ? -1 : (order > 0 ? 1 : 0), expected);
    const auto reverse = qb <=> qa;
    QCOMPARE(reverse < 0 ? -1 : (reverse > 0 ? 1 : 0), -expected);
    QCOMPARE(qa == qb, expected == 0);
    QCOMPARE(qa < qb, expected < 0);
}

void TestQuantity::addAndSub_data()
{
    QTest::addColumn<Quantity>("a");
    QTest::addColumn<Quantity>("b");
    QTest::addColumn<bool>("subtract");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<Format>("format");

    const Format dsi = Format::DecimalSI;
    const Format bsi = Format::BinarySI;
    QTest::newRow("10 + 1e1") << Quantity::fromValue(10) << Quantity::fromScaled(1, 1) << false
                              << "20" << dsi;
    QTest::newRow("decimal + binary keeps decimal")
        << Quantity::fromValue(10) << Quantity::fromValue(1, bsi) << false << "11" << dsi;
    QTest::newRow("binary + decimal keeps binary")
        << Quantity::fromValue(10, bsi) << Quantity::fromValue(1) << false << "11" << bsi;
    QTest::newRow("zero + 50") << Quantity() << Quantity::fromValue(50) << false << "50" << dsi;
    QTest::newRow("50 + zero") << Quantity::fromValue(50) << Quantity() << false << "50" << dsi;
    QTest::newRow("zero + zero") << Quantity() << Quantity() << false << "0" << dsi;
    QTest::newRow("100m + zero keeps suffix")
        << mustParse("100m") << mustParse("0") << false << "100m" << dsi;
    QTest::newRow("zero + 1Gi takes binary")
        << mustParse("0") << mustParse("1Gi") << false << "1Gi" << bsi;
    QTest::newRow("1.5Gi + 512Mi")
        << mustParse("1.5Gi") << mustParse("512Mi") << false << "2Gi" << bsi;
    QTest::newRow("milli + nano") << mustParse("1m") << mustParse("1n") << false << "1000001n"
                                  << dsi;
    QTest::newRow("past int64") << mustParse("9223372036854775807") << mustParse("1") << false
                                << "9223372036854775808" << dsi;
    QTest::newRow("10 - 1e1") << Quantity::fromValue(10) << Quantity::fromScaled(1, 1) << true
                              << "0" << dsi;
    QTest::newRow("decimal - binary")
        << Quantity::fromValue(10) << Quantity::fromValue(1, bsi) << true << "9" << dsi;
    QTest::newRow("binary - decimal")
        << Quantity::fromValue(10, bsi) << Quantity::fromValue(1) << true << "9" << bsi;
    QTest::newRow("zero - 50") << Quantity() << Quantity::fromValue(50) << true << "-50" << dsi;
    QTest::newRow("zero - 1Gi takes binary")
        << mustParse("0") << mustParse("1Gi") << true << "-1Gi" << bsi;
    QTest::newRow("zero - 100m") << mustParse("0") << mustParse("100m") << true << "-100m" << dsi;
    QTest::newRow("100m - zero") << mustParse("100m") << mustParse("0") << true << "100m" << dsi;
    QTest::newRow("1 - int64 min")
        << Quantity::fromValue(1) << Quantity::fromValue(std::numeric_limits<std::int64_t>::min())
        << true << "9223372036854775809" << dsi;
    QTest::newRow("zero - int64 min milli")
        << Quantity() << Quantity::fromMilli(std::numeric_limits<std::int64_t>::min()) << true
        << "9223372036854775808m" << dsi;
    QTest::newRow("crossing zero")
        << mustParse("1") << mustParse("1500m") << true << "-500m" << dsi;
}

void TestQuantity::addAndSub()
{
    QFETCH(Quantity, a);
    QFETCH(Quantity, b);
    QFETCH(bool, subtract);
    QFETCH(QString, expected);
    QFETCH(Format, format);

    const kubist::Status status = subtract ? a.sub(b) : a.add(b);
    QVERIFY2(status.isOk(), status.message().c_str());
    QCOMPARE(str(a.toString()), expected);
    QCOMPARE(a.format(), format);
}

void TestQuantity::arithmeticDropsRememberedText()
{
    Quantity q = mustParse("+1k");
    QCOMPARE(str(q.toString()), QStringLiteral("+1k"));
    QVERIFY(q.add(Quantity()).isOk());
    QCOMPARE(str(q.toString()), QStringLiteral("1k"));

    Quantity e = mustParse("1E3");
    e.setFormat(Format::DecimalSI);
    QCOMPARE(str(e.toString()), QStringLiteral("1k"));
    QCOMPARE(str(mustParse("1E3").negated().toString()), QStringLiteral("-1e3"));
}

void TestQuantity::arithmeticOverflowIsAnErrorAndLeavesValue()
{
    Quantity big = mustParse("1e30");
    const kubist::Status status = big.add(mustParse("1n"));
    QVERIFY(!status.isOk());
    QCOMPARE(status.code(), kubist::Status::Code::InvalidArgument);
    QCOMPARE(str(big.toString()), QStringLiteral("1e30"));

    Quantity far = mustParse("1e100");
    QVERIFY(!far.sub(mustParse("1")).isOk());
    QCOMPARE(str(far.toString()), QStringLiteral("10e99"));

    // 38 digits still fit.
    Quantity wide = Quantity::fromScaled(1, 28);
    QVERIFY(wide.add(mustParse("1n")).isOk());
    QCOMPARE(str(wide.toString()), QStringLiteral("10000000000000000000000000000000000001n"));
}

void TestQuantity::addSubRoundTripCancels()
{
    for (int scale = -10; scale <= 10; ++scale) {
        Quantity sum;
        std::vector<std::int64_t> values;
        std::uint64_t seed = 0x2545F4914F6CDD1D;
        for (int i = 0; i < 100; ++i) {
            seed = seed * 6364136223846793005 + 1442695040888963407;
            const auto v = std::int64_t(seed >> 1);
            values.push_back(v);
            QVERIFY(sum.add(Quantity::fromScaled(v, scale)).isOk());
        }
        for (std::int64_t v : values)
            QVERIFY(sum.sub(Quantity::fromScaled(v, scale)).isOk());
        QVERIFY(sum.isZero());
    }
}

void TestQuantity::valuesPastInt64AreExact()
{
    const Quantity q = mustParse("9223372036854775808");
    QCOMPARE(q.asInt64(), std::nullopt);
    QCOMPARE(q.value(), std::numeric_limits<std::int64_t>::max());
    QVERIFY(q > mustParse("9223372036854775807"));
    QCOMPARE(mustParse("9223372036854775807").asInt64(),
             std::optional<std::int64_t>(std::numeric_limits<std::int64_t>::max()));
    QCOMPARE(mustParse("1.5").asInt64(), std::nullopt);
    QCOMPARE(mustParse("2k").asInt64(), std::optional<std::int64_t>(2000));

    // 1e18 * 1024^6 is exact.
    const Quantity huge = mustParse("1152921504606846976000000000000000000");
    QCOMPARE(str(huge.canonicalString()), QStringLiteral("1152921504606846976E"));
    QCOMPARE(mustParse("1E").toDouble(), 1e18);

    // Binary suffixes stop at Ei: 2^70 prints as 1024Ei.
    Quantity binary = Quantity::fromValue(std::int64_t(1) << 60, Format::BinarySI);
    for (int i = 0; i < 10; ++i)
        QVERIFY(binary.add(binary).isOk());
    QCOMPARE(str(binary.toString()), QStringLiteral("1024Ei"));
}

QTEST_GUILESS_MAIN(TestQuantity)
#include "tst_quantity.moc"
