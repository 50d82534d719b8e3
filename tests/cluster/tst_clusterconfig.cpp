// ClusterConfig: what a cluster keeps of its creation (profile, workers),
// and the clear errors a damaged cluster.json gets.

#include "backend/cluster/clusterconfig.h"
#include "backend/cluster/embeddedcluster.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace kubist;
using cluster::ClusterConfig;

class TestClusterConfig : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    std::string write(const QByteArray &content)
    {
        const QString path = m_dir.path() + "/cluster.json";
        QFile f(path);
        f.open(QIODevice::WriteOnly | QIODevice::Truncate);
        f.write(content);
        return path.toStdString();
    }

private slots:
    void roundTrip()
    {
        ClusterConfig c;
        c.profile = "realistic";
        c.workers = 5;
        const std::string path = (m_dir.path() + "/rt.json").toStdString();
        QVERIFY(c.save(path).isOk());
        Result<ClusterConfig> back = ClusterConfig::load(path);
        QVERIFY(back.isOk());
        QCOMPARE(back->profile, std::string("realistic"));
        QCOMPARE(back->workers, 5);
    }

    void missingFileIsNotFound()
    {
        Result<ClusterConfig> r = ClusterConfig::load((m_dir.path() + "/none.json").toStdString());
        QCOMPARE(r.status().code(), Status::Code::NotFound);
    }

    void badFilesGetClearErrors_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("says");
        QTest::newRow("not json") << QByteArray("{profile: demo") << "is not valid JSON";
        QTest::newRow("array") << QByteArray("[1,2]") << "is not valid JSON";
        QTest::newRow("unknown profile")
            << QByteArray("{\"profile\":\"fast\",\"workers\":3}") << "unknown profile";
        QTest::newRow("workers missing") << QByteArray("{\"profile\":\"demo\"}") << "workers";
        QTest::newRow("workers negative")
            << QByteArray("{\"profile\":\"demo\",\"workers\":-2}") << "workers";
        QTest::newRow("binary noise") << QByteArray("\x00\x01\xff\xfe", 4) << "is not valid JSON";
    }

    void badFilesGetClearErrors()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, says);
        Result<ClusterConfig> r = ClusterConfig::load(write(content));
        QVERIFY(!r.isOk());
        QCOMPARE(r.status().code(), Status::Code::InvalidArgument);
        QVERIFY2(QString::fromStdString(r.status().message()).contains(says),
                 r.status().message().c_str());
        QVERIFY(r.status().message().find("cluster.json") != std::string::npos);
    }

    void clusterWithADamagedConfigDoesNotOpen()
    {
        QTemporaryDir dir;
        QFile f(dir.path() + "/cluster.json");
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("garbage");
        f.close();
        cluster::EmbeddedCluster::Options o;
        o.dataDir = dir.path().toStdString();
        o.port = 0;
        Result<std::unique_ptr<cluster::EmbeddedCluster>> c = cluster::EmbeddedCluster::open(o);
        QVERIFY(!c.isOk());
        QVERIFY2(c.status().message().find("cluster.json") != std::string::npos,
                 c.status().message().c_str());
        // Nothing was overwritten.
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("garbage"));
    }
};

QTEST_GUILESS_MAIN(TestClusterConfig)
#include "tst_clusterconfig.moc"
