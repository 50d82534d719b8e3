#pragma once

// What store_crash_child tells tst_storecrash, one line per event on stdout
// (each line written with one write(2), so a kill never tears a line):
//   READY <revision>                      the store is open
//   I <key> <op> <token>                  about to write (op: put, update, remove)
//   A <key> <op> <token> <revision>       acknowledged
//   F <key>                               a compare failed (nothing written)
// A key's value is a function of its token, so a torn value shows.

#include <functional>
#include <string>

namespace kubist::store::testing {

inline std::string crashValue(const std::string &token)
{
    std::string v;
    const size_t size = 100 + (std::hash<std::string>{}(token) % 2000);
    while (v.size() < size)
        v += token + "|";
    v.resize(size);
    return v;
}

} // namespace kubist::store::testing
