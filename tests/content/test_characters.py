"""Characters beyond the formula (issue 15, item 3): who the course's characters are, and the rules a
varied cast must keep.

``pytest -s tests/content/test_characters.py`` prints every scenario character's name, heritage,
country and place (the ``setting:`` key) and age. The rules, over the whole course:

- at most 3 hyphenated surnames (names as real families have them);
- at least one mentee under 18 in a youth programme (their ``context:`` says "youth");
- at least one mentee aged 40 or over;
- at least 3 scenarios set in Asia (the mentee's ``setting: {country: ...}`` is an Asian country);
- no storyline marker (:data:`MARKERS`) in more than one scenario.

The mentee of a scenario is its FIRST character (the convention every scenario follows: the mentee
first, then anyone else in the room). Set ``MENTOR_COURSE_CHARACTERS_ROOT`` to check another checkout.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from widgets.content.loader import _check_file, display_path
from widgets.content.models import Character, Scenario

ROOT = Path(os.environ.get("MENTOR_COURSE_CHARACTERS_ROOT") or REPO)

MAX_HYPHENATED = 3
MAX_YOUTH_AGE = 17
MIN_MIDCAREER_AGE = 40
MIN_ASIA_SCENARIOS = 3

#: Countries read as "in Asia" (common English names, as ``setting.country`` gives them).
ASIA = frozenset({
    "afghanistan", "armenia", "azerbaijan", "bahrain", "bangladesh", "bhutan", "brunei", "cambodia", "china",
    "georgia", "hong kong", "india", "indonesia", "iran", "iraq", "israel", "japan", "jordan", "kazakhstan",
    "kuwait", "kyrgyzstan", "laos", "lebanon", "macau", "malaysia", "maldives", "mongolia", "myanmar", "nepal",
    "north korea", "oman", "pakistan", "palestine", "philippines", "the philippines", "qatar", "saudi arabia",
    "singapore", "south korea", "korea", "sri lanka", "syria", "taiwan", "tajikistan", "thailand", "timor-leste",
    "turkmenistan", "united arab emirates", "uae", "uzbekistan", "vietnam", "yemen",
})

#: Storyline markers: phrases that make two mentees' stories the same story. Each may appear in at most
#: one scenario. ``mentee_only`` markers count only in lines the mentee speaks.
MARKERS: dict[str, tuple[re.Pattern[str], bool]] = {
    # "since March ... I wake up at four and just lie there": the sleeplessness story (06 has it).
    "sleepless-at-four": (re.compile(r"\b(wake|wakes|waking|woke|awake|up) (up )?at (four|4)\b", re.I), False),
    "since-march": (re.compile(r"\bsince march\b", re.I), False),
    # The prestige-career parent ("be a doctor/lawyer/engineer"): only 04 medicine-or-design.
    "prestige-career": (re.compile(r"\b(be|become|becoming|being) an? \*?(doctor|lawyer|engineer)\b"
                                   r"|\bmed(ical)? school\b|\bpre-?med\b", re.I), False),
    # A mentee who says their family would "lose face" (06 family-would-lose-face).
    "lose-face": (re.compile(r"\blos(e|es|ing|t) face\b", re.I), True),
}


def _scenarios(root: Path) -> list[Scenario]:
    """Every scenario file that builds (problems elsewhere are the validator's business)."""
    out = []
    for f in sorted((root / "modules").glob("*/scenarios/*.y*ml")):
        model, _ = _check_file(f, "scenario", display=display_path(f, root))
        if model is not None:
            out.append(model)
    return out


SCENARIOS = _scenarios(ROOT)


def mentee(sc: Scenario) -> Character:
    return next(iter(sc.characters.values()))


def _surname_hyphenated(name: str) -> bool:
    words = name.split()
    return len(words) > 1 and "-" in words[-1]


def _texts(sc: Scenario) -> Iterator[tuple[str, str]]:
    """(speaker id or "", text) of everything a scenario shows or says about its people."""
    yield "", sc.summary
    for ch in sc.characters.values():
        yield "", ch.context
    for node in sc.nodes.values():
        for ln in node.lines:
            yield ln.speaker, ln.text
        for c in node.choices:
            yield "", c.text
            yield "", c.feedback
            for ln in c.reply:
                yield ln.speaker, ln.text
        if node.ending is not None:
            yield "", node.ending.title
            for part in node.ending.parts:
                yield "", part.text
    for prompt in sc.debrief_prompts:
        yield "", prompt
    yield "", sc.debrief_notes


def marker_hits(scenarios: list[Scenario]) -> dict[str, list[str]]:
    """Marker -> the scenarios (module/id) it appears in."""
    hits: dict[str, list[str]] = {name: [] for name in MARKERS}
    for sc in scenarios:
        who = next(iter(sc.characters), "")
        for name, (pattern, mentee_only) in MARKERS.items():
            if any(pattern.search(text) for speaker, text in _texts(sc) if not mentee_only or speaker == who):
                hits[name].append(f"{sc.module}/{sc.id}")
    return hits


def table(scenarios: list[Scenario]) -> str:
    rows = [("scenario", "role", "name", "age", "heritage", "country", "place")]
    for sc in scenarios:
        for k, ch in enumerate(sc.characters.values()):
            rows.append((f"{sc.module}/{sc.id}" if k == 0 else "", "mentee" if k == 0 else "other", ch.name,
                         "" if ch.age is None else str(ch.age), ch.heritage[:58], ch.country or "?", ch.place[:20]))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def test_characters_table_lists_every_character():
    print(f"\nCharacters of {len(SCENARIOS)} scenarios in {ROOT}:\n" + table(SCENARIOS))
    assert SCENARIOS, f"no scenarios found under {ROOT}/modules"
    for sc in SCENARIOS:
        assert mentee(sc).heritage, f"{sc.file}: the mentee ({mentee(sc).name}) needs a specific heritage"


def test_characters_at_most_three_hyphenated_surnames():
    names = sorted({ch.name for sc in SCENARIOS for ch in sc.characters.values() if _surname_hyphenated(ch.name)})
    assert len(names) <= MAX_HYPHENATED, (
        f"{len(names)} hyphenated surnames (at most {MAX_HYPHENATED}; names as real families have them): {names}")


def test_characters_include_a_mentee_under_18_in_a_youth_programme():
    youth = [f"{mentee(sc).name} ({mentee(sc).age}, {sc.id})" for sc in SCENARIOS
             if mentee(sc).age is not None and mentee(sc).age <= MAX_YOUTH_AGE
             and "youth" in mentee(sc).context.lower()]
    assert youth, "no mentee under 18 in a youth programme (an age and 'youth' in their context)"


def test_characters_every_under_18_mentee_is_in_a_youth_programme():
    loose = [f"{sc.file}: {mentee(sc).name} is {mentee(sc).age}" for sc in SCENARIOS
             if mentee(sc).age is not None and mentee(sc).age <= MAX_YOUTH_AGE
             and "youth" not in mentee(sc).context.lower()]
    assert loose == [], "a mentee under 18 is mentored only in a youth programme; say so in their context"


def test_characters_include_a_mentee_aged_40_or_over():
    older = [f"{mentee(sc).name} ({mentee(sc).age})" for sc in SCENARIOS
             if mentee(sc).age is not None and mentee(sc).age >= MIN_MIDCAREER_AGE]
    ages = sorted(mentee(sc).age for sc in SCENARIOS if mentee(sc).age is not None)
    assert older, f"no mentee aged {MIN_MIDCAREER_AGE} or over (mentees' ages: {ages})"


def test_characters_at_least_three_scenarios_set_in_asia():
    in_asia = [f"{sc.id} ({mentee(sc).country})" for sc in SCENARIOS if mentee(sc).country.strip().lower() in ASIA]
    unset = [sc.id for sc in SCENARIOS if not mentee(sc).country]
    assert len(in_asia) >= MIN_ASIA_SCENARIOS, (
        f"{len(in_asia)} scenario(s) set in Asia {in_asia}; at least {MIN_ASIA_SCENARIOS} (the mentee's "
        f"setting: {{country: ...}}; without a setting: {unset})")


@pytest.mark.parametrize("marker", list(MARKERS))
def test_characters_no_storyline_marker_in_two_scenarios(marker):
    found = marker_hits(SCENARIOS)[marker]
    assert len(found) <= 1, f"storyline marker '{marker}' appears in {len(found)} scenarios: {found}"


# --- the rules themselves can fail (on made-up casts), so a passing run means something

def _sc(sid: str, name: str, age: int | None, context: str, country: str = "", line: str = "Hello.") -> Scenario:
    from widgets.content.models import Line, Node

    ch = Character("m", name, age=age, heritage="Thai and Scottish", context=context, country=country)
    return Scenario(sid, sid, "x", "S.", (), {"m": ch}, "a", {"a": Node("a", (Line("m", line),))})


def test_characters_markers_and_rules_catch_a_formula_cast():
    cast = [_sc("one", "Ana Li-Brennan", 20, "A student.", "Ireland", "Since March I wake up at four."),
            _sc("two", "Bo Tran-Wu", 22, "A nurse.", "Japan", "I'm waking at four most nights."),
            _sc("three", "Cy Okafor", 25, "They say it would lose face.", "Japan",
                "Mum wants me to be a doctor; my family would lose face.")]
    hits = marker_hits(cast)
    assert hits["sleepless-at-four"] == ["x/one", "x/two"] and hits["since-march"] == ["x/one"]
    assert hits["prestige-career"] == ["x/three"] and hits["lose-face"] == ["x/three"]
    assert [_surname_hyphenated(mentee(s).name) for s in cast] == [True, True, False]
    assert "Ana Li-Brennan" in table(cast) and "Ireland" in table(cast)
