// Watches: where they start, what they deliver, how they end (compacted,
// too slow, store stopped, cancelled from anywhere), and etcd's guarantees
// (ordered, unique, gap-free, atomic, resumable, honest progress) checked by
// a validator over the recorded history under concurrent writers and
// compaction.

#include "storetesting.h"
#include "watchvalidator.h"

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <semaphore>
#include <thread>

using namespace kubist;
using namespace kubist::store;
using namespace kubist::store::testing;
using namespace std::chrono_literals;
using Code = Status::Code;

Q_DECLARE_METATYPE(kubist::Status::Code)

namespace {

// Collects a watch's responses, thread-safely.
class Recorder
{
public:
    WatchCallback callback()
    {
        return [this](WatchResponse r) {
            std::lock_guard lock(m_mutex);
            m_responses.push_back(std::move(r));
        };
    }
    std::vector<WatchResponse> responses() const
    {
        std::lock_guard lock(m_mutex);
        return m_responses;
    }
    std::vector<int64_t> eventRevisions() const
    {
        std::vector<int64_t> out;
        for (const auto &r : responses()) {
            for (const auto &e : r.events)
                out.push_back(e.kv.modRevision);
        }
        return out;
    }
    std::optional<WatchResponse> canceled() const
    {
        for (const auto &r : responses()) {
            if (!r.canceled.isOk())
                return r;
        }
        return std::nullopt;
    }
    size_t size() const
    {
        std::lock_guard lock(m_mutex);
        return m_responses.size();
    }

private:
    mutable std::mutex m_mutex;
    std::vector<WatchResponse> m_responses;
};

WatchRequest watchRequest(std::string key, bool prefix, int64_t start, int64_t progressMs = 0)
{
    WatchRequest w;
    w.key = std::move(key);
    w.prefix = prefix;
    w.startRevision = start;
    w.progressNotifyIntervalMs = progressMs;
    return w;
}

// Writes through `store`, recording each success into `history`.
struct RecordingWriter
{
    Store &store;
    WriteHistory &history;
    bool put(const std::string &key, const std::string &value)
    {
        auto r = store.put(key, value);
        if (r.status.isOk())
            history.record(r, false, key);
        return r.status.isOk();
    }
    bool remove(const std::string &key)
    {
        auto r = store.remove(key, 0);
        if (r.status.isOk())
            history.record(r, true, key);
        return r.status.isOk();
    }
};

} // namespace

class TestStoreWatch : public QObject
{
    Q_OBJECT

private slots:
    void starts_data()
    {
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<bool>("prefix");
        QTest::addColumn<qint64>("start");
        QTest::addColumn<qint64>("compactTo");
        QTest::addColumn<QList<qint64>>("revisions");
        QTest::addColumn<Code>("canceled");

        // History: 1 put /w/a, 2 put /w/b, 3 put /w/a, 4 delete /w/b,
        // 5 put /x/a, 6 put /w/c; after the watch starts: 7 put /w/a,
        // 8 delete /w/a, 9 put /w/d.
        using L = QList<qint64>;
        QTest::newRow("a prefix from revision 1 replays everything, then follows")
            << QByteArray("/w/") << true << 1LL << 0LL << L{1, 2, 3, 4, 6, 7, 8, 9} << Code::Ok;
        QTest::newRow("a prefix from the middle of the history")
            << QByteArray("/w/") << true << 3LL << 0LL << L{3, 4, 6, 7, 8, 9} << Code::Ok;
        QTest::newRow("one key from revision 1")
            << QByteArray("/w/a") << false << 1LL << 0LL << L{1, 3, 7, 8} << Code::Ok;
        QTest::newRow("start 0 sees only writes made after the watch")
            << QByteArray("/w/") << true << 0LL << 0LL << L{7, 8, 9} << Code::Ok;
        QTest::newRow("a start at the next revision")
            << QByteArray("/w/") << true << 7LL << 0LL << L{7, 8, 9} << Code::Ok;
        QTest::newRow("a future start waits for its revision")
            << QByteArray("/w/") << true << 9LL << 0LL << L{9} << Code::Ok;
        QTest::newRow("the empty prefix watches every key")
            << QByteArray() << true << 5LL << 0LL << L{5, 6, 7, 8, 9} << Code::Ok;
        QTest::newRow("a start above the compacted revision still replays")
            << QByteArray("/w/") << true << 3LL << 2LL << L{3, 4, 6, 7, 8, 9} << Code::Ok;
        QTest::newRow("a start at the compacted revision: Compacted")
            << QByteArray("/w/") << true << 2LL << 2LL << L{} << Code::Compacted;
        QTest::newRow("a start below the compacted revision: Compacted")
            << QByteArray("/w/") << true << 1LL << 4LL << L{} << Code::Compacted;
        QTest::newRow("an empty key without prefix: InvalidArgument")
            << QByteArray() << false << 0LL << 0LL << L{} << Code::InvalidArgument;
    }

    void starts()
    {
        QFETCH(QByteArray, key);
        QFETCH(bool, prefix);
        QFETCH(qint64, start);
        QFETCH(qint64, compactTo);
        QFETCH(QList<qint64>, revisions);
        QFETCH(Code, canceled);

        QTemporaryDir dir;
        auto s = openStore(dir.path());
        QVERIFY(s);
        WriteHistory history;
        RecordingWriter w{*s, history};
        QVERIFY(w.put("/w/a", "a1"));
        QVERIFY(w.put("/w/b", "b1"));
        QVERIFY(w.put("/w/a", "a2"));
        QVERIFY(w.remove("/w/b"));
        QVERIFY(w.put("/x/a", "x1"));
        QVERIFY(w.put("/w/c", "c1"));
        if (compactTo)
            QVERIFY(s->compact(compactTo).isOk());

        const WatchRequest request = watchRequest(key.toStdString(), prefix, start);
        Recorder recorder;
        auto watch = s->watch(request, recorder.callback());
        QVERIFY(w.put("/w/a", "a3"));
        QVERIFY(w.remove("/w/a"));
        QVERIFY(w.put("/w/d", "d1"));
        QCOMPARE(history.finish(), QString());

        if (canceled != Code::Ok) {
            QTRY_VERIFY(recorder.canceled().has_value());
            const WatchResponse last = *recorder.canceled();
            QCOMPARE(last.canceled.code(), canceled);
            QCOMPARE(last.compactRevision, canceled == Code::Compacted ? compactTo : 0);
            QCOMPARE(recorder.size(), size_t(1));
            return;
        }
        QTRY_COMPARE(recorder.eventRevisions().size(), size_t(revisions.size()));
        const std::vector<int64_t> got = recorder.eventRevisions();
        QCOMPARE(QList<qint64>(got.begin(), got.end()), revisions);
        Coverage coverage;
        QCOMPARE(
            validateWatch(request, start ? start : 7, recorder.responses(), history, &coverage),
            QString());
        QVERIFY(!coverage.canceled);
    }

    void progressNotificationsReportTheRevisionReached()
    {
        QTemporaryDir dir;
        auto s = openStore(dir.path());
        QVERIFY(s);
        Recorder recorder;
        auto watch = s->watch(watchRequest("/quiet/", true, 0, 20), recorder.callback());
        QVERIFY(s->put("/busy/a", "1").status.isOk());
        QVERIFY(s->put("/busy/b", "1").status.isOk());
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const auto rs = recorder.responses();
                return !rs.empty() && rs.back().progressNotify && rs.back().revision == 2;
            }(),
            5000);
        for (const auto &r : recorder.responses()) {
            QVERIFY(r.progressNotify);
            QVERIFY(r.events.empty());
        }
    }

    void slowWatcherIsCancelledNeverSkipped()
    {
        QTemporaryDir dir;
        StoreOptions options;
        options.maxWatchBacklog = 3;
        auto s = openStore(dir.path(), options);
        QVERIFY(s);
        WriteHistory history;
        RecordingWriter w{*s, history};
        std::binary_semaphore release{0};
        std::atomic<bool> first{true};
        Recorder recorder;
        const WatchRequest request = watchRequest("/s/", true, 1);
        auto watch = s->watch(request, [&, cb = recorder.callback()](WatchResponse r) {
            cb(std::move(r));
            if (first.exchange(false))
                release.acquire(); // stall on the first response
        });
        for (int i = 0; i < 10; ++i)
            QVERIFY(w.put("/s/" + std::to_string(i), "v"));
        release.release();
        QTRY_VERIFY(recorder.canceled().has_value());
        QCOMPARE(recorder.canceled()->canceled.code(), Code::ResourceExhausted);
        QCOMPARE(history.finish(), QString());
        Coverage coverage;
        QCOMPARE(validateWatch(request, 1, recorder.responses(), history, &coverage), QString());
        QVERIFY(coverage.covered < 10);

        // Resuming from the last revision delivered + 1 misses nothing.
        Recorder resumed;
        const WatchRequest again = watchRequest("/s/", true, coverage.covered + 1);
        auto watch2 = s->watch(again, resumed.callback());
        QTRY_COMPARE(resumed.eventRevisions().size(), size_t(10 - coverage.covered));
        Coverage c2;
        QCOMPARE(validateWatch(again, coverage.covered + 1, resumed.responses(), history, &c2),
                 QString());
        QCOMPARE(c2.covered, 10);
    }

    void cancelFromInsideTheCallbackStopsDelivery()
    {
        QTemporaryDir dir;
        auto s = openStore(dir.path());
        QVERIFY(s);
        std::atomic<int> calls{0};
        std::mutex m;
        std::unique_ptr<Watch> watch;
        std::lock_guard hold(m); // the callback waits until `watch` is set
        watch = s->watch(watchRequest("/c/", true, 0), [&](WatchResponse) {
            std::lock_guard lock(m);
            ++calls;
            watch.reset(); // destroys the handle from inside its own callback
        });
        m.unlock();
        QVERIFY(s->put("/c/a", "1").status.isOk());
        QTRY_COMPARE(calls.load(), 1);
        QVERIFY(s->put("/c/b", "1").status.isOk());
        QVERIFY(s->put("/c/c", "1").status.isOk());
        QTest::qWait(50);
        QCOMPARE(calls.load(), 1);
        m.lock(); // for the guard
    }

    void cancelWaitsForARunningCallback()
    {
        QTemporaryDir dir;
        auto s = openStore(dir.path());
        QVERIFY(s);
        std::atomic<bool> inside{false};
        std::atomic<int> calls{0};
        auto watch = s->watch(watchRequest("/c/", true, 0), [&](WatchResponse) {
            inside = true;
            ++calls;
            std::this_thread::sleep_for(200ms);
            inside = false;
        });
        QVERIFY(s->put("/c/a", "1").status.isOk());
        QTRY_VERIFY(inside.load());
        watch->cancel();
        QVERIFY(!inside.load()); // cancel() returned only after the callback did
        QVERIFY(s->put("/c/b", "1").status.isOk());
        QTest::qWait(50);
        QCOMPARE(calls.load(), 1);
    }

    void callbackMayWriteToTheStore()
    {
        QTemporaryDir dir;
        auto s = openStore(dir.path());
        QVERIFY(s);
        Recorder recorder;
        auto watch = s->watch(watchRequest("/echo/", true, 0), [&](WatchResponse r) {
            for (const auto &e : r.events) {
                if (e.kv.key == "/echo/ping")
                    s->put("/echo/pong", "1");
            }
            recorder.callback()(std::move(r));
        });
        QVERIFY(s->put("/echo/ping", "1").status.isOk());
        QTRY_COMPARE(recorder.eventRevisions(), (std::vector<int64_t>{1, 2}));
    }

    void stoppedStoreEndsWatchesWithUnavailable()
    {
        QTemporaryDir dir;
        auto s = openStore(dir.path());
        QVERIFY(s);
        Recorder before;
        auto w1 = s->watch(watchRequest("/a", false, 0), before.callback());
        s->stop();
        QTRY_VERIFY(before.canceled().has_value());
        QCOMPARE(before.canceled()->canceled.code(), Code::Unavailable);
        Recorder during;
        auto w2 = s->watch(watchRequest("/a", false, 0), during.callback());
        QTRY_VERIFY(during.canceled().has_value());
        QCOMPARE(during.canceled()->canceled.code(), Code::Unavailable);
        s->start();
        Recorder after;
        auto w3 = s->watch(watchRequest("/a", false, 1), after.callback());
        QVERIFY(s->put("/a", "1").status.isOk());
        QTRY_COMPARE(after.eventRevisions(), std::vector<int64_t>{1});
        QCOMPARE(before.size(), size_t(1));
        QCOMPARE(during.size(), size_t(1));
    }

    void handleMayOutliveTheStore()
    {
        QTemporaryDir dir;
        auto s = openStore(dir.path());
        QVERIFY(s);
        Recorder recorder;
        auto watch = s->watch(watchRequest("/a", false, 0), recorder.callback());
        s.reset();
        watch->cancel();
        watch.reset();
        QCOMPARE(recorder.size(), size_t(0));
    }

    void catchUpAfterReopenComesFromDisk()
    {
        QTemporaryDir dir;
        WriteHistory history;
        {
            auto s = openStore(dir.path());
            QVERIFY(s);
            RecordingWriter w{*s, history};
            for (int i = 0; i < 20; ++i)
                QVERIFY(i % 5 == 4 ? w.remove("/r/" + std::to_string(i - 1))
                                   : w.put("/r/" + std::to_string(i), "v" + std::to_string(i)));
        }
        QCOMPARE(history.finish(), QString());
        auto s = openStore(dir.path());
        QVERIFY(s);
        Recorder recorder;
        const WatchRequest request = watchRequest("/r/", true, 1);
        auto watch = s->watch(request, recorder.callback());
        QTRY_COMPARE(recorder.eventRevisions().size(), size_t(20));
        Coverage coverage;
        QCOMPARE(validateWatch(request, 1, recorder.responses(), history, &coverage), QString());
    }

    // The main event: writers, a compactor and resuming watchers at once,
    // then every watch checked against the history.
    void guaranteesHoldUnderConcurrentWritersAndCompaction_data()
    {
        QTest::addColumn<quint32>("seed");
        QTest::newRow("seed 1") << 1u;
        QTest::newRow("seed 2") << 2u;
        QTest::newRow("seed 3") << 3u;
    }

    void guaranteesHoldUnderConcurrentWritersAndCompaction()
    {
        QFETCH(quint32, seed);
        QTemporaryDir dir;
        auto s = openStore(dir.path());
        QVERIFY(s);
        WriteHistory history;

        struct Segment
        {
            WatchRequest request;
            int64_t start = 0;
            std::shared_ptr<Recorder> recorder;
            std::unique_ptr<Watch> watch;
            size_t cancelAfter = 0; // responses
        };
        struct Chain
        {
            WatchRequest base;
            std::vector<Segment> segments;
            int delayMs = 0; // a slow consumer falls behind the compactor
        };
        QRandomGenerator rng(seed);
        std::vector<Chain> chains;
        for (const auto &[key, prefix] : std::vector<std::pair<std::string, bool>>{
                 {"/w/", true}, {"/w/", true}, {"/w/3", false}, {"", true}, {"/w/1", false}}) {
            chains.push_back({watchRequest(key, prefix, 0, 5), {}, 0});
        }
        chains.push_back({watchRequest("/w/", true, 0, 5), {}, 3});
        const auto startSegment = [&](Chain &c, int64_t start) {
            Segment seg;
            seg.request = c.base;
            seg.request.startRevision = start;
            seg.start = start;
            seg.recorder = std::make_shared<Recorder>();
            seg.cancelAfter = 3 + rng.bounded(30);
            if (c.delayMs) {
                seg.watch = s->watch(seg.request, [cb = seg.recorder->callback(),
                                                   delay = c.delayMs](WatchResponse r) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
                    cb(std::move(r));
                });
            } else {
                seg.watch = s->watch(seg.request, seg.recorder->callback());
            }
            c.segments.push_back(std::move(seg));
        };
        for (auto &c : chains)
            startSegment(c, 1);

        constexpr int kWriters = 6;
        constexpr int kWritesEach = 250;
        std::atomic<int> writersLeft{kWriters};
        std::vector<std::thread> threads;
        for (int t = 0; t < kWriters; ++t) {
            threads.emplace_back([&, t] {
                QRandomGenerator r(seed * 100 + t);
                std::map<std::string, int64_t> known;
                for (int i = 0; i < kWritesEach; ++i) {
                    const std::string key =
                        (r.bounded(10) == 0 ? "/x/" : "/w/") + std::to_string(r.bounded(8));
                    const std::string value = std::to_string(t) + "." + std::to_string(i);
                    const int op = int(r.bounded(10));
                    WriteResult res;
                    bool deleted = false;
                    if (op < 5) {
                        res = s->put(key, value);
                    } else if (op < 7) {
                        res = s->update(key, value, known[key]);
                    } else if (op < 8) {
                        res = s->create(key, value);
                    } else {
                        res = s->remove(key, r.bounded(2) ? known[key] : 0);
                        deleted = true;
                    }
                    if (res.status.isOk()) {
                        history.record(res, deleted, key);
                        known[key] = deleted ? 0 : res.revision;
                    } else {
                        known[key] = res.kv.modRevision;
                    }
                }
                --writersLeft;
            });
        }
        threads.emplace_back([&] {
            QRandomGenerator r(seed * 1000);
            while (writersLeft > 0) {
                std::this_thread::sleep_for(std::chrono::milliseconds(1 + r.bounded(10)));
                const int64_t target = s->currentRevision() - int64_t(r.bounded(20));
                if (target > s->compactedRevision())
                    s->compact(target);
            }
        });

        // Supervise: end segments after a few responses and resume them.
        int resumes = 0, compactedEnds = 0;
        const auto resume = [&](Chain &c) {
            Segment &seg = c.segments.back();
            seg.watch->cancel(); // no callback after this returns
            // Validation proper happens at the end; here only the coverage.
            int64_t covered = seg.start - 1;
            std::optional<WatchResponse> canceled;
            for (const auto &r : seg.recorder->responses()) {
                if (!r.canceled.isOk())
                    canceled = r;
                for (const auto &e : r.events)
                    covered = e.kv.modRevision;
                if (r.progressNotify)
                    covered = std::max(covered, r.revision);
            }
            if (canceled && canceled->canceled.code() == Code::Compacted) {
                ++compactedEnds;
                startSegment(c, canceled->compactRevision + 1); // a relist would go here
            } else {
                startSegment(c, covered + 1);
            }
            ++resumes;
        };
        while (writersLeft > 0) {
            for (auto &c : chains) {
                const Segment &seg = c.segments.back();
                if (seg.recorder->size() >= seg.cancelAfter || seg.recorder->canceled())
                    resume(c);
            }
            std::this_thread::sleep_for(2ms);
        }
        for (auto &t : threads)
            t.join();
        QCOMPARE(history.finish(), QString());
        const int64_t last = s->currentRevision();
        QCOMPARE(history.lastRevision(), last);

        // Let every chain's last segment reach the end, then validate all.
        for (auto &c : chains) {
            // Wait (bounded: a loaded 2-core machine can starve delivery for
            // many seconds) for the chain to reach the end, then say why not.
            // A segment may still end while we wait (its catch-up lost to the
            // compactor): the chain then resumes, as a client would.
            QString why;
            int64_t covered = 0;
            for (int i = 0; i < 6000; ++i) {
                if (c.segments.back().recorder->canceled())
                    resume(c);
                Segment &seg = c.segments.back();
                Coverage cov;
                why =
                    validateWatch(seg.request, seg.start, seg.recorder->responses(), history, &cov);
                covered = cov.covered;
                if (!why.isEmpty() || covered >= last)
                    break;
                QTest::qWait(10);
            }
            Segment &seg = c.segments.back();
            QVERIFY2(why.isEmpty() && covered >= last,
                     qPrintable(QStringLiteral("segment from %1 covered %2 of %3: %4")
                                    .arg(seg.start)
                                    .arg(covered)
                                    .arg(last)
                                    .arg(why)));
            seg.watch->cancel();
        }
        int segments = 0;
        for (auto &c : chains) {
            int64_t expectedStart = 1;
            for (auto &seg : c.segments) {
                ++segments;
                QCOMPARE(seg.start, expectedStart);
                Coverage cov;
                const QString error =
                    validateWatch(seg.request, seg.start, seg.recorder->responses(), history, &cov);
                QVERIFY2(error.isEmpty(), qPrintable(error));
                if (cov.canceled && cov.canceled->code() == Code::Compacted) {
                    QCOMPARE(cov.covered, seg.start - 1); // ended at once, delivered nothing
                    QVERIFY(cov.compactRevision >= seg.start);
                    expectedStart = cov.compactRevision + 1;
                } else {
                    QVERIFY2(!cov.canceled, cov.canceled ? cov.canceled->toString().c_str() : "");
                    expectedStart = cov.covered + 1;
                }
            }
            QCOMPARE(expectedStart, last + 1); // the chain reached the end
        }
        qInfo("%lld revisions, %d segments, %d resumes, %d ended by compaction", qint64(last),
              segments, resumes, compactedEnds);
    }
};

QTEST_GUILESS_MAIN(TestStoreWatch)
#include "tst_storewatch.moc"
