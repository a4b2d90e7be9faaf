"""How soon does a scenario choice's feedback appear, beside stock Voilà's bare-button round trip?

Floor (same run): stock `voila` with its defaults serving a bare Button whose callback sets a Label; time
from the click to the Label's new text in the page. Measured: a scenario choice on a module page served
by `mentor-course serve`; time from the click to the feedback entry in the page. Both clicked the same
two ways: spaced as a person reads (--gap seconds apart, default 1 s), and back to back (the next click as
soon as the previous reply is shown). Also, for reference, the same choice on stock `voila` (what the
tuning buys). Times are taken in the page: click at performance.now(), reply seen by a MutationObserver.

Budgets (DESIGN.md): spaced <= 1.0x the floor's spaced median; back to back <= 0.35x the floor's back-to-back
median.

Run: python benchmarks/bench_serve_clicks.py [--clicks 20] [--runs 3] [--module 01-foundations] [--gap 1.0]
Prints a table and writes benchmarks/results/serve_clicks.json.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from bench_serve_common import (
    BUTTON_LABEL,
    BUTTON_READY,
    REPO,
    SCENARIO_READY,
    chromium,
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

BUDGET_SPACED = 1.0
BUDGET_BACK_TO_BACK = 0.35

#: Records when each websocket message is sent or handled in the page (size < 0: sent), so each click's
#: time splits into: click -> first reply handled (browser -> server -> kernel -> back), -> the reply carrying
#: the update handled (kernel work), -> shown (the page's own rendering).
WS_SPY = """
window.__ws = [];
const Native = window.WebSocket;
window.WebSocket = function (...args) {
  const ws = new Native(...args);
  ws.addEventListener('message', (e) => window.__ws.push([performance.now(), e.data.byteLength || e.data.length || 0]));
  return ws;
};
window.WebSocket.prototype = Native.prototype;
Object.assign(window.WebSocket, Native);
"""

UNTIL = """
const split = (t0, t1) => {
  const got = window.__ws.filter(([t]) => t >= t0 && t <= t1);
  if (!got.length) return [t1 - t0, null, null];
  const update = got.reduce((a, b) => (b[1] > a[1] ? b : a));
  return [t1 - t0, got[0][0] - t0, update[0] - t0];
};
const until = (root, cond) => new Promise((resolve) => {
  if (cond()) return resolve();
  const mo = new MutationObserver(() => { if (cond()) { mo.disconnect(); resolve(); } });
  mo.observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
"""

FLOOR_CLICKS = "async ({ n, gapMs }) => {" + UNTIL + """
  const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Floor');
  const label = document.querySelector('.widget-label');
  const times = [];
  for (let i = 0; i < n; i++) {
    const before = label.textContent;
    const t0 = performance.now();
    button.click();
    await until(label, () => label.textContent !== before);
    times.push(split(t0, performance.now()));
    if (gapMs) await sleep(gapMs);
  }
  return times;
}"""

CHOICE_CLICKS = "async ({ n, gapMs, index }) => {" + UNTIL + """
  const root = document.querySelector(`[cell-index="${index}"] [data-testid=player]`);
  const ready = () => root.querySelector('button[data-testid^="choice-"]:not([aria-disabled="true"])');
  const times = [];
  for (let i = 0; i < n; i++) {
    await until(root, () => ready() || root.querySelector('[data-testid=continue], [data-testid=play-again]'));
    if (!ready()) {  // the content note, or an ending: start (again), untimed
      root.querySelector('[data-testid=continue], [data-testid=play-again]').click();
      await until(root, ready);
      if (gapMs) await sleep(gapMs);
    }
    const choice = ready();
    const count = root.querySelectorAll('[data-testid=feedback]').length;
    const t0 = performance.now();
    choice.click();
    await until(root, () => root.querySelectorAll('[data-testid=feedback]').length !== count);
    const shown = performance.now();
    // The feedback is drawn at once from text sent with the options; the kernel's reply then enables
    // what comes next (the buttons stay aria-disabled until it arrives): time that round trip too.
    await until(root, () => ready() || root.querySelector('[data-testid=continue], [data-testid=play-again]'));
    const [, first, update] = split(t0, performance.now());
    times.push([shown - t0, first, update, performance.now() - t0]);
    if (gapMs) await sleep(gapMs);
  }
  return times;
}"""


def series(browser, served, url: str, probe: tuple[str, object], script: str, args: dict) -> list[list[float]]:
    """Open ``url`` in a fresh profile, wait until it is ready, run the click ``script``; per click, in ms:
    [shown, first reply handled, update handled] and, for a choice, the kernel's reply shown (next choices
    enabled)."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.add_init_script(WS_SPY)
    try:
        wait_quiet(served)
        page = context.new_page()
        page.goto(url, wait_until="commit", timeout=180_000)
        page.wait_for_function(probe[0], arg=probe[1], polling="raf", timeout=180_000)
        wait_quiet(served)
        times = page.evaluate(script, args)
        page.close(run_before_unload=True)
        return times
    finally:
        context.close()


def judge(ratios: dict[str, float], budgets: dict[str, float]) -> Verdict:
    """Pass when a choice's feedback, as a ratio to the same-run floor, is within budget in every mode."""
    missed = [mode for mode in budgets if ratios[mode] > budgets[mode]]
    parts = ", ".join(f"{mode} {ratios[mode]:.2f}x (budget {budgets[mode]}x)" for mode in budgets)
    return Verdict(not missed, f"choice -> feedback over the floor: {parts}"
                               + (f"; missed: {', '.join(missed)}" if missed else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clicks", type=int, default=20, help="clicks per series")
    parser.add_argument("--runs", type=int, default=3, help="series per kind (each on a fresh page)")
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between spaced clicks")
    parser.add_argument("--module", default="01-foundations")
    args = parser.parse_args()
    index = first_scenario_cell(args.module)
    samples: dict[str, list[list[float]]] = {}
    modes = {"spaced": int(args.gap * 1000), "back to back": 0}

    with tempfile.TemporaryDirectory(prefix="bench-clicks-") as tmp_name:
        tmp = Path(tmp_name)
        floor_root = tmp / "floor"
        write_notebook(floor_root / "floor.ipynb", BUTTON_LABEL)
        kernel_env = {**os.environ, "MENTOR_COURSE_DATA": str(tmp / "stock-data"), "MENTOR_COURSE_ROOT": str(REPO)}
        page = f"voila/render/{args.module}/module.ipynb"
        with chromium() as browser, \
                stock_voila(floor_root, tmp / "floor.log") as floor, \
                stock_voila(REPO / "modules", tmp / "stock-modules.log", env=kernel_env) as stock_modules, \
                course_server(tmp / "serve.log", tmp / "data") as tuned:
            for run in range(args.runs):
                for mode, gap_ms in modes.items():
                    floor_args = {"n": args.clicks, "gapMs": gap_ms}
                    choice_args = {**floor_args, "index": index}
                    samples.setdefault(f"floor {mode}", []).extend(series(
                        browser, floor, f"{floor.url}voila/render/floor.ipynb", (BUTTON_READY, "Floor"),
                        FLOOR_CLICKS, floor_args))
                    samples.setdefault(f"choice {mode}", []).extend(series(
                        browser, tuned, tuned.url + page, (SCENARIO_READY, index), CHOICE_CLICKS, choice_args))
                    samples.setdefault(f"stock choice {mode}", []).extend(series(
                        browser, stock_modules, stock_modules.url + page, (SCENARIO_READY, index), CHOICE_CLICKS,
                        choice_args))
                print(f"run {run + 1}/{args.runs} done", flush=True)

    report = {k: stats([c[0] for c in v]) for k, v in samples.items()}
    # A choice's kernel reply is shown after its feedback (c[3]); the floor's label is its reply (c[0]).
    replied = {k: [c[3] if len(c) > 3 else c[0] for c in v] for k, v in samples.items()}
    replies = {k: stats(v) for k, v in replied.items()}
    where = {k: {"to_first_reply": stats([c[1] for c in v if c[1] is not None]),
                 "reply_to_update": stats([c[2] - c[1] for c in v if c[1] is not None]),
                 "update_to_shown": stats([r - c[2] for c, r in zip(v, replied[k], strict=True) if c[2] is not None])}
             for k, v in samples.items()}
    reply_ratios = {mode: replies[f"choice {mode}"]["median"] / replies[f"floor {mode}"]["median"] for mode in modes}
    ratios = {mode: report[f"choice {mode}"]["median"] / report[f"floor {mode}"]["median"] for mode in modes}
    stock_ratios = {mode: report[f"stock choice {mode}"]["median"] / report[f"floor {mode}"]["median"] for mode in modes}
    budgets = {"spaced": BUDGET_SPACED, "back to back": BUDGET_BACK_TO_BACK}
    rows = []
    for mode in modes:
        verdict = "ok" if ratios[mode] <= budgets[mode] else f"OVER budget {budgets[mode]}x"
        rows += [(f"floor: stock voila, Button sets Label ({mode})", report[f"floor {mode}"], "floor"),
                 (f"{args.module} choice -> feedback ({mode})", report[f"choice {mode}"],
                  f"{ratios[mode]:.2f}x {verdict}"),
                 (f"  same choice on stock voila ({mode})", report[f"stock choice {mode}"],
                  f"{stock_ratios[mode]:.2f}x (reference)"),
                 (f"  choice -> kernel's reply shown ({mode})", replies[f"choice {mode}"],
                  f"{reply_ratios[mode]:.2f}x (not budgeted)")]
    print(table(rows))
    print("\nwhere the time goes (medians, ms): click -> first reply handled in the page (browser, server, kernel "
          "start) | -> the update message (kernel work) | -> shown (page rendering; for a choice, the kernel's reply)")
    for k, w in where.items():
        print(f"  {k:34} {w['to_first_reply']['median']:6.1f} | {w['reply_to_update']['median']:6.1f} | "
              f"{w['update_to_shown']['median']:6.1f}")
    path = write_results("serve_clicks", {"times_ms": report, "where_ms": where, "ratios_to_floor": ratios,
                                          "stock_ratios_to_floor": stock_ratios, "budgets": budgets,
                                          "reply_ms": replies, "reply_ratios_to_floor": reply_ratios,
                                          "module": args.module, "gap_s": args.gap, "clicks": args.clicks,
                                          "runs": args.runs})
    print(f"wrote {path.relative_to(REPO)}")
    sys.exit(finish(judge(ratios, budgets)))


if __name__ == "__main__":
    main()
