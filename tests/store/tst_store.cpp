// Store semantics, operation by operation (etcd v3's model): writes and
// their compares, range at current and past revisions with limit and
// continuation, compaction, stop/start, and group commit under concurrent
// writers.

#include "storetesting.h"

#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <set>
#include <thread>

using namespace kubist;
using namespace kubist::store;
using namespace kubist::store::testing;
using Code = Status::Code;

Q_DECLARE_METATYPE(kubist::Status::Code)

namespace {

// The base state of the write and range tables: revision 4, "a" live
// (created at 1, updated at 2), "b" created at 3 and deleted at 4.
void writeBase(Store &s)
{
    QVERIFY(s.create("a", "1").status.isOk());
    QVERIFY(s.update("a", "2", 1).status.isOk());
    QVERIFY(s.create("b", "x").status.isOk());
    QVERIFY(s.remove("b", 3).status.isOk());
    QCOMPARE(s.currentRevision(), 4);
}

QStringList keysOf(const RangeResult &r)
{
    QStringList keys;
    for (const auto &kv : r.kvs)
        keys << QString::fromLatin1(kv.key.data(), qsizetype(kv.key.size()));
    return keys;
}

QStringList valuesOf(const RangeResult &r)
{
    QStringList values;
    for (const auto &kv : r.kvs)
        values << QString::fromStdString(kv.value);
    return values;
}

} // namespace

class TestStore : public QObject
{
    Q_OBJECT

private slots:
    void writes_data()
    {
        QTest::addColumn<QString>("op");
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<qint64>("expected"); // expected mod revision
        QTest::addColumn<Code>("code");
        // The result's kv: value, createRevision, modRevision, version.
        QTest::addColumn<QString>("value");
        QTest::addColumn<qint64>("createRevision");
        QTest::addColumn<qint64>("modRevision");
        QTest::addColumn<qint64>("version");

        QTest::newRow("create an absent key")
            << "create" << QByteArray("c") << 0LL << Code::Ok << "new" << 5LL << 5LL << 1LL;
        QTest::newRow("create an existing key: AlreadyExists with its current value")
            << "create" << QByteArray("a") << 0LL << Code::AlreadyExists << "2" << 1LL << 2LL
            << 2LL;
        QTest::newRow("create a deleted key starts a new life")
            << "create" << QByteArray("b") << 0LL << Code::Ok << "new" << 5LL << 5LL << 1LL;
        QTest::newRow("update with the matching mod revision")
            << "update" << QByteArray("a") << 2LL << Code::Ok << "new" << 1LL << 5LL << 3LL;
        QTest::newRow("update unconditionally")
            << "update" << QByteArray("a") << 0LL << Code::Ok << "new" << 1LL << 5LL << 3LL;
        QTest::newRow("update with a stale mod revision: Conflict with the current value")
            << "update" << QByteArray("a") << 1LL << Code::Conflict << "2" << 1LL << 2LL << 2LL;
        QTest::newRow("update an absent key: NotFound")
            << "update" << QByteArray("c") << 0LL << Code::NotFound << "" << 0LL << 0LL << 0LL;
        QTest::newRow("update a deleted key: NotFound")
            << "update" << QByteArray("b") << 3LL << Code::NotFound << "" << 0LL << 0LL << 0LL;
        QTest::newRow("put creates an absent key")
            << "put" << QByteArray("c") << 0LL << Code::Ok << "new" << 5LL << 5LL << 1LL;
        QTest::newRow("put overwrites an existing key")
            << "put" << QByteArray("a") << 0LL << Code::Ok << "new" << 1LL << 5LL << 3LL;
        QTest::newRow("put over a deleted key creates it again")
            << "put" << QByteArray("b") << 0LL << Code::Ok << "new" << 5LL << 5LL << 1LL;
        QTest::newRow("remove with the matching mod revision returns the old value")
            << "remove" << QByteArray("a") << 2LL << Code::Ok << "2" << 1LL << 2LL << 2LL;
        QTest::newRow("remove unconditionally")
            << "remove" << QByteArray("a") << 0LL << Code::Ok << "2" << 1LL << 2LL << 2LL;
        QTest::newRow("remove with a stale mod revision: Conflict with the current value")
            << "remove" << QByteArray("a") << 1LL << Code::Conflict << "2" << 1LL << 2LL << 2LL;
        QTest::newRow("remove an absent key: NotFound")
            << "remove" << QByteArray("c") << 0LL << Code::NotFound << "" << 0LL << 0LL << 0LL;
        QTest::newRow("remove a deleted key: NotFound")
            << "remove" << QByteArray("b") << 0LL << Code::NotFound << "" << 0LL << 0LL << 0LL;
        QTest::newRow("empty key: InvalidArgument")
            << "put" << QByteArray() << 0LL << Code::InvalidArgument << "" << 0LL << 0LL << 0LL;
        QTest::newRow("key over 64 KiB: ResourceExhausted")
            << "put" << QByteArray(64 * 1024 + 1, 'k') << 0LL << Code::ResourceExhausted << ""
            << 0LL << 0LL << 0LL;
        QTest::newRow("binary key with NUL and 0xff bytes")
            << "create" << QByteArray("k\0\xff", 3) << 0LL << Code::Ok << "new" << 5LL << 5LL
            << 1LL;
    }

    void writes()
    {
        QFETCH(QString, op);
        QFETCH(QByteArray, key);
        QFETCH(qint64, expected);
        QFETCH(Code, code);
        QFETCH(QString, value);
        QFETCH(qint64, createRevision);
        QFETCH(qint64, modRevision);
        QFETCH(qint64, version);

        QTemporaryDir dir;
        auto s = openStore(dir.path());
        QVERIFY(s);
        writeBase(*s);

        const std::string k = key.toStdString();
        WriteResult r;
        if (op == "create")
            r = s->create(k, "new");
        else if (op == "update")
            r = s->update(k, "new", expected);
        else if (op == "put")
            r = s->put(k, "new");
        else
            r = s->remove(k, expected);

        QCOMPARE(r.status.code(), code);
        const bool ok = code == Code::Ok;
        QCOMPARE(r.revision,
                 ok ? 5
                    : (code == Code::InvalidArgument || code == Code::ResourceExhausted ? 0 : 4));
        QCOMPARE(s->currentRevision(), ok ? 5 : 4);
        QCOMPARE(QString::fromStdString(r.kv.value), value);
        QCOMPARE(r.kv.createRevision, createRevision);
        QCOMPARE(r.kv.modRevision, modRevision);
        QCOMPARE(r.kv.version, version);
        if (modRevision != 0)
            QCOMPARE(r.kv.key, k);

        // A range sees what the write said.
        if (!k.empty() && k.size() <= 64 * 1024) {
            auto read = s->range(keyRange(k));
            QVERIFY(read);
            QCOMPARE(read->revision, s->currentRevision());
            if (ok && op == "remove") {
                QCOMPARE(read->kvs.size(), size_t(0));
            } else if (ok) {
                QCOMPARE(read->kvs.size(), size_t(1));
                QCOMPARE(read->kvs[0].value, std::string("new"));
                QCOMPARE(read->kvs[0].modRevision, 5);
                QCOMPARE(read->kvs[0].version, version);
            }
        }
    }

    void range_data()
    {
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<bool>("prefix");
        QTest::addColumn<qint64>("revision");
        QTest::addColumn<qint64>("limit");
        QTest::addColumn<QByteArray>("after");
        QTest::addColumn<bool>("countOnly");
        QTest::addColumn<Code>("code");
        QTest::addColumn<QStringList>("keys");
        QTest::addColumn<QStringList>("values");
        QTest::addColumn<bool>("more");
        QTest::addColumn<qint64>("count");

        const QByteArray none;
        QTest::newRow("one key at the current revision")
            << QByteArray("/r/a") << false << 0LL << 0LL << none << false << Code::Ok
            << QStringList{"/r/a"} << QStringList{"a3"} << false << 1LL;
        QTest::newRow("an absent key")
            << QByteArray("/r/zz") << false << 0LL << 0LL << none << false << Code::Ok
            << QStringList{} << QStringList{} << false << 0LL;
        QTest::newRow("a deleted key is absent")
            << QByteArray("/r/d") << false << 0LL << 0LL << none << false << Code::Ok
            << QStringList{} << QStringList{} << false << 0LL;
        QTest::newRow("a deleted key at a revision where it lived")
            << QByteArray("/r/d") << false << 7LL << 0LL << none << false << Code::Ok
            << QStringList{"/r/d"} << QStringList{"d1"} << false << 1LL;
        QTest::newRow("a prefix, in key order")
            << QByteArray("/r/") << true << 0LL << 0LL << none << false << Code::Ok
            << QStringList{"/r/a", "/r/b", "/r/c", "/r/c/x"} << QStringList{"a3", "b1", "c1", "cx"}
            << false << 4LL;
        QTest::newRow("a limit sets more")
            << QByteArray("/r/") << true << 0LL << 2LL << none << false << Code::Ok
            << QStringList{"/r/a", "/r/b"} << QStringList{"a3", "b1"} << true << 4LL;
        QTest::newRow("continuation after a key")
            << QByteArray("/r/") << true << 0LL << 2LL << QByteArray("/r/b") << false << Code::Ok
            << QStringList{"/r/c", "/r/c/x"} << QStringList{"c1", "cx"} << false << 4LL;
        QTest::newRow("continuation past the end")
            << QByteArray("/r/") << true << 0LL << 2LL << QByteArray("/r/z") << false << Code::Ok
            << QStringList{} << QStringList{} << false << 4LL;
        QTest::newRow("count only") << QByteArray("/r/") << true << 0LL << 0LL << none << true
                                    << Code::Ok << QStringList{} << QStringList{} << false << 4LL;
        QTest::newRow("a prefix at a past revision reads the old values")
            << QByteArray("/r/") << true << 3LL << 0LL << none << false << Code::Ok
            << QStringList{"/r/a", "/r/b"} << QStringList{"a2", "b1"} << false << 2LL;
        QTest::newRow("a past revision with limit and continuation")
            << QByteArray("/r/") << true << 7LL << 2LL << QByteArray("/r/a") << false << Code::Ok
            << QStringList{"/r/b", "/r/c"} << QStringList{"b1", "c1"} << true << 5LL;
        QTest::newRow("the first revision")
            << QByteArray("/r/") << true << 1LL << 0LL << none << false << Code::Ok
            << QStringList{"/r/a"} << QStringList{"a1"} << false << 1LL;
        QTest::newRow("a prefix ending in 0xff")
            << QByteArray("/q\xff") << true << 0LL << 0LL << none << false << Code::Ok
            << QStringList{QString::fromLatin1("/q\xff\xff")} << QStringList{"q"} << false << 1LL;
        QTest::newRow("the empty prefix ranges over every key")
            << QByteArray() << true << 0LL << 0LL << none << true << Code::Ok << QStringList{}
            << QStringList{} << false << 6LL;
        QTest::newRow("a future revision: InvalidArgument")
            << QByteArray("/r/") << true << 100LL << 0LL << none << false << Code::InvalidArgument
            << QStringList{} << QStringList{} << false << 0LL;
        QTest::newRow("an empty key without prefix: InvalidArgument")
            << QByteArray() << false << 0LL << 0LL << none << false << Code::InvalidArgument
            << QStringList{} << QStringList{} << false << 0LL;
        QTest::newRow("a negative limit: InvalidArgument")
            << QByteArray("/r/") << true << 0LL << -1LL << none << false << Code::InvalidArgument
            << QStringList{} << QStringList{} << false << 0LL;
    }

    void range()
    {
        QFETCH(QByteArray, key);
        QFETCH(bool, prefix);
        QFETCH(qint64, revision);
        QFETCH(qint64, limit);
        QFETCH(QByteArray, after);
        QFETCH(bool, countOnly);
        QFETCH(Code, code);
        QFETCH(QStringList, keys);
        QFETCH(QStringList, values);
        QFETCH(bool, more);
        QFETCH(qint64, count);

        QTemporaryDir dir;
        auto s = openStore(dir.path());
        QVERIFY(s);
        QVERIFY(s->put("/r/a", "a1").status.isOk());      // 1
        QVERIFY(s->put("/r/b", "b1").status.isOk());      // 2
        QVERIFY(s->put("/r/a", "a2").status.isOk());      // 3
        QVERIFY(s->put("/r/c", "c1").status.isOk());      // 4
        QVERIFY(s->put("/r/c/x", "cx").status.isOk());    // 5
        QVERIFY(s->put("/s/a", "s1").status.isOk());      // 6
        QVERIFY(s->put("/r/d", "d1").status.isOk());      // 7
        QVERIFY(s->remove("/r/d", 0).status.isOk());      // 8
        QVERIFY(s->put("/r/a", "a3").status.isOk());      // 9
        QVERIFY(s->put("/q\xff\xff", "q").status.isOk()); // 10

        RangeRequest request;
        request.key = key.toStdString();
        request.prefix = prefix;
        request.revision = revision;
        request.limit = limit;
        request.after = after.toStdString();
        request.countOnly = countOnly;
        auto r = s->range(request);
        QCOMPARE(r.status().code(), code);
        if (code != Code::Ok)
            return;
        QCOMPARE(r->revision, revision ? revision : 10);
        QCOMPARE(keysOf(*r), keys);
        QCOMPARE(valuesOf(*r), values);
        QCOMPARE(r->more, more);
        QCOMPARE(r->count, count);
    }

    void compaction_data()
    {
        QTest::addColumn<qint64>("compactTo");
        QTest::addColumn<Code>("compactCode");
        QTest::addColumn<qint64>("readAt");
        QTest::addColumn<Code>("readCode");
        QTest::addColumn<QStringList>("values"); // of the prefix /k/ at readAt

        // History: 1 /k/a=a1, 2 /k/b=b1, 3 /k/a=a2, 4 delete /k/b,
        // 5 /k/c=c1, 6 /k/a=a3.
        QTest::newRow("reads below the compacted revision fail")
            << 3LL << Code::Ok << 2LL << Code::Compacted << QStringList{};
        QTest::newRow("a read at the compacted revision works")
            << 3LL << Code::Ok << 3LL << Code::Ok << QStringList{"a2", "b1"};
        QTest::newRow("a read above it still sees the old values")
            << 3LL << Code::Ok << 5LL << Code::Ok << QStringList{"a2", "c1"};
        QTest::newRow("compacting past a delete forgets the key")
            << 5LL << Code::Ok << 5LL << Code::Ok << QStringList{"a2", "c1"};
        QTest::newRow("compacting to the current revision keeps the current state")
            << 6LL << Code::Ok << 6LL << Code::Ok << QStringList{"a3", "c1"};
        QTest::newRow("compacting to a future revision: InvalidArgument")
            << 7LL << Code::InvalidArgument << 1LL << Code::Ok << QStringList{"a1"};
        QTest::newRow("compacting to revision 0: Compacted")
            << 0LL << Code::Compacted << 1LL << Code::Ok << QStringList{"a1"};
    }

    void compaction()
    {
        QFETCH(qint64, compactTo);
        QFETCH(Code, compactCode);
        QFETCH(qint64, readAt);
        QFETCH(Code, readCode);
        QFETCH(QStringList, values);

        QTemporaryDir dir;
        auto s = openStore(dir.path());
        QVERIFY(s);
        QVERIFY(s->put("/k/a", "a1").status.isOk());
        QVERIFY(s->put("/k/b", "b1").status.isOk());
        QVERIFY(s->put("/k/a", "a2").status.isOk());
        QVERIFY(s->remove("/k/b", 0).status.isOk());
        QVERIFY(s->put("/k/c", "c1").status.isOk());
        QVERIFY(s->put("/k/a", "a3").status.isOk());

        QCOMPARE(s->compact(compactTo).code(), compactCode);
        QCOMPARE(s->compactedRevision(), compactCode == Code::Ok ? compactTo : 0);
        if (compactCode == Code::Ok) {
            const Status again = s->compact(compactTo);
            QCOMPARE(again.code(), Code::Compacted);
        }
        auto r = s->range(prefixRange("/k/", readAt));
        QCOMPARE(r.status().code(), readCode);
        if (readCode == Code::Compacted) {
            QVERIFY2(r.status().message().find("compacted revision " + std::to_string(compactTo)) !=
                         std::string::npos,
                     r.status().message().c_str());
            return;
        }
        QCOMPARE(valuesOf(*r), values);
        QCOMPARE(r->revision, readAt);
        // The current state never changes by compaction.
        auto now = s->range(prefixRange("/k/"));
        QVERIFY(now);
        QCOMPARE(valuesOf(*now), (QStringList{"a3", "c1"}));
    }

    void periodicCompactionUsesThePreviousTicksRevision()
    {
        QTemporaryDir dir;
        StoreOptions options;
        options.compactionIntervalMs = 30;
        auto s = openStore(dir.path(), options);
        QVERIFY(s);
        for (int i = 0; i < 5; ++i)
            QVERIFY(s->put("/p/" + std::to_string(i), "v").status.isOk());
        QTRY_COMPARE_WITH_TIMEOUT(s->compactedRevision(), 5, 5000);
        QVERIFY(s->put("/p/x", "v").status.isOk());
        QTRY_COMPARE_WITH_TIMEOUT(s->compactedRevision(), 6, 5000);
        QCOMPARE(s->currentRevision(), 6);
    }

    void stoppedStoreIsUnavailableAndLosesNothing()
    {
        QTemporaryDir dir;
        auto s = openStore(dir.path());
        QVERIFY(s);
        QVERIFY(s->put("/a", "1").status.isOk());
        QVERIFY(s->isRunning());
        s->stop();
        QVERIFY(!s->isRunning());
        QCOMPARE(s->put("/b", "1").status.code(), Code::Unavailable);
        QCOMPARE(s->create("/b", "1").status.code(), Code::Unavailable);
        QCOMPARE(s->update("/a", "2", 0).status.code(), Code::Unavailable);
        QCOMPARE(s->remove("/a", 0).status.code(), Code::Unavailable);
        QCOMPARE(s->range(keyRange("/a")).status().code(), Code::Unavailable);
        QCOMPARE(s->compact(1).code(), Code::Unavailable);
        QCOMPARE(s->currentRevision(), 1);

        s->start();
        QVERIFY(s->isRunning());
        auto r = s->range(keyRange("/a"));
        QVERIFY(r);
        QCOMPARE(r->kvs.at(0).value, std::string("1"));
        QCOMPARE(s->put("/b", "1").revision, 2);
    }

    void concurrentWritersGetConsecutiveRevisions()
    {
        QTemporaryDir dir;
        auto s = openStore(dir.path());
        QVERIFY(s);
        constexpr int kThreads = 16;
        constexpr int kWrites = 100;
        std::vector<std::vector<int64_t>> revisions(kThreads);
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                for (int i = 0; i < kWrites; ++i) {
                    auto r = s->put("/c/" + std::to_string(t) + "/" + std::to_string(i),
                                    std::to_string(i));
                    revisions[t].push_back(r.status.isOk() ? r.revision : -1);
                }
            });
        }
        for (auto &t : threads)
            t.join();
        std::set<int64_t> all;
        for (const auto &v : revisions) {
            QVERIFY(std::is_sorted(v.begin(), v.end())); // one writer's writes stay in order
            all.insert(v.begin(), v.end());
        }
        QCOMPARE(all.size(), size_t(kThreads * kWrites));
        QCOMPARE(*all.begin(), 1);
        QCOMPARE(*all.rbegin(), kThreads * kWrites);
        QCOMPARE(s->currentRevision(), kThreads * kWrites);
        auto r = s->range([] {
            RangeRequest request = prefixRange("/c/");
            request.countOnly = true;
            return request;
        }());
        QVERIFY(r);
        QCOMPARE(r->count, kThreads * kWrites);
    }

    void compareAndSwapUnderContentionLosesNoIncrement()
    {
        QTemporaryDir dir;
        auto s = openStore(dir.path());
        QVERIFY(s);
        QVERIFY(s->create("/counter", "0").status.isOk());
        constexpr int kThreads = 8;
        constexpr int kIncrements = 50;
        std::atomic<int> conflicts{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&] {
                for (int i = 0; i < kIncrements; ++i) {
                    auto current = s->range(keyRange("/counter")).value().kvs.at(0);
                    for (;;) {
                        const int next = std::stoi(current.value) + 1;
                        auto r = s->update("/counter", std::to_string(next), current.modRevision);
                        if (r.status.isOk())
                            break;
                        ++conflicts;
                        current = r.kv; // the failed compare hands back the current value
                    }
                }
            });
        }
        for (auto &t : threads)
            t.join();
        auto r = s->range(keyRange("/counter"));
        QCOMPARE(r->kvs.at(0).value, std::to_string(kThreads * kIncrements));
        QCOMPARE(r->kvs.at(0).version, kThreads * kIncrements + 1);
        QCOMPARE(s->currentRevision(), kThreads * kIncrements + 1);
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
