// Builds the engine's pipelines from an optimizer physical plan (optimizer/physical_plan.h):
// one operator, source or sink per plan node, pipelines cut at breakers and listed in an
// order that runs every dependency first (a join's build before its probe, an aggregate's
// input before its output). The result of the root is collected by a ChunkCollector.
// Exchange nodes are identity on one rank. Also renders EXPLAIN ANALYZE from the
// operators' statistics.
//
// Threads: build on one thread; the ExecPlan is then run by an Executor.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "exec/operator.h"
#include "exec/ops/collect.h"
#include "exec/work_feed.h"
#include "optimizer/physical_plan.h"

namespace ibex::exec {

struct ExecPlan {
  std::vector<std::unique_ptr<Source>> sources;
  std::vector<std::unique_ptr<Operator>> operators;
  std::vector<std::unique_ptr<Sink>> sinks;
  std::vector<Pipeline> pipelines;
  ChunkCollector* result = nullptr;
  // Per plan node id: the statistics of the stages that implement it.
  std::vector<std::vector<const OperatorStats*>> node_stats;
};

// `params`: values of $1..$n (EXECUTE).
Result<std::unique_ptr<ExecPlan>> BuildExecPlan(const optimizer::PhysicalPlan& plan,
                                                const std::vector<storage::Value>& params);

// How one fragment of a distributed plan (optimizer/fragment.h) is built on a rank by the
// runtime (scheduler/): its scans read one partition, its exchange receivers (Exchange nodes
// without children) become sources the runtime makes, and its root feeds the runtime's sink
// (an exchange sender) instead of a ChunkCollector (then ExecPlan::result is null).
struct FragmentBuild {
  int partition = -1;  // -1: every partition
  std::function<Result<std::unique_ptr<Source>>(const optimizer::PlanNode& receiver)>
      exchange_source;
  std::unique_ptr<Sink> root_sink;
  // Non-null result: the scan takes its work orders from this feed (the foreman's).
  std::function<std::shared_ptr<WorkFeed>(const optimizer::PlanNode& scan)> scan_feed;
};
Result<std::unique_ptr<ExecPlan>> BuildExecPlan(const optimizer::PhysicalPlan& plan,
                                                const std::vector<storage::Value>& params,
                                                FragmentBuild fragment);

// The EXPLAIN text of `plan` with each node's actual rows, time and memory appended.
std::string ExplainAnalyzeText(const optimizer::PhysicalPlan& plan, const ExecPlan& exec);

}  // namespace ibex::exec
