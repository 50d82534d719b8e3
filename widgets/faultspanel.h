#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace kubist::model {
class FaultListModel;
}

namespace kubist::widgets {

// FaultsPanel: the faults of an embedded cluster (model::FaultListModel) —
// target, action, phase, age, time left — with a Heal button on each
// active fault's row. The window refreshes the model from ClusterControl
// about twice a second; Heal asks the window (healRequested) to heal.
//
// GUI thread only. The model must outlive the panel.
class FaultsPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit FaultsPanel(model::FaultListModel &model, QWidget *parent = nullptr);

    QTableView *view() const { return m_view; }
    // The Heal button of `row`; nullptr when that fault is not active.
    QPushButton *healButton(int row) const;

signals:
    void healRequested(const QString &faultName);

private:
    void syncButtons();

    model::FaultListModel &m_model;
    QTableView *m_view = nullptr;
    QLabel *m_empty = nullptr;
};

} // namespace kubist::widgets
