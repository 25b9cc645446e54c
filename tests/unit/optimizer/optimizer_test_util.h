// Helpers of the optimizer tests: benchmark catalogs with scale-factor-1 statistics, planning
// a SQL text, walking plans.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "optimizer/planner.h"
#include "storage/hyperloglog.h"
#include "tests/unit/frontend/frontend_test_util.h"

namespace ibex::optimizer::test {

using sql::test::BenchmarksDir;
using sql::test::ReadFile;
using sql::test::SchemaCatalog;

// Statistics as at scale factor 1: row counts, and distinct counts of key columns.
inline void SetStats(storage::Catalog& catalog, const std::string& table, int64_t rows,
                     const std::vector<std::pair<std::string, int64_t>>& ndv) {
  storage::Table* t = catalog.FindMutableTable(table);
  ASSERT_NE(t, nullptr) << table;
  t->stats.row_count = rows;
  t->stats.columns.assign(t->def.columns.size(), storage::ColumnStats{});
  for (const auto& [column, n] : ndv) {
    int c = t->def.FindColumn(column);
    ASSERT_GE(c, 0) << column;
    for (int64_t i = 0; i < n; ++i)
      t->stats.columns[c].distinct.AddHash(storage::HashInt(static_cast<uint64_t>(i)));
  }
}

inline storage::Catalog TpchCatalog() {
  storage::Catalog c = SchemaCatalog("tpch");
  SetStats(c, "region", 5, {{"r_regionkey", 5}});
  SetStats(c, "nation", 25, {{"n_nationkey", 25}, {"n_regionkey", 5}});
  SetStats(c, "supplier", 10000, {{"s_suppkey", 10000}, {"s_nationkey", 25}});
  SetStats(c, "customer", 150000, {{"c_custkey", 150000}, {"c_nationkey", 25}});
  SetStats(c, "part", 200000, {{"p_partkey", 200000}});
  SetStats(c, "partsupp", 800000, {{"ps_partkey", 200000}, {"ps_suppkey", 10000}});
  SetStats(c, "orders", 1500000, {{"o_orderkey", 1500000}, {"o_custkey", 100000}});
  SetStats(c, "lineitem", 6000000,
           {{"l_orderkey", 1500000}, {"l_partkey", 200000}, {"l_suppkey", 10000}});
  return c;
}

inline storage::Catalog SsbCatalog() {
  storage::Catalog c = SchemaCatalog("ssb");
  SetStats(c, "lineorder", 6000000,
           {{"lo_custkey", 30000},
            {"lo_partkey", 200000},
            {"lo_suppkey", 2000},
            {"lo_orderdate", 2406}});
  SetStats(c, "customer", 30000,
           {{"c_custkey", 30000}, {"c_region", 5}, {"c_nation", 25}, {"c_city", 250}});
  SetStats(c, "supplier", 2000,
           {{"s_suppkey", 2000}, {"s_region", 5}, {"s_nation", 25}, {"s_city", 250}});
  SetStats(c, "part", 200000,
           {{"p_partkey", 200000}, {"p_mfgr", 5}, {"p_category", 25}, {"p_brand1", 1000}});
  SetStats(c, "dates", 2556,
           {{"d_datekey", 2556}, {"d_year", 7}, {"d_yearmonthnum", 84}, {"d_weeknuminyear", 53}});
  return c;
}

inline const storage::Catalog& Tpch() {
  static const storage::Catalog catalog = TpchCatalog();
  return catalog;
}

inline const storage::Catalog& Ssb() {
  static const storage::Catalog catalog = SsbCatalog();
  return catalog;
}

inline Result<PhysicalPlan> Plan(const std::string& sql, const storage::Catalog& catalog) {
  auto bound = sql::ParseAndBind(sql, catalog);
  if (!bound.ok()) return Status::InvalidArgument(sql::FormatSqlError(sql, bound.error()));
  return PlanStatement(bound.value(), catalog);
}

inline std::string Query(const std::string& name) {
  std::string path = BenchmarksDir() + "/queries/" + name;
  return ReadFile(path);
}

using ::ibex::optimizer::ForEachNode;  // optimizer/physical_plan.h

inline void SetDistribution(storage::Catalog& c, const std::string& table, storage::Distribution d) {
  storage::Table* t = c.FindMutableTable(table);
  ASSERT_NE(t, nullptr) << table;
  t->def.distribution = std::move(d);
}

inline int Column(const storage::Catalog& c, const std::string& table, const std::string& column) {
  return c.FindTable(table)->def.FindColumn(column);
}

// SSB with lineorder hashed on lo_orderkey and every dimension REPLICATED.
inline const storage::Catalog& PartitionedSsb() {
  static const storage::Catalog catalog = [] {
    storage::Catalog c = SsbCatalog();
    SetDistribution(c, "lineorder",
               storage::Distribution::Hash({Column(c, "lineorder", "lo_orderkey")}));
    for (const char* t : {"customer", "supplier", "part", "dates"})
      SetDistribution(c, t, storage::Distribution::Replicated());
    return c;
  }();
  return catalog;
}

// TPC-H with every table but nation/region hashed on its key, those two REPLICATED.
inline const storage::Catalog& PartitionedTpch() {
  static const storage::Catalog catalog = [] {
    storage::Catalog c = TpchCatalog();
    auto hash = [&](const char* t, const char* col) {
      SetDistribution(c, t, storage::Distribution::Hash({Column(c, t, col)}));
    };
    hash("lineitem", "l_orderkey");
    hash("orders", "o_orderkey");
    hash("customer", "c_custkey");
    hash("part", "p_partkey");
    hash("partsupp", "ps_partkey");
    hash("supplier", "s_suppkey");
    SetDistribution(c, "nation", storage::Distribution::Replicated());
    SetDistribution(c, "region", storage::Distribution::Replicated());
    return c;
  }();
  return catalog;
}

}  // namespace ibex::optimizer::test
