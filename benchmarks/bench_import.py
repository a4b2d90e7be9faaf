"""What does importing the course's package cost a kernel, beside importing ipywidgets?

Each statement runs in a fresh `python -c` process (runs interleaved, so load on the machine hits every
statement alike); wall time and the process's peak resident memory (ru_maxrss) are recorded. Compared:

- `import ipywidgets` (the floor: every widget notebook pays it);
- `import widgets` (the package alone: lazy, what the CLI and the core pay);
- the notebooks' import (`from widgets import ...` and every view module, with ipywidgets and anywidget
  underneath: what a module page's kernel pays before it can show anything).

Budget (DESIGN.md): `import widgets` (the notebooks' import) at most +0.15 s over `import ipywidgets`.

Run: python benchmarks/bench_import.py [--runs 15]
Prints a table and writes benchmarks/results/import.json.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from bench_serve_common import REPO, write_results
from verdict import Verdict, finish

BUDGET_S = 0.15
STATEMENTS = {
    "python -c pass": "pass",
    "import ipywidgets": "import ipywidgets",
    "import widgets": "import widgets",
    "notebook import (widgets + every view)": (
        "from widgets import header, play, selfcheck, reflect\n"
        "import widgets.ui.api, widgets.ui.scenario_view, widgets.ui.selfcheck_view, "
        "widgets.ui.reflection_view, widgets.ui.status_view"
    ),
}


def run_once(code: str) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one fresh interpreter running ``code``."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{code!r} failed: {proc.stderr.read().decode()}")
    proc.stderr.close()
    return elapsed, usage.ru_maxrss / 1024


def judge(cost: float, budget: float = BUDGET_S) -> Verdict:
    """Pass when the notebooks' import costs at most ``budget`` seconds over ``import ipywidgets``."""
    return Verdict(cost <= budget, f"the notebooks' import costs {cost:+.3f} s over `import ipywidgets` "
                                   f"(budget +{budget} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    times: dict[str, list[float]] = {k: [] for k in STATEMENTS}
    memory: dict[str, list[float]] = {k: [] for k in STATEMENTS}
    for code in STATEMENTS.values():  # warm the file cache once, untimed
        run_once(code)
    for _ in range(args.runs):
        for name, code in STATEMENTS.items():
            t, m = run_once(code)
            times[name].append(t)
            memory[name].append(m)

    floor_m = statistics.median(memory["import ipywidgets"])
    report = {}
    # Paired: each run's statements ran one after the other, so their difference cancels most of the load
    # that other processes put on the machine at that moment; the median of the differences is reported.
    paired = {name: statistics.median(t - f for t, f in zip(times[name], times["import ipywidgets"], strict=True))
              for name in STATEMENTS}
    print(f"{'statement':42} {'median s':>9} {'min s':>7} {'max s':>7} {'vs ipywidgets*':>14} {'peak MiB':>9} {'vs':>7}")
    for name in STATEMENTS:
        med = statistics.median(times[name])
        mem = statistics.median(memory[name])
        report[name] = {"seconds": {"median": med, "min": min(times[name]), "max": max(times[name])},
                        "peak_mib": {"median": mem, "min": min(memory[name]), "max": max(memory[name])},
                        "seconds_over_ipywidgets": paired[name], "mib_over_ipywidgets": mem - floor_m}
        print(f"{name:42} {med:9.3f} {min(times[name]):7.3f} {max(times[name]):7.3f} {paired[name]:+14.3f} "
              f"{mem:9.1f} {mem - floor_m:+7.1f}")
    print("* median of the per-run differences (each run imports both, one after the other)")
    cost = report["notebook import (widgets + every view)"]["seconds_over_ipywidgets"]
    path = write_results("import", {"statements": STATEMENTS, "results": report, "budget_s": BUDGET_S,
                                    "runs": args.runs})
    print(f"wrote {path.relative_to(REPO)}")
    sys.exit(finish(judge(cost)))


if __name__ == "__main__":
    main()
