#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kubist {

// Optional detail an API error carries to the client (Kubernetes'
// StatusDetails): which object, and for Invalid errors which fields.
struct StatusDetails
{
    struct Cause
    {
        std::string reason; // "FieldValueRequired", ...
        std::string message;
        std::string field;
    };
    std::string name;
    std::string group;
    std::string kind; // the resource's kind as Kubernetes reports it ("pods")
    std::vector<Cause> causes;
    int retryAfterSeconds = 0;
};

// Status is the outcome of an operation that can fail: errors are values,
// never exceptions across module boundaries. A default-constructed Status is
// OK. The codes are coarse on purpose: each maps to one HTTP/Kubernetes
// reason at the API server's edge.
//
// backend/util depends on nothing of ours, so every layer (api and store
// included) may use it; see README "Layout".
class Status final
{
public:
    enum class Code {
        Ok,
        InvalidArgument,   // malformed input (bad JSON, bad selector): 400
        Invalid,           // well-formed but semantically invalid object: 422
        NotFound,          // 404
        AlreadyExists,     // 409 AlreadyExists
        Conflict,          // 409 Conflict (stale revision, failed compare)
        Compacted,         // the revision asked for is gone: 410
        Unavailable,       // the part is stopped or unreachable: 503
        ResourceExhausted, // too many requests, a watcher too slow, a budget spent: 429
        TooLarge,          // a body or value over its limit: 413
        Unauthenticated,   // 401
        PermissionDenied,  // 403
        Unsupported,       // 415 (media type), or an operation not offered
        MethodNotAllowed,  // 405
        NotAcceptable,     // 406
        Timeout,           // 504
        DataLoss,          // stored data is damaged
        Internal,          // a bug: 500
    };

    Status() = default;
    Status(Code code, std::string message)
        : m_code(code)
        , m_message(std::move(message))
    {}

    static Status ok() { return {}; }
    static Status invalidArgument(std::string m) { return {Code::InvalidArgument, std::move(m)}; }
    static Status invalid(std::string m) { return {Code::Invalid, std::move(m)}; }
    static Status notFound(std::string m) { return {Code::NotFound, std::move(m)}; }
    static Status alreadyExists(std::string m) { return {Code::AlreadyExists, std::move(m)}; }
    static Status conflict(std::string m) { return {Code::Conflict, std::move(m)}; }
    static Status unavailable(std::string m) { return {Code::Unavailable, std::move(m)}; }
    static Status resourceExhausted(std::string m)
    {
        return {Code::ResourceExhausted, std::move(m)};
    }
    static Status unsupported(std::string m) { return {Code::Unsupported, std::move(m)}; }
    static Status tooLarge(std::string m) { return {Code::TooLarge, std::move(m)}; }
    static Status permissionDenied(std::string m) { return {Code::PermissionDenied, std::move(m)}; }
    static Status unauthenticated(std::string m) { return {Code::Unauthenticated, std::move(m)}; }
    static Status methodNotAllowed(std::string m) { return {Code::MethodNotAllowed, std::move(m)}; }
    static Status notAcceptable(std::string m) { return {Code::NotAcceptable, std::move(m)}; }
    static Status timeout(std::string m) { return {Code::Timeout, std::move(m)}; }
    static Status compacted(std::string m) { return {Code::Compacted, std::move(m)}; }
    static Status dataLoss(std::string m) { return {Code::DataLoss, std::move(m)}; }
    static Status internal(std::string m) { return {Code::Internal, std::move(m)}; }

    bool isOk() const { return m_code == Code::Ok; }
    explicit operator bool() const { return isOk(); }
    Code code() const { return m_code; }
    const std::string &message() const { return m_message; }

    // "InvalidArgument: <message>", or "OK".
    std::string toString() const;
    static std::string_view codeName(Code code);

    // Returns a copy whose message is "<context>: <message>".
    Status withContext(std::string_view context) const;

    // Details for the API's Status object; nullptr when none were attached.
    const StatusDetails *details() const { return m_details.get(); }
    Status &&withDetails(StatusDetails details) &&
    {
        m_details = std::make_shared<const StatusDetails>(std::move(details));
        return std::move(*this);
    }

    // Equal code and message (details are not compared).
    bool operator==(const Status &other) const
    {
        return m_code == other.m_code && m_message == other.m_message;
    }

private:
    Code m_code = Code::Ok;
    std::string m_message;
    std::shared_ptr<const StatusDetails> m_details;
};

// Result<T> holds either a value or a non-OK Status.
template<class T> class [[nodiscard]] Result final
{
public:
    Result(T value)
        : m_value(std::move(value))
    {}
    Result(Status status)
        : m_status(std::move(status))
    {
        if (m_status.isOk())
            m_status = Status::internal("Result constructed from an OK status without a value");
    }

    bool isOk() const { return m_value.has_value(); }
    explicit operator bool() const { return isOk(); }
    const Status &status() const { return m_status; }

    // Precondition: isOk().
    T &value() & { return *m_value; }
    const T &value() const & { return *m_value; }
    T &&value() && { return std::move(*m_value); }
    T *operator->() { return &*m_value; }
    const T *operator->() const { return &*m_value; }
    T &operator*() { return *m_value; }
    const T &operator*() const { return *m_value; }

private:
    std::optional<T> m_value;
    Status m_status;
};

} // namespace kubist
