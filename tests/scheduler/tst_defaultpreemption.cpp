#include "backend/scheduler/framework/clusterlister.h"
#include "backend/scheduler/framework/framework.h"
#include "backend/scheduler/framework/registry.h"
#include "backend/scheduler/plugins/defaultplugins.h"
#include "backend/scheduler/plugins/defaultpreemption/defaultpreemption.h"
#include "schedulertestutil.h"

#include "core_v1.pb.h"
#include "policy_v1.pb.h"

#include <map>

using namespace kubist;
using namespace kubist::scheduler;
using plugins::DefaultPreemption;
using plugins::PreemptionPlan;
using Code = PluginStatus::Code;

// Scenarios follow upstream's default_preemption_test.go (TestSelectCandidate,
// TestDryRunPreemption, TestPickOneNodeForPreemption, TestPostFilter,
// TestPodEligibleToPreemptOthers) with the sizes of its fixtures, in cpu
// only: nodes of 500m, pods small 100m, medium 200m, large 300m, veryLarge
// 500m; priorities neg -100, low 0, mid 100, high 1000, veryHigh 10000.
//
// Pods are written "name node cpu priority [day] [label=value]": day is the
// status.startTime's day in January 2019 (default 1).
class TestDefaultPreemption : public QObject
{
    Q_OBJECT

private slots:
    void victimsOnOneNode_data();
    void victimsOnOneNode();
    void pickOneNode_data();
    void pickOneNode();
    void budgets_data();
    void budgets();
    void eligibility_data();
    void eligibility();
    void failureMessage_data();
    void failureMessage();
    void actingCallsTheCallbacks();
    void dryRunCallsNothing();
    void failedPreemptionClearsTheNomination();
    void endToEndThroughTheFramework();
    void preFilterExtensionsSeeTheWhatIfNode();
    void fiveThousandNodes();
};

namespace {

namespace core = k8s::io::api::core::v1;
namespace policy = k8s::io::api::policy::v1;

// Upstream's fixture sizes.
std::string sizeCpu(const std::string &size)
{
    if (size == "small")
        return "100m";
    if (size == "medium")
        return "200m";
    if (size == "large")
        return "300m";
    if (size == "veryLarge")
        return "500m";
    return size;
}

std::string priorityValue(const std::string &name)
{
    if (name == "neg")
        return "-100";
    if (name == "low")
        return "0";
    if (name == "mid")
        return "100";
    if (name == "high")
        return "1000";
    if (name == "veryHigh")
        return "10000";
    return name;
}

std::string q(const std::string &s)
{
    return "\"" + s + "\"";
}

// A pod from "name node cpu priority [day] [label=value] [extra]": node "-"
// is none; cpu a size name or a quantity; priority a name, a number or
// "none" (unset).
std::shared_ptr<const core::Pod> specPod(const QString &spec,
                                         const std::string &extraSpec = std::string(),
                                         const std::string &extraStatus = std::string(),
                                         const std::string &extraMeta = std::string())
{
    const QStringList f = spec.split(' ', Qt::SkipEmptyParts);
    const std::string name = f.value(0).toStdString();
    const std::string node = f.value(1) == "-" ? std::string() : f.value(1).toStdString();
    const std::string cpu = sizeCpu(f.value(2).toStdString());
    const std::string priority = f.value(3).toStdString();
    std::string day = "1";
    std::string labels;
    for (int i = 4; i < f.size(); ++i) {
        if (f[i].contains('=')) {
            const QStringList kv = f[i].split('=');
            labels +=
                (labels.empty() ? "" : ",") + q(kv[0].toStdString()) + ":" + q(kv[1].toStdString());
        } else {
            day = f[i].toStdString();
        }
    }
    std::string json = "{\"metadata\":{\"name\":" + q(name) +
                       ",\"namespace\":\"default\",\"uid\":" + q("uid-" + name) + ",\"labels\":{" +
                       labels + "}" + extraMeta + "}";
    json += ",\"spec\":{\"containers\":[{\"name\":\"c\",\"resources\":{\"requests\":{\"cpu\":" +
            q(cpu) + "}}}]";
    if (!node.empty())
        json += ",\"nodeName\":" + q(node);
    if (priority != "none")
        json += ",\"priority\":" + priorityValue(priority);
    json += extraSpec + "}";
    std::string status;
    if (!node.empty())
        status = "\"startTime\":" +
                 q("2019-01-" + std::string(day.size() == 1 ? "0" : "") + day + "T00:00:00Z");
    if (!extraStatus.empty())
        status += (status.empty() ? "" : ",") + extraStatus;
    json += ",\"status\":{" + status + "}}";
    return schedtest::pod(QByteArray::fromStdString(json));
}

std::vector<Snapshot::NodePtr> makeNodes(const QStringList &names, const std::string &cpu = "500m")
{
    std::vector<Snapshot::NodePtr> nodes;
    for (const QString &name : names)
        nodes.push_back(schedtest::makeNode(name.toStdString(), cpu, "100Gi"));
    return nodes;
}

std::vector<Snapshot::PodPtr> makePods(const QStringList &specs)
{
    std::vector<Snapshot::PodPtr> pods;
    for (const QString &spec : specs)
        pods.push_back(specPod(spec));
    return pods;
}

QStringList names(const std::vector<std::shared_ptr<const core::Pod>> &pods)
{
    QStringList out;
    for (const auto &pod : pods)
        out << QString::fromStdString(pod->metadata().name());
    return out;
}

// A lister with only PodDisruptionBudgets.
std::shared_ptr<const ClusterLister>
budgetLister(std::vector<std::shared_ptr<const policy::PodDisruptionBudget>> pdbs)
{
    auto lister = std::make_shared<ObjectLister>();
    lister->budgetList = std::move(pdbs);
    return lister;
}

// A budget from "name label=value allowed [disruptedPod...]"; label "-"
// gives an empty selector, "none" no selector.
std::shared_ptr<const policy::PodDisruptionBudget> specBudget(const QString &spec)
{
    const QStringList f = spec.split(' ', Qt::SkipEmptyParts);
    std::string selector;
    if (f.value(1) == "-") {
        selector = ",\"selector\":{}";
    } else if (f.value(1) != "none") {
        const QStringList kv = f.value(1).split('=');
        selector = ",\"selector\":{\"matchLabels\":{" + q(kv[0].toStdString()) + ":" +
                   q(kv[1].toStdString()) + "}}";
    }
    std::string disrupted;
    for (int i = 3; i < f.size(); ++i)
        disrupted +=
            (disrupted.empty() ? "" : ",") + q(f[i].toStdString()) + ":\"2019-01-01T00:00:00Z\"";
    const std::string json = "{\"metadata\":{\"name\":" + q(f.value(0).toStdString()) +
                             ",\"namespace\":\"default\"},\"spec\":{\"minAvailable\":1" + selector +
                             "},\"status\":{\"disruptionsAllowed\":" + f.value(2).toStdString() +
                             ",\"disruptedPods\":{" + disrupted + "}}}";
    return schedtest::decode<policy::PodDisruptionBudget>(QByteArray::fromStdString(json));
}

// A framework of PrioritySort, NodeResourcesFit and DefaultPreemption (the
// in-tree plugins from registerDefaultPlugins, ours added when the default
// registry does not have it yet).
std::unique_ptr<Framework> makeFramework(const PluginContext &context = {},
                                         bool withPreemption = true)
{
    Registry registry;
    if (!plugins::registerDefaultPlugins(registry).isOk())
        qFatal("registerDefaultPlugins failed");
    if (!registry.find(DefaultPreemption::kName) &&
        !registry.add(std::string(DefaultPreemption::kName), &DefaultPreemption::create).isOk())
        qFatal("registering DefaultPreemption failed");
    Profile profile;
    profile.plugins = {{"PrioritySort"}, {"NodeResourcesFit"}};
    if (withPreemption)
        profile.plugins.push_back({std::string(DefaultPreemption::kName)});
    auto fw = Framework::create(registry, profile, context);
    if (!fw.isOk())
        qFatal("%s", fw.status().message().c_str());
    return std::move(fw).value();
}

// plan() for `preemptor` on nodes of 500m with `pods`, from scratch.
PreemptionPlan planFor(const QStringList &nodeNames, const QStringList &pods,
                       const QString &preemptor, const QStringList &budgets = {})
{
    Snapshot snapshot = Snapshot::build(makeNodes(nodeNames), makePods(pods));
    std::vector<std::shared_ptr<const policy::PodDisruptionBudget>> pdbs;
    for (const QString &spec : budgets)
        pdbs.push_back(specBudget(spec));
    snapshot.setLister(budgetLister(std::move(pdbs)));
    const auto fw = makeFramework({}, false);
    Result<PreemptionPlan> plan = DefaultPreemption::plan(*fw, *specPod(preemptor), snapshot);
    if (!plan.isOk())
        qFatal("%s", plan.status().message().c_str());
    return std::move(plan).value();
}

} // namespace

void TestDefaultPreemption::victimsOnOneNode_data()
{
    QTest::addColumn<QStringList>("nodes");
    QTest::addColumn<QStringList>("pods");
    QTest::addColumn<QString>("preemptor");
    QTest::addColumn<QStringList>("candidates"); // "node: victim victim ..."

    const QStringList two{"node1", "node2"};
    QTest::newRow("a pod that fits on both nodes when lower priority pods are preempted")
        << two << QStringList{"m1.1 node1 large mid", "m2.1 node2 large mid"} << "p - large high"
        << QStringList{"node1: m1.1", "node2: m2.1"};
    QTest::newRow("a pod that would fit on the nodes, but other pods running are higher priority")
        << two << QStringList{"m1.1 node1 large mid", "m2.1 node2 large mid"} << "p - large low"
        << QStringList{};
    QTest::newRow("medium priority pod is preempted, but lower priority one stays as it is small")
        << two
        << QStringList{"m1.1 node1 small low", "m1.2 node1 large mid", "m2.1 node2 large mid"}
        << "p - large high" << QStringList{"node1: m1.2", "node2: m2.1"};
    QTest::newRow("mixed priority pods are preempted, lowest priority first, minimal set")
        << two
        << QStringList{"m1.1 node1 small mid",  "m1.2 node1 small low", "m1.3 node1 small low",
                       "m1.4 node1 small high", "m1.5 node1 small neg", "m2.1 node2 large high"}
        << "p - large high" << QStringList{"node1: m1.2 m1.3 m1.5"};
    QTest::newRow("mixed priority pods are preempted, pick later StartTime one when priorities "
                  "are equal")
        << two
        << QStringList{"m1.1 node1 small low 2", "m1.2 node1 small low 1", "m1.3 node1 small high",
                       "m2.1 node2 large high"}
        << "p - large high" << QStringList{"node1: m1.1"};
    QTest::newRow("an unset priority counts as 0, which a priority 0 pod cannot preempt")
        << QStringList{"node1"} << QStringList{"m1.1 node1 large none"} << "p - large low"
        << QStringList{};
    QTest::newRow("negative priorities preempt lower negative priorities")
        << QStringList{"node1"} << QStringList{"m1.1 node1 large -200", "m1.2 node1 small -50"}
        << "p - large -100" << QStringList{"node1: m1.1"};
    QTest::newRow("victims are listed most important first")
        << QStringList{"node1"}
        << QStringList{"m1.1 node1 small neg 3", "m1.2 node1 small mid 2", "m1.3 node1 small low",
                       "m1.4 node1 small mid 1", "m1.5 node1 small low 2"}
        << "p - veryLarge high" << QStringList{"node1: m1.4 m1.2 m1.3 m1.5 m1.1"};
}

void TestDefaultPreemption::victimsOnOneNode()
{
    QFETCH(QStringList, nodes);
    QFETCH(QStringList, pods);
    QFETCH(QString, preemptor);
    QFETCH(QStringList, candidates);

    const PreemptionPlan plan = planFor(nodes, pods, preemptor);
    QStringList got;
    for (const auto &candidate : plan.candidates)
        got << QString::fromStdString(candidate.nodeName) + ": " +
                   names(candidate.victims).join(' ');
    QCOMPARE(got, candidates);
    QCOMPARE(plan.status.code(), candidates.isEmpty() ? Code::Unschedulable : Code::Success);
    if (!candidates.isEmpty())
        QVERIFY(!plan.chosen.victims.empty());
}

void TestDefaultPreemption::pickOneNode_data()
{
    QTest::addColumn<QStringList>("nodes");
    QTest::addColumn<QStringList>("pods");
    QTest::addColumn<QString>("preemptor");
    QTest::addColumn<QString>("node");
    QTest::addColumn<QStringList>("victims");

    const QStringList three{"machine1", "machine2", "machine3"};
    QTest::newRow("a pod that fits on both machines when lower priority pods are preempted: first")
        << QStringList{"machine1", "machine2"}
        << QStringList{"m1.1 machine1 large mid", "m2.1 machine2 large mid"} << "p - large high"
        << "machine1" << QStringList{"m1.1"};
    QTest::newRow("machine with min highest priority pod is picked")
        << three << QStringList{"m1.1 machine1 medium mid", "m1.2 machine1 large mid",
                                "m2.1 machine2 medium mid", "m2.2 machine2 medium low",
                                "m3.1 machine3 medium low", "m3.2 machine3 medium low"}
        << "p - veryLarge high"
        << "machine3" << QStringList{"m3.1", "m3.2"};
    QTest::newRow("when highest priorities are the same, minimum sum of priorities is picked")
        << three << QStringList{"m1.1 machine1 medium mid", "m1.2 machine1 large mid",
                                "m2.1 machine2 large mid",  "m2.2 machine2 medium low",
                                "m3.1 machine3 medium mid", "m3.2 machine3 medium mid"}
        << "p - veryLarge high"
        << "machine2" << QStringList{"m2.1", "m2.2"};
    QTest::newRow("when highest priority and sum are the same, minimum number of pods is picked")
        << three << QStringList{"m1.1 machine1 small mid",  "m1.2 machine1 small neg",
                                "m1.3 machine1 small mid",  "m1.4 machine1 small neg",
                                "m2.1 machine2 large mid",  "m2.2 machine2 medium neg",
                                "m3.1 machine3 medium mid", "m3.2 machine3 small neg",
                                "m3.3 machine3 small low"}
        << "p - veryLarge high"
        << "machine2" << QStringList{"m2.1", "m2.2"};
    QTest::newRow("sum of adjusted priorities is considered")
        << three << QStringList{"m1.1 machine1 small mid",  "m1.2 machine1 small neg",
                                "m1.3 machine1 small neg",  "m2.1 machine2 large mid",
                                "m2.2 machine2 medium neg", "m3.1 machine3 medium mid",
                                "m3.2 machine3 small neg",  "m3.3 machine3 small low"}
        << "p - veryLarge high"
        << "machine2" << QStringList{"m2.1", "m2.2"};
    QTest::newRow("non-overlapping lowest high priority, sum priorities, and number of pods")
        << QStringList{"machine1", "machine2", "machine3", "machine4"}
        << QStringList{"m1.1 machine1 small mid",  "m1.2 machine1 small low",
                       "m1.3 machine1 small low",  "m2.1 machine2 large high",
                       "m3.1 machine3 medium mid", "m3.2 machine3 small low",
                       "m3.3 machine3 small low",  "m3.4 machine3 medium low",
                       "m4.1 machine4 medium mid", "m4.2 machine4 small mid",
                       "m4.3 machine4 small mid",  "m4.4 machine4 small neg"}
        << "p - veryLarge veryHigh"
        << "machine1" << QStringList{"m1.1", "m1.2", "m1.3"};
    QTest::newRow("same priority, same number of victims, different start time for each "
                  "machine's pod")
        << three << QStringList{"m1.1 machine1 medium mid 3", "m1.2 machine1 medium mid 3",
                                "m2.1 machine2 medium mid 4", "m2.2 machine2 medium mid 4",
                                "m3.1 machine3 medium mid 2", "m3.2 machine3 medium mid 2"}
        << "p - veryLarge high"
        << "machine2" << QStringList{"m2.1", "m2.2"};
    QTest::newRow("same priority, same number of victims, different start time for all pods")
        << three << QStringList{"m1.1 machine1 medium mid 5", "m1.2 machine1 medium mid 3",
                                "m2.1 machine2 medium mid 6", "m2.2 machine2 medium mid 2",
                                "m3.1 machine3 medium mid 4", "m3.2 machine3 medium mid 7"}
        << "p - veryLarge high"
        << "machine3" << QStringList{"m3.1", "m3.2"};
    QTest::newRow("different priority, same number of victims, different start time for all pods")
        << three << QStringList{"m1.1 machine1 medium low 5", "m1.2 machine1 medium mid 3",
                                "m2.1 machine2 medium mid 7", "m2.2 machine2 medium low 2",
                                "m3.1 machine3 medium low 4", "m3.2 machine3 medium mid 6"}
        << "p - veryLarge high"
        << "machine2" << QStringList{"m2.1", "m2.2"};
    QTest::newRow("everything equal: the first node in snapshot order")
        << three
        << QStringList{"m3.1 machine3 large low", "m2.1 machine2 large low",
                       "m1.1 machine1 large low"}
        << "p - large high"
        << "machine1" << QStringList{"m1.1"};
}

void TestDefaultPreemption::pickOneNode()
{
    QFETCH(QStringList, nodes);
    QFETCH(QStringList, pods);
    QFETCH(QString, preemptor);
    QFETCH(QString, node);
    QFETCH(QStringList, victims);

    const PreemptionPlan plan = planFor(nodes, pods, preemptor);
    QCOMPARE(plan.status.code(), Code::Success);
    QCOMPARE(QString::fromStdString(plan.chosen.nodeName), node);
    QCOMPARE(names(plan.chosen.victims), victims);
}

void TestDefaultPreemption::budgets_data()
{
    QTest::addColumn<QStringList>("nodes");
    QTest::addColumn<QStringList>("pods");
    QTest::addColumn<QStringList>("budgets");
    QTest::addColumn<QString>("preemptor");
    QTest::addColumn<QStringList>("candidates"); // "node: violations: victims"
    QTest::addColumn<QString>("node");

    const QStringList one{"node1"};
    const QStringList twoVictims{"m1.1 node1 small low 1 app=foo", "m1.2 node1 small low 2 app=foo",
                                 "m1.3 node1 medium high"};
    QTest::newRow("preemption with violation of same pdb")
        << one << twoVictims << QStringList{"pdb app=foo 1"} << "p - large high"
        << QStringList{"node1: 1: m1.1 m1.2"} << "node1";
    QTest::newRow("the victim in disruptedPods does not spend the budget")
        << one << twoVictims << QStringList{"pdb app=foo 1 m1.2"} << "p - large high"
        << QStringList{"node1: 0: m1.1 m1.2"} << "node1";
    QTest::newRow("a victim in disruptedPods is non-violating, the other one violates")
        << one << twoVictims << QStringList{"pdb app=foo 0 m1.1"} << "p - large high"
        << QStringList{"node1: 1: m1.1 m1.2"} << "node1";
    QTest::newRow("a budget that allows both evictions is not violated")
        << one << twoVictims << QStringList{"pdb app=foo 2"} << "p - large high"
        << QStringList{"node1: 0: m1.1 m1.2"} << "node1";
    QTest::newRow("an empty selector protects nothing")
        << one << twoVictims << QStringList{"pdb - 0"} << "p - large high"
        << QStringList{"node1: 0: m1.1 m1.2"} << "node1";
    QTest::newRow("a missing selector protects nothing")
        << one << twoVictims << QStringList{"pdb none 0"} << "p - large high"
        << QStringList{"node1: 0: m1.1 m1.2"} << "node1";
    QTest::newRow("a selector that does not match protects nothing")
        << one << twoVictims << QStringList{"pdb app=bar 0"} << "p - large high"
        << QStringList{"node1: 0: m1.1 m1.2"} << "node1";
    // Either pod frees enough: the protected one is reprieved first, even
    // though it has the lower priority.
    QTest::newRow("PDB-violating victims are reprieved first")
        << one
        << QStringList{"m1.1 node1 medium low app=foo", "m1.2 node1 medium mid",
                       "m1.3 node1 small high"}
        << QStringList{"pdb app=foo 0"} << "p - medium high" << QStringList{"node1: 0: m1.2"}
        << "node1";
    QTest::newRow("PDB-protected victims avoided when another node works")
        << QStringList{"node1", "node2"}
        << QStringList{"m1.1 node1 large low app=foo", "m2.1 node2 large mid"}
        << QStringList{"pdb app=foo 0"} << "p - large high"
        << QStringList{"node1: 1: m1.1", "node2: 0: m2.1"} << "node2";
    QTest::newRow("budgets are counted per node")
        << QStringList{"node1", "node2"}
        << QStringList{"m1.1 node1 large low app=foo", "m2.1 node2 large low app=foo"}
        << QStringList{"pdb app=foo 1"} << "p - large high"
        << QStringList{"node1: 0: m1.1", "node2: 0: m2.1"} << "node1";
}

void TestDefaultPreemption::budgets()
{
    QFETCH(QStringList, nodes);
    QFETCH(QStringList, pods);
    QFETCH(QStringList, budgets);
    QFETCH(QString, preemptor);
    QFETCH(QStringList, candidates);
    QFETCH(QString, node);

    const PreemptionPlan plan = planFor(nodes, pods, preemptor, budgets);
    QStringList got;
    for (const auto &candidate : plan.candidates)
        got << QString::fromStdString(candidate.nodeName) + ": " +
                   QString::number(candidate.numPDBViolations) + ": " +
                   names(candidate.victims).join(' ');
    QCOMPARE(got, candidates);
    QCOMPARE(QString::fromStdString(plan.chosen.nodeName), node);
}

void TestDefaultPreemption::eligibility_data()
{
    QTest::addColumn<QString>("preemptionPolicy");
    QTest::addColumn<QString>("nominatedNode");
    QTest::addColumn<bool>("victimTerminating");
    QTest::addColumn<QString>("disruptionReason"); // "" = no DisruptionTarget condition
    QTest::addColumn<QString>("message");          // "" = eligible, preempts on node1

    const QString never = "preemption: not eligible due to preemptionPolicy=Never.";
    const QString waits =
        "preemption: not eligible due to a terminating pod on the nominated node.";
    QTest::newRow("preemptionPolicy Never is not eligible") << "Never"
                                                            << "" << false << "" << never;
    QTest::newRow("preemptionPolicy PreemptLowerPriority is eligible") << "PreemptLowerPriority"
                                                                       << "" << false << ""
                                                                       << "";
    QTest::newRow("nominated node with a victim terminating by preemption waits")
        << ""
        << "node1" << true << "PreemptionByScheduler" << waits;
    QTest::newRow("nominated node with a pod terminating for another reason preempts")
        << ""
        << "node1" << true << "EvictionByEvictionAPI"
        << "";
    QTest::newRow("nominated node with a pod terminating without a condition preempts")
        << ""
        << "node1" << true << ""
        << "";
    QTest::newRow("nominated node without terminating pods preempts") << ""
                                                                      << "node1" << false << ""
                                                                      << "";
    QTest::newRow("nominated node that is unknown preempts")
        << ""
        << "node9" << true << "PreemptionByScheduler"
        << "";
    QTest::newRow("Never wins over the nomination")
        << "Never"
        << "node1" << true << "PreemptionByScheduler" << never;
}

void TestDefaultPreemption::eligibility()
{
    QFETCH(QString, preemptionPolicy);
    QFETCH(QString, nominatedNode);
    QFETCH(bool, victimTerminating);
    QFETCH(QString, disruptionReason);
    QFETCH(QString, message);

    std::string status;
    if (!disruptionReason.isEmpty())
        status = "\"conditions\":[{\"type\":\"DisruptionTarget\",\"status\":\"True\",\"reason\":" +
                 q(disruptionReason.toStdString()) + "}]";
    const std::string meta =
        victimTerminating ? ",\"deletionTimestamp\":\"2019-01-09T00:00:00Z\"" : std::string();
    // node1: a terminating low pod (already a victim) and a mid pod.
    const auto terminating = specPod("m1.1 node1 small low", {}, status, meta);
    const auto other = specPod("m1.2 node1 veryLarge mid");
    Snapshot snapshot = Snapshot::build(makeNodes({"node1"}), {terminating, other});
    const auto preemptor = specPod(
        "p - veryLarge high",
        preemptionPolicy.isEmpty() ? std::string()
                                   : ",\"preemptionPolicy\":" + q(preemptionPolicy.toStdString()),
        nominatedNode.isEmpty() ? std::string()
                                : "\"nominatedNodeName\":" + q(nominatedNode.toStdString()));
    const auto fw = makeFramework({}, false);
    const Result<PreemptionPlan> plan = DefaultPreemption::plan(*fw, *preemptor, snapshot);
    QVERIFY(plan.isOk());
    if (message.isEmpty()) {
        QCOMPARE(plan->status.code(), Code::Success);
        QCOMPARE(plan->chosen.nodeName, std::string("node1"));
        QCOMPARE(names(plan->chosen.victims), (QStringList{"m1.2", "m1.1"}));
    } else {
        QCOMPARE(plan->status.code(), Code::Unschedulable);
        QCOMPARE(QString::fromStdString(plan->status.message()), message);
        QVERIFY(plan->candidates.empty());
        QVERIFY(!plan->clearNomination);
    }
}

void TestDefaultPreemption::failureMessage_data()
{
    QTest::addColumn<QStringList>("pods");
    QTest::addColumn<QString>("preemptor");
    QTest::addColumn<QStringList>("statuses"); // "node Code reason" overriding Filter's
    QTest::addColumn<QString>("message");

    QTest::newRow("no lower-priority pods: nothing to preempt")
        << QStringList{"m1.1 node1 large high", "m2.1 node2 large high",
                       "m3.1 node3 large veryHigh"}
        << "p - large high" << QStringList{}
        << "preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.";
    QTest::newRow("UnschedulableAndUnresolvable nodes are skipped")
        << QStringList{"m1.1 node1 large low", "m2.1 node2 large low", "m3.1 node3 large high"}
        << "p - large high"
        << QStringList{"node1 UnschedulableAndUnresolvable node(s) didn't match Pod's node "
                       "affinity/selector",
                       "node2 UnschedulableAndUnresolvable node(s) were unschedulable"}
        << "preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, "
           "2 Preemption is not helpful for scheduling.";
    QTest::newRow("a node where the pod does not fit even without its victims")
        << QStringList{"m1.1 node1 large low", "m1.2 node1 small high", "m2.1 node2 large high"}
        << "p - veryLarge high" << QStringList{}
        << "preemption: 0/2 nodes are available: 1 Insufficient cpu, 1 No preemption victims "
           "found for incoming pod.";
    QTest::newRow("no candidate nodes found, not enough resource after removing low priority pods")
        << QStringList{"m1.1 node1 400m high", "m1.2 node1 small low", "m2.1 node2 400m high",
                       "m2.2 node2 small low"}
        << "p - medium high" << QStringList{}
        << "preemption: 0/2 nodes are available: 2 Insufficient cpu.";
    QTest::newRow("no candidate nodes found with no available nodes")
        << QStringList{"m1.1 node1 large low", "m2.1 node2 large low"} << "p - large high"
        << QStringList{"node1 UnschedulableAndUnresolvable node(s) had untolerated taint",
                       "node2 UnschedulableAndUnresolvable node(s) had untolerated taint"}
        << "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.";
    QTest::newRow("a pod larger than the node is not helped by preemption")
        << QStringList{"m1.1 node1 large low", "m2.1 node2 small high"} << "p - 600m high"
        << QStringList{}
        << "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.";
}

void TestDefaultPreemption::failureMessage()
{
    QFETCH(QStringList, pods);
    QFETCH(QString, preemptor);
    QFETCH(QStringList, statuses);
    QFETCH(QString, message);

    QStringList nodeNames;
    for (const QString &spec : pods) {
        const QString node = spec.split(' ').value(1);
        if (!nodeNames.contains(node))
            nodeNames << node;
    }
    const Snapshot snapshot = Snapshot::build(makeNodes(nodeNames), makePods(pods));
    const auto pod = specPod(preemptor);
    const auto fw = makeFramework({}, false);
    CycleState state;
    const Result<ScheduleResult> scheduled = fw->schedulePod(state, *pod, snapshot);
    QVERIFY(scheduled.isOk());
    QVERIFY(!scheduled->isScheduled());
    NodeStatusMap filtered = scheduled->fitError->nodeStatuses;
    for (const QString &override : statuses) {
        const QStringList f = override.split(' ');
        const Code code =
            f[1] == "Unschedulable" ? Code::Unschedulable : Code::UnschedulableAndUnresolvable;
        filtered[f[0].toStdString()] =
            PluginStatus(code, {f.mid(2).join(' ').toStdString()}).withPlugin("NodeAffinity");
    }
    const PreemptionPlan plan = DefaultPreemption::plan(*fw, state, *pod, snapshot, filtered);
    QCOMPARE(plan.status.code(), Code::Unschedulable);
    QCOMPARE(QString::fromStdString(plan.status.message()), message);
    QVERIFY(plan.candidates.empty());
    QCOMPARE(plan.nodeStatuses.size(), snapshot.numNodes());
}

namespace {

struct Calls
{
    std::vector<std::string> log;
};

PluginContext recordingContext(Calls *calls)
{
    PluginContext context;
    context.preemptVictim = [calls](const core::Pod &victim, const core::Pod &preemptor) {
        calls->log.push_back("preempt " + victim.metadata().name() + " for " +
                             preemptor.metadata().name());
        return Status();
    };
    context.nominateNode = [calls](const core::Pod &pod, const std::string &node) {
        calls->log.push_back("nominate " + pod.metadata().name() + " on " + node);
        return Status();
    };
    return context;
}

// node1 needs two low pods gone, node2 one mid pod (a higher priority than
// node1's victims), node3 runs a high pod: node1 wins.
Snapshot actingSnapshot()
{
    return Snapshot::build(
        makeNodes({"node1", "node2", "node3"}),
        makePods({"m1.1 node1 medium low 2", "m1.2 node1 medium low 1", "m1.3 node1 small high",
                  "m2.1 node2 large mid", "m3.1 node3 large high"}));
}

QStringList toList(const std::vector<std::string> &log)
{
    return schedtest::toQStringList(log);
}

} // namespace

void TestDefaultPreemption::actingCallsTheCallbacks()
{
    Calls calls;
    const auto fw = makeFramework(recordingContext(&calls));
    const Snapshot snapshot = actingSnapshot();
    const auto pod = specPod("p - large high");
    const Result<ScheduleResult> result = fw->schedulePod(*pod, snapshot);
    QVERIFY(result.isOk());
    QVERIFY(!result->isScheduled());
    QCOMPARE(result->nominatedNodeName, std::string("node1"));
    QCOMPARE(toList(calls.log),
             (QStringList{"preempt m1.2 for p", "preempt m1.1 for p", "nominate p on node1"}));
    QCOMPARE(result->explanation.postFilter.size(), std::size_t(1));
    QVERIFY(result->explanation.postFilter.front().status.isSuccess());

    // A victim that is gone already is fine; another error fails the round.
    calls.log.clear();
    PluginContext failing = recordingContext(&calls);
    failing.preemptVictim = [&calls](const core::Pod &victim, const core::Pod &) {
        calls.log.push_back("preempt " + victim.metadata().name());
        return victim.metadata().name() == "m1.2" ? Status::notFound("gone")
                                                  : Status::unavailable("api down");
    };
    const auto fw2 = makeFramework(failing);
    CycleState state;
    const Result<ScheduleResult> failed = fw2->schedulePod(state, *pod, snapshot);
    QVERIFY(failed.isOk());
    QCOMPARE(toList(calls.log), (QStringList{"preempt m1.2", "preempt m1.1"}));
    QCOMPARE(failed->explanation.postFilter.front().status.code(), Code::Error);
    QCOMPARE(failed->fitError->postFilterMsg, std::string("preemption: api down"));
}

void TestDefaultPreemption::dryRunCallsNothing()
{
    Calls calls;
    PluginContext onlyOne = recordingContext(&calls);
    onlyOne.nominateNode = nullptr; // both callbacks are needed to act
    for (const PluginContext &context : {PluginContext(), onlyOne}) {
        const auto fw = makeFramework(context);
        const Result<ScheduleResult> result =
            fw->schedulePod(*specPod("p - large high"), actingSnapshot());
        QVERIFY(result.isOk());
        QCOMPARE(result->nominatedNodeName, std::string("node1"));
    }
    QVERIFY(calls.log.empty());

    const auto fw = makeFramework();
    const Result<PreemptionPlan> plan =
        DefaultPreemption::plan(*fw, *specPod("p - large high"), actingSnapshot());
    QVERIFY(plan.isOk());
    QCOMPARE(plan->chosen.nodeName, std::string("node1"));
    QCOMPARE(names(plan->chosen.victims), (QStringList{"m1.2", "m1.1"}));
    QCOMPARE(plan->candidates.size(), std::size_t(2));

    // A pod that fits needs no preemption.
    const Result<PreemptionPlan> fits =
        DefaultPreemption::plan(*fw, *specPod("p - small high"), actingSnapshot());
    QVERIFY(fits.isOk());
    QCOMPARE(fits->status.code(), Code::Skip);
}

void TestDefaultPreemption::failedPreemptionClearsTheNomination()
{
    Calls calls;
    const auto fw = makeFramework(recordingContext(&calls));
    const Snapshot snapshot =
        Snapshot::build(makeNodes({"node1"}), makePods({"m1.1 node1 large veryHigh"}));
    const auto pod = specPod("p - large high", {}, "\"nominatedNodeName\":\"node1\"");
    const Result<ScheduleResult> result = fw->schedulePod(*pod, snapshot);
    QVERIFY(result.isOk());
    QCOMPARE(toList(calls.log), QStringList{"nominate p on "});
    QCOMPARE(QString::fromStdString(result->fitError->message()),
             QString("0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are "
                     "available: 1 No preemption victims found for incoming pod."));

    // Without a nomination there is nothing to clear.
    calls.log.clear();
    QVERIFY(fw->schedulePod(*specPod("p - large high"), snapshot).isOk());
    QVERIFY(calls.log.empty());
}

void TestDefaultPreemption::endToEndThroughTheFramework()
{
    // Two 500m nodes full of low and mid pods: a high pod of 400m fits on
    // neither. node1 frees 400m by evicting two low pods, node2 only by
    // evicting a mid one: node1.
    Calls calls;
    const auto fw = makeFramework(recordingContext(&calls));
    QVERIFY(fw->plugin(DefaultPreemption::kName));
    const Snapshot snapshot =
        Snapshot::build(makeNodes({"node1", "node2"}),
                        makePods({"a node1 200m low 1", "b node1 200m low 2", "c node1 100m mid",
                                  "d node2 400m mid", "e node2 100m low"}));
    const Result<ScheduleResult> result = fw->schedulePod(*specPod("hi - 400m high"), snapshot);
    QVERIFY(result.isOk());
    QVERIFY(!result->isScheduled());
    QCOMPARE(result->fitError->message(),
             std::string("0/2 nodes are available: 2 Insufficient cpu."));
    QCOMPARE(result->nominatedNodeName, std::string("node1"));
    QCOMPARE(toList(calls.log),
             (QStringList{"preempt a for hi", "preempt b for hi", "nominate hi on node1"}));

    // The same pod at low priority cannot preempt.
    calls.log.clear();
    const Result<ScheduleResult> low = fw->schedulePod(*specPod("lo - 400m low"), snapshot);
    QVERIFY(low.isOk());
    QCOMPARE(QString::fromStdString(low->fitError->message()),
             QString("0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are "
                     "available: 2 No preemption victims found for incoming pod."));
    QVERIFY(calls.log.empty());
}

void TestDefaultPreemption::fiveThousandNodes()
{
    // 5,000 nodes of 4 cpu, each full with four 1-cpu pods of priority 0;
    // on node-2500 they started latest. A 2-cpu pod of priority 1000 takes
    // two victims anywhere; the latest-started victims win.
    std::vector<Snapshot::NodePtr> nodes;
    std::vector<Snapshot::PodPtr> pods;
    for (int i = 0; i < 5000; ++i) {
        const QString name = QStringLiteral("node-%1").arg(i, 4, 10, QLatin1Char('0'));
        nodes.push_back(schedtest::makeNode(name.toStdString(), "4", "16Gi"));
        const QString day = i == 2500 ? "9" : "1";
        for (int j = 0; j < 4; ++j)
            pods.push_back(specPod(name + "-" + QString::number(j) + " " + name + " 1 low " + day));
    }
    const Snapshot snapshot = Snapshot::build(nodes, pods);
    const auto fw = makeFramework();
    const Result<PreemptionPlan> plan =
        DefaultPreemption::plan(*fw, *specPod("p - 2 high"), snapshot);
    QVERIFY(plan.isOk());
    QCOMPARE(plan->status.code(), Code::Success);
    QCOMPARE(plan->candidates.size(), std::size_t(5000));
    QCOMPARE(plan->chosen.nodeName, std::string("node-2500"));
    QCOMPARE(plan->chosen.victims.size(), std::size_t(2));

    const Result<ScheduleResult> result = fw->schedulePod(*specPod("p - 2 high"), snapshot);
    QVERIFY(result.isOk());
    QCOMPARE(result->nominatedNodeName, std::string("node-2500"));
}

namespace {

// A Filter whose verdict depends only on its PreFilter state: at most two
// pods per node. Its state changes only through addPod / removePod, so
// preemption finds victims here only if it tells the extensions.
class CrowdLimit final : public PreFilterPlugin, public PreFilterExtensions, public FilterPlugin
{
public:
    static constexpr std::string_view kName = "CrowdLimit";
    static constexpr std::string_view kKey = "PreFilterCrowdLimit";

    struct State final : StateData
    {
        std::map<std::string, int> pods;
        std::shared_ptr<StateData> clone() const override { return std::make_shared<State>(*this); }
    };

    std::string_view name() const override { return kName; }
    PluginStatus preFilter(CycleState &state, const core::Pod &, const Snapshot &snapshot,
                           PreFilterResult *) const override
    {
        auto data = std::make_shared<State>();
        for (const NodeInfo &info : snapshot.nodeInfos())
            data->pods[info.name()] = static_cast<int>(info.pods().size());
        state.write(std::string(kKey), data);
        return {};
    }
    PluginStatus addPod(CycleState &state, const core::Pod &, const PodInfo &,
                        const NodeInfo &nodeInfo) const override
    {
        ++state.readMutable<State>(kKey)->pods[nodeInfo.name()];
        return {};
    }
    PluginStatus removePod(CycleState &state, const core::Pod &, const PodInfo &,
                           const NodeInfo &nodeInfo) const override
    {
        --state.readMutable<State>(kKey)->pods[nodeInfo.name()];
        return {};
    }
    PluginStatus filter(const CycleState &state, const core::Pod &,
                        const NodeInfo &nodeInfo) const override
    {
        const State *data = state.read<State>(kKey);
        if (data && data->pods.at(nodeInfo.name()) >= 2)
            return PluginStatus::unschedulable({"node(s) are crowded"});
        return {};
    }
};

} // namespace

void TestDefaultPreemption::preFilterExtensionsSeeTheWhatIfNode()
{
    Registry registry;
    QVERIFY(plugins::registerDefaultPlugins(registry).isOk());
    if (!registry.find(DefaultPreemption::kName))
        QVERIFY(
            registry.add(std::string(DefaultPreemption::kName), &DefaultPreemption::create).isOk());
    QVERIFY(registry
                .add(std::string(CrowdLimit::kName),
                     [](const PluginContext &) -> Result<std::shared_ptr<const Plugin>> {
                         return std::shared_ptr<const Plugin>(std::make_shared<CrowdLimit>());
                     })
                .isOk());
    Profile profile;
    profile.plugins = {{"PrioritySort"},
                       {std::string(CrowdLimit::kName)},
                       {"NodeResourcesFit"},
                       {std::string(DefaultPreemption::kName)}};
    auto fw = Framework::create(registry, profile);
    QVERIFY(fw.isOk());

    // node1: two low pods (p2 started later), node2: two high pods.
    const Snapshot snapshot = Snapshot::build(
        makeNodes({"node1", "node2"}), makePods({"p1 node1 small low 1", "p2 node1 small low 2",
                                                 "q1 node2 small high", "q2 node2 small high"}));
    CycleState state;
    const auto pod = specPod("p - small high");
    const Result<ScheduleResult> result = (*fw)->schedulePod(state, *pod, snapshot);
    QVERIFY(result.isOk());
    QCOMPARE(result->fitError->message(),
             std::string("0/2 nodes are available: 2 node(s) are crowded."));
    QCOMPARE(result->nominatedNodeName, std::string("node1"));

    const PreemptionPlan plan =
        DefaultPreemption::plan(**fw, state, *pod, snapshot, result->fitError->nodeStatuses);
    QCOMPARE(plan.chosen.nodeName, std::string("node1"));
    QCOMPARE(names(plan.chosen.victims), QStringList{"p2"});
    // The what-if rounds worked on clones.
    QCOMPARE(state.read<CrowdLimit::State>(CrowdLimit::kKey)->pods.at("node1"), 2);
}

QTEST_GUILESS_MAIN(TestDefaultPreemption)
#include "tst_defaultpreemption.moc"
