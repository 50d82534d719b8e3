#include "backend/scheduler/plugins/podtopologyspread/spreadselector.h"

#include <google/protobuf/map.h>

#include <algorithm>
#include <charconv>
#include <optional>

namespace kubist::scheduler::plugins {

namespace {

using Op = api::LabelSelector::Operator;

std::optional<std::int64_t> parseInt(const std::string &text)
{
    std::int64_t value = 0;
    const char *end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end)
        return std::nullopt;
    return value;
}

bool contains(const std::vector<std::string> &values, const std::string &value)
{
    return std::find(values.begin(), values.end(), value) != values.end();
}

} // namespace

SpreadSelector::SpreadSelector(const api::LabelSelector &selector)
    : m_selector(selector)
    , m_nothing(selector.isNothing())
{
    m_requirements.reserve(selector.requirements().size());
    for (const api::LabelSelector::Requirement &r : selector.requirements())
        m_requirements.push_back({r.key, r.op, r.values});
}

bool SpreadSelector::matches(const google::protobuf::Map<std::string, std::string> &labels) const
{
    if (m_nothing)
        return false;
    for (const Requirement &r : m_requirements) {
        const auto it = labels.find(r.key);
        const bool has = it != labels.end();
        switch (r.op) {
        case Op::In:
        case Op::Equals:
        case Op::DoubleEquals:
            if (!has || !contains(r.values, it->second))
                return false;
            break;
        case Op::NotIn:
        case Op::NotEquals:
            if (has && contains(r.values, it->second))
                return false;
            break;
        case Op::Exists:
            if (!has)
                return false;
            break;
        case Op::DoesNotExist:
            if (has)
                return false;
            break;
        case Op::GreaterThan:
        case Op::LessThan: {
            if (!has || r.values.size() != 1)
                return false;
            const auto value = parseInt(it->second);
            const auto bound = parseInt(r.values.front());
            if (!value || !bound)
                return false;
            if (r.op == Op::GreaterThan ? !(*value > *bound) : !(*value < *bound))
                return false;
            break;
        }
        }
    }
    return true;
}

} // namespace kubist::scheduler::plugins
