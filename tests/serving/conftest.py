"""Builders for the serving tests: a tiny course whose notebook uses plain ipywidgets (so these tests do not
depend on the course's own widgets), and `mentor-course serve` processes around it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from widgets.serving import process

COURSE_YAML = """\
schema: mentor-course/1
id: tiny-course
title: "A tiny <course> & more"
summary: A course for testing the server.
competencies:
  - {id: validation, title: Validating experience}
modules:
  - id: 01-tiny
    title: "Tiny: \\"one\\" <b>button</b>"
    minutes: 30
    objectives: [Click the button., "Read <this> & that."]
  - id: 02-missing
    title: Not written yet
    minutes: 45
    objectives: [Wait for it.]
"""

BUTTON_CELL = """\
import os
import ipywidgets as w
button = w.Button(description="Go")
label = w.Label("")
def on_click(_):
    label.value = "clicked"
button.on_click(on_click)
w.VBox([button, label, w.Label("data: " + os.environ.get("MENTOR_COURSE_DATA", "unset"))])
"""


def write_tiny_course(root: Path) -> Path:
    """A course folder with one module notebook (a Button whose click sets a Label, and a Label showing
    the data folder the kernel was given) and one module that has no notebook yet."""
    module = root / "modules" / "01-tiny"
    module.mkdir(parents=True)
    (root / "modules" / "course.yaml").write_text(COURSE_YAML, encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Tiny\n\nA page for testing."),
                nbformat.v4.new_code_cell(BUTTON_CELL)]
    nbformat.write(nb, module / "module.ipynb")
    return root


@pytest.fixture(scope="module")
def tiny_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_course(tmp_path_factory.mktemp("course"))


@pytest.fixture(scope="module")
def tuned(tiny_course: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[process.ServeProcess]:
    """`mentor-course serve` with its defaults."""
    tmp = tmp_path_factory.mktemp("tuned")
    served = process.serve(tiny_course, tmp / "data", tmp / "serve.log")
    yield served
    served.stop()


@pytest.fixture(scope="module")
def stock(tiny_course: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[process.ServeProcess]:
    """`mentor-course serve --stock`: every tuning off, as plain Voilà behaves."""
    tmp = tmp_path_factory.mktemp("stock")
    served = process.serve(tiny_course, tmp / "data", tmp / "serve.log", "--stock")
    yield served
    served.stop()
