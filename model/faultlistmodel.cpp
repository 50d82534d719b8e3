#include "model/faultlistmodel.h"

#include "model/faults.h"

#include <QBrush>
#include <QColor>

namespace kubist::model {

FaultListModel::FaultListModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void FaultListModel::setFaults(std::vector<cluster::ClusterControl::FaultState> faults,
                               Clock::Time now)
{
    bool sameRows = faults.size() == m_faults.size();
    for (size_t i = 0; sameRows && i < faults.size(); ++i)
        sameRows = faults[i].name == m_faults[i].name;
    m_now = now;
    if (!sameRows) {
        beginResetModel();
        m_faults = std::move(faults);
        endResetModel();
        return;
    }
    m_faults = std::move(faults);
    if (!m_faults.empty())
        emit dataChanged(index(0, 0), index(int(m_faults.size()) - 1, ColumnCount - 1));
}

int FaultListModel::activeCount() const
{
    int n = 0;
    for (const auto &f : m_faults)
        n += f.phase == "Active" || f.phase == "Pending";
    return n;
}

int FaultListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_faults.size());
}

int FaultListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FaultListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto &f = m_faults[size_t(index.row())];
    const bool active = f.phase == "Active" || f.phase == "Pending";
    if (role == NameRole)
        return QString::fromStdString(f.name);
    if (role == ActiveRole)
        return active;
    if (role == Qt::ToolTipRole)
        return QStringLiteral("%1 (%2)%3")
            .arg(describeFault(f.spec), QString::fromStdString(f.name),
                 f.message.empty() ? QString()
                                   : QStringLiteral("\n") + QString::fromStdString(f.message));
    if (role == Qt::ForegroundRole && !active)
        return QBrush(QColor(128, 128, 128));
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Target: {
        QString t = QStringLiteral("%1 %2").arg(QString::fromStdString(f.spec.targetKind),
                                                QString::fromStdString(f.spec.name));
        if (!f.spec.ns.empty())
            t = QStringLiteral("%1 %2/%3")
                    .arg(QString::fromStdString(f.spec.targetKind),
                         QString::fromStdString(f.spec.ns), QString::fromStdString(f.spec.name));
        return t;
    }
    case Action:
        return QString::fromStdString(f.spec.action);
    case Phase:
        return QString::fromStdString(f.phase);
    case Age:
        return f.injectedAt == Clock::Time{} ? QString() : formatDuration(m_now - f.injectedAt);
    case TimeLeft:
        if (!active)
            return f.healedAt
                       ? QStringLiteral("healed %1 ago").arg(formatDuration(m_now - *f.healedAt))
                       : QString();
        if (!f.spec.duration)
            return QStringLiteral("until healed");
        return formatDuration(
            std::max(Clock::Duration::zero(), f.injectedAt + *f.spec.duration - m_now));
    case Heal:
        return active ? QStringLiteral("Heal") : QString();
    default:
        return {};
    }
}

QVariant FaultListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Target:
        return QStringLiteral("Target");
    case Action:
        return QStringLiteral("Action");
    case Phase:
        return QStringLiteral("Phase");
    case Age:
        return QStringLiteral("Age");
    case TimeLeft:
        return QStringLiteral("Time left");
    case Heal:
        return QString();
    default:
        return {};
    }
}

} // namespace kubist::model
