#include "backend/controllers/nodelifecycle/taintutil.h"

namespace kubist::controllers {

namespace core = k8s::io::api::core::v1;

bool toleratesTaint(const core::Toleration &toleration, const core::Taint &taint)
{
    if (!toleration.effect().empty() && toleration.effect() != taint.effect())
        return false;
    if (toleration.key() != taint.key() &&
        !(toleration.key().empty() && toleration.operator_() == "Exists"))
        return false;
    if (toleration.operator_() == "Exists")
        return true;
    if (toleration.operator_().empty() || toleration.operator_() == "Equal")
        return toleration.value() == taint.value();
    return false;
}

bool sameTaint(const core::Taint &a, const core::Taint &b)
{
    return a.key() == b.key() && a.effect() == b.effect();
}

} // namespace kubist::controllers
