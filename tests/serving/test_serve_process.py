"""Does `widgets.serving.process` find a server's kernels among its child processes, and only those?

Kernel-like children of this test process stand in for a server's kernels (a Python process whose command
line names ipykernel and a connection file), so no server or kernel is started."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from widgets.serving import process


def _spawn(tmp_path: Path, code: str, *, kernel: bool) -> tuple[subprocess.Popen, str]:
    kernel_id = str(uuid.uuid4())
    argv = ["-m", "ipykernel_launcher", "-f", str(tmp_path / f"kernel-{kernel_id}.json")] if kernel else ["--plain"]
    return subprocess.Popen([sys.executable, "-c", code, *argv]), kernel_id


@pytest.fixture
def children(tmp_path: Path) -> Iterator:
    """``spawn(code, kernel=...)`` starts a child of this process; every one is killed and reaped after."""
    started: list[subprocess.Popen] = []

    def spawn(code: str = "import time; time.sleep(60)", *, kernel: bool = True) -> tuple[subprocess.Popen, str]:
        proc, kernel_id = _spawn(tmp_path, code, kernel=kernel)
        started.append(proc)
        return proc, kernel_id

    yield spawn
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def test_process_kernel_children_finds_kernels_by_their_connection_file(children):
    """Is a kernel child listed with the id in its connection file's name, and a plain child not?"""
    kernel, kernel_id = children()
    plain, _ = children(kernel=False)
    process.wait_until(lambda: kernel.pid in process.kernel_children(psutil.Process().pid), timeout=30,
                       message="the kernel-like child")
    found = process.kernel_children(psutil.Process().pid)
    assert found[kernel.pid] == kernel_id
    assert plain.pid not in found


def test_process_kernel_children_skips_a_kernel_that_ended(children):
    """Is a kernel that exited but was not yet reaped (a zombie: no command line left) not counted?"""
    ended, _ = children("pass")
    process.wait_until(lambda: psutil.Process(ended.pid).status() == psutil.STATUS_ZOMBIE, timeout=30,
                       message="the child to exit")
    assert ended.pid not in process.kernel_children(psutil.Process().pid)


def test_process_kernel_children_of_a_gone_process_is_empty(children):
    """Does asking about a server that has already exited give no kernels rather than an error?"""
    gone, _ = children("pass", kernel=False)
    gone.wait()
    assert process.kernel_children(gone.pid) == {}
