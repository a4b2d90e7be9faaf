"""What every course widget shares: one ``props`` trait, the course stylesheet, and the message loop.

The browser sends actions as custom messages; :meth:`CourseWidget.handle` applies them. Faults are
caught and shown in the page, never as a traceback. When a page first renders it says ``hello``: in
a preheated Voilà kernel the learner becomes known only after the widgets were built, and the view
reloads then, as a reply to its page. The module header's hello also carries the learner id this
browser remembers, for a page opened without one (see :meth:`Session.adopt`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from widgets.ui.esm import asset
from widgets.ui.session import Listening, Session

HERE = Path(__file__).parent


def after_reply(fn: Callable[[], None]) -> None:
    """Run ``fn`` as soon as the kernel has finished the message it is handling (next turn of its event
    loop, before any later message), or at once outside a kernel. A choice's feedback then leaves the
    kernel before the disk is touched, and the save still comes before the next click is handled."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        fn()
        return
    loop.call_soon(fn)


class CourseWidget(Listening, anywidget.AnyWidget):
    """Base of the player, self-check, reflection, header and overview views."""

    _css = asset(HERE / "course.css")
    #: Attributes holding content models whose text carries resource placeholders: they are filled
    #: again when the region changes (:meth:`Session.refill`).
    _filled: tuple[str, ...] = ()
    props = traitlets.Dict(help="Everything the view shows, built by a pure *_props function.").tag(sync=True)

    def __init__(self, session: Session, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.seen_generation = session.generation
        self.on_msg(self._on_msg)
        self.listen(session, self._refill, self._on_progress)  # until the view is closed

    def reload(self) -> None:
        """Rebuild ``props`` from the saved progress (after an import, or when the learner arrived)."""
        raise NotImplementedError

    def handle(self, content: dict[str, Any]) -> None:
        """Apply one action from the browser (tests call this directly)."""
        raise NotImplementedError

    def report_fault(self, message: str) -> None:
        self.send({"type": "result", "ok": False, "message": message})

    def _refill(self, reason: str) -> None:
        """Fill this view's content again when the region may have changed (runs before reload)."""
        if reason in ("import", "learner", "region"):
            for name in self._filled:
                setattr(self, name, self.session.refill(getattr(self, name)))

    def _on_progress(self, reason: str) -> None:
        if reason in ("import", "learner", "region"):
            self.seen_generation = self.session.generation
            self.reload()

    def _catch_up(self) -> None:
        if self.seen_generation != self.session.generation:
            self.seen_generation = self.session.generation
            self._refill("learner")
            self.reload()

    def _on_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        try:
            if content.get("action") == "hello":
                # a short wait: the learner normally arrives with the page; never hold the kernel long
                self.session.wait_until_ready(timeout=5)
                remembered = content.get("learner")
                if isinstance(remembered, str) and remembered:
                    self.session.adopt(remembered)
                self._catch_up()
                return
            self._catch_up()
            self.handle(content)
        except Exception as exc:  # never a traceback in the page
            self.report_fault(f"Something went wrong: {exc}")


__all__ = ["CourseWidget"]
