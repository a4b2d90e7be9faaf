"""The registry of sections that other pure modules add to the progress document.

The core names none of them: :mod:`widgets.plugins`, the composition root the entry points import,
lists the modules that register one (``widgets.outcomes.records`` keeps self-assessment answers in
``assessments``, ``widgets.region_choice`` the learner's region). A module of its own, because the
format (which checks sections), the reducer (which applies their events) and the merge (which merges
them) all read it, and none of those should import another just for this.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from widgets.registry import Registry

Doc = dict[str, Any]


@dataclass(frozen=True)
class Section:
    """A top-level part of the document that another pure module owns: the event types it handles, how
    one applies (to a copy, returning it), how an imported section merges into ours, and what is wrong
    with one on disk."""

    name: str
    events: tuple[str, ...]
    apply: Callable[[Doc, Mapping[str, Any]], Doc]
    merge: Callable[[Any, Any], Any]
    problems: Callable[[Doc], list[str]]


#: Sections registered by their owners.
SECTIONS: Registry[Section] = Registry("progress section")


def register_section(section: Section) -> None:
    """Add (or replace, on a re-import) ``section``."""
    SECTIONS.register(section.name, section)


def sections() -> list[Section]:
    """Every registered section, in the order they registered."""
    return list(SECTIONS.values())


def section_for(event_type: str) -> Section | None:
    """The section that handles ``event_type``, if one does."""
    return next((s for s in sections() if event_type in s.events), None)


__all__ = ["SECTIONS", "Doc", "Section", "register_section", "section_for", "sections"]
