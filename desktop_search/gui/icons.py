"""The app's SVG icons from `resources/icons`, with the style's icons as a fallback."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

from desktop_search.core.extract.kinds import family_of_path
from desktop_search.paths import resources_dir

ICON_DIR = resources_dir() / "icons"


@cache
def icon(name: str) -> QIcon:
    """The icon `resources/icons/<name>.svg`; SVG scales to any device pixel ratio."""
    path = ICON_DIR / f"{name}.svg"
    if path.exists():
        return QIcon(str(path))
    style = QApplication.style()
    fallback = QStyle.StandardPixmap.SP_DirIcon if name == "folder" else QStyle.StandardPixmap.SP_FileIcon
    return style.standardIcon(fallback)


def file_icon(path: str) -> QIcon:
    """An icon for a document by its family (kinds.py), from its extension."""
    family = family_of_path(path)
    return icon(family.icon if family else "file-generic")
