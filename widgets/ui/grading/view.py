"""The trainer's grading view: a cohort, one submission at a time, each answer beside the rubric.

Only rendering and forwarding: every decision (status, score, comment text, conflicts, where a flag
goes) is made by :class:`widgets.grading.session.GradingSession`. Controls are native ipywidgets
(radio groups move with the arrow keys, everything is reachable with Tab), and every outcome is also
announced in a polite ARIA live region. The HTML comes from ``widgets/templates/grading/view.html``
(autoescape): text from the rubric or the session is escaped there, and what a mentor or trainer wrote
is Markdown through the one policy of :mod:`widgets.markdown` (raw HTML escaped, unsafe links refused).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as w
import traitlets
from markupsafe import Markup

from widgets.grading.course import open_course
from widgets.grading.notebooks import rubric_markdown
from widgets.grading.score import IncompleteGrade, RubricGrade
from widgets.grading.session import (
    GRADED,
    NOT_AUTOGRADED,
    RESUBMITTED,
    TO_GRADE,
    UNREADABLE,
    AnswerView,
    GradingSession,
    SubmissionRow,
    SubmissionView,
)
from widgets.grading.store import GradeConflict
from widgets.plugins import install
from widgets.templating import macros
from widgets.ui.announcer import Announcer
from widgets.ui.esm import asset, esm
from widgets.ui.keys import ShortcutGuard

install()  # the composition root: register content kinds and progress sections before any use

_STATUS_MARK = {GRADED: "✓ graded", TO_GRADE: "○ to grade", NOT_AUTOGRADED: "! not autograded",
                UNREADABLE: "! unreadable", RESUBMITTED: "↻ resubmitted"}

HERE = Path(__file__).parent
#: The view's stylesheet (grading.css, our own file, so it goes in as Markup), put into its first HTML block
#: by the ``stylesheet`` macro: the view is made of standard ipywidgets, which carry no stylesheet of their own.
_CSS = Markup((HERE / "grading.css").read_text(encoding="utf-8"))


class LevelPicker(anywidget.AnyWidget):
    """One criterion's levels as a native radio group in a ``<fieldset>`` whose ``<legend>`` names the
    criterion: screen readers announce "Emotions, radio group", and the arrow keys move between levels."""

    _esm = esm(HERE / "levels.js")
    _css = asset(HERE / "levels.css")
    legend = traitlets.Unicode("").tag(sync=True)
    hint = traitlets.Unicode("").tag(sync=True)
    options = traitlets.List(traitlets.Dict()).tag(sync=True)
    value = traitlets.Unicode(None, allow_none=True).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)


@functools.cache
def _macros() -> Any:
    return macros("grading/view.html")


def _html(macro: str, *args: Any) -> str:
    """The template macro ``macro`` of grading/view.html called with ``args``, as a string."""
    return str(getattr(_macros(), macro)(*args))


class AnswerPanel:
    """One answer on the left, the rubric controls on the right; forwards Save to the grading view."""

    def __init__(self, view: GradingView, number: int) -> None:
        self.view = view
        self.number = number
        rubric = view.session.rubric
        self.answer_html = w.HTML(layout=w.Layout(width="100%"))
        self.radios: dict[str, LevelPicker] = {}
        controls: list[w.Widget] = []
        for crit in rubric.criteria:
            radio = LevelPicker(
                legend=crit.title, hint=f"Look for: {crit.look_for}" if crit.look_for else "",
                options=[{"value": lv.id, "label": f"{lv.points} {lv.title}: {crit.descriptors.get(lv.id, '')}"}
                         for lv in rubric.levels],
                layout=w.Layout(width="100%"))
            radio.observe(self._changed, names="value")
            self.radios[crit.id] = radio
            controls.append(radio)
        self.no_answer = w.Checkbox(value=False, description="No answer to grade (0 points)", indent=False)
        self.no_answer.observe(self._changed, names="value")
        snippet_options: list[tuple[str, str]] = [("Choose a comment snippet…", "")]
        for s in rubric.snippets:
            crit = rubric.criterion(s.criterion) if s.criterion else None
            label = f"{crit.title}: {s.text}" if crit else s.text
            snippet_options.append((label if len(label) < 110 else label[:107] + "…", s.id))
        self.snippet = w.Dropdown(options=snippet_options, value="", description="Snippet",
                                  layout=w.Layout(width="72%"))
        self.insert = w.Button(description="Insert snippet", tooltip="Add the chosen snippet to the comment",
                               layout=w.Layout(width="auto", flex="0 0 auto"))
        self.insert.on_click(self._insert)
        # Synced when the field is left (Tab, or a click on Save), not per keystroke: ipywidgets buffers
        # keystroke updates while earlier ones await the kernel, and a click overtakes that buffer, which
        # saved comments without their last words when a trainer typed and pressed Save at once.
        self.comment = w.Textarea(placeholder="Comment for the mentor (appears under the rubric levels)",
                                  description="Comment", continuous_update=False,
                                  layout=w.Layout(width="97%", height="6em"))
        self.comment.observe(self._changed, names="value")
        self.preview = w.HTML()
        self.save = w.Button(description=f"Save grade for answer {number}", button_style="primary",
                             tooltip="Write the score and the comment to the gradebook",
                             layout=w.Layout(width="auto"))
        self.save.on_click(self._save)
        self.saved = w.HTML()
        snippets = w.HBox([self.snippet, self.insert], layout=w.Layout(width="100%"))
        right = w.VBox([*controls, self.no_answer, snippets, self.comment, self.preview, w.HBox([self.save]),
                        self.saved], layout=w.Layout(width="46%", padding="0 0 0 1em"))
        left = w.VBox([self.answer_html], layout=w.Layout(width="54%", align_self="flex-start"))
        left.add_class("mc-answer-column")  # stays in view while the rubric beside it scrolls
        self.box = w.HBox([left, right], layout=w.Layout(width="100%", border_bottom="1px solid #767676",
                                                         padding="0 0 1em 0", margin="0 0 1em 0"))
        self.answer: AnswerView | None = None
        self._loading = False

    def show(self, answer: AnswerView, can_save: bool) -> None:
        """Fill the panel from ``answer`` (the saved levels and comment, if any)."""
        self._loading = True
        self.answer = answer
        p = answer.prompt
        state = {"answered": "", "empty": " (empty)", "missing": " (answer cell deleted)"}[answer.answer.state]
        self.answer_html.value = _html("answer", self.number, p.title, p.points, state, p.markdown, answer.answer.text)
        stored = answer.stored
        levels = dict(stored.grade.levels) if stored else {}
        for crit_id, radio in self.radios.items():
            radio.value = levels.get(crit_id)
        self.no_answer.value = stored.grade.no_answer if stored else answer.answer.state != "answered"
        self.comment.value = stored.grade.comment if stored else ""
        self.snippet.value = ""
        self.save.disabled = not can_save
        if stored and answer.earlier:
            self.saved.value = _html("earlier_grade", stored.grader, stored.updated_at)
        elif stored:
            now = answer.cell.manual_score if answer.changed_outside and answer.cell is not None else None
            self.saved.value = _html("saved", stored.score, p.points, stored.grader, stored.updated_at, now)
        elif answer.graded and answer.cell is not None:
            self.saved.value = _html("autograded", answer.cell.score)
        else:
            self.saved.value = _html("not_graded")
        self._loading = False
        self._changed()

    def grade(self) -> RubricGrade:
        levels = {cid: r.value for cid, r in self.radios.items() if r.value is not None}
        return RubricGrade(levels, self.comment.value, self.no_answer.value)

    def _changed(self, *_: Any) -> None:
        if self._loading or self.answer is None:
            return
        for radio in self.radios.values():
            radio.disabled = self.no_answer.value
        result = self.view.session.preview(self.view.current, self.answer.prompt.id, self.grade())
        if isinstance(result, list):
            self.preview.value = _html("still_to_do", result)
        else:
            score, comment = result
            self.preview.value = _html("preview", score, self.answer.prompt.points, comment)

    def _insert(self, _: Any) -> None:
        snippet = next((s for s in self.view.session.rubric.snippets if s.id == self.snippet.value), None)
        if snippet is None:
            self.view.announce("Choose a snippet in the list first.")
            return
        text = self.comment.value.rstrip()
        self.comment.value = f"{text}\n\n{snippet.text.strip()}" if text else snippet.text.strip()
        self.view.announce(f"Snippet added to the comment on answer {self.number}.")

    def _save(self, _: Any) -> None:
        if self.answer is None:
            return
        self.view.save_answer(self, self.answer.prompt.id, self.grade())


class GradingView:
    """The whole view; ``widget`` is what the notebook displays."""

    def __init__(self, session: GradingSession) -> None:
        self.session = session
        self.current: SubmissionView | None = None
        self.rows: list[SubmissionRow] = []
        self.status = Announcer(testid="grading-status")
        #: keys pressed anywhere in the view (buttons, lists, text fields) stay out of JupyterLab's shortcuts
        self.keys = ShortcutGuard(within=".mc-grading")
        assignments = session.assignments()
        self.assignment = w.Dropdown(options=assignments, value=assignments[0] if assignments else None,
                                     description="Assignment", style={"description_width": "initial"},
                                     layout=w.Layout(width="32em"))
        self.assignment.observe(lambda _: self.load_assignment(), names="value")
        self.progress_bar = w.IntProgress(min=0, max=1, value=0, description="Graded",
                                          layout=w.Layout(width="24em"))
        self.progress_text = w.HTML()
        self.mentor = w.Dropdown(options=[], description="Mentor", style={"description_width": "initial"},
                                 layout=w.Layout(width="32em"))
        self.mentor.observe(self._mentor_changed, names="value")
        self._quiet = False
        self.previous = w.Button(description="Previous", tooltip="Previous mentor", icon="arrow-left")
        self.next = w.Button(description="Next", tooltip="Next mentor", icon="arrow-right")
        self.next_todo = w.Button(description="Next to grade", tooltip="The next mentor not fully graded yet",
                                  layout=w.Layout(width="auto"))
        self.previous.on_click(lambda _: self._step(-1))
        self.next.on_click(lambda _: self._step(1))
        self.next_todo.on_click(lambda _: self._next_to_grade())
        self.problems = w.HTML()
        self.panels_box = w.VBox()
        self.panels: list[AnswerPanel] = []
        self.checks = w.HTML()
        self.extra = w.HTML()
        self.flag_note = w.Textarea(placeholder="What the concern is, briefly (for the person who follows up)",
                                    description="Concern", continuous_update=False,
                                    layout=w.Layout(width="97%", height="4em"))
        # Default style: white text on nbgrader's warning orange is below WCAG AA contrast.
        self.flag_button = w.Button(description="Record safeguarding concern", icon="flag",
                                    tooltip=session.rubric.safeguarding_help, layout=w.Layout(width="auto"))
        self.flag_button.on_click(self._flag)
        self.flags_here = w.HTML()
        self.follow_up = w.HTML()
        guard = w.VBox([
            w.HTML(_html("guard", session.rubric.safeguarding_label, session.rubric.safeguarding_help)),
            self.flags_here, self.flag_note, w.HBox([self.flag_button])])
        # A native <details>: keyboard-operable, announced as expandable, styled by the theme.
        rubric_help = w.HTML(_html("rubric_help", rubric_markdown(session.rubric)))
        self.widget = w.VBox([
            w.HTML(_html("stylesheet", _CSS) + _html("intro", session.grader)),
            rubric_help,
            w.HBox([self.assignment, self.progress_bar, self.progress_text]),
            w.HBox([self.mentor, self.previous, self.next, self.next_todo]),
            self.status,
            self.keys,
            self.problems,
            self.panels_box,
            self.checks,
            self.extra,
            guard,
            self.follow_up,
        ])
        self.widget.add_class("mc-grading")
        if assignments:
            self.load_assignment()
        else:
            self.announce("No assignments in source/ yet: run mentor-course grading generate.")

    # -- loading -------------------------------------------------------------------------------------

    def announce(self, message: str) -> None:
        self.status.say(message)

    def load_assignment(self, keep: str | None = None) -> None:
        assignment = self.assignment.value
        self.rows = self.session.rows(assignment)
        self._show_progress()
        options = [(f"{r.label}  ({_STATUS_MARK.get(r.status, r.status)}{', flagged' if r.flagged else ''})",
                    r.student) for r in self.rows]
        previous = keep if keep in [r.student for r in self.rows] else None
        target = previous or self.session.next_to_grade(self.rows) or (self.rows[0].student if self.rows else None)
        # Changing the options resets the value; set both without loading twice.
        self._quiet = True
        try:
            self.mentor.options = options
            self.mentor.value = target
        finally:
            self._quiet = False
        self._show_follow_up()
        if target is None:
            self.panels_box.children = ()
            self.problems.value = _html("no_submissions")
            self.current = None
            return
        self.load_submission()

    def _show_progress(self) -> None:
        progress = self.session.progress(self.rows)
        self.progress_bar.max = max(progress.total, 1)
        self.progress_bar.value = progress.graded
        self.progress_text.value = _html("progress", progress.describe())

    def _show_follow_up(self) -> None:
        self.follow_up.value = _html("follow_up", self.session.open_flags(self.assignment.value))

    def _mentor_changed(self, _: Any) -> None:
        if not self._quiet:
            self.load_submission()

    def load_submission(self) -> None:
        student = self.mentor.value
        if student is None:
            return
        view = self.session.open(self.assignment.value, student)
        self.current = view
        who = f"{view.name} ({student})" if view.name and view.name != student else student
        self.problems.value = _html("problems", who, _STATUS_MARK.get(view.status), view.problems)
        while len(self.panels) < len(view.answers):
            self.panels.append(AnswerPanel(self, len(self.panels) + 1))
        can_save = view.status in (GRADED, TO_GRADE, RESUBMITTED) and view.current
        for panel, answer in zip(self.panels, view.answers, strict=False):
            panel.show(answer, can_save)
        # An unreadable file has no answers to show: only its problem, above.
        shown = self.panels[: len(view.answers)] if view.status != UNREADABLE else []
        self.panels_box.children = tuple(p.box for p in shown)
        if view.checks:
            got = sum(c.score for c in view.checks)
            total = sum(c.max_score for c in view.checks)
            self.checks.value = _html("checks", got, total)
        else:
            self.checks.value = ""
        if view.inspection.extra_text:
            self.extra.value = _html("extra", view.inspection.extra_text)
        else:
            self.extra.value = ""
        self.flags_here.value = _html("flags_here", [f for f in view.flags if f.open])
        self.flag_note.value = ""
        index = [r.student for r in self.rows].index(student) + 1 if student in [r.student for r in self.rows] else 0
        self.announce(f"Showing {student}, {index} of {len(self.rows)}: {view.status}.")

    # -- actions ---------------------------------------------------------------------------------------

    def save_answer(self, panel: AnswerPanel, prompt_id: str, grade: RubricGrade) -> None:
        if self.current is None:
            return
        try:
            result = self.session.save(self.current, prompt_id, grade)
        except IncompleteGrade as exc:
            self.announce(f"Not saved: {'; '.join(exc.problems)}.")
            return
        except GradeConflict as exc:
            self.announce(f"Not saved: {exc}")
            return
        except LookupError as exc:  # not autograded
            self.announce(f"Not saved: {exc}")
            return
        student = self.current.student
        self.rows = self.session.rows(self.assignment.value)
        self._show_progress()
        self.current = self.session.open(self.assignment.value, student)
        panel.show(self.current.answer(prompt_id), True)
        self._refresh_labels()
        self.announce(f"Saved answer {panel.number} for {student}: {result.score:g} of "
                      f"{self.current.answer(prompt_id).prompt.points:g} points. "
                      f"{self.session.progress(self.rows).describe()}.")

    def _refresh_labels(self) -> None:
        value = self.mentor.value
        self._quiet = True
        try:
            self.mentor.options = [(f"{r.label}  ({_STATUS_MARK.get(r.status, r.status)}"
                                    f"{', flagged' if r.flagged else ''})", r.student) for r in self.rows]
            self.mentor.value = value
        finally:
            self._quiet = False

    def _step(self, delta: int) -> None:
        names = [r.student for r in self.rows]
        if not names or self.mentor.value not in names:
            return
        self.mentor.value = names[(names.index(self.mentor.value) + delta) % len(names)]

    def _next_to_grade(self) -> None:
        nxt = self.session.next_to_grade(self.rows, self.mentor.value)
        if nxt is None:
            self.announce(f"Every submission is graded. {self.session.progress(self.rows).describe()}.")
        else:
            self.mentor.value = nxt

    def _flag(self, _: Any) -> None:
        if self.current is None:
            return
        try:
            self.session.raise_flag(self.current.assignment, self.current.student, self.flag_note.value)
        except ValueError as exc:
            self.announce(f"Not recorded: {exc}.")
            return
        student = self.current.student
        self.rows = self.session.rows(self.assignment.value)
        self._refresh_labels()
        self.current = self.session.open(self.assignment.value, student)
        self.load_submission()
        self._show_follow_up()
        self.announce(f"Safeguarding concern recorded for {student}. It is kept apart from grades and never sent "
                      "to the mentor.")


def grading_view(course: Path | str | None = None, grader: str | None = None) -> w.Widget:
    """Open the grading view for the course at ``course`` (default: found from the working folder)."""
    from widgets.grading.assignments import load_course_rubric

    found = open_course(course)
    rubric, errors = load_course_rubric(found)
    if rubric is None:
        return w.HTML(_html("rubric_problems", errors))
    view = GradingView(GradingSession(found, rubric, grader))
    return view.widget


__all__ = ["AnswerPanel", "GradingView", "LevelPicker", "grading_view"]
