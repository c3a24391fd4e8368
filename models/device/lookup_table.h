#pragma once
// Conductance-update lookup tables (dG vs G heat maps, marinella2018.md §3.3; format in
// datasets/device-luts/README.md): line 1 a header sentence; line 2 the G bins (siemens); line 3
// the CDF points (0..1); a blank line; then one row per CDF point with one dG (siemens) per G bin.
// Separators: commas (with optional spaces/tabs) or, on lines without commas, whitespace.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/device/device_model.h"

namespace xbar::device {

// Bad or unreadable table. what() = "<path>:<line>: <what was expected>" (line 0: whole file).
class LutError : public std::runtime_error {
public:
    LutError(const std::string& path, int line, const std::string& message);
    const std::string& path() const { return m_path; }
    int line() const { return m_line; }

private:
    std::string m_path;
    int m_line;
};

struct LookupTable {
    std::string source;          // file it was loaded from, or a description
    std::string header;          // line 1, without the newline
    std::vector<double> g_bins;  // siemens, strictly increasing, >= 2 entries
    std::vector<double> cdf;     // strictly increasing, within [0, 1], >= 1 entry
    std::vector<double> dg;      // n_cdf() x n_bins(), row-major: dg[row * n_bins() + bin]

    int n_bins() const { return static_cast<int>(g_bins.size()); }
    int n_cdf() const { return static_cast<int>(cdf.size()); }
    double dG(int cdf_row, int bin) const {
        return dg[static_cast<std::size_t>(cdf_row) * g_bins.size() + static_cast<std::size_t>(bin)];
    }
};

// Reads .txt or .txt.gz (zlib reads plain files transparently), at most kMaxLutTextBytes once
// decompressed. Never blocks: a FIFO, device or folder is a LutError. Throws LutError on a
// missing/unreadable file, empty file, wrong row or column counts, non-numeric fields, NaN/inf,
// non-increasing G bins or CDF points, CDF points outside [0, 1].
LookupTable load_lut(const std::string& path);
// Checks the invariants load_lut guarantees (for tables built in code); throws LutError.
void validate_lut(const LookupTable&);
// Largest decompressed table text load_lut accepts (the measured TaOx tables are 4 MB).
inline constexpr std::size_t kMaxLutTextBytes = 64u << 20;

// Which table of an increasing/decreasing pair a consistency error is about.
enum class LutSide { increasing, decreasing };
class LutPairError : public LutError {
public:
    LutPairError(LutSide side, const std::string& path, int line, const std::string& message)
        : LutError(path, line, message), m_side(side) {}
    LutSide side() const { return m_side; }

private:
    LutSide m_side;
};
// Checks that two valid tables form a usable pair for the G window [g_min_relative,
// g_max_relative] of the table's span: the same G bins and CDF points, no all-zero table, a
// positive mean dG for the increasing table and a negative one for the decreasing table over the
// targeted bins (swapped tables fail here). The LUT device relies on this; throws LutPairError.
void check_lut_pair(const LookupTable& inc, const LookupTable& dec, double g_min_relative, double g_max_relative);

// Writes the same text format (gzip if the path ends in ".gz"), values with 17 significant
// digits so load_lut(save_lut(t)) == t. Throws LutError if the file cannot be written.
void save_lut(const LookupTable&, const std::string& path);

// Builds a table from the analytic model so device people can turn it into a LUT:
// n_bins G bins evenly spaced over [g_min_siemens, g_max_siemens], mapped linearly onto
// [p.w_min, p.w_max]; n_cdf CDF points k/(n_cdf-1). Entry (k, i) = deterministic step
// analytic_delta(w_i, dw_pulse) + the write-noise quantile sigma_wn sqrt(|dw_pulse| range)
// Phi^-1(p_k), converted to siemens, where p_k is the centre (in probability) of the u interval
// that the nearest-point sampler maps to row k. dw_pulse > 0 builds the increasing (SET) table,
// dw_pulse < 0 the decreasing (RESET) one. A LUT device with LutMapping{w_min, w_max, 0, 1, ...,
// dw_pulse = |dw_pulse|} then matches the analytic model on average for requests of one pulse.
LookupTable synthesize_lut(const AnalyticParams& p, int n_bins, int n_cdf, float g_min_siemens,
                           float g_max_siemens, float dw_pulse);

// Inverse of the standard normal CDF, p in (0, 1); relative error < 1e-13
// (Acklam's rational approximation refined by Halley steps on std::erfc).
double normal_quantile(double p);

}  // namespace xbar::device
