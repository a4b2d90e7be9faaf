"""The course's landing page: every module in order, with its minutes and objectives, each linked to its page.

Pure: takes the validated :class:`Course` and what exists on disk (``discover`` finds that), returns
HTML. Every text from YAML is escaped with :func:`html.escape` and every path segment is URL-quoted, so a
title such as ``"What are you?" <and more>`` is shown, never interpreted. The served page needs no
kernel, so it appears at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from widgets.content.models import Course, ModuleInfo, Track
from widgets.content.timing import about

MODULE_NOTEBOOK = "module.ipynb"


@dataclass(frozen=True)
class LiveApp:
    """One of the live role-play apps under ``modules/live/``."""

    path: str  # relative to modules/, with forward slashes (a notebook); or below the server's base URL
    title: str
    description: str
    #: A page the server itself serves (``path`` below its base URL), shown when ``needs`` exists.
    served: bool = False
    needs: str = ""


#: The live apps, in the order the landing page lists them; each is linked once its notebook exists.
LIVE_APPS: tuple[LiveApp, ...] = (
    LiveApp("live/facilitator.ipynb", "Facilitator console",
            "Open a live room for a scenario, let a cohort join with a code, run the votes and the debrief."),
    LiveApp("live/join", "Join a live room",
            "Join a room with the code your facilitator gives you, and play your part.", served=True,
            needs="live/facilitator.ipynb"),
)


#: The self-assessment pages around the modules (issue 9): taken before module 1 and after the last.
BEFORE_PAGE = LiveApp("00-before-you-begin/before-you-begin.ipynb", "Before you begin",
                      "Rate your own mentoring skills before module 1 (about 10 minutes).")
AFTER_PAGE = LiveApp("99-your-growth/your-growth.ipynb", "Your growth",
                     "After the last module: rate your skills again and see how they changed.")


@dataclass(frozen=True)
class Availability:
    """What exists on disk: module ids that have a notebook, and the live apps that exist."""

    modules: frozenset[str]
    live_apps: tuple[LiveApp, ...]
    before: tuple[LiveApp, ...] = ()
    after: tuple[LiveApp, ...] = ()


def discover(course: Course, modules_dir: Path) -> Availability:
    """Look on disk for each module's notebook and for the live apps."""
    have = frozenset(m.id for m in course.modules if (modules_dir / m.id / MODULE_NOTEBOOK).is_file())
    live = tuple(app for app in LIVE_APPS if (modules_dir / (app.needs or app.path)).is_file())
    before = tuple(p for p in (BEFORE_PAGE,) if (modules_dir / p.path).is_file())
    after = tuple(p for p in (AFTER_PAGE,) if (modules_dir / p.path).is_file())
    return Availability(have, live, before, after)


def notebook_href(path: str, prefix: str) -> str:
    """A link to a notebook ``path`` (relative to modules/), URL-quoted segment by segment."""
    return prefix + "/".join(quote(part) for part in path.split("/"))


def _minutes(n: int) -> str:
    return f"About {n} minutes" if n != 1 else "About 1 minute"


def _duration(total_minutes: int) -> str:
    """A course length as people say it: minutes under an hour and a half, else whole hours."""
    if total_minutes < 90:
        return f"about {total_minutes} minutes"
    return f"about {round(total_minutes / 60)} hours"


def _module_item(number: int, m: ModuleInfo, available: bool, prefix: str, minutes: float | None = None) -> str:
    title = escape(m.title)
    heading_id = f"module-{escape(m.id)}"
    if available:
        href = escape(notebook_href(f"{m.id}/{MODULE_NOTEBOOK}", prefix))
        heading = f'<a href="{href}">{title}</a>'
        status = ""
    else:
        heading = title
        status = '<p class="status">Not available yet.</p>'
    objectives = "".join(f"<li>{escape(o)}</li>" for o in m.objectives)
    return (
        f'<li class="module">'
        f'<h3 id="{heading_id}"><span class="number">Module {number}.</span> {heading}</h3>'
        f'<p class="minutes">{_minutes(round(minutes) if minutes is not None else m.minutes)}</p>{status}'
        f'<p class="objectives-intro">By the end of it you will be able to:</p>'
        f'<ul class="objectives">{objectives}</ul>'
        "</li>"
    )


def _live_section(apps: Iterable[LiveApp], prefix: str, *, slug: str = "live",
                  heading: str = "Live role-plays") -> str:
    items = "".join(
        f'<li><h3><a href="{escape(app.path if app.served else notebook_href(app.path, prefix))}">'
        f'{escape(app.title)}</a></h3>'
        f'<p class="description">{escape(app.description)}</p></li>'
        for app in apps
    )
    if not items:
        return ""
    return (
        f'<section aria-labelledby="{slug}-heading"><h2 id="{slug}-heading">{heading}</h2>'
        f'<ul class="live">{items}</ul></section>'
    )


STYLE = """
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1f1f1f; --muted: #4a4a4a; --link: #0b57a4;
  --card: #f5f7fa; --border: #c4c9d0; --focus: #b35900; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #121416; --fg: #ececec; --muted: #c2c2c2; --link: #8cc4ff; --card: #1d2125;
    --border: #50575f; --focus: #ffb870; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 1rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--bg); padding: .5rem; z-index: 1; }
header, main, footer { max-width: 52rem; margin: 0 auto; padding: 1rem 1.25rem; }
h1 { font-size: 1.9rem; line-height: 1.25; margin: 1.5rem 0 .5rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 .75rem; }
h3 { font-size: 1.15rem; margin: 0 0 .25rem; }
.number { color: var(--muted); font-weight: normal; }
a { color: var(--link); text-underline-offset: .15em; }
a:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
ol.modules, ul.live { list-style: none; padding: 0; margin: 0; }
li.module, ul.live > li { background: var(--card); border: 1px solid var(--border); border-radius: 6px;
  padding: 1rem 1.25rem; margin: 0 0 1rem; }
.minutes, .status, .objectives-intro, .description, footer p { color: var(--muted); margin: .25rem 0; }
.track-total { color: var(--muted); font-weight: normal; }
header { padding-bottom: 0; }
main h2:first-child { margin-top: 1rem; }
.status { font-style: italic; }
ul.objectives { margin: .25rem 0 0; padding-left: 1.25rem; }
/* Prose at about 75 characters a line (the cards keep the column's width): 52rem ran to about 100. */
header p, main p, ul.objectives li { max-width: 56ch; }
"""


def _track_section(track: Track, course: Course, available: Availability, prefix: str,
                   minutes: Mapping[str, float], start: int) -> str:
    """One track: its title with its measured total ("Core: before your first meeting · about 3 h 50 min"),
    its summary and its modules (numbered on from ``start``)."""
    mods = [course.module(mid) for mid in track.modules]
    listed = [m for m in mods if m is not None]
    items = "".join(_module_item(start + k, m, m.id in available.modules, prefix, minutes.get(m.id))
                    for k, m in enumerate(listed))
    total = sum(minutes.get(m.id, m.minutes) for m in listed)
    slug = f"track-{escape(track.id)}"
    summary = f'<p class="track-summary">{escape(track.summary)}</p>' if track.summary else ""
    # The title already says when ("before your first meeting") and the heading carries the total, and
    # the electives' summary says "in any order": this line adds only what they do not (a mentor read
    # each of them twice).
    how = " Take them in order." if track.id == "core" else ""
    measured = "measured" if minutes else "estimated"
    return (
        f'<section class="track" aria-labelledby="{slug}-heading">'
        f'<h2 id="{slug}-heading">{escape(track.title)} <span class="track-total">· {about(total)}</span></h2>'
        f"{summary}<p>{len(listed)} module{'s' if len(listed) != 1 else ''}. Times are {measured} "
        f"at {course.reading_wpm} words a minute, with time for each scenario decision, self-check item and "
        f"reflection.{how}</p>"
        f'<ol class="modules" start="{start}">{items}</ol></section>'
    )


def landing_html(course: Course, available: Availability, *, prefix: str = "voila/render/",
                 standalone: bool = True, minutes: Mapping[str, float] | None = None) -> str:
    """The landing page. ``prefix`` is prepended to notebook paths (relative to modules/) in links.

    With tracks in course.yaml, the core track comes first with its total, then the electives; each
    module shows its ``minutes`` (measured, :func:`widgets.content.timing.measured_minutes`) when
    given, else the minutes course.yaml declares. ``standalone`` gives a whole document (for
    `mentor-course serve`); otherwise a fragment to display in a notebook (the Binder landing page),
    without styles that a notebook would not keep.
    """
    minutes = dict(minutes or {})
    summary = f"<p>{escape(course.summary)}</p>" if course.summary else ""
    if course.tracks:
        sections, n = [], 1
        for track in course.ordered_tracks():
            sections.append(_track_section(track, course, available, prefix, minutes, n))
            n += sum(1 for mid in track.modules if course.module(mid) is not None)
        in_track = {mid for t in course.tracks for mid in t.modules}
        rest = [m for m in course.modules if m.id not in in_track]
        if rest:
            items = "".join(_module_item(n + k, m, m.id in available.modules, prefix, minutes.get(m.id))
                            for k, m in enumerate(rest))
            sections.append('<section aria-labelledby="modules-heading"><h2 id="modules-heading">Other modules</h2>'
                            f'<ol class="modules" start="{n}">{items}</ol></section>')
        modules_html = "".join(sections)
    else:
        modules = "".join(_module_item(i, m, m.id in available.modules, prefix, minutes.get(m.id))
                          for i, m in enumerate(course.modules, start=1))
        total = sum(minutes.get(m.id, m.minutes) for m in course.modules)
        modules_html = (f'<section aria-labelledby="modules-heading"><h2 id="modules-heading">Modules</h2>'
                        f"<p>{len(course.modules)} modules, {_duration(round(total))} in all. "
                        "Take them in order.</p>"
                        f'<ol class="modules">{modules}</ol></section>')
    body = (
        f"{_live_section(available.before, prefix, slug='before', heading='Start here')}"
        f"{modules_html}"
        f"{_live_section(available.after, prefix, slug='after', heading='After the modules')}"
        f"{_live_section(available.live_apps, prefix)}"
    )
    if not standalone:
        return f'<div class="mentor-course-landing"><h1>{escape(course.title)}</h1>{summary}{body}</div>'
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">'
        f"<title>{escape(course.title)}</title><style>{STYLE}</style></head><body>"
        '<a class="skip" href="#main">Skip to the modules</a>'
        f"<header><h1>{escape(course.title)}</h1>{summary}</header>"
        f'<main id="main">{body}</main>'
        "<footer><p>Each module opens in its own page and starts its own session; "
        "closing the page ends it.</p></footer>"
        "</body></html>\n"
    )


def problem_html(title: str, message: str) -> str:
    """A plain page for when the course manifest cannot be read: what is wrong, never a traceback."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f'<main id="main"><h1>{escape(title)}</h1><p>{escape(message)}</p></main></body></html>\n'
    )


def refuse_unreadable_course(handler: Any, exc: Exception, log: Any) -> None:
    """Answer a landing-page request when ``modules/course.yaml`` cannot be read: every problem (file,
    line, code) goes to the server log, and the visitor gets a 503 page in words, never the paths. Shared
    by `mentor-course serve`'s landing page and the hub's, which must not drift apart."""
    for line in str(exc).splitlines():
        log.error("modules/course.yaml: %s", line)
    handler.set_status(503)
    handler.finish(problem_html("The course is being updated",
                                "The course list cannot be shown right now. Please try again in a few "
                                "minutes; if this persists, tell the course's organiser."))
