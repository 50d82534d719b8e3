#pragma once

#include "backend/faults/faultspec.h"
#include "backend/util/status.h"

namespace kubist::faults {

// FaultInjector: what the cluster can break and mend — implemented by the
// embedded cluster (backend/cluster/), which owns the parts a fault hits.
// The fault controller calls it once per injection and once per heal of
// every fault; faults may overlap (a node powered off by two Faults), so
// the injector counts them and lifts an effect only when the last fault
// causing it heals.
//
// Calls come from the fault controller's worker and from the GUI's thread
// (through ClusterControl), never concurrently (the controller serialises
// them). They must not call back into the fault controller.
class FaultInjector
{
public:
    virtual ~FaultInjector() = default;

    // OK when the fault can be injected here; InvalidArgument saying why
    // not (an unknown node or pod, a node this cluster does not simulate).
    virtual Status check(const FaultSpec &spec) const = 0;
    virtual Status inject(const FaultSpec &spec) = 0;
    virtual Status heal(const FaultSpec &spec) = 0;
};

} // namespace kubist::faults
