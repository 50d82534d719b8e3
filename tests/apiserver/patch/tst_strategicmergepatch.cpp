#include "backend/apiserver/patch/strategicmergepatch.h"

#include "patchtestutil.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"
#include "kubist_options.pb.h"
#include "meta_v1.pb.h"
#include "policy_v1.pb.h"

#include <google/protobuf/descriptor.h>

#include <QTest>

using namespace kubist;
using namespace kubist::apiserver;
using Code = Status::Code;
using google::protobuf::Descriptor;
namespace core = k8s::io::api::core::v1;
namespace apps = k8s::io::api::apps::v1;
namespace policy = k8s::io::api::policy::v1;

Q_DECLARE_METATYPE(Status::Code)
Q_DECLARE_METATYPE(const google::protobuf::Descriptor *)

namespace {

const Descriptor *pod()
{
    return core::Pod::descriptor();
}

// A pod with two containers, labels, finalizers, owner references.
const char *const kPod = R"({"apiVersion":"v1","kind":"Pod",
  "metadata":{"name":"web","labels":{"app":"web","tier":"front"},"finalizers":["a","b"],
    "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs","uid":"u1"}]},
  "spec":{
    "containers":[
      {"name":"app","image":"nginx:1.24","ports":[{"containerPort":80,"name":"http"}],
       "env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},
      {"name":"log","image":"busybox"}],
    "tolerations":[{"key":"t1","operator":"Exists"},{"key":"t2","operator":"Exists"}],
    "securityContext":{"runAsUser":1000},
    "volumes":[{"name":"data","emptyDir":{"medium":"Memory"}}]},
  "status":{"phase":"Running","conditions":[{"type":"Ready","status":"False"},
                                            {"type":"PodScheduled","status":"True"}]}})";

// kPod with `spec` replaced by `spec` (all else equal), for expectations.
std::string podWith(const std::string &metadata, const std::string &spec,
                    const std::string &status = {})
{
    return R"({"apiVersion":"v1","kind":"Pod","metadata":)" + metadata + R"(,"spec":)" + spec +
           R"(,"status":)" +
           (status.empty()
                ? std::string(
                      R"({"phase":"Running","conditions":[{"type":"Ready","status":"False"},{"type":"PodScheduled","status":"True"}]})")
                : status) +
           "}";
}

const std::string kMeta =
    R"({"name":"web","labels":{"app":"web","tier":"front"},"finalizers":["a","b"],)"
    R"("ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs","uid":"u1"}]})";
const std::string kApp =
    R"({"name":"app","image":"nginx:1.24","ports":[{"containerPort":80,"name":"http"}],)"
    R"("env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]})";
const std::string kLog = R"({"name":"log","image":"busybox"})";
const std::string kRest =
    R"("tolerations":[{"key":"t1","operator":"Exists"},{"key":"t2","operator":"Exists"}],)"
    R"("securityContext":{"runAsUser":1000},"volumes":[{"name":"data","emptyDir":{"medium":"Memory"}}])";

std::string specWith(const std::string &containers, const std::string &rest = kRest)
{
    return R"({"containers":)" + containers + (rest.empty() ? "" : "," + rest) + "}";
}

const char *const kDeployment = R"({"apiVersion":"apps/v1","kind":"Deployment",
  "metadata":{"name":"web"},
  "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
    "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":0}},
    "template":{"metadata":{"labels":{"app":"web"}},
      "spec":{"containers":[{"name":"app","image":"nginx:1.24"}]}}}})";

const char *const kNode = R"({"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"},
  "spec":{"podCIDRs":["10.0.0.0/24"],"taints":[{"key":"a","effect":"NoSchedule"}]},
  "status":{"addresses":[{"type":"InternalIP","address":"10.0.0.1"},{"type":"Hostname","address":"n1"}],
            "conditions":[{"type":"Ready","status":"True"}]}})";

const char *const kService = R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
  "spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":8080,"protocol":"TCP"}]}})";

} // namespace

class TestStrategicMergePatch : public QObject
{
    Q_OBJECT

private slots:
    void schemaCarriesUpstreamAnnotations_data()
    {
        QTest::addColumn<const Descriptor *>("message");
        QTest::addColumn<std::string>("field");
        QTest::addColumn<std::string>("strategy");
        QTest::addColumn<std::string>("mergeKey");
        QTest::addColumn<std::string>("listType");
        QTest::addColumn<std::string>("mapKeys");

        QTest::newRow("PodSpec.containers")
            << core::PodSpec::descriptor() << std::string("containers") << std::string("merge")
            << std::string("name") << std::string("map") << std::string("name");
        QTest::newRow("PodSpec.volumes") << core::PodSpec::descriptor() << std::string("volumes")
                                         << std::string("merge,retainKeys") << std::string("name")
                                         << std::string("map") << std::string("name");
        QTest::newRow("PodSpec.tolerations")
            << core::PodSpec::descriptor() << std::string("tolerations") << std::string()
            << std::string() << std::string("atomic") << std::string();
        QTest::newRow("Container.ports")
            << core::Container::descriptor() << std::string("ports") << std::string("merge")
            << std::string("containerPort") << std::string("map")
            << std::string("containerPort,protocol");
        QTest::newRow("PodSpec.topologySpreadConstraints")
            << core::PodSpec::descriptor() << std::string("topology_spread_constraints")
            << std::string("merge") << std::string("topologyKey") << std::string("map")
            << std::string("topologyKey,whenUnsatisfiable");
        QTest::newRow("EphemeralContainerCommon.env")
            << core::EphemeralContainerCommon::descriptor() << std::string("env")
            << std::string("merge") << std::string("name") << std::string("map")
            << std::string("name");
        QTest::newRow("ObjectMeta.finalizers")
            << k8s::io::apimachinery::pkg::apis::meta::v1::ObjectMeta::descriptor()
            << std::string("finalizers") << std::string("merge") << std::string()
            << std::string("set") << std::string();
        QTest::newRow("DeploymentSpec.strategy")
            << apps::DeploymentSpec::descriptor() << std::string("strategy")
            << std::string("retainKeys") << std::string() << std::string() << std::string();
        QTest::newRow("NodeStatus.addresses")
            << core::NodeStatus::descriptor() << std::string("addresses") << std::string("merge")
            << std::string("type") << std::string("map") << std::string("type");
        QTest::newRow("ServiceSpec.ports")
            << core::ServiceSpec::descriptor() << std::string("ports") << std::string("merge")
            << std::string("port") << std::string("map") << std::string("port,protocol");
        QTest::newRow("PodDisruptionBudgetSpec.selector")
            << policy::PodDisruptionBudgetSpec::descriptor() << std::string("selector")
            << std::string("replace") << std::string() << std::string() << std::string();
        QTest::newRow("PodStatus.podIPs")
            << core::PodStatus::descriptor() << std::string("pod_ips") << std::string("merge")
            << std::string("ip") << std::string("map") << std::string("ip");
    }

    void schemaCarriesUpstreamAnnotations()
    {
        QFETCH(const Descriptor *, message);
        QFETCH(std::string, field);
        QFETCH(std::string, strategy);
        QFETCH(std::string, mergeKey);
        QFETCH(std::string, listType);
        QFETCH(std::string, mapKeys);
        const auto *fd = message->FindFieldByName(field);
        QVERIFY(fd);
        const auto &o = fd->options();
        QCOMPARE(o.GetExtension(kubist::patch_strategy), strategy);
        QCOMPARE(o.GetExtension(kubist::patch_merge_key), mergeKey);
        QCOMPARE(o.GetExtension(kubist::list_type), listType);
        std::string keys;
        for (int i = 0; i < o.ExtensionSize(kubist::list_map_keys); ++i)
            keys += (i ? "," : "") + o.GetExtension(kubist::list_map_keys, i);
        QCOMPARE(keys, mapKeys);
    }

    void patches_data()
    {
        QTest::addColumn<const Descriptor *>("schema");
        QTest::addColumn<std::string>("document");
        QTest::addColumn<std::string>("patch");
        QTest::addColumn<std::string>("expected");

        // --- what kubectl sends ---
        QTest::newRow("kubectl label adds a label")
            << pod() << std::string(kPod)
            << std::string(R"({"metadata":{"labels":{"env":"prod"}}})")
            << podWith(
                   R"({"name":"web","labels":{"app":"web","tier":"front","env":"prod"},"finalizers":["a","b"],)"
                   R"("ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs","uid":"u1"}]})",
                   specWith("[" + kApp + "," + kLog + "]"));
        QTest::newRow("kubectl label tier- removes a label")
            << pod() << std::string(kPod) << std::string(R"({"metadata":{"labels":{"tier":null}}})")
            << podWith(
                   R"({"name":"web","labels":{"app":"web"},"finalizers":["a","b"],)"
                   R"("ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs","uid":"u1"}]})",
                   specWith("[" + kApp + "," + kLog + "]"));
        QTest::newRow("kubectl annotate on an object without annotations drops nulls")
            << pod() << std::string(kPod)
            << std::string(R"({"metadata":{"annotations":{"note":"hi","gone":null}}})")
            << podWith(
                   R"({"name":"web","labels":{"app":"web","tier":"front"},"finalizers":["a","b"],)"
                   R"("ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs","uid":"u1"}],)"
                   R"("annotations":{"note":"hi"}})",
                   specWith("[" + kApp + "," + kLog + "]"));
        QTest::newRow("kubectl set image merges the container by name")
            << pod() << std::string(kPod)
            << std::string(R"({"spec":{"containers":[{"name":"log","image":"busybox:1.36"}]}})")
            << podWith(kMeta, specWith("[" + kApp + R"(,{"name":"log","image":"busybox:1.36"}])"));
        QTest::newRow("kubectl scale sets replicas")
            << apps::Deployment::descriptor() << std::string(kDeployment)
            << std::string(R"({"spec":{"replicas":5}})")
            << std::string(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
  "spec":{"replicas":5,"selector":{"matchLabels":{"app":"web"}},
    "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":0}},
    "template":{"metadata":{"labels":{"app":"web"}},
      "spec":{"containers":[{"name":"app","image":"nginx:1.24"}]}}}})");
        QTest::newRow("kubectl rollout restart annotates the template")
            << apps::Deployment::descriptor() << std::string(kDeployment)
            << std::string(
                   R"({"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2024-05-01T10:00:00Z"}}}}})")
            << std::string(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
  "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
    "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":0}},
    "template":{"metadata":{"labels":{"app":"web"},
        "annotations":{"kubectl.kubernetes.io/restartedAt":"2024-05-01T10:00:00Z"}},
      "spec":{"containers":[{"name":"app","image":"nginx:1.24"}]}}}})");
        QTest::newRow("kubectl apply switches the strategy type with retainKeys")
            << apps::Deployment::descriptor() << std::string(kDeployment)
            << std::string(R"({"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}})")
            << std::string(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
  "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
    "strategy":{"type":"Recreate"},
    "template":{"metadata":{"labels":{"app":"web"}},
      "spec":{"containers":[{"name":"app","image":"nginx:1.24"}]}}}})");
        QTest::newRow("kubectl apply reorders containers with setElementOrder")
            << pod() << std::string(kPod)
            << std::string(
                   R"({"spec":{"$setElementOrder/containers":[{"name":"log"},{"name":"app"}]}})")
            << podWith(kMeta, specWith("[" + kLog + "," + kApp + "]"));
        QTest::newRow("kubectl apply inserts a container where setElementOrder says")
            << pod() << std::string(kPod)
            << std::string(
                   R"({"spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"side"},{"name":"log"}],)"
                   R"("containers":[{"name":"side","image":"envoy"}]}})")
            << podWith(kMeta,
                       specWith("[" + kApp + R"(,{"name":"side","image":"envoy"},)" + kLog + "]"));
        QTest::newRow("kubectl apply removes a container with $patch delete")
            << pod() << std::string(kPod)
            << std::string(R"({"spec":{"$setElementOrder/containers":[{"name":"app"}],)"
                           R"("containers":[{"$patch":"delete","name":"log"}]}})")
            << podWith(kMeta, specWith("[" + kApp + "]"));
        QTest::newRow("kubectl apply switches a volume source with retainKeys")
            << pod() << std::string(kPod)
            << std::string(
                   R"({"spec":{"volumes":[{"$retainKeys":["hostPath","name"],"name":"data","hostPath":{"path":"/srv"}}]}})")
            << podWith(
                   kMeta,
                   specWith(
                       "[" + kApp + "," + kLog + "]",
                       R"("tolerations":[{"key":"t1","operator":"Exists"},{"key":"t2","operator":"Exists"}],)"
                       R"("securityContext":{"runAsUser":1000},"volumes":[{"name":"data","hostPath":{"path":"/srv"}}])"));
        QTest::newRow("kubectl apply removes a finalizer with deleteFromPrimitiveList")
            << pod() << std::string(kPod)
            << std::string(R"({"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}})")
            << podWith(
                   R"({"name":"web","labels":{"app":"web","tier":"front"},"finalizers":["b"],)"
                   R"("ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs","uid":"u1"}]})",
                   specWith("[" + kApp + "," + kLog + "]"));

        // --- list strategies ---
        QTest::newRow("a new container without order goes first")
            << pod() << std::string(kPod)
            << std::string(R"({"spec":{"containers":[{"name":"side","image":"envoy"}]}})")
            << podWith(kMeta,
                       specWith(R"([{"name":"side","image":"envoy"},)" + kApp + "," + kLog + "]"));
        QTest::newRow("env merges by name inside a merged container")
            << pod() << std::string(kPod)
            << std::string(
                   R"({"spec":{"containers":[{"name":"app","env":[{"name":"B","value":"3"},{"name":"C","value":"4"}]}]}})")
            << podWith(
                   kMeta,
                   specWith(
                       R"([{"name":"app","image":"nginx:1.24","ports":[{"containerPort":80,"name":"http"}],)"
                       R"("env":[{"name":"A","value":"1"},{"name":"B","value":"3"},{"name":"C","value":"4"}]},)" +
                       kLog + "]"));
        QTest::newRow("ports merge by containerPort")
            << pod() << std::string(kPod)
            << std::string(
                   R"({"spec":{"containers":[{"name":"app","ports":[{"containerPort":80,"protocol":"TCP"},{"containerPort":443}]}]}})")
            << podWith(
                   kMeta,
                   specWith(
                       R"([{"name":"app","image":"nginx:1.24","ports":[{"containerPort":80,"name":"http","protocol":"TCP"},{"containerPort":443}],)"
                       R"("env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},)" +
                       kLog + "]"));
        QTest::newRow("tolerations have no strategy and are replaced")
            << pod() << std::string(kPod)
            << std::string(R"({"spec":{"tolerations":[{"key":"t3","operator":"Exists"}]}})")
            << podWith(
                   kMeta,
                   specWith(
                       "[" + kApp + "," + kLog + "]",
                       R"("tolerations":[{"key":"t3","operator":"Exists"}],)"
                       R"("securityContext":{"runAsUser":1000},"volumes":[{"name":"data","emptyDir":{"medium":"Memory"}}])"));
        QTest::newRow("finalizers merge as a set")
            << pod() << std::string(kPod) << std::string(R"({"metadata":{"finalizers":["c","a"]}})")
            << podWith(
                   R"({"name":"web","labels":{"app":"web","tier":"front"},"finalizers":["c","a","b"],)"
                   R"("ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs","uid":"u1"}]})",
                   specWith("[" + kApp + "," + kLog + "]"));
        QTest::newRow("owner references merge by uid")
            << pod() << std::string(kPod)
            << std::string(R"({"metadata":{"ownerReferences":[{"uid":"u1","controller":true}]}})")
            << podWith(
                   R"({"name":"web","labels":{"app":"web","tier":"front"},"finalizers":["a","b"],)"
                   R"("ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs","uid":"u1","controller":true}]})",
                   specWith("[" + kApp + "," + kLog + "]"));
        QTest::newRow("status conditions merge by type")
            << pod() << std::string(kPod)
            << std::string(R"({"status":{"conditions":[{"type":"Ready","status":"True"}]}})")
            << podWith(
                   kMeta, specWith("[" + kApp + "," + kLog + "]"),
                   R"({"phase":"Running","conditions":[{"type":"Ready","status":"True"},{"type":"PodScheduled","status":"True"}]})");
        QTest::newRow("ephemeral container env merges through the inlined common part")
            << pod()
            << std::string(
                   R"({"spec":{"ephemeralContainers":[{"name":"dbg","env":[{"name":"A","value":"1"}]}]}})")
            << std::string(
                   R"({"spec":{"ephemeralContainers":[{"name":"dbg","env":[{"name":"B","value":"2"}]}]}})")
            << std::string(
                   R"({"spec":{"ephemeralContainers":[{"name":"dbg","env":[{"name":"B","value":"2"},{"name":"A","value":"1"}]}]}})");

        // --- directives ---
        QTest::newRow("$patch replace on a list keeps only the patch's elements")
            << pod() << std::string(kPod)
            << std::string(
                   R"({"spec":{"containers":[{"name":"solo","image":"x"},{"$patch":"replace"}]}})")
            << podWith(kMeta, specWith(R"([{"name":"solo","image":"x"}])"));
        QTest::newRow("$patch replace on a map replaces it")
            << pod() << std::string(kPod)
            << std::string(R"({"metadata":{"labels":{"$patch":"replace","only":"this"}}})")
            << podWith(
                   R"({"name":"web","labels":{"only":"this"},"finalizers":["a","b"],)"
                   R"("ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs","uid":"u1"}]})",
                   specWith("[" + kApp + "," + kLog + "]"));
        QTest::newRow("$patch delete on a map empties it")
            << pod() << std::string(kPod)
            << std::string(R"({"spec":{"securityContext":{"$patch":"delete"}}})")
            << podWith(
                   kMeta,
                   specWith(
                       "[" + kApp + "," + kLog + "]",
                       R"("tolerations":[{"key":"t1","operator":"Exists"},{"key":"t2","operator":"Exists"}],)"
                       R"("securityContext":{},"volumes":[{"name":"data","emptyDir":{"medium":"Memory"}}])"));
        QTest::newRow("$patch replace at the top replaces the object")
            << pod() << std::string(R"({"metadata":{"name":"a"},"spec":{"nodeName":"n"}})")
            << std::string(R"({"$patch":"replace","metadata":{"name":"b"}})")
            << std::string(R"({"metadata":{"name":"b"}})");
        QTest::newRow("a directive inside a new value is dropped")
            << pod() << std::string(R"({"metadata":{"name":"a"}})")
            << std::string(
                   R"({"spec":{"containers":[{"name":"x"},{"name":"y","$patch":"delete"}]}})")
            << std::string(R"({"metadata":{"name":"a"},"spec":{"containers":[{"name":"x"}]}})");
        QTest::newRow("deleteFromPrimitiveList of a missing list adds nothing")
            << pod() << std::string(R"({"metadata":{"name":"a"}})")
            << std::string(R"({"metadata":{"$deleteFromPrimitiveList/finalizers":["x"]}})")
            << std::string(R"({"metadata":{"name":"a"}})");
        QTest::newRow("setElementOrder of finalizers")
            << pod() << std::string(R"({"metadata":{"finalizers":["a","b","c"]}})")
            << std::string(R"({"metadata":{"$setElementOrder/finalizers":["c","a","b"]}})")
            << std::string(R"({"metadata":{"finalizers":["c","a","b"]}})");

        // --- Node and Service ---
        QTest::newRow("node taints are replaced, podCIDRs merge as a set")
            << core::Node::descriptor() << std::string(kNode)
            << std::string(
                   R"({"spec":{"podCIDRs":["fd00::/64"],"taints":[{"key":"b","effect":"NoExecute"}]}})")
            << std::string(R"({"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"},
  "spec":{"podCIDRs":["fd00::/64","10.0.0.0/24"],"taints":[{"key":"b","effect":"NoExecute"}]},
  "status":{"addresses":[{"type":"InternalIP","address":"10.0.0.1"},{"type":"Hostname","address":"n1"}],
            "conditions":[{"type":"Ready","status":"True"}]}})");
        QTest::newRow("kubectl cordon sets unschedulable")
            << core::Node::descriptor() << std::string(kNode)
            << std::string(R"({"spec":{"unschedulable":true}})")
            << std::string(R"({"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"},
  "spec":{"podCIDRs":["10.0.0.0/24"],"taints":[{"key":"a","effect":"NoSchedule"}],"unschedulable":true},
  "status":{"addresses":[{"type":"InternalIP","address":"10.0.0.1"},{"type":"Hostname","address":"n1"}],
            "conditions":[{"type":"Ready","status":"True"}]}})");
        QTest::newRow("node addresses merge by type")
            << core::Node::descriptor() << std::string(kNode)
            << std::string(R"({"status":{"addresses":[{"type":"Hostname","address":"node-1"}]}})")
            << std::string(R"({"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"},
  "spec":{"podCIDRs":["10.0.0.0/24"],"taints":[{"key":"a","effect":"NoSchedule"}]},
  "status":{"addresses":[{"type":"InternalIP","address":"10.0.0.1"},{"type":"Hostname","address":"node-1"}],
            "conditions":[{"type":"Ready","status":"True"}]}})");
        QTest::newRow("service ports merge by port, the selector map merges")
            << core::Service::descriptor() << std::string(kService)
            << std::string(
                   R"({"spec":{"selector":{"tier":"front"},"ports":[{"port":80,"targetPort":9090}]}})")
            << std::string(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
  "spec":{"selector":{"app":"web","tier":"front"},"ports":[{"name":"http","port":80,"targetPort":9090,"protocol":"TCP"}]}})");
        QTest::newRow("PDB selector has the replace strategy")
            << policy::PodDisruptionBudget::descriptor()
            << std::string(R"({"spec":{"selector":{"matchLabels":{"a":"1"}},"minAvailable":1}})")
            << std::string(R"({"spec":{"selector":{"matchLabels":{"b":"2"}}}})")
            << std::string(R"({"spec":{"selector":{"matchLabels":{"b":"2"}},"minAvailable":1}})");

        // --- merge-patch rules ---
        QTest::newRow("null removes a field")
            << pod() << std::string(R"({"spec":{"nodeSelector":{"a":"b"},"nodeName":"n"}})")
            << std::string(R"({"spec":{"nodeSelector":null}})")
            << std::string(R"({"spec":{"nodeName":"n"}})");
        QTest::newRow("unknown fields merge as in a merge patch")
            << pod() << std::string(R"({"spec":{"extra":{"a":1,"l":[1,2]}}})")
            << std::string(R"({"spec":{"extra":{"b":2,"l":[3]}}})")
            << std::string(R"({"spec":{"extra":{"a":1,"l":[3],"b":2}}})");
        QTest::newRow("a value of another type replaces")
            << pod() << std::string(R"({"metadata":{"labels":{"a":"b"}}})")
            << std::string(R"({"metadata":{"labels":["x"]}})")
            << std::string(R"({"metadata":{"labels":["x"]}})");
        QTest::newRow("no schema: lists are replaced")
            << static_cast<const Descriptor *>(nullptr)
            << std::string(R"({"spec":{"containers":[{"name":"a"}]}})")
            << std::string(R"({"spec":{"containers":[{"name":"b"}]}})")
            << std::string(R"({"spec":{"containers":[{"name":"b"}]}})");
        QTest::newRow("empty patch changes nothing")
            << pod() << std::string(kPod) << std::string("{}") << std::string(kPod);
    }

    void patches()
    {
        QFETCH(const Descriptor *, schema);
        QFETCH(std::string, document);
        QFETCH(std::string, patch);
        QFETCH(std::string, expected);
        test::checkResult(applyStrategicMergePatch(document, patch, schema), expected, Code::Ok,
                          {});
    }

    void refusesBadPatches_data()
    {
        QTest::addColumn<std::string>("document");
        QTest::addColumn<std::string>("patch");
        QTest::addColumn<std::string>("message");

        QTest::newRow("merge key missing from a list element")
            << std::string(kPod) << std::string(R"({"spec":{"containers":[{"image":"x"}]}})")
            << std::string("map: map[image:x] does not contain declared merge key: name");
        QTest::newRow("merge key missing from a $patch delete element")
            << std::string(kPod)
            << std::string(R"({"spec":{"containers":[{"$patch":"delete","image":"x"}]}})")
            << std::string("does not contain declared merge key: name");
        QTest::newRow("unknown $patch in a map")
            << std::string(kPod) << std::string(R"({"metadata":{"labels":{"$patch":"frob"}}})")
            << std::string("unknown patch type: frob in map: map[$patch:frob]");
        QTest::newRow("unknown $patch in a list element")
            << std::string(kPod)
            << std::string(R"({"spec":{"containers":[{"name":"app","$patch":"frob"}]}})")
            << std::string("unknown patch type: frob in map:");
        QTest::newRow("$patch merge in a list")
            << std::string(kPod) << std::string(R"({"spec":{"containers":[{"$patch":"merge"}]}})")
            << std::string("merging lists cannot yet be specified in the patch");
        QTest::newRow("unknown directive in a typed object")
            << std::string(kPod) << std::string(R"({"spec":{"$frob":1}})")
            << std::string("unknown directive $frob");
        QTest::newRow("list of lists in a merge list")
            << std::string(R"({"metadata":{"finalizers":[]}})")
            << std::string(R"({"metadata":{"finalizers":[["x"]]}})")
            << std::string("lists of lists are not supported");
        QTest::newRow("mixed element types in a merge list")
            << std::string(kPod) << std::string(R"({"metadata":{"finalizers":[1]}})")
            << std::string("list element types are not identical");
        QTest::newRow("retainKeys not a list")
            << std::string(kPod)
            << std::string(R"({"spec":{"securityContext":{"$retainKeys":"x"}}})")
            << std::string("invalid patch format of retainKeys");
        QTest::newRow("a patched key missing from retainKeys")
            << std::string(kPod)
            << std::string(
                   R"({"spec":{"securityContext":{"$retainKeys":["runAsGroup"],"runAsUser":5}}})")
            << std::string("invalid patch format of retainKeys");
        QTest::newRow("setElementOrder not a list")
            << std::string(kPod) << std::string(R"({"spec":{"$setElementOrder/containers":{}}})")
            << std::string("expected a []interface {}, but received a map[string]interface {}");
        QTest::newRow("setElementOrder without a list name")
            << std::string(kPod) << std::string(R"({"spec":{"$setElementOrderX":[]}})")
            << std::string("invalid patch format of setElementOrder list");
        QTest::newRow("setElementOrder that contradicts the patch list")
            << std::string(kPod)
            << std::string(
                   R"({"spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"log"}],)"
                   R"("containers":[{"name":"log","image":"a"},{"name":"app","image":"b"}]}})")
            << std::string("doesn't match $setElementOrder list");
        QTest::newRow("deleteFromPrimitiveList without a list name")
            << std::string(kPod)
            << std::string(R"({"metadata":{"$deleteFromPrimitiveListX":["a"]}})")
            << std::string("invalid patch format of primitive list");
        QTest::newRow("patch is an array")
            << std::string(kPod) << std::string(R"([{"op":"add"}])")
            << std::string(
                   "json: cannot unmarshal array into Go value of type map[string]interface {}");
        QTest::newRow("patch is not JSON") << std::string(kPod) << std::string(R"({"spec":)")
                                           << std::string("invalid JSON in patch");
        QTest::newRow("document is not JSON")
            << std::string("{\"a") << std::string("{}") << std::string("invalid JSON in document");
        QTest::newRow("document is an array")
            << std::string("[]") << std::string("{}") << std::string("not a JSON object");
        QTest::newRow("patch nested 1001 deep")
            << std::string(kPod)
            << std::string(R"({"a":)") + std::string(1000, '[') + std::string(1000, ']') + "}"
            << std::string("patch is nested deeper than 1000 levels");
    }

    void refusesBadPatches()
    {
        QFETCH(std::string, document);
        QFETCH(std::string, patch);
        QFETCH(std::string, message);
        test::checkResult(applyStrategicMergePatch(document, patch, pod()), {},
                          Code::InvalidArgument, message);
    }

    void deeplyNestedPatchOfUnknownFieldsIsHandled()
    {
        // 1000 levels of unknown objects: merged recursively without trouble.
        std::string patch, doc;
        for (int i = 0; i < 999; ++i) {
            patch += R"({"x":)";
            doc += R"({"x":)";
        }
        patch += "1" + std::string(999, '}');
        doc += "2" + std::string(999, '}');
        auto r = applyStrategicMergePatch(doc, patch, pod());
        QVERIFY2(r.isOk(), r.status().toString().c_str());
        QByteArray why;
        QVERIFY2(test::sameJson(r.value(), patch, &why), why.constData());
    }
};

QTEST_GUILESS_MAIN(TestStrategicMergePatch)
#include "tst_strategicmergepatch.moc"
