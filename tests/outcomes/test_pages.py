"""Are the outcomes pages thin and clean, and does the trainers' cohort notebook run on a folder of exports?

The two learner pages under modules/ are executed by the suite's nbval run with every other course
notebook; the trainers' notebook lives in course/, which nbval skips, so it is executed here.
"""

from __future__ import annotations

import json
import re
import shutil

import nbformat
import pytest

from tests.conftest import REPO
from tests.outcomes.cohort_maker import make_cohort
from widgets import progress
from widgets.outcomes.course_data import load_content

PAGES = ["modules/00-before-you-begin/before-you-begin.ipynb", "modules/99-your-growth/your-growth.ipynb",
         "course/cohort-outcomes.ipynb"]
ONE_LINE_CALL = re.compile(r'^(from widgets(\.outcomes)? import [a-z_, ]+\n)?[a-z_]+\(("[\w./-]*")?\)$')


@pytest.mark.parametrize("page", PAGES)
def test_pages_are_prose_and_one_line_calls_stored_without_outputs(page):
    nb = json.loads((REPO / page).read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, f"{page}: no calls"
    for cell in code:
        source = "".join(cell["source"])
        assert ONE_LINE_CALL.match(source), f"{page}: a code cell holds more than a call:\n{source}"
        assert not cell["outputs"] and cell["execution_count"] is None, f"{page}: stored with outputs"


@pytest.mark.parametrize("page", PAGES[:2])
def test_pages_link_to_notebooks_that_exist(page):
    nb = json.loads((REPO / page).read_text(encoding="utf-8"))
    text = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    links = re.findall(r"\]\((\.\./[\w./-]+\.ipynb)\)", text)
    assert links
    for link in links:
        assert ((REPO / page).parent / link).resolve().is_file(), f"{page} links to missing {link}"


def test_pages_cohort_notebook_runs_on_a_folder_of_exports(tmp_path, monkeypatch):
    from nbclient import NotebookClient

    work = tmp_path / "trainer"
    (work / "exports").mkdir(parents=True)
    shutil.copy(REPO / "course" / "cohort-outcomes.ipynb", work)
    content = load_content(REPO)
    for doc, truth in make_cohort(content, 5):
        (work / "exports" / f"{truth.learner}.json").write_text(progress.dumps(doc), encoding="utf-8")
    (work / "exports" / "damaged.json").write_text("{", encoding="utf-8")
    monkeypatch.setenv("MENTOR_COURSE_ROOT", str(REPO))
    nb = nbformat.read(work / "cohort-outcomes.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(work)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    state = json.dumps(nb.metadata.get("widgets", {}))
    assert "5 progress file(s) read" in state
    assert "damaged.json" in state and "skipped" in state
