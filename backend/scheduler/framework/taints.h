#pragma once

#include <string_view>

namespace k8s::io::api::core::v1 {
class Taint;
class Toleration;
} // namespace k8s::io::api::core::v1

namespace google::protobuf {
template<class T> class RepeatedPtrField;
}

namespace kubist::scheduler {

// Taint effects and the taint the node controller mirrors
// spec.unschedulable with.
inline constexpr std::string_view kTaintEffectNoSchedule = "NoSchedule";
inline constexpr std::string_view kTaintEffectPreferNoSchedule = "PreferNoSchedule";
inline constexpr std::string_view kTaintEffectNoExecute = "NoExecute";
inline constexpr std::string_view kTaintNodeUnschedulable = "node.kubernetes.io/unschedulable";

// Upstream Toleration.ToleratesTaint: the effects match (an empty
// toleration effect matches every effect), the keys match (an empty
// toleration key matches every key; only valid with Exists), and then
// Exists matches any value while Equal (or an empty operator) needs equal
// values. The alpha Lt/Gt operators (gate TaintTolerationComparisonOperators,
// off by default upstream) tolerate nothing here.
bool toleratesTaint(const k8s::io::api::core::v1::Toleration &toleration,
                    const k8s::io::api::core::v1::Taint &taint);

// True when any of `tolerations` tolerates `taint`.
bool tolerationsTolerateTaint(
    const google::protobuf::RepeatedPtrField<k8s::io::api::core::v1::Toleration> &tolerations,
    const k8s::io::api::core::v1::Taint &taint);

} // namespace kubist::scheduler
