"""Is a rubric file checked like every other content file: every problem, with its line and a stable code?"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from widgets.content.errors import ContentInvalid
from widgets.content.loader import check_paths
from widgets.content.schema import KINDS
from widgets.grading.rubric import check_rubric, load_rubric

GOOD = """\
schema: mentor-rubric/1
id: tiny
title: Tiny rubric
levels:
  - {id: low, title: Low, points: 1}
  - {id: high, title: High, points: 2}
criteria:
  - id: clarity
    title: Clarity
    descriptors: {low: Vague, high: Clear}
  - id: feeling
    title: Feeling
    descriptors: {low: Absent, high: Explored}
bands:
  - {id: early, title: Early, min: 2, max: 3}
  - {id: late, title: Late, min: 4, max: 4}
safeguarding: {label: Concern, help: Raise it when needed.}
snippets:
  - {id: more, criterion: clarity, text: Say more.}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rubric.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[tuple[str, int, int]]:
    rubric, errors = check_rubric(write(tmp_path, text), display="rubric.yaml")
    assert rubric is None
    return [(e.code, e.line, e.col) for e in errors]


def test_rubric_kind_is_registered_with_the_content_loader():
    assert KINDS["rubric"] == ("mentor-rubric", "rubric.v1.json")


def test_rubric_good_file_loads(tmp_path):
    rubric = load_rubric(write(tmp_path, GOOD))
    assert rubric.max_total == 4 and rubric.band_for(3).id == "early"
    assert rubric.snippets_for("clarity")[0].text == "Say more."


def test_rubric_course_rubric_validates_through_check_paths():
    from tests.conftest import REPO

    result = check_paths([REPO / "course" / "rubrics"], root=REPO)
    assert [str(e) for e in result.errors] == []
    assert [r.id for r in result.others["rubric"]] == ["reflection"]


def test_rubric_schema_errors_have_positions(tmp_path):
    text = GOOD.replace("points: 2}", "points: two}").replace("title: Feeling", "titel: Feeling")
    assert problems(tmp_path, text) == [
        ("schema.type", 6, 37), ("schema.required", 11, 5), ("schema.unknown-key", 12, 5)]


def test_rubric_levels_must_rise(tmp_path):
    # Equal levels also shrink the possible totals to 2-2, so both bands now reach outside them.
    assert problems(tmp_path, GOOD.replace("points: 2}", "points: 1}")) == [("rubric.level-order", 6, 37),
                                                                            ("rubric.bands", 15, 5),
                                                                            ("rubric.bands", 16, 5)]


def test_rubric_every_criterion_describes_every_level(tmp_path):
    text = GOOD.replace("{low: Vague, high: Clear}", "{low: Vague, hihg: Clear}")
    _, errors = check_rubric(write(tmp_path, text), display="rubric.yaml")
    assert [(e.code, e.line) for e in errors] == [("rubric.descriptor-missing", 10), ("rubric.descriptor-unknown", 10)]
    assert "did you mean 'high'?" in errors[1].message


@pytest.mark.parametrize(("bands", "message"), [
    ("  - {id: early, title: Early, min: 2, max: 2}\n  - {id: late, title: Late, min: 4, max: 4}\n",
     "no band covers the total(s) 3"),
    ("  - {id: early, title: Early, min: 2, max: 3}\n  - {id: late, title: Late, min: 3, max: 4}\n",
     "a total of 3 is in both 'early' and 'late'"),
    ("  - {id: early, title: Early, min: 2, max: 3}\n  - {id: late, title: Late, min: 4, max: 9}\n",
     "reaches outside the possible totals 2-4"),
])
def test_rubric_bands_cover_every_total_once(tmp_path, bands, message):
    head, _, tail = GOOD.partition("bands:\n")
    tail = tail[tail.index("safeguarding"):]
    _, errors = check_rubric(write(tmp_path, head + "bands:\n" + bands + tail))
    assert any(message in e.message and e.code == "rubric.bands" for e in errors), errors


def test_rubric_snippet_names_a_known_criterion(tmp_path):
    assert problems(tmp_path, GOOD.replace("criterion: clarity", "criterion: clarty")) == [("ref.criterion", 19, 27)]


def test_rubric_duplicate_ids(tmp_path):
    assert problems(tmp_path, GOOD.replace("id: feeling", "id: clarity")) == [("id.duplicate", 11, 9)]


def test_rubric_load_raises_with_every_error(tmp_path):
    with pytest.raises(ContentInvalid) as err:
        load_rubric(write(tmp_path, GOOD.replace("schema: mentor-rubric/1", "schema: mentor-rubric/2")))
    assert [e.code for e in err.value.errors] == ["schema.version"]
