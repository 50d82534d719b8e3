#include "model/eventlistmodel.h"

#include "model/clustermodel.h"

#include "core_v1.pb.h"

#include <QDateTime>

#include <algorithm>

namespace kubist::model {

namespace core = k8s::io::api::core::v1;

namespace {

int64_t eventTime(const core::Event &e)
{
    if (e.has_last_timestamp() && e.last_timestamp().seconds() > 0)
        return e.last_timestamp().seconds();
    if (e.has_event_time() && e.event_time().seconds() > 0)
        return e.event_time().seconds();
    return e.metadata().creation_timestamp().seconds();
}

} // namespace

EventListModel::EventListModel(ClusterModel &model, size_t capacity, QObject *parent)
    : QAbstractTableModel(parent)
    , m_capacity(std::max<size_t>(capacity, 1))
{
    for (const auto &[key, obj] : model.objects(ObjectKind::Event))
        insert(Row{eventTime(static_cast<const core::Event &>(*obj)), key, obj});
    connect(&model, &ClusterModel::changed, this, &EventListModel::apply);
}

int EventListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int EventListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[index.row()];
    const auto &e = static_cast<const core::Event &>(*row.event);
    const core::ObjectReference &o = e.involved_object();
    if (role == ObjectKeyRole)
        return QString::fromStdString(row.key);
    if (role == InvolvedRole)
        return QString::fromStdString(o.kind() + "/" + o.namespace_() + "/" + o.name());
    if (role == Qt::ToolTipRole)
        return QString::fromStdString(e.message());
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case LastSeen:
        return QDateTime::fromSecsSinceEpoch(row.time).toString(QStringLiteral("HH:mm:ss"));
    case Type:
        return QString::fromStdString(e.type());
    case Reason:
        return QString::fromStdString(e.reason());
    case Object:
        return QString::fromStdString(o.kind() + "/" + o.name());
    case Message:
        return QString::fromStdString(e.message());
    case Count:
        return std::max(e.count(), 1);
    default:
        return {};
    }
}

QVariant EventListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[] = {"Last seen", "Type",    "Reason",
                                        "Object",    "Message", "Count"};
    if (section < 0 || section >= ColumnCount)
        return {};
    return QString::fromLatin1(names[section]);
}

void EventListModel::removeKey(const std::string &key)
{
    auto it =
        std::find_if(m_rows.begin(), m_rows.end(), [&](const Row &r) { return r.key == key; });
    if (it == m_rows.end())
        return;
    const int row = static_cast<int>(it - m_rows.begin());
    beginRemoveRows({}, row, row);
    m_rows.erase(it);
    endRemoveRows();
}

void EventListModel::insert(Row row)
{
    auto it = std::find_if(m_rows.begin(), m_rows.end(), [&](const Row &r) {
        return r.time < row.time || (r.time == row.time && r.key > row.key);
    });
    const int at = static_cast<int>(it - m_rows.begin());
    if (static_cast<size_t>(at) >= m_capacity)
        return; // older than everything kept
    beginInsertRows({}, at, at);
    m_rows.insert(it, std::move(row));
    endInsertRows();
    if (m_rows.size() > m_capacity) {
        const int last = static_cast<int>(m_rows.size()) - 1;
        beginRemoveRows({}, static_cast<int>(m_capacity), last);
        m_rows.resize(m_capacity);
        endRemoveRows();
    }
}

void EventListModel::apply(const ClusterDelta &delta)
{
    for (const ObjectChange &c : delta.changes) {
        if (c.kind != ObjectKind::Event)
            continue;
        if (c.before)
            removeKey(c.key);
        if (c.after)
            insert(Row{eventTime(static_cast<const core::Event &>(*c.after)), c.key, c.after});
    }
}

} // namespace kubist::model
