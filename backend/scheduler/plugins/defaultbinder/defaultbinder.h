#pragma once

#include "backend/scheduler/framework/plugin.h"
#include "backend/scheduler/framework/registry.h"

namespace kubist::scheduler::plugins {

// DefaultBinder binds a pod by posting a Binding (metadata: the pod's
// namespace, name and uid; target: kind Node, the node's name) through the
// context's Binder, i.e. to pods/<name>/binding. An error from the Binder
// becomes an Error status with its message; without a Binder every bind is
// an Error ("no binder configured").
class DefaultBinder final : public BindPlugin
{
public:
    static constexpr std::string_view kName = "DefaultBinder";
    static Result<std::shared_ptr<const Plugin>> create(const PluginContext &context);

    explicit DefaultBinder(Binder binder);

    std::string_view name() const override { return kName; }
    PluginStatus bind(const CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                      const std::string &nodeName) const override;

private:
    Binder m_binder;
};

} // namespace kubist::scheduler::plugins
