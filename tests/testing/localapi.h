#pragma once

// LocalApi: a fresh store and API server for each test function, reached
// in-process with LocalClient — the fixture of table-driven registry tests
// (no controllers, no kubelets; see testcluster.h for those). Call open()
// from init() and close() from cleanup().

#include "backend/apiserver/apiserver.h"
#include "backend/client/client.h"
#include "backend/store/store.h"
#include "backend/util/clock.h"

#include <QString>
#include <QTemporaryDir>

#include <memory>
#include <string>

namespace kubist::testing {

class LocalApi final
{
public:
    FakeClock clock;
    std::unique_ptr<store::Store> store;
    std::unique_ptr<apiserver::ApiServer> server;
    std::unique_ptr<client::Client> client; // identity "tester"

    // A new store (in its own folder), a bootstrapped API server and its
    // client; empty on success, else why it failed.
    std::string open()
    {
        store::StoreOptions o;
        o.compactionIntervalMs = 0;
        o.powerSafe = false;
        auto s =
            store::Store::open((m_dir.path() + "/" + QString::number(++m_round)).toStdString(), o);
        if (!s)
            return s.status().message();
        store = std::move(*s);
        server = std::make_unique<apiserver::ApiServer>(*store, clock);
        if (Status b = server->registry().bootstrap(); !b)
            return b.message();
        client = server->localClient("tester");
        return {};
    }

    void close()
    {
        client.reset();
        server.reset();
        store.reset();
    }

private:
    QTemporaryDir m_dir;
    int m_round = 0;
};

} // namespace kubist::testing
