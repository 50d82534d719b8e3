// The official JavaScript client (@kubernetes/client-node, from npm) against
// `kubist serve`: see jsclient/test.mjs. npm installs the client into the
// build tree on the first run.

#include "../kubisttestserver.h"

#include <QTest>

class TestJsClient : public QObject
{
    Q_OBJECT

    KubistTestServer m_server;

private slots:
    void initTestCase()
    {
        const QString dir = QStringLiteral(JSCLIENT_DIR);
        if (!QFile::exists(dir + "/node_modules/@kubernetes/client-node/package.json")) {
            const CommandResult npm = m_server.run(
                "npm", {"ci", "--no-audit", "--no-fund", "--prefix", dir}, {}, false, 300000);
            QVERIFY2(npm.exitCode == 0, qPrintable("npm ci failed: " + npm.err));
        }
        QVERIFY(m_server.start({"--nodes", "0", "--no-demo-workloads"}));
    }

    void listWatchCreatePatchDelete()
    {
        const CommandResult r =
            m_server.run("node", {QStringLiteral(JSCLIENT_DIR "/test.mjs")}, {}, false, 120000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    }
};

QTEST_GUILESS_MAIN(TestJsClient)
#include "tst_jsclient.moc"
