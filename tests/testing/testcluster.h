#pragma once

// TestCluster: what a deterministic control-plane test stands on — a
// FakeClock, a store in a temporary directory whose watch deliveries count
// as work for the clock's IdleTracker, and an API server with its
// namespaces bootstrapped. Parts under test get their own Client from
// client(identity) and the clock from clock.
//
//   TestCluster c;
//   Scheduler scheduler(*c.client("scheduler"), c.clock, ...);
//   scheduler.start();
//   c.apply(R"({"apiVersion":"v1","kind":"Pod", ...})");
//   QVERIFY(c.settle());                 // everything reacted, nothing due
//   c.run(std::chrono::seconds(40));     // 40 s of cluster time, timer by timer
//
// settle() is exact: a write is published to the store's watchers before
// it returns, a watcher counts as busy until its callback returned, and an
// informer or work queue counts as busy from the callback until its
// handler or worker finished. So "idle" means nothing is left to react.

#include "backend/api/jsoncodec.h"
#include "backend/api/scheme.h"
#include "backend/api/yamlcodec.h"
#include "backend/apiserver/apiserver.h"
#include "backend/client/client.h"
#include "backend/client/objectkey.h"
#include "backend/store/store.h"
#include "backend/util/clock.h"
#include "backend/util/idletracker.h"

#include "meta_v1.pb.h"

#include <google/protobuf/message.h>

#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace kubist::testing {

// The same steps for any FakeClock-driven cluster (TestCluster below, or
// an EmbeddedCluster built on a FakeClock).
inline bool settle(FakeClock &clock, std::chrono::milliseconds timeout = std::chrono::seconds(20))
{
    const bool idle = clock.waitUntilIdle(timeout);
    if (!idle) {
        std::string busy;
        for (const std::string &p : clock.idleTracker()->busyParts())
            busy += " " + p;
        qWarning("settle: still busy:%s", busy.c_str());
    }
    return idle;
}

inline bool runUntil(FakeClock &clock, const std::function<bool()> &done, Clock::Duration limit)
{
    const Clock::Time target = clock.now() + limit;
    if (!settle(clock))
        return false;
    for (int i = 0; i < 1000000; ++i) {
        if (done())
            return true;
        const std::optional<Clock::Time> due = clock.nextTimerDue();
        if (!due || *due > target)
            break;
        clock.advance(std::max(*due - clock.now(), Clock::Duration::zero()));
        if (!settle(clock))
            return false;
    }
    return done();
}

inline bool run(FakeClock &clock, Clock::Duration d)
{
    const Clock::Time target = clock.now() + d;
    if (!settle(clock))
        return false;
    for (int i = 0; i < 1000000; ++i) {
        const std::optional<Clock::Time> due = clock.nextTimerDue();
        if (!due || *due > target)
            break;
        clock.advance(std::max(*due - clock.now(), Clock::Duration::zero()));
        if (!settle(clock))
            return false;
    }
    if (clock.now() < target)
        clock.advance(target - clock.now());
    return settle(clock);
}

class TestCluster
{
public:
    explicit TestCluster(apiserver::Registry::Options options = {})
    {
        m_storePart = clock.idleTracker()->registerPart("store/deliveries");
        store::StoreOptions o;
        o.compactionIntervalMs = 0;
        o.powerSafe = false;
        IdleTracker::Part *part = m_storePart.get();
        o.onDeliveryWork = [part](int delta) {
            if (delta > 0)
                part->addWork(delta);
            else
                part->finishWork(-delta);
        };
        auto s = store::Store::open(m_dir.path().toStdString() + "/store", o);
        if (!s)
            qFatal("TestCluster: cannot open the store: %s", s.status().message().c_str());
        m_store = std::move(*s);
        server = std::make_unique<apiserver::ApiServer>(*m_store, clock, options);
        const Status boot = server->registry().bootstrap();
        if (!boot)
            qFatal("TestCluster: bootstrap failed: %s", boot.message().c_str());
        m_admin = server->localClient("admin");
    }

    ~TestCluster()
    {
        // Parts under test must be stopped (destroyed) before this.
        m_admin.reset();
        server.reset();
        m_store.reset();
        m_storePart.reset();
    }

    TestCluster(const TestCluster &) = delete;
    TestCluster &operator=(const TestCluster &) = delete;

    // A client acting as `identity` (admin rights).
    std::unique_ptr<client::Client> client(const std::string &identity)
    {
        return server->localClient(identity);
    }
    // The test's own client ("admin").
    client::Client &admin() { return *m_admin; }

    // Waits (real time) until nothing is left to react and no timer is due.
    bool settle(std::chrono::milliseconds timeout = std::chrono::seconds(20))
    {
        return testing::settle(clock, timeout);
    }
    // Moves cluster time forward by `d`, timer by timer, settling after
    // each, so every reaction to one timer happens before the next fires.
    // False if the cluster did not settle.
    bool run(Clock::Duration d) { return testing::run(clock, d); }
    // Runs cluster time forward (timer by timer, at most `limit`) until
    // `done()` holds; checks after every settle. False when it never did.
    bool runUntil(const std::function<bool()> &done, Clock::Duration limit)
    {
        return testing::runUntil(clock, done, limit);
    }

    // Creates the object a JSON or YAML text describes (its own apiVersion
    // and kind; namespace from metadata, default "default"). Fails the
    // process with the server's message on error: use admin() directly to
    // test errors.
    client::ObjectPtr apply(const std::string &text)
    {
        Result<std::string> json = api::YamlCodec::toJson(text);
        if (!json)
            qFatal("TestCluster::apply: bad text: %s", json.status().message().c_str());
        const api::Scheme &scheme = api::Scheme::builtin();
        Result<google::protobuf::Message *> decoded =
            api::JsonCodec::decodeAny(*json, scheme.resolver());
        if (!decoded)
            qFatal("TestCluster::apply: %s", decoded.status().message().c_str());
        std::unique_ptr<google::protobuf::Message> object(*decoded);
        const api::KindInfo *kind = scheme.byDescriptor(object->GetDescriptor());
        const std::string ns = kind->namespaced ? namespaceOf(*object) : "";
        Result<client::ObjectPtr> r = m_admin->create(*kind, ns, *object);
        if (!r)
            qFatal("TestCluster::apply: %s", r.status().message().c_str());
        return *r;
    }

    template<class T> std::shared_ptr<const T> get(const std::string &ns, const std::string &name)
    {
        Result<std::shared_ptr<const T>> r = client::getAs<T>(*m_admin, ns, name);
        return r ? *r : nullptr;
    }

    template<class T>
    std::vector<std::shared_ptr<const T>> list(const std::string &ns = "",
                                               const std::string &labels = "")
    {
        const api::KindInfo *kind = api::Scheme::builtin().byDescriptor(T::descriptor());
        client::ListOptions o;
        o.labelSelector = labels;
        Result<client::ListResult> r = m_admin->list(*kind, ns, o);
        std::vector<std::shared_ptr<const T>> out;
        if (r)
            for (const client::ObjectPtr &p : r->items)
                out.push_back(std::static_pointer_cast<const T>(p));
        return out;
    }

    FakeClock clock;
    std::unique_ptr<apiserver::ApiServer> server;

private:
    static std::string namespaceOf(const google::protobuf::Message &object)
    {
        const std::string &ns = client::objectMeta(object).namespace_();
        return ns.empty() ? "default" : ns;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<IdleTracker::Part> m_storePart;
    std::unique_ptr<store::Store> m_store;
    std::unique_ptr<client::Client> m_admin;
};

} // namespace kubist::testing
