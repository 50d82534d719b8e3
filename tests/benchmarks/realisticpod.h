#pragma once

// A realistic Pod, as a Deployment's ReplicaSet creates it and a kubelet
// reports it: two containers with ports, env, probes and resources, ten
// labels, an owner reference, tolerations, conditions and container statuses.
inline constexpr const char *kRealisticPodJson = R"({
 "kind": "Pod", "apiVersion": "v1",
 "metadata": {
  "name": "web-7d9c8b6f5d-x2k4q", "generateName": "web-7d9c8b6f5d-", "namespace": "default",
  "uid": "3f1a4c2e-8b7d-4e5f-9a6b-1c2d3e4f5a6b", "resourceVersion": "184467",
  "creationTimestamp": "2026-11-27T10:15:30Z",
  "labels": {"app": "web", "pod-template-hash": "7d9c8b6f5d", "tier": "frontend",
   "version": "v2.4.1", "team": "storefront", "env": "production", "region": "eu-west",
   "release": "stable", "component": "http", "part-of": "shop"},
  "annotations": {"kubectl.kubernetes.io/restartedAt": "2026-11-27T10:00:00Z"},
  "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
   "name": "web-7d9c8b6f5d", "uid": "9e8d7c6b-5a4f-3e2d-1c0b-a9f8e7d6c5b4",
   "controller": true, "blockOwnerDeletion": true}]
 },
 "spec": {
  "containers": [
   {"name": "web", "image": "registry.example.com/shop/web:2.4.1",
    "command": ["/app/server"], "args": ["--port=8080", "--log-level=info"],
    "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"},
              {"name": "metrics", "containerPort": 9090, "protocol": "TCP"}],
    "env": [{"name": "LOG_FORMAT", "value": "json"},
            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1",
              "fieldPath": "metadata.name"}}}],
    "resources": {"limits": {"cpu": "500m", "memory": "512Mi"},
                  "requests": {"cpu": "250m", "memory": "256Mi"}},
    "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"},
     "initialDelaySeconds": 10, "timeoutSeconds": 1, "periodSeconds": 10,
     "successThreshold": 1, "failureThreshold": 3},
    "readinessProbe": {"httpGet": {"path": "/ready", "port": "http", "scheme": "HTTP"},
     "initialDelaySeconds": 5, "timeoutSeconds": 1, "periodSeconds": 5,
     "successThreshold": 1, "failureThreshold": 3},
    "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
    "imagePullPolicy": "IfNotPresent"},
   {"name": "sidecar", "image": "registry.example.com/shop/proxy:1.9.0",
    "ports": [{"name": "proxy", "containerPort": 15001, "protocol": "TCP"}],
    "resources": {"limits": {"cpu": "200m", "memory": "128Mi"},
                  "requests": {"cpu": "100m", "memory": "64Mi"}},
    "readinessProbe": {"tcpSocket": {"port": 15001}, "periodSeconds": 10,
     "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3},
    "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
    "imagePullPolicy": "IfNotPresent"}
  ],
  "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
  "serviceAccountName": "default", "nodeName": "worker-2", "schedulerName": "default-scheduler",
  "tolerations": [
   {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
    "tolerationSeconds": 300},
   {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
    "tolerationSeconds": 300}],
  "priority": 0, "enableServiceLinks": true, "preemptionPolicy": "PreemptLowerPriority"
 },
 "status": {
  "phase": "Running",
  "conditions": [
   {"type": "Initialized", "status": "True", "lastProbeTime": null,
    "lastTransitionTime": "2026-11-27T10:15:31Z"},
   {"type": "Ready", "status": "True", "lastProbeTime": null,
    "lastTransitionTime": "2026-11-27T10:15:42Z"},
   {"type": "ContainersReady", "status": "True", "lastProbeTime": null,
    "lastTransitionTime": "2026-11-27T10:15:42Z"},
   {"type": "PodScheduled", "status": "True", "lastProbeTime": null,
    "lastTransitionTime": "2026-11-27T10:15:30Z"}],
  "hostIP": "192.168.49.3", "hostIPs": [{"ip": "192.168.49.3"}],
  "podIP": "10.244.2.17", "podIPs": [{"ip": "10.244.2.17"}],
  "startTime": "2026-11-27T10:15:31Z", "qosClass": "Burstable",
  "containerStatuses": [
   {"name": "web", "state": {"running": {"startedAt": "2026-11-27T10:15:36Z"}},
    "lastState": {}, "ready": true, "restartCount": 0,
    "image": "registry.example.com/shop/web:2.4.1",
    "imageID": "registry.example.com/shop/web@sha256:4b1c7e0f9d2a8e6b3c5d7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c",
    "containerID": "containerd://a1b2c3d4e5f6", "started": true},
   {"name": "sidecar", "state": {"running": {"startedAt": "2026-11-27T10:15:37Z"}},
    "lastState": {}, "ready": true, "restartCount": 0,
    "image": "registry.example.com/shop/proxy:1.9.0",
    "imageID": "registry.example.com/shop/proxy@sha256:9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0",
    "containerID": "containerd://f6e5d4c3b2a1", "started": true}]
 }
})";
