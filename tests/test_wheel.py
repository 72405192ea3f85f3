"""A wheel built from the checkout carries the icons and the self-test's sample documents."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEFT_OUT = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache")


def test_the_wheel_holds_every_resource(tmp_path: Path) -> None:
    source = tmp_path / "src"  # a copy: building writes build/ and egg-info beside the sources
    shutil.copytree(ROOT, source, ignore=LEFT_OUT)
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path)]
    subprocess.run([*command, str(source)], check=True, timeout=300)
    (wheel,) = tmp_path.glob("desktop_search-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    resources = ROOT / "desktop_search" / "resources"
    expected = {p.relative_to(ROOT).as_posix() for p in resources.rglob("*") if p.is_file()}
    assert {"desktop_search/resources/icons/app.svg", "desktop_search/resources/sample/README.txt"} <= expected
    assert expected <= names
