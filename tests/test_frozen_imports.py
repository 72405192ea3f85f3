"""What a frozen build bundles is what its entry point imports: every module is reachable, none by name."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
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


def _excludes() -> list[str]:
    """What the PyInstaller spec excludes (packaging/bundle_contents.py, which the spec reads)."""
    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        from bundle_contents import EXCLUDED_MODULES
    finally:
        sys.path.remove(str(ROOT / "packaging"))
    assert "EXCLUDED_MODULES" in (ROOT / "packaging" / "desktop_search.spec").read_text(encoding="utf-8")
    return list(EXCLUDED_MODULES)


def _third_party_imports() -> list[str]:
    """Every import statement of the package that names another distribution (not under TYPE_CHECKING)."""
    statements = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {
            id(child)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for child in ast.walk(node)
        }
        for node in ast.walk(tree):
            if id(node) in typing_only or not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            if isinstance(node, ast.ImportFrom) and (node.level or not node.module):
                continue
            names = [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            root = str(names[0]).split(".")[0]
            if root != "desktop_search" and root not in sys.stdlib_module_names:
                statements.add(ast.unparse(node))
    return sorted(statements)


def _excluded(name: str, excludes: list[str]) -> bool:
    return any(name == excluded or name.startswith(excluded + ".") for excluded in excludes)


# Runs the app's own third-party import statements in a fresh interpreter and lists what they loaded. OpenVINO is
# imported first the app's way (embed/openvino_bert.py), which keeps its converter out.
_IMPORT_ALL = """
import json, sys
from desktop_search.embed.openvino_bert import import_openvino
import_openvino()
failed = []
for statement in json.loads(sys.argv[1]):
    try:
        exec(statement, {})
    except ImportError as exc:
        failed.append(f"{statement}: {exc}")
loaded = sorted(name for name, module in sys.modules.items() if module is not None)
print(json.dumps({"loaded": loaded, "failed": failed}))
"""


def test_the_frozen_build_excludes_nothing_the_app_imports() -> None:
    """The spec's EXCLUDES keep unused optional imports out of the bundle; an app import there would break it."""
    excludes = _excludes()
    assert "torchvision" in excludes
    named = {name for statement in _third_party_imports() for name in re.findall(r"[\w.]+", statement)}
    assert {name for name in named if _excluded(name, excludes)} == set()


def test_the_frozen_build_excludes_nothing_that_the_app_s_imports_load() -> None:
    """What the app's third-party imports load in turn must be bundled too: rapidocr_onnxruntime loads cv2, which
    the spec once excluded, so the frozen app had no OCR while every direct import was there."""
    statements = _third_party_imports()
    assert "from rapidocr_onnxruntime import RapidOCR" in statements  # inside a function: still an import
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL, json.dumps(statements)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)},
    )
    report = json.loads(result.stdout.splitlines()[-1])
    loaded = set(report["loaded"])
    assert {"cv2", "onnxruntime", "openvino", "torch", "PySide6.QtWidgets"} <= loaded  # the imports really ran
    # keyring is optional (remote embedding servers' keys), imported where it may be missing.
    assert [f for f in report["failed"] if not f.startswith("import keyring")] == []
    assert sorted(name for name in loaded if _excluded(name, _excludes())) == []
