#include "backend/proxy/kubeproxy.h"

#include <utility>

namespace kubist::proxy {

KubeProxy::KubeProxy(std::string node)
    : m_node(std::move(node))
    , m_table(std::make_shared<const ProxyTable>())
{}

bool KubeProxy::program(std::shared_ptr<const ProxyTable> table, Clock::Time when)
{
    m_lastSync = when;
    if (!table)
        table = std::make_shared<const ProxyTable>();
    const bool changed = m_version == 0 || !(*table == *m_table);
    m_table = std::move(table);
    if (changed)
        ++m_version;
    return changed;
}

} // namespace kubist::proxy
