"""Regional resource packs: does every pack validate, do placeholders in content name real roles
(reported at the placeholder's own line and column), and is the text filled from the right pack?"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import nbformat
import pytest

from tests.conftest import REPO, SCENARIO_YAML
from widgets.content import resources
from widgets.content.loader import check_paths, load_scenario
from widgets.content.resources import (
    UNVERIFIED,
    choose_region,
    fill_model,
    fill_text,
    fill_words,
    load_packs,
    pack_from_dict,
)

REGIONS = {"US", "CA", "GB", "IE", "AU", "NZ", "SG", "MY", "PH", "JP", "HK", "generic"}

PACK = """\
schema: mentor-resources/1
region: {region}
name: {name}
checked: "2026-12-06"
resources:
  emergency: {{name: Emergency services, phone: "911", serves: Anyone in danger, languages: [English],
              hours: 24 hours, source: "https://example.org/e", checked: "2026-12-06"}}
  crisis_line: {{name: Test Lifeline, phone: "988", text: "988", serves: Anyone, languages: [English],
                hours: 24 hours, source: "https://example.org/c", checked: "2026-12-06"}}
  crisis_text: {{name: Text Line, text: "741741", text_keyword: HOME, serves: Anyone, languages: [English],
                hours: 24 hours, source: "https://example.org/t", checked: "2026-12-06", verified: false}}
  reporting_body: {{not_available: None here., say: the service your protocol names}}
  domestic_violence: {{not_available: None confirmed.}}
  forced_marriage: {{not_available: None confirmed., see: crisis_line}}
  therapist_directory: {{name: A directory, web: "https://example.org/d", serves: Anyone, languages: [English],
                        hours: Online, source: "https://example.org/d", checked: "2026-12-06"}}
{extra}"""


def write_pack(root: Path, region: str = "CA", name: str = "Canada", extra: str = "", file: str | None = None) -> Path:
    folder = root / "modules" / "resources"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (file or f"{region.lower()}.yaml")
    path.write_text(PACK.format(region=region, name=name, extra=extra), encoding="utf-8")
    return path


@pytest.fixture
def packs_root(course_root: Path) -> Path:
    write_pack(course_root, "generic", "No region chosen")
    write_pack(course_root, "CA", "Canada")
    return course_root


def codes(result) -> list[tuple[str, int, int]]:
    return [(e.code, e.line, e.col) for e in result.errors]


# ------------------------------------------------------------------------------------------- the real packs
def test_resources_every_region_pack_exists_and_validates():
    result = check_paths([REPO / "modules" / "resources"], root=REPO)
    assert result.errors == []
    assert {p.region for p in result.others["resource pack"]} >= REGIONS


def test_resources_every_real_entry_names_its_source_and_date():
    packs = load_packs(REPO)
    assert set(packs) >= REGIONS
    for pack in packs.values():
        assert set(pack.roles) >= set(resources.ROLES), pack.region
        for entry in (*pack.entries, *pack.directories):
            assert entry.source.startswith(("https://", "http://")) and re.match(r"\d{4}-\d\d-\d\d$", entry.checked)


def test_resources_canada_fills_988_and_says_it_launched():
    ca = load_packs(REPO)["CA"]
    words = fill_text("call {crisis_line}", ca)
    assert "9-8-8" in words and "call or text 988" in words


# ------------------------------------------------------------------------------------------- placeholders
def test_resources_unknown_placeholder_is_located_with_a_did_you_mean(packs_root, write_scenario):
    write_scenario(SCENARIO_YAML.replace("feedback: Validating first lets Mei lead.",
                                         "feedback: Validating first; then offer {crisis_lines}."))
    result = check_paths(root=packs_root)
    assert codes(result) == [("resources.unknown-placeholder", 19, 48)]
    assert "did you mean '{crisis_line}'" in result.errors[0].message
    assert str(result.errors[0]).startswith("modules/01-tiny/scenarios/tiny.yaml:19:48: resources.unknown-placeholder")


def test_resources_known_placeholders_pass_and_flow_mappings_are_not_placeholders(packs_root, write_scenario):
    write_scenario(SCENARIO_YAML.replace("feedback: Validating first lets Mei lead.",
                                         "feedback: Offer {crisis_line} and {emergency}; {reporting_body}."))
    assert check_paths(root=packs_root).errors == []  # `scores: {validation: 2, listening: 1}` is YAML, not a placeholder


def test_resources_role_missing_from_one_pack_is_an_error(packs_root, write_scenario):
    extra = '  protocol_contact: {name: Our coordinator, say: your coordinator, serves: Mentors, languages: [English],' \
            ' hours: Office hours, source: "https://example.org/p", checked: "2026-12-06"}\n'
    write_pack(packs_root, "CA", "Canada", extra=extra)
    write_scenario(SCENARIO_YAML.replace("feedback: Validating first lets Mei lead.",
                                         "feedback: Call {protocol_contact}."))
    result = check_paths(root=packs_root)
    assert codes(result) == [("resources.unknown-placeholder", 19, 24)]
    assert "missing from the resource pack(s) generic" in result.errors[0].message
    write_pack(packs_root, "generic", "No region chosen", extra=extra)  # now every pack has it
    assert check_paths(root=packs_root).errors == []


def test_resources_placeholders_in_selfchecks_and_reflections_are_checked(packs_root):
    folder = packs_root / "modules" / "01-tiny"
    (folder / "reflection.yaml").write_text(textwrap.dedent("""\
        schema: mentor-reflection/1
        module: 01-tiny
        title: Reflection
        prompts:
          - id: plan
            title: Plan
            text: Who is {crisis_lne} where you mentor?
            points: 5
        """), encoding="utf-8")
    result = check_paths(root=packs_root)
    assert ("resources.unknown-placeholder", 7, 18) in codes(result)


def test_resources_pack_checks(packs_root):
    write_pack(packs_root, "US", "United States", file="ca-copy.yaml")
    bad_see = write_pack(packs_root, "NZ", "New Zealand")
    bad_see.write_text(bad_see.read_text().replace("see: crisis_line", "see: crisis_lin"), encoding="utf-8")
    result = check_paths([packs_root / "modules" / "resources"], root=packs_root)
    assert [(e.code, Path(e.file).name) for e in result.errors] == [
        ("resources.region-mismatch", "ca-copy.yaml"), ("resources.see-unknown", "nz.yaml")]
    assert "did you mean 'crisis_line'" in result.errors[1].message


def test_resources_pack_schema_errors_are_located(packs_root):
    path = write_pack(packs_root, "SG", "Singapore")
    path.write_text(path.read_text().replace('phone: "911"', 'phone: "call 911"'), encoding="utf-8")
    result = check_paths([path], root=packs_root)
    assert [(e.code, e.line) for e in result.errors] == [("schema.invalid", 6)]


def test_resources_generic_pack_is_required(course_root):
    write_pack(course_root, "CA", "Canada")
    result = check_paths([course_root / "modules" / "resources"], root=course_root)
    assert [e.code for e in result.errors] == ["resources.generic-missing"]


def test_resources_course_region_must_name_a_pack(packs_root):
    manifest = packs_root / "modules" / "course.yaml"
    manifest.write_text(manifest.read_text().replace("title: A tiny course\n", "title: A tiny course\nregion: XX\n"),
                        encoding="utf-8")
    mine = ("resources.", "course.region")
    assert [c for c in codes(check_paths(root=packs_root)) if c[0].startswith(mine)] == [("course.region-unknown", 4, 9)]
    manifest.write_text(manifest.read_text().replace("region: XX", "region: ca"), encoding="utf-8")
    assert [c for c in codes(check_paths(root=packs_root)) if c[0].startswith(mine)] == []


# ------------------------------------------------------------------------------------------- filling
@pytest.fixture
def pack():
    import yaml

    return pack_from_dict(yaml.safe_load(PACK.format(region="CA", name="Canada", extra="")), "ca.yaml")


def test_resources_fill_words_name_and_how_to_reach(pack):
    assert fill_words(pack, "crisis_line") == "Test Lifeline (call or text 988)"
    assert fill_words(pack, "emergency") == "Emergency services (call 911)"
    assert fill_words(pack, "therapist_directory") == "A directory (https://example.org/d)"


def test_resources_unverified_entries_carry_their_mark(pack):
    assert fill_words(pack, "crisis_text") == f"Text Line (text HOME to 741741) [{UNVERIFIED}]"


def test_resources_absent_roles_say_so(pack):
    assert fill_words(pack, "domestic_violence") == "not available here"
    assert fill_words(pack, "reporting_body") == "the service your protocol names"
    assert fill_words(pack, "forced_marriage") == "not available here (try Test Lifeline (call or text 988))"


def test_resources_fill_text_leaves_unknown_and_non_placeholders_alone(pack):
    text = "Call {crisis_line}; {unknown} stays; {{crisis_line}} is escaped; {a: 1} is YAML."
    assert fill_text(text, pack) == ("Call Test Lifeline (call or text 988); {unknown} stays; {{crisis_line}} is "
                                     "escaped; {a: 1} is YAML.")
    assert fill_text("no placeholders", None) == "no placeholders"


def test_resources_fill_model_fills_every_text_and_keeps_ids(pack, course_root, write_scenario):
    path = write_scenario(SCENARIO_YAML.replace("text: They were just curious.", "text: Call {crisis_line}.")
                          .replace("text: She felt heard.}", 'text: "She kept {emergency} in mind."}'))
    sc = load_scenario(path)
    filled = fill_model(sc, pack)
    choice = next(c for c in filled.nodes["opening"].choices if c.id == "dismiss")
    assert choice.text == "Call Test Lifeline (call or text 988)."
    assert filled.nodes["good-ending"].ending.text == "She kept Emergency services (call 911) in mind."
    assert [c.id for c in filled.nodes["opening"].choices] == [c.id for c in sc.nodes["opening"].choices]
    assert next(c for c in sc.nodes["opening"].choices if c.id == "dismiss").text == "Call {crisis_line}."  # original kept
    assert fill_model(sc.nodes["explore"], pack) is sc.nodes["explore"]  # nothing to fill: the same object


def test_resources_fill_model_fills_plain_yaml_data(pack):
    data = {"nodes": {"a": {"lines": [{"text": "Ring {emergency}"}]}}, "n": 3}
    assert fill_model(data, pack)["nodes"]["a"]["lines"][0]["text"] == "Ring Emergency services (call 911)"


# ------------------------------------------------------------------------------------------- which region
def test_resources_region_choice_order():
    have = ["generic", "CA", "SG"]
    assert choose_region(have, env={}) == ("generic", "default")
    assert choose_region(have, env={}, course="sg") == ("SG", "course")
    assert choose_region(have, env={"MENTOR_COURSE_REGION": "CA"}, course="SG") == ("CA", "server")
    assert choose_region(have, learner="SG", env={"MENTOR_COURSE_REGION": "CA"}) == ("SG", "learner")
    assert choose_region(have, learner="XX", env={"MENTOR_COURSE_REGION": "ZZ"}) == ("generic", "default")


# ------------------------------------------------------------------------------------------- no numbers in content
#: A helpline or emergency number written into course text: a 3-digit emergency number or a phone-number
#: shape (digits in groups, 5+ digits in all) within a few words of call/text/dial/phone/line/hotline/...
_WORD = r"(?:call(?:ing)?|text(?:ing)?|dial(?:ling)?|phone|ring|sms|whatsapp|(?:help|hot|crisis|life)line|line|number)"
_NUMBER = r"(?<![\w.-])(?:\+?\d[\d ()-]{3,}\d|\d{3})(?![\w.-])"
HARD_CODED = re.compile(rf"\b{_WORD}\b\W+(?:\w+\W+){{0,3}}?(?P<n>{_NUMBER})|(?P<m>{_NUMBER})\W+(?:\w+\W+){{0,2}}?{_WORD}\b",
                        re.I)


def hard_coded_numbers(text: str) -> list[str]:
    """Phone-like numbers near a calling word; years (19xx/20xx), page ranges and citations are not."""
    found = []
    for m in HARD_CODED.finditer(text):
        number = (m.group("n") or m.group("m")).strip()
        digits = re.sub(r"\D", "", number)
        if re.fullmatch(r"(19|20)\d\d", digits) or re.fullmatch(r"\d{1,2}|\d{4}", digits):
            continue  # a year, a count, or a 4-digit figure
        found.append(number)
    return found


@pytest.mark.parametrize("text", [
    "Call 988 now.", "text HOME to 741741", "dial 9-8-8", "ring Samaritans on 116 123",
    "the line is 0800 733 843", "call 911 if", "phone 1-800-273-8255 any time", "999 is the number",
])
def test_resources_hard_coded_number_detector_finds(text):
    assert hard_coded_numbers(text)


@pytest.mark.parametrize("text", [
    "In 2023 the line launched.", "call it 2019 survey figures", "see pages 12-15 of the report",
    "Dazzi et al. 2014 found asking does not raise risk", "call {crisis_line} now", "18 of 20 mentors called back",
    "scores: {validation: 2}", "In 2002-03 the survey", "text your mentee",
])
def test_resources_hard_coded_number_detector_ignores(text):
    assert hard_coded_numbers(text) == []


def _content_texts() -> list[tuple[str, str]]:
    out = []
    for path in sorted((REPO / "modules").rglob("*.y*ml")):
        if "resources" in path.relative_to(REPO / "modules").parts:
            continue  # the packs are where numbers belong
        out.append((str(path.relative_to(REPO)), path.read_text(encoding="utf-8")))
    for path in sorted((REPO / "modules").rglob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        out += [(f"{path.relative_to(REPO)} cell {i}", c.source) for i, c in enumerate(nb.cells)
                if c.cell_type == "markdown"]
    return out


def test_resources_no_module_hard_codes_a_helpline_number():
    offenders = [(where, n) for where, text in _content_texts() for n in hard_coded_numbers(text)]
    assert offenders == [], "write {crisis_line}/{emergency} (YAML) or point to the resources box (notebooks)"


def test_resources_every_content_file_parses_without_libyaml():
    """Does every YAML file under modules/ load with PyYAML's pure-Python parser too? The validator uses
    libyaml when it is there; a machine without it (or an author's editor) must read the same files. An
    unquoted URL with `?` inside a flow list (`[https://x/?a=1]`) passed libyaml and failed pure Python."""
    import yaml

    broken = []
    for path in sorted((REPO / "modules").rglob("*.yaml")):
        try:
            yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            broken.append(f"{path.relative_to(REPO)}: {exc.__class__.__name__}")
    assert broken == []


def test_resources_emergency_fills_as_a_phrase_after_call():
    """Content writes "call {emergency}"; every pack must fill it as words that follow "call" (not
    "call Emergency services (...) (call 911)")."""
    from widgets.content.resources import fill_text, load_packs

    for code, pack in load_packs(REPO).items():
        filled = fill_text("call {emergency}", pack)
        assert filled.count("call") == 1 and (filled[5:6].islower() or filled[5:6].isdigit()), (code, filled)
