"""Is Voilà's ``start`` still the one ``CourseVoila.prepare`` was checked against?

``prepare`` calls Voilà's own ``start`` and adds the course's steps in ``listen``, the step ``start`` ends
with (widgets/serving/app.py). A new step in ``start`` runs by itself; but a reordering (the kernel manager
made after the socket is needed, ``listen`` no longer last) could change what the course's steps find.
So the installed ``start`` is compared, statement by statement, with the one read when ``prepare`` was
written, and any change fails here with the difference, rather than in production.
"""

from __future__ import annotations

import ast
import difflib
import inspect
import textwrap
from pathlib import Path

import pytest
from voila.app import Voila

#: ``Voila.start`` of Voilà 0.5.8, normalized by :func:`normalized` (no comments, no docstring, one layout).
PINNED_START = """\
def start(self):
    self.connection_dir = tempfile.mkdtemp(prefix='voila_', dir=self.connection_dir_root)
    self.log.info('Storing connection files in %s.' % self.connection_dir)
    self.log.info('Serving static files from %s.' % self.static_root)
    settings = self.init_settings()
    self.app = tornado.web.Application(**settings)
    self.app.settings.update(self.tornado_settings)
    handlers = self.init_handlers()
    self.app.add_handlers('.*$', handlers)
    self.listen()"""


def normalized(source: str) -> str:
    """``source`` of one function as its AST prints it: formatting, comments and docstring do not count."""
    tree = ast.parse(textwrap.dedent(source))
    func = tree.body[0]
    assert isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef)
    body = func.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        func.body = body[1:] or [ast.Pass()]
    return ast.unparse(tree)


def start_changes(source: str, pinned: str = PINNED_START) -> str:
    """'' when ``source`` is the pinned ``start``; else a message with the unified diff (pinned -> installed)."""
    current = normalized(source)
    if current == pinned:
        return ""
    diff = "\n".join(difflib.unified_diff(pinned.splitlines(), current.splitlines(), "Voila.start (pinned)",
                                          "Voila.start (installed)", lineterm=""))
    return ("Voilà's start() changed: re-check CourseVoila.prepare and CourseVoila.listen in "
            "widgets/serving/app.py against it, then update PINNED_START in this file.\n" + diff)


def test_voila_start_is_the_one_prepare_was_written_against():
    changes = start_changes(inspect.getsource(Voila.start))
    assert not changes, changes


def test_voila_start_changes_are_reported_with_a_diff():
    """Would a new step in ``start`` (or a reformatted but equal ``start``) be told apart?"""
    reformatted = PINNED_START.replace("def start(self):", 'def start(self):\n    """Start."""  # a comment')
    assert start_changes(reformatted) == ""
    added = PINNED_START.replace("    self.listen()", "    self.init_new_thing()\n    self.listen()")
    message = start_changes(added)
    assert message.startswith("Voilà's start() changed: re-check CourseVoila.prepare")
    assert "+    self.init_new_thing()" in message.splitlines()


def test_prepare_fails_loudly_when_voila_start_no_longer_calls_listen(monkeypatch, tiny_course: Path,
                                                                    tmp_path: Path):
    """Does ``prepare`` go through Voilà's own ``start`` (bound socket first), and refuse to carry on when that
    ``start`` never reaches ``listen``, where the course's steps are?"""
    from widgets.serving.app import CourseVoila, PatchNotApplied
    from widgets.serving.settings import ServeSettings

    calls: list[str] = []
    monkeypatch.setattr(Voila, "start", lambda self: calls.append(f"Voila.start, bound: {bool(self._sockets)}"))
    app = CourseVoila(ServeSettings(course_root=tiny_course, data_dir=tmp_path / "data", port=0))
    try:
        with pytest.raises(PatchNotApplied, match="no longer ends by calling listen"):
            app.prepare()
    finally:
        for sock in app._sockets:
            sock.close()
    assert calls == ["Voila.start, bound: True"]
