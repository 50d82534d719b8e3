// Disruption budgets through the real kubectl: `kubist serve` with two
// workers runs a Deployment of two replicas guarded by a
// PodDisruptionBudget; `kubectl drain` is refused while the budget allows
// no disruption, and completes (kubectl retrying evictions every 5 s) once
// the budget is relaxed. `kubectl get pdb` shows ALLOWED DISRUPTIONS as the
// disruption controller computes them (real time, demo timing profile).

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
  name: pdb-e2e
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  namespace: pdb-e2e
spec:
  replicas: 2
  selector:
    matchLabels: {app: shop}
  template:
    metadata:
      labels: {app: shop}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: shop
        image: nginx:1.27
)";

QByteArray budget(int minAvailable)
{
    return QByteArrayLiteral("apiVersion: policy/v1\n"
                             "kind: PodDisruptionBudget\n"
                             "metadata:\n"
                             "  name: shop\n"
                             "  namespace: pdb-e2e\n"
                             "spec:\n"
                             "  minAvailable: ") +
           QByteArray::number(minAvailable) +
           QByteArrayLiteral("\n"
                             "  selector:\n"
                             "    matchLabels: {app: shop}\n");
}

const char kBudgetMessage[] = "Cannot evict pod as it would violate the pod's disruption budget.";

} // namespace

class TestKubectlPdb : public QObject
{
    Q_OBJECT

    KubistTestServer m_server;

    QJsonObject getJson(const QStringList &args) { return m_server.kubectlJson(args); }

    // The budget's status once the controller observed its generation.
    bool budgetSettledAt(int currentHealthy, int allowed)
    {
        const QJsonObject pdb = getJson({"get", "pdb", "-n", "pdb-e2e", "shop"});
        const QJsonObject status = pdb.value("status").toObject();
        return status.value("observedGeneration").toInt(-1) ==
                   pdb.value("metadata").toObject().value("generation").toInt() &&
               status.value("currentHealthy").toInt() == currentHealthy &&
               status.value("disruptionsAllowed").toInt() == allowed;
    }

    // The ALLOWED DISRUPTIONS column of `kubectl get pdb` for "shop".
    QString allowedColumn()
    {
        const CommandResult r = m_server.kubectl({"get", "pdb", "-n", "pdb-e2e"});
        if (r.exitCode != 0 || !r.out.contains("ALLOWED DISRUPTIONS"))
            return QStringLiteral("?") + r.out + r.err;
        for (const QString &line : r.out.split('\n')) {
            const QStringList cells = line.simplified().split(' ');
            if (cells.size() >= 4 && cells[0] == "shop")
                return cells[3];
        }
        return QStringLiteral("?") + r.out;
    }

    QStringList shopNodes()
    {
        const QJsonObject list = getJson({"get", "pods", "-n", "pdb-e2e", "-l", "app=shop"});
        QStringList nodes;
        for (const QJsonValue &item : list.value("items").toArray()) {
            const QJsonObject pod = item.toObject();
            if (pod.value("metadata").toObject().contains("deletionTimestamp"))
                continue;
            nodes << pod.value("spec").toObject().value("nodeName").toString();
        }
        return nodes;
    }

private slots:
    void initTestCase() { QVERIFY(m_server.start({"--nodes", "2", "--no-demo-workloads"})); }

    void cleanupTestCase() { QCOMPARE(m_server.stop(), 0); }

    void budgetBlocksThenAllowsDrain()
    {
        QElapsedTimer clock;
        clock.start();
        auto phase = [&](const char *what) { qInfo("%6lld ms: %s", clock.elapsed(), what); };
        // Both replicas go to worker-1 (worker-2 cordoned meanwhile), so the
        // drain of worker-1 has to wait for the budget between evictions.
        QVERIFY(eventually([&] {
            return m_server.kubectl({"get", "node", "worker-2"}).exitCode == 0;
        }));
        KUBECTL_OK(m_server.kubectl({"cordon", "worker-2"}));
        KUBECTL_OK(m_server.kubectl({"apply", "-f", "-"}, kShop));
        KUBECTL_OK(m_server.kubectl({"apply", "-f", "-"}, budget(2)));
        KUBECTL_OK(m_server.kubectl(
            {"rollout", "status", "-n", "pdb-e2e", "deployment/shop", "--timeout=40s"}, {}, false,
            45000));
        QVERIFY(eventually([&] { return budgetSettledAt(2, 0); }));
        QCOMPARE(allowedColumn(), QStringLiteral("0"));
        phase("rolled out, budget allows 0");
        const CommandResult wide = m_server.kubectl({"get", "pdb", "-n", "pdb-e2e"});
        QVERIFY2(wide.out.contains("MIN AVAILABLE") && wide.out.contains("MAX UNAVAILABLE"),
                 qPrintable(wide.out));

        const QStringList before = shopNodes();
        const QString node = QStringLiteral("worker-1");
        QVERIFY2(before == QStringList({node, node}), qPrintable(before.join(',')));
        KUBECTL_OK(m_server.kubectl({"uncordon", "worker-2"}));

        // minAvailable 2 of 2: every eviction is refused until the timeout.
        const CommandResult refused = m_server.kubectl(
            {"drain", node, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=15s"}, {},
            false, 30000);
        QVERIFY2(refused.exitCode != 0, qPrintable(describeFailure(refused)));
        QVERIFY2((refused.out + refused.err).contains(QLatin1String(kBudgetMessage)),
                 qPrintable(describeFailure(refused)));
        QCOMPARE(shopNodes().size(), 2);
        QVERIFY(shopNodes().contains(node));
        phase("drain refused");

        // Relaxed to minAvailable 1: one disruption at a time; kubectl
        // retries the second eviction every 5 s until the first pod's
        // replacement is ready on worker-2.
        KUBECTL_OK(m_server.kubectl({"apply", "-f", "-"}, budget(1)));
        QVERIFY(eventually([&] { return budgetSettledAt(2, 1); }));
        QCOMPARE(allowedColumn(), QStringLiteral("1"));
        phase("budget relaxed, allows 1");
        const CommandResult drained = m_server.kubectl(
            {"drain", node, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=40s"}, {},
            false, 50000);
        KUBECTL_OK(drained);
        QVERIFY2((drained.out + drained.err).contains(QLatin1String(kBudgetMessage)),
                 qPrintable(describeFailure(drained)));
        phase("drained");
        QVERIFY(eventually([&] {
            const QStringList after = shopNodes();
            return after.size() == 2 && !after.contains(node);
        }));
        KUBECTL_OK(m_server.kubectl(
            {"rollout", "status", "-n", "pdb-e2e", "deployment/shop", "--timeout=30s"}, {}, false,
            35000));
        QVERIFY(eventually([&] { return budgetSettledAt(2, 1); }));
        QCOMPARE(allowedColumn(), QStringLiteral("1"));
        KUBECTL_OK(m_server.kubectl({"uncordon", node}));
        phase("done");
    }
};

QTEST_GUILESS_MAIN(TestKubectlPdb)
#include "tst_kubectlpdb.moc"
