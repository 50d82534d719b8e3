#include "backend/apiserver/printers/humanduration.h"
#include "backend/apiserver/printers/printers.h"
#include "backend/apiserver/printers/tablejson.h"

#include "backend/api/jsoncodec.h"
#include "backend/api/scheme.h"

#include <google/protobuf/message.h>

#include <QTest>

#include <memory>

using namespace kubist;
using namespace kubist::apiserver::printers;

namespace {

constexpr qint64 kSecond = 1000000000;

// 2024-01-01T12:00:00Z: the cluster clock in every test below.
constexpr std::int64_t kNow = 1704110400;
constexpr PrintTime kNowTime{kNow, 0};

const api::KindInfo &kindOf(const char *resource, const char *group = "")
{
    const api::KindInfo *k = api::Scheme::builtin().byResource(group, resource);
    Q_ASSERT(k);
    return *k;
}

// Decodes `json` into a fresh message of `kind`'s type (nullptr on failure).
std::unique_ptr<google::protobuf::Message> decode(const api::KindInfo &kind, const QByteArray &json)
{
    std::unique_ptr<google::protobuf::Message> m = api::Scheme::newMessage(kind.descriptor);
    const Status s = api::JsonCodec::decode(json.toStdString(), m.get());
    if (!s.isOk()) {
        qWarning("decode failed: %s", s.toString().c_str());
        return nullptr;
    }
    return m;
}

std::string str(const Cell &cell)
{
    if (const auto *s = std::get_if<std::string>(&cell))
        return *s;
    if (const auto *i = std::get_if<std::int64_t>(&cell))
        return "int:" + std::to_string(*i);
    return std::get<bool>(cell) ? "bool:true" : "bool:false";
}

// The cells of the row printed for `json`, as strings ("int:3" for integer
// cells), joined by " | ".
QString cells(const api::KindInfo &kind, const QByteArray &json)
{
    const auto m = decode(kind, json);
    if (!m)
        return "<decode failed>";
    const Result<PrintedRow> row = printRow(kind, *m, kNowTime);
    if (!row.isOk())
        return QString::fromStdString("<error: " + row.status().toString() + ">");
    QStringList out;
    for (const Cell &c : row.value().cells)
        out << QString::fromStdString(str(c));
    return out.join(" | ");
}

// A pod created five minutes before kNow, with the given spec, status and
// extra metadata members.
QByteArray pod(const QByteArray &spec, const QByteArray &status, const QByteArray &meta = "")
{
    return R"({"metadata":{"name":"web","creationTimestamp":"2024-01-01T11:55:00Z")" + meta +
           R"(},"spec":)" + spec + R"(,"status":)" + status + "}";
}

const QByteArray kOneContainer = R"({"containers":[{"name":"app","image":"nginx"}]})";
const QByteArray kTwoInits =
    R"({"initContainers":[{"name":"i1"},{"name":"i2"}],"containers":[{"name":"app"}]})";

} // namespace

class TestPrinters : public QObject
{
    Q_OBJECT

private slots:
    void humanDurationFormats_data()
    {
        QTest::addColumn<qint64>("nanos");
        QTest::addColumn<QString>("expected");
        QTest::newRow("more than a second in the future is invalid") << -2 * kSecond << "<invalid>";
        QTest::newRow("slight clock skew counts as now") << -kSecond - kSecond / 2 << "0s";
        QTest::newRow("zero") << qint64(0) << "0s";
        QTest::newRow("fraction of a second truncates") << kSecond * 5 + 999999999 << "5s";
        QTest::newRow("seconds up to two minutes") << 119 * kSecond << "119s";
        QTest::newRow("two minutes") << 120 * kSecond << "2m";
        QTest::newRow("minutes and seconds below ten minutes") << 182 * kSecond << "3m2s";
        QTest::newRow("nine minutes fifty-nine") << 599 * kSecond << "9m59s";
        QTest::newRow("ten minutes drops seconds") << 601 * kSecond << "10m";
        QTest::newRow("minutes below three hours") << 179 * 60 * kSecond << "179m";
        QTest::newRow("three hours") << 3 * 3600 * kSecond << "3h";
        QTest::newRow("hours and minutes below eight hours")
            << (3 * 3600 + 300) * kSecond << "3h5m";
        QTest::newRow("hours below two days") << 47 * 3600 * kSecond << "47h";
        QTest::newRow("two days") << 48 * 3600 * kSecond << "2d";
        QTest::newRow("days and hours below eight days") << (53 * 3600) * kSecond << "2d5h";
        QTest::newRow("days below two years") << 729 * 86400 * kSecond << "729d";
        QTest::newRow("two years") << 730 * 86400 * kSecond << "2y";
        QTest::newRow("years and days below eight years") << 740 * 86400 * kSecond << "2y10d";
        QTest::newRow("eight years and more") << 2930 * 86400 * kSecond << "8y";
    }
    void humanDurationFormats()
    {
        QFETCH(qint64, nanos);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(humanDuration(nanos)), expected);
    }

    void shortHumanDurationFormats_data()
    {
        QTest::addColumn<qint64>("nanos");
        QTest::addColumn<QString>("expected");
        QTest::newRow("invalid") << -3 * kSecond << "<invalid>";
        QTest::newRow("skew") << -kSecond << "0s";
        QTest::newRow("seconds") << 59 * kSecond << "59s";
        QTest::newRow("minutes") << 3599 * kSecond << "59m";
        QTest::newRow("hours") << 23 * 3600 * kSecond << "23h";
        QTest::newRow("days") << 364 * 86400 * kSecond << "364d";
        QTest::newRow("years") << 800 * 86400 * kSecond << "2y";
    }
    void shortHumanDurationFormats()
    {
        QFETCH(qint64, nanos);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(shortHumanDuration(nanos)), expected);
    }

    void unsetTimestampIsUnknown()
    {
        QCOMPARE(translateTimestampSince(0, 0, kNowTime, false), std::string("<unknown>"));
        QCOMPARE(translateTimestampSince(-62135596800, 0, kNowTime), std::string("<unknown>"));
        QCOMPARE(translateTimestampSince(kNow - 65, 0, kNowTime), std::string("65s"));
    }

    void podStatus_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("ready");
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("restarts");

        QTest::newRow("pending without container statuses")
            << pod(kOneContainer, R"({"phase":"Pending"})") << "0/1"
            << "Pending"
            << "0";
        QTest::newRow("container creating")
            << pod(kOneContainer, R"({"phase":"Pending","containerStatuses":[{"name":"app",
                   "state":{"waiting":{"reason":"ContainerCreating"}}}]})")
            << "0/1"
            << "ContainerCreating"
            << "0";
        QTest::newRow("running and ready")
            << pod(kOneContainer, R"({"phase":"Running","containerStatuses":[{"name":"app",
                   "ready":true,"state":{"running":{"startedAt":"2024-01-01T11:56:00Z"}}}]})")
            << "1/1"
            << "Running"
            << "0";
        QTest::newRow("running but not ready")
            << pod(kOneContainer, R"({"phase":"Running","containerStatuses":[{"name":"app",
                   "ready":false,"state":{"running":{}}}]})")
            << "0/1"
            << "Running"
            << "0";
        QTest::newRow("completed")
            << pod(kOneContainer, R"({"phase":"Succeeded","containerStatuses":[{"name":"app",
                   "state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]})")
            << "0/1"
            << "Completed"
            << "0";
        QTest::newRow("crash loop with restarts and when the last one was")
            << pod(kOneContainer, R"({"phase":"Running","containerStatuses":[{"name":"app",
                   "restartCount":4,"state":{"waiting":{"reason":"CrashLoopBackOff"}},
                   "lastState":{"terminated":{"exitCode":1,"reason":"Error",
                   "finishedAt":"2024-01-01T11:57:00Z"}}}]})")
            << "0/1"
            << "CrashLoopBackOff"
            << "4 (3m ago)";
        QTest::newRow("restarts without a finish time have no ago")
            << pod(kOneContainer, R"({"phase":"Running","containerStatuses":[{"name":"app",
                   "restartCount":2,"ready":true,"state":{"running":{}}}]})")
            << "1/1"
            << "Running"
            << "2";
        QTest::newRow("latest finish among containers is shown")
            << pod(R"({"containers":[{"name":"a"},{"name":"b"}]})",
                   R"({"phase":"Running","containerStatuses":[
                   {"name":"a","restartCount":1,"ready":true,"state":{"running":{}},
                    "lastState":{"terminated":{"finishedAt":"2024-01-01T10:00:00Z"}}},
                   {"name":"b","restartCount":2,"ready":true,"state":{"running":{}},
                    "lastState":{"terminated":{"finishedAt":"2024-01-01T11:59:30Z"}}}]})")
            << "2/2"
            << "Running"
            << "3 (30s ago)";
        QTest::newRow("terminated without reason shows the exit code")
            << pod(kOneContainer, R"({"phase":"Running","containerStatuses":[{"name":"app",
                   "state":{"terminated":{"exitCode":2}}}]})")
            << "0/1"
            << "ExitCode:2"
            << "0";
        QTest::newRow("terminated by a signal")
            << pod(kOneContainer, R"({"phase":"Running","containerStatuses":[{"name":"app",
                   "state":{"terminated":{"exitCode":137,"signal":9}}}]})")
            << "0/1"
            << "Signal:9"
            << "0";
        QTest::newRow("the first container's state wins")
            << pod(R"({"containers":[{"name":"a"},{"name":"b"}]})",
                   R"({"phase":"Running","containerStatuses":[
                   {"name":"a","state":{"waiting":{"reason":"ImagePullBackOff"}}},
                   {"name":"b","state":{"waiting":{"reason":"ErrImagePull"}}}]})")
            << "0/2"
            << "ImagePullBackOff"
            << "0";
        QTest::newRow("completed container next to a running one, pod ready")
            << pod(R"({"containers":[{"name":"a"},{"name":"b"}]})",
                   R"({"phase":"Running","conditions":[{"type":"Ready","status":"True"}],
                   "containerStatuses":[
                   {"name":"a","state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
                   {"name":"b","ready":true,"state":{"running":{}}}]})")
            << "1/2"
            << "Running"
            << "0";
        QTest::newRow("completed container next to a running one, pod not ready")
            << pod(R"({"containers":[{"name":"a"},{"name":"b"}]})",
                   R"({"phase":"Running","conditions":[{"type":"Ready","status":"False"}],
                   "containerStatuses":[
                   {"name":"a","state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
                   {"name":"b","ready":true,"state":{"running":{}}}]})")
            << "1/2"
            << "NotReady"
            << "0";
        QTest::newRow("status reason overrides the phase")
            << pod(kOneContainer, R"({"phase":"Failed","reason":"Evicted"})") << "0/1"
            << "Evicted"
            << "0";
        QTest::newRow("scheduling gated")
            << pod(kOneContainer, R"({"phase":"Pending","conditions":[{"type":"PodScheduled",
                   "status":"False","reason":"SchedulingGated"}]})")
            << "0/1"
            << "SchedulingGated"
            << "0";
        QTest::newRow("terminating")
            << pod(kOneContainer, R"({"phase":"Running","containerStatuses":[{"name":"app",
                   "ready":true,"state":{"running":{}}}]})",
                   R"(,"deletionTimestamp":"2024-01-01T11:59:00Z")")
            << "1/1"
            << "Terminating"
            << "0";
        QTest::newRow("deleted pod on a lost node is unknown")
            << pod(kOneContainer, R"({"phase":"Running","reason":"NodeLost"})",
                   R"(,"deletionTimestamp":"2024-01-01T11:59:00Z")")
            << "0/1"
            << "Unknown"
            << "0";
        QTest::newRow("deleted pod that already finished keeps its status")
            << pod(kOneContainer, R"({"phase":"Succeeded","containerStatuses":[{"name":"app",
                   "state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]})",
                   R"(,"deletionTimestamp":"2024-01-01T11:59:00Z")")
            << "0/1"
            << "Completed"
            << "0";
        QTest::newRow("first init container running")
            << pod(kTwoInits, R"({"phase":"Pending","initContainerStatuses":[
                   {"name":"i1","state":{"running":{}}},
                   {"name":"i2","state":{"waiting":{"reason":"PodInitializing"}}}],
                   "containerStatuses":[{"name":"app",
                   "state":{"waiting":{"reason":"PodInitializing"}}}]})")
            << "0/1"
            << "Init:0/2"
            << "0";
        QTest::newRow("second init container running")
            << pod(kTwoInits, R"({"phase":"Pending","initContainerStatuses":[
                   {"name":"i1","state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
                   {"name":"i2","state":{"running":{}}}]})")
            << "0/1"
            << "Init:1/2"
            << "0";
        QTest::newRow("init container waiting for PodInitializing counts as progress")
            << pod(kTwoInits, R"({"phase":"Pending","initContainerStatuses":[
                   {"name":"i1","state":{"terminated":{"exitCode":0}}},
                   {"name":"i2","state":{"waiting":{"reason":"PodInitializing"}}}]})")
            << "0/1"
            << "Init:1/2"
            << "0";
        QTest::newRow("init container crash loop")
            << pod(kTwoInits, R"({"phase":"Pending","initContainerStatuses":[
                   {"name":"i1","restartCount":3,"state":{"waiting":{"reason":"CrashLoopBackOff"}},
                    "lastState":{"terminated":{"exitCode":1,
                    "finishedAt":"2024-01-01T11:58:00Z"}}}]})")
            << "0/1"
            << "Init:CrashLoopBackOff"
            << "3 (2m ago)";
        QTest::newRow("init container failed with a reason")
            << pod(kTwoInits, R"({"phase":"Pending","initContainerStatuses":[
                   {"name":"i1","state":{"terminated":{"exitCode":1,"reason":"Error"}}}]})")
            << "0/1"
            << "Init:Error"
            << "0";
        QTest::newRow("init container failed with an exit code")
            << pod(kTwoInits, R"({"phase":"Pending","initContainerStatuses":[
                   {"name":"i1","state":{"terminated":{"exitCode":3}}}]})")
            << "0/1"
            << "Init:ExitCode:3"
            << "0";
        QTest::newRow("init container killed by a signal")
            << pod(kTwoInits, R"({"phase":"Pending","initContainerStatuses":[
                   {"name":"i1","state":{"terminated":{"exitCode":137,"signal":9}}}]})")
            << "0/1"
            << "Init:Signal:9"
            << "0";
        QTest::newRow("initialized pod keeps a failed init reason, counts app containers")
            << pod(kTwoInits, R"({"phase":"Running","conditions":[
                   {"type":"Initialized","status":"True"}],"initContainerStatuses":[
                   {"name":"i1","restartCount":5,"state":{"terminated":{"exitCode":1}}}],
                   "containerStatuses":[{"name":"app","ready":true,"state":{"running":{}}}]})")
            << "1/1"
            << "Init:ExitCode:1"
            << "0";
        QTest::newRow("started sidecar counts as a ready container")
            << pod(R"({"initContainers":[{"name":"proxy","restartPolicy":"Always"}],
                   "containers":[{"name":"app"}]})",
                   R"({"phase":"Running","initContainerStatuses":[{"name":"proxy",
                   "started":true,"ready":true,"restartCount":2,"state":{"running":{}},
                   "lastState":{"terminated":{"finishedAt":"2024-01-01T11:59:50Z"}}}],
                   "containerStatuses":[{"name":"app","ready":true,"state":{"running":{}}}]})")
            << "2/2"
            << "Running"
            << "2 (10s ago)";
        QTest::newRow("sidecar not started yet blocks initialization")
            << pod(R"({"initContainers":[{"name":"proxy","restartPolicy":"Always"}],
                   "containers":[{"name":"app"}]})",
                   R"({"phase":"Pending","initContainerStatuses":[{"name":"proxy",
                   "started":false,"state":{"running":{}}}]})")
            << "0/2"
            << "Init:0/1"
            << "0";
    }
    void podStatus()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, ready);
        QFETCH(QString, status);
        QFETCH(QString, restarts);
        const QStringList row = cells(kindOf("pods"), json).split(" | ");
        QCOMPARE(row.size(), 9);
        QCOMPARE(row[0], QString("web"));
        QCOMPARE(row[1], ready);
        QCOMPARE(row[2], status);
        QCOMPARE(row[3], restarts);
        QCOMPARE(row[4], QString("5m"));
    }

    void finishedPodsCarryRowConditions_data()
    {
        QTest::addColumn<QString>("phase");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QString>("message");
        QTest::newRow("succeeded") << "Succeeded"
                                   << "Succeeded"
                                   << "The pod has completed successfully.";
        QTest::newRow("failed") << "Failed"
                                << "Failed"
                                << "The pod failed.";
        QTest::newRow("running has none") << "Running"
                                          << ""
                                          << "";
    }
    void finishedPodsCarryRowConditions()
    {
        QFETCH(QString, phase);
        QFETCH(QString, reason);
        QFETCH(QString, message);
        const auto m =
            decode(kindOf("pods"), pod(kOneContainer, "{\"phase\":\"" + phase.toUtf8() + "\"}"));
        QVERIFY(m);
        const Result<PrintedRow> row = printRow(kindOf("pods"), *m, kNowTime);
        QVERIFY(row.isOk());
        if (reason.isEmpty()) {
            QVERIFY(row.value().conditions.empty());
            return;
        }
        QCOMPARE(row.value().conditions.size(), size_t(1));
        const RowCondition expected{"Completed", "True", reason.toStdString(),
                                    message.toStdString()};
        QVERIFY(row.value().conditions[0] == expected);
    }

    void podWideCells_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("nothing scheduled yet")
            << pod(kOneContainer, R"({"phase":"Pending"})") << "<none> | <none> | <none> | <none>";
        QTest::newRow("first of podIPs, node and nominated node")
            << pod(R"({"nodeName":"node-1","containers":[{"name":"app"}]})",
                   R"({"podIP":"10.0.0.9","podIPs":[{"ip":"10.0.0.5"},{"ip":"fd00::5"}],
                   "nominatedNodeName":"node-2"})")
            << "10.0.0.5 | node-1 | node-2 | <none>";
        QTest::newRow("podIP alone is used") << pod(kOneContainer, R"({"podIP":"10.0.0.9"})")
                                             << "10.0.0.9 | <none> | <none> | <none>";
        QTest::newRow("readiness gates that are true")
            << pod(R"({"containers":[{"name":"app"}],"readinessGates":[
                   {"conditionType":"example.com/a"},{"conditionType":"example.com/b"}]})",
                   R"({"conditions":[{"type":"example.com/a","status":"True"},
                   {"type":"example.com/b","status":"False"}]})")
            << "<none> | <none> | <none> | 1/2";
    }
    void podWideCells()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        const QStringList row = cells(kindOf("pods"), json).split(" | ");
        QCOMPARE(row.mid(5).join(" | "), expected);
    }

    void nodeRow_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("ready worker with wide details")
            << QByteArray(
                   R"({"metadata":{"name":"node-1","creationTimestamp":"2023-12-30T07:00:00Z"},
                "status":{"conditions":[{"type":"MemoryPressure","status":"False"},
                {"type":"Ready","status":"True"}],
                "addresses":[{"type":"Hostname","address":"node-1"},
                {"type":"InternalIP","address":"10.1.0.2"},
                {"type":"InternalIP","address":"10.1.0.3"}],
                "nodeInfo":{"kubeletVersion":"v1.31.0","osImage":"Kubist OS",
                "kernelVersion":"6.1.0","containerRuntimeVersion":"kubist-runtime-1.0"}}})")
            << "node-1 | Ready | <none> | 2d5h | v1.31.0 | 10.1.0.2 | <none> | Kubist OS | 6.1.0 | "
               "kubist-runtime-1.0";
        QTest::newRow("cordoned control plane with roles sorted")
            << QByteArray(R"({"metadata":{"name":"cp","labels":{
                "node-role.kubernetes.io/control-plane":"","node-role.kubernetes.io/":"x",
                "kubernetes.io/role":"master","node-role.kubernetes.io/etcd":"true"}},
                "spec":{"unschedulable":true},
                "status":{"conditions":[{"type":"Ready","status":"True"}],
                "addresses":[{"type":"ExternalIP","address":"203.0.113.7"}]}})")
            << "cp | Ready,SchedulingDisabled | control-plane,etcd,master | <unknown> |  | <none> "
               "| "
               "203.0.113.7 | <unknown> | <unknown> | <unknown>";
        QTest::newRow("not ready")
            << QByteArray(R"({"metadata":{"name":"n"},"status":{"conditions":[
                {"type":"Ready","status":"Unknown"}]}})")
            << "n | NotReady | <none> | <unknown> |  | <none> | <none> | <unknown> | <unknown> | "
               "<unknown>";
        QTest::newRow("no ready condition, cordoned")
            << QByteArray(R"({"metadata":{"name":"n"},"spec":{"unschedulable":true}})")
            << "n | Unknown,SchedulingDisabled | <none> | <unknown> |  | <none> | <none> | "
               "<unknown> | <unknown> | <unknown>";
    }
    void nodeRow()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        QCOMPARE(cells(kindOf("nodes"), json), expected);
    }

    void serviceRow_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        const QByteArray meta =
            R"("metadata":{"name":"web","creationTimestamp":"2024-01-01T11:00:00Z"})";
        QTest::newRow("cluster ip with node ports and a selector")
            << "{" + meta + R"(,"spec":{"type":"NodePort","clusterIP":"10.96.0.10",
                   "clusterIPs":["10.96.0.10"],"selector":{"tier":"front","app":"web"},
                   "ports":[{"port":80,"protocol":"TCP"},
                   {"port":443,"nodePort":30443,"protocol":"TCP"}]}})"
            << "web | NodePort | 10.96.0.10 | <none> | 80/TCP,443:30443/TCP | 60m | "
               "app=web,tier=front";
        QTest::newRow("cluster ip with external ips and udp")
            << "{" + meta + R"(,"spec":{"type":"ClusterIP","clusterIP":"10.96.0.11",
                   "externalIPs":["198.51.100.1","198.51.100.2"],
                   "ports":[{"port":53,"protocol":"UDP"}]}})"
            << "web | ClusterIP | 10.96.0.11 | 198.51.100.1,198.51.100.2 | 53/UDP | 60m | <none>";
        QTest::newRow("headless without ports, unset type and protocol defaults")
            << "{" + meta + R"(,"spec":{"clusterIP":"None"}})"
            << "web | ClusterIP | None | <none> | <none> | 60m | <none>";
        QTest::newRow("unset protocol reads as TCP")
            << "{" + meta + R"(,"spec":{"clusterIPs":["10.96.0.12"],"ports":[{"port":8080}]}})"
            << "web | ClusterIP | 10.96.0.12 | <none> | 8080/TCP | 60m | <none>";
        QTest::newRow("load balancer pending")
            << "{" + meta + R"(,"spec":{"type":"LoadBalancer","clusterIPs":["10.96.0.13"],
                   "ports":[{"port":80,"nodePort":31000,"protocol":"TCP"}]}})"
            << "web | LoadBalancer | 10.96.0.13 | <pending> | 80:31000/TCP | 60m | <none>";
        QTest::newRow("load balancer ingress sorted, then external ips")
            << "{" + meta + R"(,"spec":{"type":"LoadBalancer","clusterIPs":["10.96.0.13"],
                   "externalIPs":["192.0.2.9"]},"status":{"loadBalancer":{"ingress":[
                   {"ip":"203.0.113.9"},{"hostname":"lb.example.com"},{"ip":"203.0.113.1"},
                   {"ip":"203.0.113.9"}]}}})"
            << "web | LoadBalancer | 10.96.0.13 | 203.0.113.1,203.0.113.9,lb.example.com,"
               "192.0.2.9 | <none> | 60m | <none>";
        QTest::newRow("external name")
            << "{" + meta + R"(,"spec":{"type":"ExternalName","externalName":"db.example.com"}})"
            << "web | ExternalName | <none> | db.example.com | <none> | 60m | <none>";
        QTest::newRow("unknown type") << "{" + meta + R"(,"spec":{"type":"Weird"}})"
                                      << "web | Weird | <none> | <unknown> | <none> | 60m | <none>";
    }
    void serviceRow()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        QCOMPARE(cells(kindOf("services"), json), expected);
    }

    void endpointsRow_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no subsets")
            << QByteArray(R"({"metadata":{"name":"e"}})") << "e | <none> | <unknown>";
        QTest::newRow("addresses times ports, cut at three")
            << QByteArray(R"({"metadata":{"name":"e"},"subsets":[{"addresses":[{"ip":"10.0.0.1"},
                {"ip":"10.0.0.2"}],"ports":[{"name":"http","port":80},
                {"name":"https","port":443}]}]})")
            << "e | 10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more... | <unknown>";
        QTest::newRow("headless addresses without ports and ipv6")
            << QByteArray(R"({"metadata":{"name":"e"},"subsets":[{"addresses":[{"ip":"10.0.0.1"}]},
                {"addresses":[{"ip":"fd00::1"}],"ports":[{"port":8080}]}]})")
            << "e | 10.0.0.1,[fd00::1]:8080 | <unknown>";
        QTest::newRow("subsets with only not-ready addresses print empty")
            << QByteArray(R"({"metadata":{"name":"e"},"subsets":[{"notReadyAddresses":[
                {"ip":"10.0.0.1"}],"ports":[{"port":80}]}]})")
            << "e |  | <unknown>";
    }
    void endpointsRow()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        QCOMPARE(cells(kindOf("endpoints"), json), expected);
    }

    void eventRow_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("core event with source and counts")
            << QByteArray(R"({"metadata":{"name":"web.17a"},"involvedObject":{"kind":"Pod",
                "name":"web","fieldPath":"spec.containers{app}"},"reason":"Pulled",
                "message":"  Pulled image  ","source":{"component":"kubelet","host":"node-1"},
                "firstTimestamp":"2024-01-01T11:50:00Z","lastTimestamp":"2024-01-01T11:59:00Z",
                "count":3,"type":"Normal"})")
            << "60s | Normal | Pulled | pod/web | spec.containers{app} | kubelet, node-1 | "
               "Pulled image | 10m | int:3 | web.17a";
        QTest::newRow("new-style event with series and reporting controller")
            << QByteArray(R"({"metadata":{"name":"x"},"involvedObject":{"kind":"Node"},
                "reason":"Rebooted","type":"Warning","eventTime":"2024-01-01T11:00:00.000000Z",
                "series":{"count":7,"lastObservedTime":"2024-01-01T11:58:00.000000Z"},
                "reportingComponent":"kubist-kubelet","reportingInstance":"node-2"})")
            << "2m | Warning | Rebooted | node |  | kubist-kubelet, node-2 |  | 60m | int:7 | x";
        QTest::newRow("singleton without timestamps counts once")
            << QByteArray(R"({"metadata":{"name":"y"},"involvedObject":{"kind":"Deployment",
                "name":"web"},"reason":"ScalingReplicaSet",
                "source":{"component":"deployment-controller"}})")
            << "<unknown> |  | ScalingReplicaSet | deployment/web |  | deployment-controller |  | "
               "<unknown> | int:1 | y";
    }
    void eventRow()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        QCOMPARE(cells(kindOf("events"), json), expected);
    }

    void otherKindsRow_data()
    {
        QTest::addColumn<QString>("group");
        QTest::addColumn<QString>("resource");
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        const QByteArray meta =
            R"("metadata":{"name":"o","creationTimestamp":"2024-01-01T11:59:55Z"})";
        QTest::newRow("namespace") << ""
                                   << "namespaces"
                                   << "{" + meta + R"(,"status":{"phase":"Terminating"}})"
                                   << "o | Terminating | 5s";
        QTest::newRow("namespace without phase is active") << ""
                                                           << "namespaces"
                                                           << "{" + meta + "}"
                                                           << "o | Active | 5s";
        QTest::newRow("configmap counts data and binary data")
            << ""
            << "configmaps"
            << "{" + meta + R"(,"data":{"a":"1","b":"2"},"binaryData":{"c":"AA=="}})"
            << "o | int:3 | 5s";
        QTest::newRow("secret") << ""
                                << "secrets"
                                << "{" + meta + R"(,"type":"kubernetes.io/tls","data":{"tls.crt":"",
                                       "tls.key":""}})"
                                << "o | kubernetes.io/tls | int:2 | 5s";
        QTest::newRow("secret without type is opaque") << ""
                                                       << "secrets"
                                                       << "{" + meta + "}"
                                                       << "o | Opaque | int:0 | 5s";
        QTest::newRow("service account") << ""
                                         << "serviceaccounts"
                                         << "{" + meta + R"(,"secrets":[{"name":"t"}]})"
                                         << "o | int:1 | 5s";
        QTest::newRow("deployment ready of desired, wide cells")
            << "apps"
            << "deployments"
            << "{" + meta + R"(,"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"},
                   "matchExpressions":[{"key":"tier","operator":"In","values":["b","a"]}]},
                   "template":{"spec":{"containers":[{"name":"app","image":"nginx:1.27"},
                   {"name":"log","image":"busybox"}]}}},
                   "status":{"readyReplicas":2,"updatedReplicas":3,"availableReplicas":2}})"
            << "o | 2/3 | int:3 | int:2 | 5s | app,log | nginx:1.27,busybox | app=web,tier in "
               "(a,b)";
        QTest::newRow("deployment without replicas or selector")
            << "apps"
            << "deployments"
            << "{" + meta + "}"
            << "o | 0/1 | int:0 | int:0 | 5s |  |  | ";
        QTest::newRow("deployment with an invalid selector")
            << "apps"
            << "deployments"
            << "{" + meta + R"(,"spec":{"selector":{"matchLabels":{"bad key":"x"}}}})"
            << "o | 0/1 | int:0 | int:0 | 5s |  |  | <invalid>";
        QTest::newRow("replica set")
            << "apps"
            << "replicasets"
            << "{" + meta + R"(,"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
                   "template":{"spec":{"containers":[{"name":"app","image":"nginx"}]}}},
                   "status":{"replicas":2,"readyReplicas":1}})"
            << "o | int:2 | int:2 | int:1 | 5s | app | nginx | app=web";
        QTest::newRow("replica set with empty selector")
            << "apps"
            << "replicasets"
            << "{" + meta + R"(,"spec":{"selector":{}}})"
            << "o | int:1 | int:0 | int:0 | 5s |  |  | <none>";
        QTest::newRow("lease with holder") << "coordination.k8s.io"
                                           << "leases"
                                           << "{" + meta + R"(,"spec":{"holderIdentity":"node-1"}})"
                                           << "o | node-1 | 5s";
        QTest::newRow("lease without holder") << "coordination.k8s.io"
                                              << "leases"
                                              << "{" + meta + "}"
                                              << "o |  | 5s";
        QTest::newRow("pdb with min available")
            << "policy"
            << "poddisruptionbudgets"
            << "{" + meta + R"(,"spec":{"minAvailable":2},"status":{"disruptionsAllowed":1}})"
            << "o | 2 | N/A | int:1 | 5s";
        QTest::newRow("pdb with a percentage")
            << "policy"
            << "poddisruptionbudgets"
            << "{" + meta + R"(,"spec":{"maxUnavailable":"25%"}})"
            << "o | N/A | 25% | int:0 | 5s";
        QTest::newRow("endpoint slice cut at three")
            << "discovery.k8s.io"
            << "endpointslices"
            << "{" + meta + R"(,"addressType":"IPv4","ports":[{"name":"http","port":80},
                   {"name":"named"},{},{"port":9090}],"endpoints":[{"addresses":["10.0.0.1"]},
                   {"addresses":["10.0.0.2","10.0.0.3","10.0.0.4"]}]})"
            << "o | IPv4 | 80,named,* + 1 more... | 10.0.0.1,10.0.0.2,10.0.0.3 + 1 more... | 5s";
        QTest::newRow("empty endpoint slice")
            << "discovery.k8s.io"
            << "endpointslices"
            << "{" + meta + R"(,"addressType":"IPv6","ports":[],"endpoints":[]})"
            << "o | IPv6 | <unset> | <unset> | 5s";
    }
    void otherKindsRow()
    {
        QFETCH(QString, group);
        QFETCH(QString, resource);
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        const api::KindInfo *kind =
            api::Scheme::builtin().byResource(group.toStdString(), resource.toStdString());
        QVERIFY(kind);
        QCOMPARE(cells(*kind, json), expected);
    }

    void columns_data()
    {
        QTest::addColumn<QString>("group");
        QTest::addColumn<QString>("resource");
        QTest::addColumn<QString>("columns"); // name:type, "+" marks priority 1
        QTest::newRow("pods") << ""
                              << "pods"
                              << "Name:string Ready:string Status:string Restarts:string "
                                 "Age:string +IP:string +Node:string +Nominated Node:string "
                                 "+Readiness Gates:string";
        QTest::newRow("nodes") << ""
                               << "nodes"
                               << "Name:string Status:string Roles:string Age:string "
                                  "Version:string +Internal-IP:string +External-IP:string "
                                  "+OS-Image:string +Kernel-Version:string "
                                  "+Container-Runtime:string";
        QTest::newRow("services") << ""
                                  << "services"
                                  << "Name:string Type:string Cluster-IP:string "
                                     "External-IP:string Port(s):string Age:string "
                                     "+Selector:string";
        QTest::newRow("endpoints") << ""
                                   << "endpoints"
                                   << "Name:string Endpoints:string Age:string";
        QTest::newRow("events") << ""
                                << "events"
                                << "Last Seen:string Type:string Reason:string Object:string "
                                   "+Subobject:string +Source:string Message:string "
                                   "+First Seen:string +Count:string +Name:string";
        QTest::newRow("namespaces") << ""
                                    << "namespaces"
                                    << "Name:string Status:string Age:string";
        QTest::newRow("configmaps") << ""
                                    << "configmaps"
                                    << "Name:string Data:string Age:string";
        QTest::newRow("secrets") << ""
                                 << "secrets"
                                 << "Name:string Type:string Data:string Age:string";
        QTest::newRow("serviceaccounts") << ""
                                         << "serviceaccounts"
                                         << "Name:string Secrets:string Age:string";
        QTest::newRow("deployments") << "apps"
                                     << "deployments"
                                     << "Name:string Ready:string Up-to-date:string "
                                        "Available:string Age:string +Containers:string "
                                        "+Images:string +Selector:string";
        QTest::newRow("replicasets") << "apps"
                                     << "replicasets"
                                     << "Name:string Desired:integer Current:integer "
                                        "Ready:integer Age:string +Containers:string "
                                        "+Images:string +Selector:string";
        QTest::newRow("leases") << "coordination.k8s.io"
                                << "leases"
                                << "Name:string Holder:string Age:string";
        QTest::newRow("poddisruptionbudgets") << "policy"
                                              << "poddisruptionbudgets"
                                              << "Name:string Min Available:string "
                                                 "Max Unavailable:string "
                                                 "Allowed Disruptions:integer Age:string";
        QTest::newRow("endpointslices") << "discovery.k8s.io"
                                        << "endpointslices"
                                        << "Name:string AddressType:string Ports:string "
                                           "Endpoints:string Age:string";
    }
    void columns()
    {
        QFETCH(QString, group);
        QFETCH(QString, resource);
        QFETCH(QString, columns);
        const api::KindInfo *kind =
            api::Scheme::builtin().byResource(group.toStdString(), resource.toStdString());
        QVERIFY(kind);
        QVERIFY(hasPrinter(*kind));
        QStringList got;
        int nameColumns = 0;
        for (const ColumnDefinition &c : columnDefinitions(*kind)) {
            got << QString::fromStdString((c.priority == 1 ? "+" : "") + c.name + ":" + c.type);
            QVERIFY(!c.description.empty());
            if (c.format == "name") {
                ++nameColumns;
                QCOMPARE(c.name, std::string("Name"));
            } else {
                QCOMPARE(c.format, std::string());
            }
        }
        QCOMPARE(nameColumns, 1);
        QCOMPARE(got.join(' '), columns);
    }

    void everyRowHasOneCellPerColumn_data()
    {
        QTest::addColumn<QString>("group");
        QTest::addColumn<QString>("resource");
        for (const api::KindInfo &k : api::Scheme::builtin().kinds())
            if (!k.subresourceOnly && !k.resource.empty())
                QTest::newRow(k.resource.c_str())
                    << QString::fromStdString(k.group) << QString::fromStdString(k.resource);
    }
    void everyRowHasOneCellPerColumn()
    {
        QFETCH(QString, group);
        QFETCH(QString, resource);
        const api::KindInfo *kind =
            api::Scheme::builtin().byResource(group.toStdString(), resource.toStdString());
        QVERIFY(kind);
        const std::unique_ptr<google::protobuf::Message> empty =
            api::Scheme::newMessage(kind->descriptor);
        const Result<PrintedRow> row = printRow(*kind, *empty, kNowTime);
        QVERIFY(row.isOk());
        QCOMPARE(row.value().cells.size(), columnDefinitions(*kind).size());
    }

    void defaultTableForKindsWithoutPrinter()
    {
        api::KindInfo kind = kindOf("configmaps");
        kind.descriptor = api::Scheme::builtin().byKind("v1", "Binding")->descriptor;
        QVERIFY(!hasPrinter(kind));
        const auto binding =
            decode(kind, R"({"metadata":{"name":"b","creationTimestamp":"2024-01-01T11:00:00Z"}})");
        QVERIFY(binding);
        TableOptions options;
        options.nowSeconds = kNow;
        options.includeObject = TableOptions::IncludeObject::None;
        const Result<std::string> json = tableJson(kind, {binding.get()}, {"42", "", {}}, options);
        QVERIFY(json.isOk());
        QCOMPARE(json.value(),
                 std::string(R"({"kind":"Table","apiVersion":"meta.k8s.io/v1",)"
                             R"("metadata":{"resourceVersion":"42"},"columnDefinitions":[)"
                             R"({"name":"Name","type":"string","format":"name","description":)"
                             R"("Name of the object, unique within its namespace.","priority":0},)"
                             R"({"name":"Created At","type":"date","format":"","description":)"
                             R"("When the object was created (its creationTimestamp).",)"
                             R"("priority":0}],"rows":[{"cells":["b","2024-01-01T11:00:00Z"],)"
                             R"("object":null}]})"));

        const auto old = decode(kind, R"({"metadata":{"name":"c"}})");
        const Result<PrintedRow> row = printRow(kind, *old, kNowTime);
        QVERIFY(row.isOk());
        QCOMPARE(str(row.value().cells[1]), std::string("0001-01-01T00:00:00Z"));

        options.includeColumnDefinitions = false;
        const Result<std::string> empty = tableJson(kind, {}, {}, options);
        QVERIFY(empty.isOk());
        QCOMPARE(empty.value(), std::string(R"({"kind":"Table","apiVersion":"meta.k8s.io/v1",)"
                                            R"("metadata":{},"columnDefinitions":null,)"
                                            R"("rows":null})"));
    }

    void tableJsonIncludeObject_data()
    {
        QTest::addColumn<int>("include");
        QTest::addColumn<QByteArray>("object");
        QTest::newRow("none") << int(TableOptions::IncludeObject::None) << QByteArray("null");
        QTest::newRow("metadata")
            << int(TableOptions::IncludeObject::Metadata)
            << QByteArray(R"({"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1",)"
                          R"("metadata":{"name":"cfg","namespace":"default",)"
                          R"("creationTimestamp":"2024-01-01T11:00:00Z"}})");
        QTest::newRow("object")
            << int(TableOptions::IncludeObject::Object)
            << QByteArray(R"({"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"cfg",)"
                          R"("namespace":"default","creationTimestamp":"2024-01-01T11:00:00Z"},)"
                          R"("data":{"k":"v"}})");
    }
    void tableJsonIncludeObject()
    {
        QFETCH(int, include);
        QFETCH(QByteArray, object);
        const api::KindInfo &kind = kindOf("configmaps");
        const auto cm = decode(kind, R"({"metadata":{"name":"cfg","namespace":"default",
            "creationTimestamp":"2024-01-01T11:00:00Z"},"data":{"k":"v"}})");
        QVERIFY(cm);
        TableOptions options;
        options.includeObject = TableOptions::IncludeObject(include);
        options.includeColumnDefinitions = false;
        options.nowSeconds = kNow;
        const Result<std::string> json =
            tableJson(kind, {cm.get(), cm.get()}, {"7", "next", 12}, options);
        QVERIFY(json.isOk());
        const std::string row =
            R"({"cells":["cfg",1,"60m"],"object":)" + object.toStdString() + "}";
        QCOMPARE(json.value(), R"({"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{)"
                               R"("resourceVersion":"7","continue":"next",)"
                               R"("remainingItemCount":12},"columnDefinitions":null,"rows":[)" +
                                   row + "," + row + "]}");
    }

    void tableJsonListWithColumnsAndConditions()
    {
        const api::KindInfo &kind = kindOf("pods");
        const auto done = decode(kind, pod(kOneContainer, R"({"phase":"Succeeded"})"));
        QVERIFY(done);
        TableOptions options;
        options.includeObject = TableOptions::IncludeObject::None;
        options.nowSeconds = kNow;
        const Result<std::string> json = tableJson(kind, {done.get()}, {"9", "", {}}, options);
        QVERIFY(json.isOk());
        const std::string &s = json.value();
        QVERIFY(s.starts_with(R"({"kind":"Table","apiVersion":"meta.k8s.io/v1",)"
                              R"("metadata":{"resourceVersion":"9"},"columnDefinitions":[)"
                              R"({"name":"Name","type":"string","format":"name",)"));
        QVERIFY(s.find(R"({"name":"Readiness Gates","type":"string","format":"",)") !=
                std::string::npos);
        QVERIFY(s.ends_with(R"("rows":[{"cells":["web","0/1","Succeeded","0","5m","<none>",)"
                            R"("<none>","<none>","<none>"],"conditions":[{"type":"Completed",)"
                            R"("status":"True","reason":"Succeeded","message":)"
                            R"("The pod has completed successfully."}],"object":null}]})"));

        const Result<std::string> empty = tableJson(kind, {}, {"9", "", {}}, options);
        QVERIFY(empty.isOk());
        QVERIFY(empty.value().ends_with(R"("rows":[]})"));
    }

    void tableJsonRejectsObjectsOfAnotherKind()
    {
        const auto cm = decode(kindOf("configmaps"), R"({"metadata":{"name":"x"}})");
        QVERIFY(cm);
        const Result<std::string> json = tableJson(kindOf("pods"), {cm.get()}, {}, {});
        QVERIFY(!json.isOk());
        QCOMPARE(json.status().code(), Status::Code::InvalidArgument);
        const Result<std::string> null = tableJson(kindOf("pods"), {nullptr}, {}, {});
        QVERIFY(!null.isOk());
    }

    void parseIncludeObjectValues_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<int>("expected"); // -1: rejected
        QTest::newRow("absent means metadata") << "" << int(TableOptions::IncludeObject::Metadata);
        QTest::newRow("Metadata") << "Metadata" << int(TableOptions::IncludeObject::Metadata);
        QTest::newRow("None") << "None" << int(TableOptions::IncludeObject::None);
        QTest::newRow("Object") << "Object" << int(TableOptions::IncludeObject::Object);
        QTest::newRow("case matters") << "object" << -1;
    }
    void parseIncludeObjectValues()
    {
        QFETCH(QString, value);
        QFETCH(int, expected);
        const Result<TableOptions::IncludeObject> r = parseIncludeObject(value.toStdString());
        if (expected < 0) {
            QVERIFY(!r.isOk());
            QCOMPARE(QString::fromStdString(r.status().message()),
                     QString("Unable to convert to Table as requested: includeObject: "
                             "Unsupported value: \"object\": supported values: \"Metadata\", "
                             "\"None\", \"Object\""));
            return;
        }
        QVERIFY(r.isOk());
        QCOMPARE(int(r.value()), expected);
    }
};

QTEST_GUILESS_MAIN(TestPrinters)
#include "tst_printers.moc"
