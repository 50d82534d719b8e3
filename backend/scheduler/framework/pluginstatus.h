#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kubist::scheduler {

// PluginStatus is what a plugin answers at an extension point (upstream
// framework.Status): a code, human-readable reasons, and the name of the
// plugin that answered (set by the framework).
//
// Codes, as upstream:
//  - Success: go on (a default-constructed status is Success);
//  - Error: an internal error; the scheduling attempt fails as an error,
//    not as "pod unschedulable";
//  - Unschedulable: the pod does not fit, but preemption might help;
//  - UnschedulableAndUnresolvable: the pod does not fit and preemption
//    cannot help;
//  - Wait: for Permit plugins (not used yet);
//  - Skip: the plugin has nothing to do for this pod (PreFilter: its Filter
//    is skipped; PreScore: its Score is skipped; Bind: the next binder
//    binds);
//  - Pending: the pod waits for something outside the scheduler.
//
// Plain value; safe to copy between threads.
class PluginStatus final
{
public:
    enum class Code {
        Success,
        Error,
        Unschedulable,
        UnschedulableAndUnresolvable,
        Wait,
        Skip,
        Pending,
    };

    PluginStatus() = default;
    explicit PluginStatus(Code code, std::vector<std::string> reasons = {});

    static PluginStatus success() { return {}; }
    static PluginStatus skip() { return PluginStatus(Code::Skip); }
    static PluginStatus error(std::string message);
    static PluginStatus unschedulable(std::vector<std::string> reasons);
    static PluginStatus unresolvable(std::vector<std::string> reasons);

    Code code() const { return m_code; }
    bool isSuccess() const { return m_code == Code::Success; }
    bool isSkip() const { return m_code == Code::Skip; }
    // Unschedulable, UnschedulableAndUnresolvable or Pending: the pod was
    // turned down (as opposed to an error).
    bool isRejected() const;

    const std::vector<std::string> &reasons() const { return m_reasons; }
    // The reasons joined with ", " (upstream Status.Message()).
    std::string message() const;

    // The plugin that produced this status; empty when none was recorded.
    const std::string &plugin() const { return m_plugin; }
    PluginStatus withPlugin(std::string plugin) const;

    // "Success", "Error", "Unschedulable", "UnschedulableAndUnresolvable",
    // "Wait", "Skip", "Pending".
    static std::string_view codeName(Code code);

    bool operator==(const PluginStatus &) const = default;

private:
    Code m_code = Code::Success;
    std::vector<std::string> m_reasons;
    std::string m_plugin;
};

} // namespace kubist::scheduler
