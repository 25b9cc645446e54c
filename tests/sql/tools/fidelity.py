#!/usr/bin/env python3
"""Generator fidelity check (issue 6 item 9): the answers of the aggregate queries on
ibex-datagen SF 1 data against the reference answers computed on the official generators'
data (benchmarks/reference-sf1), within per-query tolerances.

    tests/sql/tools/fidelity.py --engine duckdb [--duckdb /tmp/duck] --datagen .../ibex-datagen
    tests/sql/tools/fidelity.py --engine ibex --ibex .../ibex --datagen ... [--ranks N] \
        --features engine

The same script checks the generator through DuckDB (a proxy, now) and through ibex (later;
CTest test sql.generator_fidelity, tier full, skipped until the 'engine' feature is on).
Exit 0 all checks hold, 1 one failed, 77 skipped (engine not enabled).

Why these checks and tolerances (docs/sqltest.md has the full argument): an independent
generator reproduces dbgen's distributions, not its random draws, so answers differ by
sampling noise, which is small for aggregates over millions of rows and large for small
samples. Each query is checked by (a) its keys: the same groups (Q13 may differ by a few
c_count values at the tail), (b) the deviation of each value column's total, and (c) where
there are many groups, the median per-group deviation (robust against the few small groups
that legitimately deviate a lot). Tolerances are about 2-5x the deviations measured with
DuckDB on ibex-datagen SF 1 data (2026-11-21), so a distribution bug of a few percent fails
while sampling noise passes:

  query       measured                       checked
  TPC-H Q1    every value <= 0.15%           every value of every group <= 1%
  TPC-H Q6    +0.01%                         total <= 1%
  TPC-H Q9    total +1.98%, group median 6.3% total <= 5%, median <= 15%, same 175 groups
  TPC-H Q13   group median 2.2%, +1 group    total (= customers) <= 0.1%, median <= 5%,
                                             groups differ by <= 3
  TPC-H Q14   +1.8% (1/6 expected)           <= 4%
  TPC-H Q16   groups -0.33%, total +0.19%    rows <= 2%, total <= 1%
  SSB Q1.1    +0.36%                         <= 2%
  SSB Q1.2    +0.31%                         <= 2%
  SSB Q1.3    -7.5%                          <= 12%: one week (~950 rows); week-to-week
                                             sigma of our data 3.1%, and the reference lies
                                             +5% above what its own Q1.2 predicts
  SSB Q2.1    total +2.1%, group median 10.6% total <= 5%, median <= 20%, same 280 groups
"""

from __future__ import annotations

import argparse
import pathlib
import os
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(HERE, "..", "runner"))

import slt_results  # noqa: E402
import slt_session  # noqa: E402

# (benchmark, query): keys, allowed key-set difference (None: not checked), and tolerances in
# percent: per-column totals, per-group medians, every value of every group, row count.
CHECKS = {
    ("tpch", "q01"): dict(keys=["l_returnflag", "l_linestatus"], key_diff=0, every=1.0),
    ("tpch", "q06"): dict(total={"revenue": 1.0}),
    ("tpch", "q09"): dict(keys=["nation", "o_year"], key_diff=0, total={"sum_profit": 5.0},
                          median={"sum_profit": 15.0}),
    ("tpch", "q13"): dict(keys=["c_count"], key_diff=3, total={"custdist": 0.1},
                          median={"custdist": 5.0}),
    ("tpch", "q14"): dict(total={"promo_revenue": 4.0}),
    ("tpch", "q16"): dict(rows=2.0, total={"supplier_cnt": 1.0}),
    ("ssb", "q1.1"): dict(total={"revenue": 2.0}),
    ("ssb", "q1.2"): dict(total={"revenue": 2.0}),
    ("ssb", "q1.3"): dict(total={"revenue": 12.0}),
    ("ssb", "q2.1"): dict(keys=["d_year", "p_brand1"], key_diff=0, total={"revenue": 5.0},
                          median={"revenue": 20.0}),
}


def ReadCsv(text: str):
    rows = slt_results.ParseCsv(text)
    return [h.lower() for h in rows[0]], rows[1:]


def Pct(ours: float, ref: float) -> float:
    return float("inf") if ref == 0 and ours != 0 else (0.0 if ref == 0 else 100 * (ours / ref - 1))


def KeyOf(row, idx):
    # Years may print as 1998 or 1998.0 depending on the engine.
    out = []
    for i in idx:
        v = row[i] or ""
        try:
            out.append(repr(float(v)))
        except ValueError:
            out.append(v.rstrip())
    return tuple(out)


def Check(bench: str, query: str, ours_csv: str, ref_csv: str) -> list[tuple[str, float, float, bool]]:
    """(what, deviation %, tolerance %, holds) for each check of one query."""
    spec = CHECKS[(bench, query)]
    oh, orows = ReadCsv(ours_csv)
    rh, rrows = ReadCsv(ref_csv)
    results = []
    if oh != rh:
        return [(f"columns {oh} vs reference {rh}", float("inf"), 0.0, False)]
    keys = spec.get("keys", [])
    kidx = [rh.index(k) for k in keys]
    ours_by = {KeyOf(r, kidx): r for r in orows}
    ref_by = {KeyOf(r, kidx): r for r in rrows}
    if "rows" in spec:
        d = Pct(len(orows), len(rrows))
        results.append((f"rows {len(orows)} vs {len(rrows)}", d, spec["rows"], abs(d) <= spec["rows"]))
    if spec.get("key_diff") is not None:
        diff = len(set(ours_by) ^ set(ref_by))
        results.append((f"groups: {len(ours_by)} vs {len(ref_by)}, {diff} differ", float(diff),
                        float(spec["key_diff"]), diff <= spec["key_diff"]))
    for col, tol in spec.get("total", {}).items():
        c = rh.index(col)
        d = Pct(sum(float(r[c]) for r in orows), sum(float(r[c]) for r in rrows))
        results.append((f"total {col}", d, tol, abs(d) <= tol))
    matched = [(ours_by[k], ref_by[k]) for k in ref_by if k in ours_by]
    for col, tol in spec.get("median", {}).items():
        c = rh.index(col)
        devs = [abs(Pct(float(o[c]), float(r[c]))) for o, r in matched if float(r[c]) != 0]
        d = statistics.median(devs) if devs else float("inf")
        results.append((f"median per-group |deviation| of {col} ({len(devs)} groups)", d, tol, d <= tol))
    if "every" in spec:
        tol = spec["every"]
        worst, where = 0.0, ""
        for o, r in matched:
            for c, name in enumerate(rh):
                if name in keys:
                    continue
                d = abs(Pct(float(o[c]), float(r[c])))
                if d > worst:
                    worst, where = d, f"{name} of {KeyOf(r, kidx)}"
        if len(matched) != len(rrows):
            worst, where = float("inf"), "groups missing"
        results.append((f"every value of every group (worst: {where})", worst, tol, worst <= tol))
    return results


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--engine", choices=["duckdb", "ibex"], required=True)
    p.add_argument("--ibex")
    p.add_argument("--ranks", type=int, default=0)
    p.add_argument("--duckdb", default="/tmp/duck")
    p.add_argument("--datagen", required=True)
    p.add_argument("--scale-factor", default="1")
    p.add_argument("--data-cache", default=os.path.join(tempfile.gettempdir(), "ibex-sqltest-data"))
    p.add_argument("--benchmarks-dir", default=str(pathlib.Path(__file__).resolve().parents[3] / "benchmarks"))
    p.add_argument("--features", default=os.environ.get("IBEX_SQL_FEATURES", ""))
    p.add_argument("--timeout", type=float, default=3000)
    args = p.parse_args()
    if args.engine == "ibex":
        if "engine" not in [f.strip() for f in args.features.split(",")]:
            print("SKIPPED generator fidelity through ibex: requires feature 'engine' (the query "
                  "engine must run the queries); enable with -DIBEX_SQL_FEATURES=engine. The same "
                  "check runs now with --engine duckdb.")
            return 77
        config = slt_session.EngineConfig(command=[args.ibex], ranks=args.ranks, timeout=args.timeout)
    else:
        config = slt_session.EngineConfig(
            command=["node", os.path.join(HERE, "duckdb_shell.mjs"), "--duckdb", args.duckdb,
                     "--threads", "2"], data_dir=False, timeout=args.timeout)
    failed = 0
    print(f"generator fidelity: ibex-datagen SF {args.scale_factor} vs reference-sf1, engine "
          f"{config.Describe()}")
    for bench in ("tpch", "ssb"):
        queries = [q for b, q in CHECKS if b == bench]
        data = slt_session.BenchmarkData(bench, args.scale_factor, args.datagen, args.data_cache)
        schema = os.path.join(args.benchmarks_dir, "schema", f"{bench}.sql")
        statements = slt_session.LoadStatements(bench, data, schema)
        first = len(statements)
        for q in queries:
            with open(os.path.join(args.benchmarks_dir, "queries", bench, f"{q}.sql")) as f:
                statements.append(f.read())
        with tempfile.TemporaryDirectory(prefix="ibex-fidelity-") as workdir:
            result = slt_session.RunSession(config, statements, workdir)
        for n in range(first):
            chunk = result.chunks.get(n)
            if chunk is None or "ERROR:" in chunk:
                print(f"FAIL {bench}: loading failed: {statements[n][:80]}\n{(chunk or result.tail)[-2000:]}")
                return 1
        for i, q in enumerate(queries):
            chunk = result.chunks.get(first + i)
            ref_path = os.path.join(args.benchmarks_dir, "reference-sf1", f"{bench}-sf1", f"{q}.csv")
            if chunk is None or "ERROR:" in chunk or not chunk.strip():
                print(f"FAIL {bench} {q}: no answer: {(chunk or result.tail).strip()[-1000:]}")
                failed += 1
                continue
            with open(ref_path) as f:
                checks = Check(bench, q, chunk.strip() + "\n", f.read())
            for what, dev, tol, ok in checks:
                failed += not ok
                print(f"{'ok  ' if ok else 'FAIL'} {bench:4} {q:5} {what}: {dev:+.2f}% "
                      f"(tolerance {tol:g}%)" if "groups:" not in what else
                      f"{'ok  ' if ok else 'FAIL'} {bench:4} {q:5} {what} (at most {tol:g})")
    print(f"generator fidelity: {'FAILED (' + str(failed) + ' checks)' if failed else 'holds'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
