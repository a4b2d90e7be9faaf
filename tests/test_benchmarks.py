"""Can a benchmark pass falsely? Each one's verdict, checked on a passing and a failing result without
running any server, browser or grader (the benchmarks themselves stay out of the suite: they time things)."""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO

BENCHMARKS = REPO / "benchmarks"
SCRIPTS = sorted(p.stem for p in BENCHMARKS.glob("bench_*.py") if p.stem != "bench_serve_common")


@pytest.fixture
def bench(monkeypatch):
    """Import a benchmark module as its script does (its folder first on the path)."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))

    def load(name: str) -> ModuleType:
        return importlib.import_module(name)

    yield load
    for name in [*SCRIPTS, "bench_serve_common", "verdict"]:
        sys.modules.pop(name, None)


def _passes(verdict) -> bool:
    assert verdict.line.startswith("VERDICT: PASS " if verdict.ok else "VERDICT: FAIL "), verdict.line
    assert verdict.exit_code == (0 if verdict.ok else 1)
    return verdict.ok


#: Files in benchmarks/ that are not benchmarks: the serving scripts' shared parts and the verdict itself.
HELPERS = {"bench_serve_common", "verdict"}


def test_benchmarks_every_file_is_a_checked_script_or_a_helper():
    """Could a new benchmark escape the checks below by its name (not ``bench_*.py``)?"""
    assert {p.stem for p in BENCHMARKS.glob("*.py")} - HELPERS == set(SCRIPTS)
    assert len(SCRIPTS) >= 8


def _main(tree: ast.Module) -> ast.FunctionDef:
    mains = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "main"]
    assert mains, "no main()"
    return mains[0]


def _is_exit_with_verdict(node: ast.stmt) -> bool:
    """``sys.exit(finish(...))``: the verdict line printed, and its exit code returned to the shell."""
    call = node.value if isinstance(node, ast.Expr) else None
    return (isinstance(call, ast.Call) and getattr(call.func, "attr", "") == "exit" and len(call.args) == 1
            and isinstance(call.args[0], ast.Call) and getattr(call.args[0].func, "id", "") == "finish")


@pytest.mark.parametrize("script", SCRIPTS)
def test_benchmarks_every_script_ends_with_its_verdict(script):
    """Does every benchmark have a judge() and end main() with sys.exit(finish(...)), so the verdict is the
    last line printed and a missed budget exits 1 (not a bare print, not an exit code that is dropped)?"""
    tree = ast.parse((BENCHMARKS / f"{script}.py").read_text(encoding="utf-8"))
    functions = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert "judge" in functions
    assert _is_exit_with_verdict(_main(tree).body[-1]), f"{script}: main() does not end with sys.exit(finish(...))"
    runs_main = [n for n in tree.body if isinstance(n, ast.If) and "__main__" in ast.unparse(n.test)
                 and any("main()" in ast.unparse(s) for s in n.body)]
    assert runs_main, f"{script} has no `if __name__ == \"__main__\": main()`"


def test_benchmarks_every_judge_is_tested_here():
    """Is each script's judge() (or budget) exercised by a test below, with a passing and a failing result?"""
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    loaded = {n.args[0].value for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "bench"
              and n.args and isinstance(n.args[0], ast.Constant)}
    assert set(SCRIPTS) - loaded == set()


def test_benchmarks_finish_prints_the_last_line_and_returns_the_exit_code(bench, capsys):
    verdict = bench("verdict")
    assert verdict.finish(verdict.Verdict(True, "1.0x (budget 2x)")) == 0
    assert verdict.finish(verdict.Verdict(False, "3.0x (budget 2x)")) == 1
    assert capsys.readouterr().out.splitlines() == ["VERDICT: PASS 1.0x (budget 2x)",
                                                    "VERDICT: FAIL 3.0x (budget 2x)"]


def _kernels(views=10, ids=10, left=0, after=5.0):
    return {"views": views, "pool_before": 12, "kernels_after": 12 + left, "visitors_kernels": ids,
            "visitors_kernels_left": left, "seconds_after_close": after}


def test_benchmarks_kernels_pass_only_with_the_positive_control(bench):
    """Is "0 kernels left" believed only when stock Voila, counted the same way, left its own?"""
    judge = bench("bench_serve_kernels").judge
    assert _passes(judge(_kernels(left=0), _kernels(left=10)))
    assert not _passes(judge(_kernels(left=2), _kernels(left=10)))
    broken = judge(_kernels(left=0), _kernels(left=0))  # e.g. the kernel-file pattern stopped matching
    assert not _passes(broken)
    assert "measurement broken" in broken.summary
    no_ids = judge(_kernels(ids=0), _kernels(left=10))
    assert not _passes(no_ids)
    assert "measurement broken" in no_ids.summary


def test_benchmarks_import_budget(bench):
    judge = bench("bench_import").judge
    assert _passes(judge(0.04))
    assert not _passes(judge(0.30))


def test_benchmarks_pages_budget(bench):
    judge = bench("bench_serve_pages").judge
    assert _passes(judge(0.77))
    assert not _passes(judge(0.81))


def test_benchmarks_clicks_budget_in_every_mode(bench):
    module = bench("bench_serve_clicks")
    budgets = {"spaced": module.BUDGET_SPACED, "back to back": module.BUDGET_BACK_TO_BACK}
    assert _passes(module.judge({"spaced": 0.9, "back to back": 0.3}, budgets))
    missed = module.judge({"spaced": 0.9, "back to back": 0.37}, budgets)
    assert not _passes(missed)
    assert "missed: back to back" in missed.summary


def test_benchmarks_live_budget(bench):
    judge = bench("bench_live").judge
    assert _passes(judge("sqlite", 0, [], 120.0, 150.0))
    assert not _passes(judge("sqlite", 1, [], 120.0, 150.0))  # one lost vote fails however fast
    assert not _passes(judge("postgres", 0, ["timeout"], 120.0, 150.0))
    assert not _passes(judge("postgres", 0, [], 120.0, 250.0))


def test_benchmarks_live_e2e_budget(bench):
    module = bench("bench_live_e2e")
    judge = module.judge
    assert _passes(judge(40, 0, [], 250.0, 280.0))
    assert not _passes(judge(40, 1, [], 100.0, 100.0))  # one lost vote fails however fast
    assert not _passes(judge(40, 0, ["The room database cannot be used right now"], 100.0, 100.0))
    assert not _passes(judge(40, 0, [], 301.0, 100.0))
    assert not _passes(judge(40, 0, [], 100.0, 301.0))
    assert module.pct([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0 and module.pct([1.0] * 18 + [100.0] * 2, 0.95) == 100.0


def test_benchmarks_validate_budget(bench):
    judge = bench("bench_validate").judge
    assert _passes(judge(0.284, 0.287, 0.059))
    assert not _passes(judge(1.2, 1.3, 0.059))


def test_benchmarks_autograde_budget(bench):
    judge = bench("bench_autograde").judge
    assert _passes(judge(1.1))
    assert not _passes(judge(1.3))


def test_benchmarks_course_server_lifts_the_kernel_caps(bench, monkeypatch, tmp_path):
    """Do serving benchmarks (every page from 127.0.0.1) start `mentor-course serve` without kernel caps?"""
    common = bench("bench_serve_common")
    started = []

    class Served:
        def stop(self) -> int:
            return 0

    def fake_serve(course_dir, data_dir, log, *options):
        started.append(options)
        return Served()

    monkeypatch.setattr(common.process, "serve", fake_serve)
    with common.course_server(tmp_path / "log", tmp_path / "data", "--extra"):
        pass
    options = started[0]
    assert options[options.index("--kernels-per-client") + 1] == "0"
    assert options[options.index("--max-kernels") + 1] == "0"
    assert "--extra" in options
