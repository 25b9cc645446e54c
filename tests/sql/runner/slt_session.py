"""One engine session per .test file: the statements of all records are written to one
script, run by the engine's shell in batch mode (`ibex -f SCRIPT --format csv --on-error
continue`, optionally under mpirun), and the merged output is cut back into one chunk per
record.

Called by sqllogictest.py, the fidelity check and the engine benchmark (single-threaded).

Cutting the output: before each record the script has
    SET slt_record = r<n>;
    SHOW slt_record;
SET and SHOW are answered by the shell itself (no engine needed); in CSV format SET prints
nothing and SHOW prints the header `slt_record` and the value `r<n>`, so the output of record
n is what lies between that marker and the next one. Errors go to stderr, which is merged
into the same pipe (under mpirun through `sh -c 'exec ... 2>&1'` on every rank, so the order
of results and errors of rank 0 is kept).
"""

from __future__ import annotations

import dataclasses
import fcntl
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile

MARKER = "slt_record"
SSB_TABLES = ["part", "supplier", "customer", "date", "lineorder"]
TPCH_TABLES = ["region", "nation", "part", "supplier", "partsupp", "customer", "orders", "lineitem"]


@dataclasses.dataclass
class EngineConfig:
    """How to start the engine. `command` is the shell (ibex, or an adapter speaking the same
    batch protocol); `ranks` > 0 runs it under `mpirun -n ranks`."""
    command: list[str]
    ranks: int = 0
    mpirun: str = "mpirun"
    mpirun_flags: list[str] = dataclasses.field(default_factory=list)
    extra_args: list[str] = dataclasses.field(default_factory=list)
    data_dir: bool = True  # pass --data-dir <fresh temp dir>
    timeout: float = 600.0

    def Describe(self) -> str:
        base = " ".join(self.command + self.extra_args)
        return f"mpirun -n {self.ranks} {base}" if self.ranks > 0 else base


@dataclasses.dataclass
class SessionResult:
    chunks: dict[int, str]  # record number -> its output (results and ERROR lines)
    exit_code: int | None  # None when the session timed out
    tail: str  # output after the last marker (where a crash shows)
    last_record: int  # the last record whose marker appeared
    preamble: str = ""  # output before the first marker (e.g. the placement report)


def StatementText(sql: str) -> str:
    """A statement terminated by ';' (a meta-command such as \\timing stays as it is)."""
    text = sql.strip()
    return text if text.endswith(";") or text.startswith("\\") else text + ";"


def BuildScript(statements: list[str]) -> str:
    parts = []
    for n, sql in enumerate(statements):
        parts.append(f"SET {MARKER} = r{n};\nSHOW {MARKER};\n{StatementText(sql)}\n")
    parts.append(f"SET {MARKER} = r{len(statements)};\nSHOW {MARKER};\n")
    return "".join(parts)


def RunSession(config: EngineConfig, statements: list[str], workdir: str) -> SessionResult:
    script = os.path.join(workdir, "session.sql")
    with open(script, "w", encoding="utf-8") as f:
        f.write(BuildScript(statements))
    args = list(config.command) + ["-f", script, "--format", "csv", "--on-error", "continue"]
    if config.data_dir:
        data = os.path.join(workdir, "data")
        os.makedirs(data, exist_ok=True)
        args += ["--data-dir", data]
    args += config.extra_args
    if config.ranks > 0:
        args = ([config.mpirun] + config.mpirun_flags + ["-n", str(config.ranks), "sh", "-c",
                 'exec "$0" "$@" 2>&1'] + args)
    env = dict(os.environ)
    if config.ranks > 0 and os.geteuid() == 0:
        # As cmake/IbexTesting.cmake does for CTest: Open MPI refuses root without these.
        env.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
        env.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True, env=env)
    try:
        out, _ = proc.communicate(timeout=config.timeout)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        # SIGTERM first: mpirun then ends its ranks, which live in process groups of their
        # own; whatever is left of the session's group is killed after a grace period.
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            out, _ = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
        code = None
    return SplitOutput(out.decode("utf-8", errors="replace"), len(statements), code)


def SplitOutput(text: str, count: int, code: int | None) -> SessionResult:
    lines = text.split("\n")
    chunks: dict[int, str] = {}
    preamble = ""
    current = -1
    buffer: list[str] = []
    last = -1
    i = 0
    while i < len(lines):
        if lines[i] == MARKER and i + 1 < len(lines) and lines[i + 1] == f"r{current + 1}":
            if current >= 0:
                chunks[current] = "\n".join(buffer)
            else:
                preamble = "\n".join(buffer)
            current += 1
            last = current
            buffer = []
            i += 2
            continue
        buffer.append(lines[i])
        i += 1
    tail = "\n".join(buffer)
    # The record that was running when the session ended has no chunk (count is how many
    # records the script holds; the caller reports the missing ones).
    del count
    return SessionResult(chunks=chunks, exit_code=code, tail=tail, last_record=last,
                         preamble=preamble)


def BenchmarkData(benchmark: str, scale: str, datagen: str, cache_dir: str) -> str:
    """The directory of `benchmark` at `scale` generated by ibex-datagen, made once per cache
    directory (under a file lock, so tests running in parallel share it)."""
    target = os.path.join(cache_dir, f"{benchmark}-sf{scale}")
    os.makedirs(cache_dir, exist_ok=True)
    with open(os.path.join(cache_dir, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(os.path.join(target, ".complete")):
            return target
        tmp = tempfile.mkdtemp(prefix=f".{benchmark}-sf{scale}-", dir=cache_dir)
        cmd = [datagen, "--benchmark", benchmark, "--scale-factor", scale, "--output", tmp]
        done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if done.returncode != 0:
            shutil.rmtree(tmp, ignore_errors=True)
            raise RuntimeError(f"{shlex.join(cmd)} failed ({done.returncode}):\n"
                               f"{done.stdout.decode(errors='replace')}")
        open(os.path.join(tmp, ".complete"), "w").close()
        shutil.rmtree(target, ignore_errors=True)
        os.rename(tmp, target)
        return target


def _SplitSql(text: str) -> list[str]:
    """Statements of a schema file (which has no strings: '--' always starts a comment)."""
    lines = [l.split("--", 1)[0] for l in text.split("\n")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


# How `--schema partitioned` distributes the benchmark tables over the executors (issue 7):
# the fact tables hashed on their join keys, the small dimensions replicated.
PARTITIONED = {
    "lineorder": "PARTITION BY HASH(lo_orderkey)",
    "part": None, "supplier": "REPLICATED", "customer": None, "dates": "REPLICATED",
    "lineitem": "PARTITION BY HASH(l_orderkey)", "orders": "PARTITION BY HASH(o_orderkey)",
    "partsupp": "PARTITION BY HASH(ps_partkey)", "nation": "REPLICATED", "region": "REPLICATED",
}
PARTITIONED_SSB = {"part": "REPLICATED", "customer": "REPLICATED"}
PARTITIONED_TPCH = {"part": "PARTITION BY HASH(p_partkey)", "customer": "PARTITION BY HASH(c_custkey)"}


def _Distribute(statement: str, benchmark: str) -> str:
    m = re.match(r"\s*create\s+table\s+(\w+)", statement, re.IGNORECASE)
    if not m:
        return statement
    table = m.group(1).lower()
    clause = (PARTITIONED_SSB if benchmark == "ssb" else PARTITIONED_TPCH).get(table, PARTITIONED.get(table))
    if not clause:
        return statement
    body = statement.rstrip().rstrip(";").rstrip()
    if not body.endswith(")"):
        raise RuntimeError(f"cannot add a distribution clause to: {statement[:80]}")
    return f"{body} {clause}"


def LoadStatements(benchmark: str, data_dir: str, schema_file: str,
                   schema: str = "as-written") -> list[str]:
    """CREATE TABLEs of the benchmark's schema and one COPY per table. schema "partitioned"
    adds distribution clauses (PARTITIONED above)."""
    with open(schema_file, encoding="utf-8") as f:
        statements = _SplitSql(f.read())
    if schema == "partitioned":
        statements = [_Distribute(st, benchmark) for st in statements]
    tables = SSB_TABLES if benchmark == "ssb" else TPCH_TABLES
    for t in tables:
        table = "dates" if benchmark == "ssb" and t == "date" else t
        path = os.path.join(data_dir, f"{t}.tbl")
        statements.append(f"COPY {table} FROM '{path}' (FORMAT tbl, DELIMITER '|')")
    return statements
