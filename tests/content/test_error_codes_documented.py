"""Is every code the validator can emit documented, with an example, in docs/error-codes.md?"""

from __future__ import annotations

import re

from tests.conftest import REPO


def test_error_codes_every_emitted_code_is_documented():
    emitted: set[str] = set()
    for path in (REPO / "widgets" / "content").glob("*.py"):
        emitted |= set(re.findall(r'"((?:file|yaml|schema|id|ref|graph|node|choice|competency|test|answer|course)'
                                  r'\.[a-z-]+)"', path.read_text(encoding="utf-8")))
    emitted.discard("course.yaml")
    documented = set(re.findall(r"^\| `([a-z]+\.[a-z-]+)` \|", (REPO / "docs" / "error-codes.md").read_text(), re.M))
    assert emitted, "no codes found: the pattern above is out of date"
    assert sorted(emitted - documented) == []
