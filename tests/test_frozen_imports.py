"""What a frozen build bundles is what its entry point imports: every module is reachable, none by name."""

from __future__ import annotations

import ast
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


def test_the_frozen_build_excludes_nothing_the_app_imports() -> None:
    """The spec's EXCLUDES keep unused optional imports out of the bundle; an app import there would break it."""
    spec = ast.parse((ROOT / "packaging" / "desktop_search.spec").read_text(encoding="utf-8"))
    (excludes,) = [
        ast.literal_eval(node.value)
        for node in ast.walk(spec)
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "EXCLUDES" for t in node.targets)
    ]
    imported = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    clashes = {
        name for name in imported for excluded in excludes if name == excluded or name.startswith(excluded + ".")
    }
    assert "torchvision" in excludes
    assert clashes == set()
