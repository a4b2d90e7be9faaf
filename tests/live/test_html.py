"""Is every name and every scenario text escaped in the live apps' HTML, and are results given in words?"""

from __future__ import annotations

import re

import pytest

from widgets.live import debrief, room
from widgets.live.store import RoomStore
from widgets.ui.live import html as H
from widgets.ui.live import links

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def snap_and_sc(payload, clock):
    with RoomStore("sqlite:///:memory:", clock=clock) as st:
        new = st.create_room(payload)
        evil = st.join(new.code, HOSTILE)
        st.join(new.code, '"><script>alert(2)</script>')
        obs = st.join(new.code, "Obs <b>erver</b>")
        st.start(new.key)
        st.open_votes(new.key)
        st.vote(evil.token, "validate")
        st.tick(obs.token, "reflected", True)
        yield st, new, st.scenario(new.room_id)


def test_html_names_are_escaped_everywhere(snap_and_sc):
    st, new, sc = snap_and_sc
    snap = st.snapshot(new.room_id)
    kinds = room.roles_of(sc)
    fragments = [H.seat_line(HOSTILE, "mentor", "decide"), H.voters_line(snap, sc, kinds)]
    st.reveal(new.key)
    st.advance(new.key)
    st.finish(new.key)
    deb = debrief.build(sc, st.snapshot(new.room_id))
    fragments.append(H.debrief(deb))
    for text in fragments:
        assert "<img" not in text and "<script" not in text and "<b>erver" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in fragments[0]
    assert "&lt;img src=x onerror=alert(1)&gt;" in fragments[1]
    assert "Obs &lt;b&gt;erver&lt;/b&gt;" in fragments[2]


def test_html_scenario_text_is_escaped_then_light_markdown(snap_and_sc):
    st, new, sc = snap_and_sc
    rs = st.snapshot(new.room_id).room
    assert "Live &lt;b&gt;tiny&lt;/b&gt;" in H.phase_banner(rs, sc)
    scene = H.scene(sc, rs, reader=True)
    assert "Read these lines aloud" in scene and "Mei:</span> <span class=\"mc-live-aloud\">(read aloud)" in scene
    assert "I&#x27;m really from" in scene


def test_html_bars_say_counts_and_the_choice_in_words(snap_and_sc):
    st, new, sc = snap_and_sc
    st.reveal(new.key)
    out = H.reveal(sc, st.snapshot(new.room_id))
    assert "1 vote (100%)" in out and "0 votes (0%)" in out
    assert "Room&#x27;s choice" in out or "Room's choice" in out
    assert "✓ strong" in out and "Validating first lets Mei lead." in out
    assert 'aria-hidden="true"' in out  # the drawn bar is decoration; the words carry the numbers


def test_html_live_tally_counts_voters_and_warns_of_a_tie(scenario):
    counted = room.Tally((("validate", 1), ("curious", 1), ("dismiss", 0)), 2, 3)
    out = H.live_tally(scenario, counted)
    assert "2 of 3 mentors voted" in out and "Tied" in out and 'data-voters="2"' in out


def test_html_debrief_notes_are_for_the_facilitator_only(snap_and_sc):
    st, new, sc = snap_and_sc
    deb = debrief.build(sc, st.snapshot(new.room_id))
    assert "Facilitator-only notes." in H.debrief(deb)
    assert "Facilitator-only notes." not in H.debrief(deb, notes=False)


def test_html_debrief_tables_scroll_in_named_focusable_regions(snap_and_sc):
    """On a phone the debrief's tables scroll sideways: a keyboard user must reach the scrolling box
    (axe: scrollable-region-focusable, serious), and a screen reader must hear which table it is."""
    st, new, sc = snap_and_sc
    out = H.debrief(debrief.build(sc, st.snapshot(new.room_id)))
    boxes = re.findall(r'<div class="mc-live-scroll"[^>]*>', out)
    assert boxes, "the debrief has no table"
    for box in boxes:
        assert 'tabindex="0"' in box and 'role="region"' in box and re.search(r'aria-label="[^"]+"', box), box
    assert 'aria-label="Points per competency"' in out


def test_html_join_box_escapes_the_link_and_names_the_qr_code():
    link = links.join_link('http://h:1/voila/render/live/facilitator.ipynb?key=s"><x', "KXR7PM")
    assert link == "http://h:1/live/join?code=KXR7PM"  # served by the server itself, not a notebook
    assert links.join_link("https://h/user/a%20b/voila/render/x/facilitator.ipynb", "K") == "https://h/user/a%20b/live/join?code=K"
    assert links.join_link("https://h/user/fac/voila/render/x/facilitator.ipynb", "K", "/") == \
        "https://h/hub/user-redirect/live/join?code=K"
    out = H.join_box("KXR7PM", link + '"<b>', links.qr_svg(link))
    assert "KXR-7PM" in out and 'aria-label="QR code of the join link"' in out and "<svg" in out
    assert '"<b>' not in out


def test_html_links_read_the_query_and_pasted_keys():
    assert links.query({"QUERY_STRING": "code=KXR7PM&seat=abc&seat=zzz"}) == {"code": "KXR7PM", "seat": "abc"}
    assert links.query({}, href="http://h/p?key=K1") == {"key": "K1"}
    assert links.key_from("http://h/voila/render/live/facilitator.ipynb?key=K-1_x") == "K-1_x"
    assert links.key_from("  K-1_x ") == "K-1_x"
    assert links.facilitator_link("http://h/a/participant.ipynb?code=1", "K") == "http://h/a/facilitator.ipynb?key=K"


def test_html_sentence_adds_a_full_stop_only_when_missing():
    assert H.sentence("Your vote: go") == "Your vote: go."
    assert H.sentence("Your vote: go?") == "Your vote: go?"


def test_html_reveal_v2_gives_feedback_only_on_options_that_were_offered(clock, write_scenario):
    from tests.conftest import SCENARIO_V2_YAML
    from widgets.live.store import scenario_payload

    payload = scenario_payload(write_scenario(
        SCENARIO_V2_YAML + "live:\n  roles: {mentor: decide, mentee: read, observer: checklist}\n"))
    with RoomStore("sqlite:///:memory:", clock=clock) as st:
        new = st.create_room(payload)
        ann = st.join(new.code, "Ann")
        st.start(new.key)
        for pick in ("validate", "listen"):
            st.open_votes(new.key)
            st.vote(ann.token, pick)
            st.reveal(new.key)
            if pick == "validate":
                st.advance(new.key)
        page = H.reveal(st.scenario(new.room_id), st.snapshot(new.room_id))
    assert "Changing the subject." in page  # move-on was offered
    assert "Owning the slip repairs it." not in page  # own-it was hidden: no slip on this path
