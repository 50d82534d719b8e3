#pragma once

#include "backend/util/clock.h"
#include "backend/util/status.h"

#include <optional>
#include <string>

namespace io::kubist::v1alpha1 {
class Fault;
class FaultSpec;
} // namespace io::kubist::v1alpha1

namespace kubist::faults {

// What a Fault does, as the kubist.io/v1alpha1 Fault kind spells it
// (spec.target.kind / name / namespace, spec.action, spec.duration).
struct FaultSpec
{
    std::string targetKind; // "Node", "Pod", "Component"
    std::string name;       // node, pod, or etcd | apiserver | scheduler | controller-manager
    std::string ns;         // a Pod's namespace
    // Node: PowerOff, Partition, StopRuntime, StopProxy; Pod: CrashContainer
    // (its containers crash each time they run while the fault lasts);
    // Component: Stop.
    std::string action;
    std::optional<Clock::Duration> duration; // unset: until healed

    bool sameTargetAndAction(const FaultSpec &o) const
    {
        return targetKind == o.targetKind && name == o.name && ns == o.ns && action == o.action;
    }
};

// A fault the cluster knows of (in force, or healed recently).
struct FaultState
{
    std::string name; // the Fault object's name
    FaultSpec spec;
    std::string phase; // Pending, Active, Healed, Failed
    std::string message;
    Clock::Time injectedAt{};
    std::optional<Clock::Time> healedAt;
};

// Conversions from and to the API object's spec. fromProto fails with
// InvalidArgument for a duration that does not parse (validation refuses
// such objects, so only a corrupt store has one).
Result<FaultSpec> fromProto(const io::kubist::v1alpha1::FaultSpec &spec);
void toProto(const FaultSpec &spec, io::kubist::v1alpha1::FaultSpec *out);

// The fault in a few words, for messages and events: "node worker-2 powered
// off", "pod default/web-1 crash-looping", "etcd stopped".
std::string describe(const FaultSpec &spec);
// What healing it means: "node worker-2 powered on", "etcd started".
std::string describeHeal(const FaultSpec &spec);

} // namespace kubist::faults
