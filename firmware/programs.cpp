#include "firmware/programs.h"

namespace fw {

namespace {
struct Entry {
    const char* name;
    Program fn;
};
constexpr Entry kPrograms[] = {
    {"quickstart", &quickstart},
    {"paper_kernels", &paper_kernels},
    {"train_mlp", &train_mlp},
    {"fault_demo", &fault_demo},
};
}  // namespace

Program find_program(const std::string& name) {
    for (const auto& e : kPrograms)
        if (name == e.name) return e.fn;
    return nullptr;
}

std::vector<std::string> program_names() {
    std::vector<std::string> v;
    for (const auto& e : kPrograms) v.emplace_back(e.name);
    return v;
}

}  // namespace fw
