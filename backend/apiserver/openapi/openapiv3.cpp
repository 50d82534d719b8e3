#include "openapiv3.h"

#include "discovery.h"
#include "openapibuilder.h"

#include "backend/api/scheme.h"

#include <QByteArray>
#include <QCryptographicHash>

namespace kubist::apiserver::openapiv3 {

namespace {

std::string pathOf(const std::string &groupVersion)
{
    return groupVersion == "v1" ? "api/v1" : "apis/" + groupVersion;
}

} // namespace

std::vector<std::string> documentPaths(const Kinds &kinds)
{
    std::vector<std::string> out;
    for (const std::string &gv : discovery::servedGroupVersions(kinds))
        out.push_back(pathOf(gv));
    return out;
}

Result<std::string> document(const Kinds &kinds, std::string_view path)
{
    if (path.starts_with("/openapi/v3/"))
        path.remove_prefix(12);
    while (path.starts_with('/'))
        path.remove_prefix(1);
    std::string groupVersion;
    if (path == "api/v1")
        groupVersion = "v1";
    else if (path.starts_with("apis/"))
        groupVersion = std::string(path.substr(5));
    OpenApiBuilder builder(kinds, OpenApiFlavor::V3);
    if (groupVersion.empty() || (groupVersion == "v1" && path != "api/v1") ||
        !builder.addGroupVersion(groupVersion))
        return Status::notFound("no OpenAPI v3 document at \"" + std::string(path) + "\"");
    return builder.document().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string documentHash(std::string_view documentBytes)
{
    const QByteArray digest =
        QCryptographicHash::hash(QByteArray(documentBytes.data(), qsizetype(documentBytes.size())),
                                 QCryptographicHash::Sha512);
    return digest.toHex().toUpper().toStdString();
}

Documents allDocuments(const Kinds &kinds)
{
    Documents out;
    nlohmann::json paths = nlohmann::json::object();
    for (const std::string &path : documentPaths(kinds)) {
        Result<std::string> doc = document(kinds, path);
        if (!doc)
            continue;
        const std::string hash = documentHash(*doc);
        paths[path] = {{"serverRelativeURL", "/openapi/v3/" + path + "?hash=" + hash}};
        out.hashByPath[path] = hash;
        out.byPath[path] = std::move(doc).value();
    }
    out.root = nlohmann::json{{"paths", std::move(paths)}}.dump();
    return out;
}

} // namespace kubist::apiserver::openapiv3
