"""The composition root: the one place that lists the plugins of the pure core.

The core (:mod:`widgets.content.loader`, :mod:`widgets.progress`) keeps a :class:`widgets.registry.Registry`
for each extension point and names no plugin; each plugin imports the core and registers itself when
imported (content kinds, course-wide checks, progress sections). Entry points - ``widgets.cli``,
``widgets.ui``, ``widgets.ui.live``, ``widgets.ui.outcomes.views``, ``widgets.ui.grading.view``,
``widgets.serving.app`` and the tests' ``conftest.py`` - call :func:`install` before they use the core, so
a new plugin is added here and nowhere in the core. Every plugin is pure (stdlib, PyYAML, jsonschema and
the core), so installing them keeps the notebooks' import light.
"""

from __future__ import annotations

from types import ModuleType

# In the order the core used to load them, so kinds and sections keep their order (and messages theirs).
# isort: off
from widgets.grading import rubric
from widgets.outcomes import content as outcomes_content
from widgets.content import resources
from widgets.outcomes import records as outcomes_records
from widgets import region_choice
# isort: on

#: Each registered itself when imported above: rubric and assessment files, resource packs (a kind and a
#: course-wide check), and the ``assessments`` and region sections of the progress file.
PLUGINS: tuple[ModuleType, ...] = (rubric, outcomes_content, resources, outcomes_records, region_choice)


def install() -> tuple[ModuleType, ...]:
    """Make sure every plugin is registered (importing this module did it; calling says so at the entry
    point) and return the plugin modules."""
    return PLUGINS


__all__ = ["PLUGINS", "install"]
