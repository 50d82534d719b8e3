// Go's time.Duration text form (kubist.io Fault spec.duration).

#include "backend/api/goduration.h"

#include <QTest>

using namespace kubist;
using namespace std::chrono_literals;

class TestGoDuration : public QObject
{
    Q_OBJECT

private slots:
    void parses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("nanos");
        QTest::newRow("zero") << "0" << qint64(0);
        QTest::newRow("seconds") << "30s" << qint64(30'000'000'000);
        QTest::newRow("minutes and seconds") << "1m30s" << qint64(90'000'000'000);
        QTest::newRow("fraction of an hour") << "1.5h" << qint64(5'400'000'000'000);
        QTest::newRow("milliseconds") << "250ms" << qint64(250'000'000);
        QTest::newRow("micro sign") << QString::fromUtf8("3\xC2\xB5s") << qint64(3000);
        QTest::newRow("us") << "3us" << qint64(3000);
        QTest::newRow("nanoseconds") << "7ns" << qint64(7);
        QTest::newRow("negative") << "-2s" << qint64(-2'000'000'000);
        QTest::newRow("leading dot") << ".5s" << qint64(500'000'000);
        QTest::newRow("every unit") << "1h1m1s1ms1us1ns" << qint64(3'661'001'001'001);
    }

    void parses()
    {
        QFETCH(QString, text);
        QFETCH(qint64, nanos);
        Result<std::chrono::nanoseconds> d = api::parseGoDuration(text.toStdString());
        QVERIFY2(d.isOk(), d.status().message().c_str());
        QCOMPARE(qint64(d->count()), nanos);
    }

    void refuses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << ""
                               << "time: invalid duration \"\"";
        QTest::newRow("no unit") << "30"
                                 << "time: missing unit in duration \"30\"";
        QTest::newRow("unknown unit") << "3d"
                                      << "time: unknown unit \"d\" in duration \"3d\"";
        QTest::newRow("words") << "soon"
                               << "time: invalid duration \"soon\"";
        QTest::newRow("lone dot") << ".s"
                                  << "time: invalid duration \".s\"";
        QTest::newRow("overflow") << "9999999999h"
                                  << "time: invalid duration \"9999999999h\"";
        QTest::newRow("sign only") << "-"
                                   << "time: invalid duration \"-\"";
    }

    void refuses()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        Result<std::chrono::nanoseconds> d = api::parseGoDuration(text.toStdString());
        QVERIFY(!d.isOk());
        QCOMPARE(QString::fromStdString(d.status().message()), message);
    }

    void formats_data()
    {
        QTest::addColumn<qint64>("nanos");
        QTest::addColumn<QString>("text");
        QTest::newRow("zero") << qint64(0) << "0s";
        QTest::newRow("seconds") << qint64(30'000'000'000) << "30s";
        QTest::newRow("minutes") << qint64(90'000'000'000) << "1m30s";
        QTest::newRow("hours") << qint64(3'600'000'000'000) << "1h0m0s";
        QTest::newRow("fraction") << qint64(1'500'000'000) << "1.5s";
        QTest::newRow("milliseconds") << qint64(250'000'000) << "250ms";
        QTest::newRow("nanoseconds") << qint64(12) << "12ns";
        QTest::newRow("negative") << qint64(-2'000'000'000) << "-2s";
    }

    void formats()
    {
        QFETCH(qint64, nanos);
        QFETCH(QString, text);
        QCOMPARE(QString::fromStdString(api::formatGoDuration(std::chrono::nanoseconds(nanos))),
                 text);
    }
};

QTEST_GUILESS_MAIN(TestGoDuration)
#include "tst_goduration.moc"
