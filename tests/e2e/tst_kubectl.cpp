// The real kubectl (from PATH) against `kubist serve`, over HTTPS with a
// bearer token, with kubectl's default flags.

#include "kubisttestserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

namespace {

const QByteArray kConfigMap = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels: {app: web, tier: front}
data:
  color: blue
)";

const QByteArray kDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports:
        - containerPort: 80
)";

const QByteArray kPod = R"(apiVersion: v1
kind: Pod
metadata:
  name: solo
  labels: {app: solo}
spec:
  containers:
  - name: main
    image: busybox:1.36
)";

// These tests are about the API: no worker nodes (nothing gets scheduled,
// so pods stay Pending) and no demo workloads in the way.
const QStringList kApiOnly{"--nodes", "0", "--no-demo-workloads"};

} // namespace

class TestKubectl : public QObject
{
    Q_OBJECT

    KubistTestServer m_server;

private slots:
    void initTestCase()
    {
        QVERIFY(m_server.start(kApiOnly));
        const CommandResult version = m_server.kubectl({"version"});
        KUBECTL_OK(version);
    }

    void cleanupTestCase() { QCOMPARE(m_server.stop(), 0); }

    void applyCreatesThenUpdates()
    {
        CommandResult r = m_server.kubectl({"apply", "-f", "-"}, kConfigMap);
        KUBECTL_OK(r);
        QVERIFY2(r.out.contains("configmap/settings created"), qPrintable(r.out));
        QByteArray changed = kConfigMap;
        changed.replace("blue", "green");
        r = m_server.kubectl({"apply", "-f", "-"}, changed);
        KUBECTL_OK(r);
        QVERIFY2(r.out.contains("configmap/settings configured"), qPrintable(r.out));
        r = m_server.kubectl({"get", "configmap", "settings", "-o", "jsonpath={.data.color}"});
        KUBECTL_OK(r);
        QCOMPARE(r.out, QStringLiteral("green"));
        r = m_server.kubectl({"apply", "-f", "-"}, changed);
        QVERIFY2(r.out.contains("configmap/settings unchanged"), qPrintable(r.out));
    }

    void getPrintsServerTables()
    {
        KUBECTL_OK(m_server.kubectl({"apply", "-f", "-"}, kDeployment));
        KUBECTL_OK(m_server.kubectl({"apply", "-f", "-"}, kPod));
        CommandResult r = m_server.kubectl({"get", "deployments"});
        KUBECTL_OK(r);
        QVERIFY2(
            r.out.contains(QRegularExpression("NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE")),
            qPrintable(r.out));
        QVERIFY2(r.out.contains(QRegularExpression("web\\s+0/2")), qPrintable(r.out));
        r = m_server.kubectl({"get", "pods", "-o", "wide"});
        KUBECTL_OK(r);
        QVERIFY2(r.out.contains(QRegularExpression(
                     "NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE\\s+IP\\s+NODE")),
                 qPrintable(r.out));
        QVERIFY2(r.out.contains(QRegularExpression("solo\\s+0/1\\s+Pending")), qPrintable(r.out));
        r = m_server.kubectl({"get", "namespaces"});
        KUBECTL_OK(r);
        for (const char *ns : {"default", "kube-system", "kube-public", "kube-node-lease"})
            QVERIFY2(r.out.contains(QRegularExpression(QString(ns) + "\\s+Active")),
                     qPrintable(r.out));
    }

    void getInEveryOutputFormat_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::newRow("yaml") << QStringList{"get", "cm", "settings", "-o", "yaml"}
                              << "kind: ConfigMap";
        QTest::newRow("json") << QStringList{"get", "cm", "settings", "-o", "json"}
                              << "\"kind\": \"ConfigMap\"";
        QTest::newRow("name") << QStringList{"get", "cm", "-o", "name"} << "configmap/settings";
        QTest::newRow("label selector")
            << QStringList{"get", "cm", "-l", "tier=front", "-o", "name"} << "configmap/settings";
        QTest::newRow("field selector")
            << QStringList{"get", "pods", "--field-selector", "status.phase=Pending", "-o", "name"}
            << "pod/solo";
        QTest::newRow("field selector !=")
            << QStringList{"get", "pods", "--field-selector", "spec.nodeName!=worker-9",
                           "-o",  "name"}
            << "pod/solo";
        QTest::newRow("all namespaces") << QStringList{"get", "svc", "-A"} << "kubernetes";
        QTest::newRow("short name")
            << QStringList{"get", "deploy", "-o", "name"} << "deployment.apps/web";
        QTest::newRow("api-resources") << QStringList{"api-resources"} << "deployments";
        QTest::newRow("explain") << QStringList{"explain", "pod.spec.containers"} << "FIELDS:";
        QTest::newRow("describe") << QStringList{"describe", "deployment", "web"} << "Replicas:";
        QTest::newRow("describe pod") << QStringList{"describe", "pod", "solo"} << "busybox:1.36";
    }

    void getInEveryOutputFormat()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const CommandResult r = m_server.kubectl(args);
        KUBECTL_OK(r);
        QVERIFY2(r.out.contains(expected), qPrintable(describeFailure(r)));
    }

    void apiResourcesListsShortNamesAndSubresourceKinds()
    {
        const CommandResult r = m_server.kubectl({"api-resources", "-o", "wide"});
        KUBECTL_OK(r);
        for (const char *line : {"pods\\s+po\\s+v1\\s+true\\s+Pod",
                                 "deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment",
                                 "poddisruptionbudgets\\s+pdb\\s+policy/v1\\s+true"})
            QVERIFY2(r.out.contains(QRegularExpression(line)), qPrintable(r.out));
    }

    void createScaleLabelAnnotatePatchDelete()
    {
        KUBECTL_OK(m_server.kubectl({"create", "configmap", "made", "--from-literal=a=1"}));
        KUBECTL_OK(m_server.kubectl({"scale", "deployment", "web", "--replicas=4"}));
        CommandResult r =
            m_server.kubectl({"get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"});
        QCOMPARE(r.out, QStringLiteral("4"));
        KUBECTL_OK(m_server.kubectl({"label", "cm", "made", "color=red"}));
        KUBECTL_OK(m_server.kubectl({"annotate", "cm", "made", "note=hello"}));
        r = m_server.kubectl({"get", "cm", "made", "-o",
                              "jsonpath={.metadata.labels.color}/{.metadata.annotations.note}"});
        QCOMPARE(r.out, QStringLiteral("red/hello"));
        KUBECTL_OK(m_server.kubectl(
            {"patch", "cm", "made", "--type=merge", "-p", R"({"data":{"b":"2"}})"}));
        KUBECTL_OK(m_server.kubectl({"patch", "cm", "made", "--type=json", "-p",
                                     R"([{"op":"add","path":"/data/c","value":"3"}])"}));
        KUBECTL_OK(m_server.kubectl(
            {"patch", "deploy", "web", "-p",
             R"({"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.26"}]}}}})"}));
        r = m_server.kubectl({"get", "cm", "made", "-o", "jsonpath={.data}"});
        QVERIFY2(r.out.contains("\"c\":\"3\"") && r.out.contains("\"b\":\"2\""), qPrintable(r.out));
        r = m_server.kubectl(
            {"get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"});
        QCOMPARE(r.out, QStringLiteral("nginx:1.26"));
        KUBECTL_OK(m_server.kubectl({"set", "image", "deployment/web", "web=nginx:1.27"}));
        KUBECTL_OK(m_server.kubectl({"rollout", "restart", "deployment/web"}));
        r = m_server.kubectl({"delete", "cm", "made"});
        KUBECTL_OK(r);
        QVERIFY2(r.out.contains("configmap \"made\" deleted"), qPrintable(r.out));
        r = m_server.kubectl({"get", "cm", "made"});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("configmaps \"made\" not found"), qPrintable(r.err));
    }

    void watchSeesChangesMadeByAnotherCommand()
    {
        QProcess watch;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("HOME", m_server.home());
        env.insert("KUBECONFIG", m_server.kubeconfig());
        watch.setProcessEnvironment(env);
        watch.start("kubectl", {"get", "cm", "-w", "--request-timeout=0"});
        QVERIFY(watch.waitForStarted());
        QString seen;
        for (int i = 0; i < 100 && !seen.contains("settings"); ++i) {
            watch.waitForReadyRead(100);
            seen += QString::fromUtf8(watch.readAllStandardOutput());
        }
        KUBECTL_OK(m_server.kubectl({"create", "configmap", "watched", "--from-literal=x=1"}));
        for (int i = 0; i < 100 && !seen.contains("watched"); ++i) {
            watch.waitForReadyRead(100);
            seen += QString::fromUtf8(watch.readAllStandardOutput());
        }
        watch.kill();
        watch.waitForFinished();
        QVERIFY2(seen.contains("watched"), qPrintable(seen));
    }

    void logsOfAnUnscheduledPodSayWhy()
    {
        const CommandResult r = m_server.kubectl({"logs", "solo"});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("is waiting to start"), qPrintable(r.err));
    }

    void badInputGetsAClearStatus_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown field, strict")
            << QStringList{"apply", "-f", "-"}
            << QByteArray("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndatta: {}\n")
            << "unknown field \"datta\"";
        QTest::newRow("invalid object")
            << QStringList{"apply", "-f", "-"}
            << QByteArray("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\n")
            << "is invalid";
        QTest::newRow("malformed YAML") << QStringList{"apply", "-f", "-"}
                                        << QByteArray("apiVersion: v1\nkind: [\n") << "error";
        QTest::newRow("unknown namespace")
            << QStringList{"create", "configmap", "x", "-n", "nowhere"} << QByteArray()
            << "namespaces \"nowhere\" not found";
        QTest::newRow("exec is refused clearly")
            << QStringList{"exec", "solo", "--", "ls"} << QByteArray() << "simulated";
    }

    void badInputGetsAClearStatus()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, input);
        QFETCH(QString, expected);
        const CommandResult r = m_server.kubectl(args, input);
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains(expected), qPrintable(describeFailure(r)));
        // The server keeps serving.
        KUBECTL_OK(m_server.kubectl({"get", "ns", "default"}));
    }

    void staleReplaceIsAConflict()
    {
        CommandResult r = m_server.kubectl({"get", "cm", "settings", "-o", "json"});
        KUBECTL_OK(r);
        QByteArray old = r.out.toUtf8();
        KUBECTL_OK(m_server.kubectl({"label", "cm", "settings", "bump=1"}));
        r = m_server.kubectl({"replace", "-f", "-"}, old);
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("the object has been modified"), qPrintable(r.err));
    }

    void viewerCanReadButNotWrite()
    {
        CommandResult r = m_server.kubectl({"get", "cm", "settings"}, {}, true);
        KUBECTL_OK(r);
        r = m_server.kubectl({"delete", "cm", "settings"}, {}, true);
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("User \"viewer\" cannot delete resource \"configmaps\""),
                 qPrintable(r.err));
    }

    void wrongTokenIsUnauthorized()
    {
        const CommandResult r = m_server.kubectl({"get", "cm", "--token=wrong"});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("Unauthorized") || r.err.contains("provide credentials"),
                 qPrintable(r.err));
    }

    void restartKeepsObjects()
    {
        QCOMPARE(m_server.stop(), 0);
        QVERIFY(m_server.start(kApiOnly));
        const CommandResult r = m_server.kubectl({"get", "cm", "settings", "-o", "name"});
        KUBECTL_OK(r);
        QCOMPARE(r.out.trimmed(), QStringLiteral("configmap/settings"));
    }

    void secondServerOnTheSameDataIsRefused()
    {
        QProcess second;
        second.start(QStringLiteral(KUBIST_BIN),
                     {"serve", "--data-dir", m_server.dataDir(), "--listen", "127.0.0.1:0"});
        QVERIFY(second.waitForFinished(20000));
        QVERIFY(second.exitCode() != 0);
        const QString err = QString::fromUtf8(second.readAllStandardError());
        QVERIFY2(err.contains("lock") || err.contains("in use"), qPrintable(err));
    }
};

QTEST_GUILESS_MAIN(TestKubectl)
#include "tst_kubectl.moc"
