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


#: What a name must look like, by the pattern's alphabet (state names use '_', ids use '-').
_STATE_RULE = "state names are lower-case words joined by '_', starting with a letter"
_ID_RULE = "ids are lower-case words joined by hyphens, starting with a letter"


def _where(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path) or "document"


def _name_rule(pattern: str) -> str:
    return _STATE_RULE if "_" in pattern else _ID_RULE


def _required(src: Source, err: Any, path: tuple, where: str) -> list[ContentError]:
    # jsonschema raises one error per missing key, each carrying the whole list (validator_value); name
    # every missing key (the caller removes the duplicates).
    present = err.instance if isinstance(err.instance, dict) else {}
    return [src.error(path, "schema.required", f"'{where}' is missing the required key '{key}'")
            for key in err.validator_value if key not in present]


def _additional(src: Source, err: Any, path: tuple, where: str) -> list[ContentError]:
    if not isinstance(err.instance, dict):
        return _fallback(src, err, path, where)
    allowed = set(err.schema.get("properties", {}))
    return [src.error((*path, k), "schema.unknown-key", f"unknown key '{k}' in '{where}'" + _suggest(k, allowed),
                      at_key=True) for k in err.instance if k not in allowed]


def _property_names(src: Source, err: Any, path: tuple, where: str) -> list[ContentError]:
    pattern = err.validator_value.get("pattern", "") if isinstance(err.validator_value, dict) else ""
    rule = _name_rule(pattern)
    bad = [k for k in err.instance if isinstance(k, str) and pattern and not re.match(pattern, k)] \
        if isinstance(err.instance, dict) else []
    return [src.error((*path, k), "schema.id", f"'{k}' in '{where}' is not a valid name; {rule}", at_key=True)
            for k in bad] or [src.error(path, "schema.id", f"'{where}' has a key that is not a valid name; {rule}")]


def _pattern(src: Source, err: Any, path: tuple, where: str) -> list[ContentError]:
    if "propertyNames" in err.schema_path and isinstance(err.instance, str):
        # A key that is not a valid name (propertyNames checks each key as a string): point at the key.
        return [src.error((*path, err.instance), "schema.id", f"'{err.instance}' in '{where}' is not a valid name; "
                                                              f"{_name_rule(err.validator_value)}", at_key=True)]
    if err.validator_value == "^any$":
        return [src.error(path, "schema.enum", f"'{where}' is {err.instance!r}; write 'any' or a list of choice ids")]
    if "_" in err.validator_value:
        return [src.error(path, "schema.id", f"'{err.instance}' is not a valid state name at '{where}': use "
                                             "lower-case letters, digits and '_', starting with a letter")]
    return [src.error(path, "schema.id", f"'{err.instance}' is not a valid id at '{where}': use lower-case letters, "
                                         "digits and hyphens, starting with a letter")]


def _type(src: Source, err: Any, path: tuple, where: str) -> list[ContentError]:
    return [src.error(path, "schema.type",
                      f"'{where}' should be {_expected(err.validator_value)}, found {_type_name(err.instance)}")]


def _enum(src: Source, err: Any, path: tuple, where: str) -> list[ContentError]:
    options = err.validator_value if err.validator == "enum" else [err.validator_value]
    shown = ", ".join(repr(o) for o in options)
    return [src.error(path, "schema.enum", f"'{where}' is {err.instance!r}; expected one of {shown}"
                      + _suggest(str(err.instance), [str(o) for o in options]))]


def _range(src: Source, err: Any, path: tuple, where: str) -> list[ContentError]:
    bound = "less than the minimum of" if err.validator == "minimum" else "greater than the maximum of"
    return [src.error(path, "schema.range", f"'{where}' is {err.instance}; {bound} {err.validator_value}")]


def _empty(src: Source, err: Any, path: tuple, where: str) -> list[ContentError]:
    return [src.error(path, "schema.empty", f"'{where}' must not be empty")]


def _unique(src: Source, err: Any, path: tuple, where: str) -> list[ContentError]:
    return [src.error(path, "schema.unique", f"'{where}' lists the same item twice")]


def _fallback(src: Source, err: Any, path: tuple, where: str) -> list[ContentError]:
    return [src.error(path, "schema.invalid", f"'{where}' {_describe(err)}")]


#: One translator per JSON Schema keyword our schemas use; each builds its message from the error's
#: ``validator_value``, ``instance``, ``schema`` and paths, never from jsonschema's English ``message``.
_TRANSLATORS: dict[str, Callable[[Source, Any, tuple, str], list[ContentError]]] = {
    "required": _required,
    "additionalProperties": _additional,
    "propertyNames": _property_names,
    "pattern": _pattern,
    "type": _type,
    "enum": _enum,
    "const": _enum,
    "minimum": _range,
    "maximum": _range,
    "minItems": _empty,
    "minProperties": _empty,
    "minLength": _empty,
    "uniqueItems": _unique,
}


def _translate(src: Source, err: Any) -> list[ContentError]:
    """Turn one jsonschema error into messages an author understands."""
    path = tuple(err.absolute_path)
    return _TRANSLATORS.get(err.validator, _fallback)(src, err, path, _where(path))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _closest_branch(err: Any) -> tuple[int, list[Any]]:
    """For a oneOf/anyOf error: the alternative that came nearest (fewest problems, then deepest), with
    its problems (``err.context`` holds every alternative's, each ``relative_schema_path`` starting
    with the alternative's index)."""
    branches: dict[int, list[Any]] = {}
    for sub in err.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    if not branches:
        return 0, []
    index = min(branches, key=lambda i: (len(branches[i]), -max(len(s.absolute_path) for s in branches[i]), i))
    return index, branches[index]


def _form_name(alternatives: list[Any], index: int) -> str:
    """An alternative of a oneOf/anyOf as an author knows it: its definition's name when it is a
    ``$ref`` (``'entry'``), else its place in the list (``form 2``)."""
    ref = alternatives[index].get("$ref", "") if isinstance(alternatives[index], dict) else ""
    return f"'{ref.rsplit('/', 1)[-1]}'" if ref else f"form {index + 1}"


def _describe(err: Any) -> str:
    """What is wrong, after the place's name (``'<where>' <this>``), for any keyword: from the error's
    structured fields (``validator``, ``validator_value``, ``instance``, ``schema``, ``context``)."""
    v, value, instance = err.validator, err.validator_value, err.instance
    size = len(instance) if isinstance(instance, (str, list, dict)) else 0
    described = {
        "maxItems": lambda: f"has {_plural(size, 'item')}; at most {value} are allowed",
        "maxLength": lambda: f"is {_plural(size, 'character')} long; at most {value} are allowed",
        "maxProperties": lambda: f"has {_plural(size, 'key')}; at most {value} are allowed",
        "minItems": lambda: f"has {_plural(size, 'item')}; at least {value} are needed",
        "minLength": lambda: f"is {_plural(size, 'character')} long; at least {value} are needed",
        "minProperties": lambda: f"has {_plural(size, 'key')}; at least {value} are needed",
        "required": lambda: "is missing the required key(s) " + ", ".join(
            f"'{k}'" for k in value if not (isinstance(instance, dict) and k in instance)),
        "additionalProperties": lambda: "has unknown key(s) " + ", ".join(
            f"'{k}'" for k in (instance or {}) if k not in err.schema.get("properties", {})),
        "type": lambda: f"should be {_expected(value)}, found {_type_name(instance)}",
        "enum": lambda: f"is {instance!r}; expected one of {', '.join(repr(o) for o in value)}",
        "const": lambda: f"is {instance!r}; expected {value!r}",
        "pattern": lambda: f"is {instance!r}, which is not of the expected form"
                           + (f" ({err.schema['description'].rstrip('.')})" if err.schema.get("description") else ""),
        "uniqueItems": lambda: "lists the same item twice",
        "minimum": lambda: f"is {instance}; less than the minimum of {value}",
        "maximum": lambda: f"is {instance}; greater than the maximum of {value}",
    }
    if v in described:
        return described[v]()
    if v == "anyOf" and value and all(set(b) == {"required"} for b in value):
        keys = [k for b in value for k in b["required"]]
        return "needs at least one of " + ", ".join(f"'{k}'" for k in keys)
    if v in ("oneOf", "anyOf"):
        index, problems = _closest_branch(err)
        detail = "; ".join(f"'{_where(tuple(p.absolute_path))}' {_describe(p)}" for p in problems)
        return f"fits none of its {len(value)} allowed forms; the closest, {_form_name(value, index)}, fails: {detail}"
    return f"breaks the schema's '{v}' rule ({value!r})"


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
