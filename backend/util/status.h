#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace kubist {

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
        ResourceExhausted, // too large, too many, too deep: 413 / 429
        Unauthenticated,   // 401
        PermissionDenied,  // 403
        Unsupported,       // 405 / 406 / 415
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

    bool operator==(const Status &) const = default;

private:
    Code m_code = Code::Ok;
    std::string m_message;
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
