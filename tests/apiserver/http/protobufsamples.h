#pragma once

// JSON samples for tst_httpprotobuf, kept out of the moc'd test file (Qt
// 6.4's moc loses its place on raw strings with an odd number of quotes).

#include <map>
#include <string>

namespace kubist::testing {

// A valid object of every built-in kind the server stores (namespaced ones
// go into namespace "pb"), as JSON. A kind the Scheme serves without a
// sample here fails the test, so new kinds get covered.
inline std::map<std::string, std::string> samples()
{
    const std::string pod = R"("spec":{"containers":[{"name":"c","image":"nginx:1.27"}]})";
    const std::string labels = R"("labels":{"app":"pb"})";
    const std::string selector = R"("selector":{"matchLabels":{"app":"pb"}})";
    const std::string templ = R"("template":{"metadata":{)" + labels + "}," + pod + "}";
    return {
        {"Namespace", R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"pb-ns"}})"},
        {"Pod",
         R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p1",)" + labels + "}," + pod + "}"},
        {"Node", R"({"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"},)"
                 R"("spec":{"podCIDR":"10.244.1.0/24"}})"},
        {"Service", R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"s1"},)"
                    R"("spec":{"selector":{"app":"pb"},"ports":[{"port":80,"protocol":"TCP"}]}})"},
        {"Endpoints", R"({"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"e1"},)"
                      R"("subsets":[{"addresses":[{"ip":"10.0.0.1"}],"ports":[{"port":80}]}]})"},
        {"Event", R"({"apiVersion":"v1","kind":"Event","metadata":{"name":"ev1"},)"
                  R"("involvedObject":{"kind":"Pod","namespace":"pb","name":"p1"},)"
                  R"("reason":"Tested","message":"over protobuf","type":"Normal"})"},
        {"ConfigMap",
         R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm1"},"data":{"k":"v"}})"},
        {"Secret", R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"sec1"},)"
                   R"("data":{"k":"dg=="},"type":"Opaque"})"},
        {"ServiceAccount",
         R"({"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"sa1"}})"},
        {"Deployment", R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d1"},)"
                       R"("spec":{"replicas":2,)" +
                           selector + "," + templ + "}}"},
        {"ReplicaSet", R"({"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"rs1"},)"
                       R"("spec":{"replicas":1,)" +
                           selector + "," + templ + "}}"},
        {"Lease", R"({"apiVersion":"coordination.k8s.io/v1","kind":"Lease",)"
                  R"("metadata":{"name":"l1"},"spec":{"holderIdentity":"me",)"
                  R"("leaseDurationSeconds":15}})"},
        {"PodDisruptionBudget",
         R"({"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"pdb1"},)"
         R"("spec":{"minAvailable":1,)" +
             selector + "}}"},
        {"EndpointSlice",
         R"({"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"es1"},)"
         R"("addressType":"IPv4","endpoints":[{"addresses":["10.0.0.1"]}],)"
         R"("ports":[{"name":"http","port":80,"protocol":"TCP"}]})"},
    };
}

inline std::string namespaceJson(const std::string &name)
{
    return R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":")" + name + R"("}})";
}

} // namespace kubist::testing
