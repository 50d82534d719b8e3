#include "backend/apiserver/printers/tablejson.h"

#include "backend/api/jsoncodec.h"
#include "backend/api/scheme.h"

#include "meta_v1.pb.h"

#include <google/protobuf/message.h>

namespace kubist::apiserver::printers {

namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;

using google::protobuf::Message;

namespace {

void appendString(std::string_view s, std::string &out)
{
    api::JsonCodec::appendQuoted(s, out);
}

void appendListMeta(const TableListMeta &m, std::string &out)
{
    out += '{';
    bool first = true;
    auto key = [&](std::string_view k) {
        if (!first)
            out += ',';
        first = false;
        appendString(k, out);
        out += ':';
    };
    if (!m.resourceVersion.empty()) {
        key("resourceVersion");
        appendString(m.resourceVersion, out);
    }
    if (!m.continueToken.empty()) {
        key("continue");
        appendString(m.continueToken, out);
    }
    if (m.remainingItemCount) {
        key("remainingItemCount");
        out += std::to_string(*m.remainingItemCount);
    }
    out += '}';
}

void appendColumns(const std::vector<ColumnDefinition> &columns, std::string &out)
{
    out += '[';
    for (size_t i = 0; i < columns.size(); ++i) {
        const ColumnDefinition &c = columns[i];
        if (i > 0)
            out += ',';
        out += "{\"name\":";
        appendString(c.name, out);
        out += ",\"type\":";
        appendString(c.type, out);
        out += ",\"format\":";
        appendString(c.format, out);
        out += ",\"description\":";
        appendString(c.description, out);
        out += ",\"priority\":";
        out += std::to_string(c.priority);
        out += '}';
    }
    out += ']';
}

void appendCell(const Cell &cell, std::string &out)
{
    if (const auto *s = std::get_if<std::string>(&cell))
        appendString(*s, out);
    else if (const auto *i = std::get_if<std::int64_t>(&cell))
        out += std::to_string(*i);
    else
        out += std::get<bool>(cell) ? "true" : "false";
}

void appendConditions(const std::vector<RowCondition> &conditions, std::string &out)
{
    out += '[';
    for (size_t i = 0; i < conditions.size(); ++i) {
        const RowCondition &c = conditions[i];
        if (i > 0)
            out += ',';
        out += "{\"type\":";
        appendString(c.type, out);
        out += ",\"status\":";
        appendString(c.status, out);
        if (!c.reason.empty()) {
            out += ",\"reason\":";
            appendString(c.reason, out);
        }
        if (!c.message.empty()) {
            out += ",\"message\":";
            appendString(c.message, out);
        }
        out += '}';
    }
    out += ']';
}

// The row's "object" member, as TableOptions.includeObject asks.
void appendObject(const api::KindInfo &kind, const Message &object,
                  TableOptions::IncludeObject include, std::string &out)
{
    switch (include) {
    case TableOptions::IncludeObject::None:
        out += "null";
        return;
    case TableOptions::IncludeObject::Object:
        api::JsonCodec::encodeTo(object, out, {kind.typeMeta()});
        return;
    case TableOptions::IncludeObject::Metadata:
        break;
    }
    meta::PartialObjectMetadata partial;
    const google::protobuf::FieldDescriptor *fd =
        object.GetDescriptor()->FindFieldByName("metadata");
    if (fd && fd->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE &&
        !fd->is_repeated() && fd->message_type() == meta::ObjectMeta::descriptor())
        partial.mutable_metadata()->CopyFrom(object.GetReflection()->GetMessage(object, fd));
    api::JsonCodec::encodeTo(partial, out, {{"meta.k8s.io/v1", "PartialObjectMetadata"}});
}

} // namespace

Result<TableOptions::IncludeObject> parseIncludeObject(std::string_view value)
{
    if (value.empty() || value == "Metadata")
        return TableOptions::IncludeObject::Metadata;
    if (value == "None")
        return TableOptions::IncludeObject::None;
    if (value == "Object")
        return TableOptions::IncludeObject::Object;
    std::string quoted;
    api::JsonCodec::appendQuoted(value, quoted);
    return Status::invalidArgument(
        "Unable to convert to Table as requested: includeObject: Unsupported value: " + quoted +
        ": supported values: \"Metadata\", \"None\", \"Object\"");
}

Result<std::string> tableJson(const api::KindInfo &kind,
                              const std::vector<const Message *> &objects,
                              const TableListMeta &listMeta, const TableOptions &options)
{
    const PrintTime now{options.nowSeconds, options.nowNanos};
    std::string out = R"({"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":)";
    appendListMeta(listMeta, out);
    out += ",\"columnDefinitions\":";
    if (options.includeColumnDefinitions)
        appendColumns(columnDefinitions(kind), out);
    else
        out += "null";
    out += ",\"rows\":";
    if (objects.empty() && !hasPrinter(kind)) {
        out += "null}";
        return out;
    }
    out += '[';
    for (size_t i = 0; i < objects.size(); ++i) {
        if (!objects[i])
            return Status::invalidArgument("tableJson: object " + std::to_string(i) + " is null");
        Result<PrintedRow> row = printRow(kind, *objects[i], now);
        if (!row.isOk())
            return row.status();
        if (i > 0)
            out += ',';
        out += "{\"cells\":[";
        const std::vector<Cell> &cells = row.value().cells;
        for (size_t c = 0; c < cells.size(); ++c) {
            if (c > 0)
                out += ',';
            appendCell(cells[c], out);
        }
        out += ']';
        if (!row.value().conditions.empty()) {
            out += ",\"conditions\":";
            appendConditions(row.value().conditions, out);
        }
        out += ",\"object\":";
        appendObject(kind, *objects[i], options.includeObject, out);
        out += '}';
    }
    out += "]}";
    return out;
}

} // namespace kubist::apiserver::printers
