"""No dead code in the package: vulture reads the package with the tests, benchmarks and packaging scripts
(which use some of it) and vulture_whitelist.py (names used by Qt, watchdog or transformers, with reasons)."""

from __future__ import annotations

from pathlib import Path

import pytest
import vulture

pytestmark = pytest.mark.slow  # vulture reads the whole tree

ROOT = Path(__file__).resolve().parent.parent
READ = ["desktop_search", "tests", "benchmarks", "packaging", "docs/images", "vulture_whitelist.py"]


def test_nothing_in_the_package_is_unused() -> None:
    finder = vulture.Vulture()
    finder.scavenge([str(ROOT / p) for p in READ if (ROOT / p).exists()])
    package = ROOT / "desktop_search"
    unused = [
        f"{Path(item.filename).relative_to(ROOT)}:{item.first_lineno}: {item.message}"
        for item in finder.get_unused_code(min_confidence=60)
        if Path(item.filename).is_relative_to(package)
    ]
    assert unused == [], "remove it, or say in vulture_whitelist.py what uses it:\n" + "\n".join(unused)
