"""What the result area says when there is nothing to list: first run, indexing, no results."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_search.core.query import searchable
from desktop_search.gui.icons import icon
from desktop_search.gui.model_picker import ModelPicker
from desktop_search.gui.notices import WrappingLabel
from desktop_search.gui.progress_text import plural


class EmptyState(QWidget):
    """A message with up to two actions; on first run also the model choice."""

    addFoldersRequested = Signal()
    keywordOnlyRequested = Signal()
    clearFiltersRequested = Signal()

    def __init__(self, models_dir: Path) -> None:
        super().__init__()
        self.kind = ""
        self.picture = QLabel()
        self.picture.setPixmap(icon("app").pixmap(64, 64))
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.title.setFont(font)
        self.body = WrappingLabel()
        self.body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.model_label = QLabel("Model (you can change it per library later):")
        self.picker = ModelPicker(models_dir)
        self.add_button = QPushButton("Add folders…")
        self.add_button.clicked.connect(self.addFoldersRequested)
        self.keyword_button = QPushButton("Search words only")
        self.keyword_button.clicked.connect(self.keywordOnlyRequested)
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.clicked.connect(self.clearFiltersRequested)
        buttons = QHBoxLayout()
        buttons.addStretch()
        for button in (self.add_button, self.keyword_button, self.clear_button):
            buttons.addWidget(button)
        buttons.addStretch()
        column = QWidget()  # a centred column of readable width; wrapped labels get their full height
        column.setMaximumWidth(580)
        inner = QVBoxLayout(column)
        for widget in (self.picture, self.title, self.body, self.model_label, self.picker):
            inner.addWidget(widget)
        inner.addLayout(buttons)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(column, 10)
        row.addStretch()
        layout = QVBoxLayout(self)
        layout.addStretch()
        layout.addLayout(row)
        layout.addStretch(2)

    def _show(self, kind: str, title: str, body: str, *buttons: QPushButton) -> None:
        self.kind = kind
        self.title.setText(title)
        self.body.setText(body)
        first_run = kind == "no-libraries"
        self.model_label.setVisible(first_run)
        self.picker.setVisible(first_run)
        for button in (self.add_button, self.keyword_button, self.clear_button):
            button.setVisible(button in buttons)

    def show_no_libraries(self) -> None:
        self._show(
            "no-libraries",
            "Search your own documents",
            "Add the folders you want to search, or drop them on this window. Their text stays on this "
            "computer: reading, indexing and searching all happen here.",
            self.add_button,
        )

    def show_nothing_indexed(self, indexing: bool) -> None:
        body = (
            "Your folders are being indexed. Results appear while it runs: words at once, meaning as "
            "passages are embedded."
            if indexing
            else "Nothing has been indexed yet. Indexing is paused, or the folders hold no documents."
        )
        self._show("nothing-indexed", "Nothing indexed yet", body, self.add_button)

    def show_type_to_search(self, files: int, libraries: int) -> None:
        body = (
            f"{plural(files, 'file')} in {plural(libraries, 'library', 'libraries')}. Type words or a question; "
            "Enter opens the selected file, Ctrl+Enter shows it in its folder."
        )
        self._show("type-to-search", "What are you looking for?", body)

    def show_no_results(self, query: str, mode: str, filtered: bool, indexing: str = "", paused: bool = False) -> None:
        """Nothing found; while indexing runs or is paused (`indexing` says how far), that is said first: more
        may come. A query of punctuation alone has nothing to search for, which neither waiting nor words only
        changes."""
        if not searchable(query):
            body = "Type a word or a question: a search needs letters or digits."
            buttons = [self.clear_button] if filtered else []
            self._show("no-results", f"Nothing to search for in “{query}”", body, *buttons)
            return
        if indexing:
            body = (
                f"Indexing is paused ({indexing}). More files may match when it resumes."
                if paused
                else f"Indexing is under way ({indexing}). Results appear here as files are added; there is no "
                "need to search again."
            )
            buttons = [self.clear_button] if filtered else []
            self._show("no-results-yet", f"Nothing found yet for “{query}”", body, *buttons)
            return
        tips = []
        if filtered:
            tips.append("the filters may hide results")
        if mode != "keyword":
            tips.append("try exact words only")
        tip = ("; ".join(tips)).capitalize() + "." if tips else "Try other words."
        buttons = [b for b, show in ((self.keyword_button, mode != "keyword"), (self.clear_button, filtered)) if show]
        self._show("no-results", f"No results for “{query}”", tip, *buttons)
