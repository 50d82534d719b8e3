#include "backend/apiserver/validation/defaults.h"

#include "testobjects.h"

#include "core_v1.pb.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QObject>
#include <QTest>

namespace {

// The value at `path` ("spec.containers[0].image") of the object's JSON,
// compact; "<absent>" when missing.
QString valueAt(const google::protobuf::Message &message, const QString &path)
{
    const std::string json = kubist::api::JsonCodec::encode(message);
    QJsonValue v = QJsonDocument::fromJson(QByteArray::fromStdString(json)).object();
    for (const QString &part : path.split('.')) {
        QString name = part;
        int index = -1;
        if (const qsizetype b = part.indexOf('['); b >= 0) {
            name = part.left(b);
            index = part.mid(b + 1).chopped(1).toInt();
        }
        v = v.toObject().value(name);
        if (index >= 0)
            v = v.toArray().at(index);
        if (v.isUndefined())
            return "<absent>";
    }
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    if (v.isArray())
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    return QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact))
        .mid(1)
        .chopped(1);
}

const QString kPod = "{apiVersion: v1, kind: Pod, metadata: {name: p, namespace: d}, spec: "
                     "{containers: [{name: c, image: %1%2}]%3}}";

} // namespace

class TestDefaults : public QObject
{
    Q_OBJECT

private slots:
    void fillsUnsetFields_data();
    void fillsUnsetFields();
    void isIdempotent();
    void defaultTolerations_data();
    void defaultTolerations();
};

void TestDefaults::fillsUnsetFields_data()
{
    QTest::addColumn<QString>("yaml");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("expected");

    const QString pod = kPod.arg("nginx", "", "");
    QTest::newRow("pod restartPolicy") << pod << "spec.restartPolicy"
                                       << "\"Always\"";
    QTest::newRow("pod dnsPolicy") << pod << "spec.dnsPolicy"
                                   << "\"ClusterFirst\"";
    QTest::newRow("pod schedulerName") << pod << "spec.schedulerName"
                                       << "\"default-scheduler\"";
    QTest::newRow("pod terminationGracePeriodSeconds")
        << pod << "spec.terminationGracePeriodSeconds"
        << "30";
    QTest::newRow("pod securityContext") << pod << "spec.securityContext"
                                         << "{}";
    QTest::newRow("pod enableServiceLinks") << pod << "spec.enableServiceLinks"
                                            << "true";
    QTest::newRow("pod serviceAccountName") << pod << "spec.serviceAccountName"
                                            << "\"default\"";
    QTest::newRow("pod deprecated serviceAccount") << pod << "spec.serviceAccount"
                                                   << "\"default\"";
    QTest::newRow("pod priority") << pod << "spec.priority"
                                  << "0";
    QTest::newRow("system-node-critical priority")
        << kPod.arg("nginx", "", ", priorityClassName: system-node-critical") << "spec.priority"
        << "2000001000";
    QTest::newRow("pod preemptionPolicy") << pod << "spec.preemptionPolicy"
                                          << "\"PreemptLowerPriority\"";
    QTest::newRow("terminationMessagePath") << pod << "spec.containers[0].terminationMessagePath"
                                            << "\"/dev/termination-log\"";
    QTest::newRow("terminationMessagePolicy")
        << pod << "spec.containers[0].terminationMessagePolicy"
        << "\"File\"";
    QTest::newRow("pull policy without tag") << pod << "spec.containers[0].imagePullPolicy"
                                             << "\"Always\"";
    QTest::newRow("pull policy for latest")
        << kPod.arg("'nginx:latest'", "", "") << "spec.containers[0].imagePullPolicy"
        << "\"Always\"";
    QTest::newRow("pull policy for a tag")
        << kPod.arg("'registry:5000/nginx:1.25'", "", "") << "spec.containers[0].imagePullPolicy"
        << "\"IfNotPresent\"";
    QTest::newRow("pull policy for a registry port without tag")
        << kPod.arg("'registry:5000/nginx'", "", "") << "spec.containers[0].imagePullPolicy"
        << "\"Always\"";
    QTest::newRow("pull policy for a digest")
        << kPod.arg("'nginx@sha256:abc'", "", "") << "spec.containers[0].imagePullPolicy"
        << "\"IfNotPresent\"";
    QTest::newRow("container port protocol")
        << kPod.arg("nginx", ", ports: [{containerPort: 80}]", "")
        << "spec.containers[0].ports[0].protocol"
        << "\"TCP\"";
    QTest::newRow("probe defaults")
        << kPod.arg("nginx", ", livenessProbe: {httpGet: {port: 80}}", "")
        << "spec.containers[0].livenessProbe"
        << "{\"failureThreshold\":3,\"httpGet\":{\"path\":\"/\",\"port\":80,\"scheme\":\"HTTP\"},"
           "\"periodSeconds\":10,\"successThreshold\":1,\"timeoutSeconds\":1}";
    QTest::newRow("grpc probe service")
        << kPod.arg("nginx", ", readinessProbe: {grpc: {port: 9000}}", "")
        << "spec.containers[0].readinessProbe.grpc"
        << "{\"port\":9000,\"service\":\"\"}";
    QTest::newRow("requests from limits")
        << kPod.arg("nginx", ", resources: {limits: {cpu: 500m}, requests: {memory: 1Gi}}", "")
        << "spec.containers[0].resources.requests"
        << "{\"cpu\":\"500m\",\"memory\":\"1Gi\"}";
    QTest::newRow("volume without source is emptyDir")
        << kPod.arg("nginx", "", ", volumes: [{name: v}]") << "spec.volumes[0]"
        << "{\"emptyDir\":{},\"name\":\"v\"}";
    QTest::newRow("secret volume mode")
        << kPod.arg("nginx", "", ", volumes: [{name: v, secret: {secretName: s}}]")
        << "spec.volumes[0].secret.defaultMode"
        << "420";
    QTest::newRow("env fieldRef apiVersion")
        << kPod.arg("nginx",
                    ", env: [{name: NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]", "")
        << "spec.containers[0].env[0].valueFrom.fieldRef.apiVersion"
        << "\"v1\"";
    QTest::newRow("host network host ports")
        << kPod.arg("nginx", ", ports: [{containerPort: 8080}]", ", hostNetwork: true")
        << "spec.containers[0].ports[0].hostPort"
        << "8080";

    const QString deploy =
        "{apiVersion: apps/v1, kind: Deployment, metadata: {name: d, namespace: ns1}, spec: "
        "{selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: "
        "{containers: [{name: c, image: 'nginx:1'}]}}}}";
    QTest::newRow("deployment replicas") << deploy << "spec.replicas"
                                         << "1";
    QTest::newRow("deployment strategy")
        << deploy << "spec.strategy"
        << "{\"rollingUpdate\":{\"maxSurge\":\"25%\",\"maxUnavailable\":\"25%\"},\"type\":"
           "\"RollingUpdate\"}";
    QTest::newRow("deployment revisionHistoryLimit") << deploy << "spec.revisionHistoryLimit"
                                                     << "10";
    QTest::newRow("deployment progressDeadlineSeconds") << deploy << "spec.progressDeadlineSeconds"
                                                        << "600";
    QTest::newRow("template restartPolicy") << deploy << "spec.template.spec.restartPolicy"
                                            << "\"Always\"";
    QTest::newRow("template container pull policy")
        << deploy << "spec.template.spec.containers[0].imagePullPolicy"
        << "\"IfNotPresent\"";
    QTest::newRow("template has no pod-only defaults")
        << deploy << "spec.template.spec.enableServiceLinks"
        << "<absent>";
    QTest::newRow("recreate has no rollingUpdate")
        << QString(deploy).replace("spec: {selector", "spec: {strategy: {type: Recreate}, selector")
        << "spec.strategy"
        << "{\"type\":\"Recreate\"}";
    QTest::newRow("replica set replicas")
        << QString(deploy).replace("kind: Deployment", "kind: ReplicaSet") << "spec.replicas"
        << "1";

    const QString svc = "{apiVersion: v1, kind: Service, metadata: {name: s, namespace: ns1}, "
                        "spec: {selector: {a: b}, ports: [{port: 80}]%1}}";
    QTest::newRow("service type") << svc.arg("") << "spec.type"
                                  << "\"ClusterIP\"";
    QTest::newRow("service sessionAffinity") << svc.arg("") << "spec.sessionAffinity"
                                             << "\"None\"";
    QTest::newRow("service port protocol") << svc.arg("") << "spec.ports[0].protocol"
                                           << "\"TCP\"";
    QTest::newRow("service targetPort") << svc.arg("") << "spec.ports[0].targetPort"
                                        << "80";
    QTest::newRow("service internalTrafficPolicy") << svc.arg("") << "spec.internalTrafficPolicy"
                                                   << "\"Cluster\"";
    QTest::newRow("service ipFamilyPolicy") << svc.arg("") << "spec.ipFamilyPolicy"
                                            << "\"SingleStack\"";
    QTest::newRow("service ipFamilies") << svc.arg("") << "spec.ipFamilies"
                                        << "[\"IPv4\"]";
    QTest::newRow("cluster service has no externalTrafficPolicy")
        << svc.arg("") << "spec.externalTrafficPolicy"
        << "<absent>";
    QTest::newRow("node port externalTrafficPolicy")
        << svc.arg(", type: NodePort") << "spec.externalTrafficPolicy"
        << "\"Cluster\"";
    QTest::newRow("load balancer node ports")
        << svc.arg(", type: LoadBalancer") << "spec.allocateLoadBalancerNodePorts"
        << "true";
    QTest::newRow("client IP affinity timeout")
        << svc.arg(", sessionAffinity: ClientIP")
        << "spec.sessionAffinityConfig.clientIP.timeoutSeconds"
        << "10800";

    const QString ns = "{apiVersion: v1, kind: Namespace, metadata: {name: team-a}}";
    QTest::newRow("namespace phase") << ns << "status.phase"
                                     << "\"Active\"";
    // (The "kubernetes" finalizer is added by the registry on create only,
    // not by defaulting, which also runs on updates.)
    QTest::newRow("namespace name label") << ns << "metadata.labels"
                                          << "{\"kubernetes.io/metadata.name\":\"team-a\"}";
    QTest::newRow("secret type")
        << "{apiVersion: v1, kind: Secret, metadata: {name: s, namespace: ns1}}"
        << "type"
        << "\"Opaque\"";
    QTest::newRow("secret stringData merged")
        << "{apiVersion: v1, kind: Secret, metadata: {name: s, namespace: ns1}, stringData: {a: "
           "hi}}"
        << "data"
        << "{\"a\":\"aGk=\"}";
    QTest::newRow("node allocatable from capacity")
        << "{apiVersion: v1, kind: Node, metadata: {name: node-a}, status: {capacity: {cpu: '4'}}}"
        << "status.allocatable"
        << "{\"cpu\":\"4\"}";
    QTest::newRow("endpoints port protocol")
        << "{apiVersion: v1, kind: Endpoints, metadata: {name: e, namespace: ns1}, subsets: "
           "[{addresses: [{ip: 10.0.0.1}], ports: [{port: 80}]}]}"
        << "subsets[0].ports[0].protocol"
        << "\"TCP\"";
    QTest::newRow("endpoint slice port")
        << "{apiVersion: discovery.k8s.io/v1, kind: EndpointSlice, metadata: {name: e, "
           "namespace: ns1}, addressType: IPv4, endpoints: [], ports: [{port: 80}]}"
        << "ports[0]"
        << "{\"name\":\"\",\"port\":80,\"protocol\":\"TCP\"}";
}

void TestDefaults::fillsUnsetFields()
{
    QFETCH(QString, yaml);
    QFETCH(QString, path);
    QFETCH(QString, expected);
    testobjects::Object obj = testobjects::fromYaml(yaml);
    QVERIFY(obj.message && obj.kind);
    kubist::apiserver::applyDefaults(*obj.kind, obj.message.get());
    QCOMPARE(valueAt(*obj.message, path), expected);
}

void TestDefaults::isIdempotent()
{
    testobjects::Object obj =
        testobjects::fromYaml(kPod.arg("nginx", ", livenessProbe: {tcpSocket: {port: 80}}", ""));
    QVERIFY(obj.message);
    kubist::apiserver::applyDefaults(*obj.kind, obj.message.get());
    const std::string once = kubist::api::JsonCodec::encode(*obj.message);
    kubist::apiserver::applyDefaults(*obj.kind, obj.message.get());
    QCOMPARE(kubist::api::JsonCodec::encode(*obj.message), once);
}

void TestDefaults::defaultTolerations_data()
{
    QTest::addColumn<QString>("tolerations");
    QTest::addColumn<QString>("expected");

    const QString notReady = "{\"effect\":\"NoExecute\",\"key\":\"node.kubernetes.io/"
                             "not-ready\",\"operator\":\"Exists\",\"tolerationSeconds\":300}";
    const QString unreachable = "{\"effect\":\"NoExecute\",\"key\":\"node.kubernetes.io/"
                                "unreachable\",\"operator\":\"Exists\",\"tolerationSeconds\":60}";
    QTest::newRow("both added") << ""
                                << "[" + notReady + "," + unreachable + "]";
    QTest::newRow("existing not-ready kept")
        << ", tolerations: [{key: node.kubernetes.io/not-ready, operator: Exists, effect: "
           "NoExecute, tolerationSeconds: 5}]"
        << "[{\"effect\":\"NoExecute\",\"key\":\"node.kubernetes.io/not-ready\",\"operator\":"
           "\"Exists\",\"tolerationSeconds\":5}," +
               unreachable + "]";
    QTest::newRow("tolerate everything adds nothing") << ", tolerations: [{operator: Exists}]"
                                                      << "[{\"operator\":\"Exists\"}]";
    QTest::newRow("NoSchedule toleration does not count")
        << ", tolerations: [{key: node.kubernetes.io/unreachable, operator: Exists, effect: "
           "NoSchedule}]"
        << "[{\"effect\":\"NoSchedule\",\"key\":\"node.kubernetes.io/unreachable\",\"operator\":"
           "\"Exists\"}," +
               notReady + "," + unreachable + "]";
}

void TestDefaults::defaultTolerations()
{
    QFETCH(QString, tolerations);
    QFETCH(QString, expected);
    testobjects::Object obj = testobjects::fromYaml(kPod.arg("nginx", "", tolerations));
    QVERIFY(obj.message);
    auto *pod = static_cast<k8s::io::api::core::v1::Pod *>(obj.message.get());
    kubist::apiserver::addDefaultTolerations(pod, 300, 60);
    QCOMPARE(valueAt(*pod, "spec.tolerations"), expected);
}

QTEST_GUILESS_MAIN(TestDefaults)
#include "tst_defaults.moc"
