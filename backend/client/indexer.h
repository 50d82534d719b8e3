#pragma once

#include "backend/client/client.h"
#include "backend/util/status.h"

#include <functional>
#include <map>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace kubist::client {

// The values an object is filed under in one index (none: not indexed).
// Must be a pure function of the object.
using IndexFunc = std::function<std::vector<std::string>(const google::protobuf::Message &)>;

// The standard indexes (the names under which Informer users register them).
inline constexpr const char kNamespaceIndex[] = "namespace";
inline constexpr const char kNodeNameIndex[] = "spec.nodeName";
inline constexpr const char kControllerUidIndex[] = "controllerUid";

// metadata.namespace (cluster-scoped objects: not indexed).
IndexFunc namespaceIndexFunc();
// A Pod's spec.nodeName (unscheduled pods and other kinds: not indexed).
IndexFunc podNodeNameIndexFunc();
// The uid of the ownerReference with controller: true; an object without
// one is filed under orphansIn(its namespace), so an owner finds the
// objects it controls and those it may adopt without walking its namespace
// (upstream's PodControllerUIDIndex and FilterPodsByOwner).
IndexFunc controllerUidIndexFunc();
// The controllerUid index value of the orphans of namespace `ns` (never a uid).
std::string orphansIn(const std::string &ns);

// Indexer: an informer's cache of one kind, keyed by objectKey() ("ns/name"
// or "name"), with secondary indexes (client-go's cache.Indexer). Holds the
// ObjectPtrs the client gave: shared and immutable, so readers copy before
// they mutate.
//
// Thread-safe: any number of readers, writers serialized. Readers see each
// write whole (an object and its index entries change together).
class Indexer final
{
public:
    // Registers an index. Fails with InvalidArgument when the name is taken
    // or the cache already holds objects (register before the informer starts).
    Status addIndex(const std::string &name, IndexFunc func);

    // nullptr when absent.
    ObjectPtr get(const std::string &key) const;
    // Every object, in key order.
    std::vector<ObjectPtr> list() const;
    std::vector<std::string> listKeys() const;
    size_t size() const;
    // The objects filed under `value` in index `index`, in key order; empty
    // when none (or when no such index was registered).
    std::vector<ObjectPtr> byIndex(const std::string &index, const std::string &value) const;
    std::vector<std::string> indexKeys(const std::string &index, const std::string &value) const;
    // The values index `index` currently holds, sorted.
    std::vector<std::string> indexValues(const std::string &index) const;

    // Writers (the informer). Each returns the object previously under the
    // key (nullptr if none).
    ObjectPtr upsert(const ObjectPtr &object);
    ObjectPtr remove(const std::string &key);
    // Makes the cache hold exactly `objects`.
    void replace(const std::vector<ObjectPtr> &objects);

private:
    struct Index
    {
        IndexFunc func;
        std::unordered_map<std::string, std::set<std::string>> keysByValue;
    };

    void fileLocked(const std::string &key, const google::protobuf::Message &object);
    void unfileLocked(const std::string &key, const google::protobuf::Message &object);

    mutable std::shared_mutex m_mutex; // guards everything below
    std::map<std::string, ObjectPtr> m_items;
    std::map<std::string, Index> m_indexes;
};

} // namespace kubist::client
