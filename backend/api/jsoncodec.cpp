#include "jsoncodec.h"

#include "backend/api/encoding.h"
#include "backend/api/quantity.h"
#include "backend/api/schemainfo.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace kubist::api {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
namespace dom = simdjson::dom;

namespace {

// A parser per thread: it keeps its buffers between documents. Documents
// larger than this keep their buffers only until the next small one.
constexpr size_t kRetainedParserCapacity = 4 << 20;

dom::parser &threadParser(size_t maxDepth)
{
    thread_local dom::parser parser;
    thread_local size_t depth = 0;
    if (depth != maxDepth || parser.capacity() > kRetainedParserCapacity) {
        parser = dom::parser();
        // An allocation failure here resurfaces as the parse's own error.
        if (parser.allocate(64 * 1024, maxDepth) != simdjson::SUCCESS)
            parser = dom::parser();
        depth = maxDepth;
    }
    return parser;
}

std::string_view typeName(dom::element_type t)
{
    switch (t) {
    case dom::element_type::ARRAY:
        return "array";
    case dom::element_type::OBJECT:
        return "object";
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE:
        return "number";
    case dom::element_type::STRING:
        return "string";
    case dom::element_type::BOOL:
        return "boolean";
    case dom::element_type::NULL_VALUE:
        return "null";
    }
    return "value";
}

Status parseError(simdjson::error_code error, size_t maxDepth)
{
    switch (error) {
    case simdjson::DEPTH_ERROR:
        return Status::invalidArgument("invalid JSON: nesting deeper than " +
                                       std::to_string(maxDepth) + " levels");
    case simdjson::UTF8_ERROR:
        return Status::invalidArgument("invalid JSON: the input is not valid UTF-8");
    case simdjson::NUMBER_ERROR:
        return Status::invalidArgument("invalid JSON: a number is malformed or out of range");
    case simdjson::STRING_ERROR:
        return Status::invalidArgument(
            "invalid JSON: a string is malformed (bad escape or lone surrogate)");
    case simdjson::UNESCAPED_CHARS:
        return Status::invalidArgument("invalid JSON: control character inside a string");
    case simdjson::EMPTY:
        return Status::invalidArgument("invalid JSON: the input is empty");
    default:
        return Status::invalidArgument(std::string("invalid JSON: ") +
                                       simdjson::error_message(error));
    }
}

class Decoder
{
public:
    Decoder(const JsonDecodeOptions &options, JsonDecodeReport *report)
        : m_options(options)
        , m_report(report)
    {}

    // `typeMeta` non-null: apiVersion/kind are accepted here and stored.
    Status message(dom::element el, Message *msg, TypeMeta *typeMeta)
    {
        const MessageInfo &info = MessageInfo::of(msg->GetDescriptor());
        if (info.special != Special::None)
            return special(el, msg, info);
        dom::object obj;
        if (el.get_object().get(obj) != simdjson::SUCCESS)
            return typeError("object", el);

        const Reflection *r = msg->GetReflection();
        // Duplicate detection: known fields by index, unknown ones by name.
        const size_t count = info.fieldCount();
        uint64_t seenSmall = 0;
        std::vector<bool> seenLarge;
        if (count > 64)
            seenLarge.resize(count);
        std::vector<std::string_view> unknownSeen;

        for (auto [key, value] : obj) {
            const FieldInfo *f = info.find(key);
            if (!f) {
                if (typeMeta && (key == "apiVersion" || key == "kind")) {
                    std::string_view s;
                    if (value.get_string().get(s) != simdjson::SUCCESS) {
                        PathScope scope(*this, key);
                        return typeError("string", value);
                    }
                    (key == "kind" ? typeMeta->kind : typeMeta->apiVersion) = std::string(s);
                    continue;
                }
                bool duplicate = false;
                for (std::string_view u : unknownSeen)
                    duplicate |= (u == key);
                unknownSeen.push_back(key);
                PathScope scope(*this, key);
                if (Status s = unknownOrDuplicate(duplicate); !s)
                    return s;
                continue;
            }
            const size_t index = info.indexOf(f);
            bool duplicate;
            if (seenLarge.empty()) {
                duplicate = seenSmall & (uint64_t(1) << index);
                seenSmall |= uint64_t(1) << index;
            } else {
                duplicate = seenLarge[index];
                seenLarge[index] = true;
            }
            // A member of an inlined (Go embedded) message lives one level down.
            Message *target = f->via ? r->MutableMessage(msg, f->via) : msg;
            const Reflection *tr = target->GetReflection();
            PathScope scope(*this, key);
            if (duplicate) {
                if (Status s = unknownOrDuplicate(true); !s)
                    return s;
                tr->ClearField(target, f->fd);
            }
            if (Status s = field(value, target, tr, *f); !s)
                return s;
        }
        return {};
    }

private:
    struct PathScope
    {
        PathScope(Decoder &d, std::string_view key)
            : d(d)
        {
            d.m_path.push_back({key, -1});
        }
        PathScope(Decoder &d, int index)
            : d(d)
        {
            d.m_path.push_back({{}, index});
        }
        ~PathScope() { d.m_path.pop_back(); }
        Decoder &d;
    };

    std::string path() const
    {
        std::string p;
        for (const auto &[key, index] : m_path) {
            if (index >= 0) {
                p += '[';
                p += std::to_string(index);
                p += ']';
            } else {
                if (!p.empty())
                    p += '.';
                p += key;
            }
        }
        return p.empty() ? std::string("<root>") : p;
    }

    Status error(std::string_view what) const
    {
        std::string m = path();
        m += ": ";
        m += what;
        return Status::invalidArgument(std::move(m));
    }

    Status typeError(std::string_view expected, dom::element got) const
    {
        std::string m = "expected ";
        m += expected;
        m += ", got ";
        m += typeName(got.type());
        return error(m);
    }

    Status unknownOrDuplicate(bool duplicate)
    {
        if (m_options.strict) {
            std::string m = duplicate ? "duplicate field \"" : "unknown field \"";
            m += path();
            m += '"';
            return Status::invalidArgument(std::move(m));
        }
        if (m_report)
            m_report->warnings.push_back((duplicate ? "duplicate field \"" : "unknown field \"") +
                                         path() + '"');
        return {};
    }

    Status field(dom::element value, Message *msg, const Reflection *r, const FieldInfo &f)
    {
        if (value.is_null())
            return {}; // as Go: null leaves the field unset
        const FieldDescriptor *fd = f.fd;
        if (fd->is_map())
            return mapField(value, msg, r, f);
        if (fd->is_repeated()) {
            dom::array arr;
            if (value.get_array().get(arr) != simdjson::SUCCESS)
                return typeError("array", value);
            int i = 0;
            for (dom::element item : arr) {
                PathScope scope(*this, i++);
                if (fd->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
                    Message *sub = r->AddMessage(msg, fd);
                    if (Status s = message(item, sub, f.itemsCarryTypeMeta ? &m_scratch : nullptr);
                        !s)
                        return s;
                } else if (Status s = scalar(item, msg, r, fd, true); !s) {
                    return s;
                }
            }
            return {};
        }
        if (fd->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE)
            return message(value, r->MutableMessage(msg, fd), nullptr);
        return scalar(value, msg, r, fd, false);
    }

    Status mapField(dom::element value, Message *msg, const Reflection *r, const FieldInfo &f)
    {
        dom::object obj;
        if (value.get_object().get(obj) != simdjson::SUCCESS)
            return typeError("object", value);
        const Descriptor *entryType = f.fd->message_type();
        const FieldDescriptor *keyFd = entryType->map_key();
        const FieldDescriptor *valueFd = entryType->map_value();
        // Each key's entry, so that a duplicate key (lenient mode) replaces
        // the value as in Go, instead of adding a second entry for it.
        std::unordered_map<std::string_view, int> seen;
        const int base = r->FieldSize(*msg, f.fd);
        for (auto [key, item] : obj) {
            PathScope scope(*this, key);
            Message *entry;
            if (auto [it, inserted] = seen.emplace(key, base + int(seen.size())); !inserted) {
                if (Status s = unknownOrDuplicate(true); !s)
                    return s;
                entry = r->MutableRepeatedMessage(msg, f.fd, it->second);
                entry->Clear();
            } else {
                entry = r->AddMessage(msg, f.fd);
            }
            const Reflection *er = entry->GetReflection();
            er->SetString(entry, keyFd, std::string(key));
            if (valueFd->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && item.is_null()) {
                er->MutableMessage(entry, valueFd); // Go keeps the key with a zero value
            } else if (valueFd->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
                if (Status s = message(item, er->MutableMessage(entry, valueFd), nullptr); !s)
                    return s;
            } else if (item.is_null()) {
                continue; // Go stores the zero value for a null map value
            } else if (Status s = scalar(item, entry, er, valueFd, false); !s) {
                return s;
            }
        }
        return {};
    }

    template<class T> Status integer(dom::element v, T *out)
    {
        int64_t i;
        uint64_t u;
        switch (v.type()) {
        case dom::element_type::INT64:
            i = v.get_int64().value_unsafe();
            if (i < int64_t(std::numeric_limits<T>::min()) ||
                (i > 0 && uint64_t(i) > uint64_t(std::numeric_limits<T>::max())))
                return error("number " + std::to_string(i) + " out of range");
            *out = T(i);
            return {};
        case dom::element_type::UINT64:
            u = v.get_uint64().value_unsafe();
            if (u > uint64_t(std::numeric_limits<T>::max()))
                return error("number " + std::to_string(u) + " out of range");
            *out = T(u);
            return {};
        case dom::element_type::DOUBLE:
            return error("expected an integer, got a fractional or exponent number");
        default:
            return typeError("integer", v);
        }
    }

    Status scalar(dom::element v, Message *msg, const Reflection *r, const FieldDescriptor *fd,
                  bool repeated)
    {
        switch (fd->cpp_type()) {
        case FieldDescriptor::CPPTYPE_INT32: {
            int32_t x = 0;
            if (Status s = integer(v, &x); !s)
                return s;
            repeated ? r->AddInt32(msg, fd, x) : r->SetInt32(msg, fd, x);
            return {};
        }
        case FieldDescriptor::CPPTYPE_INT64: {
            int64_t x = 0;
            if (Status s = integer(v, &x); !s)
                return s;
            repeated ? r->AddInt64(msg, fd, x) : r->SetInt64(msg, fd, x);
            return {};
        }
        case FieldDescriptor::CPPTYPE_UINT32: {
            uint32_t x = 0;
            if (Status s = integer(v, &x); !s)
                return s;
            repeated ? r->AddUInt32(msg, fd, x) : r->SetUInt32(msg, fd, x);
            return {};
        }
        case FieldDescriptor::CPPTYPE_UINT64: {
            uint64_t x = 0;
            if (Status s = integer(v, &x); !s)
                return s;
            repeated ? r->AddUInt64(msg, fd, x) : r->SetUInt64(msg, fd, x);
            return {};
        }
        case FieldDescriptor::CPPTYPE_DOUBLE:
        case FieldDescriptor::CPPTYPE_FLOAT: {
            double x = 0;
            if (v.get_double().get(x) != simdjson::SUCCESS)
                return typeError("number", v);
            if (fd->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE)
                repeated ? r->AddDouble(msg, fd, x) : r->SetDouble(msg, fd, x);
            else
                repeated ? r->AddFloat(msg, fd, float(x)) : r->SetFloat(msg, fd, float(x));
            return {};
        }
        case FieldDescriptor::CPPTYPE_BOOL: {
            bool x = false;
            if (v.get_bool().get(x) != simdjson::SUCCESS)
                return typeError("boolean", v);
            repeated ? r->AddBool(msg, fd, x) : r->SetBool(msg, fd, x);
            return {};
        }
        case FieldDescriptor::CPPTYPE_STRING: {
            std::string_view s;
            if (v.get_string().get(s) != simdjson::SUCCESS)
                return typeError("string", v);
            std::string value;
            if (fd->type() == FieldDescriptor::TYPE_BYTES) {
                if (!base64Decode(s, value))
                    return error("illegal base64 data");
            } else {
                value.assign(s);
            }
            repeated ? r->AddString(msg, fd, std::move(value))
                     : r->SetString(msg, fd, std::move(value));
            return {};
        }
        case FieldDescriptor::CPPTYPE_ENUM:
        case FieldDescriptor::CPPTYPE_MESSAGE:
            break;
        }
        return error("unsupported field type in schema");
    }

    Status special(dom::element v, Message *msg, const MessageInfo &info)
    {
        const Reflection *r = msg->GetReflection();
        switch (info.special) {
        case Special::Time:
        case Special::MicroTime: {
            std::string_view s;
            if (v.get_string().get(s) != simdjson::SUCCESS)
                return typeError("RFC 3339 time string", v);
            int64_t seconds;
            int32_t nanos;
            if (!parseRfc3339(s, &seconds, &nanos))
                return error("invalid time \"" + std::string(s) +
                             "\": want RFC 3339, e.g. 2006-01-02T15:04:05Z");
            r->SetInt64(msg, info.f1, seconds);
            r->SetInt32(msg, info.f2, nanos);
            return {};
        }
        case Special::Quantity: {
            std::string text;
            if (v.is_string()) {
                text.assign(v.get_string().value_unsafe());
            } else if (v.is_number()) {
                text = simdjson::minify(v);
            } else {
                return typeError("quantity string", v);
            }
            Result<Quantity> q = Quantity::parse(trimSpace(text));
            if (!q)
                return error(q.status().message());
            r->SetString(msg, info.f1, q->canonicalString());
            return {};
        }
        case Special::IntOrString: {
            if (v.is_string()) {
                r->SetInt64(msg, info.f1, 1);
                r->SetString(msg, info.f3, std::string(v.get_string().value_unsafe()));
                return {};
            }
            int32_t x = 0;
            if (Status s = integer(v, &x); !s)
                return s.code() == Status::Code::InvalidArgument && v.is_number()
                           ? s
                           : typeError("integer or string", v);
            r->SetInt64(msg, info.f1, 0);
            r->SetInt32(msg, info.f2, x);
            return {};
        }
        case Special::RawJson:
            r->SetString(msg, info.f1, simdjson::minify(v));
            return {};
        case Special::StringList: {
            dom::array arr;
            if (v.get_array().get(arr) != simdjson::SUCCESS)
                return typeError("array", v);
            int i = 0;
            for (dom::element item : arr) {
                PathScope scope(*this, i++);
                std::string_view s;
                if (item.get_string().get(s) != simdjson::SUCCESS)
                    return typeError("string", item);
                r->AddString(msg, info.f1, std::string(s));
            }
            return {};
        }
        case Special::None:
            break;
        }
        return error("unsupported special type");
    }

    const JsonDecodeOptions &m_options;
    JsonDecodeReport *m_report;
    std::vector<std::pair<std::string_view, int>> m_path;
    TypeMeta m_scratch; // list items' own apiVersion/kind are accepted and dropped
};

// ---------------------------------------------------------------------------

class Encoder
{
public:
    explicit Encoder(std::string &out)
        : m_out(out)
    {}

    void message(const Message &msg, const TypeMeta *typeMeta, int depth)
    {
        const MessageInfo &info = MessageInfo::of(msg.GetDescriptor());
        if (info.special != Special::None) {
            special(msg, info, true);
            return;
        }
        m_out += '{';
        bool first = true;
        if (typeMeta && !typeMeta->kind.empty()) {
            key("kind", first);
            JsonCodec::appendQuoted(typeMeta->kind, m_out);
        }
        if (typeMeta && !typeMeta->apiVersion.empty()) {
            key("apiVersion", first);
            JsonCodec::appendQuoted(typeMeta->apiVersion, m_out);
        }
        members(msg, info, first, depth);
        m_out += '}';
    }

private:
    void key(std::string_view k, bool &first)
    {
        if (!first)
            m_out += ',';
        first = false;
        JsonCodec::appendQuoted(k, m_out);
        m_out += ':';
    }

    // Writes the fields of `msg` as members of the object being written.
    void members(const Message &msg, const MessageInfo &info, bool &first, int depth)
    {
        const Reflection *r = msg.GetReflection();
        for (const FieldInfo &f : info.fields) {
            const FieldDescriptor *fd = f.fd;
            if (f.inlined) {
                members(r->GetMessage(msg, fd), MessageInfo::of(fd->message_type()), first,
                        depth + 1);
                continue;
            }
            if (!jsonMemberWritten(msg, f))
                continue;
            key(f.jsonName, first);
            value(msg, r, f, depth);
        }
    }

public:
    // Writes the value of the member for own field `f` (jsonMemberWritten).
    void value(const Message &msg, const Reflection *r, const FieldInfo &f, int depth)
    {
        const FieldDescriptor *fd = f.fd;
        if (fd->is_repeated()) {
            const int n = r->FieldSize(msg, fd);
            if (n == 0 && !f.always)
                m_out += "null";
            else if (fd->is_map())
                mapField(msg, r, fd, depth);
            else
                repeatedField(msg, r, fd, n, depth);
            return;
        }
        const bool has = r->HasField(msg, fd);
        if (!has && f.nullable) {
            m_out += "null";
        } else if (fd->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
            const Message &sub = r->GetMessage(msg, fd);
            const MessageInfo &subInfo = MessageInfo::of(fd->message_type());
            if (subInfo.special != Special::None)
                special(sub, subInfo, has);
            else if (depth > kMaxEncodeDepth)
                m_out += "{}";
            else
                message(sub, nullptr, depth + 1);
        } else {
            scalar(msg, r, fd, -1);
        }
    }

private:
    static constexpr int kMaxEncodeDepth = 200;

    void repeatedField(const Message &msg, const Reflection *r, const FieldDescriptor *fd, int n,
                       int depth)
    {
        m_out += '[';
        for (int i = 0; i < n; ++i) {
            if (i)
                m_out += ',';
            if (fd->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE)
                message(r->GetRepeatedMessage(msg, fd, i), nullptr, depth + 1);
            else
                scalar(msg, r, fd, i);
        }
        m_out += ']';
    }

    void mapField(const Message &msg, const Reflection *r, const FieldDescriptor *fd, int depth)
    {
        const int n = r->FieldSize(msg, fd);
        const FieldDescriptor *keyFd = fd->message_type()->map_key();
        const FieldDescriptor *valueFd = fd->message_type()->map_value();
        std::vector<std::pair<std::string, const Message *>> entries;
        entries.reserve(size_t(n));
        for (int i = 0; i < n; ++i) {
            const Message &entry = r->GetRepeatedMessage(msg, fd, i);
            entries.emplace_back(entry.GetReflection()->GetString(entry, keyFd), &entry);
        }
        // Go's encoder writes map keys sorted.
        std::sort(entries.begin(), entries.end(),
                  [](const auto &a, const auto &b) { return a.first < b.first; });
        m_out += '{';
        for (size_t i = 0; i < entries.size(); ++i) {
            if (i)
                m_out += ',';
            JsonCodec::appendQuoted(entries[i].first, m_out);
            m_out += ':';
            const Message &entry = *entries[i].second;
            const Reflection *er = entry.GetReflection();
            if (valueFd->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
                const Message &value = er->GetMessage(entry, valueFd);
                const MessageInfo &vi = MessageInfo::of(valueFd->message_type());
                if (vi.special != Special::None)
                    special(value, vi, true);
                else
                    message(value, nullptr, depth + 1);
            } else {
                scalar(entry, er, valueFd, -1);
            }
        }
        m_out += '}';
    }

    void number(double d)
    {
        if (!std::isfinite(d)) {
            m_out += "null";
            return;
        }
        char buf[32];
        auto res = std::to_chars(buf, buf + sizeof buf, d);
        m_out.append(buf, res.ptr);
    }

    template<class T> void integer(T v)
    {
        char buf[24];
        auto res = std::to_chars(buf, buf + sizeof buf, v);
        m_out.append(buf, res.ptr);
    }

    // index < 0: the singular field.
    void scalar(const Message &msg, const Reflection *r, const FieldDescriptor *fd, int index)
    {
        const bool rep = index >= 0;
        switch (fd->cpp_type()) {
        case FieldDescriptor::CPPTYPE_INT32:
            integer(rep ? r->GetRepeatedInt32(msg, fd, index) : r->GetInt32(msg, fd));
            return;
        case FieldDescriptor::CPPTYPE_INT64:
            integer(rep ? r->GetRepeatedInt64(msg, fd, index) : r->GetInt64(msg, fd));
            return;
        case FieldDescriptor::CPPTYPE_UINT32:
            integer(rep ? r->GetRepeatedUInt32(msg, fd, index) : r->GetUInt32(msg, fd));
            return;
        case FieldDescriptor::CPPTYPE_UINT64:
            integer(rep ? r->GetRepeatedUInt64(msg, fd, index) : r->GetUInt64(msg, fd));
            return;
        case FieldDescriptor::CPPTYPE_DOUBLE:
            number(rep ? r->GetRepeatedDouble(msg, fd, index) : r->GetDouble(msg, fd));
            return;
        case FieldDescriptor::CPPTYPE_FLOAT:
            number(rep ? r->GetRepeatedFloat(msg, fd, index) : r->GetFloat(msg, fd));
            return;
        case FieldDescriptor::CPPTYPE_BOOL:
            m_out +=
                (rep ? r->GetRepeatedBool(msg, fd, index) : r->GetBool(msg, fd)) ? "true" : "false";
            return;
        case FieldDescriptor::CPPTYPE_STRING: {
            std::string scratch;
            const std::string &s = rep ? r->GetRepeatedStringReference(msg, fd, index, &scratch)
                                       : r->GetStringReference(msg, fd, &scratch);
            if (fd->type() == FieldDescriptor::TYPE_BYTES) {
                m_out += '"';
                base64Encode(s, m_out);
                m_out += '"';
            } else {
                JsonCodec::appendQuoted(s, m_out);
            }
            return;
        }
        case FieldDescriptor::CPPTYPE_ENUM:
        case FieldDescriptor::CPPTYPE_MESSAGE:
            break;
        }
        m_out += "null";
    }

    // `has`: the field is set; an unset always-written special is Go's zero.
    void special(const Message &msg, const MessageInfo &info, bool has)
    {
        const Reflection *r = msg.GetReflection();
        switch (info.special) {
        case Special::Time:
        case Special::MicroTime:
            // An empty Time is Go's zero time (its protobuf form is empty too).
            if (!has || (!r->HasField(msg, info.f1) && !r->HasField(msg, info.f2))) {
                m_out += "null";
                return;
            }
            m_out += '"';
            formatRfc3339(r->GetInt64(msg, info.f1), r->GetInt32(msg, info.f2),
                          info.special == Special::MicroTime, m_out);
            m_out += '"';
            return;
        case Special::Quantity: {
            std::string scratch;
            const std::string &s = r->GetStringReference(msg, info.f1, &scratch);
            JsonCodec::appendQuoted(s.empty() ? std::string_view("0") : std::string_view(s), m_out);
            return;
        }
        case Special::IntOrString:
            if (r->GetInt64(msg, info.f1) == 1) {
                std::string scratch;
                JsonCodec::appendQuoted(r->GetStringReference(msg, info.f3, &scratch), m_out);
            } else {
                integer(r->GetInt32(msg, info.f2));
            }
            return;
        case Special::RawJson: {
            std::string scratch;
            const std::string &raw = r->GetStringReference(msg, info.f1, &scratch);
            if (raw.empty() || !isValidJson(raw))
                m_out += "null";
            else
                m_out += raw;
            return;
        }
        case Special::StringList: {
            const int n = r->FieldSize(msg, info.f1);
            m_out += '[';
            for (int i = 0; i < n; ++i) {
                if (i)
                    m_out += ',';
                std::string scratch;
                JsonCodec::appendQuoted(r->GetRepeatedStringReference(msg, info.f1, i, &scratch),
                                        m_out);
            }
            m_out += ']';
            return;
        }
        case Special::None:
            break;
        }
    }

    static bool isValidJson(std::string_view raw)
    {
        thread_local dom::parser parser;
        dom::element el;
        return parser.parse(raw.data(), raw.size(), true).get(el) == simdjson::SUCCESS;
    }

    std::string &m_out;
};

Result<dom::element> parse(std::string_view json, size_t maxDepth)
{
    dom::parser &parser = threadParser(maxDepth);
    dom::element root;
    if (auto err = parser.parse(json.data(), json.size(), true).get(root); err != simdjson::SUCCESS)
        return parseError(err, maxDepth);
    return root;
}

} // namespace

Status JsonCodec::decode(std::string_view json, Message *out, const JsonDecodeOptions &options,
                         TypeMeta *typeMeta, JsonDecodeReport *report)
{
    out->Clear();
    Result<dom::element> root = parse(json, options.maxDepth);
    if (!root)
        return root.status();
    TypeMeta scratch;
    Decoder decoder(options, report);
    return decoder.message(*root, out, typeMeta ? typeMeta : &scratch);
}

Result<Message *> JsonCodec::decodeAny(std::string_view json, const Resolver &resolve,
                                       const JsonDecodeOptions &options, TypeMeta *typeMeta,
                                       JsonDecodeReport *report)
{
    Result<dom::element> root = parse(json, options.maxDepth);
    if (!root)
        return root.status();
    dom::object obj;
    if (root->get_object().get(obj) != simdjson::SUCCESS)
        return Status::invalidArgument("<root>: expected an object, got " +
                                       std::string(typeName(root->type())));
    TypeMeta tm;
    std::string_view s;
    if (obj["apiVersion"].get_string().get(s) == simdjson::SUCCESS)
        tm.apiVersion = s;
    if (obj["kind"].get_string().get(s) == simdjson::SUCCESS)
        tm.kind = s;
    if (tm.kind.empty())
        return Status::invalidArgument("Object 'Kind' is missing in '" +
                                       std::string(json.substr(0, 200)) + "'");
    if (tm.apiVersion.empty())
        return Status::invalidArgument("Object 'apiVersion' is missing");
    Message *msg = resolve(tm);
    if (!msg)
        return Status::invalidArgument("no kind \"" + tm.kind + "\" is registered for version \"" +
                                       tm.apiVersion + "\"");
    Decoder decoder(options, report);
    TypeMeta scratch;
    if (Status st = decoder.message(*root, msg, &scratch); !st) {
        delete msg;
        return st;
    }
    if (typeMeta)
        *typeMeta = tm;
    return msg;
}

Result<TypeMeta> JsonCodec::peekTypeMeta(std::string_view json)
{
    Result<dom::element> root = parse(json, JsonDecodeOptions().maxDepth);
    if (!root)
        return root.status();
    dom::object obj;
    if (root->get_object().get(obj) != simdjson::SUCCESS)
        return Status::invalidArgument("<root>: expected an object");
    TypeMeta tm;
    std::string_view s;
    if (obj["apiVersion"].get_string().get(s) == simdjson::SUCCESS)
        tm.apiVersion = s;
    if (obj["kind"].get_string().get(s) == simdjson::SUCCESS)
        tm.kind = s;
    return tm;
}

std::string JsonCodec::encode(const Message &message, const JsonEncodeOptions &options)
{
    std::string out;
    encodeTo(message, out, options);
    return out;
}

void JsonCodec::encodeTo(const Message &message, std::string &out, const JsonEncodeOptions &options)
{
    Encoder encoder(out);
    encoder.message(message, &options.typeMeta, 0);
}

bool JsonCodec::encodeMember(const Message &message, std::string_view jsonName, std::string &out)
{
    const FieldInfo *f = MessageInfo::of(message.GetDescriptor()).find(jsonName);
    if (!f || f->inlined || f->via)
        return false;
    const Reflection *r = message.GetReflection();
    if (!jsonMemberWritten(message, *f))
        return false;
    Encoder encoder(out);
    encoder.value(message, r, *f, 0);
    return true;
}

void JsonCodec::appendQuoted(std::string_view s, std::string &out)
{
    static constexpr char kHex[] = "0123456789abcdef";
    out.reserve(out.size() + s.size() + 2);
    out += '"';
    size_t i = 0;
    while (i < s.size()) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            size_t j = i + 1;
            while (j < s.size()) {
                const unsigned char d = static_cast<unsigned char>(s[j]);
                if (d < 0x20 || d >= 0x80 || d == '"' || d == '\\')
                    break;
                ++j;
            }
            out.append(s.data() + i, j - i);
            i = j;
            continue;
        }
        if (c < 0x80) {
            out += '\\';
            switch (c) {
            case '"':
                out += '"';
                break;
            case '\\':
                out += '\\';
                break;
            case '\n':
                out += 'n';
                break;
            case '\r':
                out += 'r';
                break;
            case '\t':
                out += 't';
                break;
            default:
                out += "u00";
                out += kHex[c >> 4];
                out += kHex[c & 15];
            }
            ++i;
            continue;
        }
        const size_t n = validUtf8SequenceLength(s.substr(i));
        if (n == 0) {
            out += "\xEF\xBF\xBD"; // U+FFFD for each invalid byte, as Go does
            ++i;
            continue;
        }
        // U+2028 and U+2029 are escaped as Go does (JavaScript line breaks).
        if (n == 3 && c == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
            (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xA8) {
            out += (s[i + 2] == '\xA8') ? "\\u2028" : "\\u2029";
        } else {
            out.append(s.data() + i, n);
        }
        i += n;
    }
    out += '"';
}

} // namespace kubist::api
