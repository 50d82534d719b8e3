#pragma once

#include "backend/apiserver/apiserver.h"
#include "backend/apiserver/http/httpserver.h"

#include <map>
#include <memory>
#include <string>

namespace kubist::apiserver {

// ApiHandler: the API server's HTTP routes, over ApiServer's registry —
// /api and /apis resource paths (every verb, subresources, watch streams,
// as=Table, JSON and YAML), discovery (legacy and aggregated), OpenAPI v2
// and v3, /version, /healthz, /livez, /readyz. Authenticates bearer tokens
// (and client certificates signed by the server's CA), authorizes by role,
// records every resource request in the activity stream.
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

    ApiHandler(ApiServer &server, std::map<std::string, Identity> tokens);
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
