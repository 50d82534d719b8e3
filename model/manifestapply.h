#pragma once

#include "backend/client/client.h"

#include <string>
#include <string_view>
#include <vector>

namespace kubist::model::manifests {

// Applying multi-document YAML manifests through the Client, roughly as
// `kubectl apply -f` does without its last-applied annotation: a document
// whose object does not exist is created; one that exists is merge-patched
// with the document (fields it leaves out stay as they are). Free functions:
// nothing is kept between calls.

// One document of a manifest: its position (1-based index among the
// non-empty documents, 1-based line of its first line) and its text.
struct Document
{
    int index = 0;
    int line = 0;
    std::string text;
};
// Splits at lines that are exactly "---" (optionally followed by spaces or
// a comment); documents with nothing but blanks and comments are skipped.
std::vector<Document> splitDocuments(std::string_view yaml);

struct DocumentResult
{
    int index = 0;
    int line = 0;
    std::string kind; // "Deployment", empty when the document did not decode
    std::string ns;
    std::string name;
    bool ok = false;
    std::string action;  // "created", "configured" (or with " (dry run)")
    std::string message; // the error (the API's message), empty when ok

    // "document 2 (line 14): Deployment web: <message>" or "... configured".
    std::string describe() const;
};

// Checks every document first (decoding against the scheme, strict about
// unknown fields, then the create or patch with dryRun=All so the API
// server validates and admits it without storing it). When every document
// passes and `dryRunOnly` is false, sends them for real, in order. Returns
// one result per document; when the check fails nothing is written.
// Blocking (call it off the GUI thread).
std::vector<DocumentResult> apply(client::Client &client, std::string_view yaml,
                                  bool dryRunOnly = false);

} // namespace kubist::model::manifests
