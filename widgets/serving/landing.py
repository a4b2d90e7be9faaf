"""The course's landing page: every module in order, with its minutes and objectives, each linked to its page.

Pure: takes the validated :class:`Course` and what exists on disk (``discover`` finds that), returns
HTML from ``widgets/templates/serving/landing.html`` (autoescape: every text from YAML is escaped there)
with every path segment URL-quoted here, so a title such as ``"What are you?" <and more>`` is shown,
never interpreted. The served page needs no kernel, so it appears at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from widgets.content.models import Course, ModuleInfo, Track
from widgets.content.timing import about
from widgets.templating import render

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


def _module_item(number: int, m: ModuleInfo, available: bool, prefix: str, minutes: float | None = None) -> dict:
    """What the template shows for one module: no ``href`` when its notebook does not exist yet."""
    return {"id": m.id, "number": number, "title": m.title, "objectives": m.objectives,
            "href": notebook_href(f"{m.id}/{MODULE_NOTEBOOK}", prefix) if available else "",
            "minutes": _minutes(round(minutes) if minutes is not None else m.minutes)}


def _apps(apps: Iterable[LiveApp], prefix: str) -> list[dict]:
    return [{"href": app.path if app.served else notebook_href(app.path, prefix), "title": app.title,
             "description": app.description} for app in apps]


def _track_section(track: Track, course: Course, available: Availability, prefix: str,
                   minutes: Mapping[str, float], start: int) -> dict:
    """One track: its title with its measured total ("Core: before your first meeting · about 3 h 50 min"),
    its summary and its modules (numbered on from ``start``)."""
    mods = [course.module(mid) for mid in track.modules]
    listed = [m for m in mods if m is not None]
    total = sum(minutes.get(m.id, m.minutes) for m in listed)
    return {
        "id": track.id, "title": track.title, "summary": track.summary, "total": about(total), "start": start,
        "count": len(listed), "measured": "measured" if minutes else "estimated",
        "modules": [_module_item(start + k, m, m.id in available.modules, prefix, minutes.get(m.id))
                  for k, m in enumerate(listed)],
        # The title already says when ("before your first meeting") and the heading carries the total, and
        # the electives' summary says "in any order": this line adds only what they do not (a mentor read
        # each of them twice).
        "how": " Take them in order." if track.id == "core" else "",
    }


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
    tracks: list[dict] = []
    rest = untracked = None
    if course.tracks:
        n = 1
        for track in course.ordered_tracks():
            tracks.append(_track_section(track, course, available, prefix, minutes, n))
            n += sum(1 for mid in track.modules if course.module(mid) is not None)
        in_track = {mid for t in course.tracks for mid in t.modules}
        others = [m for m in course.modules if m.id not in in_track]
        if others:
            rest = {"start": n, "modules": [_module_item(n + k, m, m.id in available.modules, prefix, minutes.get(m.id))
                                          for k, m in enumerate(others)]}
    else:
        total = sum(minutes.get(m.id, m.minutes) for m in course.modules)
        untracked = {"count": len(course.modules), "duration": _duration(round(total)),
                     "modules": [_module_item(i, m, m.id in available.modules, prefix, minutes.get(m.id))
                               for i, m in enumerate(course.modules, start=1)]}
    return render("serving/landing.html", standalone=standalone, title=course.title, summary=course.summary,
                  wpm=course.reading_wpm, tracks=tracks, rest=rest, untracked=untracked,
                  before=_apps(available.before, prefix), after=_apps(available.after, prefix),
                  live_apps=_apps(available.live_apps, prefix))


def problem_html(title: str, message: str) -> str:
    """A plain page for when the course manifest cannot be read: what is wrong, never a traceback."""
    return render("serving/problem.html", title=title, message=message)


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
