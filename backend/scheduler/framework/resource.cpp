#include "backend/scheduler/framework/resource.h"

#include "backend/api/quantity.h"

#include <algorithm>

namespace kubist::scheduler {

namespace {

bool startsWith(std::string_view s, std::string_view prefix)
{
    return s.substr(0, prefix.size()) == prefix;
}

bool isNativeResource(std::string_view name)
{
    // No domain, or a domain under kubernetes.io.
    const auto slash = name.find('/');
    if (slash == std::string_view::npos)
        return true;
    const std::string_view domain = name.substr(0, slash);
    return domain == "kubernetes.io" ||
           (domain.size() > 14 && domain.substr(domain.size() - 14) == ".kubernetes.io");
}

} // namespace

bool isExtendedResourceName(std::string_view name)
{
    if (isNativeResource(name) || startsWith(name, "requests."))
        return false;
    return true;
}

bool isScalarResourceName(std::string_view name)
{
    if (isExtendedResourceName(name))
        return true;
    if (startsWith(name, "hugepages-") || startsWith(name, "attachable-volumes-"))
        return true;
    // A prefixed native resource, e.g. "kubernetes.io/something".
    return name.find('/') != std::string_view::npos && isNativeResource(name);
}

void Resource::add(std::string_view name, const api::Quantity &quantity)
{
    if (name == kResourceCpu)
        milliCpu += quantity.milliValue();
    else
        set(name, get(name) + quantity.value());
}

void Resource::add(const Resource &other)
{
    milliCpu += other.milliCpu;
    memory += other.memory;
    ephemeralStorage += other.ephemeralStorage;
    allowedPodNumber += other.allowedPodNumber;
    for (const auto &[name, value] : other.scalarResources)
        scalarResources[name] += value;
}

void Resource::subtract(const Resource &other)
{
    milliCpu -= other.milliCpu;
    memory -= other.memory;
    ephemeralStorage -= other.ephemeralStorage;
    allowedPodNumber -= other.allowedPodNumber;
    for (const auto &[name, value] : other.scalarResources)
        scalarResources[name] -= value;
}

void Resource::setMax(const Resource &other)
{
    milliCpu = std::max(milliCpu, other.milliCpu);
    memory = std::max(memory, other.memory);
    ephemeralStorage = std::max(ephemeralStorage, other.ephemeralStorage);
    allowedPodNumber = std::max(allowedPodNumber, other.allowedPodNumber);
    for (const auto &[name, value] : other.scalarResources) {
        auto &mine = scalarResources[name];
        mine = std::max(mine, value);
    }
}

std::int64_t Resource::getByName(std::string_view name) const
{
    // By length first: this runs several times per node in every cycle.
    switch (name.size()) {
    case kResourceCpu.size():
        if (name == kResourceCpu)
            return milliCpu;
        break;
    case kResourcePods.size():
        if (name == kResourcePods)
            return allowedPodNumber;
        break;
    case kResourceMemory.size():
        if (name == kResourceMemory)
            return memory;
        break;
    case kResourceEphemeralStorage.size():
        if (name == kResourceEphemeralStorage)
            return ephemeralStorage;
        break;
    default:
        break;
    }
    if (scalarResources.empty())
        return 0;
    const auto it = scalarResources.find(name);
    return it == scalarResources.end() ? 0 : it->second;
}

void Resource::set(std::string_view name, std::int64_t value)
{
    if (name == kResourceCpu)
        milliCpu = value;
    else if (name == kResourceMemory)
        memory = value;
    else if (name == kResourceEphemeralStorage)
        ephemeralStorage = value;
    else if (name == kResourcePods)
        allowedPodNumber = value;
    else if (isScalarResourceName(name))
        scalarResources[std::string(name)] = value;
}

bool Resource::isZero() const
{
    if (milliCpu != 0 || memory != 0 || ephemeralStorage != 0 || allowedPodNumber != 0)
        return false;
    return std::all_of(scalarResources.begin(), scalarResources.end(),
                       [](const auto &entry) { return entry.second == 0; });
}

} // namespace kubist::scheduler
