#!/usr/bin/env python3
"""Self-test of the sqllogictest runner, against fake_engine.py (sqlite3 behind ibex's batch
protocol): pass.test must pass; every record of wrong.test must be reported failing at its own
line; crash.test must fail at the record the engine died in, hang.test at the record it hung in
(--timeout); requires.test must be skipped
(exit 77). Registered in CTest as sql.runner_selftest (tier fast)."""

import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(HERE, "..", "sqllogictest.py")
ENGINE = f"{sys.executable} {os.path.join(HERE, 'fake_engine.py')}"


def Run(name, *extra):
    cmd = [sys.executable, RUNNER, "--engine-cmd", ENGINE, "--engine-name", "fake", "--no-data-dir",
           *extra, os.path.join(HERE, name)]
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    print(f"--- {name}: exit {done.returncode}\n{done.stdout}")
    return done.returncode, done.stdout


def RecordLines(name):
    """Line numbers of the records (statement/query directives) of a .test file."""
    with open(os.path.join(HERE, name)) as f:
        return [n for n, l in enumerate(f, 1) if re.match(r"^(statement|query) ", l)]


def main():
    errors = []
    code, _ = Run("pass.test")
    if code != 0:
        errors.append(f"pass.test: exit {code}, expected 0")
    code, out = Run("wrong.test")
    if code != 1:
        errors.append(f"wrong.test: exit {code}, expected 1")
    failed = {int(m) for m in re.findall(r"^FAIL .*wrong\.test:(\d+):", out, re.M)}
    # The two setup statements are right; every other record must fail.
    expected = set(RecordLines("wrong.test")[2:])
    if failed != expected:
        errors.append(f"wrong.test: failures at lines {sorted(failed)}, expected {sorted(expected)}")
    code, out = Run("crash.test")
    if code != 1 or not re.search(r"^FAIL .*crash\.test:9: the session exited with status 3", out, re.M):
        errors.append("crash.test: the engine's exit was not reported at line 9")
    code, out = Run("hang.test", "--timeout", "3")
    if code != 1 or not re.search(r"^FAIL .*hang\.test:9: the session timed out", out, re.M):
        errors.append("hang.test: the hung engine was not reported as a timeout at line 9")
    code, out = Run("requires.test")
    if code != 77 or "SKIPPED" not in out or "no_such_feature" not in out:
        errors.append(f"requires.test: exit {code}, expected 77 with a SKIPPED line naming the feature")
    for e in errors:
        print("SELF-TEST FAILURE:", e)
    print("runner self-test", "FAILED" if errors else "passed")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
