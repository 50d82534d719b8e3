#pragma once

#include "backend/client/client.h"

#include <QAbstractTableModel>

#include <cstdint>
#include <string>
#include <vector>

namespace kubist::model {

class ClusterModel;
struct ClusterDelta;

// EventListModel: the cluster's recent Events, newest first (by
// lastTimestamp, else eventTime, else creation), at most `capacity` rows:
// the oldest fall off. Follows the ClusterModel frame by frame: a repeated
// event (count bumped) moves to the top; an expired one disappears.
// ObjectKeyRole gives the event's "ns/name", InvolvedRole "Kind/ns/name".
//
// GUI thread only. The ClusterModel must outlive this model.
class EventListModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { LastSeen, Type, Reason, Object, Message, Count, ColumnCount };
    enum Role { ObjectKeyRole = Qt::UserRole + 1, InvolvedRole };

    explicit EventListModel(ClusterModel &model, size_t capacity = 200, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        int64_t time = 0;
        std::string key;
        client::ObjectPtr event;
    };
    void apply(const ClusterDelta &delta);
    void removeKey(const std::string &key);
    void insert(Row row);

    const size_t m_capacity;
    std::vector<Row> m_rows; // newest first; ties by key
};

} // namespace kubist::model
