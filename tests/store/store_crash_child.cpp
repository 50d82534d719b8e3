// The child of tst_storecrash: opens the store in argv[1] and writes
// forever from four threads (puts, compare-and-swap updates and deletes on
// keys each thread owns), reporting every intent and acknowledgement on
// stdout (see crashprotocol.h), until the parent kills it with SIGKILL.
//
//   store_crash_child <data-dir> <seed>

#include "crashprotocol.h"

#include "backend/store/store.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace kubist::store;
using kubist::store::testing::crashValue;

namespace {

void say(const std::string &line)
{
    const std::string l = line + "\n";
    [[maybe_unused]] const ssize_t n = ::write(STDOUT_FILENO, l.data(), l.size());
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: store_crash_child <data-dir> <seed>\n");
        return 2;
    }
    StoreOptions options;
    options.compactionIntervalMs = 0;
    auto opened = Store::open(argv[1], options);
    if (!opened) {
        std::fprintf(stderr, "%s\n", opened.status().toString().c_str());
        return 1;
    }
    std::unique_ptr<Store> store = std::move(opened).value();
    const unsigned seed = unsigned(std::strtoul(argv[2], nullptr, 10));
    say("READY " + std::to_string(store->currentRevision()));

    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            std::mt19937 rng(seed * 10 + unsigned(t));
            std::map<std::string, int64_t> mod; // key -> mod revision (0: absent)
            for (int k = 0; k < 5; ++k) {
                const std::string key = "/crash/" + std::to_string(t) + "/" + std::to_string(k);
                RangeRequest r;
                r.key = key;
                auto read = store->range(r);
                mod[key] = read && !read->kvs.empty() ? read->kvs[0].modRevision : 0;
            }
            for (long i = 0;; ++i) {
                const std::string key =
                    "/crash/" + std::to_string(t) + "/" + std::to_string(rng() % 5);
                const std::string token =
                    std::to_string(seed) + "." + std::to_string(t) + "." + std::to_string(i);
                const unsigned pick = rng() % 10;
                std::string op = pick < 5 ? "put" : pick < 8 ? "update" : "remove";
                if (op != "put" && mod[key] == 0)
                    op = "put";
                say("I " + key + " " + op + " " + token);
                WriteResult w;
                if (op == "put")
                    w = store->put(key, crashValue(token));
                else if (op == "update")
                    w = store->update(key, crashValue(token), mod[key]);
                else
                    w = store->remove(key, mod[key]);
                if (!w.status.isOk()) {
                    if (w.status.code() != kubist::Status::Code::Conflict)
                        std::abort(); // nothing else may fail here
                    say("F " + key);
                    mod[key] = w.kv.modRevision;
                    continue;
                }
                mod[key] = op == "remove" ? 0 : w.revision;
                say("A " + key + " " + op + " " + token + " " + std::to_string(w.revision));
            }
        });
    }
    for (auto &t : threads)
        t.join();
    return 0;
}
