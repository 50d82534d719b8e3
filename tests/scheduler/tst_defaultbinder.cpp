#include "backend/scheduler/plugins/defaultbinder/defaultbinder.h"
#include "schedulertestutil.h"

using namespace kubist;
using namespace kubist::scheduler;

class TestDefaultBinder : public QObject
{
    Q_OBJECT

private slots:
    void bind_data();
    void bind();
};

void TestDefaultBinder::bind_data()
{
    QTest::addColumn<bool>("hasBinder");
    QTest::addColumn<bool>("binderFails");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("message");

    QTest::newRow("posts a Binding to the node")
        << true << false << int(PluginStatus::Code::Success) << QString();
    QTest::newRow("an API error becomes an Error status")
        << true << true << int(PluginStatus::Code::Error)
        << "pods \"p\" is forbidden: the pod is being deleted";
    QTest::newRow("no binder configured")
        << false << false << int(PluginStatus::Code::Error) << "no binder configured";
}

void TestDefaultBinder::bind()
{
    QFETCH(bool, hasBinder);
    QFETCH(bool, binderFails);
    QFETCH(int, code);
    QFETCH(QString, message);

    std::string posted;
    PluginContext context;
    if (hasBinder) {
        context.binder = [&](const schedtest::core::Binding &binding) {
            posted = binding.metadata().namespace_() + "/" + binding.metadata().name() + "/" +
                     binding.metadata().uid() + " -> " + binding.target().kind() + "/" +
                     binding.target().name();
            return binderFails
                       ? Status::conflict("pods \"p\" is forbidden: the pod is being deleted")
                       : Status::ok();
        };
    }
    const auto plugin = plugins::DefaultBinder::create(context);
    QVERIFY(plugin.isOk());
    const auto *binder = dynamic_cast<const BindPlugin *>(plugin->get());
    QVERIFY(binder);
    QCOMPARE(binder->name(), std::string_view("DefaultBinder"));
    CycleState state;
    const auto pod = schedtest::makePod("p", "", {});
    const PluginStatus status = binder->bind(state, *pod, "node-1");
    QCOMPARE(schedtest::codeOf(status), code);
    QCOMPARE(QString::fromStdString(status.message()), message);
    if (hasBinder)
        QCOMPARE(posted, std::string("default/p/uid-p -> Node/node-1"));
}

QTEST_GUILESS_MAIN(TestDefaultBinder)
#include "tst_defaultbinder.moc"
