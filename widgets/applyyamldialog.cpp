#include "widgets/applyyamldialog.h"

#include "model/clusteractions.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTextBlock>
#include <QVBoxLayout>

namespace kubist::widgets {

namespace {

const char *kExample = "# One or more documents, separated by ---\n"
                       "apiVersion: apps/v1\n"
                       "kind: Deployment\n"
                       "metadata:\n"
                       "  name: hello\n"
                       "spec:\n"
                       "  replicas: 2\n"
                       "  selector:\n"
                       "    matchLabels: {app: hello}\n"
                       "  template:\n"
                       "    metadata:\n"
                       "      labels: {app: hello}\n"
                       "    spec:\n"
                       "      containers:\n"
                       "      - name: hello\n"
                       "        image: nginx\n";

} // namespace

ApplyYamlDialog::ApplyYamlDialog(model::ClusterActions &actions, QWidget *parent)
    : QDialog(parent)
    , m_actions(actions)
{
    setWindowTitle(tr("Apply YAML"));
    resize(720, 640);
    auto *layout = new QVBoxLayout(this);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    m_editor = new QPlainTextEdit(splitter);
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setPlainText(QString::fromLatin1(kExample));
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_results = new QListWidget(splitter);
    splitter->addWidget(m_editor);
    splitter->addWidget(m_results);
    splitter->setStretchFactor(0, 4);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter);
    m_summary = new QLabel(tr("Validate asks the API server without storing anything (dry "
                              "run); Apply creates or updates each document's object."),
                           this);
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    auto *buttons = new QDialogButtonBox(this);
    m_validate = buttons->addButton(tr("Validate"), QDialogButtonBox::ActionRole);
    m_apply = buttons->addButton(tr("Apply"), QDialogButtonBox::AcceptRole);
    buttons->addButton(QDialogButtonBox::Close);
    layout->addWidget(buttons);
    connect(m_validate, &QPushButton::clicked, this, &ApplyYamlDialog::validate);
    // Apply must not close the dialog: errors are shown in it.
    disconnect(buttons, &QDialogButtonBox::accepted, nullptr, nullptr);
    connect(m_apply, &QPushButton::clicked, this, &ApplyYamlDialog::apply);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(&m_actions, &model::ClusterActions::applied, this, &ApplyYamlDialog::showResults);
    connect(m_results, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        const int line = item->data(Qt::UserRole).toInt();
        const QTextBlock block = m_editor->document()->findBlockByNumber(line - 1);
        if (block.isValid()) {
            QTextCursor c(block);
            m_editor->setTextCursor(c);
            m_editor->setFocus();
        }
    });
    connect(m_results, &QListWidget::itemClicked, m_results, &QListWidget::itemActivated);
}

void ApplyYamlDialog::setText(const QString &yaml)
{
    m_editor->setPlainText(yaml);
}

QString ApplyYamlDialog::text() const
{
    return m_editor->toPlainText();
}

void ApplyYamlDialog::validate()
{
    start(true);
}

void ApplyYamlDialog::apply()
{
    start(false);
}

void ApplyYamlDialog::start(bool dryRunOnly)
{
    if (m_busy)
        return;
    m_busy = true;
    m_dryRun = dryRunOnly;
    m_validate->setEnabled(false);
    m_apply->setEnabled(false);
    m_summary->setText(dryRunOnly ? tr("Validating…") : tr("Applying…"));
    m_actions.applyManifest(text(), dryRunOnly);
}

void ApplyYamlDialog::showResults(const std::vector<model::manifests::DocumentResult> &results)
{
    if (!m_busy)
        return; // another dialog's run
    m_busy = false;
    m_validate->setEnabled(true);
    m_apply->setEnabled(true);
    m_results->clear();
    m_errorLines.clear();
    int failed = 0;
    for (const auto &r : results) {
        auto *item = new QListWidgetItem(QString::fromStdString(r.describe()), m_results);
        item->setData(Qt::UserRole, r.line);
        item->setForeground(r.ok ? QColor(30, 130, 60) : QColor(200, 30, 30));
        if (!r.ok) {
            ++failed;
            m_errorLines.push_back(r.line);
        }
    }
    markErrors();
    if (results.empty())
        m_summary->setText(tr("Nothing to apply: no document."));
    else if (failed)
        m_summary->setText(tr("%1 of %2 documents failed; nothing was %3.")
                               .arg(failed)
                               .arg(results.size())
                               .arg(m_dryRun ? tr("checked further") : tr("changed")));
    else
        m_summary->setText(m_dryRun
                               ? tr("All %1 documents are valid (dry run).").arg(results.size())
                               : tr("Applied %1 documents.").arg(results.size()));
    emit finished(failed == 0 && !results.empty());
}

void ApplyYamlDialog::markErrors()
{
    QList<QTextEdit::ExtraSelection> marks;
    for (int line : m_errorLines) {
        const QTextBlock block = m_editor->document()->findBlockByNumber(line - 1);
        if (!block.isValid())
            continue;
        QTextEdit::ExtraSelection sel;
        sel.cursor = QTextCursor(block);
        sel.format.setBackground(QColor(255, 200, 200));
        sel.format.setProperty(QTextFormat::FullWidthSelection, true);
        marks << sel;
    }
    m_editor->setExtraSelections(marks);
}

QStringList ApplyYamlDialog::resultLines() const
{
    QStringList lines;
    for (int i = 0; i < m_results->count(); ++i)
        lines << m_results->item(i)->text();
    return lines;
}

} // namespace kubist::widgets
