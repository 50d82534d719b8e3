#include "model/clusteractions.h"

#include "backend/api/scheme.h"
#include "backend/cluster/clustercontrol.h"
#include "backend/util/clock.h"
#include "backend/util/status.h"
#include "model/faults.h"
#include "model/workloadops.h"

#include "core_v1.pb.h"

#include <QMetaObject>
#include <QtConcurrent/QtConcurrentRun>

#include <cstdlib>

namespace kubist::model {

namespace core = k8s::io::api::core::v1;

namespace {

cluster::ClusterControl::Component componentOf(MasterComponent::Part part)
{
    switch (part) {
    case MasterComponent::Part::Etcd:
        return cluster::ClusterControl::Component::Etcd;
    case MasterComponent::Part::ApiServer:
        return cluster::ClusterControl::Component::ApiServer;
    case MasterComponent::Part::ControllerManager:
        return cluster::ClusterControl::Component::ControllerManager;
    case MasterComponent::Part::Scheduler:
        return cluster::ClusterControl::Component::Scheduler;
    }
    return cluster::ClusterControl::Component::Etcd;
}

} // namespace

ClusterActions::ClusterActions(client::Client &client, cluster::ClusterControl *control,
                               QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_control(control)
{
    m_pool.setMaxThreadCount(2);
}

ClusterActions::~ClusterActions()
{
    m_closing = true;
    m_pool.waitForDone();
}

bool ClusterActions::waitForDone(int msecs)
{
    return m_pool.waitForDone(msecs);
}

void ClusterActions::run(QString what, std::function<Status()> action)
{
    (void)QtConcurrent::run(&m_pool, [this, what = std::move(what), action = std::move(action)] {
        const Status s = action();
        QString error = s.isOk() ? QString() : QString::fromStdString(s.message());
        if (s.code() == Status::Code::PermissionDenied)
            error = QStringLiteral("Forbidden: ") + error;
        QMetaObject::invokeMethod(
            this, [this, what, ok = s.isOk(), error] { emit finished(what, ok, error); },
            Qt::QueuedConnection);
    });
}

namespace {

// kubectl has no evict command: the eviction subresource through --raw.
QString evictionCommand(const std::string &ns, const std::string &name)
{
    const QString n = QString::fromStdString(ns.empty() ? "default" : ns);
    const QString p = QString::fromStdString(name);
    return QStringLiteral("echo '{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\","
                          "\"metadata\":{\"name\":\"%1\",\"namespace\":\"%2\"}}' | "
                          "kubectl create --raw /api/v1/namespaces/%2/pods/%1/eviction -f -")
        .arg(p, n);
}

QString nsFlag(const std::string &ns)
{
    return ns.empty() || ns == "default" ? QString()
                                         : QStringLiteral(" -n %1").arg(QString::fromStdString(ns));
}

const char *componentName(MasterComponent::Part part)
{
    switch (part) {
    case MasterComponent::Part::Etcd:
        return "etcd";
    case MasterComponent::Part::ApiServer:
        return "apiserver";
    case MasterComponent::Part::ControllerManager:
        return "controller-manager";
    case MasterComponent::Part::Scheduler:
        return "scheduler";
    }
    return "etcd";
}

Status noControl()
{
    return Status::unsupported("attached to a remote cluster: no fault injection");
}

} // namespace

void ClusterActions::sayKubectl(const QString &command)
{
    QMetaObject::invokeMethod(
        this, [this, command] { emit kubectlEquivalent(command); }, Qt::QueuedConnection);
}

void ClusterActions::injectFault(const cluster::ClusterControl::FaultSpec &spec)
{
    const QString what = describeFault(spec);
    run(what, [this, spec, what]() -> Status {
        if (!m_control)
            return noControl();
        Result<std::string> name = m_control->injectFault(spec);
        if (!name)
            return name.status();
        sayKubectl(kubectlApplyFault(spec, *name));
        QMetaObject::invokeMethod(
            this, [this, what, n = QString::fromStdString(*name)] { emit faultInjected(what, n); },
            Qt::QueuedConnection);
        return Status::ok();
    });
}

void ClusterActions::healFault(const std::string &name)
{
    run(QStringLiteral("heal %1").arg(QString::fromStdString(name)), [this, name]() -> Status {
        if (!m_control)
            return noControl();
        sayKubectl(kubectlDeleteFault(name));
        return m_control->healFault(name);
    });
}

void ClusterActions::healNodeFault(const std::string &node, const std::string &action)
{
    const QString what = QStringLiteral("heal %1 of %2")
                             .arg(QString::fromStdString(action), QString::fromStdString(node));
    run(what, [this, node, action]() -> Status {
        if (!m_control)
            return noControl();
        for (const auto &f : m_control->faults())
            if ((f.phase == "Active" || f.phase == "Pending") && f.spec.targetKind == "Node" &&
                f.spec.name == node && f.spec.action == action) {
                sayKubectl(kubectlDeleteFault(f.name));
                return m_control->healFault(f.name);
            }
        if (action == "PowerOff")
            return m_control->powerOnNode(node);
        return Status::notFound("no active " + action + " fault on " + node);
    });
}

void ClusterActions::crashContainer(const std::string &ns, const std::string &pod)
{
    const QString what = QStringLiteral("%1's containers crashed").arg(QString::fromStdString(pod));
    run(QStringLiteral("crash %1").arg(QString::fromStdString(pod)),
        [this, ns, pod, what]() -> Status {
            if (!m_control)
                return noControl();
            if (Status s = m_control->crashContainer(ns, pod); !s)
                return s;
            sayKubectl(QStringLiteral("kubectl exec %1%2 -- kill 1   # roughly: make it exit")
                           .arg(QString::fromStdString(pod), nsFlag(ns)));
            QMetaObject::invokeMethod(
                this, [this, what] { emit faultInjected(what, QString()); }, Qt::QueuedConnection);
            return Status::ok();
        });
}

void ClusterActions::addNode()
{
    run(QStringLiteral("add a node"), [this]() -> Status {
        if (!m_control)
            return Status::unsupported("attached to a remote cluster: cannot add nodes");
        Result<std::string> name = m_control->addNode();
        if (!name)
            return name.status();
        say(QStringLiteral("Added node %1: its kubelet registers it")
                .arg(QString::fromStdString(*name)));
        return Status::ok();
    });
}

void ClusterActions::removeNode(const std::string &node)
{
    run(QStringLiteral("remove node %1").arg(QString::fromStdString(node)),
        [this, node]() -> Status {
            if (!m_control)
                return Status::unsupported("attached to a remote cluster: cannot remove nodes");
            sayKubectl(QStringLiteral("kubectl delete node %1").arg(QString::fromStdString(node)));
            return m_control->removeNode(node);
        });
}

void ClusterActions::setTrafficRate(const std::string &ns, const std::string &service, double rps)
{
    const QString what = QStringLiteral("traffic to %1: %2 requests/s")
                             .arg(QString::fromStdString(service))
                             .arg(rps);
    run(what, [this, ns, service, rps]() -> Status {
        if (!m_control)
            return Status::unsupported("attached to a remote cluster: no simulated traffic");
        return m_control->setTrafficRate(ns, service, rps);
    });
}

void ClusterActions::applyManifest(const QString &yaml, bool dryRunOnly)
{
    (void)QtConcurrent::run(&m_pool, [this, text = yaml.toStdString(), dryRunOnly] {
        auto results = manifests::apply(m_client, text, dryRunOnly);
        QMetaObject::invokeMethod(
            this, [this, results = std::move(results)] { emit applied(results); },
            Qt::QueuedConnection);
    });
}

void ClusterActions::deletePod(const std::string &ns, const std::string &name)
{
    sayKubectl(
        QStringLiteral("kubectl delete pod %1%2").arg(QString::fromStdString(name), nsFlag(ns)));
    run(QStringLiteral("delete pod %1").arg(QString::fromStdString(name)), [this, ns, name] {
        const api::KindInfo &kind = *api::Scheme::builtin().byDescriptor(core::Pod::descriptor());
        return m_client.remove(kind, ns, name).status();
    });
}

void ClusterActions::setCordoned(const std::string &node, bool cordoned)
{
    const QString what =
        QStringLiteral("%1 %2").arg(cordoned ? "cordon" : "uncordon", QString::fromStdString(node));
    sayKubectl(QStringLiteral("kubectl ") + what);
    run(what, [this, node, cordoned] {
        const api::KindInfo &kind = *api::Scheme::builtin().byDescriptor(core::Node::descriptor());
        const std::string patch = cordoned ? "{\"spec\":{\"unschedulable\":true}}"
                                           : "{\"spec\":{\"unschedulable\":null}}";
        return m_client.patch(kind, "", node, client::PatchType::Merge, patch).status();
    });
}

void ClusterActions::scale(const std::string &kind, const std::string &ns, const std::string &name,
                           int delta)
{
    const QString what = QStringLiteral("scale %1 %2 %3")
                             .arg(QString::fromStdString(name), delta >= 0 ? "+" : "-")
                             .arg(std::abs(delta));
    run(what, [this, kind, ns, name, delta]() -> Status {
        Result<int> n = workloadops::scale(m_client, kind, ns, name, delta);
        if (!n)
            return n.status();
        sayKubectl(QStringLiteral("kubectl scale %1/%2 --replicas=%3%4")
                       .arg(QString::fromStdString(kind).toLower(), QString::fromStdString(name))
                       .arg(*n)
                       .arg(nsFlag(ns)));
        return Status::ok();
    });
}

void ClusterActions::setImage(const std::string &ns, const std::string &deployment,
                              const std::string &container, const std::string &image)
{
    const QString what =
        QStringLiteral("set image %1 %2")
            .arg(QString::fromStdString(deployment), QString::fromStdString(image));
    sayKubectl(QStringLiteral("kubectl set image deployment/%1 %2=%3%4")
                   .arg(QString::fromStdString(deployment), QString::fromStdString(container),
                        QString::fromStdString(image), nsFlag(ns)));
    run(what, [this, ns, deployment, container, image] {
        return workloadops::setImage(m_client, ns, deployment, container, image);
    });
}

void ClusterActions::undoRollout(const std::string &ns, const std::string &deployment)
{
    sayKubectl(QStringLiteral("kubectl rollout undo deployment/%1%2")
                   .arg(QString::fromStdString(deployment), nsFlag(ns)));
    run(QStringLiteral("rollout undo %1").arg(QString::fromStdString(deployment)),
        [this, ns, deployment] { return workloadops::undoRollout(m_client, ns, deployment); });
}

void ClusterActions::restartRollout(const std::string &ns, const std::string &deployment)
{
    sayKubectl(QStringLiteral("kubectl rollout restart deployment/%1%2")
                   .arg(QString::fromStdString(deployment), nsFlag(ns)));
    run(QStringLiteral("rollout restart %1").arg(QString::fromStdString(deployment)),
        [this, ns, deployment] {
            const auto now = m_clock ? m_clock->now() : std::chrono::system_clock::now();
            return workloadops::restartRollout(m_client, ns, deployment, now);
        });
}

void ClusterActions::evictPod(const std::string &ns, const std::string &name)
{
    sayKubectl(evictionCommand(ns, name));
    run(QStringLiteral("evict pod %1").arg(QString::fromStdString(name)),
        [this, ns, name] { return workloadops::evictPod(m_client, ns, name); });
}

void ClusterActions::drain(const std::string &node)
{
    sayKubectl(
        QStringLiteral("kubectl drain %1 --ignore-daemonsets").arg(QString::fromStdString(node)));
    run(QStringLiteral("drain %1").arg(QString::fromStdString(node)), [this, node]() -> Status {
        Result<workloadops::DrainReport> r = workloadops::drain(m_client, node);
        if (!r)
            return r.status();
        say(QStringLiteral("drain %1: %2 evicted, %3 left alone (mirror / DaemonSet)")
                .arg(QString::fromStdString(node))
                .arg(r->evicted.size())
                .arg(r->skipped.size()));
        std::string problems;
        for (const std::string &k : r->refused)
            problems += (problems.empty() ? "" : "; ") + k + ": refused (429, disruption budget)";
        for (const std::string &f : r->failed)
            problems += (problems.empty() ? "" : "; ") + f;
        return problems.empty() ? Status::ok() : Status::resourceExhausted(problems);
    });
}

void ClusterActions::movePod(const std::string &ns, const std::string &name,
                             const std::string &node)
{
    const QString what = QStringLiteral("move pod %1 to %2")
                             .arg(QString::fromStdString(name), QString::fromStdString(node));
    // The move is an eviction (after a placement intent on the pod's
    // ReplicaSet, see workloadops::movePod); the scheduler places the
    // replacement on `node` if it fits there.
    sayKubectl(evictionCommand(ns, name));
    run(what, [this, ns, name, node]() -> Status {
        Result<std::string> r = workloadops::movePod(m_client, ns, name, node);
        if (!r)
            return r.status();
        say(QString::fromStdString(*r));
        return Status::ok();
    });
}

void ClusterActions::movePodRemote(const std::string &ns, const std::string &name,
                                   const std::string &node)
{
    const QString what = QStringLiteral("move pod %1 to %2")
                             .arg(QString::fromStdString(name), QString::fromStdString(node));
    sayKubectl(evictionCommand(ns, name));
    run(what, [this, ns, name, node]() -> Status {
        workloadops::RemoteMoveOptions options;
        options.cancelled = &m_closing;
        Result<std::string> r = workloadops::movePodRemote(m_client, ns, name, node, options);
        if (!r)
            return r.status();
        say(QString::fromStdString(*r));
        return Status::ok();
    });
}

void ClusterActions::say(const QString &text)
{
    QMetaObject::invokeMethod(
        this, [this, text] { emit message(text); }, Qt::QueuedConnection);
}

void ClusterActions::setNodePower(const std::string &node, bool on)
{
    const QString what =
        QStringLiteral("power %1 %2").arg(on ? "on" : "off", QString::fromStdString(node));
    if (!m_control) {
        run(what,
            [] { return Status::unsupported("attached to a remote cluster: no power switch"); });
        return;
    }
    if (on)
        healNodeFault(node, "PowerOff");
    else
        injectFault(nodeFault(node, "PowerOff"));
}

void ClusterActions::setComponentRunning(MasterComponent::Part part, bool running)
{
    const QString what = QStringLiteral("%1 %2").arg(running ? "start" : "stop",
                                                     QString::fromLatin1(masterPartTitle(part)));
    run(what, [this, part, running]() -> Status {
        if (!m_control)
            return Status::unsupported("attached to a remote cluster: parts cannot be stopped");
        cluster::ClusterControl::FaultSpec spec;
        spec.targetKind = "Component";
        spec.name = componentName(part);
        spec.action = "Stop";
        if (running) {
            for (const auto &f : m_control->faults())
                if ((f.phase == "Active" || f.phase == "Pending") &&
                    f.spec.targetKind == "Component" && f.spec.name == spec.name)
                    sayKubectl(kubectlDeleteFault(f.name));
            return m_control->startComponent(componentOf(part));
        }
        if (Status s = m_control->stopComponent(componentOf(part)); !s)
            return s;
        sayKubectl(kubectlApplyFault(spec));
        QMetaObject::invokeMethod(
            this, [this, what = describeFault(spec)] { emit faultInjected(what, QString()); },
            Qt::QueuedConnection);
        return Status::ok();
    });
}

} // namespace kubist::model
