"""Small pieces both live apps share: opening the store with a readable failure, showing and hiding
widgets, and running a store call from a button without blocking the kernel."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as W

from widgets.live.errors import STORE_PROBLEM, LiveError, for_visitor
from widgets.live.store import RoomStore, default_url
from widgets.ui.live.bridge import PageBridge
from widgets.ui.live.feed import guarded

log = logging.getLogger(__name__)
WIDE = W.Layout(width="100%", max_width="46rem")
#: Running actions: the event loop keeps only weak references to tasks, so they are held here.
_PENDING: set[asyncio.Future[None]] = set()


def show(widget: W.Widget, visible: bool) -> None:
    widget.layout.display = "" if visible else "none"


def html(value: str = "", *classes: str) -> W.HTML:
    out = W.HTML(value)
    for c in classes:
        out.add_class(c)
    return out


def section(children: list[W.Widget], *classes: str) -> W.VBox:
    box = W.VBox(children)
    box.add_class("mc-live-section")
    for c in classes:
        box.add_class(c)
    return box


def open_store(environ: Mapping[str, str] | None = None, url: str | None = None) -> tuple[RoomStore | None, str]:
    """The course's room store, or None and a message saying what is wrong and what to do."""
    try:
        return RoomStore(url or default_url(environ)), ""
    except LiveError as exc:
        return None, for_visitor(exc)
    except OSError as exc:
        log.warning("room database cannot be opened: %s", exc)
        return None, STORE_PROBLEM


def environment(environ: Mapping[str, str] | None) -> dict[str, str]:
    return dict(os.environ if environ is None else environ)


def spawn(bridge: PageBridge, action: Callable[[], Any], *, busy: tuple[W.Button, ...] = (),
          done: Callable[[], None] | None = None) -> None:
    """Run ``action`` (a coroutine function) on the kernel's event loop, with the ``busy`` buttons
    disabled meanwhile (a double click sends one request); a :class:`LiveError` becomes the bridge's
    announced problem. ``done`` then restores the controls from the room's state. Callbacks stay short."""
    for b in busy:
        b.disabled = True

    async def run() -> None:
        try:
            await guarded(action, bridge.problem)
        finally:
            if done is not None:
                done()
            else:
                for b in busy:
                    b.disabled = False

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
        with contextlib.suppress(RuntimeError):
            policy_loop = asyncio.get_event_loop_policy().get_event_loop()
            loop = policy_loop if policy_loop.is_running() else None
    if loop is None:  # no kernel loop (a script or a test without one): run it to the end now
        asyncio.run(run())
        return
    task = loop.create_task(run())
    _PENDING.add(task)
    task.add_done_callback(_PENDING.discard)


__all__ = ["WIDE", "environment", "html", "open_store", "section", "show", "spawn"]
