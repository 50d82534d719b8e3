#include "widgets/mainwindow.h"

#include "widgets/applyyamldialog.h"
#include "widgets/clusterscene.h"
#include "widgets/clusterview.h"
#include "widgets/faultspanel.h"
#include "widgets/inspector.h"
#include "widgets/nodeitem.h"
#include "widgets/pacebar.h"
#include "widgets/recoverybanner.h"
#include "widgets/serviceitem.h"
#include "widgets/workloadpanel.h"

#include "model/activitytracker.h"
#include "model/apihealth.h"
#include "model/clusteractions.h"
#include "model/clustermodel.h"
#include "model/controlpoller.h"
#include "model/eventlistmodel.h"
#include "model/faultlistmodel.h"
#include "model/faults.h"
#include "model/placementverdicts.h"
#include "model/podfilter.h"
#include "model/podtablemodel.h"
#include "model/watchactivity.h"
#include "model/workloadops.h"

#include "backend/client/client.h"
#include "backend/client/objectkey.h"
#include "backend/cluster/clustercontrol.h"
#include "backend/util/clock.h"
#include "backend/util/simclock.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QEvent>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPixmap>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <set>
#include <utility>

namespace kubist::widgets {

using model::MasterComponent;
using model::Subject;

namespace {

QPalette windowPalette(bool dark)
{
    if (!dark)
        return QApplication::style() ? QApplication::style()->standardPalette() : QPalette();
    QPalette p;
    p.setColor(QPalette::Window, QColor(32, 34, 40));
    p.setColor(QPalette::WindowText, QColor(235, 237, 242));
    p.setColor(QPalette::Base, QColor(24, 26, 31));
    p.setColor(QPalette::AlternateBase, QColor(40, 44, 52));
    p.setColor(QPalette::Text, QColor(235, 237, 242));
    p.setColor(QPalette::Button, QColor(44, 48, 56));
    p.setColor(QPalette::ButtonText, QColor(235, 237, 242));
    p.setColor(QPalette::Highlight, QColor(255, 150, 30));
    p.setColor(QPalette::HighlightedText, Qt::black);
    p.setColor(QPalette::ToolTipBase, QColor(44, 48, 56));
    p.setColor(QPalette::ToolTipText, QColor(235, 237, 242));
    return p;
}

// The pods table, filtered by the search (the same PodFilter as the picture).
class PodFilterProxy final : public QSortFilterProxyModel
{
public:
    PodFilterProxy(const model::ClusterModel &model, std::shared_ptr<model::PodFilter> filter,
                   QObject *parent)
        : QSortFilterProxyModel(parent)
        , m_model(model)
        , m_filter(std::move(filter))
    {}
    void refilter() { invalidateFilter(); }

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override
    {
        if (m_filter->isEmpty())
            return true;
        const QString key = sourceModel()
                                ->index(row, 0, parent)
                                .data(model::PodTableModel::ObjectKeyRole)
                                .toString();
        const auto pod =
            m_model.get<k8s::io::api::core::v1::Pod>(model::ObjectKind::Pod, key.toStdString());
        return pod && m_filter->matches(*pod);
    }

private:
    const model::ClusterModel &m_model;
    std::shared_ptr<model::PodFilter> m_filter;
};

// The events table, filtered by type and by text in reason, object or message.
class EventFilterProxy final : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setFilter(const QString &type, const QString &text)
    {
        m_type = type;
        m_text = text.trimmed();
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override
    {
        const auto cell = [&](int column) {
            return sourceModel()->index(row, column, parent).data().toString();
        };
        if (!m_type.isEmpty() && cell(model::EventListModel::Type) != m_type)
            return false;
        if (m_text.isEmpty())
            return true;
        for (int c : {model::EventListModel::Reason, model::EventListModel::Object,
                      model::EventListModel::Message})
            if (cell(c).contains(m_text, Qt::CaseInsensitive))
                return true;
        return false;
    }

private:
    QString m_type;
    QString m_text;
};

} // namespace

MainWindow::MainWindow(std::unique_ptr<client::Client> client, Options options, QWidget *parent)
    : QMainWindow(parent)
    , m_options(std::move(options))
    , m_client(std::move(client))
{
    if (m_options.remote && !m_options.contextName.empty())
        setWindowTitle(tr("Kubist — %1").arg(QString::fromStdString(m_options.contextName)));
    else
        setWindowTitle(tr("Kubist — Kubernetes in pictures"));
    const Clock &clock = m_options.clock ? *m_options.clock : SystemClock::instance();
    m_model = std::make_unique<model::ClusterModel>(*m_client, clock);
    m_actions = std::make_unique<model::ClusterActions>(*m_client, m_options.control);
    m_actions->setClock(&clusterClock());
    m_scene = std::make_unique<ClusterScene>(*m_model);
    if (m_options.control) {
        m_tracker =
            std::make_unique<model::ActivityTracker>(*m_options.control, m_options.identity);
        m_scene->setActivityTracker(m_tracker.get());
    } else {
        // No request log to read: the pulses are inferred from the watches.
        m_watchActivity = std::make_unique<model::WatchActivity>(*m_model, clock);
        m_scene->setWatchActivity(m_watchActivity.get());
        if (m_options.fetchPath)
            m_health =
                std::make_unique<model::ApiHealth>(m_options.fetchPath, SystemClock::instance());
    }

    m_view = new ClusterView(m_scene.get(), this);
    setCentralWidget(m_view);

    m_inspector = new Inspector(*m_model, this);
    if (m_health)
        m_inspector->setApiHealth(m_health.get());
    auto *inspectorDock = new QDockWidget(tr("Inspector"), this);
    inspectorDock->setObjectName(QStringLiteral("inspector"));
    inspectorDock->setWidget(m_inspector);
    addDockWidget(Qt::RightDockWidgetArea, inspectorDock);

    m_pods = new model::PodTableModel(*m_model, this);
    m_events = new model::EventListModel(*m_model, 200, this);
    auto *tabs = new QTabWidget(this);
    auto *podView = new QTableView(tabs);
    m_filter = std::make_shared<model::PodFilter>();
    m_podProxy = new PodFilterProxy(*m_model, m_filter, this);
    m_podProxy->setSourceModel(m_pods);
    podView->setModel(m_podProxy);
    podView->setSelectionBehavior(QAbstractItemView::SelectRows);
    podView->horizontalHeader()->setStretchLastSection(true);
    podView->verticalHeader()->hide();
    auto *eventsTab = new QWidget(tabs);
    auto *eventsLayout = new QVBoxLayout(eventsTab);
    eventsLayout->setContentsMargins(0, 0, 0, 0);
    eventsLayout->setSpacing(2);
    auto *eventFilters = new QHBoxLayout;
    m_eventType = new QComboBox(eventsTab);
    m_eventType->addItem(tr("All types"), QString());
    m_eventType->addItem(tr("Normal"), QStringLiteral("Normal"));
    m_eventType->addItem(tr("Warning"), QStringLiteral("Warning"));
    m_eventText = new QLineEdit(eventsTab);
    m_eventText->setPlaceholderText(tr("Filter events: reason, object, message"));
    m_eventText->setClearButtonEnabled(true);
    eventFilters->addWidget(m_eventType);
    eventFilters->addWidget(m_eventText, 1);
    eventsLayout->addLayout(eventFilters);
    auto *eventView = new QTableView(eventsTab);
    m_eventProxy = new EventFilterProxy(this);
    m_eventProxy->setSourceModel(m_events);
    eventView->setModel(m_eventProxy);
    eventView->horizontalHeader()->setStretchLastSection(true);
    eventView->verticalHeader()->hide();
    eventsLayout->addWidget(eventView);
    const auto applyEventFilter = [this] {
        static_cast<EventFilterProxy *>(m_eventProxy)
            ->setFilter(m_eventType->currentData().toString(), m_eventText->text());
    };
    connect(m_eventType, &QComboBox::currentIndexChanged, this, applyEventFilter);
    connect(m_eventText, &QLineEdit::textChanged, this, applyEventFilter);
    tabs->addTab(podView, tr("Pods"));
    tabs->addTab(eventsTab, tr("Events"));
    auto *tableDock = new QDockWidget(tr("Lists"), this);
    tableDock->setObjectName(QStringLiteral("lists"));
    tableDock->setWidget(tabs);
    addDockWidget(Qt::BottomDockWidgetArea, tableDock);
    resizeDocks({tableDock}, {170}, Qt::Vertical);
    resizeDocks({inspectorDock}, {360}, Qt::Horizontal);
    connect(podView, &QTableView::clicked, this, [this](const QModelIndex &index) {
        inspect(ItemRef{Subject::Pod,
                        index.data(model::PodTableModel::ObjectKeyRole).toString().toStdString(),
                        true});
    });

    m_workloads = new WorkloadPanel(*m_model, this);
    auto *workloadDock = new QDockWidget(tr("Workloads"), this);
    workloadDock->setObjectName(QStringLiteral("workloads"));
    workloadDock->setWidget(m_workloads);
    addDockWidget(Qt::LeftDockWidgetArea, workloadDock);
    resizeDocks({workloadDock}, {250}, Qt::Horizontal);
    connect(m_workloads, &WorkloadPanel::picked, this, &MainWindow::inspect);
    connect(m_workloads, &WorkloadPanel::contextMenuRequested, this, &MainWindow::showContextMenu);

    buildActions();
    m_banner = new RecoveryBanner(m_view);
    m_view->installEventFilter(this);
    connect(m_banner, &RecoveryBanner::dismissed, this, [this] { m_recovery.cancel(); });
    buildControlTools();

    m_kubectlButton = new QToolButton(this);
    m_kubectlButton->setText(tr("kubectl"));
    m_kubectlButton->setEnabled(false);
    m_kubectlButton->setToolTip(tr("What kubectl would have done for the last action"));
    connect(m_kubectlButton, &QToolButton::clicked, this, &MainWindow::showKubectl);
    statusBar()->addPermanentWidget(m_kubectlButton);

    m_endpointLabel = new QLabel(this);
    m_endpointLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QString endpoint =
        QStringLiteral("API server: %1")
            .arg(m_options.apiServerUrl.empty() ? tr("(unknown)")
                                                : QString::fromStdString(m_options.apiServerUrl));
    if (!m_options.kubeconfigPath.empty())
        endpoint += QStringLiteral("     export KUBECONFIG=%1")
                        .arg(QString::fromStdString(m_options.kubeconfigPath));
    if (m_options.remote && m_options.connectionState) {
        // The indicator names the server: here only what kubectl needs.
        endpoint = QStringLiteral("KUBECONFIG=%1 kubectl --context %2")
                       .arg(QString::fromStdString(m_options.kubeconfigPath),
                            QString::fromStdString(m_options.contextName));
    }
    m_endpointLabel->setText(endpoint);
    m_endpointLabel->setToolTip(endpoint);
    m_endpointLabel->setMinimumWidth(40); // the first to give way on a narrow window
    statusBar()->addPermanentWidget(m_endpointLabel);
    buildConnectionIndicator();

    connect(m_view, &ClusterView::picked, this, &MainWindow::inspect);
    connect(m_view, &ClusterView::contextMenuRequested, this, &MainWindow::showContextMenu);
    connect(m_actions.get(), &model::ClusterActions::finished, this, &MainWindow::actionFinished);
    connect(m_actions.get(), &model::ClusterActions::message, this,
            [this](const QString &text) { m_actionMessage = text; });
    connect(m_actions.get(), &model::ClusterActions::kubectlEquivalent, this,
            [this](const QString &command) {
                m_lastKubectl = command;
                m_kubectlButton->setEnabled(true);
                m_kubectlButton->setToolTip(command);
            });
    connect(m_view, &ClusterView::podDragStarted, this,
            [this](const QString &pod) { beginPodDrag(pod.toStdString()); });
    connect(m_view, &ClusterView::podDropped, this,
            [this](const QString &pod, const QString &node) {
                if (node.isEmpty()) {
                    m_scene->showDropVerdicts(nullptr);
                    statusBar()->showMessage(tr("Drop a pod on a node to move it there"), 5000);
                    return;
                }
                dropPod(pod.toStdString(), node.toStdString());
            });
    connect(m_model.get(), &model::ClusterModel::changed, this,
            [this](const model::ClusterDelta &delta) {
                if (delta.touches(model::ObjectKind::Pod)) {
                    refreshNamespaces();
                    if (!m_filter->isEmpty())
                        static_cast<PodFilterProxy *>(m_podProxy)->refilter();
                }
            });
    // The picture fits the view as it grows, until the user zooms.
    connect(m_scene.get(), &ClusterScene::layoutChanged, this, [this] {
        if (m_view->autoFit())
            m_view->fitAll();
    });
    connect(m_model.get(), &model::ClusterModel::synced, this, [this] {
        if (m_view->autoFit())
            m_view->fitAll();
        statusBar()->showMessage(tr("Connected: watching the cluster"), 4000);
    });

    resize(1400, 900);
    m_model->start();
    if (m_tracker)
        m_tracker->start();
    if (m_health)
        m_health->start();
    if (m_poller)
        m_poller->start(500);
}

MainWindow::~MainWindow()
{
    if (m_connectionTimer)
        m_connectionTimer->stop();
    // Stop the flow of deltas and pulses before the panels go; wait for
    // actions that still use the client.
    if (m_poller) {
        m_poller->stop();
        m_poller.reset();
    }
    if (m_tracker)
        m_tracker->stop();
    if (m_health)
        m_health->stop();
    m_model->stop();
    m_actions.reset();
    m_view->setScene(nullptr);
}

void MainWindow::buildActions()
{
    QToolBar *bar = addToolBar(tr("View"));
    bar->setObjectName(QStringLiteral("view"));
    bar->addAction(tr("Zoom in"), QKeySequence::ZoomIn, m_view, &ClusterView::zoomIn);
    bar->addAction(tr("Zoom out"), QKeySequence::ZoomOut, m_view, &ClusterView::zoomOut);
    bar->addAction(tr("Fit"), QKeySequence(Qt::CTRL | Qt::Key_0), m_view, &ClusterView::fitAll);
    bar->addSeparator();
    m_darkAction = bar->addAction(tr("Dark"));
    m_darkAction->setCheckable(true);
    m_darkAction->setToolTip(tr("Switch between the light and the dark palette"));
    connect(m_darkAction, &QAction::toggled, this, &MainWindow::setDarkTheme);

    // Search and namespace.
    bar->addSeparator();
    m_search = new QLineEdit(bar);
    m_search->setPlaceholderText(tr("Search pods: name, label, namespace (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumWidth(240);
    bar->addWidget(m_search);
    m_namespaces = new QComboBox(bar);
    m_namespaces->addItem(tr("All namespaces"), QString());
    m_namespaces->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    bar->addWidget(m_namespaces);
    connect(m_search, &QLineEdit::textChanged, this, &MainWindow::applyFilterWidgets);
    connect(m_namespaces, &QComboBox::currentIndexChanged, this, &MainWindow::applyFilterWidgets);
    auto *find = new QAction(tr("Search"), this);
    find->setShortcut(QKeySequence::Find);
    connect(find, &QAction::triggered, this, [this] {
        m_search->setFocus();
        m_search->selectAll();
    });
    addAction(find);

    // Operator actions on the inspector's subject.
    QToolBar *ops = addToolBar(tr("Actions"));
    ops->setObjectName(QStringLiteral("actions"));
    auto addOp = [&](const QString &text, const QKeySequence &key, const QString &tip, auto slot) {
        QAction *a = ops->addAction(text);
        a->setShortcut(key);
        a->setToolTip(QStringLiteral("%1 (%2)").arg(tip, key.toString()));
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    addOp(tr("Scale +"), QKeySequence(Qt::Key_Plus),
          tr("Scale the selected Deployment / ReplicaSet (or a pod's owner) up"),
          [this] { scaleSelected(+1); });
    addOp(tr("Scale −"), QKeySequence(Qt::Key_Minus),
          tr("Scale the selected Deployment / ReplicaSet (or a pod's owner) down"),
          [this] { scaleSelected(-1); });
    addOp(tr("Delete"), QKeySequence(QKeySequence::Delete), tr("Delete the selected pod"),
          [this] { deleteSelected(); });
    addOp(tr("Cordon"), QKeySequence(Qt::Key_C), tr("Cordon / uncordon the selected node"),
          [this] { cordonSelected(); });
    addOp(tr("Drain"), QKeySequence(Qt::Key_D), tr("Drain the selected node"),
          [this] { drainSelected(); });
    auto *fit = new QAction(tr("Fit"), this);
    fit->setShortcut(QKeySequence(Qt::Key_F));
    connect(fit, &QAction::triggered, m_view, &ClusterView::fitAll);
    addAction(fit);

    // Presentation mode: F5 toggles, Esc leaves.
    bar->addSeparator();
    m_presentAction = bar->addAction(tr("Present"));
    m_presentAction->setCheckable(true);
    m_presentAction->setShortcut(QKeySequence(Qt::Key_F5));
    m_presentAction->setToolTip(
        tr("Presentation mode: full screen, larger fonts, high contrast (F5; Esc leaves)"));
    connect(m_presentAction, &QAction::toggled, this, &MainWindow::setPresentationMode);
    auto *leave = new QAction(tr("Leave presentation mode"), this);
    leave->setShortcut(QKeySequence(Qt::Key_Escape));
    connect(leave, &QAction::triggered, this, [this] {
        if (m_presenting)
            setPresentationMode(false);
    });
    addAction(leave);

    // File → Export.
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QMenu *exportMenu = file->addMenu(tr("&Export"));
    exportMenu->addAction(tr("Picture as PNG…"), this, [this] {
        const QString f = QFileDialog::getSaveFileName(this, tr("Export PNG"), "kubist.png",
                                                       tr("PNG images (*.png)"));
        if (!f.isEmpty())
            exportPicture(f);
    });
    exportMenu->addAction(tr("Picture as SVG…"), this, [this] {
        const QString f = QFileDialog::getSaveFileName(this, tr("Export SVG"), "kubist.svg",
                                                       tr("SVG drawings (*.svg)"));
        if (!f.isEmpty())
            exportPicture(f);
    });
    file->addAction(tr("&Apply YAML…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A), this,
                    [this] { showApplyYaml(); });
    if (m_options.listContexts) {
        file->addSeparator();
        file->addAction(tr("&Connect to cluster…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O),
                        this, [this] { showConnectDialog(); });
    }
    if (m_options.canReset) {
        file->addSeparator();
        file->addAction(tr("&Reset demo cluster…"), this, &MainWindow::confirmReset);
    }
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
}

void MainWindow::applyFilterWidgets()
{
    model::PodFilter f;
    f.text = m_search->text().toStdString();
    f.ns = m_namespaces->currentData().toString().toStdString();
    setFilter(f);
}

void MainWindow::setFilter(const model::PodFilter &filter)
{
    *m_filter = filter;
    m_scene->setFilter(filter);
    static_cast<PodFilterProxy *>(m_podProxy)->refilter();
}

int MainWindow::visiblePodRows() const
{
    return m_podProxy->rowCount();
}

void MainWindow::refreshNamespaces()
{
    std::set<QString> names;
    for (const auto &[key, obj] : m_model->objects(model::ObjectKind::Pod))
        names.insert(QString::fromStdString(client::splitObjectKey(key).first));
    QStringList have;
    for (int i = 1; i < m_namespaces->count(); ++i)
        have << m_namespaces->itemData(i).toString();
    const QStringList want(names.begin(), names.end());
    if (have == want)
        return;
    const QString current = m_namespaces->currentData().toString();
    const QSignalBlocker block(m_namespaces);
    while (m_namespaces->count() > 1)
        m_namespaces->removeItem(1);
    for (const QString &n : want)
        m_namespaces->addItem(n, n);
    const int idx = m_namespaces->findData(current);
    m_namespaces->setCurrentIndex(idx < 0 ? 0 : idx);
}

bool MainWindow::exportPicture(const QString &file)
{
    const bool ok = m_scene->exportPicture(file);
    if (ok)
        statusBar()->showMessage(tr("Exported the picture to %1").arg(file), 6000);
    else
        statusBar()->showMessage(tr("Could not write %1").arg(file), 10000);
    return ok;
}

void MainWindow::beginPodDrag(const std::string &podKey)
{
    Result<model::PlacementVerdicts> v = model::computePlacementVerdicts(*m_model, podKey);
    if (!v) {
        statusBar()->showMessage(QString::fromStdString(v.status().message()), 8000);
        return;
    }
    m_scene->showDropVerdicts(&*v);
    statusBar()->showMessage(
        tr("Drop %1 on a green node to move it there")
            .arg(QString::fromStdString(client::splitObjectKey(podKey).second)),
        8000);
}

bool MainWindow::dropPod(const std::string &podKey, const std::string &node)
{
    m_scene->showDropVerdicts(nullptr);
    const auto [ns, name] = client::splitObjectKey(podKey);
    const QString qname = QString::fromStdString(name);
    const QString qnode = QString::fromStdString(node);
    Result<model::PlacementVerdicts> v = model::computePlacementVerdicts(*m_model, podKey);
    if (!v) {
        statusBar()->showMessage(QString::fromStdString(v.status().message()), 10000);
        return false;
    }
    if (v->currentNode == node) {
        statusBar()->showMessage(tr("%1 already runs on %2").arg(qname, qnode), 6000);
        return false;
    }
    const model::NodeVerdict *verdict = v->find(node);
    if (!verdict || !verdict->feasible) {
        const QString why =
            verdict ? QStringLiteral("%1: %2").arg(QString::fromStdString(verdict->plugin),
                                                   QString::fromStdString(verdict->reason))
                    : tr("no such node");
        statusBar()->showMessage(
            tr("The scheduler would not put %1 on %2 — %3").arg(qname, qnode, why), 15000);
        return false;
    }
    if (!m_options.remote) {
        m_actions->movePod(ns, name, node);
        return true;
    }
    // A real kube-scheduler ignores Kubist's placement intents: evict (and
    // recreate a bare pod bound to the node).
    const auto pod = m_model->get<k8s::io::api::core::v1::Pod>(model::ObjectKind::Pod, podKey);
    const bool bare = pod && !model::workloadops::hasController(*pod);
    const QString question =
        bare ? tr("Move %1 to %2? It is evicted (deleted gracefully) and recreated on %2.")
                   .arg(qname, qnode)
             : tr("Evict %1? On a real cluster the scheduler, not Kubist, picks the node its "
                  "replacement runs on.")
                   .arg(qname);
    if (!confirmDestructive(question))
        return false;
    m_actions->movePodRemote(ns, name, node);
    return true;
}

std::optional<std::pair<std::string, std::string>> MainWindow::scaleTarget(const ItemRef &ref) const
{
    if (!ref.valid)
        return std::nullopt;
    if (ref.subject == Subject::Deployment)
        return std::make_pair(std::string("Deployment"), ref.key);
    if (ref.subject == Subject::ReplicaSet)
        return std::make_pair(std::string("ReplicaSet"), ref.key);
    if (ref.subject == Subject::Pod) {
        const auto pod = m_model->get<k8s::io::api::core::v1::Pod>(model::ObjectKind::Pod, ref.key);
        if (!pod)
            return std::nullopt;
        const model::OwnerRef owner = m_model->ownerOf(*pod);
        if (owner.kind == "Deployment" || owner.kind == "ReplicaSet")
            return std::make_pair(owner.kind, client::objectKey(owner.ns, owner.name));
    }
    return std::nullopt;
}

bool MainWindow::scaleSelected(int delta)
{
    const auto target = scaleTarget(m_inspector->subject());
    if (!target) {
        statusBar()->showMessage(tr("Select a Deployment, a ReplicaSet or one of their pods to "
                                    "scale"),
                                 5000);
        return false;
    }
    const auto [ns, name] = client::splitObjectKey(target->second);
    return scale(target->first, ns, name, delta);
}

bool MainWindow::deleteSelected()
{
    const ItemRef &ref = m_inspector->subject();
    if (!ref.valid || ref.subject != Subject::Pod)
        return false;
    const auto [ns, name] = client::splitObjectKey(ref.key);
    return deletePod(ns, name);
}

namespace {
bool isNodeSubject(const ItemRef &ref)
{
    return ref.valid && !ref.key.empty() &&
           (ref.subject == Subject::Node || ref.subject == Subject::ControlPlaneNode ||
            ref.subject == Subject::Kubelet);
}
} // namespace

bool MainWindow::cordonSelected()
{
    const ItemRef &ref = m_inspector->subject();
    if (!isNodeSubject(ref))
        return false;
    const auto obj = m_model->get<k8s::io::api::core::v1::Node>(model::ObjectKind::Node, ref.key);
    m_actions->setCordoned(ref.key, !(obj && obj->spec().unschedulable()));
    return true;
}

bool MainWindow::drainSelected()
{
    const ItemRef &ref = m_inspector->subject();
    if (!isNodeSubject(ref))
        return false;
    return drainNode(ref.key);
}

void MainWindow::changeImage(const std::string &ns, const std::string &deployment)
{
    const auto d = m_model->get<k8s::io::api::apps::v1::Deployment>(
        model::ObjectKind::Deployment, client::objectKey(ns, deployment));
    if (!d || d->spec().template_().spec().containers_size() == 0)
        return;
    const auto &c = d->spec().template_().spec().containers(0);
    bool ok = false;
    const QString image = QInputDialog::getText(
        this, tr("Change image"),
        tr("New image for container \"%1\" of %2 (a rolling update follows):")
            .arg(QString::fromStdString(c.name()), QString::fromStdString(deployment)),
        QLineEdit::Normal, QString::fromStdString(c.image()), &ok);
    if (ok && !image.trimmed().isEmpty() && image.trimmed().toStdString() != c.image())
        m_actions->setImage(ns, deployment, c.name(), image.trimmed().toStdString());
}

void MainWindow::setDarkTheme(bool dark)
{
    if (m_darkAction->isChecked() != dark) {
        m_darkAction->setChecked(dark); // toggled() calls back
        return;
    }
    m_scene->setDarkTheme(dark);
    setPalette(windowPalette(dark));
}

void MainWindow::inspect(const ItemRef &ref)
{
    m_inspector->setSubject(ref);
}

bool MainWindow::saveScreenshot(const QString &file)
{
    return grab().save(file);
}

void MainWindow::showContextMenu(const ItemRef &ref, const QPoint &globalPos)
{
    inspect(ref);
    if (std::unique_ptr<QMenu> menu = contextMenu(ref))
        menu->exec(globalPos);
}

std::unique_ptr<QMenu> MainWindow::contextMenu(const ItemRef &ref)
{
    auto menu = std::make_unique<QMenu>(this);
    const auto [ns, name] = client::splitObjectKey(ref.key);
    if (ref.subject == Subject::Pod) {
        menu->addAction(tr("Delete pod %1").arg(QString::fromStdString(name)), this,
                        [this, ns, name] { deletePod(ns, name); });
        menu->addAction(tr("Evict pod %1").arg(QString::fromStdString(name)), this,
                        [this, ns, name] { evictPod(ns, name); });
        if (auto target = scaleTarget(ref)) {
            menu->addSeparator();
            const auto [ons, oname] = client::splitObjectKey(target->second);
            const QString label = QStringLiteral("%1 %2").arg(QString::fromStdString(target->first),
                                                              QString::fromStdString(oname));
            menu->addAction(tr("Scale %1 up").arg(label), this,
                            [this, t = *target, ons, oname] { scale(t.first, ons, oname, 1); });
            menu->addAction(tr("Scale %1 down").arg(label), this,
                            [this, t = *target, ons, oname] { scale(t.first, ons, oname, -1); });
        }
        if (m_options.control) {
            menu->addSeparator();
            menu->addAction(tr("Crash its container"), this,
                            [this, ns, name] { m_actions->crashContainer(ns, name); });
            menu->addAction(tr("Crash-loop for 60 s"), this, [this, ns, name] {
                m_actions->injectFault(model::podCrashLoop(ns, name, std::chrono::seconds(60)));
            });
        }
    } else if (ref.subject == Subject::Service && m_options.control) {
        menu->addAction(tr("Set traffic rate…"), this,
                        [this, ns, name] { askTrafficRate(ns, name); });
    } else if (ref.subject == Subject::Deployment || ref.subject == Subject::ReplicaSet) {
        const std::string kind = ref.subject == Subject::Deployment ? "Deployment" : "ReplicaSet";
        menu->addAction(tr("Scale up (+)"), this,
                        [this, kind, ns, name] { scale(kind, ns, name, 1); });
        menu->addAction(tr("Scale down (−)"), this,
                        [this, kind, ns, name] { scale(kind, ns, name, -1); });
        if (ref.subject == Subject::Deployment) {
            menu->addSeparator();
            menu->addAction(tr("Change image…"), this, [this, ns, name] { changeImage(ns, name); });
            menu->addAction(tr("Restart rollout"), this,
                            [this, ns, name] { restartRollout(ns, name); });
            menu->addAction(tr("Undo rollout"), this, [this, ns, name] { undoRollout(ns, name); });
        }
    } else if ((ref.subject == Subject::Node || ref.subject == Subject::ControlPlaneNode ||
                ref.subject == Subject::Kubelet) &&
               !ref.key.empty()) {
        const std::string node = ref.key;
        const auto obj = m_model->get<k8s::io::api::core::v1::Node>(model::ObjectKind::Node, node);
        const bool cordoned = obj && obj->spec().unschedulable();
        menu->addAction(cordoned ? tr("Uncordon") : tr("Cordon"), this,
                        [this, node, cordoned] { m_actions->setCordoned(node, !cordoned); });
        menu->addAction(tr("Drain (cordon, evict its pods)"), this,
                        [this, node] { drainNode(node); });
        if (m_options.control) {
            // Labels follow what ClusterControl last said about the node.
            cluster::ClusterControl::NodeHealth health;
            if (m_poller) {
                const auto &nodes = m_poller->snapshot().nodes;
                if (auto it = nodes.find(node); it != nodes.end())
                    health = it->second;
            }
            const bool faulted[] = {!health.poweredOn, health.partitioned, !health.runtimeRunning,
                                    !health.proxyRunning};
            menu->addSeparator();
            int count = 0;
            const model::NodeFaultAction *acts = model::nodeFaultActions(&count);
            for (int i = 0; i < count; ++i) {
                const std::string action = acts[i].action;
                if (faulted[i])
                    menu->addAction(tr(acts[i].heal), this, [this, node, action] {
                        m_actions->healNodeFault(node, action);
                    });
                else
                    menu->addAction(tr(acts[i].inject), this, [this, node, action] {
                        m_actions->injectFault(model::nodeFault(node, action));
                    });
            }
            menu->addSeparator();
            menu->addAction(tr("Remove node %1").arg(QString::fromStdString(node)), this,
                            [this, node] { m_actions->removeNode(node); });
        }
    } else if (auto part = model::masterPartOf(ref.subject); part && m_options.control) {
        const QString title = QString::fromLatin1(model::masterPartTitle(*part));
        menu->addAction(tr("Stop %1").arg(title), this,
                        [this, p = *part] { m_actions->setComponentRunning(p, false); });
        menu->addAction(tr("Start %1").arg(title), this,
                        [this, p = *part] { m_actions->setComponentRunning(p, true); });
    }
    if (menu->isEmpty())
        return nullptr;
    return menu;
}

void MainWindow::actionFinished(const QString &what, bool ok, const QString &error)
{
    const QString said = std::exchange(m_actionMessage, QString());
    QString kubectl;
    if (!m_lastKubectl.isEmpty())
        kubectl = tr("   (kubectl: %1)").arg(m_lastKubectl.section(QLatin1Char('\n'), 0, 0));
    if (ok)
        statusBar()->showMessage((said.isEmpty() ? tr("Done: %1").arg(what) : said) + kubectl,
                                 10000);
    else
        statusBar()->showMessage(tr("Failed: %1 — %2").arg(what, error), 15000);
}

} // namespace kubist::widgets

namespace kubist::widgets {

const Clock &MainWindow::clusterClock() const
{
    if (m_options.clock)
        return *m_options.clock;
    if (m_options.pace)
        return *m_options.pace;
    return SystemClock::instance();
}

void MainWindow::buildControlTools()
{
    if (m_options.pace || m_options.control)
        addToolBarBreak();
    if (m_options.pace) {
        m_paceBar = new PaceBar(*m_options.pace, this);
        addToolBar(Qt::TopToolBarArea, m_paceBar);
    }
    if (!m_options.control)
        return;
    QToolBar *faults = addToolBar(tr("Faults"));
    faults->setObjectName(QStringLiteral("faults"));
    QAction *add = faults->addAction(tr("Add node"));
    add->setToolTip(tr("Start another simulated worker (its kubelet registers it)"));
    connect(add, &QAction::triggered, this, [this] { m_actions->addNode(); });
    QAction *power = faults->addAction(tr("Power"));
    power->setShortcut(QKeySequence(Qt::Key_P));
    power->setToolTip(tr("Power the selected node off / on (P)"));
    connect(power, &QAction::triggered, this, [this] {
        const ItemRef &ref = m_inspector->subject();
        if (!ref.valid || ref.key.empty() ||
            (ref.subject != Subject::Node && ref.subject != Subject::Kubelet))
            return statusBar()->showMessage(tr("Select a worker node to power it off / on"), 5000);
        bool on = true;
        if (m_poller)
            if (auto it = m_poller->snapshot().nodes.find(ref.key);
                it != m_poller->snapshot().nodes.end())
                on = it->second.poweredOn;
        m_actions->setNodePower(ref.key, !on);
    });
    QAction *crash = faults->addAction(tr("Crash"));
    crash->setShortcut(QKeySequence(Qt::Key_K));
    crash->setToolTip(tr("Crash the selected pod's containers once (K)"));
    connect(crash, &QAction::triggered, this, [this] {
        const ItemRef &ref = m_inspector->subject();
        if (!ref.valid || ref.subject != Subject::Pod)
            return statusBar()->showMessage(tr("Select a pod to crash its container"), 5000);
        const auto [ns, name] = client::splitObjectKey(ref.key);
        m_actions->crashContainer(ns, name);
    });

    m_poller = std::make_unique<model::ControlPoller>(*m_options.control, clusterClock());
    m_faultList = new model::FaultListModel(this);
    m_faultsPanel = new FaultsPanel(*m_faultList, this);
    auto *dock = new QDockWidget(tr("Faults"), this);
    dock->setObjectName(QStringLiteral("faults"));
    dock->setWidget(m_faultsPanel);
    addDockWidget(Qt::RightDockWidgetArea, dock);
    connect(m_faultsPanel, &FaultsPanel::healRequested, this,
            [this](const QString &name) { m_actions->healFault(name.toStdString()); });
    connect(m_poller.get(), &model::ControlPoller::updated, this,
            &MainWindow::applyControlSnapshot);
    connect(m_actions.get(), &model::ClusterActions::faultInjected, this,
            [this](const QString &what, const QString &name) {
                m_recovery.faultInjected(what, name.toStdString(), clusterClock().now(),
                                         m_poller->snapshot().failedRequests());
                refreshBanner();
                m_poller->pollNow();
            });
    // What to ask ClusterControl about follows the model.
    const auto retarget = [this] {
        std::vector<std::string> services;
        for (const auto &[key, obj] : m_model->objects(model::ObjectKind::Service))
            services.push_back(key);
        m_poller->setTargets(m_model->nodeNames(), std::move(services));
    };
    connect(m_model.get(), &model::ClusterModel::changed, this,
            [this, retarget](const model::ClusterDelta &delta) {
                if (delta.touches(model::ObjectKind::Node) ||
                    delta.touches(model::ObjectKind::Service))
                    retarget();
                if (m_recovery.isRunning() && (delta.touches(model::ObjectKind::Deployment) ||
                                               delta.touches(model::ObjectKind::Pod) ||
                                               delta.touches(model::ObjectKind::Node)))
                    observeRecovery();
            });
    auto *bannerTimer = new QTimer(this);
    connect(bannerTimer, &QTimer::timeout, this, &MainWindow::refreshBanner);
    bannerTimer->start(200);
}

void MainWindow::applyControlSnapshot()
{
    if (!m_poller)
        return;
    const model::ControlSnapshot &snap = m_poller->snapshot();
    m_faultList->setFaults(snap.faults, snap.at);
    for (const std::string &node : m_model->nodeNames()) {
        ClusterScene::NodeFaults f;
        if (auto it = snap.nodes.find(node); it != snap.nodes.end()) {
            f.poweredOff = !it->second.poweredOn;
            f.partitioned = it->second.partitioned;
            f.runtimeDown = !it->second.runtimeRunning;
            f.proxyStopped = !it->second.proxyRunning;
        }
        m_scene->setNodeFaults(node, f);
    }
    for (const auto &[key, t] : snap.services) {
        ServiceItem *item = m_scene->serviceItem(key);
        if (!item)
            continue;
        ServiceItem::Traffic traffic;
        traffic.present = t.hasTraffic();
        traffic.rate = t.rate;
        const auto last = t.lastSecond();
        traffic.succeededLastSecond = last.succeeded;
        traffic.failedLastSecond = last.failed;
        traffic.failedTotal = t.total.failed;
        for (size_t i = 0; i + 1 < t.history.size(); ++i) { // the last bucket is filling
            const auto &b = t.history[i];
            const uint64_t n = b.succeeded + b.failed;
            traffic.successRates.push_back(n == 0 ? -1.0 : double(b.succeeded) / double(n));
        }
        item->setTraffic(traffic);
    }
    m_recovery.observeFaults(snap.faults, clusterClock().now(), snap.failedRequests());
    observeRecovery();
}

void MainWindow::observeRecovery()
{
    if (!m_poller || !m_recovery.isRunning())
        return refreshBanner();
    const model::ControlSnapshot &snap = m_poller->snapshot();
    const model::ClusterWholeness whole = model::RecoveryTimer::assess(
        m_model->objects(model::ObjectKind::Deployment),
        m_model->objects(model::ObjectKind::ReplicaSet), m_model->objects(model::ObjectKind::Pod),
        m_model->objects(model::ObjectKind::Node), snap.valid ? &snap : nullptr);
    if (auto outcome = m_recovery.observe(whole, clusterClock().now(), snap.failedRequests())) {
        m_banner->showOutcome(outcome->summary);
        statusBar()->showMessage(outcome->summary, 15000);
        return;
    }
    refreshBanner();
}

void MainWindow::refreshBanner()
{
    if (!m_recovery.isRunning() || !m_poller)
        return;
    const model::ControlSnapshot &snap = m_poller->snapshot();
    m_banner->showProgress(
        m_recovery.progressText(clusterClock().now(), snap.failedRequests(), snap.hasTraffic()));
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view && event->type() == QEvent::Resize) {
        if (m_banner)
            m_banner->place();
        placeOverlay();
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::askTrafficRate(const std::string &ns, const std::string &service)
{
    bool ok = false;
    const double current = m_options.control ? m_options.control->trafficRate(ns, service) : 0;
    const double rps =
        QInputDialog::getDouble(this, tr("Traffic rate"),
                                tr("Requests per second to Service %1 (0 stops the traffic):")
                                    .arg(QString::fromStdString(service)),
                                current > 0 ? current : 10.0, 0.0, 1000.0, 1, &ok);
    if (ok)
        m_actions->setTrafficRate(ns, service, rps);
}

void MainWindow::setPresentationMode(bool on)
{
    if (m_presentAction->isChecked() != on) {
        m_presentAction->setChecked(on); // toggled() calls back
        return;
    }
    if (on == m_presenting)
        return;
    m_presenting = on;
    if (on) {
        m_wasDark = m_darkAction->isChecked();
        m_normalFont = font();
        QFont big = m_normalFont;
        big.setPointSizeF(big.pointSizeF() * 1.4);
        setFont(big);
        m_scene->setTheme(SceneTheme::highContrast());
        setPalette(windowPalette(true));
        showFullScreen();
        statusBar()->showMessage(tr("Presentation mode — Esc or F5 leaves"), 4000);
    } else {
        setFont(m_normalFont);
        m_scene->setDarkTheme(m_wasDark);
        setPalette(windowPalette(m_wasDark));
        showNormal();
    }
    m_banner->place();
    if (m_view->autoFit())
        QTimer::singleShot(0, m_view, &ClusterView::fitAll);
}

ApplyYamlDialog *MainWindow::showApplyYaml()
{
    if (!m_applyDialog)
        m_applyDialog = new ApplyYamlDialog(*m_actions, this);
    m_applyDialog->show();
    m_applyDialog->raise();
    m_applyDialog->activateWindow();
    return m_applyDialog;
}

void MainWindow::setEventFilter(const QString &type, const QString &text)
{
    const int idx = m_eventType->findData(type);
    m_eventType->setCurrentIndex(idx < 0 ? 0 : idx);
    m_eventText->setText(text);
    static_cast<EventFilterProxy *>(m_eventProxy)->setFilter(type, text);
}

int MainWindow::visibleEventRows() const
{
    return m_eventProxy->rowCount();
}

void MainWindow::showKubectl()
{
    if (m_lastKubectl.isEmpty())
        return;
    QDialog dialog(this);
    dialog.setWindowTitle(tr("The kubectl equivalent"));
    auto *layout = new QVBoxLayout(&dialog);
    layout->addWidget(new QLabel(
        tr("The last action, as kubectl would do it against this cluster (export KUBECONFIG "
           "as the status line shows):"),
        &dialog));
    auto *text = new QPlainTextEdit(m_lastKubectl, &dialog);
    text->setReadOnly(true);
    text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    layout->addWidget(text);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    QPushButton *copy = buttons->addButton(tr("Copy"), QDialogButtonBox::ActionRole);
    connect(copy, &QPushButton::clicked, &dialog,
            [this] { QApplication::clipboard()->setText(m_lastKubectl); });
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    dialog.resize(640, 320);
    dialog.exec();
}

void MainWindow::confirmReset()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Reset the demo cluster"));
    auto *layout = new QVBoxLayout(&dialog);
    auto *warning = new QLabel(
        tr("This stops the embedded cluster, deletes everything in it (its data directory) "
           "and starts a fresh demo cluster. Objects you created are lost."),
        &dialog);
    warning->setWordWrap(true);
    layout->addWidget(warning);
    auto *form = new QFormLayout;
    auto *profile = new QComboBox(&dialog);
    profile->addItem(tr("demo — a node failure recovers in about 15-20 s"), "demo");
    profile->addItem(tr("realistic — upstream Kubernetes' default timings"), "realistic");
    profile->setCurrentIndex(m_options.profile == "realistic" ? 1 : 0);
    form->addRow(tr("Timing profile:"), profile);
    layout->addLayout(form);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, &dialog);
    buttons->addButton(tr("Delete and reset"), QDialogButtonBox::AcceptRole);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    if (dialog.exec() == QDialog::Accepted)
        requestReset(profile->currentData().toString());
}

void MainWindow::requestReset(const QString &profile)
{
    statusBar()->showMessage(tr("Resetting the demo cluster (%1)…").arg(profile));
    emit resetRequested(profile);
}

} // namespace kubist::widgets

namespace kubist::widgets {

bool MainWindow::confirmDestructive(const QString &question)
{
    if (!m_options.remote)
        return true;
    if (m_options.confirm)
        return m_options.confirm(question);
    const QString context = QString::fromStdString(m_options.contextName);
    return QMessageBox::question(
               this, context.isEmpty() ? tr("Remote cluster") : tr("Cluster %1").arg(context),
               question) == QMessageBox::Yes;
}

bool MainWindow::deletePod(const std::string &ns, const std::string &name)
{
    if (!confirmDestructive(tr("Delete pod %1 (namespace %2)?")
                                .arg(QString::fromStdString(name), QString::fromStdString(ns))))
        return false;
    m_actions->deletePod(ns, name);
    return true;
}

bool MainWindow::evictPod(const std::string &ns, const std::string &name)
{
    if (!confirmDestructive(tr("Evict pod %1 (namespace %2)?")
                                .arg(QString::fromStdString(name), QString::fromStdString(ns))))
        return false;
    m_actions->evictPod(ns, name);
    return true;
}

bool MainWindow::drainNode(const std::string &node)
{
    if (!confirmDestructive(tr("Drain node %1? It is cordoned and its pods are evicted.")
                                .arg(QString::fromStdString(node))))
        return false;
    m_actions->drain(node);
    return true;
}

bool MainWindow::scale(const std::string &kind, const std::string &ns, const std::string &name,
                       int delta)
{
    int replicas = -1; // unknown to the model: the action finds out
    const std::string key = client::objectKey(ns, name);
    if (kind == "Deployment") {
        if (const auto d = m_model->get<k8s::io::api::apps::v1::Deployment>(
                model::ObjectKind::Deployment, key))
            replicas = d->spec().has_replicas() ? d->spec().replicas() : 1;
    } else if (kind == "ReplicaSet") {
        if (const auto rs = m_model->get<k8s::io::api::apps::v1::ReplicaSet>(
                model::ObjectKind::ReplicaSet, key))
            replicas = rs->spec().has_replicas() ? rs->spec().replicas() : 1;
    }
    if (delta < 0 && replicas > 0 && replicas + delta <= 0 &&
        !confirmDestructive(tr("Scale %1 %2 to zero? Every one of its pods is deleted.")
                                .arg(QString::fromStdString(kind), QString::fromStdString(name))))
        return false;
    m_actions->scale(kind, ns, name, delta);
    return true;
}

bool MainWindow::undoRollout(const std::string &ns, const std::string &deployment)
{
    if (!confirmDestructive(tr("Undo the last rollout of Deployment %1? Its pods are replaced "
                               "by the previous revision's.")
                                .arg(QString::fromStdString(deployment))))
        return false;
    m_actions->undoRollout(ns, deployment);
    return true;
}

bool MainWindow::restartRollout(const std::string &ns, const std::string &deployment)
{
    if (!confirmDestructive(tr("Restart Deployment %1? Every pod is replaced, one batch at a "
                               "time.")
                                .arg(QString::fromStdString(deployment))))
        return false;
    m_actions->restartRollout(ns, deployment);
    return true;
}

namespace {

QString wallTime(std::chrono::system_clock::time_point t)
{
    const qint64 ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss"));
}

} // namespace

void MainWindow::buildConnectionIndicator()
{
    if (m_options.insecureTls) {
        m_tlsWarning = new QLabel(tr("⚠ TLS verification is off"), this);
        m_tlsWarning->setObjectName(QStringLiteral("tlsWarning"));
        m_tlsWarning->setToolTip(
            tr("The kubeconfig sets insecure-skip-tls-verify: Kubist does not check that it talks "
               "to the real API server."));
        m_tlsWarning->setStyleSheet(
            QStringLiteral("QLabel { color: white; background: #d9730d; font-weight: bold; "
                           "padding: 1px 6px; border-radius: 3px; }"));
        statusBar()->addPermanentWidget(m_tlsWarning);
    }
    if (!m_options.connectionState)
        return;
    m_connectionLabel = new QLabel(this);
    m_connectionLabel->setObjectName(QStringLiteral("connectionIndicator"));
    statusBar()->insertPermanentWidget(0, m_connectionLabel);

    m_overlay = new QWidget(m_view);
    m_overlay->setObjectName(QStringLiteral("disconnectedOverlay"));
    m_overlay->setAttribute(Qt::WA_StyledBackground);
    m_overlay->setAttribute(Qt::WA_TransparentForMouseEvents);
    m_overlay->setStyleSheet(
        QStringLiteral("QWidget#disconnectedOverlay { background: rgba(110, 110, 110, 150); }"));
    auto *layout = new QVBoxLayout(m_overlay);
    m_overlayLabel = new QLabel(m_overlay);
    m_overlayLabel->setAlignment(Qt::AlignCenter);
    QFont f = m_overlayLabel->font();
    f.setPointSizeF(f.pointSizeF() * 1.6);
    f.setBold(true);
    m_overlayLabel->setFont(f);
    m_overlayLabel->setStyleSheet(
        QStringLiteral("QLabel { color: white; background: rgba(150, 30, 30, 200); "
                       "padding: 12px 20px; border-radius: 8px; }"));
    layout->addStretch(1);
    layout->addWidget(m_overlayLabel, 0, Qt::AlignCenter);
    layout->addStretch(1);
    m_overlay->hide();

    m_connectionTimer = new QTimer(this);
    connect(m_connectionTimer, &QTimer::timeout, this, &MainWindow::pollConnection);
    m_connectionTimer->start(500);
    pollConnection();
}

void MainWindow::pollConnection()
{
    if (!m_options.connectionState || !m_connectionLabel)
        return;
    const client::ConnectionState state = m_options.connectionState();
    const QString server = QString::fromStdString(m_options.apiServerUrl);
    const QString context = QString::fromStdString(m_options.contextName);
    QString text;
    QString colour;
    bool veil = false;
    switch (state.phase) {
    case client::ConnectionState::Phase::Connected:
        text = context.isEmpty() ? tr("● Connected (%1)").arg(server)
                                 : tr("● Connected — %1 (%2)").arg(context, server);
        colour = QStringLiteral("#1e8c3a");
        break;
    case client::ConnectionState::Phase::Connecting:
        text = tr("● Connecting to %1…").arg(server);
        colour = QStringLiteral("#c27c00");
        break;
    case client::ConnectionState::Phase::Disconnected: {
        const QString since = wallTime(state.since);
        const QString reason = QString::fromStdString(state.reason);
        text = reason.isEmpty()
                   ? tr("● Disconnected since %1; reconnecting").arg(since)
                   : tr("● Disconnected since %1 — %2; reconnecting").arg(since, reason);
        colour = QStringLiteral("#c0392b");
        veil = true;
        m_overlayLabel->setText(tr("Disconnected since %1 — reconnecting…").arg(since));
        break;
    }
    }
    if (m_connectionLabel->text() != text) {
        m_connectionLabel->setText(text);
        m_connectionLabel->setToolTip(text);
    }
    // A style sheet, not a palette: theme and presentation switches reset palettes.
    const QString style = QStringLiteral("QLabel { color: %1; font-weight: bold; }").arg(colour);
    if (m_connectionLabel->styleSheet() != style)
        m_connectionLabel->setStyleSheet(style);
    // Never squeezed: the endpoint line gives way first.
    m_connectionLabel->setMinimumWidth(m_connectionLabel->sizeHint().width());
    if (veil != !m_overlay->isHidden()) {
        m_overlay->setVisible(veil);
        if (veil) {
            placeOverlay();
            m_overlay->raise();
            if (m_banner && m_banner->isVisible())
                m_banner->raise();
        }
    }
}

void MainWindow::placeOverlay()
{
    if (m_overlay)
        m_overlay->setGeometry(m_view->rect());
}

QString MainWindow::connectionText() const
{
    return m_connectionLabel ? m_connectionLabel->text() : QString();
}

bool MainWindow::disconnectedOverlayVisible() const
{
    return m_overlay && !m_overlay->isHidden();
}

QString MainWindow::disconnectedOverlayText() const
{
    return disconnectedOverlayVisible() ? m_overlayLabel->text() : QString();
}

QString MainWindow::tlsWarningText() const
{
    return m_tlsWarning ? m_tlsWarning->text() : QString();
}

ConnectDialog *MainWindow::showConnectDialog()
{
    if (!m_options.listContexts)
        return nullptr;
    if (!m_connectDialog) {
        m_connectDialog = new ConnectDialog(
            m_options.listContexts, m_options.remote ? m_options.contextName : std::string(), this);
        connect(m_connectDialog, &ConnectDialog::embeddedChosen, this,
                &MainWindow::requestEmbedded);
        connect(m_connectDialog, &ConnectDialog::contextChosen, this, &MainWindow::requestConnect);
    } else {
        m_connectDialog->loadFiles({});
    }
    m_connectDialog->show();
    m_connectDialog->raise();
    m_connectDialog->activateWindow();
    return m_connectDialog;
}

void MainWindow::requestConnect(const QString &context, const QStringList &kubeconfigFiles)
{
    statusBar()->showMessage(tr("Connecting to %1…").arg(context));
    emit connectRequested(context, kubeconfigFiles);
}

void MainWindow::requestEmbedded()
{
    statusBar()->showMessage(tr("Starting the embedded demo cluster…"));
    emit embeddedRequested();
}

} // namespace kubist::widgets
