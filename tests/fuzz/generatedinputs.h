#pragma once

// Hostile inputs too large to keep in the repository (100,000 nested
// brackets, a header of 300 KB, ...), generated for each fuzz target in the
// target's input format (fuzztarget.h). Used by tst_fuzzcorpus, and by
// fuzz_generate_inputs, which writes them to files for scripts/fuzz.sh.

#include <string>
#include <string_view>
#include <vector>

namespace kubist::fuzz {

struct GeneratedInput
{
    std::string name; // a file name: [a-z0-9-]
    std::string bytes;
};

// The names of the fuzz targets, as in fuzz_<name>.cpp.
const std::vector<std::string> &targetNames();

// The generated inputs of `target`; empty for an unknown name.
std::vector<GeneratedInput> generatedInputs(std::string_view target);

} // namespace kubist::fuzz
