"""The list of search hits as a Qt item model."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from desktop_search.paths import is_inside
from desktop_search.records import Hit

HitRole = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


def hit_folder(hit: Hit) -> str:
    """The folder of a hit, with the home folder shortened to ~."""
    folder = str(Path(hit.path).parent)
    home = str(Path.home())
    return "~" + folder[len(home) :] if is_inside(folder, home) else folder


def hit_heading(hit: Hit) -> str:
    """The document's title with its file name beside it ("Banana bread — x34.html"), or the file name."""
    name = Path(hit.path).name
    return f"{hit.title} — {name}" if hit.title else name


def hit_details(hit: Hit) -> str:
    """Folder · modified date · page, the line under a result's name."""
    parts = [hit_folder(hit)]
    if hit.mtime_ns:
        parts.append(datetime.fromtimestamp(hit.mtime_ns / 1e9).strftime("%Y-%m-%d"))
    if hit.page:
        parts.append(f"{'message' if hit.kind == 'mbox' else 'page'} {hit.page}")
    return "  ·  ".join(parts)


def opens_at_page(hit: Hit) -> bool:
    """Whether the hit is a PDF passage with a page to open at."""
    return bool(hit.page) and (hit.kind == "pdf" or hit.path.lower().endswith(".pdf"))


class ResultModel(QAbstractListModel):
    """One row per hit; DisplayRole is the title and file name (hit_heading), HitRole the Hit itself."""

    def __init__(self) -> None:
        super().__init__()
        self._hits: list[Hit] = []
        self.mode = ""  # which ranking the hits come from: "keyword", "hybrid", "dense"

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return hit_heading(hit)
        if role == Qt.ItemDataRole.ToolTipRole:
            return hit.path
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return f"{hit_details(hit)}. {hit.snippet}"
        if role == HitRole:
            return hit
        return None

    def set_hits(self, hits: list[Hit], mode: str) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.mode = mode
        self.endResetModel()

    def hit(self, row: int) -> Hit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def row_of(self, path: str) -> int:
        return next((i for i, h in enumerate(self._hits) if h.path == path), -1)
