"""Pure content layer: YAML with positions, JSON Schemas, typed models and the validator.

Nothing here imports ipywidgets, Voilà or nbgrader, so the CLI and the tests load it in a blink.
"""

from widgets.content.errors import ContentError, ContentInvalid
from widgets.content.loader import (
    CourseContent,
    check_paths,
    load_course,
    load_reflection,
    load_scenario,
    load_selfcheck,
)

__all__ = [
    "ContentError",
    "ContentInvalid",
    "CourseContent",
    "check_paths",
    "load_course",
    "load_reflection",
    "load_scenario",
    "load_selfcheck",
]
