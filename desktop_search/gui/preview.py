"""The preview pane: the hit's whole document with every term of the query marked, opened at the best
passage; F3 / Shift+F3 (or the arrows) go to the next or previous term; PDF pages are marked."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QPalette, QShortcut, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_search.core.preview import Preview
from desktop_search.gui.notices import WrappingLabel
from desktop_search.gui.preview_html import hit_anchor, preview_html
from desktop_search.gui.result_model import hit_details, hit_heading
from desktop_search.gui.results_view import mark_color
from desktop_search.records import Hit


def anchor_positions(doc: QTextDocument) -> dict[str, int]:
    """Where each named anchor stands in the document (Qt puts a name on the character after it)."""
    found: dict[str, int] = {}
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            for name in fragment.charFormat().anchorNames():
                found.setdefault(name, fragment.position())
            it += 1
        block = block.next()
    return found


class PreviewPane(QWidget):
    """Shows the current hit; Open and Reveal act on it."""

    openRequested = Signal(object)  # Hit
    revealRequested = Signal(object)  # Hit

    def __init__(self) -> None:
        super().__init__()
        self.hit: Hit | None = None
        self.title = WrappingLabel()  # a long title wraps: clipped, it hid the file name after it
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.details = QLabel()
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        for label in (self.title, self.details):  # a long file name must not widen the pane
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.text.setAccessibleName("Preview of the document")
        self.preview: Preview | None = None
        self.current = -1
        self._anchors: dict[str, int] = {}
        self.position = QLabel()
        self.position.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.previous_button = QToolButton()
        self.previous_button.setArrowType(Qt.ArrowType.UpArrow)
        self.previous_button.setToolTip("Previous match (Shift+F3)")
        self.next_button = QToolButton()
        self.next_button.setArrowType(Qt.ArrowType.DownArrow)
        self.next_button.setToolTip("Next match (F3)")
        self.previous_button.clicked.connect(self.previous_hit)
        self.next_button.clicked.connect(self.next_hit)
        for keys, slot in (("F3", self.next_hit), ("Shift+F3", self.previous_hit)):
            QShortcut(QKeySequence(keys), self, slot, context=Qt.ShortcutContext.WindowShortcut)
        self.open_button = QPushButton("Open")
        self.open_button.setToolTip("Open in its application (Enter)")
        self.reveal_button = QPushButton("Show in folder")
        self.reveal_button.setToolTip("Reveal in the file manager (Ctrl+Enter)")
        self.open_button.clicked.connect(lambda: self.hit and self.openRequested.emit(self.hit))
        self.reveal_button.clicked.connect(lambda: self.hit and self.revealRequested.emit(self.hit))
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.reveal_button)
        buttons.addStretch()
        buttons.addWidget(self.position)
        buttons.addWidget(self.previous_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)
        self.clear()

    def clear(self) -> None:
        self.hit = None
        self.preview = None
        self.current = -1
        self.title.setText("")
        self.details.setText("")
        self.text.setPlainText("")
        self.position.setText("")
        for button in (self.open_button, self.reveal_button, self.previous_button, self.next_button):
            button.setEnabled(False)

    def show_preview(self, preview: Preview) -> None:
        """Show the document, scrolled to the hit's passage with its first term selected."""
        hit = preview.hit
        self.hit, self.preview = hit, preview
        self.title.setText(hit_heading(hit))
        self.title.setToolTip(hit.path)
        self.details.setText(hit_details(hit) + f"  ·  library {hit.library}")
        palette = self.palette()
        page = palette.color(QPalette.ColorRole.PlaceholderText).name()
        self.text.setHtml(preview_html(preview, mark_color(palette), mark_color(palette, 0.14), page))
        self._anchors = anchor_positions(self.text.document())
        self.open_button.setEnabled(True)
        self.reveal_button.setEnabled(True)
        several = len(preview.highlights) > 1
        self.previous_button.setEnabled(several)
        self.next_button.setEnabled(several)
        if preview.highlights:
            self.go_to_hit(preview.best)
        else:
            self.current = -1
            self.position.setText("")
            self.text.scrollToAnchor("match")

    def next_hit(self) -> None:
        if self.preview is not None and self.preview.highlights:
            self.go_to_hit((self.current + 1) % len(self.preview.highlights))

    def previous_hit(self) -> None:
        if self.preview is not None and self.preview.highlights:
            self.go_to_hit((self.current - 1) % len(self.preview.highlights))

    def go_to_hit(self, index: int) -> None:
        """Select the index-th marked term and scroll it into the middle of the view."""
        assert self.preview is not None
        self.current = index
        a, b = self.preview.highlights[index]
        start = self._anchors.get(hit_anchor(index))
        if start is not None:
            cursor = QTextCursor(self.text.document())
            cursor.setPosition(start)
            cursor.setPosition(start + b - a, QTextCursor.MoveMode.KeepAnchor)
            self.text.setTextCursor(cursor)
            self.text.scrollToAnchor(hit_anchor(index))
            self.text.ensureCursorVisible()
        self.position.setText(f"{index + 1} of {len(self.preview.highlights)}")
