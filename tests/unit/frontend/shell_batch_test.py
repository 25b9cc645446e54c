#!/usr/bin/env python3
"""The shell in batch mode (ibex-sql: the shell with a runner that executes nothing):
-c, -f, stdin, --format table|csv|json, --on-error stop|continue, exit status, meta-commands
in files (\\d, \\timing, \\o, \\i, \\format), errors positioned at file lines."""
import os
import subprocess
import sys
import tempfile

IBEX_SQL = sys.argv[1]
SCHEMA = sys.argv[2]  # the TPC-H schema
MPIRUN, IBEX = (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else (None, None)  # optional
failures = []


def run(args, stdin_text=None):
    p = subprocess.run([IBEX_SQL] + args, input=stdin_text, capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


def check(name, condition, detail=""):
    if not condition:
        failures.append(f"{name}: {detail}")


tmp = tempfile.mkdtemp(prefix="ibex_shell_batch_")

# -c with DDL and \d-like output through SHOW; exit 0.
rc, out, err = run(["-c", "create table t (a int not null, b varchar(3)) partition by hash(a); show tables;"])
check("-c ddl", rc == 0 and "CREATE TABLE" in out and " t    | table |       2 | PARTITION BY HASH(a)" in out,
      repr((rc, out, err)))

# A query the engine cannot run: positioned "not supported yet", exit 1.
rc, out, err = run(["--schema", SCHEMA, "-c", "select count(*)\nfrom lineitem"])
check("not supported", rc == 1 and err.startswith(
    "ERROR: SELECT is not supported yet: this build has no execution engine at line 1, column 1\nselect count(*)\n^"),
    repr((rc, err)))

# A file: errors point at the file's lines; --on-error stop halts at the first error.
script = os.path.join(tmp, "script.sql")
with open(script, "w") as f:
    f.write("-- a batch file\n"
            "create table a (x int);\n"
            "\n"
            "select y\n"
            "  from a;\n"
            "create table b (x int);\n"
            "\\d\n")
rc, out, err = run(["-f", script])
check("file stop rc", rc == 1, repr((rc, out, err)))
check("file stop position", "ERROR: unknown column \"y\" at line 4, column 8\nselect y\n       ^" in err, err)
check("file stop halts", "b    | table" not in out and out.count("CREATE TABLE") == 1, out)

rc, out, err = run(["-f", script, "--on-error", "continue"])
check("file continue rc", rc == 1, repr(rc))
check("file continue runs on", " a    | table |       1 | ROUND ROBIN" in out and " b    | table" in out, out)

# stdin when it is not a terminal; csv with a header row; json.
rc, out, err = run(["--format", "csv"], "create table c (k int, v varchar(5));\n\\d c\n")
check("stdin csv", rc == 0 and out.startswith('column,type,nullable\nk,INTEGER,""\nv,VARCHAR(5),""\n'), repr(out))
rc, out, err = run(["--format", "json", "-c", "create table j (k int); \\d"], None)
check("json", rc == 1 and "unexpected character" in err, repr((rc, out, err)))  # meta after SQL in -c: an error
rc, out, err = run(["--format", "json"], "create table j (k int);\n\\d\n")
check("json table list", rc == 0 and '{"name": "j", "kind": "table", "columns": 1, "distribution": "ROUND ROBIN"}' in out,
      repr(out))

# Multi-line statements and several per line; a last statement without ';' runs at EOF.
rc, out, err = run([], "create table m1 (a int); create\ntable m2 (a int)\n;create table m3 (a int)")
check("multi-line", rc == 0 and out.count("CREATE TABLE") == 3, repr((out, err)))

# \timing prints "Time: <ms> ms"; \o writes to a file; \i runs another file; \format switches.
inner = os.path.join(tmp, "inner.sql")
with open(inner, "w") as f:
    f.write("create table inner_t (a int);\n")
result = os.path.join(tmp, "result.txt")
rc, out, err = run([], f"\\timing on\ncreate table tt (a int);\n\\timing off\n\\o {result}\n\\format csv\n"
                       f"\\d tt\n\\o\n\\i {inner}\n\\d inner_t\n\\ranks\n\\?\n")
check("timing", rc == 0 and "Timing is on." in out and "\nTime: " in out and " ms\n" in out, repr((out, err)))
with open(result) as f:
    check("\\o file", f.read() == 'column,type,nullable\na,INTEGER,""\n', "")
check("\\i", 'column,type,nullable\na,INTEGER,""' in out and "inner_t" not in err, repr(out))
check("\\ranks", "rank 0: coordinator" in out, out)
check("\\?", "\\timing [on|off]" in out, out)

# Unknown meta-command and bad format fail the batch; a syntax error shows what was expected.
rc, out, err = run([], "\\frob\n")
check("unknown meta", rc == 1 and "unknown meta-command \\frob" in err, err)
rc, out, err = run(["-c", "select 1 +;"])
check("syntax", rc == 1 and "ERROR: syntax error at or near \";\" at line 1, column 11" in err and
      "HINT: expected expression" in err, err)

# PREPARE / EXECUTE / DEALLOCATE are session statements; EXECUTE reaches the runner.
rc, out, err = run(["--schema", SCHEMA, "--on-error", "continue"],
                   "prepare p as select * from region where r_regionkey = $1;\nexecute p(1, 2);\nexecute p(1);\n"
                   "deallocate p;\nexecute p(1);\n")
check("prepare", "PREPARE" in out and "DEALLOCATE" in out, out)
check("execute arity", "prepared statement \"p\" takes 1 parameters, not 2" in err, err)
check("execute runs", "EXECUTE is not supported yet" in err, err)
check("deallocated", "unknown prepared statement \"p\" at line 5, column 9" in err, err)

# A missing -f file.
rc, out, err = run(["-f", os.path.join(tmp, "missing.sql")])
check("missing file", rc == 1 and "No such file" in err, err)

# The same through the real executable: mpirun -n 3 ibex -f file --format csv.
if MPIRUN:
    ddl = os.path.join(tmp, "ddl.sql")
    with open(ddl, "w") as f:
        f.write("create table r (k int not null, name varchar(9)) replicated;\n\\d r\n")
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    mpi = [MPIRUN, "--oversubscribe", "--mca", "btl_tcp_if_include", "lo", "--mca", "oob_tcp_if_include", "lo",
           "--timeout", "40", "-n", "3", IBEX]
    p = subprocess.run(mpi + ["-f", ddl, "--format", "csv"], capture_output=True, text=True, timeout=60, env=env)
    check("mpirun -f csv", p.returncode == 0 and p.stdout == 'column,type,nullable\nk,INTEGER,not null\nname,VARCHAR(9),""\n',
          repr((p.returncode, p.stdout, p.stderr)))
    p = subprocess.run(mpi + ["-c", "select 41 + 1", "--format", "csv"], capture_output=True, text=True,
                       timeout=60, env=env)
    check("mpirun statement", p.returncode == 0 and p.stdout.endswith("\n42\n"), repr((p.returncode, p.stdout, p.stderr)))
    p = subprocess.run(mpi + ["-c", "select 1 / 0"], capture_output=True, text=True, timeout=60, env=env)
    check("mpirun failing statement", p.returncode == 1 and "division by zero" in p.stderr,
          repr((p.returncode, p.stderr)))

if failures:
    print("FAIL\n" + "\n".join(failures))
    sys.exit(1)
print("PASS")
