#include "backend/scheduler/scheduler/schedulingqueue.h"

#include "backend/client/objectkey.h"

#include "core_v1.pb.h"

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>

namespace kubist::scheduler {

namespace core = k8s::io::api::core::v1;

namespace {

// Whether `newPod` differs from `oldPod` in more than what the scheduler's
// own writes and the kubelet's status reports change (upstream isPodUpdated).
bool isPodUpdated(const core::Pod &oldPod, const core::Pod &newPod)
{
    auto strip = [](const core::Pod &pod) {
        core::Pod copy(pod);
        copy.clear_status();
        copy.mutable_metadata()->clear_resource_version();
        copy.mutable_metadata()->clear_generation();
        copy.mutable_metadata()->clear_managed_fields();
        return copy;
    };
    return !google::protobuf::util::MessageDifferencer::Equals(strip(oldPod), strip(newPod));
}

} // namespace

SchedulingQueue::SchedulingQueue(const Clock &clock, LessFunc less)
    : SchedulingQueue(clock, std::move(less), Options{})
{}

SchedulingQueue::SchedulingQueue(const Clock &clock, LessFunc less, Options options)
    : m_clock(clock)
    , m_less(std::move(less))
    , m_options(std::move(options))
{
    if (IdleTracker *tracker = clock.idleTracker())
        m_idle = tracker->registerPart(m_options.name);
    // Paused (SimClock): pop() hands out nothing; a step lets the pods
    // active at that moment out once.
    if (PaceGate *gate = clock.paceGate())
        m_paceRegistration = gate->registerWaiter([this, gate] {
            std::lock_guard lock(m_mutex);
            m_roundBudget = 0;
            if (!gate->isOpen())
                m_roundBudget = m_active.size();
            m_wake.notify_all();
        });
}

SchedulingQueue::~SchedulingQueue()
{
    close();
    m_paceRegistration.reset();
}

void SchedulingQueue::add(PodPtr pod)
{
    update(std::move(pod));
}

void SchedulingQueue::update(PodPtr pod)
{
    if (!pod)
        return;
    const std::string key = client::objectKey(*pod);
    std::unique_ptr<Timer> old;
    {
        std::lock_guard lock(m_mutex);
        if (m_closed)
            return;
        auto it = m_pods.find(key);
        if (it == m_pods.end()) {
            Entry entry;
            entry.info.pod = std::move(pod);
            entry.info.timestamp = m_clock.now();
            entry.state = State::Active;
            entry.seq = ++m_seq;
            m_active.insert(&m_pods.emplace(key, std::move(entry)).first->second);
        } else {
            Entry &entry = it->second;
            const bool changed = isPodUpdated(*entry.info.pod, *pod);
            const bool active = entry.state == State::Active;
            if (active) // its place may change with the pod (priority)
                m_active.erase(&entry);
            entry.info.pod = std::move(pod);
            if (active)
                m_active.insert(&entry);
            if (entry.state == State::InFlight) {
                entry.changed = entry.changed || changed || entry.removed;
                entry.removed = false; // deleted and created again meanwhile
            } else if (entry.state == State::Unschedulable && changed) {
                toActiveOrBackoffLocked(entry, m_clock.now());
                old = rearmLocked();
            }
        }
        syncIdleLocked();
    }
    m_wake.notify_all();
}

void SchedulingQueue::remove(const std::string &key)
{
    std::lock_guard lock(m_mutex);
    auto it = m_pods.find(key);
    if (it == m_pods.end())
        return;
    if (it->second.state == State::InFlight) {
        it->second.removed = true;
    } else {
        m_active.erase(&it->second);
        m_pods.erase(it);
    }
    syncIdleLocked();
}

void SchedulingQueue::clear()
{
    std::lock_guard lock(m_mutex);
    for (auto it = m_pods.begin(); it != m_pods.end();) {
        if (it->second.state == State::InFlight) {
            it->second.removed = true;
            ++it;
        } else {
            m_active.erase(&it->second);
            it = m_pods.erase(it);
        }
    }
    syncIdleLocked();
}

std::optional<SchedulingQueue::Popped> SchedulingQueue::pop()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        if (m_closed)
            return std::nullopt;
        const PaceGate *gate = m_clock.paceGate();
        const bool paused = gate && !gate->isOpen();
        if (paused && m_roundBudget == 0) {
            m_wake.wait(lock);
            continue;
        }
        if (!m_active.empty()) {
            Entry *best = *m_active.begin();
            m_active.erase(m_active.begin());
            ++m_inFlight;
            m_roundBudget = paused ? m_roundBudget - 1 : 0;
            best->state = State::InFlight;
            best->removed = false;
            best->changed = false;
            best->cycle = ++m_cycle;
            ++best->info.attempts;
            Popped popped{best->info, best->cycle};
            syncIdleLocked(); // active -1, in flight +1: unchanged
            return popped;
        }
        m_wake.wait(lock);
    }
}

void SchedulingQueue::done(const std::string &key)
{
    std::lock_guard lock(m_mutex);
    auto it = m_pods.find(key);
    if (it == m_pods.end() || it->second.state != State::InFlight)
        return;
    m_pods.erase(it);
    --m_inFlight;
    syncIdleLocked();
}

void SchedulingQueue::addUnschedulable(const std::string &key, std::uint64_t cycle)
{
    std::unique_ptr<Timer> old;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_pods.find(key);
        if (it == m_pods.end() || it->second.state != State::InFlight)
            return;
        Entry &entry = it->second;
        --m_inFlight;
        if (entry.removed || m_closed) {
            m_pods.erase(it);
        } else {
            const Clock::Time now = m_clock.now();
            entry.failedAt = now;
            entry.info.timestamp = now;
            entry.state = m_moveRequestCycle >= cycle || entry.changed ? State::Backoff
                                                                       : State::Unschedulable;
            old = rearmLocked();
        }
        syncIdleLocked();
    }
}

void SchedulingQueue::addBackoff(const std::string &key)
{
    std::unique_ptr<Timer> old;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_pods.find(key);
        if (it == m_pods.end() || it->second.state != State::InFlight)
            return;
        Entry &entry = it->second;
        --m_inFlight;
        if (entry.removed || m_closed) {
            m_pods.erase(it);
        } else {
            const Clock::Time now = m_clock.now();
            entry.failedAt = now;
            entry.info.timestamp = now;
            entry.state = State::Backoff;
            old = rearmLocked();
        }
        syncIdleLocked();
    }
}

void SchedulingQueue::moveAllToActiveOrBackoff()
{
    std::unique_ptr<Timer> old;
    {
        std::lock_guard lock(m_mutex);
        if (m_closed)
            return;
        m_moveRequestCycle = m_cycle;
        const Clock::Time now = m_clock.now();
        for (auto &[key, entry] : m_pods)
            if (entry.state == State::Unschedulable)
                toActiveOrBackoffLocked(entry, now);
        old = rearmLocked();
        syncIdleLocked();
    }
    m_wake.notify_all();
}

void SchedulingQueue::close()
{
    std::unique_ptr<Timer> timer;
    {
        std::lock_guard lock(m_mutex);
        m_closed = true;
        timer = std::move(m_timer);
        m_timerDue.reset();
        syncIdleLocked();
    }
    m_wake.notify_all();
    timer.reset(); // cancels outside the lock: the callback takes it
}

SchedulingQueue::Stats SchedulingQueue::stats() const
{
    std::lock_guard lock(m_mutex);
    Stats stats;
    for (const auto &[key, entry] : m_pods) {
        switch (entry.state) {
        case State::Active:
            ++stats.active;
            break;
        case State::Backoff:
            ++stats.backoff;
            break;
        case State::Unschedulable:
            ++stats.unschedulable;
            break;
        case State::InFlight:
            if (!entry.removed)
                ++stats.inFlight;
            break;
        }
    }
    return stats;
}

std::string SchedulingQueue::where(const std::string &key) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_pods.find(key);
    if (it == m_pods.end())
        return {};
    switch (it->second.state) {
    case State::Active:
        return "active";
    case State::Backoff:
        return "backoff";
    case State::Unschedulable:
        return "unschedulable";
    case State::InFlight:
        return it->second.removed ? "" : "inFlight";
    }
    return {};
}

Clock::Time SchedulingQueue::backoffExpiry(const Entry &entry) const
{
    // initialBackoff for the first attempt, doubling per attempt after it.
    Clock::Duration d = m_options.initialBackoff;
    for (int i = 1; i < entry.info.attempts && d < m_options.maxBackoff; ++i)
        d *= 2;
    return entry.failedAt + std::min(d, m_options.maxBackoff);
}

void SchedulingQueue::toActiveOrBackoffLocked(Entry &entry, Clock::Time now)
{
    if (backoffExpiry(entry) > now)
        entry.state = State::Backoff;
    else
        makeActiveLocked(entry);
}

void SchedulingQueue::makeActiveLocked(Entry &entry)
{
    if (entry.state == State::Active)
        m_active.erase(&entry);
    entry.state = State::Active;
    entry.seq = ++m_seq;
    m_active.insert(&entry);
}

bool SchedulingQueue::ActiveOrder::operator()(const Entry *a, const Entry *b) const
{
    if (queue->m_less) {
        if (queue->m_less(a->info, b->info))
            return true;
        if (queue->m_less(b->info, a->info))
            return false;
    }
    return a->seq < b->seq;
}

void SchedulingQueue::flushLocked(Clock::Time now)
{
    bool woke = false;
    for (auto &[key, entry] : m_pods) {
        if (entry.state == State::Backoff && backoffExpiry(entry) <= now) {
            makeActiveLocked(entry);
            woke = true;
        } else if (entry.state == State::Unschedulable &&
                   entry.failedAt + m_options.maxInUnschedulable <= now) {
            toActiveOrBackoffLocked(entry, now);
            woke = woke || entry.state == State::Active;
        }
    }
    if (woke)
        m_wake.notify_all();
}

std::unique_ptr<Timer> SchedulingQueue::rearmLocked()
{
    if (m_closed)
        return nullptr;
    std::optional<Clock::Time> due;
    for (const auto &[key, entry] : m_pods) {
        std::optional<Clock::Time> t;
        if (entry.state == State::Backoff)
            t = backoffExpiry(entry);
        else if (entry.state == State::Unschedulable)
            t = entry.failedAt + m_options.maxInUnschedulable;
        if (t && (!due || *t < *due))
            due = t;
    }
    if (!due || (m_timerDue && *m_timerDue <= *due))
        return nullptr; // nothing to wait for, or the armed timer comes first
    std::unique_ptr<Timer> old = std::move(m_timer);
    m_timerDue = due;
    m_timer = m_clock.schedule(*due - m_clock.now(), [this] { onTimer(); });
    return old;
}

void SchedulingQueue::onTimer()
{
    std::unique_ptr<Timer> self;
    std::unique_ptr<Timer> old;
    {
        std::lock_guard lock(m_mutex);
        if (m_closed)
            return;
        // This timer (or one it replaced) fired: nothing is armed any more.
        self = std::move(m_timer);
        m_timerDue.reset();
        flushLocked(m_clock.now());
        old = rearmLocked();
        syncIdleLocked();
    }
    // Destroying the handle of the running timer from its callback is
    // allowed; `old` is null here (nothing was armed when rearming).
}

void SchedulingQueue::syncIdleLocked()
{
    if (!m_idle)
        return;
    const int work = m_inFlight + (m_closed ? 0 : static_cast<int>(m_active.size()));
    if (work > m_reportedWork)
        m_idle->addWork(work - m_reportedWork);
    else if (work < m_reportedWork)
        m_idle->finishWork(m_reportedWork - work);
    m_reportedWork = work;
}

} // namespace kubist::scheduler
