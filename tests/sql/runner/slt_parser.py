"""Parser of sqllogictest files (tests/sql/**/*.test) into records.

Called by sqllogictest.py (the runner) and by the tools that fill in expected answers. The
format is SQLite's sqllogictest with DuckDB's row-per-line result layout; docs/sqltest.md is
the reference. Records are separated by blank lines:

    # comment
    require engine                      file-level: skip the file unless 'engine' is enabled
    load tpch 0.01                      generate (ibex-datagen) and COPY a benchmark in
    statement ok | statement error [expected message substring]
    <sql, one or more lines>
    query <types> [nosort|rowsort|valuesort] [label]
    <sql>
    ----
    <one row per line, values separated by tabs; NULL, (empty) for ''>
    | N values hashing to <md5>
    skipif <engine> | onlyif <engine>   apply to the next record
    halt                                stop reading the file here
"""

from __future__ import annotations

import dataclasses
import re

SORT_MODES = ("nosort", "rowsort", "valuesort")
TYPE_CHARS = set("IRTD")  # integer, real (tolerance), text, exact decimal
HASH_RE = re.compile(r"^(\d+) values hashing to ([0-9a-f]{32})$")


class ParseError(Exception):
    """A malformed .test file; the message carries file:line."""


@dataclasses.dataclass
class Record:
    kind: str  # "statement", "query", "load"
    line: int  # 1-based line of the record's first line (its directive)
    sql: str = ""
    expect_error: bool = False
    error_substring: str = ""
    types: str = ""
    sort: str = "nosort"
    label: str = ""
    expected_rows: list[list[str]] | None = None  # values as written, rows of len(types)
    expected_hash: tuple[int, str] | None = None  # (value count, md5)
    load: tuple[str, str] | None = None  # (benchmark, scale factor)


@dataclasses.dataclass
class TestFile:
    path: str
    requires: list[tuple[str, str]]  # (feature, reason)
    records: list[Record]


def _SplitBlocks(lines: list[str]):
    """Yields (first line number, [lines]) for each blank-line separated block; comments
    and the 'require' lines are kept as their own one-line blocks."""
    block: list[str] = []
    start = 0
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\n").rstrip("\r")
        if not line.strip():
            if block:
                yield start, block
                block = []
            continue
        if not block and line.lstrip().startswith("#"):
            continue  # a comment between records
        if not block:
            start = number
        block.append(line)
    if block:
        yield start, block


def _EngineMatches(skip: list[tuple[str, str]], engine: str) -> bool:
    """True when the record should run for `engine` given its skipif/onlyif conditions."""
    for cond, name in skip:
        if cond == "skipif" and name == engine:
            return False
        if cond == "onlyif" and name != engine:
            return False
    return True


def ParseFile(path: str, engine: str = "ibex") -> TestFile:
    with open(path, encoding="utf-8") as f:
        lines = f.readlines()
    requires: list[tuple[str, str]] = []
    records: list[Record] = []
    for start, block in _SplitBlocks(lines):
        where = f"{path}:{start}"
        conditions: list[tuple[str, str]] = []
        while block and block[0].split()[0] in ("skipif", "onlyif"):
            words = block[0].split()
            if len(words) < 2:
                raise ParseError(f"{where}: {words[0]} needs an engine name")
            conditions.append((words[0], words[1]))
            block = block[1:]
            start += 1
        if not block:
            raise ParseError(f"{where}: skipif/onlyif without a record")
        # Comment lines inside a record (before its SQL) are dropped.
        head = block[0].split()
        keyword = head[0]
        if keyword == "halt":
            if _EngineMatches(conditions, engine):
                break
            continue
        if keyword == "require":
            if len(head) < 2:
                raise ParseError(f"{where}: require needs a feature name")
            requires.append((head[1], " ".join(head[2:])))
            continue
        record = _ParseRecord(where, start, block)
        if _EngineMatches(conditions, engine):
            records.append(record)
    return TestFile(path=path, requires=requires, records=records)


def _ParseRecord(where: str, start: int, block: list[str]) -> Record:
    head = block[0].split()
    keyword = head[0]
    body = [l for l in block[1:] if not l.lstrip().startswith("#")] if keyword != "query" else block[1:]
    if keyword == "load":
        if len(head) != 3:
            raise ParseError(f"{where}: expected 'load <tpch|ssb> <scale factor>'")
        if head[1] not in ("tpch", "ssb"):
            raise ParseError(f"{where}: unknown benchmark '{head[1]}' (tpch or ssb)")
        float(head[2])
        return Record(kind="load", line=start, load=(head[1], head[2]))
    if keyword == "statement":
        if len(head) < 2 or head[1] not in ("ok", "error"):
            raise ParseError(f"{where}: expected 'statement ok' or 'statement error [message]'")
        if not body:
            raise ParseError(f"{where}: statement without SQL")
        substring = block[0].split(None, 2)[2].strip() if head[1] == "error" and len(head) > 2 else ""
        return Record(kind="statement", line=start, sql="\n".join(body),
                      expect_error=head[1] == "error", error_substring=substring)
    if keyword == "query":
        if len(head) < 2 or not head[1] or set(head[1]) - TYPE_CHARS:
            raise ParseError(f"{where}: expected 'query <types from I R T D> [sort] [label]'")
        sort = "nosort"
        label = ""
        for extra in head[2:]:
            if extra in SORT_MODES:
                sort = extra
            else:
                label = extra
        if "----" not in block:
            raise ParseError(f"{where}: query without '----' and its expected result")
        sep = block.index("----")
        sql_lines = [l for l in block[1:sep] if not l.lstrip().startswith("#")]
        if not sql_lines:
            raise ParseError(f"{where}: query without SQL")
        result_lines = block[sep + 1:]
        record = Record(kind="query", line=start, sql="\n".join(sql_lines), types=head[1],
                        sort=sort, label=label)
        if len(result_lines) == 1 and HASH_RE.match(result_lines[0].strip()):
            m = HASH_RE.match(result_lines[0].strip())
            record.expected_hash = (int(m.group(1)), m.group(2))
        else:
            rows = []
            for offset, l in enumerate(result_lines):
                values = l.split("\t")
                if len(values) != len(record.types):
                    raise ParseError(f"{where}: result line {start + sep + 1 + offset} has "
                                     f"{len(values)} values, the query declares {len(record.types)} columns")
                rows.append(values)
            record.expected_rows = rows
        return record
    raise ParseError(f"{where}: unknown record '{keyword}'")
