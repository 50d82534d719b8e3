#include "model/faults.h"

#include <QStringList>

#include <chrono>
#include <cmath>

namespace kubist::model {

using FaultSpec = cluster::ClusterControl::FaultSpec;

namespace {

constexpr NodeFaultAction kNodeActions[] = {
    {"PowerOff", "Power off", "Power on"},
    {"Partition", "Partition from the network", "Heal the partition"},
    {"StopRuntime", "Stop the container runtime", "Start the container runtime"},
    {"StopProxy", "Stop kube-proxy", "Start kube-proxy"},
};

std::string lower(std::string s)
{
    for (char &c : s)
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
    return s;
}

std::string goDuration(Clock::Duration d)
{
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    if (ms % 1000 == 0)
        return std::to_string(ms / 1000) + "s";
    return std::to_string(ms) + "ms";
}

} // namespace

const NodeFaultAction *nodeFaultActions(int *count)
{
    *count = int(std::size(kNodeActions));
    return kNodeActions;
}

FaultSpec nodeFault(const std::string &node, const std::string &action)
{
    FaultSpec s;
    s.targetKind = "Node";
    s.name = node;
    s.action = action;
    return s;
}

FaultSpec podCrashLoop(const std::string &ns, const std::string &pod, Clock::Duration duration)
{
    FaultSpec s;
    s.targetKind = "Pod";
    s.ns = ns;
    s.name = pod;
    s.action = "CrashContainer";
    s.duration = duration;
    return s;
}

QString describeFault(const FaultSpec &spec)
{
    const QString name = QString::fromStdString(spec.name);
    if (spec.targetKind == "Node") {
        if (spec.action == "PowerOff")
            return QStringLiteral("%1 powered off").arg(name);
        if (spec.action == "Partition")
            return QStringLiteral("%1 cut off from the network").arg(name);
        if (spec.action == "StopRuntime")
            return QStringLiteral("container runtime stopped on %1").arg(name);
        if (spec.action == "StopProxy")
            return QStringLiteral("kube-proxy stopped on %1").arg(name);
    } else if (spec.targetKind == "Pod") {
        if (spec.action == "CrashContainer")
            return QStringLiteral("%1 crash-looping").arg(name);
    } else if (spec.targetKind == "Component") {
        if (spec.action == "Stop")
            return QStringLiteral("%1 stopped").arg(name);
    }
    return QStringLiteral("%1 %2 %3")
        .arg(QString::fromStdString(spec.targetKind), name, QString::fromStdString(spec.action));
}

std::string faultManifest(const FaultSpec &spec, const std::string &name)
{
    std::string y = "apiVersion: kubist.io/v1alpha1\nkind: Fault\nmetadata:\n";
    if (name.empty())
        y += "  generateName: " + spec.name + "-" + lower(spec.action) + "-\n";
    else
        y += "  name: " + name + "\n";
    y += "spec:\n  target:\n    kind: " + spec.targetKind + "\n    name: " + spec.name + "\n";
    if (!spec.ns.empty())
        y += "    namespace: " + spec.ns + "\n";
    y += "  action: " + spec.action + "\n";
    if (spec.duration)
        y += "  duration: " + goDuration(*spec.duration) + "\n";
    return y;
}

QString kubectlApplyFault(const FaultSpec &spec, const std::string &name)
{
    // `kubectl create` for a generateName; apply needs a name.
    const QString verb = name.empty() ? QStringLiteral("create") : QStringLiteral("apply");
    return QStringLiteral("kubectl %1 -f - <<'EOF'\n%2EOF")
        .arg(verb, QString::fromStdString(faultManifest(spec, name)));
}

QString kubectlDeleteFault(const std::string &name)
{
    return QStringLiteral("kubectl delete fault %1").arg(QString::fromStdString(name));
}

QString formatDuration(Clock::Duration d)
{
    const double s = std::chrono::duration<double>(d).count();
    if (s < 0)
        return QStringLiteral("0 s");
    if (s < 1)
        return QStringLiteral("%1 ms").arg(int(std::lround(s * 1000)));
    if (s < 60)
        return QStringLiteral("%1 s").arg(s, 0, 'f', 1);
    const long total = std::lround(s);
    if (total < 3600)
        return QStringLiteral("%1 min %2 s").arg(total / 60).arg(total % 60, 2, 10, QChar('0'));
    return QStringLiteral("%1 h %2 min")
        .arg(total / 3600)
        .arg((total % 3600) / 60, 2, 10, QChar('0'));
}

} // namespace kubist::model
