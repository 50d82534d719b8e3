#include "model/recoverytimer.h"

#include "model/controlpoller.h"
#include "model/faults.h"

#include "backend/client/objectkey.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"

#include <QStringList>

namespace kubist::model {

namespace apps = k8s::io::api::apps::v1;
namespace core = k8s::io::api::core::v1;

namespace {

template<class Meta>
const k8s::io::apimachinery::pkg::apis::meta::v1::OwnerReference *controllerRef(const Meta &meta)
{
    for (const auto &ref : meta.owner_references())
        if (ref.controller())
            return &ref;
    return nullptr;
}

bool nodeIsReady(const std::map<std::string, client::ObjectPtr> &nodes, const std::string &name)
{
    if (name.empty())
        return true; // never scheduled: it ends at once
    auto it = nodes.find(name);
    if (it == nodes.end())
        return false;
    for (const auto &c : static_cast<const core::Node &>(*it->second).status().conditions())
        if (c.type() == "Ready")
            return c.status() == "True";
    return false;
}

QString failedWords(uint64_t failed)
{
    if (failed == 0)
        return QStringLiteral("no request failed");
    if (failed == 1)
        return QStringLiteral("1 request failed");
    return QStringLiteral("%1 requests failed").arg(failed);
}

} // namespace

ClusterWholeness RecoveryTimer::assess(const std::map<std::string, client::ObjectPtr> &deployments,
                                       const std::map<std::string, client::ObjectPtr> &replicaSets,
                                       const std::map<std::string, client::ObjectPtr> &pods,
                                       const std::map<std::string, client::ObjectPtr> &nodes,
                                       const ControlSnapshot *control)
{
    ClusterWholeness w;
    for (const auto &[key, obj] : deployments) {
        const auto &d = static_cast<const apps::Deployment &>(*obj);
        const int want = d.spec().has_replicas() ? d.spec().replicas() : 1;
        w.deployments.emplace_back(d.metadata().name(), want);
        const auto &s = d.status();
        if (s.ready_replicas() != want || s.updated_replicas() != want ||
            s.available_replicas() != want) {
            w.workloadsWhole = false;
            w.missing.push_back(d.metadata().name() + ": " + std::to_string(s.ready_replicas()) +
                                "/" + std::to_string(want) + " ready");
        }
    }
    for (const auto &[key, obj] : pods) {
        const auto &p = static_cast<const core::Pod &>(*obj);
        const auto *owner = controllerRef(p.metadata());
        if (!owner || owner->kind() != "ReplicaSet")
            continue;
        auto rs = replicaSets.find(client::objectKey(p.metadata().namespace_(), owner->name()));
        if (rs == replicaSets.end())
            continue;
        const auto *rsOwner =
            controllerRef(static_cast<const apps::ReplicaSet &>(*rs->second).metadata());
        if (!rsOwner || rsOwner->kind() != "Deployment")
            continue;
        if (p.metadata().has_deletion_timestamp()) {
            if (!nodeIsReady(nodes, p.spec().node_name()))
                continue; // stuck until its node returns; its replacement counts

            w.workloadsWhole = false;
            w.missing.push_back(p.metadata().name() + ": terminating");
        } else if (p.status().phase().empty() || p.status().phase() == "Pending") {
            w.workloadsWhole = false;
            w.missing.push_back(p.metadata().name() + ": pending");
        }
    }
    if (control) {
        for (const auto &[key, s] : control->services) {
            if (!s.hasTraffic())
                continue;
            w.hasTraffic = true;
            const auto last = s.lastSecond();
            if (last.failed > 0 || last.succeeded == 0) {
                w.trafficClean = false;
                w.missing.push_back(key + ": requests failing");
            }
        }
    }
    return w;
}

void RecoveryTimer::begin(const QString &what, Clock::Time at, uint64_t failedSoFar)
{
    if (m_running) {
        if (!m_what.contains(what))
            m_what += QStringLiteral(", ") + what;
        return;
    }
    m_running = true;
    m_sawBroken = false;
    m_what = what;
    m_start = at;
    m_failedAtStart = failedSoFar;
    m_episodeFaults.clear();
}

void RecoveryTimer::faultInjected(const QString &what, const std::string &faultName, Clock::Time at,
                                  uint64_t failedSoFar)
{
    begin(what, at, failedSoFar);
    if (!faultName.empty()) {
        m_seenFaults.insert(faultName);
        m_episodeFaults.insert(faultName);
    }
}

void RecoveryTimer::observeFaults(const std::vector<cluster::ClusterControl::FaultState> &faults,
                                  Clock::Time now, uint64_t failedSoFar)
{
    std::set<std::string> active;
    for (const auto &f : faults) {
        if (f.phase != "Active" && f.phase != "Pending")
            continue;
        active.insert(f.name);
        if (m_seenFaults.insert(f.name).second && m_baselineTaken && f.phase == "Active") {
            // Started where the fault did, when that is known and not in the future.
            const Clock::Time at =
                f.injectedAt != Clock::Time{} && f.injectedAt <= now ? f.injectedAt : now;
            begin(describeFault(f.spec), at, failedSoFar);
            m_episodeFaults.insert(f.name);
        }
    }
    m_baselineTaken = true;
    for (auto it = m_episodeFaults.begin(); it != m_episodeFaults.end();)
        it = active.count(*it) ? std::next(it) : m_episodeFaults.erase(it);
}

std::optional<RecoveryTimer::Outcome> RecoveryTimer::observe(const ClusterWholeness &state,
                                                             Clock::Time now, uint64_t failedSoFar)
{
    if (!m_running)
        return std::nullopt;
    if (!state.whole()) {
        m_sawBroken = true;
        return std::nullopt;
    }
    const bool quietEnough = m_episodeFaults.empty() && now - m_start >= kQuietPeriod;
    if (!m_sawBroken && !quietEnough)
        return std::nullopt;
    Outcome o;
    o.what = m_what;
    o.took = now - m_start;
    o.failed = failedSince(failedSoFar);
    o.summary =
        summarize(m_what, state, o.took,
                  state.hasTraffic || o.failed > 0 ? std::optional(o.failed) : std::nullopt);
    m_running = false;
    m_last = o;
    return o;
}

void RecoveryTimer::cancel()
{
    m_running = false;
}

Clock::Duration RecoveryTimer::elapsed(Clock::Time now) const
{
    return m_running ? now - m_start : Clock::Duration::zero();
}

uint64_t RecoveryTimer::failedSince(uint64_t failedSoFar) const
{
    return failedSoFar > m_failedAtStart ? failedSoFar - m_failedAtStart : 0;
}

QString RecoveryTimer::progressText(Clock::Time now, uint64_t failedSoFar, bool hasTraffic) const
{
    if (!m_running)
        return {};
    QString s = QStringLiteral("%1 — recovering: %2").arg(m_what, formatDuration(elapsed(now)));
    if (hasTraffic)
        s += QStringLiteral(", %1 so far").arg(failedWords(failedSince(failedSoFar)));
    return s;
}

QString RecoveryTimer::summarize(const QString &what, const ClusterWholeness &state,
                                 Clock::Duration took, std::optional<uint64_t> failed)
{
    QString whole;
    if (state.deployments.size() == 1) {
        const auto &[name, n] = state.deployments.front();
        whole = n == 1 ? QStringLiteral("the %1 pod Ready again").arg(QString::fromStdString(name))
                       : QStringLiteral("all %1 %2 pods Ready again")
                             .arg(n)
                             .arg(QString::fromStdString(name));
    } else if (!state.deployments.empty()) {
        int total = 0;
        QStringList names;
        for (const auto &[name, n] : state.deployments) {
            total += n;
            names << QString::fromStdString(name);
        }
        whole = QStringLiteral("all %1 pods of %2 Ready again").arg(total).arg(names.join(", "));
    } else {
        whole = QStringLiteral("the cluster whole again");
    }
    QString s = QStringLiteral("%1 → %2 after %3").arg(what, whole, formatDuration(took));
    if (failed)
        s += QStringLiteral(", ") + failedWords(*failed);
    return s;
}

} // namespace kubist::model
