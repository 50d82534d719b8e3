#include "backend/faults/faultcontroller.h"

#include "backend/api/goduration.h"
#include "backend/api/scheme.h"
#include "backend/client/eventrecorder.h"
#include "backend/client/informer.h"
#include "backend/client/objectkey.h"
#include "backend/client/workqueue.h"
#include "backend/controllers/common/workerpool.h"
#include "backend/util/log.h"

#include "core_v1.pb.h"
#include "kubist_v1alpha1.pb.h"

#include <algorithm>
#include <cctype>
#include <random>

namespace kubist::faults {

namespace v1alpha1 = io::kubist::v1alpha1;
namespace core = k8s::io::api::core::v1;

namespace {

constexpr const char kComponent[] = "fault-controller";

const api::KindInfo &faultKind()
{
    return *api::Scheme::builtin().byDescriptor(v1alpha1::Fault::descriptor());
}

client::WorkQueue::Options queueOptions()
{
    client::WorkQueue::Options o;
    o.name = "fault";
    return o;
}

Clock::Time fromSeconds(int64_t seconds)
{
    return Clock::Time(std::chrono::seconds(seconds));
}

int64_t toSeconds(Clock::Time t)
{
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// "poweroff-worker-2-x7k2p": lower-case action and target, a random suffix.
std::string generatedName(const FaultSpec &spec)
{
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789"; // as upstream's
    std::string base;
    for (char c : spec.action + "-" + spec.name) {
        const auto u = static_cast<unsigned char>(c);
        base += std::isalnum(u) ? char(std::tolower(u)) : '-';
    }
    if (base.size() > 50)
        base.resize(50);
    while (!base.empty() && base.back() == '-')
        base.pop_back();
    std::string suffix;
    for (int i = 0; i < 5; ++i)
        suffix += kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
    return base + "-" + suffix;
}

} // namespace

FaultController::FaultController(client::Client &client, const Clock &clock,
                                 FaultInjector &injector, FaultControllerOptions options)
    : m_client(client)
    , m_clock(clock)
    , m_injector(injector)
    , m_options(options)
    , m_informer(std::make_unique<client::Informer>(client, faultKind(), clock))
    , m_queue(std::make_unique<client::WorkQueue>(clock, queueOptions()))
    , m_events(std::make_unique<client::EventRecorder>(client, clock, kComponent))
    , m_workers(std::make_unique<controllers::WorkerPool>(
          *m_queue, [this](const std::string &key) { return sync(key); }, 1, kComponent))
{
    const auto enqueue = [this](const client::ObjectPtr &o) {
        m_queue->add(client::objectMeta(*o).name());
    };
    client::Informer::Handlers h;
    h.onAdd = enqueue;
    h.onUpdate = [enqueue](const client::ObjectPtr &, const client::ObjectPtr &o) { enqueue(o); };
    h.onDelete = enqueue;
    m_informer->addEventHandler(std::move(h));
}

FaultController::~FaultController()
{
    stop();
}

void FaultController::start()
{
    m_informer->start();
    m_workers->start();
}

void FaultController::stop()
{
    {
        std::lock_guard lock(m_mutex);
        if (m_stopped)
            return;
        m_stopped = true;
    }
    m_informer->stop();
    m_queue->shutDown();
    m_workers->stop();
    std::lock_guard lock(m_mutex);
    for (auto &[name, e] : m_entries)
        e.expiry.reset();
}

Result<std::string> FaultController::inject(const FaultSpec &spec)
{
    std::lock_guard act(m_actMutex);
    if (Status s = m_injector.check(spec); !s)
        return s;
    std::string name;
    Entry *entry = nullptr; // stable: entries are erased only under m_actMutex
    {
        std::lock_guard lock(m_mutex);
        if (m_stopped)
            return Status::unavailable("the fault controller is stopped");
        for (const auto &[n, e] : m_entries)
            if (e.active && e.state.spec.sameTargetAndAction(spec))
                return Status::alreadyExists(describe(spec) + " already (fault " + n + ")");
        do
            name = generatedName(spec);
        while (m_entries.contains(name));
        Entry &e = m_entries[name];
        e.state.name = name;
        e.state.spec = spec;
        e.state.phase = "Pending";
        e.objectPending = true;
        entry = &e;
    }
    if (Status s = injectLocked(name, *entry, m_clock.now()); !s) {
        std::lock_guard lock(m_mutex);
        m_entries.erase(name);
        return s;
    }
    m_queue->add(name); // create the object
    return name;
}

Status FaultController::heal(const std::string &name)
{
    std::lock_guard act(m_actMutex);
    Entry *entry = nullptr;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_entries.find(name);
        if (it == m_entries.end() || !it->second.active)
            return Status::notFound("no fault \"" + name + "\" is in force");
        entry = &it->second;
    }
    healLocked(*entry, "healed by hand");
    m_queue->add(name); // write the status
    return {};
}

std::optional<std::string> FaultController::activeFault(const FaultSpec &spec) const
{
    std::lock_guard lock(m_mutex);
    for (const auto &[n, e] : m_entries)
        if (e.active && e.state.spec.sameTargetAndAction(spec))
            return n;
    return std::nullopt;
}

std::vector<FaultState> FaultController::faults() const
{
    std::lock_guard lock(m_mutex);
    std::vector<FaultState> out;
    for (const auto &[n, e] : m_entries)
        if (e.active)
            out.push_back(e.state);
    std::sort(out.begin(), out.end(), [](const FaultState &a, const FaultState &b) {
        return a.injectedAt != b.injectedAt ? a.injectedAt < b.injectedAt : a.name < b.name;
    });
    // Healed ones still waiting for their status write, then the history.
    for (const auto &[n, e] : m_entries)
        if (!e.active)
            out.push_back(e.state);
    for (const FaultState &s : m_history)
        if (std::none_of(out.begin(), out.end(),
                         [&](const FaultState &o) { return o.name == s.name; }))
            out.push_back(s);
    return out;
}

// Precondition: m_actMutex held; m_mutex not held. `entry` stays valid
// (entries are erased only under m_actMutex).
Status FaultController::injectLocked(const std::string &name, Entry &entry, Clock::Time injectedAt)
{
    const FaultSpec spec = entry.state.spec;
    Status s = m_injector.inject(spec);
    if (!s) {
        logWarning(kComponent,
                   "cannot inject fault " + name + " (" + describe(spec) + "): " + s.message());
        return s;
    }
    logInfo(kComponent, "fault " + name + ": " + describe(spec));
    FaultState state;
    {
        std::lock_guard lock(m_mutex);
        entry.active = true;
        entry.state.phase = "Active";
        entry.state.message = describe(spec);
        entry.state.injectedAt = injectedAt;
        entry.state.healedAt.reset();
        if (spec.duration)
            entry.expiresAt = injectedAt + *spec.duration;
        scheduleExpiryLocked(name, entry);
        state = entry.state;
    }
    recordEvent(state, "Warning", "FaultInjected", describe(spec));
    return {};
}

// Precondition: m_actMutex held; m_mutex not held.
void FaultController::healLocked(Entry &entry, const std::string &why)
{
    const FaultSpec spec = entry.state.spec;
    if (Status s = m_injector.heal(spec); !s)
        logWarning(kComponent, "healing fault " + entry.state.name + ": " + s.message());
    logInfo(kComponent,
            "fault " + entry.state.name + " healed (" + why + "): " + describeHeal(spec));
    FaultState state;
    {
        std::lock_guard lock(m_mutex);
        entry.active = false;
        entry.expiry.reset();
        entry.state.phase = "Healed";
        entry.state.message = describeHeal(spec) + " (" + why + ")";
        entry.state.healedAt = m_clock.now();
        state = entry.state;
    }
    recordEvent(state, "Normal", "FaultHealed", describeHeal(spec) + " (" + why + ")");
}

void FaultController::scheduleExpiryLocked(const std::string &name, Entry &entry)
{
    entry.expiry.reset();
    if (!entry.expiresAt || m_stopped)
        return;
    entry.expiry =
        m_clock.schedule(*entry.expiresAt - m_clock.now(), [this, name] { m_queue->add(name); });
}

void FaultController::rememberLocked(FaultState state)
{
    std::erase_if(m_history, [&](const FaultState &s) { return s.name == state.name; });
    m_history.push_front(std::move(state));
    while (m_history.size() > m_options.historyLimit)
        m_history.pop_back();
}

Status FaultController::sync(const std::string &name)
{
    std::lock_guard act(m_actMutex);
    const client::ObjectPtr obj = m_informer->indexer().get(name);
    const auto *fault = static_cast<const v1alpha1::Fault *>(obj.get());
    const Clock::Time now = m_clock.now();

    Entry *entry = nullptr;
    {
        std::lock_guard lock(m_mutex);
        if (m_stopped)
            return {};
        if (auto it = m_entries.find(name); it != m_entries.end())
            entry = &it->second;
    }

    if (!entry) {
        // A Fault made through the API.
        if (!fault || fault->metadata().has_deletion_timestamp())
            return {};
        const std::string &phase = fault->status().phase();
        if (phase == "Healed" || phase == "Failed")
            return {};
        {
            std::lock_guard lock(m_mutex);
            entry = &m_entries[name];
            entry->state.name = name;
            entry->state.phase = "Pending";
            entry->seen = true;
            entry->statusWritten = phase;
        }
        Result<FaultSpec> spec = fromProto(fault->spec());
        Status refused = spec ? m_injector.check(*spec) : spec.status();
        if (spec) {
            std::lock_guard lock(m_mutex);
            entry->state.spec = *spec;
        }
        Clock::Time injectedAt = now;
        if (phase == "Active" && fault->status().has_injected_at())
            injectedAt = fromSeconds(fault->status().injected_at().seconds());
        if (refused && spec->duration && injectedAt + *spec->duration <= now) {
            // It ran out while nobody was watching (Kubist was not running).
            std::lock_guard lock(m_mutex);
            entry->state.phase = "Healed";
            entry->state.injectedAt = injectedAt;
            entry->state.healedAt = now;
            entry->state.message = describeHeal(*spec) + " (its duration ran out)";
        } else if (refused) {
            refused = injectLocked(name, *entry, injectedAt);
        }
        if (!refused) {
            std::lock_guard lock(m_mutex);
            entry->state.phase = "Failed";
            entry->state.message = refused.message();
            entry->state.injectedAt = now;
        }
        if (!refused)
            recordEvent(entry->state, "Warning", "FaultFailed", refused.message());
    } else {
        bool active = false;
        std::optional<Clock::Time> expiresAt;
        bool seen = false;
        {
            std::lock_guard lock(m_mutex);
            if (fault)
                entry->seen = true;
            active = entry->active;
            expiresAt = entry->expiresAt;
            seen = entry->seen;
        }
        const bool deleted =
            (!fault && seen) || (fault && fault->metadata().has_deletion_timestamp());
        if (active && deleted)
            healLocked(*entry, "its Fault was deleted");
        else if (active && expiresAt && *expiresAt <= now)
            healLocked(*entry, "its duration ran out");
        if (deleted) {
            std::lock_guard lock(m_mutex);
            entry->objectPending = false;
            rememberLocked(entry->state);
            m_entries.erase(name);
            return {};
        }
    }

    // Bring the object up to date with the ledger.
    if (Status s = writeObject(name); !s) {
        if (s.code() == Status::Code::NotFound)
            return {}; // deleted meanwhile: the delete event comes
        logWarning(kComponent, "cannot write fault " + name + ": " + s.message());
        m_queue->addAfter(name, m_options.retryPeriod);
        return {};
    }
    // A healed or failed fault leaves the ledger once the informer shows
    // its final status (until then a stale cache must not look like a new
    // Fault to inject).
    std::lock_guard lock(m_mutex);
    if (auto it = m_entries.find(name); it != m_entries.end() && !it->second.active && fault &&
                                        fault->status().phase() == it->second.state.phase) {
        rememberLocked(it->second.state);
        m_entries.erase(it);
    }
    return {};
}

// Creates the object of a direct fault, and writes the status when the
// object's differs from the ledger's. Precondition: m_actMutex held.
Status FaultController::writeObject(const std::string &name)
{
    FaultState state;
    bool create = false;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_entries.find(name);
        if (it == m_entries.end())
            return {};
        state = it->second.state;
        create = it->second.objectPending;
        if (!create && it->second.statusWritten == state.phase)
            return {};
    }
    const api::KindInfo &kind = faultKind();
    v1alpha1::Fault desired;
    desired.mutable_metadata()->set_name(name);
    toProto(state.spec, desired.mutable_spec());
    if (create) {
        desired.mutable_metadata()->mutable_labels()->insert({"kubist.io/injected-by", "kubist"});
        Result<client::ObjectPtr> made = m_client.create(kind, "", desired);
        if (!made && made.status().code() != Status::Code::AlreadyExists)
            return made.status();
        std::lock_guard lock(m_mutex);
        if (auto it = m_entries.find(name); it != m_entries.end())
            it->second.objectPending = false;
    }
    Result<client::ObjectPtr> current = m_client.get(kind, "", name);
    if (!current)
        return current.status();
    auto updated =
        std::make_unique<v1alpha1::Fault>(static_cast<const v1alpha1::Fault &>(**current));
    v1alpha1::FaultStatus *st = updated->mutable_status();
    st->set_phase(state.phase);
    st->set_message(state.message);
    if (state.injectedAt != Clock::Time{})
        st->mutable_injected_at()->set_seconds(toSeconds(state.injectedAt));
    if (state.healedAt)
        st->mutable_healed_at()->set_seconds(toSeconds(*state.healedAt));
    else
        st->clear_healed_at();
    client::WriteOptions o;
    o.subresource = "status";
    Result<client::ObjectPtr> written = m_client.update(kind, "", *updated, o);
    if (!written)
        return written.status();
    if (create) // the target had its event when the fault was injected
        recordEvent(state, state.phase == "Healed" ? "Normal" : "Warning",
                    state.phase == "Healed" ? "FaultHealed" : "FaultInjected",
                    state.phase == "Healed" ? describeHeal(state.spec) : describe(state.spec),
                    false);
    std::lock_guard lock(m_mutex);
    if (auto it = m_entries.find(name); it != m_entries.end())
        it->second.statusWritten = state.phase;
    return {};
}

void FaultController::recordEvent(const FaultState &state, const std::string &type,
                                  const std::string &reason, const std::string &message,
                                  bool onTarget)
{
    // On the Fault (when it exists in the API) and on the Node or Pod it hits.
    if (client::ObjectPtr fault = m_informer->indexer().get(state.name))
        m_events->record(*fault, type, reason, message);
    if (!onTarget)
        return;
    if (state.spec.targetKind == "Node") {
        core::Node node;
        node.mutable_metadata()->set_name(state.spec.name);
        m_events->record(node, type, reason, message);
    } else if (state.spec.targetKind == "Pod") {
        core::Pod pod;
        pod.mutable_metadata()->set_name(state.spec.name);
        pod.mutable_metadata()->set_namespace_(state.spec.ns);
        m_events->record(pod, type, reason, message);
    }
}

} // namespace kubist::faults
