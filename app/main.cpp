// kubist: the command line. See README "Usage" for the shapes it runs in.

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("kubist"));
    QCoreApplication::setApplicationVersion(QStringLiteral(KUBIST_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Kubist: Kubernetes in pictures, made live."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.process(app);

    std::fprintf(stderr,
                 "kubist %s: the embedded cluster and its pictures are not built yet; "
                 "see README \"Status\".\n",
                 KUBIST_VERSION);
    return 2;
}
