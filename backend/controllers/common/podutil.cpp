#include "backend/controllers/common/podutil.h"

#include "backend/api/scheme.h"
#include "backend/client/objectkey.h"

namespace kubist::controllers {

namespace core = k8s::io::api::core::v1;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;

const core::PodCondition *podCondition(const core::Pod &pod, const std::string &type)
{
    for (const core::PodCondition &c : pod.status().conditions())
        if (c.type() == type)
            return &c;
    return nullptr;
}

bool isPodReady(const core::Pod &pod)
{
    const core::PodCondition *c = podCondition(pod, "Ready");
    return c && c->status() == "True";
}

bool isPodAvailable(const core::Pod &pod, int32_t minReadySeconds, Clock::Time now)
{
    const core::PodCondition *c = podCondition(pod, "Ready");
    if (!c || c->status() != "True")
        return false;
    if (minReadySeconds <= 0)
        return true;
    const Clock::Time since{std::chrono::seconds(c->last_transition_time().seconds())};
    return c->has_last_transition_time() && since + std::chrono::seconds(minReadySeconds) <= now;
}

bool isPodActive(const core::Pod &pod)
{
    const std::string &phase = pod.status().phase();
    return phase != "Succeeded" && phase != "Failed" && !pod.metadata().has_deletion_timestamp();
}

const meta::OwnerReference *controllerOf(const meta::ObjectMeta &m)
{
    for (const meta::OwnerReference &r : m.owner_references())
        if (r.controller())
            return &r;
    return nullptr;
}

meta::OwnerReference makeControllerRef(const google::protobuf::Message &owner)
{
    const meta::ObjectMeta &om = client::objectMeta(owner);
    meta::OwnerReference ref;
    if (const api::KindInfo *kind = api::Scheme::builtin().byDescriptor(owner.GetDescriptor())) {
        ref.set_api_version(kind->apiVersion());
        ref.set_kind(kind->kind);
    }
    ref.set_name(om.name());
    ref.set_uid(om.uid());
    ref.set_controller(true);
    ref.set_block_owner_deletion(true);
    return ref;
}

} // namespace kubist::controllers
