"""Shared builders: a tiny course on disk, and scenario text with one part overridden.

Tests write their YAML inline (as yamllint's and nbgrader's tests do) so the line numbers they
assert on are visible right beside the assertion.
"""

from __future__ import annotations

import os
import tempfile
import textwrap
from pathlib import Path

import pytest

from widgets.plugins import install

install()  # the tests are an entry point too: register the plugins as the CLI and notebooks do

REPO = Path(__file__).resolve().parent.parent

COURSE_YAML = """\
schema: mentor-course/1
id: tiny-course
title: A tiny course
competencies:
  - {id: validation, title: Validating experience}
  - {id: listening, title: Listening}
modules:
  - id: 01-tiny
    title: Tiny
    minutes: 30
    objectives: [Try the validator.]
"""

SCENARIO_YAML = """\
schema: mentor-scenario/1
id: tiny
title: Tiny
module: 01-tiny
summary: A tiny scenario.
competencies: [validation, listening]
characters:
  mei: {name: Mei, heritage: Japanese and Filipino}
start: opening
nodes:
  opening:
    lines:
      - {speaker: mei, text: "A coworker asked where I'm really from. Again."}
    choices:
      - id: validate
        text: That sounds exhausting. What did it bring up?
        quality: best
        scores: {validation: 2, listening: 1}
        feedback: Validating first lets Mei lead.
        goto: explore
      - id: curious
        text: Did you tell them about your parents?
        quality: mixed
        scores: {listening: -1}
        feedback: A closed question about the incident.
        goto: explore
      - id: dismiss
        text: They were just curious.
        quality: harmful
        scores: {validation: -2}
        feedback: This denies her experience.
        goto: withdraw
  explore:
    lines: [{speaker: mei, text: "Like a guest in my own office."}]
    goto: good-ending
  good-ending:
    ending: {kind: growth, title: Mei keeps talking, text: She felt heard.}
  withdraw:
    ending: {kind: withdrawal, title: Mei changes the subject, text: She stopped.}
tests:
  - {name: strongest, path: [validate], expect: {ending: good-ending}}
  - {name: harmful, path: [dismiss], expect: {ending: withdraw}}
"""

#: The tiny scenario in mentor-scenario/2: a flag and a counter, a conditional line, reply and choice, a
#: repair, a routing node, ending text parts, a claim, and tests that assert state.
SCENARIO_V2_YAML = """\
schema: mentor-scenario/2
id: tiny
title: Tiny
module: 01-tiny
summary: A tiny scenario.
competencies: [validation, listening]
characters:
  mei: {name: Mei}
state:
  asked: {type: flag, description: The mentor asked what it brought up.}
  slips: {type: counter}
start: opening
nodes:
  opening:
    lines:
      - {speaker: mei, text: "A coworker asked where I'm really from. Again."}
    choices:
      - id: validate
        text: That sounds exhausting. What did it bring up?
        quality: best
        scores: {validation: 2, listening: 1}
        feedback: Validating first lets Mei lead.
        set: {asked: true}
        goto: explore
      - id: curious
        text: Did you tell them about your parents, or let it go?
        quality: mixed
        scores: {listening: -1}
        feedback: A closed question.
        goto: explore
      - id: dismiss
        text: They were just curious; nobody meant anything by it.
        quality: harmful
        scores: {validation: -2}
        feedback: This denies her experience.
        add: {slips: 1}
        reply:
          - {speaker: mei, text: "Sure."}
          - {if: slips == 1, speaker: mei, text: "Again?"}
        goto: explore
  explore:
    lines:
      - {speaker: mei, text: "Like a guest in my own office."}
      - {if: slips > 0, speaker: mei, text: "Anyway. It's fine."}
    choices:
      - id: own-it
        if: slips > 0
        text: I brushed that off. I'm sorry.
        quality: best
        scores: {validation: 2}
        feedback: Owning the slip repairs it.
        repairs: [dismiss]
        goto: after
      - id: listen
        text: Say more about the guest feeling?
        quality: best
        scores: {listening: 2}
        feedback: An open invitation.
        goto: after
      - id: move-on
        text: Shall we look at your project plan for the quarter now?
        quality: mixed
        scores: {listening: -1}
        feedback: Changing the subject.
        goto: after
  after:
    goto:
      - {if: unrepaired > 0, goto: withdraw}
      - {goto: good-ending}
  good-ending:
    ending:
      kind: growth
      title: Mei keeps talking
      text:
        - text: She felt heard.
        - {if: asked, text: Your question let her lead.}
        - {if: harmful > 0, text: Owning the slip mattered.}
      claims: [unrepaired == 0]
  withdraw:
    ending: {kind: withdrawal, title: Mei changes the subject, text: She stopped.}
tests:
  - {name: strongest, path: [validate, listen], expect: {ending: good-ending, state: {asked: true, slips: 0}}}
  - {name: repaired, path: [dismiss, own-it], expect: {ending: good-ending, state: {slips: 1, unrepaired: 0}}}
  - {name: unrepaired, path: [dismiss, listen], expect: {ending: withdraw, state: {unrepaired: 1}}}
"""


def pytest_configure(config: pytest.Config) -> None:
    """Keep learner data written while notebooks execute (nbval) out of the working tree."""
    if "MENTOR_COURSE_PROGRESS" not in os.environ and "MENTOR_COURSE_DATA" not in os.environ:
        data = Path(tempfile.mkdtemp(prefix="mentor-course-tests-"))
        os.environ["MENTOR_COURSE_DATA"] = str(data)
        os.environ["MENTOR_COURSE_PROGRESS"] = str(data / "progress.json")


@pytest.fixture
def course_root(tmp_path: Path) -> Path:
    """A fresh course folder with a manifest and one empty module folder."""
    (tmp_path / "modules" / "01-tiny" / "scenarios").mkdir(parents=True)
    (tmp_path / "modules" / "course.yaml").write_text(COURSE_YAML, encoding="utf-8")
    return tmp_path


@pytest.fixture
def write_scenario(course_root: Path):
    """Write scenario text (default: the valid tiny one) into the tiny module; return its path."""

    def write(text: str = SCENARIO_YAML, name: str = "tiny.yaml") -> Path:
        path = course_root / "modules" / "01-tiny" / "scenarios" / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run browser tests last (stable order otherwise): Playwright's sync API keeps an event loop running
    in the main thread while its browser is open, and tests that call ``asyncio.run`` (or notebooks run
    by nbval) cannot run beside it."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


# The shared browser fixtures, defined once for every test area (see tests/browser/fixtures.py).
from tests.browser.fixtures import (  # noqa: E402, F401
    browser,
    console_errors,
    page,
    screenshot,
    served_course,
    served_course_process,
)
