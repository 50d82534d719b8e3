#include "widgets/connectdialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

#include <utility>

namespace kubist::widgets {

namespace {

// Item data: the context name; the embedded entry has none.
constexpr int kContextRole = Qt::UserRole;
constexpr int kEmbeddedRole = Qt::UserRole + 1;

} // namespace

ConnectDialog::ConnectDialog(ContextLister lister, std::string connectedContext, QWidget *parent)
    : QDialog(parent)
    , m_lister(std::move(lister))
    , m_connected(std::move(connectedContext))
{
    setWindowTitle(tr("Connect to a cluster"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Choose the cluster Kubist draws: its own embedded demo cluster, "
                                "or a context of your kubeconfig (as kubectl would use it)."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto *sourceRow = new QHBoxLayout;
    m_source = new QLabel(this);
    m_source->setWordWrap(true);
    m_source->setTextInteractionFlags(Qt::TextSelectableByMouse);
    sourceRow->addWidget(m_source, 1);
    auto *open = new QPushButton(tr("Open kubeconfig…"), this);
    connect(open, &QPushButton::clicked, this, &ConnectDialog::openFile);
    sourceRow->addWidget(open);
    layout->addLayout(sourceRow);

    m_error = new QLabel(this);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c0392b;"));
    m_error->hide();
    layout->addWidget(m_error);

    m_list = new QListWidget(this);
    connect(m_list, &QListWidget::itemDoubleClicked, this, &ConnectDialog::chooseCurrent);
    layout->addWidget(m_list, 1);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_connect = buttons->addButton(tr("Connect"), QDialogButtonBox::AcceptRole);
    connect(m_connect, &QPushButton::clicked, this, &ConnectDialog::chooseCurrent);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(520, 380);

    loadFiles({});
}

void ConnectDialog::loadFiles(const std::vector<std::string> &files)
{
    m_list->clear();
    m_files.clear();
    m_error->clear();
    m_error->hide();

    auto *embedded = new QListWidgetItem(tr("Embedded demo cluster"), m_list);
    embedded->setData(kEmbeddedRole, true);
    embedded->setToolTip(tr("Kubist's own cluster, simulated in this process"));
    int connectedRow = m_connected.empty() ? 0 : -1;
    if (m_connected.empty())
        embedded->setText(embedded->text() + tr("  (connected)"));

    Result<KubeconfigContexts> listed = m_lister(files);
    if (!listed) {
        m_source->setText(files.empty()
                              ? tr("Kubeconfig: $KUBECONFIG or ~/.kube/config")
                              : tr("Kubeconfig: %1").arg(QString::fromStdString(files.front())));
        m_error->setText(QString::fromStdString(listed.status().message()));
        m_error->show();
    } else {
        for (const std::string &f : listed->files)
            m_files << QString::fromStdString(f);
        m_source->setText(
            tr("Kubeconfig: %1").arg(m_files.join(QDir::listSeparator() + QStringLiteral(" "))));
        for (const std::string &name : listed->contexts) {
            QString text = QString::fromStdString(name);
            if (name == listed->currentContext)
                text += tr("  (current-context)");
            if (name == m_connected) {
                text += tr("  (connected)");
                connectedRow = m_list->count();
            }
            auto *item = new QListWidgetItem(text, m_list);
            item->setData(kContextRole, QString::fromStdString(name));
            item->setData(kEmbeddedRole, false);
        }
        if (listed->contexts.empty()) {
            m_error->setText(tr("The kubeconfig defines no contexts."));
            m_error->show();
        }
    }
    if (connectedRow >= 0) {
        QFont bold = m_list->item(connectedRow)->font();
        bold.setBold(true);
        m_list->item(connectedRow)->setFont(bold);
    }
    m_list->setCurrentRow(connectedRow >= 0 ? connectedRow : 0);
}

QStringList ConnectDialog::entries() const
{
    QStringList out;
    for (int i = 0; i < m_list->count(); ++i)
        out << m_list->item(i)->text();
    return out;
}

QStringList ConnectDialog::contextNames() const
{
    QStringList out;
    for (int i = 0; i < m_list->count(); ++i)
        if (!m_list->item(i)->data(kEmbeddedRole).toBool())
            out << m_list->item(i)->data(kContextRole).toString();
    return out;
}

QString ConnectDialog::errorText() const
{
    return m_error->text();
}

int ConnectDialog::currentRow() const
{
    return m_list->currentRow();
}

bool ConnectDialog::choose(int row)
{
    QListWidgetItem *item = m_list->item(row);
    if (!item)
        return false;
    if (item->data(kEmbeddedRole).toBool())
        emit embeddedChosen();
    else
        emit contextChosen(item->data(kContextRole).toString(), m_files);
    accept();
    return true;
}

void ConnectDialog::chooseCurrent()
{
    choose(m_list->currentRow());
}

void ConnectDialog::openFile()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Open kubeconfig"),
                                                      QDir::homePath() + QStringLiteral("/.kube"));
    if (!file.isEmpty())
        loadFiles({file.toStdString()});
}

} // namespace kubist::widgets
