#pragma once

#include <QStringList>

// `kubist serve`: the embedded control plane, headless, until SIGTERM or
// SIGINT. Returns the process exit code.
int runServe(const QStringList &arguments);
