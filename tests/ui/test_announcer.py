"""Does the one announcer announce every say(), the same words twice included, for every view that uses it?"""

from __future__ import annotations

from widgets.ui.announcer import Announcer
from widgets.ui.esm import DOM, Bundle, asset, esm


def test_announcer_says_the_same_words_again():
    """Is a repeated message announced again (``count`` grows, so the page refills the region)?"""
    status = Announcer(testid="grading-status")
    status.say("Saved.")
    status.say("Saved.")
    assert (status.message, status.count, status.testid) == ("Saved.", 2, "grading-status")


def test_announcer_sends_one_update_per_say(monkeypatch):
    """Does one say() reach the page as one message (the page then announces once, not twice)?"""
    status = Announcer()
    sent: list[dict] = []
    monkeypatch.setattr(status, "_send", lambda msg, buffers=None: sent.append(msg))
    status.say("Showing ana, 1 of 3.")
    assert [sorted(m["state"]) for m in sent] == [["count", "message"]]


def test_announcer_is_the_live_consoles_too():
    """Does the live console's bridge announce the same way, and clear an earlier problem?"""
    from widgets.ui.live.bridge import PageBridge

    bridge = PageBridge()
    bridge.problem("The room database cannot be reached.")
    bridge.say("Votes are open.")
    bridge.say("Votes are open.")
    assert (bridge.error, bridge.message, bridge.count) == ("", "Votes are open.", 2)


def test_announcer_reads_its_javascript_and_css_from_files_beside_it():
    """Are the module and the stylesheet the text of files, the shared helpers (dom.js) in front?"""
    js, css = Announcer._esm, Announcer._css
    assert isinstance(js, Bundle) and [p.name for p in js.sources] == ["dom.js", "announcer.js"]
    assert str(js).startswith(DOM.read_text(encoding="utf-8")) and "announceFrom(model, region)" in js
    assert isinstance(css, Bundle) and css == asset(css.sources[0]) and ".mc-announce" in css
    assert esm("scenario_view.js").sources[-1].parent == DOM.parent
