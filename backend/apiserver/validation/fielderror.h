#pragma once

#include <string>
#include <vector>

namespace kubist::apiserver {

// One invalid field, as Kubernetes' field.Error reports it. `type` is the
// reason a Status cause carries ("FieldValueRequired", "FieldValueInvalid",
// "FieldValueNotSupported", "FieldValueDuplicate", "FieldValueForbidden",
// "FieldValueTooLong", "FieldValueTooMany", "FieldValueNotFound",
// "FieldValueTypeInvalid").
struct FieldError
{
    std::string type;
    std::string field;    // "spec.containers[0].name"
    std::string detail;   // the explanation after the value, may be empty
    std::string badValue; // already quoted as upstream prints it ("\"Foo\"", 3); may be empty

    // The cause message without the field: "Required value",
    // "Invalid value: \"Foo\": must be ...", "Unsupported value: ...".
    std::string message() const;
    // "<field>: <message()>", as in the Status message.
    std::string toString() const;

    static FieldError required(std::string field, std::string detail = {});
    static FieldError invalid(std::string field, std::string badValue, std::string detail);
    static FieldError notSupported(std::string field, std::string badValue,
                                   const std::vector<std::string> &supported);
    static FieldError duplicate(std::string field, std::string badValue);
    static FieldError forbidden(std::string field, std::string detail);
    static FieldError tooLong(std::string field, std::string badValue, int maxLength);
    static FieldError tooMany(std::string field, int actual, int max);
    static FieldError notFound(std::string field, std::string badValue);
};

using FieldErrors = std::vector<FieldError>;

// Quotes a string value as Go's %q does for plain text: "\"value\"".
std::string quoteValue(const std::string &value);

} // namespace kubist::apiserver
