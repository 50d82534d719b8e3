#pragma once

#include <string>

namespace k8s::io::api::core::v1 {
class Pod;
}

namespace kubist::model {

// PodFilter: what the search box and the namespace selector ask for. A pod
// matches when its namespace is `ns` (empty: any) and `text` (trimmed,
// case-insensitive; empty: anything) occurs in its name, its namespace, or
// one of its labels written "key=value".
struct PodFilter
{
    std::string text;
    std::string ns;

    bool isEmpty() const { return text.empty() && ns.empty(); }
    bool matches(const k8s::io::api::core::v1::Pod &pod) const;
    bool operator==(const PodFilter &) const = default;
};

} // namespace kubist::model
