#pragma once

#include "model/manifestapply.h"

#include <QDialog>

#include <vector>

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;

namespace kubist::model {
class ClusterActions;
}

namespace kubist::widgets {

// ApplyYamlDialog (Ctrl+Shift+A): an editor for multi-document manifests.
// Validate checks every document with the API server (dry run, nothing
// stored); Apply checks, then creates or updates each document's object
// (model::manifests::apply through ClusterActions, off the GUI thread).
// Each document's outcome is listed below the editor ("document 2 (line
// 14): Deployment web: <the API's message>"), and the first line of every
// document that failed is marked red in the editor; clicking an outcome
// puts the cursor on its document.
//
// GUI thread only. The actions must outlive the dialog.
class ApplyYamlDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit ApplyYamlDialog(model::ClusterActions &actions, QWidget *parent = nullptr);

    void setText(const QString &yaml);
    QString text() const;
    void validate();
    void apply();
    bool isBusy() const { return m_busy; }

    // What the last run said, one line per document.
    QStringList resultLines() const;
    // The editor lines (1-based) marked as failed documents.
    const std::vector<int> &errorLines() const { return m_errorLines; }

signals:
    // Emitted after each run's results are shown.
    void finished(bool ok);

private:
    void start(bool dryRunOnly);
    void showResults(const std::vector<model::manifests::DocumentResult> &results);
    void markErrors();

    model::ClusterActions &m_actions;
    QPlainTextEdit *m_editor = nullptr;
    QListWidget *m_results = nullptr;
    QLabel *m_summary = nullptr;
    QPushButton *m_validate = nullptr;
    QPushButton *m_apply = nullptr;
    bool m_busy = false;
    bool m_dryRun = false;
    std::vector<int> m_errorLines;
};

} // namespace kubist::widgets
