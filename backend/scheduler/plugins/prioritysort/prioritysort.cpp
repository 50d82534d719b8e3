#include "backend/scheduler/plugins/prioritysort/prioritysort.h"

#include "core_v1.pb.h"

namespace kubist::scheduler::plugins {

Result<std::shared_ptr<const Plugin>> PrioritySort::create(const PluginContext &)
{
    return std::shared_ptr<const Plugin>(std::make_shared<PrioritySort>());
}

bool PrioritySort::less(const QueuedPodInfo &a, const QueuedPodInfo &b) const
{
    const std::int32_t pa = a.pod ? a.pod->spec().priority() : 0;
    const std::int32_t pb = b.pod ? b.pod->spec().priority() : 0;
    return pa > pb || (pa == pb && a.timestamp < b.timestamp);
}

} // namespace kubist::scheduler::plugins
