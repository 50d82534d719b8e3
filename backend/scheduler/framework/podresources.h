#pragma once

#include "backend/scheduler/framework/resource.h"

#include <cstdint>

namespace k8s::io::api::core::v1 {
class Pod;
}

namespace kubist::scheduler {

// How much a pod asks for, computed as upstream's resource helper
// PodRequests does (the scheduler's view; limits play no part):
//  - the sum of the app containers' requests, plus the requests of every
//    restartable init container ("sidecar", restartPolicy: Always);
//  - at least, per resource, what each regular init container needs while
//    it runs: its own requests plus those of the sidecars started before it;
//  - pod-level requests (spec.resources.requests) for cpu and memory, when
//    given, replace the containers' total for that resource;
//  - plus spec.overhead.
// Resources that are neither cpu, memory, ephemeral-storage nor scalar are
// ignored; quantities that do not parse count as zero. In-place resize
// (status.containerStatuses[].resources) is not considered yet.

// Defaults used for scoring only (upstream DefaultMilliCPURequest and
// DefaultMemoryRequest): a container that names no cpu (memory) request
// counts as 100m (200Mi) when `nonZeroDefaults` is set, so best-effort pods
// still spread.
inline constexpr std::int64_t kDefaultMilliCpuRequest = 100;
inline constexpr std::int64_t kDefaultMemoryRequest = 200 * 1024 * 1024;

struct PodRequestOptions
{
    bool nonZeroDefaults = false;
};

Resource podRequests(const k8s::io::api::core::v1::Pod &pod, PodRequestOptions options = {});

} // namespace kubist::scheduler
