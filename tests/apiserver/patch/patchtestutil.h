#pragma once

// Shared by the patch tests: compares JSON text by value (object member
// order ignored) and reports both sides when they differ.

#include "backend/util/status.h"

#include <nlohmann/json.hpp>

#include <QByteArray>
#include <QString>
#include <QTest>

#include <string>

namespace kubist::test {

inline bool sameJson(const std::string &actual, const std::string &expected, QByteArray *why)
{
    const auto a = nlohmann::json::parse(actual, nullptr, false);
    const auto e = nlohmann::json::parse(expected, nullptr, false);
    if (!a.is_discarded() && !e.is_discarded() && a == e)
        return true;
    *why = QByteArray("got ") + actual.c_str() + "\nwant " + expected.c_str();
    return false;
}

// Checks `result` against either `expected` JSON (when `code` is Ok) or an
// error with `code` whose message contains `message`.
template<class R>
void checkResult(const R &result, const std::string &expected, Status::Code code,
                 const std::string &message)
{
    if (code == Status::Code::Ok) {
        QVERIFY2(result.isOk(), result.status().toString().c_str());
        QByteArray why;
        QVERIFY2(sameJson(result.value(), expected, &why), why.constData());
        return;
    }
    QVERIFY2(!result.isOk(),
             ("unexpected success: " + (result.isOk() ? result.value() : "")).c_str());
    QCOMPARE(QString::fromUtf8(Status::codeName(result.status().code()).data()),
             QString::fromUtf8(Status::codeName(code).data()));
    QVERIFY2(result.status().message().find(message) != std::string::npos,
             ("message was: " + result.status().message()).c_str());
}

} // namespace kubist::test
