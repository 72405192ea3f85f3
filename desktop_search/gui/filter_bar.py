"""The row of filters under the search field: library, folder, file type, modified date, order and mode.
It builds the same SearchFilter as the CLI's flags (core/filters.py), applied inside the search."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QLabel, QWidget

from desktop_search.core.filters import search_filter
from desktop_search.gui.filters import DATES, FILE_TYPES, MODE_LABELS, SORT_LABELS
from desktop_search.records import SearchFilter

_CHOOSE = "Choose folder…"


def _combo(name: str, items: list[str]) -> QComboBox:
    combo = QComboBox()
    combo.addItems(items)
    combo.setAccessibleName(name)
    combo.setToolTip(name)
    return combo


class FilterBar(QWidget):
    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.library = _combo("Library", ["All libraries"])
        self.folder = _combo("Folder", ["Any folder", _CHOOSE])
        self.file_type = _combo("File type", ["Any type", *FILE_TYPES])
        self.date = _combo("Modified", list(DATES))
        self.mode = _combo("Search mode", list(MODE_LABELS.values()))
        self.sort = _combo("Order of the results", list(SORT_LABELS.values()))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for label, combo in (("In", self.library), ("", self.folder), ("", self.file_type), ("", self.date)):
            if label:
                layout.addWidget(QLabel(label))
            layout.addWidget(combo)
        layout.addStretch()
        layout.addWidget(self.sort)
        layout.addWidget(self.mode)
        for combo in (self.library, self.file_type, self.date, self.sort, self.mode):
            combo.currentIndexChanged.connect(self.changed)
        self.folder.activated.connect(self._on_folder_activated)

    def set_libraries(self, names: list[str], folders: list[str]) -> None:
        """Refresh the choices without losing the current ones."""
        current = self.library.currentText()
        self.library.blockSignals(True)
        self.library.clear()
        self.library.addItems(["All libraries", *names])
        self.library.setCurrentIndex(max(0, self.library.findText(current)))
        self.library.blockSignals(False)
        chosen = self._folder()
        self.folder.blockSignals(True)
        self.folder.clear()
        self.folder.addItems(["Any folder", *folders, _CHOOSE])
        if chosen:
            self._select_folder(chosen)
        self.folder.blockSignals(False)

    def _folder(self) -> str | None:
        folder = self.folder.currentText() if self.folder.currentIndex() > 0 else None
        return folder if folder != _CHOOSE else None

    def search_filter(self) -> SearchFilter:
        """What the bar narrows to, as the search applies it (the same value the CLI's flags build)."""
        library = self.library.currentText() if self.library.currentIndex() > 0 else None
        file_type = self.file_type.currentText() if self.file_type.currentIndex() > 0 else None
        folder = self._folder()
        return search_filter(
            libraries=[library] if library else [],
            folders=[folder] if folder else [],
            types=[FILE_TYPES[file_type]] if file_type else [],
            since=DATES[self.date.currentText()],
        )

    def narrows(self) -> bool:
        """Whether any filter is set (the empty state says the filters may hide results)."""
        return self.search_filter() != SearchFilter()

    def sort_key(self) -> str:
        return list(SORT_LABELS)[self.sort.currentIndex()]

    def mode_key(self) -> str:
        return list(MODE_LABELS)[self.mode.currentIndex()]

    def set_mode(self, mode: str) -> None:
        self.mode.setCurrentIndex(list(MODE_LABELS).index(mode))

    def clear(self) -> None:
        for combo in (self.library, self.folder, self.file_type, self.date):
            combo.setCurrentIndex(0)
        self.changed.emit()

    def _on_folder_activated(self, index: int) -> None:
        if self.folder.itemText(index) == _CHOOSE:
            folder = QFileDialog.getExistingDirectory(self, "Only results inside this folder")
            if folder:
                self._select_folder(folder)
            else:
                self.folder.setCurrentIndex(0)
        self.changed.emit()

    def _select_folder(self, folder: str) -> None:
        found = self.folder.findText(folder)
        if found < 0:
            self.folder.insertItem(self.folder.count() - 1, folder)
            found = self.folder.count() - 2
        self.folder.setCurrentIndex(found)
