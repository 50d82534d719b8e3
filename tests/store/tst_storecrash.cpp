// Crashes: store_crash_child writes from four threads and reports every
// acknowledged write; we kill it with SIGKILL at a seeded random moment,
// reopen the store and check that every acknowledged write is there,
// nothing unacknowledged is half-applied (each key holds its last
// acknowledged state or the whole of the one write in flight), and the
// revision never went back. Also: a second process cannot open the
// directory while the child holds it.

#include "crashprotocol.h"
#include "storetesting.h"

#include <QCoreApplication>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <optional>
#include <set>
#include <thread>

using namespace kubist;
using namespace kubist::store;
using namespace kubist::store::testing;

namespace {

struct KeyState
{
    bool live = false;
    std::string token;
    int64_t revision = 0; // mod revision when live
};

struct InFlight
{
    std::string op;
    std::string token;
};

} // namespace

class TestStoreCrash : public QObject
{
    Q_OBJECT

private slots:
    void acknowledgedWritesSurviveSigkill()
    {
        const QString child = QCoreApplication::applicationDirPath() + "/store_crash_child";
        QVERIFY2(QFile::exists(child), qPrintable(child));
        QTemporaryDir dir;
        QRandomGenerator rng(20240601);
        std::map<std::string, KeyState> model; // what must be there
        int64_t lastRevision = 0;
        int totalAcked = 0;
        constexpr int kRounds = 50;

        for (int round = 0; round < kRounds; ++round) {
            QProcess p;
            p.setProgram(child);
            p.setArguments({dir.path(), QString::number(round + 1)});
            p.setProcessChannelMode(QProcess::SeparateChannels);
            p.start();
            QVERIFY(p.waitForStarted());
            QVERIFY2(p.waitForReadyRead(10000), qPrintable(p.readAllStandardError()));
            if (round == 0) {
                auto second = Store::open(dir.path().toStdString());
                QVERIFY(!second);
                QCOMPARE(second.status().code(), Status::Code::Unavailable);
                QVERIFY2(second.status().message().find("pid " + std::to_string(p.processId())) !=
                             std::string::npos,
                         second.status().message().c_str());
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(rng.bounded(5, 80)));
            p.kill(); // SIGKILL
            QVERIFY(p.waitForFinished(10000));
            QCOMPARE(p.exitStatus(), QProcess::CrashExit);

            // Replay the child's report.
            std::map<std::string, InFlight> inFlight;
            bool ready = false;
            const QList<QByteArray> lines = p.readAllStandardOutput().split('\n');
            for (int i = 0; i + 1 < lines.size(); ++i) { // the last piece is unterminated
                const QList<QByteArray> f = lines[i].split(' ');
                if (f[0] == "READY") {
                    QVERIFY(f[1].toLongLong() >= lastRevision); // never back
                    ready = true;
                } else if (f[0] == "I") {
                    inFlight[f[1].toStdString()] = {f[2].toStdString(), f[3].toStdString()};
                } else if (f[0] == "F") {
                    inFlight.erase(f[1].toStdString());
                } else if (f[0] == "A") {
                    const std::string key = f[1].toStdString();
                    KeyState &k = model[key];
                    k.live = f[2] != "remove";
                    k.token = f[3].toStdString();
                    k.revision = f[4].toLongLong();
                    lastRevision = std::max(lastRevision, k.revision);
                    inFlight.erase(key);
                    ++totalAcked;
                }
            }
            QVERIFY(ready);

            auto s = openStore(dir.path());
            QVERIFY2(s, "the store must reopen after SIGKILL");
            QVERIFY(s->currentRevision() >= lastRevision);
            lastRevision = s->currentRevision();
            auto all = s->range(prefixRange("/crash/"));
            QVERIFY(all);
            std::map<std::string, KeyValue> actual;
            for (const auto &kv : all->kvs)
                actual[kv.key] = kv;
            std::set<std::string> keys;
            for (const auto &[k, v] : model)
                keys.insert(k);
            for (const auto &[k, v] : actual)
                keys.insert(k);
            for (const std::string &key : keys) {
                const KeyState want = model[key];
                auto a = actual.find(key);
                const bool asAcked =
                    want.live ? (a != actual.end() && a->second.modRevision == want.revision &&
                                 a->second.value == crashValue(want.token))
                              : a == actual.end();
                if (asAcked)
                    continue;
                // Otherwise it must be the whole in-flight write, committed
                // but not acknowledged before the kill.
                auto f = inFlight.find(key);
                QVERIFY2(f != inFlight.end(), ("unexplained state of " + key).c_str());
                if (f->second.op == "remove") {
                    QVERIFY2(a == actual.end(), key.c_str());
                    model[key] = {};
                } else {
                    QVERIFY2(a != actual.end(), key.c_str());
                    QVERIFY2(a->second.value == crashValue(f->second.token),
                             ("half-applied write to " + key).c_str());
                    QVERIFY(a->second.modRevision > want.revision);
                    model[key] = {true, f->second.token, a->second.modRevision};
                }
            }
        }
        qInfo("%d rounds, %d acknowledged writes checked, revision %lld", kRounds, totalAcked,
              qint64(lastRevision));
        QVERIFY(totalAcked > 0);
    }
};

QTEST_GUILESS_MAIN(TestStoreCrash)
#include "tst_storecrash.moc"
