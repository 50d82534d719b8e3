#pragma once

#include <QString>

namespace kubist::model {

// What each thing in the picture is for, in plain words for learners: one
// short paragraph per kind, written for this app (not copied from the
// Kubernetes docs).
enum class Subject {
    Node,
    ControlPlaneNode,
    Pod,
    Service,
    Deployment,
    ReplicaSet,
    Etcd,
    ApiServer,
    ControllerManager,
    Scheduler,
    ContainerRuntime,
    Kubelet,
    KubeProxy,
    You,
    SchedulingLane,
};

QString subjectTitle(Subject subject);
QString explanation(Subject subject);

} // namespace kubist::model
