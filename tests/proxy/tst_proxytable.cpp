// ProxyTable as a value: what kube-proxy programs from Services and
// EndpointSlices (ready endpoints, terminating fallback, named ports,
// several slices, ignored slices and services) and how route() picks.

#include "backend/proxy/proxytable.h"

#include "tests/proxy/proxyfixtures.h"

#include <QTest>

#include <map>

using namespace kubist;
using namespace kubist::proxy;
using namespace kubist::proxytest;

namespace {

// An endpoint spec "ip/flags": R ready, S serving, T terminating.
Ep parseEp(const QString &spec, int index)
{
    const QStringList parts = spec.split('/');
    Ep e;
    e.ip = parts.value(0).toStdString();
    const QString flags = parts.value(1);
    e.ready = flags.contains('R');
    e.serving = flags.contains('S');
    e.terminating = flags.contains('T');
    e.pod = "pod-" + std::to_string(index);
    return e;
}

// A slice spec "service port:number ip/flags ip/flags ...".
client::ObjectPtr parseSlice(const QString &spec, int index)
{
    const QStringList words = spec.split(' ', Qt::SkipEmptyParts);
    const QStringList port = words.value(1).split(':');
    std::vector<Ep> eps;
    for (int i = 2; i < words.size(); ++i)
        eps.push_back(parseEp(words[i], index * 100 + i));
    return slice("default", "slice-" + std::to_string(index), words.value(0).toStdString(),
                 {{port.value(0).toStdString(), port.value(1).toInt()}}, eps);
}

std::vector<client::ObjectPtr> services()
{
    return {service("default", "web", {{"http", 80}, {"metrics", 9090}}, "10.96.0.10"),
            service("default", "headless", {{"http", 80}}, "None"),
            service("default", "single", {{"", 8080}}, "10.96.0.11")};
}

QString ips(const std::vector<ProxyEndpoint> &eps)
{
    QStringList out;
    for (const ProxyEndpoint &e : eps)
        out << QString::fromStdString(e.ip);
    return out.join(' ');
}

} // namespace

class TestProxyTable : public QObject
{
    Q_OBJECT

private slots:
    void build_data();
    void build();
    void portsOfEveryService();
    void findByClusterIP();
    void routeDistribution();
    void routeNone();
};

void TestProxyTable::build_data()
{
    QTest::addColumn<QStringList>("slices");
    QTest::addColumn<QString>("service");
    QTest::addColumn<QString>("port");
    QTest::addColumn<QString>("endpoints"); // every endpoint, sorted
    QTest::addColumn<QString>("routed");

    QTest::newRow("ready endpoints are routed")
        << QStringList{"web http:8080 10.0.0.2/RS 10.0.0.1/RS"} << "default/web"
        << "http"
        << "10.0.0.1 10.0.0.2"
        << "10.0.0.1 10.0.0.2";
    QTest::newRow("not ready endpoints are listed, not routed")
        << QStringList{"web http:8080 10.0.0.1/RS 10.0.0.2/ 10.0.0.3/S"} << "default/web"
        << "http"
        << "10.0.0.1 10.0.0.2 10.0.0.3"
        << "10.0.0.1";
    QTest::newRow("none ready: serving terminating ones as fallback")
        << QStringList{"web http:8080 10.0.0.1/ST 10.0.0.2/T 10.0.0.3/"} << "default/web"
        << "http"
        << "10.0.0.1 10.0.0.2 10.0.0.3"
        << "10.0.0.1";
    QTest::newRow("some ready: terminating ones unused")
        << QStringList{"web http:8080 10.0.0.1/ST 10.0.0.2/RS"} << "default/web"
        << "http"
        << "10.0.0.1 10.0.0.2"
        << "10.0.0.2";
    QTest::newRow("none ready, none serving: no endpoints")
        << QStringList{"web http:8080 10.0.0.1/ 10.0.0.2/T"} << "default/web"
        << "http"
        << "10.0.0.1 10.0.0.2"
        << "";
    QTest::newRow("no slices: no endpoints") << QStringList{} << "default/web"
                                             << "http"
                                             << ""
                                             << "";
    QTest::newRow("named ports: matched by name")
        << QStringList{"web http:8080 10.0.0.1/RS", "web metrics:9100 10.0.0.9/RS"} << "default/web"
        << "metrics"
        << "10.0.0.9"
        << "10.0.0.9";
    QTest::newRow("empty port name means the first port")
        << QStringList{"web http:8080 10.0.0.1/RS", "web metrics:9100 10.0.0.9/RS"} << "default/web"
        << ""
        << "10.0.0.1"
        << "10.0.0.1";
    QTest::newRow("unnamed port") << QStringList{"single :8080 10.0.1.1/RS"} << "default/single"
                                  << ""
                                  << "10.0.1.1"
                                  << "10.0.1.1";
    QTest::newRow("multiple slices merge")
        << QStringList{"web http:8080 10.0.0.1/RS", "web http:8080 10.0.0.3/RS 10.0.0.2/"}
        << "default/web"
        << "http"
        << "10.0.0.1 10.0.0.2 10.0.0.3"
        << "10.0.0.1 10.0.0.3";
    QTest::newRow("an address in two slices counts once")
        << QStringList{"web http:8080 10.0.0.1/RS", "web http:8080 10.0.0.1/RS"} << "default/web"
        << "http"
        << "10.0.0.1"
        << "10.0.0.1";
    QTest::newRow("slices of another service are ignored")
        << QStringList{"other http:8080 10.0.0.7/RS"} << "default/web"
        << "http"
        << ""
        << "";
    QTest::newRow("a slice port of another name is ignored")
        << QStringList{"web admin:8080 10.0.0.7/RS"} << "default/web"
        << "http"
        << ""
        << "";
}

void TestProxyTable::build()
{
    QFETCH(QStringList, slices);
    QFETCH(QString, service);
    QFETCH(QString, port);
    QFETCH(QString, endpoints);
    QFETCH(QString, routed);

    std::vector<client::ObjectPtr> sliceObjects;
    for (int i = 0; i < slices.size(); ++i)
        sliceObjects.push_back(parseSlice(slices[i], i));
    const ProxyTable table = ProxyTable::build(services(), sliceObjects);
    const ProxyServicePort *p = table.find(service.toStdString(), port.toStdString());
    QVERIFY(p);
    QCOMPARE(ips(p->endpoints), endpoints);
    QCOMPARE(ips(p->routed), routed);
    if (!p->endpoints.empty()) {
        QCOMPARE(p->endpoints.front().podNamespace, std::string("default"));
        QVERIFY(p->endpoints.front().podName.rfind("pod-", 0) == 0);
        QCOMPARE(p->endpoints.front().nodeName, std::string("node-0"));
    }
    // Building is a pure function.
    QVERIFY(ProxyTable::build(services(), sliceObjects) == table);
}

void TestProxyTable::portsOfEveryService()
{
    const ProxyTable table = ProxyTable::build(services(), {});
    QStringList keys;
    for (const ProxyServicePort &p : table.ports())
        keys << QString::fromStdString(p.serviceKey() + ":" + p.portName + ":" +
                                       std::to_string(p.port));
    // Headless services get no rules; ports in Service order.
    QCOMPARE(keys.join(' '), QString("default/single::8080 default/web:http:80 "
                                     "default/web:metrics:9090"));
    QVERIFY(!table.find("default/headless"));
    QVERIFY(!table.find("default/web", "nope"));
    QVERIFY(!table.find("default/missing"));
}

void TestProxyTable::findByClusterIP()
{
    const ProxyTable table = ProxyTable::build(services(), {});
    const ProxyServicePort *p = table.findByClusterIP("10.96.0.10", 9090);
    QVERIFY(p);
    QCOMPARE(p->portName, std::string("metrics"));
    QVERIFY(table.findByClusterIP("10.96.0.10", 80, "TCP"));
    QVERIFY(!table.findByClusterIP("10.96.0.10", 80, "UDP"));
    QVERIFY(!table.findByClusterIP("10.96.0.10", 81));
    QVERIFY(!table.findByClusterIP("", 80));
}

void TestProxyTable::routeDistribution()
{
    const ProxyTable table = ProxyTable::build(
        services(), {parseSlice("web http:8080 10.0.0.1/RS 10.0.0.2/RS 10.0.0.3/RS 10.0.0.4/", 0)});
    std::mt19937_64 rng(42);
    std::map<std::string, int> hits;
    const int n = 30000;
    for (int i = 0; i < n; ++i) {
        std::optional<ProxyEndpoint> e = table.route("default/web", "http", rng);
        QVERIFY(e);
        ++hits[e->ip];
    }
    QCOMPARE(hits.size(), size_t(3)); // the not-ready one never
    for (const auto &[ip, count] : hits)
        QVERIFY2(count > n / 3 - 600 && count < n / 3 + 600, ip.c_str());

    // The same seed gives the same choices.
    std::mt19937_64 a(7), b(7);
    for (int i = 0; i < 20; ++i)
        QCOMPARE(table.route("default/web", "http", a)->ip,
                 table.route("default/web", "http", b)->ip);
}

void TestProxyTable::routeNone()
{
    const ProxyTable table =
        ProxyTable::build(services(), {parseSlice("web http:8080 10.0.0.1/", 0)});
    std::mt19937_64 rng(1);
    QVERIFY(!table.route("default/web", "http", rng));    // none ready
    QVERIFY(!table.route("default/single", "", rng));     // no slices
    QVERIFY(!table.route("default/missing", "", rng));    // no service
    QVERIFY(!table.route("default/headless", "", rng));   // no rules
    QVERIFY(!ProxyTable().route("default/web", "", rng)); // empty table
}

QTEST_GUILESS_MAIN(TestProxyTable)
#include "tst_proxytable.moc"
