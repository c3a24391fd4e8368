#pragma once
// Datasets the platform stages in DRAM for firmware: features as uint8 with a scale to [0, 1],
// labels as uint8. Loading errors throw DatasetError (bad input, exit code 2). No SystemC.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace xbar::platform {

class DatasetError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Dataset {
    std::string name;
    int dim = 0, classes = 0;
    double feature_scale = 1.0;          // feature value = byte * feature_scale, in [0, 1]
    std::vector<std::uint8_t> features;  // count x dim
    std::vector<std::uint8_t> labels;
    std::size_t count() const { return labels.size(); }
};

// UCI optdigits CSV (optionally gzip-compressed): 64 values 0..16 then the label 0..9 per line.
Dataset load_digits_csv(const std::string& path);
// MNIST-style IDX pair (optionally gzip-compressed): images magic 0x00000803 (count x rows x
// cols bytes), labels magic 0x00000801 (count bytes, 0..classes-1).
Dataset load_idx(const std::string& images, const std::string& labels, int classes, const std::string& name);

}  // namespace xbar::platform
