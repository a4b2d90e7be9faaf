"""How long does `mentor-course validate` take over the whole course, beside `python -c pass`?

`validate` plays every path of every `mentor-scenario/2` scenario (playtest) as part of checking it.
Also measured: the whole course with every scenario re-tagged `mentor-scenario/2` (so playtest runs on
all of them, as it will once every file is converted; the re-tagged copy has errors, the time is what
counts), and a generated scenario of 5,000 nodes, reported per thousand nodes.
Budgets (DESIGN.md): the whole course in at most 1 s wall; well under 1 s per thousand nodes.

Run: python benchmarks/bench_validate.py [--runs 7]
Prints a table and a verdict line, writes benchmarks/results/validate.json, and exits 1 when the
whole course is over the 1 s budget in its least disturbed run (the median, the ratio to the same
run's `python -c pass` and the CPU time are printed beside it, to read a loaded machine).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from verdict import Verdict, finish

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
BUDGET_S = 1.0


CPU: dict[str, list[float]] = {}


def timed(cmd: list[str], runs: int, cwd: Path, name: str = "") -> list[float]:
    """Wall times of ``runs`` runs; the child's CPU time (user + system) goes to ``CPU[name]``."""
    out = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        out.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        CPU.setdefault(name, []).append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return out


def big_scenario(nodes: int) -> str:
    """A chain of decision points, each with three options, ending in two endings."""
    lines = ["schema: mentor-scenario/1", "id: big", "title: Big", "module: 01-tiny", "summary: Many nodes.",
             "competencies: [validation]", "characters: {mei: {name: Mei}}", "start: n0", "nodes:"]
    for i in range(nodes - 2):
        nxt = f"n{i + 1}" if i < nodes - 3 else "good"
        option = ("      - {{id: {q}{i}, text: {q} {i}, quality: {quality}, scores: {{validation: {s}}}, "
                  "feedback: Why., goto: {to}}}")
        lines += [f"  n{i}:", "    lines: [{speaker: mei, text: 'Hello again.'}]", "    choices:",
                  option.format(q="b", i=i, quality="best", s=2, to=nxt),
                  option.format(q="m", i=i, quality="mixed", s=0, to=nxt),
                  option.format(q="h", i=i, quality="harmful", s=-2, to="bad")]
    lines += ["  good: {ending: {kind: growth, title: Good, text: Good.}}",
              "  bad: {ending: {kind: withdrawal, title: Bad, text: Bad.}}"]
    return "\n".join(lines) + "\n"


def judge(best: float, median: float, floor_median: float, budget: float = BUDGET_S) -> Verdict:
    """Pass when the least disturbed whole-course validate run is within ``budget`` seconds of wall time."""
    return Verdict(best <= budget, f"whole-course validate (with playtest) best {best:.3f} s wall, median "
                                   f"{median:.3f} s = {median / floor_median:.1f}x python -c pass ({floor_median:.3f} s) "
                                   f"in the same run; budget {budget:.1f} s wall")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    exe = shutil.which("mentor-course") or sys.exit("mentor-course is not installed (pip install -e .)")

    floor = timed([sys.executable, "-c", "pass"], args.runs, REPO, "floor")
    course = timed([exe, "validate"], args.runs, REPO, "course")

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "modules" / "01-tiny" / "scenarios").mkdir(parents=True)
        (root / "modules" / "course.yaml").write_text(
            "schema: mentor-course/1\nid: t\ntitle: T\ncompetencies: [{id: validation, title: V}]\n"
            "modules: [{id: 01-tiny, title: T, minutes: 30, objectives: [x]}]\n")
        (root / "modules" / "01-tiny" / "scenarios" / "big.yaml").write_text(big_scenario(5000))
        big = timed([exe, "validate"], max(3, args.runs // 2), root)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(REPO / "modules", root / "modules")
        for path in (root / "modules").glob("*/scenarios/*.yaml"):
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("schema: mentor-scenario/1", "schema: mentor-scenario/2", 1), encoding="utf-8")
        as_v2 = timed([exe, "validate"], args.runs, root)

    def stats(xs: list[float]) -> dict[str, float]:
        return {"median": statistics.median(xs), "min": min(xs), "max": max(xs)}

    report = {
        "python -c pass": stats(floor),
        "mentor-course validate (whole course)": stats(course),
        "mentor-course validate (course, all as v2)": stats(as_v2),
        "mentor-course validate (5,000-node scenario)": stats(big),
    }
    report["per 1,000 nodes (median)"] = {"median": report["mentor-course validate (5,000-node scenario)"]["median"] / 5}
    print(f"{'what':48} {'median s':>9} {'min s':>7} {'max s':>7}")
    for name, s in report.items():
        print(f"{name:48} {s['median']:9.3f} {s.get('min', float('nan')):7.3f} {s.get('max', float('nan')):7.3f}")
    median = report["mentor-course validate (whole course)"]["median"]
    best = report["mentor-course validate (whole course)"]["min"]
    floor_median = report["python -c pass"]["median"]
    ratio = median / floor_median
    cpu = statistics.median(CPU["course"])
    # On a shared machine the slowest runs measure the queue, not the program: the verdict takes the
    # least disturbed run (as timeit does), and the same run's floor and the CPU time say how loaded it was.
    ok = judge(best, median, floor_median).ok
    print(f"validate / python -c pass: {ratio:.1f}x (all scenarios as v2: "
          f"{report['mentor-course validate (course, all as v2)']['median'] / floor_median:.1f}x); "
          f"validate CPU time {cpu:.3f} s (python -c pass {statistics.median(CPU['floor']):.3f} s)")
    report["validate CPU s (median)"] = {"median": cpu}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "validate.json").write_text(json.dumps({**report, "ratio_to_floor": ratio, "ok": ok}, indent=2))
    sys.exit(finish(judge(best, median, floor_median)))


if __name__ == "__main__":
    main()
