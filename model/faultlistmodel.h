#pragma once

#include "backend/cluster/clustercontrol.h"
#include "backend/util/clock.h"

#include <QAbstractTableModel>

#include <vector>

namespace kubist::model {

// FaultListModel: the faults ClusterControl lists (active first, then the
// recently healed), one row each — target, action, phase, age and time
// left (cluster time). NameRole gives the Fault's name, ActiveRole whether
// it can be healed. setFaults() with the same faults in the same order only
// changes data (views keep their row widgets); otherwise the model resets.
//
// GUI thread only.
class FaultListModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Target, Action, Phase, Age, TimeLeft, Heal, ColumnCount };
    enum Role { NameRole = Qt::UserRole + 1, ActiveRole };

    explicit FaultListModel(QObject *parent = nullptr);

    void setFaults(std::vector<cluster::ClusterControl::FaultState> faults, Clock::Time now);
    const std::vector<cluster::ClusterControl::FaultState> &faults() const { return m_faults; }
    int activeCount() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    std::vector<cluster::ClusterControl::FaultState> m_faults;
    Clock::Time m_now{};
};

} // namespace kubist::model
