// Replays every fuzz input kept in the repository (tests/fuzz/corpus/<target>
// seeds and tests/fuzz/regressions/<target> crash reproducers) and the
// generated hostile inputs through every fuzz target, in the ordinary build:
// what once crashed stays fixed, and the seeds stay valid, without clang.
// Each target aborts on a broken invariant (fuzztarget.h), which fails this
// test with the row's name.

#include "fuzztarget.h"
#include "generatedinputs.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTest>

#include <map>

using namespace kubist::fuzz;

namespace {

const std::map<std::string, TargetFunction> &targets()
{
    static const std::map<std::string, TargetFunction> all{
        {"json", &fuzzJson},           {"yaml", &fuzzYaml},
        {"protobuf", &fuzzProtobuf},   {"strategicmerge", &fuzzStrategicMerge},
        {"jsonpatch", &fuzzJsonPatch}, {"http", &fuzzHttp},
    };
    return all;
}

// Every file under tests/fuzz/<folder>/<target>/, by its path relative to
// tests/fuzz.
std::vector<std::pair<QString, QByteArray>> storedInputs(const QString &folder,
                                                         const QString &target)
{
    const QDir root(QStringLiteral(KUBIST_FUZZ_DIR));
    std::vector<std::pair<QString, QByteArray>> out;
    QDirIterator it(root.filePath(folder + QLatin1Char('/') + target), QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            qFatal("cannot read %s", qPrintable(path));
        out.emplace_back(root.relativeFilePath(path), file.readAll());
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

class TestFuzzCorpus : public QObject
{
    Q_OBJECT

private slots:
    void everyTargetHasSeeds_data()
    {
        QTest::addColumn<QString>("target");
        for (const auto &[name, function] : targets())
            QTest::newRow(name.c_str()) << QString::fromStdString(name);
    }

    void everyTargetHasSeeds()
    {
        QFETCH(QString, target);
        QVERIFY(!storedInputs(QStringLiteral("corpus"), target).empty());
        QVERIFY(!generatedInputs(target.toStdString()).empty());
    }

    // Its own inputs through each target, and every other target's too: a
    // target must take any bytes.
    void replaysStoredInputs_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QByteArray>("input");
        for (const auto &[name, function] : targets()) {
            for (const auto &[source, unused] : targets()) {
                for (const QString &folder :
                     {QStringLiteral("corpus"), QStringLiteral("regressions")}) {
                    for (const auto &[path, bytes] :
                         storedInputs(folder, QString::fromStdString(source))) {
                        const QString row =
                            QString::fromStdString(name) + QStringLiteral(" <- ") + path;
                        QTest::newRow(qPrintable(row)) << QString::fromStdString(name) << bytes;
                    }
                }
            }
        }
    }

    void replaysStoredInputs()
    {
        QFETCH(QString, target);
        QFETCH(QByteArray, input);
        const TargetFunction run = targets().at(target.toStdString());
        QCOMPARE(run(reinterpret_cast<const uint8_t *>(input.constData()), size_t(input.size())),
                 0);
    }

    void replaysGeneratedInputs_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("input");
        for (const auto &[name, function] : targets())
            for (const GeneratedInput &input : generatedInputs(name))
                QTest::newRow((name + " <- " + input.name).c_str())
                    << QString::fromStdString(name) << QString::fromStdString(input.name);
    }

    // Generated when run, not in _data: together they are tens of megabytes.
    void replaysGeneratedInputs()
    {
        QFETCH(QString, target);
        QFETCH(QString, input);
        for (const GeneratedInput &generated : generatedInputs(target.toStdString())) {
            if (generated.name != input.toStdString())
                continue;
            const TargetFunction run = targets().at(target.toStdString());
            QCOMPARE(run(reinterpret_cast<const uint8_t *>(generated.bytes.data()),
                         generated.bytes.size()),
                     0);
            return;
        }
        QFAIL("no such generated input");
    }
};

QTEST_GUILESS_MAIN(TestFuzzCorpus)
#include "tst_fuzzcorpus.moc"
