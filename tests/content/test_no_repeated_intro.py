"""No heading or intro repeated by the widget below it (issue 15, reading comfort).

A scenario player shows its scenario's title and summary; a self-check and a reflection show their
title and intro. A Markdown cell right above the call that says the same (``## Scenario 1: The
wedding`` above ``play(...)`` of "The wedding", or the self-check's intro pasted above it) makes the
mentor read everything twice. Fails on:

- the last heading of the Markdown cell just above a call naming the widget's title (after a prefix
  such as "Scenario 1:"), or the title containing that heading, when the heading is more than a generic
  word or two ("Reflection" above the reflection is a section name, not a repeat: see GENERIC);
- a sentence of the widget's summary or intro (6 words or more) appearing in that Markdown cell.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import REPO
from widgets.content.loader import _check_file, display_path

CALL = re.compile(r"""\b(play|selfcheck|reflect)\(\s*(?:["']([^"']+)["'])?\s*\)""")
DEFAULT = {"selfcheck": "selfcheck.yaml", "reflect": "reflection.yaml"}
KIND = {"play": "scenario", "selfcheck": "selfcheck", "reflect": "reflection"}
PREFIX = re.compile(r"^(scenario|role-?play|case)(\s+\d+)?\s*[:.\-–]\s*", re.I)
#: Headings that name a page section rather than repeat a widget's title.
GENERIC = {"reflection", "self-check", "selfcheck", "check your understanding", "scenario", "scenarios",
           "practice", "try it"}
MIN_SENTENCE_WORDS = 6


def norm(text: str) -> str:
    text = re.sub(r"<[^>]+>|[*_`#>\"“”‘’'!?.,:;()\[\]]", " ", text.lower())
    return " ".join(text.split())


def _sentences(text: str) -> list[str]:
    return [s for s in (norm(x) for x in re.split(r"(?<=[.!?])\s+", text)) if len(s.split()) >= MIN_SENTENCE_WORDS]


def notebooks() -> list[Path]:
    return sorted(p for p in (REPO / "modules").glob("*/*.ipynb") if p.parent.name != "live")


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def repeats(nb_path: Path) -> list[str]:
    """Every place in one notebook where the Markdown above a widget call repeats what the widget shows."""
    cells = json.loads(nb_path.read_text(encoding="utf-8"))["cells"]
    out = []
    for k, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        for fn, arg in CALL.findall(_source(cell)):
            target = nb_path.parent / (arg or DEFAULT.get(fn, ""))
            if not target.is_file() or k == 0 or cells[k - 1].get("cell_type") != "markdown":
                continue
            model, _ = _check_file(target, KIND[fn], display=display_path(target, REPO))
            if model is None:
                continue
            above = _source(cells[k - 1])
            headings = re.findall(r"^#{1,6}\s+(.+?)\s*$", above, re.M)
            title = norm(model.title)
            where = f"{display_path(nb_path, REPO)} cell {k} ({fn}('{arg or DEFAULT.get(fn, '')}'))"
            if headings:
                heading = norm(PREFIX.sub("", headings[-1].strip()))
                if heading and heading not in GENERIC and (heading == title or heading in title or title in heading):
                    out.append(f"{where}: heading '{headings[-1].strip()}' repeats the widget's title "
                               f"'{model.title}'")
            intro = getattr(model, "summary", "") or getattr(model, "intro", "")
            said = norm(above)
            for sentence in _sentences(intro):
                if sentence in said:
                    out.append(f"{where}: the Markdown above repeats the widget's intro: '{sentence}'")
                    break
    return out


@pytest.mark.parametrize("nb_path", notebooks(), ids=lambda p: p.parent.name)
def test_no_heading_or_intro_repeated_by_the_widget_below(nb_path):
    assert repeats(nb_path) == []


def test_repeats_are_found_when_a_heading_names_the_scenario(tmp_path):
    module = tmp_path / "modules" / "01-x"
    (module / "scenarios").mkdir(parents=True)
    source = next((REPO / "modules").glob("*/scenarios/the-wedding.yaml"))  # wherever the course keeps it
    (module / "scenarios" / "the-wedding.yaml").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    sc, _ = _check_file(module / "scenarios" / "the-wedding.yaml", "scenario")
    cells = [{"cell_type": "markdown", "source": f"## Scenario 2: {sc.title}\n\n{sc.summary}"},
             {"cell_type": "code", "source": 'play("scenarios/the-wedding.yaml")'},
             {"cell_type": "markdown", "source": "## Reflection\n\nWrite about your own listening."},
             {"cell_type": "code", "source": "reflect()"}]
    nb = module / "module.ipynb"
    nb.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    found = repeats(nb)
    assert len(found) == 2 and "repeats the widget's title" in found[0] and "intro" in found[1]
