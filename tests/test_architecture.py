"""Do imports point one way? The pure core must never import the UI, Jupyter or nbgrader, and the core
of the core (content/, engine.py, progress/, registry.py) must never reach up to its plugins, and the pure
part of progress/ (format, sections, events, merge) never imports its file I/O.

Imports are read from the source, in every form that loads a module: ``import x``, ``from x import y``
(which may load ``x.y``), relative imports, ``import_module("x")`` / ``__import__("x")``, and any string
constant that names a ``widgets.*`` module (a list of plugin names to load later is still a dependency).
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO

#: Modules that claim to be pure: stdlib, PyYAML, jsonschema and each other only (and filelock, for
#: widgets/progress/files.py, the one module of the core that locks files; and the rendering policy,
#: Jinja2 and mistune through widgets.templating and widgets.markdown, which the scenario map uses).
CORE = ["widgets/content", "widgets/engine.py", "widgets/progress", "widgets/registry.py",
        "widgets/plugins.py", "widgets/scenario_map.py",
        "widgets/terminal_play.py", "widgets/learner.py", "widgets/live/room.py", "widgets/live/store.py",
        "widgets/region_choice.py",
        "widgets/grading/score.py", "widgets/grading/rubric.py", "widgets/grading/notebooks.py",
        "widgets/grading/submissions.py",
        "widgets/outcomes/content.py", "widgets/outcomes/records.py",
        "widgets/live/db", "widgets/live/codes.py", "widgets/live/debrief.py", "widgets/live/migrations.py",
        "widgets/live/errors.py", "widgets/markdown.py"]
FORBIDDEN = ("ipywidgets", "anywidget", "traitlets", "IPython", "voila", "nbgrader", "nbformat", "nbconvert",
             "jupyter_server", "jupyter_client", "widgets.ui", "widgets.cli", "matplotlib")
#: Modules among the views and the server that say they are pure: no Jupyter, widget or server library (they
#: may use the pure text helpers of widgets.markdown and the templates of widgets.templating).
PURE_HELPERS = ["widgets/templating.py", "widgets/ui/text.py", "widgets/ui/player_props.py", "widgets/ui/reflection_props.py",
                "widgets/ui/selfcheck_props.py", "widgets/ui/status_props.py", "widgets/ui/reflection_export.py",
                "widgets/ui/live/html.py", "widgets/ui/live/links.py", "widgets/serving/clients.py",
                "widgets/serving/landing.py", "widgets/outcomes/evidence.py", "widgets/outcomes/growth.py",
                "widgets/outcomes/cohort.py", "widgets/outcomes/course_data.py", "widgets/outcomes/form.py",
                "widgets/outcomes/html.py"]
JUPYTER = ("ipywidgets", "anywidget", "traitlets", "IPython", "voila", "nbgrader", "nbformat", "nbconvert",
           "jupyter_server", "jupyter_client", "tornado", "matplotlib", "widgets.cli")

#: The core the plugins extend: it keeps registries (widgets.registry) and names no plugin.
KERNEL = ["widgets/content", "widgets/engine.py", "widgets/progress", "widgets/registry.py"]
#: The pure part of the progress package: documents in, documents out; no file is opened or locked.
PROGRESS_PURE = ["widgets/progress/errors.py", "widgets/progress/format.py", "widgets/progress/sections.py",
                 "widgets/progress/events.py", "widgets/progress/merge.py"]
PROGRESS_IO = ("widgets.progress.files", "filelock", "tempfile", "fcntl", "msvcrt")
#: Plugins that register into the kernel (they may import it; it may not import them).
PLUGINS_OF_KERNEL = {"widgets/content/resources.py"}
UPWARD = ("widgets.grading", "widgets.outcomes", "widgets.live", "widgets.serving", "widgets.ui", "widgets.cli",
          "widgets.plugins", "widgets.content.resources", "widgets.region_choice", "widgets.learner",
          "widgets.terminal_play", "widgets.scenario_map")

_MODULE_NAME = re.compile(r"widgets(?:\.[A-Za-z_]\w*)+(?::[A-Za-z_]\w*)?")
_LOADERS = {"import_module", "__import__", "find_spec", "reload"}


def _package_of(path: Path, root: Path) -> list[str]:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return parts if path.name == "__init__.py" else parts[:-1]


def _imports(path: Path, root: Path = REPO, *, strings: bool = True) -> set[str]:
    """Every module name ``path`` loads or names, with relative imports made absolute (``strings=False``:
    not the string constants, e.g. for ``python -m widgets.cli`` run in a child process)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = _package_of(path, root)
                base = package[: len(package) - node.level + 1] if node.level > 1 else package
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{a.name}" for a in node.names if a.name != "*")
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and (getattr(node.func, "id", None) or getattr(node.func, "attr", None)) in _LOADERS):
            names.add(node.args[0].value)
        elif strings and isinstance(node, ast.Constant) and isinstance(node.value, str) and _MODULE_NAME.fullmatch(node.value):
            names.add(node.value.split(":", 1)[0])
    return {n for n in names if n}


def _files(items: list[str], root: Path) -> list[Path]:
    files: list[Path] = []
    for item in items:
        p = root / item
        assert p.exists(), f"{item} is listed as pure but does not exist: update the lists in this test"
        files += sorted(p.rglob("*.py")) if p.is_dir() else [p]
    return files


def _hits(name: str, forbidden: tuple[str, ...]) -> bool:
    return any(name == x or name.startswith(x + ".") for x in forbidden)


def impure_imports(root: Path = REPO) -> dict[str, list[str]]:
    """Pure modules' imports of the UI, Jupyter or nbgrader, by file."""
    files = _files(CORE, root)
    assert files, "the core is missing"
    found = {str(f.relative_to(root)): sorted(n for n in _imports(f, root) if _hits(n, FORBIDDEN)) for f in files}
    return {k: v for k, v in found.items() if v}


def upward_imports(root: Path = REPO) -> dict[str, list[str]]:
    """The kernel's imports of (or references to) its plugins, by file."""
    files = [f for f in _files(KERNEL, root) if str(f.relative_to(root)) not in PLUGINS_OF_KERNEL]
    assert files, "the core is missing"
    found = {str(f.relative_to(root)): sorted(n for n in _imports(f, root) if _hits(n, UPWARD)) for f in files}
    return {k: v for k, v in found.items() if v}


#: pyplot keeps global state (open figures, the current figure, a chosen GUI backend); charts are built as
#: matplotlib.figure.Figure objects and saved by widgets.figures instead.
PYPLOT = ("matplotlib.pyplot", "pylab", "matplotlib.pylab")


def pyplot_users(root: Path = REPO) -> dict[str, list[str]]:
    """Modules of the package that import pyplot, however written, by file."""
    found = {str(f.relative_to(root)): sorted(n for n in _imports(f, root) if _hits(n, PYPLOT))
             for f in sorted((root / "widgets").rglob("*.py"))}
    return {k: v for k, v in found.items() if v}


def test_architecture_core_imports_no_ui_or_jupyter():
    assert impure_imports() == {}


def test_architecture_pure_helpers_import_no_jupyter():
    """Do the pure helpers beside the views (props builders, HTML fragments, links) stay pure?"""
    files = _files(PURE_HELPERS, REPO)
    found = {str(f.relative_to(REPO)): sorted(n for n in _imports(f) if _hits(n, JUPYTER)) for f in files}
    assert {k: v for k, v in found.items() if v} == {}


def test_architecture_core_names_no_plugin():
    """Do content kinds and progress sections come from the outside (widgets.plugins), not the core?"""
    assert upward_imports() == {}


def progress_io_imports(root: Path = REPO) -> dict[str, list[str]]:
    """The pure progress modules' imports of the file I/O part (or of locking and temp files), by file."""
    found = {str(f.relative_to(root)): sorted(n for n in _imports(f, root) if _hits(n, PROGRESS_IO))
             for f in _files(PROGRESS_PURE, root)}
    return {k: v for k, v in found.items() if v}


def test_architecture_pure_progress_does_no_file_io():
    """Do the save format, the reducer and the merge stay free of the file I/O (widgets.progress.files)?"""
    assert progress_io_imports() == {}


def test_architecture_catches_pure_progress_importing_files(planted):
    root = planted("widgets/progress/merge.py", "from widgets.progress.files import atomic_write")
    assert progress_io_imports(root) == {"widgets/progress/merge.py": ["widgets.progress.files",
                                                                      "widgets.progress.files.atomic_write"]}



def test_architecture_no_module_uses_pyplot():
    """Are all charts drawn on Figure objects (widgets/outcomes/charts.py, widgets/grading/summary.py), so
    no kernel or command shares pyplot's global figures and backend?"""
    assert pyplot_users() == {}


def test_architecture_nothing_imports_the_cli():
    users = [str(f.relative_to(REPO)) for f in (REPO / "widgets").rglob("*.py")
             if f.name != "cli.py" and _hits_cli(_imports(f, strings=False))]
    assert users == []


def _hits_cli(names: set[str]) -> bool:
    return any(_hits(n, ("widgets.cli",)) for n in names)


@pytest.fixture
def planted(tmp_path: Path):
    """A copy of the package in which one core file gets an extra line."""
    shutil.copytree(REPO / "widgets", tmp_path / "widgets", ignore=shutil.ignore_patterns("__pycache__"))

    def plant(file: str, line: str) -> Path:
        target = tmp_path / file
        target.write_text(target.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")
        return tmp_path

    return plant


@pytest.mark.parametrize(("file", "line", "expected"), [
    ("widgets/content/loader.py", 'PLUGINS = ("widgets.grading.rubric", "widgets.outcomes.content")',
     ["widgets.grading.rubric", "widgets.outcomes.content"]),
    ("widgets/content/loader.py", 'import importlib\nimportlib.import_module("widgets.grading.rubric")',
     ["widgets.grading.rubric"]),
    ("widgets/progress/merge.py", 'from importlib import import_module\nimport_module("widgets.outcomes.records")',
     ["widgets.outcomes.records"]),
    ("widgets/progress/files.py", '__import__("widgets.region_choice")', ["widgets.region_choice"]),
    ("widgets/progress/sections.py", "from widgets import region_choice", ["widgets.region_choice"]),
    ("widgets/content/loader.py", "from . import resources", ["widgets.content.resources"]),
    ("widgets/content/loader.py", "from ..outcomes import records", ["widgets.outcomes", "widgets.outcomes.records"]),
    ("widgets/content/checks.py", "def later():\n    from widgets.grading.score import Rubric", [
        "widgets.grading.score", "widgets.grading.score.Rubric"]),
])
def test_architecture_catches_a_planted_plugin_import(planted, file, line, expected):
    """Would the test see the core loading a plugin by name, however the import is written?"""
    root = planted(file, line)
    assert upward_imports(REPO) == {}  # the real tree is clean, so what follows is the planted line
    assert upward_imports(root) == {file: expected}


def test_architecture_catches_a_planted_jupyter_import(planted):
    """Does a pure module that claims purity (grading/notebooks.py) get caught importing nbformat?"""
    root = planted("widgets/grading/notebooks.py", "def later():\n    import nbformat")
    assert impure_imports(root) == {"widgets/grading/notebooks.py": ["nbformat"]}


@pytest.mark.parametrize("line", [
    "def later():\n    import matplotlib.pyplot as plt",
    "def later():\n    from matplotlib import pyplot",
    'import importlib\nimportlib.import_module("matplotlib.pyplot")',
])
def test_architecture_catches_a_planted_pyplot_import(planted, line):
    """Would a chart module going back to pyplot (as grading/summary.py once did, lazily) be caught?"""
    root = planted("widgets/grading/summary.py", line)
    assert pyplot_users(REPO) == {}
    assert pyplot_users(root) == {"widgets/grading/summary.py": ["matplotlib.pyplot"]}


# ---------------------------------------------------------------------------------------------------
# Views: one place (widgets/ui), one way (each anywidget's JavaScript and CSS in files beside it)
# ---------------------------------------------------------------------------------------------------

def _package_modules(root: Path = REPO) -> list[str]:
    names = []
    for path in sorted((root / "widgets").rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__main__" or "migrations" in parts[:-1]:
            continue  # (Alembic's revision scripts run only inside Alembic: env.py needs its context)
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def view_classes() -> list[type]:
    """Every widget class (ipywidgets, anywidget) defined in the package, after importing all of it."""
    import importlib
    import sys

    import ipywidgets

    for name in _package_modules():
        importlib.import_module(name)
    found, todo = [], [ipywidgets.Widget]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            # (only the class its module holds now: a test that imports a module afresh leaves old copies)
            if sub.__module__.startswith("widgets.") and getattr(sys.modules[sub.__module__], sub.__name__, None) is sub:
                found.append(sub)
    return sorted(set(found), key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _sources(value: object) -> tuple[Path, ...] | None:
    """The files an ``_esm``/``_css`` value was read from, or None for text written in Python."""
    from anywidget._file_contents import FileContents

    sources = getattr(value, "sources", None)  # widgets.ui.esm.Bundle (of whichever import of that module)
    if isinstance(value, str) and isinstance(sources, tuple):
        return sources
    if isinstance(value, FileContents):  # a Path, as anywidget's docs write it (anywidget refuses a missing file)
        return (Path(str(value._path)),)
    return None


def view_problems(classes: list[type]) -> list[str]:
    """What breaks the rule: a view outside widgets/ui, or an anywidget whose JavaScript or CSS is not in
    an existing file beside the module that defines it."""
    import sys

    import anywidget

    problems = []
    for cls in classes:
        name = f"{cls.__module__}.{cls.__qualname__}"
        if not cls.__module__.startswith("widgets.ui."):
            problems.append(f"{name}: a view outside widgets/ui")
        if not issubclass(cls, anywidget.AnyWidget):
            continue
        module = sys.modules.get(cls.__module__)
        here = Path(module.__file__).parent if module and module.__file__ else None
        for key in ("_esm", "_css"):
            if key not in vars(cls):
                continue
            files = _sources(vars(cls)[key])
            if files is None:
                problems.append(f"{name}.{key}: written inline in Python; put it in a file beside the module")
            elif not all(f.is_file() for f in files):
                problems.append(f"{name}.{key}: {[str(f) for f in files if not f.is_file()]} missing")
            elif here is not None and files[-1].parent != here:
                problems.append(f"{name}.{key}: {files[-1].name} is not beside {Path(module.__file__).name}")
    return problems


def test_architecture_views_live_in_ui_with_their_js_and_css_beside_them():
    """Is every view under widgets/ui, and does every anywidget read its _esm/_css from a file beside it?"""
    classes = view_classes()
    names = {c.__qualname__ for c in classes}
    assert {"ScenarioView", "Announcer", "LevelPicker", "PageBridge", "AssessmentView", "GrowthReportView"} <= names
    assert view_problems(classes) == []


def test_architecture_one_announcer():
    """Is there one announcer class, and do the views that announce use it (the live console's bridge is one)?"""
    from widgets.ui.announcer import Announcer

    announcers = [c for c in view_classes() if "announcer" in c.__qualname__.lower()]
    assert announcers == [Announcer]
    from widgets.ui.live.bridge import PageBridge

    assert issubclass(PageBridge, Announcer)


def test_architecture_view_check_catches_inline_js_and_a_view_outside_ui():
    """Would the check see JavaScript written in a Python string, and a view defined outside widgets/ui?"""
    import anywidget
    import ipywidgets

    class Inline(anywidget.AnyWidget):
        _esm = "export default { render({ el }) { el.textContent = 'hi'; } };"

    Outside = type("Outside", (ipywidgets.VBox,), {"__module__": "planted.widgets.live.web"})
    problems = view_problems([Inline, Outside])
    assert [p.split(": ")[0].split(".<locals>.")[-1] for p in problems] == [
        "Inline", "Inline._esm", "planted.widgets.live.web.Outside"]
    assert "outside widgets/ui" in problems[0] and "written inline" in problems[1]
