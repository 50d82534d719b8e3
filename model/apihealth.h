#pragma once

#include "backend/util/clock.h"
#include "backend/util/status.h"

#include <QMetaType>
#include <QObject>
#include <QThreadPool>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

class QTimer;

namespace kubist::model {

// One line of a verbose /readyz or /livez answer: "[+]etcd ok" is
// {"etcd", true}; "[-]etcd failed: reason withheld" is {"etcd", false};
// "[+]etcd excluded: ok" is {"etcd", true}.
struct ReadyzCheck
{
    std::string name;
    bool ok = false;

    bool operator==(const ReadyzCheck &) const = default;
};

// The check lines of a verbose health answer, in order. Other lines (the
// closing "readyz check passed" / "readyz check failed", warnings) are
// skipped; so is any text around them (an error message that carries the
// body of a failed answer parses too). Empty when there is no check line.
std::vector<ReadyzCheck> parseReadyzVerbose(const std::string &body);

// What a client can tell about the API server's own health.
struct ApiHealthState
{
    enum class Answer { Unknown, Yes, No };

    Answer live = Answer::Unknown;       // /livez: Unknown when it could not be asked
    Answer ready = Answer::Unknown;      // /readyz
    std::vector<ReadyzCheck> checks;     // every check of the last /readyz?verbose answer
    std::vector<std::string> failing;    // names of the failing ones, in order
    std::optional<Clock::Time> answered; // when the server last answered (either path)
    std::string error;                   // why it could not be asked; "" when it answered

    bool operator==(const ApiHealthState &) const = default;
};

// ApiHealth: polls the API server's /livez and /readyz?verbose every
// `interval` and reports what it answered. A failed check is an answer (No),
// an unreachable or refusing server is not (Unknown, with the error); when
// nothing answers, `answered` keeps the time of the last answer.
//
// The fetch runs on a worker thread of the object's own (never the GUI
// thread), at most one poll at a time: a poll due while one is in flight is
// skipped. The interval is real time (like HTTP timeouts, it measures a
// remote server, not the cluster's pace).
//
// GUI thread (construction, start/stop/pollNow, signals). The destructor
// stops the timer and waits for a poll in flight; no signal comes after.
class ApiHealth final : public QObject
{
    Q_OBJECT

public:
    // GET of a path on the API server: the body on 2xx, else an error whose
    // message carries the body of a failed health check (RemoteClient::getPath).
    // Called on the worker thread, one call at a time.
    using Fetch = std::function<Result<std::string>(const std::string &path)>;

    struct Options
    {
        std::chrono::milliseconds interval = std::chrono::seconds(5);
    };

    // `clock` stamps `answered` (the cluster's clock; SystemClock on a
    // remote cluster); it must outlive this object.
    ApiHealth(Fetch fetch, const Clock &clock, QObject *parent = nullptr);
    ApiHealth(Fetch fetch, const Clock &clock, Options options, QObject *parent = nullptr);
    ~ApiHealth() override;

    // Polls now, then every interval, until stop().
    void start();
    void stop();
    // Starts one poll unless one is in flight; returns whether it started.
    bool pollNow();
    bool pollInFlight() const { return m_inFlight; }

    // The last reported state (all Unknown before the first poll ends).
    const ApiHealthState &state() const { return m_state; }

    // What the two answers mean (pure; `now` stamps `answered` when the
    // server answered either).
    static ApiHealthState interpret(const Result<std::string> &livez,
                                    const Result<std::string> &readyz, Clock::Time now);

signals:
    // Emitted on the GUI thread after every completed poll.
    void changed(const kubist::model::ApiHealthState &state);

private:
    void finish(ApiHealthState state);

    // Constant after construction.
    const Fetch m_fetch;
    const Clock &m_clock;
    const Options m_options;
    QTimer *m_timer = nullptr;

    // GUI thread only.
    bool m_inFlight = false;
    ApiHealthState m_state;

    QThreadPool m_pool; // one worker; declared last, so it is waited for first
};

} // namespace kubist::model

Q_DECLARE_METATYPE(kubist::model::ApiHealthState)
