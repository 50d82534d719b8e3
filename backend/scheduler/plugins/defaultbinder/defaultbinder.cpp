#include "backend/scheduler/plugins/defaultbinder/defaultbinder.h"

#include "core_v1.pb.h"

namespace kubist::scheduler::plugins {

namespace core = k8s::io::api::core::v1;

Result<std::shared_ptr<const Plugin>> DefaultBinder::create(const PluginContext &context)
{
    return std::shared_ptr<const Plugin>(std::make_shared<DefaultBinder>(context.binder));
}

DefaultBinder::DefaultBinder(Binder binder)
    : m_binder(std::move(binder))
{}

PluginStatus DefaultBinder::bind(const CycleState &, const core::Pod &pod,
                                 const std::string &nodeName) const
{
    if (!m_binder)
        return PluginStatus::error("no binder configured");
    core::Binding binding;
    binding.mutable_metadata()->set_namespace_(pod.metadata().namespace_());
    binding.mutable_metadata()->set_name(pod.metadata().name());
    binding.mutable_metadata()->set_uid(pod.metadata().uid());
    binding.mutable_target()->set_kind("Node");
    binding.mutable_target()->set_name(nodeName);
    const Status status = m_binder(binding);
    if (!status.isOk())
        return PluginStatus::error(status.message());
    return {};
}

} // namespace kubist::scheduler::plugins
