#pragma once

// Small helpers shared by the scheduler tests: objects are built by
// decoding JSON with api::JsonCodec, as the brief for these tests asks.

#include "backend/api/jsoncodec.h"
#include "backend/scheduler/framework/cyclestate.h"
#include "backend/scheduler/framework/nodeinfo.h"
#include "backend/scheduler/framework/pluginstatus.h"
#include "backend/scheduler/framework/snapshot.h"

#include "core_v1.pb.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QTest>

#include <memory>
#include <string>
#include <vector>

namespace schedtest {

namespace core = k8s::io::api::core::v1;

template<class T> std::shared_ptr<const T> decode(const QByteArray &json)
{
    auto object = std::make_shared<T>();
    const kubist::Status status = kubist::api::JsonCodec::decode(
        std::string_view(json.constData(), json.size()), object.get());
    if (!status.isOk())
        qFatal("bad test JSON: %s: %s", status.message().c_str(), json.constData());
    return object;
}

inline std::shared_ptr<const core::Pod> pod(const QByteArray &json)
{
    return decode<core::Pod>(json);
}

inline std::shared_ptr<const core::Node> node(const QByteArray &json)
{
    return decode<core::Node>(json);
}

// A node with the given allocatable cpu / memory / pods, labels and spec
// (JSON object bodies, may be empty).
inline std::shared_ptr<const core::Node>
makeNode(const std::string &name, const std::string &cpu, const std::string &memory,
         const std::string &pods = "110", const std::string &extraAllocatable = "",
         const std::string &spec = "{}", const std::string &labels = "{}")
{
    std::string json = "{\"metadata\":{\"name\":\"" + name + "\",\"labels\":" + labels +
                       "},\"spec\":" + spec + ",\"status\":{\"allocatable\":{\"cpu\":\"" + cpu +
                       "\",\"memory\":\"" + memory + "\",\"pods\":\"" + pods + "\"" +
                       (extraAllocatable.empty() ? "" : "," + extraAllocatable) + "}}}";
    return node(QByteArray::fromStdString(json));
}

// A pod whose containers request the given cpu/memory pairs ("" = not
// requested), optionally bound to `nodeName`.
inline std::shared_ptr<const core::Pod>
makePod(const std::string &name, const std::string &nodeName,
        const std::vector<std::pair<std::string, std::string>> &containers)
{
    std::string list;
    int i = 0;
    for (const auto &[cpu, memory] : containers) {
        std::string requests;
        if (!cpu.empty())
            requests += "\"cpu\":\"" + cpu + "\"";
        if (!memory.empty())
            requests += std::string(requests.empty() ? "" : ",") + "\"memory\":\"" + memory + "\"";
        if (!list.empty())
            list += ",";
        list += "{\"name\":\"c" + std::to_string(i++) + "\",\"resources\":{\"requests\":{" +
                requests + "}}}";
    }
    std::string json =
        "{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\",\"uid\":\"uid-" + name +
        "\"},\"spec\":{\"nodeName\":\"" + nodeName + "\",\"containers\":[" + list + "]}}";
    return pod(QByteArray::fromStdString(json));
}

inline QStringList toQStringList(const std::vector<std::string> &v)
{
    QStringList out;
    for (const std::string &s : v)
        out << QString::fromStdString(s);
    return out;
}

inline int codeOf(const kubist::scheduler::PluginStatus &status)
{
    return static_cast<int>(status.code());
}

} // namespace schedtest
