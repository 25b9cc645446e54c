// A minimal SVG line chart (bandwidth against message size, log2 x axis) written without any
// outside tool, for `ibex-shuffle-bench --plot FILE`.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace ibex::perf {

struct PlotSeries {
  std::string name;
  bool dashed = false;
  std::vector<std::pair<double, double>> points;  // (message bytes, GB/s)
};

Status WriteSvgPlot(const std::string& path, const std::string& title,
                    const std::vector<PlotSeries>& series);

}  // namespace ibex::perf
