#pragma once

#include "backend/apiserver/http/httpserver.h"

#include <boost/beast/http.hpp>

#include <cctype>
#include <string>

// Internal to backend/apiserver/http: a Beast request as an HttpRequest.
namespace kubist::apiserver {

// Splits `target` into the percent-decoded path and query parameters.
void setRequestTarget(HttpRequest &req, std::string_view target);

// Moves a parsed Beast request into an HttpRequest: method, target, header
// names lower-cased (a repeated field's values joined with ", "), body.
inline HttpRequest toHttpRequest(boost::beast::http::request<boost::beast::http::string_body> &&msg)
{
    HttpRequest req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    setRequestTarget(req, req.target);
    for (const auto &field : msg) {
        std::string name(field.name_string());
        for (char &c : name)
            c = char(std::tolower(static_cast<unsigned char>(c)));
        auto [it, inserted] = req.headers.emplace(name, std::string(field.value()));
        if (!inserted)
            it->second += ", " + std::string(field.value());
    }
    req.body = std::move(msg.body());
    return req;
}

} // namespace kubist::apiserver
