#pragma once

#include "backend/util/status.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace k8s::io::api::core::v1 {
class Binding;
class Pod;
} // namespace k8s::io::api::core::v1

namespace kubist::scheduler {

class Framework;
class Plugin;

// Posts a Binding to the API (pods/<name>/binding). The scheduler part
// gives one backed by its Client; the GUI, which only asks for
// explanations, may leave it empty. Called on the scheduler's thread; must
// be thread-safe when several frameworks share it.
using Binder = std::function<Status(const k8s::io::api::core::v1::Binding &binding)>;

// What a plugin factory may use (upstream framework.Handle, reduced to what
// the plugins so far need). Copied into plugins that keep parts of it.
struct PluginContext
{
    Binder binder;
    // The framework the plugin is being built for; set by Framework::create
    // (whatever the caller put here), valid as long as that framework. Lets
    // PostFilter (preemption) run the Filter plugins on "what if" nodes.
    const Framework *framework = nullptr;
    // Preemption's writes. Both empty (the GUI): preemption only computes
    // what it would do (dry run). preemptVictim deletes a victim gracefully
    // (its own grace period) after marking it with the DisruptionTarget
    // condition; nominateNode sets the preemptor's status.nominatedNodeName
    // ("" clears it). Called on the scheduler's thread.
    std::function<Status(const k8s::io::api::core::v1::Pod &victim,
                         const k8s::io::api::core::v1::Pod &preemptor)>
        preemptVictim;
    std::function<Status(const k8s::io::api::core::v1::Pod &pod, const std::string &nodeName)>
        nominateNode;
};

// Builds one plugin. Errors are reported by Framework::create.
using PluginFactory =
    std::function<Result<std::shared_ptr<const Plugin>>(const PluginContext &context)>;

// Registry: plugin name -> factory (upstream runtime.Registry). Every
// plugin folder offers a factory; registerDefaultPlugins() (plugins
// library) adds the in-tree set. Not thread-safe while being filled; safe
// to read from several threads afterwards.
class Registry final
{
public:
    // AlreadyExists when `name` is registered already; InvalidArgument for
    // an empty name or factory.
    Status add(std::string name, PluginFactory factory);

    // nullptr when `name` is not registered.
    const PluginFactory *find(std::string_view name) const;
    // Registered names, sorted.
    std::vector<std::string> names() const;

private:
    std::map<std::string, PluginFactory, std::less<>> m_factories;
};

} // namespace kubist::scheduler
