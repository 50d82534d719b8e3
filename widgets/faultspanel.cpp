#include "widgets/faultspanel.h"

#include "model/faultlistmodel.h"

#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace kubist::widgets {

using model::FaultListModel;

FaultsPanel::FaultsPanel(FaultListModel &model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    m_empty = new QLabel(tr("No faults. Right-click a node, a pod or a master part to inject "
                            "one; `kubectl get faults` lists them too."),
                         this);
    m_empty->setWordWrap(true);
    layout->addWidget(m_empty);
    m_view = new QTableView(this);
    m_view->setModel(&m_model);
    m_view->verticalHeader()->hide();
    m_view->setSelectionMode(QAbstractItemView::NoSelection);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(FaultListModel::Target, QHeaderView::Stretch);
    m_view->horizontalHeader()->setSectionResizeMode(FaultListModel::Heal, QHeaderView::Fixed);
    m_view->horizontalHeader()->resizeSection(FaultListModel::Heal, 56);
    layout->addWidget(m_view);
    connect(&m_model, &QAbstractItemModel::modelReset, this, &FaultsPanel::syncButtons);
    connect(&m_model, &QAbstractItemModel::dataChanged, this, &FaultsPanel::syncButtons);
    syncButtons();
}

QPushButton *FaultsPanel::healButton(int row) const
{
    return qobject_cast<QPushButton *>(
        m_view->indexWidget(m_model.index(row, FaultListModel::Heal)));
}

void FaultsPanel::syncButtons()
{
    m_empty->setVisible(m_model.rowCount() == 0);
    for (int row = 0; row < m_model.rowCount(); ++row) {
        const QModelIndex idx = m_model.index(row, FaultListModel::Heal);
        const bool active = idx.data(FaultListModel::ActiveRole).toBool();
        const QString name = idx.data(FaultListModel::NameRole).toString();
        auto *button = qobject_cast<QPushButton *>(m_view->indexWidget(idx));
        if (!active) {
            if (button)
                m_view->setIndexWidget(idx, nullptr);
            continue;
        }
        if (button && button->property("fault").toString() == name)
            continue;
        button = new QPushButton(tr("Heal"));
        button->setProperty("fault", name);
        button->setToolTip(tr("Heal %1 (kubectl delete fault %1)").arg(name));
        connect(button, &QPushButton::clicked, this, [this, name] { emit healRequested(name); });
        m_view->setIndexWidget(idx, button);
    }
}

} // namespace kubist::widgets
