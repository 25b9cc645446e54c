#!/usr/bin/env python3
"""SSB and TPC-H query times of ibex side by side with DuckDB on the same ibex-datagen files,
in the same run: per-query medians, ratios (ibex / DuckDB) and totals (issue 6's benchmark;
issue 7's multi-rank and scaling runs through --ranks/--workers and --scaling).

    perf/engine_bench/run.py --ibex build/release/mpi_launch/ibex \
        --datagen build/release/storage/datagen/ibex-datagen --duckdb /tmp/duck \
        [--sf 1] [--benchmarks ssb,tpch] [--runs 3] [--workers 2] [--duckdb-threads 2]
        [--ranks 3 --workers 1]          # issue 7: 2 executors x 1 worker under mpirun
        [--scaling]                      # issue 7: 1 executor x 1 worker vs 2 executors x 1

Both engines are driven the same way: one batch session each (tests/sql/runner/slt_session.py;
DuckDB through tests/sql/tools/duckdb_shell.mjs), the benchmark loaded by COPY, then one warm-up
and --runs timed executions of every query, timed by the shell's `\\timing` (statement start to
the last result row written, as psql does). Loading is not timed. Queries that fail are shown
with their error and left out of the totals of both engines.
"""

from __future__ import annotations

import argparse
import pathlib
import os
import shlex
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(ROOT, "tests", "sql", "runner"))

import slt_session  # noqa: E402

QUERIES = {
    "ssb": ["q1.1", "q1.2", "q1.3", "q2.1", "q2.2", "q2.3", "q3.1", "q3.2", "q3.3", "q3.4",
            "q4.1", "q4.2", "q4.3"],
    "tpch": [f"q{n:02d}" for n in range(1, 23)],
}


def QueryTimes(config: slt_session.EngineConfig, bench: str, args) -> tuple[dict, dict, str]:
    """{query: [ms per timed run]}, {query: error text}, and the engine's preamble."""
    data = slt_session.BenchmarkData(bench, args.sf, args.datagen, args.data_cache)
    schema = os.path.join(args.benchmarks_dir, "schema", f"{bench}.sql")
    statements = slt_session.LoadStatements(bench, data, schema) + ["\\timing on"]
    runs: list[tuple[str, int]] = []
    for q in QUERIES[bench]:
        with open(os.path.join(args.benchmarks_dir, "queries", bench, f"{q}.sql")) as f:
            sql = f.read()
        for r in range(args.runs + 1):
            statements.append(sql)
            runs.append((q, r))
    first = len(statements) - len(runs)
    with tempfile.TemporaryDirectory(prefix="ibex-engine-bench-") as workdir:
        result = slt_session.RunSession(config, statements, workdir)
    times: dict[str, list[float]] = {}
    errors: dict[str, str] = {}
    for n in range(first - 1):
        chunk = result.chunks.get(n)
        if chunk is None or "ERROR:" in chunk:
            text = (chunk or result.tail).strip().split("\n")
            errors["load"] = " ".join(l for l in text if l.startswith("ERROR:"))[:200] or text[-1][:200]
            break
    for i, (q, r) in enumerate(runs):
        chunk = result.chunks.get(first + i)
        if chunk is None:
            errors.setdefault(q, f"the session ended ({'timeout' if result.exit_code is None else 'exit ' + str(result.exit_code)})")
            continue
        lines = chunk.split("\n")
        err = [l for l in lines if l.startswith("ERROR:")]
        if err:
            errors.setdefault(q, err[0][:200])
            continue
        # Time lines: the SHOW of the marker, this query, the SET of the next marker.
        stamps = [float(l.split()[1]) for l in lines if l.startswith("Time: ")]
        if len(stamps) != 3:
            errors.setdefault(q, f"expected 3 timing lines, got {len(stamps)}")
            continue
        if r > 0:
            times.setdefault(q, []).append(stamps[1])
    return times, errors, result.preamble


def Engines(args) -> list[tuple[str, slt_session.EngineConfig]]:
    duck = slt_session.EngineConfig(
        command=["node", os.path.join(ROOT, "tests", "sql", "tools", "duckdb_shell.mjs"),
                 "--duckdb", args.duckdb, "--threads", str(args.duckdb_threads)],
        data_dir=False, timeout=args.timeout)
    mpirun_flags = shlex.split(args.mpirun_flags)

    def Ibex(ranks: int, workers: int) -> slt_session.EngineConfig:
        extra = ["--workers", str(workers), "--report-bindings"] + shlex.split(args.ibex_args)
        return slt_session.EngineConfig(command=[args.ibex], ranks=ranks, mpirun=args.mpirun,
                                        mpirun_flags=mpirun_flags, extra_args=extra,
                                        timeout=args.timeout)

    if args.scaling:
        return [("ibex 1x1", Ibex(2, 1)), ("ibex 2x1", Ibex(3, 1))]
    name = f"ibex {args.ranks} ranks" if args.ranks else "ibex 1 process"
    return [("duckdb", duck), (f"{name} x {args.workers} workers", Ibex(args.ranks, args.workers))]


def Median(values: list[float] | None) -> float | None:
    return statistics.median(values) if values else None


def Report(bench: str, names: list[str], results: list[tuple[dict, dict, str]]) -> None:
    base_name, other_name = names
    (base, base_err, _), (other, other_err, _) = results
    print(f"\n{bench.upper()} (median of timed runs, ms)")
    print(f"{'query':6} {base_name:>14} {other_name:>24} {'ratio':>7}")
    total_b = total_o = 0.0
    for q in QUERIES[bench]:
        b, o = Median(base.get(q)), Median(other.get(q))
        cell_b = f"{b:.1f}" if b is not None else "error"
        cell_o = f"{o:.1f}" if o is not None else "error"
        ratio = f"{o / b:.2f}x" if b and o is not None else "-"
        print(f"{q:6} {cell_b:>14} {cell_o:>24} {ratio:>7}")
        if b is not None and o is not None:
            total_b += b
            total_o += o
    both = sum(1 for q in QUERIES[bench] if base.get(q) and other.get(q))
    ratio = f"{total_o / total_b:.2f}x" if total_b else "-"
    print(f"{'total':6} {total_b:>14.1f} {total_o:>24.1f} {ratio:>7}   "
          f"({both} of {len(QUERIES[bench])} queries ran on both)")
    if total_b and total_o:
        print(f"  {other_name} / {base_name} over the common queries: {total_o / total_b:.2f}x "
              f"(speed-up {total_b / total_o:.2f}x)")
    for name, res in ((base_name, base), (other_name, other)):
        ran = [Median(res[q]) for q in QUERIES[bench] if res.get(q)]
        print(f"  {name}: {sum(ran):.1f} ms for the {len(ran)} queries it ran")
    for name, errs in ((base_name, base_err), (other_name, other_err)):
        for q, e in list(errs.items())[:5]:
            print(f"  {name} {q}: {e}")
        if len(errs) > 5:
            print(f"  {name}: ... {len(errs) - 5} more queries failed")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ibex", required=True)
    p.add_argument("--datagen", required=True)
    p.add_argument("--duckdb", default="/tmp/duck", help="folder with node_modules/@duckdb/node-api")
    p.add_argument("--sf", default="1")
    p.add_argument("--benchmarks", default="ssb,tpch")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--duckdb-threads", type=int, default=2)
    p.add_argument("--ranks", type=int, default=0, help="run ibex under mpirun -n RANKS")
    p.add_argument("--scaling", action="store_true",
                   help="ibex 1 executor x 1 worker (2 ranks) against 2 executors x 1 worker (3 ranks)")
    p.add_argument("--mpirun", default=os.environ.get("IBEX_MPIRUN", "mpirun"))
    p.add_argument("--mpirun-flags", default=os.environ.get(
        "IBEX_MPIRUN_FLAGS", "--oversubscribe --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo"))
    p.add_argument("--ibex-args", default="", help="more ibex arguments (one string)")
    p.add_argument("--data-cache", default=os.path.join(tempfile.gettempdir(), "ibex-sqltest-data"))
    p.add_argument("--benchmarks-dir", default=str(pathlib.Path(__file__).resolve().parents[2] / "benchmarks"))
    p.add_argument("--timeout", type=float, default=3600)
    args = p.parse_args()
    engines = Engines(args)
    print(f"engine_bench: SF {args.sf}, {args.runs} timed runs after 1 warm-up, ibex-datagen data")
    print("targets: one rank SSB total <= 2x DuckDB (issue 6); 3 ranks <= 1.5x, scaling 1x1 -> 2x1 "
          ">= 1.7x (issue 7)")
    for name, config in engines:
        print(f"  {name}: {config.Describe()}")
    for bench in args.benchmarks.split(","):
        results = []
        for name, config in engines:
            results.append(QueryTimes(config, bench, args))
            if name.startswith("ibex") and results[-1][2].strip():
                print(f"placement reported by {name}:\n{results[-1][2].rstrip()}")
        Report(bench, [n for n, _ in engines], results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
