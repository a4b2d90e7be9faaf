"""Builders for the outcomes tests: a small course with an assessment, and hand-built progress files.

The course has two competencies, two modules and two scenarios, small enough that every figure a test
asserts on can be worked out by hand from the YAML below.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# The browser fixtures (Chromium, `mentor-course serve`, screenshots) for tests/outcomes/test_browser.py.
from widgets import progress
from widgets.outcomes import records

COURSE_YAML = """\
schema: mentor-course/1
id: small-course
title: A small course
competencies:
  - {id: validation, title: Validating experience, description: Acknowledging experience as real.}
  - {id: listening, title: Listening, description: Open questions and reflections.}
modules:
  - {id: 01-tiny, title: Tiny module, minutes: 30, objectives: [Validate.]}
  - {id: 02-small, title: Small module, minutes: 30, objectives: [Listen.]}
"""

# Two decision points: 'opening' (validate best / curious mixed / dismiss harmful) and 'second'.
TALK_YAML = """\
schema: mentor-scenario/1
id: talk
title: A talk
module: 01-tiny
summary: Mei talks about work.
competencies: [validation, listening]
characters:
  mei: {name: Mei, heritage: Japanese and Filipino}
start: opening
nodes:
  opening:
    lines: [{speaker: mei, text: "A coworker asked where I'm really from."}]
    choices:
      - {id: validate, text: That sounds tiring., quality: best, scores: {validation: 2, listening: 1},
         feedback: Good., goto: second}
      - {id: curious, text: Did you tell them?, quality: mixed, scores: {listening: -1}, feedback: Closed.,
         goto: second}
      - {id: dismiss, text: They were curious., quality: harmful, scores: {validation: -2}, feedback: Denies it.,
         goto: withdraw}
  second:
    lines: [{speaker: mei, text: "It happens a lot."}]
    choices:
      - {id: reflect, text: It keeps happening., quality: best, scores: {listening: 2}, feedback: Reflects., goto: good}
      - {id: advise, text: Report them., quality: mixed, scores: {listening: 1}, feedback: Rushes., goto: good}
      - {id: shrug, text: That's life., quality: harmful, scores: {validation: -1}, feedback: Minimises.,
         goto: withdraw}
  good:
    ending: {kind: growth, title: Mei keeps talking, text: She felt heard.}
  withdraw:
    ending: {kind: withdrawal, title: Mei stops, text: She changed the subject.}
"""

QUIET_YAML = """\
schema: mentor-scenario/1
id: quiet
title: Quiet
module: 02-small
summary: Jun is quiet.
competencies: [listening]
characters:
  jun: {name: Jun, heritage: Korean and Mexican}
start: opening
nodes:
  opening:
    lines: [{speaker: jun, text: "..."}]
    choices:
      - {id: wait, text: (wait), quality: best, scores: {listening: 2}, feedback: Space., goto: good}
      - {id: fill, text: So anyway!, quality: harmful, scores: {listening: -2}, feedback: Fills it., goto: gone}
      - {id: ask, text: Busy week?, quality: mixed, scores: {listening: 1}, feedback: Closed., goto: good}
  good:
    ending: {kind: growth, title: Jun speaks, text: He talks.}
  gone:
    ending: {kind: withdrawal, title: Jun leaves, text: He goes.}
"""

ASSESSMENT_YAML = """\
schema: mentor-assessment/1
id: small-skills
title: Your skills
stem: How skilled do you feel you are at...
scale:
  min: 1
  max: 7
  anchors:
    - {point: 1, label: Not at all skilled}
    - {point: 4, label: Moderately skilled}
    - {point: 7, label: Extremely skilled}
phases:
  before: {title: Before you begin, intro: Rate yourself *today*.}
  after: {title: After the course, intro: Rate yourself now.}
goal: {prompt: What I want to get better at, hint: Optional.}
competencies:
  - competency: validation
    items:
      - {id: v-acknowledge, text: acknowledging an experience}
      - {id: v-no-minimising, text: not minimising}
      - {id: v-steady, text: staying steady}
  - competency: listening
    items:
      - {id: l-open, text: asking open questions}
      - {id: l-reflect, text: reflecting feelings}
      - {id: l-pause, text: letting a pause run}
      - {id: l-summary, text: summarising}
"""


@pytest.fixture
def small_course(tmp_path: Path) -> Path:
    """A fresh course folder: manifest, two modules with a scenario each, self-check, reflection, assessment."""
    root = tmp_path / "course"
    for module, sid, text in (("01-tiny", "talk", TALK_YAML), ("02-small", "quiet", QUIET_YAML)):
        (root / "modules" / module / "scenarios").mkdir(parents=True)
        (root / "modules" / module / "scenarios" / f"{sid}.yaml").write_text(text, encoding="utf-8")
        (root / "modules" / module / "selfcheck.yaml").write_text(textwrap.dedent(f"""\
            schema: mentor-selfcheck/1
            module: {module}
            title: Check
            questions:
              - id: q1
                prompt: Which?
                kind: single
                options:
                  - {{id: a, text: This, correct: true, explanation: Yes.}}
                  - {{id: b, text: That, correct: false, explanation: No.}}
            """), encoding="utf-8")
        (root / "modules" / module / "reflection.yaml").write_text(textwrap.dedent(f"""\
            schema: mentor-reflection/1
            module: {module}
            title: Reflect
            prompts:
              - {{id: p1, title: One, text: Write., points: 5}}
            """), encoding="utf-8")
    (root / "modules" / "course.yaml").write_text(COURSE_YAML, encoding="utf-8")
    (root / "modules" / "assessment.yaml").write_text(ASSESSMENT_YAML, encoding="utf-8")
    return root


class Clock:
    """Timestamps one second apart, so "newer" and "first" are certain in every test."""

    def __init__(self, start: int = 0) -> None:
        self.t = start

    def __call__(self) -> str:
        self.t += 1
        day, rest = divmod(self.t, 86_400)
        hours, rest = divmod(rest, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"2025-03-{1 + day:02d}T{hours:02d}:{minutes:02d}:{seconds:02d}.000Z"


class DocBuilder:
    """Build a progress document event by event, with the real apply functions."""

    def __init__(self, learner: str = "mentor-test000001", clock: Clock | None = None) -> None:
        self.clock = clock or Clock()
        self.doc: dict[str, Any] = progress.new_progress(learner, now=self.clock())

    def rate(self, phase: str, ratings: dict[str, int | None], course: str = "small-course") -> DocBuilder:
        for item, value in ratings.items():
            self.doc = records.apply_event(self.doc, records.rate_event(phase, item, value, course=course,
                                                                        at=self.clock()))
        return self

    def goal(self, phase: str, text: str) -> DocBuilder:
        rev = records.goal_rev(self.doc, phase)
        self.doc = records.apply_event(self.doc, records.goal_event(phase, text, rev, at=self.clock()))
        return self

    def play(self, key: str, history: list[str], ending: str | None = None) -> DocBuilder:
        """A position; with ``ending``, a finished play-through."""
        extra = {"ended": {"ending": ending, "totals": {}}} if ending else {}
        self.doc = progress.apply_event(self.doc, progress.make_event("scenario.position", at=self.clock(),
                                                                      scenario=key, history=history, **extra))
        return self

    def answer(self, module: str, question: str = "q1", correct: bool = True) -> DocBuilder:
        self.doc = progress.apply_event(self.doc, progress.make_event(
            "selfcheck.answer", at=self.clock(), module=module, question=question, selected=["a"], correct=correct))
        return self

    def draft(self, module: str, prompt: str = "p1", text: str = "My reflection.") -> DocBuilder:
        self.doc = progress.apply_event(self.doc, progress.make_event(
            "draft.save", at=self.clock(), module=module, prompt=prompt, text=text, base_rev=0))
        return self

    def name(self, name: str) -> DocBuilder:
        self.doc = progress.apply_event(self.doc, progress.make_event("learner.name", at=self.clock(), name=name))
        return self


@pytest.fixture
def builder() -> Callable[..., DocBuilder]:
    return DocBuilder


@pytest.fixture
def isolated_session(monkeypatch, tmp_path) -> Iterator[Callable[[Path], Path]]:
    """Point the kernel's learner session at a fresh progress file, working in ``folder``."""
    from widgets.ui.session import reset_sessions

    def use(folder: Path) -> Path:
        path = tmp_path / "progress" / "progress.json"
        monkeypatch.setenv("MENTOR_COURSE_PROGRESS", str(path))
        for var in ("MENTOR_COURSE_DATA", "QUERY_STRING", "MENTOR_COURSE_ROOT", "VOILA_PREHEAT"):
            monkeypatch.delenv(var, raising=False)
        monkeypatch.chdir(folder)
        reset_sessions()
        return path

    yield use
    reset_sessions()
