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

    std::lock_guard lock(m_mutex);
    auto it = m_seen.find(key);
    if (it != m_seen.end() && now - it->second.last < kAggregationWindow) {
        Seen &seen = it->second;
        char stamp[64];
        const auto secs =
            std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
        const std::time_t tt = static_cast<std::time_t>(secs);
        std::tm tm{};
        gmtime_r(&tt, &tm);
        std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
        const std::string patch = "{\"count\":" + std::to_string(seen.count + 1) +
                                  ",\"lastTimestamp\":\"" + stamp + "\"}";
        Result<ObjectPtr> r =
            m_client.patch(*eventKind, seen.ns, seen.name, PatchType::Merge, patch);
        if (r) {
            ++seen.count;
            seen.last = now;
            return;
        }
        if (r.status().code() != Status::Code::NotFound) {
            logWarning(m_component,
                       "could not update event " + seen.name + ": " + r.status().message());
            return;
        }
        m_seen.erase(it); // gone: create a new one
    }

    core::Event event;
    // Upstream names events "<object>.<unix nanos in hex>"; a FakeClock
    // stands still and recorders restart, so a per-recorder random salt
    // and a sequence keep names unique.
    const auto nanos =
        std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
    const auto eventName = [&] {
        char suffix[17];
        std::snprintf(suffix, sizeof suffix, "%016llx",
                      static_cast<unsigned long long>(nanos) + m_salt + (++m_sequence));
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
    m_seen[key] = Seen{ns, event.metadata().name(), 1, now};
    // Forget entries outside the window so the map stays bounded.
    if (m_seen.size() > 4096) {
        for (auto i = m_seen.begin(); i != m_seen.end();)
            i = now - i->second.last >= kAggregationWindow ? m_seen.erase(i) : std::next(i);
    }
}

} // namespace kubist::client
