"""Are schema messages built from jsonschema's structured fields (validator, validator_value, instance,
schema, paths), never from its English ``message`` text?"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from tests.conftest import REPO
from widgets.content import schema
from widgets.content.source import Source

SENTINEL = "<jsonschema's own words>"


def _silenced(err: Any) -> Any:
    """``err`` (and every error in its context) with its English message replaced by a sentinel."""
    err.message = SENTINEL
    for sub in err.context or ():
        _silenced(sub)
    return err


def _messages(data: Any, schema_file: str) -> list[str]:
    src = Source("doc.yaml", data)
    validator = Draft7Validator(schema.load_schema(schema_file))
    return sorted({e.message for err in validator.iter_errors(data) for e in schema._translate(src, _silenced(err))})


def _pack_entry_with(**changes: Any) -> dict[str, Any]:
    data = yaml.safe_load((REPO / "modules" / "resources" / "ca.yaml").read_text(encoding="utf-8"))
    entry = data["resources"]["emergency"]
    for key, value in changes.items():
        if value is None:
            entry.pop(key, None)
        else:
            entry[key] = value
    return data


@pytest.mark.parametrize(("data", "schema_file", "expected"), [
    (_pack_entry_with(phone="call 911"), "resources.v1.json",
     "'resources.emergency' fits none of its 2 allowed forms; the closest, 'entry', fails: "
     "'resources.emergency.phone' is 'call 911', which is not of the expected form (A number exactly as dialled "
     "or texted in the region, e.g. '988', '0800 733 843')"),
    (_pack_entry_with(phone=None, say=None, web=None, text=None, chat=None, whatsapp=None), "resources.v1.json",
     "'resources.emergency' fits none of its 2 allowed forms; the closest, 'entry', fails: 'resources.emergency' "
     "needs at least one of 'phone', 'text', 'whatsapp', 'chat', 'web', 'say'"),
])
def test_schema_messages_for_alternatives_name_the_field_at_fault(data, schema_file, expected):
    """A resource entry that fits neither an entry nor 'not available': is the nearer form's fault named?"""
    assert _messages(data, schema_file) == [expected]


def test_schema_messages_never_quote_jsonschema_message_text():
    """Every keyword our schemas use, broken once: is any translation made of jsonschema's message?"""
    broken = {
        "reflection.v1.json": {"schema": "mentor-reflection/1", "module": "01-x", "title": "",
                               "prompts": [{"id": f"p{i}", "text": "?"} for i in range(7)], "extra": 1},
        "scenario.v2.json": {"schema": "mentor-scenario/2", "id": "Bad Id", "nodes": {"Not_OK": {}}, "state": 3},
        "progress.v1.json": {"save_version": 1, "kind": "mentor-course-progress", "learner": 5, "scenarios": [],
                             "selfchecks": {"m": {"q": {"selected": "a"}}}, "drafts": {}},
    }
    found = [m for file, data in broken.items() for m in _messages(data, file)]
    assert found and not [m for m in found if SENTINEL in m]
    assert "'prompts' has 7 items; at most 5 are allowed" in found
    assert "'learner' should be text, found a number" in found


def test_schema_describes_an_unknown_keyword_from_its_value():
    """A keyword no translator knows (a plugin's schema may use one): its rule and value, not English text."""
    validator = Draft7Validator({"type": "number", "multipleOf": 5})
    err = _silenced(next(validator.iter_errors(7)))
    assert schema._describe(err) == "breaks the schema's 'multipleOf' rule (5)"
