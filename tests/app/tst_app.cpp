// The kubist executable, offscreen, on a throwaway data directory: it
// brings the demo cluster up (the web Deployment's pods Running) and exits
// with 0 (--exit-when-ready); a screenshot run writes a real PNG and exits
// with 0; bad options exit with 1 and say why. Attached to `kubist serve`
// through its admin kubeconfig, it reads the cluster and exits with 0; a
// missing kubeconfig or context exits with 1. Every run is bounded.

// tests/e2e's `kubist serve` starter names the binary KUBIST_BIN.
#define KUBIST_BIN KUBIST_BINARY
#include "../e2e/kubisttestserver.h"

#include <QFileInfo>
#include <QImage>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run
{
    bool finished = false;
    QProcess::ExitStatus status = QProcess::CrashExit;
    int code = -1;
    QString out;
    QString err;
};

Run runKubist(const QStringList &args, int boundMs,
              const QList<QPair<QString, QString>> &extraEnv = {})
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    for (const auto &[name, value] : extraEnv)
        env.insert(name, value);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(KUBIST_BINARY), args);
    Run r;
    if (!p.waitForStarted(10000))
        return r;
    r.finished = p.waitForFinished(boundMs);
    if (!r.finished) {
        p.kill();
        p.waitForFinished(5000);
    }
    r.status = p.exitStatus();
    r.code = p.exitCode();
    r.out = QString::fromLocal8Bit(p.readAllStandardOutput());
    r.err = QString::fromLocal8Bit(p.readAllStandardError());
    return r;
}

} // namespace

class TestApp : public QObject
{
    Q_OBJECT

private slots:
    void demoClusterComesUpAndTheAppExitsCleanly()
    {
        const Run r =
            runKubist({"--ephemeral", "--exit-when-ready", "--ready-timeout-ms", "120000"}, 180000);
        QVERIFY2(r.finished, qPrintable(r.err));
        QCOMPARE(r.status, QProcess::NormalExit);
        QVERIFY2(r.code == 0, qPrintable(QString("exit %1: %2").arg(r.code).arg(r.err)));
        QVERIFY2(r.out.contains("kubist: ready"), qPrintable(r.out));
    }

    void screenshotRunWritesAPicture()
    {
        QTemporaryDir dir;
        const QString shot = dir.filePath("shot.png");
        const Run r =
            runKubist({"--ephemeral", "--screenshot", shot, "--after-ms", "1500"}, 120000);
        QVERIFY2(r.finished, qPrintable(r.err));
        QCOMPARE(r.status, QProcess::NormalExit);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QImage image(shot);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 800);
    }

    void badOptionsExitWithOne_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("said");
        QTest::newRow("after-ms not a number")
            << QStringList{"--ephemeral", "--after-ms", "soon"} << "--after-ms";
        QTest::newRow("data dir and ephemeral")
            << QStringList{"--ephemeral", "--data-dir", "/tmp/x"} << "exclude each other";
        QTest::newRow("ready timeout not a number")
            << QStringList{"--ephemeral", "--exit-when-ready", "--ready-timeout-ms", "0"}
            << "--ready-timeout-ms";
        QTest::newRow("missing kubeconfig")
            << QStringList{"--kubeconfig", "/nonexistent/kubist/config", "--exit-when-ready"}
            << "kubist: kubeconfig /nonexistent/kubist/config: no such file";
    }
    void badOptionsExitWithOne()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, said);
        const Run r = runKubist(args, 30000);
        QVERIFY(r.finished);
        QCOMPARE(r.status, QProcess::NormalExit);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(said), qPrintable(r.err));
    }

    void attachedToKubistServeTheAppGetsReady()
    {
        KubistTestServer server;
        QVERIFY(server.start());
        const Run r = runKubist({"--kubeconfig", server.kubeconfig(), "--exit-when-ready",
                                 "--ready-timeout-ms", "60000"},
                                90000, {{"HOME", server.home()}});
        QVERIFY2(r.finished, qPrintable(r.err));
        QCOMPARE(r.status, QProcess::NormalExit);
        QVERIFY2(r.code == 0, qPrintable(QString("exit %1: %2").arg(r.code).arg(r.err)));
        QVERIFY2(r.out.contains("kubist: ready"), qPrintable(r.out));

        // --screenshot works attached too.
        QTemporaryDir dir;
        const QString shot = dir.filePath("remote.png");
        const Run s = runKubist(
            {"--kubeconfig", server.kubeconfig(), "--screenshot", shot, "--after-ms", "1500"},
            60000, {{"HOME", server.home()}});
        QVERIFY2(s.finished && s.code == 0, qPrintable(s.err));
        const QImage image(shot);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 800);
        QCOMPARE(server.stop(), 0);
    }

    void unknownContextExitsWithOne_data()
    {
        QTest::addColumn<bool>("fromEnvironment");
        QTest::newRow("--kubeconfig FILE --context NAME") << false;
        QTest::newRow("--context NAME over $KUBECONFIG") << true;
    }
    void unknownContextExitsWithOne()
    {
        QFETCH(bool, fromEnvironment);
        KubistTestServer server;
        QVERIFY(server.start());
        QStringList args{"--context", "no-such-context", "--exit-when-ready"};
        QList<QPair<QString, QString>> env{{"HOME", server.home()}};
        if (fromEnvironment)
            env.append({"KUBECONFIG", server.kubeconfig()});
        else
            args << "--kubeconfig" << server.kubeconfig();
        const Run r = runKubist(args, 30000, env);
        QVERIFY(r.finished);
        QCOMPARE(r.status, QProcess::NormalExit);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("kubist: kubeconfig ") && r.err.contains("no-such-context") &&
                     r.err.contains("not found"),
                 qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestApp)
#include "tst_app.moc"
