"""Does the course itself meet the content standards the issues set, file by file?

These run over the real ``modules/`` folder: every module in the manifest, every scenario, self-check,
reflection and notebook. A failure names the file and what is missing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import REPO
from widgets import engine
from widgets.content.loader import check_paths
from widgets.content.models import Scenario

RESULT = check_paths(root=REPO)
COURSE = RESULT.course
MODULES = [m.id for m in COURSE.modules] if COURSE else []
SCENARIOS = {sc.id: sc for sc in RESULT.scenarios}
CAPSTONE = "10-capstone"
NOTEBOOK_CALL = re.compile(r'^(from widgets import [a-z_, ]+\n?header\(\)|(play|selfcheck|reflect)\("[\w./-]+\.yaml"\))$')


def test_course_validates_without_errors():
    assert [str(e) for e in RESULT.errors] == []


def _core_modules() -> set[str]:
    """The modules of the core track (issue 15): from the `core` track of modules/course.yaml once the
    manifest declares tracks; before that, the two modules already cut to the core budget."""
    import yaml

    manifest = yaml.safe_load((REPO / "modules" / "course.yaml").read_text(encoding="utf-8"))
    for track in manifest.get("tracks") or []:
        if track.get("id") == "core":
            return set(track.get("modules") or [])
    return {"01-foundations", SAFEGUARDING}


SAFEGUARDING = "safeguarding"
CORE = _core_modules()


@pytest.mark.parametrize("module", MODULES)
def test_course_module_has_notebook_scenarios_selfcheck_and_reflection(module):
    """Every module is complete. A core module keeps to the core budget (issue 15: one scenario, at most
    six self-check items, one reflection prompt); an elective has at least one scenario, 5+ items, 1-3 prompts."""
    folder = REPO / "modules" / module
    assert (folder / "module.ipynb").is_file(), f"{module}: module.ipynb is missing"
    scenarios = [sc for sc in RESULT.scenarios if sc.module == module]
    # Issue 15: a core module carries one scenario (its time budget), an elective at least one.
    core = module in CORE
    assert scenarios, f"{module}: needs a scenario"
    checks = [s for s in RESULT.selfchecks if s.module == module]
    low, high = (5, 6) if core else (5, 99)
    assert checks and low <= len(checks[0].questions) <= high, (
        f"{module}: selfcheck.yaml needs {low} to {high} questions, has {len(checks[0].questions) if checks else 0}")
    kinds = {q.kind for q in checks[0].questions}
    assert kinds == {"single", "multiple"} or module == CAPSTONE, f"{module}: use both single and multiple questions"
    reflections = [r for r in RESULT.reflections if r.module == module]
    prompts = (1, 1) if core else (1, 3)
    assert reflections and prompts[0] <= len(reflections[0].prompts) <= prompts[1], (
        f"{module}: reflection.yaml needs {prompts[0]} to {prompts[1]} prompts")


def test_course_every_module_is_in_exactly_one_track():
    listed = [m for t in COURSE.tracks for m in t.modules]
    assert COURSE.core is not None, "course.yaml needs a 'core' track"
    assert sorted(listed) == sorted(MODULES), "every module in exactly one track (validate says which)"


def test_course_core_track_fits_in_its_measured_budget():
    """The core track a mentor finishes before the first meeting: at most max_minutes (240) measured."""
    from widgets.content.timing import measure_course

    timing, problems = measure_course(REPO)
    assert problems == []
    core = timing.track("core")
    assert core is not None and core.max_minutes == 240
    parts = ", ".join(f"{m} {timing.modules[m].total:.0f}" for m in core.modules)
    assert core.total <= core.max_minutes, f"core measures {core.total:.0f} minutes ({parts}); at most 240"
    over = [(t.module, t.declared, round(t.total)) for t in timing.modules.values() if not t.declared_ok]
    assert over == [], "declared minutes far from measured (module, declared, measured)"


def _is_acyclic(sc: Scenario) -> bool:
    state: dict[str, int] = {}

    def visit(nid: str) -> bool:
        if state.get(nid) == 1:
            return False
        if state.get(nid) == 2:
            return True
        state[nid] = 1
        node = sc.nodes[nid]
        targets = [c.goto for c in node.choices] + ([node.goto] if node.goto else [])
        ok = all(visit(t) for t in targets)
        state[nid] = 2
        return ok

    return visit(sc.start)


@pytest.mark.parametrize("sc", list(SCENARIOS.values()), ids=list(SCENARIOS))
def test_course_scenario_meets_the_branching_standard(sc: Scenario):
    best = engine.strongest_path(sc)
    points = engine.decision_points(sc, best)
    # The core capstone is short (issue 15: 5-7 decisions) but still asks for more than one module's skills.
    needed = 6 if sc.module == CAPSTONE else 4
    assert len(points) >= needed, f"{sc.file}: strongest path has {len(points)} decision points, needs {needed}"
    for node in sc.decision_nodes:
        assert len(node.choices) >= 3, f"{sc.file}: node '{node.id}' offers {len(node.choices)} options, needs 3"
        assert any(c.quality == "harmful" for c in node.choices), f"{sc.file}: node '{node.id}' has no harmful option"
        assert all(len(c.feedback.split()) >= 12 for c in node.choices), f"{sc.file}: feedback at '{node.id}' is too thin"
    kinds = {n.ending.kind for n in sc.nodes.values() if n.ending}
    assert "growth" in kinds and kinds & {"withdrawal", "repair"}, f"{sc.file}: endings are {sorted(kinds)}"
    assert _is_acyclic(sc), f"{sc.file}: the graph has a cycle; keep scenarios acyclic so every play ends"
    assert len(sc.debrief_prompts) >= 2, f"{sc.file}: add debrief prompts"
    assert sc.checklist, f"{sc.file}: add a live checklist for cohort play"
    # Ages, names, settings and storylines across the cast: tests/content/test_characters.py.
    for ch in sc.characters.values():
        assert ch.heritage, f"{sc.file}: {ch.name} needs a specific heritage"


@pytest.mark.parametrize("sc", list(SCENARIOS.values()), ids=list(SCENARIOS))
def test_course_scenario_tests_cover_strongest_and_a_harmful_path(sc: Scenario):
    paths = [tuple(t.path) for t in sc.tests]
    assert engine.strongest_path(sc) in paths, f"{sc.file}: add a test for the strongest path"
    harmful = {c.id for n in sc.nodes.values() for c in n.choices if c.quality == "harmful"}
    assert any(set(p) & harmful for p in paths), f"{sc.file}: add a test that takes a harmful option"


def _notebook(module: str) -> dict:
    return json.loads((REPO / "modules" / module / "module.ipynb").read_text(encoding="utf-8"))


@pytest.mark.parametrize("module", MODULES)
def test_course_notebook_is_thin_clean_and_complete(module):
    nb = _notebook(module)
    code = [("".join(c["source"]) if isinstance(c["source"], list) else c["source"]).strip()
            for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in nb["cells"] if c["cell_type"] == "code"), f"{module}: store the notebook without outputs"
    for src in code:
        assert NOTEBOOK_CALL.match(src), f"{module}: code cells hold one-line calls into widgets only, found:\n{src}"
    played = {m.group(1) for src in code for m in [re.match(r'play\("scenarios/([\w-]+)\.yaml"\)', src)] if m}
    own = {sc.id for sc in RESULT.scenarios if sc.module == module}
    assert own <= played, f"{module}: scenarios not played in the notebook: {sorted(own - played)}"
    for src in code:
        for path in re.findall(r'"([\w./-]+\.yaml)"', src):
            assert (REPO / "modules" / module / path).is_file(), f"{module}: notebook calls missing file {path}"
    first = "".join(nb["cells"][0]["source"])
    assert 'class="mc-lab-only"' in first and "Run All Cells" in first, (
        f"{module}: the first cell must tell a JupyterLab user to Run All (widgets appear only once it runs)")
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    for heading in ("Sources", "For facilitators"):
        assert heading in text, f"{module}: notebook lacks a '{heading}' section"
    assert re.search(r"\([A-Z][A-Za-z'’\- &.]+,? (19|20)\d\d[a-z]?\)", text), f"{module}: cite research as (Author Year)"


def test_course_every_competency_is_taught_by_a_scenario():
    scored = {comp for sc in SCENARIOS.values() for n in sc.nodes.values() for c in n.choices for comp in c.scores}
    assert set(COURSE.competency_ids) <= scored


def test_course_characters_are_varied():
    heritages = [ch.heritage for sc in SCENARIOS.values() for ch in sc.characters.values() if ch.heritage]
    assert len(set(heritages)) >= min(len(heritages), 12), "vary the mentees' heritages across the course"


def test_course_never_uses_imposed_labels_in_mentor_options():
    """The mentor's best words never impose labels such as 'hapa', 'half' or 'exotic' (CONTENT.md §D4)."""
    label = re.compile(r"\b(hapa|half[- ]?(asian|japanese|chinese|korean|filipin[oa])|exotic)\b", re.I)
    offenders = [f"{sc.file}:{c.id}" for sc in SCENARIOS.values() for n in sc.nodes.values() for c in n.choices
                 if c.quality == "best" and label.search(c.text)]
    assert offenders == []


def test_course_files_are_found_where_the_notebooks_expect_them():
    for module in MODULES:
        folder: Path = REPO / "modules" / module
        if (folder / "selfcheck.yaml").exists():
            assert any(s.file.endswith(f"{module}/selfcheck.yaml") for s in RESULT.selfchecks)


def test_course_every_scenario_knows_its_path():
    """Is every scenario written in the format whose endings can state claims that playtest proves
    (issue 13)? A v1 scenario has no memory of the path, so its endings cannot be checked."""
    assert sorted(sc.id for sc in RESULT.scenarios if sc.version != 2) == []


@pytest.mark.parametrize("sc", RESULT.scenarios, ids=lambda sc: sc.id)
def test_course_growth_endings_state_what_they_praise(sc: Scenario):
    """Does every growth ending say what must be true of a path that reaches it (claims that
    `mentor-course playtest` proves on every path)?"""
    unclaimed = [n.id for n in sc.nodes.values() if n.ending and n.ending.kind == "growth" and not n.ending.claims]
    assert unclaimed == [], f"{sc.file}: growth endings without claims: {unclaimed}"


def test_course_best_and_correct_options_are_not_given_away_by_length():
    """Course-wide, the best option is the longest at no more than 40% of decision points, and the
    correct option at no more than 40% of single-answer self-check questions (issue 13)."""
    from widgets.content.lint import length_shares

    shares = length_shares(RESULT.playable or RESULT.scenarios, RESULT.selfchecks)
    assert shares.decision_points and shares.single_questions
    assert shares.best_share <= 0.40, shares.summary()
    assert shares.correct_share <= 0.40, shares.summary()


#: A phone or text number: seven or more digits and separators. Regional resource packs fill numbers in.
PHONE_NUMBER = re.compile(r"\+?\d[\d\s().-]{5,}\d")


def test_course_safeguarding_module_follows_foundations_with_six_point_scenarios():
    """Issue 14: the safeguarding module comes early (before matching) and plays at least 6 decisions a scenario."""
    assert SAFEGUARDING in MODULES, "modules/course.yaml lacks the safeguarding module"
    assert MODULES[MODULES.index("01-foundations") + 1] == SAFEGUARDING
    own = [sc for sc in SCENARIOS.values() if sc.module == SAFEGUARDING]
    assert own, "the safeguarding module plays no scenario"
    for sc in own:
        points = engine.decision_points(sc, engine.strongest_path(sc))
        assert len(points) >= 6, f"{sc.file}: strongest path has {len(points)} decision points, needs 6"


SAFETY_PLACEHOLDERS = {
    # issue 15: the core module carries the essentials of crisis; forced marriage and family violence
    # moved, with Priya's scenario, to the elective that goes deeper
    SAFEGUARDING: {"emergency", "reporting_body", "crisis_line"},
    "boundaries-and-ethics-in-depth": {"emergency", "forced_marriage", "domestic_violence"},
}


@pytest.mark.parametrize("module", sorted(SAFETY_PLACEHOLDERS))
def test_course_safeguarding_module_hard_codes_no_phone_numbers(module):
    """Issue 14: helplines come from the regional resource packs through placeholders, never typed into content."""
    folder = REPO / "modules" / module
    texts = {str(p.relative_to(REPO)): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.yaml"))}
    nb = _notebook(module)
    texts["module.ipynb prose"] = "\n".join("".join(c["source"]) for c in nb["cells"]
                                            if c["cell_type"] == "markdown" and c.get("id") != "sources")
    found = {name: PHONE_NUMBER.findall(text) for name, text in texts.items() if PHONE_NUMBER.search(text)}
    assert found == {}
    placeholders = set(re.findall(r"\{([a-z_]+)\}", "\n".join(texts.values())))
    assert SAFETY_PLACEHOLDERS[module] <= placeholders


@pytest.mark.parametrize(("path", "heard"), [
    (["e1-stay", "e2-ask", "pm-ask", "ms-together", "e3-honest", "e4-together", "rf-escalate", "e5-inform",
      "e6-continue", "vm-mum"], True),
    # the pills brushed off, then repaired: this path never passes "Please don't tell anyone"
    (["e1-stay", "e2-ask", "pm-ask", "ms-stupid", "el-stay-means", "e5-inform", "e6-continue", "vm-mum"], False),
])
def test_ethan_calling_his_mom_says_he_asked_not_to_only_where_he_did(path, heard):
    """Module 06, "Everyone would be better off without me": calling Ethan's mom was told "he asked you
    not to tell her" on every path, but one path never reaches his "My mom can't find out"."""
    sc = SCENARIOS["better-off-without-me"]
    st = engine.replay(sc, path)
    said = " ".join(e.text for e in engine.transcript(sc, st))
    shown = " ".join(e.text for e in engine.transcript(sc, st, with_feedback=True)
                     if e.kind == "feedback") + " " + engine.ending_text(engine.ending(sc, st),
                                                                        engine.state_values(sc, st))
    assert ("can't find out" in said) is heard
    assert (re.search(r"asked you[^.]* not to tell", shown) is not None) is heard, shown


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_scenario_best_option_does_not_always_sit_in_one_place(scenario_id):
    """Options are shown in file order. In four scenarios the best one came first at every decision
    point, so a mentor learned "the first is best" instead of reading (a position cue, like the length
    cue lint.py warns about). No place may hold the best option at more than 3/4 of the points."""
    sc = SCENARIOS[scenario_id]
    places = [next(i for i, c in enumerate(node.choices) if c.quality == "best")
              for node in sc.nodes.values() if len(node.choices) > 1 and any(c.quality == "best" for c in node.choices)]
    top = max(places.count(p) for p in set(places))
    assert top <= 0.75 * len(places), f"{scenario_id}: best option in one place at {top} of {len(places)} points"
