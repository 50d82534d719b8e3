#include "status.h"

namespace kubist {

std::string_view Status::codeName(Code code)
{
    switch (code) {
    case Code::Ok:
        return "OK";
    case Code::InvalidArgument:
        return "InvalidArgument";
    case Code::Invalid:
        return "Invalid";
    case Code::NotFound:
        return "NotFound";
    case Code::AlreadyExists:
        return "AlreadyExists";
    case Code::Conflict:
        return "Conflict";
    case Code::Compacted:
        return "Compacted";
    case Code::Unavailable:
        return "Unavailable";
    case Code::ResourceExhausted:
        return "ResourceExhausted";
    case Code::TooLarge:
        return "TooLarge";
    case Code::MethodNotAllowed:
        return "MethodNotAllowed";
    case Code::NotAcceptable:
        return "NotAcceptable";
    case Code::Unauthenticated:
        return "Unauthenticated";
    case Code::PermissionDenied:
        return "PermissionDenied";
    case Code::Unsupported:
        return "Unsupported";
    case Code::Timeout:
        return "Timeout";
    case Code::DataLoss:
        return "DataLoss";
    case Code::Internal:
        return "Internal";
    }
    return "Unknown";
}

std::string Status::toString() const
{
    if (isOk())
        return "OK";
    std::string s(codeName(m_code));
    s += ": ";
    s += m_message;
    return s;
}

Status Status::withContext(std::string_view context) const
{
    if (isOk())
        return *this;
    std::string m(context);
    m += ": ";
    m += m_message;
    Status s{m_code, std::move(m)};
    s.m_details = m_details;
    return s;
}

} // namespace kubist
