#include "backend/scheduler/framework/registry.h"

namespace kubist::scheduler {

Status Registry::add(std::string name, PluginFactory factory)
{
    if (name.empty() || !factory)
        return Status::invalidArgument("a plugin needs a name and a factory");
    if (m_factories.contains(name))
        return Status::alreadyExists("a plugin named \"" + name + "\" already exists");
    m_factories.emplace(std::move(name), std::move(factory));
    return Status::ok();
}

const PluginFactory *Registry::find(std::string_view name) const
{
    const auto it = m_factories.find(name);
    return it == m_factories.end() ? nullptr : &it->second;
}

std::vector<std::string> Registry::names() const
{
    std::vector<std::string> out;
    out.reserve(m_factories.size());
    for (const auto &[name, factory] : m_factories)
        out.push_back(name);
    return out;
}

} // namespace kubist::scheduler
