#include "scheduler/foreman.h"

#include <algorithm>
#include <functional>

namespace ibex::scheduler {

namespace opt = ibex::optimizer;

namespace {

bool IsReplicated(const storage::Catalog& catalog, const std::string& table) {
  const storage::Table* t = catalog.FindTable(table);
  return t != nullptr && t->def.distribution.kind == storage::DistributionKind::kReplicated;
}

// The same rows on every executor: replicated scans and broadcast inputs only.
bool SameEverywhere(const opt::PlanNode& n, const storage::Catalog& catalog) {
  if (n.kind() == opt::NodeKind::kScan) return IsReplicated(catalog, n.As<opt::ScanSpec>().table);
  if (n.kind() == opt::NodeKind::kExchange && n.children.empty()) {
    return n.As<opt::ExchangeSpec>().kind == opt::ExchangeKind::kBroadcast;
  }
  if (n.kind() == opt::NodeKind::kValues) return false;
  for (const opt::PlanNode& c : n.children) {
    if (!SameEverywhere(c, catalog)) return false;
  }
  return true;
}

bool Contains(const opt::PlanNode& n, int id) {
  if (n.id == id) return true;
  for (const opt::PlanNode& c : n.children) {
    if (Contains(c, id)) return true;
  }
  return false;
}

bool RowLocalPath(const opt::PlanNode& n, int scan_id, const storage::Catalog& catalog) {
  if (n.id == scan_id) return true;
  switch (n.kind()) {
    case opt::NodeKind::kFilter:
    case opt::NodeKind::kProject:
    case opt::NodeKind::kSort:
    case opt::NodeKind::kTopN:
      return RowLocalPath(n.children[0], scan_id, catalog);
    case opt::NodeKind::kHashAggregate:
      return n.As<opt::AggregateSpec>().phase == opt::AggPhase::kPartial &&
             RowLocalPath(n.children[0], scan_id, catalog);
    case opt::NodeKind::kHashJoin: {
      const opt::JoinSpec& j = n.As<opt::JoinSpec>();
      const size_t probe = j.build == opt::BuildSide::kRight ? 0 : 1;
      const size_t build = 1 - probe;
      // Whether the join preserves the probe / the build side's unmatched rows.
      const bool keeps_probe = j.type == opt::JoinType::kFull ||
                               (j.type == opt::JoinType::kLeft && probe == 0) ||
                               (j.type == opt::JoinType::kRight && probe == 1);
      const bool keeps_build = j.type == opt::JoinType::kFull ||
                               (j.type == opt::JoinType::kRight && probe == 0) ||
                               (j.type == opt::JoinType::kLeft && probe == 1);
      if (Contains(n.children[probe], scan_id)) {
        // Probe rows split over executors against the same build rows everywhere: correct
        // unless unmatched build rows are emitted (each executor would emit them).
        return !keeps_build && SameEverywhere(n.children[build], catalog) &&
               RowLocalPath(n.children[probe], scan_id, catalog);
      }
      // The scan feeds the build side (the planner builds the smaller input, e.g. SSB Q4.3's
      // filtered lineorder stream against all of customer): splitting the build rows splits
      // the join's pairs, which is correct for an inner join or one that keeps only unmatched
      // build rows — not when unmatched or matched probe rows are emitted per executor (outer on
      // the probe side, semi, anti, mark) or a second match is an error (scalar subqueries).
      const bool pairs_only = (j.type == opt::JoinType::kInner ||
                               (keeps_build && !keeps_probe)) && !j.at_most_one_match;
      return pairs_only && SameEverywhere(n.children[probe], catalog) &&
             RowLocalPath(n.children[build], scan_id, catalog);
    }
    default:
      return false;
  }
}

}  // namespace

bool ScanIsRowLocal(const opt::Fragment& fragment, int scan_id, const storage::Catalog& catalog) {
  return RowLocalPath(fragment.root, scan_id, catalog);
}

Foreman::Foreman(const opt::FragmentedPlan& plan, const QueryLayout& layout,
                 const storage::Catalog& catalog, bool allow_stealing) {
  for (const opt::Fragment& f : plan.fragments) {
    if (f.place == opt::FragmentPlace::kCoordinator) continue;
    std::vector<const opt::PlanNode*> scans;
    opt::ForEachNode(f.root, [&](const opt::PlanNode& n) {
      if (n.kind() == opt::NodeKind::kScan) scans.push_back(&n);
    });
    for (const opt::PlanNode* s : scans) {
      const storage::Table* t = catalog.FindTable(s->As<opt::ScanSpec>().table);
      if (t == nullptr) continue;  // the executors report the missing table
      Scan work;
      const bool replicated = t->def.distribution.kind == storage::DistributionKind::kReplicated;
      work.stealable = allow_stealing && !replicated && ScanIsRowLocal(f, s->id, catalog);
      uint64_t offset = 0;
      std::vector<uint64_t> first(t->partitions.size());
      for (size_t p = 0; p < t->partitions.size(); ++p) {
        first[p] = offset;
        offset += t->partitions[p].blocks.size();
      }
      for (int rank : layout.fragments[static_cast<size_t>(f.id)].ranks) {
        // The executor's own partition; a [one executor] fragment reads partition 0's copy of
        // its replicated tables.
        const size_t p = f.place == opt::FragmentPlace::kOneExecutor ? 0 : static_cast<size_t>(rank - 1);
        auto& q = work.queues[rank];
        if (p >= t->partitions.size()) continue;
        for (size_t b = 0; b < t->partitions[p].blocks.size(); ++b) q.push_back(first[p] + b);
      }
      scans_.emplace(std::make_pair(f.id, s->id), std::move(work));
    }
  }
}

Foreman::Batch Foreman::Next(int rank, int fragment, int node, uint32_t want) {
  std::lock_guard lock(mu_);
  Batch out;
  auto it = scans_.find({fragment, node});
  if (it == scans_.end()) {
    out.last = true;
    return out;
  }
  Scan& scan = it->second;
  want = std::max<uint32_t>(1, want);
  auto& own = scan.queues[rank];
  // How many of its own: all of them when nobody else may take them (one round trip instead
  // of one per `want` blocks); otherwise guided self-scheduling — a share of what is left that
  // shrinks toward `want` as the queue drains, so that early batches are large (few round
  // trips, each of which stalls a worker whose queue ran dry) and the tail stays fine-grained
  // for the other executors to take over.
  const size_t share = scan.stealable ? std::max<size_t>(want, own.size() / (2 * scan.queues.size()))
                                      : own.size();
  while (!own.empty() && out.orders.size() < share) {
    out.orders.push_back(own.front());
    own.pop_front();
  }
  if (out.orders.empty() && scan.stealable) {
    // The longest backlog gives up to half of what it has left, from its end.
    auto victim = scan.queues.end();
    for (auto q = scan.queues.begin(); q != scan.queues.end(); ++q) {
      if (q->first != rank && (victim == scan.queues.end() || q->second.size() > victim->second.size())) {
        victim = q;
      }
    }
    if (victim != scan.queues.end() && !victim->second.empty()) {
      const size_t take = std::min<size_t>(want, (victim->second.size() + 1) / 2);
      for (size_t i = 0; i < take; ++i) {
        out.orders.push_back(victim->second.back());
        victim->second.pop_back();
      }
      stolen_[rank] += static_cast<int64_t>(take);
    }
  }
  granted_[rank] += static_cast<int64_t>(out.orders.size());
  // Nothing more will come: the own queue is done and there is nothing to take over.
  if (out.orders.empty() || (own.empty() && !scan.stealable)) out.last = true;
  return out;
}

std::string Foreman::Summary() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [rank, n] : granted_) {
    auto s = stolen_.find(rank);
    out += "rank " + std::to_string(rank) + ": " + std::to_string(n) + " blocks";
    if (s != stolen_.end() && s->second > 0) {
      out += " (" + std::to_string(s->second) + " from other executors' partitions)";
    }
    out += "\n";
  }
  return out;
}

int64_t Foreman::stolen() const {
  std::lock_guard lock(mu_);
  int64_t n = 0;
  for (const auto& [rank, s] : stolen_) n += s;
  return n;
}

}  // namespace ibex::scheduler
