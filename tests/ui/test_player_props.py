"""Does the pure player model show the right things, escaped, for each state?"""

from __future__ import annotations

import json

import pytest

from widgets import engine
from widgets.content.loader import load_scenario
from widgets.ui.player_props import props_for, signed
from widgets.ui.text import block, inline, plain


@pytest.fixture
def sc(module_dir):
    return load_scenario(module_dir / "scenarios" / "tiny.yaml")


def test_text_escapes_html_and_keeps_light_markdown():
    assert inline('<script>alert("x")</script> *really* **very** `code`') == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <em>really</em> <strong>very</strong> <code>code</code>")
    assert inline("a * b * c and 2*3") == "a * b * c and 2*3"
    assert block("one\nline\n\ntwo <b>") == "<p>one line</p><p>two &lt;b&gt;</p>"
    assert plain("*really* **very**") == "really very"


def test_player_props_warning_phase_hides_the_conversation(sc):
    p = props_for(sc, engine.start(sc))
    assert p["phase"] == "warning"
    assert p["warnings"] == ["a microaggression at work"]
    assert p["transcript"] == [] and p["choices"] == []
    assert p["title"] == "Tiny &lt;b&gt;talk&lt;/b&gt;"


def test_player_props_playing_shows_lines_and_full_choice_text(sc):
    p = props_for(sc, engine.start(sc), acknowledged=True)
    assert p["phase"] == "playing"
    assert [(e["kind"], e.get("name", "")) for e in p["transcript"]] == [("narration", ""), ("line", "Mei")]
    assert "&lt;script&gt;" in p["transcript"][1]["html"] and "<script>" not in json.dumps(p)
    assert "<em>really</em>" in p["transcript"][1]["html"]
    assert [c["html"] for c in p["choices"]] == [c.text for c in engine.available_choices(sc, engine.start(sc))]


def test_player_props_after_a_choice_shows_quality_in_words_and_points(sc):
    st = engine.choose(sc, engine.start(sc), "curious").state
    p = props_for(sc, st, titles={"listening": "Listening"}, seq=1, focus="feedback")
    kinds = [e["kind"] for e in p["transcript"]]
    assert kinds == ["narration", "line", "mentor", "feedback", "line", "line"]
    fb = p["transcript"][3]
    assert (fb["label"], fb["icon"], fb["quality"], fb["latest"]) == ("Mixed response", "◐", "mixed", True)
    assert fb["deltas"] == [{"id": "listening", "title": "Listening", "points": -1, "text": "−1", "direction": "lost"}]
    assert p["transcript"][4]["html"] == "I shouldn&#x27;t have to, right?"  # the reply comes before the next node
    assert p["announce"].startswith("Mixed response. Listening −1. Feedback: A closed question")


def test_player_props_restored_page_announces_nothing(sc):
    st = engine.replay(sc, ["curious"])
    assert props_for(sc, st, seq=0)["announce"] == ""


def test_player_props_ending_compares_with_the_strongest_path(sc):
    st = engine.replay(sc, ["curious", "reflect"])
    p = props_for(sc, st, seq=2, focus="ending")
    end = p["ending"]
    assert p["phase"] == "ended" and p["choices"] == []
    assert (end["title"], end["kind_label"], end["same_as_strongest"]) == ("Mei keeps talking", "Growth", False)
    assert end["totals"] == [
        {"id": "validation", "title": "Validation", "yours": "0", "strongest": "+2"},
        {"id": "listening", "title": "Listening", "yours": "+1", "strongest": "+3"},
    ]
    assert [(c["id"], c["label"]) for c in end["yours"]] == [("curious", "Mixed response"), ("reflect", "Strong response")]
    assert [c["id"] for c in end["strongest"]] == ["validate", "reflect"]
    assert end["debrief"] == ["What made Mei keep talking?"]
    assert "conversation has ended: Mei keeps talking" in p["announce"]


def test_player_props_strongest_path_is_recognised(sc):
    p = props_for(sc, engine.replay(sc, ["validate", "reflect"]))
    assert p["ending"]["same_as_strongest"] is True


def test_player_props_signed_uses_a_real_minus_sign():
    assert (signed(2), signed(0), signed(-3)) == ("+2", "0", "−3")


def test_player_props_each_choice_carries_the_entries_the_transcript_will_hold(sc):
    """The page shows a choice's words and feedback at once, from these; are they exactly what follows?"""
    for history in ((), ("curious",)):
        st = engine.replay(sc, history)
        before = props_for(sc, st, acknowledged=True)
        for c in before["choices"]:
            after = props_for(sc, engine.choose(sc, st, c["id"]).state, seq=1)
            shown = len(before["transcript"])
            assert after["transcript"][shown:shown + 2] == c["then"]
            assert c["ends"] == (after["phase"] == "ended")
            assert after["announce"].startswith(c["announce"])


def test_player_props_v2_lines_choices_and_ending_text_follow_the_path(write_scenario):
    """A mentor-scenario/2 scenario: the player shows the lines, options and ending parts of this path."""
    from tests.conftest import SCENARIO_V2_YAML

    v2 = load_scenario(write_scenario(SCENARIO_V2_YAML))
    clean = props_for(v2, engine.replay(v2, ["validate"]), acknowledged=True)
    slipped = props_for(v2, engine.replay(v2, ["dismiss"]), acknowledged=True)
    assert [c["id"] for c in clean["choices"]] == ["listen", "move-on"]
    assert [c["id"] for c in slipped["choices"]] == ["own-it", "listen", "move-on"]
    said = [e["html"] for e in slipped["transcript"] if e["kind"] == "line"]
    assert "Anyway. It&#x27;s fine." in said and "Again?" in said
    assert "Anyway. It&#x27;s fine." not in [e["html"] for e in clean["transcript"] if e["kind"] == "line"]
    # own-it leads (through the routing node) to the growth ending, with the part about the slip
    own_it = next(c for c in slipped["choices"] if c["id"] == "own-it")
    assert own_it["ends"] is True
    ended = props_for(v2, engine.replay(v2, ["dismiss", "own-it"]))
    assert ended["ending"]["html"] == "<p>She felt heard.</p><p>Owning the slip mattered.</p>"
    ended = props_for(v2, engine.replay(v2, ["validate", "listen"]))
    assert ended["ending"]["html"] == "<p>She felt heard.</p><p>Your question let her lead.</p>"
    assert props_for(v2, engine.replay(v2, ["dismiss", "listen"]))["ending"]["title"] == "Mei changes the subject"
