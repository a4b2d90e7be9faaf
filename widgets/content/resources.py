"""Regional resource packs (``modules/resources/<region>.yaml``): the model, the checks, and filling
``{crisis_line}``-style placeholders in course text from the programme's pack.

Content never hard-codes a phone number. It names a *role* in braces and the page fills it from the
pack of the region the programme (or the mentor) chose, so a course run in Canada says 9-8-8 and one
run in Singapore says SOS 1767, and every number carries its source and the date it was checked.

Importing this module teaches the loader the ``resources`` kind (``mentor-resources/1``) and adds a
course-wide check of every placeholder used in content. Pure: stdlib, PyYAML (through the loader).

Codes (each with a failing and a passing example):

``resources.unknown-placeholder``
    fails: ``text: "Call {crisis_lines} now."`` (no pack has a ``crisis_lines`` role; did you mean
    ``crisis_line``?), or ``{protocol_contact}`` when only some packs define it
    passes: ``text: "Call {crisis_line} now."``
``resources.region-mismatch``
    fails: ``modules/resources/ca.yaml`` with ``region: US``
    passes: ``modules/resources/ca.yaml`` with ``region: CA`` (the file is named after the region)
``resources.see-unknown``
    fails: ``forced_marriage: {not_available: ..., see: domestic_violense}``
    passes: ``see: domestic_violence`` (a role of the same pack)
``resources.generic-missing``
    fails: a ``modules/resources/`` folder without ``generic.yaml``
    passes: a ``generic.yaml`` pack (used when no region is chosen)
``course.region-unknown``
    fails: ``region: XX`` in ``modules/course.yaml`` with no ``modules/resources/xx.yaml``
    passes: ``region: CA`` with ``modules/resources/ca.yaml``
"""

from __future__ import annotations

import copy
import dataclasses
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from types import MappingProxyType
from typing import Any

from widgets.content.errors import ContentError
from widgets.content.loader import check_file, display_path, register_course_check, register_kind
from widgets.content.models import Course
from widgets.content.source import Source, read_source

KIND = "resource pack"
TAG = "mentor-resources"
SCHEMA_FILE = "resources.v1.json"
FOLDER = "resources"  # under modules/
GENERIC = "generic"
#: The environment variable `mentor-course serve --region` sets for every kernel.
REGION_ENV = "MENTOR_COURSE_REGION"

#: The roles every pack names (docs/formats.md "Resource packs"); packs may add their own.
ROLES: tuple[str, ...] = ("emergency", "crisis_line", "crisis_text", "reporting_body", "domestic_violence",
                          "forced_marriage", "therapist_directory")
ROLE_TITLES = {
    "emergency": "Emergency services",
    "crisis_line": "Crisis line (call)",
    "crisis_text": "Crisis text or chat",
    "reporting_body": "Reporting a concern about a child's or adult's safety",
    "domestic_violence": "Domestic and family violence",
    "forced_marriage": "Forced marriage",
    "therapist_directory": "Finding a culturally competent therapist",
}
UNVERIFIED = "unverified: check before use"
NOT_AVAILABLE = "not available here"

#: A placeholder: a role name in braces. Braces with anything else inside ({a: 1}, {{x}}) are not one.
PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z][a-z0-9_]*)\}(?!\})")


@dataclass(frozen=True)
class Entry:
    """One service: who it is, how to reach it, and where that was confirmed."""

    role: str
    name: str
    serves: str
    languages: tuple[str, ...]
    hours: str
    source: str
    checked: str
    say: str = ""
    phone: str = ""
    text: str = ""
    text_keyword: str = ""
    whatsapp: str = ""
    chat: str = ""
    web: str = ""
    more_sources: tuple[str, ...] = ()
    source_date: str = ""
    verified: bool = True
    note: str = ""

    def reach(self) -> str:
        """How to reach it, in words: ``call or text 988, chat at https://...``."""
        parts = []
        if self.phone and self.text and self.phone == self.text and not self.text_keyword:
            parts.append(f"call or text {self.phone}")
        else:
            if self.phone:
                parts.append(f"call {self.phone}")
            if self.text:
                parts.append(f"text {self.text_keyword} to {self.text}" if self.text_keyword else f"text {self.text}")
        if self.whatsapp:
            parts.append(f"WhatsApp {self.whatsapp}")
        if self.chat:
            parts.append(f"chat at {self.chat}")
        if self.web and not parts:
            parts.append(self.web)
        return ", ".join(parts)


@dataclass(frozen=True)
class Absent:
    """A role the region lacks (or that could not be confirmed), with the reason readers see."""

    role: str
    reason: str
    see: str = ""
    say: str = ""


@dataclass(frozen=True)
class Pack:
    """A validated resource pack for one region."""

    region: str
    name: str
    checked: str
    slots: Mapping[str, Entry | Absent]
    intro: str = ""
    directories: tuple[Entry, ...] = ()
    file: str = ""

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(self.slots)

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(s for s in self.slots.values() if isinstance(s, Entry))


def _entry(role: str, d: Mapping[str, Any]) -> Entry:
    return Entry(role=role, name=d["name"], serves=d["serves"], languages=tuple(d["languages"]), hours=d["hours"],
                 source=d["source"], checked=d["checked"], say=d.get("say", ""), phone=d.get("phone", ""),
                 text=d.get("text", ""), text_keyword=d.get("text_keyword", ""), whatsapp=d.get("whatsapp", ""),
                 chat=d.get("chat", ""), web=d.get("web", ""), more_sources=tuple(d.get("more_sources", ())),
                 source_date=d.get("source_date", ""), verified=bool(d.get("verified", True)),
                 note=d.get("note", ""))


def pack_from_dict(d: dict[str, Any], file: str = "") -> Pack:
    """Build a :class:`Pack` from schema-valid data (core roles first, in :data:`ROLES` order)."""
    res = d["resources"]
    order = [r for r in ROLES if r in res] + [r for r in res if r not in ROLES]
    slots: dict[str, Entry | Absent] = {}
    for role in order:
        value = res[role]
        if "not_available" in value:
            slots[role] = Absent(role, value["not_available"], value.get("see", ""), value.get("say", ""))
        else:
            slots[role] = _entry(role, value)
    return Pack(region=d["region"], name=d["name"], checked=d["checked"], slots=MappingProxyType(slots),
                intro=d.get("intro", ""),
                directories=tuple(_entry("directory", x) for x in d.get("directories", ())), file=file)


def check_pack(src: Source, model: Pack, course: Course | None, folder_module: str | None = None,
               ) -> Iterator[ContentError]:
    """Semantic checks of one pack: its file is named after its region; ``see:`` names a role of it."""
    stem = Path(src.file).stem
    if stem.lower() != model.region.lower():
        yield src.error(("region",), "resources.region-mismatch",
                        f"region '{model.region}' is in a file named '{Path(src.file).name}'; name the file "
                        f"'{model.region.lower()}.yaml' so a programme finds it by its region code")
    for role, slot in model.slots.items():
        if isinstance(slot, Absent) and slot.see and slot.see not in model.slots:
            near = get_close_matches(slot.see, list(model.slots), n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            yield src.error(("resources", role, "see"), "resources.see-unknown",
                            f"'see: {slot.see}' is not a role of this pack{hint}")


def check_pack_file(path: Path | str, course: Course | None = None) -> tuple[Pack | None, list[ContentError]]:
    return check_file(path, KIND, course)


register_kind(KIND, TAG, SCHEMA_FILE, pack_from_dict, check_pack)


# ------------------------------------------------------------------------------------------- packs
def packs_folder(root: Path | None) -> Path | None:
    return root / "modules" / FOLDER if root is not None else None


def load_packs(root: Path | None) -> dict[str, Pack]:
    """Every valid pack under ``modules/resources/``, by region code (broken packs are left out;
    ``mentor-course validate`` reports them)."""
    folder = packs_folder(root)
    out: dict[str, Pack] = {}
    if folder is None or not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.yaml")):
        model, _ = check_file(path, KIND, display=display_path(path, root))
        if model is not None:
            out[model.region] = model
    return out


def normalise_region(value: str | None) -> str:
    """``ca`` -> ``CA``; ``Generic`` -> ``generic``; blanks -> ''."""
    value = (value or "").strip()
    if not value:
        return ""
    return GENERIC if value.lower() == GENERIC else value.upper()


def choose_region(available: Iterable[str], *, learner: str | None = None, env: Mapping[str, str] | None = None,
                  course: str | None = None) -> tuple[str, str]:
    """Which region's pack to show, and why: the mentor's own choice, else the server's
    ``--region`` (``$MENTOR_COURSE_REGION``), else ``region:`` in course.yaml, else ``generic``.
    A choice naming no pack falls through to the next."""
    have = set(available)
    environ = os.environ if env is None else env
    for value, why in ((learner, "learner"), (environ.get(REGION_ENV), "server"), (course, "course")):
        code = normalise_region(value)
        if code and code in have:
            return code, why
    return GENERIC, "default"


def course_region(root: Path | None) -> str:
    """``region:`` in the course's manifest, or "" (read directly: no need to validate the course)."""
    manifest = root / "modules" / "course.yaml" if root is not None else None
    if manifest is None or not manifest.is_file():
        return ""
    src, _ = read_source(manifest)
    region = src.data.get("region") if src is not None and isinstance(src.data, dict) else None
    return region if isinstance(region, str) else ""


def region_pack(root: Path | None, *, chosen: str | None = None, env: Mapping[str, str] | None = None) -> Pack | None:
    """The pack outside a learner's session (terminal player, live rooms): ``chosen`` (an explicit
    option), else the server's ``$MENTOR_COURSE_REGION``, else course.yaml, else generic."""
    packs = load_packs(root)
    code, _ = choose_region(packs, learner=chosen, env=env, course=course_region(root))
    return packs.get(code)


# ------------------------------------------------------------------------------------------- filling
def fill_words(pack: Pack | None, role: str) -> str | None:
    """What ``{role}`` becomes with ``pack``: the service's name and how to reach it, ``not available
    here``, or None when the pack has no such role (the validator reports that)."""
    if pack is None:
        return None
    slot = pack.slots.get(role)
    if slot is None:
        return None
    if isinstance(slot, Absent):
        if slot.say:
            return slot.say
        if slot.see and isinstance(pack.slots.get(slot.see), Entry):
            return f"{NOT_AVAILABLE} (try {fill_words(pack, slot.see)})"
        return NOT_AVAILABLE
    words = slot.say or (f"{slot.name} ({slot.reach()})" if slot.reach() else slot.name)
    if not slot.verified:
        words += f" [{UNVERIFIED}]"
    return words


def fill_text(text: str, pack: Pack | None) -> str:
    """``text`` with every ``{role}`` the pack knows replaced (unknown ones are left as written)."""
    if pack is None or "{" not in text:
        return text

    def swap(m: re.Match[str]) -> str:
        words = fill_words(pack, m.group(1))
        return m.group(0) if words is None else words

    return PLACEHOLDER.sub(swap, text)


def fill_model(obj: Any, pack: Pack | None) -> Any:
    """A copy of a content model (frozen dataclasses, tuples, mappings; or plain YAML data) with
    every string filled from ``pack``. Objects without placeholders are returned as they are, so
    filling a whole scenario costs little and ids never change."""
    if pack is None:
        return obj
    return _fill(obj, pack)


def _fill(obj: Any, pack: Pack) -> Any:
    if isinstance(obj, str):
        return fill_text(obj, pack)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            filled = _fill(value, pack)
            if filled is not value:
                changes[f.name] = filled
        if not changes:
            return obj
        new = copy.copy(obj)
        for name, value in changes.items():
            object.__setattr__(new, name, value)  # frozen dataclasses: a fresh copy, never the original
        return new
    if isinstance(obj, (tuple, list)):
        items = [_fill(x, pack) for x in obj]
        if all(a is b for a, b in zip(items, obj, strict=True)):
            return obj
        return type(obj)(items) if not hasattr(obj, "_fields") else type(obj)(*items)
    if isinstance(obj, (dict, MappingProxyType)):
        pairs = {k: _fill(v, pack) for k, v in obj.items()}
        if all(pairs[k] is obj[k] for k in obj):
            return obj
        return MappingProxyType(pairs) if isinstance(obj, MappingProxyType) else pairs
    return obj


# ------------------------------------------------------------------------------------------- the box
def entry_props(entry: Entry) -> dict[str, Any]:
    """One service as plain text fields (the page escapes them; nothing here is HTML)."""
    ways = []
    if entry.phone:
        ways.append({"kind": "phone", "label": "Call", "value": entry.phone,
                     "href": "tel:" + re.sub(r"[^+0-9]", "", entry.phone)})
    if entry.text:
        label = f"Text {entry.text_keyword} to" if entry.text_keyword else "Text"
        ways.append({"kind": "text", "label": label, "value": entry.text,
                     "href": "sms:" + re.sub(r"[^+0-9]", "", entry.text)})
    if entry.whatsapp:
        ways.append({"kind": "whatsapp", "label": "WhatsApp", "value": entry.whatsapp, "href": ""})
    if entry.chat:
        ways.append({"kind": "chat", "label": "Chat", "value": entry.chat, "href": entry.chat})
    if entry.web:
        ways.append({"kind": "web", "label": "Website", "value": entry.web, "href": entry.web})
    return {"name": entry.name, "say": entry.say, "ways": ways, "serves": entry.serves,
            "languages": ", ".join(entry.languages), "hours": entry.hours, "source": entry.source,
            "checked": entry.checked, "source_date": entry.source_date, "verified": entry.verified,
            "unverified": "" if entry.verified else "Unverified: check before use", "note": entry.note}


def pack_props(pack: Pack | None, *, why: str = "", choices: Iterable[Pack] = ()) -> dict[str, Any]:
    """The "Resources for your region" box: every role with its service (or why there is none), plus
    the regions a mentor can switch to. Plain text throughout; the page escapes it."""
    regions = [{"code": p.region, "name": p.name} for p in sorted(choices, key=lambda p: (p.region != GENERIC, p.name))]
    if pack is None:
        return {"region": "", "name": "", "roles": [], "directories": [], "regions": regions, "why": why,
                "intro": "No resource pack was found for this course (modules/resources/).", "checked": ""}
    roles = []
    for role, slot in pack.slots.items():
        title = ROLE_TITLES.get(role, role.replace("_", " ").capitalize())
        if isinstance(slot, Absent):
            see = ROLE_TITLES.get(slot.see, slot.see) if slot.see else ""
            roles.append({"role": role, "title": title, "absent": slot.reason, "see": see})
        else:
            roles.append({"role": role, "title": title, "absent": "", **entry_props(slot)})
    return {"region": pack.region, "name": pack.name, "intro": pack.intro, "checked": pack.checked, "roles": roles,
            "directories": [entry_props(d) for d in pack.directories], "regions": regions, "why": why}


# ------------------------------------------------------------------------------------------- course check
def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for v in data.values():
            yield from _strings(v)
    elif isinstance(data, list):
        for v in data:
            yield from _strings(v)


def placeholder_errors(src: Source, text: str, roles_by_pack: Mapping[str, Iterable[str]]) -> list[ContentError]:
    """Every ``{name}`` in a content file's strings that is not a role of every pack, located at the
    placeholder itself (line and column of ``{``) with a did-you-mean."""
    used = {m.group(1) for s in _strings(src.data) for m in PLACEHOLDER.finditer(s)}
    if not used or not roles_by_pack:
        return []
    sets = {code: set(roles) for code, roles in roles_by_pack.items()}
    everywhere = set.intersection(*sets.values())
    anywhere = set.union(*sets.values())
    bad = {name for name in used if name not in everywhere}
    errors = []
    for lineno, line in enumerate(text.splitlines(), 1):
        for m in PLACEHOLDER.finditer(line):
            name = m.group(1)
            if name not in bad:
                continue
            missing = sorted(code for code, roles in sets.items() if name not in roles)
            if name in anywhere:
                why = f"the role '{name}' is missing from the resource pack(s) {', '.join(missing)}; add it there " \
                      "(or 'not_available:') so every region can fill it"
            else:
                near = get_close_matches(name, sorted(everywhere), n=1)
                hint = f"; did you mean '{{{near[0]}}}'?" if near else ""
                why = f"'{{{name}}}' is not a resource role (roles: {', '.join(sorted(everywhere))}){hint}"
            errors.append(ContentError(src.file, lineno, m.start() + 1, "resources.unknown-placeholder", why))
    return errors


def course_check(files: Iterable[Path], root: Path | None, content: Any = None) -> list[ContentError]:
    """Course-wide: placeholders in every content file checked against every pack; a ``generic`` pack
    present; course.yaml's ``region:`` names a pack. Run by :func:`widgets.content.loader.check_paths`."""
    folder = packs_folder(root)
    if folder is None or not folder.is_dir():
        return []
    found = getattr(content, "others", {}).get(KIND) if content is not None else None
    whole = found is not None and len(found) == len(list(folder.glob("*.y*ml")))
    packs = {p.region: p for p in found} if whole else load_packs(root)  # validated once, not twice
    errors: list[ContentError] = []
    pack_files = {p.resolve() for p in folder.glob("*.y*ml")}
    checked = [Path(f) for f in files]
    real = {f: f.resolve() for f in checked}  # resolved once: each resolve() walks the path's folders
    if packs and GENERIC not in packs and any(real[f] in pack_files for f in checked):
        errors.append(ContentError(display_path(folder, root), 0, 0, "resources.generic-missing",
                                   "no generic.yaml pack: it is what a mentor sees when no region is chosen"))
    manifest = root / "modules" / "course.yaml" if root else None
    if manifest is not None and manifest.is_file():
        src, _ = read_source(manifest, display_path(manifest, root))
        region = src.data.get("region") if src is not None and isinstance(src.data, dict) else None
        code = normalise_region(region) if isinstance(region, str) else ""
        if code and packs and code not in packs:
            errors.append(src.error(("region",), "course.region-unknown",
                                    f"region '{region}' has no pack modules/resources/{code.lower()}.yaml "
                                    f"(packs: {', '.join(sorted(packs))})"))
    roles_by_pack = {code: p.roles for code, p in packs.items()}
    manifest_real = manifest.resolve() if manifest is not None else None
    for f in checked:
        if real[f] in pack_files or (manifest is not None and real[f] == manifest_real):
            continue
        try:
            text = f.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # the file's own checks report it
        if not PLACEHOLDER.search(text):
            continue  # most files name no role: skip parsing them again
        src, errs = read_source(f, display_path(f, root))
        if src is None or errs:
            continue
        errors += placeholder_errors(src, text, roles_by_pack)
    return errors


register_course_check("resource packs", course_check)


__all__ = [
    "GENERIC", "NOT_AVAILABLE", "PLACEHOLDER", "REGION_ENV", "ROLES", "UNVERIFIED", "Absent", "Entry", "Pack",
    "choose_region", "course_check", "course_region", "fill_model", "fill_text", "fill_words", "load_packs", "pack_from_dict",
    "pack_props", "placeholder_errors", "region_pack",
]
