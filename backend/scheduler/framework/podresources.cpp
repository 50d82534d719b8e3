#include "backend/scheduler/framework/podresources.h"

#include "backend/api/quantity.h"

#include "core_v1.pb.h"

namespace kubist::scheduler {

namespace core = k8s::io::api::core::v1;
using QuantityMap =
    google::protobuf::Map<std::string, k8s::io::apimachinery::pkg::api::resource::Quantity>;

namespace {

void addList(Resource &into, const QuantityMap &list)
{
    for (const auto &[name, proto] : list) {
        const auto quantity = api::Quantity::parse(proto.value());
        if (quantity.isOk())
            into.add(name, *quantity);
        else
            into.add(name, api::Quantity()); // registers a scalar name with 0
    }
}

Resource containerRequests(const core::Container &container, const PodRequestOptions &options,
                           const QuantityMap *podLevel)
{
    Resource r;
    const QuantityMap &requests = container.resources().requests();
    addList(r, requests);
    if (options.nonZeroDefaults) {
        const bool podSetsCpu = podLevel && podLevel->contains(std::string(kResourceCpu));
        const bool podSetsMemory = podLevel && podLevel->contains(std::string(kResourceMemory));
        if (!requests.contains(std::string(kResourceCpu)) && !podSetsCpu)
            r.milliCpu = kDefaultMilliCpuRequest;
        if (!requests.contains(std::string(kResourceMemory)) && !podSetsMemory)
            r.memory = kDefaultMemoryRequest;
    }
    return r;
}

} // namespace

Resource podRequests(const core::Pod &pod, PodRequestOptions options)
{
    const core::PodSpec &spec = pod.spec();
    const QuantityMap *podLevel = spec.has_resources() && !spec.resources().requests().empty()
                                      ? &spec.resources().requests()
                                      : nullptr;
    Resource total;
    for (const core::Container &container : spec.containers())
        total.add(containerRequests(container, options, podLevel));

    Resource sidecars; // restartable init containers started so far
    Resource initPeak; // the most any init phase needs
    for (const core::Container &container : spec.init_containers()) {
        Resource need = containerRequests(container, options, podLevel);
        if (container.restart_policy() == "Always") {
            total.add(need);
            sidecars.add(need);
            need = sidecars;
        } else {
            need.add(sidecars);
        }
        initPeak.setMax(need);
    }
    total.setMax(initPeak);

    if (podLevel) {
        for (const std::string_view name : {kResourceCpu, kResourceMemory}) {
            const auto it = podLevel->find(std::string(name));
            if (it == podLevel->end())
                continue;
            const auto quantity = api::Quantity::parse(it->second.value());
            total.set(name, 0);
            if (quantity.isOk())
                total.add(name, *quantity);
        }
    }

    addList(total, spec.overhead());
    return total;
}

} // namespace kubist::scheduler
