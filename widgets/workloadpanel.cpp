#include "widgets/workloadpanel.h"

#include "model/clustermodel.h"

#include "backend/client/objectkey.h"

#include "apps_v1.pb.h"

#include <QHeaderView>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

namespace kubist::widgets {

namespace apps = k8s::io::api::apps::v1;
using model::ObjectKind;
using model::Subject;

namespace {

constexpr int kSubjectRole = Qt::UserRole + 1;
constexpr int kKeyRole = Qt::UserRole + 2;

long revisionOf(const apps::ReplicaSet &rs)
{
    auto it = rs.metadata().annotations().find("deployment.kubernetes.io/revision");
    return it == rs.metadata().annotations().end() ? 0
                                                   : std::strtol(it->second.c_str(), nullptr, 10);
}

QTreeWidgetItem *makeEntry(Subject subject, const std::string &key, const QString &label, int ready,
                           int desired, const QString &detail)
{
    auto *item = new QTreeWidgetItem;
    item->setText(0, label);
    item->setText(1, QStringLiteral("%1/%2").arg(ready).arg(desired));
    item->setText(2, detail);
    item->setToolTip(0, QString::fromStdString(key));
    item->setData(0, kSubjectRole, int(subject));
    item->setData(0, kKeyRole, QString::fromStdString(key));
    return item;
}

} // namespace

WorkloadPanel::WorkloadPanel(model::ClusterModel &model, QWidget *parent)
    : QTreeWidget(parent)
    , m_model(model)
{
    setColumnCount(3);
    setHeaderLabels({tr("Workload"), tr("Ready"), tr("Image / revision")});
    header()->setStretchLastSection(true);
    setRootIsDecorated(true);
    setContextMenuPolicy(Qt::CustomContextMenu);
    connect(this, &QTreeWidget::itemClicked, this,
            [this](QTreeWidgetItem *item) { emit picked(refOf(item)); });
    connect(this, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        if (QTreeWidgetItem *item = itemAt(pos)) {
            const ItemRef ref = refOf(item);
            emit picked(ref);
            emit contextMenuRequested(ref, viewport()->mapToGlobal(pos));
        }
    });
    connect(&m_model, &model::ClusterModel::changed, this, &WorkloadPanel::onChanged);
    rebuild();
}

ItemRef WorkloadPanel::refOf(const QTreeWidgetItem *item) const
{
    if (!item)
        return {};
    return ItemRef{Subject(item->data(0, kSubjectRole).toInt()),
                   item->data(0, kKeyRole).toString().toStdString(), true};
}

QTreeWidgetItem *WorkloadPanel::entry(Subject subject, const std::string &key) const
{
    const QString k = QString::fromStdString(key);
    for (QTreeWidgetItemIterator it(const_cast<WorkloadPanel *>(this)); *it; ++it)
        if ((*it)->data(0, kSubjectRole).toInt() == int(subject) &&
            (*it)->data(0, kKeyRole).toString() == k)
            return *it;
    return nullptr;
}

QString WorkloadPanel::countsText(Subject subject, const std::string &key) const
{
    const QTreeWidgetItem *e = entry(subject, key);
    return e ? e->text(1) : QString();
}

void WorkloadPanel::onChanged(const model::ClusterDelta &delta)
{
    if (delta.touches(ObjectKind::Deployment) || delta.touches(ObjectKind::ReplicaSet))
        rebuild();
}

void WorkloadPanel::rebuild()
{
    // Keep what the user expanded / selected across rebuilds.
    std::set<QString> collapsed;
    for (int i = 0; i < topLevelItemCount(); ++i)
        if (!topLevelItem(i)->isExpanded())
            collapsed.insert(topLevelItem(i)->data(0, kKeyRole).toString());
    const ItemRef selected = refOf(currentItem());

    clear();
    std::map<std::string, QTreeWidgetItem *> deployments;
    for (const auto &[key, obj] : m_model.objects(ObjectKind::Deployment)) {
        const auto &d = static_cast<const apps::Deployment &>(*obj);
        const int desired = d.spec().has_replicas() ? d.spec().replicas() : 1;
        const auto &containers = d.spec().template_().spec().containers();
        const QString image =
            containers.empty() ? QString() : QString::fromStdString(containers[0].image());
        auto *item =
            makeEntry(Subject::Deployment, key,
                      QStringLiteral("deploy/%1").arg(QString::fromStdString(d.metadata().name())),
                      d.status().ready_replicas(), desired, image);
        addTopLevelItem(item);
        deployments[key] = item;
    }
    std::vector<const apps::ReplicaSet *> sets;
    for (const auto &[key, obj] : m_model.objects(ObjectKind::ReplicaSet))
        sets.push_back(static_cast<const apps::ReplicaSet *>(obj.get()));
    std::stable_sort(sets.begin(), sets.end(),
                     [](const auto *a, const auto *b) { return revisionOf(*a) > revisionOf(*b); });
    for (const apps::ReplicaSet *rs : sets) {
        const std::string key = client::objectKey(*rs);
        const int desired = rs->spec().has_replicas() ? rs->spec().replicas() : 1;
        const long revision = revisionOf(*rs);
        const auto &containers = rs->spec().template_().spec().containers();
        QString detail =
            containers.empty() ? QString() : QString::fromStdString(containers[0].image());
        if (revision > 0)
            detail += QStringLiteral("  (revision %1)").arg(revision);
        auto *item =
            makeEntry(Subject::ReplicaSet, key,
                      QStringLiteral("rs/%1").arg(QString::fromStdString(rs->metadata().name())),
                      rs->status().ready_replicas(), desired, detail);
        QTreeWidgetItem *parentItem = nullptr;
        for (const auto &ref : rs->metadata().owner_references())
            if (ref.controller() && ref.kind() == "Deployment") {
                auto it =
                    deployments.find(client::objectKey(rs->metadata().namespace_(), ref.name()));
                if (it != deployments.end())
                    parentItem = it->second;
            }
        if (parentItem)
            parentItem->addChild(item);
        else
            addTopLevelItem(item);
    }
    for (int i = 0; i < topLevelItemCount(); ++i)
        topLevelItem(i)->setExpanded(
            !collapsed.count(topLevelItem(i)->data(0, kKeyRole).toString()));
    if (selected.valid)
        if (QTreeWidgetItem *e = entry(selected.subject, selected.key))
            setCurrentItem(e);
    resizeColumnToContents(0);
}

} // namespace kubist::widgets
