#include "model/apihealth.h"

#include <QMetaObject>
#include <QTimer>

#include <sstream>

namespace kubist::model {

namespace {

std::string trim(const std::string &s)
{
    const size_t b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos)
        return {};
    const size_t e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

// Whether an error carries a health endpoint's own answer (a failed check)
// rather than a failure to ask.
bool isHealthAnswer(const std::string &message, const std::vector<ReadyzCheck> &checks)
{
    return !checks.empty() || message.find("check failed") != std::string::npos;
}

ApiHealthState::Answer answerOf(const Result<std::string> &r, std::vector<ReadyzCheck> *checks)
{
    const std::vector<ReadyzCheck> parsed = parseReadyzVerbose(r ? *r : r.status().message());
    if (checks)
        *checks = parsed;
    if (r)
        return ApiHealthState::Answer::Yes;
    return isHealthAnswer(r.status().message(), parsed) ? ApiHealthState::Answer::No
                                                        : ApiHealthState::Answer::Unknown;
}

} // namespace

std::vector<ReadyzCheck> parseReadyzVerbose(const std::string &body)
{
    std::vector<ReadyzCheck> out;
    std::istringstream in(body);
    std::string line;
    while (std::getline(in, line)) {
        line = trim(line);
        // The line may follow other text (an error message quoting the body).
        size_t at = line.find("[+]");
        const size_t minus = line.find("[-]");
        if (at == std::string::npos || (minus != std::string::npos && minus < at))
            at = minus;
        if (at == std::string::npos)
            continue;
        const bool ok = line[at + 1] == '+';
        const std::string rest = line.substr(at + 3);
        const size_t space = rest.find(' ');
        const std::string name = rest.substr(0, space);
        if (name.empty())
            continue;
        out.push_back(ReadyzCheck{name, ok});
    }
    return out;
}

ApiHealth::ApiHealth(Fetch fetch, const Clock &clock, QObject *parent)
    : ApiHealth(std::move(fetch), clock, Options{}, parent)
{}

ApiHealth::ApiHealth(Fetch fetch, const Clock &clock, Options options, QObject *parent)
    : QObject(parent)
    , m_fetch(std::move(fetch))
    , m_clock(clock)
    , m_options(options)
{
    m_pool.setMaxThreadCount(1);
    m_timer = new QTimer(this);
    m_timer->setInterval(m_options.interval);
    connect(m_timer, &QTimer::timeout, this, [this] { pollNow(); });
}

ApiHealth::~ApiHealth()
{
    m_timer->stop();
    // A result posted meanwhile is dropped with this object's posted events.
    m_pool.waitForDone();
}

void ApiHealth::start()
{
    pollNow();
    m_timer->start();
}

void ApiHealth::stop()
{
    m_timer->stop();
}

bool ApiHealth::pollNow()
{
    if (m_inFlight)
        return false;
    m_inFlight = true;
    m_pool.start([this] {
        const Result<std::string> livez = m_fetch("/livez");
        const Result<std::string> readyz = m_fetch("/readyz?verbose");
        ApiHealthState state = interpret(livez, readyz, m_clock.now());
        QMetaObject::invokeMethod(
            this, [this, state = std::move(state)]() mutable { finish(std::move(state)); },
            Qt::QueuedConnection);
    });
    return true;
}

void ApiHealth::finish(ApiHealthState state)
{
    m_inFlight = false;
    if (!state.answered)
        state.answered = m_state.answered;
    m_state = std::move(state);
    emit changed(m_state);
}

ApiHealthState ApiHealth::interpret(const Result<std::string> &livez,
                                    const Result<std::string> &readyz, Clock::Time now)
{
    ApiHealthState s;
    s.live = answerOf(livez, nullptr);
    s.ready = answerOf(readyz, &s.checks);
    for (const ReadyzCheck &c : s.checks)
        if (!c.ok)
            s.failing.push_back(c.name);
    if (s.live != ApiHealthState::Answer::Unknown || s.ready != ApiHealthState::Answer::Unknown)
        s.answered = now;
    std::vector<std::string> errors;
    if (s.live == ApiHealthState::Answer::Unknown && !livez)
        errors.push_back(livez.status().message());
    if (s.ready == ApiHealthState::Answer::Unknown && !readyz) {
        const std::string &m = readyz.status().message();
        if (errors.empty() || errors.front() != m)
            errors.push_back(m);
    }
    for (const std::string &e : errors)
        s.error += (s.error.empty() ? "" : "; ") + (e.empty() ? std::string("no answer") : e);
    return s;
}

} // namespace kubist::model
