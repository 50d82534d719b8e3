#include "backend/apiserver/validation/defaults.h"
#include "backend/apiserver/validation/validation.h"

#include "testobjects.h"

#include <QObject>
#include <QTest>

using kubist::apiserver::FieldErrors;

namespace {

const QString kSubdomain = QStringLiteral(
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
const QString kLabel = QStringLiteral(
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
const QString kDns1035 = QStringLiteral(
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
    "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
const QString kLabelValue = QStringLiteral(
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
const QString kPodUpdate = QStringLiteral(
    "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only "
    "additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set "
    "to 1 if it was previously negative)");

// A valid pod; `spec` and `container` are extra flow-YAML members.
QString pod(const QString &container = {}, const QString &spec = {}, const QString &meta = {})
{
    return "{apiVersion: v1, kind: Pod, metadata: {name: web, namespace: default, "
           "resourceVersion: '1'" +
           (meta.isEmpty() ? QString() : ", " + meta) +
           "}, spec: {containers: [{name: app, image: 'nginx:1.25'" +
           (container.isEmpty() ? QString() : ", " + container) + "}]" +
           (spec.isEmpty() ? QString() : ", " + spec) + "}}";
}

QString deployment(const QString &spec = {}, const QString &templateLabels = "app: web")
{
    return "{apiVersion: apps/v1, kind: Deployment, metadata: {name: web, namespace: default, "
           "resourceVersion: '1'}, spec: {selector: {matchLabels: {app: web}}, "
           "template: {metadata: {labels: {" +
           templateLabels + "}}, spec: {containers: [{name: app, image: nginx}]}}" +
           (spec.isEmpty() ? QString() : ", " + spec) + "}}";
}

QString service(const QString &spec, const QString &name = "web")
{
    return "{apiVersion: v1, kind: Service, metadata: {name: " + name +
           ", namespace: default, resourceVersion: '1'}, spec: {" + spec + "}}";
}

QStringList run(const QString &yaml, const QString &oldYaml, int mode)
{
    testobjects::Object obj = testobjects::fromYaml(yaml);
    if (!obj.message || !obj.kind)
        return {"<decode failed>"};
    kubist::apiserver::applyDefaults(*obj.kind, obj.message.get());
    FieldErrors errs;
    if (mode == 0) {
        errs = kubist::apiserver::validateCreate(*obj.kind, *obj.message);
    } else {
        testobjects::Object old = testobjects::fromYaml(oldYaml);
        if (!old.message)
            return {"<decode failed>"};
        kubist::apiserver::applyDefaults(*old.kind, old.message.get());
        errs = mode == 1
                   ? kubist::apiserver::validateUpdate(*obj.kind, *obj.message, *old.message)
                   : kubist::apiserver::validateStatusUpdate(*obj.kind, *obj.message, *old.message);
    }
    QStringList out;
    for (const auto &e : errs)
        out << QString::fromStdString(e.toString());
    return out;
}

// `expected` empty: no errors. Else one of the errors must be `expected`
// (or start with it, when it ends in "...").
void checkErrors(const QStringList &errors, const QString &expected)
{
    if (expected.isEmpty()) {
        if (!errors.isEmpty())
            QFAIL(qPrintable("unexpected errors:\n" + errors.join('\n')));
        return;
    }
    const bool prefix = expected.endsWith("...");
    const QString want = prefix ? expected.chopped(3) : expected;
    for (const QString &e : errors)
        if (prefix ? e.startsWith(want) : e == want)
            return;
    QFAIL(qPrintable("missing error:\n  " + expected + "\ngot:\n  " + errors.join("\n  ")));
}

} // namespace

class TestValidation : public QObject
{
    Q_OBJECT

private slots:
    void createRules_data();
    void createRules();
    void updateRules_data();
    void updateRules();
    void statusUpdateRules_data();
    void statusUpdateRules();
    void unknownMessageIsAnInternalError();
};

void TestValidation::createRules_data()
{
    QTest::addColumn<QString>("yaml");
    QTest::addColumn<QString>("expected");

    // Pod and ObjectMeta.
    QTest::newRow("valid pod") << pod() << "";
    QTest::newRow("pod without name")
        << "{apiVersion: v1, kind: Pod, metadata: {namespace: default}, spec: {containers: "
           "[{name: a, image: b}]}}"
        << "metadata.name: Required value: name or generateName is required";
    QTest::newRow("pod name not a subdomain")
        << pod({}, {}, "labels: {}").replace("name: web", "name: Bad_Name")
        << "metadata.name: Invalid value: \"Bad_Name\": " + kSubdomain;
    QTest::newRow("pod without namespace")
        << "{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, "
           "image: b}]}}"
        << "metadata.namespace: Required value";
    QTest::newRow("bad label value") << pod({}, {}, "labels: {app: '-x'}")
                                     << "metadata.labels: Invalid value: \"-x\": " + kLabelValue;
    QTest::newRow("unqualified non-standard finalizer")
        << pod({}, {}, "finalizers: [foo]")
        << "metadata.finalizers[0]: Invalid value: \"foo\": name is neither a standard finalizer "
           "name nor is it fully qualified";
    QTest::newRow("owner reference without uid")
        << pod({}, {}, "ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: rs}]")
        << "metadata.ownerReferences.uid: Invalid value: \"\": must not be empty";
    QTest::newRow("no containers")
        << "{apiVersion: v1, kind: Pod, metadata: {name: p, namespace: d}, spec: {containers: []}}"
        << "spec.containers: Required value";
    QTest::newRow("container name not a label")
        << pod().replace("name: app", "name: App_1")
        << "spec.containers[0].name: Invalid value: \"App_1\": " + kLabel;
    QTest::newRow("duplicate container names")
        << pod({}, {}).replace("}]}}", "}, {name: app, image: busybox}]}}")
        << "spec.containers[1].name: Duplicate value: \"app\"";
    QTest::newRow("container without image")
        << "{apiVersion: v1, kind: Pod, metadata: {name: p, namespace: d}, spec: {containers: "
           "[{name: a}]}}"
        << "spec.containers[0].image: Required value";
    QTest::newRow("container port zero") << pod("ports: [{containerPort: 0}]")
                                         << "spec.containers[0].ports[0].containerPort: "
                                            "Required value";
    QTest::newRow("container port out of range")
        << pod("ports: [{containerPort: 70000}]")
        << "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 "
           "and 65535, inclusive";
    QTest::newRow("container port protocol")
        << pod("ports: [{containerPort: 80, protocol: HTTP}]")
        << "spec.containers[0].ports[0].protocol: Unsupported value: \"HTTP\": supported values: "
           "\"SCTP\", \"TCP\", \"UDP\"";
    QTest::newRow("restart policy") << pod({}, "restartPolicy: Sometimes")
                                    << "spec.restartPolicy: Unsupported value: \"Sometimes\": "
                                       "supported values: \"Always\", \"OnFailure\", \"Never\"";
    QTest::newRow("dns policy")
        << pod({}, "dnsPolicy: Google")
        << "spec.dnsPolicy: Unsupported value: \"Google\": supported values: "
           "\"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\"";
    QTest::newRow("requests above limits")
        << pod("resources: {requests: {cpu: '2'}, limits: {cpu: '1'}}")
        << "spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or "
           "equal to cpu limit of 1";
    QTest::newRow("negative limit")
        << pod("resources: {limits: {memory: '-1'}}")
        << "spec.containers[0].resources.limits[memory]: Invalid value: \"-1\": must be greater "
           "than or equal to 0";
    QTest::newRow("unknown resource name")
        << pod("resources: {limits: {gpu: '1'}}")
        << "spec.containers[0].resources.limits[gpu]: Invalid value: \"gpu\": must be a standard "
           "resource type or fully qualified";
    QTest::newRow("env var name with =")
        << pod("env: [{name: 'A=B', value: x}]")
        << "spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable "
           "name must consist only of printable ASCII characters other than '='";
    QTest::newRow("env var with value and valueFrom")
        << pod("env: [{name: A, value: x, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]")
        << "spec.containers[0].env[0].valueFrom: Invalid value: \"\": may not be specified when "
           "`value` is not empty";
    QTest::newRow("volume mount of unknown volume")
        << pod("volumeMounts: [{name: data, mountPath: /data}]")
        << "spec.containers[0].volumeMounts[0].name: Not found: \"data\"";
    QTest::newRow("duplicate volume names")
        << pod({}, "volumes: [{name: v, emptyDir: {}}, {name: v, emptyDir: {}}]")
        << "spec.volumes[1].name: Duplicate value: \"v\"";
    QTest::newRow("two volume sources")
        << pod({}, "volumes: [{name: v, emptyDir: {}, hostPath: {path: /tmp}}]")
        << "spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type";
    QTest::newRow("probe without handler")
        << pod("livenessProbe: {periodSeconds: 5}")
        << "spec.containers[0].livenessProbe: Required value: must specify a handler type";
    QTest::newRow("liveness success threshold")
        << pod("livenessProbe: {tcpSocket: {port: 80}, successThreshold: 2}")
        << "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1";
    QTest::newRow("toleration Exists with value")
        << pod({}, "tolerations: [{key: k, operator: Exists, value: x}]")
        << "spec.tolerations[0].operator: Invalid value: \"x\": value must be empty when "
           "`operator` is 'Exists'";
    QTest::newRow("toleration effect")
        << pod({}, "tolerations: [{key: k, operator: Exists, effect: NoRun}]")
        << "spec.tolerations[0].effect: Unsupported value: \"NoRun\": supported values: "
           "\"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"";
    QTest::newRow("toleration seconds without NoExecute")
        << pod({}, "tolerations: [{key: k, operator: Exists, tolerationSeconds: 5}]")
        << "spec.tolerations[0].effect: Invalid value: \"\": effect must be 'NoExecute' when "
           "`tolerationSeconds` is set";
    QTest::newRow("node affinity operator")
        << pod({}, "affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: "
                   "{nodeSelectorTerms: [{matchExpressions: [{key: zone, operator: Near}]}]}}}")
        << "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution."
           "nodeSelectorTerms[0].matchExpressions[0].operator: Invalid value: \"Near\": not a "
           "valid selector operator";
    QTest::newRow("topology spread max skew")
        << pod({}, "topologySpreadConstraints: [{maxSkew: 0, topologyKey: zone, "
                   "whenUnsatisfiable: DoNotSchedule}]")
        << "spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than "
           "zero";
    QTest::newRow("pod affinity selector operator")
        << pod({}, "affinity: {podAffinity: {requiredDuringSchedulingIgnoredDuringExecution: "
                   "[{topologyKey: zone, labelSelector: {matchExpressions: [{key: app, "
                   "operator: In}]}}]}}")
        << "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]."
           "labelSelector.matchExpressions[0].values: Required value: must be specified when "
           "`operator` is 'In' or 'NotIn'";
    QTest::newRow("ephemeral containers on create")
        << pod({}, "ephemeralContainers: [{name: dbg, image: busybox}]")
        << "spec.ephemeralContainers: Forbidden: cannot be set on create";

    // Deployment and ReplicaSet.
    QTest::newRow("valid deployment") << deployment() << "";
    QTest::newRow("deployment selector does not match")
        << deployment({}, "app: api")
        << "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"api\"}: "
           "`selector` does not match template `labels`";
    QTest::newRow("deployment without selector")
        << deployment().replace("selector: {matchLabels: {app: web}}, ", "")
        << "spec.selector: Required value";
    QTest::newRow("deployment negative replicas")
        << deployment("replicas: -1")
        << "spec.replicas: Invalid value: -1: must be greater than or equal to 0";
    QTest::newRow("deployment template restart policy")
        << deployment().replace("containers:", "restartPolicy: Never, containers:")
        << "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: "
           "\"Always\"";
    QTest::newRow("deployment surge and unavailable both zero")
        << deployment("strategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 0}}")
        << "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when "
           "`maxSurge` is 0";
    QTest::newRow("deployment maxUnavailable over 100%")
        << deployment("strategy: {rollingUpdate: {maxUnavailable: '150%'}}")
        << "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"150%\": must not be "
           "greater than 100%";
    QTest::newRow("deployment strategy type")
        << deployment("strategy: {type: Canary}")
        << "spec.strategy: Unsupported value: \"Canary\": supported values: \"Recreate\", "
           "\"RollingUpdate\"";
    QTest::newRow("valid replica set")
        << QString(deployment()).replace("apps/v1, kind: Deployment", "apps/v1, kind: ReplicaSet")
        << "";
    QTest::newRow("replica set negative replicas")
        << QString(deployment("replicas: -2"))
               .replace("apps/v1, kind: Deployment", "apps/v1, kind: ReplicaSet")
        << "spec.replicas: Invalid value: -2: must be greater than or equal to 0";

    // Service.
    QTest::newRow("valid service") << service("selector: {app: web}, ports: [{port: 80}]") << "";
    QTest::newRow("service without ports")
        << service("selector: {app: web}") << "spec.ports: Required value";
    QTest::newRow("service name is a DNS-1035 label")
        << service("ports: [{port: 80}]", "1web")
        << "metadata.name: Invalid value: \"1web\": " + kDns1035;
    QTest::newRow("service port names required with two ports")
        << service("ports: [{name: http, port: 80}, {port: 443}]")
        << "spec.ports[1].name: Required value";
    QTest::newRow("service duplicate port names")
        << service("ports: [{name: http, port: 80}, {name: http, port: 443}]")
        << "spec.ports[1].name: Duplicate value: \"http\"";
    QTest::newRow("service port out of range")
        << service("ports: [{port: 80, targetPort: 70000}]")
        << "spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, "
           "inclusive";
    QTest::newRow("service type")
        << service("type: Magic, ports: [{port: 80}]")
        << "spec.type: Unsupported value: \"Magic\": supported values: \"ClusterIP\", "
           "\"ExternalName\", \"LoadBalancer\", \"NodePort\"";
    QTest::newRow("service nodePort on ClusterIP")
        << service("ports: [{port: 80, nodePort: 30080}]")
        << "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'";
    QTest::newRow("service bad clusterIP")
        << service("clusterIP: 10.0.0.300, ports: [{port: 80}]")
        << "spec.clusterIPs[0]: Invalid value: \"10.0.0.300\": must be a valid IP address, (e.g. "
           "10.9.8.7 or 2001:db8::ffff)";

    // Node and Namespace.
    QTest::newRow("valid node") << "{apiVersion: v1, kind: Node, metadata: {name: node-1}, "
                                   "spec: {podCIDR: 10.244.1.0/24}}"
                                << "";
    QTest::newRow("node taint effect")
        << "{apiVersion: v1, kind: Node, metadata: {name: node-a}, spec: {taints: [{key: k, "
           "effect: "
           "Never}]}}"
        << "metadata.taints[0].effect: Unsupported value: \"Never\": supported values: "
           "\"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"";
    QTest::newRow("node pod CIDR")
        << "{apiVersion: v1, kind: Node, metadata: {name: node-a}, spec: {podCIDR: 10.0.0.0/99}}"
        << "spec.podCIDRs[0]: Invalid value: \"10.0.0.0/99\": must be a valid CIDR value, (e.g. "
           "10.9.8.0/24 or 2001:db8::/64)";
    QTest::newRow("node with a namespace")
        << "{apiVersion: v1, kind: Node, metadata: {name: node-a, namespace: default}}"
        << "metadata.namespace: Forbidden: not allowed on this type";
    QTest::newRow("valid namespace")
        << "{apiVersion: v1, kind: Namespace, metadata: {name: team-a}}"
        << "";
    QTest::newRow("namespace name with dots")
        << "{apiVersion: v1, kind: Namespace, metadata: {name: a.b}}"
        << "metadata.name: Invalid value: \"a.b\": must not contain dots";

    // ConfigMap, Secret.
    QTest::newRow("valid config map")
        << "{apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: d}, data: {a.conf: "
           "x}}"
        << "";
    QTest::newRow("config map key")
        << "{apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: d}, data: {'a b': "
           "x}}"
        << "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric "
           "characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex "
           "used for validation is '[-._a-zA-Z0-9]+')";
    QTest::newRow("valid secret")
        << "{apiVersion: v1, kind: Secret, metadata: {name: s, namespace: d}, stringData: {pw: "
           "x}}"
        << "";
    QTest::newRow("tls secret without key")
        << "{apiVersion: v1, kind: Secret, metadata: {name: s, namespace: d}, type: "
           "kubernetes.io/tls, stringData: {tls.crt: x}}"
        << "data[tls.key]: Required value";

    // Endpoints, EndpointSlice.
    QTest::newRow("valid endpoints")
        << "{apiVersion: v1, kind: Endpoints, metadata: {name: e, namespace: d}, subsets: "
           "[{addresses: [{ip: 10.1.2.3}], ports: [{port: 80}]}]}"
        << "";
    QTest::newRow("endpoints bad IP")
        << "{apiVersion: v1, kind: Endpoints, metadata: {name: e, namespace: d}, subsets: "
           "[{addresses: [{ip: 300.1.1.1}]}]}"
        << "subsets[0].addresses[0].ip: Invalid value: \"300.1.1.1\": must be a valid IP "
           "address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
    QTest::newRow("endpoints loopback IP")
        << "{apiVersion: v1, kind: Endpoints, metadata: {name: e, namespace: d}, subsets: "
           "[{addresses: [{ip: 127.0.0.1}]}]}"
        << "subsets[0].addresses[0].ip: Invalid value: \"127.0.0.1\": may not be in the "
           "loopback range (127.0.0.0/8, ::1/128)";
    QTest::newRow("endpoints subset without addresses")
        << "{apiVersion: v1, kind: Endpoints, metadata: {name: e, namespace: d}, subsets: "
           "[{ports: [{port: 80}]}]}"
        << "subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`";
    QTest::newRow("valid endpoint slice")
        << "{apiVersion: discovery.k8s.io/v1, kind: EndpointSlice, metadata: {name: e, "
           "namespace: d}, addressType: IPv4, endpoints: [{addresses: [10.1.2.3]}], ports: "
           "[{port: 80}]}"
        << "";
    QTest::newRow("endpoint slice address type")
        << "{apiVersion: discovery.k8s.io/v1, kind: EndpointSlice, metadata: {name: e, "
           "namespace: d}, addressType: IPv5, endpoints: []}"
        << "addressType: Unsupported value: \"IPv5\": supported values: \"FQDN\", \"IPv4\", "
           "\"IPv6\"";

    // Lease, PodDisruptionBudget, Event, Binding, Eviction.
    QTest::newRow("valid lease")
        << "{apiVersion: coordination.k8s.io/v1, kind: Lease, metadata: {name: node-1, "
           "namespace: kube-node-lease}, spec: {holderIdentity: node-1, leaseDurationSeconds: "
           "40}}"
        << "";
    QTest::newRow("lease duration")
        << "{apiVersion: coordination.k8s.io/v1, kind: Lease, metadata: {name: l, namespace: "
           "d}, spec: {leaseDurationSeconds: 0}}"
        << "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0";
    QTest::newRow("valid pdb")
        << "{apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: p, namespace: "
           "d}, spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}}"
        << "";
    QTest::newRow("pdb with both bounds")
        << "{apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: p, namespace: "
           "d}, spec: {minAvailable: 1, maxUnavailable: 1}}"
        << "spec: Invalid value: minAvailable and maxUnavailable cannot be both set";
    QTest::newRow("valid event")
        << "{apiVersion: v1, kind: Event, metadata: {name: web.1, namespace: default}, "
           "involvedObject: {kind: Pod, name: web, namespace: default}, reason: Scheduled}"
        << "";
    QTest::newRow("event namespace mismatch")
        << "{apiVersion: v1, kind: Event, metadata: {name: web.1, namespace: default}, "
           "involvedObject: {kind: Pod, name: web, namespace: other}, reason: Scheduled}"
        << "involvedObject.namespace: Invalid value: \"other\": does not match event.namespace";
    QTest::newRow("binding without target name")
        << "{apiVersion: v1, kind: Binding, metadata: {name: web, namespace: d}, target: {kind: "
           "Node}}"
        << "target.name: Required value";
    QTest::newRow("eviction propagation policy")
        << "{apiVersion: policy/v1, kind: Eviction, metadata: {name: web, namespace: d}, "
           "deleteOptions: {propagationPolicy: Sideways}}"
        << "propagationPolicy: Unsupported value: \"Sideways\": supported values: "
           "\"Foreground\", \"Background\", \"Orphan\", \"nil\"";
}

void TestValidation::createRules()
{
    QFETCH(QString, yaml);
    QFETCH(QString, expected);
    checkErrors(run(yaml, {}, 0), expected);
}

void TestValidation::updateRules_data()
{
    QTest::addColumn<QString>("old");
    QTest::addColumn<QString>("now");
    QTest::addColumn<QString>("expected");

    QTest::newRow("pod image may change")
        << pod() << QString(pod()).replace("nginx:1.25", "nginx:1.26") << "";
    QTest::newRow("pod tolerations may be added")
        << pod() << pod({}, "tolerations: [{key: k, operator: Exists}]") << "";
    QTest::newRow("pod port may not change")
        << pod("ports: [{containerPort: 80}]") << pod("ports: [{containerPort: 81}]")
        << kPodUpdate + "...";
    QTest::newRow("pod containers may not be added")
        << pod() << QString(pod()).replace("}]}}", "}, {name: b, image: busybox}]}}")
        << "spec.containers: Forbidden: pod updates may not add or remove containers";
    QTest::newRow("pod toleration may not be removed")
        << pod({}, "tolerations: [{key: k, operator: Exists}]") << pod()
        << "spec.tolerations: Forbidden: existing toleration can not be modified except its "
           "tolerationSeconds";
    QTest::newRow("pod activeDeadlineSeconds may only shrink")
        << pod({}, "activeDeadlineSeconds: 10") << pod({}, "activeDeadlineSeconds: 20")
        << "spec.activeDeadlineSeconds: Invalid value: 20: must be less than or equal to "
           "previous value";
    QTest::newRow("scheduling gates may only be removed")
        << pod({}, "schedulingGates: [{name: a}]") << pod({}, "schedulingGates: [{name: b}]")
        << "spec.schedulingGates[0].name: Forbidden: only deletion is allowed, but found new "
           "scheduling gate 'b'";
    QTest::newRow("name is immutable")
        << pod() << QString(pod()).replace("name: web", "name: api")
        << "metadata.name: Invalid value: \"api\": field is immutable";
    QTest::newRow("update needs a resourceVersion")
        << pod() << QString(pod()).replace(", resourceVersion: '1'", "")
        << "metadata.resourceVersion: Invalid value: \"\": must be specified for an update";
    QTest::newRow("deployment may scale") << deployment() << deployment("replicas: 5") << "";
    QTest::newRow("deployment selector is immutable")
        << deployment()
        << QString(deployment({}, "app: web, tier: x"))
               .replace("matchLabels: {app: web}", "matchLabels: {app: web, tier: x}")
        << "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"
           "\"app\":\"web\", \"tier\":\"x\"}, MatchExpressions:[]v1.LabelSelectorRequirement("
           "nil)}: field is immutable";
    QTest::newRow("service clusterIP may not change")
        << service("clusterIP: 10.96.0.10, ports: [{port: 80}]")
        << service("clusterIP: 10.96.0.11, ports: [{port: 80}]")
        << "spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.11\"}: may not change once set";
    QTest::newRow("immutable config map data")
        << "{apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: d, resourceVersion: "
           "'1'}, immutable: true, data: {a: x}}"
        << "{apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: d, resourceVersion: "
           "'1'}, immutable: true, data: {a: z}}"
        << "data: Forbidden: field is immutable when `immutable` is set";
    QTest::newRow("node podCIDR may not change")
        << "{apiVersion: v1, kind: Node, metadata: {name: node-a, resourceVersion: '1'}, spec: "
           "{podCIDR: 10.244.1.0/24}}"
        << "{apiVersion: v1, kind: Node, metadata: {name: node-a, resourceVersion: '1'}, spec: "
           "{podCIDR: 10.244.2.0/24}}"
        << "spec.podCIDRs: Forbidden: node updates may not change podCIDR except from \"\" to "
           "valid";
}

void TestValidation::updateRules()
{
    QFETCH(QString, old);
    QFETCH(QString, now);
    QFETCH(QString, expected);
    checkErrors(run(now, old, 1), expected);
}

void TestValidation::statusUpdateRules_data()
{
    QTest::addColumn<QString>("old");
    QTest::addColumn<QString>("now");
    QTest::addColumn<QString>("expected");

    const QString ns = "{apiVersion: v1, kind: Namespace, metadata: {name: a, resourceVersion: "
                       "'1'}, status: {phase: %1}}";
    QTest::newRow("namespace stays Active") << ns.arg("Active") << ns.arg("Active") << "";
    QTest::newRow("namespace Terminating without deletion")
        << ns.arg("Active") << ns.arg("Terminating")
        << "status.Phase: Invalid value: \"Terminating\": may only be 'Active' if "
           "`deletionTimestamp` is empty";
    QTest::newRow("deployment ready above replicas")
        << deployment()
        << QString(deployment()).replace("}}}}", "}}}, status: {replicas: 1, readyReplicas: 2}}")
        << "status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas";
    QTest::newRow("pod may not change its node through status")
        << pod({}, "nodeName: n1") << pod({}, "nodeName: n2")
        << "status.nodeName: Forbidden: may not be changed directly";
}

void TestValidation::statusUpdateRules()
{
    QFETCH(QString, old);
    QFETCH(QString, now);
    QFETCH(QString, expected);
    checkErrors(run(now, old, 2), expected);
}

void TestValidation::unknownMessageIsAnInternalError()
{
    testobjects::Object pod = testobjects::fromYaml(::pod());
    testobjects::Object node =
        testobjects::fromYaml("{apiVersion: v1, kind: Node, metadata: {name: node-a}}");
    const FieldErrors errs = kubist::apiserver::validateCreate(*node.kind, *pod.message);
    QCOMPARE(errs.size(), size_t(1));
    QCOMPARE(errs[0].type, std::string("FieldValueInternal"));
}

QTEST_GUILESS_MAIN(TestValidation)
#include "tst_validation.moc"
