#include "backend/controllers/podgc/podgccontroller.h"

#include "backend/api/scheme.h"
#include "backend/client/objectkey.h"
#include "backend/util/log.h"

#include "core_v1.pb.h"

#include <algorithm>
#include <set>
#include <vector>

namespace kubist::controllers {

namespace core = k8s::io::api::core::v1;

namespace {

constexpr const char kComponent[] = "pod-garbage-collector";
constexpr const char kKey[] = "gc";

const api::KindInfo &kindOf(const google::protobuf::Descriptor *d)
{
    return *api::Scheme::builtin().byDescriptor(d);
}

client::WorkQueue::Options queueOptions()
{
    client::WorkQueue::Options o;
    o.name = "podgc";
    return o;
}

bool isTerminated(const core::Pod &pod)
{
    return pod.status().phase() == "Succeeded" || pod.status().phase() == "Failed";
}

bool nodeReady(const core::Node &node)
{
    for (const core::NodeCondition &c : node.status().conditions())
        if (c.type() == "Ready")
            return c.status() == "True";
    return false;
}

bool outOfService(const core::Node &node)
{
    for (const core::Taint &t : node.spec().taints())
        if (t.key() == "node.kubernetes.io/out-of-service" &&
            (t.effect() == "NoExecute" || t.effect() == "NoSchedule"))
            return true;
    return false;
}

} // namespace

PodGCController::PodGCController(client::Client &client, const Clock &clock, Options options)
    : m_client(client)
    , m_clock(clock)
    , m_options(options)
    , m_queue(clock, queueOptions())
    , m_pods(std::make_unique<client::Informer>(client, kindOf(core::Pod::descriptor()), clock))
    , m_nodes(std::make_unique<client::Informer>(client, kindOf(core::Node::descriptor()), clock))
    , m_workers(
          m_queue, [this](const std::string &) { return gc(); }, 1, kComponent)
{}

PodGCController::~PodGCController()
{
    stop();
}

void PodGCController::start()
{
    if (m_started.exchange(true))
        return;
    m_pods->start();
    m_nodes->start();
    m_workers.start();
    m_queue.add(kKey);
}

void PodGCController::stop()
{
    if (m_stopped.exchange(true))
        return;
    m_pods->stop();
    m_nodes->stop();
    m_queue.shutDown();
    m_workers.stop();
}

Status PodGCController::forceDelete(const core::Pod &pod, const std::string &reason)
{
    const std::string &ns = pod.metadata().namespace_();
    logInfo(kComponent, "force-deleting pod " + ns + "/" + pod.metadata().name() + ": " + reason);
    client::DeleteOptions o;
    o.gracePeriodSeconds = 0;
    o.preconditionUid = pod.metadata().uid();
    Result<client::ObjectPtr> r =
        m_client.remove(kindOf(core::Pod::descriptor()), ns, pod.metadata().name(), o);
    if (!r && r.status().code() != Status::Code::NotFound &&
        r.status().code() != Status::Code::Conflict)
        return r.status();
    return {};
}

Status PodGCController::gc()
{
    // Whatever happens, look again after a period.
    m_queue.addAfter(kKey, m_options.period);
    const auto timeout = std::chrono::seconds(30);
    if (!m_pods->waitForSync(timeout) || !m_nodes->waitForSync(timeout))
        return Status::unavailable("caches not synced");

    Status result;
    auto keep = [&result](Status s) {
        if (!s && result)
            result = s;
    };
    const std::vector<client::ObjectPtr> pods = m_pods->indexer().list();
    const Clock::Time now = m_clock.now();

    // Terminated pods beyond the threshold, oldest first.
    if (m_options.terminatedPodThreshold > 0) {
        std::vector<const core::Pod *> terminated;
        for (const client::ObjectPtr &p : pods) {
            const auto &pod = static_cast<const core::Pod &>(*p);
            if (isTerminated(pod))
                terminated.push_back(&pod);
        }
        const size_t threshold = static_cast<size_t>(m_options.terminatedPodThreshold);
        if (terminated.size() > threshold) {
            std::sort(terminated.begin(), terminated.end(), [](const auto *a, const auto *b) {
                return std::make_pair(a->metadata().creation_timestamp().seconds(),
                                      a->metadata().name()) <
                       std::make_pair(b->metadata().creation_timestamp().seconds(),
                                      b->metadata().name());
            });
            for (size_t i = 0; i < terminated.size() - threshold; ++i)
                keep(forceDelete(*terminated[i], "terminated pods beyond the threshold"));
        }
    }

    // Pods on nodes that are gone (after the quarantine) or out of service.
    std::set<std::string> missing;
    for (const client::ObjectPtr &p : pods) {
        const auto &pod = static_cast<const core::Pod &>(*p);
        const std::string &nodeName = pod.spec().node_name();
        if (nodeName.empty()) {
            if (pod.metadata().has_deletion_timestamp())
                keep(forceDelete(pod, "terminating pod that was never scheduled"));
            continue;
        }
        const client::ObjectPtr node = m_nodes->indexer().get(nodeName);
        if (node) {
            const auto &n = static_cast<const core::Node &>(*node);
            if (pod.metadata().has_deletion_timestamp() && !nodeReady(n) && outOfService(n))
                keep(forceDelete(pod, "terminating pod on an out-of-service node"));
            continue;
        }
        missing.insert(nodeName);
        auto [it, inserted] = m_missingSince.try_emplace(nodeName, now);
        if (now - it->second < m_options.quarantine) {
            m_queue.addAfter(kKey, it->second + m_options.quarantine - now);
            continue;
        }
        // Gone from the cache long enough; make sure it is gone for real.
        Result<client::ObjectPtr> live =
            m_client.get(kindOf(core::Node::descriptor()), "", nodeName);
        if (live || live.status().code() != Status::Code::NotFound) {
            keep(live ? Status() : live.status());
            continue;
        }
        if (!isTerminated(pod)) {
            core::Pod failed(pod);
            failed.mutable_status()->set_phase("Failed");
            core::PodCondition *cond = nullptr;
            for (core::PodCondition &c : *failed.mutable_status()->mutable_conditions())
                if (c.type() == "DisruptionTarget")
                    cond = &c;
            if (!cond)
                cond = failed.mutable_status()->add_conditions();
            cond->set_type("DisruptionTarget");
            cond->set_status("True");
            cond->set_reason("DeletionByPodGC");
            cond->set_message("PodGC: node no longer exists");
            cond->mutable_last_transition_time()->set_seconds(m_clock.nowSeconds());
            client::WriteOptions o;
            o.subresource = "status";
            // Best effort: the deletion below is what matters.
            (void)m_client.update(kindOf(core::Pod::descriptor()), pod.metadata().namespace_(),
                                  failed, o);
        }
        keep(forceDelete(pod, "its node " + nodeName + " no longer exists"));
    }
    for (auto it = m_missingSince.begin(); it != m_missingSince.end();)
        it = missing.count(it->first) ? std::next(it) : m_missingSince.erase(it);
    return result;
}

} // namespace kubist::controllers
