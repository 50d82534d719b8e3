#pragma once

// The fixture of the whole-cluster tests: an EmbeddedCluster on a FakeClock
// with the demo topology (master + 3 workers, Deployment and Service "web")
// up and Ready, an admin client, and helpers to read, write and wait.
// The fake clock moves timer by timer and every step settles, so tests are
// deterministic.

#include "backend/api/jsoncodec.h"
#include "backend/api/scheme.h"
#include "backend/client/client.h"
#include "backend/client/objectkey.h"
#include "backend/cluster/embeddedcluster.h"
#include "tests/testing/testcluster.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"

#include <QObject>
#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace kubist::testing {

namespace core = k8s::io::api::core::v1;
namespace apps = k8s::io::api::apps::v1;

template<class T> const api::KindInfo &kindOf()
{
    return *api::Scheme::builtin().byDescriptor(T::descriptor());
}

class EmbeddedClusterTest : public QObject
{
protected:
    using Duration = Clock::Duration;

    QTemporaryDir m_dir;
    int m_round = 0;
    std::unique_ptr<FakeClock> m_clock;
    std::unique_ptr<cluster::EmbeddedCluster> m_cluster;
    std::unique_ptr<client::Client> m_admin;

    template<class T>
    std::vector<std::shared_ptr<const T>> list(const std::string &ns,
                                               const std::string &labels = "")
    {
        client::ListOptions o;
        o.labelSelector = labels;
        Result<client::ListResult> r = m_admin->list(kindOf<T>(), ns, o);
        std::vector<std::shared_ptr<const T>> out;
        if (r)
            for (const auto &p : r->items)
                out.push_back(std::static_pointer_cast<const T>(p));
        return out;
    }

    template<class T> std::shared_ptr<const T> get(const std::string &ns, const std::string &name)
    {
        Result<std::shared_ptr<const T>> r = client::getAs<T>(*m_admin, ns, name);
        return r ? *r : nullptr;
    }

    void create(const std::string &json)
    {
        const api::Scheme &scheme = api::Scheme::builtin();
        Result<google::protobuf::Message *> decoded =
            api::JsonCodec::decodeAny(json, scheme.resolver());
        QVERIFY2(decoded.isOk(), decoded.status().message().c_str());
        std::unique_ptr<google::protobuf::Message> object(*decoded);
        const api::KindInfo *kind = scheme.byDescriptor(object->GetDescriptor());
        const std::string &ns = client::objectMeta(*object).namespace_();
        Result<client::ObjectPtr> r =
            m_admin->create(*kind, kind->namespaced ? (ns.empty() ? "default" : ns) : "", *object);
        QVERIFY2(r.isOk(), r.status().message().c_str());
    }

    void patch(const api::KindInfo &kind, const std::string &ns, const std::string &name,
               const std::string &mergePatch)
    {
        Result<client::ObjectPtr> r =
            m_admin->patch(kind, ns, name, client::PatchType::Merge, mergePatch);
        QVERIFY2(r.isOk(), r.status().message().c_str());
    }

    // Running pods with Ready=True for the selector, by node.
    std::multiset<std::string> readyPodNodes(const std::string &ns, const std::string &labels)
    {
        std::multiset<std::string> nodes;
        for (const auto &p : list<core::Pod>(ns, labels)) {
            if (p->status().phase() != "Running" || p->metadata().has_deletion_timestamp())
                continue;
            for (const auto &c : p->status().conditions())
                if (c.type() == "Ready" && c.status() == "True")
                    nodes.insert(p->spec().node_name());
        }
        return nodes;
    }

    static bool podReady(const core::Pod &p)
    {
        for (const auto &c : p.status().conditions())
            if (c.type() == "Ready")
                return c.status() == "True";
        return false;
    }

    bool deploymentComplete(const std::string &ns, const std::string &name, int replicas)
    {
        auto d = get<apps::Deployment>(ns, name);
        return d && d->status().observed_generation() >= d->metadata().generation() &&
               d->status().updated_replicas() == replicas && d->status().replicas() == replicas &&
               d->status().available_replicas() == replicas &&
               int(readyPodNodes(ns, "app=" + name).size()) == replicas;
    }

    bool runUntil(const std::function<bool()> &done,
                  Clock::Duration limit = std::chrono::seconds(120))
    {
        return testing::runUntil(*m_clock, done, limit);
    }

    int endpointAddresses(const std::string &ns, const std::string &name)
    {
        auto ep = get<core::Endpoints>(ns, name);
        int n = 0;
        if (ep)
            for (const auto &s : ep->subsets())
                n += s.addresses_size();
        return n;
    }

    // Opens and starts a fresh cluster (call from init()) and waits for the
    // demo workload to be complete.
    void openCluster(const std::function<void(cluster::EmbeddedCluster::Options &)> &tweak = {})
    {
        m_clock = std::make_unique<FakeClock>();
        cluster::EmbeddedCluster::Options o;
        o.dataDir = (m_dir.path() + "/c" + QString::number(++m_round)).toStdString();
        o.port = 0;
        o.clock = m_clock.get();
        o.powerSafe = false;
        if (tweak)
            tweak(o);
        Result<std::unique_ptr<cluster::EmbeddedCluster>> c = cluster::EmbeddedCluster::open(o);
        QVERIFY2(c.isOk(), c.status().message().c_str());
        m_cluster = std::move(*c);
        QVERIFY(m_cluster->start().isOk());
        m_admin = m_cluster->client("test");
        QVERIFY(runUntil([&] { return deploymentComplete("default", "web", 3); }));
    }

    void closeCluster()
    {
        m_admin.reset();
        m_cluster.reset();
        m_clock.reset();
    }
};

} // namespace kubist::testing
