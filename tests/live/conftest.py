"""Builders for the live-room tests: a scenario made for rooms (two decision points, a checklist, debrief
prompts), its payload, and stores on each backend.

``store`` is parametrised over SQLite in memory, a SQLite file in WAL mode and, marked ``postgres``, a
real PostgreSQL (database ``test`` on 127.0.0.1:5432 as user postgres, or ``$MENTOR_COURSE_TEST_PG``),
each test in a fresh schema that is dropped afterwards. Without a reachable server those cases are
skipped with a message saying what was tried.
"""

from __future__ import annotations

import os
import secrets
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from widgets.content.loader import load_course
from widgets.content.models import Scenario, scenario_from_dict
from widgets.live.store import RoomStore, scenario_payload

PG_URL = os.environ.get("MENTOR_COURSE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")

LIVE_YAML = """\
schema: mentor-scenario/1
id: live-tiny
title: Live <b>tiny</b>
module: 01-tiny
summary: Two decisions with Mei.
competencies: [validation, listening]
characters:
  mei: {name: Mei, heritage: Japanese and Filipino}
start: opening
nodes:
  opening:
    lines:
      - {speaker: narrator, text: "Mei sits down."}
      - {speaker: mei, text: "A coworker asked where I'm really from. Again."}
    choices:
      - id: validate
        text: That sounds exhausting. What did it bring up?
        quality: best
        scores: {validation: 2, listening: 1}
        feedback: Validating first lets Mei lead.
        reply: [{speaker: mei, text: "Tired, mostly."}]
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
    choices:
      - id: reflect
        text: A guest, in a place you belong.
        quality: best
        scores: {listening: 2}
        feedback: Her own words, reflected.
        goto: good-ending
      - id: advise
        text: You should report it.
        quality: mixed
        scores: {listening: -1}
        feedback: Advice before understanding.
        goto: good-ending
  good-ending:
    ending: {kind: growth, title: Mei keeps talking, text: She felt heard.}
  withdraw:
    ending: {kind: withdrawal, title: Mei changes the subject, text: She stopped.}
debrief:
  prompts: ["What made Mei keep talking?"]
  notes: Facilitator-only notes.
live:
  roles: {mentor: decide, mentee: read, observer: checklist}
  checklist:
    - {id: validated-first, text: Validated before asking, competency: validation}
    - {id: reflected, text: Reflected her words, competency: listening}
tests:
  - {name: strongest, path: [validate, reflect], expect: {ending: good-ending}}
  - {name: harmful, path: [dismiss], expect: {ending: withdraw}}
"""


@pytest.fixture
def live_yaml(write_scenario) -> Path:
    return write_scenario(textwrap.dedent(LIVE_YAML), name="live-tiny.yaml")


@pytest.fixture
def payload(live_yaml: Path, course_root: Path) -> dict[str, Any]:
    course = load_course(course_root / "modules" / "course.yaml")
    return scenario_payload(live_yaml, course=course)


@pytest.fixture
def scenario(payload: dict[str, Any]) -> Scenario:
    return scenario_from_dict(payload["scenario"])


class Clock:
    """A clock the test moves by hand (rooms expire; failed joins age)."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


def postgres_or_skip() -> str:
    """The test server's URL, or skip the test saying which server could not be reached."""
    try:
        import psycopg
    except ImportError:
        pytest.skip("psycopg is not installed: pip install 'mixed-heritage-mentoring[postgres]'")
    try:
        psycopg.connect(PG_URL, connect_timeout=3).close()
    except psycopg.Error as exc:
        pytest.skip(f"no PostgreSQL reachable at {PG_URL} ({str(exc).strip().splitlines()[0]}); "
                    "set MENTOR_COURSE_TEST_PG to test against another server")
    return PG_URL


def drop_schema(url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL store URL with a schema of its own, dropped after the test."""
    base = postgres_or_skip()
    schema = f"mc_live_test_{secrets.token_hex(4)}"
    yield f"{base}?schema={schema}"
    drop_schema(base, schema)


@pytest.fixture(params=["sqlite-memory", "sqlite-file", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite-memory":
        return "sqlite:///:memory:"
    if request.param == "sqlite-file":
        return f"sqlite:///{tmp_path / 'rooms.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(store_url: str, clock: Clock) -> Iterator[RoomStore]:
    with RoomStore(store_url, clock=clock) as st:
        yield st
