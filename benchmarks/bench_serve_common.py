"""Shared parts of the serving benchmarks (bench_serve_*.py): floors served by stock Voilà, the course served
by `mentor-course serve`, Chromium, timing inside the page, statistics and the results file.

Not a benchmark itself. Every time is taken inside the page with ``performance.now()`` (navigation start
is its zero), so Playwright's own round trips are not counted, on either side of a ratio.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import socket
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
sys.path.insert(0, str(REPO))

from widgets.serving import process  # noqa: E402

CHROMIUM = os.environ.get("MENTOR_COURSE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
STOCK_URL = re.compile(r"(http://127\.0\.0\.1:\d+/)")

#: The floor for page loads: stock Voilà's blank page, one cell with one Button.
ONE_BUTTON = 'import ipywidgets as w\nw.Button(description="Floor")'
#: The floor for clicks: a bare Button whose callback sets a Label (the count, so every click changes it).
BUTTON_LABEL = """\
import ipywidgets as w
button = w.Button(description="Floor")
label = w.Label("0")
def on_click(_):
    label.value = str(int(label.value) + 1)
button.on_click(on_click)
w.VBox([button, label])
"""


def write_notebook(path: Path, *code_cells: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = {"nbformat": 4, "nbformat_minor": 5,
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
          "cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None, "outputs": [],
                     "source": src} for i, src in enumerate(code_cells)]}
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def stock_voila(root: Path, log: Path, env: dict[str, str] | None = None) -> Iterator[process.ServeProcess]:
    """Plain `voila <root>` with every default (the floor's server), on 127.0.0.1."""
    exe = shutil.which("voila") or sys.exit("voila is not installed")
    served = process.start([exe, str(root), "--no-browser", f"--port={free_port()}", "--Voila.ip=127.0.0.1"],
                           log, cwd=root, env=env, url_pattern=STOCK_URL)
    try:
        yield served
    finally:
        served.stop()


#: Every page a benchmark opens comes from 127.0.0.1, so the per-client and total kernel caps of
#: `mentor-course serve` would turn later visits away ("the course is busy"): benchmarks lift both.
NO_KERNEL_CAPS = ("--kernels-per-client", "0", "--max-kernels", "0")


@contextmanager
def course_server(log: Path, data: Path, *options: str) -> Iterator[process.ServeProcess]:
    """`mentor-course serve` over this repository's course, without kernel caps (see NO_KERNEL_CAPS)."""
    served = process.serve(REPO, data, log, *NO_KERNEL_CAPS, *options)
    try:
        yield served
    finally:
        served.stop()


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        sys.exit(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def cpu_seconds(pids: set[int]) -> float:
    """User + system CPU time the processes ``pids`` used so far; one that has ended counts 0."""
    total = 0.0
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        total += times.user + times.system
    return total


def wait_quiet(served: process.ServeProcess, window: float = 0.5, share: float = 0.05, timeout: float = 120) -> None:
    """Wait until the server and its kernels use under ``share`` of one core over ``window`` seconds: a
    refilling kernel pool has finished running its notebooks, so the next visit meets a quiet server."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = {served.proc.pid, *served.kernel_pids()}
        before = cpu_seconds(pids)
        time.sleep(window)
        if cpu_seconds(pids) - before < share * window:
            return
    print(f"warning: server still busy after {timeout:.0f} s", file=sys.stderr)


def first_scenario_cell(module_id: str) -> int:
    nb = json.loads((REPO / "modules" / module_id / "module.ipynb").read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"], start=1):
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "code" and re.search(r"\bplay\(", src):
            return i
    raise SystemExit(f"{module_id} has no play(...) cell")


def code_cells(module_id: str) -> list[int]:
    nb = json.loads((REPO / "modules" / module_id / "module.ipynb").read_text(encoding="utf-8"))
    return [i for i, cell in enumerate(nb["cells"], start=1) if cell["cell_type"] == "code"]


def course_modules() -> list[str]:
    from widgets.content.loader import load_course

    course = load_course(REPO / "modules" / "course.yaml")
    return [m.id for m in course.modules if (REPO / "modules" / m.id / "module.ipynb").is_file()]


# In-page probes. Each returns performance.now() (ms since navigation start) once its condition holds,
# polled on every animation frame.
BUTTON_READY = """(text) => {
  const b = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === text);
  return b && b.offsetParent !== null && !b.disabled ? performance.now() : false;
}"""
SCENARIO_READY = """(index) => {
  const b = document.querySelector(`[cell-index="${index}"] [data-testid=player] `
    + 'button:is([data-testid^="choice-"], [data-testid=continue])');
  return b && b.offsetParent !== null ? performance.now() : false;
}"""
ALL_READY = """(indexes) => {
  const cells = indexes.map(i => document.querySelector(`[cell-index="${i}"]`));
  if (cells.some(c => !c)) return false;
  const ready = cells.every(c => [...c.querySelectorAll('.jupyter-widgets, .mc')].some(w => w.offsetParent !== null));
  return ready ? performance.now() : false;
}"""


def stats(xs: list[float]) -> dict[str, float]:
    if not xs:  # e.g. feedback drawn before any reply arrives: that stage has no samples
        return {"median": float("nan"), "min": float("nan"), "max": float("nan"), "n": 0}
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "n": len(xs)}


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


def write_results(name: str, report: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    report = {"benchmark": name, "command": " ".join([Path(sys.executable).name, *sys.argv]), "machine": machine(),
              **report}
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return path


def table(rows: list[tuple[str, dict[str, float], str]], unit: str = "ms") -> str:
    lines = [f"{'what':58} {'median':>9} {'min':>9} {'max':>9} {'n':>3}  note",
             "-" * 100]
    for name, s, note in rows:
        lines.append(f"{name:58} {s['median']:9.1f} {s['min']:9.1f} {s['max']:9.1f} {int(s['n']):3d}  {note}")
    return "\n".join(lines) + f"\n(times in {unit})"
