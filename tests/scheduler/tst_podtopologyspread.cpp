#include "backend/api/labelselector.h"
#include "backend/scheduler/framework/clusterlister.h"
#include "backend/scheduler/framework/framework.h"
#include "backend/scheduler/plugins/podtopologyspread/podtopologyspread.h"
#include "schedulertestutil.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"
#include "policy_v1.pb.h"

#include <map>

using namespace kubist;
using namespace kubist::scheduler;
using Code = PluginStatus::Code;
using plugins::PodTopologySpread;

// Filter and score cases follow upstream's filtering_test.go and
// scoring_test.go (TestSingleConstraint, TestMultipleConstraints,
// TestPodTopologySpreadScore), with the expected scores worked out from
// upstream's formula.
class TestPodTopologySpread : public QObject
{
    Q_OBJECT

private slots:
    void filter_data();
    void filter();
    void skip_data();
    void skip();
    void score_data();
    void score();
    void defaultSelector_data();
    void defaultSelector();
    void preemptionAddsAndRemovesPods();
    void sixReplicasSpreadOverThreeZones_data();
    void sixReplicasSpreadOverThreeZones();
    void fiveThousandNodes();
    void liveSnapshotScoresAsAFreshOne_data();
    void liveSnapshotScoresAsAFreshOne();
    void domainSumsAgreeWithVisitingEveryNode();
};

namespace {

const std::string kHostname = "kubernetes.io/hostname";
const std::string kZone = "topology.kubernetes.io/zone";

// "k=v,k2=v2,flag" -> {"k":"v","k2":"v2","flag":""}
std::string labelsJson(const QString &spec)
{
    std::string out = "{";
    const QStringList items = spec.split(',', Qt::SkipEmptyParts);
    for (int i = 0; i < items.size(); ++i) {
        const qsizetype eq = items[i].indexOf('=');
        const QString key = eq < 0 ? items[i] : items[i].left(eq);
        const QString value = eq < 0 ? QString() : items[i].mid(eq + 1);
        out += std::string(i ? "," : "") + "\"" + key.toStdString() + "\":\"" +
               value.toStdString() + "\"";
    }
    return out + "}";
}

// "name;labels[;tainted]": a node; "tainted" adds the unschedulable
// NoSchedule taint.
std::shared_ptr<const schedtest::core::Node> nodeFromSpec(const QString &spec)
{
    const QStringList parts = spec.split(';');
    const std::string name = parts[0].toStdString();
    const std::string labels = labelsJson(parts.value(1));
    std::string taints = "[]";
    if (parts.value(2) == "tainted")
        taints = "[{\"key\":\"node.kubernetes.io/unschedulable\",\"effect\":\"NoSchedule\"}]";
    return schedtest::node(QByteArray::fromStdString(
        "{\"metadata\":{\"name\":\"" + name + "\",\"labels\":" + labels +
        "},\"spec\":{\"taints\":" + taints +
        "},\"status\":{\"allocatable\":{\"cpu\":\"64\",\"memory\":\"256Gi\",\"pods\":\"500\"}}}"));
}

// "[ns/]name@node;labels[!]": a pod bound to node; "!" marks it
// terminating (deletionTimestamp set).
std::shared_ptr<const schedtest::core::Pod> podFromSpec(QString spec)
{
    const bool terminating = spec.endsWith('!');
    if (terminating)
        spec.chop(1);
    const qsizetype semi = spec.indexOf(';');
    QString head = semi < 0 ? spec : spec.left(semi);
    const QString labels = semi < 0 ? QString() : spec.mid(semi + 1);
    QString ns = "default";
    const qsizetype at = head.indexOf('@');
    QString name = head.left(at);
    const QString node = head.mid(at + 1);
    if (name.contains('/')) {
        ns = name.section('/', 0, 0);
        name = name.section('/', 1);
    }
    std::string meta = "\"name\":\"" + name.toStdString() + "\",\"namespace\":\"" +
                       ns.toStdString() + "\",\"uid\":\"uid-" + ns.toStdString() + "-" +
                       name.toStdString() + "\",\"labels\":" + labelsJson(labels);
    if (terminating)
        meta += ",\"deletionTimestamp\":\"2024-01-01T00:00:00Z\"";
    return schedtest::pod(QByteArray::fromStdString(
        "{\"metadata\":{" + meta + "},\"spec\":{\"nodeName\":\"" + node.toStdString() +
        "\",\"containers\":[{\"name\":\"c\",\"image\":\"app\"}]}}"));
}

std::string exists(const std::string &key)
{
    return "{\"matchExpressions\":[{\"key\":\"" + key + "\",\"operator\":\"Exists\"}]}";
}

// One topologySpreadConstraint; `selector` "" leaves labelSelector null;
// `extra` adds fields ("\"minDomains\":3").
std::string tsc(int maxSkew, const std::string &key, const std::string &when,
                const std::string &selector, const std::string &extra = "")
{
    std::string out = "{\"maxSkew\":" + std::to_string(maxSkew) + ",\"topologyKey\":\"" + key +
                      "\",\"whenUnsatisfiable\":\"" + when + "\"";
    if (!selector.empty())
        out += ",\"labelSelector\":" + selector;
    if (!extra.empty())
        out += "," + extra;
    return out + "}";
}

std::string hard(int maxSkew, const std::string &key, const std::string &selector,
                 const std::string &extra = "")
{
    return tsc(maxSkew, key, "DoNotSchedule", selector, extra);
}

std::string soft(int maxSkew, const std::string &key, const std::string &selector,
                 const std::string &extra = "")
{
    return tsc(maxSkew, key, "ScheduleAnyway", selector, extra);
}

// The incoming pod: labels, constraints (JSON objects) and extra spec
// fields ("\"nodeSelector\":{...}") / metadata fields.
QByteArray incoming(const QString &labels, const std::vector<std::string> &constraints,
                    const std::string &extraSpec = "", const std::string &extraMeta = "",
                    const std::string &ns = "default")
{
    std::string list;
    for (const std::string &c : constraints)
        list += (list.empty() ? "" : ",") + c;
    std::string json = "{\"metadata\":{\"name\":\"p\",\"namespace\":\"" + ns +
                       "\",\"uid\":\"uid-p\",\"labels\":" + labelsJson(labels);
    if (!extraMeta.empty())
        json += "," + extraMeta;
    json += "},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"app\"}]";
    if (!list.empty())
        json += ",\"topologySpreadConstraints\":[" + list + "]";
    if (!extraSpec.empty())
        json += "," + extraSpec;
    return QByteArray::fromStdString(json + "}}");
}

std::string nodeAffinityIn(const std::string &key, const std::vector<std::string> &values)
{
    std::string list;
    for (const std::string &v : values)
        list += (list.empty() ? "\"" : ",\"") + v + "\"";
    return "\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":"
           "{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"" +
           key + "\",\"operator\":\"In\",\"values\":[" + list + "]}]}]}}}";
}

// "ns/name:k=v,k=v" -> a Service selecting those labels.
std::shared_ptr<const k8s::io::api::core::v1::Service> serviceFromSpec(const QString &spec)
{
    const QString id = spec.section(':', 0, 0);
    return schedtest::decode<k8s::io::api::core::v1::Service>(QByteArray::fromStdString(
        "{\"metadata\":{\"namespace\":\"" + id.section('/', 0, 0).toStdString() + "\",\"name\":\"" +
        id.section('/', 1).toStdString() +
        "\"},\"spec\":{\"selector\":" + labelsJson(spec.section(':', 1)) + "}}"));
}

std::shared_ptr<const k8s::io::api::apps::v1::ReplicaSet> replicaSet(const std::string &name,
                                                                     const std::string &selector)
{
    return schedtest::decode<k8s::io::api::apps::v1::ReplicaSet>(
        QByteArray::fromStdString("{\"metadata\":{\"namespace\":\"default\",\"name\":\"" + name +
                                  "\"},\"spec\":{\"selector\":" + selector + "}}"));
}

std::string ownedBy(const std::string &kind, const std::string &name,
                    const std::string &apiVersion = "apps/v1")
{
    return "\"ownerReferences\":[{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"" + kind +
           "\",\"name\":\"" + name + "\",\"uid\":\"u1\",\"controller\":true}]";
}

Snapshot makeSnapshot(const QStringList &nodes, const QStringList &pods,
                      std::shared_ptr<const ClusterLister> lister = nullptr)
{
    std::vector<Snapshot::NodePtr> nodeObjects;
    for (const QString &n : nodes)
        nodeObjects.push_back(nodeFromSpec(n));
    std::vector<Snapshot::PodPtr> podObjects;
    for (const QString &p : pods)
        podObjects.push_back(podFromSpec(p));
    Snapshot snapshot = Snapshot::build(nodeObjects, podObjects);
    snapshot.setLister(std::move(lister));
    return snapshot;
}

QString hostnamed(const QString &name, const QString &labels = {})
{
    return name + ";" + QString::fromStdString(kHostname) + "=" + name +
           (labels.isEmpty() ? QString() : "," + labels);
}

// node-a, node-b in zone1; node-x, node-y in zone2; label "node" = name.
QStringList fourNodes()
{
    return {"node-a;zone=zone1,node=node-a", "node-b;zone=zone1,node=node-b",
            "node-x;zone=zone2,node=node-x", "node-y;zone=zone2,node=node-y"};
}

const int S = int(Code::Success);
const int U = int(Code::Unschedulable);
const int UU = int(Code::UnschedulableAndUnresolvable);

} // namespace

void TestPodTopologySpread::filter_data()
{
    QTest::addColumn<QByteArray>("pod");
    QTest::addColumn<QStringList>("nodes");
    QTest::addColumn<QStringList>("pods");
    QTest::addColumn<QList<int>>("codes"); // per node, in name order

    const std::string foo = exists("foo");
    const std::string bar = exists("bar");
    const QStringList spread2103 = {"p-a1@node-a;foo", "p-a2@node-a;foo", "p-b1@node-b;foo",
                                    "p-y1@node-y;foo", "p-y2@node-y;foo", "p-y3@node-y;foo"};

    QTest::newRow("no existing pods") << incoming("foo", {hard(1, "zone", foo)}) << fourNodes()
                                      << QStringList() << QList<int>{S, S, S, S};
    QTest::newRow("no existing pods, incoming pod doesn't match itself")
        << incoming("foo", {hard(1, "zone", bar)}) << fourNodes() << QStringList()
        << QList<int>{S, S, S, S};
    QTest::newRow("existing pods in a different namespace do not count")
        << incoming("foo", {hard(1, "zone", foo)}) << fourNodes()
        << QStringList{"ns1/p-a1@node-a;foo", "ns2/p-b1@node-b;foo", "p-x1@node-x;foo",
                       "p-y1@node-y;foo"}
        << QList<int>{S, S, U, U};
    QTest::newRow("pods spread across zones as 3/3, all nodes fit")
        << incoming("foo", {hard(1, "zone", foo)}) << fourNodes()
        << QStringList{"p-a1@node-a;foo", "p-b1@node-b;foo", "p-b2@node-b;foo",
                       "p-x1@node-x;foo", "p-y1@node-y;foo", "p-y2@node-y;foo"}
        << QList<int>{S, S, S, S};
    QTest::newRow("pods spread across zones as 1/2 due to absence of label 'zone' on node-b")
        << incoming("foo", {hard(1, "zone", foo)})
        << QStringList{"node-a;zone=zone1,node=node-a", "node-b;zon=zone1,node=node-b",
                       "node-x;zone=zone2,node=node-x", "node-y;zone=zone2,node=node-y"}
        << QStringList{"p-a1@node-a;foo", "p-b1@node-b;foo", "p-x1@node-x;foo", "p-y1@node-y;foo"}
        << QList<int>{S, UU, U, U};
    QTest::newRow("pod cannot be scheduled as all nodes don't have label 'rack'")
        << incoming("foo", {hard(1, "rack", foo)}) << fourNodes() << QStringList()
        << QList<int>{UU, UU, UU, UU};
    QTest::newRow("pods spread across nodes as 2/1/0/3, only node-x fits")
        << incoming("foo", {hard(1, "node", foo)}) << fourNodes() << spread2103
        << QList<int>{U, U, S, U};
    QTest::newRow("pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit")
        << incoming("foo", {hard(2, "node", foo)}) << fourNodes() << spread2103
        << QList<int>{U, S, S, U};
    QTest::newRow("pods spread across nodes as 2/1/0/3, but pod doesn't match itself")
        << incoming("bar", {hard(1, "node", foo)}) << fourNodes() << spread2103
        << QList<int>{U, S, S, U};
    QTest::newRow("incoming pod has nodeAffinity, pods spread as 2/~1~/~0~/3, hence node-a fits")
        << incoming("foo", {hard(1, "node", foo)}, nodeAffinityIn("node", {"node-a", "node-y"}))
        << fourNodes() << spread2103 << QList<int>{S, S, S, U};
    QTest::newRow("nodeAffinityPolicy Ignore counts every node, only node-x fits")
        << incoming("foo", {hard(1, "node", foo, "\"nodeAffinityPolicy\":\"Ignore\"")},
                    nodeAffinityIn("node", {"node-a", "node-y"}))
        << fourNodes() << spread2103 << QList<int>{U, U, S, U};
    QTest::newRow("nodeTaintsPolicy Honor leaves the tainted empty node out, all fit")
        << incoming("foo", {hard(1, "node", foo, "\"nodeTaintsPolicy\":\"Honor\"")})
        << QStringList{"node-a;node=node-a", "node-b;node=node-b", "node-x;node=node-x;tainted",
                       "node-y;node=node-y"}
        << QStringList{"p-a1@node-a;foo", "p-b1@node-b;foo", "p-y1@node-y;foo"}
        << QList<int>{S, S, S, S};
    QTest::newRow("nodeTaintsPolicy Ignore counts the tainted empty node, only it fits")
        << incoming("foo", {hard(1, "node", foo)})
        << QStringList{"node-a;node=node-a", "node-b;node=node-b", "node-x;node=node-x;tainted",
                       "node-y;node=node-y"}
        << QStringList{"p-a1@node-a;foo", "p-b1@node-b;foo", "p-y1@node-y;foo"}
        << QList<int>{U, U, S, U};
    QTest::newRow("terminating Pods should be excluded")
        << incoming("foo", {hard(1, "node", foo)})
        << QStringList{"node-a;node=node-a", "node-b;node=node-b"}
        << QStringList{"p-a@node-a;foo!", "p-b@node-b;foo"} << QList<int>{S, U};
    QTest::newRow("two constraints on zone and node, spreads = [3/3, 2/1/0/3]")
        << incoming("foo", {hard(1, "zone", foo), hard(1, "node", foo)}) << fourNodes()
        << spread2103 << QList<int>{U, U, S, U};
    QTest::newRow("two constraints on zone and node, spreads = [1/4, 0/1/2/2]")
        << incoming("foo", {hard(1, "zone", foo), hard(1, "node", foo)}) << fourNodes()
        << QStringList{"p-b1@node-b;foo", "p-x1@node-x;foo", "p-x2@node-x;foo", "p-y1@node-y;foo",
                       "p-y2@node-y;foo"}
        << QList<int>{S, U, U, U};
    QTest::newRow("a label missing for any constraint makes every node unresolvable")
        << incoming("foo", {hard(1, "node", foo), hard(1, "rack", foo)}) << fourNodes()
        << spread2103 << QList<int>{UU, UU, UU, UU};
    QTest::newRow("minDomains above the number of domains makes the global minimum 0")
        << incoming("foo", {hard(2, "zone", foo, "\"minDomains\":3")}) << fourNodes()
        << QStringList{"p-a1@node-a;foo", "p-a2@node-a;foo", "p-x1@node-x;foo"}
        << QList<int>{U, U, S, S};
    QTest::newRow("minDomains met: the global minimum is the smallest domain")
        << incoming("foo", {hard(2, "zone", foo, "\"minDomains\":2")}) << fourNodes()
        << QStringList{"p-a1@node-a;foo", "p-a2@node-a;foo", "p-x1@node-x;foo"}
        << QList<int>{S, S, S, S};
    QTest::newRow("matchLabelKeys narrow the selector to the pod's own value")
        << incoming("foo,bar=a", {hard(1, "zone", foo, "\"matchLabelKeys\":[\"bar\"]")})
        << fourNodes()
        << QStringList{"p-a1@node-a;foo,bar=a", "p-y1@node-y;foo,bar=b", "p-y2@node-y;foo,bar=b"}
        << QList<int>{U, U, S, S};
    QTest::newRow("without matchLabelKeys every foo pod counts")
        << incoming("foo,bar=a", {hard(1, "zone", foo)}) << fourNodes()
        << QStringList{"p-a1@node-a;foo,bar=a", "p-y1@node-y;foo,bar=b", "p-y2@node-y;foo,bar=b"}
        << QList<int>{S, S, U, U};
    QTest::newRow("a null label selector matches nothing, not even the pod")
        << incoming("foo", {hard(1, "node", "")}) << fourNodes() << spread2103
        << QList<int>{S, S, S, S};
}

void TestPodTopologySpread::filter()
{
    QFETCH(QByteArray, pod);
    QFETCH(QStringList, nodes);
    QFETCH(QStringList, pods);
    QFETCH(QList<int>, codes);

    const auto incomingPod = schedtest::pod(pod);
    const Snapshot snapshot = makeSnapshot(nodes, pods);
    PodTopologySpread plugin;
    CycleState state;
    PreFilterResult result;
    const PluginStatus pre = plugin.preFilter(state, *incomingPod, snapshot, &result);
    QVERIFY2(pre.isSuccess(), pre.message().c_str());
    QVERIFY(result.allNodes());

    QList<int> got;
    for (const NodeInfo &info : snapshot.nodeInfos()) {
        const PluginStatus status = plugin.filter(state, *incomingPod, info);
        got << schedtest::codeOf(status);
        if (status.code() == Code::Unschedulable)
            QCOMPARE(status.message(),
                     std::string(PodTopologySpread::kErrReasonConstraintsNotMatch));
        if (status.code() == Code::UnschedulableAndUnresolvable)
            QCOMPARE(status.message(), std::string(PodTopologySpread::kErrReasonNodeLabelNotMatch));
        // A copy of the node (as preemption makes) takes the slow path and
        // must agree.
        const NodeInfo copy = info;
        QCOMPARE(schedtest::codeOf(plugin.filter(state, *incomingPod, copy)), got.back());
    }
    QCOMPARE(got, codes);
}

void TestPodTopologySpread::skip_data()
{
    QTest::addColumn<QByteArray>("pod");
    QTest::addColumn<bool>("withService");
    QTest::addColumn<int>("preFilter");
    QTest::addColumn<int>("preScore");

    const int skip = int(Code::Skip);
    const int error = int(Code::Error);
    QTest::newRow("no constraints, nothing selects the pod: both skip")
        << incoming("app=web", {}) << false << skip << skip;
    QTest::newRow("no constraints, a Service selects the pod: system defaults score")
        << incoming("app=web", {}) << true << skip << S;
    QTest::newRow("system defaults only apply to pods without constraints")
        << incoming("app=web", {hard(1, "zone", exists("app"))}) << true << S << skip;
    QTest::newRow("only soft constraints: PreFilter skips")
        << incoming("app=web", {soft(1, "zone", exists("app"))}) << false << skip << S;
    QTest::newRow("both kinds") << incoming("app=web", {soft(1, "zone", exists("app")),
                                                        hard(1, "node", exists("app"))})
                                << false << S << S;
    QTest::newRow("invalid selector is an error")
        << incoming("app=web", {hard(1, "zone",
                                     "{\"matchExpressions\":[{\"key\":\"app\",\"operator\":"
                                     "\"In\",\"values\":[]}]}")})
        << false << error << skip;
}

void TestPodTopologySpread::skip()
{
    QFETCH(QByteArray, pod);
    QFETCH(bool, withService);
    QFETCH(int, preFilter);
    QFETCH(int, preScore);

    auto lister = std::make_shared<ObjectLister>();
    if (withService)
        lister->serviceList.push_back(serviceFromSpec("default/web:app=web"));
    const Snapshot snapshot = makeSnapshot(fourNodes(), {}, lister);
    const auto incomingPod = schedtest::pod(pod);
    PodTopologySpread plugin;
    CycleState state;
    PreFilterResult result;
    QCOMPARE(schedtest::codeOf(plugin.preFilter(state, *incomingPod, snapshot, &result)),
             preFilter);
    std::vector<const NodeInfo *> nodes;
    for (const NodeInfo &info : snapshot.nodeInfos())
        nodes.push_back(&info);
    QCOMPARE(schedtest::codeOf(plugin.preScore(state, *incomingPod, snapshot, nodes)), preScore);
    // An empty snapshot never scores.
    CycleState empty;
    QCOMPARE(schedtest::codeOf(plugin.preScore(empty, *incomingPod, Snapshot(), {})),
             int(Code::Skip));
}

void TestPodTopologySpread::score_data()
{
    QTest::addColumn<QByteArray>("pod");
    QTest::addColumn<QStringList>("nodes");
    QTest::addColumn<QStringList>("pods");
    QTest::addColumn<QStringList>("feasible"); // empty: every node
    QTest::addColumn<QStringList>("services");
    QTest::addColumn<QList<qint64>>("raw");
    QTest::addColumn<QList<qint64>>("normalized");

    const std::string foo = exists("foo");
    const QStringList hostNodes = {hostnamed("node-a"), hostnamed("node-b"), hostnamed("node-c"),
                                   hostnamed("node-d")};
    const QStringList zoneNodes = {
        hostnamed("node-a", "zone=zone1"), hostnamed("node-b", "zone=zone1"),
        hostnamed("node-x", "zone=zone2"), hostnamed("node-y", "zone=zone2")};
    const QStringList zonePods = {"p-a1@node-a;foo", "p-a2@node-a;foo", "p-b1@node-b;foo",
                                  "p-y1@node-y;foo"};
    const QString z = QString::fromStdString(kZone);
    const QStringList defaultNodes = {
        hostnamed("node-a", z + "=zone1"), hostnamed("node-b", z + "=zone1"),
        hostnamed("node-x", z + "=zone2"), hostnamed("node-y", z + "=zone2")};
    const QStringList webPods = {"w1@node-a;app=web", "w2@node-a;app=web", "w3@node-b;app=web",
                                 "w4@node-x;app=web", "o1@node-y;app=other"};

    QTest::newRow("one constraint on node, no existing pods")
        << incoming("foo", {soft(1, kHostname, foo)}) << hostNodes.mid(0, 2) << QStringList()
        << QStringList() << QStringList() << QList<qint64>{0, 0} << QList<qint64>{100, 100};
    QTest::newRow("one constraint on node, only one node is candidate")
        << incoming("foo", {soft(1, kHostname, foo)}) << hostNodes.mid(0, 2)
        << QStringList{"p-a1@node-a;foo", "p-a2@node-a;foo", "p-b1@node-b;foo"}
        << QStringList{"node-a"} << QStringList() << QList<qint64>{2} << QList<qint64>{100};
    QTest::newRow("one constraint on node, all nodes have the same number of matching pods")
        << incoming("foo", {soft(1, kHostname, foo)}) << hostNodes.mid(0, 2)
        << QStringList{"p-a1@node-a;foo", "p-b1@node-b;foo"} << QStringList() << QStringList()
        << QList<qint64>{1, 1} << QList<qint64>{100, 100};
    QTest::newRow("one constraint on node, all 4 nodes are candidates")
        << incoming("foo", {soft(1, kHostname, foo)}) << hostNodes
        << QStringList{"p-a1@node-a;foo", "p-a2@node-a;foo", "p-b1@node-b;foo",
                       "p-d1@node-d;foo", "p-d2@node-d;foo", "p-d3@node-d;foo"}
        << QStringList() << QStringList() << QList<qint64>{4, 2, 0, 5}
        << QList<qint64>{20, 60, 100, 0};
    QTest::newRow("one constraint on zone, spreads 3/1")
        << incoming("foo", {soft(1, "zone", foo)}) << zoneNodes << zonePods << QStringList()
        << QStringList() << QList<qint64>{4, 4, 1, 1} << QList<qint64>{25, 25, 100, 100};
    QTest::newRow("two constraints on zone and node, 2 out of 4 nodes are candidates")
        << incoming("foo", {soft(1, "zone", foo), soft(1, kHostname, foo)}) << zoneNodes << zonePods
        << QStringList{"node-a", "node-x"} << QStringList() << QList<qint64>{7, 1}
        << QList<qint64>{14, 100};
    QTest::newRow("node missing the zone label is ignored")
        << incoming("foo", {soft(1, "zone", foo)})
        << QStringList{hostnamed("node-a", "zone=zone1"), hostnamed("node-b"),
                       hostnamed("node-x", "zone=zone2"), hostnamed("node-y", "zone=zone2")}
        << QStringList{"p-a1@node-a;foo", "p-b1@node-b;foo", "p-b2@node-b;foo", "p-x1@node-x;foo",
                       "p-x2@node-x;foo"}
        << QStringList() << QStringList() << QList<qint64>{1, 0, 3, 3}
        << QList<qint64>{100, 0, 33, 33};
    QTest::newRow("a larger maxSkew waters the differences down")
        << incoming("foo", {soft(3, "zone", foo)}) << zoneNodes << zonePods << QStringList()
        << QStringList() << QList<qint64>{6, 6, 3, 3} << QList<qint64>{50, 50, 100, 100};
    QTest::newRow("terminating pods and other namespaces do not count")
        << incoming("foo", {soft(1, kHostname, foo)}) << hostNodes.mid(0, 3)
        << QStringList{"p-a1@node-a;foo!", "ns2/p-b1@node-b;foo", "p-c1@node-c;foo"}
        << QStringList() << QStringList() << QList<qint64>{0, 0, 2} << QList<qint64>{100, 100, 0};
    QTest::newRow("an empty selector counts no pods")
        << incoming("foo", {soft(1, kHostname, "{}")}) << hostNodes.mid(0, 2)
        << QStringList{"p-a1@node-a;foo", "p-a2@node-a;foo"} << QStringList() << QStringList()
        << QList<qint64>{0, 0} << QList<qint64>{100, 100};
    const QStringList ssdNodes = {"node-a;zone=zone1,disk=ssd", "node-b;zone=zone1",
                                  "node-x;zone=zone2,disk=ssd"};
    const QStringList ssdPods = {"p-b1@node-b;foo", "p-b2@node-b;foo", "p-b3@node-b;foo",
                                 "p-x1@node-x;foo"};
    const std::string onSsd = "\"nodeSelector\":{\"disk\":\"ssd\"}";
    QTest::newRow("nodeAffinityPolicy Honor: pods on nodes the pod can't use don't count")
        << incoming("foo", {soft(1, "zone", foo)}, onSsd) << ssdNodes << ssdPods
        << QStringList{"node-a", "node-x"} << QStringList() << QList<qint64>{0, 1}
        << QList<qint64>{100, 0};
    QTest::newRow("nodeAffinityPolicy Ignore: every node's pods count")
        << incoming("foo", {soft(1, "zone", foo, "\"nodeAffinityPolicy\":\"Ignore\"")}, onSsd)
        << ssdNodes << ssdPods << QStringList{"node-a", "node-x"} << QStringList()
        << QList<qint64>{4, 1} << QList<qint64>{25, 100};
    QTest::newRow("system defaults: the Service's selector spreads over hosts and zones")
        << incoming("app=web", {}) << defaultNodes << webPods << QStringList()
        << QStringList{"default/web:app=web"} << QList<qint64>{14, 12, 9, 7}
        << QList<qint64>{50, 64, 85, 100};
    QTest::newRow("system defaults: a node without a zone still gets hostname spreading")
        << incoming("app=web", {})
        << QStringList{hostnamed("node-a", z + "=zone1"), hostnamed("node-b", z + "=zone1"),
                       hostnamed("node-n"), hostnamed("node-x", z + "=zone2")}
        << QStringList{"w1@node-a;app=web", "w2@node-a;app=web", "w3@node-b;app=web",
                       "w4@node-x;app=web", "w5@node-n;app=web"}
        << QStringList() << QStringList{"default/web:app=web"} << QList<qint64>{14, 13, 4, 9}
        << QList<qint64>{28, 35, 100, 64};
    QTest::newRow("system defaults: Services of other namespaces do not select the pod")
        << incoming("app=web", {}) << defaultNodes << webPods << QStringList()
        << QStringList{"other/web:app=web"} << QList<qint64>() << QList<qint64>();
}

void TestPodTopologySpread::score()
{
    QFETCH(QByteArray, pod);
    QFETCH(QStringList, nodes);
    QFETCH(QStringList, pods);
    QFETCH(QStringList, feasible);
    QFETCH(QStringList, services);
    QFETCH(QList<qint64>, raw);
    QFETCH(QList<qint64>, normalized);

    auto lister = std::make_shared<ObjectLister>();
    for (const QString &s : services)
        lister->serviceList.push_back(serviceFromSpec(s));
    const Snapshot snapshot = makeSnapshot(nodes, pods, lister);
    std::vector<const NodeInfo *> filtered;
    for (const NodeInfo &info : snapshot.nodeInfos()) {
        if (feasible.isEmpty() || feasible.contains(QString::fromStdString(info.name())))
            filtered.push_back(&info);
    }
    const auto incomingPod = schedtest::pod(pod);
    PodTopologySpread plugin;
    CycleState state;
    const PluginStatus pre = plugin.preScore(state, *incomingPod, snapshot, filtered);
    if (raw.isEmpty()) {
        QVERIFY(pre.isSkip());
        return;
    }
    QVERIFY2(pre.isSuccess(), pre.message().c_str());
    std::vector<NodeScore> scores;
    QList<qint64> gotRaw;
    for (const NodeInfo *info : filtered) {
        std::int64_t value = -1;
        QVERIFY(plugin.score(state, *incomingPod, *info, &value).isSuccess());
        const NodeInfo copy = *info; // the slow path agrees
        std::int64_t again = -1;
        QVERIFY(plugin.score(state, *incomingPod, copy, &again).isSuccess());
        QCOMPARE(again, value);
        scores.push_back({info->name(), value});
        gotRaw << value;
    }
    QCOMPARE(gotRaw, raw);
    QVERIFY(plugin.normalizeScore(state, *incomingPod, scores).isSuccess());
    QList<qint64> gotNormalized;
    for (const NodeScore &s : scores)
        gotNormalized << s.score;
    QCOMPARE(gotNormalized, normalized);
}

void TestPodTopologySpread::defaultSelector_data()
{
    QTest::addColumn<QByteArray>("pod");
    QTest::addColumn<QStringList>("services");
    QTest::addColumn<bool>("withReplicaSet");
    QTest::addColumn<QString>("selector");

    QTest::newRow("nothing selects the pod")
        << incoming("app=web", {}) << QStringList() << false << "";
    QTest::newRow("one Service") << incoming("app=web,tier=fe", {})
                                 << QStringList{"default/web:app=web"} << false << "app=web";
    QTest::newRow("two Services are merged")
        << incoming("app=web,tier=fe", {})
        << QStringList{"default/web:app=web", "default/fe:tier=fe"} << false << "app=web,tier=fe";
    QTest::newRow("a Service not selecting the pod is left out")
        << incoming("app=web", {}) << QStringList{"default/db:app=db"} << false << "";
    QTest::newRow("a Service without a selector is left out")
        << incoming("app=web", {}) << QStringList{"default/ext:"} << false << "";
    QTest::newRow("the controlling ReplicaSet adds its selector")
        << incoming("app=web,pod-template-hash=abc", {}, "", ownedBy("ReplicaSet", "web-abc"))
        << QStringList{"default/web:app=web"} << true
        << "app=web,pod-template-hash=abc,tier in (be,fe)";
    QTest::newRow("a ReplicaSet of another API group is not looked up")
        << incoming("app=web", {}, "", ownedBy("ReplicaSet", "web-abc", "extensions/v1beta1"))
        << QStringList() << true << "";
    QTest::newRow("another kind of owner is not looked up")
        << incoming("app=web", {}, "", ownedBy("StatefulSet", "web-abc")) << QStringList() << true
        << "";
}

void TestPodTopologySpread::defaultSelector()
{
    QFETCH(QByteArray, pod);
    QFETCH(QStringList, services);
    QFETCH(bool, withReplicaSet);
    QFETCH(QString, selector);

    ObjectLister lister;
    for (const QString &s : services)
        lister.serviceList.push_back(serviceFromSpec(s));
    if (withReplicaSet) {
        lister.replicaSetList.push_back(replicaSet(
            "web-abc", "{\"matchLabels\":{\"pod-template-hash\":\"abc\"},\"matchExpressions\":[{"
                       "\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"fe\",\"be\"]}]}"));
        lister.replicaSetList.push_back(replicaSet("other", "{\"matchLabels\":{\"x\":\"y\"}}"));
    }
    const auto incomingPod = schedtest::pod(pod);
    const api::LabelSelector got = PodTopologySpread::defaultSelector(*incomingPod, lister);
    QCOMPARE(QString::fromStdString(got.toString()), selector);
}

void TestPodTopologySpread::preemptionAddsAndRemovesPods()
{
    const Snapshot snapshot =
        makeSnapshot({"node-a;node=node-a", "node-b;node=node-b"},
                     {"p-a1@node-a;foo", "p-a2@node-a;foo", "other/p-a3@node-a;foo"});
    const auto pod = schedtest::pod(incoming("foo", {hard(1, "node", exists("foo"))}));
    PodTopologySpread plugin;
    CycleState state;
    PreFilterResult result;
    QVERIFY(plugin.preFilter(state, *pod, snapshot, &result).isSuccess());
    const NodeInfo &nodeA = *snapshot.get("node-a");
    const NodeInfo &nodeB = *snapshot.get("node-b");
    QCOMPARE(schedtest::codeOf(plugin.filter(state, *pod, nodeA)), U);

    // What if both pods on node-a were gone?
    CycleState whatIf = state.clone();
    NodeInfo victimNode = nodeA;
    for (const PodInfo &victim : nodeA.pods()) {
        QVERIFY(plugin.removePod(whatIf, *pod, victim, victimNode).isSuccess());
        victimNode.removePod(*victim.pod);
    }
    // p-a3 is in another namespace and changed nothing; a-count is now 0.
    QCOMPARE(schedtest::codeOf(plugin.filter(whatIf, *pod, victimNode)), S);
    QCOMPARE(schedtest::codeOf(plugin.filter(whatIf, *pod, nodeA)), S);
    // The original state is untouched.
    QCOMPARE(schedtest::codeOf(plugin.filter(state, *pod, nodeA)), U);
    QCOMPARE(schedtest::codeOf(plugin.filter(state, *pod, nodeB)), S);

    // Adding matching pods to node-b raises the minimum: with two there,
    // node-a (2) fits.
    CycleState added = state.clone();
    const PodInfo extra = PodInfo::make(podFromSpec("p-b1@node-b;foo"));
    QVERIFY(plugin.addPod(added, *pod, extra, nodeB).isSuccess());
    QCOMPARE(schedtest::codeOf(plugin.filter(added, *pod, nodeA)), U);
    QCOMPARE(schedtest::codeOf(plugin.filter(added, *pod, nodeB)), S);
    QVERIFY(plugin.addPod(added, *pod, PodInfo::make(podFromSpec("p-b2@node-b;foo")), nodeB)
                .isSuccess());
    QCOMPARE(schedtest::codeOf(plugin.filter(added, *pod, nodeA)), S);
    QCOMPARE(schedtest::codeOf(plugin.filter(state, *pod, nodeA)), U);

    // A node the snapshot never saw becomes a new domain (count 1, min 0).
    CycleState grown = state.clone();
    const NodeInfo fresh(nodeFromSpec("node-z;node=node-z"));
    QVERIFY(plugin.addPod(grown, *pod, PodInfo::make(podFromSpec("p-z1@node-z;foo")), fresh)
                .isSuccess());
    QCOMPARE(schedtest::codeOf(plugin.filter(grown, *pod, fresh)), U);
    QCOMPARE(schedtest::codeOf(plugin.filter(grown, *pod, nodeB)), S);
    CycleState grownAgain = grown.clone();
    QVERIFY(plugin.removePod(grownAgain, *pod, PodInfo::make(podFromSpec("p-z1@node-z;foo")), fresh)
                .isSuccess());
    QCOMPARE(schedtest::codeOf(plugin.filter(grownAgain, *pod, fresh)), S);
    QCOMPARE(schedtest::codeOf(plugin.filter(grown, *pod, fresh)), U);

    // Without PreFilter there is no state to update.
    CycleState none;
    QCOMPARE(schedtest::codeOf(plugin.addPod(none, *pod, extra, nodeB)), int(Code::Error));
}

void TestPodTopologySpread::sixReplicasSpreadOverThreeZones_data()
{
    QTest::addColumn<QByteArray>("pod");
    QTest::addColumn<bool>("withService");

    QTest::newRow("zone DoNotSchedule with hostname ScheduleAnyway")
        << incoming("app=web", {hard(1, kZone, exists("app")), soft(1, kHostname, exists("app"))})
        << false;
    QTest::newRow("system default constraints through a Service")
        << incoming("app=web", {}) << true;
}

void TestPodTopologySpread::sixReplicasSpreadOverThreeZones()
{
    QFETCH(QByteArray, pod);
    QFETCH(bool, withService);

    Registry registry;
    QVERIFY(registry.add(std::string(PodTopologySpread::kName), &PodTopologySpread::create).isOk());
    Profile profile;
    profile.plugins = {{std::string(PodTopologySpread::kName), 2}};
    auto framework = Framework::create(registry, profile);
    QVERIFY(framework.isOk());

    auto lister = std::make_shared<ObjectLister>();
    if (withService)
        lister->serviceList.push_back(serviceFromSpec("default/web:app=web"));
    std::vector<Snapshot::NodePtr> nodes;
    std::map<std::string, std::string> zoneOf;
    for (int i = 1; i <= 6; ++i) {
        const std::string name = "n" + std::to_string(i);
        const std::string zone = "zone" + std::to_string((i + 1) / 2);
        zoneOf[name] = zone;
        nodes.push_back(nodeFromSpec(
            hostnamed(QString::fromStdString(name), QString::fromStdString(kZone + "=" + zone))));
    }
    std::vector<Snapshot::PodPtr> placed;
    std::map<std::string, int> perZone;
    std::map<std::string, int> perNode;
    const auto templatePod = schedtest::pod(pod);
    for (int replica = 0; replica < 6; ++replica) {
        Snapshot snapshot = Snapshot::build(nodes, placed);
        snapshot.setLister(lister);
        auto next = std::make_shared<schedtest::core::Pod>(*templatePod);
        next->mutable_metadata()->set_name("web-" + std::to_string(replica));
        next->mutable_metadata()->set_uid("uid-web-" + std::to_string(replica));
        const auto result = (*framework)->schedulePod(*next, snapshot);
        QVERIFY(result.isOk());
        QVERIFY(result->isScheduled());
        next->mutable_spec()->set_node_name(result->suggestedHost);
        ++perZone[zoneOf[result->suggestedHost]];
        ++perNode[result->suggestedHost];
        placed.push_back(std::move(next));
    }
    QCOMPARE(perZone, (std::map<std::string, int>{{"zone1", 2}, {"zone2", 2}, {"zone3", 2}}));
    QCOMPARE(int(perNode.size()), 6); // one per node
}

void TestPodTopologySpread::fiveThousandNodes()
{
    std::vector<Snapshot::NodePtr> nodes;
    std::vector<Snapshot::PodPtr> pods;
    for (int i = 0; i < 5000; ++i) {
        const QString name = QString("node-%1").arg(i, 4, 10, QChar('0'));
        const QString zone = QString::fromStdString(kZone) + "=zone" + QString::number(i % 10);
        nodes.push_back(nodeFromSpec(hostnamed(name, zone)));
        for (int j = 0; j < 3; ++j) {
            const QString app = j == 0 ? "web" : (j == 1 ? "db" : "cache");
            pods.push_back(podFromSpec(QString("p-%1-%2@%3;app=%4").arg(i).arg(j).arg(name, app)));
        }
    }
    auto lister = std::make_shared<ObjectLister>();
    lister->serviceList.push_back(serviceFromSpec("default/web:app=web"));
    Snapshot snapshot = Snapshot::build(nodes, pods);
    snapshot.setLister(lister);

    Registry registry;
    QVERIFY(registry.add(std::string(PodTopologySpread::kName), &PodTopologySpread::create).isOk());
    Profile profile;
    profile.plugins = {{std::string(PodTopologySpread::kName), 2}};
    auto framework = Framework::create(registry, profile);
    QVERIFY(framework.isOk());

    const auto constrained = schedtest::pod(
        incoming("app=web", {hard(1, kZone, exists("app")), soft(1, kHostname, exists("app"))}));
    const auto constrainedResult = (*framework)->schedulePod(*constrained, snapshot);
    QVERIFY(constrainedResult.isOk());
    QVERIFY(constrainedResult->isScheduled());
    QCOMPARE(constrainedResult->feasibleNodes, 5000);

    const auto defaulted = schedtest::pod(incoming("app=web", {}));
    const auto defaultedResult = (*framework)->schedulePod(*defaulted, snapshot);
    QVERIFY(defaultedResult.isOk());
    QVERIFY(defaultedResult->isScheduled());

    const auto plain = schedtest::pod(incoming("app=batch", {}));
    const auto plainResult = (*framework)->schedulePod(*plain, snapshot);
    QVERIFY(plainResult.isOk());
    QVERIFY(plainResult->isScheduled());
}

void TestPodTopologySpread::liveSnapshotScoresAsAFreshOne_data()
{
    QTest::addColumn<QByteArray>("pod");
    const std::string web = exists("app");
    QTest::newRow("system defaults (the snapshot's sums per zone)") << incoming("app=web", {});
    QTest::newRow("own constraints: every node needs both keys")
        << incoming("app=web", {soft(1, kZone, web), soft(2, kHostname, web)});
    QTest::newRow("nodeAffinityPolicy Honor with a nodeSelector (every node visited)")
        << incoming("app=web", {soft(1, kZone, web)}, "\"nodeSelector\":{\"disk\":\"ssd\"}");
}

// PreScore and Score on a snapshot kept up to date between cycles (the
// scheduler's cache) give what a snapshot built afresh gives, as pods come
// and go and nodes change zone, lose it or join.
void TestPodTopologySpread::liveSnapshotScoresAsAFreshOne()
{
    QFETCH(QByteArray, pod);
    auto lister = std::make_shared<ObjectLister>();
    lister->serviceList.push_back(serviceFromSpec("default/web:app=web"));
    std::map<std::string, QString> nodeSpecs; // name -> spec
    auto nodeSpec = [](const std::string &name, int zone, bool ssd) {
        QString labels =
            zone < 0 ? QString() : QString::fromStdString(kZone) + "=z" + QString::number(zone);
        if (ssd)
            labels += QString(labels.isEmpty() ? "" : ",") + "disk=ssd";
        return hostnamed(QString::fromStdString(name), labels);
    };
    for (int i = 0; i < 9; ++i) {
        const std::string name = "node-" + std::to_string(i);
        nodeSpecs[name] = nodeSpec(name, i == 8 ? -1 : i % 3, i % 2 == 0);
    }
    std::map<std::string, QString> podSpecs; // name -> spec
    auto build = [&] {
        QStringList nodes;
        for (const auto &[name, spec] : nodeSpecs)
            nodes << spec;
        QStringList pods;
        for (const auto &[name, spec] : podSpecs)
            pods << spec;
        return makeSnapshot(nodes, pods, lister);
    };
    Snapshot live = build();
    const auto incomingPod = schedtest::pod(pod);
    PodTopologySpread plugin;
    // Raw scores then normalized ones of every node but the leaveOut-th
    // (1-based; 0: none); empty when a step failed or Score and scoreNodes
    // disagree.
    auto scoresOn = [&](const Snapshot &snapshot, std::size_t leaveOut) {
        std::vector<const NodeInfo *> filtered;
        for (std::size_t i = 0; i < snapshot.numNodes(); ++i) {
            if (i + 1 != leaveOut)
                filtered.push_back(&snapshot.nodeInfos()[i]);
        }
        CycleState state;
        std::vector<std::int64_t> out(filtered.size());
        if (!plugin.preScore(state, *incomingPod, snapshot, filtered).isSuccess() ||
            !plugin.scoreNodes(state, *incomingPod, filtered, out.data()).isSuccess())
            return std::vector<std::int64_t>();
        std::vector<NodeScore> scores;
        for (std::size_t i = 0; i < filtered.size(); ++i) {
            std::int64_t one = -1;
            if (!plugin.score(state, *incomingPod, *filtered[i], &one).isSuccess() || one != out[i])
                return std::vector<std::int64_t>();
            scores.push_back({filtered[i]->name(), out[i]});
        }
        if (!plugin.normalizeScore(state, *incomingPod, scores).isSuccess())
            return std::vector<std::int64_t>();
        for (const NodeScore &score : scores)
            out.push_back(score.score);
        return out;
    };

    int podNumber = 0;
    for (int round = 0; round < 60; ++round) {
        const std::size_t leaveOut = std::size_t(round % 4 == 0 ? 0 : round % 10);
        const std::vector<std::int64_t> got = scoresOn(live, leaveOut);
        const std::vector<std::int64_t> want = scoresOn(build(), leaveOut);
        QVERIFY2(!want.empty(), "the fresh snapshot scores");
        QVERIFY2(got == want, QByteArray("round ") + QByteArray::number(round));

        // The next change: pods join (most rounds), leave, nodes move.
        const std::string node = "node-" + std::to_string((round * 5) % 9);
        if (round % 7 == 3 && !podSpecs.empty()) {
            const auto it = std::next(podSpecs.begin(), std::ptrdiff_t(round % podSpecs.size()));
            const auto gone = podFromSpec(it->second);
            QVERIFY(live.mutableNode(gone->spec().node_name())->removePod(*gone));
            podSpecs.erase(it);
        } else if (round % 11 == 5) {
            nodeSpecs[node] = nodeSpec(node, round % 13 == 5 ? -1 : (round / 11) % 4, round % 2);
            live.upsertNode(nodeFromSpec(nodeSpecs[node]));
            live.commit();
        } else if (round % 23 == 22) {
            const std::string joining = "node-" + std::to_string(100 + round);
            nodeSpecs[joining] = nodeSpec(joining, round % 3, true);
            live.upsertNode(nodeFromSpec(nodeSpecs[joining]));
            live.commit();
        } else {
            const QString name = QString("p%1").arg(podNumber++);
            const QString app = round % 5 == 1 ? "other" : "web";
            podSpecs[name.toStdString()] =
                name + "@" + QString::fromStdString(node) + ";app=" + app;
            live.mutableNode(node)->addPod(podFromSpec(podSpecs[name.toStdString()]));
        }
    }
}

// Without a node inclusion policy PreScore takes each domain's count from
// the snapshot's sums; with one it visits every node. A policy every node
// passes must give the same scores.
void TestPodTopologySpread::domainSumsAgreeWithVisitingEveryNode()
{
    const QStringList nodes = {"node-a;zone=z1,all=yes", "node-b;zone=z1,all=yes",
                               "node-c;zone=z2,all=yes", "node-d;zone=,all=yes",
                               "node-e;all=yes",         "node-f;zone=z3,all=yes"};
    const QStringList pods = {"a1@node-a;app=web", "a2@node-a;app=web",    "b1@node-b;app=db",
                              "c1@node-c;app=web", "d1@node-d;app=web",    "e1@node-e;app=web",
                              "e2@node-e;app=web", "ns2/f1@node-f;app=web"};
    const Snapshot snapshot = makeSnapshot(nodes, pods);
    const std::string web = exists("app");
    const auto summed = schedtest::pod(
        incoming("app=web", {soft(1, "zone", web, "\"nodeAffinityPolicy\":\"Ignore\"")},
                 "\"nodeSelector\":{\"all\":\"yes\"}"));
    const auto visited = schedtest::pod(
        incoming("app=web", {soft(1, "zone", web)}, "\"nodeSelector\":{\"all\":\"yes\"}"));
    PodTopologySpread plugin;
    for (std::size_t leaveOut = 0; leaveOut <= snapshot.numNodes(); ++leaveOut) {
        std::vector<const NodeInfo *> filtered;
        for (std::size_t i = 0; i < snapshot.numNodes(); ++i) {
            if (i + 1 != leaveOut)
                filtered.push_back(&snapshot.nodeInfos()[i]);
        }
        CycleState a;
        CycleState b;
        QVERIFY(plugin.preScore(a, *summed, snapshot, filtered).isSuccess());
        QVERIFY(plugin.preScore(b, *visited, snapshot, filtered).isSuccess());
        std::vector<std::int64_t> got(filtered.size());
        std::vector<std::int64_t> want(filtered.size());
        QVERIFY(plugin.scoreNodes(a, *summed, filtered, got.data()).isSuccess());
        QVERIFY(plugin.scoreNodes(b, *visited, filtered, want.data()).isSuccess());
        QCOMPARE(got, want);
    }
}

QTEST_GUILESS_MAIN(TestPodTopologySpread)
#include "tst_podtopologyspread.moc"
