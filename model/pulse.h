#pragma once

#include <QMetaType>

#include <string>
#include <vector>

namespace kubist::model {

// One burst of requests along one edge of the picture in one frame: from
// the acting part to the API server, and on to etcd when any of them
// reached the store. Requests of one frame on one edge are merged (count).
// Produced by ActivityTracker (from the embedded API server's request log)
// and by WatchActivity (inferred from what the watches show).
struct Pulse
{
    enum class Source { User, Scheduler, ControllerManager, Kubelet };
    Source source = Source::User;
    std::string node;          // Source::Kubelet: the node whose kubelet acted
    std::string actor;         // as the API server named it
    std::string verb;          // of the last merged request
    std::string resource;      // of the last merged request
    int count = 1;             // requests merged into this pulse
    bool touchedStore = false; // any of them reached etcd
    bool failed = false;       // any of them was answered with an error (>= 400)

    bool sameEdge(const Pulse &other) const { return source == other.source && node == other.node; }
};

} // namespace kubist::model

Q_DECLARE_METATYPE(std::vector<kubist::model::Pulse>)
