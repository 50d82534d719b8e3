#include "openapiv2.h"

#include "discovery.h"
#include "openapibuilder.h"

#include "backend/api/scheme.h"

#include "openapiv2.pb.h"

namespace kubist::apiserver::openapiv2 {

namespace {

using nlohmann::json;
namespace v2 = openapi::v2;

std::string str(const json &j, const char *key)
{
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool boolean(const json &j, const char *key)
{
    auto it = j.find(key);
    return it != j.end() && it->is_boolean() && it->get<bool>();
}

template<class T> bool number(const json &j, const char *key, T *out)
{
    auto it = j.find(key);
    if (it == j.end() || !it->is_number())
        return false;
    *out = it->get<T>();
    return true;
}

std::vector<std::string> strings(const json &j, const char *key)
{
    std::vector<std::string> out;
    auto it = j.find(key);
    if (it == j.end() || !it->is_array())
        return out;
    for (const json &v : *it)
        if (v.is_string())
            out.push_back(v.get<std::string>());
    return out;
}

template<class Repeated> void addStrings(Repeated *field, const std::vector<std::string> &v)
{
    for (const std::string &s : v)
        field->Add(std::string(s));
}

std::string dump(const json &j)
{
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Free-form values keep their text as YAML; flow-style JSON is valid YAML.
void setAny(const json &value, v2::Any *out)
{
    out->set_yaml(dump(value) + "\n");
}

template<class Message> void addVendorExtensions(const json &j, Message *out)
{
    for (auto &[key, value] : j.items()) {
        if (!key.starts_with("x-"))
            continue;
        v2::NamedAny *named = out->add_vendor_extension();
        named->set_name(key);
        setAny(value, named->mutable_value());
    }
}

void toSchema(const json &j, v2::Schema *out);

void toSchemaList(const json &j, google::protobuf::RepeatedPtrField<v2::Schema> *out)
{
    if (j.is_array()) {
        for (const json &item : j)
            if (item.is_object())
                toSchema(item, out->Add());
    } else if (j.is_object()) {
        toSchema(j, out->Add());
    }
}

void toSchema(const json &j, v2::Schema *out)
{
    if (!j.is_object())
        return;
    out->set__ref(str(j, "$ref"));
    out->set_format(str(j, "format"));
    out->set_title(str(j, "title"));
    out->set_description(str(j, "description"));
    if (auto it = j.find("default"); it != j.end())
        setAny(*it, out->mutable_default_());
    double d = 0;
    if (number(j, "multipleOf", &d))
        out->set_multiple_of(d);
    if (number(j, "maximum", &d))
        out->set_maximum(d);
    out->set_exclusive_maximum(boolean(j, "exclusiveMaximum"));
    if (number(j, "minimum", &d))
        out->set_minimum(d);
    out->set_exclusive_minimum(boolean(j, "exclusiveMinimum"));
    int64_t n = 0;
    if (number(j, "maxLength", &n))
        out->set_max_length(n);
    if (number(j, "minLength", &n))
        out->set_min_length(n);
    out->set_pattern(str(j, "pattern"));
    if (number(j, "maxItems", &n))
        out->set_max_items(n);
    if (number(j, "minItems", &n))
        out->set_min_items(n);
    out->set_unique_items(boolean(j, "uniqueItems"));
    if (number(j, "maxProperties", &n))
        out->set_max_properties(n);
    if (number(j, "minProperties", &n))
        out->set_min_properties(n);
    addStrings(out->mutable_required(), strings(j, "required"));
    if (auto it = j.find("enum"); it != j.end() && it->is_array())
        for (const json &v : *it)
            setAny(v, out->add_enum_());
    if (auto it = j.find("additionalProperties"); it != j.end()) {
        if (it->is_boolean())
            out->mutable_additional_properties()->set_boolean(it->get<bool>());
        else if (it->is_object())
            toSchema(*it, out->mutable_additional_properties()->mutable_schema());
    }
    if (auto it = j.find("type"); it != j.end()) {
        if (it->is_string())
            out->mutable_type()->add_value(it->get<std::string>());
        else
            addStrings(out->mutable_type()->mutable_value(), strings(j, "type"));
    }
    if (auto it = j.find("items"); it != j.end())
        toSchemaList(*it, out->mutable_items()->mutable_schema());
    if (auto it = j.find("allOf"); it != j.end())
        toSchemaList(*it, out->mutable_all_of());
    if (auto it = j.find("properties"); it != j.end() && it->is_object()) {
        v2::Properties *properties = out->mutable_properties();
        for (auto &[name, schema] : it->items()) {
            v2::NamedSchema *named = properties->add_additional_properties();
            named->set_name(name);
            toSchema(schema, named->mutable_value());
        }
    }
    out->set_discriminator(str(j, "discriminator"));
    out->set_read_only(boolean(j, "readOnly"));
    if (auto it = j.find("example"); it != j.end())
        setAny(*it, out->mutable_example());
    addVendorExtensions(j, out);
}

// Fills the members every non-body parameter kind shares.
template<class Sub> void toNonBody(const json &j, Sub *out)
{
    out->set_required(boolean(j, "required"));
    out->set_in(str(j, "in"));
    out->set_description(str(j, "description"));
    out->set_name(str(j, "name"));
    out->set_type(str(j, "type"));
    out->set_format(str(j, "format"));
    out->set_collection_format(str(j, "collectionFormat"));
    if (auto it = j.find("default"); it != j.end())
        setAny(*it, out->mutable_default_());
    out->set_pattern(str(j, "pattern"));
    out->set_unique_items(boolean(j, "uniqueItems"));
    if (auto it = j.find("enum"); it != j.end() && it->is_array())
        for (const json &v : *it)
            setAny(v, out->add_enum_());
    addVendorExtensions(j, out);
}

void toParametersItem(const json &j, v2::ParametersItem *out)
{
    if (j.contains("$ref")) {
        out->mutable_json_reference()->set__ref(str(j, "$ref"));
        out->mutable_json_reference()->set_description(str(j, "description"));
        return;
    }
    v2::Parameter *parameter = out->mutable_parameter();
    const std::string in = str(j, "in");
    if (in == "body") {
        v2::BodyParameter *body = parameter->mutable_body_parameter();
        body->set_description(str(j, "description"));
        body->set_name(str(j, "name"));
        body->set_in(in);
        body->set_required(boolean(j, "required"));
        if (auto it = j.find("schema"); it != j.end())
            toSchema(*it, body->mutable_schema());
        addVendorExtensions(j, body);
        return;
    }
    v2::NonBodyParameter *nonBody = parameter->mutable_non_body_parameter();
    if (in == "header") {
        toNonBody(j, nonBody->mutable_header_parameter_sub_schema());
    } else if (in == "formData") {
        auto *form = nonBody->mutable_form_data_parameter_sub_schema();
        toNonBody(j, form);
        form->set_allow_empty_value(boolean(j, "allowEmptyValue"));
    } else if (in == "path") {
        toNonBody(j, nonBody->mutable_path_parameter_sub_schema());
    } else {
        auto *query = nonBody->mutable_query_parameter_sub_schema();
        toNonBody(j, query);
        query->set_allow_empty_value(boolean(j, "allowEmptyValue"));
    }
}

void toParameters(const json &j, google::protobuf::RepeatedPtrField<v2::ParametersItem> *out)
{
    if (!j.is_array())
        return;
    for (const json &p : j)
        if (p.is_object())
            toParametersItem(p, out->Add());
}

void toOperation(const json &j, v2::Operation *out)
{
    addStrings(out->mutable_tags(), strings(j, "tags"));
    out->set_summary(str(j, "summary"));
    out->set_description(str(j, "description"));
    out->set_operation_id(str(j, "operationId"));
    addStrings(out->mutable_produces(), strings(j, "produces"));
    addStrings(out->mutable_consumes(), strings(j, "consumes"));
    if (auto it = j.find("parameters"); it != j.end())
        toParameters(*it, out->mutable_parameters());
    if (auto it = j.find("responses"); it != j.end() && it->is_object()) {
        v2::Responses *responses = out->mutable_responses();
        for (auto &[code, value] : it->items()) {
            if (code.starts_with("x-") || !value.is_object())
                continue;
            v2::NamedResponseValue *named = responses->add_response_code();
            named->set_name(code);
            if (value.contains("$ref")) {
                named->mutable_value()->mutable_json_reference()->set__ref(str(value, "$ref"));
                continue;
            }
            v2::Response *response = named->mutable_value()->mutable_response();
            response->set_description(str(value, "description"));
            if (auto schema = value.find("schema"); schema != value.end())
                toSchema(*schema, response->mutable_schema()->mutable_schema());
            addVendorExtensions(value, response);
        }
        addVendorExtensions(*it, responses);
    }
    addStrings(out->mutable_schemes(), strings(j, "schemes"));
    out->set_deprecated(boolean(j, "deprecated"));
    addVendorExtensions(j, out);
}

void toPathItem(const json &j, v2::PathItem *out)
{
    out->set__ref(str(j, "$ref"));
    const std::pair<const char *, v2::Operation *(v2::PathItem::*)()> methods[] = {
        {"get", &v2::PathItem::mutable_get},         {"put", &v2::PathItem::mutable_put},
        {"post", &v2::PathItem::mutable_post},       {"delete", &v2::PathItem::mutable_delete_},
        {"options", &v2::PathItem::mutable_options}, {"head", &v2::PathItem::mutable_head},
        {"patch", &v2::PathItem::mutable_patch},
    };
    for (const auto &[name, mutableOperation] : methods)
        if (auto it = j.find(name); it != j.end() && it->is_object())
            toOperation(*it, (out->*mutableOperation)());
    if (auto it = j.find("parameters"); it != j.end())
        toParameters(*it, out->mutable_parameters());
    addVendorExtensions(j, out);
}

} // namespace

std::string documentJson(const Kinds &kinds)
{
    OpenApiBuilder builder(kinds, OpenApiFlavor::V2);
    for (const std::string &gv : discovery::servedGroupVersions(kinds))
        builder.addGroupVersion(gv);
    return dump(builder.document());
}

Status fromJson(std::string_view text, openapi::v2::Document *out)
{
    out->Clear();
    const json j = json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return Status::invalidArgument("OpenAPI v2 document: not a JSON object");
    if (str(j, "swagger") != "2.0")
        return Status::invalidArgument("OpenAPI v2 document: \"swagger\" is not \"2.0\"");
    out->set_swagger("2.0");
    if (auto it = j.find("info"); it != j.end() && it->is_object()) {
        v2::Info *info = out->mutable_info();
        info->set_title(str(*it, "title"));
        info->set_version(str(*it, "version"));
        info->set_description(str(*it, "description"));
        info->set_terms_of_service(str(*it, "termsOfService"));
        addVendorExtensions(*it, info);
    }
    out->set_host(str(j, "host"));
    out->set_base_path(str(j, "basePath"));
    addStrings(out->mutable_schemes(), strings(j, "schemes"));
    addStrings(out->mutable_consumes(), strings(j, "consumes"));
    addStrings(out->mutable_produces(), strings(j, "produces"));
    if (auto it = j.find("paths"); it != j.end() && it->is_object()) {
        v2::Paths *paths = out->mutable_paths();
        for (auto &[path, item] : it->items()) {
            if (path.starts_with("x-") || !item.is_object())
                continue;
            v2::NamedPathItem *named = paths->add_path();
            named->set_name(path);
            toPathItem(item, named->mutable_value());
        }
        addVendorExtensions(*it, paths);
    }
    if (auto it = j.find("definitions"); it != j.end() && it->is_object()) {
        v2::Definitions *definitions = out->mutable_definitions();
        for (auto &[name, schema] : it->items()) {
            v2::NamedSchema *named = definitions->add_additional_properties();
            named->set_name(name);
            toSchema(schema, named->mutable_value());
        }
    }
    if (auto it = j.find("parameters"); it != j.end() && it->is_object()) {
        for (auto &[name, parameter] : it->items()) {
            v2::NamedParameter *named = out->mutable_parameters()->add_additional_properties();
            named->set_name(name);
            v2::ParametersItem item;
            toParametersItem(parameter, &item);
            if (item.has_parameter())
                *named->mutable_value() = item.parameter();
        }
    }
    if (auto it = j.find("security"); it != j.end() && it->is_array()) {
        for (const json &requirement : *it) {
            if (!requirement.is_object())
                continue;
            v2::SecurityRequirement *out_requirement = out->add_security();
            for (auto &[name, scopes] : requirement.items()) {
                v2::NamedStringArray *named = out_requirement->add_additional_properties();
                named->set_name(name);
                named->mutable_value();
                if (scopes.is_array())
                    for (const json &scope : scopes)
                        if (scope.is_string())
                            named->mutable_value()->add_value(scope.get<std::string>());
            }
        }
    }
    if (auto it = j.find("securityDefinitions"); it != j.end() && it->is_object()) {
        for (auto &[name, definition] : it->items()) {
            v2::NamedSecurityDefinitionsItem *named =
                out->mutable_security_definitions()->add_additional_properties();
            named->set_name(name);
            const std::string type = str(definition, "type");
            if (type == "basic") {
                auto *basic = named->mutable_value()->mutable_basic_authentication_security();
                basic->set_type(type);
                basic->set_description(str(definition, "description"));
                addVendorExtensions(definition, basic);
            } else if (type == "apiKey") {
                auto *apiKey = named->mutable_value()->mutable_api_key_security();
                apiKey->set_type(type);
                apiKey->set_name(str(definition, "name"));
                apiKey->set_in(str(definition, "in"));
                apiKey->set_description(str(definition, "description"));
                addVendorExtensions(definition, apiKey);
            }
        }
    }
    addVendorExtensions(j, out);
    return Status::ok();
}

Result<std::string> documentProtobuf(const Kinds &kinds)
{
    v2::Document doc;
    if (Status s = fromJson(documentJson(kinds), &doc); !s)
        return s;
    std::string bytes;
    if (!doc.SerializeToString(&bytes))
        return Status::internal("OpenAPI v2 document: protobuf serialization failed");
    return bytes;
}

} // namespace kubist::apiserver::openapiv2
