#include "optimizer/fragment.h"

#include <algorithm>
#include <sstream>

namespace ibex::optimizer {

namespace {

// Where the rows of a subtree are, as far as fragments care.
enum class Where : uint8_t { kCoordinator, kExecutors, kReplicated };

class Cutter {
 public:
  Cutter(const storage::Catalog& catalog, FragmentedPlan* out) : catalog_(catalog), out_(out) {}

  // Makes a new fragment of `root`, cutting its exchanges into further fragments; returns its
  // id.
  int NewFragment(PlanNode root, const ExchangeSpec& output, int consumer) {
    int id = static_cast<int>(out_->fragments.size());
    out_->fragments.emplace_back();
    Fragment& f = out_->fragments.back();
    f.id = id;
    f.output = output;
    f.output.fragment = id;
    f.consumer = consumer;
    std::vector<int> inputs;
    CutChildren(&root, id, &inputs);
    // out_->fragments may have grown: index again.
    out_->fragments[id].root = std::move(root);
    out_->fragments[id].inputs = std::move(inputs);
    return id;
  }

  Result<Where> Locate(const PlanNode& node) const {
    switch (node.kind()) {
      case NodeKind::kScan: {
        const storage::Table* t = catalog_.FindTable(node.As<ScanSpec>().table);
        if (t != nullptr && t->def.distribution.kind == storage::DistributionKind::kReplicated) {
          return Where::kReplicated;
        }
        return Where::kExecutors;
      }
      case NodeKind::kValues:
        return Where::kCoordinator;
      case NodeKind::kExchange:
        if (node.children.empty()) {
          switch (node.As<ExchangeSpec>().kind) {
            case ExchangeKind::kGather:
              return Where::kCoordinator;
            case ExchangeKind::kBroadcast:
              return Where::kReplicated;
            case ExchangeKind::kShuffle:
              return Where::kExecutors;
          }
        }
        break;
      default:
        break;
    }
    bool executors = false, coordinator = false;
    for (const PlanNode& c : node.children) {
      IBEX_ASSIGN_OR_RETURN(Where w, Locate(c));
      executors |= w == Where::kExecutors;
      coordinator |= w == Where::kCoordinator;
    }
    if (executors && coordinator) {
      return Status::Internal("fragment: node " + std::to_string(node.id) + " (" +
                              NodeKindName(node.kind()) +
                              ") combines rows at the coordinator with rows on the executors");
    }
    if (executors) return Where::kExecutors;
    if (coordinator) return Where::kCoordinator;
    return Where::kReplicated;
  }

 private:
  // Replaces every Exchange in the tree at `node` (itself included) by its receiving end,
  // its sending side becoming a fragment of its own.
  void CutChildren(PlanNode* node, int fragment, std::vector<int>* inputs) {
    if (node->kind() == NodeKind::kExchange && !node->children.empty()) {
      PlanNode sender = std::move(node->children[0]);
      node->children.clear();
      int id = NewFragment(std::move(sender), node->As<ExchangeSpec>(), fragment);
      node->As<ExchangeSpec>().fragment = id;
      inputs->push_back(id);
      return;
    }
    for (PlanNode& child : node->children) CutChildren(&child, fragment, inputs);
  }

  const storage::Catalog& catalog_;
  FragmentedPlan* out_;
};

}  // namespace

const char* FragmentPlaceName(FragmentPlace place) {
  switch (place) {
    case FragmentPlace::kCoordinator:
      return "coordinator";
    case FragmentPlace::kExecutors:
      return "executors";
    case FragmentPlace::kOneExecutor:
      return "one executor";
  }
  return "?";
}

std::vector<int> FragmentedPlan::BottomUpOrder() const {
  // Fragments are numbered in pre-order (a consumer before what it receives), so the reverse
  // numbering is bottom-up.
  std::vector<int> order;
  for (int i = static_cast<int>(fragments.size()) - 1; i >= 0; --i) order.push_back(i);
  return order;
}

namespace {

// A join drops at least this share of its probe side's rows (by the cost model's estimates):
// then the probe side filters by a bloom filter of the build side's keys before its shuffle.
constexpr double kBloomSelectivity = 0.7;
constexpr int64_t kBloomMinBits = int64_t{1} << 16;
constexpr int64_t kBloomMaxBits = int64_t{1} << 28;  // 32 MiB
constexpr double kBloomBitsPerKey = 10;              // ~1 % false positives with 3 probes

int64_t BloomBits(double build_rows) {
  int64_t bits = kBloomMinBits;
  while (bits < kBloomMaxBits && static_cast<double>(bits) < build_rows * kBloomBitsPerKey) {
    bits <<= 1;
  }
  return bits;
}

// Joins whose probe and build sides both arrive by a shuffle on the join keys: the build
// side's sender builds the filter over exactly the keys it hashes for the shuffle, and the
// probe side's sender, hashing its own shuffle keys the same way (same partitioning hash),
// drops rows that cannot match. Only joins that drop unmatched probe rows qualify.
void PlanBloomFilters(FragmentedPlan* plan) {
  for (size_t j = 0; j < plan->fragments.size(); ++j) {
    std::vector<std::pair<int, int>> pairs;  // (probe fragment, build fragment)
    ForEachNode(plan->fragments[j].root, [&](const PlanNode& node) {
      const PlanNode* n = &node;
      if (n->kind() != NodeKind::kHashJoin || n->children.size() != 2) return;
      const JoinSpec& join = n->As<JoinSpec>();
      const bool build_right = join.build == BuildSide::kRight;
      const int probe = build_right ? 0 : 1;
      bool drops_probe_rows = false;
      switch (join.type) {
        case JoinType::kInner:
        case JoinType::kSemi:
          drops_probe_rows = true;
          break;
        case JoinType::kRight:  // keeps unmatched right rows: the left side may be filtered
          drops_probe_rows = probe == 0;
          break;
        case JoinType::kLeft:
          drops_probe_rows = probe == 1;
          break;
        default:
          break;
      }
      const PlanNode& p = n->children[static_cast<size_t>(probe)];
      const PlanNode& b = n->children[static_cast<size_t>(1 - probe)];
      auto shuffled_leaf = [](const PlanNode& x) {
        return x.kind() == NodeKind::kExchange && x.children.empty() &&
               x.As<ExchangeSpec>().kind == ExchangeKind::kShuffle &&
               !x.As<ExchangeSpec>().keys.empty();
      };
      if (!drops_probe_rows || !shuffled_leaf(p) || !shuffled_leaf(b) || join.null_aware) return;
      if (p.As<ExchangeSpec>().keys.size() != b.As<ExchangeSpec>().keys.size()) return;
      if (!(n->estimated_rows < kBloomSelectivity * p.estimated_rows)) return;
      pairs.emplace_back(p.As<ExchangeSpec>().fragment, b.As<ExchangeSpec>().fragment);
    });
    for (const auto& [probe, build] : pairs) {
      Fragment& pf = plan->fragments[static_cast<size_t>(probe)];
      Fragment& bf = plan->fragments[static_cast<size_t>(build)];
      if (pf.output.bloom_from >= 0 || bf.output.bloom_to >= 0) continue;  // one filter each
      bf.output.bloom_to = probe;
      bf.output.bloom_bits = BloomBits(bf.root.estimated_rows);
      pf.output.bloom_from = build;
    }
  }
}

}  // namespace

Result<FragmentedPlan> CutFragments(const PhysicalPlan& plan, const storage::Catalog& catalog,
                                    int executors) {
  FragmentedPlan out;
  out.param_count = plan.param_count;
  out.param_types = plan.param_types;
  Cutter cutter(catalog, &out);

  PlanNode root = plan.root;
  bool has_exchange = false;
  ForEachNode(root, [&](const PlanNode& n) { has_exchange |= n.kind() == NodeKind::kExchange; });
  if (!has_exchange && executors <= 1) {
    // One executor: the whole plan runs there and is gathered to the coordinator. An ordered
    // result (ORDER BY: a Sort or TopN under the final projections and limit) is gathered
    // right above its Sort/TopN by a merging gather, as with several executors: a plain
    // gather lets the executor's workers send the sorted chunks in any order (TPC-H Q16 on one
    // executor with two workers came back out of order in about one run in seven).
    PlanNode* at = &root;
    while ((at->kind() == NodeKind::kProject || at->kind() == NodeKind::kLimit) &&
           at->children.size() == 1) {
      at = &at->children[0];
    }
    std::vector<SortKey> merge;
    if (at->kind() == NodeKind::kSort) {
      merge = at->As<SortSpec>().keys;
    } else if (at->kind() == NodeKind::kTopN) {
      merge = at->As<TopNSpec>().keys;
    } else {
      at = &root;
    }
    PlanNode gather;
    gather.id = at->id;
    gather.schema = at->schema;
    gather.estimated_rows = at->estimated_rows;
    gather.payload = ExchangeSpec{ExchangeKind::kGather, {}, std::move(merge), -1, -1, 0, -1};
    gather.children.push_back(std::move(*at));
    *at = std::move(gather);
  }
  // Fragment 0 holds the root down to the first exchanges (at least the final gather's
  // receiving end); it runs at the coordinator.
  cutter.NewFragment(std::move(root), ExchangeSpec{}, -1);
  out.fragments[0].place = FragmentPlace::kCoordinator;
  if (out.fragments[0].root.kind() == NodeKind::kExchange &&
      out.fragments[0].root.As<ExchangeSpec>().kind != ExchangeKind::kGather) {
    return Status::Internal("fragment: the plan's root is a " +
                            std::string(ExplainText(out.fragments[0].root)).substr(0, 20) +
                            ", not a gather");
  }

  for (size_t i = 1; i < out.fragments.size(); ++i) {
    Fragment& f = out.fragments[i];
    if (executors <= 1) {
      f.place = FragmentPlace::kExecutors;
      continue;
    }
    IBEX_ASSIGN_OR_RETURN(Where w, cutter.Locate(f.root));
    f.place = w == Where::kCoordinator  ? FragmentPlace::kCoordinator
              : w == Where::kExecutors ? FragmentPlace::kExecutors
                                       : FragmentPlace::kOneExecutor;
  }
  if (executors > 1) PlanBloomFilters(&out);
  // A fragment at the coordinator must not read tables: only executors hold blocks.
  for (const Fragment& f : out.fragments) {
    if (f.place != FragmentPlace::kCoordinator) continue;
    const PlanNode* scan = nullptr;
    ForEachNode(f.root, [&](const PlanNode& n) {
      if (scan == nullptr && n.kind() == NodeKind::kScan) scan = &n;
    });
    if (scan != nullptr) {
      return Status::Internal("fragment " + std::to_string(f.id) +
                              " runs at the coordinator but scans " + scan->As<ScanSpec>().table);
    }
  }
  return out;
}

std::string ExplainFragments(const FragmentedPlan& plan) {
  static constexpr const char* kKinds[] = {"shuffle", "broadcast", "gather"};
  std::string out;
  for (const Fragment& f : plan.fragments) {
    out += "Fragment " + std::to_string(f.id) + " [" + FragmentPlaceName(f.place) + "]";
    if (f.id == 0) {
      out += " -> result";
    } else {
      out += std::string(" -> ") + kKinds[static_cast<int>(f.output.kind)];
      // Keys over the fragment root's columns: print them through a one-node explain.
      PlanNode probe;
      probe.schema = f.root.schema;
      ExchangeSpec spec = f.output;
      spec.fragment = -1;
      probe.payload = spec;
      std::string text = ExplainText(probe);  // "Exchange[kind] keys=[..] merge=[..] rows=.."
      size_t open = text.find(']');
      size_t rows = text.rfind(" rows=");
      if (open != std::string::npos && rows != std::string::npos && rows > open + 1) {
        out += text.substr(open + 1, rows - open - 1);
      }
      out += " to F" + std::to_string(f.consumer);
    }
    out += "\n";
    std::istringstream lines(ExplainText(f.root));
    std::string line;
    while (std::getline(lines, line)) out += "  " + line + "\n";
  }
  return out;
}

PhysicalPlan FragmentPlan(const FragmentedPlan& plan, int fragment) {
  PhysicalPlan p;
  p.root = plan.fragments[static_cast<size_t>(fragment)].root;
  p.param_count = plan.param_count;
  p.param_types = plan.param_types;
  return p;
}

}  // namespace ibex::optimizer
