"""How many kernels are left running after N module pages are opened and closed?

Each page is opened in its own browser profile, used until its first scenario is interactive, then
closed as a tab is (its beforeunload handler runs). Kernels are counted from the server's child
processes, a few seconds after the last page closed; kernels kept ready in the preheated pool (counted
on the quiet server before the first visit) are not counted as left over. Stock `voila` over the same
modules/ folder is measured the same way, for reference.

Budget (DESIGN.md): 0 kernels left a few seconds after the pages are closed.

Positive control: stock Voilà, measured the same way in the same run, does leave its visitors' kernels
running. If it leaves none, the counting is broken (the kernel-file pattern no longer matches, say) and
the run fails instead of reporting a false "0 left"; so does a run in which a page had no kernel id.

Run: python benchmarks/bench_serve_kernels.py [--views 10] [--after 5] [--module 01-foundations]
Prints a table and writes benchmarks/results/serve_kernels.json.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from bench_serve_common import (
    REPO,
    SCENARIO_READY,
    chromium,
    course_server,
    first_scenario_cell,
    stock_voila,
    wait_quiet,
    write_results,
)
from verdict import Verdict, finish


def left_over(browser, served, url: str, index: int, views: int, after: float) -> dict[str, int]:
    wait_quiet(served)
    baseline = len(served.kernel_pids())
    opened = []
    for _ in range(views):
        context = browser.new_context()
        page = context.new_page()
        page.goto(url, wait_until="commit", timeout=180_000)
        page.wait_for_function(SCENARIO_READY, arg=index, polling="raf", timeout=180_000)
        opened.append(page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"))
        page.close(run_before_unload=True)
        context.close()
    time.sleep(after)
    running = served.kernel_ids()
    return {"views": views, "pool_before": baseline, "kernels_after": len(running),
            "visitors_kernels": len({k for k in opened if k}),
            "visitors_kernels_left": len(set(opened) & running), "seconds_after_close": after}


def judge(tuned: dict[str, int], stock: dict[str, int]) -> Verdict:
    """Pass only when the course server left none of its visitors' kernels AND the same counting saw
    stock Voilà leave its own (the positive control): else "0 left" could mean "nothing counted"."""
    for name, r in (("mentor-course serve", tuned), ("stock voila", stock)):
        if r["visitors_kernels"] != r["views"]:
            return Verdict(False, f"measurement broken: {r['visitors_kernels']} of {r['views']} {name} pages "
                                  "reported a kernel id")
    if stock["visitors_kernels_left"] == 0:
        return Verdict(False, "measurement broken: stock voila (the positive control) left 0 of "
                              f"{stock['views']} kernels, so kernels are not being counted (is the kernel-file "
                              "pattern in widgets/serving/process.py still right?)")
    left = tuned["visitors_kernels_left"]
    summary = (f"{left} of {tuned['views']} visitors' kernels left {tuned['seconds_after_close']:.0f} s after "
               f"closing with mentor-course serve (budget 0); control: stock voila left "
               f"{stock['visitors_kernels_left']} of {stock['views']}")
    return Verdict(left == 0, summary)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--views", type=int, default=10)
    parser.add_argument("--after", type=float, default=5.0, help="seconds to wait after the last page closed")
    parser.add_argument("--module", default="01-foundations")
    args = parser.parse_args()
    index = first_scenario_cell(args.module)
    page = f"voila/render/{args.module}/module.ipynb"
    with tempfile.TemporaryDirectory(prefix="bench-kernels-") as tmp_name:
        tmp = Path(tmp_name)
        kernel_env = {**os.environ, "MENTOR_COURSE_DATA": str(tmp / "stock-data"), "MENTOR_COURSE_ROOT": str(REPO)}
        with chromium() as browser:
            with course_server(tmp / "serve.log", tmp / "data") as tuned:
                tuned_result = left_over(browser, tuned, tuned.url + page, index, args.views, args.after)
            with stock_voila(REPO / "modules", tmp / "stock.log", env=kernel_env) as stock:
                stock_result = left_over(browser, stock, stock.url + page, index, args.views, args.after)

    print(f"{'server':34} {'views':>5} {'pool':>5} {'visitors kernels left':>22} {'all kernels':>12}")
    for name, r in (("mentor-course serve", tuned_result), ("stock voila (reference)", stock_result)):
        print(f"{name:34} {r['views']:5d} {r['pool_before']:5d} {r['visitors_kernels_left']:22d} "
              f"{r['kernels_after']:12d}")
    path = write_results("serve_kernels", {"mentor-course serve": tuned_result, "stock voila": stock_result,
                                           "budget_kernels_left": 0, "module": args.module})
    print(f"wrote {path.relative_to(REPO)}")
    sys.exit(finish(judge(tuned_result, stock_result)))


if __name__ == "__main__":
    main()
