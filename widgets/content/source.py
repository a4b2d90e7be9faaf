"""Read a YAML file into plain data plus a map from JSON path to source position.

PyYAML's ``safe_load`` throws away where each value came from. We compose the node tree ourselves
(still with the safe resolver, so no arbitrary tags), build the data from it, and remember each
node's start mark, so every later error can point at ``file:line:col``.

Anchors and aliases are refused: course content has no need of them, and a few nested aliases can
expand into billions of values (the "billion laughs" YAML bomb) once anything walks the data.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from widgets.content.errors import ContentError

Path_ = tuple[str | int, ...]

#: Files larger than this are refused before parsing; the largest real scenario is ~60 kB.
MAX_BYTES = 5_000_000
#: Nesting deeper than this is refused; real content nests about eight levels.
MAX_DEPTH = 64


@dataclass
class Source:
    """A parsed YAML document: the data and where each value of it starts in the file."""

    file: str
    data: Any
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    #: Scalars that are quoted ('"', "'"), block (|, >) or plain but spread over lines ("m"); the
    #: rest are plain one-line scalars, whose characters sit at their column plus their offset.
    styles: dict[Path_, str] = field(default_factory=dict)

    def scalar_position(self, path: Path_, offset: int) -> tuple[int, int]:
        """Line and column of character ``offset`` inside the scalar at ``path`` (a condition's
        offending token): exact for plain and quoted one-line scalars, else the scalar's start."""
        line, col = self.locate(path)
        style = self.styles.get(tuple(path))
        if style is None and tuple(path) in self.marks:
            return line, col + max(offset, 0)
        if style in ("'", '"'):
            return line, col + 1 + max(offset, 0)
        return line, col

    def locate(self, path: Path_) -> tuple[int, int]:
        """Line and column (1-based) of the value at ``path``, or of its nearest ancestor."""
        probe = tuple(path)
        while probe not in self.marks and probe:
            probe = probe[:-1]
        return self.marks.get(probe, (1, 1))

    def locate_key(self, path: Path_) -> tuple[int, int]:
        """Position of the key that names ``path`` (better for "unknown key" messages)."""
        return self.key_marks.get(tuple(path)) or self.locate(path)

    def error(self, path: Path_, code: str, message: str, *, at_key: bool = False) -> ContentError:
        """Build a located error for the value (or key) at ``path``."""
        line, col = self.locate_key(path) if at_key else self.locate(path)
        return ContentError(self.file, line, col, code, message, tuple(path))


#: libyaml's C parser when PyYAML was built with it (about 20x faster), else the pure-Python one.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _prescan(text: str) -> tuple[int, int, str, str] | None:
    """Stream the parse events once (no recursion, so no stack to blow) and refuse aliases and
    deep nesting before the composer, which recurses, ever sees them."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                return (*_pos(event.start_mark), "yaml.too-deep", f"nesting deeper than {MAX_DEPTH} levels")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            return (*_pos(event.start_mark), "yaml.alias",
                    "anchors and aliases (&name / *name) are not supported in course content")
    return None


_STR = "tag:yaml.org,2002:str"
_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


class _ParseProblem(Exception):
    def __init__(self, line: int, col: int, code: str, message: str) -> None:
        super().__init__(message)
        self.line, self.col, self.code, self.message = line, col, code, message


def _pos(mark: yaml.Mark | None) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class _Builder:
    """Turn a composed node tree into data, recording marks; refuse aliases and duplicates."""

    def __init__(self) -> None:
        self.constructor = yaml.SafeLoader("")  # only used to construct scalars safely
        self.marks: dict[Path_, tuple[int, int]] = {}
        self.key_marks: dict[Path_, tuple[int, int]] = {}
        self.styles: dict[Path_, str] = {}
        self.problems: list[_ParseProblem] = []
        self.seen: set[int] = set()

    def build(self, node: yaml.Node, path: Path_, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise _ParseProblem(*_pos(node.start_mark), "yaml.too-deep",
                                f"nesting deeper than {MAX_DEPTH} levels")
        if id(node) in self.seen:
            # The composer hands back the same node object for every alias of an anchor.
            raise _ParseProblem(*_pos(node.start_mark), "yaml.alias",
                                "anchors and aliases (&name / *name) are not supported in course content")
        self.seen.add(id(node))
        self.marks[path] = _pos(node.start_mark)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
            raise _ParseProblem(*_pos(node.start_mark), "yaml.tag",
                                f"unsupported tag '{node.tag}': course content is plain YAML")
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _ParseProblem(*_pos(key_node.start_mark), "yaml.complex-key",
                                        "mapping keys must be plain words")
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise _ParseProblem(*_pos(key_node.start_mark), "yaml.alias",
                                        "merge keys (<<) are not supported in course content")
                key = key_node.value if key_node.tag == _STR else self.constructor.construct_object(key_node)
                key = key if isinstance(key, str) else str(key)
                if key in out:
                    line, col = _pos(key_node.start_mark)
                    first = self.key_marks.get((*path, key), (0, 0))[0]
                    self.problems.append(_ParseProblem(
                        line, col, "yaml.duplicate-key",
                        f"key '{key}' appears twice in this mapping (first on line {first}); "
                        "YAML would silently keep only the last",
                    ))
                self.key_marks[(*path, key)] = _pos(key_node.start_mark)
                out[key] = self.build(value_node, (*path, key), depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if node.style or node.start_mark.line != node.end_mark.line:
            self.styles[path] = node.style or "m"
        if node.tag == _STR:  # most scalars: skip the constructor's bookkeeping
            return node.value
        try:
            return self.constructor.construct_object(node)
        except yaml.constructor.ConstructorError as exc:
            raise _ParseProblem(*_pos(node.start_mark), "yaml.tag",
                                f"unsupported value: {exc.problem}") from None


class _Unusual(Exception):
    """Something only the composer handles exactly (an anchor, an explicit tag, a second document, a
    complex or merge key, a value the constructor refuses): read the file the long way instead."""


_MAP_TAG, _SEQ_TAG = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_NO_KEY = object()


def _read_events(text: str) -> tuple[int, int, str, str] | tuple[Any, _Builder]:
    """Read ``text`` in one pass over the parser's events: the pre-scan's refusals (aliases, deep
    nesting) and the builder's data, marks and duplicate keys together.

    The composer the long way goes through (:func:`_prescan`, then ``get_single_node``, then
    :class:`_Builder`) makes a node object with two marks for every value and resolves each scalar's
    tag; that was most of the time ``validate`` spent reading. For the plain YAML course content is,
    this gives exactly what the long way gives; anything else raises :class:`_Unusual`, and parse
    errors propagate as they would from the pre-scan (which meets them at the same event)."""
    builder = _Builder()
    construct = builder.constructor.construct_object
    resolve = builder.constructor.resolve
    resolvers = builder.constructor.yaml_implicit_resolvers
    # The characters an implicit type (number, bool, null, ...) can start with. With path resolvers or
    # wildcard ones (not PyYAML's safe defaults), every scalar goes through the resolver.
    typed_starts = frozenset(k for k in resolvers if k)
    shortcut = not (builder.constructor.yaml_path_resolvers or None in resolvers)
    marks, key_marks, styles, problems = builder.marks, builder.key_marks, builder.styles, builder.problems
    stack: list[list[Any]] = []  # [container, path, pending key or _NO_KEY] per open collection
    root: Any = _NO_KEY
    documents = 0
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        cls = type(event)
        if cls is yaml.ScalarEvent or cls is yaml.MappingStartEvent or cls is yaml.SequenceStartEvent:
            if cls is not yaml.ScalarEvent:
                depth += 1
                if depth > MAX_DEPTH:
                    return (*_pos(event.start_mark), "yaml.too-deep", f"nesting deeper than {MAX_DEPTH} levels")
            if event.anchor is not None or event.tag is not None or len(stack) > MAX_DEPTH:
                raise _Unusual
            if cls is yaml.ScalarEvent:
                value = event.value
                # Text that is quoted, or plain with a first character no implicit type starts with, is
                # a string: what the resolver would answer, without its per-scalar lookups.
                if shortcut and (not event.implicit[0] or (value and value[0] not in typed_starts)):
                    tag = _STR
                else:
                    tag = resolve(yaml.ScalarNode, value, event.implicit)
            if stack and stack[-1][2] is _NO_KEY and isinstance(stack[-1][0], dict):
                # A mapping key: a plain scalar, made a string, checked for a duplicate.
                frame = stack[-1]
                if cls is not yaml.ScalarEvent or tag == "tag:yaml.org,2002:merge":
                    raise _Unusual
                key = event.value if tag == _STR else _constructed(construct, tag, event)
                key = key if isinstance(key, str) else str(key)
                path = (*frame[1], key)
                if key in frame[0]:
                    line, col = _pos(event.start_mark)
                    first = key_marks.get(path, (0, 0))[0]
                    problems.append(_ParseProblem(
                        line, col, "yaml.duplicate-key",
                        f"key '{key}' appears twice in this mapping (first on line {first}); "
                        "YAML would silently keep only the last",
                    ))
                key_marks[path] = _pos(event.start_mark)
                frame[2] = key
                continue
            if not stack:
                path = ()
            elif isinstance(stack[-1][0], list):
                path = (*stack[-1][1], len(stack[-1][0]))
            else:
                path = (*stack[-1][1], stack[-1][2])
            marks[path] = _pos(event.start_mark)
            if cls is yaml.ScalarEvent:
                if event.style or event.start_mark.line != event.end_mark.line:
                    styles[path] = event.style or "m"
                value = event.value if tag == _STR else _constructed(construct, tag, event)
            else:
                value = {} if cls is yaml.MappingStartEvent else []
            if not stack:
                root = value
            elif isinstance(stack[-1][0], list):
                stack[-1][0].append(value)
            else:
                stack[-1][0][stack[-1][2]] = value
                stack[-1][2] = _NO_KEY
            if cls is not yaml.ScalarEvent:
                stack.append([value, path, _NO_KEY])
        elif cls is yaml.MappingEndEvent or cls is yaml.SequenceEndEvent:
            depth -= 1
            stack.pop()
        elif cls is yaml.AliasEvent:
            return (*_pos(event.start_mark), "yaml.alias",
                    "anchors and aliases (&name / *name) are not supported in course content")
        elif cls is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _Unusual
    if documents != 1 or root is _NO_KEY:
        raise _Unusual
    return root, builder


def _constructed(construct: Any, tag: str, event: yaml.ScalarEvent) -> Any:
    """A scalar of another type than text (number, true/false, null), as the safe constructor makes it."""
    try:
        return construct(yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style))
    except Exception:  # the long way reports it (or fails) exactly as before, after the whole pre-scan
        raise _Unusual from None


#: Within :func:`reading_once`, what each (path, display) read gave; None outside it.
_READ_ONCE: ContextVar[dict[tuple[str, str | None], tuple[Source | None, list[ContentError]]] | None] = \
    ContextVar("read_once", default=None)


@contextmanager
def reading_once() -> Iterator[None]:
    """Parse each file once inside this block, however many checks ask for it.

    ``check_paths`` reads course.yaml for the manifest, again for the course-wide checks and again for
    the resource packs' region; rubric files and files with ``{role}`` placeholders are read twice
    too. The memo lives only as long as the block (one validation run, in memory): a later run reads
    the files afresh, and nothing is kept on disk. Callers share the returned :class:`Source`, which
    nobody mutates; each gets its own list of errors.
    """
    token = _READ_ONCE.set({})
    try:
        yield
    finally:
        _READ_ONCE.reset(token)


def read_source(path: Path | str, display: str | None = None) -> tuple[Source | None, list[ContentError]]:
    """Parse ``path``; return the source (or None) and every problem found while reading it.

    ``display`` is the file name used in messages (relative paths read better than absolute ones).
    Inside :func:`reading_once`, a file already read is not parsed again.
    """
    memo = _READ_ONCE.get()
    if memo is None:
        return _read_source(path, display)
    key = (str(path), display)
    if key not in memo:
        memo[key] = _read_source(path, display)
    src, errors = memo[key]
    return src, list(errors)


def _read_source(path: Path | str, display: str | None) -> tuple[Source | None, list[ContentError]]:
    file = display or str(path)
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        return None, [ContentError(file, 0, 0, "file.missing", "file not found")]
    except IsADirectoryError:
        return None, [ContentError(file, 0, 0, "file.missing", "is a folder, not a YAML file")]
    except OSError as exc:
        return None, [ContentError(file, 0, 0, "file.unreadable", f"cannot read file: {exc.strerror}")]
    if len(raw) > MAX_BYTES:
        return None, [ContentError(file, 1, 1, "file.too-large",
                                   f"file is {len(raw):,} bytes; the limit is {MAX_BYTES:,}")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [ContentError(file, line, col, "file.encoding",
                                   f"not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")]
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        return None, [ContentError(file, 1, 1, "yaml.empty", "file is empty")]
    try:
        fast = _read_events(text)
    except _Unusual:
        fast = None
    except (yaml.YAMLError, RecursionError):
        fast = None  # the long way meets the same error and reports it
    if fast is not None:
        if len(fast) == 4:
            return None, [ContentError(file, *fast)]
        data, built = fast
        errors = [ContentError(file, p.line, p.col, p.code, p.message) for p in built.problems]
        return Source(file, data, built.marks, built.key_marks, built.styles), errors
    try:
        refused = _prescan(text)
        if refused:
            return None, [ContentError(file, *refused)]
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        line, col = _pos(exc.problem_mark or exc.context_mark)
        what = " ".join(x for x in (exc.context, exc.problem) if x) or "invalid YAML"
        # libyaml 0.2.5 (PyYAML 6.0.4 wheels) stops deep flow nesting in its scanner, ahead of our pre-scan.
        code = "yaml.too-deep" if "nesting depth" in what else "yaml.syntax"
        return None, [ContentError(file, line, col, code, what)]
    except yaml.YAMLError as exc:  # e.g. a reader error on control characters
        mark = getattr(exc, "position", None)
        return None, [ContentError(file, 1, (mark or 0) + 1, "yaml.syntax", str(exc).splitlines()[0])]
    except RecursionError:
        return None, [ContentError(file, 1, 1, "yaml.too-deep", "nesting is too deep to read")]
    if node is None:
        return None, [ContentError(file, 1, 1, "yaml.empty", "file is empty")]
    builder = _Builder()
    try:
        data = builder.build(node, ())
    except _ParseProblem as prob:
        return None, [ContentError(file, prob.line, prob.col, prob.code, prob.message)]
    except RecursionError:
        return None, [ContentError(file, 1, 1, "yaml.too-deep", "nesting is too deep to read")]
    errors = [ContentError(file, p.line, p.col, p.code, p.message) for p in builder.problems]
    return Source(file, data, builder.marks, builder.key_marks, builder.styles), errors
