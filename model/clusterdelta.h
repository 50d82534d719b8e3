#pragma once

#include "backend/client/client.h"

#include <QMetaType>

#include <string>
#include <vector>

namespace kubist::model {

// The kinds the pictures show.
enum class ObjectKind { Node, Pod, Service, Endpoints, Deployment, ReplicaSet, Event, Lease };
inline constexpr int kObjectKindCount = 8;

// One object's change between two frames: `before` is what the model held
// at the previous frame (nullptr: it was not there), `after` what it holds
// now (nullptr: it is gone). Several watch events on one object within a
// frame collapse into one change; an object that came and went within a
// frame produces none.
struct ObjectChange
{
    ObjectKind kind = ObjectKind::Pod;
    std::string key; // objectKey(): "ns/name" or "name"
    client::ObjectPtr before;
    client::ObjectPtr after;

    bool added() const { return !before && after; }
    bool removed() const { return before && !after; }
};

// What changed in one frame, in no particular order (at most one change
// per object). Immutable once delivered.
struct ClusterDelta
{
    std::vector<ObjectChange> changes;

    bool touches(ObjectKind kind) const
    {
        for (const ObjectChange &c : changes)
            if (c.kind == kind)
                return true;
        return false;
    }
};

} // namespace kubist::model

Q_DECLARE_METATYPE(kubist::model::ClusterDelta)
