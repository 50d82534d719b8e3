#include "model/explanations.h"

namespace kubist::model {

QString subjectTitle(Subject subject)
{
    switch (subject) {
    case Subject::Node:
        return QStringLiteral("Worker node");
    case Subject::ControlPlaneNode:
        return QStringLiteral("Master (control plane)");
    case Subject::Pod:
        return QStringLiteral("Pod");
    case Subject::Service:
        return QStringLiteral("Service");
    case Subject::Deployment:
        return QStringLiteral("Deployment");
    case Subject::ReplicaSet:
        return QStringLiteral("ReplicaSet");
    case Subject::Etcd:
        return QStringLiteral("etcd");
    case Subject::ApiServer:
        return QStringLiteral("API server");
    case Subject::ControllerManager:
        return QStringLiteral("Controller manager");
    case Subject::Scheduler:
        return QStringLiteral("Scheduler");
    case Subject::ContainerRuntime:
        return QStringLiteral("Container runtime");
    case Subject::Kubelet:
        return QStringLiteral("kubelet");
    case Subject::KubeProxy:
        return QStringLiteral("kube-proxy");
    case Subject::You:
        return QStringLiteral("You (kubectl)");
    case Subject::SchedulingLane:
        return QStringLiteral("Waiting to be scheduled");
    }
    return {};
}

QString explanation(Subject subject)
{
    switch (subject) {
    case Subject::Node:
        return QStringLiteral(
            "A worker node is one machine that runs your applications. Its kubelet "
            "starts the pods the scheduler placed here, its container runtime runs "
            "their containers, and kube-proxy makes Services reachable from it. The "
            "bars show how much CPU and memory the pods here asked for, out of what "
            "the node can give.");
    case Subject::ControlPlaneNode:
        return QStringLiteral(
            "The master holds the control plane: etcd remembers the cluster, the API "
            "server is the only door to it, the scheduler picks a node for every new "
            "pod and the controller manager keeps turning what you asked for into "
            "what runs. The parts never call each other: they all talk to the API "
            "server.");
    case Subject::Pod:
        return QStringLiteral(
            "A pod is the smallest thing Kubernetes runs: one or more containers that "
            "share a network address and live and die together on one node. Pods are "
            "cattle, not pets: when one goes away, its owner (usually a ReplicaSet) "
            "makes a new one, with a new name.");
    case Subject::Service:
        return QStringLiteral(
            "A Service gives a changing set of pods one stable name and address. It "
            "selects pods by their labels; the lines lead to the pods that are ready "
            "to receive traffic right now (dashed: selected but not ready).");
    case Subject::Deployment:
        return QStringLiteral(
            "A Deployment describes an application you want running: which container "
            "image, how many copies. To roll out a change it creates a new ReplicaSet "
            "and scales the old one down, step by step. Its pods share one colour in "
            "the picture.");
    case Subject::ReplicaSet:
        return QStringLiteral(
            "A ReplicaSet keeps a given number of identical pods alive: when one "
            "disappears it creates another, when there are too many it deletes some. "
            "Deployments manage ReplicaSets for you.");
    case Subject::Etcd:
        return QStringLiteral(
            "etcd is the cluster's memory: a consistent key-value store holding every "
            "object. Only the API server talks to it. If etcd stops, nothing can be "
            "written, but running pods carry on.");
    case Subject::ApiServer:
        return QStringLiteral(
            "The API server is the front door of the cluster. Every part (and you, "
            "with kubectl) reads and writes the cluster's objects only through it; it "
            "checks each request and stores the result in etcd. The pulses show its "
            "traffic.");
    case Subject::ControllerManager:
        return QStringLiteral(
            "The controller manager runs the control loops: each watches some objects "
            "and acts to make reality match what they ask for - replacing pods of a "
            "ReplicaSet, rolling out Deployments, noticing nodes that stopped "
            "reporting. Only the leader (holding the lease) acts.");
    case Subject::Scheduler:
        return QStringLiteral(
            "The scheduler watches for pods that have no node yet, filters out the "
            "nodes that cannot take them, scores the rest and binds each pod to the "
            "best one. It only decides; the node's kubelet starts the pod.");
    case Subject::ContainerRuntime:
        return QStringLiteral("The container runtime (containerd, CRI-O) pulls images and runs the "
                              "containers the kubelet asks for.");
    case Subject::Kubelet:
        return QStringLiteral(
            "The kubelet is the node's agent. It watches the API server for pods bound "
            "to its node, asks the container runtime to start them, reports their "
            "status back and renews the node's lease, so the control plane knows the "
            "node is alive.");
    case Subject::KubeProxy:
        return QStringLiteral(
            "kube-proxy programs the node's network so that traffic to a Service's "
            "address reaches one of the Service's ready pods.");
    case Subject::You:
        return QStringLiteral(
            "You: every kubectl command (and every action in this window) is a request "
            "to the API server, like any other part's.");
    case Subject::SchedulingLane:
        return QStringLiteral(
            "Pods here exist but have no node yet: the scheduler has not placed them, "
            "or no node can take them (look at their events).");
    }
    return {};
}

} // namespace kubist::model
