"""Is every code the validator can emit documented, with an example, in docs/error-codes.md?"""

from __future__ import annotations

import re

from tests.conftest import REPO


def test_error_codes_every_emitted_code_is_documented():
    emitted: set[str] = set()
    sources = [*(REPO / "widgets" / "content").glob("*.py"), *(REPO / "widgets").glob("*/content.py"),
               *(REPO / "widgets").glob("*/rubric.py")]
    for path in sources:
        families = ("file|yaml|schema|id|ref|graph|node|choice|competency|test|answer|course|assessment|rubric"
                    "|resources|state|cond|claim|play|lint|track|time")
        emitted |= set(re.findall(rf'"((?:{families})\.[a-z-]+)"', path.read_text(encoding="utf-8")))
    emitted = {code for code in emitted if not code.endswith(".yaml")}  # file names, not codes
    documented = set(re.findall(r"^\| `([a-z]+\.[a-z-]+)` \|", (REPO / "docs" / "error-codes.md").read_text(), re.M))
    assert emitted, "no codes found: the pattern above is out of date"
    assert sorted(emitted - documented) == []
