#include "model/podfilter.h"

#include "core_v1.pb.h"

#include <algorithm>
#include <cctype>

namespace kubist::model {

namespace {

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

std::string trimmed(const std::string &s)
{
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos)
        return {};
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

} // namespace

bool PodFilter::matches(const k8s::io::api::core::v1::Pod &pod) const
{
    if (!ns.empty() && pod.metadata().namespace_() != ns)
        return false;
    const std::string needle = lower(trimmed(text));
    if (needle.empty())
        return true;
    auto has = [&](const std::string &hay) { return lower(hay).find(needle) != std::string::npos; };
    if (has(pod.metadata().name()) || has(pod.metadata().namespace_()))
        return true;
    for (const auto &[k, v] : pod.metadata().labels())
        if (has(k + "=" + v))
            return true;
    return false;
}

} // namespace kubist::model
