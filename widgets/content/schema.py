"""Check a parsed document against its JSON Schema and report every problem with its position.

Two passes, for speed: a compiled ``fastjsonschema`` validator answers "valid?" in microseconds, and
only a document that fails it goes through ``jsonschema``'s ``iter_errors`` to list all problems.
Importing ``jsonschema`` costs about a second when ``rfc3987_syntax`` is installed (it is, through
jupyter-events; python-jsonschema/jsonschema#1428), so a course that validates never pays for it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from widgets.content.errors import ContentError
from widgets.content.source import Source
from widgets.registry import Registry

#: The schema tag each kind of file carries in its ``schema:`` field, and its schema file. Plugins add
#: kinds through :func:`widgets.content.loader.register_kind` (or ``KINDS.register``).
KINDS: Registry[tuple[str, str]] = Registry("content kind", {
    "scenario": ("mentor-scenario", "scenario.v1.json"),
    "selfcheck": ("mentor-selfcheck", "selfcheck.v1.json"),
    "reflection": ("mentor-reflection", "reflection.v1.json"),
    "course": ("mentor-course", "course.v1.json"),
})
SUPPORTED_VERSION = 1
#: Kinds with more than one format version: every version up to this one loads (older files keep
#: their own schema, so a ``mentor-scenario/1`` file is checked exactly as before).
VERSIONS: dict[str, int] = {"scenario": 2}


def supported_version(kind: str) -> int:
    return VERSIONS.get(kind, SUPPORTED_VERSION)


def _schema_file(kind: str, version: int) -> str:
    name = KINDS[kind][1]
    if version > 1 and name.endswith(".v1.json"):
        return name.replace(".v1.json", f".v{version}.json")
    return name


def file_version(data: Any) -> int:
    """The format version a document declares (``mentor-scenario/2`` -> 2), 1 when unclear."""
    declared = data.get("schema") if isinstance(data, dict) else None
    if isinstance(declared, str):
        version = declared.partition("/")[2]
        if version.isdigit():
            return int(version)
    return 1


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema file ``name`` shipped in ``widgets/content/schemas/``."""
    text = resources.files("widgets.content").joinpath("schemas", name).read_text("utf-8")
    return json.loads(text)


def schema_for(kind: str, version: int = 1) -> dict[str, Any]:
    """The JSON Schema shipped in the package for ``kind`` (at format ``version``)."""
    return load_schema(_schema_file(kind, version))


@cache
def _fast_validator(name: str) -> Callable[[Any], Any]:
    import fastjsonschema

    return fastjsonschema.compile(load_schema(name))


def check_version(src: Source, kind: str) -> list[ContentError]:
    """Say clearly when a file is of another kind or made for a newer package."""
    tag, _ = KINDS[kind]
    data = src.data
    if not isinstance(data, dict):
        return [src.error((), "schema.type", f"expected a mapping of keys (a {kind} file), "
                                               f"found {_type_name(data)}")]
    declared = data.get("schema")
    if not isinstance(declared, str):
        return []  # the schema pass reports the missing or mistyped field
    name, _, version = declared.partition("/")
    if name != tag:
        return [src.error(("schema",), "schema.kind",
                          f"this is a '{declared}' file, but a {kind} file ('{tag}/1') was expected here")]
    if version.isdigit() and int(version) > supported_version(kind):
        return [src.error(("schema",), "schema.version",
                          f"'{declared}' is newer than this package understands ({tag}/{supported_version(kind)}); "
                          "upgrade it with: pip install -U mixed-heritage-mentoring")]
    return []


def schema_errors(src: Source, kind: str) -> list[ContentError]:
    """All schema problems in ``src`` as located errors (empty when valid)."""
    version_errors = check_version(src, kind)
    if version_errors:
        return version_errors
    version = min(max(file_version(src.data), 1), supported_version(kind))
    return document_errors(src, _schema_file(kind, version))


def document_errors(src: Source, schema_name: str) -> list[ContentError]:
    """All problems of ``src`` against the schema file ``schema_name``, as located errors (empty when
    valid), with no kind or version check: for documents that say what they are in their own way (a
    progress file's ``kind`` and ``save_version``)."""
    try:
        _fast_validator(schema_name)(src.data)
    except Exception:
        pass
    else:
        return []
    from jsonschema import Draft7Validator

    validator = Draft7Validator(load_schema(schema_name))
    errors = []
    for err in validator.iter_errors(src.data):
        errors.extend(_translate(src, err))
    # Deduplicate: anyOf-style branches can repeat the same complaint.
    return sorted(set(errors))


def _type_name(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", int: "a number", float: "a number",
            bool: "true/false", type(None): "nothing"}.get(type(value), type(value).__name__)


def _translate(src: Source, err: Any) -> list[ContentError]:
    """Turn one jsonschema error into messages an author understands."""
    path = tuple(err.absolute_path)
    where = ".".join(str(p) for p in path) or "document"
    v = err.validator
    if v == "required":
        # jsonschema raises one error per missing key, each carrying the whole list; name every missing
        # key (the caller removes the duplicates).
        present = err.instance if isinstance(err.instance, dict) else {}
        return [src.error(path, "schema.required", f"'{where}' is missing the required key '{key}'")
                for key in err.validator_value if key not in present]
    if v == "additionalProperties" and isinstance(err.instance, dict):
        allowed = set(err.schema.get("properties", {}))
        extras = [k for k in err.instance if k not in allowed]
        return [
            src.error((*path, k), "schema.unknown-key",
                      f"unknown key '{k}' in '{where}'" + _suggest(k, allowed), at_key=True)
            for k in extras
        ]
    if v == "propertyNames":
        pattern = (err.validator_value or {}).get("pattern", "") if isinstance(err.validator_value, dict) else ""
        bad = [k for k in err.instance if isinstance(k, str) and pattern and not re.match(pattern, k)] \
            if isinstance(err.instance, dict) else []
        if "_" in pattern:
            rule = "state names are lower-case words joined by '_', starting with a letter"
        else:
            rule = "ids are lower-case words joined by hyphens, starting with a letter"
        return [src.error((*path, k), "schema.id", f"'{k}' in '{where}' is not a valid name; {rule}", at_key=True)
                for k in bad] or [src.error(path, "schema.id", f"'{where}' has a key that is not a valid name; {rule}")]
    if v == "pattern" and "propertyNames" in err.schema_path and isinstance(err.instance, str):
        # A key that is not a valid name: point at the key itself.
        rule = ("state names are lower-case words joined by '_', starting with a letter" if "_" in err.validator_value
                else "ids are lower-case words joined by hyphens, starting with a letter")
        return [src.error((*path, err.instance), "schema.id", f"'{err.instance}' in '{where}' is not a valid name; "
                                                              f"{rule}", at_key=True)]
    if v == "pattern":
        if err.validator_value == "^any$":
            return [src.error(path, "schema.enum", f"'{where}' is {err.instance!r}; write 'any' or a list of "
                                                   "choice ids")]
        if "_" in err.validator_value:
            return [src.error(path, "schema.id", f"'{err.instance}' is not a valid state name at '{where}': use "
                                                 "lower-case letters, digits and '_', starting with a letter")]
        return [src.error(path, "schema.id",
                          f"'{err.instance}' is not a valid id at '{where}': use lower-case letters, "
                          "digits and hyphens, starting with a letter")]
    if v == "type":
        return [src.error(path, "schema.type",
                          f"'{where}' should be {_expected(err.validator_value)}, found {_type_name(err.instance)}")]
    if v in ("enum", "const"):
        options = err.validator_value if v == "enum" else [err.validator_value]
        shown = ", ".join(repr(o) for o in options)
        return [src.error(path, "schema.enum", f"'{where}' is {err.instance!r}; expected one of {shown}"
                          + _suggest(str(err.instance), [str(o) for o in options]))]
    if v in ("minimum", "maximum"):
        bound = "less than the minimum of" if v == "minimum" else "greater than the maximum of"
        return [src.error(path, "schema.range", f"'{where}' is {err.instance}; {bound} {err.validator_value}")]
    if v in ("minItems", "minProperties", "minLength"):
        return [src.error(path, "schema.empty", f"'{where}' must not be empty")]
    if v == "uniqueItems":
        return [src.error(path, "schema.unique", f"'{where}' lists the same item twice")]
    return [src.error(path, "schema.invalid", f"'{where}': {err.message}")]


def _expected(t: Any) -> str:
    names = {"object": "a mapping", "array": "a list", "string": "text", "integer": "a whole number",
             "number": "a number", "boolean": "true or false"}
    if isinstance(t, list):
        return " or ".join(names.get(x, x) for x in t)
    return names.get(t, str(t))


def _suggest(word: str, options: Any) -> str:
    from difflib import get_close_matches

    close = get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
