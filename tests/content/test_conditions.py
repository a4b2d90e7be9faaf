"""Does the condition language tokenize, parse, type-check and evaluate as docs/formats.md says,
and does any input at all come back as a value or a located content error, never a crash?"""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets.content import conditions as c
from widgets.content.errors import ContentError

TYPES = {"asked_risk": c.BOOL, "calm": c.BOOL, "slips": c.INT, **dict.fromkeys(c.BUILTINS, c.INT)}
ENV = {"asked_risk": True, "calm": False, "slips": 2, "harmful": 1, "mixed": 0, "best": 3, "unrepaired": 0}


def test_conditions_tokenize_words_numbers_operators_with_offsets():
    toks = c.tokenize("not (slips>=2) and asked_risk")
    assert [(t.kind, t.text, t.offset) for t in toks] == [
        ("name", "not", 0), ("lparen", "(", 4), ("name", "slips", 5), ("op", ">=", 10), ("int", "2", 12),
        ("rparen", ")", 13), ("name", "and", 15), ("name", "asked_risk", 19), ("end", "", 29)]


@pytest.mark.parametrize(("text", "offset", "hint"), [
    ("asked_risk && calm", 11, "use 'and'"),
    ("slips = 0", 6, "compare with '=='"),
    ("asked-risk", 5, "not '-'"),
    ("!calm", 0, "negate with 'not'"),
    ("café", 3, "unexpected character"),
])
def test_conditions_tokenizer_points_at_the_bad_character(text, offset, hint):
    with pytest.raises(c.ConditionError) as info:
        c.tokenize(text)
    assert info.value.code == "cond.syntax"
    assert info.value.offset == offset
    assert hint in info.value.message


def test_conditions_parse_precedence_not_binds_looser_than_comparison_tighter_than_and():
    ast = c.parse("not slips > 1 and calm or asked_risk")
    assert ast[0] == "or"
    assert ast[1][0] == "and" and ast[1][1][0] == "not" and ast[1][1][1][0] == "cmp"
    assert c.to_text(ast) == "not slips > 1 and calm or asked_risk"
    assert c.parse("(asked_risk)") == ("name", "asked_risk", 1)


@pytest.mark.parametrize(("text", "offset", "words"), [
    ("", 0, "empty"),
    ("asked_risk and", 14, "ends where a value"),
    ("(asked_risk", 11, "expected ')'"),
    ("0 < slips < 3", 10, "comparisons do not chain"),
    ("asked_risk calm", 11, "after a complete condition"),
    ("and calm", 0, "needs a value before it"),
    ("slips >", 7, "ends where a value"),
    ("()", 1, "found ')'"),
])
def test_conditions_parser_errors_name_the_token(text, offset, words):
    with pytest.raises(c.ConditionError) as info:
        c.parse(text)
    assert (info.value.code, info.value.offset) == ("cond.syntax", offset)
    assert words in info.value.message


def test_conditions_nesting_and_length_are_capped_as_content_errors():
    _, errors = c.analyse("(" * 40 + "calm" + ")" * 40, TYPES)
    assert [e.code for e in errors] == ["cond.syntax"] and "nested deeper" in errors[0].message
    _, errors = c.analyse("not " * 40 + "calm", TYPES)
    assert [e.code for e in errors] == ["cond.syntax"]
    _, errors = c.analyse("calm or " * 100 + "calm", TYPES)
    assert [e.code for e in errors] == ["cond.syntax"] and "longer than" in errors[0].message


@pytest.mark.parametrize(("text", "code", "offset", "words"), [
    ("askd_risk", "state.undefined", 0, "did you mean 'asked_risk'?"),
    ("calm and slip > 0", "state.undefined", 9, "did you mean 'slips'?"),
    ("slips", "cond.type", 0, "compare it, e.g. 'slips > 0'"),
    ("calm and slips", "cond.type", 9, "'and' needs a flag"),
    ("asked_risk > 0", "cond.type", 0, "'>' needs numbers"),
    ("asked_risk == 1", "cond.type", 11, "both sides"),
    ("not harmful", "cond.type", 4, "'not' needs a flag"),
])
def test_conditions_type_checker_points_at_the_wrong_word(text, code, offset, words):
    _, errors = c.analyse(text, TYPES, file="f.yaml", line=7, col=13)
    assert [(e.file, e.line, e.col, e.code) for e in errors] == [("f.yaml", 7, 13 + offset, code)]
    assert words in errors[0].message


@pytest.mark.parametrize(("text", "value"), [
    ("asked_risk", True), ("not asked_risk", False), ("calm or asked_risk", True), ("calm and asked_risk", False),
    ("slips > 1", True), ("slips >= 3", False), ("slips == 2", True), ("slips != 2", False), ("slips < 2", False),
    ("slips <= 2", True), ("unrepaired == 0 and harmful == 1", True), ("asked_risk == true", True),
    ("calm != false", False), ("not (calm or slips < 1)", True), ("best > harmful", True), ("true", True),
])
def test_conditions_evaluate(text, value):
    ast, errors = c.analyse(text, TYPES)
    assert errors == []
    assert c.evaluate(ast, ENV) is value
    assert c.holds(text, ENV) is value


def test_conditions_constant_value_only_for_name_free_conditions():
    assert c.constant_value(c.parse("1 > 2")) is False
    assert c.constant_value(c.parse("not false")) is True
    assert c.constant_value(c.parse("calm")) is None


def test_conditions_evaluator_refuses_unchecked_asts_with_a_condition_error():
    with pytest.raises(c.ConditionError):
        c.evaluate(("not", ("int", 1, 4), 0), ENV)
    with pytest.raises(c.ConditionError):
        c.evaluate(("name", "nobody", 0), ENV)


def test_conditions_a_yaml_boolean_or_number_is_a_located_error_not_a_crash():
    _, errors = c.analyse(3, TYPES, file="f.yaml", line=2, col=9)
    assert [(e.line, e.col, e.code) for e in errors] == [(2, 9, "cond.syntax")]


# --- properties: any text, any AST, only values or content errors

@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abnotrsdf_ ()<>=!-0123456789&|")) | st.characters(), max_size=60))
def test_conditions_random_text_gives_a_value_or_content_errors(text):
    ast, errors = c.analyse(text, TYPES)
    assert all(isinstance(e, ContentError) and e.code in ("cond.syntax", "cond.type", "state.undefined")
               for e in errors)
    assert (ast is None) == bool(errors)
    if ast is not None:
        assert isinstance(c.evaluate(ast, ENV), bool)


names = st.sampled_from(["asked_risk", "calm", "slips", "harmful", "unrepaired", "nobody"])
leaves = (names.map(lambda n: ("name", n, 0)) | st.integers(0, 99).map(lambda n: ("int", n, 0))
          | st.booleans().map(lambda b: ("bool", b, 0)))
asts = st.recursive(leaves, lambda kids: (
    kids.map(lambda a: ("not", a, 0))
    | st.tuples(st.sampled_from(["and", "or"]), kids, kids).map(lambda t: (t[0], t[1], t[2], 0))
    | st.tuples(st.sampled_from(c.COMPARISONS), kids, kids).map(lambda t: ("cmp", t[0], t[1], t[2], 0))
), max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(asts)
def test_conditions_random_asts_print_parse_check_and_evaluate_without_crashing(ast):
    text = c.to_text(ast)
    reparsed, errors = c.analyse(text, TYPES)
    assert all(isinstance(e, ContentError) for e in errors)
    if reparsed is not None:
        # The printer keeps the meaning: the reparsed tree prints the same.
        assert c.to_text(reparsed) == text
        assert isinstance(c.evaluate(reparsed, ENV), bool)
    with contextlib.suppress(c.ConditionError):  # an unchecked AST may be ill-typed: a content error, nothing else
        c.evaluate(ast, ENV)
