#pragma once

#include "fielderror.h"
#include "namevalidation.h"

#include <google/protobuf/map.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace k8s::io::apimachinery::pkg::apis::meta::v1 {
class LabelSelector;
class ObjectMeta;
} // namespace k8s::io::apimachinery::pkg::apis::meta::v1
namespace k8s::io::apimachinery::pkg::util::intstr {
class IntOrString;
}

// Building blocks shared by the validators of the kinds: field paths, bad
// values printed as upstream prints them, and the apimachinery rules for
// ObjectMeta, labels and label selectors. Internal to this library.
namespace kubist::apiserver::vutil {

using StringMap = google::protobuf::Map<std::string, std::string>;

// Field paths as upstream's field.Path prints them.
inline std::string child(const std::string &path, std::string_view name)
{
    return path.empty() ? std::string(name) : path + "." + std::string(name);
}
inline std::string index(const std::string &path, long long i)
{
    return path + "[" + std::to_string(i) + "]";
}
inline std::string key(const std::string &path, std::string_view k)
{
    return path + "[" + std::string(k) + "]";
}

// Bad values as upstream's field.Error prints them: strings quoted,
// integers bare, string maps as Go's %#v (keys sorted).
inline std::string q(std::string_view s)
{
    return quoteValue(std::string(s));
}
inline std::string num(long long n)
{
    return std::to_string(n);
}
std::string goStringMap(const StringMap &map, bool isNil);
std::string goStringList(const std::vector<std::string> &list);
// An IntOrString: its integer bare, its string quoted.
std::string intOrString(const k8s::io::apimachinery::pkg::util::intstr::IntOrString &v);
// A meta/v1 LabelSelector as Go's %#v prints it (for "field is immutable").
std::string goLabelSelector(const k8s::io::apimachinery::pkg::apis::meta::v1::LabelSelector &s);

inline constexpr const char *kIsNegative = "must be greater than or equal to 0";
inline constexpr const char *kNotPositive = "must be greater than zero";
inline constexpr const char *kImmutable = "field is immutable";

void nonNegative(long long value, const std::string &path, FieldErrors &errs);
void qualifiedName(std::string_view value, const std::string &path, FieldErrors &errs);
void dns1123Label(std::string_view value, const std::string &path, FieldErrors &errs);
void dns1123Subdomain(std::string_view value, const std::string &path, FieldErrors &errs);
// `name` checked by `rule`, reported as invalid at `path`.
void nameRule(names::NameRule rule, std::string_view value, const std::string &path,
              FieldErrors &errs);

// unversioned ValidateLabels: keys and values, all reported at `path`.
void labels(const StringMap &labels, const std::string &path, FieldErrors &errs);
void annotations(const StringMap &annotations, const std::string &path, FieldErrors &errs);
// unversioned ValidateLabelSelector (values checked too); nothing for nullptr.
void labelSelector(const k8s::io::apimachinery::pkg::apis::meta::v1::LabelSelector *selector,
                   const std::string &path, FieldErrors &errs);

// ObjectMeta on create. `kubeFinalizers`: also the core rule that an
// unqualified finalizer name must be a standard one.
void objectMeta(const k8s::io::apimachinery::pkg::apis::meta::v1::ObjectMeta &meta, bool namespaced,
                names::NameRule rule, FieldErrors &errs, bool kubeFinalizers = true);
// ObjectMeta on update (immutability, resourceVersion, finalizers while
// deleting), plus the label/annotation/ownerReference checks.
void objectMetaUpdate(const k8s::io::apimachinery::pkg::apis::meta::v1::ObjectMeta &meta,
                      const k8s::io::apimachinery::pkg::apis::meta::v1::ObjectMeta &old,
                      FieldErrors &errs, bool kubeFinalizers = true);

// The finalizer-name rules of namespaces' spec.finalizers and of objects'
// metadata.finalizers[i] in the core API.
void kubeFinalizerName(std::string_view value, const std::string &path, FieldErrors &errs);

// PositiveIntOrPercent and IsNotMoreThan100Percent (apps).
void positiveIntOrPercent(const k8s::io::apimachinery::pkg::util::intstr::IntOrString &v,
                          const std::string &path, FieldErrors &errs);
void notMoreThan100Percent(const k8s::io::apimachinery::pkg::util::intstr::IntOrString &v,
                           const std::string &path, FieldErrors &errs);
// The value of an int-or-percent for "is it zero" checks; percent strings
// that do not parse count as -1.
long long intOrPercentValue(const k8s::io::apimachinery::pkg::util::intstr::IntOrString &v);

} // namespace kubist::apiserver::vutil
