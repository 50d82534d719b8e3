// kubist: the command line. See README "Usage" for the shapes it runs in.

#include "guicommand.h"
#include "servecommand.h"

#include <QApplication>
#include <QCoreApplication>
#include <QIcon>

#include <cstring>

namespace {

// `kubist --version` or `kubist --help` alone only prints: it must work
// without a display too (an SSH session, a package's smoke test), so the
// window system is not asked for one.
bool onlyPrints(int argc, char *argv[])
{
    if (argc != 2)
        return false;
    for (const char *option : {"-v", "--version", "-h", "--help", "--help-all"})
        if (std::strcmp(argv[1], option) == 0)
            return true;
    return false;
}

} // namespace

int main(int argc, char *argv[])
{
    // `serve` is headless: no display needed, so no QApplication.
    if (argc > 1 && std::strcmp(argv[1], "serve") == 0) {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("kubist"));
        QCoreApplication::setApplicationVersion(QStringLiteral(KUBIST_VERSION));
        return runServe(QCoreApplication::arguments());
    }
    if (onlyPrints(argc, argv) && !qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("kubist"));
    QApplication::setApplicationDisplayName(QStringLiteral("Kubist"));
    QApplication::setApplicationVersion(QStringLiteral(KUBIST_VERSION));
    // The installed desktop entry and icon (packaging/): Wayland compositors
    // match the window to io.kubist.Kubist.desktop; elsewhere the themed icon
    // (an empty icon when Kubist is not installed) is the window's.
    QGuiApplication::setDesktopFileName(QStringLiteral("io.kubist.Kubist"));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("io.kubist.Kubist")));
    return runGui(app);
}
