"""Does the live rooms' core stay pure: no ipywidgets, Jupyter or Voilà outside ``widgets/ui/live``?"""

from __future__ import annotations

import ast

from tests.conftest import REPO

LIVE = REPO / "widgets" / "live"
FORBIDDEN = ("ipywidgets", "anywidget", "traitlets", "IPython", "voila", "jupyter_server", "nbgrader", "matplotlib",
             "widgets.ui", "widgets.ui.live", "widgets.cli", "click")


def _imports(path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_live_architecture_core_imports_no_views():
    core = [p for p in [*LIVE.glob("*.py"), *(LIVE / "db").glob("*.py")] if p.name != "cli.py"]
    assert {str(p.relative_to(LIVE)) for p in core} >= {"room.py", "store.py", "db/__init__.py", "db/interface.py",
                                                         "db/sqlite.py", "db/postgres.py", "db/urls.py", "codes.py",
                                                         "debrief.py", "migrations.py"}

    def forbidden(name: str) -> bool:
        return name == "click" or any(name == f or name.startswith(f + ".") for f in FORBIDDEN)

    offenders = {str(p.relative_to(LIVE)): sorted(n for n in _imports(p) if forbidden(n)) for p in core}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_live_architecture_views_do_not_talk_sql():
    views = sorted((REPO / "widgets" / "ui" / "live").glob("*.py"))  # the console moved there from live/ui
    assert {p.name for p in views} >= {"facilitator.py", "bridge.py", "feed.py"}
    assert not (LIVE / "ui").exists()
    for path in views:
        text = path.read_text(encoding="utf-8")
        assert "sqlite3" not in _imports(path) and "psycopg" not in _imports(path), path.name
        assert "SELECT " not in text and "INSERT " not in text, path.name


def test_live_architecture_the_participant_server_talks_no_sql_and_its_fan_out_needs_no_tornado():
    """The participants' server (widgets/live/web) uses the store like any view; its fan-out (rooms.py) is
    free of tornado and Jupyter, so it is tested and reused without a server; no ipywidgets anywhere there."""
    for path in (LIVE / "web").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "sqlite3" not in _imports(path) and "psycopg" not in _imports(path), path.name
        assert "SELECT " not in text and "INSERT " not in text, path.name
        assert not any(n.split(".")[0] in ("ipywidgets", "anywidget", "IPython") for n in _imports(path)), path.name
    pure = _imports(LIVE / "web" / "rooms.py")
    assert not any(n.split(".")[0] in ("tornado", "jupyter_server", "voila") for n in pure), sorted(pure)
