#include "backend/scheduler/framework/taints.h"

#include "core_v1.pb.h"

#include <algorithm>

namespace kubist::scheduler {

namespace core = k8s::io::api::core::v1;

bool toleratesTaint(const core::Toleration &toleration, const core::Taint &taint)
{
    if (!toleration.effect().empty() && toleration.effect() != taint.effect())
        return false;
    if (!toleration.key().empty() && toleration.key() != taint.key())
        return false;
    const std::string &op = toleration.operator_();
    if (op.empty() || op == "Equal")
        return toleration.value() == taint.value();
    if (op == "Exists")
        return true;
    return false;
}

bool tolerationsTolerateTaint(
    const google::protobuf::RepeatedPtrField<core::Toleration> &tolerations,
    const core::Taint &taint)
{
    return std::any_of(tolerations.begin(), tolerations.end(),
                       [&taint](const core::Toleration &t) { return toleratesTaint(t, taint); });
}

} // namespace kubist::scheduler
