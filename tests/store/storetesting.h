#pragma once

// Small helpers shared by the store tests.

#include "backend/store/store.h"

#include <QString>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <string>

namespace kubist::store::testing {

inline std::unique_ptr<Store> openStore(const QString &dir, StoreOptions options = {})
{
    options.compactionIntervalMs = options.compactionIntervalMs == 5 * 60 * 1000
                                       ? 0 // tests compact by hand unless they ask
                                       : options.compactionIntervalMs;
    auto opened = Store::open(dir.toStdString(), options);
    if (!opened) {
        qWarning("open failed: %s", opened.status().toString().c_str());
        return nullptr;
    }
    return std::move(opened).value();
}

// GCC 12 warns about designated initializers that leave members out, so
// the tests build requests with these.
inline RangeRequest keyRange(std::string key, int64_t revision = 0)
{
    RangeRequest r;
    r.key = std::move(key);
    r.revision = revision;
    return r;
}

inline RangeRequest prefixRange(std::string prefix, int64_t revision = 0)
{
    RangeRequest r = keyRange(std::move(prefix), revision);
    r.prefix = true;
    return r;
}

inline const char *codeName(Status::Code code)
{
    return Status::codeName(code).data();
}

} // namespace kubist::store::testing

// QCOMPARE prints Status codes by name.
namespace QTest {
template<> inline char *toString(const kubist::Status::Code &code)
{
    return qstrdup(kubist::Status::codeName(code).data());
}
} // namespace QTest
