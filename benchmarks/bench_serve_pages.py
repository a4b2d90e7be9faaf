"""How soon is a module page usable, beside stock Voilà showing a blank notebook?

Floor (same run): stock `voila` with its defaults serving a one-cell notebook with one Button; time from
navigation start to that Button shown. Measured: `mentor-course serve` (its defaults) serving each module
page of the course; time from navigation start to (a) the first scenario's first button shown and
(b) every widget of the page shown (all its content interactive). Both cold (a new browser profile) and
warm (the same profile's next visit, as a mentor moving on to the next module). Visits are one at a time
on a quiet server (a refilling kernel pool has finished), and each page is closed as a tab is.
Also, for reference: stock `voila` serving the first module page (what the tuning buys).

Budget (DESIGN.md): a module page with all its content interactive in at most 0.8x the floor.

Run: python benchmarks/bench_serve_pages.py [--runs 3] [--modules 01-foundations,03-social-navigation]
Prints a table and writes benchmarks/results/serve_pages.json.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from bench_serve_common import (
    ALL_READY,
    BUTTON_READY,
    ONE_BUTTON,
    REPO,
    SCENARIO_READY,
    chromium,
    code_cells,
    course_modules,
    course_server,
    first_scenario_cell,
    stats,
    stock_voila,
    table,
    wait_quiet,
    write_notebook,
    write_results,
)
from verdict import Verdict, finish

BUDGET = 0.8


def visit(context, url: str, probes: list[tuple[str, object]]) -> list[float]:
    """Open ``url`` in a new tab of ``context``; the in-page time at which each probe first held."""
    page = context.new_page()
    try:
        page.goto(url, wait_until="commit", timeout=180_000)
        return [page.wait_for_function(probe, arg=arg, polling="raf", timeout=180_000).json_value()
                for probe, arg in probes]
    finally:
        page.close(run_before_unload=True)


def cold_and_warm(browser, served, url: str, probes: list[tuple[str, object]]) -> tuple[list[float], list[float]]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        wait_quiet(served)
        cold = visit(context, url, probes)
        wait_quiet(served)
        warm = visit(context, url, probes)
    finally:
        context.close()
    return cold, warm


def judge(worst: float, budget: float = BUDGET) -> Verdict:
    """Pass when every module page had all its content interactive within ``budget`` times the floor."""
    return Verdict(worst <= budget, f"worst module page, all content interactive: {worst:.2f}x the floor "
                                    f"(stock voila, one Button; budget {budget}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--modules", help="comma-separated module ids (default: every module page)")
    args = parser.parse_args()
    modules = args.modules.split(",") if args.modules else course_modules()

    samples: dict[str, list[float]] = {}

    def add(key: str, value: float) -> None:
        samples.setdefault(key, []).append(value)

    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp_name:
        tmp = Path(tmp_name)
        floor_root = tmp / "floor"
        write_notebook(floor_root / "floor.ipynb", ONE_BUTTON)
        kernel_env = {**os.environ, "MENTOR_COURSE_DATA": str(tmp / "stock-data"), "MENTOR_COURSE_ROOT": str(REPO)}
        with chromium() as browser, \
                stock_voila(floor_root, tmp / "floor.log") as floor, \
                stock_voila(REPO / "modules", tmp / "stock-modules.log", env=kernel_env) as stock_modules, \
                course_server(tmp / "serve.log", tmp / "data") as tuned:
            for run in range(args.runs):
                cold, warm = cold_and_warm(browser, floor, f"{floor.url}voila/render/floor.ipynb",
                                           [(BUTTON_READY, "Floor")])
                add("floor cold", cold[0])
                add("floor warm", warm[0])
                first = modules[0]
                probes = [(SCENARIO_READY, first_scenario_cell(first)), (ALL_READY, code_cells(first))]
                cold, warm = cold_and_warm(browser, stock_modules, f"{stock_modules.url}voila/render/{first}/module.ipynb",
                                           probes)
                add(f"stock voila {first} all cold", cold[1])
                add(f"stock voila {first} all warm", warm[1])
                for module in modules:
                    probes = [(SCENARIO_READY, first_scenario_cell(module)), (ALL_READY, code_cells(module))]
                    cold, warm = cold_and_warm(browser, tuned, f"{tuned.url}voila/render/{module}/module.ipynb", probes)
                    add(f"{module} first cold", cold[0])
                    add(f"{module} all cold", cold[1])
                    add(f"{module} first warm", warm[0])
                    add(f"{module} all warm", warm[1])
                print(f"run {run + 1}/{args.runs} done", flush=True)

    report: dict[str, dict] = {k: stats(v) for k, v in samples.items()}
    ratios: dict[str, dict[str, float]] = {}
    rows = [("floor: stock voila, one Button (cold)", report["floor cold"], "floor"),
            ("floor: stock voila, one Button (warm)", report["floor warm"], "floor")]
    for key in [k for k in report if k.startswith("stock voila")]:
        temp = "cold" if key.endswith("cold") else "warm"
        ratio = report[key]["median"] / report[f"floor {temp}"]["median"]
        rows.append((key, report[key], f"{ratio:.2f}x floor (reference)"))
    worst = 0.0
    for module in modules:
        for temp in ("cold", "warm"):
            floor_median = report[f"floor {temp}"]["median"]
            first = report[f"{module} first {temp}"]
            every = report[f"{module} all {temp}"]
            r_first, r_all = first["median"] / floor_median, every["median"] / floor_median
            worst = max(worst, r_all)
            ratios[f"{module} {temp}"] = {"first_scenario": r_first, "all_content": r_all}
            verdict = "ok" if r_all <= BUDGET else f"OVER budget {BUDGET}x"
            rows.append((f"{module} first scenario ({temp})", first, f"{r_first:.2f}x"))
            rows.append((f"{module} all content ({temp})", every, f"{r_all:.2f}x {verdict}"))
    print(table(rows))
    path = write_results("serve_pages", {"times_ms": report, "ratios_to_floor": ratios, "budget": BUDGET,
                                         "worst_all_content_ratio": worst, "runs": args.runs})
    print(f"wrote {path.relative_to(REPO)}")
    sys.exit(finish(judge(worst)))


if __name__ == "__main__":
    main()
