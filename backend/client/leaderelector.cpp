#include "backend/client/leaderelector.h"

#include "backend/api/scheme.h"
#include "backend/util/log.h"

#include "coordination_v1.pb.h"

#include <chrono>

namespace kubist::client {

namespace coord = k8s::io::api::coordination::v1;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;

namespace {

const api::KindInfo &leaseKind()
{
    static const api::KindInfo *k = api::Scheme::builtin().byDescriptor(coord::Lease::descriptor());
    return *k;
}

void setMicroTime(meta::MicroTime *t, Clock::Time when)
{
    const auto ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(when.time_since_epoch()).count();
    t->set_seconds(ns / 1000000000);
    t->set_nanos(static_cast<int32_t>((ns % 1000000000) / 1000 * 1000));
}

Clock::Time fromMicroTime(const meta::MicroTime &t)
{
    return Clock::Time(std::chrono::duration_cast<Clock::Duration>(
        std::chrono::seconds(t.seconds()) + std::chrono::nanoseconds(t.nanos())));
}

} // namespace

LeaderElector::LeaderElector(Client &client, const Clock &clock, Options options)
    : m_client(client)
    , m_clock(clock)
    , m_options(std::move(options))
{
    if (IdleTracker *tracker = clock.idleTracker())
        m_idle = tracker->registerPart("leaderelector/" + m_options.name);
}

LeaderElector::~LeaderElector()
{
    stop();
}

void LeaderElector::start()
{
    std::lock_guard lock(m_mutex);
    if (m_thread.joinable() || m_stopping)
        return;
    m_due = true;
    if (m_idle)
        m_idle->addWork();
    m_thread = std::thread([this] { run(); });
}

void LeaderElector::stop()
{
    std::unique_ptr<Timer> timer;
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping)
            return;
        m_stopping = true;
        timer = std::move(m_timer);
        m_wake.notify_all();
    }
    timer.reset(); // cancels; waits for a running callback
    if (m_thread.joinable())
        m_thread.join();
    std::lock_guard lock(m_mutex);
    if (m_due && m_idle) {
        m_due = false;
        m_idle->finishWork();
    }
}

void LeaderElector::armTimer()
{
    // Called with m_mutex held.
    m_timer = m_clock.schedule(m_options.retryPeriod, [this] {
        std::lock_guard lock(m_mutex);
        if (m_stopping || m_due)
            return;
        m_due = true;
        if (m_idle)
            m_idle->addWork();
        m_wake.notify_all();
    });
}

void LeaderElector::run()
{
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [&] { return m_due || m_stopping; });
            if (m_stopping)
                break;
        }
        attempt();
        std::lock_guard lock(m_mutex);
        m_due = false;
        if (!m_stopping)
            armTimer();
        if (m_idle)
            m_idle->finishWork();
    }

    // Release the lease, as ReleaseOnCancel.
    if (m_leader.load()) {
        Result<std::shared_ptr<const coord::Lease>> current =
            getAs<coord::Lease>(m_client, m_options.ns, m_options.name);
        if (current && (*current)->spec().holder_identity() == m_options.identity) {
            coord::Lease lease(**current);
            lease.mutable_spec()->clear_holder_identity();
            lease.mutable_spec()->set_lease_duration_seconds(1);
            setMicroTime(lease.mutable_spec()->mutable_renew_time(), m_clock.now());
            (void)m_client.update(leaseKind(), m_options.ns, lease);
        }
        m_leader = false;
        if (m_options.onStoppedLeading)
            m_options.onStoppedLeading();
    }
}

void LeaderElector::attempt()
{
    const bool ok = tryAcquireOrRenew();
    const Clock::Time now = m_clock.now();
    if (ok) {
        m_lastRenew = now;
        if (!m_leader.exchange(true)) {
            logInfo(m_options.identity, "became leader of lease " + m_options.name);
            if (m_options.onStartedLeading)
                m_options.onStartedLeading();
        }
        return;
    }
    if (m_leader.load() && (!m_lastRenew || now - *m_lastRenew >= m_options.renewDeadline)) {
        m_leader = false;
        logWarning(m_options.identity, "lost leadership of lease " + m_options.name);
        if (m_options.onStoppedLeading)
            m_options.onStoppedLeading();
    }
}

bool LeaderElector::tryAcquireOrRenew()
{
    const Clock::Time now = m_clock.now();
    const int32_t durationSeconds = static_cast<int32_t>(
        std::chrono::duration_cast<std::chrono::seconds>(m_options.leaseDuration).count());
    Result<ObjectPtr> got = m_client.get(leaseKind(), m_options.ns, m_options.name);
    if (!got) {
        if (got.status().code() != Status::Code::NotFound)
            return false;
        coord::Lease lease;
        lease.mutable_metadata()->set_name(m_options.name);
        lease.mutable_metadata()->set_namespace_(m_options.ns);
        coord::LeaseSpec *spec = lease.mutable_spec();
        spec->set_holder_identity(m_options.identity);
        spec->set_lease_duration_seconds(durationSeconds);
        setMicroTime(spec->mutable_acquire_time(), now);
        setMicroTime(spec->mutable_renew_time(), now);
        spec->set_lease_transitions(0);
        return m_client.create(leaseKind(), m_options.ns, lease).isOk();
    }
    coord::Lease lease(static_cast<const coord::Lease &>(**got));
    coord::LeaseSpec *spec = lease.mutable_spec();
    const bool mine = spec->holder_identity() == m_options.identity;
    if (!mine && !spec->holder_identity().empty()) {
        const Clock::Time expires = fromMicroTime(spec->renew_time()) +
                                    std::chrono::seconds(spec->lease_duration_seconds());
        if (now < expires)
            return false; // held by another
    }
    if (!mine) {
        spec->set_holder_identity(m_options.identity);
        setMicroTime(spec->mutable_acquire_time(), now);
        spec->set_lease_transitions(spec->lease_transitions() + 1);
    }
    spec->set_lease_duration_seconds(durationSeconds);
    setMicroTime(spec->mutable_renew_time(), now);
    return m_client.update(leaseKind(), m_options.ns, lease).isOk();
}

} // namespace kubist::client
