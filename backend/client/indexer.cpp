#include "indexer.h"

#include "backend/client/objectkey.h"

#include "core_v1.pb.h"
#include "meta_v1.pb.h"

#include <mutex>

namespace kubist::client {

namespace core = k8s::io::api::core::v1;

IndexFunc namespaceIndexFunc()
{
    return [](const google::protobuf::Message &object) -> std::vector<std::string> {
        const std::string &ns = objectMeta(object).namespace_();
        if (ns.empty())
            return {};
        return {ns};
    };
}

IndexFunc podNodeNameIndexFunc()
{
    return [](const google::protobuf::Message &object) -> std::vector<std::string> {
        if (object.GetDescriptor() != core::Pod::descriptor())
            return {};
        const std::string &node = static_cast<const core::Pod &>(object).spec().node_name();
        if (node.empty())
            return {};
        return {node};
    };
}

IndexFunc controllerUidIndexFunc()
{
    return [](const google::protobuf::Message &object) -> std::vector<std::string> {
        for (const auto &ref : objectMeta(object).owner_references())
            if (ref.controller() && !ref.uid().empty())
                return {ref.uid()};
        return {orphansIn(objectMeta(object).namespace_())};
    };
}

std::string orphansIn(const std::string &ns)
{
    return "orphans of namespace/" + ns;
}

Status Indexer::addIndex(const std::string &name, IndexFunc func)
{
    std::unique_lock lock(m_mutex);
    if (!m_items.empty())
        return Status::invalidArgument("index " + name +
                                       ": indexes must be added before the cache fills");
    if (!func || !m_indexes.emplace(name, Index{std::move(func), {}}).second)
        return Status::invalidArgument("index " + name + " already exists");
    return {};
}

ObjectPtr Indexer::get(const std::string &key) const
{
    std::shared_lock lock(m_mutex);
    auto it = m_items.find(key);
    return it == m_items.end() ? nullptr : it->second;
}

std::vector<ObjectPtr> Indexer::list() const
{
    std::shared_lock lock(m_mutex);
    std::vector<ObjectPtr> out;
    out.reserve(m_items.size());
    for (const auto &[key, object] : m_items)
        out.push_back(object);
    return out;
}

std::vector<std::string> Indexer::listKeys() const
{
    std::shared_lock lock(m_mutex);
    std::vector<std::string> out;
    out.reserve(m_items.size());
    for (const auto &[key, object] : m_items)
        out.push_back(key);
    return out;
}

size_t Indexer::size() const
{
    std::shared_lock lock(m_mutex);
    return m_items.size();
}

std::vector<std::string> Indexer::indexKeys(const std::string &index,
                                            const std::string &value) const
{
    std::shared_lock lock(m_mutex);
    auto idx = m_indexes.find(index);
    if (idx == m_indexes.end())
        return {};
    auto keys = idx->second.keysByValue.find(value);
    if (keys == idx->second.keysByValue.end())
        return {};
    return {keys->second.begin(), keys->second.end()};
}

std::vector<ObjectPtr> Indexer::byIndex(const std::string &index, const std::string &value) const
{
    std::shared_lock lock(m_mutex);
    auto idx = m_indexes.find(index);
    if (idx == m_indexes.end())
        return {};
    auto keys = idx->second.keysByValue.find(value);
    if (keys == idx->second.keysByValue.end())
        return {};
    std::vector<ObjectPtr> out;
    out.reserve(keys->second.size());
    for (const std::string &key : keys->second)
        out.push_back(m_items.at(key));
    return out;
}

std::vector<std::string> Indexer::indexValues(const std::string &index) const
{
    std::shared_lock lock(m_mutex);
    auto idx = m_indexes.find(index);
    if (idx == m_indexes.end())
        return {};
    std::set<std::string> values;
    for (const auto &[value, keys] : idx->second.keysByValue)
        values.insert(value);
    return {values.begin(), values.end()};
}

void Indexer::fileLocked(const std::string &key, const google::protobuf::Message &object)
{
    for (auto &[name, index] : m_indexes)
        for (const std::string &value : index.func(object))
            index.keysByValue[value].insert(key);
}

void Indexer::unfileLocked(const std::string &key, const google::protobuf::Message &object)
{
    for (auto &[name, index] : m_indexes)
        for (const std::string &value : index.func(object)) {
            auto it = index.keysByValue.find(value);
            if (it == index.keysByValue.end())
                continue;
            it->second.erase(key);
            if (it->second.empty())
                index.keysByValue.erase(it);
        }
}

ObjectPtr Indexer::upsert(const ObjectPtr &object)
{
    const std::string key = objectKey(*object);
    std::unique_lock lock(m_mutex);
    ObjectPtr &slot = m_items[key];
    ObjectPtr old = std::move(slot);
    if (old)
        unfileLocked(key, *old);
    slot = object;
    fileLocked(key, *object);
    return old;
}

ObjectPtr Indexer::remove(const std::string &key)
{
    std::unique_lock lock(m_mutex);
    auto it = m_items.find(key);
    if (it == m_items.end())
        return nullptr;
    ObjectPtr old = std::move(it->second);
    m_items.erase(it);
    unfileLocked(key, *old);
    return old;
}

void Indexer::replace(const std::vector<ObjectPtr> &objects)
{
    std::unique_lock lock(m_mutex);
    m_items.clear();
    for (auto &[name, index] : m_indexes)
        index.keysByValue.clear();
    for (const ObjectPtr &object : objects) {
        const std::string key = objectKey(*object);
        ObjectPtr &slot = m_items[key];
        if (slot)
            unfileLocked(key, *slot);
        slot = object;
        fileLocked(key, *object);
    }
}

} // namespace kubist::client
