#pragma once

#include "widgets/sceneitem.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;

namespace kubist::model {
class ApiHealth;
class ClusterModel;
struct ClusterDelta;
} // namespace kubist::model

namespace kubist::widgets {

// Inspector: the side panel for what the user picked. Top to bottom: what
// it is, in plain words for learners (model::explanation()); what it is
// doing right now (state, conditions, counts); its live YAML as the API
// server holds it (YamlCodec::encode of the model's current object); its
// recent events. Follows the model: when the picked object changes, the
// panel does too; when it is deleted the panel says so.
//
// GUI thread only. The model must outlive the panel.
class Inspector final : public QWidget
{
    Q_OBJECT

public:
    explicit Inspector(model::ClusterModel &model, QWidget *parent = nullptr);

    void setSubject(const ItemRef &ref);
    const ItemRef &subject() const { return m_ref; }

    // Attached to a remote cluster: the API server's /livez and /readyz as
    // the master parts' state shows them, and for a part that cannot be seen
    // (no mirror pod) what a client can and cannot know about it
    // (model::describeMasterVisibility). `health` must outlive the panel.
    void setApiHealth(model::ApiHealth *health);

    // For tests and screenshots.
    QString titleText() const;
    QString stateText() const;
    QString yamlText() const;
    QString eventsText() const;
    // For a pod: the scheduler's verdict per node (model::describeVerdicts,
    // the pod judged as if unbound); empty for anything else.
    QString verdictsText() const;

private:
    void refresh();
    void onChanged(const model::ClusterDelta &delta);

    QString masterVisibilityText() const;

    model::ClusterModel &m_model;
    model::ApiHealth *m_health = nullptr;
    ItemRef m_ref;
    QLabel *m_title = nullptr;
    QLabel *m_explanation = nullptr;
    QLabel *m_state = nullptr;
    QPlainTextEdit *m_yaml = nullptr;
    QPlainTextEdit *m_events = nullptr;
    QLabel *m_verdictsTitle = nullptr;
    QPlainTextEdit *m_verdicts = nullptr;
    void refreshVerdicts();
};

} // namespace kubist::widgets
