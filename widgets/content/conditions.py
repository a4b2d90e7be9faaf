"""The condition language of ``mentor-scenario/2``: tokenizer, parser, type checker, evaluator.

A condition is a short expression on a line, a choice, an ending text part, a goto branch or a
claim, such as ``asked_risk and not promised_secrecy`` or ``unrepaired == 0``. It is parsed by a
small recursive-descent parser into a tuple AST and never handed to ``eval``: content is data, and
an author's typo must come back as a located message, not as Python running.

Grammar (docs/formats.md)::

    expr := or ; or := and ("or" and)* ; and := not ("and" not)* ; not := "not" not | cmp ;
    cmp  := atom (("=="|"!="|"<"|"<="|">"|">=") atom)? ;
    atom := NAME | INT | "true" | "false" | "(" expr ")"

AST nodes are tuples whose last element is the character offset of the token they came from, so
a type error can point at the very word that is wrong:

    ("name", "asked_risk", off) ("int", 3, off) ("bool", True, off)
    ("not", operand, off) ("and"|"or", left, right, off) ("cmp", op, left, right, off)

Every problem is a :class:`ConditionError` (code, offset, message); :func:`analyse` turns them into
:class:`~widgets.content.errors.ContentError` values and never raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from difflib import get_close_matches
from functools import lru_cache
from typing import Any

from widgets.content.errors import ContentError

#: Names the engine computes from the path; every other name must be declared under ``state:``.
BUILTINS: dict[str, str] = {
    "harmful": "number of harmful choices taken so far",
    "mixed": "number of mixed choices taken so far",
    "best": "number of best choices taken so far",
    "unrepaired": "harmful choices taken so far that no later choice has repaired",
}
KEYWORDS = frozenset({"and", "or", "not", "true", "false"})
COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")
#: Longer expressions or deeper nesting are refused (an author never needs them; a fuzzer might).
MAX_LENGTH = 500
MAX_DEPTH = 32

BOOL, INT = "flag", "number"

Ast = tuple[Any, ...]
Value = bool | int


class ConditionError(ValueError):
    """One problem in one condition, at a character offset into its text."""

    def __init__(self, code: str, offset: int, message: str) -> None:
        super().__init__(message)
        self.code, self.offset, self.message = code, offset, message


@dataclass(frozen=True)
class Token:
    kind: str  # name, int, op, lparen, rparen, end
    text: str
    offset: int


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens; raise :class:`ConditionError` at the first character that fits none."""
    if len(text) > MAX_LENGTH:
        raise ConditionError("cond.syntax", MAX_LENGTH, f"condition is longer than {MAX_LENGTH} characters")
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in " \t\r\n":
            i += 1
        elif ch.isascii() and (ch.isalpha() or ch == "_"):
            j = i + 1
            while j < n and text[j].isascii() and (text[j].isalnum() or text[j] == "_"):
                j += 1
            out.append(Token("name", text[i:j], i))
            i = j
        elif ch.isascii() and ch.isdigit():
            j = i + 1
            while j < n and text[j].isascii() and text[j].isdigit():
                j += 1
            if j - i > 9:
                raise ConditionError("cond.syntax", i, f"number '{text[i:j]}' is too large")
            out.append(Token("int", text[i:j], i))
            i = j
        elif text.startswith(("==", "!=", "<=", ">="), i):
            out.append(Token("op", text[i:i + 2], i))
            i += 2
        elif ch in "<>":
            out.append(Token("op", ch, i))
            i += 1
        elif ch == "(":
            out.append(Token("lparen", ch, i))
            i += 1
        elif ch == ")":
            out.append(Token("rparen", ch, i))
            i += 1
        else:
            hint = {"=": " (compare with '==')", "!": " (negate with 'not')", "&": " (use 'and')",
                    "|": " (use 'or')", "-": " (state names use '_', not '-')"}.get(ch, "")
            raise ConditionError("cond.syntax", i, f"unexpected character {ch!r}{hint}")
    out.append(Token("end", "", n))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.pos = 0
        self.depth = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def is_word(self, word: str) -> bool:
        return self.tok.kind == "name" and self.tok.text == word

    def parse(self) -> Ast:
        if self.tok.kind == "end":
            raise ConditionError("cond.syntax", 0, "the condition is empty")
        node = self.or_()
        if self.tok.kind != "end":
            raise ConditionError("cond.syntax", self.tok.offset,
                                 f"unexpected '{self.tok.text}' after a complete condition"
                                 + (" (combine tests with 'and' / 'or'; comparisons do not chain)"
                                    if self.tok.kind in ("op", "name", "int") else ""))
        return node

    def or_(self) -> Ast:
        left = self.and_()
        while self.is_word("or"):
            off = self.advance().offset
            left = ("or", left, self.and_(), off)
        return left

    def and_(self) -> Ast:
        left = self.not_()
        while self.is_word("and"):
            off = self.advance().offset
            left = ("and", left, self.not_(), off)
        return left

    def not_(self) -> Ast:
        if self.is_word("not"):
            off = self.advance().offset
            self.enter(off)
            try:
                return ("not", self.not_(), off)
            finally:
                self.depth -= 1
        return self.cmp()

    def cmp(self) -> Ast:
        left = self.atom()
        if self.tok.kind == "op":
            op = self.advance()
            return ("cmp", op.text, left, self.atom(), op.offset)
        return left

    def enter(self, offset: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ConditionError("cond.syntax", offset, f"nested deeper than {MAX_DEPTH} levels")

    def atom(self) -> Ast:
        tok = self.tok
        if tok.kind == "lparen":
            self.advance()
            self.enter(tok.offset)
            try:
                inner = self.or_()
            finally:
                self.depth -= 1
            if self.tok.kind != "rparen":
                raise ConditionError("cond.syntax", self.tok.offset,
                                     f"expected ')' to close the '(' at character {tok.offset + 1}"
                                     + (f", found '{self.tok.text}'" if self.tok.text else ""))
            self.advance()
            return inner
        if tok.kind == "int":
            self.advance()
            return ("int", int(tok.text), tok.offset)
        if tok.kind == "name":
            if tok.text in ("true", "false"):
                self.advance()
                return ("bool", tok.text == "true", tok.offset)
            if tok.text in KEYWORDS:
                raise ConditionError("cond.syntax", tok.offset, f"'{tok.text}' needs a value before it")
            self.advance()
            return ("name", tok.text, tok.offset)
        if tok.kind == "end":
            raise ConditionError("cond.syntax", tok.offset, "the condition ends where a value was expected")
        raise ConditionError("cond.syntax", tok.offset, f"expected a name, a number, true/false or '(', "
                                                        f"found '{tok.text}'")


def parse(text: str) -> Ast:
    """The AST of ``text``; raise :class:`ConditionError` (``cond.syntax``) when it does not parse."""
    return _Parser(text).parse()


def offset_of(ast: Ast) -> int:
    return int(ast[-1])


def typecheck(ast: Ast, types: Mapping[str, str]) -> str:
    """The type of ``ast`` (:data:`BOOL` or :data:`INT`) given the declared ``types`` of names;
    raise :class:`ConditionError` for an undefined name (``state.undefined``) or a type clash
    (``cond.type``)."""
    kind = ast[0]
    if kind == "bool":
        return BOOL
    if kind == "int":
        return INT
    if kind == "name":
        name = ast[1]
        if name in types:
            return types[name]
        close = get_close_matches(name, list(types), n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise ConditionError("state.undefined", ast[2],
                             f"'{name}' is not declared under 'state:' and is not a built-in "
                             f"({', '.join(BUILTINS)}){hint}")
    if kind == "not":
        _need(ast[1], types, BOOL, "'not'")
        return BOOL
    if kind in ("and", "or"):
        _need(ast[1], types, BOOL, f"'{kind}'")
        _need(ast[2], types, BOOL, f"'{kind}'")
        return BOOL
    if kind == "cmp":
        op, left, right = ast[1], ast[2], ast[3]
        lt, rt = typecheck(left, types), typecheck(right, types)
        if op in ("==", "!="):
            if lt != rt:
                raise ConditionError("cond.type", ast[4], f"'{op}' compares a {lt} with a {rt}; both sides "
                                                          "must be flags or both numbers")
        else:
            for side, t in ((left, lt), (right, rt)):
                if t != INT:
                    raise ConditionError("cond.type", offset_of(side),
                                         f"'{op}' needs numbers, but {_describe(side)} is a {t}")
        return BOOL
    raise ConditionError("cond.syntax", 0, f"not a condition: {ast!r}")


def _need(ast: Ast, types: Mapping[str, str], want: str, who: str) -> None:
    got = typecheck(ast, types)
    if got != want:
        raise ConditionError("cond.type", offset_of(ast),
                             f"{who} needs a {want}, but {_describe(ast)} is a {got}"
                             + (" (compare it, e.g. 'slips > 0')" if got == INT else ""))


def _describe(ast: Ast) -> str:
    return f"'{to_text(ast)}'"


def evaluate(ast: Ast, env: Mapping[str, Value]) -> Value:
    """The value of a type-checked ``ast`` with names bound by ``env``.

    Raises :class:`ConditionError` for a name ``env`` lacks or a value of the wrong type (only an
    unchecked AST can get there), never anything else.
    """
    kind = ast[0]
    if kind in ("bool", "int"):
        return ast[1]
    if kind == "name":
        try:
            return env[ast[1]]
        except KeyError:
            raise ConditionError("state.undefined", ast[2], f"'{ast[1]}' has no value here") from None
    if kind == "not":
        return not _bool(evaluate(ast[1], env), ast[1])
    if kind == "and":
        return _bool(evaluate(ast[1], env), ast[1]) and _bool(evaluate(ast[2], env), ast[2])
    if kind == "or":
        return _bool(evaluate(ast[1], env), ast[1]) or _bool(evaluate(ast[2], env), ast[2])
    if kind == "cmp":
        op, a, b = ast[1], evaluate(ast[2], env), evaluate(ast[3], env)
        if op == "==":
            return type(a) is type(b) and a == b
        if op == "!=":
            return not (type(a) is type(b) and a == b)
        x, y = _int(a, ast[2]), _int(b, ast[3])
        return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]
    raise ConditionError("cond.syntax", 0, f"not a condition: {ast!r}")


def _bool(v: Value, ast: Ast) -> bool:
    if type(v) is not bool:
        raise ConditionError("cond.type", offset_of(ast), f"{_describe(ast)} is not a flag")
    return v


def _int(v: Value, ast: Ast) -> int:
    if type(v) is not int:
        raise ConditionError("cond.type", offset_of(ast), f"{_describe(ast)} is not a number")
    return v


_PREC = {"or": 1, "and": 2, "not": 3, "cmp": 4}


def to_text(ast: Ast, parent: int = 0) -> str:
    """Print ``ast`` back as condition text (the map shows it; ``parse(to_text(a))`` gives ``a``'s shape)."""
    kind = ast[0]
    if kind == "bool":
        return "true" if ast[1] else "false"
    if kind == "int":
        return str(ast[1])
    if kind == "name":
        return str(ast[1])
    prec = _PREC.get(kind, 5)
    if kind == "not":
        out = f"not {to_text(ast[1], prec)}"
    elif kind in ("and", "or"):
        out = f"{to_text(ast[1], prec)} {kind} {to_text(ast[2], prec + 1)}"
    elif kind == "cmp":
        out = f"{to_text(ast[2], 5)} {ast[1]} {to_text(ast[3], 5)}"
    else:
        return repr(ast)
    return f"({out})" if prec < parent or (kind == "not" and parent == 5) else out


def names(ast: Ast) -> set[str]:
    """Every name the condition reads."""
    if ast[0] == "name":
        return {ast[1]}
    out: set[str] = set()
    for part in ast[1:-1]:
        if isinstance(part, tuple):
            out |= names(part)
    return out


@lru_cache(maxsize=4096)
def compile_condition(text: str) -> Ast:
    """Parse once per distinct text (the engine evaluates the same few conditions many times)."""
    return parse(text)


def holds(text: str | None, env: Mapping[str, Value]) -> bool:
    """Does the condition ``text`` hold in ``env``? No condition always holds."""
    if text is None:
        return True
    return bool(evaluate(compile_condition(text), env))


def analyse(text: Any, types: Mapping[str, str], *, file: str = "<condition>", line: int = 1, col: int = 1,
            col_of: Any = None, want: str = BOOL) -> tuple[Ast | None, list[ContentError]]:
    """Parse and type-check ``text``; return the AST (or None) and every problem as a located
    :class:`ContentError`. Never raises.

    ``col_of(offset)`` maps a character offset inside the text to a ``(line, col)`` in the file
    (see ``Source.scalar_position``); without it, offsets are added to ``col``.
    """
    def located(exc: ConditionError) -> ContentError:
        where = col_of(exc.offset) if col_of else (line, col + max(exc.offset, 0))
        return ContentError(file, where[0], where[1], exc.code, exc.message)

    if not isinstance(text, str):
        return None, [ContentError(file, line, col, "cond.syntax",
                                   f"a condition is text such as 'asked_risk', not {text!r}")]
    try:
        ast = parse(text)
        got = typecheck(ast, types)
    except ConditionError as exc:
        return None, [located(exc)]
    except RecursionError:  # pragma: no cover - MAX_DEPTH keeps the parser far from the limit
        return None, [ContentError(file, line, col, "cond.syntax", "condition is nested too deeply")]
    if got != want:
        return None, [located(ConditionError("cond.type", offset_of(ast),
                                             f"the condition is a {got}, but a {want} (true or false) is needed"
                                             + (" (compare it, e.g. 'slips > 0')" if got == INT else "")))]
    return ast, []


def constant_value(ast: Ast) -> Value | None:
    """The value of a condition that reads no names (``1 > 2``), else None."""
    if names(ast):
        return None
    try:
        return evaluate(ast, {})
    except ConditionError:
        return None


Slots = tuple[Any, ...]
Evaluator = Any  # Callable[[Slots], Value]; Any keeps the recursive closures below readable


def slot_evaluator(text: str, slots: Mapping[str, int], counted: frozenset[str] = frozenset()) -> Evaluator:
    """``text`` compiled once into a function of a tuple of values (playtest's path state), for a hot loop.

    ``slots[name]`` is the index of ``name``'s value in the tuple; a name in ``counted`` reads the length
    of the tuple at its index (``unrepaired``). The function returns exactly what :func:`evaluate`
    returns for the equivalent ``env`` and raises the same :class:`ConditionError` (a text that does not
    parse raises its syntax error on every call, as :func:`holds` does), so callers cannot tell them
    apart; it only skips the parse and the walk over the tuple AST on each call.
    """
    try:
        ast = compile_condition(text)
    except ConditionError as exc:
        def refuse(_: Slots, exc: ConditionError = exc) -> Value:
            raise exc
        return refuse
    return _closure(ast, slots, counted)


def _closure(ast: Ast, slots: Mapping[str, int], counted: frozenset[str]) -> Evaluator:
    kind = ast[0]
    if kind in ("bool", "int"):
        value = ast[1]
        return lambda _: value
    if kind == "name":
        name, off = ast[1], ast[2]
        if name not in slots:
            def missing(_: Slots) -> Value:
                raise ConditionError("state.undefined", off, f"'{name}' has no value here")
            return missing
        i = slots[name]
        if name in counted:
            return lambda s: len(s[i])
        return lambda s: s[i]
    if kind == "not":
        inner, sub = _closure(ast[1], slots, counted), ast[1]
        return lambda s: not _bool(inner(s), sub)
    if kind in ("and", "or"):
        left, right = _closure(ast[1], slots, counted), _closure(ast[2], slots, counted)
        la, ra = ast[1], ast[2]
        if kind == "and":
            return lambda s: _bool(left(s), la) and _bool(right(s), ra)
        return lambda s: _bool(left(s), la) or _bool(right(s), ra)
    if kind == "cmp":
        op, a_ast, b_ast = ast[1], ast[2], ast[3]
        a, b = _closure(a_ast, slots, counted), _closure(b_ast, slots, counted)
        if op == "==":
            def eq(s: Slots) -> Value:
                x, y = a(s), b(s)
                return type(x) is type(y) and x == y
            return eq
        if op == "!=":
            def ne(s: Slots) -> Value:
                x, y = a(s), b(s)
                return not (type(x) is type(y) and x == y)
            return ne
        compare = {"<": int.__lt__, "<=": int.__le__, ">": int.__gt__, ">=": int.__ge__}[op]

        def order(s: Slots) -> Value:
            x, y = a(s), b(s)
            return compare(_int(x, a_ast), _int(y, b_ast))
        return order

    def unknown(_: Slots) -> Value:
        raise ConditionError("cond.syntax", 0, f"not a condition: {ast!r}")
    return unknown
