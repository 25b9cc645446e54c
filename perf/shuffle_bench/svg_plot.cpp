#include "perf/shuffle_bench/svg_plot.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace ibex::perf {
namespace {

std::string SizeLabel(double bytes) {
  char buf[32];
  if (bytes >= 1 << 20) {
    std::snprintf(buf, sizeof(buf), "%g MiB", bytes / (1 << 20));
  } else {
    std::snprintf(buf, sizeof(buf), "%g KiB", bytes / 1024);
  }
  return buf;
}

}  // namespace

Status WriteSvgPlot(const std::string& path, const std::string& title,
                    const std::vector<PlotSeries>& series) {
  const double w = 760, h = 440, left = 70, right = 180, top = 40, bottom = 60;
  double xmin = 1e300, xmax = 0, ymax = 0;
  for (const auto& s : series) {
    for (auto [x, y] : s.points) {
      xmin = std::min(xmin, std::log2(x));
      xmax = std::max(xmax, std::log2(x));
      ymax = std::max(ymax, y);
    }
  }
  if (xmax <= xmin) xmax = xmin + 1;
  if (ymax <= 0) ymax = 1;
  ymax *= 1.1;
  auto px = [&](double x) { return left + (std::log2(x) - xmin) / (xmax - xmin) * (w - left - right); };
  auto py = [&](double y) { return h - bottom - y / ymax * (h - top - bottom); };
  static const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
  std::ostringstream o;
  o << "<svg xmlns='http://www.w3.org/2000/svg' width='" << w << "' height='" << h
    << "' font-family='sans-serif' font-size='12'>\n";
  o << "<rect width='100%' height='100%' fill='white'/>\n";
  o << "<text x='" << w / 2 << "' y='22' text-anchor='middle' font-size='15'>" << title << "</text>\n";
  o << "<line x1='" << left << "' y1='" << h - bottom << "' x2='" << w - right << "' y2='"
    << h - bottom << "' stroke='black'/>\n";
  o << "<line x1='" << left << "' y1='" << top << "' x2='" << left << "' y2='" << h - bottom
    << "' stroke='black'/>\n";
  for (int i = 0; i <= 5; ++i) {
    double y = ymax * i / 5;
    o << "<line x1='" << left << "' y1='" << py(y) << "' x2='" << w - right << "' y2='" << py(y)
      << "' stroke='#ddd'/>\n";
    char label[32];
    std::snprintf(label, sizeof(label), "%.1f", y);
    o << "<text x='" << left - 6 << "' y='" << py(y) + 4 << "' text-anchor='end'>" << label << "</text>\n";
  }
  for (int e = static_cast<int>(std::ceil(xmin)); e <= static_cast<int>(std::floor(xmax)); e += 2) {
    double x = std::exp2(e);
    o << "<text x='" << px(x) << "' y='" << h - bottom + 18 << "' text-anchor='middle'>"
      << SizeLabel(x) << "</text>\n";
  }
  o << "<text x='" << (left + w - right) / 2 << "' y='" << h - 15
    << "' text-anchor='middle'>message size</text>\n";
  o << "<text transform='translate(18," << (top + h - bottom) / 2
    << ") rotate(-90)' text-anchor='middle'>GB/s (aggregate, between distinct ranks)</text>\n";
  for (size_t i = 0; i < series.size(); ++i) {
    const PlotSeries& s = series[i];
    const char* color = kColors[(i / 2) % 6];
    o << "<polyline fill='none' stroke='" << color << "' stroke-width='2'"
      << (s.dashed ? " stroke-dasharray='6,4'" : "") << " points='";
    for (auto [x, y] : s.points) o << px(x) << "," << py(y) << " ";
    o << "'/>\n";
    for (auto [x, y] : s.points) {
      o << "<circle cx='" << px(x) << "' cy='" << py(y) << "' r='3' fill='" << color << "'/>\n";
    }
    double ly = top + 16 + 18 * static_cast<double>(i);
    o << "<line x1='" << w - right + 12 << "' y1='" << ly << "' x2='" << w - right + 40 << "' y2='"
      << ly << "' stroke='" << color << "' stroke-width='2'"
      << (s.dashed ? " stroke-dasharray='6,4'" : "") << "/>\n";
    o << "<text x='" << w - right + 46 << "' y='" << ly + 4 << "'>" << s.name << "</text>\n";
  }
  o << "</svg>\n";
  std::ofstream out(path);
  if (!out) return Status::FromErrno("open", path, errno);
  out << o.str();
  if (!out) return Status::FromErrno("write", path, errno);
  return Status::OK();
}

}  // namespace ibex::perf
