#include "fielderror.h"

namespace kubist::apiserver {

std::string quoteValue(const std::string &value)
{
    std::string out = "\"";
    for (char c : value) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    out += '"';
    return out;
}

std::string FieldError::message() const
{
    std::string m;
    if (type == "FieldValueRequired")
        m = "Required value";
    else if (type == "FieldValueInvalid")
        m = "Invalid value";
    else if (type == "FieldValueNotSupported")
        m = "Unsupported value";
    else if (type == "FieldValueDuplicate")
        m = "Duplicate value";
    else if (type == "FieldValueForbidden")
        m = "Forbidden";
    else if (type == "FieldValueTooLong")
        m = "Too long";
    else if (type == "FieldValueTooMany")
        m = "Too many";
    else if (type == "FieldValueNotFound")
        m = "Not found";
    else
        m = "Invalid value";
    if (!badValue.empty())
        m += ": " + badValue;
    if (!detail.empty())
        m += ": " + detail;
    return m;
}

std::string FieldError::toString() const
{
    return field + ": " + message();
}

FieldError FieldError::required(std::string field, std::string detail)
{
    return {"FieldValueRequired", std::move(field), std::move(detail), {}};
}

FieldError FieldError::invalid(std::string field, std::string badValue, std::string detail)
{
    return {"FieldValueInvalid", std::move(field), std::move(detail), std::move(badValue)};
}

FieldError FieldError::notSupported(std::string field, std::string badValue,
                                    const std::vector<std::string> &supported)
{
    std::string detail;
    if (!supported.empty()) {
        detail = "supported values: ";
        for (size_t i = 0; i < supported.size(); ++i)
            detail += (i ? ", " : "") + quoteValue(supported[i]);
    }
    return {"FieldValueNotSupported", std::move(field), std::move(detail), std::move(badValue)};
}

FieldError FieldError::duplicate(std::string field, std::string badValue)
{
    return {"FieldValueDuplicate", std::move(field), {}, std::move(badValue)};
}

FieldError FieldError::forbidden(std::string field, std::string detail)
{
    return {"FieldValueForbidden", std::move(field), std::move(detail), {}};
}

FieldError FieldError::tooLong(std::string field, std::string badValue, int maxLength)
{
    return {"FieldValueTooLong", std::move(field),
            "may not be more than " + std::to_string(maxLength) + " bytes", std::move(badValue)};
}

FieldError FieldError::tooMany(std::string field, int actual, int max)
{
    return {"FieldValueTooMany", std::move(field),
            "must have at most " + std::to_string(max) + " items", std::to_string(actual)};
}

FieldError FieldError::notFound(std::string field, std::string badValue)
{
    return {"FieldValueNotFound", std::move(field), {}, std::move(badValue)};
}

} // namespace kubist::apiserver
