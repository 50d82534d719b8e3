#pragma once

#include "backend/util/status.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kubist::client {

// A kubeconfig's exec credential plugin (users[].user.exec), as kubectl
// reads it: client.authentication.k8s.io/v1 or v1beta1.
struct ExecConfig
{
    std::string apiVersion; // "client.authentication.k8s.io/v1" or ".../v1beta1"
    std::string command;    // resolved against the kubeconfig's directory when it holds a '/'
    std::vector<std::string> args;
    std::vector<std::pair<std::string, std::string>> env; // added to the inherited environment
    std::string installHint;
    bool provideClusterInfo = false;
    std::string interactiveMode; // "Never", "IfAvailable", "Always" ("" means IfAvailable)
};

// The cluster of a context (clusters[].cluster).
struct ClusterEntry
{
    std::string server;                  // "https://host:port" (a path prefix is kept)
    std::string certificateAuthorityPem; // PEM; certificate-authority files are read into it
    bool insecureSkipTlsVerify = false;
    std::string tlsServerName;
    std::string proxyUrl; // "http://...", "https://..." or "socks5://..."; "" for none
};

// The user of a context (users[].user). Files (client-certificate,
// client-key) are read into the PEM fields when the context is resolved;
// token-file is kept as a path, read by whoever sends the token (it may be
// rotated while Kubist runs).
struct UserEntry
{
    std::string token;
    std::string tokenFile;
    std::string clientCertificatePem;
    std::string clientKeyPem;
    std::string username; // basic auth
    std::string password;
    std::optional<ExecConfig> exec;
};

// One context, resolved: everything needed to talk to its cluster.
struct ResolvedContext
{
    std::string name;
    std::string clusterName;
    std::string userName;
    std::string ns; // the context's namespace ("" when it sets none)
    ClusterEntry cluster;
    UserEntry user;
};

// Kubeconfig: one kubeconfig file or several merged, as kubectl merges the
// files of $KUBECONFIG:
// - the first file that defines a cluster, user or context of a given name
//   wins that name; later files never overwrite it;
// - current-context comes from the first file that sets it;
// - files that do not exist are skipped (as kubectl skips them); a file that
//   exists but cannot be read or parsed is an error naming the file.
// Relative paths inside a file (certificate-authority, client-certificate,
// client-key, tokenFile, an exec command holding a '/') are relative to
// that file's directory. Inline data (certificate-authority-data, ...) is
// base64 as in kubectl; bad base64 is an error naming the field.
//
// Error messages never contain a token, a password, a key or an exec
// plugin's output. Codes: NotFound for a missing file, context, cluster or
// user; InvalidArgument for everything else (malformed YAML names the line
// and column). A value type; thread-safe for concurrent const use.
class Kubeconfig final
{
public:
    // Parses one kubeconfig document; `baseDir` resolves relative paths.
    static Result<Kubeconfig> parse(const std::string &yaml, const std::string &baseDir);
    // Reads and parses one file.
    static Result<Kubeconfig> loadFile(const std::string &path);
    // Reads and merges `files` in order (kubectl's rules above). Fails when
    // none of them exists.
    static Result<Kubeconfig> loadMerged(const std::vector<std::string> &files);
    // The files kubectl would read: $KUBECONFIG split on ':' (empty entries
    // and repeats dropped) when `kubeconfigEnv` is not empty, else
    // `home`/.kube/config (no file when `home` is empty too).
    static std::vector<std::string> defaultFiles(const std::string &kubeconfigEnv,
                                                 const std::string &home);

    // Context names, in the order their files listed them.
    std::vector<std::string> contextNames() const;
    std::string currentContext() const { return m_currentContext; }
    // The context `name` ("" = the current context), with its cluster and
    // user looked up and their files read. Errors: no current context, an
    // unknown context, a context naming an unknown cluster or user, a
    // cluster without a server, a file that cannot be read (named).
    Result<ResolvedContext> resolve(const std::string &name = {}) const;

private:
    // parse() with `origin` (the file's path, "" for none) naming the
    // document in errors.
    static Result<Kubeconfig> parseDocument(const std::string &yaml, const std::string &baseDir,
                                            const std::string &origin);

    // `origin` on each entry is the file that defined it (for errors).
    struct NamedContext
    {
        std::string name, cluster, user, ns;
        std::string origin;
    };
    struct NamedCluster
    {
        std::string name;
        ClusterEntry entry;
        std::string certificateAuthorityFile; // read in resolve()
        std::string origin;
    };
    struct NamedUser
    {
        std::string name;
        UserEntry entry;
        std::string clientCertificateFile; // read in resolve()
        std::string clientKeyFile;
        std::string origin;
    };

    std::vector<NamedContext> m_contexts;
    std::vector<NamedCluster> m_clusters;
    std::vector<NamedUser> m_users;
    std::string m_currentContext;
};

} // namespace kubist::client
