#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace kubist {

// PaceGate: lets the GUI's pause freeze the control plane's work, not just
// its clock. Work queues (every controller's, the kubelets', the
// scheduler's) ask the gate of their Clock before handing out work:
// - open: work flows;
// - closed (paused): no queue hands out anything new — events still update
//   the informers' caches and queue keys, but nobody reacts; work already
//   handed out finishes;
// - step(): while closed, every queue may hand out the work it holds at
//   that moment once (one "round"), then stops again.
//
// A waiter registers a wake-up function, called (without the gate's lock)
// when the gate opens or a round is granted; it must only lock its own
// mutex and notify. Thread-safe.
class PaceGate final
{
public:
    class Registration
    {
    public:
        ~Registration(); // unregisters; the wake function is not called after this returns
        Registration(const Registration &) = delete;
        Registration &operator=(const Registration &) = delete;

    private:
        friend class PaceGate;
        Registration(PaceGate &gate, uint64_t id)
            : m_gate(gate)
            , m_id(id)
        {}
        PaceGate &m_gate;
        const uint64_t m_id;
    };

    bool isOpen() const;
    void open();
    void close();
    // The number of rounds granted so far; a waiter that saw round r may hand
    // out what it held then once when round() > r.
    uint64_t round() const;
    // Grants one round (closed gates only; an open gate ignores it).
    void step();

    // `wake` is called when the gate opens or a round is granted.
    std::unique_ptr<Registration> registerWaiter(std::function<void()> wake);

private:
    void wakeAll();

    mutable std::mutex m_mutex; // guards everything below
    bool m_open = true;
    uint64_t m_round = 0;
    uint64_t m_nextId = 0;
    std::vector<std::pair<uint64_t, std::shared_ptr<std::function<void()>>>> m_waiters;
    std::mutex m_wakeMutex; // held while wake functions run, so unregistering waits for them
};

} // namespace kubist
