#!/usr/bin/env python3
"""The interactive shell under `mpirun --stdin none -n 3 ibex`, driven through a pseudo-terminal:
rank 0 takes the terminal's foreground, prompts `ibex> ` / `  ...> `, runs DDL, \\d, shows a
positioned error, keeps a multi-line statement until `;`, recalls history with the up arrow,
and Ctrl-C drops the half-typed statement without ending the job (mpirun never sees it).
Usage: shell_pty_test.py MPIRUN IBEX"""
import os
import pty
import re
import select
import sys
import tempfile
import time

MPIRUN, IBEX = sys.argv[1], sys.argv[2]
DEADLINE = time.time() + 100
history = os.path.join(tempfile.mkdtemp(prefix="ibex_pty_"), "history")

env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           IBEX_HISTORY=history, TERM="xterm")
argv = [MPIRUN, "--oversubscribe", "--mca", "btl_tcp_if_include", "lo", "--mca", "oob_tcp_if_include", "lo",
        "--timeout", "90", "--stdin", "none", "-x", "IBEX_HISTORY", "-n", "3", IBEX]
pid, fd = pty.fork()
if pid == 0:
    os.execve(MPIRUN, argv, env)

transcript = b""
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def fail(why):
    sys.stdout.write("FAIL: %s\n--- transcript ---\n%s\n" % (why, ANSI.sub(b"", transcript).decode(errors="replace")))
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass
    sys.exit(1)


cursor = 0  # in the transcript without escape sequences: where the next expectation looks


def expect(pattern, timeout=30):
    """Reads until `pattern` appears after the previous match; returns the text up to it."""
    global transcript, cursor
    end = min(time.time() + timeout, DEADLINE)
    while time.time() < end:
        text = ANSI.sub(b"", transcript).decode(errors="replace")
        at = text.find(pattern, cursor)
        if at >= 0:
            seen = text[cursor:at + len(pattern)]
            cursor = at + len(pattern)
            return seen
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            transcript += data
    fail("timed out waiting for %r" % pattern)


def send(data):
    os.write(fd, data)


def foreground_is_rank0():
    try:
        return os.tcgetpgrp(fd) != pid  # mpirun leads its own group; rank 0 is another
    except OSError:
        return False


expect("ibex> ", timeout=60)
if not foreground_is_rank0():
    fail("rank 0 did not take the terminal's foreground process group")

send(b"create table t (a int not null, b varchar(5)) partition by hash(a);\r")
expect("CREATE TABLE")
expect("ibex> ")

# Multi-line: the continuation prompt until ';'.
send(b"create view v as\r")
expect("  ...> ")
send(b"select a from t;\r")
expect("CREATE VIEW")
expect("ibex> ")

send(b"\\d\r")
out = expect("(2 rows)")
if "PARTITION BY HASH(a)" not in out or " v    | view" not in out:
    fail("\\d output")
expect("ibex> ")

# An error, positioned, and the shell goes on.
send(b"select nope\r")
expect("  ...> ")
send(b"from t;\r")
out = expect("^")
if 'ERROR: unknown column "nope" at line 1, column 8' not in out:
    fail("positioned error")
expect("ibex> ")

# Ctrl-C at a half-typed multi-line statement: dropped, the job lives on.
send(b"select a,\r")
expect("  ...> ")
send(b"b from")
expect("b from")  # echoed: readline has the text when the interrupt comes
send(b"\x03")
expect("^C")
expect("ibex> ")
send(b"select 41 + 1;\r")
out = expect("ibex> ")
if "42" not in out or "(1 row)" not in out or "ERROR" in out:
    fail("statement after Ctrl-C: the dropped text must not be part of it")

# History: the up arrow recalls the last statement (select 41 + 1;), Ctrl-P the one before.
send(b"\x1b[A\r")
out = expect("ibex> ")
if "42" not in out or "(1 row)" not in out:
    fail("up arrow did not recall the previous statement")

send(b"\\ranks\r")
out = expect("ibex> ")
# The placement (one line per rank) and each executor's state and load.
if "coordinator" not in out or out.count("executor rank") != 2 or "queries" not in out:
    fail("\\ranks")

rank0_group = os.tcgetpgrp(fd)
send(b"\\q\r")
end = time.time() + 30
status = None
groups = []  # the terminal's foreground group, sampled until the job ends
while time.time() < end:
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        status = st
        break
    try:
        groups.append(os.tcgetpgrp(fd))
    except OSError:
        pass
    r, _, _ = select.select([fd], [], [], 0.02)
    if r:
        try:
            transcript += os.read(fd, 65536)
        except OSError:
            pass
if status is None:
    fail("the job did not end after \\q")
if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
    fail("mpirun exit status %r" % status)
# Rank 0 gave the terminal back (to mpirun's group) before the job ended.
if pid not in groups or groups[-1] == rank0_group:
    changes = [g for i, g in enumerate(groups) if i == 0 or groups[i - 1] != g]
    fail("terminal not given back: foreground groups seen %r (mpirun %d, rank 0 %d)" % (changes, pid, rank0_group))

with open(history) as f:
    saved = f.read()
for entry in ["create table t (a int not null, b varchar(5)) partition by hash(a);", "create view v as\nselect a from t;",
              "\\d", "select 41 + 1;"]:
    if entry not in saved:
        fail("history file lacks %r: %r" % (entry, saved))
print(ANSI.sub(b"", transcript).decode(errors="replace") if os.environ.get("IBEX_PTY_VERBOSE") else "", end="")
print("PASS")
