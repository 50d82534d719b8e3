// kubist: the command line. See README "Usage" for the shapes it runs in.

#include "guicommand.h"
#include "servecommand.h"

#include <QApplication>
#include <QCoreApplication>

#include <cstring>

int main(int argc, char *argv[])
{
    // `serve` is headless: no display needed, so no QApplication.
    if (argc > 1 && std::strcmp(argv[1], "serve") == 0) {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("kubist"));
        QCoreApplication::setApplicationVersion(QStringLiteral(KUBIST_VERSION));
        return runServe(QCoreApplication::arguments());
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("kubist"));
    QApplication::setApplicationDisplayName(QStringLiteral("Kubist"));
    QApplication::setApplicationVersion(QStringLiteral(KUBIST_VERSION));
    return runGui(app);
}
