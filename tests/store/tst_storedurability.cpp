// Durability and refusal: reopening recovers state and revision (which
// never go back), the directory lock refuses a second opener, and a damaged
// or foreign database is refused with an error naming the file, and left
// as it was.

#include "storetesting.h"

#include "backend/store/crc32c.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace kubist;
using namespace kubist::store;
using namespace kubist::store::testing;
using Code = Status::Code;

Q_DECLARE_METATYPE(kubist::Status::Code)

namespace {

std::string markedValue(int i)
{
    std::string v = "MARKER-" + std::to_string(i) + "-";
    v.resize(300, char('a' + i % 26));
    return v;
}

// A store of 200 keys, closed (so everything is checkpointed into store.db).
void writeStore(const QString &dir)
{
    auto s = openStore(dir);
    QVERIFY(s);
    for (int i = 0; i < 200; ++i)
        QVERIFY(s->put("/d/" + std::to_string(i), markedValue(i)).status.isOk());
}

void sqlite(const QString &file, const char *sql)
{
    sqlite3 *db = nullptr;
    QCOMPARE(sqlite3_open(file.toUtf8().constData(), &db), SQLITE_OK);
    char *error = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
    QVERIFY2(rc == SQLITE_OK, error);
    sqlite3_close(db);
}

QByteArray readAll(const QString &file)
{
    QFile f(file);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(const QString &file, const QByteArray &data)
{
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(data), data.size());
}

// Every key-value at `revision` under "/".
std::vector<KeyValue> snapshot(Store &s, int64_t revision = 0)
{
    auto r = s.range(prefixRange("/", revision));
    return r ? r->kvs : std::vector<KeyValue>{};
}

bool same(const std::vector<KeyValue> &a, const std::vector<KeyValue> &b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].key != b[i].key || a[i].value != b[i].value ||
            a[i].createRevision != b[i].createRevision || a[i].modRevision != b[i].modRevision ||
            a[i].version != b[i].version)
            return false;
    }
    return true;
}

} // namespace

class TestStoreDurability : public QObject
{
    Q_OBJECT

private slots:
    void crc32cKnownAnswers()
    {
        QCOMPARE(crc32c::value(""), 0u);
        QCOMPARE(crc32c::value("123456789"), 0xE3069283u);
        QCOMPARE(crc32c::value(std::string(32, '\0')), 0x8A9136AAu);
        const std::string long_(1000, 'x');
        QCOMPARE(crc32c::extend(crc32c::value(long_.substr(0, 333)), long_.data() + 333, 667),
                 crc32c::value(long_));
    }

    void reopenRecoversStateAndRevision_data()
    {
        QTest::addColumn<bool>("powerSafe");
        QTest::newRow("synchronous=FULL (default)") << true;
        QTest::newRow("synchronous=NORMAL (opt-in)") << false;
    }

    void reopenRecoversStateAndRevision()
    {
        QFETCH(bool, powerSafe);
        QTemporaryDir dir;
        StoreOptions options;
        options.powerSafe = powerSafe;
        std::vector<KeyValue> current, past;
        int64_t revision = 0, compacted = 0, pastRevision = 0;
        {
            auto s = openStore(dir.path(), options);
            QVERIFY(s);
            QRandomGenerator rng(7);
            for (int i = 0; i < 300; ++i) {
                const std::string key = "/k/" + std::to_string(rng.bounded(30));
                if (rng.bounded(5) == 0)
                    s->remove(key, 0);
                else
                    QVERIFY(s->put(key, std::to_string(i)).status.isOk());
                if (i == 150)
                    QVERIFY(s->compact(s->currentRevision() - 20).isOk());
            }
            revision = s->currentRevision();
            compacted = s->compactedRevision();
            pastRevision = compacted + 5;
            current = snapshot(*s);
            past = snapshot(*s, pastRevision);
            QVERIFY(!current.empty());
            QVERIFY(!same(current, past));
        }
        auto s = openStore(dir.path(), options);
        QVERIFY(s);
        QCOMPARE(s->currentRevision(), revision);
        QCOMPARE(s->compactedRevision(), compacted);
        QVERIFY(same(snapshot(*s), current));
        QVERIFY(same(snapshot(*s, pastRevision), past));
        QCOMPARE(s->range(prefixRange("/", compacted - 1)).status().code(), Code::Compacted);
        QCOMPARE(s->put("/k/next", "x").revision, revision + 1);
    }

    void revisionNeverGoesBackWhenCompactionEmptiesTheLog()
    {
        QTemporaryDir dir;
        {
            auto s = openStore(dir.path());
            QVERIFY(s);
            for (int i = 0; i < 10; ++i)
                QVERIFY(s->put("/k/" + std::to_string(i), "v").status.isOk());
            for (int i = 0; i < 10; ++i)
                QVERIFY(s->remove("/k/" + std::to_string(i), 0).status.isOk());
            QVERIFY(s->compact(20).isOk()); // every row is gone now
            QCOMPARE(snapshot(*s).size(), size_t(0));
        }
        auto s = openStore(dir.path());
        QVERIFY(s);
        QCOMPARE(s->currentRevision(), 20);
        QCOMPARE(s->compactedRevision(), 20);
        QCOMPARE(s->put("/k/again", "v").revision, 21);
    }

    void secondOpenIsRefusedByTheLock()
    {
        QTemporaryDir dir;
        auto first = openStore(dir.path());
        QVERIFY(first);
        // flock, unlike POSIX record locks, also refuses a second open in
        // this very process.
        auto second = Store::open(dir.path().toStdString());
        QVERIFY(!second);
        QCOMPARE(second.status().code(), Code::Unavailable);
        const std::string message = second.status().message();
        QVERIFY2(message.find(dir.path().toStdString() + "/LOCK") != std::string::npos,
                 message.c_str());
        QVERIFY2(message.find("in use") != std::string::npos, message.c_str());
        QVERIFY2(message.find("pid " + std::to_string(QCoreApplication::applicationPid())) !=
                     std::string::npos,
                 message.c_str());
        first.reset();
        QVERIFY(openStore(dir.path()));
    }

    void damagedOrForeignFileIsRefused_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<Code>("code");
        QTest::addColumn<QString>("message");

        QTest::newRow("a byte flipped inside a stored value")
            << "flip-value" << Code::DataLoss << "fails its checksum";
        QTest::newRow("a row edited through SQLite behind our back")
            << "edit-row" << Code::DataLoss << "fails its checksum";
        QTest::newRow("the state row edited behind our back")
            << "edit-state" << Code::DataLoss << "state row fails its checksum";
        QTest::newRow("a b-tree page header damaged")
            << "flip-page" << Code::DataLoss << "is damaged";
        QTest::newRow("the SQLite header overwritten")
            << "header" << Code::DataLoss << "does not start with the SQLite header";
        QTest::newRow("truncated to half") << "truncate-half" << Code::DataLoss << "store.db";
        QTest::newRow("truncated to 50 bytes")
            << "truncate-50" << Code::DataLoss << "does not start with the SQLite header";
        QTest::newRow("an empty file") << "empty" << Code::DataLoss << "the file is empty";
        QTest::newRow("a foreign SQLite database")
            << "foreign" << Code::InvalidArgument
            << "is not a Kubist store (SQLite application_id 0";
        QTest::newRow("a newer format version")
            << "version" << Code::Unsupported << "has store format version 2";
        QTest::newRow("the database gone but its write-ahead log left")
            << "wal-only" << Code::DataLoss << "is missing but its write-ahead log";
    }

    void damagedOrForeignFileIsRefused()
    {
        QFETCH(QString, damage);
        QFETCH(Code, code);
        QFETCH(QString, message);

        QTemporaryDir dir;
        writeStore(dir.path());
        const QString db = dir.path() + "/store.db";
        QByteArray bytes = readAll(db);
        QVERIFY(bytes.size() > 8 * 4096);
        QVERIFY(!QFile::exists(db + "-wal")); // a clean close checkpoints

        if (damage == "flip-value") {
            const qsizetype at = bytes.indexOf("MARKER-77-");
            QVERIFY(at > 0);
            bytes[at + 12] = char(bytes[at + 12] ^ 0x01);
            writeAll(db, bytes);
        } else if (damage == "edit-row") {
            sqlite(db, "UPDATE log SET value = X'00' WHERE revision = 5");
        } else if (damage == "edit-state") {
            sqlite(db, "UPDATE state SET current_revision = 150");
        } else if (damage == "flip-page") {
            bytes[3 * 4096] = char(0x42); // page 4: not a valid b-tree page type
            writeAll(db, bytes);
        } else if (damage == "header") {
            bytes.replace(0, 7, "garbage");
            writeAll(db, bytes);
        } else if (damage == "truncate-half") {
            writeAll(db, bytes.left(bytes.size() / 2));
        } else if (damage == "truncate-50") {
            writeAll(db, bytes.left(50));
        } else if (damage == "empty") {
            writeAll(db, QByteArray());
        } else if (damage == "foreign") {
            QVERIFY(QFile::remove(db));
            sqlite(db, "CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT);"
                       "INSERT INTO notes(text) VALUES ('hello')");
        } else if (damage == "version") {
            sqlite(db, "PRAGMA user_version = 2");
        } else if (damage == "wal-only") {
            QVERIFY(QFile::rename(db, db + ".moved"));
            writeAll(db + "-wal", "some log");
        }
        const QByteArray before = readAll(db);
        const QByteArray walBefore = readAll(db + "-wal");

        auto opened = Store::open(dir.path().toStdString());
        QVERIFY(!opened);
        QCOMPARE(opened.status().code(), code);
        const std::string text = opened.status().message();
        QVERIFY2(text.find(message.toStdString()) != std::string::npos, text.c_str());
        QVERIFY2(text.find(dir.path().toStdString() + "/store.db") != std::string::npos,
                 text.c_str());
        // Nothing was overwritten, truncated or created over it.
        QCOMPARE(readAll(db), before);
        QCOMPARE(readAll(db + "-wal"), walBefore);
        if (damage == "wal-only")
            QVERIFY(!QFile::exists(db));
        // And the lock was released: a second try fails the same way.
        auto again = Store::open(dir.path().toStdString());
        QCOMPARE(again.status().code(), code);
    }

    void unfinishedCreationIsDiscarded()
    {
        QTemporaryDir dir;
        // A creation that died before its rename leaves store.db.tmp.
        writeAll(dir.path() + "/store.db.tmp", "half made");
        auto s = openStore(dir.path());
        QVERIFY(s);
        QVERIFY(!QFile::exists(dir.path() + "/store.db.tmp"));
        QCOMPARE(s->currentRevision(), 0);
    }
};

QTEST_GUILESS_MAIN(TestStoreDurability)
#include "tst_storedurability.moc"
