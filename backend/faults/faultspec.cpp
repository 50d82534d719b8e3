#include "backend/faults/faultspec.h"

#include "backend/api/goduration.h"

#include "kubist_v1alpha1.pb.h"

namespace kubist::faults {

Result<FaultSpec> fromProto(const io::kubist::v1alpha1::FaultSpec &spec)
{
    FaultSpec s;
    s.targetKind = spec.target().kind();
    s.name = spec.target().name();
    s.ns = spec.target().namespace_();
    s.action = spec.action();
    if (spec.has_duration()) {
        Result<std::chrono::nanoseconds> d = api::parseGoDuration(spec.duration());
        if (!d)
            return d.status();
        s.duration = std::chrono::duration_cast<Clock::Duration>(*d);
    }
    return s;
}

void toProto(const FaultSpec &spec, io::kubist::v1alpha1::FaultSpec *out)
{
    out->Clear();
    out->mutable_target()->set_kind(spec.targetKind);
    out->mutable_target()->set_name(spec.name);
    if (!spec.ns.empty())
        out->mutable_target()->set_namespace_(spec.ns);
    out->set_action(spec.action);
    if (spec.duration)
        out->set_duration(api::formatGoDuration(
            std::chrono::duration_cast<std::chrono::nanoseconds>(*spec.duration)));
}

namespace {

std::string target(const FaultSpec &s)
{
    if (s.targetKind == "Node")
        return "node " + s.name;
    if (s.targetKind == "Pod")
        return "pod " + s.ns + "/" + s.name;
    return s.name;
}

} // namespace

std::string describe(const FaultSpec &s)
{
    if (s.action == "PowerOff")
        return target(s) + " powered off";
    if (s.action == "Partition")
        return target(s) + " cut off from the API server";
    if (s.action == "StopRuntime")
        return target(s) + ": container runtime stopped";
    if (s.action == "StopProxy")
        return target(s) + ": kube-proxy stopped";
    if (s.action == "CrashContainer")
        return target(s) + " crash-looping";
    if (s.action == "Stop")
        return target(s) + " stopped";
    return target(s) + ": " + s.action;
}

std::string describeHeal(const FaultSpec &s)
{
    if (s.action == "PowerOff")
        return target(s) + " powered on";
    if (s.action == "Partition")
        return target(s) + " reconnected to the API server";
    if (s.action == "StopRuntime")
        return target(s) + ": container runtime started";
    if (s.action == "StopProxy")
        return target(s) + ": kube-proxy started";
    if (s.action == "CrashContainer")
        return target(s) + " no longer crashing";
    if (s.action == "Stop")
        return target(s) + " started";
    return target(s) + ": " + s.action + " healed";
}

} // namespace kubist::faults
