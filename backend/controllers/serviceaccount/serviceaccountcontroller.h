#pragma once

#include "backend/client/client.h"
#include "backend/client/informer.h"
#include "backend/client/workqueue.h"
#include "backend/controllers/common/workerpool.h"
#include "backend/util/clock.h"
#include "backend/util/status.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace kubist::controllers {

struct ServiceAccountControllerOptions
{
    // The accounts every active namespace gets (upstream: "default").
    std::vector<std::string> serviceAccounts = {"default"};
    int workers = 1;
};

// ServiceAccountController: upstream's serviceaccount controller
// (component "service-account-controller"): every namespace that is not
// terminating holds the ServiceAccounts of Options::serviceAccounts; one
// that is deleted is created again.
//
// Lifetime: client and clock must outlive the controller. start() once;
// stop() (also the destructor) stops informers and workers; once it
// returns nothing of the controller runs.
class ServiceAccountController final
{
public:
    using Options = ServiceAccountControllerOptions;

    ServiceAccountController(client::Client &client, const Clock &clock, Options options = {});
    ~ServiceAccountController();
    ServiceAccountController(const ServiceAccountController &) = delete;
    ServiceAccountController &operator=(const ServiceAccountController &) = delete;

    void start();
    void stop();

private:
    Status sync(const std::string &ns);

    client::Client &m_client;
    const Options m_options;
    client::WorkQueue m_queue;
    std::unique_ptr<client::Informer> m_namespaces;
    std::unique_ptr<client::Informer> m_serviceAccounts;
    WorkerPool m_workers;
    std::atomic<bool> m_started{false};
    std::atomic<bool> m_stopped{false};
};

} // namespace kubist::controllers
