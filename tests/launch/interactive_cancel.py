#!/usr/bin/env python3
"""Ctrl-C in ibex's interactive shell, through a real pseudo-terminal.

Starts the command after `--` (mpirun --stdin none -n 3 ibex ...) as the session leader of a
new pseudo-terminal, so that rank 0's shell takes it as its controlling terminal and makes
itself the foreground process group (frontend/shell/terminal.h). Then, as a user would, for
each --query: types the long query, waits, presses Ctrl-C (the terminal sends SIGINT to the foreground
group: rank 0 only, not mpirun), and checks that the cancellation message comes within
--within seconds, that `select count(*) from nation;` then answers 25 promptly (the
executors were freed), and that \\q ends the job with status 0. Every wait is bounded.
Prints the measured figures; exits 1 with the transcript on failure.
"""
import argparse
import os
import pty
import select
import signal
import sys
import time

PROMPT = b"ibex> "


class Terminal:
    def __init__(self, argv):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.execvp(argv[0], argv)
            finally:
                os._exit(127)
        self.transcript = b""
        self.seen = 0  # transcript offset up to which expectations were met

    def _read(self, timeout):
        r, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not r:
            return True
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # EIO: the other side closed
            return False
        if not data:
            return False
        self.transcript += data
        return True

    def expect(self, needle, seconds):
        """Waits until `needle` appears after the last match; returns the seconds it took."""
        start = time.monotonic()
        while True:
            at = self.transcript.find(needle, self.seen)
            if at >= 0:
                self.seen = at + len(needle)
                return time.monotonic() - start
            left = seconds - (time.monotonic() - start)
            if left <= 0 or not self._read(left):
                if self.transcript.find(needle, self.seen) >= 0:
                    continue
                raise Failure(f"no {needle!r} within {seconds} s")

    def quiet_for(self, seconds):
        """Reads for `seconds`; returns what arrived after the last match."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if not self._read(end - time.monotonic()):
                break
        return self.transcript[self.seen:]

    def send(self, text):
        os.write(self.fd, text.encode())

    def wait_exit(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid == self.pid:
                return os.waitstatus_to_exitcode(status)
            self._read(0.1)
        raise Failure(f"the job did not end within {seconds} s of \\q")

    def kill(self):
        # SIGTERM first: mpirun then ends its ranks; SIGKILL only if it does not, bounded.
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                return
            end = time.monotonic() + 10
            while time.monotonic() < end:
                try:
                    pid, _ = os.waitpid(self.pid, os.WNOHANG)
                except ChildProcessError:
                    return
                if pid == self.pid:
                    return
                self._read(0.1)


class Failure(Exception):
    pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--query", required=True, action="append",
                        help="a long query (repeatable: each is run, cancelled and followed by a short one)")
    parser.add_argument("--after", type=float, default=2.0, help="seconds before Ctrl-C")
    parser.add_argument("--within", type=float, default=5.0, help="bound on the cancellation")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    term = Terminal(command)
    try:
        term.expect(PROMPT, 60)
        for number, query in enumerate(args.query, 1):
            term.send(" ".join(query.split()) + "\n")
            early = term.quiet_for(args.after)
            if b"ERROR" in early or b"row)" in early or b"rows)" in early:
                raise Failure(f"long query {number} ended before Ctrl-C: {early!r}")
            term.send("\x03")
            took = term.expect(b"ERROR: canceling statement due to user request", args.within)
            print(f"interrupt: long query {number} was cancelled {took * 1000:.0f} ms after Ctrl-C")
            term.expect(PROMPT, 10)
            term.send("select count(*) from nation;\n")
            start = time.monotonic()
            term.expect(b"25\r\n", 20)
            next_ms = (time.monotonic() - start) * 1000
            print(f"interrupt: the next query answered in {next_ms:.0f} ms")
            if next_ms > 3000:
                raise Failure(f"the next query took {next_ms:.0f} ms: the executors were still busy")
            term.expect(PROMPT, 10)
        term.send("\\q\n")
        code = term.wait_exit(30)
        print(f"interrupt: the job ended with status {code}")
        if code != 0:
            raise Failure(f"exit status {code} after \\q")
    except Failure as e:
        term.kill()
        sys.stdout.write(term.transcript.decode(errors="replace") + "\n")
        print(f"FAIL: {e}")
        return 1
    sys.stdout.write(term.transcript.decode(errors="replace") + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
