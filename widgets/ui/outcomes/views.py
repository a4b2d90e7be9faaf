"""Notebook views for outcomes: the self-assessment form, the growth report, the trainers' cohort view.

Thin: every decision is in the pure modules (``records``, ``growth``, ``cohort``, ``form``, ``html``);
the views turn clicks into events, save them, and show the result. The notebook calls are one line:
``assessment("before")``, ``growth_report()``, ``cohort_view("exports/")``, ``mentor_report(path)``.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as ipw
import traitlets

from widgets.content.errors import ContentInvalid
from widgets.content.loader import find_root
from widgets.outcomes import charts, cohort, records
from widgets.outcomes.course_data import OutcomesContent, load_content
from widgets.outcomes.form import form_props, progress_words, rating_words
from widgets.outcomes.growth import build_report
from widgets.outcomes.html import cohort_html, growth_html
from widgets.plugins import install
from widgets.ui.announcer import Announcer
from widgets.ui.esm import asset, esm
from widgets.ui.problem import Problem
from widgets.ui.session import Listening, Session, get_session

install()  # the composition root: register content kinds and progress sections before any use

HERE = Path(__file__).parent
#: Seconds of quiet after an answer before the growth report on the same page is redrawn.
REDRAW_DELAY = 1.2

# --------------------------------------------------------------------------------------------------
# Course content, loaded once per change
# --------------------------------------------------------------------------------------------------

_CONTENT: dict[str, tuple[tuple[Any, ...], OutcomesContent]] = {}


def _signature(root: Path) -> tuple[Any, ...]:
    files = sorted((root / "modules").rglob("*.yaml"))
    out = []
    for f in files:
        try:
            st = f.stat()
        except OSError:
            continue
        out.append((str(f), st.st_mtime_ns, st.st_size))
    return tuple(out)


def content_for(root: Path) -> OutcomesContent:
    """The course's outcomes content, re-read only when a YAML file under ``modules/`` changed (a page
    holds a form and a report; both share one load)."""
    key = _signature(root)
    cached = _CONTENT.get(str(root))
    if cached and cached[0] == key:
        return cached[1]
    content = load_content(root)
    _CONTENT[str(root)] = (key, content)
    return content


def _problem(title: str, lines: list[str] | tuple[str, ...] = (), hint: str = "") -> Problem:
    """A message in place of a view that cannot be shown (no traceback ever reaches the page)."""
    return Problem(title, lines, hint)


# --------------------------------------------------------------------------------------------------
# The self-assessment
# --------------------------------------------------------------------------------------------------

class AssessmentView(Listening, anywidget.AnyWidget):
    """The self-assessment form for one phase; every answer is saved to the progress file at once."""

    _esm = esm(HERE / "assessment.js")
    _css = asset(HERE / "outcomes.css")
    props = traitlets.Dict(help="Everything the form shows (widgets.outcomes.form.form_props).").tag(sync=True)

    def __init__(self, session: Session, content: OutcomesContent, phase: str) -> None:
        super().__init__()
        if content.assessment is None:
            raise ValueError("the course has no self-assessment")
        self.session = session
        self.content = content
        self.assessment = content.assessment
        self.phase = phase
        self._seq = 0
        self._status = ""
        self._error = session.error
        self.on_msg(self._on_msg)
        self.listen(session, self._on_progress)  # until the view is closed
        self.refresh()

    def refresh(self) -> None:
        course = self.content.course
        self.props = form_props(self.assessment, self.session.doc, self.phase,
                                titles={c.id: c.title for c in course.competencies},
                                descriptions={c.id: c.description for c in course.competencies},
                                seq=self._seq, status=self._status, error=self._error,
                                notices=tuple(self.session.notices))

    def _on_progress(self, _reason: str) -> None:
        self.refresh()

    def _on_msg(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        if content.get("type") == "rate":
            self.rate(str(content.get("item", "")), content.get("rating"))
        elif content.get("type") == "goal":
            self.write_goal(str(content.get("text", "")), content.get("base_rev"))

    # The two things a mentor can do; the browser calls them through messages, tests call them directly.
    def rate(self, item_id: str, rating: int | None) -> str:
        """Save a rating (``None``: "Not sure"); return the error shown, or "" when it was saved."""
        item = self.assessment.item(item_id)
        if item is None:
            return self._done("", f"'{item_id}' is not a statement of this self-assessment; reload the page.")
        if rating is not None and not self.assessment.valid_rating(rating):
            return self._done("", f"{rating!r} is not on the scale {self.assessment.scale_min} to "
                                  f"{self.assessment.scale_max}.")
        event = records.rate_event(self.phase, item_id, rating, course=self.content.course.id,
                                   assessment=self.assessment.id)
        return self._save(event, f"Saved {rating_words(self.assessment, rating)}.")

    def write_goal(self, text: str, base_rev: Any = None) -> str:
        """Save the "what I want to get better at" text."""
        rev = base_rev if isinstance(base_rev, int) and not isinstance(base_rev, bool) else records.goal_rev(
            self.session.doc, self.phase)
        event = records.goal_event(self.phase, text, rev, course=self.content.course.id, assessment=self.assessment.id)
        return self._save(event, "Saved what you wrote.")

    def _save(self, event: dict[str, Any], words: str) -> str:
        error = self.session.record(event)  # waits for a preheated kernel's learner, saves, tells every view
        if error:
            return self._done("", error)
        answered = sum(1 for i in self.assessment.items if i.id in records.ratings(self.session.doc, self.phase))
        return self._done(f"{words} {progress_words(answered, len(self.assessment.items))}", "")

    def _done(self, status: str, error: str) -> str:
        self._seq += 1
        self._status, self._error = status, error
        self.refresh()
        return error


def _session_and_content() -> tuple[Session, OutcomesContent] | Problem:
    session = get_session()
    if session.root is None:
        return _problem("This page cannot find the course.", ["There is no modules/course.yaml in this folder or "
                                                                 "above it."],
                        "Open the page from the course's modules folder. Your saved progress is not affected.")
    try:
        return session, content_for(session.root)
    except ContentInvalid as exc:
        return Problem.from_errors("page", exc.errors)


def assessment(phase: str = "before") -> AssessmentView | Problem:
    """The self-assessment form: ``assessment("before")`` at the start, ``assessment("after")`` at the end."""
    if phase not in records.PHASES:
        return _problem("This self-assessment cannot be shown.",
                        [f"'{phase}' is not a phase of the self-assessment; use \"before\" or \"after\"."])
    found = _session_and_content()
    if isinstance(found, Problem):
        return found
    session, content = found
    if content.assessment is None:
        problems = [p for p in content.problems if "assessment" in p] or list(content.problems)
        return _problem("The self-assessment cannot be shown yet.", problems[:5],
                        "The course's authors can check every file with `mentor-course validate`. Your saved "
                        "progress is not affected.")
    return AssessmentView(session, content, phase)


# --------------------------------------------------------------------------------------------------
# The growth report
# --------------------------------------------------------------------------------------------------

def report_downloads(report: Any) -> tuple[bytes, dict[str, tuple[str, bytes, str]]]:
    """The chart as PNG, and the three downloads (PNG, PDF, JSON) of a report."""
    png = charts.png_bytes(charts.growth_figure(report))
    stem = f"growth-report-{report.learner or 'mentor'}"
    data = json.dumps(report.to_dict(), indent=1, ensure_ascii=False).encode("utf-8")
    return png, {
        f"{stem}.png": ("image/png", png, "The chart (PNG)"),
        f"{stem}.pdf": ("application/pdf", charts.pdf_bytes(report), "The chart and summary (PDF)"),
        f"{stem}.json": ("application/json", data, "The figures (JSON)"),
    }


class GrowthReportView(Listening, ipw.VBox):
    """The mentor's growth report, redrawn whenever their answers or scenario choices change."""

    def __init__(self, session: Session, content: OutcomesContent, *, link_prefix: str | None = "../") -> None:
        self.session = session
        self.content = content
        self.link_prefix = link_prefix
        self.announcer = Announcer()
        self.body = ipw.HTML()
        self._key = ""
        self._timer: Any = None
        super().__init__([self.announcer, self.body])
        self.listen(session, self._on_progress)  # until the view is closed
        self.refresh()

    def close(self) -> None:
        """Stop listening and drop a pending redraw, then close the view and its parts."""
        if self._timer is not None:
            with contextlib.suppress(Exception):
                from IPython import get_ipython

                get_ipython().kernel.io_loop.remove_timeout(self._timer)  # type: ignore[union-attr]
            self._timer = None
        super().close()
        self.announcer.close()
        self.body.close()

    def _on_progress(self, _reason: str) -> None:
        """Redraw once the mentor pauses: drawing the chart and the PDF takes a good part of a second, and
        a redraw per click would hold up the next click's save."""
        try:
            from IPython import get_ipython

            loop = get_ipython().kernel.io_loop  # type: ignore[union-attr]
        except Exception:  # no kernel (tests, scripts): redraw now
            self.refresh(announce=True)
            return
        if self._timer is not None:
            loop.remove_timeout(self._timer)
        self._timer = loop.call_later(REDRAW_DELAY, lambda: self.refresh(announce=True))

    def refresh(self, *, announce: bool = False) -> None:
        doc = self.session.doc
        key = json.dumps([doc.get(records.SECTION), doc.get("scenarios"), doc.get("name")], sort_keys=True)
        if key == self._key:
            return  # nothing the report shows has changed (a draft was saved, say)
        self._key = key
        report = build_report(doc, self.content)
        png, downloads = report_downloads(report)
        self.report = report
        self.body.value = growth_html(report, png, link_prefix=self.link_prefix, downloads=downloads)
        if announce:
            self.announcer.say("Your growth report below was updated.")


def growth_report() -> GrowthReportView | Problem:
    """The growth report of the mentor using this page (from their own progress file)."""
    found = _session_and_content()
    if isinstance(found, Problem):
        return found
    return GrowthReportView(*found)


# --------------------------------------------------------------------------------------------------
# Trainers: the cohort, and one mentor's report on request
# --------------------------------------------------------------------------------------------------

def _trainer_content() -> OutcomesContent | Problem:
    root = find_root()
    if root is None:
        return _problem("This notebook cannot find the course.", ["There is no modules/course.yaml in this folder "
                                                                     "or above it."],
                        "Open it from the course folder, or set MENTOR_COURSE_ROOT.")
    try:
        return content_for(root)
    except ContentInvalid as exc:
        return Problem.from_errors("view", exc.errors)


class CohortView(ipw.VBox):
    """Read a folder of exported progress files and show the cohort's figures, with CSV downloads.

    No mentor's answers are shown unless the trainer picks one mentor and asks for their report.
    """

    def __init__(self, content: OutcomesContent, folder: str = "", *, min_n: int = cohort.DEFAULT_MIN_N) -> None:
        self.content = content
        self.min_n = min_n
        self.folder_input = ipw.Text(value=folder, description="Folder", placeholder="the folder of progress files",
                                     layout=ipw.Layout(width="32rem"))
        self.read_button = ipw.Button(description="Read the folder", button_style="primary",
                                      tooltip="Read every .json progress file in the folder")
        self.announcer = Announcer()
        self.body = ipw.HTML()
        self.mentor_pick = ipw.Dropdown(description="Mentor", options=[], layout=ipw.Layout(width="32rem"))
        self.mentor_button = ipw.Button(description="Show this mentor's report",
                                        tooltip="Show one mentor's answers and growth report")
        self.mentor_body = ipw.HTML()
        self.mentor_box = ipw.VBox([ipw.HTML("<h3>One mentor's report</h3><p>Only when you need it: it shows this "
                                             "mentor's own answers.</p>"),
                                    ipw.HBox([self.mentor_pick, self.mentor_button]), self.mentor_body])
        self.mentor_box.layout.display = "none"
        self.read_button.on_click(lambda _b: self.read())
        self.mentor_button.on_click(lambda _b: self.show_mentor())
        self.folder_data: cohort.Folder | None = None
        self.summary: cohort.CohortSummary | None = None
        super().__init__([ipw.HBox([self.folder_input, self.read_button]), self.announcer, self.body, self.mentor_box])
        if folder:
            self.read()

    def read(self) -> None:
        """Read the folder in the text box and show the cohort's figures."""
        folder = Path(self.folder_input.value.strip() or ".").expanduser()
        try:
            self.folder_data = cohort.read_folder(folder, self.content)
        except FileNotFoundError as exc:
            self.folder_data = self.summary = None
            self.body.value = _problem("This folder cannot be read.", [str(exc)])._repr_html_()
            self.mentor_box.layout.display = "none"
            self.announcer.say(str(exc))
            return
        s = cohort.summarise(self.folder_data, self.content, min_n=self.min_n)
        self.summary = s
        png = charts.png_bytes(charts.cohort_figure(s))
        downloads = {name.name: ("text/csv", text.encode("utf-8"), label) for (name, text), label in zip(
            cohort.csv_files(s, Path("cohort-outcomes.csv")).items(),
            ("Competencies (CSV)", "Decision points (CSV)", "Completion (CSV)"), strict=True)}
        downloads["cohort-outcomes.json"] = ("application/json", cohort.dumps(s).encode("utf-8"), "All figures (JSON)")
        downloads["cohort-outcomes.png"] = ("image/png", png, "The chart (PNG)")
        self.body.value = cohort_html(s, png, downloads=downloads)
        self.mentor_pick.options = [(f"{m.learner} ({m.file})", m.learner) for m in self.folder_data.mentors]
        self.mentor_body.value = ""
        self.mentor_box.layout.display = "" if self.folder_data.mentors else "none"
        skipped = len(self.folder_data.skipped)
        self.announcer.say(f"Read {s.mentors} progress file(s)" + (f"; {skipped} skipped, listed below" if skipped
                                                                    else "") + ".")

    def show_mentor(self) -> None:
        """The chosen mentor's growth report (the trainer asked for it)."""
        if self.folder_data is None or not self.mentor_pick.value:
            return
        report = cohort.mentor_report(self.folder_data, self.mentor_pick.value, self.content)
        png, downloads = report_downloads(report)
        self.mentor_body.value = growth_html(report, png, link_prefix=None, downloads=downloads,
                                             heading=f"Growth report of {report.name or report.learner}")
        self.announcer.say(f"Showing the growth report of {report.name or report.learner}.")


def cohort_view(folder: str = "", *, min_n: int = cohort.DEFAULT_MIN_N) -> CohortView | Problem:
    """The trainers' cohort view; ``folder`` holds the progress files mentors chose to send."""
    content = _trainer_content()
    if isinstance(content, Problem):
        return content
    return CohortView(content, folder, min_n=min_n)


def mentor_report(path: str) -> ipw.HTML | Problem:
    """One mentor's growth report from one exported progress file (for a trainer who was sent it)."""
    content = _trainer_content()
    if isinstance(content, Problem):
        return content
    found = cohort.read_export(Path(path).expanduser(), content, shown=path)
    if isinstance(found, cohort.FileNote):
        return _problem("This progress file cannot be read.", [str(found)])
    doc, _ = records.upgrade(found.doc)
    report = build_report(doc, content)
    png, downloads = report_downloads(report)
    return ipw.HTML(growth_html(report, png, link_prefix=None, downloads=downloads,
                                heading=f"Growth report of {report.name or report.learner}"))


__all__ = ["AssessmentView", "CohortView", "GrowthReportView", "assessment", "cohort_view", "growth_report",
           "mentor_report"]
