#include "model/clusteractions.h"

#include "backend/api/scheme.h"
#include "backend/cluster/clustercontrol.h"
#include "backend/util/status.h"
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
        const QString error = s.isOk() ? QString() : QString::fromStdString(s.message());
        QMetaObject::invokeMethod(
            this, [this, what, ok = s.isOk(), error] { emit finished(what, ok, error); },
            Qt::QueuedConnection);
    });
}

void ClusterActions::deletePod(const std::string &ns, const std::string &name)
{
    run(QStringLiteral("delete pod %1").arg(QString::fromStdString(name)), [this, ns, name] {
        const api::KindInfo &kind = *api::Scheme::builtin().byDescriptor(core::Pod::descriptor());
        return m_client.remove(kind, ns, name).status();
    });
}

void ClusterActions::setCordoned(const std::string &node, bool cordoned)
{
    const QString what =
        QStringLiteral("%1 %2").arg(cordoned ? "cordon" : "uncordon", QString::fromStdString(node));
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
    run(what, [this, kind, ns, name, delta] {
        return workloadops::scale(m_client, kind, ns, name, delta).status();
    });
}

void ClusterActions::setImage(const std::string &ns, const std::string &deployment,
                              const std::string &container, const std::string &image)
{
    const QString what =
        QStringLiteral("set image %1 %2")
            .arg(QString::fromStdString(deployment), QString::fromStdString(image));
    run(what, [this, ns, deployment, container, image] {
        return workloadops::setImage(m_client, ns, deployment, container, image);
    });
}

void ClusterActions::undoRollout(const std::string &ns, const std::string &deployment)
{
    run(QStringLiteral("rollout undo %1").arg(QString::fromStdString(deployment)),
        [this, ns, deployment] { return workloadops::undoRollout(m_client, ns, deployment); });
}

void ClusterActions::evictPod(const std::string &ns, const std::string &name)
{
    run(QStringLiteral("evict pod %1").arg(QString::fromStdString(name)),
        [this, ns, name] { return workloadops::evictPod(m_client, ns, name); });
}

void ClusterActions::drain(const std::string &node)
{
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
    run(what, [this, ns, name, node]() -> Status {
        Result<std::string> r = workloadops::movePod(m_client, ns, name, node);
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
    run(what, [this, node, on] {
        if (!m_control)
            return Status::unsupported("attached to a remote cluster: no power switch");
        return on ? m_control->powerOnNode(node) : m_control->powerOffNode(node);
    });
}

void ClusterActions::setComponentRunning(MasterComponent::Part part, bool running)
{
    const QString what = QStringLiteral("%1 %2").arg(running ? "start" : "stop",
                                                     QString::fromLatin1(masterPartTitle(part)));
    run(what, [this, part, running] {
        if (!m_control)
            return Status::unsupported("attached to a remote cluster: parts cannot be stopped");
        return running ? m_control->startComponent(componentOf(part))
                       : m_control->stopComponent(componentOf(part));
    });
}

} // namespace kubist::model
