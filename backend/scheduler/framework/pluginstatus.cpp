#include "backend/scheduler/framework/pluginstatus.h"

namespace kubist::scheduler {

PluginStatus::PluginStatus(Code code, std::vector<std::string> reasons)
    : m_code(code)
    , m_reasons(std::move(reasons))
{}

PluginStatus PluginStatus::error(std::string message)
{
    return PluginStatus(Code::Error, {std::move(message)});
}

PluginStatus PluginStatus::unschedulable(std::vector<std::string> reasons)
{
    return PluginStatus(Code::Unschedulable, std::move(reasons));
}

PluginStatus PluginStatus::unresolvable(std::vector<std::string> reasons)
{
    return PluginStatus(Code::UnschedulableAndUnresolvable, std::move(reasons));
}

bool PluginStatus::isRejected() const
{
    return m_code == Code::Unschedulable || m_code == Code::UnschedulableAndUnresolvable ||
           m_code == Code::Pending;
}

std::string PluginStatus::message() const
{
    std::string out;
    for (const std::string &reason : m_reasons) {
        if (!out.empty())
            out += ", ";
        out += reason;
    }
    return out;
}

PluginStatus PluginStatus::withPlugin(std::string plugin) const
{
    PluginStatus copy = *this;
    copy.m_plugin = std::move(plugin);
    return copy;
}

std::string_view PluginStatus::codeName(Code code)
{
    switch (code) {
    case Code::Success:
        return "Success";
    case Code::Error:
        return "Error";
    case Code::Unschedulable:
        return "Unschedulable";
    case Code::UnschedulableAndUnresolvable:
        return "UnschedulableAndUnresolvable";
    case Code::Wait:
        return "Wait";
    case Code::Skip:
        return "Skip";
    case Code::Pending:
        return "Pending";
    }
    return "Unknown";
}

} // namespace kubist::scheduler
