#include "model/placementverdicts.h"

#include "model/clustermodel.h"

#include "backend/api/annotations.h"
#include "backend/scheduler/framework/clusterlister.h"
#include "backend/scheduler/framework/framework.h"
#include "backend/scheduler/framework/registry.h"
#include "backend/scheduler/framework/snapshot.h"
#include "backend/scheduler/plugins/defaultplugins.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace kubist::model {

namespace core = k8s::io::api::core::v1;

namespace {

Result<const scheduler::Framework *> defaultFramework()
{
    static const Result<std::unique_ptr<scheduler::Framework>> framework =
        []() -> Result<std::unique_ptr<scheduler::Framework>> {
        scheduler::Registry registry;
        const Status s = scheduler::plugins::registerDefaultPlugins(registry);
        if (!s.isOk())
            return s;
        return scheduler::Framework::create(registry, scheduler::plugins::defaultProfile());
    }();
    if (!framework)
        return framework.status();
    return framework->get();
}

bool samePod(const core::Pod &a, const core::Pod &b)
{
    if (!a.metadata().uid().empty() && !b.metadata().uid().empty())
        return a.metadata().uid() == b.metadata().uid();
    return a.metadata().namespace_() == b.metadata().namespace_() &&
           a.metadata().name() == b.metadata().name();
}

// The model's Services and ReplicaSets, for one computation.
std::shared_ptr<const scheduler::ClusterLister> modelLister(const ClusterModel &model)
{
    auto lister = std::make_shared<scheduler::ObjectLister>();
    for (const auto &[key, o] : model.objects(ObjectKind::Service))
        lister->serviceList.push_back(std::static_pointer_cast<const core::Service>(o));
    for (const auto &[key, o] : model.objects(ObjectKind::ReplicaSet))
        lister->replicaSetList.push_back(
            std::static_pointer_cast<const k8s::io::api::apps::v1::ReplicaSet>(o));
    return lister;
}

} // namespace

std::string recordedDecision(const core::Pod &pod)
{
    const auto &annotations = pod.metadata().annotations();
    const auto it = annotations.find(api::kSchedulingDecision);
    if (it == annotations.end())
        return {};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(it->second));
    if (!doc.isObject())
        return {};
    const QJsonObject d = doc.object();
    auto number = [](const QJsonValue &v) { return std::to_string(v.toInteger()); };
    std::string out = "placed on " + d.value("node").toString().toStdString();
    std::string details;
    if (d.contains("score"))
        details += "score " + number(d.value("score")) + "; ";
    details += number(d.value("evaluatedNodes")) + " nodes evaluated, " +
               number(d.value("feasibleNodes")) + " feasible";
    const QJsonObject runnerUp = d.value("runnerUp").toObject();
    if (!runnerUp.isEmpty())
        details += "; runner-up " + runnerUp.value("node").toString().toStdString() + " at " +
                   number(runnerUp.value("score"));
    const QJsonObject filtered = d.value("filtered").toObject();
    if (!filtered.isEmpty()) {
        details += "; turned down:";
        for (auto f = filtered.begin(); f != filtered.end(); ++f)
            details += " " + f.key().toStdString() + " " + number(f.value());
    }
    return out + " (" + details + ")";
}

const NodeVerdict *PlacementVerdicts::find(const std::string &node) const
{
    for (const NodeVerdict &v : nodes)
        if (v.node == node)
            return &v;
    return nullptr;
}

std::vector<std::string> PlacementVerdicts::feasibleNodes() const
{
    std::vector<std::string> out;
    for (const NodeVerdict &v : nodes)
        if (v.feasible)
            out.push_back(v.node);
    return out;
}

Result<PlacementVerdicts>
computePlacementVerdicts(const core::Pod &pod,
                         const std::vector<std::shared_ptr<const core::Node>> &nodes,
                         const std::vector<std::shared_ptr<const core::Pod>> &pods,
                         std::shared_ptr<const scheduler::ClusterLister> lister)
{
    Result<const scheduler::Framework *> framework = defaultFramework();
    if (!framework)
        return framework.status();
    std::vector<std::shared_ptr<const core::Pod>> others;
    others.reserve(pods.size());
    for (const auto &p : pods)
        if (p && !samePod(*p, pod))
            others.push_back(p);
    scheduler::Snapshot snapshot = scheduler::Snapshot::build(nodes, others);
    snapshot.setLister(std::move(lister));
    core::Pod unbound = pod;
    unbound.mutable_spec()->clear_node_name();
    Result<scheduler::ScheduleResult> result = (*framework)->schedulePod(unbound, snapshot);
    if (!result)
        return result.status();

    PlacementVerdicts v;
    v.podKey = pod.metadata().namespace_() + "/" + pod.metadata().name();
    v.currentNode = pod.spec().node_name();
    v.winner = result->suggestedHost;
    v.recordedDecision = recordedDecision(pod);
    if (result->fitError)
        v.fitError = result->fitError->message();
    for (const scheduler::NodeExplanation &e : result->explanation.nodes) {
        NodeVerdict n;
        n.node = e.nodeName;
        n.feasible = e.feasible;
        if (!e.feasible) {
            n.plugin = e.status.plugin();
            n.reason = e.status.message();
        }
        for (const scheduler::PluginScore &s : e.scores)
            n.scores.push_back({s.plugin, s.weighted, s.weight, s.skipped});
        n.total = e.totalScore;
        n.winner = !v.winner.empty() && e.nodeName == v.winner;
        v.nodes.push_back(std::move(n));
    }
    return v;
}

Result<PlacementVerdicts> computePlacementVerdicts(const ClusterModel &model,
                                                   const std::string &podKey)
{
    auto pod = model.get<core::Pod>(ObjectKind::Pod, podKey);
    if (!pod)
        return Status::notFound("no pod " + podKey);
    std::vector<std::shared_ptr<const core::Node>> nodes;
    for (const auto &[key, o] : model.objects(ObjectKind::Node))
        nodes.push_back(std::static_pointer_cast<const core::Node>(o));
    std::vector<std::shared_ptr<const core::Pod>> pods;
    for (const auto &[key, o] : model.objects(ObjectKind::Pod))
        pods.push_back(std::static_pointer_cast<const core::Pod>(o));
    return computePlacementVerdicts(*pod, nodes, pods, modelLister(model));
}

std::string describeVerdicts(const PlacementVerdicts &v)
{
    std::string out;
    if (!v.recordedDecision.empty())
        out += "Scheduler's record: " + v.recordedDecision + "\nIf scheduled now:\n";
    for (const NodeVerdict &n : v.nodes) {
        out += n.node;
        if (n.feasible) {
            out += "  fits, score " + std::to_string(n.total);
            std::string parts;
            for (const NodeVerdict::Score &s : n.scores) {
                if (s.skipped)
                    continue;
                if (!parts.empty())
                    parts += ", ";
                parts += s.plugin + " " + std::to_string(s.weighted);
            }
            if (!parts.empty())
                out += " (" + parts + ")";
            if (n.winner)
                out += "  <- the scheduler's pick";
        } else {
            out += "  filtered";
            if (!n.plugin.empty())
                out += " by " + n.plugin;
            out += ": " + n.reason;
        }
        if (n.node == v.currentNode)
            out += "  [runs here]";
        out += "\n";
    }
    if (!v.fitError.empty())
        out += "No node fits: " + v.fitError + "\n";
    return out;
}

} // namespace kubist::model
