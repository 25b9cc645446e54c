#!/usr/bin/env python3
"""The sqllogictest runner of ibex: runs tests/sql/**/*.test files against the real `ibex`
shell (one batch session per file, single process or under mpirun) and compares the answers.

Registered in CTest by tests/sql/CMakeLists.txt (one test per file); the format and the
options are described in docs/sqltest.md. Exit status: 0 all records passed, 1 a record
failed (each failure printed with file:line, expected and actual), 2 bad usage or a malformed
file, 77 the file was skipped because it requires a feature not enabled (CTest shows it as
Skipped, with the reason in the log).

    sqllogictest.py --ibex build/release/mpi_launch/ibex [--ranks 3] [--features engine]
                    [--datagen .../ibex-datagen --benchmarks-dir benchmarks]
                    FILE.test ...
"""

from __future__ import annotations

import argparse
import pathlib
import os
import shlex
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import slt_parser  # noqa: E402
import slt_results  # noqa: E402
import slt_session  # noqa: E402

SKIP_EXIT = 77


def ParseArgs(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+", help=".test files")
    p.add_argument("--ibex", help="the ibex executable")
    p.add_argument("--engine-cmd", help="instead of --ibex: a command (shell words) speaking the "
                   "same batch protocol, e.g. the DuckDB adapter or the self-test's fake engine")
    p.add_argument("--engine-name", default="ibex", help="name matched by skipif/onlyif (default ibex)")
    p.add_argument("--ranks", type=int, default=0, help="run the engine under mpirun -n RANKS")
    p.add_argument("--mpirun", default=os.environ.get("IBEX_MPIRUN", "mpirun"))
    p.add_argument("--mpirun-flags", default=os.environ.get(
        "IBEX_MPIRUN_FLAGS", "--oversubscribe --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo"),
        help="mpirun flags (one string; default: the project's, from cmake/IbexTesting.cmake)")
    p.add_argument("--engine-args", default="", help="extra arguments for the engine (one string)")
    p.add_argument("--no-data-dir", action="store_true", help="do not pass --data-dir")
    p.add_argument("--setting", action="append",
                   help="'name = value' to SET after each 'load' record (repeatable), e.g. "
                        "\"join_distribution = 'partitioned'\"")
    p.add_argument("--schema", choices=["as-written", "partitioned"], default="as-written",
                   help="'load' records: benchmark schemas as written (round-robin tables) or "
                        "with fact tables hash-partitioned and dimensions replicated")
    p.add_argument("--features", default=os.environ.get("IBEX_SQL_FEATURES", ""),
                   help="comma-separated features that are enabled (files 'require' them)")
    p.add_argument("--datagen", help="ibex-datagen, for 'load' records")
    p.add_argument("--data-cache", default=os.path.join(tempfile.gettempdir(), "ibex-sqltest-data"),
                   help="where generated benchmark data is kept between runs")
    p.add_argument("--benchmarks-dir", default=str(pathlib.Path(__file__).resolve().parents[3] / "benchmarks"),
                   help="the SSB/TPC-H texts (schema/*.sql) for 'load' records")
    p.add_argument("--rel-tol", type=float, default=1e-9, help="relative tolerance of R columns")
    p.add_argument("--abs-tol", type=float, default=1e-12, help="absolute tolerance of R columns")
    p.add_argument("--timeout", type=float, default=600, help="seconds for one file's session")
    p.add_argument("--keep", action="store_true", help="keep the session directory (prints it)")
    args = p.parse_args(argv)
    if bool(args.ibex) == bool(args.engine_cmd):
        p.error("give exactly one of --ibex and --engine-cmd")
    return args


class FileRun:
    """Runs the records of one file and collects failures."""

    def __init__(self, args: argparse.Namespace, test: slt_parser.TestFile):
        self.args = args
        self.test = test
        self.failures: list[str] = []
        self.tol = slt_results.Tolerance(args.rel_tol, args.abs_tol)

    def Fail(self, record: slt_parser.Record, what: str, details: list[str]) -> None:
        first = record.sql.strip().split("\n")[0][:100] if record.sql else f"load {record.load}"
        lines = [f"FAIL {self.test.path}:{record.line}: {what}", f"  sql: {first}"]
        lines += ["  " + d for d in details]
        self.failures.append("\n".join(lines))

    def Statements(self) -> list[tuple[slt_parser.Record, str]]:
        out: list[tuple[slt_parser.Record, str]] = []
        for record in self.test.records:
            if record.kind == "load":
                bench, scale = record.load
                if not self.args.datagen:
                    raise RuntimeError(f"{self.test.path}:{record.line}: 'load' needs --datagen")
                data = slt_session.BenchmarkData(bench, scale, self.args.datagen, self.args.data_cache)
                schema = os.path.join(self.args.benchmarks_dir, "schema", f"{bench}.sql")
                for sql in slt_session.LoadStatements(bench, data, schema, self.args.schema):
                    out.append((record, sql))
                # Session settings go after the load (checked like its statements).
                for sql in self.args.setting or []:
                    out.append((record, f"SET {sql}"))
            else:
                out.append((record, record.sql))
        return out

    def Run(self, config: slt_session.EngineConfig, workdir: str) -> None:
        statements = self.Statements()
        result = slt_session.RunSession(config, [s for _, s in statements], workdir)
        for n, (record, sql) in enumerate(statements):
            if n not in result.chunks:
                why = ("timed out" if result.exit_code is None
                       else f"exited with status {result.exit_code}")
                tail = result.tail.strip().split("\n")[-15:]
                self.Fail(record, f"the session {why} before this record finished "
                          f"(statement {n + 1} of {len(statements)})", ["output tail:"] + tail)
                return
            self.Check(record, sql, result.chunks[n])

    def Check(self, record: slt_parser.Record, sql: str, chunk: str) -> None:
        error_text, parsed = slt_results.ParseChunk(chunk)
        error_at = 0 if error_text else None
        if record.kind in ("statement", "load"):
            if record.expect_error:
                unsupported = "not supported yet" in error_text and \
                    "not supported" not in record.error_substring.lower()
                if error_at is None:
                    self.Fail(record, "expected an error, the statement succeeded", [])
                elif unsupported:
                    # "Not supported yet" is not the error the record expects (division by
                    # zero, overflow ...): an engine that runs nothing must not pass these.
                    self.Fail(record, "expected an error from running the statement; the engine "
                              "does not support it yet", error_text.split("\n"))
                elif record.error_substring and record.error_substring.lower() not in error_text.lower():
                    self.Fail(record, f"the error does not contain '{record.error_substring}'",
                              error_text.split("\n"))
            elif error_at is not None:
                details = error_text.split("\n")
                if record.kind == "load":
                    details = [f"while loading: {sql[:120]}"] + details
                self.Fail(record, "statement failed", details)
            return
        if error_at is not None:
            self.Fail(record, "query failed", error_text.split("\n"))
            return
        if not parsed:
            self.Fail(record, "query returned no result (not even a header)", [])
            return
        header, data = parsed[0], parsed[1:]
        if len(header) != len(record.types):
            self.Fail(record, f"the query declares {len(record.types)} columns, the result has "
                      f"{len(header)}: {','.join(h or '' for h in header)}", [])
            return
        actual = [[slt_results.FromEngine(v) for v in row] for row in data]
        bad = [i for i, r in enumerate(actual) if len(r) != len(header)]
        if bad:
            self.Fail(record, f"result row {bad[0] + 1} has {len(actual[bad[0]])} values", [])
            return
        if record.expected_hash is not None:
            got = slt_results.HashValues(actual, record.types, record.sort)
            if got != record.expected_hash:
                exp_n, exp_h = record.expected_hash
                shown = slt_results.SortRows(actual, record.types, record.sort)[:20]
                self.Fail(record, "result hash differs",
                          [f"expected {exp_n} values hashing to {exp_h}",
                           f"got      {got[0]} values hashing to {got[1]}",
                           "first rows of the actual result:"] + ["  " + "\t".join(r) for r in shown])
            return
        problems = slt_results.CompareRows(record.expected_rows or [], actual, record.types,
                                           record.sort, self.tol)
        if problems:
            self.Fail(record, "wrong result", problems)


def EngineConfigFrom(args: argparse.Namespace) -> slt_session.EngineConfig:
    command = [args.ibex] if args.ibex else shlex.split(args.engine_cmd)
    return slt_session.EngineConfig(
        command=command, ranks=args.ranks, mpirun=args.mpirun,
        mpirun_flags=shlex.split(args.mpirun_flags), extra_args=shlex.split(args.engine_args),
        data_dir=not args.no_data_dir, timeout=args.timeout)


def main(argv: list[str]) -> int:
    args = ParseArgs(argv)
    enabled = {f.strip() for f in args.features.split(",") if f.strip()}
    config = EngineConfigFrom(args)
    failed = ran = skipped = 0
    for path in args.files:
        try:
            test = slt_parser.ParseFile(path, args.engine_name)
        except (slt_parser.ParseError, OSError, ValueError) as e:
            print(f"ERROR {e}", file=sys.stderr)
            return 2
        missing = [(f, why) for f, why in test.requires if f not in enabled]
        if missing:
            for feature, why in missing:
                print(f"SKIPPED {path}: requires feature '{feature}'"
                      f"{' (' + why + ')' if why else ''}; not enabled "
                      f"(enable with --features {feature}, in CMake -DIBEX_SQL_FEATURES={feature})")
            skipped += 1
            continue
        run = FileRun(args, test)
        workdir = tempfile.mkdtemp(prefix="ibex-slt-")
        start = time.monotonic()
        try:
            run.Run(config, workdir)
        except RuntimeError as e:
            print(f"ERROR {e}", file=sys.stderr)
            return 2
        finally:
            if args.keep:
                print(f"session directory kept: {workdir}")
            else:
                import shutil
                shutil.rmtree(workdir, ignore_errors=True)
        seconds = time.monotonic() - start
        records = len([r for r in test.records if r.kind != "load"])
        for f in run.failures:
            print(f)
        status = "FAILED" if run.failures else "ok"
        print(f"{status} {path}: {records} records, {len(run.failures)} failed, {seconds:.1f} s "
              f"[{config.Describe()}]")
        ran += 1
        failed += bool(run.failures)
    if failed:
        return 1
    if skipped and not ran:
        return SKIP_EXIT
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
