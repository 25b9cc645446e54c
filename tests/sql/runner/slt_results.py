"""Result comparison for the sqllogictest runner: canonical values, sorting, hashing, and
the comparison of an engine's CSV answer with a record's expected result.

Called by sqllogictest.py and the fidelity check (single-threaded scripts).

Column types (the letters of 'query <types>'):
  I  integer, compared exactly (as Python ints: any width)
  D  exact decimal, compared exactly by value ('1.50' equals '1.5': the engine may print a
     wider scale, never a different value)
  R  floating point (DOUBLE, AVG, decimal/decimal): equal when within a relative tolerance
     (default 1e-9) or an absolute one (default 1e-12)
  T  text (strings, dates yyyy-mm-dd), compared exactly after dropping trailing spaces
     (CHAR(n) padding differs between engines)
NULL is written NULL, the empty string (empty).
"""

from __future__ import annotations

import dataclasses
import decimal
import hashlib

NULL = "NULL"
EMPTY = "(empty)"


def ParseCsv(text: str) -> list[list[str | None]]:
    """Parses ibex's CSV (RFC 4180 quoting). An unquoted empty field is NULL (None); a quoted
    one ("") is the empty string."""
    rows: list[list[str | None]] = []
    row: list[str | None] = []
    i, n = 0, len(text)
    field = ""
    quoted = False
    at_field_start = True
    while i < n:
        c = text[i]
        if at_field_start and c == '"':
            quoted = True
            at_field_start = False
            i += 1
            while i < n:
                if text[i] == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        field += '"'
                        i += 2
                        continue
                    i += 1
                    break
                field += text[i]
                i += 1
            continue
        if c == ",":
            row.append(field if (quoted or field) else None)
            field, quoted, at_field_start = "", False, True
        elif c == "\n" or c == "\r":
            if c == "\r" and i + 1 < n and text[i + 1] == "\n":
                i += 1
            row.append(field if (quoted or field) else None)
            rows.append(row)
            row, field, quoted, at_field_start = [], "", False, True
        else:
            field += c
            at_field_start = False
        i += 1
    if not at_field_start or row:
        row.append(field if (quoted or field) else None)
        rows.append(row)
    return rows


def ParseChunk(chunk: str) -> tuple[str, list[list[str | None]] | None]:
    """One record's output (slt_session.SplitOutput): (the error text from the first
    `ERROR:` line on, or ""; the CSV rows, header first, or None when nothing was printed).
    Every output line counts: an empty line is a row holding one NULL."""
    lines = chunk.split("\n") if chunk else []
    error_at = next((i for i, l in enumerate(lines) if l.startswith("ERROR:")), None)
    if error_at is not None:
        return "\n".join(lines[error_at:]).strip(), None
    if not lines:
        return "", None
    return "", ParseCsv("\n".join(lines) + "\n")


def FromEngine(value: str | None) -> str:
    """An engine's CSV field as a .test value."""
    if value is None:
        return NULL
    if value == "":
        return EMPTY
    return value


def _Decimal(text: str) -> decimal.Decimal | None:
    try:
        return decimal.Decimal(text)
    except decimal.InvalidOperation:
        return None


def Canonical(value: str, type_char: str) -> str:
    """The canonical text of a value: what is hashed and what rowsort/valuesort order by."""
    if value == NULL:
        return NULL
    if type_char == "T":
        return value.rstrip(" ") if value != EMPTY else value
    d = _Decimal(value)
    if d is None or not d.is_finite():
        return value
    if type_char == "I":
        return str(int(d)) if d == d.to_integral_value() else value
    if type_char == "D":
        text = format(d, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    # R: 6 significant digits are enough to order rows the same way on both sides; equality
    # is decided with the tolerance, not on this text.
    return f"{float(d):.6g}"


def SortRows(rows: list[list[str]], types: str, mode: str) -> list[list[str]]:
    if mode == "rowsort":
        return sorted(rows, key=lambda r: [Canonical(v, t) for v, t in zip(r, types)])
    if mode == "valuesort":
        values = sorted((Canonical(v, t), v) for r in rows for v, t in zip(r, types))
        return [[v] for _, v in values]
    return rows


def HashValues(rows: list[list[str]], types: str, mode: str) -> tuple[int, str]:
    """(count, md5) over the canonical values, each followed by a newline, in result order
    after sorting (SQLite's sqllogictest hash). R columns hash their 6-digit canonical form,
    so tools use values, not hashes, for results with R columns."""
    ordered = SortRows(rows, types, mode)
    md5 = hashlib.md5()
    count = 0
    for r in ordered:
        row_types = types if mode != "valuesort" else None
        for i, v in enumerate(r):
            t = row_types[i] if row_types else _ValuesortType(types)
            md5.update((Canonical(v, t) + "\n").encode("utf-8"))
            count += 1
    return count, md5.hexdigest()


def _ValuesortType(types: str) -> str:
    return types[0] if len(set(types)) == 1 else "T"


@dataclasses.dataclass
class Tolerance:
    relative: float = 1e-9
    absolute: float = 1e-12


def ValuesEqual(expected: str, actual: str, type_char: str, tol: Tolerance) -> bool:
    if expected == NULL or actual == NULL:
        return expected == actual
    if type_char == "R":
        e, a = _Decimal(expected), _Decimal(actual)
        if e is None or a is None:
            return expected == actual
        e, a = float(e), float(a)
        return abs(e - a) <= max(tol.absolute, tol.relative * max(abs(e), abs(a)))
    return Canonical(expected, type_char) == Canonical(actual, type_char)


def CompareRows(expected: list[list[str]], actual: list[list[str]], types: str, mode: str,
                tol: Tolerance) -> list[str]:
    """Differences between expected and actual rows (after sorting both), as message lines;
    empty when they match."""
    exp = SortRows(expected, types, mode)
    act = SortRows(actual, types, mode)
    col_types = types if mode != "valuesort" else _ValuesortType(types)
    problems: list[str] = []
    if len(exp) != len(act):
        problems.append(f"expected {len(exp)} rows, got {len(act)}")
    shown = 0
    for i in range(max(len(exp), len(act))):
        e = exp[i] if i < len(exp) else None
        a = act[i] if i < len(act) else None
        same = e is not None and a is not None and len(e) == len(a) and all(
            ValuesEqual(ev, av, col_types[j] if j < len(col_types) else "T", tol)
            for j, (ev, av) in enumerate(zip(e, a)))
        if not same:
            if shown < 10:
                problems.append(f"row {i + 1}: expected {_Show(e)}")
                problems.append(f"row {i + 1}: actual   {_Show(a)}")
            shown += 1
    if shown > 10:
        problems.append(f"... and {shown - 10} more differing rows")
    return problems


def _Show(row: list[str] | None) -> str:
    return "(no row)" if row is None else "\t".join(row)

