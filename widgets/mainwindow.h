#pragma once

#include "widgets/connectdialog.h"
#include "widgets/sceneitem.h"

#include "model/recoverytimer.h"

#include "backend/client/connectionstate.h"
#include "backend/util/status.h"

#include <QFont>
#include <QMainWindow>

#include <functional>
#include <memory>
#include <optional>
#include <string>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QSortFilterProxyModel;
class QTimer;
class QToolButton;

namespace kubist {
class Clock;
class SimClock;
namespace client {
class Client;
}
namespace cluster {
class ClusterControl;
}
namespace model {
class ActivityTracker;
class ApiHealth;
class WatchActivity;
class ClusterActions;
class ClusterModel;
class ControlPoller;
class EventListModel;
class FaultListModel;
class PodTableModel;
struct PodFilter;
} // namespace model
} // namespace kubist

namespace kubist::widgets {

class ApplyYamlDialog;
class ClusterScene;
class ClusterView;
class FaultsPanel;
class Inspector;
class PaceBar;
class RecoveryBanner;
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
// image…" (a rolling update), "Restart rollout" (kubectl rollout restart)
// and "Undo rollout". Dragging a pod chip shows
// on every node whether the scheduler would accept it there; a drop on an
// accepting node moves it (dropPod). File → Export writes the picture as
// PNG or SVG.
//
// On an embedded cluster (Options::control) the window also offers the
// presenter's tools: fault injection in the context menus (node: power,
// partition, container runtime, kube-proxy, remove; pod: crash once or
// crash-loop for 60 s; Service: traffic rate; master parts: stop / start)
// and an "Add node" button; a Faults panel (ClusterControl::faults(), with
// Heal buttons); node boxes and Service boxes showing what ClusterControl
// reports (nodeHealth, traffic), polled about twice a second off the GUI
// thread (model::ControlPoller); and the recovery timer, whose banner over
// the picture says how long the cluster took to become whole again after a
// fault. With Options::pace, a pace bar (pause / step / speed). Every
// action reports in the status bar, and the "kubectl" button there shows
// what kubectl would have done. F5 toggles presentation mode (full screen,
// larger fonts, high contrast; Esc leaves); Ctrl+Shift+A applies YAML;
// the Events tab filters by type and text; File → Reset demo cluster…
// (Options::canReset) asks the app to start over (resetRequested).
//
// Attached to a real cluster (Options::remote): no presenter's tools; a
// connection indicator in the status bar (Options::connectionState, polled
// every 500 ms on the GUI thread: "● Connected — <context> (<server>)",
// "● Connecting to <server>…", "● Disconnected since 10:32:05 — <reason>;
// reconnecting", green / amber / red) and, while disconnected, a grey veil
// over the picture saying since when (the informers reconnect by
// themselves; the veil lifts when the indicator says Connected); a
// permanent orange "TLS verification is off" with Options::insecureTls.
// Destructive actions (delete, evict, drain, scale to zero, rollout undo /
// restart, a pod drop) ask first (Options::confirm); a dropped pod is
// evicted (ClusterActions::movePodRemote: a real scheduler ignores Kubist's
// placement intents). A refused action's status line says "Forbidden:"
// with the verb and resource RBAC refused.
//
// File → Connect to cluster… (with Options::listContexts) opens the
// ConnectDialog; a choice emits connectRequested() or embeddedRequested(),
// and the app rebuilds the window on the chosen cluster.
//
// The window owns the client and everything it builds on it (model,
// actions, activity tracker); it starts reading the cluster at once.
// Options::control, Options::clock and Options::pace must outlive the
// window; Options::connectionState is called on the GUI thread until the
// window's destructor starts.
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
        // The cluster's pace (the GUI's SimClock); nullptr: no pace bar.
        SimClock *pace = nullptr;
        // Offer File → Reset demo cluster… (an embedded cluster the app
        // can wipe and recreate); `profile` is the current timing profile.
        bool canReset = false;
        std::string profile = "demo";

        // Attached to a real cluster (RemoteClient): confirmations, evicting
        // drops, the connection indicator.
        bool remote = false;
        // The kubeconfig context attached to ("" on the embedded cluster).
        std::string contextName;
        // How the client's link stands (cheap, non-blocking); null: no
        // indicator (the embedded cluster).
        std::function<client::ConnectionState()> connectionState;
        // insecure-skip-tls-verify: a permanent warning in the status bar.
        bool insecureTls = false;
        // Asks the user a yes / no question before a destructive action on
        // a remote cluster; null: a QMessageBox::question. Tests answer here.
        std::function<bool(const QString &question)> confirm;
        // Lists kubeconfig contexts for File → Connect to cluster…; null:
        // no such menu entry.
        ContextLister listContexts;
        // GET of a path on the API server (RemoteClient::getPath): with it
        // (and no control) the master box's inspector shows /livez and
        // /readyz, polled every 5 s off the GUI thread (model::ApiHealth).
        std::function<Result<std::string>(const std::string &path)> fetchPath;
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
    // (ClusterActions::movePod; on a remote cluster, once confirmed,
    // ClusterActions::movePodRemote) and true is returned. Clears the outlines.
    bool dropPod(const std::string &podKey, const std::string &node);

    // The keyboard's operator actions on the inspector's subject (what the
    // shortcuts trigger); false when they do not apply to it.
    bool scaleSelected(int delta);
    bool deleteSelected();
    bool cordonSelected();
    bool drainSelected();

    // The operator's actions with the window's checks: on a remote cluster,
    // destructive ones ask first (Options::confirm) and do nothing on "no";
    // false when not confirmed. These are what the menus and keys call.
    bool deletePod(const std::string &ns, const std::string &name);
    bool evictPod(const std::string &ns, const std::string &name);
    bool drainNode(const std::string &node);
    // Scaling to zero asks; other steps do not.
    bool scale(const std::string &kind, const std::string &ns, const std::string &name, int delta);
    bool undoRollout(const std::string &ns, const std::string &deployment);
    bool restartRollout(const std::string &ns, const std::string &deployment);

    // The connection indicator (Options::connectionState): polls it now
    // (the 500 ms timer calls this too).
    void pollConnection();
    // The indicator's text ("" without Options::connectionState).
    QString connectionText() const;
    // Whether the grey "Disconnected" veil is over the picture.
    bool disconnectedOverlayVisible() const;
    QString disconnectedOverlayText() const;
    // The permanent "TLS verification is off" warning ("" when verifying).
    QString tlsWarningText() const;
    // File → Connect to cluster…: the dialog (modeless here; shown, not
    // exec'd), or nullptr without Options::listContexts.
    ConnectDialog *showConnectDialog();
    // Ask the app to attach to `context` of `kubeconfigFiles` / to the
    // embedded cluster (what the dialog's choice does).
    void requestConnect(const QString &context, const QStringList &kubeconfigFiles);
    void requestEmbedded();
    // Shows `ref` in the inspector (what a click does).
    void inspect(const ItemRef &ref);

    // Presentation mode: full screen, larger fonts, the high-contrast theme.
    void setPresentationMode(bool on);
    bool presentationMode() const { return m_presenting; }
    // The Apply YAML dialog (made on first use, then kept), shown.
    ApplyYamlDialog *showApplyYaml();
    // The Events tab's filter: type "" (all), "Normal" or "Warning"; text
    // matched against reason, object and message (case-insensitive).
    void setEventFilter(const QString &type, const QString &text);
    int visibleEventRows() const;
    // The last action's kubectl equivalent ("" before any).
    const QString &lastKubectl() const { return m_lastKubectl; }
    // Asks the app to wipe the embedded cluster and start a fresh one with
    // `profile` ("demo" or "realistic"); no confirmation here.
    void requestReset(const QString &profile);
    // Feeds the recovery timer and the pictures from the poller's latest
    // snapshot (what each poll does; tests call it after a poll).
    void applyControlSnapshot();

    model::ClusterModel &clusterModel() const { return *m_model; }
    model::ClusterActions &actions() const { return *m_actions; }
    ClusterScene &scene() const { return *m_scene; }
    ClusterView &view() const { return *m_view; }
    Inspector &inspector() const { return *m_inspector; }
    WorkloadPanel &workloads() const { return *m_workloads; }
    QLineEdit &searchBox() const { return *m_search; }
    const Options &options() const { return m_options; }
    // Embedded clusters only (nullptr otherwise).
    PaceBar *paceBar() const { return m_paceBar; }
    model::ControlPoller *controlPoller() const { return m_poller.get(); }
    model::FaultListModel *faultList() const { return m_faultList; }
    FaultsPanel *faultsPanel() const { return m_faultsPanel; }
    const model::RecoveryTimer &recoveryTimer() const { return m_recovery; }
    RecoveryBanner &recoveryBanner() const { return *m_banner; }

signals:
    // File → Reset demo cluster… confirmed: the app should close this
    // window, wipe the embedded cluster and start one with `profile`.
    void resetRequested(const QString &profile);
    // File → Connect to cluster…: attach to `context` of the merged
    // `kubeconfigFiles` instead (the app builds a new window and client).
    void connectRequested(const QString &context, const QStringList &kubeconfigFiles);
    // File → Connect to cluster… → Embedded demo cluster.
    void embeddedRequested();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void buildActions();
    void showContextMenu(const ItemRef &ref, const QPoint &globalPos);
    void actionFinished(const QString &what, bool ok, const QString &error);
    void applyFilterWidgets();
    void refreshNamespaces();
    void changeImage(const std::string &ns, const std::string &deployment);
    void askTrafficRate(const std::string &ns, const std::string &service);
    void confirmReset();
    // Remote clusters: asks `question` (Options::confirm or a message box);
    // true at once on the embedded cluster.
    bool confirmDestructive(const QString &question);
    void buildConnectionIndicator();
    void placeOverlay();
    void showKubectl();
    void buildControlTools();
    void observeRecovery();
    void refreshBanner();
    const Clock &clusterClock() const;
    // The poller's node health for `node` (all well when unknown).
    cluster::ClusterControl *control() const { return m_options.control; }
    // The Deployment or ReplicaSet a scale key acts on for `ref` (a pod: its owner).
    std::optional<std::pair<std::string, std::string>> scaleTarget(const ItemRef &ref) const;

    const Options m_options;
    // Destroyed in reverse: the scene and panels first, the client last.
    std::unique_ptr<client::Client> m_client;
    std::unique_ptr<model::ClusterModel> m_model;
    std::unique_ptr<model::ClusterActions> m_actions;
    std::unique_ptr<model::ActivityTracker> m_tracker;
    // Without ClusterControl (a remote cluster): pulses inferred from what
    // the watches show, and the API server's health.
    std::unique_ptr<model::WatchActivity> m_watchActivity;
    std::unique_ptr<model::ApiHealth> m_health;
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

    // Presenter's tools (control / pace only).
    PaceBar *m_paceBar = nullptr; // child widget
    std::unique_ptr<model::ControlPoller> m_poller;
    model::FaultListModel *m_faultList = nullptr; // child QObject
    FaultsPanel *m_faultsPanel = nullptr;         // child widget
    model::RecoveryTimer m_recovery;
    RecoveryBanner *m_banner = nullptr;            // child of the view
    ApplyYamlDialog *m_applyDialog = nullptr;      // child widget, made on first use
    QSortFilterProxyModel *m_eventProxy = nullptr; // child QObject
    QComboBox *m_eventType = nullptr;
    QLineEdit *m_eventText = nullptr;
    QToolButton *m_kubectlButton = nullptr;
    QString m_lastKubectl;
    QAction *m_presentAction = nullptr;
    // Remote clusters' connection indicator (with Options::connectionState).
    QLabel *m_connectionLabel = nullptr;
    QLabel *m_tlsWarning = nullptr;
    QWidget *m_overlay = nullptr; // child of the view: the "Disconnected" veil
    QLabel *m_overlayLabel = nullptr;
    QTimer *m_connectionTimer = nullptr;
    ConnectDialog *m_connectDialog = nullptr; // child widget, made on use
    bool m_presenting = false;
    bool m_wasDark = false;
    QFont m_normalFont;
};

} // namespace kubist::widgets
