"""How long does nbgrader take to autograde one reflection submission, beside a one-cell nbgrader notebook?

Both are measured in the same run, on this machine, the same way: `nbgrader autograde <assignment>` over a
batch of submissions (one process for the batch, as a trainer runs it), wall time divided by the batch size.

* floor: a stock nbgrader course (default configuration) whose assignment is one autograded test cell;
* reflection: a copy of course/ (its nbgrader_config.py and preprocessors) grading 01-foundations-reflection,
  each submission with both answers written and the knowledge check answered;
* also reported: `mentor-course grading autograde`, which autogrades one submission at a time so that a
  bad one is reported by name (one nbgrader converter per submission).

Budget (DESIGN.md): reflection <= 1.2x the floor, per submission, in a batch. The last line is the verdict;
the exit code is 1 when the budget is exceeded.

Also timed, once (``--cohort``, default 20; 0 skips it): a trainer's whole round on a fresh copy of course/
for a generated cohort, each step as the trainer types it: generate (``nbgrader generate_assignment`` and the
cohort's notebooks written to an inbox), ``mentor-course grading import``, ``autograde``, ``feedback`` and
``summary``. Reported in seconds beside the floor's per-submission time, so it reads on any machine.

Run: python benchmarks/bench_autograde.py [--submissions 10] [--runs 2] [--cohort 20]
Prints a table and writes benchmarks/results/autograde.json.
"""

from __future__ import annotations

import argparse
import json
import os
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
ASSIGNMENT = "01-foundations-reflection"
FLOOR = "one-cell"
#: reflection autograde per submission / one-cell floor per submission, same run (DESIGN.md)
BUDGET = 1.2
sys.path.insert(0, str(REPO))

FLOOR_CONFIG = """\
import os
c = get_config()
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(c.CourseDirectory.root, "gradebook.db")
"""


def floor_course(root: Path) -> Path:
    """A stock nbgrader course with one assignment: a single autograded test cell worth one point."""
    import nbformat

    (root / "source" / FLOOR).mkdir(parents=True)
    (root / "nbgrader_config.py").write_text(FLOOR_CONFIG, encoding="utf-8")
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                            "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell("assert 1 + 1 == 2", id="only", metadata={"nbgrader": {
        "grade": True, "grade_id": "only", "locked": True, "points": 1, "schema_version": 3, "solution": False,
        "task": False}})]
    nbformat.write(nb, root / "source" / FLOOR / f"{FLOOR}.ipynb")
    return root


def nbgrader(root: Path, *args: str) -> float:
    """Run one nbgrader command in ``root``; its wall time in seconds."""
    env = {k: v for k, v in os.environ.items() if k != "MENTOR_COURSE_GRADEBOOK_URL"}
    t0 = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if run.returncode != 0:
        sys.exit(f"nbgrader {' '.join(args)} failed in {root}:\n{run.stderr[-3000:]}")
    return elapsed


def submit(root: Path, assignment: str, notebook, count: int) -> None:
    import nbformat

    for k in range(count):
        folder = root / "submitted" / f"mentor-{k:03d}" / assignment
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, folder / f"{assignment}.ipynb")
        (folder / "timestamp.txt").write_text("2025-01-01 12:00:00.000000 UTC", encoding="utf-8")


def reset(root: Path) -> None:
    """Forget earlier autograding, so each run grades every submission again from scratch (the trainers' store
    keeps autograded notebooks too, for other servers: it goes as well)."""
    shutil.rmtree(root / "autograded", ignore_errors=True)
    for path in (root / "private").glob("grading.sqlite*"):
        path.unlink()


def mentor_course(course_root: Path, *args: str) -> float:
    """Run one ``mentor-course grading`` command on the course; its wall time in seconds."""
    env = {k: v for k, v in os.environ.items() if k != "MENTOR_COURSE_GRADEBOOK_URL"}
    t0 = time.perf_counter()
    run = subprocess.run([shutil.which("mentor-course") or "mentor-course", "grading", "--course", str(course_root),
                          *args], capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - t0
    if run.returncode != 0:
        sys.exit(f"mentor-course grading {' '.join(args)} failed:\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}")
    return elapsed


def whole_round(base: Path, cohort: int) -> dict[str, float]:
    """A trainer's round for ``cohort`` generated submissions on a fresh copy of course/; seconds per step."""
    import nbformat

    from tests.grading.conftest import STRONG, WEAK, correct_letters, fill
    from widgets.grading.course import open_course
    from widgets.grading.release import student_notebook

    shutil.copytree(REPO / "course", base / "round", ignore=shutil.ignore_patterns(
        "gradebook.db", "submitted", "autograded", "feedback", "release", "private", "downloaded"))
    course = open_course(base / "round")
    steps: dict[str, float] = {}
    t0 = time.perf_counter()
    nbgrader(course.root, "generate_assignment", ASSIGNMENT, "--force")
    blank = student_notebook(course, ASSIGNMENT)
    right = correct_letters(course)
    inbox = base / "round-inbox"
    inbox.mkdir()
    for k in range(cohort):
        answers = STRONG if k % 3 else WEAK
        nbformat.write(fill(blank, answers, right if k % 2 else ["b"] * len(right)),
                       inbox / f"mentor-{k:03d}_{ASSIGNMENT}.ipynb")
    steps["generate"] = time.perf_counter() - t0
    steps["import"] = mentor_course(course.root, "import", str(inbox), ASSIGNMENT)
    steps["autograde"] = mentor_course(course.root, "autograde", ASSIGNMENT)
    steps["feedback"] = mentor_course(course.root, "feedback", ASSIGNMENT)
    steps["summary"] = mentor_course(course.root, "summary", "-o", str(base / "round-exports"))
    steps["whole round"] = sum(steps.values())
    return steps


def judge(ratio: float, budget: float = BUDGET) -> Verdict:
    """Pass when autograding a reflection submission costs at most ``budget`` times the one-cell floor."""
    return Verdict(ratio <= budget, f"reflection autograde {ratio:.2f}x the one-cell floor per submission "
                                    f"(budget {budget}x)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=10, help="submissions per batch (DESIGN.md used 30)")
    parser.add_argument("--runs", type=int, default=2, help="batches of each kind, interleaved")
    parser.add_argument("--cohort", type=int, default=20, help="mentors in the timed whole round (0: skip it)")
    args = parser.parse_args()

    from tests.grading.conftest import STRONG, correct_letters, fill
    from widgets.grading.course import open_course
    from widgets.grading.release import student_notebook

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        shutil.copytree(REPO / "course", base / "course", ignore=shutil.ignore_patterns(
            "gradebook.db", "submitted", "autograded", "feedback", "release", "private", "downloaded"))
        course = open_course(base / "course")
        nbgrader(course.root, "generate_assignment", ASSIGNMENT, "--force")
        submit(course.root, ASSIGNMENT, fill(student_notebook(course, ASSIGNMENT), STRONG, correct_letters(course)),
               args.submissions)

        floor = floor_course(base / "floor")
        nbgrader(floor, "generate_assignment", FLOOR, "--force")
        import nbformat

        submit(floor, FLOOR, nbformat.read(floor / "release" / FLOOR / f"{FLOOR}.ipynb", as_version=4),
               args.submissions)

        per: dict[str, list[float]] = {"floor": [], "reflection": [], "mentor-course wrapper": []}
        for _ in range(args.runs):
            for name, root, assignment in (("floor", floor, FLOOR), ("reflection", course.root, ASSIGNMENT)):
                reset(root)
                per[name].append(nbgrader(root, "autograde", assignment, "--force") / args.submissions)
            reset(course.root)
            t0 = time.perf_counter()
            wrapper = subprocess.run([shutil.which("mentor-course") or "mentor-course", "grading", "--course",
                                      str(course.root), "autograde", ASSIGNMENT], capture_output=True, text=True)
            if wrapper.returncode != 0:
                sys.exit(f"mentor-course grading autograde failed:\n{wrapper.stdout}\n{wrapper.stderr[-2000:]}")
            per["mentor-course wrapper"].append((time.perf_counter() - t0) / args.submissions)
        round_steps = whole_round(base, args.cohort) if args.cohort else {}

    report = {name: {"median_s_per_submission": statistics.median(xs), "min": min(xs), "max": max(xs), "runs": xs}
              for name, xs in per.items()}
    floor_s = report["floor"]["median_s_per_submission"]
    for name in report:
        report[name]["ratio_to_floor"] = report[name]["median_s_per_submission"] / floor_s
    print(f"autograde, batch of {args.submissions} submissions, {args.runs} run(s) each, same machine, same run")
    print(f"{'what':28} {'s/submission':>13} {'min':>7} {'max':>7} {'x floor':>8}")
    for name, r in report.items():
        print(f"{name:28} {r['median_s_per_submission']:13.3f} {r['min']:7.3f} {r['max']:7.3f} "
              f"{r['ratio_to_floor']:8.2f}")
    if round_steps:
        print(f"\nwhole round, cohort of {args.cohort} generated submissions (one run):")
        for step, seconds in round_steps.items():
            print(f"{step:28} {seconds:9.1f} s  ({seconds / floor_s:6.1f}x the floor's s/submission)")
    ratio = report["reflection"]["ratio_to_floor"]
    ok = judge(ratio).ok
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "autograde.json").write_text(json.dumps({"submissions": args.submissions, "runs": args.runs,
                                                        "budget": BUDGET, "within_budget": ok,
                                                        "whole_round_s": round_steps, "cohort": args.cohort,
                                                        **report}, indent=2), encoding="utf-8")
    sys.exit(finish(judge(ratio)))


if __name__ == "__main__":
    main()
