// ExecCredentialProvider over small /bin/sh plugins: tokens and client
// certificates of both accepted apiVersions, caching by expiry, invalidate(),
// args/env/KUBERNETES_EXEC_INFO, failures whose errors never carry the
// plugin's stdout, not found, timeout, and concurrent callers sharing a run.

#include "backend/api/encoding.h"
#include "backend/client/execcredential.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace kubist;
using namespace kubist::client;
using namespace std::chrono_literals;

Q_DECLARE_METATYPE(std::string)

namespace {

const std::string kV1 = "client.authentication.k8s.io/v1";
const std::string kV1beta1 = "client.authentication.k8s.io/v1beta1";
const std::string kStdoutSecret = "STDOUT-SECRET-31337";

// Test data uses ' for " so that the literals stay simple.
std::string dq(std::string s)
{
    for (char &c : s) {
        if (c == '\'')
            c = '"';
    }
    return s;
}

bool contains(const std::string &haystack, const std::string &needle)
{
    return haystack.find(needle) != std::string::npos;
}

std::chrono::system_clock::time_point at(const std::string &rfc3339)
{
    int64_t seconds = 0;
    int32_t nanos = 0;
    if (!api::parseRfc3339(rfc3339, &seconds, &nanos))
        qFatal("bad time %s", rfc3339.c_str());
    return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

// A plugin directory: scripts that count their runs in `runs.log`.
class Plugins final
{
public:
    Plugins()
    {
        if (!m_dir.isValid())
            qFatal("no temporary directory");
    }

    std::string path(const std::string &name) const
    {
        return m_dir.filePath(QString::fromStdString(name)).toStdString();
    }

    // Writes an executable /bin/sh script: it logs its run, runs `body`.
    std::string script(const std::string &name, const std::string &body) const
    {
        const std::string file = path(name);
        const std::string text = "#!/bin/sh\necho run >> '" + path("runs.log") + "'\n" + body;
        QFile f(QString::fromStdString(file));
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            qFatal("cannot write %s", file.c_str());
        f.write(text.data(), qint64(text.size()));
        f.close();
        f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        return file;
    }

    // A script printing `json` (variables in it are expanded by the shell).
    std::string printing(const std::string &name, const std::string &json,
                         const std::string &before = {}) const
    {
        return script(name, before + "cat <<EOF\n" + json + "\nEOF\n");
    }

    int loggedRuns() const
    {
        QFile f(QString::fromStdString(path("runs.log")));
        if (!f.open(QIODevice::ReadOnly))
            return 0;
        return int(f.readAll().count('\n'));
    }

    std::string read(const std::string &name) const
    {
        QFile f(QString::fromStdString(path(name)));
        if (!f.open(QIODevice::ReadOnly))
            return {};
        return f.readAll().toStdString();
    }

private:
    QTemporaryDir m_dir;
};

std::string tokenCredential(const std::string &apiVersion, const std::string &token,
                            const std::string &expiry = {})
{
    std::string status = "'token': '" + token + "'";
    if (!expiry.empty())
        status += ", 'expirationTimestamp': '" + expiry + "'";
    return dq("{'apiVersion': '" + apiVersion + "', 'kind': 'ExecCredential', 'status': {" +
              status + "}}");
}

ExecConfig execConfig(const std::string &command, const std::string &apiVersion = kV1)
{
    ExecConfig config;
    config.apiVersion = apiVersion;
    config.command = command;
    config.interactiveMode = "Never";
    return config;
}

// A clock the test moves by hand.
struct TestNow
{
    std::shared_ptr<std::atomic<int64_t>> seconds = std::make_shared<std::atomic<int64_t>>(0);

    void set(std::chrono::system_clock::time_point t)
    {
        seconds->store(
            std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
    }
    ExecCredentialProvider::Now now() const
    {
        return [s = seconds] {
            return std::chrono::system_clock::time_point(std::chrono::seconds(s->load()));
        };
    }
};

} // namespace

class TestExecCredential : public QObject
{
    Q_OBJECT

private slots:
    void returnsToken_data();
    void returnsToken();
    void returnsClientCertificateAndKey();
    void cachedUntilExpiry();
    void expiredCredentialRunsAgain();
    void invalidateRunsAgain();
    void failuresAreNotCached();
    void argsAndEnvArePassed();
    void execInfoDescribesTheRun_data();
    void execInfoDescribesTheRun();
    void failuresNeverShowStdout_data();
    void failuresNeverShowStdout();
    void notFoundNamesTheInstallHint_data();
    void notFoundNamesTheInstallHint();
    void unsupportedConfigFailsWithoutRunning_data();
    void unsupportedConfigFailsWithoutRunning();
    void slowPluginTimesOut();
    void concurrentCallersShareOneRun();
};

void TestExecCredential::returnsToken_data()
{
    QTest::addColumn<std::string>("apiVersion");
    QTest::newRow("v1") << kV1;
    QTest::newRow("v1beta1") << kV1beta1;
}

void TestExecCredential::returnsToken()
{
    QFETCH(std::string, apiVersion);
    Plugins plugins;
    const std::string cmd = plugins.printing("plugin", tokenCredential(apiVersion, "tok-1"));
    ExecCredentialProvider provider(execConfig(cmd, apiVersion), {});
    Result<ExecCredentialProvider::Credential> cred = provider.credential();
    QVERIFY2(cred.isOk(), cred.status().message().c_str());
    QCOMPARE(cred->token, std::string("tok-1"));
    QVERIFY(cred->clientCertificatePem.empty());
    QVERIFY(!cred->expiry);
    // Without an expiry the credential lasts until invalidate().
    QVERIFY(provider.credential().isOk());
    QCOMPARE(provider.runs(), 1);
    QCOMPARE(plugins.loggedRuns(), 1);
}

void TestExecCredential::returnsClientCertificateAndKey()
{
    Plugins plugins;
    const std::string json =
        dq("{'apiVersion': '" + kV1 +
           "', 'kind': 'ExecCredential', 'status': {"
           "'clientCertificateData': '-----BEGIN CERTIFICATE-----\\nCERT\\n-----END "
           "CERTIFICATE-----\\n',"
           " 'clientKeyData': '-----BEGIN PRIVATE KEY-----\\nKEY\\n-----END PRIVATE KEY-----\\n',"
           " 'expirationTimestamp': '2030-01-02T03:04:05Z'}}");
    const std::string cmd = plugins.printing("plugin", json);
    ExecCredentialProvider provider(execConfig(cmd), {});
    Result<ExecCredentialProvider::Credential> cred = provider.credential();
    QVERIFY2(cred.isOk(), cred.status().message().c_str());
    QVERIFY(cred->token.empty());
    QCOMPARE(cred->clientCertificatePem,
             std::string("-----BEGIN CERTIFICATE-----\nCERT\n-----END CERTIFICATE-----\n"));
    QCOMPARE(cred->clientKeyPem,
             std::string("-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n"));
    QVERIFY(cred->expiry.has_value());
    QVERIFY(*cred->expiry == at("2030-01-02T03:04:05Z"));
}

void TestExecCredential::cachedUntilExpiry()
{
    Plugins plugins;
    const std::string cmd =
        plugins.printing("plugin", tokenCredential(kV1, "tok", "2030-01-01T00:00:00Z"));
    TestNow now;
    now.set(at("2029-12-31T23:00:00Z"));
    ExecCredentialProvider provider(execConfig(cmd), {}, now.now());
    QVERIFY(provider.credential().isOk());
    QVERIFY(provider.credential().isOk());
    QCOMPARE(provider.runs(), 1);
    // Still valid at the very instant of expiry (client-go: now.After(exp)).
    now.set(at("2030-01-01T00:00:00Z"));
    QVERIFY(provider.credential().isOk());
    QCOMPARE(provider.runs(), 1);
    now.set(at("2030-01-01T00:00:01Z"));
    QVERIFY(provider.credential().isOk());
    QCOMPARE(provider.runs(), 2);
    QCOMPARE(plugins.loggedRuns(), 2);
}

void TestExecCredential::expiredCredentialRunsAgain()
{
    Plugins plugins;
    const std::string cmd =
        plugins.printing("plugin", tokenCredential(kV1, "tok", "2020-01-01T00:00:00Z"));
    TestNow now;
    now.set(at("2025-06-01T00:00:00Z"));
    ExecCredentialProvider provider(execConfig(cmd), {}, now.now());
    QVERIFY(provider.credential().isOk());
    QVERIFY(provider.credential().isOk());
    QCOMPARE(provider.runs(), 2);
    QCOMPARE(plugins.loggedRuns(), 2);
}

void TestExecCredential::invalidateRunsAgain()
{
    Plugins plugins;
    const std::string cmd = plugins.printing("plugin", tokenCredential(kV1, "tok"));
    ExecCredentialProvider provider(execConfig(cmd), {});
    QVERIFY(provider.credential().isOk());
    provider.invalidate();
    QVERIFY(provider.credential().isOk());
    QVERIFY(provider.credential().isOk());
    QCOMPARE(provider.runs(), 2);
    QCOMPARE(plugins.loggedRuns(), 2);
}

void TestExecCredential::failuresAreNotCached()
{
    Plugins plugins;
    // Fails on its first run (runs.log then holds one line), succeeds after.
    const std::string cmd = plugins.printing("plugin", tokenCredential(kV1, "second"),
                                             "if [ $(wc -l < '" + plugins.path("runs.log") +
                                                 "') -lt 2 ]; then exit 1; fi\n");
    ExecCredentialProvider provider(execConfig(cmd), {});
    QVERIFY(!provider.credential().isOk());
    Result<ExecCredentialProvider::Credential> cred = provider.credential();
    QVERIFY2(cred.isOk(), cred.status().message().c_str());
    QCOMPARE(cred->token, std::string("second"));
    QCOMPARE(provider.runs(), 2);
}

void TestExecCredential::argsAndEnvArePassed()
{
    Plugins plugins;
    const std::string cmd = plugins.printing("plugin", tokenCredential(kV1, "$1-$FOO-$2"));
    ExecConfig config = execConfig(cmd);
    config.args = {"alpha", "two words"};
    config.env = {{"FOO", "beta"}};
    ExecCredentialProvider provider(config, {});
    Result<ExecCredentialProvider::Credential> cred = provider.credential();
    QVERIFY2(cred.isOk(), cred.status().message().c_str());
    QCOMPARE(cred->token, std::string("alpha-beta-two words"));
}

void TestExecCredential::execInfoDescribesTheRun_data()
{
    QTest::addColumn<std::string>("apiVersion");
    QTest::addColumn<bool>("provideClusterInfo");
    QTest::newRow("v1 with cluster info") << kV1 << true;
    QTest::newRow("v1 without cluster info") << kV1 << false;
    QTest::newRow("v1beta1 with cluster info") << kV1beta1 << true;
}

void TestExecCredential::execInfoDescribesTheRun()
{
    QFETCH(std::string, apiVersion);
    QFETCH(bool, provideClusterInfo);
    Plugins plugins;
    const std::string infoFile = plugins.path("info.json");
    const std::string cmd =
        plugins.printing("plugin", tokenCredential(apiVersion, "tok"),
                         "printf '%s' \"$KUBERNETES_EXEC_INFO\" > '" + infoFile + "'\n");
    ExecConfig config = execConfig(cmd, apiVersion);
    config.provideClusterInfo = provideClusterInfo;
    ClusterEntry cluster;
    cluster.server = "https://api.example:6443";
    cluster.certificateAuthorityPem = "CA PEM";
    cluster.insecureSkipTlsVerify = true;
    cluster.tlsServerName = "api.internal";
    cluster.proxyUrl = "http://proxy:3128";
    ExecCredentialProvider provider(config, cluster);
    Result<ExecCredentialProvider::Credential> cred = provider.credential();
    QVERIFY2(cred.isOk(), cred.status().message().c_str());

    const QJsonDocument doc =
        QJsonDocument::fromJson(QByteArray::fromStdString(plugins.read("info.json")));
    QVERIFY(doc.isObject());
    const QJsonObject info = doc.object();
    QCOMPARE(info.value("apiVersion").toString().toStdString(), apiVersion);
    QCOMPARE(info.value("kind").toString(), QString("ExecCredential"));
    const QJsonObject spec = info.value("spec").toObject();
    QVERIFY(spec.value("interactive").isBool());
    QCOMPARE(spec.value("interactive").toBool(), false);
    QCOMPARE(spec.contains("cluster"), provideClusterInfo);
    if (!provideClusterInfo)
        return;
    const QJsonObject c = spec.value("cluster").toObject();
    QCOMPARE(c.value("server").toString(), QString("https://api.example:6443"));
    QCOMPARE(QByteArray::fromBase64(c.value("certificate-authority-data").toString().toLatin1()),
             QByteArray("CA PEM"));
    QCOMPARE(c.value("insecure-skip-tls-verify").toBool(), true);
    QCOMPARE(c.value("tls-server-name").toString(), QString("api.internal"));
    QCOMPARE(c.value("proxy-url").toString(), QString("http://proxy:3128"));
}

void TestExecCredential::failuresNeverShowStdout_data()
{
    QTest::addColumn<std::string>("body");
    QTest::addColumn<std::string>("expected");
    QTest::addColumn<std::string>("expected2");
    const std::string secretToken = tokenCredential(kV1, kStdoutSecret);
    QTest::newRow("non-zero exit with stderr")
        << "echo '" + secretToken + "'\necho boom >&2\necho second line >&2\nexit 3\n"
        << std::string("exited with code 3: boom") << std::string();
    QTest::newRow("non-zero exit without stderr")
        << "echo " + kStdoutSecret + "\nexit 7\n"
        << std::string("exited with code 7") << std::string();
    QTest::newRow("apiVersion mismatch")
        << "echo '" + tokenCredential(kV1beta1, kStdoutSecret) + "'\n"
        << std::string("printed no valid ExecCredential")
        << std::string("returned apiVersion \"" + kV1beta1 + "\"");
    QTest::newRow("not JSON") << "echo token=" + kStdoutSecret + "\n"
                              << std::string("printed no valid ExecCredential: not JSON")
                              << std::string();
    QTest::newRow("JSON but not an object")
        << std::string("echo '[1, 2]'\n")
        << std::string("printed no valid ExecCredential: not a JSON object") << std::string();
    QTest::newRow("wrong kind") << "echo '" +
                                       dq("{'apiVersion': '" + kV1 + "', 'kind': '" +
                                          kStdoutSecret + "', 'status': {'token': 'x'}}") +
                                       "'\n"
                                << std::string("kind is not ExecCredential") << std::string();
    QTest::newRow("no status")
        << "echo '" + dq("{'apiVersion': '" + kV1 + "', 'kind': 'ExecCredential'}") + "'\n"
        << std::string("no status") << std::string();
    QTest::newRow("neither token nor certificate")
        << "echo '" + dq("{'apiVersion': '" + kV1 + "', 'kind': 'ExecCredential', 'status': {}}") +
               "'\n"
        << std::string("no token") << std::string();
    QTest::newRow("certificate without key")
        << "echo '" +
               dq("{'apiVersion': '" + kV1 +
                  "', 'kind': 'ExecCredential', 'status': {'clientCertificateData': '" +
                  kStdoutSecret + "'}}") +
               "'\n"
        << std::string("only one of clientCertificateData and clientKeyData") << std::string();
    QTest::newRow("bad expiry") << "echo '" + tokenCredential(kV1, kStdoutSecret, "tomorrow") +
                                       "'\n"
                                << std::string("expirationTimestamp is not an RFC 3339 time")
                                << std::string();
    QTest::newRow("apiVersion holding the secret")
        << "echo '" + tokenCredential(kStdoutSecret, "x") + "'\n"
        << std::string("returned apiVersion another one") << std::string();
}

void TestExecCredential::failuresNeverShowStdout()
{
    QFETCH(std::string, body);
    QFETCH(std::string, expected);
    QFETCH(std::string, expected2);
    Plugins plugins;
    const std::string cmd = plugins.script("plugin", body);
    ExecCredentialProvider provider(execConfig(cmd), {});
    Result<ExecCredentialProvider::Credential> cred = provider.credential();
    QVERIFY(!cred.isOk());
    const std::string &message = cred.status().message();
    QVERIFY2(contains(message, "exec plugin " + cmd + ": "), message.c_str());
    QVERIFY2(contains(message, expected), message.c_str());
    QVERIFY2(contains(message, expected2), message.c_str());
    QVERIFY2(!contains(message, kStdoutSecret), message.c_str());
    QVERIFY2(!contains(message, "second line"), message.c_str());
    QCOMPARE(provider.runs(), 1);
}

void TestExecCredential::notFoundNamesTheInstallHint_data()
{
    QTest::addColumn<std::string>("command");
    QTest::addColumn<std::string>("installHint");
    QTest::addColumn<std::string>("expected");
    QTest::newRow("bare name not in PATH with hint")
        << std::string("kubist-no-such-plugin") << std::string("brew install it")
        << std::string(
               "exec plugin kubist-no-such-plugin: not found (install hint: brew install it)");
    QTest::newRow("path that does not exist")
        << std::string("/nonexistent/dir/plugin") << std::string()
        << std::string("exec plugin /nonexistent/dir/plugin: not found");
}

void TestExecCredential::notFoundNamesTheInstallHint()
{
    QFETCH(std::string, command);
    QFETCH(std::string, installHint);
    QFETCH(std::string, expected);
    ExecConfig config = execConfig(command);
    config.installHint = installHint;
    ExecCredentialProvider provider(config, {});
    Result<ExecCredentialProvider::Credential> cred = provider.credential();
    QVERIFY(!cred.isOk());
    QCOMPARE(cred.status().code(), Status::Code::NotFound);
    QCOMPARE(cred.status().message(), expected);
}

void TestExecCredential::unsupportedConfigFailsWithoutRunning_data()
{
    QTest::addColumn<std::string>("apiVersion");
    QTest::addColumn<std::string>("interactiveMode");
    QTest::addColumn<std::string>("expected");
    QTest::newRow("v1alpha1") << std::string("client.authentication.k8s.io/v1alpha1")
                              << std::string("Never") << std::string("is not supported");
    QTest::newRow("no apiVersion")
        << std::string() << std::string("Never") << std::string("is not supported");
    QTest::newRow("interactiveMode Always")
        << kV1 << std::string("Always") << std::string("needs a terminal");
    QTest::newRow("unknown interactiveMode")
        << kV1 << std::string("Sometimes") << std::string("invalid interactiveMode");
}

void TestExecCredential::unsupportedConfigFailsWithoutRunning()
{
    QFETCH(std::string, apiVersion);
    QFETCH(std::string, interactiveMode);
    QFETCH(std::string, expected);
    Plugins plugins;
    const std::string cmd = plugins.printing("plugin", tokenCredential(kV1, "tok"));
    ExecConfig config = execConfig(cmd, apiVersion);
    config.interactiveMode = interactiveMode;
    ExecCredentialProvider provider(config, {});
    Result<ExecCredentialProvider::Credential> cred = provider.credential();
    QVERIFY(!cred.isOk());
    QVERIFY2(contains(cred.status().message(), expected), cred.status().message().c_str());
    QCOMPARE(provider.runs(), 0);
    QCOMPARE(plugins.loggedRuns(), 0);
}

void TestExecCredential::slowPluginTimesOut()
{
    Plugins plugins;
    // exec: the kill reaches sleep itself, leaving nothing behind.
    const std::string cmd = plugins.script("plugin", "echo " + kStdoutSecret + "\nexec sleep 30\n");
    ExecCredentialProvider provider(execConfig(cmd), {}, {}, 300ms);
    Result<ExecCredentialProvider::Credential> cred = provider.credential();
    QVERIFY(!cred.isOk());
    QCOMPARE(cred.status().code(), Status::Code::Timeout);
    QCOMPARE(cred.status().message(), "exec plugin " + cmd + ": timed out after 300 ms");
}

void TestExecCredential::concurrentCallersShareOneRun()
{
    Plugins plugins;
    const std::string cmd = plugins.printing("plugin", tokenCredential(kV1, "shared"));
    ExecCredentialProvider provider(execConfig(cmd), {});
    std::vector<std::string> tokens(4);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < tokens.size(); ++i) {
        threads.emplace_back([&provider, &tokens, i] {
            Result<ExecCredentialProvider::Credential> cred = provider.credential();
            tokens[i] = cred.isOk() ? cred->token : cred.status().message();
        });
    }
    for (std::thread &t : threads)
        t.join();
    for (const std::string &token : tokens)
        QCOMPARE(token, std::string("shared"));
    QCOMPARE(provider.runs(), 1);
    QCOMPARE(plugins.loggedRuns(), 1);
}

QTEST_GUILESS_MAIN(TestExecCredential)
#include "tst_execcredential.moc"
