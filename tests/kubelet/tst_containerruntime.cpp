// ContainerRuntime: image names, pull timing and failures, the container
// lifecycle on a FakeClock, crashes, stops with a grace period, the
// bounded per-container log, the runtime going down and coming back, and
// containers that crash right after they start.

#include "backend/kubelet/containerruntime.h"

#include <QTest>

using namespace kubist;
using namespace kubist::kubelet;
using namespace std::chrono_literals;

namespace {

ContainerRuntime::ContainerConfig config(const std::string &name, const std::string &image,
                                         std::vector<std::string> command = {})
{
    ContainerRuntime::ContainerConfig c;
    c.podUid = "uid-1";
    c.podNamespace = "default";
    c.podName = "web";
    c.name = name;
    c.image = image;
    c.command = std::move(command);
    return c;
}

} // namespace

class TestContainerRuntime : public QObject
{
    Q_OBJECT

private slots:
    void normalizeImage_data()
    {
        QTest::addColumn<QString>("image");
        QTest::addColumn<QString>("normalized");
        QTest::newRow("official image with tag") << "nginx:1.27"
                                                 << "docker.io/library/nginx:1.27";
        QTest::newRow("official image without tag") << "nginx"
                                                    << "docker.io/library/nginx:latest";
        QTest::newRow("user image") << "bitnami/redis:7"
                                    << "docker.io/bitnami/redis:7";
        QTest::newRow("other registry") << "registry.k8s.io/etcd:3.5.16-0"
                                        << "registry.k8s.io/etcd:3.5.16-0";
        QTest::newRow("registry with port, no tag") << "localhost:5000/app"
                                                    << "localhost:5000/app:latest";
    }
    void normalizeImage()
    {
        QFETCH(QString, image);
        QFETCH(QString, normalized);
        QCOMPARE(QString::fromStdString(ContainerRuntime::normalizeImage(image.toStdString())),
                 normalized);
    }

    void exitCodeOf_data()
    {
        QTest::addColumn<QStringList>("command");
        QTest::addColumn<int>("exitCode"); // -1: runs on
        QTest::newRow("sh exit 1") << QStringList{"sh", "-c", "exit 1"} << 1;
        QTest::newRow("bin sh exit 0") << QStringList{"/bin/sh", "-c", "exit 0"} << 0;
        QTest::newRow("sh exit 42") << QStringList{"sh", "-c", "exit 42"} << 42;
        QTest::newRow("a server") << QStringList{"nginx", "-g", "daemon off;"} << -1;
        QTest::newRow("no command") << QStringList{} << -1;
        QTest::newRow("exit with words") << QStringList{"sh", "-c", "exit now"} << -1;
        QTest::newRow("longer script") << QStringList{"sh", "-c", "sleep 1; exit 1"} << -1;
    }
    void exitCodeOf()
    {
        QFETCH(QStringList, command);
        QFETCH(int, exitCode);
        std::vector<std::string> cmd;
        for (const QString &s : command)
            cmd.push_back(s.toStdString());
        std::optional<int32_t> code = ContainerRuntime::exitCodeOf(cmd);
        QCOMPARE(code ? *code : -1, exitCode);
    }

    void pullTakesThePullTime_data()
    {
        QTest::addColumn<QString>("image");
        QTest::addColumn<bool>("fails");
        QTest::newRow("a good image") << "nginx:1.27" << false;
        QTest::newRow("a tag that does not exist") << "nginx:doesnotexist" << true;
        QTest::newRow("an invalid repository") << "invalid/thing:1" << true;
    }
    void pullTakesThePullTime()
    {
        QFETCH(QString, image);
        QFETCH(bool, fails);
        FakeClock clock;
        ContainerRuntime rt(clock, "node-1");
        const std::string name = image.toStdString();
        QCOMPARE(rt.imageStatus(name).state, ContainerRuntime::ImageState::Absent);
        ContainerRuntime::ImagePull pull = rt.pullImage(name);
        QCOMPARE(pull.state, ContainerRuntime::ImageState::Pulling);
        QCOMPARE(pull.doneAt - clock.now(), Clock::Duration(2s));
        clock.advance(1999ms);
        QCOMPARE(rt.imageStatus(name).state, ContainerRuntime::ImageState::Pulling);
        clock.advance(1ms);
        pull = rt.imageStatus(name);
        QCOMPARE(pull.state, fails ? ContainerRuntime::ImageState::Failed
                                   : ContainerRuntime::ImageState::Present);
        QCOMPARE(pull.error.empty(), !fails);
        QCOMPARE(rt.images().size(), fails ? size_t(0) : size_t(1));
        // Present stays present; a failed pull is tried again.
        pull = rt.pullImage(name);
        QCOMPARE(pull.state, fails ? ContainerRuntime::ImageState::Pulling
                                   : ContainerRuntime::ImageState::Present);
    }

    void containerLifecycle_data()
    {
        QTest::addColumn<QStringList>("command");
        QTest::addColumn<bool>("exitsAtOnce");
        QTest::addColumn<int>("exitCode");
        QTest::newRow("a server keeps running") << QStringList{} << false << 0;
        QTest::newRow("exit 3 ends at start") << QStringList{"sh", "-c", "exit 3"} << true << 3;
    }
    void containerLifecycle()
    {
        QFETCH(QStringList, command);
        QFETCH(bool, exitsAtOnce);
        QFETCH(int, exitCode);
        FakeClock clock;
        ContainerRuntime rt(clock, "node-1");
        std::vector<std::string> cmd;
        for (const QString &s : command)
            cmd.push_back(s.toStdString());
        QVERIFY(!rt.createContainer(config("web", "nginx:1.27", cmd))); // image absent
        rt.preloadImage("nginx:1.27");
        Result<std::string> id = rt.createContainer(config("web", "nginx:1.27", cmd));
        QVERIFY(id);
        QVERIFY(id->starts_with("containerd://"));
        QCOMPARE(id->size(), size_t(13 + 64));
        QVERIFY(rt.startContainer(*id));
        QCOMPARE(rt.container(*id)->state, ContainerRuntime::State::Created);
        const Clock::Time started = clock.now() + 500ms;
        clock.advance(500ms);
        ContainerRuntime::ContainerInfo info = *rt.container(*id);
        QCOMPARE(info.startedAt, started);
        QCOMPARE(info.image, std::string("docker.io/library/nginx:1.27"));
        QVERIFY(info.imageId.starts_with("docker.io/library/nginx@sha256:"));
        if (exitsAtOnce) {
            QCOMPARE(info.state, ContainerRuntime::State::Exited);
            QCOMPARE(info.exitCode, exitCode);
            QCOMPARE(info.reason, std::string(exitCode == 0 ? "Completed" : "Error"));
            return;
        }
        QCOMPARE(info.state, ContainerRuntime::State::Running);
        QVERIFY(rt.stopContainer(*id, 30s));
        clock.advance(29s);
        QCOMPARE(rt.container(*id)->state, ContainerRuntime::State::Running);
        QVERIFY(rt.container(*id)->stopping);
        clock.advance(1s);
        info = *rt.container(*id);
        QCOMPARE(info.state, ContainerRuntime::State::Exited);
        QCOMPARE(info.finishedAt, started + 30s);
        Result<std::vector<ContainerRuntime::LogLine>> log = rt.logs(*id);
        QVERIFY(log);
        QCOMPARE(log->front().text, std::string("Started container web (image "
                                                "docker.io/library/nginx:1.27)"));
        bool sigterm = false;
        for (const auto &l : *log)
            sigterm = sigterm || l.text == "Received SIGTERM, shutting down";
        QVERIFY(sigterm);
    }

    void crashEndsARunningContainer()
    {
        FakeClock clock;
        ContainerRuntime rt(clock, "node-1");
        rt.preloadImage("nginx");
        std::string id = *rt.createContainer(config("web", "nginx"));
        QVERIFY(rt.startContainer(id, true));
        QCOMPARE(rt.container(id)->state, ContainerRuntime::State::Running);
        clock.advance(5s);
        QVERIFY(rt.crash(id, 2));
        ContainerRuntime::ContainerInfo info = *rt.container(id);
        QCOMPARE(info.state, ContainerRuntime::State::Exited);
        QCOMPARE(info.exitCode, 2);
        QCOMPARE(info.finishedAt, clock.now());
        QVERIFY(!rt.crash(id, 2)); // not running any more
        QCOMPARE(rt.removePod("uid-1"), 1);
        QVERIFY(!rt.container(id));
    }

    void stoppedRuntimeKillsEverything_data()
    {
        QTest::addColumn<int>("startedForMs"); // how long before the stop it was started
        QTest::addColumn<bool>("wasRunning");
        QTest::newRow("a running container") << 1000 << true;
        QTest::newRow("a container still starting") << 100 << false;
    }
    void stoppedRuntimeKillsEverything()
    {
        QFETCH(int, startedForMs);
        QFETCH(bool, wasRunning);
        FakeClock clock;
        ContainerRuntime rt(clock, "node-1");
        rt.preloadImage("nginx");
        const std::string id = *rt.createContainer(config("web", "nginx"));
        QVERIFY(rt.startContainer(id));
        clock.advance(std::chrono::milliseconds(startedForMs));
        QCOMPARE(rt.container(id)->state == ContainerRuntime::State::Running, wasRunning);
        rt.pullImage("redis:7"); // in progress when the runtime stops
        QVERIFY(rt.isUp());

        rt.stop();
        QVERIFY(!rt.isUp());
        ContainerRuntime::ContainerInfo info = *rt.container(id);
        QCOMPARE(info.state, ContainerRuntime::State::Exited);
        QCOMPARE(info.exitCode, 255);
        QCOMPARE(info.reason, std::string("Unknown"));
        QCOMPARE(info.finishedAt, clock.now());
        QVERIFY(!info.nextChange);
        // Nothing can be pulled, created or started while it is down.
        QCOMPARE(rt.imageStatus("redis:7").state, ContainerRuntime::ImageState::Absent);
        ContainerRuntime::ImagePull pull = rt.pullImage("redis:7");
        QCOMPARE(pull.state, ContainerRuntime::ImageState::Failed);
        QCOMPARE(pull.error, ContainerRuntime::downMessage());
        Result<std::string> created = rt.createContainer(config("web", "nginx"));
        QCOMPARE(created.status().code(), Status::Code::Unavailable);
        QCOMPARE(rt.startContainer(id).code(), Status::Code::Unavailable);
        clock.advance(10s);
        QCOMPARE(rt.imageStatus("redis:7").state, ContainerRuntime::ImageState::Absent);

        // Back up: images on disk are still there, the old container stays exited.
        rt.start();
        QVERIFY(rt.isUp());
        QCOMPARE(rt.images(), std::vector<std::string>{"docker.io/library/nginx:latest"});
        QCOMPARE(rt.container(id)->state, ContainerRuntime::State::Exited);
        const std::string again = *rt.createContainer(config("web", "nginx"));
        QVERIFY(rt.startContainer(again, true));
        QCOMPARE(rt.container(again)->state, ContainerRuntime::State::Running);
        QCOMPARE(rt.pullImage("redis:7").state, ContainerRuntime::ImageState::Pulling);
    }

    void crashOnStartEndsTheContainerAsItStarts_data()
    {
        QTest::addColumn<bool>("clearedBeforeStart");
        QTest::newRow("crashes right after it starts") << false;
        QTest::newRow("cleared before the start: runs") << true;
    }
    void crashOnStartEndsTheContainerAsItStarts()
    {
        QFETCH(bool, clearedBeforeStart);
        FakeClock clock;
        ContainerRuntime rt(clock, "node-1");
        rt.preloadImage("nginx");
        ContainerRuntime::ContainerConfig c = config("web", "nginx");
        c.crashOnStart = 1;
        const std::string id = *rt.createContainer(c);
        QVERIFY(rt.startContainer(id));
        if (clearedBeforeStart)
            QVERIFY(rt.setCrashOnStart(id, std::nullopt));
        clock.advance(500ms);
        ContainerRuntime::ContainerInfo info = *rt.container(id);
        if (clearedBeforeStart) {
            QCOMPARE(info.state, ContainerRuntime::State::Running);
            return;
        }
        QCOMPARE(info.state, ContainerRuntime::State::Exited);
        QCOMPARE(info.exitCode, 1);
        QCOMPARE(info.reason, std::string("Error"));
        QCOMPARE(info.startedAt, info.finishedAt);
        QCOMPARE(rt.logs(id)->back().text, std::string("Exited with code 1"));
    }

    void logIsBounded()
    {
        FakeClock clock;
        ContainerRuntime::Options o;
        o.maxLogLines = 10;
        ContainerRuntime rt(clock, "node-1", o);
        rt.preloadImage("nginx");
        std::string id = *rt.createContainer(config("web", "nginx"));
        QVERIFY(rt.startContainer(id, true));
        for (int i = 0; i < 25; ++i)
            rt.appendLog(id, "line " + std::to_string(i));
        Result<std::vector<ContainerRuntime::LogLine>> log = rt.logs(id);
        QCOMPARE(log->size(), size_t(10));
        QCOMPARE(log->front().text, std::string("line 15"));
        QCOMPARE(log->back().text, std::string("line 24"));
    }
};

QTEST_GUILESS_MAIN(TestContainerRuntime)
#include "tst_containerruntime.moc"
