#include "model/podtablemodel.h"

#include "model/clustermodel.h"
#include "model/podstatus.h"

#include "core_v1.pb.h"

#include <algorithm>

namespace kubist::model {

namespace core = k8s::io::api::core::v1;

namespace {

auto byKey(const std::string &key)
{
    return [&key](const std::pair<std::string, client::ObjectPtr> &row) { return row.first < key; };
}

} // namespace

PodTableModel::PodTableModel(ClusterModel &model, QObject *parent)
    : QAbstractTableModel(parent)
    , m_model(model)
{
    for (const auto &[key, obj] : model.objects(ObjectKind::Pod))
        m_rows.emplace_back(key, obj);
    connect(&model, &ClusterModel::changed, this, &PodTableModel::apply);
}

int PodTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int PodTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PodTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto &[key, obj] = m_rows[index.row()];
    if (role == ObjectKeyRole)
        return QString::fromStdString(key);
    if (role != Qt::DisplayRole)
        return {};
    const auto &pod = static_cast<const core::Pod &>(*obj);
    switch (index.column()) {
    case Namespace:
        return QString::fromStdString(pod.metadata().namespace_());
    case Name:
        return QString::fromStdString(pod.metadata().name());
    case Ready: {
        int ready = 0;
        for (const core::ContainerStatus &cs : pod.status().container_statuses())
            ready += cs.ready() ? 1 : 0;
        return QStringLiteral("%1/%2").arg(ready).arg(pod.spec().containers_size());
    }
    case Status:
        return QString::fromStdString(podStatusText(pod));
    case Restarts:
        return podRestarts(pod);
    case Node:
        return QString::fromStdString(pod.spec().node_name());
    case Owner: {
        const OwnerRef owner = m_model.ownerOf(pod);
        return owner.empty() ? QString() : QString::fromStdString(owner.kind + "/" + owner.name);
    }
    default:
        return {};
    }
}

QVariant PodTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[] = {"Namespace", "Name", "Ready", "Status",
                                        "Restarts",  "Node", "Owner"};
    if (section < 0 || section >= ColumnCount)
        return {};
    return QString::fromLatin1(names[section]);
}

int PodTableModel::rowOf(const std::string &key) const
{
    auto it =
        std::find_if(m_rows.begin(), m_rows.end(), [&](const auto &r) { return r.first >= key; });
    return it != m_rows.end() && it->first == key ? static_cast<int>(it - m_rows.begin()) : -1;
}

void PodTableModel::apply(const ClusterDelta &delta)
{
    bool ownersMayChange = false;
    for (const ObjectChange &c : delta.changes) {
        if (c.kind == ObjectKind::ReplicaSet)
            ownersMayChange = true;
        if (c.kind != ObjectKind::Pod)
            continue;
        auto it = std::partition_point(m_rows.begin(), m_rows.end(), byKey(c.key));
        const int row = static_cast<int>(it - m_rows.begin());
        const bool present = it != m_rows.end() && it->first == c.key;
        if (present && !c.after) {
            beginRemoveRows({}, row, row);
            m_rows.erase(it);
            endRemoveRows();
        } else if (present) {
            it->second = c.after;
            emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
        } else if (c.after) {
            beginInsertRows({}, row, row);
            m_rows.insert(it, {c.key, c.after});
            endInsertRows();
        }
    }
    if (ownersMayChange && !m_rows.empty())
        emit dataChanged(index(0, Owner), index(rowCount() - 1, Owner));
}

} // namespace kubist::model
