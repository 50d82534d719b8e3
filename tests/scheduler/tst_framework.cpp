#include "backend/scheduler/framework/clusterlister.h"
#include "backend/scheduler/framework/framework.h"
#include "backend/scheduler/framework/registry.h"
#include "backend/scheduler/framework/snapshot.h"
#include "backend/scheduler/plugins/defaultplugins.h"
#include "schedulertestutil.h"

#include "core_v1.pb.h"

#include <map>
#include <set>

using namespace kubist;
using namespace kubist::scheduler;
using Code = PluginStatus::Code;

class TestFramework : public QObject
{
    Q_OBJECT

private slots:
    void fitErrorMessage_data();
    void fitErrorMessage();
    void defaultProfileFailureMessage_data();
    void defaultProfileFailureMessage();
    void explanationCoversEveryNode();
    void weightsMultiplyNormalizedScores();
    void tiesGoToTheLowestNodeName();
    void seededTieBreakIsDeterministic();
    void postFilterMessageIsAppended();
    void pluginErrorFailsTheAttempt();
    void createRejectsBadProfiles_data();
    void createRejectsBadProfiles();
    void reserveAndBindRunInOrder();
    void hundredNodeSnapshot();
    void equivalenceCacheAnswersAsAFreshFramework();
};

namespace {

// A Score plugin with fixed raw scores per node name, optionally
// normalizing by DefaultNormalizeScore.
class FixedScore final : public ScorePlugin
{
public:
    FixedScore(std::string name, std::map<std::string, std::int64_t> scores)
        : m_name(std::move(name))
        , m_scores(std::move(scores))
    {}
    std::string_view name() const override { return m_name; }
    PluginStatus score(const CycleState &, const schedtest::core::Pod &, const NodeInfo &info,
                       std::int64_t *score) const override
    {
        const auto it = m_scores.find(info.name());
        *score = it == m_scores.end() ? 0 : it->second;
        return {};
    }

private:
    std::string m_name;
    std::map<std::string, std::int64_t> m_scores;
};

class RejectAll final : public PostFilterPlugin, public FilterPlugin
{
public:
    explicit RejectAll(Code filterCode)
        : m_filterCode(filterCode)
    {}
    std::string_view name() const override { return "RejectAll"; }
    PluginStatus filter(const CycleState &, const schedtest::core::Pod &,
                        const NodeInfo &) const override
    {
        if (m_filterCode == Code::Error)
            return PluginStatus::error("boom");
        return PluginStatus(m_filterCode, {"node(s) were rejected"});
    }
    PluginStatus postFilter(CycleState &, const schedtest::core::Pod &, const Snapshot &,
                            const NodeStatusMap &filtered, PostFilterResult *) const override
    {
        return PluginStatus::unschedulable(
            {"preemption: 0/" + std::to_string(filtered.size()) + " nodes are available: " +
             std::to_string(filtered.size()) + " Preemption is not helpful for scheduling."});
    }

private:
    Code m_filterCode;
};

class Recorder final : public ReservePlugin, public BindPlugin
{
public:
    Recorder(std::string name, std::vector<std::string> *log, bool failReserve, bool skipBind)
        : m_name(std::move(name))
        , m_log(log)
        , m_failReserve(failReserve)
        , m_skipBind(skipBind)
    {}
    std::string_view name() const override { return m_name; }
    PluginStatus reserve(CycleState &, const schedtest::core::Pod &,
                         const std::string &node) const override
    {
        m_log->push_back(m_name + ".reserve " + node);
        return m_failReserve ? PluginStatus::unschedulable({"no room"}) : PluginStatus();
    }
    void unreserve(CycleState &, const schedtest::core::Pod &,
                   const std::string &node) const override
    {
        m_log->push_back(m_name + ".unreserve " + node);
    }
    PluginStatus bind(const CycleState &, const schedtest::core::Pod &,
                      const std::string &node) const override
    {
        m_log->push_back(m_name + ".bind " + node);
        return m_skipBind ? PluginStatus::skip() : PluginStatus();
    }

private:
    std::string m_name;
    std::vector<std::string> *m_log;
    bool m_failReserve;
    bool m_skipBind;
};

template<class P, class... Args> PluginFactory factoryOf(Args... args)
{
    return [=](const PluginContext &) -> Result<std::shared_ptr<const Plugin>> {
        return std::shared_ptr<const Plugin>(std::make_shared<P>(args...));
    };
}

std::unique_ptr<Framework> defaultFramework(const PluginContext &context = {})
{
    Registry registry;
    if (!plugins::registerDefaultPlugins(registry).isOk())
        qFatal("registerDefaultPlugins failed");
    auto fw = Framework::create(registry, plugins::defaultProfile(), context);
    if (!fw.isOk())
        qFatal("%s", fw.status().message().c_str());
    return std::move(fw).value();
}

NodeStatusMap statuses(const std::vector<std::pair<std::string, std::vector<std::string>>> &list)
{
    NodeStatusMap out;
    for (const auto &[node, reasons] : list)
        out[node] = PluginStatus::unschedulable(reasons);
    return out;
}

} // namespace

void TestFramework::fitErrorMessage_data()
{
    QTest::addColumn<int>("numAllNodes");
    QTest::addColumn<QString>("preFilterMsg");
    QTest::addColumn<QString>("postFilterMsg");
    QTest::addColumn<QString>("message");

    QTest::newRow("reasons counted per node and sorted")
        << 3 << QString() << QString()
        << "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu.";
    QTest::newRow("PreFilter message replaces the node reasons")
        << 3 << "pod affinity terms conflict" << QString()
        << "0/3 nodes are available: pod affinity terms conflict.";
    QTest::newRow("PostFilter message is appended")
        << 3 << QString()
        << "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
        << "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu. "
           "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    QTest::newRow("no nodes at all")
        << 0 << QString() << QString() << "no nodes available to schedule pods";
}

void TestFramework::fitErrorMessage()
{
    QFETCH(int, numAllNodes);
    QFETCH(QString, preFilterMsg);
    QFETCH(QString, postFilterMsg);
    QFETCH(QString, message);

    FitError fit;
    fit.numAllNodes = numAllNodes;
    fit.nodeStatuses = statuses({{"a", {"node(s) were unschedulable"}},
                                 {"b", {"Insufficient cpu"}},
                                 {"c", {"Insufficient cpu"}}});
    fit.preFilterMsg = preFilterMsg.toStdString();
    fit.postFilterMsg = postFilterMsg.toStdString();
    QCOMPARE(QString::fromStdString(fit.message()), message);
}

void TestFramework::defaultProfileFailureMessage_data()
{
    QTest::addColumn<QByteArray>("pod");
    QTest::addColumn<QString>("message");

    // node-a is cordoned, node-b and node-c have 1 cpu; node-c is tainted.
    QTest::newRow("cordoned node and insufficient cpu")
        << QByteArray(
               R"({"metadata":{"name":"p"},"spec":{"containers":[{"name":"c",)"
               R"("resources":{"requests":{"cpu":"2"}}}],"tolerations":[{"key":"dedicated","operator":"Exists"}]}})")
        << "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu."
           " preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    QTest::newRow("several reasons on one node are all counted")
        << QByteArray(R"({"metadata":{"name":"p"},"spec":{"containers":[{"name":"c",)"
                      R"("resources":{"requests":{"cpu":"2","memory":"8Gi"}}}],)"
                      R"("tolerations":[{"key":"dedicated","operator":"Exists"}]}})")
        << "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu, "
           "2 Insufficient memory."
           " preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    QTest::newRow("first failing plugin per node, in profile order")
        << QByteArray(R"({"metadata":{"name":"p"},"spec":{"containers":[{"name":"c",)"
                      R"("resources":{"requests":{"cpu":"2"}}}]}})")
        << "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint "
           "{dedicated: gpu}, 1 node(s) were unschedulable."
           " preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    QTest::newRow("nodes a PreFilter left out")
        << QByteArray(
               R"({"metadata":{"name":"p"},"spec":{"containers":[{"name":"c",)"
               R"("resources":{"requests":{"cpu":"2"}}}],"affinity":{"nodeAffinity":{)"
               R"("requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[)"
               R"({"matchFields":[{"key":"metadata.name","operator":"In","values":["node-b"]}]}]}}}}})")
        << "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) "
           "[NodeAffinity]."
           " preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    QTest::newRow("PreFilter rejection")
        << QByteArray(R"({"metadata":{"name":"p"},"spec":{"affinity":{"nodeAffinity":{)"
                      R"("requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[)"
                      R"({"matchFields":[{"key":"metadata.name","operator":"In","values":["a"]},)"
                      R"({"key":"metadata.name","operator":"In","values":["b"]}]}]}}}}})")
        << "0/3 nodes are available: pod affinity terms conflict."
           " preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
}

void TestFramework::defaultProfileFailureMessage()
{
    QFETCH(QByteArray, pod);
    QFETCH(QString, message);

    const auto snapshot = Snapshot::build(
        {schedtest::makeNode("node-a", "4", "4Gi", "110", "", R"({"unschedulable":true})"),
         schedtest::makeNode("node-b", "1", "4Gi"),
         schedtest::makeNode(
             "node-c", "1", "4Gi", "110", "",
             R"({"taints":[{"key":"dedicated","value":"gpu","effect":"NoSchedule"}]})")},
        {});
    const auto fw = defaultFramework();
    const auto result = fw->schedulePod(*schedtest::pod(pod), snapshot);
    QVERIFY2(result.isOk(), result.status().message().c_str());
    QVERIFY(!result->isScheduled());
    QCOMPARE(QString::fromStdString(result->fitError->message()), message);
}

void TestFramework::explanationCoversEveryNode()
{
    const auto snapshot = Snapshot::build(
        {schedtest::makeNode("node-c", "4", "8Gi"),
         schedtest::makeNode("node-a", "4", "8Gi", "110", "", R"({"unschedulable":true})"),
         schedtest::makeNode("node-b", "2", "8Gi")},
        {schedtest::makePod("busy", "node-c", {{"2", "1Gi"}})});
    const auto fw = defaultFramework();
    const auto pod = schedtest::makePod("p", "", {{"1", "1Gi"}});
    const auto result = fw->schedulePod(*pod, snapshot);
    QVERIFY(result.isOk());
    QVERIFY(result->isScheduled());
    QCOMPARE(result->evaluatedNodes, 3);
    QCOMPARE(result->feasibleNodes, 2);

    const auto &nodes = result->explanation.nodes;
    QCOMPARE(nodes.size(), std::size_t(3));
    QCOMPARE(nodes[0].nodeName, std::string("node-a"));
    QVERIFY(!nodes[0].feasible);
    QCOMPARE(nodes[0].status.plugin(), std::string("NodeUnschedulable"));
    QCOMPARE(nodes[0].status.code(), Code::UnschedulableAndUnresolvable);
    QVERIFY(nodes[0].scores.empty());

    // Feasible nodes carry one entry per Score plugin, in profile order.
    for (const std::size_t i : {std::size_t(1), std::size_t(2)}) {
        QVERIFY(nodes[i].feasible);
        QStringList plugins;
        for (const PluginScore &s : nodes[i].scores)
            plugins << QString::fromStdString(s.plugin);
        QCOMPARE(plugins, (QStringList{"TaintToleration", "NodeAffinity", "NodeResourcesFit",
                                       "PodTopologySpread", "InterPodAffinity",
                                       "NodeResourcesBalancedAllocation", "ImageLocality"}));
        QCOMPARE(nodes[i].scores[0].weight, 3);
        QVERIFY(nodes[i].scores[1].skipped); // no preferred terms
        QVERIFY(nodes[i].scores[3].skipped); // no constraints, no default selector
        QVERIFY(nodes[i].scores[4].skipped); // no affinity anywhere
        std::int64_t total = 0;
        for (const PluginScore &s : nodes[i].scores) {
            QCOMPARE(s.weighted, s.normalized * s.weight);
            total += s.weighted;
        }
        QCOMPARE(nodes[i].totalScore, total);
    }
    // node-b: cpu 1/2 -> 50, memory 1/8 -> 87: Fit 68; balance 0.5 vs 0.125 -> 81.
    QCOMPARE(nodes[1].scores[2].raw, 68);
    QCOMPARE(nodes[1].scores[5].raw, 81);
    // node-c: cpu 3/4 -> 25, memory 2/8 -> 75: Fit 50; balance 0.75 vs 0.25 -> 75.
    QCOMPARE(nodes[2].scores[2].raw, 50);
    QCOMPARE(nodes[2].scores[5].raw, 75);
    QCOMPARE(nodes[1].scores[6].raw, 0); // no image on the node
    QCOMPARE(nodes[1].totalScore, 300 + 68 + 81);
    QCOMPARE(result->suggestedHost, std::string("node-b"));

    // PreFilter outcomes are listed too.
    QStringList preFilter;
    for (const PluginOutcome &o : result->explanation.preFilter)
        preFilter << QString::fromStdString(o.plugin + ":" +
                                            std::string(PluginStatus::codeName(o.status.code())));
    QCOMPARE(preFilter, (QStringList{"PlacementIntent:Skip", "NodeAffinity:Skip", "NodePorts:Skip",
                                     "NodeResourcesFit:Success", "PodTopologySpread:Skip",
                                     "InterPodAffinity:Skip"}));
}

void TestFramework::weightsMultiplyNormalizedScores()
{
    Registry registry;
    QVERIFY(registry
                .add("A", factoryOf<FixedScore>(
                              std::string("A"),
                              std::map<std::string, std::int64_t>{{"n1", 100}, {"n2", 0}}))
                .isOk());
    QVERIFY(registry
                .add("B", factoryOf<FixedScore>(
                              std::string("B"),
                              std::map<std::string, std::int64_t>{{"n1", 0}, {"n2", 60}}))
                .isOk());
    const auto snapshot = Snapshot::build(
        {schedtest::makeNode("n1", "1", "1Gi"), schedtest::makeNode("n2", "1", "1Gi")}, {});
    const auto pod = schedtest::makePod("p", "", {});

    // A weight 1 vs B weight 1: n1 wins 100 to 60.
    auto fw = Framework::create(registry, Profile{"s", {{"A", 0}, {"B", 1}}});
    QVERIFY(fw.isOk());
    auto result = (*fw)->schedulePod(*pod, snapshot);
    QVERIFY(result.isOk());
    QCOMPARE(result->suggestedHost, std::string("n1"));
    QCOMPARE(result->explanation.nodes[0].totalScore, 100);

    // B weight 2: n2 wins 120 to 100.
    fw = Framework::create(registry, Profile{"s", {{"A", 1}, {"B", 2}}});
    QVERIFY(fw.isOk());
    result = (*fw)->schedulePod(*pod, snapshot);
    QVERIFY(result.isOk());
    QCOMPARE(result->suggestedHost, std::string("n2"));
    QCOMPARE(result->explanation.nodes[1].totalScore, 120);
    QCOMPARE(result->explanation.nodes[1].scores[1].weighted, 120);
}

void TestFramework::tiesGoToTheLowestNodeName()
{
    const auto snapshot = Snapshot::build({schedtest::makeNode("zeta", "2", "2Gi"),
                                           schedtest::makeNode("alpha", "2", "2Gi"),
                                           schedtest::makeNode("mid", "2", "2Gi")},
                                          {});
    const auto fw = defaultFramework();
    const auto result = fw->schedulePod(*schedtest::makePod("p", "", {{"1", "1Gi"}}), snapshot);
    QVERIFY(result.isOk());
    QCOMPARE(result->explanation.nodes[0].totalScore, result->explanation.nodes[2].totalScore);
    QCOMPARE(result->suggestedHost, std::string("alpha"));
}

void TestFramework::seededTieBreakIsDeterministic()
{
    std::vector<Snapshot::NodePtr> nodes;
    for (int i = 0; i < 4; ++i)
        nodes.push_back(schedtest::makeNode("n" + std::to_string(i), "2", "2Gi"));
    const auto snapshot = Snapshot::build(nodes, {});
    const auto fw = defaultFramework();
    const auto pod = schedtest::makePod("p", "", {{"1", "1Gi"}});
    std::set<std::string> picked;
    for (std::uint64_t seed = 0; seed < 32; ++seed) {
        const auto first = fw->schedulePod(*pod, snapshot, {seed});
        const auto second = fw->schedulePod(*pod, snapshot, {seed});
        QVERIFY(first.isOk() && second.isOk());
        QCOMPARE(first->suggestedHost, second->suggestedHost);
        picked.insert(first->suggestedHost);
    }
    QVERIFY2(picked.size() > 1, "a seeded tie-break should spread over the tied nodes");
}

void TestFramework::postFilterMessageIsAppended()
{
    Registry registry;
    QVERIFY(registry.add("RejectAll", factoryOf<RejectAll>(Code::Unschedulable)).isOk());
    auto fw = Framework::create(registry, Profile{"s", {{"RejectAll", 0}}});
    QVERIFY(fw.isOk());
    const auto snapshot = Snapshot::build(
        {schedtest::makeNode("n1", "1", "1Gi"), schedtest::makeNode("n2", "1", "1Gi")}, {});
    const auto result = (*fw)->schedulePod(*schedtest::makePod("p", "", {}), snapshot);
    QVERIFY(result.isOk());
    QVERIFY(!result->isScheduled());
    QCOMPARE(result->fitError->message(),
             std::string("0/2 nodes are available: 2 node(s) were rejected. preemption: 0/2 "
                         "nodes are available: 2 Preemption is not helpful for scheduling."));
    QCOMPARE(result->fitError->unschedulablePlugins, std::set<std::string>{"RejectAll"});
    QCOMPARE(result->explanation.postFilter.size(), std::size_t(1));
}

void TestFramework::pluginErrorFailsTheAttempt()
{
    Registry registry;
    QVERIFY(registry.add("RejectAll", factoryOf<RejectAll>(Code::Error)).isOk());
    auto fw = Framework::create(registry, Profile{"s", {{"RejectAll", 0}}});
    QVERIFY(fw.isOk());
    const auto snapshot = Snapshot::build({schedtest::makeNode("n1", "1", "1Gi")}, {});
    const auto result = (*fw)->schedulePod(*schedtest::makePod("p", "", {}), snapshot);
    QVERIFY(!result.isOk());
    QCOMPARE(result.status().code(), Status::Code::Internal);
    QCOMPARE(result.status().message(), std::string("running Filter plugin \"RejectAll\": boom"));
}

void TestFramework::createRejectsBadProfiles_data()
{
    QTest::addColumn<QStringList>("plugins");
    QTest::addColumn<int>("weight");
    QTest::addColumn<int>("code");

    QTest::newRow("unknown plugin")
        << QStringList{"NoSuchPlugin"} << 0 << int(Status::Code::NotFound);
    QTest::newRow("plugin listed twice")
        << QStringList{"NodeName", "NodeName"} << 0 << int(Status::Code::InvalidArgument);
    QTest::newRow("negative weight")
        << QStringList{"TaintToleration"} << -1 << int(Status::Code::InvalidArgument);
    QTest::newRow("default set is fine")
        << QStringList{"PrioritySort", "NodeName"} << 0 << int(Status::Code::Ok);
}

void TestFramework::createRejectsBadProfiles()
{
    QFETCH(QStringList, plugins);
    QFETCH(int, weight);
    QFETCH(int, code);
    Registry registry;
    QVERIFY(plugins::registerDefaultPlugins(registry).isOk());
    QCOMPARE(plugins::registerDefaultPlugins(registry).code(), Status::Code::AlreadyExists);
    Profile profile;
    for (const QString &name : plugins)
        profile.plugins.push_back({name.toStdString(), weight});
    const auto fw = Framework::create(registry, profile);
    QCOMPARE(int(fw.isOk() ? Status::Code::Ok : fw.status().code()), code);
}

void TestFramework::reserveAndBindRunInOrder()
{
    std::vector<std::string> log;
    Registry registry;
    QVERIFY(registry.add("R1", factoryOf<Recorder>(std::string("R1"), &log, false, true)).isOk());
    QVERIFY(registry.add("R2", factoryOf<Recorder>(std::string("R2"), &log, true, false)).isOk());
    auto fw = Framework::create(registry, Profile{"s", {{"R1", 0}, {"R2", 0}}});
    QVERIFY(fw.isOk());
    const auto pod = schedtest::makePod("p", "", {});
    CycleState state;
    const PluginStatus reserved = (*fw)->runReservePlugins(state, *pod, "n1");
    QCOMPARE(reserved.code(), Code::Unschedulable);
    QCOMPARE(reserved.plugin(), std::string("R2"));
    const PluginStatus bound = (*fw)->runBindPlugins(state, *pod, "n1");
    QVERIFY(bound.isSuccess());
    QCOMPARE(bound.plugin(), std::string("R2"));
    const std::vector<std::string> expected = {"R1.reserve n1",   "R2.reserve n1",
                                               "R2.unreserve n1", "R1.unreserve n1",
                                               "R1.bind n1",      "R2.bind n1"};
    QCOMPARE(log, expected);

    // The default profile binds through the Binder it was given.
    std::vector<std::string> bindings;
    PluginContext context;
    context.binder = [&bindings](const schedtest::core::Binding &binding) {
        bindings.push_back(binding.metadata().namespace_() + "/" + binding.metadata().name() +
                           " -> " + binding.target().kind() + "/" + binding.target().name());
        return Status::ok();
    };
    const auto defaultFw = defaultFramework(context);
    QVERIFY(defaultFw->runBindPlugins(state, *pod, "node-7").isSuccess());
    QCOMPARE(bindings, std::vector<std::string>{"default/p -> Node/node-7"});
}

void TestFramework::hundredNodeSnapshot()
{
    // 100 nodes with 8 cpu / 32Gi each; node i already runs i % 7 pods of
    // 1 cpu / 4Gi. A 1 cpu / 4Gi pod goes to an empty node (i % 7 == 0),
    // the first by name among equals.
    std::vector<Snapshot::NodePtr> nodes;
    std::vector<Snapshot::PodPtr> pods;
    for (int i = 0; i < 100; ++i) {
        const std::string name =
            QStringLiteral("node-%1").arg(i, 3, 10, QLatin1Char('0')).toStdString();
        nodes.push_back(schedtest::makeNode(name, "8", "32Gi"));
        for (int j = 0; j < i % 7; ++j)
            pods.push_back(
                schedtest::makePod(name + "-" + std::to_string(j), name, {{"1", "4Gi"}}));
    }
    pods.push_back(schedtest::makePod("pending", "", {{"1", "1Gi"}}));
    const auto snapshot = Snapshot::build(nodes, pods);
    QCOMPARE(snapshot.numNodes(), std::size_t(100));
    QCOMPARE(snapshot.get("node-006")->pods().size(), std::size_t(6));

    const auto fw = defaultFramework();
    const auto result = fw->schedulePod(*schedtest::makePod("p", "", {{"1", "4Gi"}}), snapshot);
    QVERIFY(result.isOk());
    QCOMPARE(result->evaluatedNodes, 100);
    QCOMPARE(result->feasibleNodes, 100);
    QCOMPARE(result->explanation.nodes.size(), std::size_t(100));
    QCOMPARE(result->suggestedHost, std::string("node-000"));
    std::int64_t best = 0;
    for (const NodeExplanation &node : result->explanation.nodes)
        best = std::max(best, node.totalScore);
    QCOMPARE(result->explanation.nodes.front().totalScore, best);
    // A node with 6 of 8 cpu taken scores lower than an empty one.
    QVERIFY(result->explanation.nodes[6].totalScore < best);

    // A pod too big for every node fails on all 100 with one message.
    const auto big = fw->schedulePod(*schedtest::makePod("big", "", {{"9", "1Gi"}}), snapshot);
    QVERIFY(big.isOk());
    QCOMPARE(big->fitError->message(),
             std::string("0/100 nodes are available: 100 Insufficient cpu. preemption: 0/100 "
                         "nodes are available: 100 Preemption is not helpful for scheduling."));
}

namespace {

// A node of zone `zone` that has (or not) the image "shop/web:1".
std::shared_ptr<const schedtest::core::Node> zonedNode(const std::string &name,
                                                       const std::string &zone, bool image,
                                                       const std::string &spec = "{}")
{
    auto node = std::make_shared<schedtest::core::Node>(
        *schedtest::makeNode(name, "4", "16Gi", "20", "", spec,
                             "{\"kubernetes.io/hostname\":\"" + name +
                                 "\",\"topology.kubernetes.io/zone\":\"" + zone + "\"}"));
    if (image) {
        auto *entry = node->mutable_status()->add_images();
        entry->add_names("shop/web:1");
        entry->set_size_bytes(400 * 1024 * 1024);
    }
    return node;
}

// A pod of the "web" Deployment (spread by the default constraints through
// its Service), with containers requesting `cpu`.
std::shared_ptr<const schedtest::core::Pod> webPod(int i, const std::string &cpu)
{
    auto pod = std::make_shared<schedtest::core::Pod>(
        *schedtest::makePod("web-" + std::to_string(i), "", {{cpu, "1Gi"}}));
    (*pod->mutable_metadata()->mutable_labels())["app"] = "web";
    pod->mutable_metadata()->set_uid("uid-" + std::to_string(i));
    pod->mutable_spec()->mutable_containers(0)->set_image("shop/web:1");
    return pod;
}

std::string describe(const ScheduleResult &r)
{
    std::string out = "host=" + r.suggestedHost + "\n";
    for (const NodeExplanation &n : r.explanation.nodes) {
        out += n.nodeName + (n.feasible ? " feasible " : " rejected ") +
               std::to_string(n.totalScore) + " " + n.status.plugin() + ":" + n.status.message();
        for (const PluginScore &score : n.scores)
            out += " " + score.plugin + "=" + std::to_string(score.raw) + "/" +
                   std::to_string(score.normalized);
        out += "\n";
    }
    return out;
}

} // namespace

void TestFramework::equivalenceCacheAnswersAsAFreshFramework()
{
    // One framework schedules 80 pods of two specs while the cluster
    // changes under it (pods land, a node is tainted and cordoned, a node
    // moves zone, images appear, a node goes and another comes); after
    // every change its full explanation equals that of a framework that
    // has never seen a pod.
    std::vector<Snapshot::NodePtr> nodes;
    for (int i = 0; i < 12; ++i)
        nodes.push_back(zonedNode("node-" + std::to_string(10 + i),
                                  "zone-" + std::string(1, char('a' + i % 3)), i % 4 == 0));
    Snapshot snapshot = Snapshot::build(nodes, {});
    auto lister = std::make_shared<ObjectLister>();
    lister->serviceList.push_back(schedtest::decode<schedtest::core::Service>(
        "{\"metadata\":{\"namespace\":\"default\",\"name\":\"web\"},"
        "\"spec\":{\"selector\":{\"app\":\"web\"}}}"));
    snapshot.setLister(lister);

    const auto cached = defaultFramework();
    for (int i = 0; i < 80; ++i) {
        switch (i) {
        case 10: // tainted
            snapshot.upsertNode(zonedNode(
                "node-12", "zone-c", false,
                "{\"taints\":[{\"key\":\"gpu\",\"value\":\"x\",\"effect\":\"NoSchedule\"}]}"));
            break;
        case 20: // cordoned
            snapshot.upsertNode(zonedNode("node-13", "zone-b", false, "{\"unschedulable\":true}"));
            break;
        case 30: // another zone
            snapshot.upsertNode(zonedNode("node-14", "zone-a", true));
            break;
        case 40: // images appear on two nodes
            snapshot.upsertNode(zonedNode("node-15", "zone-a", true));
            snapshot.upsertNode(zonedNode("node-16", "zone-b", true));
            break;
        case 50:
            snapshot.removeNode("node-17");
            break;
        case 60:
            snapshot.upsertNode(zonedNode("node-09", "zone-c", false));
            break;
        default:
            break;
        }
        snapshot.commit();
        const auto pod = webPod(i, i % 3 == 2 ? "1500m" : "250m");
        const auto fresh = defaultFramework();
        const auto a = cached->schedulePod(*pod, snapshot);
        const auto b = fresh->schedulePod(*pod, snapshot);
        QVERIFY(a.isOk() && b.isOk());
        QCOMPARE(describe(*a), describe(*b));
        if (!a->isScheduled())
            continue;
        auto bound = std::make_shared<schedtest::core::Pod>(*pod);
        bound->mutable_spec()->set_node_name(a->suggestedHost);
        snapshot.mutableNode(a->suggestedHost)->addPod(std::move(bound));
    }
    // Some pods stopped fitting (1.5 cpu on 4-cpu nodes): rejections were
    // compared too.
    const auto last = cached->schedulePod(*webPod(99, "3500m"), snapshot);
    QVERIFY(last.isOk());
    QCOMPARE(describe(*last),
             describe(*defaultFramework()->schedulePod(*webPod(99, "3500m"), snapshot)));
}

QTEST_GUILESS_MAIN(TestFramework)
#include "tst_framework.moc"
