// kubist: the command line. See README "Usage" for the shapes it runs in.

#include "servecommand.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("kubist"));
    QCoreApplication::setApplicationVersion(QStringLiteral(KUBIST_VERSION));

    const QStringList args = QCoreApplication::arguments();
    if (args.size() > 1 && args.at(1) == QLatin1String("serve"))
        return runServe(args);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Kubist: Kubernetes in pictures, made live.\n\n"
                       "  kubist serve [--data-dir DIR] [--listen ADDR:PORT] [--nodes N]\n"
                       "               [--profile demo|realistic] [--kubeconfig-out FILE]\n"
                       "               [--viewer-kubeconfig-out FILE] [--insecure-http]\n"
                       "      the embedded cluster, headless (see kubist serve --help)"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.process(app);

    std::fprintf(stderr,
                 "kubist %s: the pictures are not built yet; run `kubist serve` for the "
                 "headless control plane (README \"Status\").\n",
                 KUBIST_VERSION);
    return 2;
}
