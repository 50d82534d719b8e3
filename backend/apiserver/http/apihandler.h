#pragma once

#include "backend/apiserver/apiserver.h"
#include "backend/apiserver/http/httpserver.h"

#include <chrono>
#include <map>
#include <memory>
#include <string>

namespace kubist::apiserver {

// What one client may take from the server (kube-apiserver's flags of the
// same names and defaults). Long-running requests — watches, followed logs —
// count against neither in-flight limit and have no request timeout.
struct ApiLimits
{
    // --max-requests-inflight: read-only requests being served at once.
    int maxRequestsInFlight = 400;
    // --max-mutating-requests-inflight: writes being served at once.
    int maxMutatingRequestsInFlight = 200;
    // --request-timeout: an ordinary request not answered by then gets 504
    // (a client's ?timeout= may shorten it).
    std::chrono::milliseconds requestTimeout{60000};
    // --min-request-timeout: a watch without timeoutSeconds ends at a random
    // time between this and twice this.
    std::chrono::seconds minRequestTimeout{1800};
};

// ApiHandler: the API server's HTTP routes, over ApiServer's registry —
// /api and /apis resource paths (every verb, subresources, watch streams,
// as=Table, JSON and YAML), discovery (legacy and aggregated), OpenAPI v2
// and v3, /version, /healthz, /livez, /readyz. Authenticates bearer tokens
// (and client certificates signed by the server's CA), authorizes by role,
// records every resource request in the activity stream. Enforces
// ApiLimits: past an in-flight limit, 429 with Retry-After (health checks and
// long-running requests are never refused); ordinary requests time out.
//
// Thread-safe; one instance serves every connection. The ApiServer must
// outlive it.
class ApiHandler final
{
public:
    struct Identity
    {
        std::string user;
        Role role = Role::Admin;
    };

    ApiHandler(ApiServer &server, std::map<std::string, Identity> tokens,
               ApiLimits limits = ApiLimits());
    ~ApiHandler();

    void handle(const HttpRequest &request, ResponseWriter &writer);

    // While shutting down, /readyz fails and new requests get 429.
    void setShuttingDown(bool shuttingDown);
    // When false, an unauthenticated request is served as the admin (only
    // for --insecure-http on loopback).
    void setRequireAuthentication(bool require);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace kubist::apiserver
