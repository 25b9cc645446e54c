#!/usr/bin/env python3
"""A stand-in for the ibex shell in the runner's self-test: speaks ibex's batch protocol
(`-f FILE --format csv --on-error continue [--data-dir D]`; CSV with a header row, NULL as an
empty field, '' as ""; SET/SHOW answered by the shell; errors as `ERROR: ...` on stderr) and
runs the SQL on Python's sqlite3. Only for tests/sql/runner/selftest; never a reference."""

import sqlite3
import sys
import time


def Split(text):
    out, cur, quote = [], "", False
    for c in text:
        if c == "'":
            quote = not quote
        if c == ";" and not quote:
            out.append(cur.strip())
            cur = ""
        else:
            cur += c
    if cur.strip():
        out.append(cur.strip())
    return [s for s in out if s]


def Field(v):
    if v is None:
        return ""
    s = repr(v) if isinstance(v, float) else str(v)
    if s == "" or any(ch in s for ch in ',"\n'):
        return '"' + s.replace('"', '""') + '"'
    return s


def main(argv):
    path = argv[argv.index("-f") + 1]
    db = sqlite3.connect(":memory:")
    variables = {}
    failed = False
    for sql in Split(open(path, encoding="utf-8").read()):
        words = sql.split()
        if words[0].upper() == "SET":
            variables[words[1].lower()] = words[3]
            continue
        if words[0].upper() == "SHOW":
            print(words[1].lower())
            print(variables[words[1].lower()])
            continue
        if sql == "SELECT fake_engine_exit":
            sys.stdout.flush()
            return 3
        if sql == "SELECT fake_engine_hang":
            sys.stdout.flush()
            time.sleep(600)  # a hung engine, for the runner's timeout
        if "fake_unsupported" in sql:
            sys.stdout.flush()
            print("ERROR: SELECT is not supported yet: fake", file=sys.stderr)
            sys.stderr.flush()
            failed = True
            continue
        try:
            cur = db.execute(sql)
            if cur.description:
                rows = cur.fetchall()
                print(",".join(Field(d[0]) for d in cur.description))
                for r in rows:
                    print(",".join(Field(v) for v in r))
        except sqlite3.Error as e:
            sys.stdout.flush()
            print(f"ERROR: {e}", file=sys.stderr)
            sys.stderr.flush()
            failed = True
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
