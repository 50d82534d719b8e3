#include "backend/scheduler/framework/framework.h"
#include "backend/scheduler/plugins/imagelocality/imagelocality.h"
#include "schedulertestutil.h"

using namespace kubist;
using namespace kubist::scheduler;

// Score cases follow upstream's image_locality_test.go.
class TestImageLocality : public QObject
{
    Q_OBJECT

private slots:
    void score_data();
    void score();
    void normalizedImageName_data();
    void normalizedImageName();
    void imageNameVariants_data();
    void imageNameVariants();
    void calculatePriority_data();
    void calculatePriority();
    void frameworkPrefersTheNodeWithTheImage();
    void fiveThousandNodes();
};

namespace {

constexpr std::int64_t kMb = 1024 * 1024;

// Images separated by ';', each "name|name|...=sizeInMiB".
std::string imagesJson(const QString &spec)
{
    std::string out = "[";
    const QStringList images = spec.split(';', Qt::SkipEmptyParts);
    for (int i = 0; i < images.size(); ++i) {
        const QStringList parts = images[i].split('=');
        const QStringList names = parts[0].split('|');
        std::string list;
        for (int j = 0; j < names.size(); ++j)
            list += std::string(j ? "," : "") + "\"" + names[j].toStdString() + "\"";
        const std::int64_t size = parts[1].toLongLong() * kMb;
        out += std::string(i ? "," : "") + "{\"names\":[" + list +
               "],\"sizeBytes\":" + std::to_string(size) + "}";
    }
    return out + "]";
}

std::shared_ptr<const schedtest::core::Node> imageNode(const std::string &name,
                                                       const QString &images)
{
    return schedtest::node(QByteArray::fromStdString(
        "{\"metadata\":{\"name\":\"" + name + "\"},\"status\":{\"images\":" + imagesJson(images) +
        ",\"allocatable\":{\"cpu\":\"8\",\"memory\":\"16Gi\",\"pods\":\"110\"}}}"));
}

std::string containersJson(const QStringList &images, const std::string &prefix)
{
    std::string out = "[";
    for (int i = 0; i < images.size(); ++i)
        out += std::string(i ? "," : "") + "{\"name\":\"" + prefix + std::to_string(i) +
               "\",\"image\":\"" + images[i].toStdString() + "\"}";
    return out + "]";
}

std::shared_ptr<const schedtest::core::Pod> imagePod(const QStringList &containers,
                                                     const QStringList &initContainers = {})
{
    return schedtest::pod(QByteArray::fromStdString(
        "{\"metadata\":{\"name\":\"p\",\"namespace\":\"default\"},\"spec\":{\"containers\":" +
        containersJson(containers, "c") +
        ",\"initContainers\":" + containersJson(initContainers, "i") + "}}"));
}

const QString node403002000 =
    "gcr.io/40:latest|gcr.io/40:v1|gcr.io/40:v1=40;gcr.io/300:latest|gcr.io/300:v1=300;"
    "gcr.io/2000:latest=2000";
const QString node25010 = "gcr.io/250:latest=250;gcr.io/10:latest|gcr.io/10:v1=10";
const QString node60040900 = "gcr.io/600:latest=600;gcr.io/40:latest=40;gcr.io/900:latest=900";
const QString node300600900 = "gcr.io/300:latest=300;gcr.io/600:latest=600;gcr.io/900:latest=900";
const QString node400030 = "gcr.io/4000:latest=4000;gcr.io/30:latest=30";
const QString node203040 = "gcr.io/20:latest=20;gcr.io/30:latest=30;gcr.io/40:latest=40";

} // namespace

void TestImageLocality::score_data()
{
    QTest::addColumn<QStringList>("containers");
    QTest::addColumn<QStringList>("initContainers");
    QTest::addColumn<QStringList>("nodes"); // images per node, nodes named n1, n2, ...
    QTest::addColumn<QList<qint64>>("expected");

    QTest::newRow("two images spread on two nodes, prefer the larger image one")
        << QStringList{"gcr.io/40", "gcr.io/250"} << QStringList()
        << QStringList{node403002000, node25010} << QList<qint64>{0, 5};
    QTest::newRow("two images on one node, prefer this node")
        << QStringList{"gcr.io/40", "gcr.io/300"} << QStringList()
        << QStringList{node403002000, node25010} << QList<qint64>{7, 0};
    QTest::newRow("if exceed limit, use limit")
        << QStringList{"gcr.io/10", "gcr.io/4000"} << QStringList()
        << QStringList{node400030, node25010} << QList<qint64>{100, 0};
    QTest::newRow("if exceed limit, use limit (with node which has no images present)")
        << QStringList{"gcr.io/10", "gcr.io/4000"} << QStringList()
        << QStringList{node400030, node25010, ""} << QList<qint64>{66, 0, 0};
    QTest::newRow("pod with multiple large images, node2 is preferred")
        << QStringList{"gcr.io/300", "gcr.io/600", "gcr.io/900"} << QStringList()
        << QStringList{node60040900, node300600900, ""} << QList<qint64>{32, 36, 0};
    QTest::newRow("pod with multiple small images")
        << QStringList{"gcr.io/30", "gcr.io/40"} << QStringList()
        << QStringList{node203040, node400030} << QList<qint64>{1, 0};
    QTest::newRow("include InitContainers: two images spread on two nodes, prefer the larger")
        << QStringList{"gcr.io/30"} << QStringList{"gcr.io/300"}
        << QStringList{node403002000, node203040} << QList<qint64>{6, 0};
    // Beyond upstream: docker hub names in any spelling find each other.
    QTest::newRow("short pod image name matches the fully qualified node image")
        << QStringList{"nginx"} << QStringList()
        << QStringList{"docker.io/library/nginx:latest=800", "docker.io/library/redis:7=800"}
        << QList<qint64>{38, 0};
    QTest::newRow("qualified pod image name matches the familiar node image")
        << QStringList{"docker.io/library/nginx:1.25"} << QStringList()
        << QStringList{"nginx:1.25=800", "nginx:1.24=800"} << QList<qint64>{38, 0};
    QTest::newRow("a tag other than the node's does not match")
        << QStringList{"nginx:1.25"} << QStringList()
        << QStringList{"docker.io/library/nginx:latest=800"} << QList<qint64>{0};
    QTest::newRow("user repositories on docker hub need no library prefix")
        << QStringList{"bitnami/redis"} << QStringList()
        << QStringList{"docker.io/bitnami/redis:latest=600"} << QList<qint64>{59};
    QTest::newRow("an image on every node counts fully")
        << QStringList{"registry.k8s.io/pause:3.9"} << QStringList()
        << QStringList{"registry.k8s.io/pause:3.9=500", "registry.k8s.io/pause:3.9=500"}
        << QList<qint64>{48, 48};
}

void TestImageLocality::score()
{
    QFETCH(QStringList, containers);
    QFETCH(QStringList, initContainers);
    QFETCH(QStringList, nodes);
    QFETCH(QList<qint64>, expected);

    std::vector<Snapshot::NodePtr> nodeObjects;
    for (int i = 0; i < nodes.size(); ++i)
        nodeObjects.push_back(imageNode("n" + std::to_string(i + 1), nodes[i]));
    const Snapshot snapshot = Snapshot::build(nodeObjects, {});
    std::vector<const NodeInfo *> feasible;
    for (const NodeInfo &info : snapshot.nodeInfos())
        feasible.push_back(&info);

    const auto pod = imagePod(containers, initContainers);
    plugins::ImageLocality plugin;
    CycleState state;
    QVERIFY(plugin.preScore(state, *pod, snapshot, feasible).isSuccess());
    QList<qint64> got;
    for (const NodeInfo &info : snapshot.nodeInfos()) {
        std::int64_t value = -1;
        QVERIFY(plugin.score(state, *pod, info, &value).isSuccess());
        got << value;
    }
    QCOMPARE(got, expected);
}

void TestImageLocality::normalizedImageName_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("output");

    QTest::newRow("official image") << "nginx"
                                    << "docker.io/library/nginx:latest";
    QTest::newRow("official image with tag") << "nginx:1.25"
                                             << "docker.io/library/nginx:1.25";
    QTest::newRow("library prefix") << "library/nginx"
                                    << "docker.io/library/nginx:latest";
    QTest::newRow("user repository") << "bitnami/redis:7"
                                     << "docker.io/bitnami/redis:7";
    QTest::newRow("legacy docker hub domain") << "index.docker.io/nginx"
                                              << "docker.io/library/nginx:latest";
    QTest::newRow("other registry") << "gcr.io/40"
                                    << "gcr.io/40:latest";
    QTest::newRow("registry with port") << "gcr.io:5000/root"
                                        << "gcr.io:5000/root:latest";
    QTest::newRow("localhost registry") << "localhost/app"
                                        << "localhost/app:latest";
    QTest::newRow("localhost registry with port and tag") << "localhost:5000/app:v2"
                                                          << "localhost:5000/app:v2";
    QTest::newRow("digest keeps no tag") << "root@sha256:abc"
                                         << "docker.io/library/root@sha256:abc";
    QTest::newRow("already normalised") << "docker.io/library/nginx:latest"
                                        << "docker.io/library/nginx:latest";
}

void TestImageLocality::normalizedImageName()
{
    QFETCH(QString, input);
    QFETCH(QString, output);
    QCOMPARE(
        QString::fromStdString(plugins::ImageLocality::normalizedImageName(input.toStdString())),
        output);
}

void TestImageLocality::imageNameVariants_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QStringList>("variants");

    QTest::newRow("official image: qualified, familiar")
        << "nginx" << QStringList{"docker.io/library/nginx:latest", "nginx:latest"};
    QTest::newRow("written with the domain: also upstream's spelling")
        << "docker.io/nginx"
        << QStringList{"docker.io/library/nginx:latest", "nginx:latest", "docker.io/nginx:latest"};
    QTest::newRow("other registry: one spelling") << "gcr.io/40" << QStringList{"gcr.io/40:latest"};
    QTest::newRow("upstream keeps a digest as is")
        << "root@sha256:abc" << QStringList{"docker.io/library/root@sha256:abc", "root@sha256:abc"};
}

void TestImageLocality::imageNameVariants()
{
    QFETCH(QString, input);
    QFETCH(QStringList, variants);
    QCOMPARE(
        schedtest::toQStringList(plugins::ImageLocality::imageNameVariants(input.toStdString())),
        variants);
}

void TestImageLocality::calculatePriority_data()
{
    QTest::addColumn<qint64>("sum");
    QTest::addColumn<int>("containers");
    QTest::addColumn<qint64>("expected");

    QTest::newRow("below the minimum threshold") << qint64(20 * kMb) << 1 << qint64(0);
    QTest::newRow("at the maximum threshold") << qint64(1000 * kMb) << 1 << qint64(100);
    QTest::newRow("above the maximum threshold is clamped")
        << qint64(5000 * kMb) << 2 << qint64(100);
    QTest::newRow("half way, rounding down") << qint64(511 * kMb) << 1 << qint64(49);
    QTest::newRow("threshold grows with the containers") << qint64(1000 * kMb) << 2 << qint64(49);
    QTest::newRow("no containers") << qint64(0) << 0 << qint64(0);
}

void TestImageLocality::calculatePriority()
{
    QFETCH(qint64, sum);
    QFETCH(int, containers);
    QFETCH(qint64, expected);
    QCOMPARE(qint64(plugins::ImageLocality::calculatePriority(sum, containers)), expected);
}

void TestImageLocality::frameworkPrefersTheNodeWithTheImage()
{
    Registry registry;
    QVERIFY(
        registry.add(std::string(plugins::ImageLocality::kName), &plugins::ImageLocality::create)
            .isOk());
    Profile profile;
    profile.plugins = {{std::string(plugins::ImageLocality::kName), 1}};
    auto framework = Framework::create(registry, profile);
    QVERIFY(framework.isOk());
    const Snapshot snapshot =
        Snapshot::build({imageNode("a", ""), imageNode("b", "docker.io/library/postgres:16=400"),
                         imageNode("c", "")},
                        {});
    const auto result = (*framework)->schedulePod(*imagePod({"postgres:16"}), snapshot);
    QVERIFY(result.isOk());
    QCOMPARE(result->suggestedHost, std::string("b"));
}

void TestImageLocality::fiveThousandNodes()
{
    std::vector<Snapshot::NodePtr> nodes;
    for (int i = 0; i < 5000; ++i) {
        QString images = "docker.io/library/nginx:latest=150;registry.k8s.io/pause:3.9=1";
        if (i % 10 == 0)
            images += ";docker.io/library/postgres:16=400";
        nodes.push_back(imageNode("node-" + std::to_string(10000 + i), images));
    }
    const Snapshot snapshot = Snapshot::build(nodes, {});
    Registry registry;
    QVERIFY(
        registry.add(std::string(plugins::ImageLocality::kName), &plugins::ImageLocality::create)
            .isOk());
    Profile profile;
    profile.plugins = {{std::string(plugins::ImageLocality::kName), 1}};
    auto framework = Framework::create(registry, profile);
    QVERIFY(framework.isOk());
    const auto result =
        (*framework)->schedulePod(*imagePod({"nginx", "postgres:16"}, {"pause:3.9"}), snapshot);
    QVERIFY(result.isOk());
    QCOMPARE(result->feasibleNodes, 5000);
    QVERIFY(result->isScheduled());
}

QTEST_GUILESS_MAIN(TestImageLocality)
#include "tst_imagelocality.moc"
