"""Do imports point one way? The pure core must never import the UI, Jupyter or nbgrader."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

CORE = ["widgets/content", "widgets/engine.py", "widgets/progress.py", "widgets/scenario_map.py",
        "widgets/terminal_play.py", "widgets/learner.py", "widgets/live/room.py", "widgets/live/store.py",
        "widgets/region_choice.py",
        "widgets/grading/score.py",
        "widgets/live/db.py", "widgets/live/codes.py", "widgets/live/debrief.py", "widgets/live/migrations.py",
        "widgets/live/errors.py"]
FORBIDDEN = ("ipywidgets", "anywidget", "traitlets", "IPython", "voila", "nbgrader", "jupyter_server",
             "widgets.ui", "widgets.cli", "matplotlib")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_architecture_core_imports_no_ui_or_jupyter():
    files = []
    for item in CORE:
        p = REPO / item
        files += sorted(p.rglob("*.py")) if p.is_dir() else ([p] if p.exists() else [])
    assert files, "the core is missing"
    offenders = {
        str(f.relative_to(REPO)): sorted(n for n in _imports(f) if n.split(".")[0] in FORBIDDEN
                                         or any(n.startswith(x) for x in FORBIDDEN if "." in x))
        for f in files
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_architecture_nothing_imports_the_cli():
    users = [str(f.relative_to(REPO)) for f in (REPO / "widgets").rglob("*.py")
             if f.name != "cli.py" and "widgets.cli" in _imports(f)]
    assert users == []
