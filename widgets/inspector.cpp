#include "widgets/inspector.h"

#include "model/apihealth.h"
#include "model/clustermodel.h"
#include "model/mastervisibility.h"
#include "model/placementverdicts.h"
#include "model/podstatus.h"

#include "backend/api/scheme.h"
#include "backend/api/yamlcodec.h"
#include "backend/client/objectkey.h"

#include "apps_v1.pb.h"
#include "coordination_v1.pb.h"
#include "core_v1.pb.h"
#include "meta_v1.pb.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QVBoxLayout>

#include <optional>

namespace kubist::widgets {

namespace core = k8s::io::api::core::v1;
namespace apps = k8s::io::api::apps::v1;
using model::ObjectKind;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;
using model::Subject;

namespace {

QString q(const std::string &s)
{
    return QString::fromStdString(s).toHtmlEscaped();
}

QString conditionsText(const google::protobuf::RepeatedPtrField<core::NodeCondition> &conds)
{
    QStringList out;
    for (const core::NodeCondition &c : conds)
        out << QStringLiteral("%1=%2").arg(q(c.type()), q(c.status()));
    return out.join(QStringLiteral(", "));
}

// The object the inspector shows for a subject, and the kind its events name.
struct Target
{
    ObjectKind kind = ObjectKind::Pod;
    std::string key;
    std::string eventKind; // involvedObject.kind
};

std::optional<Target> targetOf(const ItemRef &ref)
{
    switch (ref.subject) {
    case Subject::Pod:
    case Subject::Etcd:
    case Subject::ApiServer:
    case Subject::ControllerManager:
    case Subject::Scheduler:
        if (ref.key.empty())
            return std::nullopt;
        return Target{ObjectKind::Pod, ref.key, "Pod"};
    case Subject::Node:
    case Subject::ControlPlaneNode:
    case Subject::ContainerRuntime:
    case Subject::KubeProxy:
        if (ref.key.empty())
            return std::nullopt;
        return Target{ObjectKind::Node, ref.key, "Node"};
    case Subject::Kubelet:
        return Target{ObjectKind::Lease, client::objectKey("kube-node-lease", ref.key), "Node"};
    case Subject::Service:
        return Target{ObjectKind::Service, ref.key, "Service"};
    case Subject::Deployment:
        return Target{ObjectKind::Deployment, ref.key, "Deployment"};
    case Subject::ReplicaSet:
        return Target{ObjectKind::ReplicaSet, ref.key, "ReplicaSet"};
    case Subject::You:
    case Subject::SchedulingLane:
        return std::nullopt;
    }
    return std::nullopt;
}

} // namespace

Inspector::Inspector(model::ClusterModel &model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
{
    auto *layout = new QVBoxLayout(this);
    m_title = new QLabel(this);
    QFont tf = m_title->font();
    tf.setPointSizeF(tf.pointSizeF() * 1.4);
    tf.setBold(true);
    m_title->setFont(tf);
    m_title->setWordWrap(true);
    m_explanation = new QLabel(this);
    m_explanation->setWordWrap(true);
    m_explanation->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_state = new QLabel(this);
    m_state->setWordWrap(true);
    m_state->setTextFormat(Qt::RichText);
    m_state->setTextInteractionFlags(Qt::TextSelectableByMouse);
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_yaml = new QPlainTextEdit(this);
    m_yaml->setReadOnly(true);
    m_yaml->setFont(mono);
    m_yaml->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_events = new QPlainTextEdit(this);
    m_events->setReadOnly(true);
    m_events->setMaximumHeight(140);
    layout->addWidget(m_title);
    layout->addWidget(m_explanation);
    layout->addWidget(new QLabel(tr("<b>Right now</b>"), this));
    layout->addWidget(m_state);
    m_verdictsTitle = new QLabel(tr("<b>Why it sits where it sits</b> (the scheduler's verdict "
                                    "per node, as if the pod were pending)"),
                                 this);
    m_verdictsTitle->setWordWrap(true);
    m_verdicts = new QPlainTextEdit(this);
    m_verdicts->setReadOnly(true);
    m_verdicts->setFont(mono);
    m_verdicts->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_verdicts->setMaximumHeight(130);
    layout->addWidget(m_verdictsTitle);
    layout->addWidget(m_verdicts);
    layout->addWidget(new QLabel(tr("<b>Live YAML</b>"), this));
    layout->addWidget(m_yaml, 1);
    layout->addWidget(new QLabel(tr("<b>Recent events</b>"), this));
    layout->addWidget(m_events);
    connect(&m_model, &model::ClusterModel::changed, this, &Inspector::onChanged);
    setMinimumWidth(320);
    refresh();
}

void Inspector::setSubject(const ItemRef &ref)
{
    m_ref = ref;
    refresh();
}

QString Inspector::titleText() const
{
    return m_title->text();
}
QString Inspector::stateText() const
{
    return m_state->text();
}
QString Inspector::verdictsText() const
{
    return m_verdicts->toPlainText();
}

void Inspector::refreshVerdicts()
{
    const bool pod = m_ref.valid && m_ref.subject == Subject::Pod;
    m_verdictsTitle->setVisible(pod);
    m_verdicts->setVisible(pod);
    QString text;
    if (pod) {
        Result<model::PlacementVerdicts> v = model::computePlacementVerdicts(m_model, m_ref.key);
        text = v ? QString::fromStdString(model::describeVerdicts(*v))
                 : QString::fromStdString(v.status().message());
    }
    if (text != m_verdicts->toPlainText())
        m_verdicts->setPlainText(text);
}

QString Inspector::yamlText() const
{
    return m_yaml->toPlainText();
}
QString Inspector::eventsText() const
{
    return m_events->toPlainText();
}

void Inspector::onChanged(const model::ClusterDelta &delta)
{
    if (!m_ref.valid)
        return;
    const std::optional<Target> target = targetOf(m_ref);
    for (const model::ObjectChange &c : delta.changes) {
        if (c.kind == ObjectKind::Event || c.kind == ObjectKind::Lease ||
            (target && c.kind == target->kind && c.key == target->key) ||
            (m_ref.subject == Subject::Node && c.kind == ObjectKind::Pod)) {
            refresh();
            return;
        }
    }
    if (m_ref.subject == Subject::Pod &&
        (delta.touches(ObjectKind::Node) || delta.touches(ObjectKind::Pod)))
        refreshVerdicts();
}

void Inspector::setApiHealth(model::ApiHealth *health)
{
    if (m_health)
        disconnect(m_health, nullptr, this, nullptr);
    m_health = health;
    if (m_health)
        connect(m_health, &model::ApiHealth::changed, this, [this] {
            if (m_ref.valid && model::masterPartOf(m_ref.subject))
                refresh();
        });
    refresh();
}

QString Inspector::masterVisibilityText() const
{
    const std::optional<model::MasterComponent::Part> part = model::masterPartOf(m_ref.subject);
    if (!part || !m_health)
        return {};
    const model::ApiHealthState &h = m_health->state();
    const std::vector<model::MasterComponent> parts = m_model.masterComponents();
    const std::vector<std::string> notes =
        model::describeMasterVisibility(parts, !m_model.controlPlaneNode().empty(), h.checks);
    QString text;
    if (*part == model::MasterComponent::Part::ApiServer) {
        auto answer = [this](model::ApiHealthState::Answer a) {
            switch (a) {
            case model::ApiHealthState::Answer::Yes:
                return tr("ok");
            case model::ApiHealthState::Answer::No:
                return tr("failing");
            default:
                return tr("unknown");
            }
        };
        text = tr("/livez: <b>%1</b> · /readyz: <b>%2</b>").arg(answer(h.live), answer(h.ready));
        if (!h.failing.empty()) {
            QStringList failing;
            for (const std::string &f : h.failing)
                failing << q(f);
            text += tr(" (failing: %1)").arg(failing.join(QStringLiteral(", ")));
        }
        if (!h.error.empty())
            text += QStringLiteral("<br>") + q(h.error);
    }
    for (size_t i = 0; i < parts.size() && i < notes.size(); ++i)
        if (parts[i].part == *part && !notes[i].empty())
            text += (text.isEmpty() ? QString() : QStringLiteral("<br>")) + q(notes[i]);
    return text;
}

void Inspector::refresh()
{
    refreshVerdicts();
    if (!m_ref.valid) {
        m_title->setText(tr("Kubernetes in pictures"));
        m_explanation->setText(
            tr("Click anything in the picture — a pod, a node, a service, a part of the "
               "master — to see what it is for, what it is doing right now and its live "
               "YAML. Right-click for actions."));
        m_state->clear();
        m_yaml->clear();
        m_events->clear();
        return;
    }
    const std::optional<Target> target = targetOf(m_ref);
    client::ObjectPtr obj = target ? m_model.object(target->kind, target->key) : nullptr;
    QString name = QString::fromStdString(m_ref.subject == Subject::Kubelet ||
                                                  m_ref.subject == Subject::ContainerRuntime ||
                                                  m_ref.subject == Subject::KubeProxy
                                              ? m_ref.key
                                              : client::splitObjectKey(m_ref.key).second);
    m_title->setText(name.isEmpty()
                         ? model::subjectTitle(m_ref.subject)
                         : QStringLiteral("%1 · %2").arg(model::subjectTitle(m_ref.subject), name));
    m_explanation->setText(model::explanation(m_ref.subject));

    QString state;
    if (target && !obj) {
        state = tr("<i>Not in the cluster (deleted, or not seen yet).</i>");
    } else if (obj) {
        switch (target->kind) {
        case ObjectKind::Pod: {
            const auto &pod = static_cast<const core::Pod &>(*obj);
            const model::OwnerRef owner = m_model.ownerOf(pod);
            state =
                QStringLiteral("Status: <b>%1</b> · phase %2<br>Node: %3 · IP %4<br>"
                               "Restarts: %5%6")
                    .arg(q(model::podStatusText(pod)), q(pod.status().phase()),
                         pod.spec().node_name().empty() ? tr("(not scheduled yet)")
                                                        : q(pod.spec().node_name()),
                         q(pod.status().pod_ip()))
                    .arg(model::podRestarts(pod))
                    .arg(
                        owner.empty()
                            ? QString()
                            : QStringLiteral("<br>Owner: %1 %2").arg(q(owner.kind), q(owner.name)));
            QStringList conds;
            for (const core::PodCondition &c : pod.status().conditions())
                conds << QStringLiteral("%1=%2").arg(q(c.type()), q(c.status()));
            if (!conds.isEmpty())
                state += QStringLiteral("<br>Conditions: ") + conds.join(QStringLiteral(", "));
            break;
        }
        case ObjectKind::Node: {
            const auto &node = static_cast<const core::Node &>(*obj);
            state = QStringLiteral("Health: <b>%1</b>%2<br>Taints: %3 · Pods: %4<br>"
                                   "Conditions: %5")
                        .arg(QString::fromLatin1(model::nodeHealthName(model::nodeHealth(node))),
                             node.spec().unschedulable() ? tr(" · cordoned") : QString())
                        .arg(node.spec().taints_size())
                        .arg(m_model.podsOnNode(node.metadata().name()).size())
                        .arg(conditionsText(node.status().conditions()));
            break;
        }
        case ObjectKind::Lease: {
            const auto &lease = static_cast<const k8s::io::api::coordination::v1::Lease &>(*obj);
            state = QStringLiteral("Node lease held by <b>%1</b>, renewed at %2 (every %3 s "
                                   "the kubelet says: still alive)")
                        .arg(q(lease.spec().holder_identity()))
                        .arg(lease.spec().renew_time().seconds())
                        .arg(lease.spec().lease_duration_seconds());
            break;
        }
        case ObjectKind::Service: {
            const auto &svc = static_cast<const core::Service &>(*obj);
            int ready = 0, notReady = 0;
            if (auto ep = m_model.get<core::Endpoints>(ObjectKind::Endpoints, target->key))
                for (const core::EndpointSubset &s : ep->subsets()) {
                    ready += s.addresses_size();
                    notReady += s.not_ready_addresses_size();
                }
            state = QStringLiteral("Type %1 · cluster IP %2<br>Endpoints: <b>%3 ready</b>, %4 "
                                   "not ready")
                        .arg(q(svc.spec().type().empty() ? "ClusterIP" : svc.spec().type()),
                             q(svc.spec().cluster_ip()))
                        .arg(ready)
                        .arg(notReady);
            break;
        }
        case ObjectKind::Deployment: {
            const auto &d = static_cast<const apps::Deployment &>(*obj);
            state = QStringLiteral("Wants <b>%1</b> · updated %2 · ready %3 · available %4")
                        .arg(d.spec().has_replicas() ? d.spec().replicas() : 1)
                        .arg(d.status().updated_replicas())
                        .arg(d.status().ready_replicas())
                        .arg(d.status().available_replicas());
            break;
        }
        case ObjectKind::ReplicaSet: {
            const auto &rs = static_cast<const apps::ReplicaSet &>(*obj);
            state = QStringLiteral("Wants <b>%1</b> · has %2 · ready %3")
                        .arg(rs.spec().has_replicas() ? rs.spec().replicas() : 1)
                        .arg(rs.status().replicas())
                        .arg(rs.status().ready_replicas());
            break;
        }
        default:
            break;
        }
    }
    if (m_ref.subject == Subject::Scheduler || m_ref.subject == Subject::ControllerManager) {
        for (const model::MasterComponent &c : m_model.masterComponents())
            if ((c.part == model::MasterComponent::Part::Scheduler &&
                 m_ref.subject == Subject::Scheduler) ||
                (c.part == model::MasterComponent::Part::ControllerManager &&
                 m_ref.subject == Subject::ControllerManager))
                state += QStringLiteral("<br>Leader (lease kube-system/%1): <b>%2</b>")
                             .arg(QString::fromLatin1(model::masterPartComponentLabel(c.part)),
                                  c.leader.empty() ? tr("nobody") : q(c.leader));
    }
    if (const QString visibility = masterVisibilityText(); !visibility.isEmpty())
        state += (state.isEmpty() ? QString() : QStringLiteral("<br>")) + visibility;
    m_state->setText(state);
    QString yaml;
    if (obj) {
        // As kubectl get -o yaml shows it: kind and apiVersion first,
        // managedFields hidden (kubectl's --show-managed-fields=false).
        api::JsonEncodeOptions o;
        if (const api::KindInfo *k = api::Scheme::builtin().byDescriptor(obj->GetDescriptor()))
            o.typeMeta = k->typeMeta();
        std::unique_ptr<google::protobuf::Message> shown(obj->New());
        shown->CopyFrom(*obj);
        if (meta::ObjectMeta *md = client::mutableObjectMeta(*shown))
            md->clear_managed_fields();
        yaml = QString::fromStdString(api::YamlCodec::encode(*shown, o));
    }
    if (yaml != m_yaml->toPlainText()) {
        const int scroll = m_yaml->verticalScrollBar()->value();
        m_yaml->setPlainText(yaml);
        m_yaml->verticalScrollBar()->setValue(scroll);
    }

    QStringList events;
    if (target && !target->key.empty()) {
        std::string ns, objName;
        if (target->kind == ObjectKind::Lease || target->kind == ObjectKind::Node) {
            objName = m_ref.key;
        } else {
            std::tie(ns, objName) = client::splitObjectKey(target->key);
        }
        for (const client::ObjectPtr &e : m_model.eventsAbout(target->eventKind, ns, objName)) {
            const auto &ev = static_cast<const core::Event &>(*e);
            events << QStringLiteral("%1  %2  %3%4")
                          .arg(QString::fromStdString(ev.type()),
                               QString::fromStdString(ev.reason()),
                               QString::fromStdString(ev.message()),
                               ev.count() > 1 ? QStringLiteral(" (x%1)").arg(ev.count())
                                              : QString());
        }
    }
    m_events->setPlainText(events.isEmpty() ? tr("(none)") : events.join('\n'));
}

} // namespace kubist::widgets
