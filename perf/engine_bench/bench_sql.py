#!/usr/bin/env python3
"""The SQL of a benchmark session: the schema (optionally with ibex's distribution clauses),
one COPY per table from ibex-datagen files, and the queries. Imported by run.py (the engine
benchmark); run as a script it writes one batch-shell script for `ibex -f`, which is what
`make demo` (scripts/demo.sh) and slurm/ibex-ssb-demo.sbatch run:

    perf/engine_bench/bench_sql.py --benchmark ssb --data DIR [--schema partitioned]
        [--timing] [--repeat N] [--labels] > ssb.sql

Single-threaded, no state. The distribution clauses are slt_session.PARTITIONED's, shared with
the equivalence suites (tests/sql), so every user gets the same placement.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys

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

BENCHMARKS_DIR = str(pathlib.Path(__file__).resolve().parents[2] / "benchmarks")


def LoadStatements(bench: str, data_dir: str, partitioned: bool,
                   benchmarks_dir: str = BENCHMARKS_DIR) -> list[str]:
    """CREATE TABLEs and COPYs of the benchmark; partitioned: with the distribution clauses of
    tests/sql/runner/slt_session.py (PARTITIONED), which the equivalence suites use too."""
    schema = os.path.join(benchmarks_dir, "schema", f"{bench}.sql")
    return slt_session.LoadStatements(bench, data_dir, schema,
                                      "partitioned" if partitioned else "as-written")


def QueryText(bench: str, query: str, benchmarks_dir: str = BENCHMARKS_DIR) -> str:
    with open(os.path.join(benchmarks_dir, "queries", bench, f"{query}.sql")) as f:
        return f.read()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--benchmark", choices=sorted(QUERIES), default="ssb")
    p.add_argument("--data", required=True, help="folder of the ibex-datagen .tbl files")
    p.add_argument("--schema", choices=["as-written", "partitioned"], default="partitioned")
    p.add_argument("--timing", action="store_true", help="\\timing on before loading")
    p.add_argument("--repeat", type=int, default=1, help="run each query N times")
    p.add_argument("--labels", action="store_true",
                   help="name each query in the output (SET/SHOW query before it)")
    args = p.parse_args()
    bench = args.benchmark
    out = [f"-- {bench.upper()} from {args.data}: {args.schema} schema, load, the "
           f"{len(QUERIES[bench])} queries (written by perf/engine_bench/bench_sql.py)"]
    if args.timing:
        out.append("\\timing on")
    out += [slt_session.StatementText(s) for s in
            LoadStatements(bench, os.path.abspath(args.data), args.schema == "partitioned")]
    for q in QUERIES[bench]:
        text = slt_session.StatementText(QueryText(bench, q).strip())
        # The shell does not echo statements; SET/SHOW (answered by the shell itself) does.
        label = f"SET query = '{bench} {q}';\nSHOW query;\n" if args.labels else ""
        for _ in range(args.repeat):
            out.append(f"\n-- {bench} {q}\n{label}{text}")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
