"""Are join codes unambiguous and forgiving to type, and names cleaned but never rewritten?"""

from __future__ import annotations

import pytest

from widgets.live import codes
from widgets.live.errors import InvalidInput


def test_codes_new_code_uses_only_unambiguous_characters():
    seen = {codes.new_code() for _ in range(300)}
    assert len(seen) == 300
    assert all(len(c) == codes.CODE_LENGTH and set(c) <= set(codes.CODE_ALPHABET) for c in seen)
    assert not set("01ILOU") & set(codes.CODE_ALPHABET)


@pytest.mark.parametrize("typed", ["kxr-7pm", " KXR 7PM ", "kxr_7pm", "KXR.7PM", "KXR7PM"])
def test_codes_normalize_code_accepts_what_people_type(typed):
    assert codes.normalize_code(typed) == "KXR7PM"


@pytest.mark.parametrize("typed, says", [("", "Type the join code"), ("KXR7P", "has 5"), ("KXR7PMM", "has 7"),
                                         ("KXR-70M", "'0'"), ("<script>", "cannot be in one")])
def test_codes_normalize_code_names_the_problem(typed, says):
    with pytest.raises(InvalidInput) as exc:
        codes.normalize_code(typed)
    assert says in str(exc.value)


def test_codes_format_code_groups_in_threes():
    assert codes.format_code("KXR7PM") == "KXR-7PM"


def test_codes_clean_name_keeps_the_text_and_drops_controls():
    assert codes.clean_name("  Mei \n  Tanaka ") == "Mei Tanaka"
    assert codes.clean_name("Ana\u200bLuísa\x07") == "AnaLuísa"
    hostile = "<img src=x onerror=alert(1)>"
    assert codes.clean_name(hostile) == hostile  # stored as typed; escaped where shown


@pytest.mark.parametrize("name, says", [("", "Type a display name"), ("\u200b\x00  ", "Type a display name"),
                                        ("x" * 41, "at most 40")])
def test_codes_clean_name_refuses_empty_and_long_names(name, says):
    with pytest.raises(InvalidInput, match=says):
        codes.clean_name(name)


def test_codes_name_key_compares_names_loosely():
    assert codes.name_key("MEI") == codes.name_key("mei") == codes.name_key("ｍｅｉ")


def test_codes_tokens_are_long_random_and_stored_hashed():
    a, b = codes.new_token(), codes.new_token()
    assert a != b and len(a) >= 24
    assert codes.token_hash(a) == codes.token_hash(a) != codes.token_hash(b)
    assert a not in codes.token_hash(a)
