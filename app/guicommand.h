#pragma once

class QApplication;

// `kubist` (no command): the window over the embedded demo cluster.
// Parses the application's arguments (--data-dir, --ephemeral,
// --kubeconfig, --screenshot, --after-ms). Returns the process exit code.
int runGui(QApplication &app);
