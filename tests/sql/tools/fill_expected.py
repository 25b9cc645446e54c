#!/usr/bin/env python3
"""Writes the expected answers of .test files from a reference engine (DuckDB through
duckdb_shell.mjs): every `query` record of the file gets its types and result block
rewritten from the engine's answer; `statement` records are run and checked (a mismatch is
reported, not rewritten). Records the reference must not run are marked `skipif duckdb` (or
`onlyif ibex`) and keep their hand-written results.

    tests/sql/tools/fill_expected.py --duckdb /tmp/duck [--datagen .../ibex-datagen]
        [--hash-threshold 200] FILE.test ...

Results of more than --hash-threshold values are written as `N values hashing to MD5`,
unless they have an R (floating point) column, which must be compared with a tolerance.
Run by hand, never by the build; the answers are then checked in.
"""

import argparse
import pathlib
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(HERE, "..", "runner"))

import slt_parser  # noqa: E402
import slt_results  # noqa: E402
import slt_session  # noqa: E402


def TypeLetter(type_name: str) -> str:
    """DuckDB's type names as the letters of 'query <types>'."""
    t = type_name.upper()
    if t in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
             "UINTEGER", "UBIGINT", "UHUGEINT"):
        return "I"
    if t.startswith("DECIMAL"):
        return "D"
    if t in ("FLOAT", "DOUBLE"):
        return "R"
    return "T"


def ResultBlock(chunk: str, record: slt_parser.Record, threshold: int, where: str):
    error, parsed = slt_results.ParseChunk(chunk)
    if error or not parsed:
        raise RuntimeError(f"{where}: the reference engine failed: {error or 'no result'}")
    header, data = parsed[0], parsed[1:]
    types = "".join(TypeLetter(h.rsplit(":", 1)[1]) for h in header)
    rows = [[slt_results.FromEngine(v) for v in r] for r in data]
    values = len(rows) * len(types)
    if values > threshold and "R" not in types:
        count, md5 = slt_results.HashValues(rows, types, record.sort)
        return types, [f"{count} values hashing to {md5}"]
    return types, ["\t".join(r) for r in slt_results.SortRows(rows, types, record.sort)]


def Fill(path: str, args, config: slt_session.EngineConfig) -> int:
    test = slt_parser.ParseFile(path, "duckdb")
    statements = []
    for record in test.records:
        if record.kind == "load":
            bench, scale = record.load
            data = slt_session.BenchmarkData(bench, scale, args.datagen, args.data_cache)
            schema = os.path.join(args.benchmarks_dir, "schema", f"{bench}.sql")
            statements += [(record, s) for s in slt_session.LoadStatements(bench, data, schema)]
        else:
            statements.append((record, record.sql))
    with tempfile.TemporaryDirectory(prefix="ibex-fill-") as workdir:
        result = slt_session.RunSession(config, [s for _, s in statements], workdir)
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    replacements = {}
    problems = 0
    for n, (record, _) in enumerate(statements):
        where = f"{path}:{record.line}"
        chunk = result.chunks.get(n)
        if chunk is None:
            raise RuntimeError(f"{where}: the reference session ended early:\n{result.tail[-2000:]}")
        failed = bool(slt_results.ParseChunk(chunk)[0])
        if record.kind in ("statement", "load"):
            if failed != record.expect_error:
                problems += 1
                print(f"WARNING {where}: reference {'failed' if failed else 'succeeded'}: "
                      f"{chunk.strip()[:300]}")
            continue
        replacements[record.line] = ResultBlock(chunk, record, args.hash_threshold, where) + (record,)
    out: list[str] = []
    i = 0
    while i < len(lines):
        number = i + 1
        if number not in replacements:
            out.append(lines[i])
            i += 1
            continue
        types, block, record = replacements[number]
        out.append(" ".join(["query", types, record.sort] + ([record.label] if record.label else [])))
        i += 1
        while lines[i] != "----":
            out.append(lines[i])
            i += 1
        out.append("----")
        i += 1
        while i < len(lines) and lines[i].strip():
            i += 1
        out += block
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    print(f"{path}: {len(replacements)} results written, {problems} statement mismatches")
    return problems


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+")
    p.add_argument("--duckdb", default="/tmp/duck", help="folder with node_modules/@duckdb/node-api")
    p.add_argument("--threads", default="2")
    p.add_argument("--datagen")
    p.add_argument("--data-cache", default=os.path.join(tempfile.gettempdir(), "ibex-sqltest-data"))
    p.add_argument("--benchmarks-dir", default=str(pathlib.Path(__file__).resolve().parents[3] / "benchmarks"))
    p.add_argument("--hash-threshold", type=int, default=200)
    args = p.parse_args()
    config = slt_session.EngineConfig(
        command=["node", os.path.join(HERE, "duckdb_shell.mjs"), "--duckdb", args.duckdb,
                 "--threads", args.threads, "--typed-header"], data_dir=False, timeout=3600)
    problems = sum(Fill(f, args, config) for f in args.files)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
