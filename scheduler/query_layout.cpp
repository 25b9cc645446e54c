#include "scheduler/query_layout.h"

#include <algorithm>

namespace ibex::scheduler {

namespace opt = ibex::optimizer;

bool QueryLayout::RunsOn(int fragment, int rank) const {
  const auto& r = fragments[static_cast<size_t>(fragment)].ranks;
  return std::find(r.begin(), r.end(), rank) != r.end();
}

std::vector<int> QueryLayout::ReceivedBy(int rank) const {
  std::vector<int> out;
  for (size_t f = 0; f < fragments.size(); ++f) {
    const auto& d = fragments[f].destinations;
    if (std::find(d.begin(), d.end(), rank) != d.end()) out.push_back(static_cast<int>(f));
  }
  return out;
}

bool QueryLayout::Involves(int rank) const {
  for (size_t f = 0; f < fragments.size(); ++f) {
    if (RunsOn(static_cast<int>(f), rank)) return true;
  }
  return false;
}

QueryLayout LayOut(const opt::FragmentedPlan& plan, int executors) {
  QueryLayout layout;
  layout.executors = executors;
  layout.fragments.resize(plan.fragments.size());
  for (const opt::Fragment& f : plan.fragments) {
    std::vector<int>& ranks = layout.fragments[static_cast<size_t>(f.id)].ranks;
    switch (f.place) {
      case opt::FragmentPlace::kCoordinator:
        ranks = {0};
        break;
      case opt::FragmentPlace::kOneExecutor:
        ranks = {1};
        break;
      case opt::FragmentPlace::kExecutors:
        for (int r = 1; r <= executors; ++r) ranks.push_back(r);
        break;
    }
  }
  for (const opt::Fragment& f : plan.fragments) {
    if (f.consumer < 0) continue;
    layout.fragments[static_cast<size_t>(f.id)].destinations =
        layout.fragments[static_cast<size_t>(f.consumer)].ranks;
  }
  return layout;
}

}  // namespace ibex::scheduler
