"""Do the outcomes' pure modules stay pure, and does the validator load them without Jupyter or matplotlib?"""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO
from tests.test_architecture import _imports

PURE = ["content.py", "records.py", "evidence.py", "growth.py", "cohort.py", "course_data.py"]
FORBIDDEN = ("ipywidgets", "anywidget", "traitlets", "IPython", "voila", "nbgrader", "matplotlib", "widgets.ui",
             "widgets.cli", "widgets.ui.outcomes.views", "widgets.outcomes.charts", "widgets.outcomes.html")


def test_architecture_outcomes_core_imports_no_ui_jupyter_or_matplotlib():
    offenders = {name: sorted(n for n in _imports(REPO / "widgets" / "outcomes" / name)
                              if any(n == f or n.startswith(f + ".") for f in FORBIDDEN))
                 for name in PURE}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_architecture_validating_the_course_does_not_import_the_views():
    # As an entry point does: install the plugins (widgets.plugins, the composition root), then validate.
    code = ("import sys; from widgets.plugins import install; install(); "
            "from widgets.content.loader import check_paths; r = check_paths(); "
            "assert 'assessment' in r.others, r.summary(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('ipywidgets', 'anywidget', 'matplotlib', 'IPython')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
