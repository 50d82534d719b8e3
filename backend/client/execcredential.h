#pragma once

#include "backend/client/kubeconfig.h"
#include "backend/util/status.h"

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace kubist::client {

// ExecCredentialProvider: runs a kubeconfig exec credential plugin and
// caches what it returns, as client-go's exec authenticator does.
//
// The plugin runs with the kubeconfig's args, with its env added to the
// inherited environment, and with KUBERNETES_EXEC_INFO set to an
// ExecCredential of the plugin's apiVersion whose spec says
// interactive: false (and carries the cluster when provideClusterInfo;
// `cluster` below). Stdin is closed. It must print an ExecCredential of the
// same apiVersion on stdout; status.token and/or status.clientCertificateData
// + status.clientKeyData; status.expirationTimestamp (RFC 3339) bounds the
// cache.
//
// credential() returns the cached credential while it has not expired (or
// has no expiry), else runs the plugin (bounded by `timeout`); invalidate()
// (after a 401) forgets it, so the next call runs the plugin again.
// Errors are clear and never contain the plugin's stdout (it holds the
// secret): "exec plugin /path/to/cmd: exited with code 3: <first line of its
// stderr>", "... not found (install hint: ...)", "... printed no valid
// ExecCredential: <why, without the text>", "... timed out after 10 s".
//
// Codes: NotFound (no such command), Timeout, InvalidArgument (an
// apiVersion other than v1/v1beta1, interactiveMode Always: Kubist has no
// terminal to give), Unavailable (cannot start), Unauthenticated (the plugin
// failed or printed no valid credential). Failures are not cached.
//
// Thread-safe: concurrent callers share one run.
class ExecCredentialProvider final
{
public:
    struct Credential
    {
        std::string token;
        std::string clientCertificatePem;
        std::string clientKeyPem;
        std::optional<std::chrono::system_clock::time_point> expiry;
    };

    using Now = std::function<std::chrono::system_clock::time_point()>;

    // `cluster` is passed to the plugin when config.provideClusterInfo.
    // `now` is the clock expiry is compared with (tests pass their own).
    ExecCredentialProvider(ExecConfig config, ClusterEntry cluster, Now now = {},
                           std::chrono::milliseconds timeout = std::chrono::seconds(10));

    Result<Credential> credential();
    void invalidate();
    // How many times the plugin ran (for tests and diagnostics).
    int runs() const;

private:
    Result<Credential> run();

    const ExecConfig m_config;
    const ClusterEntry m_cluster;
    const Now m_now;
    const std::chrono::milliseconds m_timeout;
    mutable std::mutex m_mutex;
    std::optional<Credential> m_cached;
    int m_runs = 0;
};

} // namespace kubist::client
