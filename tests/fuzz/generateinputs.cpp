// fuzz_generate_inputs DIR: writes the generated hostile inputs of every fuzz
// target to DIR/<target>/<name>, for scripts/fuzz.sh.

#include "generatedinputs.h"

#include <filesystem>
#include <fstream>
#include <iostream>

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::cerr << "usage: fuzz_generate_inputs DIR\n";
        return 2;
    }
    namespace fs = std::filesystem;
    for (const std::string &target : kubist::fuzz::targetNames()) {
        const fs::path dir = fs::path(argv[1]) / target;
        std::error_code error;
        fs::create_directories(dir, error);
        if (error) {
            std::cerr << "cannot create " << dir << ": " << error.message() << "\n";
            return 1;
        }
        for (const kubist::fuzz::GeneratedInput &input : kubist::fuzz::generatedInputs(target)) {
            std::ofstream out(dir / input.name, std::ios::binary);
            out.write(input.bytes.data(), std::streamsize(input.bytes.size()));
            if (!out) {
                std::cerr << "cannot write " << (dir / input.name) << "\n";
                return 1;
            }
        }
    }
    return 0;
}
