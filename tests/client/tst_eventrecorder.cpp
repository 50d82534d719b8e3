// EventRecorder: an Event per new occurrence, with the involved object,
// source and timestamps; a repeat within the window bumps count and
// lastTimestamp; a repeat after the Event was deleted creates a new one.

#include "backend/client/eventrecorder.h"
#include "tests/testing/testcluster.h"

#include "core_v1.pb.h"

#include <QTest>

#include <algorithm>
#include <chrono>
#include <vector>

using namespace kubist;
using namespace std::chrono_literals;
namespace core = k8s::io::api::core::v1;

class TestEventRecorder : public QObject
{
    Q_OBJECT

    static std::string podJson()
    {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\"},"
               "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}";
    }

private slots:
    void recordsAnEventAboutTheObject()
    {
        testing::TestCluster cluster;
        auto pod = std::static_pointer_cast<const core::Pod>(cluster.apply(podJson()));
        auto client = cluster.client("scheduler");
        client::EventRecorder recorder(*client, cluster.clock, "default-scheduler");
        recorder.record(*pod, "Normal", "Scheduled", "Successfully assigned default/web to n1");
        auto events = cluster.list<core::Event>("default");
        QCOMPARE(events.size(), size_t(1));
        const core::Event &e = *events[0];
        QVERIFY(e.metadata().name().starts_with("web."));
        QCOMPARE(e.involved_object().kind(), std::string("Pod"));
        QCOMPARE(e.involved_object().api_version(), std::string("v1"));
        QCOMPARE(e.involved_object().name(), std::string("web"));
        QCOMPARE(e.involved_object().uid(), pod->metadata().uid());
        QCOMPARE(e.reason(), std::string("Scheduled"));
        QCOMPARE(e.type(), std::string("Normal"));
        QCOMPARE(e.source().component(), std::string("default-scheduler"));
        QCOMPARE(e.count(), 1);
        QCOMPARE(e.first_timestamp().seconds(), cluster.clock.nowSeconds());
    }

    void aggregatesRepeats_data()
    {
        QTest::addColumn<bool>("deleteInBetween");
        QTest::addColumn<int>("expectedEvents");
        QTest::addColumn<int>("expectedCount");
        QTest::newRow("repeat bumps the count") << false << 1 << 2;
        QTest::newRow("repeat after deletion creates anew") << true << 1 << 1;
    }

    void aggregatesRepeats()
    {
        QFETCH(bool, deleteInBetween);
        QFETCH(int, expectedEvents);
        QFETCH(int, expectedCount);
        testing::TestCluster cluster;
        auto pod = std::static_pointer_cast<const core::Pod>(cluster.apply(podJson()));
        auto client = cluster.client("kubelet");
        client::EventRecorder recorder(*client, cluster.clock, "kubelet", "n1");
        recorder.record(*pod, "Warning", "BackOff", "Back-off restarting failed container");
        if (deleteInBetween) {
            auto events = cluster.list<core::Event>("default");
            const auto *kind = api::Scheme::builtin().byDescriptor(core::Event::descriptor());
            QVERIFY(cluster.admin().remove(*kind, "default", events[0]->metadata().name()).isOk());
        }
        cluster.clock.advance(30s);
        recorder.record(*pod, "Warning", "BackOff", "Back-off restarting failed container");
        auto events = cluster.list<core::Event>("default");
        QCOMPARE(int(events.size()), expectedEvents);
        QCOMPARE(events[0]->count(), expectedCount);
        QCOMPARE(events[0]->last_timestamp().seconds(), cluster.clock.nowSeconds());
        QCOMPARE(events[0]->source().host(), std::string("n1"));
    }

    void differentReasonsAreDifferentEvents()
    {
        testing::TestCluster cluster;
        auto pod = std::static_pointer_cast<const core::Pod>(cluster.apply(podJson()));
        auto client = cluster.client("kubelet");
        client::EventRecorder recorder(*client, cluster.clock, "kubelet", "n1");
        recorder.record(*pod, "Normal", "Pulling", "Pulling image \"nginx\"");
        recorder.record(*pod, "Normal", "Pulled", "Successfully pulled image \"nginx\"");
        QCOMPARE(cluster.list<core::Event>("default").size(), size_t(2));
    }

    void rememberedEventsAreBounded()
    {
        // Beyond 4,096 distinct events the least recently used is
        // forgotten: its next occurrence is a new Event, while a recently
        // repeated one is still counted up.
        testing::TestCluster cluster;
        auto pod = std::static_pointer_cast<const core::Pod>(cluster.apply(podJson()));
        auto client = cluster.client("kubelet");
        client::EventRecorder recorder(*client, cluster.clock, "kubelet", "n1");
        auto message = [](int i) { return "probe " + std::to_string(i); };
        for (int i = 0; i < 4097; ++i) {
            recorder.record(*pod, "Warning", "Unhealthy", message(i));
            if (i == 0)
                recorder.record(*pod, "Warning", "Unhealthy", message(1000)); // made recent
            if (i == 1000)
                recorder.record(*pod, "Warning", "Unhealthy", message(0)); // recent again
        }
        auto countOf = [&](const std::string &text) {
            std::vector<int> counts;
            for (const auto &e : cluster.list<core::Event>("default")) {
                if (e->message() == text)
                    counts.push_back(e->count());
            }
            std::sort(counts.begin(), counts.end());
            return counts;
        };
        QCOMPARE(countOf(message(0)), (std::vector<int>{2}));
        recorder.record(*pod, "Warning", "Unhealthy", message(0)); // still remembered
        QCOMPARE(countOf(message(0)), (std::vector<int>{3}));
        recorder.record(*pod, "Warning", "Unhealthy", message(1)); // the oldest: forgotten
        QCOMPARE(countOf(message(1)), (std::vector<int>{1, 1}));
    }
};

QTEST_GUILESS_MAIN(TestEventRecorder)
#include "tst_eventrecorder.moc"
