#pragma once

#include "backend/util/status.h"

#include <string>

namespace kubist::apiserver {

// The API server's TLS identity, kept in its data directory:
//   ca.crt / ca.key          a self-signed CA (basicConstraints CA:TRUE)
//   server.crt / server.key  signed by it, SANs 127.0.0.1, ::1, localhost
// and its bearer tokens (admin-token, viewer-token; mode 0600).
struct ServerCredentials
{
    std::string caCertFile;
    std::string caKeyFile;
    std::string certFile;
    std::string keyFile;
    std::string caCertPem;
    std::string adminToken;
    std::string viewerToken;
};

// Loads the credentials in `dir`, creating what is missing (keys are EC
// P-256, certificates valid for ten years, positive random serials — Go's
// TLS stack, which kubectl uses, checks all of this). Fails with a clear
// error naming the file that cannot be read or written.
Result<ServerCredentials> ensureServerCredentials(const std::string &dir);

// Writes a kubeconfig (mode 0600) for `server` (https://127.0.0.1:PORT)
// with the CA inline and a bearer token; `user` names the user entry.
Status writeKubeconfig(const std::string &path, const std::string &server,
                       const std::string &caCertPem, const std::string &user,
                       const std::string &token, const std::string &contextName = "kubist");

// Client certificate for `user` signed by the CA in `dir` (for tests and
// tools that authenticate with certificates).
Result<std::pair<std::string, std::string>> issueClientCertificate(const std::string &dir,
                                                                   const std::string &user);

} // namespace kubist::apiserver
