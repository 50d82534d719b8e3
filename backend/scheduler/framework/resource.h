#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace kubist::api {
class Quantity;
}

namespace kubist::scheduler {

// Well-known resource names.
inline constexpr std::string_view kResourceCpu = "cpu";
inline constexpr std::string_view kResourceMemory = "memory";
inline constexpr std::string_view kResourceEphemeralStorage = "ephemeral-storage";
inline constexpr std::string_view kResourcePods = "pods";

// Upstream IsScalarResourceName: an extended resource ("example.com/foo"),
// a prefixed native resource ("kubernetes.io/..."), "hugepages-*" or
// "attachable-volumes-*". Scalar resources are counted in whole units.
bool isScalarResourceName(std::string_view name);
// Upstream IsExtendedResourceName: a name with a domain outside
// kubernetes.io, not starting with "requests.".
bool isExtendedResourceName(std::string_view name);

// Resource: amounts of compute resources in the scheduler's units (upstream
// framework.Resource): cpu in millicores, memory and ephemeral storage in
// bytes, the number of pods, and scalar resources in units. Names other
// than those and the scalar ones are ignored. Plain value.
struct Resource
{
    std::int64_t milliCpu = 0;
    std::int64_t memory = 0;
    std::int64_t ephemeralStorage = 0;
    std::int64_t allowedPodNumber = 0;
    std::map<std::string, std::int64_t, std::less<>> scalarResources;

    // Adds `quantity` of the resource `name` (cpu as milli value, the rest
    // as value rounded up, as upstream Resource.Add).
    void add(std::string_view name, const api::Quantity &quantity);
    // Adds every resource of `other` (allowedPodNumber included).
    void add(const Resource &other);
    // Takes every resource of `other` away (the inverse of add).
    void subtract(const Resource &other);
    // Raises each resource of this to at least other's (upstream
    // SetMaxResource, allowedPodNumber included).
    void setMax(const Resource &other);

    // The amount of `name` in this resource's unit (cpu in millicores); 0
    // for unknown names. Passing the kResource* constants themselves takes a
    // fast path (Filter and Score call this several times per node).
    std::int64_t get(std::string_view name) const
    {
        if (name.data() == kResourceCpu.data())
            return milliCpu;
        if (name.data() == kResourceMemory.data())
            return memory;
        return getByName(name);
    }
    std::int64_t getByName(std::string_view name) const;
    // Sets the amount of `name`; unknown non-scalar names are ignored.
    void set(std::string_view name, std::int64_t value);

    bool isZero() const;

    bool operator==(const Resource &) const = default;
};

} // namespace kubist::scheduler
