#pragma once

#include "model/apihealth.h"
#include "model/clustermodel.h"

#include <string>
#include <vector>

namespace kubist::model {

// What the inspector says about each of the master's parts that cannot be
// seen (no mirror pod in kube-system: MasterComponent::State::Unknown), so
// the master box says what a client cannot know instead of guessing.
// Returns one sentence per part of `parts`, in the same order; "" for a
// part that is seen (its mirror pod gives its state).
//   - no control-plane node: the control plane is managed by the provider;
//   - control-plane nodes but no pod of the part: it may run outside the
//     cluster (a static process);
//   - etcd, when `readyz` (the API server's verbose /readyz checks) lists an
//     etcd check: its state as the API server reports it;
//   - the API server, when `readyz` is known: that it answers, and which
//     checks fail;
//   - the scheduler and the controller manager: the holder of their leader
//     Lease, when there is one.
// Pure.
std::vector<std::string> describeMasterVisibility(const std::vector<MasterComponent> &parts,
                                                  bool hasControlPlaneNode,
                                                  const std::vector<ReadyzCheck> &readyz = {});

} // namespace kubist::model
