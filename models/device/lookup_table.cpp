#include "models/device/lookup_table.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>

#include "models/device/lut_internal.h"

namespace xbar::device {

LutError::LutError(const std::string& path, int line, const std::string& message)
    : std::runtime_error(path + ":" + std::to_string(line) + ": " + message), m_path(path), m_line(line) {}

namespace detail {

std::vector<double> nearest_point_weights(const std::vector<double>& cdf) {
    // u ~ U(0,1) picks the row of the nearest CDF point: row k owns the u between the midpoints
    // to its neighbours (the first row also owns [0, c_0], the last [c_n-1, 1]).
    const std::size_t n = cdf.size();
    std::vector<double> w(n);
    double left = 0.0;
    for (std::size_t k = 0; k < n; ++k) {
        const double right = k + 1 < n ? 0.5 * (cdf[k] + cdf[k + 1]) : 1.0;
        w[k] = right - left;
        left = right;
    }
    return w;
}

}  // namespace detail

namespace {

struct GzCloser {
    void operator()(gzFile f) const { gzclose(f); }
};
using GzPtr = std::unique_ptr<gzFile_s, GzCloser>;

// Opens `path` for reading without blocking; only a regular file (or a link to one) is a table.
int open_regular(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) throw LutError(path, 0, std::string("cannot open file: ") + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw LutError(path, 0, S_ISDIR(st.st_mode) ? "expected a lookup-table file, got a folder"
                                                    : "expected a regular lookup-table file, got a FIFO, socket or device");
    }
    return fd;
}

std::string read_all(const std::string& path) {
    const int fd = open_regular(path);
    GzPtr f(gzdopen(fd, "rb"));
    if (!f) {
        ::close(fd);
        throw LutError(path, 0, "cannot open file: out of memory");
    }
    std::string data;
    char buf[1 << 16];
    for (;;) {
        const int n = gzread(f.get(), buf, sizeof buf);
        if (n < 0) {
            int err = 0;
            const char* msg = gzerror(f.get(), &err);
            throw LutError(path, 0, std::string("read error: ") + (msg ? msg : "unknown"));
        }
        if (n == 0) break;
        data.append(buf, static_cast<std::size_t>(n));
        if (data.size() > kMaxLutTextBytes)  // a gzip bomb, or not a table
            throw LutError(path, 0, "the table is larger than " + std::to_string(kMaxLutTextBytes >> 20) +
                                        " MiB once decompressed (expected a dG table of a few MB)");
    }
    int err = 0;
    const char* msg = gzerror(f.get(), &err);
    if (err != Z_OK && err != Z_STREAM_END)  // e.g. a truncated .gz
        throw LutError(path, 0, std::string("read error: ") + (msg ? msg : "unknown"));
    return data;
}

bool is_blank(const std::string& s) {
    for (char c : s)
        if (c != ' ' && c != '\t' && c != '\r' && c != '\f' && c != '\v') return false;
    return true;
}

std::string trim(const std::string& s) {
    std::size_t a = 0, b = s.size();
    while (a < b && std::strchr(" \t\r\f\v", s[a])) ++a;
    while (b > a && std::strchr(" \t\r\f\v", s[b - 1])) --b;
    return s.substr(a, b - a);
}

// Splits one line into numbers. Comma-separated if the line has a comma (whitespace around
// fields ignored, one trailing comma tolerated), otherwise whitespace-separated.
std::vector<double> parse_numbers(const std::string& line, const std::string& path, int lineno,
                                  const char* what) {
    std::vector<std::string> fields;
    if (line.find(',') != std::string::npos) {
        std::size_t start = 0;
        for (;;) {
            const std::size_t comma = line.find(',', start);
            fields.push_back(
                trim(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        if (fields.size() > 1 && fields.back().empty()) fields.pop_back();
    } else {
        std::size_t i = 0;
        while (i < line.size()) {
            while (i < line.size() && std::strchr(" \t\r\f\v", line[i])) ++i;
            const std::size_t s = i;
            while (i < line.size() && !std::strchr(" \t\r\f\v", line[i])) ++i;
            if (i > s) fields.push_back(line.substr(s, i - s));
        }
    }
    std::vector<double> out;
    out.reserve(fields.size());
    for (std::size_t k = 0; k < fields.size(); ++k) {
        const std::string& f = fields[k];
        const std::string where = std::string(what) + ", field " + std::to_string(k + 1);
        if (f.empty()) throw LutError(path, lineno, where + ": expected a number, found an empty field");
        errno = 0;
        char* end = nullptr;
        const double v = std::strtod(f.c_str(), &end);
        if (end == f.c_str() || *end != '\0')
            throw LutError(path, lineno, where + ": expected a number, found '" + f + "'");
        if (!std::isfinite(v) || (errno == ERANGE && std::fabs(v) > 1.0))
            throw LutError(path, lineno, where + ": expected a finite number, found '" + f + "'");
        out.push_back(v);
    }
    return out;
}

void check_increasing(const std::vector<double>& v, const std::string& path, int lineno, const char* what) {
    for (std::size_t k = 1; k < v.size(); ++k)
        if (!(v[k] > v[k - 1]))
            throw LutError(path, lineno,
                           std::string(what) + " must be strictly increasing: value " +
                               std::to_string(k + 1) + " (" + std::to_string(v[k]) + ") is not above value " +
                               std::to_string(k) + " (" + std::to_string(v[k - 1]) + ")");
}

}  // namespace

void validate_lut(const LookupTable& t) {
    const std::string& src = t.source.empty() ? std::string("<table>") : t.source;
    if (t.g_bins.size() < 2) throw LutError(src, 2, "expected at least 2 G bins");
    if (t.cdf.empty()) throw LutError(src, 3, "expected at least 1 CDF point");
    for (double g : t.g_bins)
        if (!std::isfinite(g)) throw LutError(src, 2, "expected finite G bins");
    for (double c : t.cdf)
        if (!(c >= 0.0 && c <= 1.0)) throw LutError(src, 3, "expected CDF points within [0, 1]");
    check_increasing(t.g_bins, src, 2, "G bins");
    check_increasing(t.cdf, src, 3, "CDF points");
    if (t.dg.size() != t.g_bins.size() * t.cdf.size())
        throw LutError(src, 0,
                       "expected " + std::to_string(t.cdf.size()) + " x " + std::to_string(t.g_bins.size()) +
                           " dG values, found " + std::to_string(t.dg.size()));
    for (double d : t.dg)
        if (!std::isfinite(d)) throw LutError(src, 0, "expected finite dG values");
}

namespace {

bool same_axis(const std::vector<double>& x, const std::vector<double>& y) {
    if (x.size() != y.size()) return false;
    const double tol = 1e-9 * (std::fabs(x.back() - x.front()) + std::fabs(x.back()));
    for (std::size_t k = 0; k < x.size(); ++k)
        if (std::fabs(x[k] - y[k]) > tol) return false;
    return true;
}

std::string siemens(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g S", v);
    return buf;
}

std::string axis_text(const std::vector<double>& v) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%zu values in [%g, %g]", v.size(), v.front(), v.back());
    return buf;
}

int nearest_bin(const std::vector<double>& bins, double g) {
    int best = 0;
    for (int i = 1; i < static_cast<int>(bins.size()); ++i)
        if (std::fabs(bins[i] - g) < std::fabs(bins[best] - g)) best = i;
    return best;
}

// Mean dG (siemens) over the bins [i0, i1], each bin's dG weighted by the sampler's row
// probabilities (what the LUT device uses as the mean step of a pulse).
double mean_step(const LookupTable& t, const std::vector<double>& pr, int i0, int i1) {
    double sum = 0.0;
    for (int i = i0; i <= i1; ++i)
        for (int r = 0; r < t.n_cdf(); ++r) sum += pr[r] * t.dG(r, i);
    return sum / (i1 - i0 + 1);
}

bool all_zero(const LookupTable& t) {
    for (double d : t.dg)
        if (d != 0.0) return false;
    return true;
}

}  // namespace

void check_lut_pair(const LookupTable& inc, const LookupTable& dec, double g_min_relative, double g_max_relative) {
    using S = LutSide;
    if (!same_axis(inc.g_bins, dec.g_bins))
        throw LutPairError(S::decreasing, dec.source, 2,
                           "expected the same G bins as the increasing table " + inc.source + " (" +
                               axis_text(inc.g_bins) + "), found " + axis_text(dec.g_bins));
    if (!same_axis(inc.cdf, dec.cdf))
        throw LutPairError(S::decreasing, dec.source, 3,
                           "expected the same CDF points as the increasing table " + inc.source + " (" +
                               axis_text(inc.cdf) + "), found " + axis_text(dec.cdf));
    if (all_zero(inc)) throw LutPairError(S::increasing, inc.source, 0, "every dG value is zero: the cells would never change");
    if (all_zero(dec)) throw LutPairError(S::decreasing, dec.source, 0, "every dG value is zero: the cells would never change");
    const double g0 = inc.g_bins.front(), span = inc.g_bins.back() - g0;
    const int i0 = nearest_bin(inc.g_bins, g0 + span * g_min_relative);
    const int i1 = nearest_bin(inc.g_bins, g0 + span * g_max_relative);
    const std::vector<double> pr = detail::nearest_point_weights(inc.cdf);
    const double up = mean_step(inc, pr, i0, i1), down = mean_step(dec, pr, i0, i1);
    if (!(up > 0.0))
        throw LutPairError(S::increasing, inc.source, 0,
                           "increasing (SET) table: expected a positive mean dG over the targeted G range, found " +
                               siemens(up) + " (are the tables swapped?)");
    if (!(down < 0.0))
        throw LutPairError(S::decreasing, dec.source, 0,
                           "decreasing (RESET) table: expected a negative mean dG over the targeted G range, found " +
                               siemens(down) + " (are the tables swapped?)");
}

LookupTable load_lut(const std::string& path) {
    const std::string data = read_all(path);
    LookupTable t;
    t.source = path;

    std::size_t pos = 0;
    int lineno = 0;
    std::string line;
    auto next_line = [&]() -> bool {
        if (pos >= data.size()) return false;
        std::size_t nl = data.find('\n', pos);
        if (nl == std::string::npos) nl = data.size();
        line.assign(data, pos, nl - pos);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        pos = nl + 1;
        ++lineno;
        return true;
    };

    if (data.empty() || is_blank(data))
        throw LutError(path, 1,
                       "file is empty: expected a header line, G bins, CDF points and the dG matrix");
    next_line();
    t.header = line;

    if (!next_line() || is_blank(line)) throw LutError(path, 2, "expected the G bins (siemens) on line 2");
    t.g_bins = parse_numbers(line, path, lineno, "G bins");
    if (t.g_bins.size() < 2)
        throw LutError(path, lineno, "expected at least 2 G bins, found " + std::to_string(t.g_bins.size()));
    check_increasing(t.g_bins, path, lineno, "G bins");

    if (!next_line() || is_blank(line)) throw LutError(path, 3, "expected the CDF points (0..1) on line 3");
    t.cdf = parse_numbers(line, path, lineno, "CDF points");
    for (std::size_t k = 0; k < t.cdf.size(); ++k)
        if (t.cdf[k] < 0.0 || t.cdf[k] > 1.0)
            throw LutError(path, lineno,
                           "CDF points, field " + std::to_string(k + 1) +
                               ": expected a value in [0, 1], found " + std::to_string(t.cdf[k]));
    check_increasing(t.cdf, path, lineno, "CDF points");

    const std::size_t nb = t.g_bins.size(), nc = t.cdf.size();
    t.dg.reserve(nb * nc);
    std::size_t rows = 0;
    bool blank_after = false;
    int first_blank_after = 0;
    while (next_line()) {
        if (is_blank(line)) {
            if (rows > 0 && !blank_after) {
                blank_after = true;
                first_blank_after = lineno;
            }
            continue;  // the blank separator line; trailing blank lines
        }
        if (blank_after)
            throw LutError(path, first_blank_after,
                           "blank line inside the dG matrix (after row " + std::to_string(rows) + " of " +
                               std::to_string(nc) + ")");
        if (rows == nc)
            throw LutError(path, lineno,
                           "expected " + std::to_string(nc) + " dG rows (one per CDF point), found more");
        const std::vector<double> v = parse_numbers(line, path, lineno, "dG row");
        if (v.size() != nb)
            throw LutError(path, lineno,
                           "expected " + std::to_string(nb) + " dG values (one per G bin), found " +
                               std::to_string(v.size()));
        t.dg.insert(t.dg.end(), v.begin(), v.end());
        ++rows;
    }
    if (rows != nc)
        throw LutError(path, lineno,
                       "expected " + std::to_string(nc) + " dG rows (one per CDF point), found " +
                           std::to_string(rows) + " at end of file");
    return t;
}

void save_lut(const LookupTable& t, const std::string& path) {
    validate_lut(t);
    std::string out;
    out.reserve(t.dg.size() * 26 + 256);
    std::string header = t.header;
    for (char& c : header)
        if (c == '\n' || c == '\r') c = ' ';
    if (is_blank(header))
        header =
            "1st Row = Gbins, 2nd Row = CDF Points, 3rd row onward =  dG matrix (rows= CDF, columns = Gbins)";
    out += header;
    out += '\n';
    char buf[40];
    auto put_row = [&](const double* v, std::size_t n) {
        for (std::size_t k = 0; k < n; ++k) {
            std::snprintf(buf, sizeof buf, k ? ", %.17g" : "%.17g", v[k]);
            out += buf;
        }
        out += '\n';
    };
    put_row(t.g_bins.data(), t.g_bins.size());
    put_row(t.cdf.data(), t.cdf.size());
    out += '\n';
    for (int r = 0; r < t.n_cdf(); ++r)
        put_row(t.dg.data() + static_cast<std::size_t>(r) * t.g_bins.size(), t.g_bins.size());

    const bool gz = path.size() >= 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
    if (gz) {
        GzPtr f(gzopen(path.c_str(), "wb"));
        if (!f) throw LutError(path, 0, std::string("cannot write file: ") + std::strerror(errno));
        std::size_t done = 0;
        while (done < out.size()) {
            const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(out.size() - done, 1u << 20));
            if (gzwrite(f.get(), out.data() + done, chunk) != static_cast<int>(chunk))
                throw LutError(path, 0, "write error");
            done += chunk;
        }
        if (gzclose(f.release()) != Z_OK) throw LutError(path, 0, "write error on close");
    } else {
        std::FILE* f = std::fopen(path.c_str(), "wb");
        if (!f) throw LutError(path, 0, std::string("cannot write file: ") + std::strerror(errno));
        const bool ok = std::fwrite(out.data(), 1, out.size(), f) == out.size();
        if ((std::fclose(f) != 0) || !ok) throw LutError(path, 0, "write error");
    }
}

double normal_quantile(double p) {
    if (!(p > 0.0 && p < 1.0)) {
        if (p == 0.0) return -std::numeric_limits<double>::infinity();
        if (p == 1.0) return std::numeric_limits<double>::infinity();
        return std::numeric_limits<double>::quiet_NaN();
    }
    // P. J. Acklam's rational approximation (relative error 1.15e-9), then Halley steps.
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                               1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                               6.680131188771972e+01, -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                               -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                               3.754408661907416e+00};
    const double plow = 0.02425;
    double x;
    if (p < plow) {
        const double q = std::sqrt(-2 * std::log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p <= 1 - plow) {
        const double q = p - 0.5, r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    } else {
        const double q = std::sqrt(-2 * std::log1p(-p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    // Halley refinement on Phi(x) = erfc(-x/sqrt2)/2; for p > 1/2 work on the upper tail to keep
    // relative accuracy there.
    for (int it = 0; it < 2; ++it) {
        const double e = p <= 0.5 ? 0.5 * std::erfc(-x / std::sqrt(2.0)) - p
                                  : (1.0 - p) - 0.5 * std::erfc(x / std::sqrt(2.0));
        const double u = e * 2.5066282746310002 * std::exp(0.5 * x * x);  // e / phi(x)
        x = x - u / (1 + 0.5 * x * u);
    }
    return x;
}

LookupTable synthesize_lut(const AnalyticParams& p, int n_bins, int n_cdf, float g_min_siemens,
                           float g_max_siemens, float dw_pulse) {
    if (n_bins < 2 || n_cdf < 2)
        throw std::invalid_argument("synthesize_lut: need n_bins >= 2 and n_cdf >= 2");
    if (!(g_min_siemens >= 0.f) || !(g_max_siemens > g_min_siemens) || !std::isfinite(g_max_siemens))
        throw std::invalid_argument("synthesize_lut: need finite 0 <= g_min_siemens < g_max_siemens");
    if (!(dw_pulse != 0.f) || !std::isfinite(dw_pulse))
        throw std::invalid_argument("synthesize_lut: dw_pulse must be finite and nonzero");
    (void)analytic_delta(p, 0.0, 0.0);  // validates p (throws std::invalid_argument)

    const double range = static_cast<double>(p.w_max) - p.w_min;
    const double g0 = g_min_siemens, g1 = g_max_siemens;
    const double g_per_w = (g1 - g0) / range;
    LookupTable t;
    char desc[256];
    std::snprintf(desc, sizeof desc,
                  "synthesized: alpha=%g symmetric=%d write_noise=%g w=[%g,%g] dw_pulse=%g", p.alpha,
                  p.symmetric ? 1 : 0, p.write_noise, p.w_min, p.w_max, dw_pulse);
    t.source = desc;
    t.header = std::string(
                   "1st Row = Gbins, 2nd Row = CDF Points, 3rd row onward =  dG matrix "
                   "(rows= CDF, columns = Gbins) [xbar-vp ") +
               desc + "]";
    t.g_bins.resize(static_cast<std::size_t>(n_bins));
    for (int i = 0; i < n_bins; ++i) t.g_bins[i] = g0 + (g1 - g0) * i / (n_bins - 1);
    t.g_bins.back() = g1;
    t.cdf.resize(static_cast<std::size_t>(n_cdf));
    for (int k = 0; k < n_cdf; ++k) t.cdf[k] = static_cast<double>(k) / (n_cdf - 1);

    // Probability at the centre of the u interval each row owns under nearest-point sampling.
    std::vector<double> z(static_cast<std::size_t>(n_cdf));
    const std::vector<double> wts = detail::nearest_point_weights(t.cdf);
    double left = 0.0;
    for (int k = 0; k < n_cdf; ++k) {
        const double centre = left + 0.5 * wts[k];
        z[k] = normal_quantile(centre);
        left += wts[k];
    }
    for (int k = 0; k < n_cdf / 2; ++k) {  // exact antisymmetry: zero-mean noise column
        const double s = 0.5 * (z[k] - z[n_cdf - 1 - k]);
        z[k] = s;
        z[n_cdf - 1 - k] = -s;
    }
    if (n_cdf % 2) z[n_cdf / 2] = 0.0;

    const double sigma = p.write_noise * std::sqrt(std::fabs(static_cast<double>(dw_pulse)) * range);
    t.dg.resize(static_cast<std::size_t>(n_bins) * n_cdf);
    for (int i = 0; i < n_bins; ++i) {
        const double w = p.w_min + (t.g_bins[i] - g0) / g_per_w;
        const double det = analytic_delta(p, w, dw_pulse);
        for (int k = 0; k < n_cdf; ++k)
            t.dg[static_cast<std::size_t>(k) * n_bins + i] = (det + sigma * z[k]) * g_per_w;
    }
    return t;
}

}  // namespace xbar::device
