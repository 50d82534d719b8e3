#pragma once

#include "widgets/sceneitem.h"

#include <QMainWindow>

#include <memory>
#include <optional>
#include <string>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QSortFilterProxyModel;

namespace kubist {
class Clock;
namespace client {
class Client;
}
namespace cluster {
class ClusterControl;
}
namespace model {
class ActivityTracker;
class ClusterActions;
class ClusterModel;
class EventListModel;
class PodTableModel;
struct PodFilter;
} // namespace model
} // namespace kubist

namespace kubist::widgets {

class ClusterScene;
class ClusterView;
class Inspector;
class WorkloadPanel;

// MainWindow: Kubist's window — the live picture in the centre, a toolbar
// (zoom in / out / fit, light / dark), the inspector on the right, pods and
// events tables below, and a status line with the API server's URL and the
// line that points kubectl at this cluster. Context menus act through the
// Client (delete a pod, cordon / uncordon a node) or, on an embedded
// cluster, through ClusterControl (power a node off / on, stop / start a
// master part); actions run off the GUI thread and report in the status bar.
//
// Operator actions (context menus on the picture and the workloads column,
// and keys acting on what the inspector shows): Del delete pod, + / -
// scale the Deployment / ReplicaSet (a pod's owner for a pod), C cordon /
// uncordon, D drain, F fit, Ctrl+F search; Deployments also offer "Change
// image…" (a rolling update) and "Undo rollout". Dragging a pod chip shows
// on every node whether the scheduler would accept it there; a drop on an
// accepting node moves it (dropPod). File → Export writes the picture as
// PNG or SVG.
//
// The window owns the client and everything it builds on it (model,
// actions, activity tracker); it starts reading the cluster at once.
// Options::control and Options::clock must outlive the window.
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    struct Options
    {
        std::string apiServerUrl;
        std::string kubeconfigPath;
        // Embedded clusters only: fault injection and the activity stream.
        cluster::ClusterControl *control = nullptr;
        // The clock the model's informers retry on; nullptr: the system clock.
        const Clock *clock = nullptr;
        // The identity the client acts as (its own requests are not pulsed).
        std::string identity = "kubist-gui";
    };

    MainWindow(std::unique_ptr<client::Client> client, Options options, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Renders the window (QWidget::grab) into an image file (format from the
    // suffix); false when it cannot be written.
    bool saveScreenshot(const QString &file);

    // The actions offered for `ref` (what a right-click shows); nullptr when
    // there are none. Triggering one starts it off the GUI thread.
    std::unique_ptr<QMenu> contextMenu(const ItemRef &ref);

    void setDarkTheme(bool dark);

    // The search box and namespace selector: dims non-matching chips and
    // filters the pods table.
    void setFilter(const model::PodFilter &filter);
    int visiblePodRows() const;
    // File → Export: PNG or SVG by suffix (ClusterScene::exportPicture).
    bool exportPicture(const QString &file);

    // Pod drag: outlines every node with the scheduler's verdict for the pod.
    void beginPodDrag(const std::string &podKey);
    // Pod drop on `node`: when the scheduler refuses the pod there, nothing
    // happens and the status bar says why (false); else the pod is moved
    // (ClusterActions::movePod) and true is returned. Clears the outlines.
    bool dropPod(const std::string &podKey, const std::string &node);

    // The keyboard's operator actions on the inspector's subject (what the
    // shortcuts trigger); false when they do not apply to it.
    bool scaleSelected(int delta);
    bool deleteSelected();
    bool cordonSelected();
    bool drainSelected();
    // Shows `ref` in the inspector (what a click does).
    void inspect(const ItemRef &ref);

    model::ClusterModel &clusterModel() const { return *m_model; }
    model::ClusterActions &actions() const { return *m_actions; }
    ClusterScene &scene() const { return *m_scene; }
    ClusterView &view() const { return *m_view; }
    Inspector &inspector() const { return *m_inspector; }
    WorkloadPanel &workloads() const { return *m_workloads; }
    QLineEdit &searchBox() const { return *m_search; }
    const Options &options() const { return m_options; }

private:
    void buildActions();
    void showContextMenu(const ItemRef &ref, const QPoint &globalPos);
    void actionFinished(const QString &what, bool ok, const QString &error);
    void applyFilterWidgets();
    void refreshNamespaces();
    void changeImage(const std::string &ns, const std::string &deployment);
    // The Deployment or ReplicaSet a scale key acts on for `ref` (a pod: its owner).
    std::optional<std::pair<std::string, std::string>> scaleTarget(const ItemRef &ref) const;

    const Options m_options;
    // Destroyed in reverse: the scene and panels first, the client last.
    std::unique_ptr<client::Client> m_client;
    std::unique_ptr<model::ClusterModel> m_model;
    std::unique_ptr<model::ClusterActions> m_actions;
    std::unique_ptr<model::ActivityTracker> m_tracker;
    std::unique_ptr<ClusterScene> m_scene;
    ClusterView *m_view = nullptr;             // child widget
    Inspector *m_inspector = nullptr;          // child widget
    model::PodTableModel *m_pods = nullptr;    // child QObject
    model::EventListModel *m_events = nullptr; // child QObject
    QLabel *m_endpointLabel = nullptr;
    QAction *m_darkAction = nullptr;
    WorkloadPanel *m_workloads = nullptr;        // child widget
    QLineEdit *m_search = nullptr;               // child widget
    QComboBox *m_namespaces = nullptr;           // child widget
    QSortFilterProxyModel *m_podProxy = nullptr; // child QObject
    std::shared_ptr<model::PodFilter> m_filter;  // shared with the proxy
    QString m_actionMessage; // ClusterActions::message, shown when its action finishes
};

} // namespace kubist::widgets
