#pragma once
// Checks of the HTML reports (platform/report.*, platform/sweep_report.*) shared by their unit
// tests: substring counts, well-formed markup, one chart's <svg> element, self-containment.
#include <cctype>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace html_checks {

inline bool has(const std::string& html, const std::string& needle) { return html.find(needle) != std::string::npos; }

inline std::size_t count(const std::string& html, const std::string& needle) {
    std::size_t n = 0;
    for (auto p = html.find(needle); p != std::string::npos; p = html.find(needle, p + 1)) ++n;
    return n;
}

// Every element closed in order (HTML void elements and self-closing SVG elements aside); the
// text inside <style> is skipped. Returns "" when well-formed, else what is wrong.
inline std::string well_formed(const std::string& html) {
    static const std::set<std::string> void_el{"meta", "br", "img", "hr", "input", "link", "col", "area", "base", "wbr"};
    std::vector<std::string> stack;
    std::size_t i = 0;
    while ((i = html.find('<', i)) != std::string::npos) {
        if (html.compare(i, 2, "<!") == 0) {
            i = html.find('>', i);
            if (i == std::string::npos) return "unterminated <!";
            continue;
        }
        const std::size_t j = html.find('>', i);
        if (j == std::string::npos) return "unterminated tag at " + std::to_string(i);
        const std::string tag = html.substr(i + 1, j - i - 1);
        if (tag.empty()) return "empty tag at " + std::to_string(i);
        const bool closing = tag[0] == '/', self = tag.back() == '/';
        std::size_t k = closing ? 1 : 0;
        std::string name;
        while (k < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[k])) || tag[k] == '-')) name += tag[k++];
        if (name.empty()) return "bad tag '" + tag + "'";
        if (closing) {
            if (stack.empty() || stack.back() != name)
                return "</" + name + "> closes <" + (stack.empty() ? std::string("nothing") : stack.back()) + ">";
            stack.pop_back();
        } else if (!self && !void_el.count(name)) {
            stack.push_back(name);
            if (name == "style" || name == "title") {  // raw text
                const std::size_t e = html.find("</" + name + ">", j);
                if (e == std::string::npos) return "unclosed <" + name + ">";
                i = e;
                continue;
            }
        }
        i = j + 1;
    }
    return stack.empty() ? "" : "unclosed <" + stack.back() + ">";
}

// The <svg ...>...</svg> element that carries the id (empty if none).
inline std::string svg_with_id(const std::string& html, const std::string& id) {
    const auto p = html.find("<svg id=\"" + id + "\"");
    if (p == std::string::npos) return "";
    const auto e = html.find("</svg>", p);
    return e == std::string::npos ? "" : html.substr(p, e + 6 - p);
}

inline void expect_self_contained(const std::string& html) {
    EXPECT_FALSE(has(html, "http://"));
    EXPECT_FALSE(has(html, "https://"));
    EXPECT_FALSE(has(html, "<script"));
    EXPECT_FALSE(has(html, "<link"));
    EXPECT_FALSE(has(html, "<img"));
    EXPECT_FALSE(has(html, "@import"));
    EXPECT_FALSE(has(html, " src="));
    // Only in-page references: href="#..." and url(#...).
    const std::regex href("href=\"([^\"]*)\""), url("url\\(([^)]*)\\)");
    for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator(); ++it)
        EXPECT_EQ((*it)[1].str().substr(0, 1), "#") << (*it)[0];
    for (auto it = std::sregex_iterator(html.begin(), html.end(), url); it != std::sregex_iterator(); ++it)
        EXPECT_EQ((*it)[1].str().substr(0, 1), "#") << (*it)[0];
}

}  // namespace html_checks
