#pragma once

// Shared by the tests of this folder: reading JSON documents and the
// reference files of ../shared/k8s-reference.

#include <QFile>
#include <QString>

#include <nlohmann/json.hpp>

#include <string>

namespace kubist::test {

// Parses `text`; a discarded value when it is not JSON.
inline nlohmann::json parseJson(const std::string &text)
{
    return nlohmann::json::parse(text, nullptr, false);
}

// The reference file `relative` (e.g. "discovery/api__v1.json"), parsed; a
// discarded value when it is missing.
inline nlohmann::json referenceJson(const QString &relative)
{
    QFile file(QStringLiteral(KUBIST_K8S_REFERENCE_DIR "/") + relative);
    if (!file.open(QIODevice::ReadOnly))
        return nlohmann::json(nlohmann::json::value_t::discarded);
    const QByteArray bytes = file.readAll();
    return nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
}

// The array element of `array` whose `key` is `value`, or nullptr.
inline const nlohmann::json *findBy(const nlohmann::json &array, const char *key,
                                    const std::string &value)
{
    if (!array.is_array())
        return nullptr;
    for (const nlohmann::json &e : array)
        if (e.is_object() && e.contains(key) && e[key] == value)
            return &e;
    return nullptr;
}

} // namespace kubist::test

// QCOMPARE for JSON values (QCOMPARE's overloads do not take nlohmann::json).
#define KUBIST_COMPARE_JSON(actual, expected)                                                      \
    QVERIFY2(nlohmann::json(actual) == nlohmann::json(expected),                                   \
             qPrintable(QString::fromStdString(nlohmann::json(actual).dump() +                     \
                                               " != " + nlohmann::json(expected).dump())))
