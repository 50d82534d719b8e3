#include "apierrors.h"

#include "meta_v1.pb.h"

namespace kubist::apiserver::apierrors {

namespace {

std::string qualified(const api::KindInfo &kind)
{
    return kind.group.empty() ? kind.resource : kind.resource + "." + kind.group;
}

StatusDetails details(const api::KindInfo &kind, const std::string &name)
{
    StatusDetails d;
    d.name = name;
    d.group = kind.group;
    d.kind = kind.resource;
    return d;
}

} // namespace

Status notFound(const api::KindInfo &kind, const std::string &name)
{
    return Status::notFound(qualified(kind) + " \"" + name + "\" not found")
        .withDetails(details(kind, name));
}

Status alreadyExists(const api::KindInfo &kind, const std::string &name)
{
    return Status::alreadyExists(qualified(kind) + " \"" + name + "\" already exists")
        .withDetails(details(kind, name));
}

Status conflict(const api::KindInfo &kind, const std::string &name, const std::string &reason)
{
    return Status::conflict("Operation cannot be fulfilled on " + qualified(kind) + " \"" + name +
                            "\": " + reason)
        .withDetails(details(kind, name));
}

Status invalid(const api::KindInfo &kind, const std::string &name, const FieldErrors &errors)
{
    std::string list;
    StatusDetails d;
    d.name = name;
    d.group = kind.group;
    d.kind = kind.kind;
    for (size_t i = 0; i < errors.size(); ++i) {
        list += (i ? ", " : "") + errors[i].toString();
        d.causes.push_back({errors[i].type, errors[i].message(), errors[i].field});
    }
    if (errors.size() > 1)
        list = "[" + list + "]";
    return Status::invalid(kind.kind + " \"" + name + "\" is invalid: " + list)
        .withDetails(std::move(d));
}

Status forbidden(const api::KindInfo &kind, const std::string &name, const std::string &reason)
{
    return Status::permissionDenied(qualified(kind) + " \"" + name + "\" is forbidden: " + reason)
        .withDetails(details(kind, name));
}

Status gone(const std::string &message)
{
    return Status::compacted(message);
}

Status badRequest(const std::string &message)
{
    return Status::invalidArgument(message);
}

Status tooManyRequests(const std::string &message, int retryAfterSeconds)
{
    StatusDetails d;
    d.retryAfterSeconds = retryAfterSeconds;
    return Status::resourceExhausted(message).withDetails(std::move(d));
}

int httpCode(const Status &status)
{
    using C = Status::Code;
    switch (status.code()) {
    case C::Ok:
        return 200;
    case C::InvalidArgument:
        return 400;
    case C::Unauthenticated:
        return 401;
    case C::PermissionDenied:
        return 403;
    case C::NotFound:
        return 404;
    case C::MethodNotAllowed:
        return 405;
    case C::NotAcceptable:
        return 406;
    case C::AlreadyExists:
    case C::Conflict:
        return 409;
    case C::Compacted:
        return 410;
    case C::TooLarge:
        return 413;
    case C::Unsupported:
        return 415;
    case C::Invalid:
        return 422;
    case C::ResourceExhausted:
        return 429;
    case C::Unavailable:
        return 503;
    case C::Timeout:
        return 504;
    case C::DataLoss:
    case C::Internal:
        return 500;
    }
    return 500;
}

std::string reason(const Status &status)
{
    using C = Status::Code;
    switch (status.code()) {
    case C::Ok:
        return {};
    case C::InvalidArgument:
        return "BadRequest";
    case C::Unauthenticated:
        return "Unauthorized";
    case C::PermissionDenied:
        return "Forbidden";
    case C::NotFound:
        return "NotFound";
    case C::MethodNotAllowed:
        return "MethodNotAllowed";
    case C::NotAcceptable:
        return "NotAcceptable";
    case C::AlreadyExists:
        return "AlreadyExists";
    case C::Conflict:
        return "Conflict";
    case C::Compacted:
        return "Expired";
    case C::TooLarge:
        return "RequestEntityTooLarge";
    case C::Unsupported:
        return "UnsupportedMediaType";
    case C::Invalid:
        return "Invalid";
    case C::ResourceExhausted:
        return "TooManyRequests";
    case C::Unavailable:
        return "ServiceUnavailable";
    case C::Timeout:
        return "Timeout";
    case C::DataLoss:
    case C::Internal:
        return "InternalError";
    }
    return "InternalError";
}

k8s::io::apimachinery::pkg::apis::meta::v1::Status toStatusObject(const Status &status)
{
    k8s::io::apimachinery::pkg::apis::meta::v1::Status s;
    s.mutable_metadata();
    if (status.isOk()) {
        s.set_status("Success");
        s.set_code(200);
        return s;
    }
    s.set_status("Failure");
    s.set_message(status.message());
    s.set_reason(reason(status));
    s.set_code(httpCode(status));
    if (const StatusDetails *d = status.details()) {
        auto *sd = s.mutable_details();
        if (!d->name.empty())
            sd->set_name(d->name);
        if (!d->group.empty())
            sd->set_group(d->group);
        if (!d->kind.empty())
            sd->set_kind(d->kind);
        for (const auto &c : d->causes) {
            auto *cause = sd->add_causes();
            cause->set_reason(c.reason);
            cause->set_message(c.message);
            cause->set_field(c.field);
        }
        if (d->retryAfterSeconds > 0)
            sd->set_retry_after_seconds(d->retryAfterSeconds);
    }
    return s;
}

} // namespace kubist::apiserver::apierrors
