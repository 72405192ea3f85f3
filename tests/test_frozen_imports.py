"""What a frozen build bundles is what its entry point imports: every module is reachable, none by name."""

from __future__ import annotations

import re
from modulefinder import ModuleFinder
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "desktop_search"
LAUNCHER = ROOT / "packaging" / "launcher.py"
# Not part of the app a user runs: `python -m desktop_search` (the launcher replaces it) and the tests' embedder.
NOT_SHIPPED = {"desktop_search.__main__", "desktop_search.embed.fake"}


def _package_modules() -> set[str]:
    names = set()
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_every_module_of_the_package_is_reachable_from_the_frozen_entry_point() -> None:
    """PyInstaller bundles what it finds by following imports from launcher.py; nothing else ships."""
    # Searching only the checkout keeps the walk to our own modules: stdlib and third-party imports stay unresolved.
    finder = ModuleFinder(path=[str(ROOT)])
    finder.run_script(str(LAUNCHER))
    found = {name for name in finder.modules if name.startswith("desktop_search")}
    assert "desktop_search.core.extract.pdf" in found
    assert _package_modules() - found == NOT_SHIPPED


def test_nothing_in_the_package_is_imported_by_a_name_built_at_run_time() -> None:
    """`import_module`/`__import__` hide a module from PyInstaller: the frozen app would miss it."""
    pattern = re.compile(r"\bimport_module\b|\b__import__\b")
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
