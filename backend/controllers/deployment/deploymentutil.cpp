#include "backend/controllers/deployment/deploymentutil.h"

#include "backend/api/jsoncodec.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>

namespace kubist::controllers::deploymentutil {

namespace apps = k8s::io::api::apps::v1;
namespace core = k8s::io::api::core::v1;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;
namespace intstr = k8s::io::apimachinery::pkg::util::intstr;

namespace {

template<class Int> std::optional<Int> parseInt(const std::string &s)
{
    Int v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size() || s.empty())
        return std::nullopt;
    return v;
}

std::optional<int32_t> intAnnotation(const ReplicaSet &rs, const char *name)
{
    const auto &a = rs.metadata().annotations();
    const auto it = a.find(name);
    if (it == a.end())
        return std::nullopt;
    return parseInt<int32_t>(it->second);
}

std::string canonicalJson(const core::PodTemplateSpec &tmpl)
{
    core::PodTemplateSpec copy(tmpl);
    copy.mutable_metadata()->mutable_labels()->erase(kPodTemplateHashLabel);
    return api::JsonCodec::encode(copy);
}

struct Fenceposts
{
    int32_t surge = 0;
    int32_t unavailable = 0;
};

Fenceposts fenceposts(const Deployment &d)
{
    const apps::RollingUpdateDeployment &ru = d.spec().strategy().rolling_update();
    const int32_t desired = d.spec().replicas();
    Result<int32_t> surge =
        scaledValue(ru.has_max_surge() ? &ru.max_surge() : nullptr, desired, true);
    Result<int32_t> unavailable =
        scaledValue(ru.has_max_unavailable() ? &ru.max_unavailable() : nullptr, desired, false);
    Fenceposts f{surge ? *surge : 0, unavailable ? *unavailable : 0};
    if (f.surge == 0 && f.unavailable == 0)
        f.unavailable = 1; // so a rollout can make progress at all
    return f;
}

} // namespace

Result<int32_t> scaledValue(const intstr::IntOrString *value, int32_t total, bool roundUp)
{
    if (!value)
        return 0;
    if (value->type() == 0)
        return value->int_val();
    const std::string &s = value->str_val();
    if (s.empty() || s.back() != '%')
        return Status::invalidArgument("invalid value for IntOrString: invalid type: string is "
                                       "not a percentage");
    const std::optional<int32_t> percent = parseInt<int32_t>(s.substr(0, s.size() - 1));
    if (!percent)
        return Status::invalidArgument("invalid value \"" + s + "\": not a percentage");
    const double scaled = static_cast<double>(*percent) * static_cast<double>(total) / 100.0;
    return static_cast<int32_t>(roundUp ? std::ceil(scaled) : std::floor(scaled));
}

bool isRollingUpdate(const Deployment &d)
{
    return d.spec().strategy().type() == "RollingUpdate";
}

int32_t maxSurge(const Deployment &d)
{
    if (!isRollingUpdate(d))
        return 0;
    return fenceposts(d).surge;
}

int32_t maxUnavailable(const Deployment &d)
{
    if (!isRollingUpdate(d) || d.spec().replicas() == 0)
        return 0;
    return std::min(fenceposts(d).unavailable, d.spec().replicas());
}

std::string safeEncodeString(const std::string &s)
{
    static constexpr char kAlphanums[] = "bcdfghjklmnpqrstvwxz2456789";
    constexpr size_t n = sizeof(kAlphanums) - 1;
    std::string out(s.size(), ' ');
    for (size_t i = 0; i < s.size(); ++i)
        out[i] = kAlphanums[static_cast<unsigned char>(s[i]) % n];
    return out;
}

std::string computeHash(const core::PodTemplateSpec &tmpl, std::optional<int32_t> collisionCount)
{
    uint32_t h = 2166136261u; // FNV-32a offset basis
    const auto feed = [&h](unsigned char byte) {
        h ^= byte;
        h *= 16777619u; // FNV-32 prime
    };
    for (const char c : canonicalJson(tmpl))
        feed(static_cast<unsigned char>(c));
    if (collisionCount) {
        const auto v = static_cast<uint32_t>(*collisionCount);
        for (int i = 0; i < 4; ++i)
            feed(static_cast<unsigned char>((v >> (8 * i)) & 0xff));
    }
    return safeEncodeString(std::to_string(h));
}

bool equalIgnoreHash(const core::PodTemplateSpec &a, const core::PodTemplateSpec &b)
{
    return canonicalJson(a) == canonicalJson(b);
}

int64_t revisionOf(const ReplicaSet &rs)
{
    const auto &a = rs.metadata().annotations();
    const auto it = a.find(kRevisionAnnotation);
    if (it == a.end())
        return 0;
    return parseInt<int64_t>(it->second).value_or(0);
}

int64_t maxRevision(const std::vector<ReplicaSetPtr> &rss)
{
    int64_t m = 0;
    for (const ReplicaSetPtr &rs : rss)
        if (rs)
            m = std::max(m, revisionOf(*rs));
    return m;
}

bool setNewReplicaSetAnnotations(const Deployment &d, ReplicaSet &rs, int64_t newRevision,
                                 bool exists)
{
    static const char *const kSkip[] = {"kubectl.kubernetes.io/last-applied-configuration",
                                        kRevisionAnnotation,
                                        kRevisionHistoryAnnotation,
                                        kDesiredReplicasAnnotation,
                                        kMaxReplicasAnnotation,
                                        "deprecated.deployment.rollback.to"};
    bool changed = false;
    auto &annotations = *rs.mutable_metadata()->mutable_annotations();
    for (const auto &[k, v] : d.metadata().annotations()) {
        if (std::find(std::begin(kSkip), std::end(kSkip), k) != std::end(kSkip))
            continue;
        const auto it = annotations.find(k);
        if (it != annotations.end() && it->second == v)
            continue;
        annotations[k] = v;
        changed = true;
    }
    const auto revIt = annotations.find(kRevisionAnnotation);
    const bool hadRevision = revIt != annotations.end();
    const std::string oldRevision = hadRevision ? revIt->second : std::string();
    int64_t oldRevisionInt = 0;
    if (!oldRevision.empty()) {
        const std::optional<int64_t> parsed = parseInt<int64_t>(oldRevision);
        if (!parsed)
            return false; // upstream leaves a garbled revision alone
        oldRevisionInt = *parsed;
    }
    if (oldRevisionInt < newRevision) {
        annotations[kRevisionAnnotation] = std::to_string(newRevision);
        changed = true;
        // A ReplicaSet that had a revision gets a newer one: a rollback.
        // Keep the old revisions for `kubectl rollout history`.
        if (hadRevision) {
            std::string history = annotations[kRevisionHistoryAnnotation];
            if (history.empty()) {
                history = oldRevision;
            } else {
                std::vector<std::string> parts;
                size_t start = 0;
                while (true) {
                    const size_t comma = history.find(',', start);
                    parts.push_back(history.substr(start, comma - start));
                    if (comma == std::string::npos)
                        break;
                    start = comma + 1;
                }
                size_t total = history.size() + oldRevision.size() + 1;
                size_t first = 0;
                while (total > kMaxRevisionHistoryChars && first < parts.size())
                    total -= parts[first++].size() + 1;
                if (total <= kMaxRevisionHistoryChars) {
                    std::string joined;
                    for (size_t i = first; i < parts.size(); ++i)
                        joined += parts[i] + ",";
                    history = joined + oldRevision;
                }
            }
            annotations[kRevisionHistoryAnnotation] = history;
        }
    }
    if (!exists &&
        setReplicasAnnotations(rs, d.spec().replicas(), d.spec().replicas() + maxSurge(d)))
        changed = true;
    return changed;
}

bool setReplicasAnnotations(ReplicaSet &rs, int32_t desired, int32_t max)
{
    auto &a = *rs.mutable_metadata()->mutable_annotations();
    bool changed = false;
    const std::string d = std::to_string(desired);
    const std::string m = std::to_string(max);
    if (a[kDesiredReplicasAnnotation] != d) {
        a[kDesiredReplicasAnnotation] = d;
        changed = true;
    }
    if (a[kMaxReplicasAnnotation] != m) {
        a[kMaxReplicasAnnotation] = m;
        changed = true;
    }
    return changed;
}

bool replicasAnnotationsNeedUpdate(const ReplicaSet &rs, int32_t desired, int32_t max)
{
    const auto &a = rs.metadata().annotations();
    const auto d = a.find(kDesiredReplicasAnnotation);
    const auto m = a.find(kMaxReplicasAnnotation);
    return d == a.end() || d->second != std::to_string(desired) || m == a.end() ||
           m->second != std::to_string(max);
}

std::optional<int32_t> desiredReplicasAnnotation(const ReplicaSet &rs)
{
    return intAnnotation(rs, kDesiredReplicasAnnotation);
}

std::optional<int32_t> maxReplicasAnnotation(const ReplicaSet &rs)
{
    return intAnnotation(rs, kMaxReplicasAnnotation);
}

bool setDeploymentRevision(Deployment &d, const std::string &revision)
{
    auto &a = *d.mutable_metadata()->mutable_annotations();
    const auto it = a.find(kRevisionAnnotation);
    if (it != a.end() && it->second == revision)
        return false;
    a[kRevisionAnnotation] = revision;
    return true;
}

const apps::DeploymentCondition *getCondition(const apps::DeploymentStatus &status,
                                              const std::string &type)
{
    for (const apps::DeploymentCondition &c : status.conditions())
        if (c.type() == type)
            return &c;
    return nullptr;
}

apps::DeploymentCondition newCondition(const std::string &type, const std::string &status,
                                       const std::string &reason, const std::string &message,
                                       Clock::Time now)
{
    apps::DeploymentCondition c;
    c.set_type(type);
    c.set_status(status);
    c.set_reason(reason);
    c.set_message(message);
    *c.mutable_last_update_time() = toMetaTime(now);
    *c.mutable_last_transition_time() = toMetaTime(now);
    return c;
}

void setCondition(apps::DeploymentStatus &status, apps::DeploymentCondition condition)
{
    const apps::DeploymentCondition *current = getCondition(status, condition.type());
    if (current && current->status() == condition.status() &&
        current->reason() == condition.reason())
        return;
    if (current && current->status() == condition.status())
        *condition.mutable_last_transition_time() = current->last_transition_time();
    removeCondition(status, condition.type());
    *status.add_conditions() = std::move(condition);
}

void removeCondition(apps::DeploymentStatus &status, const std::string &type)
{
    auto *conds = status.mutable_conditions();
    conds->erase(
        std::remove_if(conds->begin(), conds->end(),
                       [&](const apps::DeploymentCondition &c) { return c.type() == type; }),
        conds->end());
}

bool hasProgressDeadline(const Deployment &d)
{
    return d.spec().has_progress_deadline_seconds() &&
           d.spec().progress_deadline_seconds() != INT32_MAX;
}

bool hasRevisionHistoryLimit(const Deployment &d)
{
    return d.spec().has_revision_history_limit() && d.spec().revision_history_limit() != INT32_MAX;
}

bool deploymentComplete(const Deployment &d, const apps::DeploymentStatus &status)
{
    const int32_t want = d.spec().replicas();
    return status.updated_replicas() == want && status.replicas() == want &&
           status.available_replicas() == want &&
           status.observed_generation() >= d.metadata().generation();
}

bool deploymentProgressing(const Deployment &d, const apps::DeploymentStatus &status)
{
    const apps::DeploymentStatus &old = d.status();
    const int32_t oldOld = old.replicas() - old.updated_replicas();
    const int32_t newOld = status.replicas() - status.updated_replicas();
    return status.updated_replicas() > old.updated_replicas() || newOld < oldOld ||
           status.ready_replicas() > old.ready_replicas() ||
           status.available_replicas() > old.available_replicas();
}

bool deploymentTimedOut(const Deployment &d, const apps::DeploymentStatus &status, Clock::Time now)
{
    if (!hasProgressDeadline(d))
        return false;
    const apps::DeploymentCondition *c = getCondition(status, kProgressing);
    if (!c || c->reason() == kNewRSAvailableReason)
        return false;
    if (c->reason() == kTimedOutReason)
        return true;
    const Clock::Time from = fromMetaTime(c->last_update_time());
    return from + std::chrono::seconds(d.spec().progress_deadline_seconds()) < now;
}

std::vector<ReplicaSetPtr> filterActive(const std::vector<ReplicaSetPtr> &rss)
{
    std::vector<ReplicaSetPtr> out;
    for (const ReplicaSetPtr &rs : rss)
        if (rs && rs->spec().replicas() > 0)
            out.push_back(rs);
    return out;
}

int32_t specReplicas(const std::vector<ReplicaSetPtr> &rss)
{
    int32_t n = 0;
    for (const ReplicaSetPtr &rs : rss)
        if (rs)
            n += rs->spec().replicas();
    return n;
}

int32_t actualReplicas(const std::vector<ReplicaSetPtr> &rss)
{
    int32_t n = 0;
    for (const ReplicaSetPtr &rs : rss)
        if (rs)
            n += rs->status().replicas();
    return n;
}

int32_t readyReplicas(const std::vector<ReplicaSetPtr> &rss)
{
    int32_t n = 0;
    for (const ReplicaSetPtr &rs : rss)
        if (rs)
            n += rs->status().ready_replicas();
    return n;
}

int32_t availableReplicas(const std::vector<ReplicaSetPtr> &rss)
{
    int32_t n = 0;
    for (const ReplicaSetPtr &rs : rss)
        if (rs)
            n += rs->status().available_replicas();
    return n;
}

bool olderThan(const ReplicaSet &a, const ReplicaSet &b)
{
    const meta::Time &ta = a.metadata().creation_timestamp();
    const meta::Time &tb = b.metadata().creation_timestamp();
    if (ta.seconds() != tb.seconds())
        return ta.seconds() < tb.seconds();
    if (ta.nanos() != tb.nanos())
        return ta.nanos() < tb.nanos();
    return a.metadata().name() < b.metadata().name();
}

meta::Time toMetaTime(Clock::Time t)
{
    meta::Time out;
    out.set_seconds(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
    return out;
}

Clock::Time fromMetaTime(const meta::Time &t)
{
    return Clock::Time(std::chrono::duration_cast<Clock::Duration>(
        std::chrono::seconds(t.seconds()) + std::chrono::nanoseconds(t.nanos())));
}

} // namespace kubist::controllers::deploymentutil
