#pragma once

#include "backend/client/client.h"

#include <QAbstractTableModel>

#include <string>
#include <vector>

namespace kubist::model {

class ClusterModel;
struct ClusterDelta;

// PodTableModel: the pods as kubectl get pods -o wide reads them, one row
// per pod in "namespace/name" order, following the ClusterModel frame by
// frame (rows inserted, removed and changed as the pods are; never reset
// after the first fill). ObjectKeyRole gives a row's "ns/name".
//
// GUI thread only. The ClusterModel must outlive this model.
class PodTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Namespace, Name, Ready, Status, Restarts, Node, Owner, ColumnCount };
    enum Role { ObjectKeyRole = Qt::UserRole + 1 };

    explicit PodTableModel(ClusterModel &model, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // The row of a pod, or -1.
    int rowOf(const std::string &key) const;

private:
    void apply(const ClusterDelta &delta);

    ClusterModel &m_model;
    std::vector<std::pair<std::string, client::ObjectPtr>> m_rows; // key order
};

} // namespace kubist::model
