"""How many kernels are left running after N module pages are opened and closed?

Each page is opened in its own browser profile, used until its first scenario is interactive, then
closed as a tab is (its beforeunload handler runs). Kernels are counted from the server's child
processes, a few seconds after the last page closed; kernels kept ready in the preheated pool (counted
on the quiet server before the first visit) are not counted as left over. Stock `voila` over the same
modules/ folder is measured the same way, for reference.

Budget (DESIGN.md): 0 kernels left a few seconds after the pages are closed.

Run: python benchmarks/bench_serve_kernels.py [--views 10] [--after 5] [--module 01-foundations]
Prints a table and writes benchmarks/results/serve_kernels.json.
"""

from __future__ import annotations

import argparse
import os
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
            "visitors_kernels_left": len(set(opened) & running), "seconds_after_close": after}


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
    verdict = "ok" if tuned_result["visitors_kernels_left"] == 0 else "OVER budget 0"
    print(f"\n{args.after:.0f} s after closing {args.views} pages: {tuned_result['visitors_kernels_left']} of the "
          f"visitors' kernels left with mentor-course serve ({verdict}), {stock_result['visitors_kernels_left']} "
          "with stock voila")
    path = write_results("serve_kernels", {"mentor-course serve": tuned_result, "stock voila": stock_result,
                                           "budget_kernels_left": 0, "module": args.module})
    print(f"wrote {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
