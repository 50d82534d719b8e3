#pragma once

#include "backend/client/client.h"
#include "backend/util/clock.h"

#include <atomic>
#include <cstdint>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace kubist::client {

// EventRecorder: writes core/v1 Events about objects, as client-go's
// record.EventRecorder does for a component ("default-scheduler",
// "kubelet", "deployment-controller", ...).
//
// record(obj, "Normal", "Scheduled", "Successfully assigned ...") creates an
// Event in the object's namespace (cluster-scoped objects: "default") named
// "<object name>.<16 hex digits>", with involvedObject pointing at the
// object (kind and apiVersion from the Scheme), source.component/host,
// reportingComponent/Instance, first/lastTimestamp from the clock and
// count 1. The same (object uid, type, reason, message) recorded again
// within the aggregation window (10 minutes, as upstream's correlator)
// bumps count and lastTimestamp of that Event instead (a PATCH); if the
// Event is gone, a new one is created.
//
// Writes are synchronous on the caller's thread, made without holding the
// recorder's lock (so a component's threads write their events at once);
// failures are logged and otherwise ignored (an event must never stop a
// controller's work). The 4,096 most recently recorded events are
// remembered for aggregation; two threads recording the same event at the
// same moment may each create one.
//
// Thread-safe. The client and clock must outlive the recorder.
class EventRecorder final
{
public:
    EventRecorder(Client &client, const Clock &clock, std::string component, std::string host = {});

    // `type`: "Normal" or "Warning". `object` is any Kubernetes object
    // message with metadata (a Pod, a Node, a Deployment, ...).
    void record(const google::protobuf::Message &object, const std::string &type,
                const std::string &reason, const std::string &message);

    const std::string &component() const { return m_component; }

private:
    using Key = std::tuple<std::string, std::string, std::string, std::string>;
    struct Seen
    {
        std::string ns;
        std::string name;
        int32_t count = 0;
        Clock::Time last;
        std::list<Key>::iterator order; // in m_order
    };
    // Events remembered for aggregation (upstream's LRU of 4096 entries).
    static constexpr std::size_t kMaxSeen = 4096;

    Client &m_client;
    const Clock &m_clock;
    const std::string m_component;
    const std::string m_host;
    const uint64_t m_salt; // random, so restarted recorders pick fresh names
    std::atomic<uint64_t> m_sequence{0};

    std::mutex m_mutex; // guards everything below
    std::map<Key, Seen> m_seen;
    std::list<Key> m_order; // least recently used first
};

} // namespace kubist::client
