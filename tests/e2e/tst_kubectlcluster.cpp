// The cluster comes alive, seen through the real kubectl: `kubist serve`
// runs the demo cluster (master + 3 workers, Deployment and Service "web"),
// and kubectl applies workloads, waits on rollouts, scales, drains a node,
// reads logs and deletes a namespace, against the real scheduler,
// controllers and simulated kubelets (real time, demo timing profile).

#include "kubisttestserver.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QThread>

namespace {

const QByteArray kShop = R"(apiVersion: v1
kind: Namespace
metadata:
  name: e2e
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  namespace: e2e
spec:
  replicas: 2
  selector:
    matchLabels: {app: shop}
  template:
    metadata:
      labels: {app: shop}
    spec:
      containers:
      - name: shop
        image: nginx:1.27
        ports:
        - containerPort: 8080
          name: http
        readinessProbe:
          httpGet: {path: /, port: 8080}
          initialDelaySeconds: 1
---
apiVersion: v1
kind: Service
metadata:
  name: shop
  namespace: e2e
spec:
  selector: {app: shop}
  ports:
  - port: 80
    targetPort: http
)";

} // namespace

class TestKubectlCluster : public QObject
{
    Q_OBJECT

    KubistTestServer m_server;

    QJsonObject getJson(const QStringList &args) { return m_server.kubectlJson(args); }

    // "node name" of every pod matching the selector in the namespace.
    QStringList podNodes(const QString &ns, const QString &selector)
    {
        const QJsonObject list = getJson({"get", "pods", "-n", ns, "-l", selector});
        QStringList nodes;
        for (const QJsonValue &item : list.value("items").toArray())
            nodes << item.toObject().value("spec").toObject().value("nodeName").toString();
        return nodes;
    }

    // The nodes of the Ready, not terminating web pods.
    QStringList readyWebPods()
    {
        const QJsonObject list = getJson({"get", "pods", "-l", "app=web"});
        QStringList nodes;
        for (const QJsonValue &v : list.value("items").toArray()) {
            const QJsonObject pod = v.toObject();
            if (pod.value("metadata").toObject().contains("deletionTimestamp"))
                continue;
            for (const QJsonValue &c : pod.value("status").toObject().value("conditions").toArray())
                if (c.toObject().value("type").toString() == "Ready" &&
                    c.toObject().value("status").toString() == "True")
                    nodes << pod.value("spec").toObject().value("nodeName").toString();
        }
        return nodes;
    }

private slots:
    void initTestCase() { QVERIFY(m_server.start()); }

    void cleanupTestCase() { QCOMPARE(m_server.stop(), 0); }

    void demoClusterComesUp()
    {
        const CommandResult rollout = m_server.kubectl(
            {"rollout", "status", "deployment/web", "--timeout=90s"}, {}, false, 100000);
        KUBECTL_OK(rollout);
        QVERIFY2(rollout.out.contains("successfully rolled out"), qPrintable(rollout.out));

        const CommandResult nodes = m_server.kubectl({"get", "nodes"});
        KUBECTL_OK(nodes);
        for (const char *n : {"master", "worker-1", "worker-2", "worker-3"})
            QVERIFY2(nodes.out.contains(QString::fromLatin1(n)), qPrintable(nodes.out));
        QVERIFY(eventually([&] {
            const QJsonObject list = getJson({"get", "nodes"});
            int ready = 0;
            for (const QJsonValue &n : list.value("items").toArray())
                for (const QJsonValue &c :
                     n.toObject().value("status").toObject().value("conditions").toArray())
                    if (c.toObject().value("type") == "Ready" &&
                        c.toObject().value("status") == "True")
                        ++ready;
            return ready == 4;
        }));

        // The web pods run on workers only (the master is tainted).
        const QStringList where = podNodes("default", "app=web");
        QCOMPARE(where.size(), 3);
        for (const QString &n : where)
            QVERIFY2(n.startsWith("worker-"), qPrintable(where.join(',')));

        // The master's control plane is visible through the API.
        QVERIFY(eventually([&] {
            const CommandResult r = m_server.kubectl({"get", "pods", "-n", "kube-system"});
            return r.out.contains("etcd-master") && r.out.contains("kube-apiserver-master") &&
                   r.out.contains("kube-scheduler-master") &&
                   r.out.contains("kube-controller-manager-master") && r.out.count("Running") >= 4;
        }));
        const CommandResult leases = m_server.kubectl({"get", "leases", "-n", "kube-system"});
        QVERIFY2(leases.out.contains("kube-scheduler") &&
                     leases.out.contains("kube-controller-manager"),
                 qPrintable(leases.out));
        const CommandResult nodeLeases =
            m_server.kubectl({"get", "leases", "-n", "kube-node-lease"});
        QVERIFY2(nodeLeases.out.contains("worker-3"), qPrintable(nodeLeases.out));

        // The Service has the three pods behind it.
        QVERIFY(eventually([&] {
            const QJsonObject ep = getJson({"get", "endpoints", "web"});
            const QJsonArray subsets = ep.value("subsets").toArray();
            return !subsets.isEmpty() &&
                   subsets[0].toObject().value("addresses").toArray().size() == 3;
        }));
        // The default ServiceAccount exists.
        KUBECTL_OK(m_server.kubectl({"get", "serviceaccount", "default"}));
    }

    void applyRolloutStatusAndService()
    {
        KUBECTL_OK(m_server.kubectl({"apply", "-f", "-"}, kShop));
        KUBECTL_OK(
            m_server.kubectl({"rollout", "status", "-n", "e2e", "deployment/shop", "--timeout=60s"},
                             {}, false, 70000));
        QVERIFY(eventually([&] {
            const QJsonObject ep = getJson({"get", "endpoints", "-n", "e2e", "shop"});
            const QJsonArray subsets = ep.value("subsets").toArray();
            if (subsets.isEmpty())
                return false;
            const QJsonObject s = subsets[0].toObject();
            return s.value("addresses").toArray().size() == 2 &&
                   s.value("ports").toArray()[0].toObject().value("port").toInt() == 8080;
        }));
        const CommandResult events = m_server.kubectl({"get", "events", "-n", "e2e"});
        for (const char *reason :
             {"Scheduled", "Pulled", "Started", "ScalingReplicaSet", "SuccessfulCreate"})
            QVERIFY2(events.out.contains(QString::fromLatin1(reason)), qPrintable(events.out));
    }

    void scaleUpAndDown()
    {
        KUBECTL_OK(m_server.kubectl({"scale", "-n", "e2e", "deployment/shop", "--replicas=5"}));
        KUBECTL_OK(
            m_server.kubectl({"rollout", "status", "-n", "e2e", "deployment/shop", "--timeout=60s"},
                             {}, false, 70000));
        QCOMPARE(podNodes("e2e", "app=shop").size(), 5);
        KUBECTL_OK(m_server.kubectl({"scale", "-n", "e2e", "deployment/shop", "--replicas=2"}));
        QVERIFY(eventually([&] { return podNodes("e2e", "app=shop").size() == 2; }));
    }

    void deletedPodIsReplaced()
    {
        const QJsonObject list = getJson({"get", "pods", "-n", "e2e", "-l", "app=shop"});
        const QString victim = list.value("items")
                                   .toArray()[0]
                                   .toObject()
                                   .value("metadata")
                                   .toObject()
                                   .value("name")
                                   .toString();
        KUBECTL_OK(m_server.kubectl({"delete", "pod", "-n", "e2e", victim, "--wait=true"}, {},
                                    false, 70000));
        KUBECTL_OK(
            m_server.kubectl({"rollout", "status", "-n", "e2e", "deployment/shop", "--timeout=60s"},
                             {}, false, 70000));
        QVERIFY(eventually([&] {
            const QJsonObject d = getJson({"get", "deploy", "-n", "e2e", "shop"});
            return d.value("status").toObject().value("readyReplicas").toInt() == 2;
        }));
        QVERIFY(!m_server.kubectl({"get", "pods", "-n", "e2e"}).out.contains(victim));
    }

    void rolloutHistoryAndUndo()
    {
        KUBECTL_OK(
            m_server.kubectl({"set", "image", "-n", "e2e", "deployment/shop", "shop=nginx:1.28"}));
        KUBECTL_OK(
            m_server.kubectl({"rollout", "status", "-n", "e2e", "deployment/shop", "--timeout=60s"},
                             {}, false, 70000));
        const CommandResult history =
            m_server.kubectl({"rollout", "history", "-n", "e2e", "deployment/shop"});
        KUBECTL_OK(history);
        QVERIFY2(history.out.contains("1") && history.out.contains("2"), qPrintable(history.out));
        const CommandResult undo =
            m_server.kubectl({"rollout", "undo", "-n", "e2e", "deployment/shop"});
        KUBECTL_OK(undo);
        KUBECTL_OK(
            m_server.kubectl({"rollout", "status", "-n", "e2e", "deployment/shop", "--timeout=60s"},
                             {}, false, 70000));
        const CommandResult image =
            m_server.kubectl({"get", "deploy", "-n", "e2e", "shop", "-o",
                              "jsonpath={.spec.template.spec.containers[0].image}"});
        const CommandResult sets = m_server.kubectl(
            {"get", "rs", "-n", "e2e", "-o",
             "custom-columns=NAME:.metadata.name,REVISION:.metadata.annotations.deployment"
             "\\.kubernetes\\.io/revision,IMAGE:.spec.template.spec.containers[0].image"});
        QVERIFY2(
            image.out == QStringLiteral("nginx:1.27"),
            qPrintable(image.out + "\n" + undo.out + undo.err + "\n" + history.out + sets.out));
    }

    void logsShowTheContainer()
    {
        const CommandResult r = m_server.kubectl({"logs", "-n", "e2e", "deployment/shop"});
        KUBECTL_OK(r);
        QVERIFY2(!r.out.trimmed().isEmpty(), qPrintable(r.out));
    }

    void drainMovesPods()
    {
        // Put pods on every worker, then drain the one holding web pods.
        const QStringList before = podNodes("default", "app=web");
        const QString node = before.value(0);
        QVERIFY(node.startsWith("worker-"));
        const CommandResult drain = m_server.kubectl(
            {"drain", node, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=90s"}, {},
            false, 100000);
        KUBECTL_OK(drain);
        const QJsonObject n = getJson({"get", "node", node});
        QVERIFY(n.value("spec").toObject().value("unschedulable").toBool());
        QVERIFY(eventually([&] {
            const QStringList after = podNodes("default", "app=web");
            return after.size() == 3 && !after.contains(node);
        }));
        KUBECTL_OK(m_server.kubectl({"rollout", "status", "deployment/web", "--timeout=60s"}, {},
                                    false, 70000));
        KUBECTL_OK(m_server.kubectl({"uncordon", node}));
    }

    void faultPowersOffANodeAndWebRecovers()
    {
        // The Fault kind is discoverable like a built-in one.
        const CommandResult resources =
            m_server.kubectl({"api-resources", "--api-group=kubist.io"});
        KUBECTL_OK(resources);
        QVERIFY2(resources.out.contains("faults") && resources.out.contains("kubist.io/v1alpha1"),
                 qPrintable(resources.out));
        // Power off a node that runs a web pod.
        QVERIFY(eventually([&] { return readyWebPods().size() == 3; }));
        const QString node = readyWebPods().value(0);
        QVERIFY(node.startsWith("worker-"));
        const QByteArray fault = "apiVersion: kubist.io/v1alpha1\n"
                                 "kind: Fault\n"
                                 "metadata:\n"
                                 "  name: power-cut\n"
                                 "spec:\n"
                                 "  target:\n"
                                 "    kind: Node\n"
                                 "    name: " +
                                 node.toUtf8() +
                                 "\n"
                                 "  action: PowerOff\n";
        QElapsedTimer recovery;
        recovery.start();
        KUBECTL_OK(m_server.kubectl({"apply", "-f", "-"}, fault));
        QVERIFY(eventually(
            [&] {
                return m_server.kubectl({"get", "faults"}).out.contains("Active");
            },
            10000));
        const CommandResult listed = m_server.kubectl({"get", "faults"});
        QVERIFY2(listed.out.contains("Node/" + node) && listed.out.contains("PowerOff"),
                 qPrintable(listed.out));
        // All three web pods Ready elsewhere within the demo profile's time.
        QVERIFY(eventually(
            [&] {
                const QStringList nodes = readyWebPods();
                return nodes.size() == 3 && !nodes.contains(node);
            },
            45000));
        qInfo("web whole again %.1f s after the power cut", recovery.elapsed() / 1000.0);
        QVERIFY2(recovery.elapsed() < 35000, qPrintable(QString::number(recovery.elapsed())));
        // The traffic generator's requests show in the pods' logs.
        QVERIFY(eventually(
            [&] {
                return m_server.kubectl({"logs", "deployment/web"}).out.contains("GET / HTTP/1.1");
            },
            20000));
        QVERIFY(m_server.kubectl({"get", "events", "-A"}).out.contains("FaultInjected"));
        // Deleting the Fault powers the node back on.
        KUBECTL_OK(m_server.kubectl({"delete", "fault", "power-cut"}));
        QVERIFY(eventually(
            [&] {
                const QJsonObject n = getJson({"get", "node", node});
                for (const QJsonValue &c :
                     n.value("status").toObject().value("conditions").toArray())
                    if (c.toObject().value("type").toString() == "Ready")
                        return c.toObject().value("status").toString() == "True";
                return false;
            },
            30000));
        // A Fault on a node that does not exist is refused.
        const CommandResult bad = m_server.kubectl(
            {"apply", "-f", "-"},
            "apiVersion: kubist.io/v1alpha1\nkind: Fault\nmetadata:\n  name: nowhere\n"
            "spec:\n  target:\n    kind: Node\n    name: nope\n  action: PowerOff\n");
        QVERIFY(bad.exitCode != 0);
        QVERIFY2(bad.err.contains("is not a node this cluster simulates"), qPrintable(bad.err));
    }

    void deleteNamespaceCascades()
    {
        const CommandResult r =
            m_server.kubectl({"delete", "namespace", "e2e", "--timeout=90s"}, {}, false, 100000);
        KUBECTL_OK(r);
        QVERIFY(eventually([&] {
            return m_server.kubectl({"get", "namespace", "e2e"}).exitCode != 0;
        }));
        const CommandResult pods = m_server.kubectl({"get", "pods", "-A", "-l", "app=shop"});
        QVERIFY2(!pods.out.contains("shop-"), qPrintable(pods.out));
    }
};

QTEST_GUILESS_MAIN(TestKubectlCluster)
#include "tst_kubectlcluster.moc"
