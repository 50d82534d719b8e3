#pragma once

#include "backend/util/status.h"

#include <QDialog>
#include <QStringList>

#include <functional>
#include <string>
#include <vector>

class QLabel;
class QListWidget;
class QListWidgetItem;
class QPushButton;

namespace kubist::widgets {

// What a kubeconfig offers: the files read (merged in this order), their
// contexts in the order the files list them, and current-context.
struct KubeconfigContexts
{
    std::vector<std::string> files;
    std::vector<std::string> contexts;
    std::string currentContext;
};

// Reads kubeconfig files and lists their contexts. `files` empty: the files
// kubectl would read ($KUBECONFIG, several merged, else ~/.kube/config).
// Must not contact any server. The app provides it (widgets do not parse
// kubeconfigs themselves; see app/guicommand.cpp).
using ContextLister =
    std::function<Result<KubeconfigContexts>(const std::vector<std::string> &files)>;

// ConnectDialog: File → Connect to cluster… — a list whose first entry is
// "Embedded demo cluster", followed by the contexts of the merged default
// kubeconfig files (or of a file the user picks with "Open kubeconfig…").
// The entry the window is attached to now is marked "(connected)", the
// kubeconfig's current-context "(current-context)". Choosing an entry
// (Connect, a double click, or choose()) emits embeddedChosen() or
// contextChosen() once and accepts the dialog; it never connects itself.
// A kubeconfig that cannot be read leaves the embedded entry and says why.
class ConnectDialog final : public QDialog
{
    Q_OBJECT

public:
    // `connectedContext`: the context the window is attached to, "" for
    // the embedded cluster. `lister` must not be null.
    ConnectDialog(ContextLister lister, std::string connectedContext, QWidget *parent = nullptr);

    // Lists the contexts of `files` (empty: the default files).
    void loadFiles(const std::vector<std::string> &files);

    // The entries' texts, in order (the embedded entry first).
    QStringList entries() const;
    // The context names listed (without the embedded entry), in order.
    QStringList contextNames() const;
    // The kubeconfig files the contexts came from.
    QStringList files() const { return m_files; }
    // Why no contexts could be listed ("" when they could).
    QString errorText() const;
    // The highlighted row (the connected entry when the dialog opens).
    int currentRow() const;

    // Chooses entry `row` (0: the embedded cluster): emits, then accepts.
    // False for a row that does not exist.
    bool choose(int row);

signals:
    void embeddedChosen();
    // `kubeconfigFiles`: the files `context` was listed from, in merge order.
    void contextChosen(const QString &context, const QStringList &kubeconfigFiles);

private:
    void openFile();
    void chooseCurrent();

    const ContextLister m_lister;
    const std::string m_connected;
    QStringList m_files;
    QLabel *m_source = nullptr;
    QLabel *m_error = nullptr;
    QListWidget *m_list = nullptr;
    QPushButton *m_connect = nullptr;
};

} // namespace kubist::widgets
