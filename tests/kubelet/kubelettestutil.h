#pragma once

// Small helpers shared by the kubelet tests: YAML lines, pod and node
// conditions, timestamps.

#include "backend/util/clock.h"

#include "core_v1.pb.h"
#include "meta_v1.pb.h"

#include <chrono>
#include <initializer_list>
#include <string>

namespace kubist::testing {

// The parts, each followed by a newline.
inline std::string lines(std::initializer_list<std::string> parts)
{
    std::string out;
    for (const std::string &p : parts) {
        out += p;
        out.push_back('\n');
    }
    return out;
}

inline const k8s::io::api::core::v1::PodCondition *condition(const k8s::io::api::core::v1::Pod &pod,
                                                             const std::string &type)
{
    for (const auto &c : pod.status().conditions())
        if (c.type() == type)
            return &c;
    return nullptr;
}

inline const k8s::io::api::core::v1::NodeCondition *
condition(const k8s::io::api::core::v1::Node &node, const std::string &type)
{
    for (const auto &c : node.status().conditions())
        if (c.type() == type)
            return &c;
    return nullptr;
}

inline bool isReady(const k8s::io::api::core::v1::Pod &pod)
{
    const auto *c = condition(pod, "Ready");
    return c && c->status() == "True";
}

inline Clock::Time timeOf(const k8s::io::apimachinery::pkg::apis::meta::v1::MicroTime &t)
{
    return Clock::Time(std::chrono::seconds(t.seconds()) + std::chrono::nanoseconds(t.nanos()));
}

} // namespace kubist::testing
