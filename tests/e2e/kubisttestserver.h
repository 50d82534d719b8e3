#pragma once

// Starts `kubist serve` on a free loopback port with a throwaway data
// directory and HOME, for end-to-end tests with real clients.

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

struct CommandResult
{
    int exitCode = -1;
    QString out;
    QString err;
};

class KubistTestServer
{
public:
    ~KubistTestServer() { stop(); }

    // Starts the server; false (with a warning) when it did not come up.
    bool start(const QStringList &extraArgs = {})
    {
        m_kubeconfig = m_dir.path() + QStringLiteral("/admin.kubeconfig");
        m_viewerKubeconfig = m_dir.path() + QStringLiteral("/viewer.kubeconfig");
        QDir().mkpath(home());
        QFile::remove(m_kubeconfig);
        QFile::remove(m_viewerKubeconfig);
        m_output.clear();
        m_process.setProgram(QStringLiteral(KUBIST_BIN));
        m_process.setArguments(
            QStringList{QStringLiteral("serve"), QStringLiteral("--data-dir"), dataDir(),
                        QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                        QStringLiteral("--kubeconfig-out"), m_kubeconfig,
                        QStringLiteral("--viewer-kubeconfig-out"), m_viewerKubeconfig} +
            extraArgs);
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start();
        if (!m_process.waitForStarted(10000))
            return false;
        for (int i = 0; i < 200; ++i) {
            m_process.waitForReadyRead(100);
            m_output += QString::fromUtf8(m_process.readAllStandardOutput());
            if (m_output.contains(QStringLiteral("API server on")) && QFile::exists(m_kubeconfig))
                return true;
            if (m_process.state() != QProcess::Running)
                break;
        }
        qWarning("kubist serve did not start: %s", qPrintable(m_output));
        return false;
    }

    // SIGTERM, then wait; returns the exit code.
    int stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return m_process.exitCode();
        m_process.terminate();
        if (!m_process.waitForFinished(20000)) {
            m_process.kill();
            m_process.waitForFinished();
        }
        m_output += QString::fromUtf8(m_process.readAllStandardOutput());
        return m_process.exitCode();
    }

    CommandResult kubectl(const QStringList &args, const QByteArray &input = {},
                          bool viewer = false, int timeoutMs = 60000)
    {
        return run(QStringLiteral("kubectl"), args, input, viewer, timeoutMs);
    }

    CommandResult run(const QString &program, const QStringList &args, const QByteArray &input = {},
                      bool viewer = false, int timeoutMs = 60000)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), home());
        env.insert(QStringLiteral("KUBECONFIG"), viewer ? m_viewerKubeconfig : m_kubeconfig);
        p.setProcessEnvironment(env);
        p.start(program, args);
        CommandResult r;
        if (!p.waitForStarted(10000)) {
            r.err = QStringLiteral("cannot start ") + program;
            return r;
        }
        if (!input.isEmpty())
            p.write(input);
        p.closeWriteChannel();
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished();
        }
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = QString::fromUtf8(p.readAllStandardOutput());
        r.err = QString::fromUtf8(p.readAllStandardError());
        return r;
    }

    // `kubectl <args> -o json`, parsed (an empty object on failure).
    QJsonObject kubectlJson(const QStringList &args)
    {
        const CommandResult r = kubectl(args + QStringList{"-o", "json"});
        return QJsonDocument::fromJson(r.out.toUtf8()).object();
    }

    QString dataDir() const { return m_dir.path() + QStringLiteral("/data"); }
    QString home() const { return m_dir.path() + QStringLiteral("/home"); }
    QString kubeconfig() const { return m_kubeconfig; }
    QString viewerKubeconfig() const { return m_viewerKubeconfig; }
    QString output() const { return m_output; }
    QProcess &process() { return m_process; }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    QString m_kubeconfig;
    QString m_viewerKubeconfig;
    QString m_output;
};

inline QString describeFailure(const CommandResult &r)
{
    return QStringLiteral("exit %1\nstdout: %2\nstderr: %3").arg(r.exitCode).arg(r.out, r.err);
}

#define KUBECTL_OK(result) QVERIFY2((result).exitCode == 0, qPrintable(describeFailure(result)))

// Polls (real time, bounded) until `done` holds.
template<class F> bool eventually(F done, int timeoutMs = 60000)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        if (done())
            return true;
        QThread::msleep(250);
    }
    return done();
}
