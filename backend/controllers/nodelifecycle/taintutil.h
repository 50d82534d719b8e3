#pragma once

#include "core_v1.pb.h"

namespace kubist::controllers {

// Taint and toleration facts of the node lifecycle controller (upstream
// k8s.io/api/core/v1 ToleratesTaint and the taint templates).

inline constexpr const char kTaintNotReady[] = "node.kubernetes.io/not-ready";
inline constexpr const char kTaintUnreachable[] = "node.kubernetes.io/unreachable";
inline constexpr const char kTaintUnschedulable[] = "node.kubernetes.io/unschedulable";
inline constexpr const char kTaintMemoryPressure[] = "node.kubernetes.io/memory-pressure";
inline constexpr const char kTaintDiskPressure[] = "node.kubernetes.io/disk-pressure";
inline constexpr const char kTaintPidPressure[] = "node.kubernetes.io/pid-pressure";
inline constexpr const char kTaintNetworkUnavailable[] = "node.kubernetes.io/network-unavailable";

// The toleration matches the taint: same effect (or none), same key (or an
// empty key with operator Exists), and Exists or an equal value.
bool toleratesTaint(const k8s::io::api::core::v1::Toleration &toleration,
                    const k8s::io::api::core::v1::Taint &taint);

bool sameTaint(const k8s::io::api::core::v1::Taint &a, const k8s::io::api::core::v1::Taint &b);

} // namespace kubist::controllers
