#pragma once

#include "backend/scheduler/framework/plugin.h"
#include "backend/scheduler/framework/registry.h"

namespace kubist::scheduler::plugins {

// PrioritySort orders the scheduling queue: higher spec.priority first (an
// unset priority counts as 0), then the pod that entered the queue first.
class PrioritySort final : public QueueSortPlugin
{
public:
    static constexpr std::string_view kName = "PrioritySort";
    static Result<std::shared_ptr<const Plugin>> create(const PluginContext &context);

    std::string_view name() const override { return kName; }
    bool less(const QueuedPodInfo &a, const QueuedPodInfo &b) const override;
};

} // namespace kubist::scheduler::plugins
