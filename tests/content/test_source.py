"""Does bad YAML get a clear, located message instead of a traceback?"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SCENARIO_YAML
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
