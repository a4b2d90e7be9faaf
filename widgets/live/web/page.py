"""The participant page's HTML shell (pure): the join form, the seat's panels, two live regions.

The script (static/participant.js) fills the panels from the server's views: HTML fragments the server
made with :mod:`widgets.ui.live.html` (every name and scenario text escaped there), and plain texts it
puts in ``textContent``. The only values written here are the server's own (paths, the XSRF token, the
hub user's name), escaped all the same.
"""

from __future__ import annotations

from html import escape

from widgets.live.codes import MAX_NAME


def _attr(value: str) -> str:
    return escape(value, quote=True)


def participant_html(*, socket: str, static: str, xsrf: str, name: str = "") -> str:
    """The page. ``name``: a display name the server imposes (the hub user), shown read-only."""
    if name:
        name_field = (f'<input id="mc-name" name="name" type="text" value="{_attr(name)}" readonly '
                      'aria-describedby="mc-name-note" autocomplete="off">'
                      '<span id="mc-name-note" class="mc-live-muted">Your name on this hub; others in the room '
                      "see it.</span>")
    else:
        name_field = (f'<input id="mc-name" name="name" type="text" maxlength="{MAX_NAME}" autocomplete="nickname" '
                      f'placeholder="up to {MAX_NAME} characters" required>')
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Join a live role-play</title>
<link rel="stylesheet" href="{_attr(static)}live.css">
<link rel="stylesheet" href="{_attr(static)}page.css">
</head>
<body>
<main class="mc-live mc-live-page" id="mc-live" data-socket="{_attr(socket)}" data-xsrf="{_attr(xsrf)}"
      data-forced-name="{'1' if name else ''}">
<h1 class="mc-live-page-title">Live role-play</h1>
<div class="mc-live-bridge">
<p class="mc-live-status" role="status" aria-live="polite" data-testid="live-status" id="mc-status"></p>
<p class="mc-live-error" role="alert" data-testid="live-error" id="mc-error" hidden></p>
</div>
<noscript><p class="mc-live-notice">This page needs JavaScript to join the room.</p></noscript>
<section class="mc-live-section" id="mc-join" aria-labelledby="mc-join-h">
<h2 id="mc-join-h">Join a live role-play</h2>
<p>Type the code on your facilitator's screen and the name others will see. Nothing you type is shared beyond
this room, and the room is deleted after the session. You will be given a role: mentors choose what the mentor
says (the room votes), the mentee reads the mentee's lines aloud, observers tick the skills they see.</p>
<form id="mc-join-form" novalidate>
<p class="mc-live-field"><label for="mc-code">Join code</label>
<input id="mc-code" name="code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false"
       placeholder="e.g. KXR-7PM" required></p>
<p class="mc-live-field"><label for="mc-name">Display name</label>
{name_field}</p>
<p><button type="submit" id="mc-join-btn" class="mc-live-primary">Join</button></p>
</form>
</section>
<div id="mc-seat" hidden>
<section class="mc-live-section" aria-label="Your seat">
<div id="mc-banner"></div>
<div id="mc-you"></div>
</section>
<section class="mc-live-section" aria-label="The role-play">
<div id="mc-scene"></div>
<div id="mc-options"></div>
<div id="mc-vote-note"></div>
<div id="mc-choices" class="mc-live-choices" role="group" aria-label="Choose what the mentor says"></div>
<div id="mc-reveal"></div>
</section>
<section class="mc-live-section mc-live-checklist" id="mc-checklist" hidden aria-labelledby="mc-check-h">
<h3 class="mc-live-h" id="mc-check-h">Your checklist</h3>
<p>Tick each skill when you see the mentors use it. You can untick. The debrief shows how far observers agreed.</p>
<div id="mc-checks"></div>
</section>
<section class="mc-live-section" id="mc-debrief" hidden></section>
<p><button type="button" id="mc-leave">Leave the room</button></p>
</div>
</main>
<script src="{_attr(static)}participant.js"></script>
</body>
</html>
"""


__all__ = ["participant_html"]
