#include "validationutil.h"

#include "intstr.pb.h"
#include "meta_v1.pb.h"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <set>
#include <vector>

namespace kubist::apiserver::vutil {

namespace metav1 = k8s::io::apimachinery::pkg::apis::meta::v1;
namespace intstr = k8s::io::apimachinery::pkg::util::intstr;

namespace {

std::vector<std::string> sortedKeys(const StringMap &map)
{
    std::vector<std::string> keys;
    keys.reserve(map.size());
    for (const auto &[k, v] : map)
        keys.push_back(k);
    std::sort(keys.begin(), keys.end());
    return keys;
}

// Go's time.Time.String() for a UTC meta/v1 Time.
std::string goTime(const metav1::Time &t)
{
    const std::time_t secs = static_cast<std::time_t>(t.seconds());
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S +0000 UTC", &tm);
    return buf;
}

bool sameTime(bool hasA, const metav1::Time &a, bool hasB, const metav1::Time &b)
{
    const bool zeroA = !hasA || (a.seconds() == 0 && a.nanos() == 0);
    const bool zeroB = !hasB || (b.seconds() == 0 && b.nanos() == 0);
    if (zeroA || zeroB)
        return zeroA == zeroB;
    return a.seconds() == b.seconds() && a.nanos() == b.nanos();
}

void ownerReferences(const metav1::ObjectMeta &meta, const std::string &path, FieldErrors &errs)
{
    std::string firstController;
    for (const metav1::OwnerReference &ref : meta.owner_references()) {
        const std::string &apiVersion = ref.api_version();
        std::string group;
        std::string version;
        const size_t slash = apiVersion.find('/');
        if (slash == std::string::npos) {
            version = apiVersion;
        } else if (apiVersion.find('/', slash + 1) == std::string::npos) {
            group = apiVersion.substr(0, slash);
            version = apiVersion.substr(slash + 1);
        }
        if (version.empty())
            errs.push_back(FieldError::invalid(child(path, "apiVersion"), q(apiVersion),
                                               "version must not be empty"));
        if (ref.kind().empty())
            errs.push_back(
                FieldError::invalid(child(path, "kind"), q(ref.kind()), "must not be empty"));
        if (ref.name().empty())
            errs.push_back(
                FieldError::invalid(child(path, "name"), q(ref.name()), "must not be empty"));
        if (ref.uid().empty())
            errs.push_back(
                FieldError::invalid(child(path, "uid"), q(ref.uid()), "must not be empty"));
        if (group.empty() && version == "v1" && ref.kind() == "Event")
            errs.push_back(
                FieldError::invalid(path, {}, "/v1, Kind=Event is disallowed from being an owner"));
        if (ref.controller()) {
            const std::string current = ref.kind() + "/" + ref.name();
            if (!firstController.empty())
                errs.push_back(FieldError::invalid(
                    path, {},
                    "Only one reference can have Controller set to true. Found \"true\" in "
                    "references for " +
                        firstController + " and " + current));
            else
                firstController = current;
        }
    }
}

void finalizers(const metav1::ObjectMeta &meta, const std::string &path, bool kube,
                FieldErrors &errs)
{
    bool orphan = false;
    bool foreground = false;
    for (const std::string &f : meta.finalizers()) {
        qualifiedName(f, path, errs);
        orphan = orphan || f == "orphan";
        foreground = foreground || f == "foregroundDeletion";
    }
    if (orphan && foreground)
        errs.push_back(FieldError::invalid(
            path, goStringList({meta.finalizers().begin(), meta.finalizers().end()}),
            "finalizer orphan and foregroundDeletion cannot be both set"));
    if (kube)
        for (int i = 0; i < meta.finalizers_size(); ++i)
            if (meta.finalizers(i).find('/') == std::string::npos)
                kubeFinalizerName(meta.finalizers(i), index(path, i), errs);
}

void commonMeta(const metav1::ObjectMeta &meta, FieldErrors &errs, bool kube)
{
    nonNegative(meta.generation(), "metadata.generation", errs);
    labels(meta.labels(), "metadata.labels", errs);
    annotations(meta.annotations(), "metadata.annotations", errs);
    ownerReferences(meta, "metadata.ownerReferences", errs);
    finalizers(meta, "metadata.finalizers", kube, errs);
}

} // namespace

std::string goStringMap(const StringMap &map, bool isNil)
{
    if (isNil && map.empty())
        return "map[string]string(nil)";
    std::string out = "map[string]string{";
    bool first = true;
    for (const std::string &k : sortedKeys(map)) {
        if (!first)
            out += ", ";
        first = false;
        out += q(k) + ":" + q(map.at(k));
    }
    return out + "}";
}

std::string goStringList(const std::vector<std::string> &list)
{
    std::string out = "[]string{";
    for (size_t i = 0; i < list.size(); ++i)
        out += (i ? ", " : "") + q(list[i]);
    return out + "}";
}

std::string intOrString(const intstr::IntOrString &v)
{
    return v.type() == 1 ? q(v.str_val()) : num(v.int_val());
}

std::string goLabelSelector(const metav1::LabelSelector &s)
{
    std::string out =
        "v1.LabelSelector{MatchLabels:" + goStringMap(s.match_labels(), s.match_labels().empty()) +
        ", MatchExpressions:";
    if (s.match_expressions().empty())
        return out + "[]v1.LabelSelectorRequirement(nil)}";
    out += "[]v1.LabelSelectorRequirement{";
    for (int i = 0; i < s.match_expressions_size(); ++i) {
        const metav1::LabelSelectorRequirement &r = s.match_expressions(i);
        out += (i ? ", " : "");
        out += "v1.LabelSelectorRequirement{Key:" + q(r.key()) + ", Operator:" + q(r.operator_()) +
               ", Values:";
        out += r.values().empty() ? "[]string(nil)"
                                  : goStringList({r.values().begin(), r.values().end()});
        out += "}";
    }
    return out + "}}";
}

void nonNegative(long long value, const std::string &path, FieldErrors &errs)
{
    if (value < 0)
        errs.push_back(FieldError::invalid(path, num(value), kIsNegative));
}

void qualifiedName(std::string_view value, const std::string &path, FieldErrors &errs)
{
    for (std::string &m : names::isQualifiedName(value))
        errs.push_back(FieldError::invalid(path, q(value), std::move(m)));
}

void dns1123Label(std::string_view value, const std::string &path, FieldErrors &errs)
{
    for (std::string &m : names::isDns1123Label(value))
        errs.push_back(FieldError::invalid(path, q(value), std::move(m)));
}

void dns1123Subdomain(std::string_view value, const std::string &path, FieldErrors &errs)
{
    for (std::string &m : names::isDns1123Subdomain(value))
        errs.push_back(FieldError::invalid(path, q(value), std::move(m)));
}

void nameRule(names::NameRule rule, std::string_view value, const std::string &path,
              FieldErrors &errs)
{
    for (std::string &m : names::validateName(rule, value, false))
        errs.push_back(FieldError::invalid(path, q(value), std::move(m)));
}

void labels(const StringMap &map, const std::string &path, FieldErrors &errs)
{
    for (const std::string &k : sortedKeys(map)) {
        qualifiedName(k, path, errs);
        for (std::string &m : names::isLabelValue(map.at(k)))
            errs.push_back(FieldError::invalid(path, q(map.at(k)), std::move(m)));
    }
}

void annotations(const StringMap &map, const std::string &path, FieldErrors &errs)
{
    size_t total = 0;
    for (const std::string &k : sortedKeys(map)) {
        std::string lower = k;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        for (std::string &m : names::isQualifiedName(lower))
            errs.push_back(FieldError::invalid(path, q(k), std::move(m)));
        total += k.size() + map.at(k).size();
    }
    constexpr int kLimit = 256 * 1024;
    if (total > static_cast<size_t>(kLimit))
        errs.push_back(FieldError::tooLong(path, {}, kLimit));
}

void labelSelector(const metav1::LabelSelector *selector, const std::string &path,
                   FieldErrors &errs)
{
    if (!selector)
        return;
    labels(selector->match_labels(), child(path, "matchLabels"), errs);
    for (int i = 0; i < selector->match_expressions_size(); ++i) {
        const metav1::LabelSelectorRequirement &r = selector->match_expressions(i);
        const std::string p = index(child(path, "matchExpressions"), i);
        const std::string &op = r.operator_();
        if (op == "In" || op == "NotIn") {
            if (r.values().empty())
                errs.push_back(FieldError::required(
                    child(p, "values"), "must be specified when `operator` is 'In' or 'NotIn'"));
        } else if (op == "Exists" || op == "DoesNotExist") {
            if (!r.values().empty())
                errs.push_back(FieldError::forbidden(
                    child(p, "values"),
                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        } else {
            errs.push_back(
                FieldError::invalid(child(p, "operator"), q(op), "not a valid selector operator"));
        }
        qualifiedName(r.key(), child(p, "key"), errs);
        for (int j = 0; j < r.values_size(); ++j)
            for (std::string &m : names::isLabelValue(r.values(j)))
                errs.push_back(FieldError::invalid(index(child(p, "values"), j), q(r.values(j)),
                                                   std::move(m)));
    }
}

void kubeFinalizerName(std::string_view value, const std::string &path, FieldErrors &errs)
{
    if (value.find('/') != std::string_view::npos)
        return;
    if (value != "kubernetes" && value != "orphan" && value != "foregroundDeletion")
        errs.push_back(FieldError::invalid(
            path, q(value), "name is neither a standard finalizer name nor is it fully qualified"));
}

void objectMeta(const metav1::ObjectMeta &meta, bool namespaced, names::NameRule rule,
                FieldErrors &errs, bool kubeFinalizers)
{
    if (!meta.generate_name().empty())
        for (std::string &m : names::validateName(rule, meta.generate_name(), true))
            errs.push_back(FieldError::invalid("metadata.generateName", q(meta.generate_name()),
                                               std::move(m)));
    if (meta.name().empty())
        errs.push_back(FieldError::required("metadata.name", "name or generateName is required"));
    else
        nameRule(rule, meta.name(), "metadata.name", errs);
    if (namespaced) {
        if (meta.namespace_().empty())
            errs.push_back(FieldError::required("metadata.namespace"));
        else
            for (std::string &m : names::isDns1123Label(meta.namespace_()))
                errs.push_back(
                    FieldError::invalid("metadata.namespace", q(meta.namespace_()), std::move(m)));
    } else if (!meta.namespace_().empty()) {
        errs.push_back(FieldError::forbidden("metadata.namespace", "not allowed on this type"));
    }
    commonMeta(meta, errs, kubeFinalizers);
}

void objectMetaUpdate(const metav1::ObjectMeta &meta, const metav1::ObjectMeta &old,
                      FieldErrors &errs, bool kubeFinalizers)
{
    if (old.has_deletion_timestamp()) {
        const std::set<std::string> before(old.finalizers().begin(), old.finalizers().end());
        std::set<std::string> added;
        for (const std::string &f : meta.finalizers())
            if (!before.count(f))
                added.insert(f);
        if (!added.empty())
            errs.push_back(FieldError::forbidden(
                "metadata.finalizers",
                "no new finalizers can be added if the object is being deleted, found new "
                "finalizers " +
                    goStringList({added.begin(), added.end()})));
    }
    if (meta.resource_version().empty())
        errs.push_back(FieldError::invalid("metadata.resourceVersion", q(""),
                                           "must be specified for an update"));
    if (meta.generation() < old.generation())
        errs.push_back(FieldError::invalid("metadata.generation", num(meta.generation()),
                                           "must not be decremented"));
    if (meta.name() != old.name())
        errs.push_back(FieldError::invalid("metadata.name", q(meta.name()), kImmutable));
    if (meta.namespace_() != old.namespace_())
        errs.push_back(FieldError::invalid("metadata.namespace", q(meta.namespace_()), kImmutable));
    if (meta.uid() != old.uid())
        errs.push_back(FieldError::invalid("metadata.uid", q(meta.uid()), kImmutable));
    if (!sameTime(meta.has_creation_timestamp(), meta.creation_timestamp(),
                  old.has_creation_timestamp(), old.creation_timestamp()))
        errs.push_back(FieldError::invalid("metadata.creationTimestamp",
                                           goTime(meta.creation_timestamp()), kImmutable));
    if (!sameTime(meta.has_deletion_timestamp(), meta.deletion_timestamp(),
                  old.has_deletion_timestamp(), old.deletion_timestamp()))
        errs.push_back(FieldError::invalid(
            "metadata.deletionTimestamp",
            meta.has_deletion_timestamp() ? goTime(meta.deletion_timestamp()) : std::string("null"),
            kImmutable));
    if (meta.has_deletion_grace_period_seconds() != old.has_deletion_grace_period_seconds() ||
        meta.deletion_grace_period_seconds() != old.deletion_grace_period_seconds())
        errs.push_back(FieldError::invalid("metadata.deletionGracePeriodSeconds",
                                           meta.has_deletion_grace_period_seconds()
                                               ? num(meta.deletion_grace_period_seconds())
                                               : std::string("null"),
                                           kImmutable));
    labels(meta.labels(), "metadata.labels", errs);
    annotations(meta.annotations(), "metadata.annotations", errs);
    ownerReferences(meta, "metadata.ownerReferences", errs);
    finalizers(meta, "metadata.finalizers", kubeFinalizers, errs);
}

void positiveIntOrPercent(const intstr::IntOrString &v, const std::string &path, FieldErrors &errs)
{
    if (v.type() == 1) {
        for (std::string &m : names::isValidPercent(v.str_val()))
            errs.push_back(FieldError::invalid(path, q(v.str_val()), std::move(m)));
    } else if (v.type() == 0) {
        nonNegative(v.int_val(), path, errs);
    } else {
        errs.push_back(FieldError::invalid(path, intOrString(v),
                                           "must be an integer or percentage (e.g '5%')"));
    }
}

long long intOrPercentValue(const intstr::IntOrString &v)
{
    if (v.type() != 1)
        return v.int_val();
    if (!names::isValidPercent(v.str_val()).empty())
        return -1;
    long long value = 0;
    const std::string &s = v.str_val();
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size() - 1, value);
    return ec == std::errc() ? value : -1;
}

void notMoreThan100Percent(const intstr::IntOrString &v, const std::string &path, FieldErrors &errs)
{
    if (v.type() != 1 || !names::isValidPercent(v.str_val()).empty())
        return;
    if (intOrPercentValue(v) > 100)
        errs.push_back(FieldError::invalid(path, q(v.str_val()), "must not be greater than 100%"));
}

} // namespace kubist::apiserver::vutil
