"""`mentor-course serve` as a child process: start it, learn its URL, count its kernels, stop it.

Used by the browser tests, the serving tests and the benchmarks, which all need a real server on
127.0.0.1 and a way to see how many kernels it keeps. Kernels are found among the server's child
processes (psutil), so no endpoint listing kernels has to be exposed to visitors.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

URL_LINE = re.compile(r"Open (http://\S+) in your browser")


def wait_until(condition: Callable[[], bool], timeout: float = 60.0, interval: float = 0.1,
               message: str = "condition") -> None:
    """Poll ``condition`` until it holds; raise ``TimeoutError`` naming ``message`` after ``timeout`` s.

    A wait for an event with a generous deadline, not a measurement."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {message}")
        time.sleep(interval)


KERNEL_FILE = re.compile(r"kernel-([0-9a-f-]{36})\.json")


def kernel_children(pid: int) -> dict[int, str]:
    """The kernel processes that process ``pid`` started: pid -> kernel id (from its connection file name).

    Direct children only: a kernel the server started is its child, and a process a kernel started (a
    notebook's own subprocess) is not a kernel. A child that ends, turns zombie or cannot be read while
    we look is skipped, as it is not a running kernel; ``{}`` if ``pid`` itself is gone."""
    try:
        children = psutil.Process(pid).children()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return {}
    found: dict[int, str] = {}
    for child in children:
        try:
            cmdline = " ".join(child.cmdline())
        except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):  # ended while we looked
            continue
        if "ipykernel" in cmdline:
            m = KERNEL_FILE.search(cmdline)
            found[child.pid] = m.group(1) if m else ""
    return found


@dataclass
class ServeProcess:
    """A running server: its URL, its process and the file its output goes to."""

    url: str
    proc: subprocess.Popen
    log: Path

    def kernel_pids(self) -> set[int]:
        return set(kernel_children(self.proc.pid))

    def kernel_ids(self) -> set[str]:
        return set(kernel_children(self.proc.pid).values())

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self, timeout: float = 60.0) -> int:
        """Ctrl-C (SIGINT), then wait for a clean exit; kill only if it hangs. Returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def start(command: Sequence[str], log: Path, *, cwd: Path | None = None, env: dict[str, str] | None = None,
          url_pattern: re.Pattern[str] = URL_LINE, timeout: float = 120.0) -> ServeProcess:
    """Run ``command`` with its output in ``log``; return once it prints the URL that ``url_pattern`` finds.

    ``env`` is the whole environment (default: this process's)."""
    full_env = {**(os.environ if env is None else env), "PYTHONUNBUFFERED": "1"}
    with log.open("w") as out:
        proc = subprocess.Popen(list(command), stdout=out, stderr=subprocess.STDOUT, env=full_env, cwd=cwd,
                                stdin=subprocess.DEVNULL)
    found: list[str] = []

    def url_printed() -> bool:
        text = log.read_text(encoding="utf-8", errors="replace")
        m = url_pattern.search(text)
        if m:
            found.append(m.group(1))
            return True
        if proc.poll() is not None:
            raise RuntimeError(f"{command[0]} exited with {proc.returncode} before serving:\n{text}")
        return False

    try:
        wait_until(url_printed, timeout=timeout, message=f"{' '.join(command[:3])} to print its URL")
    except BaseException:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        raise
    return ServeProcess(found[0], proc, log)


def serve(course_dir: Path, data_dir: Path, log: Path, *options: str) -> ServeProcess:
    """Start `mentor-course serve` on a free port of 127.0.0.1 over ``course_dir``."""
    # The course to serve is the one named here, not one an outer MENTOR_COURSE_ROOT points at.
    # A served course keeps each learner's work in its own data folder: never inherit a single
    # progress file or another course root from the caller (the test suite sets both).
    env = {k: v for k, v in os.environ.items() if k not in ("MENTOR_COURSE_ROOT", "MENTOR_COURSE_PROGRESS")}
    command = [sys.executable, "-m", "widgets.cli", "serve", "--port", "0", "--course-dir", str(course_dir),
               "--data-dir", str(data_dir), *options]
    return start(command, log, cwd=course_dir, env=env)
