#include "backend/scheduler/framework/clusterlister.h"
#include "backend/scheduler/framework/framework.h"
#include "backend/scheduler/plugins/interpodaffinity/interpodaffinity.h"
#include "schedulertestutil.h"

#include "apps_v1.pb.h"
#include "policy_v1.pb.h"

#include <map>
#include <set>

using namespace kubist::scheduler;
using plugins::InterPodAffinity;
using plugins::InterPodAffinityArgs;
namespace core = k8s::io::api::core::v1;

using PodPtr = std::shared_ptr<const core::Pod>;
using NodePtr = std::shared_ptr<const core::Node>;
using NamespacePtr = std::shared_ptr<const core::Namespace>;
using PodList = std::vector<PodPtr>;
using NodeList = std::vector<NodePtr>;
using NamespaceList = std::vector<NamespacePtr>;

Q_DECLARE_METATYPE(PodPtr)
Q_DECLARE_METATYPE(PodList)
Q_DECLARE_METATYPE(NodeList)
Q_DECLARE_METATYPE(NamespaceList)

// Filter and score cases follow upstream's filtering_test.go and
// scoring_test.go (v1.32) where they translate.
class TestInterPodAffinity : public QObject
{
    Q_OBJECT

private slots:
    void filter_data();
    void filter();
    void preFilterSkips_data();
    void preFilterSkips();
    void score_data();
    void score();
    void preFilterExtensions_data();
    void preFilterExtensions();
    void createValidatesArgs_data();
    void createValidatesArgs();
    void replicasWithAntiAffinitySpreadOverNodes();
    void fullCycleOnFiveThousandNodes();
};

namespace {

using Labels = std::map<std::string, std::string>;

struct Req
{
    std::string key;
    std::string op;
    std::vector<std::string> values;
};

Req in(std::string key, std::vector<std::string> values)
{
    return {std::move(key), "In", std::move(values)};
}
Req notIn(std::string key, std::vector<std::string> values)
{
    return {std::move(key), "NotIn", std::move(values)};
}
Req exists(std::string key)
{
    return {std::move(key), "Exists", {}};
}
Req doesNotExist(std::string key)
{
    return {std::move(key), "DoesNotExist", {}};
}

core::PodAffinityTerm term(const std::vector<Req> &reqs, const std::string &topologyKey)
{
    core::PodAffinityTerm t;
    auto *selector = t.mutable_label_selector();
    for (const Req &r : reqs) {
        auto *e = selector->add_match_expressions();
        e->set_key(r.key);
        e->set_operator_(r.op);
        for (const std::string &v : r.values)
            e->add_values(v);
    }
    t.set_topology_key(topologyKey);
    return t;
}

core::PodAffinityTerm inNamespaces(core::PodAffinityTerm t, const std::vector<std::string> &ns)
{
    for (const std::string &n : ns)
        t.add_namespaces(n);
    return t;
}

core::PodAffinityTerm withNamespaceSelector(core::PodAffinityTerm t, const Labels &labels)
{
    auto *selector = t.mutable_namespace_selector();
    for (const auto &[k, v] : labels)
        (*selector->mutable_match_labels())[k] = v;
    return t;
}

core::PodAffinityTerm withMatchLabelKeys(core::PodAffinityTerm t,
                                         const std::vector<std::string> &keys)
{
    for (const std::string &k : keys)
        t.add_match_label_keys(k);
    return t;
}

core::PodAffinityTerm withMismatchLabelKeys(core::PodAffinityTerm t,
                                            const std::vector<std::string> &keys)
{
    for (const std::string &k : keys)
        t.add_mismatch_label_keys(k);
    return t;
}

// Builds a pod: P("name").ns("x").on("node").labels({...}).anti(term(...)).
class P
{
public:
    explicit P(const std::string &name)
    {
        m_pod.mutable_metadata()->set_name(name);
        m_pod.mutable_metadata()->set_namespace_("default");
        m_pod.mutable_metadata()->set_uid("uid-" + name);
        m_pod.mutable_spec()->add_containers()->set_name("c");
    }
    P &ns(const std::string &ns)
    {
        m_pod.mutable_metadata()->set_namespace_(ns);
        return *this;
    }
    P &on(const std::string &node)
    {
        m_pod.mutable_spec()->set_node_name(node);
        return *this;
    }
    P &labels(const Labels &labels)
    {
        for (const auto &[k, v] : labels)
            (*m_pod.mutable_metadata()->mutable_labels())[k] = v;
        return *this;
    }
    P &affinity(const core::PodAffinityTerm &t)
    {
        *podAffinity()->add_required_during_scheduling_ignored_during_execution() = t;
        return *this;
    }
    P &anti(const core::PodAffinityTerm &t)
    {
        *podAntiAffinity()->add_required_during_scheduling_ignored_during_execution() = t;
        return *this;
    }
    P &preferAffinity(int weight, const core::PodAffinityTerm &t)
    {
        auto *w = podAffinity()->add_preferred_during_scheduling_ignored_during_execution();
        w->set_weight(weight);
        *w->mutable_pod_affinity_term() = t;
        return *this;
    }
    P &preferAnti(int weight, const core::PodAffinityTerm &t)
    {
        auto *w = podAntiAffinity()->add_preferred_during_scheduling_ignored_during_execution();
        w->set_weight(weight);
        *w->mutable_pod_affinity_term() = t;
        return *this;
    }
    PodPtr build() const { return std::make_shared<core::Pod>(m_pod); }
    operator PodPtr() const { return build(); }

private:
    core::PodAffinity *podAffinity()
    {
        return m_pod.mutable_spec()->mutable_affinity()->mutable_pod_affinity();
    }
    core::PodAntiAffinity *podAntiAffinity()
    {
        return m_pod.mutable_spec()->mutable_affinity()->mutable_pod_anti_affinity();
    }

    core::Pod m_pod;
};

NodePtr node(const std::string &name, const Labels &labels)
{
    auto n = std::make_shared<core::Node>();
    n->mutable_metadata()->set_name(name);
    for (const auto &[k, v] : labels)
        (*n->mutable_metadata()->mutable_labels())[k] = v;
    (*n->mutable_status()->mutable_allocatable())["pods"].set_value("110");
    return n;
}

NamespacePtr namespaceWith(const std::string &name, const Labels &labels)
{
    auto ns = std::make_shared<core::Namespace>();
    ns->mutable_metadata()->set_name(name);
    for (const auto &[k, v] : labels)
        (*ns->mutable_metadata()->mutable_labels())[k] = v;
    return ns;
}

Snapshot makeSnapshot(const NodeList &nodes, const PodList &pods,
                      const NamespaceList &namespaces = {})
{
    Snapshot snapshot = Snapshot::build(nodes, pods);
    auto lister = std::make_shared<ObjectLister>();
    lister->namespaceList = namespaces;
    snapshot.setLister(lister);
    return snapshot;
}

QString describe(const PluginStatus &status)
{
    if (status.isSuccess())
        return "Success";
    return QString::fromStdString(std::string(PluginStatus::codeName(status.code())) + ": " +
                                  status.message());
}

// Upstream's reasons, as describe() prints them.
const QString kOk = "Success";
const QString kAffinity =
    "UnschedulableAndUnresolvable: " +
    QString::fromUtf8(InterPodAffinity::kErrReasonAffinityRulesNotMatch.data(),
                      InterPodAffinity::kErrReasonAffinityRulesNotMatch.size());
const QString kAnti =
    "Unschedulable: " +
    QString::fromUtf8(InterPodAffinity::kErrReasonAntiAffinityRulesNotMatch.data(),
                      InterPodAffinity::kErrReasonAntiAffinityRulesNotMatch.size());
const QString kExisting =
    "Unschedulable: " +
    QString::fromUtf8(InterPodAffinity::kErrReasonExistingAntiAffinityRulesNotMatch.data(),
                      InterPodAffinity::kErrReasonExistingAntiAffinityRulesNotMatch.size());

// PreFilter, then Filter on every node (in snapshot order) with that state.
QStringList filterAll(const InterPodAffinity &plugin, const core::Pod &pod,
                      const Snapshot &snapshot, CycleState &state)
{
    PreFilterResult result;
    const PluginStatus pre = plugin.preFilter(state, pod, snapshot, &result);
    QStringList out;
    for (const NodeInfo &info : snapshot.nodeInfos()) {
        if (pre.isSkip())
            out << kOk;
        else if (!pre.isSuccess())
            out << describe(pre);
        else
            out << describe(plugin.filter(state, pod, info));
    }
    return out;
}

QStringList filterWith(const InterPodAffinity &plugin, const core::Pod &pod,
                       const Snapshot &snapshot, const CycleState &state)
{
    QStringList out;
    for (const NodeInfo &info : snapshot.nodeInfos())
        out << describe(plugin.filter(state, pod, info));
    return out;
}

const Labels kPodLabel = {{"service", "securityscan"}};
const Labels kPodLabel2 = {{"security", "S1"}};
const Labels kMachine1Labels = {{"region", "r1"}, {"zone", "z11"}};

} // namespace

void TestInterPodAffinity::filter_data()
{
    QTest::addColumn<PodPtr>("pod");
    QTest::addColumn<PodList>("pods");
    QTest::addColumn<NodeList>("nodes");
    QTest::addColumn<NamespaceList>("namespaces");
    QTest::addColumn<QStringList>("expected");

    const NodeList machine1 = {node("machine1", kMachine1Labels)};
    const auto secIn = in("service", {"securityscan", "value2"});
    const auto antivirus = in("service", {"antivirusscan", "value2"});

    // --- one node (upstream TestRequiredAffinitySingleNode) ---
    QTest::newRow("no required affinity, no pods: fits")
        << PodPtr(P("p")) << PodList{} << machine1 << NamespaceList{} << QStringList{kOk};
    QTest::newRow("affinity In selects the existing pod")
        << PodPtr(P("p").labels(kPodLabel2).affinity(term({secIn}, "region")))
        << PodList{P("e").on("machine1").labels(kPodLabel)} << machine1 << NamespaceList{}
        << QStringList{kOk};
    QTest::newRow("affinity NotIn selects the existing pod")
        << PodPtr(P("p")
                      .labels(kPodLabel2)
                      .affinity(term({notIn("service", {"securityscan3", "value3"})}, "region")))
        << PodList{P("e").on("machine1").labels(kPodLabel)} << machine1 << NamespaceList{}
        << QStringList{kOk};
    QTest::newRow("affinity looking in another namespace does not match")
        << PodPtr(P("p")
                      .labels(kPodLabel2)
                      .affinity(inNamespaces(term({secIn}, "region"), {"DiffNameSpace"})))
        << PodList{P("e").ns("ns").on("machine1").labels(kPodLabel)} << machine1 << NamespaceList{}
        << QStringList{kAffinity};
    QTest::newRow("affinity selector matching no pod")
        << PodPtr(P("p").labels(kPodLabel).affinity(term({antivirus}, "region")))
        << PodList{P("e").on("machine1").labels(kPodLabel)} << machine1 << NamespaceList{}
        << QStringList{kAffinity};
    QTest::newRow("several terms with different operators all match")
        << PodPtr(P("p")
                      .labels(kPodLabel2)
                      .affinity(term({exists("service"), doesNotExist("wrongkey")}, "region"))
                      .affinity(
                          term({in("service", {"securityscan"}), notIn("service", {"WrongValue"})},
                               "region")))
        << PodList{P("e").on("machine1").labels(kPodLabel)} << machine1 << NamespaceList{}
        << QStringList{kOk};
    QTest::newRow("requirements of a term are ANDed")
        << PodPtr(P("p")
                      .labels(kPodLabel2)
                      .affinity(term({exists("service"), doesNotExist("wrongkey")}, "region"))
                      .affinity(
                          term({in("service", {"securityscan2"}), notIn("service", {"WrongValue"})},
                               "region")))
        << PodList{P("e").on("machine1").labels(kPodLabel)} << machine1 << NamespaceList{}
        << QStringList{kAffinity};
    QTest::newRow("affinity and anti-affinity both satisfied")
        << PodPtr(P("p")
                      .labels(kPodLabel2)
                      .affinity(term({secIn}, "region"))
                      .anti(term({antivirus}, "node")))
        << PodList{P("e").on("machine1").labels(kPodLabel)} << machine1 << NamespaceList{}
        << QStringList{kOk};
    QTest::newRow("affinity, anti-affinity and the existing pod's anti-affinity satisfied")
        << PodPtr(P("p")
                      .labels(kPodLabel2)
                      .affinity(term({secIn}, "region"))
                      .anti(term({antivirus}, "node")))
        << PodList{P("e").on("machine1").labels(kPodLabel).anti(term({antivirus}, "node"))}
        << machine1 << NamespaceList{} << QStringList{kOk};
    QTest::newRow("affinity satisfied, anti-affinity not")
        << PodPtr(P("p")
                      .labels(kPodLabel2)
                      .affinity(term({secIn}, "region"))
                      .anti(term({secIn}, "zone")))
        << PodList{P("e").on("machine1").labels(kPodLabel)} << machine1 << NamespaceList{}
        << QStringList{kAnti};
    QTest::newRow("the existing pod's anti-affinity selects the pod")
        << PodPtr(P("p")
                      .labels(kPodLabel)
                      .affinity(term({secIn}, "region"))
                      .anti(term({antivirus}, "node")))
        << PodList{P("e").on("machine1").labels(kPodLabel).anti(term({secIn}, "zone"))} << machine1
        << NamespaceList{} << QStringList{kExisting};
    QTest::newRow("NotIn affinity excluding the pod itself, matching pod on an unknown node")
        << PodPtr(P("p").labels(kPodLabel).affinity(
               term({notIn("service", {"securityscan", "value2"})}, "region")))
        << PodList{P("e").on("machine2").labels(kPodLabel)} << machine1 << NamespaceList{}
        << QStringList{kAffinity};
    QTest::newRow("existing pod's anti-affinity applies to a pod without affinity")
        << PodPtr(P("p").labels(kPodLabel))
        << PodList{P("e").on("machine1").labels(kPodLabel).anti(term({secIn}, "zone"))} << machine1
        << NamespaceList{} << QStringList{kExisting};
    QTest::newRow("existing pod's NotIn anti-affinity does not select the pod")
        << PodPtr(P("p").labels(kPodLabel))
        << PodList{P("e")
                       .on("machine1")
                       .labels(kPodLabel)
                       .anti(term({notIn("service", {"securityscan", "value2"})}, "zone"))}
        << machine1 << NamespaceList{} << QStringList{kOk};
    QTest::newRow("anti-affinity selecting the existing pod by Exists")
        << PodPtr(P("p")
                      .labels(kPodLabel)
                      .anti(term({exists("service")}, "region"))
                      .anti(term({exists("security")}, "region")))
        << PodList{P("e")
                       .on("machine1")
                       .labels(kPodLabel2)
                       .anti(term({exists("security")}, "zone"))}
        << machine1 << NamespaceList{} << QStringList{kAnti};
    QTest::newRow("anti-affinity with a topology key the node lacks is satisfied")
        << PodPtr(P("p").labels(kPodLabel).anti(term({secIn}, "rack")))
        << PodList{P("e").on("machine1").labels(kPodLabel)} << machine1 << NamespaceList{}
        << QStringList{kOk};
    QTest::newRow("existing anti-affinity with a topology key the node lacks is satisfied")
        << PodPtr(P("p").labels(kPodLabel))
        << PodList{P("e").on("machine1").labels(kPodLabel).anti(term({secIn}, "rack"))} << machine1
        << NamespaceList{} << QStringList{kOk};
    QTest::newRow("affinity with a topology key the node lacks fails")
        << PodPtr(P("p").labels(kPodLabel2).affinity(term({secIn}, "rack")))
        << PodList{P("e").on("machine1").labels(kPodLabel)} << machine1 << NamespaceList{}
        << QStringList{kAffinity};
    QTest::newRow("existing pod's anti-affinity that does not parse is ignored")
        << PodPtr(P("p").labels(kPodLabel))
        << PodList{P("e")
                       .on("machine1")
                       .labels(kPodLabel)
                       .anti(term({{"service", "Wrong", {"securityscan"}}}, "zone"))}
        << machine1 << NamespaceList{} << QStringList{kOk};

    QTest::newRow("existing pod's matching anti-affinity next to one that does not parse")
        << PodPtr(P("p").labels(kPodLabel))
        << PodList{P("e")
                       .on("machine1")
                       .labels(kPodLabel)
                       .anti(term({secIn}, "zone"))
                       .anti(term({{"service", "In", {}}}, "zone"))}
        << machine1 << NamespaceList{} << QStringList{kOk};

    // --- the first pod of a group ---
    QTest::newRow("first pod of a group: selects itself, no pod matches anywhere")
        << PodPtr(P("p").labels(kPodLabel).affinity(term({secIn}, "region"))) << PodList{}
        << machine1 << NamespaceList{} << QStringList{kOk};
    QTest::newRow("first pod whose terms do not select itself cannot schedule")
        << PodPtr(P("p").labels(kPodLabel2).affinity(term({secIn}, "region"))) << PodList{}
        << machine1 << NamespaceList{} << QStringList{kAffinity};
    QTest::newRow("first pod of a group still needs the topology keys on the node")
        << PodPtr(P("p").labels(kPodLabel).affinity(term({secIn}, "region"))) << PodList{}
        << NodeList{node("machine1", kMachine1Labels), node("machine2", {{"zone", "z11"}})}
        << NamespaceList{} << QStringList{kOk, kAffinity};
    QTest::newRow("once a pod matches, the group's next pod must join it")
        << PodPtr(P("p").labels(kPodLabel).affinity(term({secIn}, "zone")))
        << PodList{P("e").on("machine1").labels(kPodLabel)}
        << NodeList{node("machine1", {{"zone", "z1"}}), node("machine2", {{"zone", "z2"}})}
        << NamespaceList{} << QStringList{kOk, kAffinity};

    // --- several nodes (upstream TestRequiredAffinityMultipleNodes) ---
    const NodeList regions = {node("machine1", {{"region", "China"}, {"az", "az1"}}),
                              node("machine2", {{"region", "China"}, {"az", "az2"}}),
                              node("machine3", {{"region", "India"}})};
    QTest::newRow("every node of the matching pod's region fits")
        << PodPtr(P("p").affinity(term({in("foo", {"bar"})}, "region")))
        << PodList{P("e").on("machine1").labels({{"foo", "bar"}})} << regions << NamespaceList{}
        << QStringList{kOk, kOk, kAffinity};
    const NodeList zones = {node("nodeA", {{"zone", "az1"}, {"hostname", "nodeA"}}),
                            node("nodeB", {{"zone", "az1"}, {"hostname", "nodeB"}}),
                            node("nodeC", {{"zone", "az2"}, {"hostname", "nodeC"}})};
    QTest::newRow("anti-affinity by zone rejects every node of the zone")
        << PodPtr(P("p").anti(term({in("foo", {"abc"})}, "zone")))
        << PodList{P("e").on("nodeA").labels({{"foo", "abc"}})} << zones << NamespaceList{}
        << QStringList{kAnti, kAnti, kOk};
    QTest::newRow("existing anti-affinity by hostname only rejects its own node")
        << PodPtr(P("p").labels({{"foo", "abc"}}))
        << PodList{P("e").on("nodeA").anti(term({in("foo", {"abc"})}, "hostname"))} << zones
        << NamespaceList{} << QStringList{kExisting, kOk, kOk};
    QTest::newRow("existing anti-affinity by zone rejects every node of the zone")
        << PodPtr(P("p").labels({{"foo", "abc"}}))
        << PodList{P("e").on("nodeB").anti(term({in("foo", {"abc"})}, "zone"))} << zones
        << NamespaceList{} << QStringList{kExisting, kExisting, kOk};
    QTest::newRow("affinity by zone and anti-affinity by hostname together")
        << PodPtr(P("p")
                      .labels({{"foo", "abc"}})
                      .affinity(term({in("foo", {"abc"})}, "zone"))
                      .anti(term({in("foo", {"abc"})}, "hostname")))
        << PodList{P("e").on("nodeA").labels({{"foo", "abc"}})} << zones << NamespaceList{}
        << QStringList{kAnti, kOk, kAffinity};

    // --- namespaces and namespaceSelector ---
    const NamespaceList teams = {namespaceWith("ns-a", {{"team", "a"}}),
                                 namespaceWith("ns-b", {{"team", "b"}}),
                                 namespaceWith("default", {})};
    const auto s1 = in("security", {"S1"});
    QTest::newRow("namespaceSelector: pods of namespaces with matching labels count")
        << PodPtr(P("p").affinity(withNamespaceSelector(term({s1}, "region"), {{"team", "a"}})))
        << PodList{P("e").ns("ns-a").on("machine1").labels(kPodLabel2)} << machine1 << teams
        << QStringList{kOk};
    QTest::newRow("namespaceSelector not selecting the matching pod's namespace")
        << PodPtr(P("p").affinity(withNamespaceSelector(term({s1}, "region"), {{"team", "b"}})))
        << PodList{P("e").ns("ns-a").on("machine1").labels(kPodLabel2)} << machine1 << teams
        << QStringList{kAffinity};
    QTest::newRow("empty namespaceSelector selects every namespace")
        << PodPtr(P("p").affinity(withNamespaceSelector(term({s1}, "region"), {})))
        << PodList{P("e").ns("ns-b").on("machine1").labels(kPodLabel2)} << machine1 << teams
        << QStringList{kOk};
    QTest::newRow("namespaces and namespaceSelector are ORed")
        << PodPtr(P("p").affinity(withNamespaceSelector(
               inNamespaces(term({s1}, "region"), {"ns-b"}), {{"team", "c"}})))
        << PodList{P("e").ns("ns-b").on("machine1").labels(kPodLabel2)} << machine1 << teams
        << QStringList{kOk};
    QTest::newRow("existing anti-affinity's namespaceSelector matches the pod's namespace")
        << PodPtr(P("p").ns("ns-a").labels(kPodLabel))
        << PodList{P("e")
                       .on("machine1")
                       .anti(withNamespaceSelector(term({secIn}, "zone"), {{"team", "a"}}))}
        << machine1 << teams << QStringList{kExisting};
    QTest::newRow("existing anti-affinity's namespaceSelector misses the pod's namespace")
        << PodPtr(P("p").ns("ns-a").labels(kPodLabel))
        << PodList{P("e")
                       .on("machine1")
                       .anti(withNamespaceSelector(term({secIn}, "zone"), {{"team", "b"}}))}
        << machine1 << teams << QStringList{kOk};
    QTest::newRow("existing anti-affinity only looks in its own namespace by default")
        << PodPtr(P("p").ns("ns-a").labels(kPodLabel))
        << PodList{P("e").on("machine1").anti(term({secIn}, "zone"))} << machine1 << teams
        << QStringList{kOk};
    QTest::newRow("existing anti-affinity naming the pod's namespace")
        << PodPtr(P("p").ns("ns-a").labels(kPodLabel))
        << PodList{P("e").on("machine1").anti(inNamespaces(term({secIn}, "zone"), {"ns-a"}))}
        << machine1 << teams << QStringList{kExisting};

    // --- matchLabelKeys / mismatchLabelKeys ---
    const NodeList twoRegions = {node("machine1", {{"region", "r1"}, {"hostname", "machine1"}}),
                                 node("machine2", {{"region", "r2"}, {"hostname", "machine2"}})};
    QTest::newRow("matchLabelKeys: only pods with the pod's value count")
        << PodPtr(
               P("p")
                   .labels({{"service", "securityscan"}, {"version", "v1"}})
                   .affinity(withMatchLabelKeys(term({exists("service")}, "region"), {"version"})))
        << PodList{P("e1").on("machine1").labels({{"service", "securityscan"}, {"version", "v2"}}),
                   P("e2").on("machine2").labels({{"service", "securityscan"}, {"version", "v1"}})}
        << twoRegions << NamespaceList{} << QStringList{kAffinity, kOk};
    QTest::newRow("mismatchLabelKeys: pods with the pod's value are left out")
        << PodPtr(
               P("p")
                   .labels({{"service", "securityscan"}, {"tenant", "t1"}})
                   .anti(withMismatchLabelKeys(term({exists("service")}, "hostname"), {"tenant"})))
        << PodList{P("e1").on("machine1").labels({{"service", "securityscan"}, {"tenant", "t1"}}),
                   P("e2").on("machine2").labels({{"service", "securityscan"}, {"tenant", "t2"}})}
        << twoRegions << NamespaceList{} << QStringList{kOk, kAnti};
    QTest::newRow("existing pod's matchLabelKeys use its own labels: same version")
        << PodPtr(P("p").labels({{"service", "securityscan"}, {"version", "v1"}}))
        << PodList{P("e")
                       .on("machine1")
                       .labels({{"service", "securityscan"}, {"version", "v1"}})
                       .anti(
                           withMatchLabelKeys(term({exists("service")}, "hostname"), {"version"}))}
        << twoRegions << NamespaceList{} << QStringList{kExisting, kOk};
    QTest::newRow("existing pod's matchLabelKeys use its own labels: other version")
        << PodPtr(P("p").labels({{"service", "securityscan"}, {"version", "v2"}}))
        << PodList{P("e")
                       .on("machine1")
                       .labels({{"service", "securityscan"}, {"version", "v1"}})
                       .anti(
                           withMatchLabelKeys(term({exists("service")}, "hostname"), {"version"}))}
        << twoRegions << NamespaceList{} << QStringList{kOk, kOk};

    // --- terms that do not parse ---
    const QString quote(QChar(34));
    QTest::newRow("an invalid operator in a required term rejects the pod")
        << PodPtr(P("p").affinity(term({{"service", "Wrong", {"x"}}}, "region"))) << PodList{}
        << machine1 << NamespaceList{}
        << QStringList{"UnschedulableAndUnresolvable: parsing pod: requiredAffinityTerms: " +
                       quote + "Wrong" + quote + " is not a valid label selector operator"};
    QTest::newRow("an invalid preferred term rejects the pod too")
        << PodPtr(P("p").preferAnti(1, term({{"service", "In", {}}}, "region"))) << PodList{}
        << machine1 << NamespaceList{}
        << QStringList{"UnschedulableAndUnresolvable: parsing pod: preferredAntiAffinityTerms: "
                       "values: Invalid value: []string{}: for 'in', 'notin' operators, "
                       "values set can't be empty"};
}

void TestInterPodAffinity::filter()
{
    QFETCH(PodPtr, pod);
    QFETCH(PodList, pods);
    QFETCH(NodeList, nodes);
    QFETCH(NamespaceList, namespaces);
    QFETCH(QStringList, expected);

    const Snapshot snapshot = makeSnapshot(nodes, pods, namespaces);
    const InterPodAffinity plugin;
    CycleState state;
    QCOMPARE(filterAll(plugin, *pod, snapshot, state), expected);
}

void TestInterPodAffinity::preFilterSkips_data()
{
    QTest::addColumn<PodPtr>("pod");
    QTest::addColumn<PodList>("pods");
    QTest::addColumn<bool>("skipped");

    QTest::newRow("no terms and no pods with anti-affinity: skip")
        << PodPtr(P("p").labels(kPodLabel)) << PodList{P("e").on("machine1").labels(kPodLabel)}
        << true;
    QTest::newRow("only preferred terms: skip")
        << PodPtr(P("p").preferAffinity(5, term({exists("service")}, "zone"))) << PodList{} << true;
    QTest::newRow("existing anti-affinity not selecting the pod: skip")
        << PodPtr(P("p").labels(kPodLabel2))
        << PodList{P("e").on("machine1").anti(term({exists("service")}, "zone"))} << true;
    QTest::newRow("existing anti-affinity selecting the pod: no skip")
        << PodPtr(P("p").labels(kPodLabel))
        << PodList{P("e").on("machine1").anti(term({exists("service")}, "zone"))} << false;
    QTest::newRow("a required affinity term: no skip")
        << PodPtr(P("p").affinity(term({exists("service")}, "zone"))) << PodList{} << false;
    QTest::newRow("a required anti-affinity term: no skip")
        << PodPtr(P("p").anti(term({exists("service")}, "zone"))) << PodList{} << false;
}

void TestInterPodAffinity::preFilterSkips()
{
    QFETCH(PodPtr, pod);
    QFETCH(PodList, pods);
    QFETCH(bool, skipped);

    const Snapshot snapshot = makeSnapshot({node("machine1", kMachine1Labels)}, pods);
    const InterPodAffinity plugin;
    CycleState state;
    PreFilterResult result;
    const PluginStatus status = plugin.preFilter(state, *pod, snapshot, &result);
    QCOMPARE(status.isSkip(), skipped);
    if (!skipped)
        QVERIFY2(status.isSuccess(), status.message().c_str());
    QVERIFY(result.allNodes());
}

void TestInterPodAffinity::score_data()
{
    QTest::addColumn<PodPtr>("pod");
    QTest::addColumn<PodList>("pods");
    QTest::addColumn<NodeList>("nodes");
    QTest::addColumn<NamespaceList>("namespaces");
    QTest::addColumn<int>("hardPodAffinityWeight");
    QTest::addColumn<bool>("ignoreExisting");
    QTest::addColumn<bool>("skipped");
    QTest::addColumn<QList<qint64>>("expected");

    const Labels rgChina = {{"region", "China"}};
    const Labels rgIndia = {{"region", "India"}};
    const Labels azAz1 = {{"az", "az1"}};
    const Labels azAz2 = {{"az", "az2"}};
    const Labels rgChinaAzAz1 = {{"region", "China"}, {"az", "az1"}};
    const Labels s1 = {{"security", "S1"}};
    const Labels s2 = {{"security", "S2"}};
    const auto withS1InRegion = term({in("security", {"S1"})}, "region");
    const auto withS2InRegion = term({in("security", {"S2"})}, "region");
    const auto s1InAz = term({in("security", {"S1"})}, "az");
    const auto s2InAz = term({in("security", {"S2"})}, "az");
    const NodeList chinaIndiaAz1 = {node("machine1", rgChina), node("machine2", rgIndia),
                                    node("machine3", azAz1)};

    QTest::newRow("no affinity anywhere: skip")
        << PodPtr(P("p").labels(s1)) << PodList{P("e").on("machine1").labels(s1)} << chinaIndiaAz1
        << NamespaceList{} << 1 << false << true << QList<qint64>{};
    QTest::newRow("affinity: the region of a matching pod scores highest")
        << PodPtr(P("p").labels(s1).preferAffinity(5, withS1InRegion))
        << PodList{P("e1").on("machine1").labels(s1), P("e2").on("machine2").labels(s2),
                   P("e3").on("machine3")}
        << chinaIndiaAz1 << NamespaceList{} << 1 << false << false << QList<qint64>{100, 0, 0};
    QTest::newRow("affinity: nodes sharing the topology value score the same")
        << PodPtr(P("p").labels(s1).preferAffinity(5, withS1InRegion))
        << PodList{P("e1").on("machine1").labels(s1)}
        << NodeList{node("machine1", rgChina), node("machine2", rgChinaAzAz1),
                    node("machine3", rgIndia)}
        << NamespaceList{} << 1 << false << false << QList<qint64>{100, 100, 0};
    QTest::newRow("affinity: weights of several terms and pods add up")
        << PodPtr(P("p")
                      .labels(s1)
                      .preferAffinity(5, withS1InRegion)
                      .preferAffinity(6, withS2InRegion))
        << PodList{P("e1").on("machine1").labels(s1), P("e2").on("machine2").labels(s2),
                   P("e3").on("machine2").labels(s2)}
        << chinaIndiaAz1 << NamespaceList{} << 1 << false << false << QList<qint64>{41, 100, 0};
    QTest::newRow("anti-affinity: the zone of a matching pod scores lowest")
        << PodPtr(P("p").labels(s1).preferAnti(5, s1InAz))
        << PodList{P("e1").on("machine1").labels(s1), P("e2").on("machine2").labels(s2)}
        << NodeList{node("machine1", azAz1), node("machine2", azAz2), node("machine3", rgChina)}
        << NamespaceList{} << 1 << false << false << QList<qint64>{0, 100, 100};
    QTest::newRow("affinity and anti-affinity combined")
        << PodPtr(P("p").labels(s1).preferAffinity(8, withS1InRegion).preferAnti(5, s2InAz))
        << PodList{P("e1").on("machine1").labels(s1), P("e2").on("machine2").labels(s2)}
        << NodeList{node("machine1", rgChinaAzAz1),
                    node("machine2", {{"region", "China"}, {"az", "az2"}}),
                    node("machine3", rgIndia)}
        << NamespaceList{} << 1 << false << false << QList<qint64>{100, 37, 0};

    P hard1 = P("e1").on("machine1");
    P hard2 = P("e2").on("machine2");
    for (P *p : {&hard1, &hard2}) {
        p->affinity(term({in("security", {"S1", "value2"})}, "region"))
            .affinity(term({exists("security"), doesNotExist("wrongkey")}, "region"));
    }
    QTest::newRow("existing pods' required affinity counts with hardPodAffinityWeight")
        << PodPtr(P("p").labels(s1)) << PodList{hard1, hard2} << chinaIndiaAz1 << NamespaceList{}
        << 1 << false << false << QList<qint64>{100, 100, 0};
    QTest::newRow("hardPodAffinityWeight 0 ignores existing pods' required affinity: skip")
        << PodPtr(P("p").labels(s1)) << PodList{hard1, hard2} << chinaIndiaAz1 << NamespaceList{}
        << 0 << false << true << QList<qint64>{};
    QTest::newRow("existing pods' preferred anti-affinity against the pod")
        << PodPtr(P("p").labels(s1))
        << PodList{P("e1").on("machine1").preferAnti(5, s1InAz),
                   P("e2").on("machine2").preferAnti(5, s2InAz)}
        << NodeList{node("machine1", azAz1), node("machine2", azAz2)} << NamespaceList{} << 1
        << false << false << QList<qint64>{0, 100};
    QTest::newRow("existing pods' preferred affinity towards the pod")
        << PodPtr(P("p").labels(s2))
        << PodList{P("e1").on("machine1").preferAffinity(6, withS2InRegion)}
        << NodeList{node("machine1", rgChina), node("machine2", rgIndia)} << NamespaceList{} << 1
        << false << false << QList<qint64>{100, 0};
    QTest::newRow("existing pod's preferred terms are ignored when one does not parse")
        << PodPtr(P("p").labels(s2))
        << PodList{P("e1")
                       .on("machine1")
                       .preferAffinity(6, withS2InRegion)
                       .preferAffinity(1, term({{"security", "Bad", {}}}, "region")),
                   P("e2").on("machine2").preferAffinity(6, withS2InRegion)}
        << NodeList{node("machine1", rgChina), node("machine2", rgIndia)} << NamespaceList{} << 1
        << false << false << QList<qint64>{0, 100};
    QTest::newRow("ignorePreferredTermsOfExistingPods: pod without preferred terms skips")
        << PodPtr(P("p").labels(s1)) << PodList{P("e1").on("machine1").preferAnti(5, s1InAz)}
        << NodeList{node("machine1", azAz1), node("machine2", azAz2)} << NamespaceList{} << 1
        << true << true << QList<qint64>{};
    QTest::newRow("pods on nodes without labels are ignored")
        << PodPtr(P("p").labels(s1).preferAffinity(5, withS1InRegion))
        << PodList{P("e1").on("machine1").labels(s1), P("e2").on("machine2").labels(s1)}
        << NodeList{node("machine1", {}), node("machine2", rgChina), node("machine3", rgIndia)}
        << NamespaceList{} << 1 << false << false << QList<qint64>{0, 100, 0};
    QTest::newRow("a term sees only pods of the pod's namespace by default")
        << PodPtr(P("p").labels(s1).preferAffinity(5, withS1InRegion))
        << PodList{P("e1").ns("other").on("machine1").labels(s1), P("e2").on("machine2").labels(s1)}
        << NodeList{node("machine1", rgChina), node("machine2", rgIndia)} << NamespaceList{} << 1
        << false << false << QList<qint64>{0, 100};
    const NamespaceList teams = {namespaceWith("ns-a", {{"team", "a"}}),
                                 namespaceWith("ns-b", {{"team", "b"}})};
    QTest::newRow("namespaceSelector: pods of namespaces with matching labels count")
        << PodPtr(P("p").labels(s1).preferAffinity(
               5, withNamespaceSelector(withS1InRegion, {{"team", "a"}})))
        << PodList{P("e1").ns("ns-a").on("machine1").labels(s1),
                   P("e2").ns("ns-b").on("machine2").labels(s1)}
        << NodeList{node("machine1", rgChina), node("machine2", rgIndia)} << teams << 1 << false
        << false << QList<qint64>{100, 0};
    QTest::newRow("existing pod's namespaceSelector matches the pod's namespace labels")
        << PodPtr(P("p").ns("ns-a").labels(s1))
        << PodList{P("e1")
                       .on("machine1")
                       .preferAffinity(5, withNamespaceSelector(withS1InRegion, {{"team", "a"}}))}
        << NodeList{node("machine1", rgChina), node("machine2", rgIndia)} << teams << 1 << false
        << false << QList<qint64>{100, 0};
    QTest::newRow("matchLabelKeys: only pods with the pod's value count")
        << PodPtr(P("p")
                      .labels({{"security", "S1"}, {"version", "v1"}})
                      .preferAffinity(
                          5, withMatchLabelKeys(term({exists("security")}, "region"), {"version"})))
        << PodList{P("e1").on("machine1").labels({{"security", "S1"}, {"version", "v1"}}),
                   P("e2").on("machine2").labels({{"security", "S1"}, {"version", "v2"}})}
        << NodeList{node("machine1", rgChina), node("machine2", rgIndia)} << NamespaceList{} << 1
        << false << false << QList<qint64>{100, 0};
}

void TestInterPodAffinity::score()
{
    QFETCH(PodPtr, pod);
    QFETCH(PodList, pods);
    QFETCH(NodeList, nodes);
    QFETCH(NamespaceList, namespaces);
    QFETCH(int, hardPodAffinityWeight);
    QFETCH(bool, ignoreExisting);
    QFETCH(bool, skipped);
    QFETCH(QList<qint64>, expected);

    const Snapshot snapshot = makeSnapshot(nodes, pods, namespaces);
    InterPodAffinityArgs args;
    args.hardPodAffinityWeight = hardPodAffinityWeight;
    args.ignorePreferredTermsOfExistingPods = ignoreExisting;
    const InterPodAffinity plugin(args);
    std::vector<const NodeInfo *> feasible;
    for (const NodeInfo &info : snapshot.nodeInfos())
        feasible.push_back(&info);
    CycleState state;
    const PluginStatus pre = plugin.preScore(state, *pod, snapshot, feasible);
    QCOMPARE(pre.isSkip(), skipped);
    if (skipped)
        return;
    QVERIFY2(pre.isSuccess(), pre.message().c_str());
    std::vector<NodeScore> scores;
    for (const NodeInfo *info : feasible) {
        std::int64_t value = 0;
        const PluginStatus s = plugin.score(state, *pod, *info, &value);
        QVERIFY2(s.isSuccess(), s.message().c_str());
        scores.push_back({info->name(), value});
    }
    QVERIFY(plugin.normalizeScore(state, *pod, scores).isSuccess());
    QList<qint64> got;
    for (const NodeScore &s : scores)
        got << s.score;
    QCOMPARE(got, expected);
}

void TestInterPodAffinity::preFilterExtensions_data()
{
    QTest::addColumn<PodPtr>("pod");
    QTest::addColumn<PodList>("pods");
    QTest::addColumn<PodPtr>("changed");
    QTest::addColumn<bool>("add");
    QTest::addColumn<QStringList>("before");
    QTest::addColumn<QStringList>("after");

    const auto selectsScan = term({in("service", {"securityscan"})}, "zone");
    const PodPtr scanOn1 = P("victim").on("machine1").labels(kPodLabel);
    QTest::newRow("removing the pod an anti-affinity term selects frees its zone")
        << PodPtr(P("p").anti(selectsScan)) << PodList{scanOn1} << scanOn1 << false
        << QStringList{kAnti, kOk} << QStringList{kOk, kOk};
    QTest::newRow("adding a pod an anti-affinity term selects blocks its zone")
        << PodPtr(P("p").anti(selectsScan)) << PodList{}
        << PodPtr(P("new").on("machine2").labels(kPodLabel)) << true << QStringList{kOk, kOk}
        << QStringList{kOk, kAnti};
    const PodPtr guardOn1 = P("guard").on("machine1").anti(selectsScan);
    QTest::newRow("removing a pod whose anti-affinity selects the pod lifts it")
        << PodPtr(P("p").labels(kPodLabel)) << PodList{guardOn1} << guardOn1 << false
        << QStringList{kExisting, kOk} << QStringList{kOk, kOk};
    QTest::newRow("adding a pod whose anti-affinity selects the pod blocks its zone")
        << PodPtr(P("p").labels(kPodLabel).anti(term({exists("other")}, "zone"))) << PodList{}
        << PodPtr(P("guard").on("machine2").anti(selectsScan)) << true << QStringList{kOk, kOk}
        << QStringList{kOk, kExisting};
    QTest::newRow("adding a pod the affinity selects satisfies it in that zone")
        << PodPtr(P("p").labels(kPodLabel2).affinity(selectsScan)) << PodList{scanOn1}
        << PodPtr(P("new").on("machine2").labels(kPodLabel)) << true << QStringList{kOk, kAffinity}
        << QStringList{kOk, kOk};
    QTest::newRow("removing the only pod the affinity selects")
        << PodPtr(P("p").labels(kPodLabel2).affinity(selectsScan)) << PodList{scanOn1} << scanOn1
        << false << QStringList{kOk, kAffinity} << QStringList{kAffinity, kAffinity};
    QTest::newRow("removing the only match brings back the first-pod exception")
        << PodPtr(P("p").labels(kPodLabel).affinity(selectsScan)) << PodList{scanOn1} << scanOn1
        << false << QStringList{kOk, kAffinity} << QStringList{kOk, kOk};
}

void TestInterPodAffinity::preFilterExtensions()
{
    QFETCH(PodPtr, pod);
    QFETCH(PodList, pods);
    QFETCH(PodPtr, changed);
    QFETCH(bool, add);
    QFETCH(QStringList, before);
    QFETCH(QStringList, after);

    const Snapshot snapshot = makeSnapshot(
        {node("machine1", {{"zone", "z1"}}), node("machine2", {{"zone", "z2"}})}, pods);
    const InterPodAffinity plugin;
    CycleState state;
    QCOMPARE(filterAll(plugin, *pod, snapshot, state), before);

    CycleState clone = state.clone();
    const NodeInfo *nodeInfo = snapshot.get(changed->spec().node_name());
    QVERIFY(nodeInfo);
    const PodInfo info = PodInfo::make(changed);
    const PluginStatus status = add ? plugin.addPod(clone, *pod, info, *nodeInfo)
                                    : plugin.removePod(clone, *pod, info, *nodeInfo);
    QVERIFY2(status.isSuccess(), status.message().c_str());
    QCOMPARE(filterWith(plugin, *pod, snapshot, clone), after);
    // The original state is untouched.
    QCOMPARE(filterWith(plugin, *pod, snapshot, state), before);
    // Undoing the change restores the original answers.
    const PluginStatus undo = add ? plugin.removePod(clone, *pod, info, *nodeInfo)
                                  : plugin.addPod(clone, *pod, info, *nodeInfo);
    QVERIFY(undo.isSuccess());
    QCOMPARE(filterWith(plugin, *pod, snapshot, clone), before);
}

void TestInterPodAffinity::createValidatesArgs_data()
{
    QTest::addColumn<int>("hardPodAffinityWeight");
    QTest::addColumn<bool>("ok");

    QTest::newRow("default weight 1") << 1 << true;
    QTest::newRow("zero turns the symmetric weight off") << 0 << true;
    QTest::newRow("100 is the largest weight") << 100 << true;
    QTest::newRow("negative weight is refused") << -1 << false;
    QTest::newRow("weight above 100 is refused") << 101 << false;
}

void TestInterPodAffinity::createValidatesArgs()
{
    QFETCH(int, hardPodAffinityWeight);
    QFETCH(bool, ok);

    InterPodAffinityArgs args;
    args.hardPodAffinityWeight = hardPodAffinityWeight;
    const auto plugin = InterPodAffinity::createWithArgs(PluginContext(), args);
    QCOMPARE(plugin.isOk(), ok);
    if (!ok)
        QCOMPARE(plugin.status().code(), kubist::Status::Code::InvalidArgument);
    const auto byDefault = InterPodAffinity::create(PluginContext());
    QVERIFY(byDefault.isOk());
    QCOMPARE((*byDefault)->name(), InterPodAffinity::kName);
}

void TestInterPodAffinity::replicasWithAntiAffinitySpreadOverNodes()
{
    Registry registry;
    QVERIFY(registry.add(std::string(InterPodAffinity::kName), &InterPodAffinity::create).isOk());
    Profile profile;
    profile.plugins = {{std::string(InterPodAffinity::kName), 2}};
    auto fw = Framework::create(registry, profile);
    QVERIFY2(fw.isOk(), fw.status().message().c_str());

    NodeList nodes;
    for (const char *name : {"node-a", "node-b", "node-c"})
        nodes.push_back(node(name, {{"kubernetes.io/hostname", name}}));
    const auto apart = term({in("app", {"web"})}, "kubernetes.io/hostname");

    PodList bound;
    std::set<std::string> hosts;
    for (int i = 0; i < 4; ++i) {
        const std::string name = "web-" + std::to_string(i);
        const PodPtr replica = P(name).labels({{"app", "web"}}).anti(apart);
        const Snapshot snapshot = makeSnapshot(nodes, bound);
        const auto result = (*fw)->schedulePod(*replica, snapshot);
        QVERIFY2(result.isOk(), result.status().message().c_str());
        if (i < 3) {
            QVERIFY(result->isScheduled());
            hosts.insert(result->suggestedHost);
            bound.push_back(P(name).on(result->suggestedHost).labels({{"app", "web"}}).anti(apart));
            continue;
        }
        QVERIFY(!result->isScheduled());
        const FitError &fitError = *result->fitError;
        QCOMPARE(fitError.nodeStatuses.size(), std::size_t(3));
        for (const auto &[nodeName, status] : fitError.nodeStatuses) {
            QCOMPARE(status.code(), PluginStatus::Code::Unschedulable);
            QCOMPARE(describe(status), kAnti);
        }
        QCOMPARE(fitError.message(),
                 std::string("0/3 nodes are available: 3 node(s) didn't match pod anti-affinity "
                             "rules."));
    }
    QCOMPARE(hosts.size(), std::size_t(3));
}

void TestInterPodAffinity::fullCycleOnFiveThousandNodes()
{
    constexpr int kNodes = 5000;
    NodeList nodes;
    PodList pods;
    nodes.reserve(kNodes);
    for (int i = 0; i < kNodes; ++i) {
        const std::string name = "node-" + std::to_string(i);
        nodes.push_back(
            node(name, {{"kubernetes.io/hostname", name},
                        {"topology.kubernetes.io/zone", "zone-" + std::to_string(i % 10)}}));
        for (int j = 0; j < 3; ++j) {
            const std::string app = "app-" + std::to_string((i * 3 + j) % 50);
            P p("pod-" + std::to_string(i) + "-" + std::to_string(j));
            p.on(name).labels({{"app", app}});
            if (j == 0)
                p.anti(term({in("app", {app})}, "kubernetes.io/hostname"));
            if (j == 1)
                p.preferAffinity(10, term({in("app", {app})}, "topology.kubernetes.io/zone"));
            pods.push_back(p);
        }
    }
    const Snapshot snapshot = makeSnapshot(nodes, pods);

    Registry registry;
    QVERIFY(registry.add(std::string(InterPodAffinity::kName), &InterPodAffinity::create).isOk());
    Profile profile;
    profile.plugins = {{std::string(InterPodAffinity::kName), 2}};
    auto fw = Framework::create(registry, profile);
    QVERIFY(fw.isOk());

    // A pod with every kind of term, one with none, one only other pods'
    // terms concern.
    const PodPtr full =
        P("incoming")
            .labels({{"app", "app-7"}})
            .affinity(term({exists("app")}, "topology.kubernetes.io/zone"))
            .anti(term({in("app", {"app-7"})}, "kubernetes.io/hostname"))
            .preferAffinity(5, term({in("app", {"app-3"})}, "topology.kubernetes.io/zone"))
            .preferAnti(3, term({in("app", {"app-9"})}, "kubernetes.io/hostname"));
    const PodPtr plain = P("plain").labels({{"other", "x"}});
    const PodPtr targeted = P("targeted").labels({{"app", "app-0"}});
    for (const PodPtr &pod : {full, plain, targeted}) {
        const auto result = (*fw)->schedulePod(*pod, snapshot);
        QVERIFY2(result.isOk(), result.status().message().c_str());
        QVERIFY(result->isScheduled());
        QCOMPARE(result->evaluatedNodes, kNodes);
    }
    // The targeted pod avoids every node hosting an app-0 pod with
    // anti-affinity (one in 50 pods of column 0).
    const auto targetedResult = (*fw)->schedulePod(*targeted, snapshot);
    QVERIFY(targetedResult.isOk());
    QVERIFY(targetedResult->feasibleNodes < kNodes);
    QVERIFY(targetedResult->feasibleNodes > kNodes / 2);
}

QTEST_GUILESS_MAIN(TestInterPodAffinity)
#include "tst_interpodaffinity.moc"
