// Server-side apply with the real kubectl (from PATH) against `kubist
// serve`: create and change, conflicts with another manager and
// --force-conflicts, the move from client-side apply, and managedFields as
// kubectl shows them.

#include "kubisttestserver.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

namespace {

QByteArray configMap(const QByteArray &color)
{
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\ndata:\n  color: " + color +
           "\n";
}

QByteArray named(QByteArray manifest, const QByteArray &name)
{
    return manifest.replace("NAME", name);
}

QByteArray deployment(int replicas)
{
    return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: " +
           QByteArray::number(replicas) +
           "\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n"
           "      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n"
           "        image: nginx:1.25\n";
}

// The managers of an object as "manager/operation" strings.
QStringList managers(const QJsonObject &object)
{
    QStringList out;
    for (const QJsonValue &e : object["metadata"].toObject()["managedFields"].toArray())
        out << e.toObject()["manager"].toString() + "/" + e.toObject()["operation"].toString();
    return out;
}

const QStringList kApiOnly{"--nodes", "0", "--no-demo-workloads"};

} // namespace

class TestKubectlApply : public QObject
{
    Q_OBJECT

    KubistTestServer m_server;

private slots:
    void initTestCase()
    {
        QVERIFY(m_server.start(kApiOnly));
        KUBECTL_OK(m_server.kubectl({"version"}));
    }

    void cleanupTestCase() { QCOMPARE(m_server.stop(), 0); }

    void serverSideApplyCreatesThenChanges()
    {
        CommandResult r = m_server.kubectl({"apply", "--server-side", "-f", "-"},
                                           named(configMap("blue"), "ssa"));
        KUBECTL_OK(r);
        QVERIFY2(r.out.contains("configmap/ssa serverside-applied"), qPrintable(r.out));
        r = m_server.kubectl({"apply", "--server-side", "-f", "-"}, named(configMap("red"), "ssa"));
        KUBECTL_OK(r);
        const QJsonObject cm =
            m_server.kubectlJson({"get", "configmap", "ssa", "--show-managed-fields"});
        QCOMPARE(cm["data"].toObject()["color"].toString(), QString("red"));
        QCOMPARE(managers(cm), QStringList{"kubectl/Apply"});
    }

    void conflictThenForce()
    {
        KUBECTL_OK(m_server.kubectl({"apply", "--server-side", "-f", "-"}, deployment(2)));
        KUBECTL_OK(m_server.kubectl({"scale", "deployment", "web", "--replicas=5"}));
        CommandResult r = m_server.kubectl({"apply", "--server-side", "-f", "-"}, deployment(3));
        QVERIFY2(r.exitCode != 0, qPrintable(describeFailure(r)));
        QVERIFY2(r.err.contains("Apply failed with 1 conflict") && r.err.contains(".spec.replicas"),
                 qPrintable(r.err));
        QCOMPARE(m_server.kubectlJson({"get", "deployment", "web"})["spec"]
                     .toObject()["replicas"]
                     .toInt(),
                 5);
        r = m_server.kubectl({"apply", "--server-side", "--force-conflicts", "-f", "-"},
                             deployment(3));
        KUBECTL_OK(r);
        const QJsonObject d =
            m_server.kubectlJson({"get", "deployment", "web", "--show-managed-fields"});
        QCOMPARE(d["spec"].toObject()["replicas"].toInt(), 3);
        QVERIFY2(managers(d).contains("kubectl/Apply"), qPrintable(managers(d).join(",")));
    }

    void clientSideThenServerSideDoesNotConflict()
    {
        KUBECTL_OK(m_server.kubectl({"apply", "-f", "-"}, named(configMap("blue"), "csa")));
        QVERIFY(managers(m_server.kubectlJson({"get", "configmap", "csa", "--show-managed-fields"}))
                    .contains("kubectl-client-side-apply/Update"));
        CommandResult r = m_server.kubectl({"apply", "--server-side", "-f", "-"},
                                           named(configMap("green"), "csa"));
        KUBECTL_OK(r);
        const QJsonObject cm =
            m_server.kubectlJson({"get", "configmap", "csa", "--show-managed-fields"});
        QCOMPARE(cm["data"].toObject()["color"].toString(), QString("green"));
        QVERIFY2(managers(cm).contains("kubectl/Apply"), qPrintable(managers(cm).join(",")));
    }

    void managedFieldsShownAsYaml()
    {
        KUBECTL_OK(
            m_server.kubectl({"apply", "--server-side", "--field-manager", "team-a", "-f", "-"},
                             named(configMap("blue"), "shown")));
        const CommandResult r =
            m_server.kubectl({"get", "configmap", "shown", "-o", "yaml", "--show-managed-fields"});
        KUBECTL_OK(r);
        QVERIFY2(r.out.contains("manager: team-a") && r.out.contains("operation: Apply") &&
                     r.out.contains("fieldsType: FieldsV1") && r.out.contains("f:color: {}"),
                 qPrintable(r.out));
        // Without the flag kubectl hides them.
        const CommandResult hidden = m_server.kubectl({"get", "configmap", "shown", "-o", "yaml"});
        QVERIFY(!hidden.out.contains("managedFields"));
    }
};

QTEST_GUILESS_MAIN(TestKubectlApply)
#include "tst_kubectlapply.moc"
