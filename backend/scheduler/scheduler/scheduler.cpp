#include "backend/scheduler/scheduler/scheduler.h"

#include "backend/api/annotations.h"
#include "backend/api/encoding.h"
#include "backend/api/scheme.h"
#include "backend/client/client.h"
#include "backend/client/eventrecorder.h"
#include "backend/client/informer.h"
#include "backend/client/leaderelector.h"
#include "backend/client/objectkey.h"
#include "backend/scheduler/framework/cyclestate.h"
#include "backend/scheduler/framework/fiterror.h"
#include "backend/scheduler/framework/framework.h"
#include "backend/scheduler/framework/registry.h"
#include "backend/scheduler/framework/snapshot.h"
#include "backend/scheduler/plugins/placementintent/placementintent.h"
#include "backend/scheduler/scheduler/informerlister.h"
#include "backend/scheduler/scheduler/preemptionmessage.h"
#include "backend/scheduler/scheduler/schedulercache.h"
#include "backend/scheduler/scheduler/schedulingqueue.h"
#include "backend/util/log.h"

#include "core_v1.pb.h"

#include <google/protobuf/util/message_differencer.h>

#include <cstdio>
#include <map>

namespace kubist::scheduler {

namespace core = k8s::io::api::core::v1;
using google::protobuf::util::MessageDifferencer;

namespace {

constexpr const char kLog[] = "scheduler";
constexpr const char kDefaultSchedulerName[] = "default-scheduler";

// The decision annotation of the bind running on this thread (read by the
// binder the framework calls).
thread_local std::string t_decision;

const api::KindInfo &podsKind()
{
    return *api::Scheme::builtin().byDescriptor(core::Pod::descriptor());
}

const api::KindInfo &nodesKind()
{
    return *api::Scheme::builtin().byDescriptor(core::Node::descriptor());
}

bool isTerminal(const core::Pod &pod)
{
    return pod.status().phase() == "Succeeded" || pod.status().phase() == "Failed";
}

template<class M> bool sameQuantities(const M &a, const M &b)
{
    if (a.size() != b.size())
        return false;
    for (const auto &[name, q] : a) {
        auto it = b.find(name);
        if (it == b.end() || it->second.value() != q.value())
            return false;
    }
    return true;
}

bool requestsChanged(const core::Pod &a, const core::Pod &b)
{
    auto same = [](const auto &x, const auto &y) {
        if (x.size() != y.size())
            return false;
        for (int i = 0; i < x.size(); ++i)
            if (!MessageDifferencer::Equals(x.Get(i).resources(), y.Get(i).resources()))
                return false;
        return true;
    };
    return !same(a.spec().containers(), b.spec().containers()) ||
           !same(a.spec().init_containers(), b.spec().init_containers()) ||
           !sameQuantities(a.spec().overhead(), b.spec().overhead());
}

// A JSON string literal.
std::string jsonQuote(const std::string &s)
{
    std::string out = "\"";
    for (const char c : s) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
                out += buf;
            } else {
                out += c;
            }
        }
    }
    return out + "\"";
}

std::int32_t priorityOf(const core::Pod &pod)
{
    return pod.spec().has_priority() ? pod.spec().priority() : 0;
}

// The kubist.io/scheduling-decision annotation: a one-line JSON summary.
std::string decisionSummary(const ScheduleResult &result)
{
    // Summary explanations hold the winner and the runner-up only.
    const NodeExplanation *winner = nullptr;
    const NodeExplanation *runnerUp = nullptr;
    for (const NodeExplanation &node : result.explanation.nodes) {
        if (!node.feasible)
            continue;
        if (node.nodeName == result.suggestedHost)
            winner = &node;
        else if (!runnerUp || node.totalScore > runnerUp->totalScore)
            runnerUp = &node;
    }
    const auto &filtered = result.explanation.rejectedBy;
    std::string out = "{\"node\":" + jsonQuote(result.suggestedHost);
    if (winner)
        out += ",\"score\":" + std::to_string(winner->totalScore);
    out += ",\"evaluatedNodes\":" + std::to_string(result.evaluatedNodes) +
           ",\"feasibleNodes\":" + std::to_string(result.feasibleNodes);
    if (runnerUp)
        out += ",\"runnerUp\":{\"node\":" + jsonQuote(runnerUp->nodeName) +
               ",\"score\":" + std::to_string(runnerUp->totalScore) + "}";
    if (winner) {
        out += ",\"scores\":{";
        bool first = true;
        for (const PluginScore &score : winner->scores) {
            if (score.skipped)
                continue;
            out += (first ? "" : ",") + jsonQuote(std::string(score.plugin)) + ":" +
                   std::to_string(score.weighted);
            first = false;
        }
        out += "}";
    }
    if (!filtered.empty()) {
        out += ",\"filtered\":{";
        bool first = true;
        for (const auto &[plugin, count] : filtered) {
            out += (first ? "" : ",") + jsonQuote(plugin.empty() ? "PreFilter" : plugin) + ":" +
                   std::to_string(count);
            first = false;
        }
        out += "}";
    }
    return out + "}";
}

// "worker-2: Insufficient cpu" for the intended node of a refused intent.
std::string refusal(const ScheduleResult &result, const std::string &node)
{
    if (!result.fitError)
        return node;
    const auto it = result.fitError->nodeStatuses.find(node);
    if (it == result.fitError->nodeStatuses.end())
        return node + ": " + result.fitError->message();
    std::string reasons;
    for (const std::string &r : it->second.reasons())
        reasons += (reasons.empty() ? "" : ", ") + r;
    return node + ": " + (it->second.plugin().empty() ? "" : it->second.plugin() + ": ") + reasons;
}

} // namespace

Scheduler::Scheduler(client::Client &client, const Clock &clock)
    : Scheduler(client, clock, Options{})
{}

Scheduler::Scheduler(client::Client &client, const Clock &clock, Options options)
    : m_client(client)
    , m_clock(clock)
    , m_options(std::move(options))
{
    Registry registry;
    if (Status s = plugins::registerDefaultPlugins(registry); !s)
        logError(kLog, "cannot register the default plugins: " + s.message());
    PluginContext context;
    context.binder = [this](const core::Binding &binding) -> Status {
        core::Binding annotated = binding;
        if (!t_decision.empty())
            (*annotated.mutable_metadata()->mutable_annotations())[api::kSchedulingDecision] =
                t_decision;
        Result<client::ObjectPtr> r =
            m_client.createSubresource(podsKind(), binding.metadata().namespace_(),
                                       binding.metadata().name(), "binding", annotated);
        return r ? Status::ok() : r.status();
    };
    context.preemptVictim = [this](const core::Pod &victim, const core::Pod &preemptor) {
        return preemptVictim(victim, preemptor);
    };
    context.nominateNode = [this](const core::Pod &pod, const std::string &node) {
        return nominateNode(pod, node);
    };
    Profile profile = m_options.profile;
    profile.schedulerName = m_options.schedulerName;
    Result<std::unique_ptr<Framework>> framework = Framework::create(registry, profile, context);
    if (framework)
        m_framework = std::move(*framework);
    else
        logError(kLog, "invalid profile: " + framework.status().message());

    const Framework *fw = m_framework.get();
    m_queue = std::make_unique<SchedulingQueue>(
        clock, [fw](const QueuedPodInfo &a, const QueuedPodInfo &b) {
            return fw ? fw->less(a, b) : a.timestamp < b.timestamp;
        });
    m_recorder = std::make_unique<client::EventRecorder>(client, clock, m_options.schedulerName);
    m_lister = std::make_shared<InformerLister>(client, clock);
    m_cache = std::make_unique<SchedulerCache>();
    m_cache->snapshot().setLister(m_lister); // before any thread runs

    client::Informer::Options nodeOptions;
    nodeOptions.name = "scheduler/nodes";
    m_nodes = std::make_unique<client::Informer>(client, nodesKind(), clock, nodeOptions);
    client::Informer::Options podOptions;
    podOptions.name = "scheduler/pods";
    m_pods = std::make_unique<client::Informer>(client, podsKind(), clock, podOptions);

    auto asPod = [](const client::ObjectPtr &o) {
        return std::static_pointer_cast<const core::Pod>(o);
    };
    m_pods->addEventHandler({
        [this, asPod](const client::ObjectPtr &o) { onPodAdd(asPod(o)); },
        [this, asPod](const client::ObjectPtr &o, const client::ObjectPtr &n) {
            onPodUpdate(asPod(o), asPod(n));
        },
        [this, asPod](const client::ObjectPtr &o) { onPodDelete(asPod(o)); },
    });
    auto asNode = [](const client::ObjectPtr &o) {
        return std::static_pointer_cast<const core::Node>(o);
    };
    m_nodes->addEventHandler({
        [this, asNode](const client::ObjectPtr &o) {
            m_cache->onNodeAddOrUpdate(asNode(o));
            onNodeAdd();
        },
        [this, asNode](const client::ObjectPtr &o, const client::ObjectPtr &n) {
            m_cache->onNodeAddOrUpdate(asNode(n));
            onNodeUpdate(*o, *n);
        },
        [this, asNode](const client::ObjectPtr &o) {
            m_cache->onNodeDelete(asNode(o)->metadata().name());
        },
    });

    if (m_options.leaderElect) {
        client::LeaderElector::Options e;
        e.ns = "kube-system";
        e.name = "kube-scheduler";
        e.identity = m_options.identity;
        e.leaseDuration = m_options.leaseDuration;
        e.renewDeadline = m_options.renewDeadline;
        e.retryPeriod = m_options.retryPeriod;
        e.onStartedLeading = [this] { startedLeading(); };
        e.onStoppedLeading = [this] { stoppedLeading(); };
        m_elector = std::make_unique<client::LeaderElector>(client, clock, std::move(e));
    }
}

Scheduler::~Scheduler()
{
    stop();
}

void Scheduler::start()
{
    if (!m_framework) {
        logError(kLog, "not starting: the scheduling profile is invalid");
        return;
    }
    if (m_stopping.load() || m_started.exchange(true))
        return;
    if (!m_elector)
        m_leading = true;
    m_lister->start();
    m_nodes->start();
    m_pods->start();
    for (int i = 0; i < std::max(1, m_options.bindWorkers); ++i)
        m_binders.emplace_back([this] { bindLoop(); });
    m_thread = std::thread([this] { run(); });
    if (m_elector)
        m_elector->start();
}

void Scheduler::stop()
{
    m_stopping = true;
    // The cycle in progress finishes (its writes are short); no new one starts.
    m_queue->close();
    if (m_thread.joinable())
        m_thread.join();
    // Binds already handed over finish (they are short); then the binders end.
    {
        std::lock_guard lock(m_bindMutex);
        m_bindStop = true;
    }
    m_bindCv.notify_all();
    for (std::thread &t : m_binders)
        t.join();
    m_binders.clear();
    if (m_elector)
        m_elector->stop(); // releases the lease; stoppedLeading() clears the queue
    m_pods->stop();
    m_nodes->stop();
    m_lister->stop();
    m_leading = false;
}

Scheduler::QueueStats Scheduler::queueStats() const
{
    const SchedulingQueue::Stats s = m_queue->stats();
    return {s.active, s.backoff, s.unschedulable};
}

void Scheduler::run()
{
    // As upstream, wait for the caches before the first cycle, so no pod
    // is judged against a partial cluster.
    while (!m_stopping.load()) {
        if (m_nodes->hasSynced() && m_pods->hasSynced() && m_lister->hasSynced())
            break;
        m_nodes->waitForSync(std::chrono::milliseconds(50));
        m_pods->waitForSync(std::chrono::milliseconds(50));
    }
    while (!m_stopping.load())
        scheduleOne();
}

bool Scheduler::responsibleFor(const core::Pod &pod) const
{
    const std::string &name = pod.spec().scheduler_name();
    return pod.spec().node_name().empty() &&
           (name.empty() ? m_options.schedulerName == kDefaultSchedulerName
                         : name == m_options.schedulerName) &&
           !pod.metadata().has_deletion_timestamp() && !isTerminal(pod);
}

void Scheduler::scheduleOne()
{
    std::optional<SchedulingQueue::Popped> popped = m_queue->pop();
    if (!popped)
        return;
    QueuedPodInfo &info = popped->info;
    const std::string key = client::objectKey(*info.pod);

    // Work from the newest object; skip pods that no longer need us.
    const client::ObjectPtr cached = m_pods->indexer().get(key);
    PodPtr pod = cached ? std::static_pointer_cast<const core::Pod>(cached) : nullptr;
    bool assumed = false;
    {
        std::lock_guard lock(m_assumedMutex);
        assumed = m_assumed.count(key) > 0;
    }
    if (!pod || !responsibleFor(*pod) || !m_leading.load() || assumed) {
        m_queue->done(key);
        return;
    }
    info.pod = pod;

    Snapshot &snapshot = m_cache->snapshot();
    // Nominated pods of at least this priority hold their place; taken away
    // again before the snapshot is used for anything else.
    const std::vector<std::pair<std::string, PodPtr>> nominated = addNominatedPods(snapshot, *pod);

    ScheduleOptions options;
    options.explain = ScheduleOptions::Explain::Summary;
    if (m_options.tieBreakSeed)
        options.tieBreakSeed = *m_options.tieBreakSeed + m_cycles;
    ++m_cycles;
    CycleState state;
    Result<ScheduleResult> result = scheduleWithIntent(state, *pod, snapshot, options);
    for (const auto &[node, p] : nominated) {
        if (NodeInfo *info = snapshot.mutableNode(node))
            info->removePod(*p);
    }
    if (!result) {
        handleError(info, result.status().message());
        return;
    }
    if (!result->isScheduled()) {
        FitError fitError = *result->fitError;
        // Without a PostFilter plugin (a profile without DefaultPreemption)
        // the message still says what preemption would have found.
        if (result->explanation.postFilter.empty() && fitError.postFilterMsg.empty() &&
            fitError.numAllNodes > 0)
            fitError.postFilterMsg = preemptionMessage(*m_framework, *pod, snapshot, fitError);
        handleFitError(info, popped->cycle, fitError.message());
        return;
    }
    const std::string node = result->suggestedHost;
    {
        auto copy = std::make_shared<core::Pod>(*pod);
        copy->mutable_spec()->set_node_name(node);
        std::lock_guard lock(m_assumedMutex);
        m_assumed[key] = copy;
        m_cache->assume(std::move(copy));
    }
    const PluginStatus reserved = m_framework->runReservePlugins(state, *pod, node);
    if (!reserved.isSuccess()) {
        forgetAssumed(key);
        handleError(info,
                    "running Reserve plugin \"" + reserved.plugin() + "\": " + reserved.message());
        return;
    }
    // The binding cycle runs on a binder thread (upstream: its own
    // goroutine) so the next pod is scheduled while this one's writes wait
    // on the store; the pod stays in flight until bind() is done with it.
    BindTask task{info, std::move(state), pod, node, decisionSummary(*result)};
    {
        std::lock_guard lock(m_bindMutex);
        m_bindQueue.push_back(std::move(task));
    }
    m_bindCv.notify_one();
}

void Scheduler::bindLoop()
{
    for (;;) {
        BindTask task;
        {
            std::unique_lock lock(m_bindMutex);
            m_bindCv.wait(lock, [this] { return m_bindStop || !m_bindQueue.empty(); });
            if (m_bindQueue.empty())
                return; // stopping, and nothing left to bind
            task = std::move(m_bindQueue.front());
            m_bindQueue.pop_front();
        }
        bind(task);
    }
}

void Scheduler::bind(BindTask &task)
{
    const std::string key = client::objectKey(*task.pod);
    t_decision = task.decision;
    const PluginStatus bound = m_framework->runBindPlugins(task.state, *task.pod, task.node);
    t_decision.clear();
    if (!bound.isSuccess()) {
        forgetAssumed(key);
        m_framework->runUnreservePlugins(task.state, *task.pod, task.node);
        handleError(task.info, "Binding rejected: " +
                                   (bound.isSkip() ? std::string("no bind plugin bound the pod")
                                                   : bound.message()));
        return;
    }
    m_recorder->record(*task.pod, "Normal", "Scheduled",
                       "Successfully assigned " + key + " to " + task.node);
    m_queue->done(key);
}

void Scheduler::handleFitError(const QueuedPodInfo &info, std::uint64_t cycle,
                               const std::string &message)
{
    const std::string key = client::objectKey(*info.pod);
    // The writes come first: the pod stays in flight (busy, for the idle
    // tracker) until they are done.
    m_recorder->record(*info.pod, "Warning", "FailedScheduling", message);
    updatePodScheduledCondition(*info.pod, "Unschedulable", message);
    m_queue->addUnschedulable(key, cycle);
}

void Scheduler::handleError(const QueuedPodInfo &info, const std::string &message)
{
    const std::string key = client::objectKey(*info.pod);
    logWarning(kLog, "scheduling " + key + " failed: " + message);
    m_recorder->record(*info.pod, "Warning", "FailedScheduling", message);
    updatePodScheduledCondition(*info.pod, "SchedulerError", message);
    m_queue->addBackoff(key);
}

void Scheduler::updatePodScheduledCondition(const core::Pod &pod, const std::string &reason,
                                            const std::string &message)
{
    std::int64_t transition = m_clock.nowSeconds();
    for (const core::PodCondition &c : pod.status().conditions()) {
        if (c.type() != "PodScheduled")
            continue;
        if (c.status() == "False" && c.reason() == reason && c.message() == message)
            return; // nothing changes (upstream skips the update too)
        if (c.status() == "False" && c.has_last_transition_time())
            transition = c.last_transition_time().seconds();
    }
    std::string time;
    api::formatRfc3339(transition, 0, false, time);
    const std::string patch = "{\"status\":{\"conditions\":[{\"type\":\"PodScheduled\","
                              "\"status\":\"False\",\"lastProbeTime\":null,"
                              "\"lastTransitionTime\":" +
                              jsonQuote(time) + ",\"reason\":" + jsonQuote(reason) +
                              ",\"message\":" + jsonQuote(message) + "}]}}";
    client::WriteOptions options;
    options.subresource = "status";
    Result<client::ObjectPtr> r =
        m_client.patch(podsKind(), pod.metadata().namespace_(), pod.metadata().name(),
                       client::PatchType::StrategicMerge, patch, options);
    if (!r && r.status().code() != Status::Code::NotFound)
        logWarning(kLog, "updating the PodScheduled condition of " + client::objectKey(pod) + ": " +
                             r.status().message());
}

void Scheduler::startedLeading()
{
    std::lock_guard lock(m_leadMutex);
    m_leading = true;
    for (const client::ObjectPtr &o : m_pods->indexer().list()) {
        auto pod = std::static_pointer_cast<const core::Pod>(o);
        if (responsibleFor(*pod))
            m_queue->add(pod);
    }
    logInfo(kLog, m_options.identity + " started leading");
}

void Scheduler::stoppedLeading()
{
    std::lock_guard lock(m_leadMutex);
    m_leading = false;
    m_queue->clear();
    logInfo(kLog, m_options.identity + " stopped leading");
}

void Scheduler::onPodAdd(const PodPtr &pod)
{
    m_cache->onPodAddOrUpdate(pod);
    trackNominated(pod);
    if (!pod->spec().node_name().empty()) {
        forgetAssumed(client::objectKey(*pod)); // confirmed
        return;
    }
    if (!responsibleFor(*pod))
        return;
    std::lock_guard lock(m_leadMutex);
    if (m_leading.load())
        m_queue->add(pod);
}

void Scheduler::onPodUpdate(const PodPtr &oldPod, const PodPtr &newPod)
{
    const std::string key = client::objectKey(*newPod);
    m_cache->onPodAddOrUpdate(newPod);
    trackNominated(newPod);
    if (!newPod->spec().node_name().empty()) {
        forgetAssumed(key); // confirmed
        if (oldPod->spec().node_name().empty()) {
            m_queue->remove(key); // bound (by us, or by someone else)
            return;
        }
        // A pod on a node that frees or changes what it holds.
        if ((!isTerminal(*oldPod) && isTerminal(*newPod)) || requestsChanged(*oldPod, *newPod))
            m_queue->moveAllToActiveOrBackoff();
        return;
    }
    if (!responsibleFor(*newPod)) {
        m_queue->remove(key);
        return;
    }
    std::lock_guard lock(m_leadMutex);
    if (m_leading.load())
        m_queue->update(newPod);
}

void Scheduler::onPodDelete(const PodPtr &pod)
{
    const std::string key = client::objectKey(*pod);
    m_cache->onPodDelete(key);
    bool wasAssumed = false;
    {
        std::lock_guard lock(m_assumedMutex);
        wasAssumed = m_assumed.erase(key) > 0;
        m_nominated.erase(key);
    }
    if (!pod->spec().node_name().empty() || wasAssumed)
        m_queue->moveAllToActiveOrBackoff(); // its resources are free
    else
        m_queue->remove(key);
}

void Scheduler::onNodeAdd()
{
    m_queue->moveAllToActiveOrBackoff();
}

void Scheduler::onNodeUpdate(const google::protobuf::Message &oldObject,
                             const google::protobuf::Message &newObject)
{
    const auto &o = static_cast<const core::Node &>(oldObject);
    const auto &n = static_cast<const core::Node &>(newObject);
    // Upstream's node update events that matter to the in-tree plugins
    // here: labels, taints and unschedulable (spec), allocatable.
    auto relevant = [](const core::Node &node) {
        core::Node r;
        *r.mutable_metadata()->mutable_labels() = node.metadata().labels();
        *r.mutable_spec() = node.spec();
        *r.mutable_status()->mutable_allocatable() = node.status().allocatable();
        return r;
    };
    if (!MessageDifferencer::Equals(relevant(o), relevant(n)))
        m_queue->moveAllToActiveOrBackoff();
}

void Scheduler::forgetAssumed(const std::string &key)
{
    std::lock_guard lock(m_assumedMutex);
    if (m_assumed.erase(key) > 0)
        m_cache->forget(key);
}

Result<ScheduleResult> Scheduler::scheduleWithIntent(CycleState &state, const core::Pod &pod,
                                                     const Snapshot &snapshot,
                                                     const ScheduleOptions &options)
{
    const std::string intended = plugins::PlacementIntent::intendedNode(pod);
    if (!intended.empty()) {
        ScheduleOptions trial = options;
        trial.runPostFilter = false;
        CycleState trialState;
        Result<ScheduleResult> first = m_framework->schedulePod(trialState, pod, snapshot, trial);
        if (!first || first->isScheduled()) {
            state = std::move(trialState);
            return first;
        }
        const std::string why = refusal(*first, intended);
        m_recorder->record(pod, "Warning", "PlacementIntentRefused",
                           "Cannot place the pod on node " + why);
        const std::string patch =
            "{\"metadata\":{\"annotations\":{" + jsonQuote(api::kPlacementIntent) + ":null}}}";
        Result<client::ObjectPtr> r =
            m_client.patch(podsKind(), pod.metadata().namespace_(), pod.metadata().name(),
                           client::PatchType::Merge, patch);
        if (!r && r.status().code() != Status::Code::NotFound)
            logWarning(kLog, "removing the placement intent of " + client::objectKey(pod) + ": " +
                                 r.status().message());
    }
    if (!intended.empty())
        state.write(std::string(plugins::PlacementIntent::kDisabledKey),
                    std::make_shared<StateData>());
    return m_framework->schedulePod(state, pod, snapshot, options);
}

std::vector<std::pair<std::string, Scheduler::PodPtr>>
Scheduler::addNominatedPods(Snapshot &snapshot, const core::Pod &pod)
{
    std::vector<std::pair<std::string, PodPtr>> added;
    std::lock_guard lock(m_assumedMutex);
    for (const auto &[key, nominated] : m_nominated) {
        if (nominated->metadata().uid() == pod.metadata().uid() ||
            priorityOf(*nominated) < priorityOf(pod))
            continue;
        const std::string &node = nominated->status().nominated_node_name();
        NodeInfo *info = snapshot.mutableNode(node);
        if (!info)
            continue;
        auto placed = std::make_shared<core::Pod>(*nominated);
        placed->mutable_spec()->set_node_name(node);
        info->addPod(placed);
        added.emplace_back(node, std::move(placed));
    }
    return added;
}

void Scheduler::trackNominated(const PodPtr &pod)
{
    const std::string key = client::objectKey(*pod);
    std::lock_guard lock(m_assumedMutex);
    if (pod->spec().node_name().empty() && !pod->status().nominated_node_name().empty() &&
        !pod->metadata().has_deletion_timestamp())
        m_nominated[key] = pod;
    else
        m_nominated.erase(key);
}

Status Scheduler::preemptVictim(const core::Pod &victim, const core::Pod &preemptor)
{
    // As upstream's preemption: the DisruptionTarget condition first, an
    // event, then a graceful delete.
    std::string time;
    api::formatRfc3339(m_clock.nowSeconds(), 0, false, time);
    const std::string patch =
        "{\"status\":{\"conditions\":[{\"type\":\"DisruptionTarget\",\"status\":\"True\","
        "\"lastTransitionTime\":" +
        jsonQuote(time) + ",\"reason\":\"PreemptionByScheduler\",\"message\":" +
        jsonQuote(m_options.schedulerName + ": preempting to accommodate a higher priority pod") +
        "}]}}";
    client::WriteOptions options;
    options.subresource = "status";
    Result<client::ObjectPtr> patched =
        m_client.patch(podsKind(), victim.metadata().namespace_(), victim.metadata().name(),
                       client::PatchType::StrategicMerge, patch, options);
    if (!patched && patched.status().code() != Status::Code::NotFound)
        return patched.status();
    m_recorder->record(victim, "Normal", "Preempted",
                       "Preempted by pod " + preemptor.metadata().uid() + " on node " +
                           victim.spec().node_name());
    client::DeleteOptions del;
    del.preconditionUid = victim.metadata().uid();
    Result<client::ObjectPtr> removed =
        m_client.remove(podsKind(), victim.metadata().namespace_(), victim.metadata().name(), del);
    if (!removed && removed.status().code() != Status::Code::NotFound)
        return removed.status();
    return Status::ok();
}

Status Scheduler::nominateNode(const core::Pod &pod, const std::string &nodeName)
{
    const std::string patch = "{\"status\":{\"nominatedNodeName\":" +
                              (nodeName.empty() ? std::string("null") : jsonQuote(nodeName)) + "}}";
    client::WriteOptions options;
    options.subresource = "status";
    Result<client::ObjectPtr> r =
        m_client.patch(podsKind(), pod.metadata().namespace_(), pod.metadata().name(),
                       client::PatchType::Merge, patch, options);
    if (r) {
        trackNominated(std::static_pointer_cast<const core::Pod>(*r));
        return Status::ok();
    }
    return r.status();
}

} // namespace kubist::scheduler
