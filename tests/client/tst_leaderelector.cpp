// LeaderElector over a real API server on a FakeClock: acquiring a free
// lease, renewing it, waiting while another holds it, taking over an
// expired one, releasing on stop, and losing leadership when renewals fail.

#include "backend/client/leaderelector.h"
#include "tests/testing/testcluster.h"

#include "coordination_v1.pb.h"

#include <QTest>

#include <atomic>
#include <chrono>

using namespace kubist;
using namespace std::chrono_literals;
namespace coord = k8s::io::api::coordination::v1;

namespace {

struct Counters
{
    std::atomic<int> started{0};
    std::atomic<int> stopped{0};
};

client::LeaderElector::Options options(const std::string &identity, Counters &c)
{
    client::LeaderElector::Options o;
    o.name = "kube-scheduler";
    o.identity = identity;
    o.onStartedLeading = [&c] { ++c.started; };
    o.onStoppedLeading = [&c] { ++c.stopped; };
    return o;
}

} // namespace

class TestLeaderElector : public QObject
{
    Q_OBJECT

private slots:
    void acquiresAndRenewsAFreeLease()
    {
        testing::TestCluster cluster;
        auto client = cluster.client("scheduler");
        Counters c;
        client::LeaderElector elector(*client, cluster.clock, options("a", c));
        elector.start();
        QVERIFY(cluster.settle());
        QVERIFY(elector.isLeader());
        QCOMPARE(c.started.load(), 1);
        auto lease = cluster.get<coord::Lease>("kube-system", "kube-scheduler");
        QVERIFY(lease);
        QCOMPARE(lease->spec().holder_identity(), std::string("a"));
        QCOMPARE(lease->spec().lease_duration_seconds(), 15);
        const int64_t firstRenew = lease->spec().renew_time().seconds();

        QVERIFY(cluster.run(10s));
        lease = cluster.get<coord::Lease>("kube-system", "kube-scheduler");
        QCOMPARE(lease->spec().renew_time().seconds(), firstRenew + 10);
        QCOMPARE(lease->spec().lease_transitions(), 0);
        QCOMPARE(c.started.load(), 1);
    }

    void secondWaitsThenTakesOverAfterRelease()
    {
        testing::TestCluster cluster;
        auto clientA = cluster.client("a");
        auto clientB = cluster.client("b");
        Counters ca, cb;
        auto a = std::make_unique<client::LeaderElector>(*clientA, cluster.clock, options("a", ca));
        client::LeaderElector b(*clientB, cluster.clock, options("b", cb));
        a->start();
        QVERIFY(cluster.settle());
        b.start();
        QVERIFY(cluster.run(30s));
        QVERIFY(a->isLeader());
        QVERIFY(!b.isLeader());
        QCOMPARE(cb.started.load(), 0);

        a->stop(); // releases
        QCOMPARE(ca.stopped.load(), 1);
        QVERIFY(cluster.run(3s));
        QVERIFY(b.isLeader());
        auto lease = cluster.get<coord::Lease>("kube-system", "kube-scheduler");
        QCOMPARE(lease->spec().holder_identity(), std::string("b"));
        QCOMPARE(lease->spec().lease_transitions(), 1);
    }

    void takesOverAnExpiredLease()
    {
        testing::TestCluster cluster;
        // A holder that vanished without releasing: renewed long ago.
        cluster.apply("{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\","
                      "\"metadata\":{\"name\":\"kube-scheduler\",\"namespace\":\"kube-system\"},"
                      "\"spec\":{\"holderIdentity\":\"ghost\",\"leaseDurationSeconds\":15,"
                      "\"renewTime\":\"2025-12-31T23:00:00.000000Z\"}}");
        auto client = cluster.client("b");
        Counters c;
        client::LeaderElector b(*client, cluster.clock, options("b", c));
        b.start();
        QVERIFY(cluster.settle());
        QVERIFY(b.isLeader());
        QCOMPARE(
            cluster.get<coord::Lease>("kube-system", "kube-scheduler")->spec().holder_identity(),
            std::string("b"));
    }

    void waitsForALiveHolderToExpire()
    {
        testing::TestCluster cluster;
        // Renewed "now": the FakeClock starts at 2026-01-01T00:00:00Z.
        cluster.apply("{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\","
                      "\"metadata\":{\"name\":\"kube-scheduler\",\"namespace\":\"kube-system\"},"
                      "\"spec\":{\"holderIdentity\":\"other\",\"leaseDurationSeconds\":15,"
                      "\"renewTime\":\"2026-01-01T00:00:00.000000Z\"}}");
        auto client = cluster.client("b");
        Counters c;
        client::LeaderElector b(*client, cluster.clock, options("b", c));
        b.start();
        QVERIFY(cluster.run(14s));
        QVERIFY(!b.isLeader());
        QVERIFY(cluster.run(2s));
        QVERIFY(b.isLeader());
    }

    void losesLeadershipWhenRenewalsFail()
    {
        testing::TestCluster cluster;
        auto client = cluster.client("a");
        Counters c;
        client::LeaderElector a(*client, cluster.clock, options("a", c));
        a.start();
        QVERIFY(cluster.settle());
        QVERIFY(a.isLeader());
        cluster.server->stopServing(); // every call now fails as a refused connection
        QVERIFY(cluster.run(8s));
        QVERIFY(a.isLeader()); // within renewDeadline
        QVERIFY(cluster.run(4s));
        QVERIFY(!a.isLeader());
        QCOMPARE(c.stopped.load(), 1);
        cluster.server->startServing();
        QVERIFY(cluster.run(3s));
        QVERIFY(a.isLeader());
        QCOMPARE(c.started.load(), 2);
    }
};

QTEST_GUILESS_MAIN(TestLeaderElector)
#include "tst_leaderelector.moc"
