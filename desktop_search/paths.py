"""Paths: whether one lies inside a folder, and where bundled resources are (checkout or frozen app)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def is_inside(path: str, folder: str, sep: str = os.sep) -> bool:
    """Whether `path` is `folder` or lies below it, compared as text, the way paths are stored (no disk
    access, no case folding): /a/bc is not inside /a/b. `sep` is this platform's separator; tests pass
    Windows' to check Windows paths anywhere."""
    return path == folder or path.startswith(folder.rstrip(sep) + sep)


def resources_dir() -> Path:
    """The package's `resources/` folder (icons, the self-test's sample documents): package data in a
    checkout or an installed wheel, and in the bundle when frozen."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "desktop_search" / "resources"
    return Path(__file__).resolve().parent / "resources"
