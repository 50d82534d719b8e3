#pragma once

#include "backend/proxy/proxytable.h"
#include "backend/util/clock.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace kubist::proxy {

// KubeProxy: the state of the kube-proxy of one node — whether it runs,
// the table it last programmed, when, and a version that moves on each
// time the programmed rules change. A stopped proxy keeps its last table
// (the node's rules stay in place, going stale).
//
// Not thread-safe by itself: the ProxySimulator that hosts it guards it.
class KubeProxy final
{
public:
    explicit KubeProxy(std::string node);

    const std::string &node() const { return m_node; }

    bool running() const { return m_running; }
    void setRunning(bool running) { m_running = running; }

    // Never null (an empty table before the first sync).
    std::shared_ptr<const ProxyTable> table() const { return m_table; }
    // 0 before the first sync that programmed anything.
    uint64_t version() const { return m_version; }
    // When the last sync ran (nullopt: never).
    std::optional<Clock::Time> lastSync() const { return m_lastSync; }

    // One sync: programs `table` at `when`. True (and the version moves on)
    // when the rules differ from those programmed before.
    bool program(std::shared_ptr<const ProxyTable> table, Clock::Time when);

private:
    const std::string m_node;
    bool m_running = true;
    std::shared_ptr<const ProxyTable> m_table;
    uint64_t m_version = 0;
    std::optional<Clock::Time> m_lastSync;
};

} // namespace kubist::proxy
