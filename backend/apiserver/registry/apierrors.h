#pragma once

#include "backend/api/scheme.h"
#include "backend/apiserver/validation/fielderror.h"
#include "backend/util/status.h"

#include <string>

namespace k8s::io::apimachinery::pkg::apis::meta::v1 {
class Status;
}

namespace kubist::apiserver {

// Kubernetes' API errors (k8s.io/apimachinery/pkg/api/errors), as Status
// values with upstream's messages and details.
namespace apierrors {

// `pods "web" not found`
Status notFound(const api::KindInfo &kind, const std::string &name);
// `pods "web" already exists`
Status alreadyExists(const api::KindInfo &kind, const std::string &name);
// `Operation cannot be fulfilled on pods "web": <reason>`
Status conflict(const api::KindInfo &kind, const std::string &name, const std::string &reason);
// `Pod "web" is invalid: [spec.containers[0].name: Required value, ...]`
Status invalid(const api::KindInfo &kind, const std::string &name, const FieldErrors &errors);
// `pods "web" is forbidden: <reason>`
Status forbidden(const api::KindInfo &kind, const std::string &name, const std::string &reason);
// 410: `too old resource version: 5 (10)`
Status gone(const std::string &message);
Status badRequest(const std::string &message);
// 429 with a Retry-After.
Status tooManyRequests(const std::string &message, int retryAfterSeconds = 0);

// The HTTP status code and Kubernetes reason of a Status ("NotFound", ...).
int httpCode(const Status &status);
std::string reason(const Status &status);

// The meta/v1 Status object a client receives for `status` (Failure), or a
// Success when status is OK.
k8s::io::apimachinery::pkg::apis::meta::v1::Status toStatusObject(const Status &status);

} // namespace apierrors
} // namespace kubist::apiserver
