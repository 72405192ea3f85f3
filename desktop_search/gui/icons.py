"""The app's SVG icons from `resources/icons`, with the style's icons as a fallback."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

from desktop_search.paths import resources_dir

ICON_DIR = resources_dir() / "icons"

_FILE_ICONS = {
    "pdf": ("pdf",),
    "doc": ("doc", "docx", "odt", "rtf"),
    "sheet": ("xlsx", "xls", "ods", "csv"),
    "slides": ("pptx", "ppt", "odp"),
    "book": ("epub",),
    "web": ("html", "htm", "xhtml"),
    "text": ("txt", "text", "md", "markdown", "rst", "log"),
    "code": ("py", "js", "ts", "c", "h", "cpp", "hpp", "java", "go", "rs", "rb", "sh", "json", "yaml", "toml"),
}
_BY_SUFFIX = {suffix: name for name, suffixes in _FILE_ICONS.items() for suffix in suffixes}


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
    """An icon for a document by its extension."""
    suffix = Path(path).suffix.lower().lstrip(".")
    return icon(f"file-{_BY_SUFFIX.get(suffix, 'generic')}")
