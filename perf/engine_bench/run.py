#!/usr/bin/env python3
"""SSB and TPC-H query times of ibex side by side with DuckDB on the same ibex-datagen files,
in the same run: per-query medians, ratios (ibex / DuckDB), totals, and a check that every
query's answer is DuckDB's (issue 6's benchmark; issue 7's multi-rank and scaling runs).

    perf/engine_bench/run.py --ibex build/release/mpi_launch/ibex \
        --datagen build/release/storage/datagen/ibex-datagen --duckdb /tmp/duck \
        [--sf 1] [--benchmarks ssb,tpch] [--runs 3] [--workers 2] [--duckdb-threads 2]
        [--ranks 3 --workers 1]          # issue 7: 2 executors x 1 worker under mpirun
        [--scaling]                      # issue 7: 1 executor x 1 worker vs 2 executors x 1
        [--schema partitioned]           # HASH / REPLICATED clauses for ibex (default as-written)
        [--sessions N]                   # N sessions per engine, alternating; runs pooled

Every engine is driven the same way: one batch session each (tests/sql/runner/slt_session.py;
DuckDB through tests/sql/tools/duckdb_shell.mjs), the benchmark loaded by COPY, then one warm-up
and --runs timed executions of every query, timed by the shell's `\\timing` (statement start to
the last result row written, as psql does). Loading is not timed. Queries that fail are shown
with their error and left out of the totals of all engines. DuckDB (always run; it is the
reference answer) gets the schema as written; `--schema partitioned` adds ibex's distribution
clauses (tests/sql/runner/slt_session.py PARTITIONED) to ibex's CREATE TABLEs.

Answers: the warm-up run's result of each ibex configuration is compared with DuckDB's: the
same columns, the same rows in the same order (numbers within a relative 1e-6, text after
dropping trailing blanks). `ok` means that; `ok~` means the same rows in another order (only
valid where ORDER BY has ties); `DIFF` is a wrong answer, shown below the table. The script
exits 1 when any answer differs or any query failed.
"""

from __future__ import annotations

import argparse
import decimal
import os
import pathlib
import shlex
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(ROOT, "tests", "sql", "runner"))

import slt_results  # noqa: E402
import slt_session  # noqa: E402
from bench_sql import QUERIES, LoadStatements, QueryText  # noqa: E402

RELATIVE_TOLERANCE = 1e-6


class Engine:
    """One configuration in the comparison: its name, how to start it, and its schema."""

    def __init__(self, name: str, config: slt_session.EngineConfig, partitioned: bool):
        self.name = name
        self.config = config
        self.partitioned = partitioned


class Outcome:
    """What one engine did with one benchmark."""

    def __init__(self):
        self.times: dict[str, list[float]] = {}  # query -> ms of each timed run
        self.answers: dict[str, list[str]] = {}  # query -> result lines of the warm-up run
        self.errors: dict[str, str] = {}  # query (or "load") -> error text
        self.preamble = ""
        self.load = ""  # the 1-minute load average before and after the session
        self.cpu = ""  # CpuProbe() before the session


def LoadAverage() -> str:
    """The machine's 1-minute load average: on a shared machine, what the times compete with."""
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def CpuProbe() -> str:
    """Milliseconds a fixed loop takes pinned to each CPU in turn ("a/b" for two CPUs; lower is
    faster). On a virtual machine the CPUs' speeds change under us: here one vCPU was at times
    1.8x faster than the other (pinned spin loops: 146 vs 260 ms, a minute later both 260),
    which favours one executor over two. The probe says what each session ran on."""
    cpus = sorted(os.sched_getaffinity(0))
    times = []
    try:
        for c in cpus:
            os.sched_setaffinity(0, {c})
            t0 = time.perf_counter()
            x = 0
            for i in range(500_000):
                x += i * i
            times.append((time.perf_counter() - t0) * 1e3)
    finally:
        os.sched_setaffinity(0, set(cpus))
    return "/".join(f"{t:.0f}" for t in times)


def RunEngine(engine: Engine, bench: str, args) -> Outcome:
    data = slt_session.BenchmarkData(bench, args.sf, args.datagen, args.data_cache)
    statements = LoadStatements(bench, data, engine.partitioned, args.benchmarks_dir)
    statements.append("\\timing on")
    runs: list[tuple[str, int]] = []
    for q in QUERIES[bench]:
        sql = QueryText(bench, q, args.benchmarks_dir)
        for r in range(args.runs + 1):
            statements.append(sql)
            runs.append((q, r))
    first = len(statements) - len(runs)
    cpu = CpuProbe()
    load_before = LoadAverage()
    with tempfile.TemporaryDirectory(prefix="ibex-engine-bench-") as workdir:
        result = slt_session.RunSession(engine.config, statements, workdir)
    out = Outcome()
    out.load = f"{load_before} -> {LoadAverage()}"
    out.cpu = cpu
    out.preamble = result.preamble
    for n in range(first - 1):
        chunk = result.chunks.get(n)
        if chunk is None or "ERROR:" in chunk:
            text = (chunk or result.tail).strip().split("\n")
            out.errors["load"] = (" ".join(l for l in text if l.startswith("ERROR:"))[:200]
                                  or text[-1][:200])
            break
    for i, (q, r) in enumerate(runs):
        chunk = result.chunks.get(first + i)
        if chunk is None:
            ended = "timeout" if result.exit_code is None else f"exit {result.exit_code}"
            out.errors.setdefault(q, f"the session ended ({ended}): {result.tail.strip()[-300:]}")
            continue
        lines = chunk.split("\n")
        err = [l for l in lines if l.startswith("ERROR:")]
        if err:
            out.errors.setdefault(q, err[0][:200])
            continue
        # Time lines: the SHOW of the marker, this query, the SET of the next marker.
        stamps = [float(l.split()[1]) for l in lines if l.startswith("Time: ")]
        if len(stamps) != 3:
            out.errors.setdefault(q, f"expected 3 timing lines, got {len(stamps)}")
            continue
        if r == 0:
            out.answers[q] = [l for l in lines if not l.startswith("Time: ")]
        else:
            out.times.setdefault(q, []).append(stamps[1])
    return out


def Pool(into: Outcome, out: Outcome) -> None:
    """Adds one session's outcome to the pooled one: timed runs appended; the first session's
    answer kept, a later session's answer that differs from it reported as an error."""
    for q, t in out.times.items():
        into.times.setdefault(q, []).extend(t)
    for q, a in out.answers.items():
        if q not in into.answers:
            into.answers[q] = a
        elif CompareAnswers(into.answers[q], a)[0] == "DIFF":
            into.errors.setdefault(q, "the answer changed between sessions")
    for q, err in out.errors.items():
        into.errors.setdefault(q, err)
    into.load = f"{into.load}, {out.load}" if into.load else out.load
    into.cpu = f"{into.cpu}, {out.cpu}" if into.cpu else out.cpu


def _Cell(value: str | None):
    """A result value as what it means: a Decimal for numbers, stripped text otherwise."""
    if value is None:
        return None
    try:
        d = decimal.Decimal(value)
        if d.is_finite():
            return d
    except decimal.InvalidOperation:
        pass
    return value.rstrip(" ")


def _Same(a, b) -> bool:
    if isinstance(a, decimal.Decimal) and isinstance(b, decimal.Decimal):
        fa, fb = float(a), float(b)
        return a == b or abs(fa - fb) <= RELATIVE_TOLERANCE * max(abs(fa), abs(fb))
    return a == b


def _SortKey(row) -> list:
    # Numbers to 6 significant digits, so that two engines' roundings sort alike.
    return [(0, f"{float(v):.6e}") if isinstance(v, decimal.Decimal) else (1, str(v)) for v in row]


def CompareAnswers(reference: list[str], answer: list[str]) -> tuple[str, str]:
    """('ok' | 'ok~' | 'DIFF', detail): answer against reference (result lines, header first)."""
    ref = slt_results.ParseCsv("\n".join(reference).strip("\n") + "\n")
    got = slt_results.ParseCsv("\n".join(answer).strip("\n") + "\n")
    if not ref or not got:
        return "DIFF", f"no result ({len(ref)} vs {len(got)} lines)"
    if len(ref[0]) != len(got[0]):
        return "DIFF", f"columns {ref[0]} vs {got[0]}"
    ref_rows = [[_Cell(v) for v in r] for r in ref[1:]]
    got_rows = [[_Cell(v) for v in r] for r in got[1:]]
    if len(ref_rows) != len(got_rows):
        return "DIFF", f"{len(got_rows)} rows, DuckDB {len(ref_rows)}"

    def FirstDifference(a, b):
        for i, (x, y) in enumerate(zip(a, b)):
            if len(x) != len(y) or not all(_Same(u, v) for u, v in zip(x, y)):
                return i
        return None

    if FirstDifference(ref_rows, got_rows) is None:
        return "ok", ""
    sorted_ref, sorted_got = sorted(ref_rows, key=_SortKey), sorted(got_rows, key=_SortKey)
    i = FirstDifference(sorted_ref, sorted_got)
    if i is None:
        return "ok~", "the same rows in another order"
    return "DIFF", (f"row {i + 1} (sorted): {got[1:][got_rows.index(sorted_got[i])]} "
                    f"vs DuckDB {ref[1:][ref_rows.index(sorted_ref[i])]}")


def Engines(args) -> list[Engine]:
    duck = Engine(f"duckdb {args.duckdb_threads}t", slt_session.EngineConfig(
        command=["node", os.path.join(ROOT, "tests", "sql", "tools", "duckdb_shell.mjs"),
                 "--duckdb", args.duckdb, "--threads", str(args.duckdb_threads)],
        data_dir=False, timeout=args.timeout), False)
    mpirun_flags = shlex.split(args.mpirun_flags)
    partitioned = args.schema == "partitioned"

    def Ibex(name: str, ranks: int, workers: int) -> Engine:
        extra = ["--workers", str(workers), "--report-bindings"] + shlex.split(args.ibex_args)
        return Engine(name, slt_session.EngineConfig(
            command=[args.ibex], ranks=ranks, mpirun=args.mpirun, mpirun_flags=mpirun_flags,
            extra_args=extra, timeout=args.timeout), partitioned)

    if args.scaling:
        return [duck, Ibex(f"ibex 1x{args.workers}", 2, args.workers),
                Ibex(f"ibex 2x{args.workers}", 3, args.workers)]
    if args.ranks > 1:
        name = f"ibex {args.ranks - 1}x{args.workers}"
    else:
        name = f"ibex 1p/{args.workers}w"
    return [duck, Ibex(name, args.ranks, args.workers)]


def Median(values: list[float] | None) -> float | None:
    return statistics.median(values) if values else None


def Report(bench: str, engines: list[Engine], outcomes: list[Outcome], args) -> int:
    """Prints the table; returns the number of problems (wrong answers, failed queries)."""
    scaling = args.scaling
    base = outcomes[0]
    ibex = list(zip(engines[1:], outcomes[1:]))
    header = f"{'query':6} {engines[0].name:>10}"
    for e, _ in ibex:
        header += f" {e.name:>10} {'ratio':>6} {'answer':>6}"
    if scaling:
        header += f" {'speedup':>8}"
    print(f"\n{bench.upper()} SF {args.sf} (median of {args.runs * args.sessions} timed runs, ms; ratio = ibex / "
          f"DuckDB{'; speedup = ' + ibex[0][0].name + ' / ' + ibex[1][0].name if scaling else ''})")
    print(header)
    common = [q for q in QUERIES[bench] if all(o.times.get(q) for o in outcomes)]
    problems = 0
    details: list[str] = []
    for q in QUERIES[bench]:
        b = Median(base.times.get(q))
        line = f"{q:6} {f'{b:.1f}' if b is not None else 'error':>10}"
        medians = []
        for e, o in ibex:
            m = Median(o.times.get(q))
            medians.append(m)
            verdict = "-"
            if q in o.answers and q in base.answers:
                verdict, detail = CompareAnswers(base.answers[q], o.answers[q])
                if verdict == "DIFF":
                    problems += 1
                if detail:
                    details.append(f"  {e.name} {q}: {verdict}: {detail}")
            if q in o.errors:
                problems += 1
            cell = f"{m:.1f}" if m is not None else "error"
            ratio = f"{m / b:.2f}" if m is not None and b else "-"
            line += f" {cell:>10} {ratio:>6} {verdict:>6}"
        if scaling:
            line += f" {medians[0] / medians[1]:>8.2f}" if all(medians) else f" {'-':>8}"
        print(line)
    def TotalLine(label: str, totals: list[float], note: str) -> str:
        line = f"{label:6} {totals[0]:>10.1f}"
        for t in totals[1:]:
            line += f" {t:>10.1f} {t / totals[0] if totals[0] else 0:>6.2f} {'':>6}"
        if scaling and totals[2]:
            line += f" {totals[1] / totals[2]:>8.2f}"
        return line + "   " + note

    print(TotalLine("total", [sum(Median(o.times[q]) for q in common) for o in outcomes],
                    f"({len(common)} of {len(QUERIES[bench])} queries ran on all)"))
    # The fastest run of each query: the least disturbed by other work on a shared machine.
    print(TotalLine("best", [sum(min(o.times[q]) for q in common) for o in outcomes],
                    "(sum of each query's fastest run)"))
    print("  load average (1 min) before -> after each session: "
          + ", ".join(f"{e.name} {o.load}" for e, o in zip(engines, outcomes)))
    print("  CPU probe before each session (ms of a fixed loop pinned to each CPU, lower is faster): "
          + "; ".join(f"{e.name} {o.cpu}" for e, o in zip(engines, outcomes)))
    if details:
        print("\n".join(details))
    for e, o in zip(engines, outcomes):
        for q, err in list(o.errors.items())[:5]:
            print(f"  {e.name} {q}: {err}")
        if len(o.errors) > 5:
            print(f"  {e.name}: ... {len(o.errors) - 5} more queries failed")
    return problems


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ibex", required=True)
    p.add_argument("--datagen", required=True)
    p.add_argument("--duckdb", default="/tmp/duck", help="folder with node_modules/@duckdb/node-api")
    p.add_argument("--sf", default="1")
    p.add_argument("--benchmarks", default="ssb,tpch")
    p.add_argument("--runs", type=int, default=3, help="timed runs per query and session")
    p.add_argument("--sessions", type=int, default=1,
                   help="sessions per engine, alternating between the engines; runs pooled")
    p.add_argument("--workers", type=int, default=2, help="worker threads per executor")
    p.add_argument("--duckdb-threads", type=int, default=2)
    p.add_argument("--ranks", type=int, default=0,
                   help="run ibex under mpirun -n RANKS (rank 0 coordinator, RANKS-1 executors)")
    p.add_argument("--scaling", action="store_true",
                   help="ibex 1 executor (2 ranks) against 2 executors (3 ranks), --workers each")
    p.add_argument("--schema", choices=["as-written", "partitioned"], default="as-written",
                   help="partitioned: add HASH/REPLICATED clauses to ibex's tables")
    p.add_argument("--mpirun", default=os.environ.get("IBEX_MPIRUN", "mpirun"))
    p.add_argument("--mpirun-flags", default=os.environ.get(
        "IBEX_MPIRUN_FLAGS", "--oversubscribe --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo"))
    p.add_argument("--ibex-args", default="", help="more ibex arguments (one string)")
    p.add_argument("--data-cache", default=os.path.join(tempfile.gettempdir(), "ibex-sqltest-data"))
    p.add_argument("--benchmarks-dir", default=str(pathlib.Path(__file__).resolve().parents[2] / "benchmarks"))
    p.add_argument("--timeout", type=float, default=3600)
    args = p.parse_args()
    engines = Engines(args)
    print(f"engine_bench: SF {args.sf}, {args.sessions} session(s) per engine, {args.runs} timed "
          f"runs per query after 1 warm-up each, ibex-datagen data, ibex schema {args.schema}")
    print("targets: one rank SSB total <= 2x DuckDB (issue 6); 3 ranks <= 1.5x, scaling 1x1 -> 2x1 "
          ">= 1.7x (issue 7)")
    for e in engines:
        print(f"  {e.name}: {e.config.Describe()}")
    problems = 0
    for bench in args.benchmarks.split(","):
        # Sessions alternate between the engines, so that a change in the machine's load (it is
        # shared) falls on all of them alike; the timed runs of all sessions are pooled.
        outcomes = [Outcome() for _ in engines]
        for session in range(args.sessions):
            for e, pooled in zip(engines, outcomes):
                out = RunEngine(e, bench, args)
                if session == 0 and e.name.startswith("ibex") and out.preamble.strip():
                    print(f"placement reported by {e.name} ({bench}):\n{out.preamble.rstrip()}")
                if "load" in out.errors:
                    print(f"  {e.name}: loading failed: {out.errors['load']}")
                Pool(pooled, out)
        problems += Report(bench, engines, outcomes, args)
    if problems:
        print(f"engine_bench: {problems} wrong or failed answers")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
