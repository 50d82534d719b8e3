#pragma once

#include "backend/util/status.h"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace google::protobuf {
class Message;
} // namespace google::protobuf

namespace kubist::api {
struct KindInfo;
} // namespace kubist::api

namespace kubist::apiserver::printers {

// The columns and cells of kube-apiserver's printers
// (kubernetes/kubernetes pkg/printers/internalversion/printers.go), which is
// what `kubectl get` shows for the built-in kinds.
//
// The API server always prints "wide": a Table carries every column, the
// priority-1 ones included, and kubectl hides priority > 0 columns unless
// `-o wide` is given. So every function here returns all columns and cells.
//
// Kinds without a printer of their own get upstream's default table
// (registry/rest/table.go): "Name" and "Created At" (type "date"), the latter
// an RFC 3339 UTC timestamp rather than an age.
//
// All functions are pure and thread-safe.

// A column of a Table (meta.k8s.io/v1 TableColumnDefinition).
struct ColumnDefinition
{
    std::string name;   // "Name", "Ready", "Nominated Node", ...
    std::string type;   // OpenAPI type: "string", "integer", "date", "boolean"
    std::string format; // "name" on the column holding the object's name, else ""
    // A short description of our own (upstream copies the field's API doc
    // here; clients do not read it).
    std::string description;
    int priority = 0; // 0: always shown; 1: only with `kubectl get -o wide`

    bool operator==(const ColumnDefinition &) const = default;
};

// One cell: a string, an integer (JSON number) or a boolean, as upstream's
// printers put them (e.g. a pod's RESTARTS is the string "3 (5m ago)", a
// replica set's DESIRED the integer 3).
using Cell = std::variant<std::string, std::int64_t, bool>;

// meta.k8s.io/v1 TableRowCondition. Upstream sets one on pods that finished:
// {Completed, True, Succeeded|Failed, ...}.
struct RowCondition
{
    std::string type;
    std::string status;
    std::string reason;
    std::string message;

    bool operator==(const RowCondition &) const = default;
};

struct PrintedRow
{
    std::vector<Cell> cells; // one per column of columnDefinitions()
    std::vector<RowCondition> conditions;
};

// The moment ages are measured from: the cluster clock's "now", as seconds and
// nanoseconds since the Unix epoch.
struct PrintTime
{
    std::int64_t seconds = 0;
    std::int32_t nanos = 0;
};

// True when `kind` has a printer of its own (else the default table applies).
bool hasPrinter(const api::KindInfo &kind);

// The columns of `kind`'s table, in order, priority-1 columns included.
std::vector<ColumnDefinition> columnDefinitions(const api::KindInfo &kind);

// The row for one object of `kind`. Fails (InvalidArgument) when `object` is
// not a message of kind.descriptor's type. `object` may be the generated class
// or any other Message of the same descriptor.
Result<PrintedRow> printRow(const api::KindInfo &kind, const google::protobuf::Message &object,
                            PrintTime now);

// The age cell upstream prints for a timestamp (translateTimestampSince):
// humanDuration(now - t), or "<unknown>" for a zero time (unset, or Go's zero
// time 0001-01-01T00:00:00Z).
std::string translateTimestampSince(std::int64_t seconds, std::int32_t nanos, PrintTime now,
                                    bool isSet = true);

} // namespace kubist::apiserver::printers
