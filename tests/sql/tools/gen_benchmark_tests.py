#!/usr/bin/env python3
"""Writes the SSB and TPC-H .test files (the 13 + 22 queries on ibex-datagen data at SF 0.01
in tests/sql/benchmarks/ (tier fast), SF 0.1 and SF 1 in tests/sql/full/ (tier full)) and
fills in their expected answers with DuckDB (fill_expected.py) from the same generated files.

    tests/sql/tools/gen_benchmark_tests.py --datagen build/release/storage/datagen/ibex-datagen \
        --duckdb /tmp/duck [--benchmarks-dir benchmarks] [--scale-factors 0.01,0.1,1]

Run by hand when the queries or the generator change; the answers are checked in. They hold
for the data of this ibex-datagen (it is deterministic), not for dbgen's.
"""

import argparse
import pathlib
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SQL_DIR = os.path.dirname(HERE)

QUERIES = {
    "ssb": ["q1.1", "q1.2", "q1.3", "q2.1", "q2.2", "q2.3", "q3.1", "q3.2", "q3.3", "q3.4",
            "q4.1", "q4.2", "q4.3"],
    "tpch": [f"q{n:02d}" for n in range(1, 23)],
}


def Skeleton(bench: str, scale: str, benchmarks_dir: str) -> str:
    out = [f"# {bench.upper()} at scale factor {scale} on ibex-datagen data: all {len(QUERIES[bench])} queries.",
           "# Expected answers computed by DuckDB from the same generated files; written by",
           "# tests/sql/tools/gen_benchmark_tests.py (do not edit by hand: regenerate).",
           "", "require engine the query engine must run SELECTs on one rank (issue 6)", "",
           f"load {bench} {scale}", ""]
    for q in QUERIES[bench]:
        with open(os.path.join(benchmarks_dir, "queries", bench, f"{q}.sql"), encoding="utf-8") as f:
            sql = [l.rstrip() for l in f.read().split("\n") if l.strip()]
        out += [f"query T nosort {bench}-{q}"] + sql + ["----", ""]
    return "\n".join(out)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--datagen", required=True)
    p.add_argument("--duckdb", default="/tmp/duck")
    p.add_argument("--benchmarks-dir", default=str(pathlib.Path(__file__).resolve().parents[3] / "benchmarks"))
    p.add_argument("--data-cache", default=os.path.join(tempfile.gettempdir(), "ibex-sqltest-data"))
    p.add_argument("--scale-factors", default="0.01,0.1,1")
    p.add_argument("--benchmarks", default="ssb,tpch")
    args = p.parse_args()
    files = []
    for scale in args.scale_factors.split(","):
        folder = os.path.join(SQL_DIR, "benchmarks" if float(scale) < 0.1 else "full")
        os.makedirs(folder, exist_ok=True)
        for bench in args.benchmarks.split(","):
            path = os.path.join(folder, f"{bench}_sf{scale}.test")
            with open(path, "w", encoding="utf-8") as f:
                f.write(Skeleton(bench, scale, args.benchmarks_dir))
            files.append(path)
    cmd = [sys.executable, os.path.join(HERE, "fill_expected.py"), "--duckdb", args.duckdb,
           "--datagen", args.datagen, "--data-cache", args.data_cache,
           "--benchmarks-dir", args.benchmarks_dir] + files
    return subprocess.call(cmd)


if __name__ == "__main__":
    sys.exit(main())
