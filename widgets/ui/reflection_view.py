"""Reflection drafts: one AnyWidget; the browser sends debounced ``draft`` saves and export requests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from widgets.content.models import Reflection
from widgets.progress import make_event, saved_drafts, utcnow
from widgets.ui.base import CourseWidget
from widgets.ui.esm import esm
from widgets.ui.reflection_export import (
    AssignmentMissing,
    assignment_name,
    assignment_notebook,
    drafts_markdown,
    export_notebook,
)
from widgets.ui.reflection_props import reflection_props
from widgets.ui.session import Session

HERE = Path(__file__).parent


class ReflectionView(CourseWidget):
    """A text area per prompt that saves as the mentor types, with Markdown and notebook export."""

    _esm = esm("reflection_view.js")
    _filled = ("reflection",)

    def __init__(self, reflection: Reflection, session: Session, **kwargs: Any) -> None:
        super().__init__(session, **kwargs)
        self.reflection = reflection
        self.generation = 0
        #: The revision of each draft this view last saw or wrote. A save whose stored revision differs
        #: was overtaken by another window, and the progress file keeps the other text (see widgets/progress/merge.py).
        self.revs: dict[str, int] = {}
        self._load_from_progress(notice=" ".join(session.notices))

    def drafts(self) -> dict[str, Any]:
        return saved_drafts(self.session.doc, self.reflection.module, self.reflection.moves)

    def draft_texts(self) -> dict[str, str]:
        return {pid: d.get("text", "") for pid, d in self.drafts().items()}

    def _load_from_progress(self, notice: str = "") -> None:
        drafts = self.drafts()
        self.revs = {pid: int(d.get("rev", 0)) for pid, d in drafts.items()}
        root = self.session.root
        nb = assignment_notebook(root, self.reflection.module) if root else None
        self.props = reflection_props(self.reflection, drafts, generation=self.generation,
                                      assignment=self.session.show_path(nb) if nb else "",
                                      assignment_exists=bool(nb and nb.is_file()), notice=notice,
                                      error=self.session.error)

    def reload(self) -> None:
        self.generation += 1  # the page replaces its text areas only when this changes
        self._load_from_progress()

    def _on_progress(self, reason: str) -> None:
        if reason == "import":
            self.generation += 1
            self._load_from_progress(notice="Your drafts were updated from the imported file.")
        else:
            super()._on_progress(reason)

    def handle(self, content: dict[str, Any]) -> None:
        """Apply one action from the browser (also what tests call)."""
        action = content.get("action")
        if action == "draft":
            self.save_draft(str(content.get("prompt", "")), str(content.get("text", "")),
                            keep_other=bool(content.get("keep_other")))
        elif action == "export-md":
            self.send({"type": "download", "name": f"{self.reflection.module}-reflection-drafts.md",
                       "mime": "text/markdown", "text": self.markdown()})
        elif action == "export-nb":
            self.export_to_notebook()

    def save_draft(self, prompt_id: str, text: str, *, keep_other: bool = False) -> None:
        """Save a draft. ``keep_other`` keeps the saved text if it differs (the page was typing while
        an import replaced it), as a save from a stale window would."""
        if prompt_id not in {p.id for p in self.reflection.prompts}:
            return
        base_rev = -1 if keep_other else self.revs.get(prompt_id, 0)
        error = self.session.record(make_event("draft.save", module=self.reflection.module, prompt=prompt_id,
                                               text=text, base_rev=base_rev))
        if error:
            self.send({"type": "save-error", "prompt": prompt_id, "message": error})
            return
        saved = self.drafts().get(prompt_id, {})
        self.revs[prompt_id] = int(saved.get("rev", 0))
        self.send({"type": "saved", "prompt": prompt_id, "at": saved.get("at", ""),
                   "kept": [{"text": k.get("text", ""), "at": k.get("at", "")} for k in saved.get("kept", [])]})

    def markdown(self) -> str:
        doc = self.session.doc
        return drafts_markdown(self.reflection, self.draft_texts(), learner=self.session.store.learner,
                               name=doc.get("name", ""), exported_at=utcnow())

    def export_to_notebook(self) -> None:
        # the course's ClearSolutions stubs, so a copy made from source/ reads like nbgrader's release
        from widgets.grading.notebooks import ANSWER_STUB, CODE_STUB

        shared = self.session.location.mode == "shared"  # one copy per learner and module, replaced each time
        try:
            result = export_notebook(self.session.root, self.reflection.module, self.draft_texts(),
                                     [p.id for p in self.reflection.prompts], self.session.export_dir(),
                                     text_stub=ANSWER_STUB, code_stub=CODE_STUB, replace=shared)
        except AssignmentMissing as exc:
            self.send({"type": "result", "ok": False, "message": str(exc)})
            return
        except OSError as exc:
            self.send({"type": "result", "ok": False, "message": "The copy could not be written "
                       f"({exc.strerror or 'a file error'}). Your drafts are saved; download them as Markdown instead."})
            return
        parts = [f"Your drafts were put into a copy of the assignment notebook: {self.session.show_path(result.path)}."]
        if len(result.filled) < len(self.reflection.prompts):
            empty = [p.id for p in self.reflection.prompts if p.id not in result.filled and p.id not in result.no_cell]
            if empty:
                parts.append(f"Prompts without a draft were left as they were: {', '.join(empty)}.")
        if result.no_cell:
            parts.append(f"The notebook has no answer cell for: {', '.join(result.no_cell)} (tell your trainer).")
        parts.append("It replaces the copy you exported before; a download of it has started too." if shared else
                     "Nothing you already had was overwritten; a download of the copy has started too.")
        # the download keeps nbgrader's file name, which the trainer's `nbgrader zip_collect` expects
        self.send({"type": "download", "name": f"{assignment_name(self.reflection.module)}.ipynb",
                   "mime": "application/x-ipynb+json",
                   "text": result.text})
        self.send({"type": "result", "ok": True, "message": " ".join(parts),
                   "path": result.path.name if shared else str(result.path)})


__all__ = ["ReflectionView"]
