#pragma once

#include "backend/api/jsoncodec.h"
#include "backend/util/status.h"

#include <string>
#include <string_view>
#include <vector>

namespace google::protobuf {
class Message;
}

namespace kubist::api {

// YamlCodec reads YAML as `kubectl apply -f` does (sigs.k8s.io/yaml): each
// document is converted to JSON, then decoded by JsonCodec. So every rule of
// the JSON codec holds, and YAML adds:
//  - several documents separated by `---` (empty documents are skipped);
//  - block and flow style;
//  - plain scalars resolved as YAML 1.1 does (`true`, `yes`, `on` are
//    booleans; `0644` is octal; `0x1F` hex; `1_000` an integer); quoted
//    scalars are always strings (`"8080"` is a string, `8080` a number);
//  - anchors, aliases and merge keys (`<<`), with the expanded size bounded
//    (a "billion laughs" document fails quickly with a clear error).
// Writing goes the other way: JSON, then block-style YAML in which every
// string that would read back as another type is quoted.
//
// Thread-safe. Bad input returns Code::InvalidArgument with the line and
// column, never throws.
class YamlCodec final
{
public:
    // Each non-empty document of `yaml` as compact JSON text.
    static Result<std::vector<std::string>> toJsonDocuments(std::string_view yaml);
    // Exactly one document (an error for zero or several).
    static Result<std::string> toJson(std::string_view yaml);

    static Status decode(std::string_view yaml, google::protobuf::Message *out,
                         const JsonDecodeOptions &options = {}, TypeMeta *typeMeta = nullptr,
                         JsonDecodeReport *report = nullptr);

    static std::string encode(const google::protobuf::Message &message,
                              const JsonEncodeOptions &options = {});
    // Block-style YAML for a JSON text.
    static Result<std::string> fromJson(std::string_view json);
};

} // namespace kubist::api
