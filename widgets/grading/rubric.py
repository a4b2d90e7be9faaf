"""Load the rubric YAML with the same machinery as every other content file, and check what a schema cannot.

Importing this module registers the ``rubric`` kind (``mentor-rubric/1``, ``rubric.v1.json``) with the
content loader, so ``check_paths`` validates rubric files found among other content.

Codes (each with a failing and a passing example):

``rubric.level-order``
    fails: ``levels: [{id: a, title: A, points: 2}, {id: b, title: B, points: 2}]``
    passes: ``levels: [{id: a, title: A, points: 1}, {id: b, title: B, points: 2}]``
``rubric.descriptor-missing`` / ``rubric.descriptor-unknown``
    fails: ``descriptors: {a: Vague}`` when the levels are ``a`` and ``b``, or ``{a: x, b: y, c: z}``
    passes: ``descriptors: {a: Vague, b: Specific}``
``rubric.bands``
    fails: bands ``5-9`` and ``11-20`` (10 is in no band), or ``5-10`` and ``10-20`` (10 in two)
    passes: ``5-9``, ``10-14``, ``15-18``, ``19-20`` for five criteria scored 1 to 4
``ref.criterion``
    fails: a snippet with ``criterion: emotion`` when the criterion id is ``emotions``
    passes: ``criterion: emotions``
``id.duplicate``
    fails: two levels, criteria, bands or snippets with the same id
"""

from __future__ import annotations

from difflib import get_close_matches
from pathlib import Path
from typing import Any

from widgets.content.errors import ContentError, ContentInvalid
from widgets.content.loader import display_path, register_checked_kind
from widgets.content.schema import schema_errors
from widgets.content.source import Source, read_source
from widgets.grading.score import Rubric, rubric_from_dict

KIND = "rubric"


def _unique_ids(src: Source, data: dict[str, Any], field: str) -> list[ContentError]:
    seen: set[str] = set()
    errors = []
    for i, item in enumerate(data.get(field) or ()):
        if item["id"] in seen:
            errors.append(src.error((field, i, "id"), "id.duplicate", f"{field} id '{item['id']}' is used twice"))
        seen.add(item["id"])
    return errors


def semantic_errors(src: Source) -> list[ContentError]:
    """Problems in schema-valid rubric data: order of levels, descriptors, bands, references."""
    data = src.data
    errors: list[ContentError] = []
    for field in ("levels", "criteria", "bands", "snippets"):
        errors += _unique_ids(src, data, field)
    levels = data["levels"]
    for i in range(1, len(levels)):
        if levels[i]["points"] <= levels[i - 1]["points"]:
            errors.append(src.error(("levels", i, "points"), "rubric.level-order",
                                    f"level '{levels[i]['id']}' is worth {levels[i]['points']} points, not more than "
                                    f"'{levels[i - 1]['id']}' before it; list levels lowest first, each worth more"))
    level_ids = [lv["id"] for lv in levels]
    for i, crit in enumerate(data["criteria"]):
        described = crit["descriptors"]
        missing = [lv for lv in level_ids if lv not in described]
        if missing:
            errors.append(src.error(("criteria", i, "descriptors"), "rubric.descriptor-missing",
                                    f"criterion '{crit['id']}' does not describe level(s) {', '.join(missing)}"))
        for key in described:
            if key not in level_ids:
                close = get_close_matches(key, level_ids, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                errors.append(src.error(("criteria", i, "descriptors", key), "rubric.descriptor-unknown",
                                        f"'{key}' is not a level of this rubric{hint}", at_key=True))
    errors += _band_errors(src, data)
    criterion_ids = [c["id"] for c in data["criteria"]]
    for i, snip in enumerate(data.get("snippets") or ()):
        crit = snip.get("criterion")
        if crit is not None and crit not in criterion_ids:
            close = get_close_matches(crit, criterion_ids, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            errors.append(src.error(("snippets", i, "criterion"), "ref.criterion",
                                    f"snippet '{snip['id']}' names unknown criterion '{crit}'{hint}"))
    return errors


def _band_errors(src: Source, data: dict[str, Any]) -> list[ContentError]:
    """Every possible total falls in exactly one band, and no band reaches outside the possible totals."""
    n = len(data["criteria"])
    points = [lv["points"] for lv in data["levels"]]
    low, high = n * min(points), n * max(points)
    errors = []
    covered: dict[int, str] = {}
    for i, band in enumerate(data["bands"]):
        if band["min"] > band["max"]:
            errors.append(src.error(("bands", i), "rubric.bands",
                                    f"band '{band['id']}' starts at {band['min']}, after its end {band['max']}"))
            continue
        if band["min"] < low or band["max"] > high:
            errors.append(src.error(("bands", i), "rubric.bands",
                                    f"band '{band['id']}' ({band['min']}-{band['max']}) reaches outside the possible "
                                    f"totals {low}-{high}"))
        for total in range(max(band["min"], low), min(band["max"], high) + 1):
            if total in covered:
                errors.append(src.error(("bands", i), "rubric.bands",
                                        f"a total of {total} is in both '{covered[total]}' and '{band['id']}'"))
                break
            covered[total] = band["id"]
    gaps = [t for t in range(low, high + 1) if t not in covered]
    if gaps and not errors:
        errors.append(src.error(("bands",), "rubric.bands",
                                f"no band covers the total(s) {', '.join(map(str, gaps))} (possible totals: {low}-{high})"))
    return errors


def check_rubric(path: Path | str, course: Any = None, *, display: str | None = None) -> tuple[Rubric | None, list[ContentError]]:
    """Read and check a rubric file: ``(rubric, [])`` or ``(None, every problem)``. ``course`` is unused
    (a rubric does not refer to modules); it is accepted so the loader can call every kind alike."""
    path = Path(path)
    file = display or display_path(path)
    src, errors = read_source(path, file)
    if src is None:
        return None, errors
    errors += schema_errors(src, KIND)
    if errors:
        return None, errors
    errors += semantic_errors(src)
    if errors:
        return None, sorted(errors)
    return rubric_from_dict(src.data, file), []


def load_rubric(path: Path | str) -> Rubric:
    """The rubric at ``path``, or :class:`ContentInvalid` listing every problem with its line."""
    rubric, errors = check_rubric(path)
    if errors or rubric is None:
        raise ContentInvalid(errors)
    return rubric


register_checked_kind(KIND, "mentor-rubric", "rubric.v1.json", check_rubric)
