#include "widgets/mainwindow.h"

#include "widgets/clusterscene.h"
#include "widgets/clusterview.h"
#include "widgets/inspector.h"

#include "model/activitytracker.h"
#include "model/clusteractions.h"
#include "model/clustermodel.h"
#include "model/eventlistmodel.h"
#include "model/podtablemodel.h"

#include "backend/client/client.h"
#include "backend/client/objectkey.h"
#include "backend/cluster/clustercontrol.h"
#include "backend/util/clock.h"

#include "core_v1.pb.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPixmap>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>

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
    podView->setModel(m_pods);
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
    } else if ((ref.subject == Subject::Node || ref.subject == Subject::ControlPlaneNode ||
                ref.subject == Subject::Kubelet) &&
               !ref.key.empty()) {
        const std::string node = ref.key;
        const auto obj = m_model->get<k8s::io::api::core::v1::Node>(model::ObjectKind::Node, node);
        const bool cordoned = obj && obj->spec().unschedulable();
        menu->addAction(cordoned ? tr("Uncordon") : tr("Cordon"), this,
                        [this, node, cordoned] { m_actions->setCordoned(node, !cordoned); });
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
    if (ok)
        statusBar()->showMessage(tr("Done: %1").arg(what), 5000);
    else
        statusBar()->showMessage(tr("Failed: %1 — %2").arg(what, error), 15000);
}

} // namespace kubist::widgets
