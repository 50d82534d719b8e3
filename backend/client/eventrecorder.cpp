#include "backend/client/eventrecorder.h"

#include "backend/api/scheme.h"
#include "backend/client/objectkey.h"

#include "core_v1.pb.h"

#include "backend/util/log.h"

#include <chrono>
#include <cstdio>
#include <random>

namespace kubist::client {

namespace core = k8s::io::api::core::v1;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;

namespace {

constexpr auto kAggregationWindow = std::chrono::minutes(10);

void setTime(meta::Time *t, Clock::Time when)
{
    const auto since = when.time_since_epoch();
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since);
    t->set_seconds(seconds.count());
}

} // namespace

EventRecorder::EventRecorder(Client &client, const Clock &clock, std::string component,
                             std::string host)
    : m_client(client)
    , m_clock(clock)
    , m_component(std::move(component))
    , m_host(std::move(host))
    , m_salt(std::random_device{}() & 0xffffffffull)
{}

void EventRecorder::record(const google::protobuf::Message &object, const std::string &type,
                           const std::string &reason, const std::string &message)
{
    const meta::ObjectMeta &om = objectMeta(object);
    const api::Scheme &scheme = api::Scheme::builtin();
    const api::KindInfo *kind = scheme.byDescriptor(object.GetDescriptor());
    const api::KindInfo *eventKind = scheme.byDescriptor(core::Event::descriptor());
    const std::string ns = om.namespace_().empty() ? "default" : om.namespace_();
    const Clock::Time now = m_clock.now();
    const Key key{om.uid().empty() ? ns + "/" + om.name() : om.uid(), type, reason, message};

    // A repeat within the window: the count is taken under the lock, the
    // PATCH made without it (writes wait for the store's sync; recorders
    // are shared by a component's threads).
    std::string seenNs;
    std::string seenName;
    std::int32_t count = 0;
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_seen.find(key);
        if (it != m_seen.end()) {
            Seen &seen = it->second;
            if (now - seen.last < kAggregationWindow) {
                count = ++seen.count;
                seen.last = now;
                seenNs = seen.ns;
                seenName = seen.name;
                m_order.splice(m_order.end(), m_order, seen.order);
            } else {
                m_order.erase(seen.order);
                m_seen.erase(it);
            }
        }
    }
    if (count > 0) {
        char stamp[64];
        const auto secs =
            std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
        const std::time_t tt = static_cast<std::time_t>(secs);
        std::tm tm{};
        gmtime_r(&tt, &tm);
        std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
        const std::string patch =
            "{\"count\":" + std::to_string(count) + ",\"lastTimestamp\":\"" + stamp + "\"}";
        Result<ObjectPtr> r = m_client.patch(*eventKind, seenNs, seenName, PatchType::Merge, patch);
        if (r)
            return;
        if (r.status().code() != Status::Code::NotFound) {
            logWarning(m_component,
                       "could not update event " + seenName + ": " + r.status().message());
            return;
        }
        std::lock_guard lock(m_mutex); // gone: forget it and create a new one
        if (const auto it = m_seen.find(key); it != m_seen.end() && it->second.name == seenName) {
            m_order.erase(it->second.order);
            m_seen.erase(it);
        }
    }

    core::Event event;
    // Upstream names events "<object>.<unix nanos in hex>"; a FakeClock
    // stands still and recorders restart, so a per-recorder random salt
    // and a sequence keep names unique.
    const auto nanos =
        std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
    const auto eventName = [&] {
        const std::uint64_t sequence = ++m_sequence;
        char suffix[17];
        std::snprintf(suffix, sizeof suffix, "%016llx",
                      static_cast<unsigned long long>(nanos) + m_salt + sequence);
        return om.name() + "." + suffix;
    };
    event.mutable_metadata()->set_name(eventName());
    event.mutable_metadata()->set_namespace_(ns);
    core::ObjectReference *ref = event.mutable_involved_object();
    if (kind) {
        ref->set_kind(kind->kind);
        ref->set_api_version(kind->apiVersion());
    }
    if (!om.namespace_().empty())
        ref->set_namespace_(om.namespace_());
    ref->set_name(om.name());
    ref->set_uid(om.uid());
    ref->set_resource_version(om.resource_version());
    event.set_reason(reason);
    event.set_message(message);
    event.set_type(type);
    event.mutable_source()->set_component(m_component);
    if (!m_host.empty())
        event.mutable_source()->set_host(m_host);
    event.set_reporting_component(m_component);
    event.set_reporting_instance(m_host.empty() ? m_component : m_host);
    setTime(event.mutable_first_timestamp(), now);
    setTime(event.mutable_last_timestamp(), now);
    event.set_count(1);
    Result<ObjectPtr> r = m_client.create(*eventKind, ns, event);
    if (!r && r.status().code() == Status::Code::AlreadyExists) {
        event.mutable_metadata()->set_name(eventName());
        r = m_client.create(*eventKind, ns, event);
    }
    if (!r) {
        logWarning(m_component, "could not record event " + reason + " for " + om.name() + ": " +
                                    r.status().message());
        return;
    }

    std::lock_guard lock(m_mutex);
    const auto [it, added] = m_seen.try_emplace(key);
    if (!added) // recorded meanwhile by another thread: the newer event counts
        m_order.erase(it->second.order);
    it->second = Seen{ns, event.metadata().name(), 1, now, m_order.insert(m_order.end(), key)};
    // Bounded as upstream's correlator cache: the least recently used goes.
    while (m_seen.size() > kMaxSeen) {
        m_seen.erase(m_order.front());
        m_order.pop_front();
    }
}

} // namespace kubist::client
