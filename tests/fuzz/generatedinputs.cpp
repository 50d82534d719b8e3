#include "generatedinputs.h"

namespace kubist::fuzz {

namespace {

constexpr size_t kDeep = 100000;

std::string repeat(std::string_view s, size_t n)
{
    std::string out;
    out.reserve(s.size() * n);
    for (size_t i = 0; i < n; ++i)
        out += s;
    return out;
}

std::string nestedArrays(size_t depth)
{
    return std::string(depth, '[') + std::string(depth, ']');
}

std::string nestedObjects(size_t depth)
{
    return repeat("{\"a\":", depth) + "1" + std::string(depth, '}');
}

// A "billion laughs" document with `levels` levels of nine aliases each.
std::string laughs(int levels)
{
    std::string out = "l0: &l0 [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n";
    for (int level = 1; level < levels; ++level) {
        const std::string prev = "*l" + std::to_string(level - 1);
        out += "l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
        for (int i = 0; i < 9; ++i)
            out += (i ? "," : "") + prev;
        out += "]\n";
    }
    return out;
}

// A protobuf field tag (wire type 3: start group) repeated: groups nested
// `depth` deep inside fields our schema does not know.
std::string nestedGroups(size_t depth)
{
    // Field 99, wire type 3: varint (99 << 3) | 3 = 795 = 0x9b 0x06.
    return repeat(std::string_view("\x9b\x06", 2), depth);
}

// The envelope "k8s\0" + runtime.Unknown{typeMeta, raw = payload}.
std::string envelope(const std::string &payload)
{
    std::string out("k8s\0", 4);
    const std::string typeMeta = std::string("\x0a\x02v1\x12\x03Pod", 9);
    out += '\x0a';
    out += char(typeMeta.size());
    out += typeMeta;
    out += '\x12';
    size_t n = payload.size();
    while (n >= 0x80) {
        out += char((n & 0x7f) | 0x80);
        n >>= 7;
    }
    out += char(n);
    return out + payload;
}

std::string httpRequest(const std::string &headers, const std::string &body = {})
{
    return "POST /api/v1/namespaces/default/pods HTTP/1.1\r\nHost: kubist\r\n" + headers + "\r\n" +
           body;
}

std::string withNul(const std::string &document, const std::string &patch)
{
    return document + std::string(1, '\0') + patch;
}

} // namespace

const std::vector<std::string> &targetNames()
{
    static const std::vector<std::string> names{"json",           "yaml",      "protobuf",
                                                "strategicmerge", "jsonpatch", "http"};
    return names;
}

std::vector<GeneratedInput> generatedInputs(std::string_view target)
{
    if (target == "json")
        return {
            {"nested-arrays-100000", "0" + nestedArrays(kDeep)},
            {"unclosed-arrays-100000", "0" + std::string(kDeep, '[')},
            {"nested-objects-100000", "0" + nestedObjects(kDeep)},
            {"nested-objects-100000-strict", "8" + nestedObjects(kDeep)},
            {"deep-in-metadata-100000",
             "0{\"metadata\":{\"annotations\":" + nestedArrays(kDeep) + "}}"},
            {"long-string-1mb", "0{\"metadata\":{\"name\":\"" + std::string(1 << 20, 'a') + "\"}}"},
            {"many-keys-strict",
             "8{\"metadata\":{\"labels\":{" + repeat("\"a\":\"b\",", 50000) + "\"c\":\"d\"}}}"},
        };
    if (target == "yaml")
        return {
            {"billion-laughs-12", "0" + laughs(12)},
            {"nested-flow-100000", "0" + nestedArrays(kDeep)},
            {"unclosed-flow-100000", "0" + std::string(kDeep, '[')},
            {"nested-block-sequences", "0" + repeat("- ", kDeep) + "x\n"},
            {"nested-flow-mappings", "0" + repeat("{a: ", kDeep) + "1" + std::string(kDeep, '}')},
            {"many-documents", "0" + repeat("---\nkind: Pod\n", 5000)},
            {"many-aliases", "0a: &a x\nb: [" + repeat("*a,", 100000) + "*a]\n"},
        };
    if (target == "protobuf")
        return {
            {"nested-groups-bare-100000", "0" + nestedGroups(kDeep)},
            {"nested-groups-enveloped-100000", "0" + envelope(nestedGroups(kDeep))},
            {"raw-length-4gib", "0" + std::string("k8s\0\x12\xff\xff\xff\xff\x0f", 10)},
        };
    if (target == "strategicmerge" || target == "jsonpatch") {
        const std::string s = target == "strategicmerge" ? "0" : "";
        const std::string merge = target == "strategicmerge" ? "7" : "";
        std::vector<GeneratedInput> out{
            {"document-nested-100000", s + withNul(nestedArrays(kDeep), "{}")},
            {"patch-nested-100000", s + withNul("{}", nestedObjects(kDeep))},
            {"both-nested-100000", s + nestedObjects(kDeep)},
        };
        if (target == "strategicmerge") {
            out.push_back({"merge-nested-100000", merge + withNul("{}", nestedObjects(kDeep))});
            out.push_back(
                {"merge-wide-object",
                 merge + withNul("{}", "{" + repeat("\"a\":{\"b\":null},", 20000) + "\"z\":1}")});
            out.push_back({"list-10000-containers",
                           s + withNul("{\"spec\":{\"containers\":[" +
                                           repeat("{\"name\":\"a\"},", 10000) + "{}]}}",
                                       "{\"spec\":{\"containers\":[" +
                                           repeat("{\"name\":\"a\",\"image\":\"x\"},", 10000) +
                                           "{\"name\":\"b\"}]}}")});
        } else {
            out.push_back(
                {"ops-10001",
                 withNul("{\"a\":1}", "[" +
                                          repeat("{\"op\":\"test\",\"path\":\"/a\","
                                                 "\"value\":1},",
                                                 10000) +
                                          "{\"op\":\"test\",\"path\":\"/a\",\"value\":1}]")});
            out.push_back(
                {"copy-doubling",
                 withNul("{\"a\":\"" + std::string(4096, 'x') + "\",\"b\":[]}",
                         "[" + repeat("{\"op\":\"copy\",\"from\":\"\",\"path\":\"/b/-\"},", 40) +
                             "{\"op\":\"test\",\"path\":\"/a\",\"value\":1}]")});
        }
        return out;
    }
    if (target == "http")
        return {
            {"header-300kb", httpRequest("X-Big: " + std::string(300 * 1024, 'a') + "\r\n")},
            {"headers-100000", httpRequest(repeat("A: b\r\n", kDeep))},
            {"body-over-3mib",
             httpRequest("Content-Length: 3145729\r\n", std::string(3145729, 'x'))},
            {"chunks-100000", httpRequest("Transfer-Encoding: chunked\r\n",
                                          repeat("1\r\nx\r\n", kDeep) + "0\r\n\r\n")},
            {"chunk-size-huge", httpRequest("Transfer-Encoding: chunked\r\n",
                                            "ffffffffffffffffffff\r\nx\r\n0\r\n\r\n")},
            {"bare-lf-100000", "GET / HTTP/1.1" + std::string(kDeep, '\n')},
        };
    return {};
}

} // namespace kubist::fuzz
