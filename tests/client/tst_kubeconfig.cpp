// Kubeconfig: parsing every field kubectl reads, base64 data, relative
// paths, kubectl's merge rules for $KUBECONFIG, resolve() errors, and that
// no error ever carries a secret.

#include "backend/api/encoding.h"
#include "backend/client/kubeconfig.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <string>
#include <vector>

using namespace kubist;
using namespace kubist::client;

Q_DECLARE_METATYPE(std::string)
Q_DECLARE_METATYPE(std::vector<std::string>)

namespace {

const std::string kToken = "tok-SECRET-4711";
const std::string kPassword = "pw-SECRET-0815";

std::string b64(const std::string &s)
{
    std::string out;
    api::base64Encode(s, out);
    return out;
}

// Test data uses ' for " so that the literals stay simple.
std::string dq(std::string s)
{
    for (char &c : s) {
        if (c == '\'')
            c = '"';
    }
    return s;
}

std::string writeFile(const QTemporaryDir &dir, const std::string &name, const std::string &content)
{
    const QString path = dir.filePath(QString::fromStdString(name));
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    f.write(content.data(), qint64(content.size()));
    return path.toStdString();
}

bool contains(const std::string &haystack, const std::string &needle)
{
    return haystack.find(needle) != std::string::npos;
}

// One cluster "c", one user "u" (with the given user fields), one context
// "ctx" over them, current.
std::string simpleConfig(const std::string &clusterFields, const std::string &userFields)
{
    return "apiVersion: v1\n"
           "kind: Config\n"
           "clusters:\n"
           "- name: c\n"
           "  cluster:\n"
           "    server: https://c.example:6443\n" +
           clusterFields +
           "users:\n"
           "- name: u\n"
           "  user:\n" +
           (userFields.empty() ? std::string("    username: admin\n") : userFields) +
           "contexts:\n"
           "- name: ctx\n"
           "  context:\n"
           "    cluster: c\n"
           "    user: u\n"
           "current-context: ctx\n";
}

} // namespace

class TestKubeconfig : public QObject
{
    Q_OBJECT

private slots:
    void parsesEveryField();
    void relativePathsAreResolvedAndFilesRead();
    void fileAndDataTogetherAreAnError_data();
    void fileAndDataTogetherAreAnError();
    void badBase64NamesTheFieldNotTheValue_data();
    void badBase64NamesTheFieldNotTheValue();
    void malformedYamlNamesFileAndLine_data();
    void malformedYamlNamesFileAndLine();
    void resolveErrorsAreClear_data();
    void resolveErrorsAreClear();
    void mergeFirstFileWins();
    void mergeFailsWhenNoFileExists();
    void mergeFailsOnABrokenFile();
    void defaultFiles_data();
    void defaultFiles();
    void emptyDocumentIsAnEmptyConfig_data();
    void emptyDocumentIsAnEmptyConfig();
    void jsonKubeconfigIsAccepted();
    void secretsNeverAppearInErrors_data();
    void secretsNeverAppearInErrors();
};

void TestKubeconfig::parsesEveryField()
{
    const std::string yaml = "apiVersion: v1\n"
                             "kind: Config\n"
                             "preferences: {}\n"
                             "clusters:\n"
                             "- name: prod\n"
                             "  cluster:\n"
                             "    server: https://prod.example:6443/prefix\n"
                             "    certificate-authority-data: " +
                             b64("CA-PEM") +
                             "\n"
                             "    insecure-skip-tls-verify: true\n"
                             "    tls-server-name: api.prod\n"
                             "    proxy-url: socks5://proxy:1080\n"
                             "    extensions: []\n"
                             "users:\n"
                             "- name: alice\n"
                             "  user:\n"
                             "    client-certificate-data: " +
                             b64("CERT-PEM") +
                             "\n"
                             "    client-key-data: " +
                             b64("KEY-PEM") +
                             "\n"
                             "- name: bob\n"
                             "  user:\n"
                             "    token: " +
                             kToken +
                             "\n"
                             "- name: carol\n"
                             "  user:\n"
                             "    username: carol\n"
                             "    password: " +
                             kPassword +
                             "\n"
                             "- name: dave\n"
                             "  user:\n"
                             "    tokenFile: /var/run/token\n"
                             "- name: erin\n"
                             "  user:\n"
                             "    exec:\n"
                             "      apiVersion: client.authentication.k8s.io/v1\n"
                             "      command: gke-auth\n"
                             "      args: [--flag, value]\n"
                             "      env:\n"
                             "      - name: FOO\n"
                             "        value: bar\n"
                             "      - name: EMPTY\n"
                             "      installHint: install gke-auth\n"
                             "      provideClusterInfo: true\n"
                             "      interactiveMode: Never\n"
                             "contexts:\n"
                             "- name: prod-alice\n"
                             "  context:\n"
                             "    cluster: prod\n"
                             "    user: alice\n"
                             "    namespace: team-a\n"
                             "- name: prod-bob\n"
                             "  context: {cluster: prod, user: bob}\n"
                             "- name: prod-carol\n"
                             "  context: {cluster: prod, user: carol}\n"
                             "- name: prod-dave\n"
                             "  context: {cluster: prod, user: dave}\n"
                             "- name: prod-erin\n"
                             "  context: {cluster: prod, user: erin}\n"
                             "- name: prod-anonymous\n"
                             "  context: {cluster: prod}\n"
                             "current-context: prod-alice\n";
    Result<Kubeconfig> config = Kubeconfig::parse(yaml, "/base");
    QVERIFY2(config.isOk(), config.status().message().c_str());
    QCOMPARE(config->currentContext(), std::string("prod-alice"));
    QCOMPARE(config->contextNames(),
             (std::vector<std::string>{"prod-alice", "prod-bob", "prod-carol", "prod-dave",
                                       "prod-erin", "prod-anonymous"}));

    Result<ResolvedContext> alice = config->resolve();
    QVERIFY2(alice.isOk(), alice.status().message().c_str());
    QCOMPARE(alice->name, std::string("prod-alice"));
    QCOMPARE(alice->clusterName, std::string("prod"));
    QCOMPARE(alice->userName, std::string("alice"));
    QCOMPARE(alice->ns, std::string("team-a"));
    QCOMPARE(alice->cluster.server, std::string("https://prod.example:6443/prefix"));
    QCOMPARE(alice->cluster.certificateAuthorityPem, std::string("CA-PEM"));
    QCOMPARE(alice->cluster.insecureSkipTlsVerify, true);
    QCOMPARE(alice->cluster.tlsServerName, std::string("api.prod"));
    QCOMPARE(alice->cluster.proxyUrl, std::string("socks5://proxy:1080"));
    QCOMPARE(alice->user.clientCertificatePem, std::string("CERT-PEM"));
    QCOMPARE(alice->user.clientKeyPem, std::string("KEY-PEM"));
    QVERIFY(!alice->user.exec);

    Result<ResolvedContext> bob = config->resolve("prod-bob");
    QVERIFY2(bob.isOk(), bob.status().message().c_str());
    QCOMPARE(bob->user.token, kToken);
    QCOMPARE(bob->ns, std::string());

    Result<ResolvedContext> carol = config->resolve("prod-carol");
    QVERIFY2(carol.isOk(), carol.status().message().c_str());
    QCOMPARE(carol->user.username, std::string("carol"));
    QCOMPARE(carol->user.password, kPassword);

    Result<ResolvedContext> dave = config->resolve("prod-dave");
    QVERIFY2(dave.isOk(), dave.status().message().c_str());
    QCOMPARE(dave->user.tokenFile, std::string("/var/run/token"));

    Result<ResolvedContext> erin = config->resolve("prod-erin");
    QVERIFY2(erin.isOk(), erin.status().message().c_str());
    QVERIFY(erin->user.exec.has_value());
    const ExecConfig &exec = *erin->user.exec;
    QCOMPARE(exec.apiVersion, std::string("client.authentication.k8s.io/v1"));
    QCOMPARE(exec.command, std::string("gke-auth"));
    QCOMPARE(exec.args, (std::vector<std::string>{"--flag", "value"}));
    QCOMPARE(exec.env.size(), size_t(2));
    QCOMPARE(exec.env[0].first, std::string("FOO"));
    QCOMPARE(exec.env[0].second, std::string("bar"));
    QCOMPARE(exec.env[1].first, std::string("EMPTY"));
    QCOMPARE(exec.env[1].second, std::string());
    QCOMPARE(exec.installHint, std::string("install gke-auth"));
    QCOMPARE(exec.provideClusterInfo, true);
    QCOMPARE(exec.interactiveMode, std::string("Never"));

    Result<ResolvedContext> anonymous = config->resolve("prod-anonymous");
    QVERIFY2(anonymous.isOk(), anonymous.status().message().c_str());
    QCOMPARE(anonymous->userName, std::string());
    QVERIFY(anonymous->user.token.empty());
}

void TestKubeconfig::relativePathsAreResolvedAndFilesRead()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeFile(dir, "conf/pki/ca.crt", "CA FROM FILE");
    writeFile(dir, "conf/pki/client.crt", "CERT FROM FILE");
    writeFile(dir, "conf/pki/client.key", "KEY FROM FILE");
    const std::string path =
        writeFile(dir, "conf/config",
                  "clusters:\n"
                  "- name: c\n"
                  "  cluster:\n"
                  "    server: https://c:6443\n"
                  "    certificate-authority: pki/ca.crt\n"
                  "users:\n"
                  "- name: files\n"
                  "  user:\n"
                  "    client-certificate: ./pki/client.crt\n"
                  "    client-key: pki/../pki/client.key\n"
                  "    tokenFile: tokens/t\n"
                  "- name: local-plugin\n"
                  "  user:\n"
                  "    exec:\n"
                  "      apiVersion: client.authentication.k8s.io/v1beta1\n"
                  "      command: bin/plugin\n"
                  "- name: path-plugin\n"
                  "  user:\n"
                  "    exec:\n"
                  "      apiVersion: client.authentication.k8s.io/v1beta1\n"
                  "      command: aws\n"
                  "- name: tilde\n"
                  "  user:\n"
                  "    tokenFile: ~/token\n"
                  "contexts:\n"
                  "- {name: files, context: {cluster: c, user: files}}\n"
                  "- {name: local, context: {cluster: c, user: local-plugin}}\n"
                  "- {name: path, context: {cluster: c, user: path-plugin}}\n"
                  "- {name: tilde, context: {cluster: c, user: tilde}}\n");
    const std::string confDir = QDir(dir.filePath("conf")).absolutePath().toStdString();

    Result<Kubeconfig> config = Kubeconfig::loadFile(path);
    QVERIFY2(config.isOk(), config.status().message().c_str());

    Result<ResolvedContext> files = config->resolve("files");
    QVERIFY2(files.isOk(), files.status().message().c_str());
    QCOMPARE(files->cluster.certificateAuthorityPem, std::string("CA FROM FILE"));
    QCOMPARE(files->user.clientCertificatePem, std::string("CERT FROM FILE"));
    QCOMPARE(files->user.clientKeyPem, std::string("KEY FROM FILE"));
    // The token file is kept as a path (it may rotate), made absolute.
    QCOMPARE(files->user.tokenFile, confDir + "/tokens/t");

    Result<ResolvedContext> local = config->resolve("local");
    QVERIFY2(local.isOk(), local.status().message().c_str());
    QCOMPARE(local->user.exec->command, confDir + "/bin/plugin");
    // v1beta1 defaults interactiveMode as client-go does.
    QCOMPARE(local->user.exec->interactiveMode, std::string("IfAvailable"));

    Result<ResolvedContext> pathPlugin = config->resolve("path");
    QVERIFY2(pathPlugin.isOk(), pathPlugin.status().message().c_str());
    QCOMPARE(pathPlugin->user.exec->command, std::string("aws"));

    // client-go does not expand "~" inside a kubeconfig: it is a relative path.
    Result<ResolvedContext> tilde = config->resolve("tilde");
    QVERIFY2(tilde.isOk(), tilde.status().message().c_str());
    QCOMPARE(tilde->user.tokenFile, confDir + "/~/token");
}

void TestKubeconfig::fileAndDataTogetherAreAnError_data()
{
    QTest::addColumn<std::string>("clusterFields");
    QTest::addColumn<std::string>("userFields");
    QTest::addColumn<std::string>("expected");
    QTest::newRow("certificate-authority file and data")
        << "    certificate-authority: ca.crt\n    certificate-authority-data: " + b64("CA") + "\n"
        << std::string()
        << std::string("certificate-authority and certificate-authority-data are both specified");
    QTest::newRow("client-certificate file and data")
        << std::string()
        << "    client-certificate: c.crt\n    client-certificate-data: " + b64("C") +
               "\n    client-key: c.key\n"
        << std::string("client-certificate and client-certificate-data are both specified");
    QTest::newRow("client-key file and data")
        << std::string()
        << "    client-certificate: c.crt\n    client-key: c.key\n    client-key-data: " +
               b64("K") + "\n"
        << std::string("client-key and client-key-data are both specified");
}

void TestKubeconfig::fileAndDataTogetherAreAnError()
{
    QFETCH(std::string, clusterFields);
    QFETCH(std::string, userFields);
    QFETCH(std::string, expected);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeFile(dir, "ca.crt", "CA");
    writeFile(dir, "c.crt", "C");
    writeFile(dir, "c.key", "K");
    const std::string path = writeFile(dir, "config", simpleConfig(clusterFields, userFields));
    Result<Kubeconfig> config = Kubeconfig::loadFile(path);
    QVERIFY2(config.isOk(), config.status().message().c_str());
    Result<ResolvedContext> ctx = config->resolve();
    QVERIFY(!ctx.isOk());
    QVERIFY2(contains(ctx.status().message(), expected), ctx.status().message().c_str());
    QVERIFY2(contains(ctx.status().message(), path), ctx.status().message().c_str());
}

void TestKubeconfig::badBase64NamesTheFieldNotTheValue_data()
{
    QTest::addColumn<std::string>("clusterFields");
    QTest::addColumn<std::string>("userFields");
    QTest::addColumn<std::string>("expected");
    const std::string bad = "SECRET*not*base64";
    QTest::newRow("certificate-authority-data")
        << "    certificate-authority-data: " + bad + "\n"
        << std::string()
        << std::string("cluster \"c\": certificate-authority-data is not valid base64");
    QTest::newRow("client-certificate-data")
        << std::string() << "    client-certificate-data: " + bad + "\n"
        << std::string("user \"u\": client-certificate-data is not valid base64");
    QTest::newRow("client-key-data")
        << std::string() << "    client-key-data: " + bad + "\n"
        << std::string("user \"u\": client-key-data is not valid base64");
}

void TestKubeconfig::badBase64NamesTheFieldNotTheValue()
{
    QFETCH(std::string, clusterFields);
    QFETCH(std::string, userFields);
    QFETCH(std::string, expected);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = writeFile(dir, "config", simpleConfig(clusterFields, userFields));
    Result<Kubeconfig> config = Kubeconfig::loadFile(path);
    QVERIFY(!config.isOk());
    const std::string &message = config.status().message();
    QVERIFY2(contains(message, "kubeconfig " + path + ": " + expected), message.c_str());
    QVERIFY2(!contains(message, "SECRET"), message.c_str());
}

void TestKubeconfig::malformedYamlNamesFileAndLine_data()
{
    QTest::addColumn<std::string>("yaml");
    QTest::addColumn<std::string>("expected");
    QTest::newRow("unclosed flow sequence")
        << std::string("clusters:\n- name: c\n  cluster: {server: [x\n") << std::string("line ");
    QTest::newRow("bad indentation")
        << std::string("clusters:\n- name: c\n   cluster:\n  server: x\n") << std::string("line ");
    QTest::newRow("a list at the top")
        << std::string("- a\n- b\n") << std::string("not a kubeconfig");
    QTest::newRow("clusters is a mapping")
        << std::string("clusters: {a: b}\n") << std::string("clusters must be a list");
    QTest::newRow("an entry without a name")
        << std::string("users:\n- user: {token: x}\n") << std::string("users[0] has no name");
    QTest::newRow("a name listed twice") << std::string("contexts:\n- name: a\n- name: a\n")
                                         << std::string("duplicate context name \"a\"");
    QTest::newRow("insecure-skip-tls-verify not a boolean")
        << std::string("clusters:\n- name: c\n  cluster: {insecure-skip-tls-verify: maybe}\n")
        << std::string("cluster \"c\": insecure-skip-tls-verify must be true or false");
    QTest::newRow("exec args not a list")
        << std::string("users:\n- name: u\n  user:\n    exec: {command: x, args: {a: b}}\n")
        << std::string("user \"u\": exec: args must be a list of strings");
}

void TestKubeconfig::malformedYamlNamesFileAndLine()
{
    QFETCH(std::string, yaml);
    QFETCH(std::string, expected);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = writeFile(dir, "broken", yaml);
    Result<Kubeconfig> config = Kubeconfig::loadFile(path);
    QVERIFY(!config.isOk());
    QCOMPARE(config.status().code(), Status::Code::InvalidArgument);
    const std::string &message = config.status().message();
    QVERIFY2(contains(message, "kubeconfig " + path + ": "), message.c_str());
    QVERIFY2(contains(message, expected), message.c_str());

    // Without a file, the document is still named.
    Result<Kubeconfig> parsed = Kubeconfig::parse(yaml, "/");
    QVERIFY(!parsed.isOk());
    QVERIFY2(contains(parsed.status().message(), "kubeconfig: "),
             parsed.status().message().c_str());
}

void TestKubeconfig::resolveErrorsAreClear_data()
{
    QTest::addColumn<std::string>("yaml");
    QTest::addColumn<std::string>("context");
    QTest::addColumn<std::string>("expected");
    const std::string cluster = "clusters:\n- name: c\n  cluster: {server: https://c}\n";
    const std::string user = "users:\n- name: u\n  user: {token: " + kToken + "}\n";
    QTest::newRow("no current context")
        << cluster + user + "contexts:\n- {name: a, context: {cluster: c, user: u}}\n"
        << std::string() << std::string("no current context is set");
    QTest::newRow("unknown context")
        << cluster + user + "contexts:\n- {name: a, context: {cluster: c, user: u}}\n"
        << std::string("b") << std::string("context \"b\" not found");
    QTest::newRow("current context not defined")
        << cluster + "current-context: gone\n"
        << std::string() << std::string("context \"gone\" not found");
    QTest::newRow("context without cluster")
        << cluster + user + "contexts:\n- {name: a, context: {user: u}}\n"
        << std::string("a") << std::string("context \"a\" names no cluster");
    QTest::newRow("context naming an unknown cluster")
        << cluster + user + "contexts:\n- {name: a, context: {cluster: x, user: u}}\n"
        << std::string("a") << std::string("context \"a\": cluster \"x\" not found");
    QTest::newRow("context naming an unknown user")
        << cluster + user + "contexts:\n- {name: a, context: {cluster: c, user: y}}\n"
        << std::string("a") << std::string("context \"a\": user \"y\" not found");
    QTest::newRow("cluster without server")
        << "clusters:\n- name: c\n  cluster: {tls-server-name: x}\n" + user +
               "contexts:\n- {name: a, context: {cluster: c, user: u}}\n"
        << std::string("a") << std::string("cluster \"c\": no server");
    QTest::newRow("unreadable certificate-authority file")
        << "clusters:\n- name: c\n  cluster: {server: https://c, certificate-authority: "
           "/nonexistent/ca.crt}\n" +
               user + "contexts:\n- {name: a, context: {cluster: c, user: u}}\n"
        << std::string("a")
        << std::string("cluster \"c\": cannot read certificate-authority /nonexistent/ca.crt");
    QTest::newRow("unreadable client-key file")
        << cluster + "users:\n- name: u\n  user: {client-certificate-data: " + b64("C") +
               ", client-key: /nonexistent/k}\n"
               "contexts:\n- {name: a, context: {cluster: c, user: u}}\n"
        << std::string("a") << std::string("user \"u\": cannot read client-key /nonexistent/k");
    QTest::newRow("client certificate without key")
        << cluster + "users:\n- name: u\n  user: {client-certificate-data: " + b64("C") +
               "}\ncontexts:\n- {name: a, context: {cluster: c, user: u}}\n"
        << std::string("a") << std::string("client-key or client-key-data must be specified");
    QTest::newRow("token and basic auth")
        << cluster + "users:\n- name: u\n  user: {token: " + kToken +
               ", username: a, password: " + kPassword +
               "}\ncontexts:\n- {name: a, context: {cluster: c, user: u}}\n"
        << std::string("a") << std::string("more than one authentication method");
    QTest::newRow("v1 exec without interactiveMode")
        << cluster + "users:\n- name: u\n  user:\n    exec: {apiVersion: "
                     "client.authentication.k8s.io/v1, command: p}\n"
                     "contexts:\n- {name: a, context: {cluster: c, user: u}}\n"
        << std::string("a") << std::string("user \"u\": exec: interactiveMode must be specified");
    QTest::newRow("exec with v1alpha1")
        << cluster + "users:\n- name: u\n  user:\n    exec: {apiVersion: "
                     "client.authentication.k8s.io/v1alpha1, command: p}\n"
                     "contexts:\n- {name: a, context: {cluster: c, user: u}}\n"
        << std::string("a") << std::string("is not supported");
    QTest::newRow("exec without command")
        << cluster + "users:\n- name: u\n  user:\n    exec: {apiVersion: "
                     "client.authentication.k8s.io/v1, interactiveMode: Never}\n"
                     "contexts:\n- {name: a, context: {cluster: c, user: u}}\n"
        << std::string("a") << std::string("command must be specified");
    QTest::newRow("exec with an unknown interactiveMode")
        << cluster + "users:\n- name: u\n  user:\n    exec: {apiVersion: "
                     "client.authentication.k8s.io/v1, command: p, interactiveMode: Sometimes}\n"
                     "contexts:\n- {name: a, context: {cluster: c, user: u}}\n"
        << std::string("a") << std::string("invalid interactiveMode \"Sometimes\"");
}

void TestKubeconfig::resolveErrorsAreClear()
{
    QFETCH(std::string, yaml);
    QFETCH(std::string, context);
    QFETCH(std::string, expected);
    Result<Kubeconfig> config = Kubeconfig::parse(yaml, "/");
    QVERIFY2(config.isOk(), config.status().message().c_str());
    Result<ResolvedContext> ctx = config->resolve(context);
    QVERIFY(!ctx.isOk());
    const std::string &message = ctx.status().message();
    QVERIFY2(contains(message, expected), message.c_str());
    QVERIFY2(!contains(message, kToken) && !contains(message, kPassword), message.c_str());
}

void TestKubeconfig::mergeFirstFileWins()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string first = writeFile(dir, "first",
                                        "clusters:\n"
                                        "- {name: shared, cluster: {server: https://first}}\n"
                                        "users:\n"
                                        "- {name: admin, user: {token: first-token}}\n"
                                        "contexts:\n"
                                        "- {name: one, context: {cluster: shared, user: admin}}\n");
    const std::string second =
        writeFile(dir, "second",
                  "clusters:\n"
                  "- {name: shared, cluster: {server: https://second}}\n"
                  "- {name: own, cluster: {server: https://own}}\n"
                  "users:\n"
                  "- {name: admin, user: {token: second-token}}\n"
                  "contexts:\n"
                  "- {name: one, context: {cluster: own, user: admin, namespace: x}}\n"
                  "- {name: two, context: {cluster: own, user: admin}}\n"
                  "current-context: two\n");
    const std::string third = writeFile(dir, "third",
                                        "contexts:\n"
                                        "- {name: three, context: {cluster: shared}}\n"
                                        "current-context: three\n");
    const std::string missing = dir.filePath("missing").toStdString();

    Result<Kubeconfig> merged = Kubeconfig::loadMerged({first, missing, second, third});
    QVERIFY2(merged.isOk(), merged.status().message().c_str());
    QCOMPARE(merged->contextNames(), (std::vector<std::string>{"one", "two", "three"}));
    // current-context from the first file that sets it.
    QCOMPARE(merged->currentContext(), std::string("two"));

    Result<ResolvedContext> one = merged->resolve("one");
    QVERIFY2(one.isOk(), one.status().message().c_str());
    QCOMPARE(one->clusterName, std::string("shared"));
    QCOMPARE(one->cluster.server, std::string("https://first"));
    QCOMPARE(one->user.token, std::string("first-token"));
    QCOMPARE(one->ns, std::string());

    Result<ResolvedContext> two = merged->resolve();
    QVERIFY2(two.isOk(), two.status().message().c_str());
    QCOMPARE(two->cluster.server, std::string("https://own"));
    QCOMPARE(two->user.token, std::string("first-token"));

    // A context of the third file uses a cluster of the first.
    Result<ResolvedContext> three = merged->resolve("three");
    QVERIFY2(three.isOk(), three.status().message().c_str());
    QCOMPARE(three->cluster.server, std::string("https://first"));
}

void TestKubeconfig::mergeFailsWhenNoFileExists()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string a = dir.filePath("a").toStdString();
    const std::string b = dir.filePath("b").toStdString();
    Result<Kubeconfig> merged = Kubeconfig::loadMerged({a, b});
    QVERIFY(!merged.isOk());
    QCOMPARE(merged.status().code(), Status::Code::NotFound);
    QVERIFY2(contains(merged.status().message(), a) && contains(merged.status().message(), b),
             merged.status().message().c_str());

    Result<Kubeconfig> none = Kubeconfig::loadMerged({});
    QVERIFY(!none.isOk());

    Result<Kubeconfig> single = Kubeconfig::loadFile(a);
    QVERIFY(!single.isOk());
    QCOMPARE(single.status().code(), Status::Code::NotFound);
    QVERIFY2(contains(single.status().message(), a), single.status().message().c_str());
}

void TestKubeconfig::mergeFailsOnABrokenFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string good = writeFile(dir, "good", "current-context: x\n");
    const std::string broken = writeFile(dir, "broken", "clusters: [\n");
    Result<Kubeconfig> merged = Kubeconfig::loadMerged({good, broken});
    QVERIFY(!merged.isOk());
    QVERIFY2(contains(merged.status().message(), "kubeconfig " + broken),
             merged.status().message().c_str());
}

void TestKubeconfig::defaultFiles_data()
{
    QTest::addColumn<std::string>("env");
    QTest::addColumn<std::string>("home");
    QTest::addColumn<std::vector<std::string>>("expected");
    QTest::newRow("empty KUBECONFIG means the home config")
        << std::string() << std::string("/home/me")
        << std::vector<std::string>{"/home/me/.kube/config"};
    QTest::newRow("one file") << std::string("/a") << std::string("/home/me")
                              << std::vector<std::string>{"/a"};
    QTest::newRow("empty entries and repeats are dropped")
        << std::string("a::b:a") << std::string("/home/me") << std::vector<std::string>{"a", "b"};
    QTest::newRow("leading and trailing separators")
        << std::string(":/x:/y:") << std::string("/home/me")
        << std::vector<std::string>{"/x", "/y"};
    QTest::newRow("only separators give no file")
        << std::string("::") << std::string("/home/me") << std::vector<std::string>{};
}

void TestKubeconfig::defaultFiles()
{
    QFETCH(std::string, env);
    QFETCH(std::string, home);
    QFETCH(std::vector<std::string>, expected);
    QCOMPARE(Kubeconfig::defaultFiles(env, home), expected);
}

void TestKubeconfig::emptyDocumentIsAnEmptyConfig_data()
{
    QTest::addColumn<std::string>("yaml");
    QTest::newRow("empty file") << std::string();
    QTest::newRow("whitespace only") << std::string("\n\n   \n");
    QTest::newRow("comments only") << std::string("# nothing here\n");
    QTest::newRow("null document") << std::string("null\n");
    QTest::newRow("empty lists") << std::string("clusters: []\nusers: null\ncontexts:\n");
}

void TestKubeconfig::emptyDocumentIsAnEmptyConfig()
{
    QFETCH(std::string, yaml);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = writeFile(dir, "config", yaml);
    Result<Kubeconfig> config = Kubeconfig::loadFile(path);
    QVERIFY2(config.isOk(), config.status().message().c_str());
    QVERIFY(config->contextNames().empty());
    QCOMPARE(config->currentContext(), std::string());
    QVERIFY(!config->resolve().isOk());
    // An empty file counts as existing for the merge.
    Result<Kubeconfig> merged = Kubeconfig::loadMerged({path});
    QVERIFY2(merged.isOk(), merged.status().message().c_str());
}

void TestKubeconfig::jsonKubeconfigIsAccepted()
{
    const std::string json =
        dq("{'apiVersion': 'v1', 'kind': 'Config',"
           " 'clusters': [{'name': 'c', 'cluster': {'server': 'https://j:443',"
           " 'certificate-authority-data': '" +
           b64("JSON CA") +
           "', 'insecure-skip-tls-verify': false}}],"
           " 'users': [{'name': 'u', 'user': {'exec': {'apiVersion':"
           " 'client.authentication.k8s.io/v1', 'command': 'plugin', 'args': ['a', 'b'],"
           " 'env': [{'name': 'K', 'value': 'V'}], 'interactiveMode': 'IfAvailable',"
           " 'provideClusterInfo': true}}}],"
           " 'contexts': [{'name': 'j', 'context': {'cluster': 'c', 'user': 'u',"
           " 'namespace': 'ns'}}],"
           " 'current-context': 'j'}");
    Result<Kubeconfig> config = Kubeconfig::parse(json, "/");
    QVERIFY2(config.isOk(), config.status().message().c_str());
    Result<ResolvedContext> ctx = config->resolve();
    QVERIFY2(ctx.isOk(), ctx.status().message().c_str());
    QCOMPARE(ctx->name, std::string("j"));
    QCOMPARE(ctx->ns, std::string("ns"));
    QCOMPARE(ctx->cluster.server, std::string("https://j:443"));
    QCOMPARE(ctx->cluster.certificateAuthorityPem, std::string("JSON CA"));
    QCOMPARE(ctx->cluster.insecureSkipTlsVerify, false);
    QVERIFY(ctx->user.exec.has_value());
    QCOMPARE(ctx->user.exec->args, (std::vector<std::string>{"a", "b"}));
    QCOMPARE(ctx->user.exec->env.size(), size_t(1));
    QCOMPARE(ctx->user.exec->provideClusterInfo, true);
}

void TestKubeconfig::secretsNeverAppearInErrors_data()
{
    QTest::addColumn<std::string>("yaml");
    QTest::addColumn<std::string>("context");
    const std::string cluster = "clusters:\n- name: c\n  cluster: {server: https://c}\n";
    const std::string ctx = "contexts:\n- {name: a, context: {cluster: c, user: u}}\n";
    QTest::newRow("token as a list")
        << cluster + "users:\n- name: u\n  user:\n    token: [" + kToken + "]\n" + ctx
        << std::string("a");
    QTest::newRow("password as a mapping")
        << cluster + "users:\n- name: u\n  user:\n    password: {" + kPassword + ": 1}\n" + ctx
        << std::string("a");
    QTest::newRow("syntax error after a token")
        << cluster + "users:\n- name: u\n  user:\n    token: " + kToken +
               "\n   password: " + kPassword + ": [\n" + ctx
        << std::string("a");
    QTest::newRow("token and basic auth")
        << cluster + "users:\n- name: u\n  user: {token: " + kToken +
               ", username: u, password: " + kPassword + "}\n" + ctx
        << std::string("a");
    QTest::newRow("secret key data not base64")
        << cluster + "users:\n- name: u\n  user: {client-key-data: " + kToken + "%%}\n" + ctx
        << std::string("a");
    QTest::newRow("unknown user next to secrets")
        << cluster + "users:\n- name: u\n  user: {token: " + kToken + "}\n" +
               "contexts:\n- {name: a, context: {cluster: c, user: nobody}}\n"
        << std::string("a");
}

void TestKubeconfig::secretsNeverAppearInErrors()
{
    QFETCH(std::string, yaml);
    QFETCH(std::string, context);
    Result<Kubeconfig> config = Kubeconfig::parse(yaml, "/");
    std::string message;
    if (!config.isOk()) {
        message = config.status().message();
    } else {
        Result<ResolvedContext> ctx = config->resolve(context);
        QVERIFY(!ctx.isOk());
        message = ctx.status().message();
    }
    QVERIFY(!message.empty());
    QVERIFY2(!contains(message, kToken), message.c_str());
    QVERIFY2(!contains(message, kPassword), message.c_str());
}

QTEST_GUILESS_MAIN(TestKubeconfig)
#include "tst_kubeconfig.moc"
