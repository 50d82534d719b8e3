#pragma once

#include "widgets/sceneitem.h"

#include <QTreeWidget>

namespace kubist::model {
class ClusterModel;
struct ClusterDelta;
} // namespace kubist::model

namespace kubist::widgets {

// WorkloadPanel: the workloads column — every Deployment with its
// ReplicaSets beneath (the current one first, by revision), each with its
// replicas "ready/desired", and ReplicaSets without a Deployment at the top
// level. Rebuilt whenever a frame touches Deployments or ReplicaSets.
// Clicking an entry reports it (picked) for the inspector; a right-click
// asks for its context menu.
//
// GUI thread only. The model must outlive the panel.
class WorkloadPanel final : public QTreeWidget
{
    Q_OBJECT

public:
    explicit WorkloadPanel(model::ClusterModel &model, QWidget *parent = nullptr);

    // The entry for a Deployment or ReplicaSet key ("ns/name"); nullptr if none.
    QTreeWidgetItem *entry(model::Subject subject, const std::string &key) const;
    ItemRef refOf(const QTreeWidgetItem *item) const;
    // "ready/desired" as shown for that entry; empty if none.
    QString countsText(model::Subject subject, const std::string &key) const;

signals:
    void picked(const kubist::widgets::ItemRef &ref);
    void contextMenuRequested(const kubist::widgets::ItemRef &ref, const QPoint &globalPos);

private:
    void rebuild();
    void onChanged(const model::ClusterDelta &delta);

    model::ClusterModel &m_model;
};

} // namespace kubist::widgets
