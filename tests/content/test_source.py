"""Does bad YAML get a clear, located message instead of a traceback?"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO, SCENARIO_YAML
from widgets.content.errors import ContentInvalid
from widgets.content.loader import check_file, load_scenario
from widgets.content.source import MAX_DEPTH, read_source


def codes(path: Path) -> list[tuple[str, int, int]]:
    _, errors = check_file(path, "scenario")
    return [(e.code, e.line, e.col) for e in errors]


def test_source_malformed_yaml_points_at_the_problem(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("schema: mentor-scenario/1\nnodes:\n  a: [1, 2\n  b: 3\n")
    assert codes(path) == [("yaml.syntax", 4, 4)]


def test_source_missing_file(tmp_path):
    assert codes(tmp_path / "nope.yaml") == [("file.missing", 0, 0)]


def test_source_folder_instead_of_file(tmp_path):
    assert codes(tmp_path) == [("file.missing", 0, 0)]


def test_source_empty_and_comment_only_files(tmp_path):
    for text in ("", "   \n", "# just a comment\n"):
        path = tmp_path / "empty.yaml"
        path.write_text(text)
        assert codes(path) == [("yaml.empty", 1, 1)]


def test_source_not_utf8_names_line_and_byte(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("schema: x\ntitle: caf\xe9\n".encode("latin-1"))
    _, errors = check_file(path, "scenario")
    assert [(e.code, e.line, e.col) for e in errors] == [("file.encoding", 2, 11)]
    assert "0xe9" in errors[0].message


def test_source_billion_laughs_is_refused_quickly(tmp_path):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    assert codes(path) == [("yaml.alias", 2, 10)]


def test_source_python_tags_are_not_constructed(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("schema: !!python/object/apply:os.system ['echo pwned']\n")
    found = codes(path)
    assert found and found[0][0] in ("yaml.tag", "yaml.syntax")


def test_source_deep_nesting_is_refused(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n")
    assert codes(path)[0][0] == "yaml.too-deep"


def test_source_very_deep_flow_nesting_does_not_crash(tmp_path):
    path = tmp_path / "deeper.yaml"
    path.write_text("[" * 20000 + "]" * 20000 + "\n")
    assert codes(path)[0][0] == "yaml.too-deep"


def test_source_top_level_list_is_a_type_error(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n")
    assert codes(path) == [("schema.type", 1, 1)]


def test_source_records_positions_of_keys_and_values(tmp_path):
    path = tmp_path / "pos.yaml"
    path.write_text("top:\n  inner: [10, 20]\n")
    src, errors = read_source(path)
    assert errors == [] and src is not None
    assert src.locate(("top", "inner", 1)) == (2, 15)
    assert src.locate_key(("top", "inner")) == (2, 3)
    assert src.locate(("top", "missing", 3)) == (2, 3)


def test_source_load_scenario_raises_one_error_with_all_problems(write_scenario):
    path = write_scenario(SCENARIO_YAML.replace("quality: mixed", "quality: meh").replace("goto: withdraw", "goto: x"))
    try:
        load_scenario(path)
    except ContentInvalid as exc:
        assert {e.code for e in exc.errors} == {"schema.enum"}
        assert "tiny.yaml:" in str(exc)
    else:  # pragma: no cover - the assertion below documents the expectation
        raise AssertionError("a broken scenario loaded")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_source_mangled_yaml_only_ever_yields_content_errors(tmp_path, data):
    """Fuzz: cut, splice and corrupt a valid scenario; the loader reports, never raises."""
    raw = SCENARIO_YAML.encode()
    ops = data.draw(st.lists(st.tuples(st.sampled_from(["cut", "insert", "flip", "dup"]),
                                       st.integers(0, len(raw) - 1), st.binary(min_size=1, max_size=8)),
                             min_size=1, max_size=4))
    for op, at, blob in ops:
        at = min(at, len(raw))
        if op == "cut":
            raw = raw[:at] + raw[at + len(blob):]
        elif op == "insert":
            raw = raw[:at] + blob + raw[at:]
        elif op == "flip" and raw:
            raw = raw[:at] + bytes([raw[min(at, len(raw) - 1)] ^ blob[0]]) + raw[at + 1:]
        else:
            raw = raw[:at] + raw[at:at + 40] + raw[at:]
    path = tmp_path / "tiny.yaml"
    path.write_bytes(raw)
    try:
        load_scenario(path)
    except ContentInvalid as exc:
        assert exc.errors and all(e.code and e.line >= 0 for e in exc.errors)


_TRICKY = [
    "a: 1\nb: [1, {c: d}]\nc: |\n  two\n  lines\nd: 'quoted'\ne: plain\n  over two lines\n",
    "a: 1\na: 2\nb:\n  x: 1\n  x: 3\n",  # duplicate keys
    "a: &x 1\nb: *x\n", "a: *x\n", "a: !!str 1\n", "? [a]\n: b\n", "<<: {a: 1}\n", "--- 1\n--- 2\n",
    "a: 2024-13-45\nb: [\n", "a: [1, 2\n", "1: one\n2.5: x\nnull: y\ntrue: z\n", "- a\n- - b\n  - c\n",
    "a: " + "[" * 70 + "]" * 70 + "\n", "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 70)) + "  " * 70 + "v\n",
    "x: 0x1F\ny: ~\nz: 1e3\nw: .inf\n", "just a scalar\n", "'quoted root'\n",
]


@pytest.mark.parametrize("text", _TRICKY)
def test_source_one_pass_reads_as_the_long_way(tmp_path, monkeypatch, text):
    """Does the one-pass reader give the same data, marks, styles and errors as the pre-scan, the
    composer and the builder (or fall back to them)?"""
    from widgets.content import source

    path = tmp_path / "f.yaml"
    path.write_text(text)

    def read() -> object:
        try:
            src, errors = read_source(path, "f.yaml")
        except Exception as exc:  # the long way may fail: the one-pass reader must fail alike
            return type(exc).__name__
        return (None if src is None else (repr(src.data), src.marks, src.key_marks, src.styles), errors)

    fast = read()

    def unusual(_: str) -> object:
        raise source._Unusual

    monkeypatch.setattr(source, "_read_events", unusual)
    assert fast == read()


def test_source_course_files_read_in_one_pass(monkeypatch):
    """Every course file reads in the one pass (no fallback to the slower composer)."""
    from widgets.content import source

    def refuse(_: str) -> object:
        raise AssertionError("took the long way")

    monkeypatch.setattr(source, "_prescan", refuse)
    for path in sorted((REPO / "modules").rglob("*.yaml")):
        src, _ = read_source(path)
        assert src is not None, path


def test_source_check_paths_parses_each_file_once(monkeypatch):
    """course.yaml, rubric files and files with placeholders are asked for by several checks; one
    ``check_paths`` run parses each once (and a new run reads afresh)."""
    from collections import Counter

    from widgets.content import source
    from widgets.content.loader import check_paths

    parsed: Counter[str] = Counter()
    real = source._read_source

    def counting(path, display):
        parsed[str(path)] += 1
        return real(path, display)

    monkeypatch.setattr(source, "_read_source", counting)
    check_paths(root=REPO)
    assert parsed and max(parsed.values()) == 1
    check_paths(root=REPO)
    assert max(parsed.values()) == 2
