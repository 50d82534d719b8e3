#include "backend/client/execcredential.h"

#include "backend/api/encoding.h"

#include <QByteArray>
#include <QDeadlineTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QString>
#include <QStringList>

#include <algorithm>

namespace kubist::client {

namespace {

constexpr std::string_view kExecV1 = "client.authentication.k8s.io/v1";
constexpr std::string_view kExecV1beta1 = "client.authentication.k8s.io/v1beta1";

// How long a killed plugin gets to be reaped.
constexpr int kReapMs = 2000;
// Stderr quoted in an error is cut to this many characters.
constexpr size_t kStderrLimit = 300;

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

std::string durationText(std::chrono::milliseconds d)
{
    const auto ms = d.count();
    if (ms % 1000 == 0)
        return std::to_string(ms / 1000) + " s";
    return std::to_string(ms) + " ms";
}

// The first non-empty line of the plugin's stderr, trimmed and bounded.
std::string firstLine(const QByteArray &bytes)
{
    const QList<QByteArray> lines = bytes.split('\n');
    for (const QByteArray &line : lines) {
        const QByteArray trimmed = line.trimmed();
        if (trimmed.isEmpty())
            continue;
        std::string out = trimmed.toStdString();
        if (out.size() > kStderrLimit)
            out = out.substr(0, kStderrLimit) + "...";
        return out;
    }
    return {};
}

// An apiVersion the plugin printed, quoted only when it is one of this API
// group's (it comes from stdout, which is never echoed otherwise).
std::string printableApiVersion(const QString &v)
{
    static const QString group = QStringLiteral("client.authentication.k8s.io/");
    if (v.isEmpty())
        return "none";
    if (!v.startsWith(group) || v.size() > group.size() + 16)
        return "another one";
    for (QChar c : v.mid(group.size())) {
        if (!(c.isLower() || c.isDigit()) || c.unicode() > 127)
            return "another one";
    }
    return "\"" + v.toStdString() + "\"";
}

// KUBERNETES_EXEC_INFO: an ExecCredential whose spec tells the plugin it
// runs without a terminal and, when asked for, which cluster it serves.
QByteArray execInfo(const ExecConfig &config, const ClusterEntry &cluster)
{
    QJsonObject spec;
    spec.insert("interactive", false);
    if (config.provideClusterInfo) {
        // Field names as client-go's clientauthentication Cluster spells them.
        QJsonObject c;
        c.insert("server", qs(cluster.server));
        if (!cluster.tlsServerName.empty())
            c.insert("tls-server-name", qs(cluster.tlsServerName));
        if (cluster.insecureSkipTlsVerify)
            c.insert("insecure-skip-tls-verify", true);
        if (!cluster.certificateAuthorityPem.empty()) {
            std::string b64;
            api::base64Encode(cluster.certificateAuthorityPem, b64);
            c.insert("certificate-authority-data", qs(b64));
        }
        if (!cluster.proxyUrl.empty())
            c.insert("proxy-url", qs(cluster.proxyUrl));
        spec.insert("cluster", c);
    }
    QJsonObject cred;
    cred.insert("apiVersion", qs(config.apiVersion));
    cred.insert("kind", "ExecCredential");
    cred.insert("spec", spec);
    return QJsonDocument(cred).toJson(QJsonDocument::Compact);
}

// Parses the plugin's stdout. `why` never quotes the text.
bool parseCredential(const QByteArray &out, const std::string &apiVersion,
                     ExecCredentialProvider::Credential &cred, std::string &why)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(out, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        why = "not JSON (" + parseError.errorString().toStdString() + " at offset " +
              std::to_string(parseError.offset) + ")";
        return false;
    }
    if (!doc.isObject()) {
        why = "not a JSON object";
        return false;
    }
    const QJsonObject obj = doc.object();
    const QJsonValue kind = obj.value("kind");
    if (!kind.isString() || kind.toString() != QLatin1String("ExecCredential")) {
        why = "kind is not ExecCredential";
        return false;
    }
    const QJsonValue version = obj.value("apiVersion");
    if (!version.isString() || version.toString() != qs(apiVersion)) {
        why = "the plugin is configured for " + apiVersion + " but returned apiVersion " +
              printableApiVersion(version.isString() ? version.toString() : QString());
        return false;
    }
    const QJsonValue statusValue = obj.value("status");
    if (!statusValue.isObject()) {
        why = "no status";
        return false;
    }
    const QJsonObject status = statusValue.toObject();
    auto stringField = [&](const char *key, std::string &into) {
        const QJsonValue v = status.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            return true;
        if (!v.isString()) {
            why = std::string("status.") + key + " is not a string";
            return false;
        }
        into = v.toString().toStdString();
        return true;
    };
    if (!stringField("token", cred.token) ||
        !stringField("clientCertificateData", cred.clientCertificatePem) ||
        !stringField("clientKeyData", cred.clientKeyPem))
        return false;
    if (cred.token.empty() && cred.clientCertificatePem.empty() && cred.clientKeyPem.empty()) {
        why = "no token and no client certificate and key";
        return false;
    }
    if (cred.clientCertificatePem.empty() != cred.clientKeyPem.empty()) {
        why = "only one of clientCertificateData and clientKeyData";
        return false;
    }
    std::string expiry;
    if (!stringField("expirationTimestamp", expiry))
        return false;
    if (!expiry.empty()) {
        int64_t seconds = 0;
        int32_t nanos = 0;
        if (!api::parseRfc3339(expiry, &seconds, &nanos)) {
            why = "status.expirationTimestamp is not an RFC 3339 time";
            return false;
        }
        cred.expiry = std::chrono::system_clock::time_point(
            std::chrono::duration_cast<std::chrono::system_clock::duration>(
                std::chrono::seconds(seconds) + std::chrono::nanoseconds(nanos)));
    }
    return true;
}

} // namespace

ExecCredentialProvider::ExecCredentialProvider(ExecConfig config, ClusterEntry cluster, Now now,
                                               std::chrono::milliseconds timeout)
    : m_config(std::move(config))
    , m_cluster(std::move(cluster))
    , m_now(now ? std::move(now) : Now([] { return std::chrono::system_clock::now(); }))
    , m_timeout(timeout)
{}

Result<ExecCredentialProvider::Credential> ExecCredentialProvider::credential()
{
    std::lock_guard lock(m_mutex);
    // As client-go: a credential without expiry lasts until invalidate();
    // one with an expiry is used up to and including that instant.
    if (m_cached && (!m_cached->expiry || m_now() <= *m_cached->expiry))
        return *m_cached;
    m_cached.reset();
    Result<Credential> fresh = run();
    if (fresh)
        m_cached = *fresh;
    return fresh;
}

void ExecCredentialProvider::invalidate()
{
    std::lock_guard lock(m_mutex);
    m_cached.reset();
}

int ExecCredentialProvider::runs() const
{
    std::lock_guard lock(m_mutex);
    return m_runs;
}

Result<ExecCredentialProvider::Credential> ExecCredentialProvider::run()
{
    const std::string head = "exec plugin " + m_config.command;
    if (m_config.command.empty())
        return Status::invalidArgument("exec plugin: no command configured");
    if (m_config.apiVersion != kExecV1 && m_config.apiVersion != kExecV1beta1)
        return Status::invalidArgument(head + ": apiVersion \"" + m_config.apiVersion +
                                       "\" is not supported (use " + std::string(kExecV1) + " or " +
                                       std::string(kExecV1beta1) + ")");
    // Kubist runs plugins without a terminal: "Always" cannot be honoured
    // (client-go fails the same way when stdin is not a terminal).
    if (m_config.interactiveMode == "Always")
        return Status::invalidArgument(head + ": interactiveMode Always needs a terminal, and "
                                              "Kubist runs plugins without one");
    if (!m_config.interactiveMode.empty() && m_config.interactiveMode != "Never" &&
        m_config.interactiveMode != "IfAvailable")
        return Status::invalidArgument(head + ": invalid interactiveMode \"" +
                                       m_config.interactiveMode + "\"");

    // As Go's exec.Command: a name holding a '/' is a path, others are looked
    // up in our own PATH.
    QString program = qs(m_config.command);
    if (m_config.command.find('/') == std::string::npos) {
        program = QStandardPaths::findExecutable(program);
    } else if (!QFileInfo::exists(program)) {
        program.clear();
    }
    if (program.isEmpty()) {
        std::string message = head + ": not found";
        if (!m_config.installHint.empty())
            message += " (install hint: " + m_config.installHint + ")";
        return Status::notFound(std::move(message));
    }

    QStringList args;
    for (const std::string &a : m_config.args)
        args << qs(a);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const auto &[name, value] : m_config.env)
        env.insert(qs(name), qs(value));
    env.insert("KUBERNETES_EXEC_INFO", QString::fromUtf8(execInfo(m_config, m_cluster)));

    QProcess process;
    process.setProgram(program);
    process.setArguments(args);
    process.setProcessEnvironment(env);
    process.setStandardInputFile(QProcess::nullDevice());
    process.setProcessChannelMode(QProcess::SeparateChannels);

    ++m_runs;
    const QDeadlineTimer deadline(m_timeout.count());
    process.start();
    if (!process.waitForStarted(std::max<qint64>(deadline.remainingTime(), 1))) {
        if (process.error() == QProcess::Timedout) {
            process.kill();
            process.waitForFinished(kReapMs);
            return Status::timeout(head + ": timed out after " + durationText(m_timeout));
        }
        return Status::unavailable(head + ": cannot start: " + process.errorString().toStdString());
    }
    // QProcess buffers both channels while waiting, so a chatty plugin does
    // not block on a full pipe.
    if (!process.waitForFinished(std::max<qint64>(deadline.remainingTime(), 1))) {
        process.kill();
        process.waitForFinished(kReapMs);
        return Status::timeout(head + ": timed out after " + durationText(m_timeout));
    }
    const QByteArray out = process.readAllStandardOutput();
    const QByteArray err = process.readAllStandardError();

    if (process.exitStatus() == QProcess::CrashExit) {
        std::string message = head + ": crashed";
        if (std::string line = firstLine(err); !line.empty())
            message += ": " + line;
        return Status::unauthenticated(std::move(message));
    }
    if (process.exitCode() != 0) {
        std::string message = head + ": exited with code " + std::to_string(process.exitCode());
        if (std::string line = firstLine(err); !line.empty())
            message += ": " + line;
        return Status::unauthenticated(std::move(message));
    }

    Credential cred;
    std::string why;
    if (!parseCredential(out, m_config.apiVersion, cred, why))
        return Status::unauthenticated(head + ": printed no valid ExecCredential: " + why);
    return cred;
}

} // namespace kubist::client
