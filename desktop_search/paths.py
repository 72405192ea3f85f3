"""Where bundled resources are, in a source checkout and in a frozen (PyInstaller) app."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """The package's `resources/` folder (icons, the self-test's sample documents): package data in a
    checkout or an installed wheel, and in the bundle when frozen."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "desktop_search" / "resources"
    return Path(__file__).resolve().parent / "resources"
