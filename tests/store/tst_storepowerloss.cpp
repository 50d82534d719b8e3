// Power loss: the store runs on PowerLossVfs, which at a seeded moment cuts
// the power (every later write and sync fails) and then leaves each file as
// a power cut would: what was synced, plus a random part of what was not.
// After every cut the reopened store must hold every acknowledged write,
// no half-applied one, and a revision no lower than any acknowledged.

#include "powerlossvfs.h"
#include "storetesting.h"

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

using namespace kubist;
using namespace kubist::store;
using namespace kubist::store::testing;

namespace {

// The value of a key is a function of the key, so a torn or misplaced
// value shows.
std::string valueFor(const std::string &key)
{
    const size_t size = 50 + std::hash<std::string>{}(key) % 3000;
    std::string v;
    while (v.size() < size)
        v += key + ";";
    v.resize(size);
    return v;
}

} // namespace

class TestStorePowerLoss : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { PowerLossVfs::install(); }

    void acknowledgedWritesSurvive_data()
    {
        QTest::addColumn<quint32>("seed");
        QTest::addColumn<int>("keepPercent");
        for (quint32 seed = 1; seed <= 40; ++seed) {
            const int keep = seed % 3 == 0 ? 0 : seed % 3 == 1 ? 50 : 90;
            QTest::newRow(qPrintable(
                QStringLiteral("seed %1, %2% of unsynced writes kept").arg(seed).arg(keep)))
                << seed << keep;
        }
    }

    void acknowledgedWritesSurvive()
    {
        QFETCH(quint32, seed);
        QFETCH(int, keepPercent);
        QRandomGenerator rng(seed);
        QTemporaryDir dir;
        int64_t before = 0;
        {
            // A store with some history, made with the real VFS.
            auto s = openStore(dir.path());
            QVERIFY(s);
            for (int i = 0; i < int(rng.bounded(20)); ++i) {
                const std::string key = "/pre/" + std::to_string(i);
                QVERIFY(s->create(key, valueFor(key)).status.isOk());
            }
            before = s->currentRevision();
        }

        const int64_t cutAfter = 1 + rng.bounded(900);
        PowerLossVfs::arm(cutAfter);
        std::mutex m;
        std::map<std::string, int64_t> acked; // key -> revision
        // Two sessions on the power-loss VFS: the first closes cleanly (its
        // checkpoint and WAL removal may meet the cut), the second runs
        // until the cut.
        for (int session = 0; session < 2 && !PowerLossVfs::hasCut(); ++session) {
            StoreOptions options;
            options.sqliteVfs = PowerLossVfs::kName;
            options.powerSafe = !qEnvironmentVariableIsSet("KUBIST_TEST_POWER_UNSAFE");
            auto opened = Store::open(dir.path().toStdString(), options);
            if (!opened) {
                // Only the cut itself may stop the open (it writes the WAL).
                QVERIFY2(PowerLossVfs::hasCut(), opened.status().toString().c_str());
                break;
            }
            auto s = std::move(opened).value();
            std::vector<std::thread> writers;
            for (int t = 0; t < 4; ++t) {
                writers.emplace_back([&, t] {
                    for (int i = 0; i < (session == 0 ? 30 : 100); ++i) {
                        const std::string key = "/k/" + std::to_string(session) + "/" +
                                                std::to_string(t) + "/" + std::to_string(i);
                        auto r = s->create(key, valueFor(key));
                        if (!r.status.isOk())
                            return; // the power is off
                        std::lock_guard lock(m);
                        acked[key] = r.revision;
                    }
                });
            }
            for (auto &w : writers)
                w.join();
        }
        PowerLossVfs::cut(); // if the run outlived its cut point
        PowerLossVfs::restore(seed, keepPercent);

        auto s = openStore(dir.path());
        QVERIFY2(s, "the store must reopen after a power cut");
        int64_t maxAcked = before;
        for (const auto &[key, revision] : acked)
            maxAcked = std::max(maxAcked, revision);
        QVERIFY(s->currentRevision() >= maxAcked);

        auto all = s->range(prefixRange("/"));
        QVERIFY(all);
        // Only creates: revision r made exactly one key, so the keys' mod
        // revisions are exactly 1..current, each with its whole value.
        QCOMPARE(int64_t(all->kvs.size()), s->currentRevision());
        std::vector<bool> seen(size_t(s->currentRevision() + 1));
        for (const auto &kv : all->kvs) {
            QVERIFY2(kv.value == valueFor(kv.key), kv.key.c_str());
            QVERIFY(kv.modRevision >= 1 && kv.modRevision <= s->currentRevision());
            QVERIFY(!seen[size_t(kv.modRevision)]);
            seen[size_t(kv.modRevision)] = true;
        }
        for (const auto &[key, revision] : acked) {
            auto r = s->range(keyRange(key));
            QVERIFY2(r && r->kvs.size() == 1, key.c_str());
            QCOMPARE(r->kvs[0].modRevision, revision);
        }
        qInfo("cut after %lld operations: %zu acknowledged, revision %lld", qint64(cutAfter),
              acked.size(), qint64(s->currentRevision()));
    }
};

QTEST_GUILESS_MAIN(TestStorePowerLoss)
#include "tst_storepowerloss.moc"
