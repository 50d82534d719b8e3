#include "backend/client/kubeconfig.h"

#include "backend/api/encoding.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

namespace kubist::client {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kExecV1 = "client.authentication.k8s.io/v1";
constexpr std::string_view kExecV1beta1 = "client.authentication.k8s.io/v1beta1";
constexpr std::string_view kExecV1alpha1 = "client.authentication.k8s.io/v1alpha1";

std::string quote(const std::string &s)
{
    return "\"" + s + "\"";
}

// "kubeconfig /x/config" or "kubeconfig" when the document has no file.
std::string prefix(const std::string &origin)
{
    return origin.empty() ? std::string("kubeconfig") : "kubeconfig " + origin;
}

std::string markText(const YAML::Mark &mark)
{
    if (mark.is_null())
        return {};
    return "line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1);
}

// Relative paths are relative to the kubeconfig's directory; "~" is not
// expanded (client-go does not expand it inside a file either).
std::string resolvePath(const std::string &path, const std::string &baseDir)
{
    if (path.empty())
        return {};
    fs::path p(path);
    if (p.is_absolute() || baseDir.empty())
        return p.lexically_normal().string();
    return (fs::path(baseDir) / p).lexically_normal().string();
}

enum class ReadError { None, NotFound, Unreadable };

ReadError readWholeFile(const std::string &path, std::string &out, std::string &why)
{
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        why = "no such file";
        return ReadError::NotFound;
    }
    if (fs::is_directory(path, ec)) {
        why = "is a directory";
        return ReadError::Unreadable;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        why = std::strerror(errno);
        return ReadError::Unreadable;
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) {
        why = "read error";
        return ReadError::Unreadable;
    }
    out = buf.str();
    return ReadError::None;
}

// Reads the fields of one YAML mapping, naming `where` (e.g. `user "alice"`)
// in errors. Type errors never echo the value: it may be a secret.
class FieldReader final
{
public:
    FieldReader(const YAML::Node &map, std::string where)
        : m_map(map)
        , m_where(std::move(where))
    {}

    YAML::Node node(const char *key) const
    {
        if (!m_map || !m_map.IsMap())
            return YAML::Node(YAML::NodeType::Undefined);
        return m_map[key];
    }

    Status string(const char *key, std::string &out) const
    {
        const YAML::Node n = node(key);
        if (!n || n.IsNull())
            return {};
        if (!n.IsScalar())
            return error(std::string(key) + " must be a string");
        out = n.Scalar();
        return {};
    }

    Status boolean(const char *key, bool &out) const
    {
        const YAML::Node n = node(key);
        if (!n || n.IsNull())
            return {};
        if (!n.IsScalar() || !YAML::convert<bool>::decode(n, out))
            return error(std::string(key) + " must be true or false");
        return {};
    }

    // A base64 field (certificate-authority-data, ...), decoded.
    Status base64(const char *key, std::string &out) const
    {
        std::string text;
        if (Status s = string(key, text); !s)
            return s;
        if (text.empty())
            return {};
        if (!api::base64Decode(text, out)) {
            out.clear();
            return error(std::string(key) + " is not valid base64");
        }
        return {};
    }

    Status stringList(const char *key, std::vector<std::string> &out) const
    {
        const YAML::Node n = node(key);
        if (!n || n.IsNull())
            return {};
        if (!n.IsSequence())
            return error(std::string(key) + " must be a list of strings");
        for (const YAML::Node &item : n) {
            if (!item.IsScalar())
                return error(std::string(key) + " must be a list of strings");
            out.push_back(item.Scalar());
        }
        return {};
    }

    Status error(const std::string &what) const
    {
        return Status::invalidArgument(m_where.empty() ? what : m_where + ": " + what);
    }

private:
    const YAML::Node m_map;
    const std::string m_where;
};

// The entries of a top-level list (clusters, users, contexts): each a
// mapping with a name and the entry's own mapping under `entryKey`.
template<class Fn>
Status forEachNamed(const YAML::Node &root, const char *listKey, const char *entryKey,
                    const char *what, Fn &&fn)
{
    const YAML::Node list = root[listKey];
    if (!list || list.IsNull())
        return {};
    if (!list.IsSequence())
        return Status::invalidArgument(std::string(listKey) + " must be a list");
    std::set<std::string> seen;
    size_t index = 0;
    for (const YAML::Node &item : list) {
        if (!item.IsMap())
            return Status::invalidArgument(std::string(listKey) + "[" + std::to_string(index) +
                                           "] must be a mapping");
        FieldReader itemReader(item, {});
        std::string name;
        if (Status s = itemReader.string("name", name); !s)
            return Status::invalidArgument(std::string(listKey) + "[" + std::to_string(index) +
                                           "]: name must be a string");
        if (name.empty())
            return Status::invalidArgument(std::string(listKey) + "[" + std::to_string(index) +
                                           "] has no name");
        // client-go refuses a name listed twice in one file.
        if (!seen.insert(name).second)
            return Status::invalidArgument("duplicate " + std::string(what) + " name " +
                                           quote(name));
        const YAML::Node entry = item[entryKey];
        const std::string where = std::string(what) + " " + quote(name);
        if (entry && !entry.IsNull() && !entry.IsMap())
            return Status::invalidArgument(where + ": " + entryKey + " must be a mapping");
        if (Status s = fn(name, FieldReader(entry, where)); !s)
            return s;
        ++index;
    }
    return {};
}

Status parseExec(const FieldReader &user, const std::string &baseDir, ExecConfig &exec)
{
    const YAML::Node node = user.node("exec");
    const std::string where = "exec";
    if (!node.IsMap())
        return user.error("exec must be a mapping");
    FieldReader r(node, {});
    auto wrap = [&](Status s) { return s ? s : user.error(where + ": " + s.message()); };
    if (Status s = wrap(r.string("apiVersion", exec.apiVersion)); !s)
        return s;
    if (Status s = wrap(r.string("command", exec.command)); !s)
        return s;
    if (Status s = wrap(r.stringList("args", exec.args)); !s)
        return s;
    if (Status s = wrap(r.string("installHint", exec.installHint)); !s)
        return s;
    if (Status s = wrap(r.boolean("provideClusterInfo", exec.provideClusterInfo)); !s)
        return s;
    if (Status s = wrap(r.string("interactiveMode", exec.interactiveMode)); !s)
        return s;
    const YAML::Node env = r.node("env");
    if (env && !env.IsNull()) {
        if (!env.IsSequence())
            return user.error("exec: env must be a list of {name, value}");
        for (const YAML::Node &item : env) {
            if (!item.IsMap())
                return user.error("exec: env must be a list of {name, value}");
            FieldReader e(item, {});
            std::string name, value;
            if (Status s = wrap(e.string("name", name)); !s)
                return s;
            if (Status s = wrap(e.string("value", value)); !s)
                return s;
            exec.env.emplace_back(std::move(name), std::move(value));
        }
    }
    // client-go's v1 kubeconfig defaulting: the older plugin versions mean
    // IfAvailable when interactiveMode is left out; v1 requires it.
    if (exec.interactiveMode.empty() &&
        (exec.apiVersion == kExecV1beta1 || exec.apiVersion == kExecV1alpha1))
        exec.interactiveMode = "IfAvailable";
    // A command holding a '/' is a path; a bare name is looked up in PATH.
    if (exec.command.find('/') != std::string::npos)
        exec.command = resolvePath(exec.command, baseDir);
    return {};
}

Status validateExec(const ExecConfig &exec, const std::string &user)
{
    const std::string where = "user " + quote(user) + ": exec: ";
    if (exec.command.empty())
        return Status::invalidArgument(where + "command must be specified");
    if (exec.apiVersion.empty())
        return Status::invalidArgument(where + "apiVersion must be specified");
    if (exec.apiVersion != kExecV1 && exec.apiVersion != kExecV1beta1)
        return Status::invalidArgument(where + "apiVersion " + quote(exec.apiVersion) +
                                       " is not supported (use " + std::string(kExecV1) + " or " +
                                       std::string(kExecV1beta1) + ")");
    for (const auto &[name, value] : exec.env) {
        if (name.empty())
            return Status::invalidArgument(where + "env variable name must be specified");
    }
    if (exec.interactiveMode.empty())
        return Status::invalidArgument(where + "interactiveMode must be specified");
    if (exec.interactiveMode != "Never" && exec.interactiveMode != "IfAvailable" &&
        exec.interactiveMode != "Always")
        return Status::invalidArgument(where + "invalid interactiveMode " +
                                       quote(exec.interactiveMode));
    return {};
}

// Reads a file a cluster or user names (certificate-authority, ...).
Status readReferencedFile(const std::string &path, const std::string &where, const char *field,
                          std::string &out)
{
    std::string why;
    if (readWholeFile(path, out, why) != ReadError::None)
        return Status::invalidArgument(where + ": cannot read " + field + " " + path + ": " + why);
    return {};
}

} // namespace

Result<Kubeconfig> Kubeconfig::parse(const std::string &yaml, const std::string &baseDir)
{
    return parseDocument(yaml, baseDir, {});
}

Result<Kubeconfig> Kubeconfig::parseDocument(const std::string &yaml, const std::string &baseDir,
                                             const std::string &origin)
{
    const std::string head = prefix(origin);
    auto fail = [&](const Status &s) { return Status(s.code(), head + ": " + s.message()); };

    Kubeconfig config;
    try {
        const YAML::Node root = YAML::Load(yaml);
        // An empty document (an empty file) is an empty config, as in kubectl.
        if (!root || root.IsNull())
            return config;
        if (!root.IsMap())
            return fail(Status::invalidArgument("not a kubeconfig: the document is not a mapping"));

        FieldReader top(root, {});
        if (Status s = top.string("current-context", config.m_currentContext); !s)
            return fail(s);

        Status s = forEachNamed(
            root, "clusters", "cluster", "cluster",
            [&](const std::string &name, const FieldReader &r) -> Status {
                NamedCluster c;
                c.name = name;
                c.origin = origin;
                std::string caFile;
                if (Status e = r.string("server", c.entry.server); !e)
                    return e;
                if (Status e = r.string("certificate-authority", caFile); !e)
                    return e;
                if (Status e =
                        r.base64("certificate-authority-data", c.entry.certificateAuthorityPem);
                    !e)
                    return e;
                if (Status e = r.boolean("insecure-skip-tls-verify", c.entry.insecureSkipTlsVerify);
                    !e)
                    return e;
                if (Status e = r.string("tls-server-name", c.entry.tlsServerName); !e)
                    return e;
                if (Status e = r.string("proxy-url", c.entry.proxyUrl); !e)
                    return e;
                c.certificateAuthorityFile = resolvePath(caFile, baseDir);
                config.m_clusters.push_back(std::move(c));
                return {};
            });
        if (!s)
            return fail(s);

        s = forEachNamed(
            root, "users", "user", "user", [&](const std::string &name, const FieldReader &r) {
                NamedUser u;
                u.name = name;
                u.origin = origin;
                std::string certFile, keyFile, tokenFile;
                if (Status e = r.string("token", u.entry.token); !e)
                    return e;
                if (Status e = r.string("tokenFile", tokenFile); !e)
                    return e;
                if (Status e = r.string("client-certificate", certFile); !e)
                    return e;
                if (Status e = r.base64("client-certificate-data", u.entry.clientCertificatePem);
                    !e)
                    return e;
                if (Status e = r.string("client-key", keyFile); !e)
                    return e;
                if (Status e = r.base64("client-key-data", u.entry.clientKeyPem); !e)
                    return e;
                if (Status e = r.string("username", u.entry.username); !e)
                    return e;
                if (Status e = r.string("password", u.entry.password); !e)
                    return e;
                const YAML::Node exec = r.node("exec");
                if (exec && !exec.IsNull()) {
                    ExecConfig cfg;
                    if (Status e = parseExec(r, baseDir, cfg); !e)
                        return e;
                    u.entry.exec = std::move(cfg);
                }
                u.entry.tokenFile = resolvePath(tokenFile, baseDir);
                u.clientCertificateFile = resolvePath(certFile, baseDir);
                u.clientKeyFile = resolvePath(keyFile, baseDir);
                config.m_users.push_back(std::move(u));
                return Status();
            });
        if (!s)
            return fail(s);

        s = forEachNamed(root, "contexts", "context", "context",
                         [&](const std::string &name, const FieldReader &r) {
                             NamedContext c;
                             c.name = name;
                             c.origin = origin;
                             if (Status e = r.string("cluster", c.cluster); !e)
                                 return e;
                             if (Status e = r.string("user", c.user); !e)
                                 return e;
                             if (Status e = r.string("namespace", c.ns); !e)
                                 return e;
                             config.m_contexts.push_back(std::move(c));
                             return Status();
                         });
        if (!s)
            return fail(s);
    } catch (const YAML::Exception &e) {
        // yaml-cpp's message describes the syntax, never echoes the text.
        std::string where = markText(e.mark);
        return Status::invalidArgument(head + ": invalid YAML" +
                                       (where.empty() ? std::string() : " at " + where) + ": " +
                                       e.msg);
    } catch (const std::exception &e) {
        return Status::invalidArgument(head + ": cannot parse: " + e.what());
    }
    return config;
}

Result<Kubeconfig> Kubeconfig::loadFile(const std::string &path)
{
    std::string text, why;
    switch (readWholeFile(path, text, why)) {
    case ReadError::None:
        break;
    case ReadError::NotFound:
        return Status::notFound("kubeconfig " + path + ": " + why);
    case ReadError::Unreadable:
        return Status::invalidArgument("kubeconfig " + path + ": cannot read: " + why);
    }
    std::error_code ec;
    fs::path absolute = fs::absolute(fs::path(path), ec);
    if (ec)
        absolute = fs::path(path);
    return parseDocument(text, absolute.parent_path().lexically_normal().string(), path);
}

Result<Kubeconfig> Kubeconfig::loadMerged(const std::vector<std::string> &files)
{
    Kubeconfig merged;
    bool anyFound = false;
    for (const std::string &file : files) {
        if (file.empty())
            continue;
        std::error_code ec;
        if (!fs::exists(file, ec))
            continue; // kubectl skips files that do not exist
        Result<Kubeconfig> one = loadFile(file);
        if (!one)
            return one.status();
        anyFound = true;
        // The first file to define a name wins it.
        auto mergeList = [](auto &into, auto &from) {
            for (auto &entry : from) {
                bool taken = std::any_of(into.begin(), into.end(),
                                         [&](const auto &e) { return e.name == entry.name; });
                if (!taken)
                    into.push_back(std::move(entry));
            }
        };
        mergeList(merged.m_clusters, one->m_clusters);
        mergeList(merged.m_users, one->m_users);
        mergeList(merged.m_contexts, one->m_contexts);
        if (merged.m_currentContext.empty())
            merged.m_currentContext = one->m_currentContext;
    }
    if (!anyFound) {
        std::string list;
        for (const std::string &file : files) {
            if (file.empty())
                continue;
            list += list.empty() ? file : ", " + file;
        }
        if (list.empty())
            return Status::notFound("kubeconfig: no kubeconfig file given");
        return Status::notFound("kubeconfig: none of these files exists: " + list);
    }
    return merged;
}

std::vector<std::string> Kubeconfig::defaultFiles(const std::string &kubeconfigEnv,
                                                  const std::string &home)
{
    std::vector<std::string> files;
    if (!kubeconfigEnv.empty()) {
        size_t start = 0;
        while (start <= kubeconfigEnv.size()) {
            size_t end = kubeconfigEnv.find(':', start);
            if (end == std::string::npos)
                end = kubeconfigEnv.size();
            std::string entry = kubeconfigEnv.substr(start, end - start);
            if (!entry.empty() && std::find(files.begin(), files.end(), entry) == files.end())
                files.push_back(std::move(entry));
            start = end + 1;
        }
        return files;
    }
    if (home.empty())
        return files;
    files.push_back((fs::path(home) / ".kube" / "config").string());
    return files;
}

std::vector<std::string> Kubeconfig::contextNames() const
{
    std::vector<std::string> names;
    names.reserve(m_contexts.size());
    for (const NamedContext &c : m_contexts)
        names.push_back(c.name);
    return names;
}

Result<ResolvedContext> Kubeconfig::resolve(const std::string &name) const
{
    const std::string contextName = name.empty() ? m_currentContext : name;
    if (contextName.empty())
        return Status::notFound("kubeconfig: no current context is set; choose a context");

    auto context = std::find_if(m_contexts.begin(), m_contexts.end(),
                                [&](const NamedContext &c) { return c.name == contextName; });
    if (context == m_contexts.end())
        return Status::notFound("kubeconfig: context " + quote(contextName) + " not found");

    const std::string contextWhere = prefix(context->origin) + ": context " + quote(contextName);
    if (context->cluster.empty())
        return Status::invalidArgument(contextWhere + " names no cluster");
    auto cluster = std::find_if(m_clusters.begin(), m_clusters.end(),
                                [&](const NamedCluster &c) { return c.name == context->cluster; });
    if (cluster == m_clusters.end())
        return Status::notFound(contextWhere + ": cluster " + quote(context->cluster) +
                                " not found");
    const NamedUser *user = nullptr;
    if (!context->user.empty()) {
        auto it = std::find_if(m_users.begin(), m_users.end(),
                               [&](const NamedUser &u) { return u.name == context->user; });
        if (it == m_users.end())
            return Status::notFound(contextWhere + ": user " + quote(context->user) + " not found");
        user = &*it;
    }

    ResolvedContext out;
    out.name = contextName;
    out.clusterName = cluster->name;
    out.userName = context->user;
    out.ns = context->ns;
    out.cluster = cluster->entry;

    const std::string clusterWhere = prefix(cluster->origin) + ": cluster " + quote(cluster->name);
    if (out.cluster.server.empty())
        return Status::invalidArgument(clusterWhere + ": no server");
    if (!cluster->certificateAuthorityFile.empty()) {
        if (!out.cluster.certificateAuthorityPem.empty())
            return Status::invalidArgument(
                clusterWhere + ": certificate-authority and certificate-authority-data are "
                               "both specified");
        if (Status s =
                readReferencedFile(cluster->certificateAuthorityFile, clusterWhere,
                                   "certificate-authority", out.cluster.certificateAuthorityPem);
            !s)
            return s;
    }

    if (user) {
        out.user = user->entry;
        const std::string userWhere = prefix(user->origin) + ": user " + quote(user->name);
        UserEntry &u = out.user;
        if (!user->clientCertificateFile.empty() && !u.clientCertificatePem.empty())
            return Status::invalidArgument(
                userWhere + ": client-certificate and client-certificate-data are both specified");
        if (!user->clientKeyFile.empty() && !u.clientKeyPem.empty())
            return Status::invalidArgument(userWhere +
                                           ": client-key and client-key-data are both specified");
        const bool hasCert =
            !user->clientCertificateFile.empty() || !u.clientCertificatePem.empty();
        const bool hasKey = !user->clientKeyFile.empty() || !u.clientKeyPem.empty();
        if (hasCert && !hasKey)
            return Status::invalidArgument(
                userWhere + ": client-key or client-key-data must be specified with a client "
                            "certificate");
        if (!u.token.empty() && (!u.username.empty() || !u.password.empty()))
            return Status::invalidArgument(
                userWhere + ": more than one authentication method (token and basic auth); only "
                            "one is allowed");
        if (u.exec) {
            if (Status s = validateExec(*u.exec, user->name); !s)
                return Status(s.code(), prefix(user->origin) + ": " + s.message());
        }
        if (!user->clientCertificateFile.empty()) {
            if (Status s = readReferencedFile(user->clientCertificateFile, userWhere,
                                              "client-certificate", u.clientCertificatePem);
                !s)
                return s;
        }
        if (!user->clientKeyFile.empty()) {
            if (Status s = readReferencedFile(user->clientKeyFile, userWhere, "client-key",
                                              u.clientKeyPem);
                !s)
                return s;
        }
    }
    return out;
}

} // namespace kubist::client
