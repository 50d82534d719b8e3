#pragma once

// FakeControl: a ClusterControl that records every call ("inject Node/worker-2
// PowerOff", "heal fault-1", "crash default/web-a", ...) and answers from
// state the test sets (faults, node health, traffic). Thread-safe, as the
// interface wants (actions call it from a thread pool).

#include "backend/cluster/clustercontrol.h"

#include <QStringList>

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace kubist::testing {

class FakeControl final : public cluster::ClusterControl
{
public:
    // Recorded calls, oldest first.
    QStringList calls() const
    {
        std::lock_guard lock(m_mutex);
        return m_calls;
    }
    void setFaults(std::vector<FaultState> faults)
    {
        std::lock_guard lock(m_mutex);
        m_faults = std::move(faults);
    }
    void setNodeHealth(const std::string &node, NodeHealth h)
    {
        std::lock_guard lock(m_mutex);
        m_nodes[node] = h;
    }
    struct Traffic
    {
        double rate = 0;
        TrafficStats total;
        std::vector<TrafficStats> history;
    };
    void setTraffic(const std::string &key, Traffic t)
    {
        std::lock_guard lock(m_mutex);
        m_traffic[key] = std::move(t);
    }
    // What injectFault answers (and the Fault it lists as Active).
    Clock::Time now{};

    Result<std::string> injectFault(const FaultSpec &spec) override
    {
        std::lock_guard lock(m_mutex);
        m_calls << QString::fromStdString(
            "inject " + spec.targetKind + "/" + (spec.ns.empty() ? "" : spec.ns + "/") + spec.name +
            " " + spec.action + (spec.duration ? " for " + durationText(*spec.duration) : ""));
        FaultState f;
        f.name = "fault-" + std::to_string(++m_next);
        f.spec = spec;
        f.phase = "Active";
        f.injectedAt = now;
        m_faults.insert(m_faults.begin(), f);
        return f.name;
    }
    Status healFault(const std::string &name) override
    {
        std::lock_guard lock(m_mutex);
        m_calls << QString::fromStdString("heal " + name);
        for (FaultState &f : m_faults)
            if (f.name == name && f.phase == "Active") {
                f.phase = "Healed";
                f.healedAt = now;
                return {};
            }
        return Status::notFound("no active fault " + name);
    }
    std::vector<FaultState> faults() const override
    {
        std::lock_guard lock(m_mutex);
        return m_faults;
    }
    Status stopComponent(Component c) override { return record("stop component", int(c)); }
    Status startComponent(Component c) override { return record("start component", int(c)); }
    bool isComponentRunning(Component) const override { return true; }
    Status powerOffNode(const std::string &node) override { return record("power off " + node); }
    Status powerOnNode(const std::string &node) override { return record("power on " + node); }
    bool isNodePoweredOn(const std::string &node) const override
    {
        std::lock_guard lock(m_mutex);
        auto it = m_nodes.find(node);
        return it == m_nodes.end() || it->second.poweredOn;
    }
    Result<NodeHealth> nodeHealth(const std::string &node) const override
    {
        std::lock_guard lock(m_mutex);
        auto it = m_nodes.find(node);
        if (it == m_nodes.end())
            return Status::notFound("not simulated: " + node);
        return it->second;
    }
    Status crashContainer(const std::string &ns, const std::string &pod,
                          const std::string &container) override
    {
        return record("crash " + ns + "/" + pod + (container.empty() ? "" : " " + container));
    }
    Result<std::string> addNode(const std::string &name) override
    {
        const std::string n = name.empty() ? "worker-4" : name;
        if (Status s = record("add node " + n); !s)
            return s;
        return n;
    }
    Status removeNode(const std::string &node) override { return record("remove node " + node); }
    Status setTrafficRate(const std::string &ns, const std::string &service, double rps) override
    {
        return record("traffic " + ns + "/" + service + " " + std::to_string(int(rps)));
    }
    double trafficRate(const std::string &ns, const std::string &service) const override
    {
        std::lock_guard lock(m_mutex);
        auto it = m_traffic.find(ns + "/" + service);
        return it == m_traffic.end() ? 0 : it->second.rate;
    }
    TrafficStats serviceTraffic(const std::string &ns, const std::string &service) const override
    {
        std::lock_guard lock(m_mutex);
        auto it = m_traffic.find(ns + "/" + service);
        return it == m_traffic.end() ? TrafficStats{} : it->second.total;
    }
    TrafficStats podTraffic(const std::string &, const std::string &) const override { return {}; }
    std::vector<TrafficStats> trafficHistory(const std::string &ns,
                                             const std::string &service) const override
    {
        std::lock_guard lock(m_mutex);
        auto it = m_traffic.find(ns + "/" + service);
        return it == m_traffic.end() ? std::vector<TrafficStats>{} : it->second.history;
    }
    std::vector<Activity> takeActivity(uint64_t *dropped) override
    {
        if (dropped)
            *dropped = 0;
        return {};
    }

private:
    static std::string durationText(Clock::Duration d)
    {
        return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + "s";
    }
    Status record(const std::string &call, int arg = -1)
    {
        std::lock_guard lock(m_mutex);
        m_calls << QString::fromStdString(arg < 0 ? call : call + " " + std::to_string(arg));
        return {};
    }

    mutable std::mutex m_mutex;
    QStringList m_calls;
    std::vector<FaultState> m_faults;
    std::map<std::string, NodeHealth> m_nodes;
    std::map<std::string, Traffic> m_traffic;
    int m_next = 0;
};

} // namespace kubist::testing
