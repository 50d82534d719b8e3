#pragma once

#include "widgets/sceneitem.h"

#include <QMainWindow>

#include <memory>
#include <string>

class QAction;
class QLabel;
class QMenu;

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
} // namespace model
} // namespace kubist

namespace kubist::widgets {

class ClusterScene;
class ClusterView;
class Inspector;

// MainWindow: Kubist's window — the live picture in the centre, a toolbar
// (zoom in / out / fit, light / dark), the inspector on the right, pods and
// events tables below, and a status line with the API server's URL and the
// line that points kubectl at this cluster. Context menus act through the
// Client (delete a pod, cordon / uncordon a node) or, on an embedded
// cluster, through ClusterControl (power a node off / on, stop / start a
// master part); actions run off the GUI thread and report in the status bar.
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
    // Shows `ref` in the inspector (what a click does).
    void inspect(const ItemRef &ref);

    model::ClusterModel &clusterModel() const { return *m_model; }
    model::ClusterActions &actions() const { return *m_actions; }
    ClusterScene &scene() const { return *m_scene; }
    ClusterView &view() const { return *m_view; }
    Inspector &inspector() const { return *m_inspector; }
    const Options &options() const { return m_options; }

private:
    void buildActions();
    void showContextMenu(const ItemRef &ref, const QPoint &globalPos);
    void actionFinished(const QString &what, bool ok, const QString &error);

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
};

} // namespace kubist::widgets
