#include "widgets/mainwindow.h"

#include "widgets/clusterscene.h"
#include "widgets/clusterview.h"
#include "widgets/inspector.h"
#include "widgets/workloadpanel.h"

#include "model/activitytracker.h"
#include "model/clusteractions.h"
#include "model/clustermodel.h"
#include "model/eventlistmodel.h"
#include "model/placementverdicts.h"
#include "model/podfilter.h"
#include "model/podtablemodel.h"

#include "backend/client/client.h"
#include "backend/client/objectkey.h"
#include "backend/cluster/clustercontrol.h"
#include "backend/util/clock.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPixmap>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>

#include <set>
#include <utility>

namespace kubist::widgets {

using model::MasterComponent;
using model::Subject;

namespace {

std::optional<MasterComponent::Part> masterPartOf(Subject s)
{
    switch (s) {
    case Subject::Etcd:
        return MasterComponent::Part::Etcd;
    case Subject::ApiServer:
        return MasterComponent::Part::ApiServer;
    case Subject::ControllerManager:
        return MasterComponent::Part::ControllerManager;
    case Subject::Scheduler:
        return MasterComponent::Part::Scheduler;
    default:
        return std::nullopt;
    }
}

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

} // namespace

MainWindow::MainWindow(std::unique_ptr<client::Client> client, Options options, QWidget *parent)
    : QMainWindow(parent)
    , m_options(std::move(options))
    , m_client(std::move(client))
{
    setWindowTitle(tr("Kubist — Kubernetes in pictures"));
    const Clock &clock = m_options.clock ? *m_options.clock : SystemClock::instance();
    m_model = std::make_unique<model::ClusterModel>(*m_client, clock);
    m_actions = std::make_unique<model::ClusterActions>(*m_client, m_options.control);
    m_scene = std::make_unique<ClusterScene>(*m_model);
    if (m_options.control) {
        m_tracker =
            std::make_unique<model::ActivityTracker>(*m_options.control, m_options.identity);
        m_scene->setActivityTracker(m_tracker.get());
    }

    m_view = new ClusterView(m_scene.get(), this);
    setCentralWidget(m_view);

    m_inspector = new Inspector(*m_model, this);
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
    auto *eventView = new QTableView(tabs);
    eventView->setModel(m_events);
    eventView->horizontalHeader()->setStretchLastSection(true);
    eventView->verticalHeader()->hide();
    tabs->addTab(podView, tr("Pods"));
    tabs->addTab(eventView, tr("Events"));
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

    m_endpointLabel = new QLabel(this);
    m_endpointLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QString endpoint =
        QStringLiteral("API server: %1")
            .arg(m_options.apiServerUrl.empty() ? tr("(unknown)")
                                                : QString::fromStdString(m_options.apiServerUrl));
    if (!m_options.kubeconfigPath.empty())
        endpoint += QStringLiteral("     export KUBECONFIG=%1")
                        .arg(QString::fromStdString(m_options.kubeconfigPath));
    m_endpointLabel->setText(endpoint);
    statusBar()->addPermanentWidget(m_endpointLabel);

    connect(m_view, &ClusterView::picked, this, &MainWindow::inspect);
    connect(m_view, &ClusterView::contextMenuRequested, this, &MainWindow::showContextMenu);
    connect(m_actions.get(), &model::ClusterActions::finished, this, &MainWindow::actionFinished);
    connect(m_actions.get(), &model::ClusterActions::message, this,
            [this](const QString &text) { m_actionMessage = text; });
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
}

MainWindow::~MainWindow()
{
    // Stop the flow of deltas and pulses before the panels go; wait for
    // actions that still use the client.
    if (m_tracker)
        m_tracker->stop();
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
    m_actions->movePod(ns, name, node);
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
    m_actions->scale(target->first, ns, name, delta);
    return true;
}

bool MainWindow::deleteSelected()
{
    const ItemRef &ref = m_inspector->subject();
    if (!ref.valid || ref.subject != Subject::Pod)
        return false;
    const auto [ns, name] = client::splitObjectKey(ref.key);
    m_actions->deletePod(ns, name);
    return true;
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
    m_actions->drain(ref.key);
    return true;
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
                        [this, ns, name] { m_actions->deletePod(ns, name); });
        menu->addAction(tr("Evict pod %1").arg(QString::fromStdString(name)), this,
                        [this, ns, name] { m_actions->evictPod(ns, name); });
        if (auto target = scaleTarget(ref)) {
            menu->addSeparator();
            const auto [ons, oname] = client::splitObjectKey(target->second);
            const QString label = QStringLiteral("%1 %2").arg(QString::fromStdString(target->first),
                                                              QString::fromStdString(oname));
            menu->addAction(tr("Scale %1 up").arg(label), this, [this, t = *target, ons, oname] {
                m_actions->scale(t.first, ons, oname, 1);
            });
            menu->addAction(tr("Scale %1 down").arg(label), this, [this, t = *target, ons, oname] {
                m_actions->scale(t.first, ons, oname, -1);
            });
        }
    } else if (ref.subject == Subject::Deployment || ref.subject == Subject::ReplicaSet) {
        const std::string kind = ref.subject == Subject::Deployment ? "Deployment" : "ReplicaSet";
        menu->addAction(tr("Scale up (+)"), this,
                        [this, kind, ns, name] { m_actions->scale(kind, ns, name, 1); });
        menu->addAction(tr("Scale down (−)"), this,
                        [this, kind, ns, name] { m_actions->scale(kind, ns, name, -1); });
        if (ref.subject == Subject::Deployment) {
            menu->addSeparator();
            menu->addAction(tr("Change image…"), this, [this, ns, name] { changeImage(ns, name); });
            menu->addAction(tr("Undo rollout"), this,
                            [this, ns, name] { m_actions->undoRollout(ns, name); });
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
                        [this, node] { m_actions->drain(node); });
        if (m_options.control) {
            menu->addSeparator();
            menu->addAction(tr("Power off"), this, [this, node] {
                m_actions->setNodePower(node, false);
                m_scene->setNodePoweredOff(node, true);
            });
            menu->addAction(tr("Power on"), this, [this, node] {
                m_actions->setNodePower(node, true);
                m_scene->setNodePoweredOff(node, false);
            });
        }
    } else if (auto part = masterPartOf(ref.subject); part && m_options.control) {
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
    if (ok)
        statusBar()->showMessage(said.isEmpty() ? tr("Done: %1").arg(what) : said, 8000);
    else
        statusBar()->showMessage(tr("Failed: %1 — %2").arg(what, error), 15000);
}

} // namespace kubist::widgets
